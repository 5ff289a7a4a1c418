"""WantedTags -> ID3v2 frames for MP3, and the comparison with the frames a file has.

mutagen holds every tag as ID3v2.4 in memory (a v2.3 file's TYER+TDAT is read
as TDRC), so wanted and present frames are compared in that form, ignoring
the text encoding, which differs by version (v2.3: UTF-16, v2.4: UTF-8).
Frames gaepod does not write (encoder, ReplayGain, other comments) are kept.
"""

from __future__ import annotations

import io
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from mutagen.id3 import (
    APIC,
    CHAP,
    COMM,
    CTOC,
    ID3,
    PCST,
    TALB,
    TCON,
    TDES,
    TDRC,
    TGID,
    TIT2,
    TLAN,
    TPE1,
    TPE2,
    TPOS,
    TRCK,
    WOAS,
    WXXX,
    CTOCFlags,
    Encoding,
    Frames,
    ID3NoHeaderError,
    PictureType,
    TextFrame,
)
from mutagen.id3 import error as ID3Error

from ..show.probe import syncsafe
from . import id3_raw as tag_id3_raw
from .id3_raw import TOC_ID, ascii_url, latin1_fits
from .wanted import WantedTags

# v2.4-only frames that carry data worth keeping (ReplayGain) when a file is
# saved as v2.3; mutagen's v2.3 conversion would drop them.
KEEP_IN_V23 = ("RVA2",)


class WFED(TextFrame):  # type: ignore[misc]
    """iTunes' podcast feed URL frame: despite its W name, a text frame with an
    encoding byte (as iTunes, TagLib and eyeD3 write it; mutagen's own WFED
    class has no encoding byte, which those readers misread)."""


KNOWN_FRAMES = {**Frames, "WFED": WFED}


@dataclass(frozen=True)
class Slot:
    """A group of frames gaepod owns: the frames in it are replaced as a whole."""

    name: str
    select: Callable[[Any], list[Any]]  # present ID3 -> the frames in this slot
    frames: tuple[Any, ...]


def load(path: Path) -> Any:
    """The file's ID3v2 tag (mutagen ID3), or None when it has none."""
    try:
        return ID3(path, known_frames=KNOWN_FRAMES)
    except ID3NoHeaderError:
        return None


def slots(wanted: WantedTags, cover: bytes | None) -> list[Slot]:
    """Every frame group to write; a value the episode lacks leaves the file's frame alone."""
    text = {
        "TIT2": _text(TIT2, wanted.title),
        "TPE1": _text(TPE1, wanted.artist),
        "TALB": _text(TALB, wanted.album),
        "TPE2": _text(TPE2, wanted.album_artist),
        "TDRC": _text(TDRC, wanted.day),
        "TCON": _text(TCON, wanted.genre),
        "TGID": _text(TGID, wanted.guid),
        "WOAS": WOAS(url=ascii_url(wanted.page_url)),
        "WFED": WFED(encoding=Encoding.LATIN1, text=[ascii_url(wanted.feed_url)]),
        "PCST": PCST(value=0),  # iTunes' flag: four zero bytes; only its presence counts
    }
    if wanted.number is not None:
        text["TRCK"] = _text(TRCK, str(wanted.number))
    if wanted.season is not None:
        text["TPOS"] = _text(TPOS, str(wanted.season))
    if wanted.long_description:
        text["TDES"] = _text(TDES, wanted.long_description)
    if wanted.language != "XXX":
        text["TLAN"] = _text(TLAN, wanted.language)
    result = [Slot(key, _by_id(key), (frame,)) for key, frame in text.items()]
    if wanted.description:
        comment = COMM(
            encoding=_encoding(wanted.description),
            lang=wanted.language,
            desc="",
            text=[wanted.description],
        )
        result.append(Slot("COMM", _plain_comments, (comment,)))
    if cover is not None and wanted.cover is not None:
        picture = APIC(
            encoding=Encoding.LATIN1,
            mime=wanted.cover.mime,
            type=PictureType.COVER_FRONT,
            desc="",
            data=cover,
        )
        result.append(Slot("APIC", _front_covers, (picture,)))
    if wanted.chapters:
        result.append(Slot("CHAP", _by_id("CHAP"), tuple(_chapter_frames(wanted))))
        toc = CTOC(
            element_id=TOC_ID,
            flags=CTOCFlags.TOP_LEVEL | CTOCFlags.ORDERED,
            child_element_ids=[c.element_id for c in wanted.chapters],
            sub_frames=[],
        )
        result.append(Slot("CTOC", _by_id("CTOC"), (toc,)))
    return result


def _chapter_frames(wanted: WantedTags) -> list[Any]:
    frames = []
    for chapter in wanted.chapters:
        sub_frames: list[Any] = [_text(TIT2, chapter.title)]
        if chapter.url:
            sub_frames.append(WXXX(encoding=Encoding.LATIN1, desc="", url=ascii_url(chapter.url)))
        frames.append(
            CHAP(
                element_id=chapter.element_id,
                start_time=chapter.start_ms,
                end_time=chapter.end_ms,
                start_offset=0xFFFFFFFF,  # "not given": players use the times
                end_offset=0xFFFFFFFF,
                sub_frames=sub_frames,
            )
        )
    return frames


def changes(present: Any, wanted: list[Slot], version: int) -> list[str]:
    """Names of the frame groups that differ; [] when the file already has exactly these."""
    if present is None:
        return [f"ID3v2.{version}"] + [slot.name for slot in wanted]
    found = [
        slot.name
        for slot in wanted
        if _canonical_set(slot.select(present)) != _canonical_set(list(slot.frames))
    ]
    if tuple(present.version[:2]) != (2, version):
        found.insert(0, f"ID3v2.{version}")
    return found


