"""One RSS <item> -> the fields of an episode file whose audio stays where it is hosted.

What podcast apps already hold is kept exactly: the guid (or, without one,
the enclosure URL apps fall back to), the enclosure URL, length and type, the
duration and the publication instant. Everything else is read leniently
and every change is a warning at the item's line. Pure: no I/O.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import PurePosixPath
from typing import Any
from urllib.parse import unquote, urljoin

from ..show.fields import is_http_url
from ..show.notes import to_html, to_text, truncate
from ..show.video import watch_url
from ..show.vocab import TRANSCRIPT_TYPES
from .html import youtube_videos
from .namespace import person_entry, shared_fields, soundbites
from .notes import notes_from_feed, plain_text
from .rss import (
    ImportLog,
    attribute,
    child,
    child_text,
    children,
    first_child,
    markup_of,
    name_of,
    text_of,
)
from .show import TITLE_LIMIT, ShowDraft, one_line, truncated
from .values import (
    enclosure_type,
    format_clock,
    parse_date,
    parse_duration,
    parse_explicit,
    parse_flag,
    parse_length,
)

DESCRIPTION_LIMIT = 4000  # bytes of <description> Apple shows
AUDIO_GAPS = ("W217", "W218")  # no valid enclosure length, no readable duration
KEPT_PODCAST_ELEMENTS = {
    "podcast:transcript",
    "podcast:chapters",
    "podcast:person",
    "podcast:season",
    "podcast:episode",
    "podcast:license",
    "podcast:location",
    "podcast:txt",
    "podcast:soundbite",
    "podcast:value",
}


@dataclass
class Tally:
    """What many items share, reported once for the whole feed."""

    explicit_words: Counter[str] = field(default_factory=Counter)
    mime_aliases: Counter[str] = field(default_factory=Counter)
    unsupported: Counter[str] = field(default_factory=Counter)
    first_line: dict[str, int] = field(default_factory=dict)
    # code -> (summary, hint) and the (line, message) of each item with that problem
    problems: dict[str, tuple[str, str]] = field(default_factory=dict)
    items: dict[str, list[tuple[int, str]]] = field(default_factory=dict)

    def note(self, counter: Counter[str], key: str, element: Any) -> None:
        counter[key] += 1
        self.first_line.setdefault(key, int(getattr(element, "sourceline", 0) or 0))

    def item_problem(self, element: Any, code: str, message: str, summary: str, hint: str) -> None:
        """A problem many items may share: reported per item, or once when common."""
        self.problems[code] = (summary, hint)
        line = int(getattr(element, "sourceline", 0) or 0)
        self.items.setdefault(code, []).append((line, message))


@dataclass
class EpisodeDraft:
    index: int  # position in the feed
    line: int
    title: str
    guid: str
    audio_url: str
    date: datetime | None  # None: missing or unreadable (the importer picks one)
    fields: dict[str, Any]  # everything after title, date and guid, in file order
    date_text: str = ""  # the date as written
    # The tally's entries about this item's missing length (W217) or duration (W218):
    # withdrawn when `import --probe` reads the value from the audio itself.
    tallied: dict[str, tuple[int, str]] = field(default_factory=dict)


def read_item(
    item: Any, index: int, show: ShowDraft, log: ImportLog, tally: Tally
) -> EpisodeDraft | None:
    title = one_line(child_text(item, "title", "itunes:title"))
    label = f"'{title}'" if title else "an item without a title"
    enclosure = child(item, "enclosure")
    raw_url = attribute(enclosure, "url")
    if not raw_url:
        log.warn(
            enclosure if enclosure is not None else item,
            "W210",
            f"{label} has no enclosure URL (no audio): not imported",
            "podcast apps cannot play it either; add it by hand if it matters",
        )
        return None
    url = raw_url.replace(" ", "%20")
    if url != raw_url:
        log.warn(enclosure, "W212", f"{label}: spaces in the enclosure URL written as %20")
    feed_url = show.fields["feed_url"]
    if "://" not in url and "feed_url" not in show.placeholders:
        url = urljoin(feed_url, url)  # apps resolve a relative URL against the feed's
        log.warn(enclosure, "W212", f"{label}: the relative enclosure URL is now {url}")
    if not is_http_url(url):
        log.warn(
            enclosure,
            "W211",
            f"{label}: the enclosure URL {raw_url!r} is not an http(s) address: not imported",
        )
        return None
    if not title:
        title = _fallback_title(item, url)
        log.warn(item, "W213", f"an item has no <title>; titled {title!r}", "set its `title:`")
    elif len(title) > TITLE_LIMIT:
        log.warn(item, "W213", f"{label} is {len(title)} characters long; shortened")
        title = truncated(title, TITLE_LIMIT)
    guid = text_of(child(item, "guid"))
    if not guid:
        guid = raw_url
        log.warn(
            item,
            "W214",
            f"{label} has no guid; its enclosure URL is used as guid",
            "Apple Podcasts identifies an episode without guid by its enclosure URL: "
            "keep this guid",
        )
    date, date_text = _date(item, label, log)
    counted = {code: len(tally.items.get(code, [])) for code in AUDIO_GAPS}
    fields = _audio_fields(item, enclosure, url, label, log, tally)
    tallied = {
        code: tally.items[code][-1]
        for code in AUDIO_GAPS
        if len(tally.items.get(code, [])) > counted[code]
    }
    _numbering(item, label, log, fields)
    _flags(item, show, label, log, tally, fields)
    notes = _notes(item)
    _videos(item, label, log, fields)
    summary = _summary(item, notes)
    if summary:
        fields["summary"] = summary
    _links(item, show, label, log, fields)
    chapters = _chapters(item, label, log, fields.get("duration"))
    if chapters:
        fields["chapters"] = chapters
    guests = _guests(item, show, label, log)
    if guests:
        fields["guests"] = guests
    bites = soundbites(item)
    if bites:
        fields["soundbites"] = bites
    fields.update(shared_fields(item, label, log))
    for element in item:
        name = name_of(element)
        if name.startswith("podcast:") and name not in KEPT_PODCAST_ELEMENTS:
            tally.note(tally.unsupported, name, element)
    old_page = _old_page(item, show)
    if old_page:
        fields["redirect_from"] = [old_page]
    if notes:
        fields["description"] = notes
    return EpisodeDraft(index, _line(item), title, guid, url, date, fields, date_text, tallied)


def _line(element: Any) -> int:
    return int(getattr(element, "sourceline", 0) or 0)


def _old_page(item: Any, show: ShowDraft) -> str:
    """The item's page on the old host (`<link>`), kept so that the new site can redirect
    from it; '' when there is none, or it is only the show's own address."""
    link = child_text(item, "link").strip()
    if not is_http_url(link):
        return ""
    shared = (show.link, show.old_link, show.fields["feed_url"])
    if link.rstrip("/") in {address.rstrip("/") for address in shared}:
        return ""
    return link.split("#", 1)[0]


