"""`gaepod build` under faults: SIGKILL at any moment, failed renames, runs at once,
stale locks, and output folders that must never be wiped.

The promise under test: whatever happens to a build, public/ holds a complete,
valid previous or new feed (never a mix that breaks it), every file in it and
every audio file in the show is whole (its old or its new version), and the
next build succeeds and publishes exactly what an undisturbed build would.
"""

from __future__ import annotations

import errno
import fcntl
import itertools
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import feedparser
import mutagen
import pytest
from typer.testing import CliRunner, Result

from conftest import EXAMPLE_SHOW
from gaepod.cli import app

NOW = "2026-11-24T12:00:00+0000"
TEMP_PREFIX = ".gaepod-tmp-"
COPY_IGNORE = shutil.ignore_patterns(".gaepod", "published.yaml")
EDITED_EPISODE = "003-lukasz-wisniewski-archives-empires-uses-of-history.yaml"
NEW_EPISODE = """\
title: "Nadia Rahman: Salt, Sand, & the New Silk Roads?"
date: 2026-11-10T09:30:00-06:00
number: 9
season: 2
audio: audio/010.mp3
description: |
  Notes for the newest episode.
"""

# `python -c KILL_AT_REPLACE K build ...` runs gaepod and SIGKILLs itself at the K-th
# os.replace (K = 0: never), just before that rename: a real kill at a known moment.
# Every rename's target goes to stderr, so a K = 0 run maps K to what is committed.
KILL_AT_REPLACE = """
import os, signal, sys
limit, calls, real = int(sys.argv.pop(1)), [0], os.replace
def replace(src, dst, **kwargs):
    calls[0] += 1
    sys.stderr.write(f"replace: {os.path.abspath(dst)}\\n")
    sys.stderr.flush()
    if calls[0] == limit:
        os.kill(os.getpid(), signal.SIGKILL)
    return real(src, dst, **kwargs)
os.replace = replace
sys.argv[0] = "gaepod"
from gaepod.cli import main
main()
"""

Files = dict[str, bytes]
Kill = Callable[["subprocess.Popen[bytes]"], None]


def build_command(
    show: Path, out: Path, *extra: str, kill_at_replace: int | None = None
) -> list[str]:
    args = ["build", "--show", str(show), "--out", str(out), "--now", NOW, *extra]
    if kill_at_replace is None:
        return [sys.executable, "-m", "gaepod", *args]
    return [sys.executable, "-c", KILL_AT_REPLACE, str(kill_at_replace), *args]


def run_build(show: Path, out: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        build_command(show, out, "--quiet", *extra), capture_output=True, text=True, timeout=60
    )


def files(folder: Path) -> Files:
    """Every file under `folder` but gaepod's state and temp files, by relative path."""
    found = {}
    for path in sorted(folder.rglob("*")):
        relpath = path.relative_to(folder)
        if relpath.parts[0] == ".gaepod" or path.name.startswith(TEMP_PREFIX):
            continue
        if path.is_file():
            found[relpath.as_posix()] = path.read_bytes()
    return found


def temp_files(*folders: Path) -> list[str]:
    return sorted(str(p) for folder in folders for p in folder.rglob(TEMP_PREFIX + "*"))


def edit_show(show: Path) -> None:
    """A change subscribers see: one title edited, one episode added (untagged audio)."""
    episode = show / EDITED_EPISODE
    text = episode.read_text(encoding="utf-8")
    episode.write_text(text.replace("the Uses of History", "the Uses of Memory"), "utf-8")
    shutil.copyfile(EXAMPLE_SHOW / "audio" / "001.mp3", show / "audio" / "010.mp3")
    (show / "010-nadia-rahman-salt-sand-silk-roads.yaml").write_text(NEW_EPISODE, "utf-8")


@dataclass
class State:
    show: Files
    out: Files

    @property
    def feed(self) -> bytes:
        return self.out["feed.xml"]


@dataclass
class Scenario:
    """A show and public/ before a build (copied fresh per trial) and what the build makes."""

    base: Path
    old: State
    new: State
    commits: list[str]  # the renames of an undisturbed build, in order ("public/feed.xml")
    moments: dict[str, float]  # seconds from its start to its first "check:", "tag:", ... "end"
    trials: Iterator[int] = field(default_factory=lambda: itertools.count(1))

    def fresh_copy(self) -> tuple[Path, Path]:
        root = self.base / f"trial-{next(self.trials)}"  # count() is thread-safe
        shutil.copytree(self.base / "old" / "episodes", root / "episodes")
        shutil.copytree(self.base / "old" / "public", root / "public")
        return root / "episodes", root / "public"

    def commit_number(self, relpath: str, nth: int = 1) -> int:
        """1-based number of the rename of `relpath` (a prefix ending in '/' matches a folder)."""
        numbers = [
            i
            for i, target in enumerate(self.commits, 1)
            if target == relpath or (relpath.endswith("/") and target.startswith(relpath))
        ]
        return numbers[nth - 1]


