"""One episode YAML file -> Episode + diagnostics: every rule about a single episode."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, replace
from datetime import datetime, timezone, tzinfo
from pathlib import Path, PurePosixPath

from ..errors import Diagnostic, Severity
from ..model import (
    AudioFacts,
    Chapter,
    Episode,
    EpisodeType,
    Media,
    PlatformLink,
    Transcript,
)
from ..paths import (
    SLUG,
    PathError,
    public_relpath,
    resolve_inside,
    similar_file,
    slugify,
    url_join,
)
from .alternates import read_alternates
from .artwork import read_artwork
from .delivery import with_prefix
from .episode20 import EPISODE_FIELDS_20, read_episode_20
from .fields import FieldReader, is_http_url, read_fields_file, warn_html_in_title
from .load import Mapping, Node, Scalar, read_document
from .members import ACCESS_FIELDS, read_access
from .podcast import ShowContext, read_language, read_platforms
from .podcast20 import GUEST_FIELDS as GUEST_FIELDS
from .podcast20 import read_people
from .probe import AudioProbeError, probe
from .redirects import read_redirect_from
from .video import is_youtube_host, youtube_video_id
from .vocab import MEDIA_SUFFIXES, REMOTE_MEDIA_TYPES, TRANSCRIPT_TYPES

REMOTE_AUDIO_FIELDS = ("audio_url", "length", "duration", "type", "length_unknown")
VIDEO_FIELDS = ("video", "enclosure", *ACCESS_FIELDS)
EPISODE_FIELDS = (
    *VIDEO_FIELDS, "title", "date", "audio", "guid", "number", "season", "episode_type", "explicit",
    "summary", "description", "guests", "tags", "chapters", "image", "draft", "block",
    "language", "slug", "transcript", "chapters_url", "translation_of", "redirect_from",
    "platforms",
    *REMOTE_AUDIO_FIELDS,
    *EPISODE_FIELDS_20, "alternate_enclosures",
)  # fmt: skip
CHAPTER_FIELDS = ("start", "title", "url", "image")
DESCRIPTION_LIMIT = 4000  # bytes Apple shows of <description>
# "Ep. 12: ...", "#12 ...", "12 - ...", "0.00000012: ...": a number, then a separator
# not followed by another digit (so "13.01.2022 – ..." and "3.5 million ..." are not).
_NUMBERED_TITLE = re.compile(
    r"\s*(?P<marked>ep(isode)?\.?\s*#?|#)?(?P<number>\d+(\.\d+)?)\s*[:.\-–—|](?!\d)",
    re.IGNORECASE,
)
_YEARS = range(1900, 2100)  # "1999: The Year ..." names a year, unless it is the episode's number


def _starts_with_episode_number(title: str, number: int | None) -> bool:
    found = _NUMBERED_TITLE.match(title)
    if found is None:
        return False
    if found.group("marked") or "." in found.group("number"):
        return True
    value = int(found.group("number"))
    return value == number or value not in _YEARS


def read_episode(path: Path, show: ShowContext) -> tuple[Episode | None, list[Diagnostic]]:
    root, reader = read_fields_file(
        path, "an episode file", "the episode file is empty", "add at least title, date and audio"
    )
    if root is None:
        return None, reader.diagnostics
    episode = _read_fields(reader, root, path, show)
    diagnostics = reader.diagnostics
    if _is_marked_draft(root):
        # An unfinished draft must not stop the rest of the show from publishing.
        diagnostics = [_as_draft_warning(d) for d in diagnostics]
        if any(d.is_error for d in reader.diagnostics):
            return None, diagnostics
    if any(d.is_error for d in diagnostics):
        return None, diagnostics
    return episode, diagnostics


@dataclass(frozen=True)
class WrittenEpisode:
    """What an episode file says about itself, valid or not."""

    title: str | None
    date: datetime | None
    number: int | None
    season: int | None


def read_written_episode(path: Path, show: ShowContext) -> WrittenEpisode:
    """The title, date and numbers a file gives, read as read_episode reads them but
    whatever else is wrong with it: a draft still missing its audio is no Episode,
    yet a host listing the show wants to see which one it is. Problems are dropped
    (check_show reports them)."""
    root = read_document(path).root
    if not isinstance(root, Mapping):
        return WrittenEpisode(None, None, None, None)
    reader = FieldReader(path)
    zone, zone_name = date_zone(show)
    return WrittenEpisode(
        title=reader.text(root.get("title"), "title"),
        date=reader.datetime(root.get("date"), "date", zone, zone_name),
        number=reader.integer(root.get("number"), "number", minimum=1),
        season=reader.integer(root.get("season"), "season", minimum=1),
    )


def date_zone(show: ShowContext) -> tuple[tzinfo | None, str | None]:
    """The zone an episode's `date:` is read in: UTC while podcast.yaml is unreadable."""
    return (show.zone, show.zone_name) if show.is_readable else (timezone.utc, "UTC")


