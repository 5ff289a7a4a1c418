"""Every command as a host runs it: on a real pseudo-terminal, and piped as cron runs it.

A CliRunner is no terminal: rich draws progress only when its stream is one,
and a crash there (rich's Progress once entered a console proxy as a context
manager) failed every interactive build while the suite stayed green. These
tests start the installed `gaepod` in a child process whose stdin, stdout and
stderr are a pty (or pipes), and read what the host would see.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import pty
import re
import select
import signal
import subprocess
import sys
import termios
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from conftest import REPO, copy_example

NOW = "2026-11-24T12:00:00+0000"
GAEPOD = [sys.executable, "-m", "gaepod"]
CRASH = re.compile(r"Traceback|lost sys\.stderr|Error:|object does not support")
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


@dataclass
class Run:
    code: int
    output: str  # everything the terminal showed, escape codes included

    @property
    def text(self) -> str:
        """What the host reads: escape codes gone, each redraw on a line of its own."""
        return ANSI.sub("", self.output).replace("\r", "\n")


def on_terminal(*args: str, cwd: Path, timeout: float = 120, stop_when: str | None = None) -> Run:
    """Run gaepod with a pty as its terminal; with `stop_when`, press Ctrl-C once the
    terminal shows that text."""
    master, slave = pty.openpty()
    env = {**os.environ, "TERM": "xterm-256color", "COLUMNS": "100", "LINES": "40"}
    env.pop("CI", None)  # rich would behave as on CI
    process = subprocess.Popen(
        [*GAEPOD, *args],
        stdin=slave,
        stdout=slave,
        stderr=slave,
        cwd=cwd,
        env=env,
        preexec_fn=_take_terminal,
    )
    os.close(slave)
    chunks: list[bytes] = []
    deadline = time.monotonic() + timeout
    interrupted = False
    try:
        while time.monotonic() < deadline:
            ready, _, _ = select.select([master], [], [], 0.1)
            if ready:
                try:
                    data = os.read(master, 65536)
                except OSError:  # EIO: the child closed the terminal
                    break
                if not data:
                    break
                chunks.append(data)
            shown = b"".join(chunks).decode(errors="replace")
            if stop_when and not interrupted and stop_when in shown:
                os.write(master, b"\x03")  # Ctrl-C, as the host presses it
                interrupted = True
            if process.poll() is not None and not ready:
                break
        else:
            process.kill()
            pytest.fail(f"gaepod {' '.join(args)} did not finish in {timeout} s")
        code = process.wait(timeout=10)
    finally:
        with contextlib.suppress(OSError):
            os.close(master)
    return Run(code, b"".join(chunks).decode(errors="replace"))


def _take_terminal() -> None:
    """In the child: a session of its own whose controlling terminal is the pty, as a
    shell gives a command (so Ctrl-C on the pty is SIGINT to it)."""
    os.setsid()
    fcntl.ioctl(0, termios.TIOCSCTTY, 0)


def piped(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "CI"}
    return subprocess.run(
        [*GAEPOD, *args], cwd=cwd, capture_output=True, text=True, timeout=120, env=env
    )


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """A fresh copy of the example show at ./episodes, the folder a host works in."""
    copy_example(tmp_path)
    return tmp_path


COMMANDS = [
    ["check"],
    ["tag"],
    ["tag", "--dry-run"],
    ["feed"],
    ["site"],
    ["build"],
    ["build", "--verbose"],
    ["build", "--diff"],
    ["list"],
]


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_every_command_runs_on_a_terminal(folder: Path, command: list[str]) -> None:
    run = on_terminal(*command, "--now", NOW, cwd=folder) if command != ["list"] else None
    if run is None:
        run = on_terminal(*command, cwd=folder)
    assert run.code == 0, run.text
    assert not CRASH.search(run.text), run.text
    assert "✓" in run.text or command in (["list"], ["build", "--diff"]), run.text


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_every_command_runs_piped_without_escape_codes(folder: Path, command: list[str]) -> None:
    extra = [] if command == ["list"] else ["--now", NOW]
    run = piped(*command, *extra, cwd=folder)
    assert run.returncode == 0, run.stderr
    assert not CRASH.search(run.stdout + run.stderr)
    assert "\x1b[" not in run.stdout + run.stderr  # no colour, no progress, in a pipe
    assert run.stdout.strip(), "every command says what it did"


def test_quiet_prints_nothing_on_success_even_on_a_terminal(folder: Path) -> None:
    for command in (["check"], ["tag"], ["feed"], ["site"], ["build"]):
        run = on_terminal(*command, "--quiet", "--now", NOW, cwd=folder)
        assert run.code == 0, run.text
        assert run.output == "", (command, run.output)


def test_a_long_build_shows_its_progress_on_a_terminal(make_show, tmp_path: Path) -> None:
    """40 untagged episodes: tagging and writing take long enough to be watched."""
    show = make_show(episodes=40)
    run = on_terminal("build", "--show", str(show), "--out", str(tmp_path / "out"), cwd=tmp_path)
    assert run.code == 0, run.text
    assert not CRASH.search(run.text)
    assert re.search(r"tagging \d+/40 ", run.text), run.text  # the tag stage's bar
    assert "40 episodes in the feed" in run.text


def test_a_terminal_build_writes_the_feed_a_quiet_build_writes(tmp_path: Path) -> None:
    terminal, quiet = tmp_path / "terminal", tmp_path / "quiet"
    for folder in (terminal, quiet):
        folder.mkdir()
        copy_example(folder)
    assert on_terminal("build", "--now", NOW, cwd=terminal).code == 0
    assert piped("build", "--quiet", "--now", NOW, cwd=quiet).returncode == 0
    feed = (terminal / "public" / "feed.xml").read_bytes()
    assert feed == (quiet / "public" / "feed.xml").read_bytes()
    assert b"<item>" in feed


def test_problems_on_a_terminal_are_reported_without_a_traceback(folder: Path) -> None:
    episode = folder / "episodes" / "001-marta-oliveira-ports-pipelines-power.yaml"
    episode.write_text(episode.read_text().replace("number: 1\n", "number: one\n"))
    for command in (["check"], ["feed"], ["build"]):
        run = on_terminal(*command, "--now", NOW, cwd=folder)
        assert run.code == 1, run.text
        assert not CRASH.search(run.text), run.text
        assert "001-marta-oliveira-ports-pipelines-power.yaml:" in run.text


def test_new_on_a_terminal_writes_a_draft(folder: Path) -> None:
    run = on_terminal("new", "Ada Lovelace: Engines, Notes, & Numbers?", "--now", NOW, cwd=folder)
    assert run.code == 0, run.text
    assert "draft" in run.text
    assert (folder / "episodes" / "010-ada-lovelace-engines-notes-numbers.yaml").is_file()


def test_import_on_a_terminal(tmp_path: Path) -> None:
    feed = REPO / "tests" / "fixtures" / "realfeeds" / "libsyn-frank-and-erik.xml"
    run = on_terminal("import", str(feed), "--show", "imported", "--now", NOW, cwd=tmp_path)
    assert run.code == 0, run.text
    assert "6 episodes from 6 items" in run.text


def test_serve_on_a_terminal_stops_cleanly_on_ctrl_c(folder: Path) -> None:
    assert piped("build", "--quiet", "--now", NOW, cwd=folder).returncode == 0
    run = on_terminal("serve", "--port", "0", cwd=folder, timeout=30, stop_when="serving")
    assert "serving public at http://127.0.0.1:" in run.text
    assert run.code in (0, 130, -signal.SIGINT), run.text
    assert not CRASH.search(run.text), run.text


def test_new_and_import_run_piped(folder: Path, tmp_path: Path) -> None:
    new = piped("new", "Ada Lovelace: Engines, Notes, & Numbers?", "--now", NOW, cwd=folder)
    assert new.returncode == 0, new.stderr
    assert "010-ada-lovelace-engines-notes-numbers.yaml" in new.stdout
    feed = REPO / "tests" / "fixtures" / "realfeeds" / "libsyn-frank-and-erik.xml"
    imported = piped("import", str(feed), "--show", "imported", "--now", NOW, cwd=tmp_path)
    assert imported.returncode == 0, imported.stderr
    assert "6 episodes from 6 items" in imported.stdout
    assert "\x1b[" not in new.stdout + imported.stdout + imported.stderr


def test_serve_piped_stops_cleanly_on_sigint(folder: Path) -> None:
    assert piped("build", "--quiet", "--now", NOW, cwd=folder).returncode == 0
    env = {k: v for k, v in os.environ.items() if k != "CI"}
    server = subprocess.Popen(
        [*GAEPOD, "serve", "--port", "0"],
        cwd=folder,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    assert server.stdout is not None
    line = server.stdout.readline()
    assert "serving public at http://127.0.0.1:" in line
    server.send_signal(signal.SIGINT)
    _out, err = server.communicate(timeout=20)
    assert server.returncode == 0, err
    assert not CRASH.search(err)
