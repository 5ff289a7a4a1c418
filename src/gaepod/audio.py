"""Read-only probing of audio files with mutagen: the one reader every stage uses.

Reads headers only (never the whole stream), so a 100 MB episode costs the
same as a 30 KB one. Never writes.
"""

from __future__ import annotations

import os
from pathlib import Path

from .model import AudioFacts
from .vocab import AUDIO_TYPES


class AudioProbeError(Exception):
    """The file is not audio gaepod can read; the message names the reason."""


def probe(path: Path) -> AudioFacts:
    """Return the facts of one audio file or raise AudioProbeError."""
    kind = AUDIO_TYPES.get(path.suffix.lower())
    if kind is None:
        raise AudioProbeError(
            f"unsupported audio type '{path.suffix or '(none)'}'; gaepod publishes MP3 and M4A"
        )
    try:
        stat = os.stat(path)
    except OSError as exc:
        raise AudioProbeError(f"cannot read the audio file: {exc.strerror}") from exc
    if stat.st_size == 0:
        raise AudioProbeError("the audio file is empty (0 bytes)")
    fmt, mime = kind
    try:
        if fmt == "mp3":
            return _probe_mp3(path, stat, mime)
        return _probe_mp4(path, stat, mime)
    except AudioProbeError:
        raise
    except Exception as exc:  # mutagen raises many unrelated types on corrupt input
        raise AudioProbeError(f"cannot read the audio: {_describe(exc)}") from exc


def _probe_mp3(path: Path, stat: os.stat_result, mime: str) -> AudioFacts:
    from mutagen.mp3 import MP3, BitrateMode

    audio = MP3(path)
    info = audio.info
    if not info.length or info.length <= 0:
        raise AudioProbeError("no MPEG audio frames found")
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
        is_vbr=info.bitrate_mode in (BitrateMode.VBR, BitrateMode.ABR),
    )


def _probe_mp4(path: Path, stat: os.stat_result, mime: str) -> AudioFacts:
    from mutagen.mp4 import MP4

    audio = MP4(path)
    info = audio.info
    if not info.length or info.length <= 0:
        raise AudioProbeError("the MP4 file has no audio track with a duration")
    return AudioFacts(
        path=path,
        size=stat.st_size,
        mtime_ns=stat.st_mtime_ns,
        format="m4a",
        mime=mime,
        duration_ms=round(info.length * 1000),
        bitrate=int(info.bitrate or 0),
        sample_rate=int(info.sample_rate or 0),
        channels=int(info.channels or 0),
    )


def _describe(exc: Exception) -> str:
    text = str(exc).strip()
    name = type(exc).__name__
    return f"{text} ({name})" if text else name
