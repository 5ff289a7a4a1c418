"""Every command that publishes keeps the same promises, because they are one pipeline:
the guid ledger, the warnings, --strict, and the same report for a no-op run.

`gaepod feed` from cron once published a changed guid that `gaepod build` refused
(every subscriber downloads the episode again), and `build` published a feed
too large for some apps without the warning `check` gave.
"""

from __future__ import annotations

import json
from pathlib import Path

import feedparser
import pytest
from typer.testing import CliRunner, Result

from gaepod.cli import app

NOW = "2026-11-24T12:00:00+0000"
PUBLISHING = ["feed", "site", "build"]
FIRST = "001-marta-oliveira-ports-pipelines-power.yaml"


def run(*args: str) -> Result:
    return CliRunner().invoke(app, [*args, "--now", NOW])


def files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


@pytest.mark.parametrize("command", PUBLISHING)
def test_a_changed_guid_is_refused_by_every_publishing_command(
    command: str, example_copy: Path, tmp_path: Path
) -> None:
    show, out = example_copy, tmp_path / "public"
    assert run(command, "-q", "--show", str(show), "--out", str(out)).exit_code == 0
    before = files(out)
    ledger = (show / "published.yaml").read_bytes()
    source = show / FIRST
    source.write_text(source.read_text().replace("guid: 1fc0c223", "guid: 2fc0c223"))

    result = run(command, "-q", "--show", str(show), "--out", str(out))

    assert result.exit_code == 1
    assert "changed its guid from '1fc0c223-cb2b-4dc2-8aca-9013fddf0adf'" in result.stderr
    assert "--allow-guid-change" in result.stderr or "guid" in result.stderr
    assert files(out) == before  # feed.xml byte for byte
    assert (show / "published.yaml").read_bytes() == ledger
    allowed = run(command, "-q", "--allow-guid-change", "--show", str(show), "--out", str(out))
    assert allowed.exit_code == 0, allowed.output
    guids = {e.id for e in feedparser.parse((out / "feed.xml").read_bytes()).entries}
    assert "2fc0c223-cb2b-4dc2-8aca-9013fddf0adf" in guids


@pytest.mark.parametrize("command", PUBLISHING)
def test_a_deleted_published_episode_is_refused_by_every_publishing_command(
    command: str, example_copy: Path, tmp_path: Path
) -> None:
    show, out = example_copy, tmp_path / "public"
    assert run(command, "-q", "--show", str(show), "--out", str(out)).exit_code == 0
    before = files(out)
    (show / FIRST).unlink()

    result = run(command, "-q", "--show", str(show), "--out", str(out))

    assert result.exit_code == 1
    assert "is no longer in the show" in result.stderr
    assert files(out) == before
    allowed = run(command, "-q", "--allow-removal", "--show", str(show), "--out", str(out))
    assert allowed.exit_code == 0, allowed.output
    titles = [e.title for e in feedparser.parse((out / "feed.xml").read_bytes()).entries]
    assert "Marta Oliveira: Ports, Pipelines, & Power?" not in titles


def test_feed_keeps_the_pages_site_wrote_and_site_removes_its_own(
    example_copy: Path, tmp_path: Path
) -> None:
    """Each command removes only what its own stages published and no longer make."""
    show, out = example_copy, tmp_path / "public"
    page = out / "episodes/001-marta-oliveira-ports-pipelines-power/index.html"
    assert run("site", "-q", "--show", str(show), "--out", str(out)).exit_code == 0
    assert page.is_file() and (out / "index.html").is_file()
    (show / FIRST).unlink()
    assert (
        run("feed", "-q", "--allow-removal", "--show", str(show), "--out", str(out)).exit_code == 0
    )
    assert page.is_file() and (out / "index.html").is_file()  # the site's: not feed's to remove
    assert (
        run("site", "-q", "--allow-removal", "--show", str(show), "--out", str(out)).exit_code == 0
    )
    assert not page.exists()
    assert (out / "index.html").is_file()


@pytest.mark.parametrize("command", ["check", *PUBLISHING])
def test_every_command_gives_the_feed_size_warning(
    command: str, make_show, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("gaepod.feed.rss.LARGE_FEED_BYTES", 2000)  # a 2-episode feed is larger
    show = make_show(episodes=2)
    args = [command, "--show", str(show)]
    if command != "check":
        args += ["--out", str(tmp_path / "public")]

    result = run(*args)

    assert result.exit_code == 0, result.output
    assert "warning[W180]: the feed would be" in result.stderr
    if command in ("check", "build"):  # feed and site refuse first for the untagged audio
        strict = run(*args, "--strict")
        assert strict.exit_code == 1
        assert "W180" in strict.stderr


def test_a_strict_build_refuses_a_large_feed_and_keeps_the_published_one(
    make_show, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    show, out = make_show(episodes=2), tmp_path / "public"
    assert run("build", "-q", "--show", str(show), "--out", str(out)).exit_code == 0
    before = files(out)
    episode = show / "002-episode.yaml"
    episode.write_text(episode.read_text().replace("Guest 2", "Guest Two"))
    monkeypatch.setattr("gaepod.feed.rss.LARGE_FEED_BYTES", 2000)

    result = run("build", "--strict", "--show", str(show), "--out", str(out))

    assert result.exit_code == 1
    assert "W180" in result.stderr
    assert files(out) == before


@pytest.mark.parametrize("command", PUBLISHING)
def test_a_no_op_run_reports_what_the_full_run_reported(
    command: str, example_copy: Path, tmp_path: Path
) -> None:
    args = [command, "--json", "--show", str(example_copy), "--out", str(tmp_path / "public")]
    first = json.loads(run(*args).stdout)
    again = json.loads(run(*args).stdout)
    assert first["nothing_changed"] is False and again["nothing_changed"] is True
    assert again["written"] == [] and again["unchanged"] == len(first["written"])
    for key in ("episodes_in_feed", "episode_files", "feed_bytes", "pages", "warnings"):
        assert again[key] == first[key], key
    assert first["episodes_in_feed"] == 9
    plain = run(*args[:1], *args[2:])
    assert f"{again['unchanged']} files unchanged" in plain.stdout


def test_tagged_paths_are_relative_to_the_show_and_written_to_the_output(
    example_copy: Path, tmp_path: Path
) -> None:
    out = tmp_path / "public"
    report = json.loads(
        run("build", "--json", "--show", str(example_copy), "--out", str(out)).stdout
    )
    names = ["001", "002", "003-es", "003", *(f"{n:03d}" for n in range(4, 10))]
    assert sorted(report["tagged"]) == sorted(f"audio/{name}.mp3" for name in names)
    assert "feed.xml" in report["written"]
    assert all(not Path(p).is_absolute() for p in report["written"] + report["tagged"])
