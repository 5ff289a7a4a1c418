"""`analytics_prefix`: every enclosure URL behind it (feeds and pages), guids untouched;
checked by `gaepod check`, shown by `--diff`. And `--diff` for the show's own facts."""

from __future__ import annotations

import json
import re
from pathlib import Path

import feedparser
import pytest
from typer.testing import CliRunner

from conftest import SHOW_YAML, ShowBuilder, copy_example, publish_feed, publish_site
from gaepod.cli import app
from gaepod.feed.diff import feed_facts, upcoming_channel
from gaepod.show.check import check_show
from gaepod.show.delivery import with_prefix

NOW = "2026-11-24T12:00:00+0000"
OP3 = "https://op3.dev/e,pg=9b024349-ccf0-5f69-a609-6b82873eab3c/"


def run(*args: str):
    return CliRunner().invoke(app, [*args, "--now", NOW])


def add_to_show(show: Path, text: str) -> None:
    with (show / "podcast.yaml").open("a", encoding="utf-8") as handle:
        handle.write(text)


def test_enclosures_go_behind_the_prefix_and_guids_do_not(tmp_path: Path) -> None:
    show = copy_example(tmp_path)
    out = tmp_path / "public"
    publish_site(show, out)
    before = feedparser.parse((out / "feed.xml").read_bytes())
    add_to_show(show, f"analytics_prefix: {OP3}\n")
    publish_site(show, out)
    after = feedparser.parse((out / "feed.xml").read_bytes())
    assert not after.bozo
    assert len(after.entries) == len(before.entries) == 9
    for old, new in zip(before.entries, after.entries, strict=True):
        assert new.id == old.id  # guids never change
        old_url, new_url = old.enclosures[0].href, new.enclosures[0].href
        assert old_url.startswith("https://crossroads.example.org/audio/")
        assert new_url == OP3 + old_url.removeprefix("https://")
        assert new.enclosures[0].length == old.enclosures[0].length
    # Pages: the download link and the player play through the prefix too; the audio
    # file itself is still published with the site, where the prefix leads.
    page = (
        out / "episodes" / "001-marta-oliveira-ports-pipelines-power" / "index.html"
    ).read_text()
    assert f'href="{OP3}crossroads.example.org/audio/001.mp3"' in page
    assert 'content="https://crossroads.example.org/audio/001.mp3"' not in page
    assert (out / "audio" / "001.mp3").is_file()


def test_chained_prefixes_and_an_already_prefixed_url() -> None:
    chain = "https://dts.podtrac.com/redirect.mp3/op3.dev/e/"
    assert with_prefix(chain, "https://cdn.example.org/a.mp3") == chain + "cdn.example.org/a.mp3"
    assert (
        with_prefix(chain, "http://cdn.example.org/a.mp3") == chain + "http://cdn.example.org/a.mp3"
    )
    already = chain + "cdn.example.org/a.mp3"
    assert with_prefix(chain, already) == already  # an imported audio_url keeps one prefix
    assert with_prefix(None, "https://x.org/a.mp3") == "https://x.org/a.mp3"


def test_a_list_of_prefixes_is_one_chain(make_show: ShowBuilder, tmp_path: Path) -> None:
    chain = "analytics_prefix:\n  - https://dts.podtrac.com/redirect.mp3/\n  - https://op3.dev/e/\n"
    show = make_show(show_yaml=SHOW_YAML + chain)
    publish_feed(show, tmp_path / "out")
    parsed = feedparser.parse((tmp_path / "out" / "feed.xml").read_bytes())
    hrefs = {e.enclosures[0].href for e in parsed.entries}
    assert hrefs == {
        f"https://dts.podtrac.com/redirect.mp3/op3.dev/e/cdn.example.org/audio/00{n}.mp3"
        for n in (1, 2)
    }


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("https://op3.dev/e,pg=<podcast_guid>/", "placeholder '<podcast_guid>'"),
        ("https://op3.dev/e", "does not end with '/'"),
        ("op3.dev/e/", "must be an absolute https URL"),
        ("https://op3.dev/e/?x=1/", "has a query or fragment"),
    ],
)
def test_check_reports_a_malformed_prefix_at_its_line(
    make_show: ShowBuilder, value: str, message: str
) -> None:
    show = make_show(show_yaml=SHOW_YAML + f'analytics_prefix: "{value}"\n')
    result = check_show(show)
    problems = [d for d in result.diagnostics if d.code == "E420"]
    assert len(problems) == 1 and message in problems[0].message
    assert problems[0].line == SHOW_YAML.count("\n") + 1
    assert result.podcast is None
    if "placeholder" in message:  # the hint names the value to paste
        assert re.search(r"podcast:guid is [0-9a-f-]{36}", problems[0].hint)


def test_plain_http_prefix_is_a_warning(make_show: ShowBuilder) -> None:
    show = make_show(show_yaml=SHOW_YAML + "analytics_prefix: http://op3.dev/e/\n")
    result = check_show(show)
    assert [d.code for d in result.warnings if d.code.startswith("W42")] == ["W421"]
    assert result.podcast is not None


def test_diff_shows_the_prefix_on_every_enclosure(tmp_path: Path) -> None:
    show = copy_example(tmp_path)
    out = tmp_path / "public"
    assert run("build", "-q", "--no-tag", "--show", str(show), "--out", str(out)).exit_code == 0
    add_to_show(show, f"analytics_prefix: {OP3}\n")
    diff = run("build", "--diff", "--json", "--show", str(show), "--out", str(out))
    assert diff.exit_code == 0, diff.output
    changed = json.loads(diff.stdout)["changed"]
    assert len(changed) == 9
    assert all(c["changes"][0].startswith("enclosure: 'https://crossroads") for c in changed)
    assert all(f"-> '{OP3}crossroads" in c["changes"][0] for c in changed)


