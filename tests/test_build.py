"""`gaepod build`: the cron command. Refuses bad input, keeps published files, is incremental."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import feedparser
import pytest
from typer.testing import CliRunner

from conftest import episode_yaml
from gaepod.cli import app
from gaepod.errors import OutputError

NOW = "2026-11-24T12:00:00+0000"


@pytest.fixture
def show(example_copy: Path) -> Path:
    return example_copy


def run(*args: str):
    return CliRunner().invoke(app, [*args, "--now", NOW])


def snapshot(folder: Path) -> dict[str, tuple[bytes, int]]:
    return {
        str(p.relative_to(folder)): (p.read_bytes(), p.stat().st_mtime_ns)
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def test_quiet_build_is_silent_and_publishes_feed_and_site(show: Path, tmp_path: Path) -> None:
    out = tmp_path / "public"
    result = run("build", "--quiet", "--show", str(show), "--out", str(out))
    assert result.exit_code == 0, result.output
    assert result.stdout == "" and result.stderr == ""
    parsed = feedparser.parse((out / "feed.xml").read_bytes())
    assert not parsed.bozo and len(parsed.entries) == 9
    assert (out / "index.html").is_file()
    assert (out / "episodes" / "001-marta-oliveira-ports-pipelines-power" / "index.html").is_file()
    ledger = (show / "published.yaml").read_text()
    assert ledger.count("- guid:") == 9


def test_second_build_writes_nothing(show: Path, tmp_path: Path) -> None:
    out = tmp_path / "public"
    assert run("build", "-q", "--show", str(show), "--out", str(out)).exit_code == 0
    before = snapshot(out), snapshot(show)
    result = run("build", "--show", str(show), "--out", str(out))
    assert result.exit_code == 0
    assert "nothing changed" in result.stdout
    assert (snapshot(out), snapshot(show)) == before


def test_cache_is_only_a_speed_up(show: Path, tmp_path: Path) -> None:
    out = tmp_path / "public"
    assert run("build", "-q", "--no-tag", "--show", str(show), "--out", str(out)).exit_code == 0
    first = {k: v[0] for k, v in snapshot(out).items()}
    (show / ".gaepod" / "cache.pickle").write_bytes(b"\x80\x05garbage")
    (show / ".gaepod" / "quick.marshal").write_bytes(b"garbage")
    shutil.rmtree(out)
    assert run("build", "-q", "--no-tag", "--show", str(show), "--out", str(out)).exit_code == 0
    assert {k: v[0] for k, v in snapshot(out).items()} == first
    shutil.rmtree(show / ".gaepod")
    shutil.rmtree(out)
    assert run("build", "-q", "--no-tag", "--show", str(show), "--out", str(out)).exit_code == 0
    assert {k: v[0] for k, v in snapshot(out).items()} == first


def test_one_edit_rewrites_only_what_shows_it(show: Path, tmp_path: Path) -> None:
    out = tmp_path / "public"
    assert run("build", "-q", "--no-tag", "--show", str(show), "--out", str(out)).exit_code == 0
    before = snapshot(out)
    source = show / "003-lukasz-wisniewski-archives-empires-uses-of-history.yaml"
    source.write_text(source.read_text().replace("the Uses of History", "the Uses of Memory"))
    result = run("build", "--json", "--no-tag", "--show", str(show), "--out", str(out))
    report = json.loads(result.stdout)
    assert [c["title"] for c in report["changed"]] == [
        "Dr. Łukasz Wiśniewski: Archives, Empires, & the Uses of Memory?"
    ]
    written = set(report["written"])
    assert "feed.xml" in written
    assert "episodes/003-lukasz-wisniewski-archives-empires-uses-of-history/index.html" in written
    untouched = [k for k in before if k not in written]
    assert "episodes/006-jose-nunez-litio-agua-soberania/index.html" in untouched
    after = snapshot(out)
    assert all(after[k] == before[k] for k in untouched)


def test_after_a_first_build_that_tags_the_audio_an_edit_reports_only_that_episode(
    show: Path, tmp_path: Path
) -> None:
    """The first build changes every file's length by tagging it; what it records as
    published must be the feed it wrote, not the lengths from before the tagging."""
    out = tmp_path / "public"
    first = json.loads(run("build", "--json", "--show", str(show), "--out", str(out)).stdout)
    assert len(first["tagged"]) == 10 and len(first["added"]) == 9
    source = show / "003-lukasz-wisniewski-archives-empires-uses-of-history.yaml"
    source.write_text(source.read_text().replace("the Uses of History", "the Uses of Memory"))

    report = json.loads(run("build", "--json", "--show", str(show), "--out", str(out)).stdout)

    assert [c["title"] for c in report["changed"]] == [
        "Dr. Łukasz Wiśniewski: Archives, Empires, & the Uses of Memory?"
    ]
    diff = run("build", "--diff", "--show", str(show), "--out", str(out))
    assert "changed" not in diff.stdout  # the feed on disk is what the show says


def test_an_episode_edited_while_a_build_runs_is_published_by_the_next(
    show: Path, tmp_path: Path, monkeypatch
) -> None:
    """The no-op test compares stamps from before the build read anything: an edit made
    while it ran must not look already published."""
    from gaepod.publish import stages

    out = tmp_path / "public"
    source = show / "006-jose-nunez-litio-agua-soberania.yaml"
    plan = stages.plan

    def edit_then_plan(*args, **kwargs):
        source.write_text(
            source.read_text().replace("description: |\n", "description: |\n  Late. ", 1)
        )
        return plan(*args, **kwargs)

    monkeypatch.setattr(stages, "plan", edit_then_plan)
    assert run("build", "-q", "--show", str(show), "--out", str(out)).exit_code == 0
    assert b"Late. " not in (out / "feed.xml").read_bytes()  # read before the edit
    monkeypatch.setattr(stages, "plan", plan)

    result = run("build", "--show", str(show), "--out", str(out))

    assert result.exit_code == 0, result.output
    assert "nothing changed" not in result.stdout
    assert b"Late. " in (out / "feed.xml").read_bytes()
    assert "nothing changed" in run("build", "--show", str(show), "--out", str(out)).stdout


def test_the_first_edit_after_a_cold_build_reuses_what_its_workers_worked_out(
    show: Path, tmp_path: Path, monkeypatch
) -> None:
    """Pages rendered in worker processes leave their search entries in the cache."""
    from gaepod.publish import outputs
    from gaepod.site import search as site_search

    out = tmp_path / "public"
    monkeypatch.setattr(outputs, "PARALLEL_JOBS", 1)  # the example show is small: fork anyway
    assert run("build", "-q", "--no-tag", "--show", str(show), "--out", str(out)).exit_code == 0
    log = tmp_path / "computed.txt"  # appended to by whichever process computes an entry
    entry = site_search._doc_words

    def counting(doc):
        with log.open("a") as handle:
            handle.write(doc.href + "\n")
        return entry(doc)

    monkeypatch.setattr(site_search, "_doc_words", counting)
    source = show / "005-priya-raghunathan-chips-cables-geography-of-the-cloud.yaml"
    source.write_text(
        source.read_text().replace("description: |\n", "description: |\n  Zanzibar. ", 1)
    )
    assert run("build", "-q", "--no-tag", "--show", str(show), "--out", str(out)).exit_code == 0
    href = "episodes/005-priya-raghunathan-chips-cables-geography-of-the-cloud/index.html"
    assert log.read_text().split() == [href]
    index = (out / "search.json").read_bytes()
    files = {p.name: p.read_bytes() for p in (out / "search").glob("words-*.json")}
    docs = [d["u"] for d in json.loads(index)["docs"]]
    words = {}
    for data in files.values():
        words.update(json.loads(data))
    assert words["zanzibar"] == [[docs.index(href)]]
    shutil.rmtree(show / ".gaepod")
    shutil.rmtree(out)
    cold = run("build", "--no-tag", "--show", str(show), "--out", str(out))
    assert cold.exit_code == 0, cold.output
    assert {p.name: p.read_bytes() for p in (out / "search").glob("words-*.json")} == files
    assert (out / "search.json").read_bytes() == index  # what a cold build makes


def test_one_edit_renders_one_feed_item_and_matches_a_cold_build(
    show: Path, tmp_path: Path, monkeypatch
) -> None:
    from gaepod.feed import rss as feed

    out = tmp_path / "public"
    assert run("build", "-q", "--no-tag", "--show", str(show), "--out", str(out)).exit_code == 0
    rendered: list[str] = []
    render_items = feed.render_items

    def counting(show_, episodes):
        rendered.extend(e.title for e in episodes)
        return render_items(show_, episodes)

    monkeypatch.setattr(feed, "render_items", counting)
    source = show / "005-priya-raghunathan-chips-cables-geography-of-the-cloud.yaml"
    source.write_text(source.read_text().replace("description: |\n", "description: |\n  New. ", 1))
    assert run("build", "-q", "--no-tag", "--show", str(show), "--out", str(out)).exit_code == 0
    assert len(rendered) == 1 and rendered[0].startswith("Priya ")
    incremental = (out / "feed.xml").read_bytes()
    assert b"New. " in incremental
    (out / "feed.xml").write_bytes(incremental.replace(b"<item>", b"<item >", 1))  # edited by hand
    rendered.clear()
    assert run("build", "-q", "--no-tag", "--show", str(show), "--out", str(out)).exit_code == 0
    assert len(rendered) == 9  # a feed.xml gaepod did not write is never reused
    assert (out / "feed.xml").read_bytes() == incremental
    shutil.rmtree(show / ".gaepod")
    shutil.rmtree(out)
    assert run("build", "-q", "--no-tag", "--show", str(show), "--out", str(out)).exit_code == 0
    assert (out / "feed.xml").read_bytes() == incremental


def test_deleting_the_cache_between_builds_of_one_process_only_costs_time(
    show: Path, tmp_path: Path, monkeypatch
) -> None:
    """`gaepod serve --watch` builds again and again in one process; the user may delete
    episodes/.gaepod meanwhile (the README says it only costs time), also before this
    process has compiled a template itself (workers rendered the first build)."""
    from gaepod.publish import outputs

    out = tmp_path / "public"
    with monkeypatch.context() as patch:
        patch.setattr(outputs, "PARALLEL_JOBS", 1)  # the example show is small: fork anyway
        first = run("build", "-q", "--no-tag", "--show", str(show), "--out", str(out))
    assert first.exit_code == 0
    before = snapshot(out)
    shutil.rmtree(show / ".gaepod")
    source = show / "003-lukasz-wisniewski-archives-empires-uses-of-history.yaml"
    source.write_text(source.read_text().replace("the Uses of History", "the Uses of Memory"))

    result = run("build", "--no-tag", "--show", str(show), "--out", str(out))

    assert result.exit_code == 0, result.output
    page = out / "episodes/003-lukasz-wisniewski-archives-empires-uses-of-history/index.html"
    assert "the Uses of Memory" in page.read_text()
    assert (
        snapshot(out)["episodes/006-jose-nunez-litio-agua-soberania/index.html"]
        == before["episodes/006-jose-nunez-litio-agua-soberania/index.html"]
    )


def test_broken_episode_changes_nothing_published(show: Path, tmp_path: Path) -> None:
    out = tmp_path / "public"
    assert run("build", "-q", "--show", str(show), "--out", str(out)).exit_code == 0
    before = snapshot(out)
    (show / "010-broken.yaml").write_text(episode_yaml(10, explicit="yes", audio="audio/001.mp3"))
    # line 7: title, date, number, audio, two lines of description, then explicit
    result = run("build", "-q", "--show", str(show), "--out", str(out))
    assert result.exit_code == 1
    assert "010-broken.yaml:7:11: error[E108]" in result.stderr
    assert "Traceback" not in result.output
    assert snapshot(out) == before


def test_changed_guid_of_published_episode_is_refused(show: Path, tmp_path: Path) -> None:
    out = tmp_path / "public"
    assert run("build", "-q", "--show", str(show), "--out", str(out)).exit_code == 0
    before = snapshot(out)
    source = show / "001-marta-oliveira-ports-pipelines-power.yaml"
    source.write_text(source.read_text().replace("guid: 1fc0c223", "guid: 2fc0c223"))
    result = run("build", "-q", "--show", str(show), "--out", str(out))
    assert result.exit_code == 1
    assert "changed its guid from '1fc0c223-cb2b-4dc2-8aca-9013fddf0adf'" in result.stderr
    assert snapshot(out) == before
    allowed = run("build", "-q", "--allow-guid-change", "--show", str(show), "--out", str(out))
    assert allowed.exit_code == 0


def test_deleted_published_episode_is_refused(show: Path, tmp_path: Path) -> None:
    out = tmp_path / "public"
    assert run("build", "-q", "--show", str(show), "--out", str(out)).exit_code == 0
    before = snapshot(out)
    (show / "002-soren-akesson-arctic-routes-rare-earths-cold-peace.yaml").unlink()
    result = run("build", "-q", "--show", str(show), "--out", str(out))
    assert result.exit_code == 1
    assert "is no longer in the show" in result.stderr
    assert snapshot(out) == before
    diff = run("build", "--diff", "--allow-removal", "--show", str(show), "--out", str(out))
    assert "- removed  Søren Åkesson" in diff.stdout
    assert snapshot(out) == before
    result = run("build", "--json", "--allow-removal", "--show", str(show), "--out", str(out))
    report = json.loads(result.stdout)
    assert [r["title"] for r in report["removed"]] == [
        "Søren Åkesson: Arctic Routes, Rare Earths, & a Cold Peace?"
    ]
    page = "episodes/002-soren-akesson-arctic-routes-rare-earths-cold-peace/index.html"
    assert page in report["removed_files"] and not (out / page).exists()


def test_scheduled_episode_appears_after_its_time(show: Path, tmp_path: Path) -> None:
    out = tmp_path / "public"
    draft = show / "009-ingrid-halvorsen-fisheries-fjords-north-sea.yaml"
    draft.write_text(draft.read_text().replace("draft: true", "draft: false"))
    assert run("build", "-q", "--no-tag", "--show", str(show), "--out", str(out)).exit_code == 0
    assert len(feedparser.parse((out / "feed.xml").read_bytes()).entries) == 9
    later = CliRunner().invoke(
        app,
        [
            "build",
            "-q",
            "--no-tag",
            "--show",
            str(show),
            "--out",
            str(out),
            "--now",
            "2026-12-01T15:00:01+0000",
        ],
    )
    assert later.exit_code == 0, later.output
    assert len(feedparser.parse((out / "feed.xml").read_bytes()).entries) == 10


def test_usage_error_exits_2(show: Path) -> None:
    assert CliRunner().invoke(app, ["build", "--no-such-flag"]).exit_code == 2


def test_switching_output_folder_never_deletes_files_there(show: Path, tmp_path: Path) -> None:
    first, second = tmp_path / "a", tmp_path / "b"
    assert run("build", "-q", "--no-tag", "--show", str(show), "--out", str(first)).exit_code == 0
    page = "episodes/002-soren-akesson-arctic-routes-rare-earths-cold-peace/index.html"
    (second / page).parent.mkdir(parents=True)
    (second / page).write_text("not gaepod's")
    (show / "002-soren-akesson-arctic-routes-rare-earths-cold-peace.yaml").unlink()
    result = run(
        "build", "-q", "--no-tag", "--allow-removal", "--show", str(show), "--out", str(second)
    )
    assert result.exit_code == 0, result.output
    assert (second / page).read_text() == "not gaepod's"


def test_recheck_after_tagging_equals_a_full_check(make_show) -> None:
    """The build re-reads only re-tagged episodes; the result must be the full check's."""
    from gaepod.audio.tag import tag_show
    from gaepod.show.check import check_show, recheck
    from gaepod.speed.cache import BuildCache

    twin = episode_yaml(4, guid="same-guid", draft="true")  # a draft sharing a guid: a warning
    root = make_show(4, files={"003-episode.yaml": episode_yaml(3, guid="same-guid"),
                               "004-episode.yaml": twin})  # fmt: skip
    cache = BuildCache()
    before = check_show(root, cache)
    assert before.podcast is not None and before.warnings
    report = tag_show(before.podcast)
    tagged = {str(t.path) for t in report.changed}
    assert len(tagged) == 4
    sources = {e.source for e in before.podcast.episodes if str(e.audio.path) in tagged}

    rechecked = recheck(before, root, cache, sources)
    full = check_show(root)

    assert rechecked.podcast == full.podcast
    assert rechecked.diagnostics == full.diagnostics
    assert [e.audio.size for e in rechecked.podcast.episodes] != [
        e.audio.size for e in before.podcast.episodes
    ]


