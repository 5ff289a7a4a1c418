"""A feedgen extension for the iTunes, Podcasting 2.0 and Podlove chapter namespaces.

feedgen's own podcast extension writes `itunes:explicit` as yes/no (rejected
by the W3C validator; Apple asks for true/false) and knows neither
Podcasting 2.0 nor chapters, so gaepod registers this extension instead.
Values are set as plain data; XML is built only in extend_rss.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from lxml import etree

from ..model import (
    AlternateEnclosure,
    License,
    Location,
    Person,
    RemoteItem,
    Soundbite,
    Trailer,
    Txt,
    UpdateFrequency,
    Value,
)
from . import podcast20 as p20

ITUNES = "http://www.itunes.com/dtds/podcast-1.0.dtd"
PODCAST = "https://podcastindex.org/namespace/1.0"
PSC = "http://podlove.org/simple-chapters"
ATOM = "http://www.w3.org/2005/Atom"
NAMESPACES = {"itunes": ITUNES, "podcast": PODCAST, "psc": PSC}


def _sub(
    parent: Any,
    namespace: str,
    tag: str,
    text: str | None = None,
    attributes: dict[str, str] | None = None,
) -> Any:
    element = etree.SubElement(parent, f"{{{namespace}}}{tag}", attrib=attributes or {})
    if text is not None:
        element.text = text
    return element


def _yes_no(flag: bool) -> str:
    return "true" if flag else "false"


@dataclass
class ChannelValues:
    author: str = ""
    owner_name: str = ""
    owner_email: str = ""
    image_url: str = ""
    categories: list[tuple[str, str | None]] = field(default_factory=list)
    is_explicit: bool = False
    show_type: str = "episodic"
    is_complete: bool = False
    is_blocked: bool = False
    new_feed_url: str = ""
    keywords: str = ""
    subtitle: str = ""
    podcast_guid: str = ""
    funding: list[tuple[str, str]] = field(default_factory=list)
    has_episodes: bool = True
    hubs: list[str] = field(default_factory=list)  # WebSub hubs: atom:link rel="hub"
    namespace: ChannelNamespace = field(default_factory=lambda: ChannelNamespace())


@dataclass
class ChannelNamespace:
    """The channel's Podcasting 2.0 elements beyond guid and funding."""

    is_locked: bool = False
    medium: str | None = None
    people: list[Person] = field(default_factory=list)
    license: License | None = None
    locations: list[Location] = field(default_factory=list)
    txt: list[Txt] = field(default_factory=list)
    update_frequency: UpdateFrequency | None = None
    podroll: list[RemoteItem] = field(default_factory=list)
    trailers: list[Trailer] = field(default_factory=list)
    blocks: list[tuple[str | None, bool]] = field(default_factory=list)
    value: Value | None = None
    images: str = ""  # srcset


@dataclass
class ItemNamespace:
    """An item's Podcasting 2.0 elements beyond season, episode, chapters and transcript."""

    license: License | None = None
    locations: list[Location] = field(default_factory=list)
    soundbites: list[Soundbite] = field(default_factory=list)
    txt: list[Txt] = field(default_factory=list)
    value: Value | None = None
    images: str = ""  # srcset


@dataclass
class ItemValues:
    title: str = ""
    duration_seconds: int = 0
    episode: int | None = None
    season: int | None = None
    episode_type: str = "full"
    is_explicit: bool = False
    image_url: str = ""
    is_blocked: bool = False
    people: list[Person] = field(default_factory=list)  # guests and other credits
    # start, title, url, image url
    chapters: list[tuple[str, str, str | None, str | None]] = field(default_factory=list)
    chapters_url: str = ""
    transcript: tuple[str, str, str | None] | None = None  # url, mime, language
    alternates: list[AlternateEnclosure] = field(default_factory=list)
    namespace: ItemNamespace = field(default_factory=lambda: ItemNamespace())


class PodcastExtension:
    """Channel-level elements; registered with FeedGenerator.register_extension."""

    def __init__(self) -> None:
        self.values = ChannelValues()

    def extend_ns(self) -> dict[str, str]:
        return dict(NAMESPACES)

    def extend_atom(self, feed: Any) -> Any:
        return feed

    def extend_rss(self, feed: Any) -> Any:
        channel = feed[0]
        v = self.values
        if not v.has_episodes:
            # feedgen always stamps lastBuildDate with the clock; with no episode
            # there is no date in the data, so the element is left out.
            for element in channel.findall("lastBuildDate"):
                channel.remove(element)
        if v.hubs:  # beside the self link, where WebSub subscribers look for them
            links = channel.findall(f"{{{ATOM}}}link")
            at = channel.index(links[-1]) + 1 if links else len(channel)
            for offset, hub in enumerate(v.hubs):
                link = etree.Element(f"{{{ATOM}}}link", attrib={"href": hub, "rel": "hub"})
                channel.insert(at + offset, link)
        if v.subtitle:
            _sub(channel, ITUNES, "subtitle", v.subtitle)
        _sub(channel, ITUNES, "author", v.author)
        if v.owner_email:
            owner = _sub(channel, ITUNES, "owner")
            _sub(owner, ITUNES, "name", v.owner_name)
            _sub(owner, ITUNES, "email", v.owner_email)
        _sub(channel, ITUNES, "image", attributes={"href": v.image_url})
        for name, sub in v.categories:
            category = _sub(channel, ITUNES, "category", attributes={"text": name})
            if sub:
                _sub(category, ITUNES, "category", attributes={"text": sub})
        _sub(channel, ITUNES, "explicit", _yes_no(v.is_explicit))
        _sub(channel, ITUNES, "type", v.show_type)
        if v.keywords:
            _sub(channel, ITUNES, "keywords", v.keywords)
        if v.is_complete:
            _sub(channel, ITUNES, "complete", "Yes")
        if v.is_blocked:
            _sub(channel, ITUNES, "block", "Yes")
        if v.new_feed_url:
            _sub(channel, ITUNES, "new-feed-url", v.new_feed_url)
        _sub(channel, PODCAST, "guid", v.podcast_guid)
        for url, text in v.funding:
            _sub(channel, PODCAST, "funding", text, {"url": url})
        _channel_namespace(channel, v.namespace, v.owner_email)
        return feed


