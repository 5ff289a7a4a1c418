"""`gaepod deploy` and `gaepod build --deploy`: to a folder, an rsync destination and an
S3-compatible server started here (moto, a separate process on 127.0.0.1); the
order (feeds last, deletions after them), Content-Type and Cache-Control, only what
changed, resuming after a failure or a kill, and the pings after a feed changed."""

from __future__ import annotations

import json
from pathlib import Path

import feedparser
import pytest
from typer.testing import CliRunner

from conftest import SHOW_YAML
from deploy_tools import closed_port_url, recorder
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
    from gaepod.deploy.record import load_record
    from gaepod.model import DeployTarget

    with recorder() as index, recorder() as hub:
        monkeypatch.setenv("GAEPOD_PODCAST_INDEX_URL", index.url)
        show = _with_hubs(make_show, [hub.url])
        out, target = tmp_path / "public", tmp_path / "www"
        published(show, out)
        to_folder(show, out, target)
        record = load_record(show, DeployTarget("folder", str(target.resolve())))
        record.uploaded("feed.xml", record.files["feed.xml"], "feed")  # then the kill
        record.close()
        later = to_folder(show, out, target)
        assert later.uploaded == [] and len(later.pings) == 2
        assert len(index.hits) == 2 and len(hub.hits) == 2


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
