"""Every generated page is valid HTML per the Nu HTML Checker (vnu.jar, the W3C's validator).

One JVM run checks every page of two sites: the example show (with its own
pages) and a show with hostile notes, a transcript and a theme-less layout.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from conftest import copy_example, episode_yaml
from site_tools import vnu_command
from test_site import HOSTILE, NOW, SITE_YAML, html_files, publish


def test_every_page_is_valid_html(make_show, tmp_path: Path) -> None:
    command = vnu_command()
    example = publish(copy_example(tmp_path), tmp_path / "example", NOW)
    files = {
        "001-episode.yaml": episode_yaml(1, description=HOSTILE, transcript="t/001.vtt"),
        "t/001.vtt": "WEBVTT\n\n00:00:00.000 --> 00:00:01.000\nHello <b>there</b> & bye.\n",
        "pages/about.md": "---\ntitle: About <us>\nlang: fr\n---\nBonjour & <em>salut</em>.\n",
    }
    other = publish(make_show(3, files=files, show_yaml=SITE_YAML), tmp_path / "other", NOW)
    pages = html_files(example) + html_files(other)
    assert len(pages) > 50
    result = subprocess.run(
        [*command, "--errors-only", "--format", "json", *map(str, pages)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    report = json.loads(result.stderr or result.stdout)
    errors = [
        f"{m.get('url', '')}:{m.get('lastLine', '?')}: {m['message']}"
        for m in report["messages"]
        if m["type"] == "error" or m.get("subType") == "fatal"
    ]
    assert errors == []
    assert result.returncode == 0
