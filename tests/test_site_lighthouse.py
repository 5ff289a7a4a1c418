"""Lighthouse (node_modules, pinned in package.json) on Debian's Chromium, mobile
emulation, against the bundled show's site served over HTTP on 127.0.0.1 by gaepod's
own preview server (publish/serve.py): home, an episode, the archive and search each
score at least 95 in Performance, Accessibility, Best Practices and SEO.

One Lighthouse run per page (~15 s each; a second one when Performance, which
varies with the machine's load, falls short). The scores are printed; the JSON reports are
kept with the screenshots ($GAEPOD_ARTIFACTS or test-artifacts/). Without Lighthouse
(no `npm ci`) the test is skipped, and fails under CI=1.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from conftest import copy_example
from gaepod.publish.serve import make_server
from site_tools import ARTIFACTS, REPO, chromium_path, missing_tool
from test_site import publish

LIGHTHOUSE = REPO / "node_modules" / ".bin" / "lighthouse"
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
THRESHOLD = 0.95
CHROME_FLAGS = (
    "--headless --no-sandbox --disable-gpu --disable-background-networking"
    " --disable-component-update --disable-sync --no-first-run"
)
PAGES = {
    "home": "index.html",
    "episode": "episodes/001-marta-oliveira-ports-pipelines-power/index.html",
    "archive": "archive/index.html",
    "search": "search/index.html",
}


@pytest.fixture(scope="module")
def lighthouse() -> list[str]:
    node = shutil.which("node")
    if node is None or not LIGHTHOUSE.is_file():
        missing_tool("Lighthouse (node and `npm ci` for package.json's lighthouse)")
    return [str(node), str(LIGHTHOUSE.resolve())]


@pytest.fixture(scope="module")
def base_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    folder = tmp_path_factory.mktemp("lighthouse")
    site = publish(copy_example(folder), folder / "public")
    server = make_server(site, port=0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


def audit(lighthouse: list[str], url: str, report: Path) -> dict:
    command = [
        *lighthouse,
        url,
        "--quiet",
        "--output=json",
        f"--output-path={report}",
        "--form-factor=mobile",  # Lighthouse's default: a mid-range phone on slow 4G
        f"--only-categories={','.join(CATEGORIES)}",
        f"--chrome-flags={CHROME_FLAGS}",
    ]
    env = {**os.environ, "CHROME_PATH": chromium_path()}
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=240)
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(report.read_text())


def weak_points(result: dict) -> list[str]:
    """The audits that cost points, for the failure message."""
    weak = []
    for category in result["categories"].values():
        for ref in category["auditRefs"]:
            found = result["audits"][ref["id"]]
            if ref["weight"] and found.get("score") is not None and found["score"] < 1:
                weak.append(f"{ref['id']} {found['score']} {found.get('displayValue', '')}")
    return weak


@pytest.mark.parametrize("name", list(PAGES))
def test_lighthouse_scores_at_least_95_on_a_phone(lighthouse, base_url, name) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    report = ARTIFACTS / f"lighthouse-{name}.json"
    result = audit(lighthouse, base_url + PAGES[name], report)
    assert result["configSettings"]["formFactor"] == "mobile"
    assert not result.get("runtimeError"), result.get("runtimeError")
    scores = {key: result["categories"][key]["score"] for key in CATEGORIES}
    if scores["performance"] is not None and scores["performance"] < THRESHOLD:
        # Performance alone varies from run to run with the machine's load (Lighthouse
        # says so and advises several runs): one more run, the better one counts. The
        # other categories do not vary, and are never run again.
        print(f"lighthouse {name}: performance {round(scores['performance'] * 100)}, again")
        again = audit(lighthouse, base_url + PAGES[name], report)
        scores["performance"] = max(
            scores["performance"], again["categories"]["performance"]["score"]
        )
        result = (
            again
            if scores["performance"] == again["categories"]["performance"]["score"]
            else result
        )
    print(f"lighthouse {name}: " + ", ".join(f"{k} {round(v * 100)}" for k, v in scores.items()))
    print(f"  report: {report}")
    low = {key: score for key, score in scores.items() if score is None or score < THRESHOLD}
    assert low == {}, (low, weak_points(result))
