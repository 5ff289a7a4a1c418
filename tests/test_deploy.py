"""`gaepod deploy` and `gaepod build --deploy`: to a folder, an rsync destination and an
S3-compatible server started here (moto, a separate process on 127.0.0.1); the
order (feeds last, deletions after them), Content-Type and Cache-Control, only what
changed, resuming after a failure or a kill, and the pings after a feed changed."""

from __future__ import annotations

import hashlib
import importlib
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import feedparser
import pytest
from typer.testing import CliRunner

from conftest import SHOW_YAML
from deploy_tools import (
    Proxy,
    closed_port_url,
    moto_server,
    recorder,
    recording_rsync,
    rsync_daemon,
    s3_environment,
)
from gaepod.cli import app
from gaepod.deploy import DeployOptions, DeployReport, deploy
from gaepod.deploy.files import Kind, cache_control, content_type
from gaepod.errors import InvalidShowError, OutputError, UsageError
from gaepod.publish import BuildOptions, BuildReport, build


@pytest.fixture(autouse=True)
def _no_real_directory(monkeypatch: pytest.MonkeyPatch) -> None:
    """No test pings the real Podcast Index: its address is a closed port here unless
    a test gives its own recording server."""
    monkeypatch.setenv("GAEPOD_PODCAST_INDEX_URL", closed_port_url() + "pubnotify")


# The audio is served from the site's own host: it is part of what is deployed.
SHOW = SHOW_YAML.replace("https://cdn.example.org/audio/", "https://show.example.org/audio/")
assert SHOW != SHOW_YAML


def published(show: Path, out: Path, **options: object) -> BuildReport:
    return build(BuildOptions(show=show, out=out, **options))  # type: ignore[arg-type]


