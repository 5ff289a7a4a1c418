"""podcast.yaml's `trailers:` -> Trailer values (podcast:trailer): a local file, probed
like an episode's audio and published with it, or a file hosted elsewhere."""

from __future__ import annotations

from datetime import tzinfo
from pathlib import Path, PurePosixPath

from ..model import Trailer
from ..paths import PathError, public_relpath, resolve_inside, url_join
from .fields import FieldReader
from .load import Node
from .podcast20 import NAME_LIMIT
from .probe import AudioProbeError, probe
from .vocab import AUDIO_TYPES

TRAILER_FIELDS = ("title", "date", "audio", "url", "length", "type", "season")


def read_trailers(
    reader: FieldReader,
    node: Node | None,
    root: Path,
    media_base_url: str | None,
    zone: tzinfo | None,
    zone_name: str | None,
) -> list[Trailer]:
    trailers = []
    for item in reader.sequence(node, "trailers"):
        entry = reader.mapping(item, "trailers entry")
        if entry is None:
            continue
        reader.check_keys(entry, TRAILER_FIELDS, "trailer")
        title = reader.text(
            reader.require(entry, "title", "trailer", "title: Season 2 starts in May"),
            "trailer title",
            max_length=NAME_LIMIT,
        )
        date = reader.datetime(
            reader.require(entry, "date", "trailer", "date: 2025-04-01T08:00"),
            "trailer date",
            zone,
            zone_name,
        )
        season = reader.integer(entry.get("season"), "trailer season", minimum=1)
        audio_node, url_node = entry.get("audio"), entry.get("url")
        if (audio_node is None) == (url_node is None):
            reader.error(
                entry,
                "E724",
                "a trailer needs either 'audio' (a file in the show) or 'url'",
                "write `audio: audio/trailer.mp3`, or `url:` with `length:` and `type:` for a "
                "file hosted elsewhere",
            )
            continue
        found: tuple[str, int, str, Path | None] | None
        if audio_node is not None:
            found = _local_file(reader, audio_node, root, media_base_url)
        else:
            found = _remote_file(reader, entry.get("url"), entry.get("length"), entry.get("type"))
        if found is None or title is None or date is None:
            continue
        url, length, mime, source = found
        trailers.append(Trailer(title, url, date, length, mime, season, source))
    return trailers


def _local_file(
    reader: FieldReader, node: Node, root: Path, media_base_url: str | None
) -> tuple[str, int, str, Path] | None:
    written = reader.text(node, "trailer audio")
    if written is None:
        return None
    try:
        path = resolve_inside(root, written, root)
    except PathError as exc:
        reader.error(node, "E725", f"'trailer audio': {exc}: '{written}'", "keep it in audio/")
        return None
    if not path.is_file():
        reader.error(
            node,
            "E725",
            f"trailer file not found: '{written}'",
            "check the file name; the path is relative to podcast.yaml",
        )
        return None
    try:
        facts = probe(path)
    except AudioProbeError as exc:
        reader.error(node, "E725", f"'{written}': {exc}", "export the trailer as MP3 or M4A")
        return None
    relpath = public_relpath(path, root)
    inside_audio = PurePosixPath(relpath).parts[0] == "audio"
    url = url_join(media_base_url or "", relpath.split("/", 1)[1] if inside_audio else relpath)
    return url, facts.size, facts.mime, path


def _remote_file(
    reader: FieldReader, url_node: Node | None, length_node: Node | None, type_node: Node | None
) -> tuple[str, int, str, None] | None:
    url = reader.url(url_node, "trailer url")
    if length_node is None:
        reader.error(
            url_node,
            "E726",
            "a trailer hosted elsewhere needs its 'length'",
            "add `length:` with the file's size in bytes",
        )
    length = reader.integer(length_node, "trailer length", minimum=1)
    mime = reader.text(type_node, "trailer type")
    if url is None or length is None:
        return None
    if mime is None:
        known = AUDIO_TYPES.get(PurePosixPath(url.split("?", 1)[0]).suffix.lower())
        if known is None:
            reader.error(
                url_node,
                "E726",
                f"cannot tell the trailer's type from '{url}'",
                "add `type: audio/mpeg` (or the file's MIME type)",
            )
            return None
        mime = known[1]
    return url, length, mime, None