def _is_marked_draft(doc: Mapping) -> bool:
    node = doc.get("draft")
    return isinstance(node, Scalar) and node.is_plain and node.value.strip() in ("true", "True")


def _as_draft_warning(diagnostic: Diagnostic) -> Diagnostic:
    if not diagnostic.is_error:
        return diagnostic
    return replace(
        diagnostic,
        severity=Severity.WARNING,
        message=f"draft: {diagnostic.message}",
        hint=f"{diagnostic.hint}; fix this before removing `draft: true`".lstrip("; "),
    )


def _read_fields(
    reader: FieldReader, doc: Mapping, path: Path, show: ShowContext
) -> Episode | None:
    reader.check_keys(doc, EPISODE_FIELDS, "episode")
    need = reader.require
    title_node = need(doc, "title", "episode", 'title: "Guest Name: Topic, Topic, & Topic?"')
    title = reader.text(title_node, "title", max_length=255)
    warn_html_in_title(reader, title_node, title)
    date = reader.datetime(
        need(doc, "date", "episode", "date: 2025-05-07T09:30:00-05:00"), "date", *date_zone(show)
    )
    is_members_only, early_access = read_access(reader, doc, date, date_zone(show))
    audio, enclosure_url, other_media = _read_media(reader, doc, path, show)
    slug = _read_slug(reader, doc.get("slug"), path)
    guid = reader.text(doc.get("guid"), "guid", max_length=500) or path.stem
    number = reader.integer(doc.get("number"), "number", minimum=1)
    if title and _starts_with_episode_number(title, number):
        reader.warn(
            title_node,
            "W141",
            "the title starts with an episode number",
            "Apple asks for titles without numbers; use `number:` instead",
        )
    season = reader.integer(doc.get("season"), "season", minimum=1)
    episode_type = reader.choice(
        doc.get("episode_type"), "episode_type", [t.value for t in EpisodeType]
    )
    summary_node = doc.get("summary")
    summary = reader.text(summary_node, "summary")
    if summary and len(summary.encode()) > DESCRIPTION_LIMIT:
        reader.warn(
            summary_node,
            "W142",
            f"'summary' is {len(summary.encode())} bytes",
            f"apps show at most {DESCRIPTION_LIMIT} bytes; shorten it",
        )
    description_node = doc.get("description")
    description = reader.text(description_node, "description") or ""
    if not description and not summary:
        reader.warn(
            doc,
            "W143",
            "no 'description' (show notes) and no 'summary'",
            "apps show an empty episode page; add show notes",
        )
    elif len(description.encode()) > DESCRIPTION_LIMIT and not summary:
        reader.warn(
            description_node,
            "W144",
            f"show notes are {len(description.encode())} bytes and there is no 'summary'",
            f"<description> is cut to {DESCRIPTION_LIMIT} bytes; add a short `summary:`",
        )
    chapters = _read_chapters(reader, doc.get("chapters"), audio, path, show)
    image = read_artwork(reader, doc.get("image"), "image", path.parent, show.root, show.link)
    transcript = _read_transcript(reader, doc.get("transcript"), path, show)
    page_url = f"{show.link}episodes/{slug}/" if slug else None
    redirect_from = read_redirect_from(reader, doc.get("redirect_from"), show.link, page_url)
    platforms = _read_episode_platforms(reader, doc.get("platforms"))
    place = (path.parent, show.root, show.link)
    guests = read_people(reader, doc.get("guests"), "guests", "guest", place, read_platforms)
    namespace = read_episode_20(reader, doc, audio)  # Podcasting 2.0
    alternates = read_alternates(
        reader, doc.get("alternate_enclosures"), path.parent, show.root,
        show.media_base_url, show.analytics_prefix,
    )  # fmt: skip
    if None in (title, date, audio, enclosure_url, slug):
        return None
    assert title and date and audio and enclosure_url and slug
    positions = {key: (value.line, value.column) for key, (_k, value) in doc.entries.items()}
    return Episode(
        source=path,
        slug=slug,
        title=title,
        date=date,
        guid=guid,
        audio=audio,
        enclosure_url=with_prefix(show.analytics_prefix, enclosure_url),
        page_url=f"{show.link}episodes/{slug}/",
        redirect_from=redirect_from,
        media_url=enclosure_url,
        summary=summary,
        description_md=description,
        number=number,
        season=season,
        episode_type=EpisodeType(episode_type or "full"),
        is_explicit=reader.boolean(doc.get("explicit"), "explicit"),
        guests=tuple(guests),
        tags=tuple(_read_tags(reader, doc.get("tags"))),
        chapters=tuple(chapters),
        chapters_url=reader.url(doc.get("chapters_url"), "chapters_url"),
        image=image,
        is_draft=bool(reader.boolean(doc.get("draft"), "draft")),
        is_blocked=bool(reader.boolean(doc.get("block"), "block")),
        language=read_language(reader, doc.get("language")),
        transcript=transcript,
        translation_of=reader.text(doc.get("translation_of"), "translation_of"),
        platforms=tuple(platforms),
        other_media=other_media,
        is_members_only=is_members_only,
        early_access=early_access,
        positions=positions,
        alternate_enclosures=tuple(alternates),
        **namespace,
    )