def _channel_namespace(channel: Any, n: ChannelNamespace, owner_email: str) -> None:
    p20.write_locked(channel, n.is_locked, owner_email)
    p20.write_medium(channel, n.medium)
    p20.write_people(channel, n.people)
    p20.write_license(channel, n.license)
    p20.write_locations(channel, n.locations)
    p20.write_txt(channel, n.txt)
    p20.write_update_frequency(channel, n.update_frequency)
    p20.write_images(channel, n.images)
    p20.write_trailers(channel, n.trailers)
    p20.write_podroll(channel, n.podroll)
    p20.write_blocks(channel, n.blocks)
    p20.write_value(channel, n.value)


def _item_namespace(item: Any, n: ItemNamespace) -> None:
    p20.write_license(item, n.license)
    p20.write_locations(item, n.locations)
    p20.write_soundbites(item, n.soundbites)
    p20.write_txt(item, n.txt)
    p20.write_images(item, n.images)
    p20.write_value(item, n.value)


class PodcastEntryExtension:
    """Item-level elements."""

    def __init__(self) -> None:
        self.values = ItemValues()

    def extend_ns(self) -> dict[str, str]:
        return dict(NAMESPACES)

    def extend_atom(self, entry: Any) -> Any:
        return entry

    def extend_rss(self, item: Any) -> Any:
        v = self.values
        _sub(item, ITUNES, "title", v.title)
        _sub(item, ITUNES, "duration", str(v.duration_seconds))
        if v.episode is not None:
            _sub(item, ITUNES, "episode", str(v.episode))
        if v.season is not None:
            _sub(item, ITUNES, "season", str(v.season))
        _sub(item, ITUNES, "episodeType", v.episode_type)
        _sub(item, ITUNES, "explicit", _yes_no(v.is_explicit))
        if v.image_url:
            _sub(item, ITUNES, "image", attributes={"href": v.image_url})
        if v.is_blocked:
            _sub(item, ITUNES, "block", "Yes")
        if v.season is not None:
            _sub(item, PODCAST, "season", str(v.season))
        if v.episode is not None:
            _sub(item, PODCAST, "episode", str(v.episode))
        p20.write_people(item, v.people)
        if v.transcript:
            url, mime, language = v.transcript
            attributes = {"url": url, "type": mime}
            if language:
                attributes["language"] = language
            _sub(item, PODCAST, "transcript", attributes=attributes)
        if v.chapters_url:
            _sub(
                item,
                PODCAST,
                "chapters",
                attributes={"url": v.chapters_url, "type": "application/json+chapters"},
            )
        for alternate in v.alternates:
            _alternate_enclosure(item, alternate)
        _item_namespace(item, v.namespace)
        if v.chapters:
            chapters = _sub(item, PSC, "chapters", attributes={"version": "1.2"})
            for start, title, link, image in v.chapters:
                point = {"start": start, "title": title}
                if link:
                    point["href"] = link
                if image:
                    point["image"] = image
                _sub(chapters, PSC, "chapter", attributes=point)
        return item


def _alternate_enclosure(item: Any, alternate: AlternateEnclosure) -> None:
    """podcast:alternateEnclosure with its podcast:source and podcast:integrity children."""
    attributes = {"type": alternate.mime, "length": str(alternate.length)}
    for name, value in (
        ("bitrate", alternate.bitrate),
        ("height", alternate.height),
        ("lang", alternate.lang),
        ("title", alternate.title),
        ("rel", alternate.rel),
        ("codecs", alternate.codecs),
    ):
        if value:
            attributes[name] = str(value)
    if alternate.is_default:
        attributes["default"] = "true"
    element = _sub(item, PODCAST, "alternateEnclosure", attributes=attributes)
    for uri in alternate.sources:
        _sub(element, PODCAST, "source", attributes={"uri": uri})
    if alternate.integrity:
        kind, value = alternate.integrity
        _sub(element, PODCAST, "integrity", attributes={"type": kind, "value": value})