def test_files_rendered_on_all_cores_are_put_in_place_in_order_feed_last(
    tmp_path: Path, monkeypatch
) -> None:
    """Workers render the long jobs (feed, search index) first; the renames still follow
    the sorted order, with the feed last, and every file gets its own bytes."""
    from gaepod import fsio
    from gaepod.publish import outputs
    from gaepod.publish.outputs import Output, write_outputs

    monkeypatch.setattr(outputs, "PARALLEL_JOBS", 1)
    renamed: list[str] = []
    commit = fsio.StagedWrites.commit

    def watched(self, meanwhile=None) -> None:
        renamed.extend(target.relative_to(tmp_path).as_posix() for _t, target, _s in self.pending)
        commit(self, meanwhile)

    monkeypatch.setattr(fsio.StagedWrites, "commit", watched)
    handed_out: list[list[int]] = []
    map_items = outputs.map_items

    def handing_out(func, spans, **options):
        handed_out.extend(list(span) for span in spans)
        return map_items(func, spans, **options)

    monkeypatch.setattr(outputs, "map_items", handing_out)
    pages = [Output(f"p/{i:03d}/index.html", data=f"page {i}".encode()) for i in range(100)]
    feed_output = Output(
        "feed.xml", write=lambda h: h.write(b"<rss/>"), whole_show=True, is_feed=True
    )
    search = Output("search.json", render=lambda: b"{}", whole_show=True)

    report = write_outputs(tmp_path, [feed_output, *pages, search])

    expected = [*sorted(o.relpath for o in [*pages, search]), "feed.xml"]
    assert renamed == expected == report.written
    first_two = [expected[i] for span in handed_out[:2] for i in span]
    assert first_two == ["search.json", "feed.xml"]  # each a job of its own, first
    assert (tmp_path / "feed.xml").read_bytes() == b"<rss/>"
    assert (tmp_path / "search.json").read_bytes() == b"{}"
    assert all((tmp_path / o.relpath).read_bytes() == o.data for o in pages)