def _read_slug(reader: FieldReader, node: Node | None, path: Path) -> str | None:
    written = reader.text(node, "slug")
    if written is not None:
        if not SLUG.fullmatch(written):
            reader.error(
                node,
                "E145",
                f"'slug' must be lowercase a-z, 0-9 and '-': '{written}'",
                f"e.g. `slug: {slugify(written) or 'my-episode'}`",
            )
            return None
        return written
    slug = path.stem if SLUG.fullmatch(path.stem) else slugify(path.stem)
    if not slug:
        reader.error(
            None,
            "E145",
            f"cannot make a page address from the file name '{path.name}'",
            "rename the file with letters and digits, or add `slug: my-episode`",
        )
        return None
    return slug


def _read_media(
    reader: FieldReader, doc: Mapping, path: Path, show: ShowContext
) -> tuple[AudioFacts | None, str | None, Media | None]:
    """The enclosure's facts and URL, and the episode's other file when it has two
    (`video:` beside `audio:`): the enclosure is the one `enclosure:` names, else the audio."""
    video_node = doc.get("video")
    has_audio = any(doc.get(key) is not None for key in ("audio", *REMOTE_AUDIO_FIELDS))
    audio: AudioFacts | None = None
    audio_url: str | None = None
    if has_audio or video_node is None:
        audio, audio_url = _read_any_audio(reader, doc, path, show)
    video, video_url = _read_file(reader, video_node, "video", path, show)
    choice_node = doc.get("enclosure")
    choice = reader.choice(choice_node, "enclosure", ["audio", "video"])
    if choice == "video" and video_node is None:
        reader.error(
            choice_node,
            "E802",
            "'enclosure: video' but the episode has no 'video'",
            "add `video: video/0001.mp4`, or remove `enclosure:`",
        )
    elif choice == "audio" and not has_audio:
        reader.error(
            choice_node,
            "E802",
            "'enclosure: audio' but the episode has no 'audio'",
            "add `audio: audio/0001.mp3`, or remove `enclosure:`",
        )
    if video is None or video_url is None:
        return audio, audio_url, None
    if audio is None or audio_url is None:
        return (None, None, None) if has_audio else (video, video_url, None)
    if audio.duration_ms and abs(audio.duration_ms - video.duration_ms) > max(
        5000, audio.duration_ms // 50
    ):
        reader.warn(
            video_node,
            "W803",
            f"the video lasts {_clock(video.duration_ms)[:8]}, the audio "
            f"{_clock(audio.duration_ms)[:8]}",
            "apps offer the two as the same episode: publish the same recording in both",
        )
    prefix = show.analytics_prefix
    if choice == "video":
        other = Media(audio, with_prefix(prefix, audio_url), audio_url)
        return video, video_url, other
    return audio, audio_url, Media(video, with_prefix(prefix, video_url), video_url)


