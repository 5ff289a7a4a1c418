"""Writes into the output folder when links were placed inside it.

The promise under test: a build never creates, replaces or deletes a file outside
the output folder: a link inside it is refused, never followed, and removing stale
files or sweeping temp files never goes through one.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from gaepod import fsio
from gaepod.cli.app import app

NOW = "2026-11-24T12:00:00+0000"
TEMP_PREFIX = fsio.TEMP_PREFIX
FIRST = "001-marta-oliveira-ports-pipelines-power"
SECOND = "002-soren-akesson-arctic-routes-rare-earths-cold-peace"

Tree = dict[str, bytes | str]  # relpath -> file bytes, or "-> target" for a link


def build(show: Path, out: Path, *extra: str) -> Result:
    args = ["build", "-q", "--no-tag", "--show", str(show), "--out", str(out), *extra]
    return CliRunner().invoke(app, [*args, "--now", NOW])


def tree(folder: Path) -> Tree:
    """Every file and link under `folder`, never following a link."""
    found: Tree = {}
    for top, folders, names in os.walk(folder):  # os.walk does not enter linked folders
        for name in folders + names:
            path = Path(top, name)
            relpath = path.relative_to(folder).as_posix()
            if path.is_symlink():
                found[relpath] = f"-> {os.readlink(path)}"
            elif path.is_file():
                found[relpath] = path.read_bytes()
    return found


def temp_files(*folders: Path) -> list[str]:
    return sorted(
        str(Path(top, name))
        for folder in folders
        for top, subfolders, names in os.walk(folder)
        for name in subfolders + names
        if name.startswith(TEMP_PREFIX)
    )


def one_line_error(result: Result) -> str:
    """The build failed as the CLI promises: exit 1, one line on stderr, no traceback."""
    assert result.exit_code == 1, result.output
    assert isinstance(result.exception, SystemExit), result.exception
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.output
    return lines[0]


def edit_title(episode: Path) -> None:
    text = episode.read_text(encoding="utf-8")
    episode.write_text(text.replace('title: "', 'title: "Edited: ', 1), encoding="utf-8")


# 1. Links inside the output folder


@pytest.fixture
def published(example_copy: Path, tmp_path: Path) -> tuple[Path, Path]:
    """The example show and its first build in public/."""
    out = tmp_path / "public"
    assert build(example_copy, out).exit_code == 0
    return example_copy, out


def victim_folder(tmp_path: Path) -> Path:
    """A folder outside public/ that a build must never touch."""
    victim = tmp_path / "victim"
    victim.mkdir()
    (victim / "index.html").write_bytes(b"keep me\n")
    (victim / "chapters.json").write_bytes(b"{}\n")
    (victim / "feed.xml").write_bytes(b"<rss>not gaepod's</rss>\n")
    (victim / "notes.txt").write_bytes(b"mine\n")
    return victim


LINKS = {
    # what is replaced by a link, and what the link points to
    "folder at depth 1": ("episodes", "victim"),
    "folder at depth 2": (f"episodes/{FIRST}", "victim"),
    "file": ("feed.xml", "victim/feed.xml"),
    "folder, to a folder inside out": (f"episodes/{FIRST}", f"public/episodes/{SECOND}"),
}


@pytest.mark.parametrize("when", ["cold build, cache deleted", "build after an edit"])
@pytest.mark.parametrize("link", list(LINKS))
def test_a_link_inside_out_is_refused_and_nothing_is_written_through_it(
    published: tuple[Path, Path], tmp_path: Path, link: str, when: str
) -> None:
    show, out = published
    victim_folder(tmp_path)
    relpath, points_to = LINKS[link]
    linked = out / relpath
    if linked.is_dir():
        shutil.rmtree(linked)
    else:
        linked.unlink()
    linked.symlink_to(tmp_path / points_to)
    before, outside = tree(out), tree(tmp_path / "victim")
    if when == "build after an edit":
        edit_title(show / f"{FIRST}.yaml")
    else:
        shutil.rmtree(show / ".gaepod")

    message = one_line_error(build(show, out))

    assert f"refusing to write through the link {linked} " in message
    assert "nothing was published" in message
    assert tree(out) == before  # the link too: never replaced nor removed
    assert tree(tmp_path / "victim") == outside
    assert temp_files(tmp_path) == []
    linked.unlink()  # as the message says: then the next build succeeds
    assert build(show, out).exit_code == 0
    assert not linked.is_symlink() and linked.exists()
    assert tree(tmp_path / "victim") == outside
    assert temp_files(tmp_path) == []


@pytest.mark.parametrize(
    ("linked", "stale"),
    [
        ("gone", "gone/index.html"),
        ("old/gone", "old/gone/index.html"),
        ("old/gone/index.html", "old/gone/index.html"),
    ],
)
def test_removing_stale_files_never_goes_through_a_link(
    tmp_path: Path, linked: str, stale: str
) -> None:
    out = tmp_path / "public"
    victim = victim_folder(tmp_path)
    link = out / linked
    link.parent.mkdir(parents=True)
    link.symlink_to(victim / "index.html" if linked.endswith(".html") else victim)
    outside = tree(victim)

    assert fsio.remove_stale(out, [stale]) == []

    assert tree(victim) == outside
    assert link.is_symlink()


def test_the_page_of_a_removed_episode_behind_a_link_is_left_alone(
    published: tuple[Path, Path], tmp_path: Path
) -> None:
    show, out = published
    victim = victim_folder(tmp_path)
    page = out / "episodes" / SECOND
    shutil.rmtree(page)
    page.symlink_to(victim)
    outside = tree(victim)
    (show / f"{SECOND}.yaml").unlink()

    result = build(show, out, "--allow-removal")

    assert result.exit_code == 0, result.output
    assert tree(victim) == outside
    assert page.is_symlink()
    assert not (out / "audio" / "002.mp3").exists()  # what is not behind a link goes


def test_sweeping_temp_files_removes_only_gaepods_own_and_never_follows_a_link(
    tmp_path: Path,
) -> None:
    out = tmp_path / "public"
    victim = victim_folder(tmp_path)
    (victim / f"{TEMP_PREFIX}victims").write_bytes(b"not gaepod's\n")
    leftovers = [out / f"{TEMP_PREFIX}a", out / "episodes" / "x" / f"{TEMP_PREFIX}b"]
    for path in leftovers:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"half a page")
    beside = tmp_path / f"{TEMP_PREFIX}public-killed"  # a first build killed while filling it
    (beside / "episodes").mkdir(parents=True)
    (beside / "episodes" / "index.html").write_bytes(b"half a site")
    (out / f"{TEMP_PREFIX}link").symlink_to(victim / "index.html")
    (out / "linked").symlink_to(victim)
    (tmp_path / f"{TEMP_PREFIX}public-link").symlink_to(victim)
    (out / "keep.html").write_bytes(b"published")
    outside = tree(victim)

    assert fsio.sweep_temp_files(out) == 3

    assert not beside.exists() and not any(path.exists() for path in leftovers)
    assert tree(victim) == outside
    assert (out / f"{TEMP_PREFIX}link").is_symlink()
    assert (out / "linked").is_symlink() and (tmp_path / f"{TEMP_PREFIX}public-link").is_symlink()
    assert (out / "keep.html").read_bytes() == b"published"


def test_sweeping_with_an_age_keeps_younger_temp_files(tmp_path: Path) -> None:
    young, old = tmp_path / f"{TEMP_PREFIX}young", tmp_path / f"{TEMP_PREFIX}old"
    young.write_bytes(b"")
    old.write_bytes(b"")
    os.utime(old, (0, 0))
    assert fsio.sweep_temp_files(tmp_path, older_than_seconds=3600) == 1
    assert young.exists() and not old.exists()