def test_files_staged_by_workers_get_the_mode_of_the_file_they_replace(
    tmp_path: Path, monkeypatch
) -> None:
    """New files are world-readable (a web server reads them); a rewritten one keeps the
    mode its owner gave it. Workers set it: the commit only renames."""
    from gaepod.publish import outputs
    from gaepod.publish.outputs import Output, write_outputs

    monkeypatch.setattr(outputs, "PARALLEL_JOBS", 1)
    pages = [Output(f"p/{i:03d}/index.html", data=b"first") for i in range(70)]
    write_outputs(tmp_path, pages)
    assert {(tmp_path / o.relpath).stat().st_mode & 0o777 for o in pages} == {0o644}
    (tmp_path / "p/007/index.html").chmod(0o640)

    write_outputs(tmp_path, [Output(o.relpath, data=b"second") for o in pages])

    assert (tmp_path / "p/007/index.html").stat().st_mode & 0o777 == 0o640
    assert (tmp_path / "p/008/index.html").stat().st_mode & 0o777 == 0o644
    assert (tmp_path / "p/007/index.html").read_bytes() == b"second"


@pytest.mark.parametrize("given_as", ["absolute", "relative", "through a link"])
def test_the_build_after_one_that_tagged_the_audio_has_nothing_to_do(
    show: Path, tmp_path: Path, monkeypatch, given_as: str
) -> None:
    """The first build re-tags every MP3 and starts the ledger; the next one must still find
    nothing changed, however the show folder was named (cron may use any of these)."""
    (tmp_path / "link").symlink_to(show)
    monkeypatch.chdir(tmp_path)
    named = {
        "absolute": str(show),
        "relative": str(show.relative_to(tmp_path)),
        "through a link": "link",
    }[given_as]
    first = run("build", "--show", named, "--out", str(tmp_path / "public"))
    assert first.exit_code == 0, first.output
    assert "audio files tagged" in first.stdout

    second = run("build", "--show", named, "--out", str(tmp_path / "public"))

    assert second.exit_code == 0, second.output
    assert "nothing changed" in second.stdout


