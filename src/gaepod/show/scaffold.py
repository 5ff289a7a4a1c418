"""`gaepod new`: the next episode's YAML file, ready to fill in."""

from __future__ import annotations

import contextlib
import json
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

from ..errors import GaepodError, UsageError
from ..fsio import atomic_copy, atomic_write
from ..paths import slugify
from .check import episode_files
from .episode import date_zone
from .fields import DATETIME_FORMS, DateTimeError, parse_datetime
from .load import Mapping, Scalar, read_document
from .podcast import ShowContext, read_show
from .probe import AudioProbeError, probe
from .vocab import MEDIA_SUFFIXES


@dataclass(frozen=True)
class NewEpisode:
    path: Path
    number: int
    audio: Path | None  # where --audio was copied
    date: datetime  # as written into the file


def create_episode(
    show: Path, title: str, now: datetime, audio: Path | None = None, date: str | None = None
) -> NewEpisode:
    """Write `NNN-slug.yaml` for the next number, as a draft (cron will not publish it).

    `date` is text read exactly as the file's `date:` will be (a date alone or a time
    without an offset is in the show's time zone), so the two never disagree.
    """
    if not title.strip():
        raise GaepodError("the title is empty", [])
    if not (show / "podcast.yaml").is_file():
        raise GaepodError(f"{show} has no podcast.yaml; is --show right?")
    _show, context, _problems = read_show(show)
    numbers, seasons = _written_numbers(episode_files(show))
    number = max(numbers, default=0) + 1
    zone = context.zone or timezone.utc
    when = _round_up(now, 15).astimezone(zone) if date is None else _read_date(date, context)
    files = episode_files(show)
    prefixes = [p.name.split("-", 1)[0] for p in files]
    numeric = [int(p) for p in prefixes if p.isdigit()]
    width = max((len(p) for p in prefixes if p.isdigit()), default=3)
    prefix = f"{max([*numeric, number - 1]) + 1:0{width}d}"
    stem = f"{prefix}-{slugify(title) or 'episode'}"
    target = show / f"{stem}.yaml"
    if target.exists():
        raise GaepodError(f"{target} already exists")
    suffix = audio.suffix.lower() if audio is not None else ".mp3"
    audio_rel = f"audio/{prefix}{suffix}"
    if (show / audio_rel).exists():
        audio_rel = f"audio/{stem}{suffix}"
    if (show / audio_rel).exists():
        raise GaepodError(f"{show / audio_rel} already exists; not overwriting audio")
    copied = None
    if audio is not None:
        if suffix not in MEDIA_SUFFIXES:
            raise GaepodError(
                f"{audio}: unsupported audio type '{suffix}'; use MP3 or M4A (or MP4/WebM video)"
            )
        if not audio.is_file():
            raise GaepodError(f"{audio}: no such file")
        copied = show / audio_rel
        atomic_copy(audio, copied)
    field = "audio"
    if copied is not None and suffix in (".mp4", ".m4v", ".webm"):
        with contextlib.suppress(AudioProbeError):  # `gaepod check` names what is wrong
            field = "video" if probe(copied).is_video else "audio"
    season = max(seasons, default=0) or None
    text = _episode_yaml(title, when, number, season, audio_rel, field)
    atomic_write(target, text.encode())
    return NewEpisode(target, number, copied, when)


def _read_date(text: str, context: ShowContext) -> datetime:
    zone, zone_name = date_zone(context)  # as the file's `date:` will be read
    try:
        return parse_datetime(text, zone).moment
    except DateTimeError as exc:
        detail = f" ({exc.detail})" if exc.detail else ""
        if zone is None:
            forms = (
                "it with its UTC offset, e.g. 2025-05-07T09:30-05:00 "
                "(podcast.yaml sets no `timezone:`)"
            )
        else:
            forms = f"{DATETIME_FORMS} (without an offset: {zone_name} time)"
        raise UsageError(f"the date '{text}' {exc.reason}{detail}; write {forms}") from None


def _written_numbers(files: list[Path]) -> tuple[list[int], list[int]]:
    """Numbers and seasons as written in every episode file, valid or not (drafts too)."""
    numbers: list[int] = []
    seasons: list[int] = []
    for path in files:
        root = read_document(path).root
        if not isinstance(root, Mapping):
            continue
        for key, found in (("number", numbers), ("season", seasons)):
            node = root.get(key)
            if isinstance(node, Scalar) and node.value.strip().isdigit():
                found.append(int(node.value))
    return numbers, seasons


def _episode_yaml(
    title: str, when: datetime, number: int, season: int | None, audio_rel: str, field: str
) -> str:
    season_line = f"season: {season}\n" if season else ""
    return (
        f"title: {json.dumps(title, ensure_ascii=False)}\n"
        f"date: {when.isoformat()}\n"
        f"number: {number}\n"
        f"{season_line}"
        f"guid: {json.dumps(str(uuid.uuid4()))}  # never change this once published\n"
        f"{field}: {audio_rel}\n"
        "draft: true  # remove this line when the episode is ready to publish\n"
        "explicit: false\n"
        "summary: One or two sentences for podcast apps.\n"
        "guests:\n"
        '  - name: "Guest Name"\n'
        "    url: https://example.org/\n"
        "tags: []\n"
        "description: |\n"
        "  Show notes in Markdown: who the guest is, what you talked about, links.\n"
    )


def _round_up(moment: datetime, minutes: int) -> datetime:
    moment = moment.replace(second=0, microsecond=0)
    extra = (-moment.minute) % minutes
    return moment + timedelta(minutes=extra)
