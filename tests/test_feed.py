"""The feed as podcast apps see it: parsed by feedparser and podcastparser."""

from __future__ import annotations

import email.utils
import io
import itertools
from datetime import datetime, timedelta, timezone
from pathlib import Path

import feedparser
import podcastparser
import pytest
from lxml import etree
from mutagen.mp3 import MP3

from conftest import (
    EXAMPLE_SHOW,
    SHOW_YAML,
    copy_example,
    episode_yaml,
    mp3_bytes,
    publish_feed,
    run_check,
)
from gaepod import fsio
from gaepod.errors import InvalidShowError, OutputError
from gaepod.feed import rss as feed_module
from gaepod.feed.rss import render
from gaepod.show.check import check_show

NOW = datetime(2026, 11, 24, 12, 0, tzinfo=timezone.utc)
ITUNES = "{http://www.itunes.com/dtds/podcast-1.0.dtd}"
NOTES = """|
  Fish & chips < 3 "quoted" and 'single' — café, naïve, Zoë 🎙️.

  > A quote with 1 < 2 > 0 brackets & ampersands.

  - [A link](https://example.org/?a=1&b=2)
  - second item
"""


def build_feed(root: Path, out: Path, now: datetime = NOW) -> bytes:
    publish_feed(root, out, now)
    return (out / "feed.xml").read_bytes()


def parse_both(data: bytes) -> tuple[feedparser.FeedParserDict, dict]:
    parsed = feedparser.parse(data)
    podcast = podcastparser.parse("https://show.example.org/feed.xml", io.BytesIO(data))
    return parsed, podcast


def test_example_show_feed_is_what_apps_see(tmp_path: Path) -> None:
    data = build_feed(copy_example(tmp_path), tmp_path / "public")
    parsed, podcast = parse_both(data)
    assert not parsed.bozo, parsed.get("bozo_exception")
    result = check_show(EXAMPLE_SHOW)
    assert result.podcast is not None
    published = result.podcast.published(NOW)
    drafts = [e for e in result.podcast.episodes if e.is_draft]
    assert drafts, "the example show keeps one draft to show that drafts stay out"
    assert [e.title for e in parsed.entries] == [e.title for e in published]
    assert len(podcast["episodes"]) == len(published)
    assert len({e.id for e in parsed.entries}) == len(parsed.entries)
    for entry, app_episode, episode in zip(
        parsed.entries, podcast["episodes"], published, strict=True
    ):
        size = episode.audio.path.stat().st_size
        (enclosure,) = entry.enclosures
        assert enclosure.href == episode.enclosure_url
        assert enclosure.type == "audio/mpeg"
        assert int(enclosure.length) == size
        assert app_episode["enclosures"][0]["file_size"] == size
        seconds = round(MP3(episode.audio.path).info.length)
        assert int(entry.itunes_duration) == seconds
        assert app_episode["total_time"] == seconds
        published_at = email.utils.parsedate_to_datetime(entry.published)
        assert published_at == episode.date
        assert app_episode["guid"] == episode.guid
        assert app_episode["link"] == episode.page_url
    assert parsed.feed.image.href == "https://crossroads.example.org/art/cover.jpg"
    assert podcast["cover_url"] == "https://crossroads.example.org/art/cover.jpg"
    assert podcast["itunes_categories"] == [["News", "Politics"], ["Society & Culture"]]
    assert (tmp_path / "public" / "art" / "cover.jpg").read_bytes() == (
        EXAMPLE_SHOW / "art" / "cover.jpg"
    ).read_bytes()


def test_show_notes_keep_special_characters(make_show, tmp_path: Path) -> None:
    root = make_show(1, files={"001-episode.yaml": episode_yaml(1, description=NOTES)})
    parsed, podcast = parse_both(build_feed(root, tmp_path / "out"))
    html = parsed.entries[0].content[0].value
    assert "Fish &amp; chips &lt; 3" in html
    assert "café, naïve, Zoë 🎙️" in html
    assert "<blockquote>" in html
    assert 'href="https://example.org/?a=1&amp;b=2"' in html
    text = podcast["episodes"][0]["description"]
    assert "Fish & chips < 3 \"quoted\" and 'single'" in text
    assert "A quote with 1 < 2 > 0 brackets & ampersands." in text


