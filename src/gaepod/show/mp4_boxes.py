"""MP4 boxes: the few header fields of an M4A file that mutagen does not expose.

Read-only, headers only: box sizes (truncation), the movie header's duration,
an AAC-LC track's channel count and the sample tables' chunk offsets.
"""

from __future__ import annotations

import struct
from collections.abc import Iterator
from typing import IO


class BoxError(ValueError):
    """A box header that cannot be right."""


def boxes(handle: IO[bytes], start: int, end: int) -> Iterator[tuple[str, int, int]]:
    """(name, offset, size) of each MP4 box between start and end (BoxError if impossible)."""
    offset = start
    while offset + 8 <= end:
        handle.seek(offset)
        header = handle.read(8)
        if len(header) < 8:
            return
        size, name = struct.unpack(">I4s", header)
        header_size = 8
        if size == 1:
            large = handle.read(8)
            if len(large) < 8:
                return
            size, header_size = struct.unpack(">Q", large)[0], 16
        elif size == 0:  # "extends to the end of the file"
            size = end - offset
        if size < header_size:
            raise BoxError(f"the MP4 box at byte {offset:,} has an invalid size")
        yield name.decode("latin-1"), offset, size
        offset += size


def movie_seconds(handle: IO[bytes], moov_offset: int, moov_size: int) -> float | None:
    """The duration in the 'mvhd' (movie header) box, or None when it has none."""
    for name, offset, _size in boxes(handle, moov_offset + 8, moov_offset + moov_size):
        if name != "mvhd":
            continue
        handle.seek(offset + 8)
        data = handle.read(32)
        if data[:1] == b"\x01":  # version 1: 64-bit times
            timescale, duration = struct.unpack(">IQ", data[20:32])
        else:
            timescale, duration = struct.unpack(">II", data[12:20])
        return duration / timescale if timescale and duration else None
    return None


def aac_lc_channels(handle: IO[bytes], moov_offset: int, moov_size: int) -> int | None:
    """Channels from an AAC-LC track's decoder config, or None to trust mutagen.

    mutagen reports 2 for mono AAC-LC: the sample entry always says 2 (as the
    ISO format asks), and it does not rule out parametric stereo for LC.
    """
    path = ["trak", "mdia", "minf", "stbl", "stsd"]
    start, end = moov_offset + 8, moov_offset + moov_size
    for name in path:
        box = next(((o, s) for n, o, s in boxes(handle, start, end) if n == name), None)
        if box is None:
            return None
        start, end = box[0] + (16 if name == "stsd" else 8), box[0] + box[1]
    entry = next(((o, s) for n, o, s in boxes(handle, start, end) if n == "mp4a"), None)
    if entry is None:
        return None
    esds = next(
        ((o, s) for n, o, s in boxes(handle, entry[0] + 36, sum(entry)) if n == "esds"), None
    )
    if esds is None or esds[1] > 4096:
        return None
    handle.seek(esds[0] + 12)
    config = _decoder_specific_info(handle.read(esds[1] - 12))
    if len(config) < 2:
        return None
    bits = int.from_bytes(config[:2], "big")
    audio_object_type, frequency_index, channel_config = (
        bits >> 11,
        (bits >> 7) & 15,
        (bits >> 3) & 15,
    )
    if audio_object_type != 2 or frequency_index == 15 or not 1 <= channel_config <= 7:
        return None
    return (1, 2, 3, 4, 5, 6, 8)[channel_config - 1]


def _decoder_specific_info(data: bytes) -> bytes:
    """The AudioSpecificConfig inside an 'esds' box's MPEG-4 descriptors (b"" if absent)."""
    position = 0
    while position < len(data):
        tag = data[position]
        length, position = 0, position + 1
        for _ in range(4):
            byte = data[position] if position < len(data) else 0
            length, position = (length << 7) | (byte & 0x7F), position + 1
            if not byte & 0x80:
                break
        if tag == 0x03:  # ES descriptor: id, flags, optional fields, then children
            flags = data[position + 2] if position + 2 < len(data) else 0
            position += 3 + (2 if flags & 0x80 else 0) + (2 if flags & 0x20 else 0)
            if flags & 0x40:
                position += 1 + (data[position] if position < len(data) else 0)
        elif tag == 0x04:  # decoder config: 13 bytes, then the specific info
            position += 13
        elif tag == 0x05:
            return data[position : position + length]
        else:
            position += length
    return b""


def chunk_offsets(handle: IO[bytes], size: int) -> list[int]:
    """Every chunk offset of every track's 'stco'/'co64' table, in file order."""
    containers = {"moov", "trak", "mdia", "minf", "stbl"}
    offsets: list[int] = []

    def walk(start: int, end: int) -> None:
        for name, offset, box_size in list(boxes(handle, start, end)):
            if name in containers:
                walk(offset + 8, offset + box_size)
            elif name in ("stco", "co64"):
                handle.seek(offset + 12)
                (count,) = struct.unpack(">I", handle.read(4))
                width = 4 if name == "stco" else 8
                table = handle.read(count * width)
                offsets.extend(struct.unpack(f">{count}{'I' if width == 4 else 'Q'}", table))

    walk(0, size)
    return offsets


def video_track(handle: IO[bytes], moov_offset: int, moov_size: int) -> tuple[str, int, int] | None:
    """(codec, width, height) of the movie's first video track ('vide' handler), or None.

    The size is the track header's (tkhd): the picture as players present it, with
    any pixel aspect ratio applied; the codec is the sample entry's name ('avc1').
    """
    for name, offset, size in boxes(handle, moov_offset + 8, moov_offset + moov_size):
        if name != "trak":
            continue
        children = {n: (o, s) for n, o, s in boxes(handle, offset + 8, offset + size)}
        if "tkhd" not in children or "mdia" not in children:
            continue
        mdia = children["mdia"]
        parts = {n: (o, s) for n, o, s in boxes(handle, mdia[0] + 8, sum(mdia))}
        if "hdlr" not in parts:
            continue
        handle.seek(parts["hdlr"][0] + 16)
        if handle.read(4) != b"vide":
            continue
        tkhd_offset, tkhd_size = children["tkhd"]
        handle.seek(tkhd_offset + tkhd_size - 8)
        width, height = struct.unpack(">II", handle.read(8))
        return _sample_entry(handle, parts.get("minf")), width >> 16, height >> 16
    return None


def _sample_entry(handle: IO[bytes], minf: tuple[int, int] | None) -> str:
    """The name of a track's first sample entry (its codec), '' when it cannot be found."""
    start, end = minf if minf else (0, 0)
    end += start
    start += 8
    for name in ("stbl", "stsd"):
        box = next(((o, s) for n, o, s in boxes(handle, start, end) if n == name), None)
        if box is None:
            return ""
        start, end = box[0] + (16 if name == "stsd" else 8), box[0] + box[1]
    entry = next(boxes(handle, start, end), None)
    return entry[0] if entry else ""
