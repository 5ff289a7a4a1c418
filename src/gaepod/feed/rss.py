"""Podcast -> RSS feed bytes (feedgen + gaepod's namespace extension). Pure: no I/O.

Same podcast and same `now` give the same bytes: lastBuildDate comes from the
newest episode, never from the clock, and items keep a stable order.
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from datetime import datetime
from typing import BinaryIO

from feedgen.feed import FeedGenerator
from feedgen.version import version_str as feedgen_version
from lxml.etree import LXML_VERSION

from .. import __version__
from ..errors import Diagnostic, Severity
from ..model import AlternateEnclosure, Artwork, Episode, Media, Podcast, Show
from ..show.feeds import MAIN_FEED, Feed, show_feeds
from ..show.links import absolute_links
from ..show.notes import to_html, to_text, truncate
from .extension import ChannelNamespace, ItemNamespace, PodcastEntryExtension, PodcastExtension

FEED_PATH = MAIN_FEED
DESCRIPTION_LIMIT = 4000  # bytes: Apple cuts <description> there
LARGE_FEED_BYTES = 3 * 1024 * 1024  # some apps refuse larger feeds


# What an item's bytes depend on besides its episode: reused items must come from the same.
ITEM_FORMAT = 2  # raised when gaepod writes items differently: earlier items are not reused
RENDERER = f"feedgen {feedgen_version} lxml {LXML_VERSION} items {ITEM_FORMAT}"
ITEM_START = b"    <item>\n"  # how lxml's pretty printer opens an item (depth 2)
CHANNEL_END = b"  </channel>\n"
ITEM_BATCH = 200  # items per feedgen document: bounds the lxml tree's memory


def size_warning(show: Show, size: int, relpath: str = FEED_PATH) -> Diagnostic | None:
    """W180 when a feed of `size` bytes is larger than some apps accept."""
    if size <= LARGE_FEED_BYTES:
        return None
    what = "the feed" if relpath == FEED_PATH else relpath
    return Diagnostic(
        show.source,
        0,
        0,
        "W180",
        f"{what} would be {size / 1048576:.1f} MB; some apps refuse feeds over 3 MB",
        "set `feed_limit:` in podcast.yaml to keep only the newest episodes",
        Severity.WARNING,
    )


def render(podcast: Podcast, now: datetime, feed: Feed | None = None) -> bytes:
    """The RSS document of `feed` (the main one by default) at `now`."""
    feed = feed or show_feeds(podcast.show)[0]
    buffer = io.BytesIO()
    write(buffer, feed.show, feed.items(podcast, now), home=feed.home)
    return buffer.getvalue()


def write(
    handle: BinaryIO,
    show: Show,
    episodes: list[Episode],
    reuse: Callable[[int], bytes | None] = lambda _index: None,
    home: str | None = None,
) -> None:
    """Write the feed to `handle`, ITEM_BATCH items at a time (a 10,000-episode feed is
    70 MB: it is never held whole). The channel is rendered by feedgen and the items
    go where feedgen puts them, after every channel element: the bytes are those of
    one feedgen document with every item. `reuse(i)`, when it gives bytes, is episode
    i's item as an earlier build rendered it. `home`: the channel's <link> (a language's
    home page), the show's link by default."""
    channel: bytes = _channel(show, episodes, home or show.link).rss_str(
        pretty=True, encoding="UTF-8", xml_declaration=True
    )
    cut = channel.rindex(CHANNEL_END)
    handle.write(channel[:cut])
    for start in range(0, len(episodes), ITEM_BATCH):
        batch = range(start, min(start + ITEM_BATCH, len(episodes)))
        kept = {i: item for i in batch if (item := reuse(i)) is not None}
        fresh = iter(render_items(show, [episodes[i] for i in batch if i not in kept]))
        for i in batch:
            handle.write(kept[i] if i in kept else next(fresh))
    handle.write(channel[cut:])