def make_scenario(
    base: Path, first_build: tuple[str, ...], change: Callable[[Path], None]
) -> Scenario:
    """Publish the example show, change it, then build once undisturbed as the reference."""
    show, out = base / "old" / "episodes", base / "old" / "public"
    shutil.copytree(EXAMPLE_SHOW, show, ignore=COPY_IGNORE)
    assert run_build(show, out, *first_build).returncode == 0
    change(show)
    old = State(files(show), files(out))
    reference = Scenario(base, old, old, [], {})
    show, out = reference.fresh_copy()
    command = build_command(show, out, "--verbose", kill_at_replace=0)
    commits: list[str] = []
    moments: dict[str, float] = {}
    started = time.perf_counter()
    with subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE) as proc:
        assert proc.stderr is not None
        for line in proc.stderr:
            text = line.decode()
            if text.startswith("replace: "):
                target = Path(text.removeprefix("replace: ").strip())
                commits.append(target.relative_to(show.parent).as_posix())
            else:
                moments.setdefault(text.partition(":")[0], time.perf_counter() - started)
        assert proc.wait() == 0
    moments["end"] = time.perf_counter() - started
    new = State(files(show), files(out))
    assert not feedparser.parse(new.feed).bozo and new.feed != old.feed
    return Scenario(base, old, new, commits, moments, trials=reference.trials)


@pytest.fixture(scope="module")
def edited(tmp_path_factory: pytest.TempPathFactory) -> Scenario:
    """Published and tagged once; then a title edited and an episode added."""
    scenario = make_scenario(tmp_path_factory.mktemp("edited"), (), edit_show)
    assert b"the Uses of Memory" in scenario.new.feed and b"Nadia Rahman" in scenario.new.feed
    return scenario


@pytest.fixture(scope="module")
def untagged(tmp_path_factory: pytest.TempPathFactory) -> Scenario:
    """Published with --no-tag; the next build tags every audio file (and so changes the feed)."""
    return make_scenario(tmp_path_factory.mktemp("untagged"), ("--no-tag",), lambda show: None)


def assert_whole(label: str, folder: Path, old: Files, new: Files) -> None:
    """Every file is its old or its new version; none that both have went missing."""
    present = files(folder)
    for relpath, data in present.items():
        assert data in (old.get(relpath), new.get(relpath)), f"{label}: {relpath} is mixed"
    assert not (old.keys() & new.keys()) - present.keys(), f"{label}: files went missing"
    for relpath in present:
        if relpath.endswith((".mp3", ".m4a")):
            audio = mutagen.File(folder / relpath)
            assert audio is not None and audio.info.length > 0, f"{label}: {relpath} is damaged"


def assert_old_or_new(label: str, scenario: Scenario, show: Path, out: Path) -> None:
    feed = (out / "feed.xml").read_bytes()
    assert not feedparser.parse(feed).bozo, f"{label}: the feed does not parse"
    assert feed in (scenario.old.feed, scenario.new.feed), f"{label}: the feed is neither"
    if feed == scenario.new.feed:  # renamed last: everything it points to is in place
        assert files(out) == scenario.new.out, f"{label}: new feed, but not all files are new"
    else:
        assert_whole(label, out, scenario.old.out, scenario.new.out)
    assert_whole(label, show, scenario.old.show, scenario.new.show)


def assert_next_build_publishes_new(label: str, scenario: Scenario, show: Path, out: Path) -> None:
    result = run_build(show, out)
    assert (result.returncode, result.stderr) == (0, ""), f"{label}: {result.stderr}"
    assert (out / "feed.xml").read_bytes() == scenario.new.feed, f"{label}: wrong feed after"
    assert files(out) == scenario.new.out, f"{label}: public/ differs after the next build"
    assert files(show) == scenario.new.show, f"{label}: the show differs after the next build"


def killed_build(scenario: Scenario, label: str, command: list[str], kill: Kill) -> int:
    """Run a build in a fresh copy, kill it, check what it left and that the next build heals."""
    show, out = scenario.fresh_copy()
    command = [str(out) if part == "{out}" else part for part in command]
    command = [str(show) if part == "{show}" else part for part in command]
    with subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE) as proc:
        kill(proc)
        returncode = proc.wait(timeout=60)
    assert returncode in (0, -signal.SIGKILL), f"{label}: exit {returncode}"
    assert_old_or_new(label, scenario, show, out)
    assert_next_build_publishes_new(label, scenario, show, out)
    return returncode