def _read_any_audio(
    reader: FieldReader, doc: Mapping, path: Path, show: ShowContext
) -> tuple[AudioFacts | None, str | None]:
    """A local file (`audio:`) or, for audio that stays on another host, `audio_url:`."""
    has_local = doc.get("audio") is not None
    remote_keys = [key for key in REMOTE_AUDIO_FIELDS if doc.get(key) is not None]
    if has_local and remote_keys:
        node = doc.entries[remote_keys[0]][0]
        reader.error(
            node,
            "E154",
            f"'{remote_keys[0]}' is for remote audio, but 'audio' is set",
            "use either `audio:` (a local file) or `audio_url:` + `length:` + `duration:` "
            "(audio hosted elsewhere)",
        )
        return None, None
    if remote_keys:
        return _read_remote_audio(reader, doc)
    audio_node = reader.require(doc, "audio", "episode", "audio: audio/0001.mp3")
    return _read_file(reader, audio_node, "audio", path, show)


def _read_remote_audio(reader: FieldReader, doc: Mapping) -> tuple[AudioFacts | None, str | None]:
    example = "audio_url: https://cdn.example.org/1.mp3"
    url_node = reader.require(doc, "audio_url", "episode", example)
    url = reader.url(url_node, "audio_url")
    length_node = doc.get("length")
    length = reader.integer(length_node, "length", minimum=0)
    unknown_node = doc.get("length_unknown")
    is_unknown = bool(reader.boolean(unknown_node, "length_unknown"))
    if is_unknown and length:
        reader.error(
            unknown_node,
            "E147",
            f"'length_unknown' is true, but 'length' is {length}",
            "remove `length_unknown:` (the length is known)",
        )
    elif not is_unknown and (length_node is None or length == 0):
        said = "without 'length' (bytes)" if length_node is None else "with 'length: 0'"
        reader.error(
            length_node or doc,
            "E147",
            f'remote audio {said}: the feed would say length="0", which Apple refuses and '
            "many apps mishandle",
            "add `length:` with the file's size in bytes (`curl -sI URL` shows it as "
            "Content-Length; `gaepod import --probe` reads it), or `length_unknown: true` "
            "to publish 0 on purpose",
        )
    duration_node = doc.get("duration")
    duration_ms = reader.clock(duration_node, "duration")
    if duration_node is None:
        reader.warn(
            doc,
            "W148",
            "remote audio without 'duration'",
            'apps show no length: add `duration: "HH:MM:SS"`',
        )
    mime = reader.text(doc.get("type"), "type")
    if url is None:
        return None, None
    suffix = PurePosixPath(url.split("?", 1)[0]).suffix.lower()
    known = REMOTE_MEDIA_TYPES.get(suffix)
    if mime is not None and not mime.startswith(("audio/", "video/")):
        reader.warn(
            doc.get("type"),
            "W804",
            f"'type: {mime}' is neither audio nor video",
            "apps play enclosures by their type: `type: audio/mpeg`, `type: video/mp4`, ...",
        )
    if mime is None:
        if known is None:
            reader.error(
                url_node,
                "E149",
                f"cannot tell the audio type of '{url}'",
                "add `type: audio/mpeg` (or the file's MIME type)",
            )
            return None, None
        mime = known[1]
    facts = AudioFacts(
        path=None,
        size=length or 0,
        mtime_ns=0,
        format=known[0] if known else mime.split("/")[-1],
        mime=mime,
        duration_ms=duration_ms or 0,
        bitrate=0,
        sample_rate=0,
        channels=0,
    )
    return facts, url