def test_a_build_marks_the_feed_and_the_search_index_as_made_from_every_episode(
    show: Path, tmp_path: Path
) -> None:
    from datetime import datetime

    from gaepod.publish import BuildOptions, stages
    from gaepod.show.check import check_show
    from gaepod.speed.cache import BuildCache

    podcast = check_show(show).podcast
    assert podcast is not None
    options = BuildOptions(show=show, out=tmp_path / "out")
    planned = stages.plan(
        options, tmp_path / "out", podcast, datetime.fromisoformat(NOW), BuildCache()
    )

    assert sorted(o.relpath for o in planned if o.whole_show) == [
        "es/feed.xml",
        "es/search.json",
        "feed.xml",
        "search.json",
    ]


def test_a_build_with_nothing_to_do_still_reports_the_episodes_in_the_feed(
    show: Path, tmp_path: Path
) -> None:
    """--json for cron: a no-op must not claim an empty feed."""
    out = tmp_path / "public"
    first = json.loads(run("build", "--json", "--show", str(show), "--out", str(out)).stdout)
    parsed = feedparser.parse((out / "feed.xml").read_bytes())

    again = json.loads(run("build", "--json", "--show", str(show), "--out", str(out)).stdout)

    assert again["nothing_changed"] is True
    assert again["episodes_in_feed"] == first["episodes_in_feed"] == len(parsed.entries) == 9


