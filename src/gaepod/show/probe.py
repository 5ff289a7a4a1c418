"""Read-only probing of audio and video files: the one reader every stage uses.

`probe` reads headers only (never the whole stream), so a 100 MB episode costs
the same as a 30 KB one; `payload_digest` is the one function that reads the
whole file, for the tagger's before/after comparison. Never writes.
"""

from __future__ import annotations

import hashlib
import os
import struct
from pathlib import Path
from typing import IO, Any

from ..errors import Diagnostic, Severity
from ..model import AudioFacts, Episode
from . import mp4_boxes as _boxes
from .vocab import AUDIO_TYPES, MEDIA_SUFFIXES, VIDEO_TYPES
from .webm import WebMError, read_webm

COMMON_SAMPLE_RATES = (44100, 48000)
MAX_BITRATE = 320_000  # bit/s: the MP3 ceiling; more is wasted bandwidth for speech
LARGE_EMBEDDED_ART = 500 * 1000  # bytes: Apple's players mishandle larger ID3 tags
TRUNCATION_SLACK = 4096  # bytes a Xing/VBRI byte count may be off before we call it truncated
_CHUNK = 1024 * 1024


class AudioProbeError(Exception):
    """The file is not audio gaepod can read; the message names the reason."""


def probe(path: Path) -> AudioFacts:
    """Return the facts of one audio or video file or raise AudioProbeError."""
    suffix = path.suffix.lower()
    if suffix not in MEDIA_SUFFIXES:
        raise AudioProbeError(
            f"unsupported audio type '{path.suffix or '(none)'}'; gaepod publishes MP3 and M4A "
            "audio, and MP4, M4V and WebM video"
        )
    try:
        stat = os.stat(path)
    except OSError as exc:
        raise AudioProbeError(f"cannot read the audio file: {exc.strerror}") from exc
    if stat.st_size == 0:
        raise AudioProbeError("the audio file is empty (0 bytes)")
    container = "mp3" if suffix == ".mp3" else "webm" if suffix == ".webm" else "mp4"
    try:
        with path.open("rb") as handle:
            _refuse_other_container(handle, container, suffix)
            if container == "mp3":
                return _probe_mp3(handle, path, stat, AUDIO_TYPES[suffix][1])
            if container == "webm":
                return _probe_webm(handle, path, stat)
            return _probe_mp4(handle, path, stat, suffix)
    except AudioProbeError:
        raise
    except (_boxes.BoxError, WebMError) as exc:
        raise AudioProbeError(str(exc)) from exc
    except OSError as exc:
        raise AudioProbeError(f"cannot read the audio file: {exc.strerror or exc}") from exc
    except Exception as exc:  # mutagen raises many unrelated types on corrupt input
        raise AudioProbeError(f"cannot read the audio: {_describe(exc)}") from exc


# What a file really is, by its first bytes: (its name in messages, the suffix it wants)
_CONTAINERS = {"mp3": ("MP3", "mp3"), "mp4": ("M4A", "m4a"), "webm": ("WebM", "webm")}


def _refuse_other_container(handle: IO[bytes], container: str, suffix: str) -> None:
    """Name the real format when the file's bytes contradict its suffix."""
    head = handle.read(12)
    handle.seek(0)
    found = None
    if head[4:8] == b"ftyp":
        found = "mp4"
    elif head.startswith(b"ID3") or (len(head) > 1 and head[0] == 0xFF and head[1] & 0xE0 == 0xE0):
        found = "mp3"
    elif head.startswith(b"\x1a\x45\xdf\xa3"):
        found = "webm"
    for magic, name in ((b"RIFF", "WAV"), (b"fLaC", "FLAC"), (b"OggS", "Ogg")):
        if head.startswith(magic):
            raise AudioProbeError(f"this is a {name} file, not {suffix[1:].upper()}")
    if found is not None and found != container:
        name, wanted = _CONTAINERS[found]
        if found == "mp4" and suffix == ".webm":
            name, wanted = "MP4", "mp4"
        article = "a" if name == "WebM" else "an"
        raise AudioProbeError(
            f"this is {article} {name} file with a {suffix} name; rename it to .{wanted}"
        )