def test_explicit_is_true_or_false_never_yes_no(make_show, tmp_path: Path) -> None:
    root = make_show(2, files={"002-episode.yaml": episode_yaml(2, explicit="true")})
    data = build_feed(root, tmp_path / "out")
    tree = etree.fromstring(data)
    channel_value = tree.find(f"channel/{ITUNES}explicit").text
    item_values = [e.text for e in tree.findall(f"channel/item/{ITUNES}explicit")]
    assert channel_value == "false"
    assert item_values == ["true", "false"]  # newest (episode 2) first
    _parsed, podcast = parse_both(data)
    assert [e["explicit"] for e in podcast["episodes"]] == [True, False]


def test_newest_first_and_last_build_date_from_data(make_show, tmp_path: Path) -> None:
    root = make_show(3)
    parsed, _ = parse_both(build_feed(root, tmp_path / "out"))
    dates = [email.utils.parsedate_to_datetime(e.published) for e in parsed.entries]
    assert dates == sorted(dates, reverse=True)
    assert email.utils.parsedate_to_datetime(parsed.feed.updated) == dates[0]


def test_feed_is_byte_identical_across_runs(make_show, tmp_path: Path) -> None:
    root = make_show(3)
    first = build_feed(root, tmp_path / "a")
    mtime = (tmp_path / "a" / "feed.xml").stat().st_mtime_ns
    second = build_feed(root, tmp_path / "b", now=NOW + timedelta(days=3))
    assert first == second
    report = publish_feed(root, tmp_path / "a", NOW)
    assert report.written == []
    assert (tmp_path / "a" / "feed.xml").stat().st_mtime_ns == mtime


def test_drafts_and_future_episodes_wait_for_their_time(make_show, tmp_path: Path) -> None:
    future = "2027-01-10T09:00:00+01:00"
    root = make_show(
        3,
        files={
            "002-episode.yaml": episode_yaml(2, draft="true"),
            "003-episode.yaml": episode_yaml(3, date=future),
        },
    )
    parsed, _ = parse_both(build_feed(root, tmp_path / "out"))
    assert [e.title for e in parsed.entries] == ["Guest 1: Topic, Topic, & Topic?"]
    later = datetime(2027, 1, 10, 8, 0, 1, tzinfo=timezone.utc)
    parsed, _ = parse_both(build_feed(root, tmp_path / "out", now=later))
    assert [e.title for e in parsed.entries] == [
        "Guest 3: Topic, Topic, & Topic?",
        "Guest 1: Topic, Topic, & Topic?",
    ]


def test_feed_limit_keeps_the_newest(make_show, tmp_path: Path) -> None:
    root = make_show(4, show_yaml=SHOW_YAML + "feed_limit: 2\n")
    parsed, _ = parse_both(build_feed(root, tmp_path / "out"))
    assert [e.itunes_episode for e in parsed.entries] == ["4", "3"]


def test_zone_less_dates_use_the_show_timezone(make_show, tmp_path: Path) -> None:
    root = make_show(1, files={"001-episode.yaml": episode_yaml(1, date="2024-07-01T09:30:00")})
    parsed, _ = parse_both(build_feed(root, tmp_path / "out"))
    assert parsed.entries[0].published == "Mon, 01 Jul 2024 09:30:00 +0200"


def test_long_notes_fit_apples_description_limit(make_show, tmp_path: Path) -> None:
    long_notes = "|\n" + "".join(f"  Paragraph {i} & more words here.\n\n" for i in range(300))
    root = make_show(
        1,
        files={
            "001-episode.yaml": episode_yaml(
                1, description=long_notes, summary='"Short & sweet summary."'
            )
        },
    )
    data = build_feed(root, tmp_path / "out")
    item = etree.fromstring(data).find("channel/item")
    assert item.findtext("description") == "Short & sweet summary."
    content = item.findtext("{http://purl.org/rss/1.0/modules/content/}encoded")
    assert "Paragraph 299 &amp; more" in content


def test_chapters_reach_apps(make_show, tmp_path: Path) -> None:
    chapters = (
        '\n  - {start: "00:00:00.000", title: Intro}'
        '\n  - {start: "00:00:01.250", title: "Part & two", url: "https://example.org/2"}'
    )
    root = make_show(1, files={"001-episode.yaml": episode_yaml(1, chapters=chapters)})
    _, podcast = parse_both(build_feed(root, tmp_path / "out"))
    assert podcast["episodes"][0]["chapters"] == [
        {"start": 0, "title": "Intro"},
        {"start": 1, "title": "Part & two", "href": "https://example.org/2"},  # whole seconds
    ]
    json_path = tmp_path / "out" / "episodes" / "001-episode" / "chapters.json"
    assert '"startTime": 1.25' in json_path.read_text()


