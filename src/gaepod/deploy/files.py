"""The files a deploy ships: what the build published, each with its kind, content hash,
Content-Type and Cache-Control, in the order they go up.

Only files gaepod published into the output folder (publish.manifest) are
deployed: never a file the host left there by hand, nor a temp file. Hashes are
remembered with the file's stamp, so that a deploy with nothing changed reads no
audio. Nothing here contacts a target.
"""

from __future__ import annotations

import enum
import hashlib
import os
import stat
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from ..fsio import output_name
from ..state import Stamp, stamp_of


class Kind(enum.Enum):
    """What a file is to listeners, in upload order: a feed goes up last, once every
    file it points to (and every page that links to it) is in place."""

    AUDIO = "audio"
    ASSET = "asset"  # artwork, chapters, transcripts, the site's CSS and scripts
    PAGE = "page"  # HTML, the sitemap, robots.txt, the search index
    FEED = "feed"

    @property
    def phase(self) -> int:
        return {"audio": 0, "asset": 0, "page": 1, "feed": 2}[self.value]


# Long for what is published once under its own name (audio, artwork), a day for the
# site's own assets (style.css keeps its name when gaepod changes it), short for what
# changes with every episode (feeds, pages): apps and browsers see a new episode in
# minutes. Audio is not marked immutable: re-tagging changes its bytes at the same URL.
LONG_CACHE = "public, max-age=31536000"
DAY_CACHE = "public, max-age=86400"
SHORT_CACHE = "public, max-age=300"

_UTF8 = "; charset=utf-8"
MEDIA_TYPES = {
    ".mp3": "audio/mpeg",
    ".m4a": "audio/mp4",
    ".m4b": "audio/mp4",
    ".aac": "audio/aac",
    ".mp4": "video/mp4",
    ".m4v": "video/x-m4v",
    ".mov": "video/quicktime",
    ".webm": "video/webm",
    ".ogg": "audio/ogg",
    ".oga": "audio/ogg",
    ".opus": "audio/ogg",
    ".flac": "audio/flac",
    ".wav": "audio/wav",
}
OTHER_TYPES = {
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
    ".webp": "image/webp",
    ".gif": "image/gif",
    ".avif": "image/avif",
    ".svg": "image/svg+xml",
    ".ico": "image/x-icon",
    ".html": "text/html" + _UTF8,
    ".htm": "text/html" + _UTF8,
    ".css": "text/css" + _UTF8,
    ".js": "text/javascript" + _UTF8,
    ".mjs": "text/javascript" + _UTF8,
    ".json": "application/json",
    ".xml": "application/xml" + _UTF8,
    ".vtt": "text/vtt" + _UTF8,
    ".srt": "application/x-subrip",
    ".txt": "text/plain" + _UTF8,
    ".pdf": "application/pdf",
    ".woff2": "font/woff2",
    ".woff": "font/woff",
    ".webmanifest": "application/manifest+json",
    ".conf": "text/plain" + _UTF8,  # the redirect map for nginx
}
NAMED_TYPES = {"_redirects": "text/plain" + _UTF8, "_headers": "text/plain" + _UTF8}
FEED_TYPE = "application/rss+xml" + _UTF8
_IMAGES = {".jpg", ".jpeg", ".png", ".webp", ".gif", ".avif", ".svg", ".ico"}
_SITE_ASSETS = {".css", ".js", ".mjs", ".woff", ".woff2"}


@dataclass(frozen=True)
class LocalFile:
    relpath: str  # inside the output folder and on the target, '/'-separated
    name: str  # the file in the output folder (a plain string: a Path each costs)
    size: int
    sha256: str
    kind: Kind
    content_type: str
    cache_control: str

    @property
    def path(self) -> Path:
        return Path(self.name)


def _suffix(relpath: str) -> str:
    return os.path.splitext(relpath)[1].lower()


def content_type(relpath: str, kind: Kind) -> str:
    if kind is Kind.FEED:
        return FEED_TYPE
    suffix = _suffix(relpath)
    return (
        MEDIA_TYPES.get(suffix)
        or OTHER_TYPES.get(suffix)
        or NAMED_TYPES.get(relpath.rpartition("/")[2])
        or "application/octet-stream"
    )


def cache_control(relpath: str, kind: Kind) -> str:
    suffix = _suffix(relpath)
    if kind is Kind.AUDIO or suffix in _IMAGES:
        return LONG_CACHE
    if kind is Kind.ASSET:
        return DAY_CACHE
    return SHORT_CACHE


def kind_of(relpath: str, stage: str, name: str) -> Kind:
    """`stage`: the build stage that published the file (publish.manifest); `name`: the
    file itself."""
    suffix = _suffix(relpath)
    if suffix in MEDIA_TYPES:
        return Kind.AUDIO
    if suffix == ".xml" and _is_rss(name):
        return Kind.FEED
    if suffix in _IMAGES or suffix in _SITE_ASSETS or stage != "site":
        return Kind.ASSET  # what the feed points to: chapters, transcripts
    return Kind.PAGE


def _is_rss(name: str) -> bool:
    """A feed (feed.xml, es/feed.xml, a private feed...), told from the sitemap by its
    root element."""
    try:
        with open(name, "rb") as handle:
            head = handle.read(1024)
    except OSError:
        return False
    return b"<rss" in head


HashCache = dict[str, tuple[Stamp, str]]  # relpath -> (stamp, sha256) as last hashed


def local_files(out: Path, published: Mapping[str, str], hashes: HashCache) -> list[LocalFile]:
    """Every file of `published` (relpath -> stage) present in `out` as a regular file,
    in upload order. `hashes` gives the digests of files whose stamp has not changed
    since, and receives the new ones. A file gone from `out` or reached through a link
    is left out (a deploy never reads through a link in the output folder)."""
    files = []
    root = str(out)
    links: dict[str, bool] = {}  # folder relpath -> whether a link is on its way
    for relpath in sorted(published):
        name = output_name(root, relpath)
        try:
            st = os.lstat(name)
        except OSError:
            continue
        if not stat.S_ISREG(st.st_mode) or _through_link(root, relpath, links):
            continue
        now = stamp_of(st)
        known = hashes.get(relpath)
        digest = known[1] if known is not None and known[0] == now else _sha256(name)
        hashes[relpath] = (now, digest)
        kind = kind_of(relpath, published[relpath], name)
        files.append(
            LocalFile(
                relpath,
                name,
                st.st_size,
                digest,
                kind,
                content_type(relpath, kind),
                cache_control(relpath, kind),
            )
        )
    files.sort(key=lambda f: (f.kind.phase, f.relpath))
    return files


def _through_link(root: str, relpath: str, known: dict[str, bool]) -> bool:
    folder = relpath.rpartition("/")[0]
    if not folder:
        return False
    if folder not in known:
        is_link = os.path.islink(os.path.join(root, folder))
        known[folder] = is_link or _through_link(root, folder, known)
    return known[folder]


def _sha256(name: str) -> str:
    digest = hashlib.sha256()
    with open(name, "rb") as handle:
        while chunk := handle.read(1024 * 1024):
            digest.update(chunk)
    return digest.hexdigest()
