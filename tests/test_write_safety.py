"""Writes into the output folder under hostile conditions: links placed inside it, and
a disk that fills up mid-build.

The promises under test: a build never creates, replaces or deletes a file outside
the output folder (a link inside it is refused, never followed, and removing stale
files or sweeping temp files never goes through one); and a build that fails, for
a full disk or anything else, leaves the published files exactly as they were and
no `.gaepod-tmp-*` file, in this process or in the workers that staged files.
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import shutil
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner, Result

from gaepod import cleanup, durable, fsio
from gaepod.cli import app
from gaepod.errors import OutputError
from gaepod.publish import outputs
from gaepod.publish.outputs import Output, write_outputs
from gaepod.speed.parallel import worker_count

NOW = "2026-11-24T12:00:00+0000"
TEMP_PREFIX = fsio.TEMP_PREFIX
FIRST = "001-marta-oliveira-ports-pipelines-power"
SECOND = "002-soren-akesson-arctic-routes-rare-earths-cold-peace"
FULL_DISK = os.strerror(errno.ENOSPC)  # "No space left on device"
IN_PROCESS, IN_WORKERS = 10**9, 1  # outputs.PARALLEL_JOBS: where files are staged

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

    assert cleanup.remove_stale(out, [stale]) == []

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

    assert cleanup.sweep_temp_files(out) == 3

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
    assert cleanup.sweep_temp_files(tmp_path, older_than_seconds=3600) == 1
    assert young.exists() and not old.exists()


# 2. A full disk


class FullDiskFile:
    """A file whose write (or flush) fails as it does on a full disk: ENOSPC, no file name."""

    def __init__(self, handle: Any, fails_at: str) -> None:
        self.handle = handle
        self.fails_at = fails_at

    def write(self, data: bytes) -> int:
        if self.fails_at == "write":
            raise OSError(errno.ENOSPC, FULL_DISK)
        return int(self.handle.write(data))

    def flush(self) -> None:
        if self.fails_at == "flush":
            raise OSError(errno.ENOSPC, FULL_DISK)
        self.handle.flush()

    def __enter__(self) -> FullDiskFile:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.handle.close()

    def __getattr__(self, name: str) -> Any:
        return getattr(self.handle, name)


FillDisk = Callable[[Path, int, str], Path]


@pytest.fixture
def fill_disk(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> FillDisk:
    """fill(out, k, fails_at): in each process, the k-th file opened for writing under
    `out` fails at its first write or its flush. Returns a file that lists the pids of
    the processes where it failed (forked workers inherit the patch)."""
    real_fdopen = os.fdopen
    failed_in = tmp_path / "failed-in"

    def fill(out: Path, k: int, fails_at: str) -> Path:
        opened = [0]

        def fdopen(fd: int, *args: Any, **kwargs: Any) -> Any:
            handle = real_fdopen(fd, *args, **kwargs)
            with contextlib.suppress(OSError):
                if os.readlink(f"/proc/self/fd/{fd}").startswith(f"{out}/"):
                    opened[0] += 1
                    if opened[0] == k:
                        with failed_in.open("a") as record:
                            record.write(f"{os.getpid()}\n")
                        return FullDiskFile(handle, fails_at)
            return handle

        monkeypatch.setattr(os, "fdopen", fdopen)
        return failed_in

    return fill


def pages(count: int, text: str) -> list[Output]:
    return [Output(f"p/{i:03d}/index.html", data=text.encode()) for i in range(count)]


@pytest.mark.parametrize("fails_at", ["write", "flush"])
@pytest.mark.parametrize("staged_by", [IN_PROCESS, IN_WORKERS])
def test_a_full_disk_while_staging_leaves_the_old_files_and_no_temp_file(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    fill_disk: FillDisk,
    staged_by: int,
    fails_at: str,
) -> None:
    if staged_by == IN_WORKERS and worker_count() < 2:
        pytest.skip("one core: no worker is forked")
    out = tmp_path / "public"
    monkeypatch.setattr(outputs, "PARALLEL_JOBS", staged_by)
    write_outputs(out, [*pages(300, "old"), Output("feed.xml", data=b"<rss>old</rss>")])
    before = tree(out)
    failed_in = fill_disk(out, 70, fails_at)  # a worker has handed over spans by then

    with pytest.raises(OutputError) as raised:
        write_outputs(out, [*pages(300, "new"), Output("feed.xml", data=b"<rss>new</rss>")])

    assert re.fullmatch(
        rf"cannot write {re.escape(str(out))}/p/\d+/index\.html: {FULL_DISK}; "
        "the published files were left as they were",
        raised.value.message,
    ), raised.value.message
    pids = {int(pid) for pid in failed_in.read_text().split()}
    assert (os.getpid() in pids) == (staged_by == IN_PROCESS)
    assert temp_files(tmp_path) == []
    assert tree(out) == before


def test_a_full_disk_while_flushing_a_few_files_names_the_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "feed.xml"
    target.write_bytes(b"old")

    def fsync(fd: int) -> None:
        raise OSError(errno.ENOSPC, FULL_DISK)

    monkeypatch.setattr(os, "fsync", fsync)
    with pytest.raises(OSError) as raised:
        fsio.atomic_write(target, b"new")
    assert raised.value.filename == str(target)
    assert target.read_bytes() == b"old"
    assert temp_files(tmp_path) == []


@pytest.fixture
def big_show(example_copy: Path) -> Callable[[int], None]:
    """add(n): n more episodes in the example show, their audio copies of 001.mp3."""

    def add(count: int) -> None:
        for number in range(100, 100 + count):
            shutil.copyfile(example_copy / "audio/001.mp3", example_copy / f"audio/{number}.mp3")
            (example_copy / f"{number}-extra.yaml").write_text(
                f'title: "Extra episode {number}"\n'
                f"date: 2024-{1 + number % 12:02d}-{1 + number % 28:02d}T10:00:00+02:00\n"
                f"number: {number}\naudio: audio/{number}.mp3\n"
                f"description: Notes for extra episode {number}.\n",
                encoding="utf-8",
            )

    return add


@pytest.mark.parametrize("staged_by", [IN_PROCESS, IN_WORKERS])
def test_a_build_on_a_full_disk_fails_in_one_line_and_the_next_build_succeeds(
    example_copy: Path,
    big_show: Callable[[int], None],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    fill_disk: FillDisk,
    staged_by: int,
) -> None:
    show, out = example_copy, tmp_path / "public"
    big_show(60)
    assert build(show, out).exit_code == 0
    before = tree(out)
    (show / "podcast.yaml").write_text(
        (show / "podcast.yaml").read_text("utf-8").replace("Crossroads", "Crossways"), "utf-8"
    )  # every page shows the title: every page is staged again
    monkeypatch.setattr(outputs, "PARALLEL_JOBS", staged_by)
    fill_disk(out, 40, "write")

    message = one_line_error(build(show, out))

    failed = re.fullmatch(rf"cannot write (\S+): {FULL_DISK}; the published files.*", message)
    assert failed, message
    assert failed[1].startswith(f"{out}/") and TEMP_PREFIX not in failed[1]  # the file
    assert temp_files(tmp_path) == []
    assert tree(out) == before
    monkeypatch.undo()
    assert build(show, out).exit_code == 0
    assert b"Crossways" in (out / "feed.xml").read_bytes()
    assert temp_files(tmp_path) == []


@pytest.mark.parametrize("k", [1, 3])
def test_a_failed_rename_names_the_published_file(
    published: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch, k: int
) -> None:
    """os.replace names both files; the message names the one being published, and
    says when some were renamed into place already (the k-th rename in public/ fails)."""
    show, out = published
    edit_title(show / f"{FIRST}.yaml")
    real, calls = os.replace, [0]

    def replace(source: str, target: str, **kwargs: Any) -> None:
        if Path(target).is_relative_to(out):
            calls[0] += 1
            if calls[0] == k:
                raise OSError(errno.ENOSPC, FULL_DISK, source, None, target)
        real(source, target, **kwargs)

    monkeypatch.setattr(os, "replace", replace)
    message = one_line_error(build(show, out))
    failed = re.match(rf"cannot write (\S+): {FULL_DISK}; ", message)
    assert failed, message
    assert failed[1].startswith(f"{out}/") and TEMP_PREFIX not in failed[1]  # the file
    assert ("were already in place" in message) == (k > 1)
    assert temp_files(out) == []


# A real full disk: a tiny tmpfs, when this runs as root and may mount one.


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    disk = tmp_path / "disk"
    disk.mkdir()
    if os.geteuid() != 0:
        pytest.skip("mounting a tmpfs needs root")
    mount = ["mount", "-t", "tmpfs", "-o", "size=3m", "tmpfs", str(disk)]
    if subprocess.run(mount, capture_output=True).returncode != 0:
        pytest.skip("cannot mount a tmpfs here")
    try:
        yield disk
    finally:
        if subprocess.run(["umount", str(disk)], capture_output=True).returncode != 0:
            subprocess.run(["umount", "-l", str(disk)], check=True)


@pytest.mark.parametrize("staged_by", [IN_PROCESS, IN_WORKERS])
def test_a_build_that_fills_a_real_disk_leaves_the_last_feed_and_no_temp_file(
    example_copy: Path,
    big_show: Callable[[int], None],
    small_disk: Path,
    monkeypatch: pytest.MonkeyPatch,
    staged_by: int,
) -> None:
    show, out = example_copy, small_disk / "public"
    assert build(show, out).exit_code == 0  # ~1.5 MB: fits in 3 MB
    before = tree(out)
    big_show(60)  # ~2 MB more audio, and the pages
    edit_title(show / f"{FIRST}.yaml")
    monkeypatch.setattr(outputs, "PARALLEL_JOBS", staged_by)

    message = one_line_error(build(show, out))

    failed = re.fullmatch(rf"cannot write (\S+): {FULL_DISK}; the published files.*", message)
    assert failed, message
    assert failed[1].startswith(f"{out}/") and TEMP_PREFIX not in failed[1]  # the file
    assert temp_files(small_disk) == []
    assert tree(out) == before
    subprocess.run(["mount", "-o", "remount,size=64m", str(small_disk)], check=True)
    assert build(show, out).exit_code == 0
    assert b"Edited: " in (out / "feed.xml").read_bytes()
    assert temp_files(small_disk) == []


def test_a_write_flushes_its_own_file_system_not_the_whole_host(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """sync(2) waits for every process's dirty pages on the machine: a cron build on a
    shared server must flush only the file system it wrote to."""

    def no_sync() -> None:
        raise AssertionError("os.sync() flushes the whole host")

    synced: list[set[Path]] = []
    real = durable.sync_file_systems
    monkeypatch.setattr(os, "sync", no_sync)
    monkeypatch.setattr(durable, "sync_file_systems", lambda f: synced.append(set(f)) or real(f))
    out = tmp_path / "out"
    first = [Output(f"page/{n}/index.html", data=b"first %d" % n) for n in range(20)]
    write_outputs(out, first)  # a first publish: one flush of the new folder
    write_outputs(out, [Output(o.relpath, data=b"second") for o in first])  # in place: twice
    assert len(synced) == 3
    assert all(folder.is_relative_to(tmp_path) for folders in synced for folder in folders)
    assert (out / "page/3/index.html").read_bytes() == b"second"