def test_work_done_while_the_files_flush_sees_none_renamed_and_can_stop_the_commit(
    tmp_path: Path,
) -> None:
    """write_outputs runs `while_flushing` (the build saves its cache there) after every
    file is staged and before any is renamed; when it fails, nothing is published."""
    from gaepod.fsio import TEMP_PREFIX
    from gaepod.publish.outputs import Output, write_outputs

    relpaths = [f"p/{i:02d}/index.html" for i in range(20)]  # more than FEW_FILES: one sync
    seen: list[tuple[int, int]] = []

    def look() -> None:  # (targets in place, temp files) at that moment
        in_place = sum((tmp_path / r).exists() for r in relpaths)
        seen.append((in_place, len(list(tmp_path.rglob(TEMP_PREFIX + "*")))))

    write_outputs(tmp_path, [Output(r, data=b"old") for r in relpaths], while_flushing=look)
    assert seen == [(0, 20)]
    assert all((tmp_path / r).read_bytes() == b"old" for r in relpaths)

    def fail() -> None:
        raise OSError(28, "No space left on device", "cache.pickle")

    with pytest.raises(OutputError):
        write_outputs(tmp_path, [Output(r, data=b"new") for r in relpaths], while_flushing=fail)
    assert all((tmp_path / r).read_bytes() == b"old" for r in relpaths)
    assert list(tmp_path.rglob(TEMP_PREFIX + "*")) == []