def render_items(show: Show, episodes: list[Episode]) -> list[bytes]:
    """Each episode's `<item>` as the feed holds it, rendered by feedgen in batches."""
    items: list[bytes] = []
    for start in range(0, len(episodes), ITEM_BATCH):
        items += _item_batch(show, episodes[start : start + ITEM_BATCH])
    return items


def _item_batch(show: Show, episodes: list[Episode]) -> list[bytes]:
    # Items do not depend on the channel: any channel holds them.
    holder = _channel(show, [], show.link)
    for episode in episodes:
        _add_item(holder, show, episode)
    data: bytes = holder.rss_str(pretty=True, encoding="UTF-8", xml_declaration=True)
    region = data[data.index(ITEM_START) : data.rindex(CHANNEL_END)]
    if len(episodes) == 1:
        return [region]
    items = [ITEM_START + part for part in region.split(ITEM_START)[1:]]
    if len(items) != len(episodes):  # some text looks like an item start: one at a time
        return [item for episode in episodes for item in _item_batch(show, [episode])]
    return items


def item_offsets(handle: BinaryIO, count: int) -> list[int] | None:
    """Where each of the `count` items of a feed that `write` made starts, and where the
    last one ends (count + 1 offsets), read in chunks; None when the feed does not split
    into exactly that many items (then nothing is reused)."""
    chunk_size = 1 << 20
    offsets: list[int] = []
    end = -1
    position = 0  # of `window` in the file
    window = b""
    while True:
        chunk = handle.read(chunk_size)
        window += chunk
        at = window.find(ITEM_START)
        while at >= 0:
            if not offsets or position + at > offsets[-1]:  # not seen in the last window
                offsets.append(position + at)
                if len(offsets) > count:
                    return None
            at = window.find(ITEM_START, at + 1)
        found = window.rfind(CHANNEL_END)
        if found >= 0:
            end = position + found
        if not chunk:
            break
        keep = min(len(window), len(CHANNEL_END) - 1)  # a marker may straddle two chunks
        position += len(window) - keep
        window = window[-keep:]
    if len(offsets) != count or (offsets and end < offsets[-1]):
        return None
    return [*offsets, end]


def _channel(show: Show, episodes: list[Episode], home: str) -> FeedGenerator:
    fg = FeedGenerator()
    fg.register_extension("gaepod", PodcastExtension, PodcastEntryExtension)
    fg.title(show.title)
    # feedgen's RSS <link> is the last link set: the self link must come first.
    fg.link(href=show.feed_url, rel="self", type="application/rss+xml")
    fg.link(href=home, rel="alternate")
    fg.description(to_text(to_html(show.description_md)) or show.title)
    fg.language(show.language)
    if show.copyright:
        fg.copyright(show.copyright)
    fg.generator("gaepod", version=__version__, uri="https://github.com/gaepod/gaepod")
    fg.image(url=show.image.url, title=show.title, link=home)
    if episodes:
        fg.lastBuildDate(max(e.date for e in episodes))
    values = fg.gaepod.values
    values.has_episodes = bool(episodes)
    values.subtitle = show.subtitle or ""
    values.author = show.author
    if show.owner:
        values.owner_name, values.owner_email = show.owner.name, show.owner.email
    values.image_url = show.image.url
    values.categories = [(c.name, c.subcategory) for c in show.categories]
    values.is_explicit = show.is_explicit
    values.show_type = show.show_type.value
    values.is_complete = show.is_complete
    values.is_blocked = show.is_blocked
    values.new_feed_url = show.new_feed_url or ""
    values.keywords = ",".join(show.keywords)
    values.podcast_guid = show.podcast_guid
    values.funding = [(f.url, f.text) for f in show.funding]
    values.hubs = list(show.websub_hubs)
    values.namespace = ChannelNamespace(
        is_locked=show.is_locked,
        medium=show.medium,
        people=list(show.people),
        license=show.license,
        locations=list(show.locations),
        txt=list(show.txt),
        update_frequency=show.update_frequency,
        podroll=list(show.podroll),
        trailers=list(show.trailers),
        blocks=list(show.platform_blocks),
        value=show.value,
        images=image_srcset(show.image),
    )
    return fg


