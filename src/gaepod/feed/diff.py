"""What subscribers will see change: the published feed.xml against the feed about to be.

Read with lxml from the bytes on disk, so it shows the truth even when the
previous feed was written by another tool or an older gaepod.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from ..model import Episode


@dataclass(frozen=True)
class ItemFacts:
    guid: str
    title: str
    enclosure: str
    length: str
    published: str  # RFC 2822 as written

    def changes_from(self, old: ItemFacts) -> list[str]:
        changed = []
        for name in ("title", "enclosure", "length", "published"):
            if getattr(self, name) != getattr(old, name):
                changed.append(f"{name}: {getattr(old, name)!r} -> {getattr(self, name)!r}")
        return changed


@dataclass
class FeedDiff:
    added: list[ItemFacts] = field(default_factory=list)
    changed: list[tuple[ItemFacts, list[str]]] = field(default_factory=list)
    removed: list[ItemFacts] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not (self.added or self.changed or self.removed)

    def as_json(self) -> dict[str, object]:
        return {
            "added": [{"guid": i.guid, "title": i.title} for i in self.added],
            "changed": [{"guid": i.guid, "title": i.title, "changes": c} for i, c in self.changed],
            "removed": [{"guid": i.guid, "title": i.title} for i in self.removed],
        }


def published_items(feed_path: Path) -> dict[str, ItemFacts]:
    """Items of an existing feed file by guid; empty when there is none or it is unreadable."""
    from lxml import etree

    try:
        data = feed_path.read_bytes()
        parser = etree.XMLParser(resolve_entities=False, no_network=True)
        root = etree.fromstring(data, parser)
    except (OSError, etree.XMLSyntaxError, ValueError):
        return {}
    items = {}
    for item in root.iterfind("channel/item"):
        guid = (item.findtext("guid") or "").strip()
        enclosure = item.find("enclosure")
        facts = ItemFacts(
            guid=guid,
            title=(item.findtext("title") or "").strip(),
            enclosure=enclosure.get("url", "") if enclosure is not None else "",
            length=enclosure.get("length", "") if enclosure is not None else "",
            published=(item.findtext("pubDate") or "").strip(),
        )
        items[guid or facts.enclosure] = facts
    return items


def upcoming_items(episodes: list[Episode]) -> dict[str, ItemFacts]:
    return {
        e.guid: ItemFacts(e.guid, e.title, e.enclosure_url, str(e.audio.size), rfc2822(e.date))
        for e in episodes
    }


_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def rfc2822(moment: datetime) -> str:
    """An item's pubDate as feedgen writes it ('%a, %d %b %Y %H:%M:%S %z' in the C
    locale), without the email package (and the socket module it imports) for it."""
    day, month = _DAYS[moment.weekday()], _MONTHS[moment.month - 1]
    return f"{day}, {moment.day:02d} {month} {moment.year:04d} {moment:%H:%M:%S %z}"


def compare_feeds(old: dict[str, ItemFacts], new: dict[str, ItemFacts]) -> FeedDiff:
    diff = FeedDiff()
    for guid, item in new.items():
        before = old.get(guid)
        if before is None:
            diff.added.append(item)
        else:
            changes = item.changes_from(before)
            if changes:
                diff.changed.append((item, changes))
    diff.removed = [item for guid, item in old.items() if guid not in new]
    return diff