def holds_exactly(path: Path, wanted: WantedTags, cover: bytes | None, version: int) -> bool:
    """True when the file's ID3v2.`version` tag holds, among the frame IDs gaepod writes,
    exactly the frames it would write, byte for byte: then it needs no writing.

    A fast answer for a build without its tag record: the wanted frames are
    encoded directly (tag_id3_raw) and the file's frames are only cut apart,
    not decoded (mutagen decodes UTF-16 text one character at a time).
    False means "not sure": ask `changes`.
    """
    rendered = tag_id3_raw.frames(wanted, version)
    if rendered is None:
        return False
    if cover is not None and wanted.cover is not None:
        rendered += _picture_frame(wanted.cover.mime, PictureType.COVER_FRONT, "", cover, version)
    expected = Counter(rendered)
    frame_ids = {frame[:4] for frame in expected}
    try:
        with path.open("rb") as handle:
            header = handle.read(10)
            if len(header) < 10 or header[:3] != b"ID3":
                return False
            present = _raw_frames(header + handle.read(syncsafe(header[6:10])), version)
    except OSError:
        return False
    if present is None:
        return False
    return Counter(frame for frame in present if frame[:4] in frame_ids) == expected


@lru_cache(maxsize=4)
def _picture_frame(mime: str, kind: int, desc: str, data: bytes, version: int) -> list[bytes]:
    """The cover as mutagen renders it: the same for every episode, so rendered once."""
    tags = ID3()
    tags.add(APIC(encoding=Encoding.LATIN1, mime=mime, type=kind, desc=desc, data=data))
    return _frames_of(tags, version)


def _frames_of(tags: Any, version: int) -> list[bytes]:
    buffer = io.BytesIO()
    if version == 3:
        tags.update_to_v23()
    tags.save(buffer, v2_version=version, v1=0, padding=lambda _info: 0)
    frames = _raw_frames(buffer.getvalue(), version)
    assert frames is not None  # mutagen's own output
    return frames


def _raw_frames(tag: bytes, version: int) -> list[bytes] | None:
    """Each frame of an ID3v2 tag (header included) as bytes; None when the tag is not a
    plain ID3v2.`version` one (unsynchronised, extended header, damaged)."""
    if len(tag) < 10 or tag[:3] != b"ID3" or tag[3] != version or tag[5] & 0xC0:
        return None
    end = min(len(tag), 10 + syncsafe(tag[6:10]))
    frames = []
    at = 10
    while at + 10 <= end and tag[at] != 0:  # a zero byte: padding starts
        raw_size = tag[at + 4 : at + 8]
        size = syncsafe(raw_size) if version == 4 else int.from_bytes(raw_size, "big")
        if at + 10 + size > end:
            return None
        frames.append(tag[at : at + 10 + size])
        at += 10 + size
    return frames


def apply(tags: Any, wanted: list[Slot]) -> None:
    """Replace every owned frame group in `tags` (a mutagen ID3) with the wanted frames."""
    for slot in wanted:
        for frame in slot.select(tags):
            tags.pop(frame.HashKey, None)
        for frame in slot.frames:
            tags.add(frame)


def save(tags: Any, path: Path, version: int) -> None:
    """Write `tags` into the file at `path` as ID3v2.`version` (3 or 4)."""
    if version == 3:
        kept = [frame for key in KEEP_IN_V23 for frame in tags.getall(key)]
        tags.update_to_v23()
        for frame in kept:
            tags.add(frame)
    tags.save(path, v2_version=version, v1=1)  # v1=1: update an ID3v1 tag, never add one


def new_tags() -> Any:
    return ID3()


def _by_id(frame_id: str) -> Callable[[Any], list[Any]]:
    return lambda tags: list(tags.getall(frame_id))


def _plain_comments(tags: Any) -> list[Any]:
    # Only the untitled comment is ours; iTunNORM, encoder notes etc. stay.
    return [frame for frame in tags.getall("COMM") if frame.desc == ""]


def _front_covers(tags: Any) -> list[Any]:
    # Untitled pictures share the HashKey "APIC:" with ours, so they go too.
    return [
        frame
        for frame in tags.getall("APIC")
        if frame.type == PictureType.COVER_FRONT or frame.desc == ""
    ]


def _canonical_set(frames: list[Any]) -> frozenset[tuple[Any, int]]:
    """Frames as an order-free multiset (hashable, so CHAP sub-frames can nest it)."""
    return frozenset(Counter(_canonical(frame) for frame in frames).items())


def _canonical(frame: Any) -> tuple[Any, ...]:
    """A frame's values without its text encoding, sub-frames included, comparable with ==."""
    values: list[Any] = [frame.FrameID]
    for spec in [*frame._framespec, *frame._optionalspec]:
        if spec.name != "encoding":
            values.append(_plain(getattr(frame, spec.name, None)))
    return tuple(values)


def _plain(value: Any) -> Any:
    if hasattr(value, "getall"):  # sub-frames of CHAP/CTOC
        return _canonical_set(list(value.values()))
    if isinstance(value, list | tuple):
        return tuple(_plain(v) for v in value)
    if value is None or isinstance(value, str | bytes | int | float):
        return value
    return str(value)  # ID3TimeStamp and similar


def _text(frame_class: Any, value: str) -> Any:
    return frame_class(encoding=_encoding(value), text=[value])


def _encoding(text: str) -> Encoding:
    """Latin-1 when it can hold the text, else UTF-8 (which mutagen turns into UTF-16 for
    v2.3): the most widely read encoding, and mutagen decodes UTF-16 a character at a time."""
    return Encoding.LATIN1 if latin1_fits(text) else Encoding.UTF8


ID3_ERRORS: tuple[type[Exception], ...] = (ID3Error,)