def _probe_mp3(handle: IO[bytes], path: Path, stat: os.stat_result, mime: str) -> AudioFacts:
    from mutagen.mp3 import BitrateMode, MPEGInfo

    # The stream info alone: decoding the ID3 tag (mutagen decodes ID3v2.3's
    # UTF-16 text a character at a time) would cost more than all the rest.
    info = MPEGInfo(handle)
    if info.layer != 3:
        raise AudioProbeError(f"this is MPEG layer {info.layer} audio, not MP3 (layer 3)")
    if not info.length or info.length <= 0:
        raise AudioProbeError("no MPEG audio frames found")
    kind, declared = _vbr_header(handle, info.frame_offset)
    if declared is not None:
        available = stat.st_size - info.frame_offset - _trailing_tag_bytes(handle, stat.st_size)
        if declared - available > TRUNCATION_SLACK:
            raise AudioProbeError(
                f"the file is truncated: its header declares {declared:,} bytes of audio, "
                f"the file holds {max(available, 0):,}"
            )
    return AudioFacts(
        path=path,
        size=stat.st_size,
        mtime_ns=stat.st_mtime_ns,
        format="mp3",
        mime=mime,
        duration_ms=round(info.length * 1000),
        bitrate=int(info.bitrate or 0),
        sample_rate=int(info.sample_rate or 0),
        channels=int(info.channels or 0),
        is_vbr=info.bitrate_mode in (BitrateMode.VBR, BitrateMode.ABR)
        or (info.bitrate_mode == BitrateMode.UNKNOWN and kind in ("Xing", "VBRI")),
        art_bytes=_largest_picture(handle),
    )


def _largest_picture(handle: IO[bytes]) -> int:
    """Bytes of the largest APIC/PIC frame in the leading ID3v2 tag, from frame headers only."""
    end = id3v2_size(handle)
    handle.seek(0)
    header = handle.read(10)
    if end == 0:
        return 0
    version, flags = header[3], header[5]
    position = 10
    if flags & 0x40 and version in (3, 4):  # an extended header comes first
        handle.seek(10)
        raw = handle.read(4)
        size = syncsafe(raw) if version == 4 else int.from_bytes(raw, "big") + 4
        position += size
    head_size, id_size = (6, 3) if version == 2 else (10, 4)
    largest = 0
    while position + head_size <= end:
        handle.seek(position)
        frame = handle.read(head_size)
        frame_id, raw_size = frame[:id_size], frame[id_size : id_size + (3 if version == 2 else 4)]
        if not frame_id.strip(b"\0") or not frame_id.isalnum():
            break  # padding, or not a frame
        size = syncsafe(raw_size) if version == 4 else int.from_bytes(raw_size, "big")
        if frame_id in (b"APIC", b"PIC"):
            largest = max(largest, size)
        position += head_size + size
    return largest


def syncsafe(raw: bytes) -> int:
    """An ID3v2 "syncsafe" integer: 7 bits a byte (tag sizes, and v2.4 frame sizes)."""
    value = 0
    for byte in raw:
        value = (value << 7) | (byte & 0x7F)
    return value


# Video codecs Apple's and most players decode in MP4; a 'jpeg' track is chapter art.
MP4_VIDEO_CODECS = ("avc1", "avc3", "hvc1", "hev1", "mp4v", "av01", "vp09")
_PICTURE_TRACKS = ("jpeg", "png ", "mjpa")