def image_srcset(art: Artwork | None) -> str:
    """podcast:images' srcset: the artwork gaepod publishes, with its width in pixels."""
    if art is None or not art.width:
        return ""
    return f"{art.url} {art.width}w"


def _add_item(fg: FeedGenerator, show: Show, episode: Episode) -> None:
    entry = fg.add_entry(order="append")
    entry.title(episode.title)
    entry.link(href=episode.page_url)
    entry.guid(episode.guid, permalink=False)
    entry.pubDate(episode.date)
    # apps have no base URL: relative links and images are resolved against the page's
    notes_html = absolute_links(to_html(episode.description_md), episode.page_url)
    entry.description(item_description(episode, notes_html))
    if notes_html:
        entry.content(notes_html)
    entry.enclosure(episode.enclosure_url, str(episode.audio.size), episode.audio.mime)
    values = entry.gaepod.values
    values.title = episode.title
    values.duration_seconds = episode.audio.duration_seconds
    values.episode = episode.number
    values.season = episode.season
    values.episode_type = episode.episode_type.value
    values.is_explicit = show.is_explicit if episode.is_explicit is None else episode.is_explicit
    values.image_url = episode.image.url if episode.image else ""
    values.is_blocked = episode.is_blocked
    values.people = list(episode.guests)
    values.namespace = ItemNamespace(
        license=episode.license,
        locations=list(episode.locations),
        soundbites=list(episode.soundbites),
        txt=list(episode.txt),
        value=episode.value,
        images=image_srcset(episode.image),
    )
    if episode.chapters:
        values.chapters = [
            (clock(c.start_ms), c.title, c.url, c.image.url if c.image else None)
            for c in episode.chapters
        ]
        values.chapters_url = chapters_url(show, episode)
    if episode.chapters_url:  # hosted elsewhere (imported shows): link it as it is
        values.chapters_url = episode.chapters_url
    if episode.transcript:
        t = episode.transcript
        values.transcript = (t.url, t.mime, episode.language or show.language)
    if episode.other_media is not None:
        values.alternates.append(other_rendition(episode.other_media))
    values.alternates.extend(episode.alternate_enclosures)


def other_rendition(media: Media) -> AlternateEnclosure:
    """The episode's other file (its video, or its audio) as an alternate enclosure."""
    facts = media.facts
    return AlternateEnclosure(
        mime=facts.mime,
        length=facts.size,
        sources=(media.url,),
        bitrate=facts.bitrate,
        height=facts.height,
        title="Video" if facts.is_video else "Audio",
    )


def item_description(episode: Episode, notes_html: str) -> str:
    """`<description>`: the HTML notes when they fit Apple's 4,000 bytes, else text that does."""
    if notes_html and len(notes_html.encode()) <= DESCRIPTION_LIMIT:
        return notes_html
    if episode.summary:
        return truncate(episode.summary, DESCRIPTION_LIMIT)
    return truncate(to_text(notes_html), DESCRIPTION_LIMIT) or episode.title


def chapters_path(episode: Episode) -> str:
    return f"episodes/{episode.slug}/chapters.json"


def chapters_url(show: Show, episode: Episode) -> str:
    return show.link + chapters_path(episode)


def chapters_json(episode: Episode) -> bytes:
    """Podcasting 2.0 JSON chapters (application/json+chapters)."""
    document = {
        "version": "1.2.0",
        "title": episode.title,
        "chapters": [
            {
                "startTime": c.start_ms / 1000,
                "title": c.title,
                **({"img": c.image.url} if c.image else {}),
                **({"url": c.url} if c.url else {}),
            }
            for c in episode.chapters
        ],
    }
    return (json.dumps(document, ensure_ascii=False, indent=2) + "\n").encode()


def clock(ms: int) -> str:
    seconds, millis = divmod(ms, 1000)
    return f"{seconds // 3600:02d}:{seconds // 60 % 60:02d}:{seconds % 60:02d}.{millis:03d}"