def _read_file(
    reader: FieldReader, node: Node | None, field: str, path: Path, show: ShowContext
) -> tuple[AudioFacts | None, str | None]:
    """An `audio:` or `video:` file in the show: its facts and the URL it is served at."""
    written = reader.text(node, field)
    if written is None:
        return None, None
    example = "audio/name.mp3" if field == "audio" else "video/name.mp4"
    if is_http_url(written):
        reader.error(
            node,
            "E150",
            f"'{field}' must be a file in the show folder, not a URL",
            f"put the file in the show folder and write `{field}: {example}`"
            + ("; audio that stays elsewhere is `audio_url:`" if field == "audio" else ""),
        )
        return None, None
    try:
        audio_path = resolve_inside(path.parent, written, show.root)
    except PathError as exc:
        reader.error(
            node,
            "E151",
            f"'{field}': {exc}: '{written}'",
            f"keep {field} files in the show folder",
        )
        return None, None
    if not audio_path.is_file():
        audio_dir = os.path.relpath(show.root / field, path.parent)
        folders = (PurePosixPath(written).parent.as_posix(), Path(audio_dir).as_posix())
        close = similar_file(written, path.parent, folders, MEDIA_SUFFIXES)
        reader.error(
            node,
            "E152",
            f"{field} file not found: '{written}'",
            f"did you mean '{close}'?"
            if close
            else "check the file name; the path is relative to this YAML file",
        )
        return None, None
    try:
        facts = probe(audio_path)
    except AudioProbeError as exc:
        fix = "re-export the audio as MP3 (or M4A/AAC)"
        if field == "video":
            fix = "export the video as MP4 (H.264 + AAC) or WebM"
        reader.error(node, "E153", f"'{written}': {exc}", fix)
        return None, None
    if facts.is_video != (field == "video"):
        reader.error(
            node,
            "E801",
            f"'{written}' is {'a video' if facts.is_video else 'audio, not video'}",
            f"write it as `video: {written}` (with `audio:` too, the feed offers both)"
            if facts.is_video
            else f"write it as `audio: {written}`",
        )
        return None, None
    relpath = public_relpath(audio_path, show.root)
    inside_audio_dir = PurePosixPath(relpath).parts[0] == "audio"
    relpath = relpath.split("/", 1)[1] if inside_audio_dir else relpath
    return facts, url_join(show.media_base_url, relpath)


def _read_chapters(
    reader: FieldReader, node: Node | None, audio: AudioFacts | None, path: Path, show: ShowContext
) -> list[Chapter]:
    chapters: list[Chapter] = []
    previous: tuple[int, Node] | None = None
    for item in reader.sequence(node, "chapters"):
        entry = reader.mapping(item, "chapters entry")
        if entry is None:
            continue
        reader.check_keys(entry, CHAPTER_FIELDS, "chapter")
        start_node = reader.require(entry, "start", "chapter", 'start: "00:00:00.000"')
        start = reader.clock(start_node, "start")
        if start_node is None:
            continue
        title = reader.text(
            reader.require(entry, "title", "chapter", "title: Introduction"),
            "chapter title",
            max_length=255,
        )
        url = reader.url(entry.get("url"), "chapter url")
        image = read_artwork(
            reader, entry.get("image"), "chapter image", path.parent, show.root, show.link,
            is_cover=False,
        )  # fmt: skip
        if start is None or title is None:
            continue
        if previous is not None and start == previous[0]:
            reader.warn(
                start_node,
                "W155",
                f"two chapters start at {_clock(start)} (line {previous[1].line})",
                "players show only one of them; give each chapter its own start",
            )
        elif previous is not None and start < previous[0]:
            reader.error(
                start_node,
                "E155",
                f"chapter starts at {_clock(start)}, not after the previous one "
                f"({_clock(previous[0])}, line {previous[1].line})",
                "list chapters in order of their start times",
            )
        elif audio is not None and audio.duration_ms and start >= audio.duration_ms:
            reader.error(
                start_node,
                "E156",
                f"chapter starts at {_clock(start)}, past the end of the audio "
                f"({_clock(audio.duration_ms)})",
                "check the start time against the audio file",
            )
        previous = (start, start_node)
        chapters.append(Chapter(start, title, url, image))
    if chapters and chapters[0].start_ms != 0:
        reader.warn(
            node,
            "W157",
            "the first chapter does not start at 00:00:00",
            "players show nothing before the first chapter; add an intro chapter",
        )
    return chapters