def test_hostile_notes_never_reach_the_feed(make_show, tmp_path: Path) -> None:
    hostile = """|
  <script>alert('x')</script> <img src=x onerror="alert(1)">
  [click](javascript:alert(1)) <iframe src="https://evil.example"></iframe>
  <svg><script>alert(2)</script></svg> <a href="JAVASCRIPT:alert(3)">y</a>
"""
    root = make_show(1, files={"001-episode.yaml": episode_yaml(1, description=hostile)})
    data = build_feed(root, tmp_path / "out").decode().lower()
    for needle in ("<script", "&lt;script", "onerror", "javascript:", "iframe", "svg", "alert("):
        assert needle not in data


def test_invalid_show_keeps_the_published_feed(make_show, tmp_path: Path) -> None:
    root = make_show(2)
    out = tmp_path / "out"
    before = build_feed(root, out)
    stat = (out / "feed.xml").stat()
    (root / "002-episode.yaml").write_text(episode_yaml(2, explicit="yes"))
    with pytest.raises(InvalidShowError) as caught:
        publish_feed(root, out, NOW)
    assert any(d.code == "E108" for d in caught.value.diagnostics)
    assert (out / "feed.xml").read_bytes() == before
    assert (out / "feed.xml").stat().st_mtime_ns == stat.st_mtime_ns


def test_failed_write_leaves_old_feed_and_no_temp_files(
    make_show, tmp_path: Path, monkeypatch
) -> None:
    root = make_show(2)
    out = tmp_path / "out"
    before = build_feed(root, out)
    (root / "003-episode.yaml").write_text(episode_yaml(3))
    (root / "audio" / "003.mp3").write_bytes(mp3_bytes(1.5))

    real_replace = fsio.os.replace

    def full_disk_on_feed(source, target) -> None:
        if str(target).endswith("feed.xml"):
            raise OSError(28, "No space left on device")
        real_replace(source, target)

    monkeypatch.setattr(fsio.os, "replace", full_disk_on_feed)
    with pytest.raises(OutputError, match="No space left on device"):
        publish_feed(root, out, NOW)
    assert (out / "feed.xml").read_bytes() == before
    assert not list(out.rglob(".gaepod-tmp-*"))


def test_published_files_are_world_readable(make_show, tmp_path: Path) -> None:
    root = make_show(1)
    build_feed(root, tmp_path / "out")
    assert (tmp_path / "out" / "feed.xml").stat().st_mode & 0o777 == 0o644


def test_refuses_output_inside_the_show(make_show) -> None:
    root = make_show(1)
    with pytest.raises(Exception, match="overlaps the show folder"):
        publish_feed(root, root / "public", NOW)


def test_check_warns_when_the_feed_gets_too_large(make_show, monkeypatch) -> None:
    root = make_show(2)
    monkeypatch.setattr("gaepod.feed.rss.LARGE_FEED_BYTES", 1000)
    report = run_check(root, NOW)
    assert report.is_publishable()
    assert [d.code for d in report.warnings] == ["W180"]


def test_render_is_pure(make_show) -> None:
    root = make_show(2)
    podcast = check_show(root).podcast
    assert podcast is not None
    before = sorted((p, p.stat().st_mtime_ns) for p in root.rglob("*"))
    data = render(podcast, NOW)
    assert data == render(podcast, NOW)
    assert data.startswith(b"<?xml") and b"<rss" in data
    assert sorted((p, p.stat().st_mtime_ns) for p in root.rglob("*")) == before


def test_items_rendered_in_batches_match_one_feedgen_document(make_show, monkeypatch) -> None:
    """render() makes the channel and the items in separate feedgen documents and joins
    them: the bytes must be those of one document holding every item."""
    tricky = (
        "|\n  A line like an item:\n\n      <item>\n\n  and `</channel>` in code, & <b>bold</b>."
    )
    files = {f"{n:03d}-episode.yaml": episode_yaml(n, description=tricky) for n in (2, 5)}
    root = make_show(7, files=files)
    podcast = check_show(root).podcast
    assert podcast is not None
    episodes = podcast.in_feed(NOW)
    whole = feed_module._channel(podcast.show, episodes, podcast.show.link)
    for episode in episodes:
        feed_module._add_item(whole, podcast.show, episode)
    expected = whole.rss_str(pretty=True, encoding="UTF-8", xml_declaration=True)
    monkeypatch.setattr(feed_module, "ITEM_BATCH", 3)
    data = render(podcast, NOW)
    assert data == expected
    for handle in (io.BytesIO(data), _Trickle(data)):
        offsets = feed_module.item_offsets(handle, len(episodes))
        assert offsets is not None
        items = [data[a:b] for a, b in itertools.pairwise(offsets)]
        assert items == feed_module.render_items(podcast.show, episodes)
    assert feed_module.item_offsets(io.BytesIO(data), len(episodes) + 1) is None
    assert feed_module.item_offsets(_Trickle(data), len(episodes) - 1) is None