def test_the_saved_cache_knows_the_ledger_written_and_the_files_removed_after_it(
    show: Path, tmp_path: Path
) -> None:
    """The cache is saved while the new files flush, before the ledger is written and
    stale files removed; it is saved again when either changed what it holds."""
    from gaepod.show.ledger import LEDGER_FILE, Ledger
    from gaepod.speed.cache import load_cache
    from gaepod.state import stamp

    out = tmp_path / "public"
    (show / "published.yaml").unlink(missing_ok=True)  # the first build writes the ledger
    assert run("build", "-q", "--show", str(show), "--out", str(out)).exit_code == 0
    cache = load_cache(show / ".gaepod")
    ledger = cache.recall(LEDGER_FILE, stamp(show / "published.yaml"), Ledger)
    assert ledger is not None and len(ledger.entries) == 9
    published = {p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()}
    assert set(cache.outputs) == published

    gone = sorted(show.glob("00[1-9]-*.yaml"))[0]
    gone.unlink()
    args = ["build", "-q", "--allow-removal", "--show", str(show), "--out", str(out)]
    assert run(*args).exit_code == 0

    published_now = {p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()}
    assert published_now < published  # the episode's page (and more) went
    assert set(load_cache(show / ".gaepod").outputs) == published_now


def test_a_plan_made_while_helpers_tag_is_made_again_when_files_were_tagged(
    make_show, tmp_path: Path, monkeypatch
) -> None:
    """A big build plans the feed and the site while helpers examine the audio; when they
    rewrote tags (file sizes changed), that plan is dropped and made again, so the feed
    gives apps the enclosure lengths of the files as published."""
    from gaepod.publish import stages

    show = make_show(episodes=40)  # untagged MP3s; enough for helpers
    plans = []
    outputs = stages.plan
    monkeypatch.setattr(stages, "plan", lambda *a: plans.append(1) or outputs(*a))
    out = tmp_path / "public"

    result = run("build", "-q", "--show", str(show), "--out", str(out))

    assert result.exit_code == 0, result.output
    assert len(plans) == 2  # ahead, then again after tagging
    items = feedparser.parse((out / "feed.xml").read_bytes()).entries
    assert len(items) == 40
    for item in items:
        href = item.enclosures[0]["href"]
        name = href.rsplit("/", 1)[1]
        size = (show / "audio" / name).stat().st_size
        assert int(item.enclosures[0]["length"]) == size, name