def _probe_mp4(handle: IO[bytes], path: Path, stat: os.stat_result, suffix: str) -> AudioFacts:
    from mutagen.mp4 import MP4, MP4NoTrackError

    audio: Any = None
    info: Any = None
    no_track: MP4NoTrackError | None = None
    try:
        audio = MP4(handle)
        info = audio.info
    except MP4NoTrackError as exc:  # a video without sound: allowed, if unusual
        no_track = exc
    movie_seconds = channels = None
    video: tuple[str, int, int] | None = None
    for name, offset, size in list(_boxes.boxes(handle, 0, stat.st_size)):
        if offset + size > stat.st_size:
            raise AudioProbeError(
                f"the file is truncated: its '{name}' box needs {offset + size:,} bytes, "
                f"the file has {stat.st_size:,}"
            )
        if name == "moov":
            movie_seconds = _boxes.movie_seconds(handle, offset, size)
            channels = _boxes.aac_lc_channels(handle, offset, size)
            if suffix in VIDEO_TYPES:
                video = _boxes.video_track(handle, offset, size)
    if video is not None and video[0] in _PICTURE_TRACKS:
        video = None
    if suffix == ".m4v" and video is None:
        raise AudioProbeError("the M4V file has no video track; if it is audio, rename it to .m4a")
    if no_track is not None and video is None:
        raise no_track
    # The movie header's duration is what players show: the track's own (mdhd)
    # also counts the encoder's priming samples that the edit list skips.
    length = movie_seconds or (info.length if info is not None else 0)
    if not length or length <= 0:
        what = "video" if video else "audio"
        raise AudioProbeError(f"the MP4 file has no {what} track with a duration")
    codec = str(getattr(info, "codec", "") or "")
    if codec and not codec.startswith("mp4a"):
        raise AudioProbeError(f"the MP4 file holds '{codec}' audio; podcast apps need AAC")
    if video is not None and video[0] not in MP4_VIDEO_CODECS:
        raise AudioProbeError(
            f"the MP4 file holds '{video[0]}' video; podcast apps play H.264 (avc1) or HEVC"
        )
    tags = audio.tags if audio is not None else None
    covers = tags.get("covr", []) if tags is not None else []
    fmt, mime = VIDEO_TYPES[suffix] if video is not None else AUDIO_TYPES[suffix]
    if video is None:
        fmt = "m4a"
    return AudioFacts(
        path=path,
        size=stat.st_size,
        mtime_ns=stat.st_mtime_ns,
        format=fmt,
        mime=mime,
        duration_ms=round(length * 1000),
        bitrate=round(stat.st_size * 8 / length) if video else int(info.bitrate or 0),
        sample_rate=int(info.sample_rate or 0) if info is not None else 0,
        channels=(channels or int(info.channels or 0)) if info is not None else 0,
        art_bytes=max((len(c) for c in covers), default=0),
        width=video[1] if video else 0,
        height=video[2] if video else 0,
    )


def _probe_webm(handle: IO[bytes], path: Path, stat: os.stat_result) -> AudioFacts:
    facts = read_webm(handle, stat.st_size)
    return AudioFacts(
        path=path,
        size=stat.st_size,
        mtime_ns=stat.st_mtime_ns,
        format="webm",
        mime="video/webm",
        duration_ms=round(facts.duration_seconds * 1000),
        bitrate=round(stat.st_size * 8 / facts.duration_seconds),
        sample_rate=facts.sample_rate,
        channels=facts.channels,
        width=facts.width,
        height=facts.height,
    )


def _vbr_header(handle: IO[bytes], frame_offset: int) -> tuple[str, int | None]:
    """The first frame's header kind ("Xing", "Info", "VBRI" or "") and the stream
    byte count it declares, if any. "Xing" means VBR and "Info" CBR, by LAME's convention."""
    handle.seek(frame_offset)
    data = handle.read(4 + 32 + 18)
    if len(data) < 40:
        return "", None
    header = struct.unpack(">I", data[:4])[0]
    is_mpeg1 = (header >> 19) & 3 == 3
    is_mono = (header >> 6) & 3 == 3
    side_info = (17 if is_mono else 32) if is_mpeg1 else (9 if is_mono else 17)
    xing = data[4 + side_info :]
    if xing[:4] in (b"Xing", b"Info") and len(xing) >= 16:
        flags = struct.unpack(">I", xing[4:8])[0]
        if not flags & 2:
            return xing[:4].decode(), None
        at = 12 if flags & 1 else 8
        return xing[:4].decode(), int(struct.unpack(">I", xing[at : at + 4])[0])
    vbri = data[36:]
    if vbri[:4] == b"VBRI" and len(vbri) >= 14:
        return "VBRI", int(struct.unpack(">I", vbri[10:14])[0])
    return "", None