def killed_builds(scenario: Scenario, trials: list[tuple[str, list[str], Kill]]) -> list[int]:
    """killed_build for each (label, command, kill), two at a time (each has its own copy)."""
    with ThreadPoolExecutor(max_workers=2) as pool:
        return list(pool.map(lambda trial: killed_build(scenario, *trial), trials))


def kill_after(seconds: float) -> Kill:
    def kill(proc: subprocess.Popen[bytes]) -> None:
        time.sleep(seconds)
        proc.kill()

    return kill


def kill_after_check(seconds: float) -> Kill:
    """Kill `seconds` after --verbose reports the check: the build holds the lock, tagging next."""

    def kill(proc: subprocess.Popen[bytes]) -> None:
        assert proc.stderr is not None
        for line in proc.stderr:
            if line.startswith(b"check:"):
                break
        time.sleep(seconds)
        proc.kill()

    return kill


def wait_for_kill(proc: subprocess.Popen[bytes]) -> None:
    proc.wait(timeout=60)  # it kills itself


def command_for(*extra: str, kill_at_replace: int | None = None) -> list[str]:
    return build_command(Path("{show}"), Path("{out}"), *extra, kill_at_replace=kill_at_replace)


# 1. SIGKILL at any moment


def test_sigkill_at_spread_moments_leaves_old_or_new_feed(edited: Scenario) -> None:
    # Start-up (imports) is half the run and writes nothing: two kills there, then ten
    # evenly spread from the check (the lock is held) to past the measured end, timed
    # from the --verbose line so that a slow machine still spreads them over the work.
    # The renames themselves: test_sigkill_at_each_commit_point_leaves_old_or_new_feed.
    check, end = edited.moments["check"], edited.moments["end"]
    trials = [
        (f"killed {s:.3f} s after start", command_for("-q"), kill_after(s))
        for s in (check * 0.5, check * 0.9)
    ]
    trials += [
        (f"killed {s:.3f} s after the check", command_for("--verbose"), kill_after_check(s))
        for s in ((end - check) * 1.1 * i / 9 for i in range(10))
    ]
    outcomes = killed_builds(edited, trials)
    assert outcomes.count(-signal.SIGKILL) >= 6  # most of them really were killed mid-run


@pytest.mark.parametrize(
    ("where", "relpath", "nth"),
    [
        ("audio retagged (edited title)", "episodes/audio/", 1),
        ("audio tagged (new episode)", "episodes/audio/", 2),
        ("first published file", "public/", 1),
        ("a published file midway", "public/tags/", 1),
        ("the feed", "public/feed.xml", 1),
        ("the ledger", "episodes/published.yaml", 1),
        ("the build cache", "episodes/.gaepod/cache.pickle", 1),
    ],
)
def test_sigkill_at_each_commit_point_leaves_old_or_new_feed(
    edited: Scenario, where: str, relpath: str, nth: int
) -> None:
    k = edited.commit_number(relpath, nth)
    label = f"killed before rename {k} ({where})"
    command = command_for("--quiet", kill_at_replace=k)
    assert killed_build(edited, label, command, wait_for_kill) == -signal.SIGKILL


def test_sigkill_while_tagging_leaves_every_audio_file_whole(untagged: Scenario) -> None:
    audio_renames = [i for i, c in enumerate(untagged.commits, 1) if c.endswith(".mp3")]
    assert len(audio_renames) >= 16  # each episode's file in the show, then its copy in public/
    tagging = untagged.moments["tag"] - untagged.moments["check"]
    trials = [
        (f"killed {s:.3f} s into tagging", command_for("--verbose"), kill_after_check(s))
        for s in (tagging * i / 4 for i in range(5))
    ]
    trials += [
        (f"killed before rename {k} (audio)", command_for("-q", kill_at_replace=k), wait_for_kill)
        for k in (audio_renames[4], audio_renames[8])
    ]
    killed_builds(untagged, trials)


def test_next_build_sweeps_temp_files_a_killed_build_left_in_public(edited: Scenario) -> None:
    show, out = edited.fresh_copy()
    k = edited.commit_number("public/")
    subprocess.run(build_command(show, out, "-q", kill_at_replace=k), capture_output=True)
    assert temp_files(out)  # staged, not yet renamed
    assert run_build(show, out).returncode == 0
    assert temp_files(out) == []