def _fallback_title(item: Any, url: str) -> str:
    text = one_line(plain_text(child_text(item, "itunes:subtitle", "description")))
    if text:
        return truncated(text, 80)
    name = unquote(PurePosixPath(url.split("?", 1)[0]).stem)
    return one_line(name.replace("_", " ").replace("-", " ")) or "Untitled episode"


def _date(item: Any, label: str, log: ImportLog) -> tuple[datetime | None, str]:
    element = first_child(item, "pubDate", "dc:date")
    written = text_of(element)
    moment, zone_problem = parse_date(written) if written else (None, None)
    if moment is not None and zone_problem:
        log.warn(
            element,
            "W216",
            f"{label}: {zone_problem} in the date {written!r}; read as UTC",
            "check `date:` (write it with its UTC offset)",
        )
    return moment, written


def _audio_fields(
    item: Any, enclosure: Any, url: str, label: str, log: ImportLog, tally: Tally
) -> dict[str, Any]:
    fields: dict[str, Any] = {"audio_url": url}
    written_length = attribute(enclosure, "length")
    length = parse_length(written_length)
    if length is None:
        tally.item_problem(
            enclosure,
            "W217",
            f"{label}: the enclosure length is "
            f"{repr(written_length) if written_length else 'missing'}; its episode file "
            "has none (E147 until it does)",
            "no valid enclosure length (E147 until they have one)",
            "Apple requires the file size: add `length:` in bytes (`curl -sI URL` "
            "shows it as Content-Length), import with --probe to read it, or write "
            "`length_unknown: true` to publish 0 on purpose",
        )
    else:
        fields["length"] = length
    written_duration = child_text(item, "itunes:duration")
    duration_ms = parse_duration(written_duration) if written_duration else None
    if duration_ms:
        fields["duration"] = format_clock(duration_ms)
    else:
        tally.item_problem(
            child(item, "itunes:duration") if written_duration else item,
            "W218",
            f"{label}: itunes:duration is {written_duration!r}, not a duration"
            if written_duration
            else f"{label} has no itunes:duration",
            "no readable itunes:duration",
            'apps show no length: add `duration: "HH:MM:SS"`, or import with --probe '
            "to read it from the audio",
        )
    declared = attribute(enclosure, "type")
    mime_field, mime, alias_of = enclosure_type(url, declared)
    if alias_of:
        tally.note(tally.mime_aliases, alias_of, enclosure)
    if mime_field is not None:
        fields["type"] = mime_field
        if not declared:
            log.warn(
                enclosure,
                "W219",
                f"{label}: the enclosure has no type and its URL no known suffix; assumed {mime}",
                "check `type:` (audio/mpeg for MP3, audio/x-m4a for M4A)",
            )
    return fields


