"""`gaepod tag` on the command line: what it prints, exit codes, progress only on a terminal."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from rich.console import Console
from typer.testing import CliRunner

from conftest import episode_yaml
from gaepod.audio import id3 as tag_id3
from gaepod.cli import app
from gaepod.cli.console import Terminal, status
from gaepod.state import locked

ID3_FRAMES = (
    "ID3v2.3, TIT2, TPE1, TALB, TPE2, TDRC, TCON, TGID, WOAS, WFED, PCST, TRCK, TDES, TLAN, "
    "COMM, APIC"
)


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def show(make_show, tmp_path: Path, monkeypatch) -> Path:
    """A two-episode show at ./show, run from its parent so paths print as show/..."""
    monkeypatch.chdir(tmp_path)
    return make_show(episodes=2)


def audio_state(show: Path) -> dict[str, tuple[int, bytes]]:
    return {p.name: (p.stat().st_mtime_ns, p.read_bytes()) for p in (show / "audio").iterdir()}


def test_tag_prints_each_changed_file_then_nothing_to_do(runner: CliRunner, show: Path) -> None:
    first = runner.invoke(app, ["tag", "--show", "show"])

    assert first.exit_code == 0, first.stderr
    assert first.stderr == ""
    assert first.stdout.splitlines() == [
        f"tagged show/audio/001.mp3: {ID3_FRAMES}",
        f"tagged show/audio/002.mp3: {ID3_FRAMES}",
        "✓ tagged 2 files, 0 already right",
    ]

    second = runner.invoke(app, ["tag", "--show", "show"])

    assert (second.exit_code, second.stderr) == (0, "")
    assert second.stdout == "✓ tagged 0 files, 2 already right\n"


def test_dry_run_shows_the_changes_and_writes_nothing(runner: CliRunner, show: Path) -> None:
    before = audio_state(show)

    result = runner.invoke(app, ["tag", "--show", "show", "--dry-run", "--id3v24"])

    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines()[0].startswith("would tag show/audio/001.mp3: ID3v2.4, TIT2")
    assert result.stdout.splitlines()[-1] == (
        "✓ would tag 2 files, 0 already right (dry run: nothing written)"
    )
    assert audio_state(show) == before


def test_quiet_prints_nothing_on_success(runner: CliRunner, show: Path) -> None:
    result = runner.invoke(app, ["tag", "--show", "show", "--quiet"])

    assert (result.exit_code, result.stdout, result.stderr) == (0, "", "")


def test_a_show_with_errors_is_refused_and_untouched(runner: CliRunner, show: Path) -> None:
    (show / "002-episode.yaml").write_text(episode_yaml(2, date="2024-02-30T10:00:00Z"))
    before = audio_state(show)

    result = runner.invoke(app, ["tag", "--show", "show"])

    assert result.exit_code == 1
    assert result.stdout == ""
    assert "show/002-episode.yaml:2:7: error[E113]" in result.stderr
    assert "nothing was written" in result.stderr
    assert audio_state(show) == before


def test_a_file_that_cannot_be_tagged_fails_the_run(
    runner: CliRunner, show: Path, monkeypatch
) -> None:
    def refuse(tags: object, path: Path, version: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(tag_id3, "save", refuse)

    result = runner.invoke(app, ["tag", "--show", "show"])

    assert result.exit_code == 1
    assert re.search(
        r"^show/001-episode.yaml:4:8: error\[E186\]: cannot tag '001.mp3': .*No space left",
        result.stderr,
        re.MULTILINE,
    )
    assert result.stdout.splitlines()[-1] == "✗ tagged 0 files, 0 already right, 2 failed"


def test_file_names_are_printed_literally(runner: CliRunner, show: Path) -> None:
    (show / "audio" / "001.mp3").rename(show / "audio" / "[red]x[bold].mp3")
    (show / "001-episode.yaml").write_text(episode_yaml(1, audio='"audio/[red]x[bold].mp3"'))

    result = runner.invoke(app, ["tag", "--show", "show"])

    assert result.exit_code == 0, result.stderr
    assert "tagged show/audio/[red]x[bold].mp3: ID3v2.3" in result.stdout


def test_no_wait_exits_3_while_another_run_holds_the_lock(runner: CliRunner, show: Path) -> None:
    with locked(show / ".gaepod" / "lock"):
        result = runner.invoke(app, ["tag", "--show", "show", "--no-wait"])

    assert result.exit_code == 3
    assert "another gaepod run holds" in result.stderr


def test_progress_bar_only_on_a_terminal() -> None:
    terminal = Terminal(err=Console(file=io.StringIO(), force_terminal=True, width=80))
    pipe = Terminal(err=Console(file=io.StringIO(), force_terminal=False))

    with status(terminal, enabled=True) as (step, progress):
        assert progress is not None
        step("checking the show")
        progress(1, 2, "audio/[b]001[/b].mp3")
    with status(terminal, enabled=False) as (_step, quiet_progress):
        assert quiet_progress is None
    with status(pipe, enabled=True) as (step, pipe_progress):
        assert pipe_progress is None
        step("checking the show")
    shown = terminal.err.file.getvalue()  # type: ignore[attr-defined]
    assert "tagging 1/2 audio/[b]001[/b].mp3" in shown  # user text is not markup
    assert pipe.err.file.getvalue() == ""  # type: ignore[attr-defined]


def test_help_has_an_example(runner: CliRunner) -> None:
    result = runner.invoke(app, ["tag", "--help"])

    assert result.exit_code == 0
    assert "Example: gaepod tag --show episodes --dry-run" in result.stdout
    for option in ("--id3v24", "--dry-run", "--quiet", "--strict", "--no-wait"):
        assert option in result.stdout
    assert "--now" not in result.stdout


def test_readme_documents_gaepod_tag() -> None:
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")

    assert "| `gaepod tag` |" in readme
    section = readme.split("## Tagging the audio: `gaepod tag`")[1].split("\n## ")[0]
    for frame in ("TIT2", "TPE1", "TALB", "TPE2", "TDRC", "TRCK", "TPOS", "TCON", "COMM", "TDES"):
        assert f"`{frame}`" in section
    for frame in ("WOAS", "WFED", "PCST", "TGID", "APIC", "CHAP", "CTOC", "©nam", "covr", "pcst"):
        assert f"`{frame}`" in section