def test_a_first_build_fills_a_folder_beside_public_and_publishes_it_whole(
    show: Path, tmp_path: Path, monkeypatch
) -> None:
    """public/ does not exist: everything is written into a new folder beside it, which
    becomes public/ in one rename once all is on disk; readable by a web server."""
    from gaepod import fsio

    out = tmp_path / "site" / "public"
    seen: list[list[str]] = []
    commit = fsio.StagedWrites.commit

    def watched(self, meanwhile=None) -> None:
        if self.in_new_folder:  # the site's files (not the tags, the ledger, the cache)
            seen.append(sorted(p.name for p in out.parent.iterdir()))
        commit(self, meanwhile)

    monkeypatch.setattr(fsio.StagedWrites, "commit", watched)
    assert run("build", "-q", "--show", str(show), "--out", str(out)).exit_code == 0

    assert [len(names) for names in seen] == [1] and seen[0][0].startswith(".gaepod-tmp-public-")
    assert sorted(p.name for p in out.parent.iterdir()) == ["public"]
    assert out.stat().st_mode & 0o777 == 0o755
    assert (out / "index.html").stat().st_mode & 0o777 == 0o644
    assert not feedparser.parse((out / "feed.xml").read_bytes()).bozo
    assert not list(out.rglob(".gaepod-tmp-*"))


def test_a_first_build_that_fails_leaves_no_public_folder_and_nothing_beside_it(
    show: Path, tmp_path: Path, monkeypatch
) -> None:
    from gaepod.site import search

    out = tmp_path / "public"

    def broken(*args, **kwargs):
        raise OSError(28, "No space left on device", str(out / "search.json"))

    monkeypatch.setattr(search.SearchIndex, "main", broken)
    result = run("build", "-q", "--show", str(show), "--out", str(out))

    assert result.exit_code == 1
    assert "No space left on device" in result.stderr
    assert list(tmp_path.glob("*public*")) == []


def test_a_folder_left_by_a_killed_first_build_is_removed_by_the_next(
    show: Path, tmp_path: Path
) -> None:
    out = tmp_path / "public"
    left = tmp_path / ".gaepod-tmp-public-k1ll3d"
    (left / "episodes").mkdir(parents=True)
    (left / "episodes" / "index.html").write_text("half")
    (show / ".gaepod").mkdir()
    (show / ".gaepod" / "unfinished").touch()  # as a killed build leaves it
    other = tmp_path / ".gaepod-tmp-elsewhere-x"  # another folder's: not touched
    other.mkdir()

    assert run("build", "-q", "--show", str(show), "--out", str(out)).exit_code == 0

    assert not left.exists() and other.is_dir()
    assert (out / "feed.xml").is_file()


def test_verbose_build_counts_the_episodes_read_again(show: Path, tmp_path: Path) -> None:
    out = tmp_path / "public"
    assert run("build", "-q", "--show", str(show), "--out", str(out)).exit_code == 0
    source = show / "003-lukasz-wisniewski-archives-empires-uses-of-history.yaml"
    source.write_text(source.read_text().replace("the Uses of History", "the Uses of Memory"))

    result = run("build", "--verbose", "--show", str(show), "--out", str(out))

    assert result.exit_code == 0, result.output
    assert "check: 10 episode files (9 unchanged since the last build)" in result.stderr
