"""An episode file's Podcasting 2.0 fields -> Episode's: license, location, soundbites,
txt and value (guests, with their taxonomy roles, are read by podcast20.read_people)."""

from __future__ import annotations

from typing import Any

from ..model import AudioFacts, Soundbite
from .fields import FieldReader
from .load import Mapping, Node
from .podcast20 import NAME_LIMIT, read_license, read_locations, read_txt, read_value

EPISODE_FIELDS_20 = ("license", "location", "soundbites", "txt", "value")
SOUNDBITE_FIELDS = ("start", "duration", "title")
SOUNDBITE_LONGEST_MS = 120_000  # the namespace recommends 15 to 120 seconds


def read_episode_20(reader: FieldReader, doc: Mapping, audio: AudioFacts | None) -> dict[str, Any]:
    """Episode's Podcasting 2.0 fields, as keyword arguments."""
    return {
        "license": read_license(reader, doc.get("license")),
        "locations": tuple(read_locations(reader, doc.get("location"))),
        "soundbites": tuple(_read_soundbites(reader, doc.get("soundbites"), audio)),
        "txt": tuple(read_txt(reader, doc.get("txt"))),
        "value": read_value(reader, doc.get("value")),
    }


def _read_soundbites(
    reader: FieldReader, node: Node | None, audio: AudioFacts | None
) -> list[Soundbite]:
    """`soundbites: [{start, duration, title}]`: highlights inside the audio."""
    bites = []
    for item in reader.sequence(node, "soundbites"):
        entry = reader.mapping(item, "soundbites entry")
        if entry is None:
            continue
        reader.check_keys(entry, SOUNDBITE_FIELDS, "soundbite")
        start_node = reader.require(entry, "start", "soundbite", 'start: "00:12:30"')
        start = reader.clock(start_node, "soundbite start")
        duration_node = reader.require(entry, "duration", "soundbite", "duration: 45")
        duration = reader.clock(duration_node, "soundbite duration")
        title = reader.text(entry.get("title"), "soundbite title", max_length=NAME_LIMIT)
        if start is None or duration is None:
            continue
        if duration <= 0:
            reader.error(
                duration_node,
                "E720",
                "a soundbite lasts 0 seconds",
                "give its length in seconds: `duration: 45`",
            )
            continue
        length = audio.duration_ms if audio is not None else 0
        if length and start >= length:
            reader.error(
                start_node,
                "E721",
                f"the soundbite starts at {_seconds(start)} s, past the end of the audio "
                f"({_seconds(length)} s)",
                "check its start against the audio file",
            )
            continue
        if length and start + duration > length:
            reader.error(
                duration_node,
                "E722",
                f"the soundbite ends at {_seconds(start + duration)} s, past the end of the "
                f"audio ({_seconds(length)} s)",
                f"shorten it to at most {_seconds(length - start)} s",
            )
            continue
        if duration > SOUNDBITE_LONGEST_MS:
            reader.warn(
                duration_node,
                "W723",
                f"the soundbite lasts {_seconds(duration)} s",
                "apps expect a highlight of 15 to 120 seconds: shorten it",
            )
        bites.append(Soundbite(start, duration, title))
    return bites


def _seconds(ms: int) -> str:
    return f"{ms / 1000:.3f}".rstrip("0").rstrip(".")
