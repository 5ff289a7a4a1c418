"""WebM (Matroska) headers: duration, picture size and audio format of a video file.

A small EBML reader that walks the element headers of the segment's Info and
Tracks, skipping clusters by their size, so a 1 GB video costs a few reads.
Read-only; never reads media data. No library reads WebM headers without
decoding (mutagen does not know Matroska), and this is all gaepod needs.
"""

from __future__ import annotations

import struct
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO

EBML_HEADER = 0x1A45DFA3
DOC_TYPE = 0x4282
SEGMENT = 0x18538067
INFO = 0x1549A966
TIMECODE_SCALE = 0x2AD7B1
DURATION = 0x4489
TRACKS = 0x1654AE6B
TRACK_ENTRY = 0xAE
TRACK_TYPE = 0x83
CODEC_ID = 0x86
VIDEO = 0xE0
PIXEL_WIDTH = 0xB0
PIXEL_HEIGHT = 0xBA
AUDIO = 0xE1
SAMPLING_FREQUENCY = 0xB5
CHANNELS = 0x9F
CLUSTER = 0x1F43B675
UNKNOWN = -1  # an element whose size is "unknown" (live streams): it runs to its parent's end
_MAX_ELEMENT_READ = 1 << 16  # bytes of one header field we read: none is near this


class WebMError(ValueError):
    """Not a WebM file, or one whose headers cannot be right."""


@dataclass(frozen=True)
class WebMFacts:
    duration_seconds: float
    width: int
    height: int
    video_codec: str  # "V_VP9", "V_VP8", "V_AV1"
    audio_codec: str  # "A_OPUS", "A_VORBIS" or "" without audio
    sample_rate: int
    channels: int


def read_webm(handle: IO[bytes], size: int) -> WebMFacts:
    """The facts of the WebM file open in `handle` (`size` bytes), or WebMError."""
    elements = list(_elements(handle, 0, size))
    if not elements or elements[0][0] != EBML_HEADER:
        raise WebMError("this is not a WebM file (no EBML header)")
    _id, start, length = elements[0]
    doc_type = _child_value(handle, start, start + length, DOC_TYPE)
    if doc_type not in (b"webm", b"matroska"):
        raise WebMError(f"this EBML file is '{(doc_type or b'').decode('latin-1')}', not WebM")
    segment = next(((s, n) for i, s, n in elements if i == SEGMENT), None)
    if segment is None:
        raise WebMError("the WebM file has no segment")
    seg_start, seg_length = segment
    if seg_start + seg_length > size:
        raise WebMError(
            f"the file is truncated: its segment needs {seg_start + seg_length:,} bytes, "
            f"the file has {size:,}"
        )
    scale, duration, tracks = 1_000_000, None, []
    for element, start, length in _elements(handle, seg_start, seg_start + seg_length):
        if element == INFO:
            scale = _uint(_child_value(handle, start, start + length, TIMECODE_SCALE)) or scale
            duration = _float(_child_value(handle, start, start + length, DURATION))
        elif element == TRACKS:
            tracks = [
                _track(handle, s, s + n)
                for i, s, n in _elements(handle, start, start + length)
                if i == TRACK_ENTRY
            ]
        elif element == CLUSTER and tracks and duration is not None:
            break  # the headers come before the media: nothing more to learn
    video = next((t for t in tracks if t[0] == 1), None)
    audio = next((t for t in tracks if t[0] == 2), None)
    if video is None:
        raise WebMError("the WebM file has no video track")
    if not duration or duration <= 0:
        raise WebMError(
            "the WebM file declares no duration (recorded live?); "
            "remux it: ffmpeg -i in.webm -c copy out.webm"
        )
    return WebMFacts(
        duration_seconds=duration * scale / 1e9,
        width=video[2],
        height=video[3],
        video_codec=video[1],
        audio_codec=audio[1] if audio else "",
        sample_rate=audio[4] if audio else 0,
        channels=audio[5] if audio else 0,
    )


def _track(handle: IO[bytes], start: int, end: int) -> tuple[int, str, int, int, int, int]:
    """(type, codec, width, height, sample rate, channels) of one TrackEntry."""
    kind, codec, width, height, rate, channels = 0, "", 0, 0, 0, 0
    for element, at, length in _elements(handle, start, end):
        if element == TRACK_TYPE:
            kind = _uint(_read(handle, at, length)) or 0
        elif element == CODEC_ID:
            codec = _read(handle, at, length).rstrip(b"\0").decode("ascii", "replace")
        elif element == VIDEO:
            width = _uint(_child_value(handle, at, at + length, PIXEL_WIDTH)) or 0
            height = _uint(_child_value(handle, at, at + length, PIXEL_HEIGHT)) or 0
        elif element == AUDIO:
            rate = round(_float(_child_value(handle, at, at + length, SAMPLING_FREQUENCY)) or 0)
            channels = _uint(_child_value(handle, at, at + length, CHANNELS)) or 1
    return kind, codec, width, height, rate, channels


def _elements(handle: IO[bytes], start: int, end: int) -> Iterator[tuple[int, int, int]]:
    """(id, data offset, data size) of each element between start and end."""
    offset = start
    while offset < end:
        handle.seek(offset)
        head = handle.read(12)
        if len(head) < 2:
            return
        element, id_length = _vint(head, 0, keep_marker=True)
        if id_length > 4:
            raise WebMError(f"the WebM element at byte {offset:,} has an invalid id")
        length, size_length = _vint(head, id_length, keep_marker=False)
        data = offset + id_length + size_length
        if length == UNKNOWN:
            length = end - data
        yield element, data, length
        offset = data + length


def _vint(data: bytes, at: int, *, keep_marker: bool) -> tuple[int, int]:
    """An EBML variable-length integer at `at`: (value, bytes used); UNKNOWN for all ones."""
    if at >= len(data) or data[at] == 0:
        raise WebMError("an EBML element header cannot be read")
    first = data[at]
    length = 8 - first.bit_length() + 1
    if at + length > len(data):
        raise WebMError("an EBML element header is cut short")
    raw = data[at : at + length]
    value = int.from_bytes(raw, "big")
    if keep_marker:
        return value, length
    value &= (1 << (7 * length)) - 1
    return (UNKNOWN if value == (1 << (7 * length)) - 1 else value), length


def _read(handle: IO[bytes], at: int, length: int) -> bytes:
    handle.seek(at)
    return handle.read(min(length, _MAX_ELEMENT_READ))


def _child_value(handle: IO[bytes], start: int, end: int, wanted: int) -> bytes | None:
    for element, at, length in _elements(handle, start, end):
        if element == wanted:
            return _read(handle, at, length)
    return None


def _uint(raw: bytes | None) -> int | None:
    return int.from_bytes(raw, "big") if raw else None


def _float(raw: bytes | None) -> float | None:
    if raw is None or len(raw) not in (4, 8):
        return None
    return float(struct.unpack(">f" if len(raw) == 4 else ">d", raw)[0])