def _whole_number(text: str) -> int | None:
    value = text.strip()
    return int(value) if value.isascii() and value.isdigit() and int(value) > 0 else None


def _numbering(item: Any, label: str, log: ImportLog, fields: dict[str, Any]) -> None:
    for key, names in (
        ("number", ("itunes:episode", "podcast:episode")),
        ("season", ("itunes:season", "podcast:season")),
    ):
        written = child_text(item, *names)
        if not written:
            continue
        value = _whole_number(written)
        if value is None:
            log.warn(
                first_child(item, *names),
                "W220",
                f"{label}: {key} {written!r} is not a whole number above 0; left out",
            )
        else:
            fields[key] = value
    episode_type = child_text(item, "itunes:episodeType").lower()
    if episode_type in ("trailer", "bonus"):
        fields["episode_type"] = episode_type
    elif episode_type not in ("", "full"):
        log.warn(
            child(item, "itunes:episodeType"),
            "W221",
            f"{label}: itunes:episodeType {episode_type!r} read as full",
        )


def _flags(
    item: Any, show: ShowDraft, label: str, log: ImportLog, tally: Tally, fields: dict[str, Any]
) -> None:
    element = first_child(item, "itunes:explicit", "googleplay:explicit")
    written = text_of(element)
    if written:
        value = parse_explicit(written)
        if value is None:
            log.warn(
                element,
                "W222",
                f"{label}: itunes:explicit {written!r} is not true/false; the show's value applies",
            )
        else:
            if written.lower() not in ("true", "false"):
                tally.note(tally.explicit_words, written.lower(), element)
            if value != show.is_explicit:
                fields["explicit"] = value
    if parse_flag(child_text(item, "itunes:block", "googleplay:block")):
        fields["block"] = True
        log.warn(child(item, "itunes:block"), "W223", f"{label} is hidden from Apple (block)")


def _notes(item: Any) -> str:
    for name in ("content:encoded", "description", "itunes:summary"):
        notes = notes_from_feed(markup_of(child(item, name)))
        if notes:
            return notes
    return ""