class _Trickle:
    """A file that gives 7 bytes per read: every marker straddles two reads somewhere."""

    def __init__(self, data: bytes) -> None:
        self.buffer = io.BytesIO(data)

    def read(self, size: int = -1) -> bytes:
        return self.buffer.read(7)


def test_remote_audio_keeps_its_url_length_and_duration(make_show, tmp_path: Path) -> None:
    remote = (
        'title: "Imported: An Old Episode"\n'
        "date: 2019-03-01T08:00:00Z\n"
        "guid: tag:old-host.example,2019:42\n"
        "audio_url: https://old-host.example/media/ep42.mp3?src=feed\n"
        "length: 12345678\n"
        'duration: "01:02:03"\n'
    )
    root = make_show(1, files={"042-imported.yaml": remote})
    parsed, podcast = parse_both(build_feed(root, tmp_path / "out"))
    entry = parsed.entries[-1]
    assert entry.id == "tag:old-host.example,2019:42"
    (enclosure,) = entry.enclosures
    assert enclosure.href == "https://old-host.example/media/ep42.mp3?src=feed"
    assert enclosure.length == "12345678"
    assert enclosure.type == "audio/mpeg"
    assert podcast["episodes"][-1]["total_time"] == 3723


def test_remote_audio_without_length_is_an_error(make_show) -> None:
    remote = 'title: "X"\ndate: 2019-03-01T08:00:00Z\naudio_url: https://h.example/a.mp3\n'
    result = check_show(make_show(1, files={"002-x.yaml": remote}))
    assert [d.code for d in result.errors] == ["E147"]
    assert "length_unknown: true" in result.errors[0].hint
    assert sorted(d.code for d in result.warnings) == ["W143", "W148"]  # W143: no notes
    for length in ("length: 0\n", ""):
        unknown = remote + length + "length_unknown: true\n"
        result = check_show(make_show(1, files={"002-x.yaml": unknown}))
        assert result.is_ok, result.diagnostics


def test_a_length_said_unknown_is_published_as_0(make_show, tmp_path: Path) -> None:
    remote = (
        'title: "X"\ndate: 2019-03-01T08:00:00Z\naudio_url: https://h.example/a.mp3\n'
        'duration: "00:10:00"\nlength_unknown: true\ndescription: notes\n'
    )
    data = build_feed(make_show(1, files={"002-x.yaml": remote}), tmp_path / "out")
    enclosures = etree.fromstring(data).findall("channel/item/enclosure")
    remote = [e for e in enclosures if e.get("url") == "https://h.example/a.mp3"]
    assert [e.get("length") for e in remote] == ["0"]


def test_length_unknown_with_a_length_is_an_error(make_show) -> None:
    remote = (
        'title: "X"\ndate: 2019-03-01T08:00:00Z\naudio_url: https://h.example/a.mp3\n'
        "length: 10\nlength_unknown: true\n"
    )
    result = check_show(make_show(1, files={"002-x.yaml": remote}))
    assert [d.code for d in result.errors] == ["E147"]


def test_pubdates_compared_are_written_as_feedgen_writes_them() -> None:
    """build --diff compares this text with the pubDate of the feed on disk."""
    from feedgen.util import formatRFC2822

    from gaepod.feed.diff import rfc2822

    zones = [timezone.utc, timezone(timedelta(hours=-5)), timezone(timedelta(hours=5, minutes=45))]
    start = datetime(1999, 12, 31, 23, 59, 59, tzinfo=timezone.utc)
    for step in range(0, 400 * 24, 7):
        for zone in zones:
            moment = (start + timedelta(hours=step * 13)).astimezone(zone)
            assert rfc2822(moment) == formatRFC2822(moment)