def test_next_build_sweeps_temp_files_a_killed_build_left_in_the_show(edited: Scenario) -> None:
    show, out = edited.fresh_copy()
    k = edited.commit_number("episodes/published.yaml")
    subprocess.run(build_command(show, out, "-q", kill_at_replace=k), capture_output=True)
    assert temp_files(show)
    assert run_build(show, out).returncode == 0
    assert temp_files(show) == []


@pytest.fixture
def failing_rename(monkeypatch: pytest.MonkeyPatch) -> Callable[[int], None]:
    """fail(k): the k-th os.replace from now on raises ENOSPC (a full disk) instead."""
    import gaepod.fsio

    real = os.replace

    def fail(k: int) -> None:
        calls = [0]

        def replace(src: str | Path, dst: str | Path, **kwargs: int | None) -> None:
            calls[0] += 1
            if calls[0] == k:
                raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(dst))
            real(src, dst, **kwargs)

        # gaepod.fsio.os is the os module: every module's renames fail alike
        monkeypatch.setattr(gaepod.fsio.os, "replace", replace)  # type: ignore[attr-defined]

    return fail


def invoke_build(show: Path, out: Path) -> Result:
    args = ["build", "-q", "--show", str(show), "--out", str(out), "--now", NOW]
    return CliRunner().invoke(app, args)


@pytest.mark.parametrize(
    ("relpath", "exit_code"),
    [
        ("episodes/audio/", 1),  # tagging refused: nothing published
        ("public/", 1),
        ("public/tags/", 1),
        ("public/feed.xml", 1),
        ("episodes/published.yaml", 1),
        ("episodes/.gaepod/cache.pickle", 0),  # the cache only saves time
    ],
)
def test_failed_rename_leaves_old_or_new_feed(
    edited: Scenario,
    failing_rename: Callable[[int], None],
    monkeypatch: pytest.MonkeyPatch,
    relpath: str,
    exit_code: int,
) -> None:
    show, out = edited.fresh_copy()
    failing_rename(edited.commit_number(relpath))
    result = invoke_build(show, out)
    monkeypatch.undo()  # the renames work again
    label = f"rename of {relpath} failed"
    assert result.exit_code == exit_code, f"{label}: {result.output}"
    assert_old_or_new(label, edited, show, out)
    assert temp_files(show, out) == [], label  # a failure in-process cleans up after itself
    assert_next_build_publishes_new(label, edited, show, out)
    assert temp_files(show, out) == []


def test_failed_rename_is_reported_without_a_traceback(
    edited: Scenario, failing_rename: Callable[[int], None]
) -> None:
    show, out = edited.fresh_copy()
    failing_rename(edited.commit_number("public/feed.xml"))
    result = invoke_build(show, out)
    assert result.exit_code == 1
    assert isinstance(result.exception, SystemExit)  # not the OSError itself
    assert "No space left on device" in result.stderr


# 2. Runs at once


def test_four_builds_at_once_all_succeed_with_the_reference_feed(edited: Scenario) -> None:
    show, out = edited.fresh_copy()
    procs = [
        subprocess.Popen(
            build_command(show, out, "--quiet"),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(4)
    ]
    results = [(*p.communicate(timeout=60), p.returncode) for p in procs]
    for stdout, stderr, returncode in results:
        assert (returncode, stdout, stderr) == (0, "", "")
    assert not feedparser.parse((out / "feed.xml").read_bytes()).bozo
    assert files(out) == edited.new.out
    assert files(show) == edited.new.show
    assert temp_files(show, out) == []


@pytest.fixture
def held_lock(edited: Scenario) -> Iterator[tuple[Path, Path, Callable[[], None]]]:
    """A fresh copy whose lock this test holds, as another gaepod run would; and release()."""
    show, out = edited.fresh_copy()
    fd = os.open(show / ".gaepod" / "lock", os.O_RDWR | os.O_CREAT, 0o644)
    fcntl.flock(fd, fcntl.LOCK_EX)
    released: list[bool] = []

    def release() -> None:
        if not released:
            released.append(True)
            os.close(fd)  # closing the only descriptor drops the flock

    yield show, out, release
    release()


def test_no_wait_exits_3_at_once_while_the_lock_is_held(
    edited: Scenario, held_lock: tuple[Path, Path, Callable[[], None]]
) -> None:
    show, out, _release = held_lock
    started = time.perf_counter()
    result = run_build(show, out, "--no-wait")
    assert time.perf_counter() - started < 2
    assert result.returncode == 3
    assert "lock" in result.stderr and "Traceback" not in result.stderr
    assert files(out) == edited.old.out and files(show) == edited.old.show


def test_build_waits_for_the_lock_and_then_finishes(
    edited: Scenario, held_lock: tuple[Path, Path, Callable[[], None]]
) -> None:
    show, out, release = held_lock
    with subprocess.Popen(
        build_command(show, out, "--quiet"), stderr=subprocess.PIPE, text=True
    ) as proc:
        time.sleep(1.2)  # longer than an undisturbed build
        assert proc.poll() is None, proc.stderr.read() if proc.stderr else ""
        assert files(out) == edited.old.out and files(show) == edited.old.show
        release()
        assert proc.wait(timeout=60) == 0
        assert proc.stderr is not None and proc.stderr.read() == ""
    assert files(out) == edited.new.out and files(show) == edited.new.show


# 3. Stale lock


def test_build_killed_holding_the_lock_does_not_block_the_next(edited: Scenario) -> None:
    show, out = edited.fresh_copy()
    command = build_command(show, out, "--verbose")
    with subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE) as proc:
        kill_after_check(0.0)(proc)  # past the check: it holds the lock
        assert proc.wait(timeout=60) == -signal.SIGKILL
    assert (show / ".gaepod" / "lock").exists()  # the file stays; its flock died with the run
    started = time.perf_counter()
    result = run_build(show, out, "--no-wait")
    assert (result.returncode, result.stderr) == (0, "")
    assert time.perf_counter() - started < 10
    assert files(out) == edited.new.out


