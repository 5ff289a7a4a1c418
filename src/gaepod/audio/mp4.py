"""WantedTags -> iTunes MP4 atoms for M4A, and the comparison with the atoms a file has.

mutagen cannot write MP4 chapter tracks, so chapters stay in the feed only
(`check` says so). Atoms gaepod does not write (encoder, ReplayGain
freeform atoms, ...) are kept.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from mutagen.mp4 import MP4, MP4Cover

from .wanted import WantedTags


def load(path: Path) -> Any:
    """The file's mutagen MP4 object (its `.tags` is None when it has no metadata)."""
    return MP4(path)


def atoms(wanted: WantedTags, cover: bytes | None) -> dict[str, list[Any] | bool]:
    """Every atom to write; a value the episode lacks leaves the file's atom alone."""
    result: dict[str, list[Any] | bool] = {
        "\xa9nam": [wanted.title],
        "\xa9ART": [wanted.artist],
        "aART": [wanted.album_artist],
        "\xa9alb": [wanted.album],
        "\xa9day": [wanted.timestamp],
        "\xa9gen": [wanted.genre],
        "pcst": True,
        "purl": [wanted.feed_url],
        "egid": [wanted.guid],
    }
    if wanted.number is not None:
        result["trkn"] = [(wanted.number, 0)]
    if wanted.season is not None:
        result["disk"] = [(wanted.season, 0)]
    if wanted.description:
        result["desc"] = [wanted.description]
    if wanted.long_description:
        result["ldes"] = [wanted.long_description]
    if wanted.category:
        result["catg"] = [wanted.category]
    if wanted.keywords:
        result["keyw"] = [", ".join(wanted.keywords)]
    if cover is not None and wanted.cover is not None:
        kind = MP4Cover.FORMAT_PNG if wanted.cover.mime == "image/png" else MP4Cover.FORMAT_JPEG
        result["covr"] = [MP4Cover(cover, imageformat=kind)]
    return result


def changes(audio: Any, wanted: dict[str, list[Any] | bool]) -> list[str]:
    """Names of the atoms that differ; [] when the file already has exactly these."""
    present = audio.tags if audio.tags is not None else {}
    return [key for key, value in wanted.items() if _plain(present.get(key)) != _plain(value)]


def apply(audio: Any, wanted: dict[str, list[Any] | bool]) -> None:
    if audio.tags is None:
        audio.add_tags()
    for key, value in wanted.items():
        audio.tags[key] = value


def _plain(value: Any) -> Any:
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, MP4Cover):
        return (bytes(value), int(value.imageformat))
    if isinstance(value, tuple):
        return tuple(value)
    return value