def _trailing_tag_bytes(handle: IO[bytes], size: int) -> int:
    """Bytes of ID3v1 and APEv2 tags at the end of an MP3 (not audio)."""
    trailing = 0
    if size >= 128:
        handle.seek(size - 128)
        if handle.read(3) == b"TAG":
            trailing = 128
    if size - trailing >= 32:
        handle.seek(size - trailing - 32)
        footer = handle.read(32)
        if footer[:8] == b"APETAGEX":
            tag_size, _count, flags = struct.unpack("<III", footer[12:24])
            trailing += tag_size + (32 if flags & (1 << 31) else 0)
    return trailing


def payload_digest(path: Path, fmt: str) -> str:
    """SHA-256 of every byte that is not a tag: the audio must never change when tagging.

    MP3: everything after the leading ID3v2 tag and before an ID3v1 tag. M4A:
    the media data ('mdat') and where the sample tables point into it, since
    rewriting the metadata may move the media but never change it.
    """
    digest = hashlib.sha256()
    size = os.stat(path).st_size
    with path.open("rb") as handle:
        if fmt == "mp3":
            start = id3v2_size(handle)
            handle.seek(max(size - 128, 0))
            end = size - 128 if size - start >= 128 and handle.read(3) == b"TAG" else size
            _hash_range(handle, start, end, digest)
        else:
            media_start = None
            for name, offset, box_size in _boxes.boxes(handle, 0, size):
                if name == "mdat":
                    media_start = offset if media_start is None else media_start
                    _hash_range(handle, offset + 8, offset + box_size, digest)
            for table_offset in _boxes.chunk_offsets(handle, size):
                digest.update(str(table_offset - (media_start or 0)).encode() + b",")
    return digest.hexdigest()


def id3v2_size(handle: IO[bytes]) -> int:
    """Size of the ID3v2 tag at the start of the file (header, frames, padding, footer)."""
    handle.seek(0)
    header = handle.read(10)
    if len(header) < 10 or header[:3] != b"ID3":
        return 0
    return 10 + syncsafe(header[6:10]) + (10 if header[5] & 0x10 else 0)


def _hash_range(handle: IO[bytes], start: int, end: int, digest: Any) -> None:
    handle.seek(start)
    remaining = end - start
    while remaining > 0:
        chunk = handle.read(min(_CHUNK, remaining))
        if not chunk:
            break
        digest.update(chunk)
        remaining -= len(chunk)


def audio_problems(episode: Episode) -> list[Diagnostic]:
    """Warnings about how an episode's audio (and video) is encoded or tagged (never errors)."""
    problems = _file_problems(episode, episode.audio)
    if episode.other_media is not None:
        problems += _file_problems(episode, episode.other_media.facts)
    return problems


def _file_problems(episode: Episode, facts: AudioFacts) -> list[Diagnostic]:
    if facts.path is None:
        return []
    line, column = episode.positions.get("video" if facts.is_video else "audio", (0, 0))
    name = facts.path.name
    found: list[tuple[str, str, str]] = []
    if facts.sample_rate and facts.sample_rate not in COMMON_SAMPLE_RATES:
        found.append(
            (
                "W181",
                f"'{name}' is sampled at {facts.sample_rate:,} Hz",
                "export at 44,100 or 48,000 Hz: some players resample badly or refuse other rates",
            )
        )
    if facts.bitrate > MAX_BITRATE and not facts.is_video:
        found.append(
            (
                "W182",
                f"'{name}' has {facts.bitrate // 1000} kbit/s",
                "speech needs far less: 64-128 kbit/s MP3 keeps downloads small",
            )
        )
    if facts.art_bytes > LARGE_EMBEDDED_ART:
        found.append(
            (
                "W183",
                f"'{name}' carries {facts.art_bytes // 1000} KB of embedded artwork",
                "Apple's players mishandle very large tags; keep embedded art under 500 KB",
            )
        )
    if facts.format in ("m4a", "mp4") and episode.chapters:
        found.append(
            (
                "W184",
                f"'{name}' is {facts.format.upper()}: `gaepod tag` cannot write its chapters "
                "into the file",
                "the chapters still reach apps through the feed; use MP3 to embed them",
            )
        )
    return [
        Diagnostic(episode.source, line, column, code, message, hint, Severity.WARNING)
        for code, message, hint in found
    ]


def _describe(exc: Exception) -> str:
    text = str(exc).strip()
    name = type(exc).__name__
    return f"{text} ({name})" if text else name
