"""`gaepod import` on every real published feed in tests/fixtures/realfeeds: nothing a
podcast app already holds may change when the imported show is published again."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import feedparser
import pytest
from lxml import etree

from conftest import REPO, publish_feed, run_check
from gaepod.importer.feed_import import ImportReport, import_feed
from gaepod.show.check import check_show
from gaepod.show.notes import sanitize, to_html, to_text

REALFEEDS = REPO / "tests" / "fixtures" / "realfeeds"
FEEDS = sorted(REALFEEDS.glob("*.xml"))
NOW = datetime.now(timezone.utc)  # every real item lies in the past
SKIP_CODES = {"W210", "W211", "W251"}  # the warnings that say why an item was not imported
CONTENT = "{http://purl.org/rss/1.0/modules/content/}encoded"
ITUNES = "{http://www.itunes.com/dtds/podcast-1.0.dtd}"


@dataclass
class Imported:
    report: ImportReport
    show: Path
    original: feedparser.FeedParserDict
    exported: feedparser.FeedParserDict
    items: list[Any]  # the original <item> elements
    first_check: list[str]  # the codes of the errors the check found right after import
    without_length: int  # imported items whose enclosure has no valid length


@pytest.fixture(scope="module")
def imports(tmp_path_factory: pytest.TempPathFactory) -> dict[Path, Imported]:
    return {}


def imported(feed: Path, imports: dict[Path, Imported], tmp: pytest.TempPathFactory) -> Imported:
    if feed not in imports:
        root = tmp.mktemp(feed.stem)
        report = import_feed(str(feed), root / "show", now=NOW)
        # An item without a length is an error (E147) until the host adds it or says it
        # is unknown on purpose: here the host says so, as the hint tells them to.
        errors = check_show(root / "show").errors
        for path in {d.path for d in errors if d.code == "E147"}:
            with path.open("a", encoding="utf-8") as handle:
                handle.write("length_unknown: true\n")
        publish_feed(root / "show", root / "public", NOW)
        items = etree.parse(str(feed)).getroot().findall("channel/item")
        original = feedparser.parse(feed.read_bytes())
        lengths = [(e.enclosures[0].get("length") or "") for e in original.entries]
        imports[feed] = Imported(
            report,
            root / "show",
            original,
            feedparser.parse((root / "public" / "feed.xml").read_bytes()),
            items,
            [d.code for d in errors],
            sum(1 for n in lengths if not n.isdigit() or int(n) == 0),
        )
    return imports[feed]


def key(entry: feedparser.FeedParserDict) -> str:
    """How apps identify an item: its guid, else its enclosure URL."""
    return str(entry.get("id") or entry.enclosures[0].href)


def squeeze(text: str) -> str:
    return "".join(text.split())


def test_the_real_feeds_are_there() -> None:
    assert len(FEEDS) >= 10, f"expected the real feeds in {REALFEEDS}"


@pytest.mark.parametrize("feed", FEEDS, ids=lambda p: p.stem)
def test_every_item_becomes_an_episode_or_a_warning_says_why(
    feed: Path, imports: dict[Path, Imported], tmp_path_factory: pytest.TempPathFactory
) -> None:
    result = imported(feed, imports, tmp_path_factory)
    skipped = [d for d in result.report.warnings if d.code in SKIP_CODES]
    assert result.report.items == len(result.items)
    assert result.report.episodes + len(skipped) == len(result.items)
    written = sorted(p.name for p in result.show.iterdir() if p.suffix == ".yaml")
    assert len(written) == result.report.episodes + 2  # + podcast.yaml, the feed's ledger
    # import's own findings name the feed; the check's (E147: no length) the episode files
    assert all(d.path == feed for d in result.report.diagnostics if d.code != "E147")


@pytest.mark.parametrize("feed", FEEDS, ids=lambda p: p.stem)
def test_the_imported_show_checks_without_errors(
    feed: Path, imports: dict[Path, Imported], tmp_path_factory: pytest.TempPathFactory
) -> None:
    result = imported(feed, imports, tmp_path_factory)
    # right after import, only the items without a length (E147) stand in the way; the
    # import names them too
    assert result.first_check == ["E147"] * result.without_length
    assert [d.code for d in result.report.errors] == result.first_check
    check = run_check(result.show, NOW).check
    assert check is not None and check.is_ok, [d.format() for d in check.errors]
    assert check.podcast is not None
    assert len(check.podcast.episodes) == result.report.episodes


@pytest.mark.parametrize("feed", FEEDS, ids=lambda p: p.stem)
def test_the_republished_feed_keeps_what_apps_already_have(
    feed: Path, imports: dict[Path, Imported], tmp_path_factory: pytest.TempPathFactory
) -> None:
    result = imported(feed, imports, tmp_path_factory)
    exported = {entry.id: entry for entry in result.exported.entries}
    assert len(exported) == len(result.exported.entries) == result.report.episodes
    originals = {key(entry): entry for entry in result.original.entries}
    assert set(exported) == set(originals)
    for guid, before in originals.items():
        after = exported[guid]
        assert after.enclosures[0].href == before.enclosures[0].href
        length = before.enclosures[0].get("length") or ""
        if length.isdigit() and int(length) > 0:
            assert after.enclosures[0].length == length
        else:
            assert after.enclosures[0].length == "0"
        assert calendar.timegm(after.published_parsed) == calendar.timegm(before.published_parsed)
        assert squeeze(after.title) == squeeze(before.title)
        if before.get("itunes_duration"):
            assert int(after.itunes_duration) == seconds(before.itunes_duration)


def seconds(clock: str) -> int:
    total = 0.0
    for part in clock.split(":"):
        total = total * 60 + float(part)
    return round(total)


@pytest.mark.parametrize("feed", FEEDS, ids=lambda p: p.stem)
def test_show_notes_read_the_same_after_the_round_trip(
    feed: Path, imports: dict[Path, Imported], tmp_path_factory: pytest.TempPathFactory
) -> None:
    result = imported(feed, imports, tmp_path_factory)
    podcast = check_show(result.show).podcast
    assert podcast is not None
    episodes = {episode.guid: episode for episode in podcast.episodes}
    compared = 0
    for item in result.items:
        guid = item.findtext("guid") or item.find("enclosure").get("url")
        original = next(
            (
                notes
                for name in (CONTENT, "description", f"{ITUNES}summary")
                if (notes := (item.findtext(name) or "").strip())
            ),
            "",
        )
        shown = to_text(to_html(episodes[guid.strip()].description_md))
        assert squeeze(shown) == squeeze(to_text(sanitize(original))), guid
        compared += 1
    assert compared == len(result.items)
    channel = result.items[0].getparent()
    channel_notes = channel.findtext("description") or channel.findtext(f"{ITUNES}summary")
    shown = to_text(to_html(podcast.show.description_md))
    assert squeeze(shown) == squeeze(to_text(sanitize(channel_notes or podcast.show.title)))


def test_the_real_feeds_ship_with_the_tests() -> None:
    """The parametrised tests above run on these files: none may silently go missing."""
    assert len(FEEDS) == 10, FEEDS


def test_value_splits_survive_the_move(
    imports: dict[Path, Imported], tmp_path_factory: pytest.TempPathFactory
) -> None:
    """A value-for-value feed keeps paying its recipients after the move (partytime reads
    both feeds); only a recipient without an address is left out, with W263."""
    from test_podcast20 import partytime

    feed = REALFEEDS / "homegrown-hits-pc20.xml"
    result = imported(feed, imports, tmp_path_factory)
    before = {i["guid"]: i.get("value") for i in partytime(feed)["items"]}
    after = {
        i["guid"]: i.get("value")
        for i in partytime(result.show.parent / "public/feed.xml")["items"]
    }

    def splits(value: Any) -> list[tuple[str, int]]:
        recipients = value["recipients"] if value else []
        return [(r["address"], r["split"]) for r in recipients if r["address"]]

    assert before.keys() == after.keys()
    assert all(splits(after[guid]) == splits(value) for guid, value in before.items())
    assert sum(len(splits(v)) for v in after.values()) > 20
    assert [d.code for d in result.report.warnings].count("W263") >= 1