def _videos(item: Any, label: str, log: ImportLog, fields: dict[str, Any]) -> None:
    """A YouTube video embedded in the notes: its link stays in them (html.flatten) and
    the first one becomes the episode's `platforms.youtube`, which its page plays."""
    for name in ("content:encoded", "description"):
        element = child(item, name)
        videos = youtube_videos(markup_of(element))
        if videos:
            fields["platforms"] = {"youtube": watch_url(videos[0])}
            log.warn(
                element,
                "W227",
                f"{label}: the YouTube video in the show notes is kept as a link to it "
                "(gaepod publishes no iframes); the episode's page plays it on a click",
                "`platforms: youtube:` in the episode file names it",
            )
            return


def _summary(item: Any, notes: str) -> str:
    """itunes:summary (else subtitle) as plain text, when it tells more than the notes,
    or when the notes are too long for Apple's <description> and a summary stands in."""
    summary = plain_text(child_text(item, "itunes:summary", "itunes:subtitle"))
    if not summary:
        return ""
    notes_html = to_html(notes)
    notes_text = to_text(notes_html)
    too_long = len(notes_html.encode()) > DESCRIPTION_LIMIT
    squeezed = "".join(summary.split()).rstrip("….")
    if not too_long and squeezed and squeezed in "".join(notes_text.split()):
        return ""  # the notes already say it (itunes:subtitle is often their first words)
    return truncate(summary, DESCRIPTION_LIMIT)


def _links(item: Any, show: ShowDraft, label: str, log: ImportLog, fields: dict[str, Any]) -> None:
    image_element = child(item, "itunes:image")
    image = attribute(image_element, "href") or text_of(image_element)
    if is_http_url(image) and image != show.image_url:
        fields["image"] = image
    chapters = child(item, "podcast:chapters")
    chapters_url = attribute(chapters, "url")
    if is_http_url(chapters_url):
        fields["chapters_url"] = chapters_url
    elif chapters is not None:
        log.warn(chapters, "W224", f"{label}: podcast:chapters without a web address left out")
    usable: list[str] = []
    dropped: list[str] = []
    for element in children(item, "podcast:transcript"):
        url = attribute(element, "url")
        suffix = PurePosixPath(url.split("?", 1)[0]).suffix.lower()
        (usable if is_http_url(url) and suffix in TRANSCRIPT_TYPES else dropped).append(url)
    if usable:
        fields["transcript"] = usable[0]
    dropped.extend(usable[1:])
    if dropped:
        log.warn(
            child(item, "podcast:transcript"),
            "W225",
            f"{label}: transcript {', '.join(dropped)} left out",
            f"gaepod links one transcript ending in {', '.join(TRANSCRIPT_TYPES)}",
        )


def _chapters(item: Any, label: str, log: ImportLog, duration: str | None) -> list[Any]:
    element = child(item, "psc:chapters")
    if element is None:
        return []
    limit = parse_duration(duration) if duration else None
    chapters: list[dict[str, str]] = []
    previous = -1
    for chapter in children(element, "psc:chapter"):
        start = parse_duration(attribute(chapter, "start"))
        title = one_line(attribute(chapter, "title"))
        if start is None or not title or start <= previous or (limit and start >= limit):
            log.warn(
                chapter,
                "W226",
                f"{label}: chapter {title or '(untitled)'!r} at {attribute(chapter, 'start')!r} "
                "is out of order, past the end or unreadable; left out",
            )
            continue
        previous = start
        entry = {"start": format_clock(start, always_millis=True), "title": truncated(title, 255)}
        href = attribute(chapter, "href")
        if is_http_url(href):
            entry["url"] = href
        chapters.append(entry)
    return chapters


def _guests(item: Any, show: ShowDraft, label: str, log: ImportLog) -> list[Any]:
    """Every podcast:person of the item, with its taxonomy role; a host the show already
    names in `people` is not repeated as the episode's."""
    hosts = {p["name"] for p in show.fields.get("people", []) if p.get("role") == "host"}
    guests: list[Any] = []
    for person in children(item, "podcast:person"):
        entry = person_entry(person, label, log)
        if entry is None or (entry.get("role") == "host" and entry["name"] in hosts):
            continue
        if entry.get("role") == "guest":
            del entry["role"]  # what an episode's guest is unless told otherwise
        guests.append(entry if len(entry) > 1 else entry["name"])
    return guests
