"""The example show's feed and one episode page, byte for byte: any change in what
gaepod publishes shows up in review as a diff of tests/golden/.

After a change meant to alter the output, refresh them with
`python -m pytest tests/test_golden.py --update-golden` and read the diff.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import REPO, copy_example
from gaepod.cli import app

GOLDEN = REPO / "tests" / "golden"
NOW = "2026-11-24T12:00:00+0000"
EPISODE_PAGE = "episodes/003-lukasz-wisniewski-archives-empires-uses-of-history/index.html"
FILES = {"feed.xml": "feed.xml", "episode-003.html": EPISODE_PAGE}


@pytest.fixture(scope="module")
def published(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("golden")
    show, out = copy_example(folder), folder / "public"
    result = CliRunner().invoke(
        app, ["build", "--quiet", "--show", str(show), "--out", str(out), "--now", NOW]
    )
    assert result.exit_code == 0, result.output
    return out


@pytest.mark.parametrize("golden", sorted(FILES))
def test_published_file_matches_its_golden_copy(
    published: Path, golden: str, request: pytest.FixtureRequest
) -> None:
    made = (published / FILES[golden]).read_bytes()
    path = GOLDEN / golden
    if request.config.getoption("--update-golden"):
        path.write_bytes(made)
    assert path.is_file(), f"{path} is missing: run pytest with --update-golden"
    expected = path.read_bytes()
    assert made == expected, (
        f"{FILES[golden]} differs from {path.relative_to(REPO)}; if the change is meant, "
        "refresh it with --update-golden and review the diff"
    )
