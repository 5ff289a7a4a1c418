"""Podcast -> RSS feed bytes (feedgen + gaepod's namespace extension). Pure: no I/O.

Same podcast and same `now` give the same bytes: lastBuildDate comes from the
newest episode, never from the clock, and items keep a stable order.
"""

from __future__ import annotations

import json
from datetime import datetime

from feedgen.feed import FeedGenerator

from . import __version__
from .feed_ext import PodcastEntryExtension, PodcastExtension
from .model import Episode, Podcast, Show
from .notes import to_html, to_text, truncate

FEED_PATH = "feed.xml"
DESCRIPTION_LIMIT = 4000  # bytes: Apple cuts <description> there
LARGE_FEED_BYTES = 3 * 1024 * 1024  # some apps refuse larger feeds


def render(podcast: Podcast, now: datetime) -> bytes:
    """The RSS document for the episodes published at `now`."""
    show = podcast.show
    episodes = podcast.in_feed(now)
    generator = _channel(show, episodes)
    for episode in episodes:
        _add_item(generator, show, episode)
    data: bytes = generator.rss_str(pretty=True, encoding="UTF-8", xml_declaration=True)
    return data


def _channel(show: Show, episodes: list[Episode]) -> FeedGenerator:
    fg = FeedGenerator()
    fg.register_extension("gaepod", PodcastExtension, PodcastEntryExtension)
    fg.title(show.title)
    # feedgen's RSS <link> is the last link set: the self link must come first.
    fg.link(href=show.feed_url, rel="self", type="application/rss+xml")
    fg.link(href=show.link, rel="alternate")
    fg.description(to_text(to_html(show.description_md)) or show.title)
    fg.language(show.language)
    if show.copyright:
        fg.copyright(show.copyright)
    fg.generator("gaepod", version=__version__, uri="https://github.com/gaepod/gaepod")
    fg.image(url=show.image.url, title=show.title, link=show.link)
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
    return fg


def _add_item(fg: FeedGenerator, show: Show, episode: Episode) -> None:
    entry = fg.add_entry(order="append")
    entry.title(episode.title)
    entry.link(href=episode.page_url)
    entry.guid(episode.guid, permalink=False)
    entry.pubDate(episode.date)
    notes_html = to_html(episode.description_md)
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
    values.guests = [(g.name, g.url) for g in episode.guests]
    if episode.chapters:
        values.chapters = [(clock(c.start_ms), c.title, c.url) for c in episode.chapters]
        values.chapters_url = chapters_url(show, episode)
    if episode.chapters_url:  # hosted elsewhere (imported shows): link it as it is
        values.chapters_url = episode.chapters_url
    if episode.transcript:
        t = episode.transcript
        values.transcript = (t.url, t.mime, episode.language or show.language)


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
            {"startTime": c.start_ms / 1000, "title": c.title, **({"url": c.url} if c.url else {})}
            for c in episode.chapters
        ],
    }
    return (json.dumps(document, ensure_ascii=False, indent=2) + "\n").encode()


def clock(ms: int) -> str:
    seconds, millis = divmod(ms, 1000)
    return f"{seconds // 3600:02d}:{seconds // 60 % 60:02d}:{seconds % 60:02d}.{millis:03d}"
