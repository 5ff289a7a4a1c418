"""Episode + show -> the tags its audio file should carry, in a format-neutral form.

Pure: no mutagen, no I/O. The ID3 and MP4 mappings (tag_id3, tag_mp4) turn a
WantedTags into frames or atoms; the artwork bytes are read by the tagger.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, fields, replace
from datetime import timezone
from pathlib import Path

from ..model import Episode, Show
from ..show.feeds import show_feeds
from ..show.notes import to_html, to_text, truncate

GENRE = "Podcast"
SHORT_DESCRIPTION_BYTES = 255  # iTunes' 'desc' atom; longer text goes to 'ldes'
MAPPING_VERSION = "1"  # bump when the mapping changes, so `feed` asks for a re-tag
# ID3 COMM frames carry an ISO 639-2 language; the show's ISO 639-1 code maps here.
_LANGUAGES = {
    "ar": "ara", "ca": "cat", "cs": "ces", "da": "dan", "de": "deu", "el": "ell",
    "en": "eng", "es": "spa", "eu": "eus", "fi": "fin", "fr": "fra", "gl": "glg",
    "he": "heb", "hi": "hin", "hu": "hun", "id": "ind", "it": "ita", "ja": "jpn",
    "ko": "kor", "nb": "nob", "nl": "nld", "no": "nor", "pl": "pol", "pt": "por",
    "ro": "ron", "ru": "rus", "sv": "swe", "tr": "tur", "uk": "ukr", "zh": "zho",
}  # fmt: skip


@dataclass(frozen=True)
class Cover:
    """A local image to embed (the episode's art, else the show's)."""

    path: Path
    mime: str  # image/jpeg or image/png


@dataclass(frozen=True)
class ChapterTag:
    element_id: str
    start_ms: int
    end_ms: int
    title: str
    url: str | None = None


@dataclass(frozen=True)
class WantedTags:
    title: str
    artist: str  # the host/author
    album: str  # the show's title
    album_artist: str
    day: str  # YYYY-MM-DD in the episode's own time zone (ID3)
    timestamp: str  # ISO 8601 UTC, as iTunes writes release dates (MP4)
    genre: str
    description: str  # plain text, short (summary, else the notes cut to fit)
    long_description: str  # plain text, the whole show notes
    page_url: str
    feed_url: str
    guid: str
    language: str  # ISO 639-2 for ID3 COMM, "XXX" when unknown
    number: int | None = None
    season: int | None = None
    category: str | None = None
    keywords: tuple[str, ...] = ()
    cover: Cover | None = None
    chapters: tuple[ChapterTag, ...] = ()


def wanted_tags(episode: Episode, show: Show) -> WantedTags:
    """The tags `gaepod tag` writes for one episode (the same input gives equal output)."""
    notes = to_text(to_html(episode.description_md)) if episode.description_md else ""
    summary = episode.summary or ""
    language = (episode.language or show.language).split("-")[0].lower()
    side = _side(episode, show)  # a Spanish episode: the show as its Spanish side says
    return WantedTags(
        title=episode.title,
        artist=show.author,
        album=side.title,
        album_artist=show.author,
        day=episode.date.date().isoformat(),
        timestamp=episode.date.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        genre=GENRE,
        description=truncate(summary or notes, SHORT_DESCRIPTION_BYTES),
        long_description=notes or summary,
        page_url=episode.page_url,
        feed_url=side.feed_url,
        guid=episode.guid,
        language=_LANGUAGES.get(language, "XXX"),
        number=episode.number,
        season=episode.season,
        category=show.categories[0].name if show.categories else None,
        keywords=episode.tags or show.keywords,
        cover=_cover(episode, show),
        chapters=_chapters(episode),
    )


def _side(episode: Episode, show: Show) -> Show:
    """The show as the feed of the episode's language presents it (title, feed URL);
    the show itself for an episode in its own language or in one it does not declare."""
    language = episode.language
    if language is None or len(show.all_languages) < 2:
        return show
    for feed in show_feeds(show)[1:]:
        if feed.carries(episode):
            text = show.text_in(feed.show.language)
            title = text.title if text is not None and text.title else show.title
            return replace(feed.show, title=title)
    return show


def _cover(episode: Episode, show: Show) -> Cover | None:
    # Episode art that lives at a URL is not embedded, and not replaced by the
    # show's art either: that would label the episode with the wrong picture.
    art = episode.image or show.image
    if art.source is None:
        return None
    return Cover(art.source, art.mime or "image/jpeg")


def _chapters(episode: Episode) -> tuple[ChapterTag, ...]:
    chapters = episode.chapters
    if not chapters:
        return ()
    ends = [c.start_ms for c in chapters[1:]] + [episode.audio.duration_ms]
    return tuple(
        ChapterTag(f"chp{i}", c.start_ms, max(end, c.start_ms), c.title, c.url)
        for i, (c, end) in enumerate(zip(chapters, ends, strict=True))
    )


_FINGERPRINTED = tuple(f.name for f in fields(WantedTags) if f.name != "cover")


def fingerprint(wanted: WantedTags, cover_digest: str) -> str:
    """A short stable key of everything written into the file (cover by content).

    The reprs of plain values (dataclass.asdict took a third of comparing a file)."""
    values = [getattr(wanted, name) for name in _FINGERPRINTED]
    text = repr((MAPPING_VERSION, cover_digest, _FINGERPRINTED, values))
    return hashlib.blake2b(text.encode(), digest_size=16).hexdigest()