def _read_episode_platforms(reader: FieldReader, node: Node | None) -> list[PlatformLink]:
    """The episode's own pages (`platforms: {youtube: ..., spotify: ...}`), keyed as the
    show's; a YouTube video's page shows it (after a click)."""
    links = read_platforms(reader, node)
    mapping = node if isinstance(node, Mapping) else None
    for link in links:
        if link.key != "youtube" or mapping is None:
            continue
        value = mapping.entries[link.key][1]
        if not is_youtube_host(link.url):
            reader.warn(
                value,
                "W163",
                f"'platforms.youtube' is not a YouTube address: '{link.url}'",
                "write the video's address, https://www.youtube.com/watch?v=…",
            )
        elif youtube_video_id(link.url) is None:
            reader.warn(
                value,
                "W164",
                f"'platforms.youtube' names no video: '{link.url}'",
                "the page links to it but can show no video; use the video's own "
                "address (https://www.youtube.com/watch?v=…)",
            )
    return links


def _read_tags(reader: FieldReader, node: Node | None) -> list[str]:
    tags: list[str] = []
    seen: set[str] = set()
    for value, item in reader.text_list(node, "tags"):
        if not slugify(value):
            reader.error(
                item,
                "E158",
                f"tag '{value}' has no letters or digits",
                "tags become page addresses: use words",
            )
            continue
        if slugify(value) in seen:
            reader.warn(item, "W159", f"tag '{value}' is listed twice", "remove one")
            continue
        seen.add(slugify(value))
        tags.append(value)
    return tags


def _read_transcript(
    reader: FieldReader, node: Node | None, path: Path, show: ShowContext
) -> Transcript | None:
    written = reader.text(node, "transcript")
    if written is None:
        return None
    suffix = PurePosixPath(written.split("?")[0]).suffix.lower()
    mime = TRANSCRIPT_TYPES.get(suffix)
    if mime is None:
        reader.error(
            node,
            "E160",
            f"unsupported transcript type '{suffix or '(none)'}'",
            f"use one of {', '.join(TRANSCRIPT_TYPES)}",
        )
        return None
    if is_http_url(written):
        return Transcript(url=written, mime=mime)
    try:
        source = resolve_inside(path.parent, written, show.root)
    except PathError as exc:
        reader.error(
            node, "E161", f"'transcript': {exc}: '{written}'", "keep transcripts in the show folder"
        )
        return None
    if not source.is_file():
        reader.error(
            node,
            "E162",
            f"transcript file not found: '{written}'",
            "check the file name; the path is relative to this YAML file",
        )
        return None
    relpath = public_relpath(source, show.root)
    return Transcript(
        url=url_join(show.link, relpath), mime=mime, source=source, public_path=relpath
    )


def _clock(ms: int) -> str:
    seconds, millis = divmod(ms, 1000)
    return f"{seconds // 3600:02d}:{seconds // 60 % 60:02d}:{seconds % 60:02d}.{millis:03d}"