SHOW_CHANGES = """\
new_feed_url: https://new-host.example.net/feed.xml
block: true
complete: true
"""


def test_diff_shows_show_level_changes(tmp_path: Path) -> None:
    """The user report: new_feed_url and block added, and --diff said "no change"."""
    show = copy_example(tmp_path)
    out = tmp_path / "public"
    assert run("build", "-q", "--no-tag", "--show", str(show), "--out", str(out)).exit_code == 0
    text = (show / "podcast.yaml").read_text()
    text = text.replace("title: Crossroads & Currents", "title: Crossroads and Currents")
    text = text.replace("explicit: false", "explicit: true").replace(
        "type: episodic", "type: serial"
    )
    text = text.replace("  - category: Society & Culture\n", "")
    text = text.replace("  name: Adrián Calloway\n", "  name: A. Calloway\n")
    (show / "podcast.yaml").write_text(text + SHOW_CHANGES)
    (show / "art" / "cover.jpg").rename(show / "art" / "cover-2.jpg")
    text = (show / "podcast.yaml").read_text().replace("art/cover.jpg", "art/cover-2.jpg")
    (show / "podcast.yaml").write_text(text)
    diff = run("build", "--diff", "--show", str(show), "--out", str(out))
    assert diff.exit_code == 0, diff.output
    lines = [line for line in diff.stdout.splitlines() if line.startswith("~ show")]
    shown = {line.split()[2].rstrip(":") for line in lines}
    assert shown == {
        "title", "artwork", "new_feed_url", "block", "complete", "explicit",
        "categories", "owner", "type",
    }  # fmt: skip
    assert "title: 'Crossroads & Currents' -> 'Crossroads and Currents'" in diff.stdout
    assert "block: 'no' -> 'yes'" in diff.stdout
    assert "new_feed_url: '' -> 'https://new-host.example.net/feed.xml'" in diff.stdout
    assert "subscribers would see no change" not in diff.stdout
    as_json = json.loads(
        run("build", "--diff", "--json", "--show", str(show), "--out", str(out)).stdout
    )
    assert len(as_json["show_changes"]) == 9
    # The Spanish feed shares the show's facts but its title: it changes too.
    assert [f["feed"] for f in as_json["feeds"]] == ["feed.xml", "es/feed.xml"]
    # The build publishes exactly that, after which there is nothing left to show.
    assert run("build", "-q", "--no-tag", "--show", str(show), "--out", str(out)).exit_code == 0
    again = run("build", "--diff", "--show", str(show), "--out", str(out))
    assert "subscribers would see no change" in again.stdout


def test_model_facts_are_the_facts_the_feed_carries(tmp_path: Path) -> None:
    """A build diffs the model against the bytes of the last feed: they must agree, or
    every build would report phantom changes."""
    show = copy_example(tmp_path)
    add_to_show(show, SHOW_CHANGES)
    publish_feed(show, tmp_path / "out")
    podcast = check_show(show).podcast
    assert podcast is not None
    facts = feed_facts((tmp_path / "out" / "feed.xml").read_bytes())
    assert facts.channel == upcoming_channel(podcast.show)


def test_diff_covers_every_feed_the_manifest_lists(tmp_path: Path) -> None:
    """A feed published before (here a second one, as a language or members' feed
    would be) that the build makes no more is shown as gone, with its items."""
    show = copy_example(tmp_path)
    out = tmp_path / "public"
    assert run("build", "-q", "--no-tag", "--show", str(show), "--out", str(out)).exit_code == 0
    (out / "retired").mkdir()
    (out / "retired" / "feed.xml").write_bytes((out / "feed.xml").read_bytes())
    manifest_path = show / ".gaepod" / "outputs.json"
    manifest = json.loads(manifest_path.read_text())
    manifest["files"]["retired/feed.xml"] = "feed"
    manifest_path.write_text(json.dumps(manifest))
    diff = run("build", "--diff", "--json", "--show", str(show), "--out", str(out))
    feeds = json.loads(diff.stdout)["feeds"]
    assert [f["feed"] for f in feeds] == ["feed.xml", "es/feed.xml", "retired/feed.xml"]
    assert feeds[0]["added"] == feeds[0]["removed"] == [] and not feeds[0]["show_changes"]
    assert feeds[2]["feed_removed"] and len(feeds[2]["removed"]) == 9
    text = run("build", "--diff", "--show", str(show), "--out", str(out)).stdout
    assert "retired/feed.xml" in text and "- feed no longer published" in text


def test_websub_hubs_are_named_in_the_feed(make_show: ShowBuilder, tmp_path: Path) -> None:
    hubs = "websub_hubs:\n  - https://pubsubhubbub.appspot.com/\n  - https://hub.example.net/\n"
    show = make_show(show_yaml=SHOW_YAML + hubs)
    publish_feed(show, tmp_path / "out")
    parsed = feedparser.parse((tmp_path / "out" / "feed.xml").read_bytes())
    assert not parsed.bozo
    found = [(link.rel, link.href) for link in parsed.feed.links if link.rel in ("hub", "self")]
    assert found == [
        ("self", "https://show.example.org/feed.xml"),
        ("hub", "https://pubsubhubbub.appspot.com/"),
        ("hub", "https://hub.example.net/"),
    ]


def test_a_hub_that_is_no_url_is_an_error(make_show: ShowBuilder) -> None:
    show = make_show(show_yaml=SHOW_YAML + "websub_hubs: [pubsubhubbub.appspot.com]\n")
    result = check_show(show)
    assert [d.code for d in result.errors] == ["E422"]
