"""What subscribers will see change: a published feed against the feed about to be.

Both the show (title, artwork, new_feed_url, block, ...) and its items. The
published side is read with lxml from the bytes on disk, so it shows the truth
even when the previous feed was written by another tool or an older gaepod; the
side about to be published is read from the model (a build) or from the rendered
bytes (`--diff`, for every feed the build makes), and both give the same facts.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from ..model import Episode, Show
from .extension import ITUNES, PODCAST

# The show's facts a subscriber sees, in the order a diff lists them.
CHANNEL_FACTS = (
    "title",
    "author",
    "artwork",
    "new_feed_url",
    "block",
    "complete",
    "explicit",
    "categories",
    "owner",
    "type",
    "locked",
    "medium",
    "platform_block",
)


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
class FeedFacts:
    """A feed as subscribers see it: the show's facts and the items by guid."""

    channel: dict[str, str] = field(default_factory=dict)
    items: dict[str, ItemFacts] = field(default_factory=dict)


@dataclass
class FeedDiff:
    feed: str = "feed.xml"  # the feed's path in the output folder
    show: list[str] = field(default_factory=list)  # "title: 'Old' -> 'New'"
    added: list[ItemFacts] = field(default_factory=list)
    changed: list[tuple[ItemFacts, list[str]]] = field(default_factory=list)
    removed: list[ItemFacts] = field(default_factory=list)
    is_new_feed: bool = False  # nothing was published at this path yet
    is_gone: bool = False  # published before, made no more

    @property
    def is_empty(self) -> bool:
        return not (self.show or self.added or self.changed or self.removed or self.is_gone)

    def as_json(self) -> dict[str, object]:
        return {
            "feed": self.feed,
            "show_changes": list(self.show),
            "added": [{"guid": i.guid, "title": i.title} for i in self.added],
            "changed": [{"guid": i.guid, "title": i.title, "changes": c} for i, c in self.changed],
            "removed": [{"guid": i.guid, "title": i.title} for i in self.removed],
            "new_feed": self.is_new_feed,
            "feed_removed": self.is_gone,
        }


def published_feed(feed_path: Path) -> FeedFacts:
    """The facts of an existing feed file; empty when there is none or it is unreadable."""
    try:
        data = feed_path.read_bytes()
    except OSError:
        return FeedFacts()
    return feed_facts(data)


def feed_facts(data: bytes) -> FeedFacts:
    """The facts of a feed's bytes (empty when they are not an RSS document)."""
    from lxml import etree

    try:
        parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)
        root = etree.fromstring(data, parser)
    except (etree.XMLSyntaxError, ValueError):
        return FeedFacts()
    channel = root.find("channel")
    if channel is None:
        return FeedFacts()
    items = {}
    for item in channel.iterfind("item"):
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
    return FeedFacts(_channel_facts(channel), items)


def _channel_facts(channel: Any) -> dict[str, str]:
    def text(tag: str) -> str:
        return (channel.findtext(f"{{{ITUNES}}}{tag}") or "").strip()

    image = channel.find(f"{{{ITUNES}}}image")
    artwork = image.get("href", "") if image is not None else ""
    if not artwork:
        artwork = (channel.findtext("image/url") or "").strip()
    categories = []
    for category in channel.iterfind(f"{{{ITUNES}}}category"):
        sub = category.find(f"{{{ITUNES}}}category")
        name = category.get("text", "")
        categories.append(f"{name} / {sub.get('text', '')}" if sub is not None else name)
    name = (channel.findtext(f"{{{ITUNES}}}owner/{{{ITUNES}}}name") or "").strip()
    email = (channel.findtext(f"{{{ITUNES}}}owner/{{{ITUNES}}}email") or "").strip()
    return {
        "title": (channel.findtext("title") or "").strip(),
        "author": text("author"),
        "artwork": artwork,
        "new_feed_url": text("new-feed-url"),
        "block": _flag(text("block").lower() == "yes"),
        "complete": _flag(text("complete").lower() == "yes"),
        "explicit": _flag(text("explicit").lower() in ("true", "yes", "explicit")),
        "categories": ", ".join(categories),
        "owner": f"{name} <{email}>" if name or email else "",
        "type": text("type") or "episodic",
        **_namespace_facts(channel),
    }


def _namespace_facts(channel: Any) -> dict[str, str]:
    """podcast:locked (with its owner), podcast:medium and podcast:block as the feed says."""
    locked = channel.find(f"{{{PODCAST}}}locked")
    is_locked = locked is not None and (locked.text or "").strip().lower() == "yes"
    owner = locked.get("owner", "") if is_locked and locked is not None else ""
    blocks = [
        _block(element.get("id"), (element.text or "").strip().lower() == "yes")
        for element in channel.iterfind(f"{{{PODCAST}}}block")
    ]
    return {
        "locked": f"yes ({owner})" if owner else _flag(is_locked),
        "medium": (channel.findtext(f"{{{PODCAST}}}medium") or "").strip() or "podcast",
        "platform_block": ", ".join(sorted(blocks)),
    }


def _block(service: str | None, is_blocked: bool) -> str:
    return f"{service or 'all'}: {_flag(is_blocked)}"


def _flag(value: bool) -> str:
    return "yes" if value else "no"


def upcoming_feed(show: Show, episodes: list[Episode]) -> FeedFacts:
    """The facts of the feed about to be written, from the model (no rendering)."""
    return FeedFacts(upcoming_channel(show), upcoming_items(episodes))


def upcoming_channel(show: Show) -> dict[str, str]:
    owner = show.owner
    return {
        "title": show.title.strip(),
        "author": show.author.strip(),
        "artwork": show.image.url,
        "new_feed_url": show.new_feed_url or "",
        "block": _flag(show.is_blocked),
        "complete": _flag(show.is_complete),
        "explicit": _flag(show.is_explicit),
        "categories": ", ".join(
            f"{c.name} / {c.subcategory}" if c.subcategory else c.name for c in show.categories
        ),
        "owner": f"{owner.name.strip()} <{owner.email.strip()}>" if owner else "",
        "type": show.show_type.value,
        "locked": (f"yes ({owner.email.strip()})" if owner else "yes") if show.is_locked else "no",
        "medium": show.medium or "podcast",
        "platform_block": ", ".join(
            sorted(_block(service, is_blocked) for service, is_blocked in show.platform_blocks)
        ),
    }


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


def compare_feeds(old: FeedFacts, new: FeedFacts, feed: str = "feed.xml") -> FeedDiff:
    """What changes for subscribers when `new` replaces `old` at `feed`. A first feed
    (nothing published) lists its items as added, not its show facts as changed."""
    diff = FeedDiff(feed, is_new_feed=not old.channel)
    if old.channel:
        for name in CHANNEL_FACTS:
            before, after = old.channel.get(name, ""), new.channel.get(name, "")
            if before != after:
                diff.show.append(f"{name}: {before!r} -> {after!r}")
    for guid, item in new.items.items():
        before_item = old.items.get(guid)
        if before_item is None:
            diff.added.append(item)
        else:
            changes = item.changes_from(before_item)
            if changes:
                diff.changed.append((item, changes))
    diff.removed = [item for guid, item in old.items.items() if guid not in new.items]
    return diff


def gone_feed(old: FeedFacts, feed: str) -> FeedDiff:
    """A feed published before that the build makes no more: every item leaves it."""
    return FeedDiff(feed, removed=list(old.items.values()), is_gone=True)
