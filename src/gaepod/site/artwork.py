"""Cover art at the sizes the pages show it: podcast apps want 1400-3000 px artwork,
a page shows it 44-300 px wide, so each local cover and episode image is also
published resized (96, 192, 320 and 640 px, never enlarged), and the pages' <img>
tags name the copy that fits with a 2x one for sharp screens (srcset). The feed and
Open Graph keep the original. Each size is a page of the site keyed by the source's
stamp, so a build resizes an image only when its file changed.

Pure, except that rendering a size (photos.resized) reads the source.
"""

from __future__ import annotations

import hashlib
from pathlib import PurePosixPath
from urllib.parse import quote

from ..model import Artwork

ART_SIZES = (96, 192, 320, 640)
ART_VERSION = 1  # part of each file's key: a change here resizes every image again


def art_file(art: Artwork, size: int) -> str:
    """Where one size of a local image is published: art/sized/<stem>-<id>-<size>.jpg
    (the id, from the original's path, tells two images with one name apart)."""
    path = art.public_path or art.url
    tag = hashlib.blake2b(path.encode(), digest_size=4).hexdigest()
    return f"art/sized/{PurePosixPath(path).stem}-{tag}-{size}.jpg"


def art_sizes(art: Artwork) -> tuple[int, ...]:
    """The sizes made of a local image: those smaller than the original."""
    if art.source is None or art.public_path is None:
        return ()
    side = min(art.width, art.height)
    return tuple(size for size in ART_SIZES if size < side)


def sized_sources(art: Artwork) -> tuple[tuple[int, str], ...]:
    """(size, path in the site, percent-encoded) of each resized copy."""
    return tuple((size, quote(art_file(art, size), safe="/")) for size in art_sizes(art))