def test_lock_file_left_with_a_dead_pid_does_not_block(tmp_path: Path) -> None:
    show, out = tmp_path / "episodes", tmp_path / "public"
    shutil.copytree(EXAMPLE_SHOW, show, ignore=COPY_IGNORE)
    (show / ".gaepod").mkdir()
    (show / ".gaepod" / "lock").write_text("999999\n")
    result = CliRunner().invoke(
        app, ["build", "-q", "--no-wait", "--show", str(show), "--out", str(out), "--now", NOW]
    )
    assert result.exit_code == 0, result.output
    assert (out / "feed.xml").is_file()


# 4. Output folder safety


def tree(folder: Path) -> dict[str, bytes | None]:
    return {
        str(p.relative_to(folder)): None if p.is_dir() else p.read_bytes()
        for p in sorted(folder.rglob("*"))
    }


@pytest.mark.parametrize("where", ["the show", "inside the show", "around the show", "a link"])
def test_out_overlapping_the_show_is_refused_and_nothing_is_touched(
    tmp_path: Path, where: str
) -> None:
    site = tmp_path / "site"
    show = site / "episodes"
    shutil.copytree(EXAMPLE_SHOW, show, ignore=COPY_IGNORE)
    (site / "index.html").write_text("mine")
    (show / "public").mkdir()
    (show / "public" / "keep-me.txt").write_text("mine")
    (tmp_path / "link").symlink_to(show)
    out = {
        "the show": show,
        "inside the show": show / "public",
        "around the show": site,
        "a link": tmp_path / "link",
    }[where]
    before = tree(tmp_path)
    result = CliRunner().invoke(app, ["build", "--show", str(show), "--out", str(out)])
    assert result.exit_code == 1
    assert "overlaps the show folder" in result.stderr
    assert tree(tmp_path) == before


def test_files_gaepod_did_not_write_survive_builds_and_removals(tmp_path: Path) -> None:
    show, out = tmp_path / "episodes", tmp_path / "public"
    shutil.copytree(EXAMPLE_SHOW, show, ignore=COPY_IGNORE)
    removed_page = out / "episodes" / "002-soren-akesson-arctic-routes-rare-earths-cold-peace"
    mine = {
        out / "keep-me.txt": b"mine",
        out / ".git" / "config": b"[core]\n",
        out / "audio" / "outtakes.mp3": b"not gaepod's",
        removed_page / "notes.txt": b"mine too",
    }
    for path, data in mine.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)

    def build(*extra: str) -> None:
        args = ["build", "-q", "--no-tag", "--show", str(show), "--out", str(out), *extra]
        result = CliRunner().invoke(app, [*args, "--now", NOW])
        assert result.exit_code == 0, result.output
        assert {path: path.read_bytes() for path in mine} == mine

    build()
    edit_show(show)
    build()
    (show / "002-soren-akesson-arctic-routes-rare-earths-cold-peace.yaml").unlink()
    (show / "audio" / "002.mp3").unlink()
    build("--allow-removal")
    assert not (removed_page / "index.html").exists() and not (out / "audio" / "002.mp3").exists()
    assert b"Arctic Routes" not in (out / "feed.xml").read_bytes()
