"""`gaepod check` and `gaepod feed` on the command line: exit codes, stderr, JSON."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import EXAMPLE_SHOW, SHOW_YAML, episode_yaml
from gaepod.cli import app

NOW = "2026-01-01T00:00:00+0000"
DIAGNOSTIC_LINE = re.compile(
    r"^(?P<where>\S+:\d+:\d+): (?P<severity>error|warning)\[(?P<code>[EW]\d{3})\]: "
)


def episode(number: int, *extra: str, **fields: object) -> str:
    return episode_yaml(number, **fields) + "".join(line + "\n" for line in extra)


# One broken file per way of breaking it, each with the diagnostic it must produce.
# episode_yaml(): title 1, date 2, number 3, audio 4, description 5-6, extra fields from 7.
BROKEN_FILES: dict[str, str] = {
    "podcast.yaml": SHOW_YAML.replace("language: en", "language: english"),
    "001-episode.yaml": episode(1, "summary: Guest: Topic"),
    "002-episode.yaml": episode(2, "guid: first", "guid: second"),
    "003-episode.yaml": episode(3, date="2024-02-30T10:00:00Z"),
    "004-episode.yaml": episode(4, audio="audio/missing.mp3"),
    "005-episode.yaml": episode(5, explicit="yes"),
    "006-episode.yaml": episode(6, "sumary: Short notes"),
    "007-episode.yaml": episode(7, "guests:", "  - name: Ana", "    url: ftp://example.org/ana"),
    "008-episode.yaml": episode(8, guid="shared-guid"),
    "009-episode.yaml": episode(9, guid="shared-guid"),
    "010-episode.yaml": episode(
        10,
        "chapters:",
        '  - {start: "00:00:00", title: Intro}',
        '  - {start: "00:00:02", title: Middle}',
        '  - {start: "00:00:01", title: Back in time}',
    ),
    "011-episode.yaml": episode(11, "summary: &notes Reused notes"),
    "012-episode.yaml": episode(12, "summary: a bell\x07 rings"),
    "013-episode.yaml": episode(13, "summary: !!python/object/apply:os.system [echo hi]"),
}
EXPECTED = [
    ("001-episode.yaml:7:15", "E005"),  # syntax error: unquoted ": "
    ("002-episode.yaml:8:1", "E011"),  # duplicate key, at the second guid line
    ("003-episode.yaml:2:7", "E113"),  # 2024-02-30
    ("004-episode.yaml:4:8", "E152"),  # audio file missing
    ("005-episode.yaml:7:11", "E108"),  # explicit: yes
    ("006-episode.yaml:7:1", "E101"),  # unknown key
    ("007-episode.yaml:9:10", "E110"),  # ftp:// URL
    ("009-episode.yaml:7:7", "E170"),  # duplicate guid, at the second file's guid line
    ("010-episode.yaml:10:13", "E155"),  # chapter out of order
    ("011-episode.yaml:7:10", "E007"),  # anchor
    ("012-episode.yaml:7:16", "E004"),  # control character
    ("013-episode.yaml:7:10", "E008"),  # YAML tag
    ("podcast.yaml:7:11", "E131"),  # unknown language
]


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def in_tmp(tmp_path, monkeypatch) -> Path:
    """Run from tmp_path so diagnostics print paths like show/001-episode.yaml."""
    monkeypatch.chdir(tmp_path)
    return tmp_path


def build_broken_show(make_show) -> Path:
    return make_show(episodes=13, files=BROKEN_FILES)


def assert_no_traceback(*outputs: str) -> None:
    for output in outputs:
        assert "Traceback" not in output


# -- check ----------------------------------------------------------------------------------


def test_bundled_example_show_checks_clean(runner):
    result = runner.invoke(app, ["check", "--show", str(EXAMPLE_SHOW), "--now", NOW])

    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""
    assert re.fullmatch(
        r"✓ .*episodes: 10 episode files \(6 published, 3 scheduled, 1 draft\), "
        r"0 errors, 0 warnings\n",
        result.stdout,
    )


def test_bundled_example_show_checks_clean_in_strict_mode(runner):
    result = runner.invoke(app, ["check", "--show", str(EXAMPLE_SHOW), "--strict", "--quiet"])

    assert result.exit_code == 0, result.stderr
    assert (result.stdout, result.stderr) == ("", "")


def test_valid_show_prints_a_summary_on_stdout_only(runner, make_show, in_tmp):
    make_show(episodes=2)

    result = runner.invoke(app, ["check", "--show", "show", "--now", NOW])

    assert result.exit_code == 0
    assert result.stdout == "✓ show: 2 episode files (2 published), 0 errors, 0 warnings\n"
    assert result.stderr == ""


def test_summary_counts_every_episode_file_once_drafts_with_problems_too(runner, make_show, in_tmp):
    make_show(
        episodes=3,
        files={
            "003-episode.yaml": episode_yaml(3, date="2026-06-01T10:00:00Z"),
            "004-draft.yaml": episode_yaml(4) + "draft: true\n",  # no audio yet
        },
    )

    result = runner.invoke(app, ["check", "--show", "show", "--now", NOW])

    assert result.exit_code == 0, result.stderr
    assert result.stdout == (
        "✓ show: 4 episode files (2 published, 1 scheduled, 1 draft), 0 errors, 1 warning\n"
    )
    assert result.stderr.startswith("show/004-draft.yaml:4:8: warning[E152]: draft: ")


def test_quiet_check_of_a_valid_show_prints_nothing(runner, make_show, in_tmp):
    make_show(episodes=1)

    result = runner.invoke(app, ["check", "--show", "show", "--quiet"])

    assert (result.exit_code, result.stdout, result.stderr) == (0, "", "")


def test_every_problem_of_a_broken_show_is_reported_at_once(runner, make_show, in_tmp):
    build_broken_show(make_show)

    result = runner.invoke(app, ["check", "--show", "show"])

    assert result.exit_code == 1
    assert result.stdout == ""
    assert_no_traceback(result.stdout, result.stderr)
    reported = [
        (m["where"], m["code"])
        for m in map(DIAGNOSTIC_LINE.match, result.stderr.splitlines())
        if m and m["severity"] == "error"
    ]
    assert reported == [(f"show/{where}", code) for where, code in EXPECTED]
    assert result.stderr.rstrip().endswith(f"✗ {len(EXPECTED)} errors, 0 warnings in show")


def test_each_diagnostic_has_its_message_and_hint_on_the_next_line(runner, make_show, in_tmp):
    build_broken_show(make_show)

    lines = runner.invoke(app, ["check", "--show", "show"]).stderr.splitlines()

    first = lines.index(
        "show/003-episode.yaml:2:7: error[E113]: 'date' is not a real date or time: "
        "'2024-02-30T10:00:00Z' (day is out of range for month)"
    )
    assert lines[first + 1] == "    hint: write `date: 2025-05-07T09:30:00-05:00`"
    assert (
        "show/002-episode.yaml:8:1: error[E011]: duplicate key 'guid'\n"
        "    hint: 'guid' is already set on line 7; keep one (YAML would silently use the last)"
    ) in "\n".join(lines)


def test_long_diagnostics_are_not_wrapped_on_a_narrow_terminal(make_show, in_tmp):
    build_broken_show(make_show)
    runner = CliRunner(env={"COLUMNS": "30"})

    result = runner.invoke(app, ["check", "--show", str(in_tmp / "show")])

    # the show is passed as an absolute path; diagnostics print it relative to the cwd
    for where, code in EXPECTED:
        assert f"show/{where}: error[{code}]: " in result.stderr
    assert all(line.startswith(("show/", "    hint: ", "✗")) for line in result.stderr.splitlines())


def test_strict_check_fails_on_warnings(runner, make_show, in_tmp):
    make_show(episodes=1, files={"001-episode.yaml": episode_yaml(1, title='"Episode 1: Hi"')})

    lenient = runner.invoke(app, ["check", "--show", "show"])
    strict = runner.invoke(app, ["check", "--show", "show", "--strict"])

    assert lenient.exit_code == 0
    assert "show/001-episode.yaml:1:8: warning[W141]: " in lenient.stderr
    assert strict.exit_code == 1
    assert "show/001-episode.yaml:1:8: warning[W141]: " in strict.stderr


def test_missing_show_folder_exits_1_with_a_hint(runner, in_tmp):
    result = runner.invoke(app, ["check", "--show", "nowhere"])

    assert result.exit_code == 1
    assert "nowhere: error[E001]: the show folder does not exist" in result.stderr
    assert "hint: pass --show PATH" in result.stderr


def test_unknown_option_is_a_usage_error(runner):
    result = runner.invoke(app, ["check", "--no-such-option"])

    assert result.exit_code == 2
    assert "Traceback" not in result.output


# -- --json ---------------------------------------------------------------------------------


def test_json_output_parses_and_lists_every_diagnostic(runner, make_show, in_tmp):
    build_broken_show(make_show)

    result = runner.invoke(app, ["check", "--show", "show", "--json"])

    assert result.exit_code == 1
    assert result.stderr == ""
    report = json.loads(result.stdout)
    assert report["ok"] is False
    assert report["files"] == 13
    listed = [
        (f"{Path(d['path']).name}:{d['line']}:{d['column']}", d["code"])
        for d in report["diagnostics"]
    ]
    assert listed == EXPECTED
    first = report["diagnostics"][0]
    assert set(first) == {"path", "line", "column", "code", "severity", "message", "hint"}
    assert first["severity"] == "error"
    assert first["path"] == os.path.join("show", "001-episode.yaml")


def test_json_output_of_a_valid_show_is_ok_with_no_diagnostics(runner, make_show, in_tmp):
    make_show(episodes=2)

    result = runner.invoke(app, ["check", "--show", "show", "--json"])

    assert result.exit_code == 0
    assert json.loads(result.stdout) == {"ok": True, "episodes": 2, "files": 2, "diagnostics": []}


def test_json_keeps_long_and_markup_like_text_intact(runner, make_show, in_tmp):
    guid = "[bold]" + "x" * 200 + "[/] :smile: \\u00e9"
    make_show(
        episodes=2,
        files={
            "001-episode.yaml": episode_yaml(1, guid=f"'{guid}'"),
            "002-episode.yaml": episode_yaml(2, guid=f"'{guid}'"),
        },
    )

    result = runner.invoke(app, ["check", "--show", "show", "--json"])

    (diagnostic,) = json.loads(result.stdout)["diagnostics"]
    assert diagnostic["message"] == f"guid '{guid}' is also used by 001-episode.yaml"


# -- user text is not rich markup ---------------------------------------------------------------


@pytest.mark.parametrize("text", ["[/]", "[bold]loud", "[red]x[/red] [/bold]", "[link=x]y"])
def test_markup_in_user_text_is_printed_literally(runner, make_show, in_tmp, text):
    make_show(
        episodes=2,
        files={
            "001-episode.yaml": episode_yaml(1, guid=f'"{text}"', title=f'"{text} title"'),
            "002-episode.yaml": episode_yaml(2, guid=f'"{text}"', episode_type=f'"{text}"'),
        },
    )

    result = runner.invoke(app, ["check", "--show", "show"])

    assert result.exit_code == 1
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert_no_traceback(result.stdout, result.stderr)
    assert f"error[E109]: 'episode_type' must be one of full, trailer, bonus, not '{text}'" in (
        result.stderr
    )


def test_markup_in_the_show_title_and_folder_name_is_printed_literally(runner, make_show, in_tmp):
    folder = "[bold]my show[/]"
    make_show(
        episodes=1,
        name=folder,
        show_yaml=SHOW_YAML.replace('"Test Show & Friends"', '"[/] [bold]"'),
        files={"001-episode.yaml": episode_yaml(1, title='"Episode 1: [/]"')},
    )

    result = runner.invoke(app, ["check", "--show", folder])

    assert result.exit_code == 0, result.stderr
    assert result.exception is None
    assert result.stdout.startswith(f"✓ {folder}: 1 episode")
    assert result.stdout.endswith("0 errors, 1 warning\n")
    assert result.stderr.startswith(f"{folder}/001-episode.yaml:1:8: warning[W141]: ")


def test_emoji_codes_in_user_text_are_printed_literally(runner, make_show, in_tmp):
    make_show(
        episodes=2,
        files={
            "001-episode.yaml": episode_yaml(1, guid='"guest :smile: 1"'),
            "002-episode.yaml": episode_yaml(2, guid='"guest :smile: 1"'),
        },
    )

    result = runner.invoke(app, ["check", "--show", "show"])

    assert "guid 'guest :smile: 1' is also used by 001-episode.yaml" in result.stderr


# -- feed refuses to overwrite a good feed with a broken show -------------------------------------


def test_feed_of_a_broken_show_keeps_the_previous_feed_untouched(runner, make_show, in_tmp):
    root = make_show(episodes=13)
    first = runner.invoke(app, ["feed", "--show", "show", "--out", "out", "--now", NOW])
    assert first.exit_code == 0, first.stderr
    feed = in_tmp / "out" / "feed.xml"
    before = feed.read_bytes()
    mtime = feed.stat().st_mtime_ns
    listing = sorted(p.relative_to(in_tmp / "out") for p in (in_tmp / "out").rglob("*"))
    assert b"<rss" in before
    for name, content in BROKEN_FILES.items():
        (root / name).write_text(content, encoding="utf-8")

    result = runner.invoke(app, ["feed", "--show", "show", "--out", "out", "--now", NOW])

    assert result.exit_code == 1
    assert result.stdout == ""
    assert_no_traceback(result.stdout, result.stderr)
    for where, code in EXPECTED:
        assert f"show/{where}: error[{code}]: " in result.stderr
    assert "nothing was published" in result.stderr
    assert feed.read_bytes() == before
    assert feed.stat().st_mtime_ns == mtime
    assert sorted(p.relative_to(in_tmp / "out") for p in (in_tmp / "out").rglob("*")) == listing


def test_feed_of_a_broken_show_without_previous_output_writes_nothing(runner, make_show, in_tmp):
    build_broken_show(make_show)

    result = runner.invoke(app, ["feed", "--show", "show", "--out", "out"])

    assert result.exit_code == 1
    assert not (in_tmp / "out" / "feed.xml").exists()


def test_feed_refuses_an_output_folder_inside_the_show(runner, make_show, in_tmp):
    root = make_show(episodes=1)

    result = runner.invoke(app, ["feed", "--show", "show", "--out", "show/public"])

    assert result.exit_code == 1
    assert "overlaps the show folder" in result.stderr
    assert not (root / "public").exists()
    assert_no_traceback(result.stdout, result.stderr)


# -- the installed executable --------------------------------------------------------------------


def test_installed_gaepod_reports_a_broken_show_without_traceback(make_show, in_tmp):
    build_broken_show(make_show)
    executable = Path(sys.executable).parent / "gaepod"
    env = {**os.environ, "COLUMNS": "40", "TERM": "dumb"}

    completed = subprocess.run(
        [str(executable), "check", "--show", "show"],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )

    assert completed.returncode == 1
    assert completed.stdout == ""
    assert "Traceback" not in completed.stderr
    for where, code in EXPECTED:
        assert f"show/{where}: error[{code}]: " in completed.stderr
    assert "\x1b[" not in completed.stderr  # no colour codes without a terminal
