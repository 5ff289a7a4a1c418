"""An episode's `alternate_enclosures:` -> AlternateEnclosure values (podcast:alternateEnclosure):
other bitrates or formats of its media, each a local file (type, size and bitrate read
from it, its SRI sha384 worked out from its bytes, published beside the audio) or a
file hosted elsewhere, with further podcast:source URIs (IPFS, a torrent, a mirror).

The hash is read once per file version: the check cache keeps the episode (and so its
integrity values) until the episode file or one of these files changes."""

from __future__ import annotations

import base64
import hashlib
import re
from pathlib import Path, PurePosixPath

from ..model import AlternateEnclosure
from ..paths import PathError, public_relpath, resolve_inside, url_join
from .delivery import with_prefix
from .fields import FieldReader
from .load import Mapping, Node
from .probe import AudioProbeError, probe
from .vocab import AUDIO_TYPES

ALTERNATE_FIELDS = (
    "file", "url", "length", "type", "bitrate", "title", "default", "sources", "lang", "rel",
    "codecs",
)  # fmt: skip
SHORT_LABEL = 32  # characters the namespace asks of title and rel, for apps' menus
_URI = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:\S+")
_MIME = re.compile(r"[a-z]+/[A-Za-z0-9.+-]+")


def read_alternates(
    reader: FieldReader,
    node: Node | None,
    base_dir: Path,
    root: Path,
    media_base_url: str,
    analytics_prefix: str | None,
) -> list[AlternateEnclosure]:
    alternates = []
    defaults: list[Node] = []
    for item in reader.sequence(node, "alternate_enclosures"):
        entry = reader.mapping(item, "alternate_enclosures entry")
        if entry is None:
            continue
        reader.check_keys(entry, ALTERNATE_FIELDS, "alternate enclosure")
        found = _read_one(reader, entry, base_dir, root, media_base_url, analytics_prefix)
        if found is not None:
            alternates.append(found)
            if found.is_default:
                defaults.append(entry)
    if len(defaults) > 1:
        reader.error(
            defaults[1],
            "E733",
            "two alternate enclosures say `default: true`",
            "only one rendition can be the one apps prefer",
        )
    return alternates


def _read_one(
    reader: FieldReader,
    entry: Mapping,
    base_dir: Path,
    root: Path,
    media_base_url: str,
    analytics_prefix: str | None,
) -> AlternateEnclosure | None:
    file_node, url_node = entry.get("file"), entry.get("url")
    if (file_node is None) == (url_node is None):
        reader.error(
            entry,
            "E730",
            "an alternate enclosure needs either 'file' (in the show) or 'url'",
            "write `file: audio/001-low.mp3`, or `url:` with `length:` and `type:`",
        )
        return None
    title = _short(reader, entry.get("title"), "alternate enclosure title")
    rel = _short(reader, entry.get("rel"), "alternate enclosure rel")
    lang = reader.text(entry.get("lang"), "alternate enclosure lang")
    codecs = reader.text(entry.get("codecs"), "alternate enclosure codecs")
    is_default = bool(reader.boolean(entry.get("default"), "alternate enclosure default"))
    bitrate = reader.integer(entry.get("bitrate"), "alternate enclosure bitrate", minimum=1)
    extra = _read_sources(reader, entry.get("sources"))
    if file_node is not None:
        local = _local(reader, file_node, base_dir, root)
        if local is None:
            return None
        path, mime, size, probed_bitrate = local
        relpath = public_relpath(path, root)
        inside_audio = PurePosixPath(relpath).parts[0] == "audio"
        media_url = url_join(media_base_url, relpath.split("/", 1)[1] if inside_audio else relpath)
        return AlternateEnclosure(
            mime=mime,
            length=size,
            sources=(with_prefix(analytics_prefix, media_url), *extra),
            bitrate=bitrate or probed_bitrate,
            title=title,
            lang=lang,
            rel=rel,
            codecs=codecs,
            is_default=is_default,
            integrity=("sri", sri_sha384(path)),
            path=path,
            media_url=media_url,
        )
    url = reader.url(url_node, "alternate enclosure url")
    length_node, type_node = entry.get("length"), entry.get("type")
    if length_node is None or type_node is None:
        missing = "length" if length_node is None else "type"
        reader.error(
            url_node,
            "E731",
            f"an alternate enclosure hosted elsewhere needs its '{missing}'",
            "add `length:` (bytes) and `type:` (e.g. audio/mpeg)",
        )
    length = reader.integer(length_node, "alternate enclosure length", minimum=1)
    kind = reader.text(type_node, "alternate enclosure type")
    if kind is not None and not _MIME.fullmatch(kind):
        reader.error(
            type_node,
            "E732",
            f"'{kind}' is not a MIME type",
            "write it as audio/mpeg, audio/opus, video/mp4, ...",
        )
        return None
    if url is None or length is None or kind is None:
        return None
    return AlternateEnclosure(
        mime=kind,
        length=length,
        sources=(url, *extra),
        bitrate=bitrate or 0,
        title=title,
        lang=lang,
        rel=rel,
        codecs=codecs,
        is_default=is_default,
    )


def _local(
    reader: FieldReader, node: Node, base_dir: Path, root: Path
) -> tuple[Path, str, int, int] | None:
    written = reader.text(node, "alternate enclosure file")
    if written is None:
        return None
    try:
        path = resolve_inside(base_dir, written, root)
    except PathError as exc:
        reader.error(node, "E734", f"'file': {exc}: '{written}'", "keep it in the show's audio/")
        return None
    if not path.is_file():
        reader.error(
            node,
            "E734",
            f"alternate enclosure file not found: '{written}'",
            "check the file name; the path is relative to this YAML file",
        )
        return None
    try:
        facts = probe(path)
    except AudioProbeError as exc:
        kinds = ", ".join(sorted(AUDIO_TYPES))
        reader.error(
            node,
            "E735",
            f"'{written}': {exc}",
            f"a local rendition must be a file gaepod can read ({kinds}); a file of another "
            "kind can be listed with `url:`, `length:` and `type:`",
        )
        return None
    return path, facts.mime, facts.size, facts.bitrate


def _read_sources(reader: FieldReader, node: Node | None) -> list[str]:
    sources = []
    for value, item in reader.text_list(node, "sources"):
        if not _URI.fullmatch(value):
            reader.error(
                item,
                "E736",
                f"'{value}' is not a URI",
                "write the full address with its scheme: https://..., ipfs://..., magnet:?...",
            )
            continue
        sources.append(value)
    return sources


def _short(reader: FieldReader, node: Node | None, field: str) -> str | None:
    value = reader.text(node, field)
    if value is not None and len(value) > SHORT_LABEL:
        reader.warn(
            node,
            "W737",
            f"'{field}' is {len(value)} characters long",
            f"apps show about {SHORT_LABEL} in their menus: shorten it",
        )
    return value


def sri_sha384(path: Path) -> str:
    """The file's Subresource Integrity value: sha384- and the base64 of its SHA-384."""
    digest = hashlib.sha384()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return "sha384-" + base64.b64encode(digest.digest()).decode()