def tree(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def to_folder(show: Path, out: Path, target: Path, **options: object) -> DeployReport:
    return deploy(DeployOptions(show=show, out=out, to=str(target), **options))  # type: ignore[arg-type]


@pytest.fixture
def site(make_show, tmp_path: Path) -> tuple[Path, Path]:  # type: ignore[no-untyped-def]
    show = make_show(episodes=3, show_yaml=SHOW)
    out = tmp_path / "public"
    published(show, out)
    return show, out


# --- the files: kinds, types, caching ------------------------------------------------


@pytest.mark.parametrize(
    ("relpath", "kind", "expected"),
    [
        ("feed.xml", Kind.FEED, "application/rss+xml; charset=utf-8"),
        ("audio/001.mp3", Kind.AUDIO, "audio/mpeg"),
        ("audio/002.m4a", Kind.AUDIO, "audio/mp4"),
        ("episodes/one/chapters.json", Kind.ASSET, "application/json"),
        ("index.html", Kind.PAGE, "text/html; charset=utf-8"),
        ("assets/style.css", Kind.ASSET, "text/css; charset=utf-8"),
        ("assets/player.js", Kind.ASSET, "text/javascript; charset=utf-8"),
        ("art/cover.jpg", Kind.ASSET, "image/jpeg"),
        ("art/cover.png", Kind.ASSET, "image/png"),
        ("transcripts/one.vtt", Kind.ASSET, "text/vtt; charset=utf-8"),
        ("transcripts/one.srt", Kind.ASSET, "application/x-subrip"),
        ("sitemap.xml", Kind.PAGE, "application/xml; charset=utf-8"),
        ("_redirects", Kind.PAGE, "text/plain; charset=utf-8"),
        ("redirects.nginx.conf", Kind.PAGE, "text/plain; charset=utf-8"),
        ("robots.txt", Kind.PAGE, "text/plain; charset=utf-8"),
        ("download/unknown.bin", Kind.ASSET, "application/octet-stream"),
    ],
)
def test_every_kind_of_file_gets_its_content_type(relpath: str, kind: Kind, expected: str) -> None:
    assert content_type(relpath, kind) == expected


def test_audio_and_art_are_cached_long_feeds_and_pages_briefly() -> None:
    long, short = "public, max-age=31536000", "public, max-age=300"
    assert cache_control("audio/001.mp3", Kind.AUDIO) == long
    assert cache_control("art/cover.jpg", Kind.ASSET) == long
    assert cache_control("feed.xml", Kind.FEED) == short
    assert cache_control("index.html", Kind.PAGE) == short
    assert cache_control("assets/style.css", Kind.ASSET) == "public, max-age=86400"


# --- a folder target ------------------------------------------------------------------


def test_first_deploy_copies_every_published_file_feeds_last(
    site: tuple[Path, Path], tmp_path: Path
) -> None:
    show, out = site
    target = tmp_path / "www"
    report = to_folder(show, out, target, ping=False)
    assert tree(target) == tree(out)
    assert report.uploaded == [f.relpath for f in report.planned]
    kinds = [f.kind.value for f in report.planned]
    assert kinds[-1] == "feed"
    first_page = kinds.index("page")
    assert set(kinds[:first_page]) == {"audio", "asset"}  # audio and assets first
    assert "feed" not in kinds[:-1]  # the feed is the commit point: last
    assert report.kinds["audio"].uploaded == 3
    assert report.bytes == sum(len(b) for b in tree(out).values())
    parsed = feedparser.parse((target / "feed.xml").read_bytes())
    assert len(parsed.entries) == 3


def test_a_second_deploy_uploads_nothing(site: tuple[Path, Path], tmp_path: Path) -> None:
    show, out = site
    target = tmp_path / "www"
    to_folder(show, out, target, ping=False)
    stamps = {p: p.stat().st_mtime_ns for p in target.rglob("*") if p.is_file()}
    again = to_folder(show, out, target, ping=False)
    assert again.uploaded == [] and again.deleted == []
    assert again.unchanged == len(stamps)
    assert {p: p.stat().st_mtime_ns for p in target.rglob("*") if p.is_file()} == stamps


def test_an_edit_uploads_only_what_the_build_changed(
    site: tuple[Path, Path], tmp_path: Path
) -> None:
    show, out = site
    target = tmp_path / "www"
    to_folder(show, out, target, ping=False)
    episode = show / "002-episode.yaml"
    episode.write_text(
        episode.read_text().replace("Guest 2: Topic", "Guest 2: A New Topic"), encoding="utf-8"
    )
    rebuilt = published(show, out)
    assert rebuilt.written  # the feed, the pages that show the title, the re-tagged audio
    report = to_folder(show, out, target, ping=False)
    assert sorted(report.uploaded) == sorted(rebuilt.written)
    assert "audio/002.mp3" in report.uploaded and "audio/001.mp3" not in report.uploaded
    assert report.uploaded[-1] == "feed.xml"
    assert tree(target) == tree(out)


def test_files_the_build_removed_are_deleted_after_the_feed(
    site: tuple[Path, Path], tmp_path: Path
) -> None:
    show, out = site
    target = tmp_path / "www"
    to_folder(show, out, target, ping=False)
    (show / "003-episode.yaml").unlink()
    published(show, out, allow_removal=True)
    gone = sorted(set(tree(target)) - set(tree(out)))
    assert "audio/003.mp3" in gone
    report = to_folder(show, out, target, ping=False)
    assert sorted(report.deleted) == gone
    assert report.uploaded[-1] == "feed.xml"
    assert report.kinds["audio"].deleted == 1
    assert tree(target) == tree(out)
    assert not (target / "episodes" / "003-episode").exists()  # its emptied folder too


def test_a_failed_upload_leaves_the_live_feed_and_the_next_deploy_resumes(
    site: tuple[Path, Path], tmp_path: Path
) -> None:
    show, out = site
    target = tmp_path / "www"
    to_folder(show, out, target, ping=False)
    old_feed = (target / "feed.xml").read_bytes()
    episode = show / "001-episode.yaml"
    episode.write_text(episode.read_text().replace("Guest 1:", "Guest One:"), encoding="utf-8")
    published(show, out)
    # A file where the site needs a folder: every write under it fails (even as root).
    blocker = target / "episodes"
    moved = tmp_path / "moved-episodes"
    blocker.rename(moved)
    blocker.write_text("not a folder")
    with pytest.raises(OutputError) as failed:
        to_folder(show, out, target, ping=False)
    assert "the live feed was left as it was" in failed.value.message
    assert "run `gaepod deploy` again" in failed.value.message
    assert (target / "feed.xml").read_bytes() == old_feed
    assert (target / "audio" / "001.mp3").read_bytes() == (out / "audio" / "001.mp3").read_bytes()
    blocker.unlink()
    moved.rename(blocker)
    resumed = to_folder(show, out, target, ping=False)
    assert "audio/001.mp3" not in resumed.uploaded  # it went up before the failure
    assert resumed.uploaded[-1] == "feed.xml"
    assert tree(target) == tree(out)


def test_a_deploy_killed_midway_resumes_from_its_journal(
    site: tuple[Path, Path], tmp_path: Path
) -> None:
    """The record is written file by file: what a killed process confirmed is known."""
    from gaepod.deploy.record import load_record
    from gaepod.model import DeployTarget

    show, out = site
    target = tmp_path / "www"
    key = DeployTarget("folder", str(target.resolve()))
    record = load_record(show, key)
    record.uploaded("audio/001.mp3", "0" * 64, "audio")
    record.close()  # as a SIGKILL leaves it: a journal, no folded record
    assert record.journal_path.exists() and not record.path.exists()
    assert load_record(show, key).files == {"audio/001.mp3": "0" * 64}
    with record.journal_path.open("a") as journal:
        journal.write('["put", "half')  # the line being written when it died
    report = to_folder(show, out, target, ping=False)
    assert "audio/001.mp3" in report.uploaded  # its hash was not the real one
    assert not record.journal_path.exists()
    assert tree(target) == tree(out)


def test_dry_run_lists_every_action_and_changes_nothing(
    site: tuple[Path, Path], tmp_path: Path
) -> None:
    show, out = site
    target = tmp_path / "www"
    result = CliRunner().invoke(
        app, ["deploy", "--show", str(show), "--out", str(out), "--to", str(target), "--dry-run"]
    )
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    uploads = [line.split()[1] for line in lines if line.startswith("upload ")]
    assert sorted(uploads) == sorted(tree(out))
    assert uploads[-1] == "feed.xml"
    assert any("audio/mpeg" in line for line in lines if "audio/001.mp3" in line)
    assert any(line.startswith("ping ") for line in lines)
    assert "nothing was changed" in lines[-1]
    assert not target.exists()
    to_folder(show, out, target, ping=False)
    (show / "002-episode.yaml").unlink()
    published(show, out, allow_removal=True)
    listed = CliRunner().invoke(
        app, ["deploy", "--show", str(show), "--out", str(out), "--to", str(target), "--dry-run"]
    )
    assert "delete  audio/002.mp3  (after the feeds)" in listed.stdout
    assert (target / "audio" / "002.mp3").exists()


def test_deploy_json_summary_counts_each_kind(site: tuple[Path, Path], tmp_path: Path) -> None:
    show, out = site
    args = ["deploy", "--show", str(show), "--out", str(out), "--to", str(tmp_path / "www")]
    result = CliRunner().invoke(app, [*args, "--json", "--no-ping"])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert summary["ok"] is True
    assert sorted(summary["uploaded"]) == sorted(tree(out))
    assert summary["kinds"]["audio"]["uploaded"] == 3
    assert summary["kinds"]["feed"] == {
        "uploaded": 1,
        "deleted": 0,
        "unchanged": 0,
        "bytes": (out / "feed.xml").stat().st_size,
    }
    assert summary["bytes"] == sum(len(b) for b in tree(out).values())
    again = json.loads(CliRunner().invoke(app, [*args, "--json"]).stdout)
    assert again["uploaded"] == [] and again["unchanged"] == len(summary["uploaded"])
    assert again["pings"] == []


def test_quiet_deploy_prints_nothing(site: tuple[Path, Path], tmp_path: Path) -> None:
    show, out = site
    args = ["deploy", "--show", str(show), "--out", str(out), "--to", str(tmp_path / "www")]
    result = CliRunner().invoke(app, [*args, "--quiet", "--no-ping"])
    assert result.exit_code == 0
    assert result.stdout == "" and result.stderr == ""


def test_build_deploy_runs_the_same_deploy(make_show, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    target = tmp_path / "www"
    show = make_show(episodes=2, show_yaml=SHOW + f"deploy:\n  target: {target}\n")
    out = tmp_path / "public"
    quiet = CliRunner().invoke(
        app, ["build", "--show", str(show), "--out", str(out), "--deploy", "--quiet"]
    )
    assert quiet.exit_code == 0, quiet.output
    assert quiet.stdout == "" and quiet.stderr == ""
    assert tree(target) == tree(out)
    episode = show / "001-episode.yaml"
    episode.write_text(episode.read_text().replace("Guest 1:", "Guest One:"), encoding="utf-8")
    loud = CliRunner().invoke(
        app, ["build", "--show", str(show), "--out", str(out), "--deploy", "--json", "--no-ping"]
    )
    summary = json.loads(loud.stdout)
    assert sorted(summary["deploy"]["uploaded"]) == sorted(summary["written"])
    assert summary["deploy"]["uploaded"][-1] == "feed.xml"
    assert tree(target) == tree(out)
    plain = CliRunner().invoke(app, ["build", "--show", str(show), "--out", str(out), "--deploy"])
    assert plain.exit_code == 0
    assert "nothing changed" in plain.stdout.splitlines()[-1]


def test_build_deploy_with_diff_or_to_alone_is_a_usage_error(site: tuple[Path, Path]) -> None:
    show, out = site
    base = ["build", "--show", str(show), "--out", str(out)]
    assert CliRunner().invoke(app, [*base, "--deploy", "--diff"]).exit_code == 2
    assert CliRunner().invoke(app, [*base, "--to", "/tmp/x"]).exit_code == 2


def test_a_deploy_with_no_target_says_where_to_name_one(site: tuple[Path, Path]) -> None:
    show, out = site
    with pytest.raises(UsageError, match="no deploy target"):
        deploy(DeployOptions(show=show, out=out))
    result = CliRunner().invoke(app, ["deploy", "--show", str(show), "--out", str(out)])
    assert result.exit_code == 2
    assert "podcast.yaml" in result.stderr and "--to" in result.stderr


def test_a_bad_to_is_a_usage_error(site: tuple[Path, Path]) -> None:
    show, out = site
    for bad in ("s3://UPPER/x", "ftp://host/x", "s3://bucket/?secret=1"):
        result = CliRunner().invoke(
            app, ["deploy", "--show", str(show), "--out", str(out), "--to", bad]
        )
        assert result.exit_code == 2, (bad, result.output)
        assert "Traceback" not in result.output


def test_nothing_built_yet_is_refused(make_show, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    show = make_show(episodes=1, show_yaml=SHOW)
    with pytest.raises(OutputError, match="run `gaepod build` first"):
        to_folder(show, tmp_path / "public", tmp_path / "www")


def test_a_folder_target_inside_the_output_or_show_is_refused(site: tuple[Path, Path]) -> None:
    show, out = site
    for inside in (out / "copy", show / "www", out.parent):
        with pytest.raises(OutputError, match="overlaps"):
            to_folder(show, out, inside, ping=False)


def test_files_the_host_left_in_the_output_are_not_deployed(
    site: tuple[Path, Path], tmp_path: Path
) -> None:
    show, out = site
    (out / "notes-to-self.txt").write_text("private")
    target = tmp_path / "www"
    to_folder(show, out, target, ping=False)
    assert not (target / "notes-to-self.txt").exists()
    (target / "hand-made.html").write_text("mine")  # and nothing on the target is touched
    (show / "003-episode.yaml").unlink()
    published(show, out, allow_removal=True)
    to_folder(show, out, target, ping=False)
    assert (target / "hand-made.html").read_text() == "mine"


# --- podcast.yaml's deploy block -------------------------------------------------------


def test_check_refuses_credentials_in_podcast_yaml_with_file_and_line(make_show) -> None:  # type: ignore[no-untyped-def]
    show = make_show(
        episodes=1,
        show_yaml=SHOW
        + "aws_secret_access_key: abc\n"
        + "deploy:\n  target: s3://my-bucket/podcast/\n  access_key_id: AKIA123\n"
        + "  endpoint: https://user:pw@s3.example.org\n",
    )
    result = CliRunner().invoke(app, ["check", "--show", str(show), "--json"])
    assert result.exit_code == 1
    found = [(d["code"], d["line"]) for d in json.loads(result.stdout)["diagnostics"]]
    lines = len(SHOW.splitlines())
    assert ("E411", lines + 1) in found  # aws_secret_access_key
    assert ("E411", lines + 4) in found  # deploy.access_key_id
    assert ("E411", lines + 5) in found  # a login inside the endpoint
    human = CliRunner().invoke(app, ["check", "--show", str(show)])
    assert f"podcast.yaml:{lines + 1}:" in human.stderr
    assert "AWS_ACCESS_KEY_ID" in human.stderr


def test_check_validates_the_deploy_target_with_file_and_line(make_show) -> None:  # type: ignore[no-untyped-def]
    show = make_show(episodes=1, show_yaml=SHOW + "deploy:\n  target: s3://No_Such/\n")
    result = CliRunner().invoke(app, ["check", "--show", str(show), "--json"])
    assert result.exit_code == 1
    found = [(d["code"], d["line"]) for d in json.loads(result.stdout)["diagnostics"]]
    assert ("E410", len(SHOW.splitlines()) + 2) in found
    keywords = make_show(episodes=1, name="kw", show_yaml=SHOW + "keywords: [monkey]\n")
    assert CliRunner().invoke(app, ["check", "--show", str(keywords)]).exit_code == 0


def test_deploy_refuses_an_invalid_podcast_yaml(site: tuple[Path, Path], tmp_path: Path) -> None:
    show, out = site
    yaml = show / "podcast.yaml"
    yaml.write_text(yaml.read_text() + "deploy:\n  target: s3://x/\n  token: abc\n")
    with pytest.raises(InvalidShowError) as failed:
        to_folder(show, out, tmp_path / "www")
    assert "E411" in [d.code for d in failed.value.diagnostics]


# --- pings ------------------------------------------------------------------------------


def _with_hubs(make_show, hubs: list[str], name: str = "show") -> Path:  # type: ignore[no-untyped-def]
    listed = "".join(f"  - {hub}\n" for hub in hubs)
    return make_show(episodes=2, name=name, show_yaml=SHOW + "websub_hubs:\n" + listed)


def test_a_changed_feed_pings_the_podcast_index_and_every_hub(
    make_show, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    with recorder() as index, recorder(204) as hub_a, recorder(202) as hub_b:
        monkeypatch.setenv("GAEPOD_PODCAST_INDEX_URL", index.url + "api/1.0/hub/pubnotify")
        show = _with_hubs(make_show, [hub_a.url, hub_b.url])
        out, target = tmp_path / "public", tmp_path / "www"
        published(show, out)
        report = to_folder(show, out, target)
        assert [p.ok for p in report.pings] == [True, True, True]
        assert report.warnings == []
        [notify] = index.hits
        assert notify.method == "GET" and notify.path.startswith("/api/1.0/hub/pubnotify?")
        assert notify.query == {"url": ["https://show.example.org/feed.xml"]}
        for hub in (hub_a, hub_b):
            [publish] = hub.hits
            assert publish.method == "POST"
            assert publish.headers["Content-Type"] == "application/x-www-form-urlencoded"
            assert publish.form == {
                "hub.mode": ["publish"],
                "hub.url": ["https://show.example.org/feed.xml"],
            }
        # Nothing changed: nobody is told anything.
        again = to_folder(show, out, target)
        assert again.pings == [] and len(index.hits) == 1 and len(hub_a.hits) == 1
        # Only pages changed (a page of the show's own): still no ping.
        (show / "pages").mkdir()
        (show / "pages" / "about.md").write_text("# About\n\nHello.\n")
        published(show, out)
        pages_only = to_folder(show, out, target)
        assert pages_only.uploaded and "feed.xml" not in pages_only.uploaded
        assert pages_only.pings == [] and len(index.hits) == 1
        # The feed changed: everyone is told again.
        episode = show / "001-episode.yaml"
        episode.write_text(episode.read_text().replace("Guest 1:", "Guest One:"))
        published(show, out)
        to_folder(show, out, target)
        assert len(index.hits) == 2 and len(hub_a.hits) == 2 and len(hub_b.hits) == 2
        # --full sends the feed again, but its bytes on the target do not change: no ping.
        full = to_folder(show, out, target, full=True)
        assert "feed.xml" in full.uploaded and full.feeds_changed == [] and full.pings == []
        assert len(index.hits) == 2


def test_a_failing_hub_is_a_warning_not_a_failure(
    make_show, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    with recorder() as index, recorder(500) as broken:
        monkeypatch.setenv("GAEPOD_PODCAST_INDEX_URL", index.url)
        down = closed_port_url()
        show = _with_hubs(make_show, [broken.url, down])
        out = tmp_path / "public"
        published(show, out)
        result = CliRunner().invoke(
            app, ["deploy", "--show", str(show), "--out", str(out), "--to", str(tmp_path / "www")]
        )
        assert result.exit_code == 0, result.output
        assert len(broken.hits) == 1 and len(index.hits) == 1
        warnings = [line for line in result.stderr.splitlines() if line.startswith("warning:")]
        assert len(warnings) == 2
        assert any(broken.url in w and "HTTP 500" in w for w in warnings)
        assert any(down in w for w in warnings)
        assert "✓" in result.stdout


def test_no_ping_and_ping_podcast_index_false_keep_quiet(
    make_show, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    with recorder() as index, recorder() as hub:
        monkeypatch.setenv("GAEPOD_PODCAST_INDEX_URL", index.url)
        show = _with_hubs(make_show, [hub.url])
        out = tmp_path / "public"
        published(show, out)
        to_folder(show, out, tmp_path / "www", ping=False)
        assert index.hits == [] and hub.hits == []
        yaml = show / "podcast.yaml"
        yaml.write_text(
            yaml.read_text()
            + f"deploy:\n  target: {tmp_path / 'www2'}\n  ping_podcast_index: false\n"
        )
        published(show, out)
        deploy(DeployOptions(show=show, out=out))
        assert index.hits == [] and len(hub.hits) == 1


def test_a_deploy_killed_before_its_pings_pings_next_time(
    make_show, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    with recorder() as index:
        monkeypatch.setenv("GAEPOD_PODCAST_INDEX_URL", index.url)
        show = make_show(episodes=2, show_yaml=SHOW)
        out, target = tmp_path / "public", tmp_path / "www"
        published(show, out)
        index.hold = True  # the ping hangs: the deploy is killed while it waits
        args = ["deploy", "--show", str(show), "--out", str(out), "--to", str(target)]
        process = subprocess.Popen([sys.executable, "-m", "gaepod", *args])
        try:
            assert index.held.wait(60), "the deploy never pinged"
            process.kill()
            process.wait(30)
        finally:
            if process.poll() is None:
                process.kill()
        index.release()
        assert (target / "feed.xml").read_bytes() == (out / "feed.xml").read_bytes()
        later = to_folder(show, out, target)
        assert later.uploaded == [] and [p.ok for p in later.pings] == [True]
        assert len(index.hits) == 2
        assert to_folder(show, out, target).pings == []  # told: nothing owed any more


def test_podcast_index_url_in_podcast_yaml(make_show, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.delenv("GAEPOD_PODCAST_INDEX_URL")
    with recorder() as index:
        target = tmp_path / "www"
        show = make_show(
            episodes=1,
            show_yaml=SHOW
            + f"deploy:\n  target: {target}\n  podcast_index_url: {index.url}pubnotify\n",
        )
        out = tmp_path / "public"
        published(show, out)
        deploy(DeployOptions(show=show, out=out))
        [hit] = index.hits
        assert hit.path.startswith("/pubnotify?url=")


def test_deploy_on_a_terminal_shows_its_progress_and_piped_none(tmp_path: Path) -> None:
    from conftest import copy_example
    from test_terminal import ANSI, CRASH, NOW, on_terminal, piped

    copy_example(tmp_path)
    assert piped("build", "--now", NOW, cwd=tmp_path).returncode == 0
    run = on_terminal("deploy", "--to", "www", "--no-ping", cwd=tmp_path)
    assert run.code == 0, run.text
    assert not CRASH.search(run.text), run.text
    assert "uploading" in run.text and "✓ folder:" in run.text
    assert (tmp_path / "www" / "feed.xml").read_bytes() == (
        tmp_path / "public" / "feed.xml"
    ).read_bytes()
    quiet = piped("deploy", "--to", "www", "--no-ping", cwd=tmp_path)
    assert quiet.returncode == 0 and not ANSI.search(quiet.stdout + quiet.stderr)
    assert "nothing changed" in quiet.stdout and "uploading" not in quiet.stderr


# --- an S3-compatible bucket (moto's server, a process of its own on 127.0.0.1) -------


@pytest.fixture(scope="module")
def s3_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    for module in ("boto3", "moto"):  # in the [test] extras: missing on CI is a failure
        if os.environ.get("CI"):
            importlib.import_module(module)
        else:
            pytest.importorskip(module)
    with moto_server(tmp_path_factory.mktemp("moto") / "moto.log") as endpoint:
        yield endpoint


@pytest.fixture
def s3(
    s3_server: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest
) -> Iterator[S3]:
    """A new bucket on the server, reached through a proxy that records each request."""
    import boto3

    for key, value in s3_environment(tmp_path).items():
        monkeypatch.setenv(key, value)
    bucket = "show-" + hashlib.sha1(request.node.name.encode()).hexdigest()[:12]
    client = boto3.client("s3", endpoint_url=s3_server, region_name="us-east-1")
    client.create_bucket(Bucket=bucket)
    proxy = Proxy(s3_server)
    try:
        yield S3(client, bucket, proxy)
    finally:
        proxy.close()


@dataclass
class S3:
    client: Any
    bucket: str
    proxy: Proxy

    def to(self, prefix: str = "show/") -> str:
        return f"s3://{self.bucket}/{prefix}?endpoint={self.proxy.url}"

    def objects(self, prefix: str = "show/") -> dict[str, bytes]:
        found = {}
        pages = self.client.get_paginator("list_objects_v2").paginate(
            Bucket=self.bucket, Prefix=prefix
        )
        for page in pages:
            for item in page.get("Contents", []):
                body = self.client.get_object(Bucket=self.bucket, Key=item["Key"])["Body"]
                found[item["Key"][len(prefix) :]] = body.read()
        return found

    def head(self, key: str) -> dict[str, Any]:
        return dict(self.client.head_object(Bucket=self.bucket, Key=key))


def to_s3(show: Path, out: Path, s3: S3, **options: object) -> DeployReport:
    return deploy(DeployOptions(show=show, out=out, to=s3.to(), **options))  # type: ignore[arg-type]


def test_s3_objects_carry_their_type_and_caching(site: tuple[Path, Path], s3: S3) -> None:
    show, out = site
    report = to_s3(show, out, s3, ping=False)
    assert s3.objects() == tree(out)
    assert s3.proxy.uploads()[-1] == "show/feed.xml"  # as the server saw them: the feed last
    assert sorted(report.uploaded) == sorted(tree(out))
    expected = {
        "feed.xml": ("application/rss+xml; charset=utf-8", "public, max-age=300"),
        "audio/001.mp3": ("audio/mpeg", "public, max-age=31536000"),
        "art/cover.jpg": ("image/jpeg", "public, max-age=31536000"),
        "index.html": ("text/html; charset=utf-8", "public, max-age=300"),
        "assets/style.css": ("text/css; charset=utf-8", "public, max-age=86400"),
        "assets/player.js": ("text/javascript; charset=utf-8", "public, max-age=86400"),
        "search.json": ("application/json", "public, max-age=300"),
        "sitemap.xml": ("application/xml; charset=utf-8", "public, max-age=300"),
    }
    for relpath, (kind, caching) in expected.items():
        head = s3.head("show/" + relpath)
        assert (head["ContentType"], head["CacheControl"]) == (kind, caching), relpath
    pages = [k for k in s3.proxy.uploads() if k.endswith(".html")]
    audio = [k for k in s3.proxy.uploads() if k.endswith(".mp3")]
    order = s3.proxy.uploads()
    assert max(order.index(k) for k in audio) < min(order.index(k) for k in pages)


def test_s3_second_deploy_uploads_nothing_and_an_edit_only_what_changed(
    site: tuple[Path, Path], s3: S3
) -> None:
    show, out = site
    to_s3(show, out, s3, ping=False)
    s3.proxy.requests.clear()
    again = to_s3(show, out, s3, ping=False)
    assert again.uploaded == [] and s3.proxy.requests == []  # not even a request
    episode = show / "002-episode.yaml"
    episode.write_text(episode.read_text().replace("Guest 2:", "Guest Two:"), encoding="utf-8")
    rebuilt = published(show, out)
    to_s3(show, out, s3, ping=False)
    assert sorted(s3.proxy.uploads()) == sorted("show/" + r for r in rebuilt.written)
    assert s3.proxy.uploads()[-1] == "show/feed.xml"
    assert s3.objects() == tree(out)


def test_s3_removed_files_are_deleted_after_the_feed(site: tuple[Path, Path], s3: S3) -> None:
    show, out = site
    to_s3(show, out, s3, ping=False)
    (show / "003-episode.yaml").unlink()
    published(show, out, allow_removal=True)
    s3.proxy.requests.clear()
    report = to_s3(show, out, s3, ping=False)
    assert "audio/003.mp3" in report.deleted
    methods = [(m, p.split("?")[0]) for m, p in s3.proxy.requests]
    feed_put = methods.index(("PUT", f"/{s3.bucket}/show/feed.xml"))
    deletes = [i for i, (m, p) in enumerate(s3.proxy.requests) if m == "POST" and "delete" in p]
    assert deletes and min(deletes) > feed_put
    assert s3.objects() == tree(out)


def test_s3_deploy_killed_midway_resumes_with_the_feed_last(
    site: tuple[Path, Path], s3: S3, tmp_path: Path
) -> None:
    """SIGKILL while uploads are in flight; the live feed stays the old one, and the
    next deploy uploads what is missing (not what went up before), the feed last."""
    show, out = site
    to_s3(show, out, s3, ping=False)
    old_feed = s3.objects()["feed.xml"]
    for n in (1, 2, 3):
        episode = show / f"00{n}-episode.yaml"
        episode.write_text(episode.read_text().replace(f"Guest {n}:", f"Guest #{n}:"))
    rebuilt = published(show, out)
    assert len(rebuilt.written) > 6
    s3.proxy.requests.clear()
    s3.proxy.hold_after_puts = 3
    env = {**os.environ, "GAEPOD_SPEEDUPS": os.environ.get("GAEPOD_SPEEDUPS", "")}
    args = ["deploy", "--show", str(show), "--out", str(out), "--to", s3.to(), "--no-ping"]
    process = subprocess.Popen([sys.executable, "-m", "gaepod", *args], env=env)
    try:
        assert s3.proxy.held.wait(60), "the deploy never reached its fourth upload"
        process.kill()  # SIGKILL: no cleanup of any kind
        process.wait(30)
    finally:
        if process.poll() is None:
            process.kill()
    first = s3.proxy.uploads()
    assert len(first) == 3 and "show/feed.xml" not in first
    assert s3.objects()["feed.xml"] == old_feed  # listeners still get the old feed
    s3.proxy.release()
    s3.proxy.requests.clear()
    resumed = subprocess.run(
        [sys.executable, "-m", "gaepod", *args, "--json"], env=env, capture_output=True, text=True
    )
    assert resumed.returncode == 0, resumed.stderr
    second = s3.proxy.uploads()
    assert second[-1] == "show/feed.xml"
    assert not set(first) & set(second)  # what the killed run confirmed is not sent again
    assert sorted(first + second) == sorted("show/" + r for r in rebuilt.written)
    assert s3.objects() == tree(out)


def test_s3_failure_names_the_file_and_keeps_the_feed(
    site: tuple[Path, Path], s3: S3, tmp_path: Path
) -> None:
    show, out = site
    to = f"s3://{s3.bucket}/show/?endpoint={closed_port_url().rstrip('/')}"
    result = CliRunner().invoke(app, ["deploy", "--show", str(show), "--out", str(out), "--to", to])
    assert result.exit_code == 1
    assert "cannot upload" in result.stderr and "the live feed was left as it was" in result.stderr
    assert "Traceback" not in result.output
    missing = f"s3://no-such-bucket/show/?endpoint={s3.proxy.url}"
    result = CliRunner().invoke(
        app, ["deploy", "--show", str(show), "--out", str(out), "--to", missing]
    )
    assert result.exit_code == 1 and "bucket does not exist" in result.stderr


def test_s3_without_credentials_says_where_they_go(
    site: tuple[Path, Path], s3: S3, monkeypatch: pytest.MonkeyPatch
) -> None:
    show, out = site
    monkeypatch.delenv("AWS_ACCESS_KEY_ID")
    monkeypatch.delenv("AWS_SECRET_ACCESS_KEY")
    with pytest.raises(OutputError, match="no S3 credentials found"):
        to_s3(show, out, s3, ping=False)


def test_s3_target_from_podcast_yaml(make_show, s3: S3, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    yaml = SHOW + (
        f"deploy:\n  target: s3://{s3.bucket}/podcast/\n  endpoint: {s3.proxy.url}\n"
        "  region: us-east-1\n"
    )
    show = make_show(episodes=1, show_yaml=yaml)
    out = tmp_path / "public"
    built = CliRunner().invoke(
        app, ["build", "--show", str(show), "--out", str(out), "--deploy", "--no-ping"]
    )
    assert built.exit_code == 0, built.output
    assert f"s3://{s3.bucket}/podcast/" in built.stdout
    assert s3.objects("podcast/") == tree(out)


# --- an rsync destination (Debian's rsync: a local path, and an rsync daemon) ---------


@pytest.fixture
def rsync_log(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    real = shutil.which("rsync")
    if real is None:
        if os.environ.get("CI"):
            pytest.fail("rsync is not installed (.ci/run installs it)")
        pytest.skip("rsync is not installed")
    log = recording_rsync(tmp_path / "bin", real)
    monkeypatch.setenv("PATH", f"{tmp_path / 'bin'}{os.pathsep}{os.environ['PATH']}")
    return log


def rsync_runs(log: Path) -> list[dict[str, Any]]:
    if not log.exists():
        return []
    return [json.loads(line) for line in log.read_text().splitlines()]


def test_rsync_sends_only_what_changed_feeds_last_removals_after(
    site: tuple[Path, Path], tmp_path: Path, rsync_log: Path
) -> None:
    show, out = site
    target = tmp_path / "www"
    to = f"rsync:{target}"
    target.mkdir()
    target.chmod(0o775)  # the host's own choice for the web root: kept
    deploy(DeployOptions(show=show, out=out, to=to, ping=False))
    assert tree(target) == tree(out)
    assert {p.stat().st_mode & 0o777 for p in target.rglob("*") if p.is_file()} == {0o644}
    assert {p.stat().st_mode & 0o777 for p in target.rglob("*") if p.is_dir()} == {0o755}
    assert target.stat().st_mode & 0o777 == 0o775
    runs = rsync_runs(rsync_log)
    assert [run["names"] for run in runs][-1] == ["feed.xml"]  # the last run: the feed
    assert "audio/001.mp3" in runs[0]["names"] and "index.html" in runs[1]["names"]
    # Nothing changed: rsync is not even started.
    again = deploy(DeployOptions(show=show, out=out, to=to, ping=False))
    assert again.uploaded == [] and len(rsync_runs(rsync_log)) == len(runs)
    # One episode removed: its files are deleted once the new feed is there.
    (show / "003-episode.yaml").unlink()
    rebuilt = published(show, out, allow_removal=True)
    rsync_log.unlink()
    report = deploy(DeployOptions(show=show, out=out, to=to, ping=False))
    runs = rsync_runs(rsync_log)
    sent = [
        name for run in runs if "--delete-missing-args" not in run["args"] for name in run["names"]
    ]
    assert sorted(sent) == sorted(rebuilt.written) == sorted(report.uploaded)
    deleting = [i for i, run in enumerate(runs) if "--delete-missing-args" in run["args"]]
    feed_run = next(i for i, run in enumerate(runs) if "feed.xml" in run["names"])
    assert deleting and min(deleting) > feed_run
    assert "audio/003.mp3" in runs[deleting[0]]["names"]
    assert tree(target) == tree(out)
    assert not (target / "episodes" / "003-episode").exists()  # the emptied folder too


def test_rsync_failure_keeps_the_live_feed_and_the_next_deploy_finishes(
    site: tuple[Path, Path], tmp_path: Path, rsync_log: Path
) -> None:
    show, out = site
    target = tmp_path / "www"
    to = f"rsync:{target}"
    deploy(DeployOptions(show=show, out=out, to=to, ping=False))
    old_feed = (target / "feed.xml").read_bytes()
    episode = show / "001-episode.yaml"
    episode.write_text(episode.read_text().replace("Guest 1:", "Guest One:"))
    published(show, out)
    cut = rsync_log.parent / "cut-after"
    cut.write_text("1")  # the connection drops after the first file of the first run
    result = CliRunner().invoke(
        app, ["deploy", "--show", str(show), "--out", str(out), "--to", to, "--no-ping"]
    )
    assert result.exit_code == 1
    assert "rsync could not send" in result.stderr and "connection unexpectedly" in result.stderr
    assert "the live feed was left as it was" in result.stderr
    assert (target / "feed.xml").read_bytes() == old_feed
    cut.unlink()
    finished = deploy(DeployOptions(show=show, out=out, to=to, ping=False))
    assert finished.uploaded[-1] == "feed.xml"
    assert "audio/001.mp3" in finished.uploaded  # its phase was not confirmed: sent again
    assert tree(target) == tree(out)


def test_rsync_to_a_daemon_over_the_network(
    site: tuple[Path, Path], tmp_path: Path, rsync_log: Path
) -> None:
    """A remote destination (here an rsync daemon on 127.0.0.1): the same deploy."""
    show, out = site
    root = tmp_path / "served"
    root.mkdir()
    with rsync_daemon(root, tmp_path) as url:
        first = deploy(DeployOptions(show=show, out=out, to=url, ping=False))
        assert tree(root) == tree(out) and first.uploaded[-1] == "feed.xml"
        (show / "002-episode.yaml").unlink()
        published(show, out, allow_removal=True)
        second = deploy(DeployOptions(show=show, out=out, to=url, ping=False))
        assert "audio/002.mp3" in second.deleted
        assert tree(root) == tree(out)
    pattern = f"rsync --daemon .*--config={tmp_path}/"
    left = subprocess.run(["pgrep", "-f", "--", pattern], capture_output=True, text=True)
    assert left.returncode == 1 and left.stdout == "", "the rsync daemon outlived the test"


@pytest.mark.parametrize(
    ("written", "kind", "location", "prefix", "endpoint"),
    [
        ("s3://my-bucket/podcast", "s3", "my-bucket", "podcast/", None),
        (
            "s3://my-bucket/?endpoint=http://127.0.0.1:9000",
            "s3",
            "my-bucket",
            "",
            "http://127.0.0.1:9000",
        ),
        (
            "deploy@example.org:/var/www/podcast",
            "rsync",
            "deploy@example.org:/var/www/podcast/",
            "",
            None,
        ),
        ("rsync://example.org/site", "rsync", "rsync://example.org/site/", "", None),
        ("rsync:www", "rsync", "/base/www/", "", None),
        ("www", "folder", "/base/www", "", None),
        ("folder:/srv/podcast", "folder", "/srv/podcast", "", None),
    ],
)
def test_every_written_target_form(
    written: str, kind: str, location: str, prefix: str, endpoint: str | None
) -> None:
    from gaepod.model import DeployTarget
    from gaepod.show.delivery import parse_target

    target = parse_target(written, Path("/base"))
    assert target == DeployTarget(kind, location, prefix, endpoint)


@pytest.mark.parametrize("written", ["ftp://host/x", "s3://x/", "s3://ok-bucket/a/../b", "rsync:"])
def test_a_target_gaepod_cannot_read_says_why(written: str) -> None:
    from gaepod.show.delivery import parse_target

    assert isinstance(parse_target(written, Path("/base")), str)


def test_full_uploads_everything_again(site: tuple[Path, Path], tmp_path: Path) -> None:
    show, out = site
    target = tmp_path / "www"
    to_folder(show, out, target, ping=False)
    (target / "index.html").write_text("changed on the server by hand")
    (target / "audio" / "002.mp3").unlink()  # and one file deleted there
    fixed = to_folder(show, out, target, ping=False)
    assert fixed.uploaded == ["audio/002.mp3", "index.html"]  # sizes tell, for a folder
    original = (out / "about" / "index.html").read_bytes()
    (target / "about" / "index.html").write_bytes(original.upper())  # the same size
    assert to_folder(show, out, target, ping=False).uploaded == []  # the record trusts itself
    again = to_folder(show, out, target, ping=False, full=True)
    assert sorted(again.uploaded) == sorted(tree(out))
    assert tree(target) == tree(out)


def test_a_deploy_waits_for_the_lock_or_exits_3(site: tuple[Path, Path], tmp_path: Path) -> None:
    from gaepod.state import show_lock

    show, out = site
    args = ["deploy", "--show", str(show), "--out", str(out), "--to", str(tmp_path / "www")]
    with show_lock(show):
        result = CliRunner().invoke(app, [*args, "--no-wait", "--no-ping"])
    assert result.exit_code == 3, result.output
    assert not (tmp_path / "www").exists()


@pytest.mark.parametrize(
    ("blocks", "indexed"),
    [
        ("block_platforms: all\n", False),
        ("block_platforms: all\nallow_platforms: [podcastindex]\n", True),
        ("block_platforms: [podcastindex]\n", False),
        ("block_platforms: [spotify]\n", True),
        ("block: true\n", True),  # Apple's block is Apple's: the Index still hears of it
    ],
)
def test_a_show_blocked_from_the_index_is_not_announced_to_it(
    make_show, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, blocks: str, indexed: bool
) -> None:  # type: ignore[no-untyped-def]
    with recorder() as index, recorder() as hub:
        monkeypatch.setenv("GAEPOD_PODCAST_INDEX_URL", index.url)
        show = make_show(episodes=1, show_yaml=SHOW + f"websub_hubs: [{hub.url}]\n" + blocks)
        out = tmp_path / "public"
        published(show, out)
        to_folder(show, out, tmp_path / "www")
        assert len(index.hits) == int(indexed)
        assert len(hub.hits) == 1  # a hub serves the feed's own subscribers


def test_a_hub_that_never_answers_times_out() -> None:
    import time

    from gaepod.deploy.ping import Ping, send

    with recorder() as silent, recorder(204) as quick:
        silent.hold = True
        started = time.monotonic()
        slow, fast = send(
            [
                Ping("websub", silent.url, "https://x/feed.xml"),
                Ping("websub", quick.url, "https://x/feed.xml"),
            ],
            timeout=0.5,
        )
        assert time.monotonic() - started < 5
        assert not slow.ok and "timed out" in (slow.error or "")
        assert fast.ok and fast.status == 204


def _feed_at(tmp_path: Path, url: str) -> Path:
    feed = tmp_path / "feed.xml"
    feed.write_text(
        '<?xml version="1.0"?><rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom">'
        f'<channel><atom:link href="{url}" rel="self" type="application/rss+xml"/>'
        "<title>t</title></channel></rss>",
        encoding="utf-8",
    )
    return feed


@pytest.mark.parametrize(
    ("url", "told"),
    [
        ("https://crossroads.example.org/feed.xml", False),  # the bundled example show's
        ("https://podcast.example/feed.xml", False),
        ("http://localhost:8000/feed.xml", False),
        ("https://shows.test/feed.xml", False),
        ("https://crossroads.fm/feed.xml", True),
        ("https://example.org.crossroads.fm/feed.xml", True),
    ],
)
def test_the_public_index_is_never_told_of_a_feed_at_an_example_address(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, url: str, told: bool
) -> None:
    from gaepod.deploy.ping import plan_pings

    monkeypatch.delenv("GAEPOD_PODCAST_INDEX_URL")
    plan = plan_pings({"feed.xml": _feed_at(tmp_path, url)}, None)
    assert [p.service for p in plan.pings] == (["podcast index"] if told else [])
    assert bool(plan.problems) is not told
    if not told:
        assert "reserved for examples" in plan.problems[0]
    # a directory of the host's own choosing (a test's, a private one) is told all the same
    monkeypatch.setenv("GAEPOD_PODCAST_INDEX_URL", "http://127.0.0.1:9/pubnotify")
    assert len(plan_pings({"feed.xml": _feed_at(tmp_path, url)}, None).pings) == 1
