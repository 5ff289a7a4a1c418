"""Guest photos for the pages: each local photo cut to a square and resized with
Pillow to the sizes the pages show it at (and twice those, for sharp screens), as
JPEG without the original's metadata. Each size is a page of the site with a key
made of the source's stamp, so a build resizes a photo only when it changed.

Pure, except `resized`, which reads the source when the page is rendered.
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from ..model import Artwork

# Shown at: 64 px beside the guest on an episode page and in the guest list, 240 px on
# the guest's page. Each has its 2x file.
SMALL, LARGE = 64, 240
SIZES = (SMALL, 2 * SMALL, LARGE, 2 * LARGE)
QUALITY = 82
PHOTO_VERSION = 1  # part of each file's key: a change here resizes every photo again


@dataclass(frozen=True)
class PhotoSet:
    """One guest photo as the pages use it: sources relative to the site's root (or
    the photo's own URL when it is not a file in the show)."""

    small: str  # src at SMALL px
    small_2x: str
    large: str
    large_2x: str
    url: str  # absolute: the original, for the feed and Open Graph
    art: Artwork  # the photo as the episode file names it

    @property
    def is_local(self) -> bool:
        return self.art.source is not None


def photo_file(slug: str, art: Artwork, size: int) -> str:
    """Where one size of a local photo is published: guests/<slug>/photo-<id>-<size>.jpg
    (the id tells two photos of one guest apart, and changes when the source moves)."""
    tag = hashlib.blake2b((art.public_path or art.url).encode(), digest_size=4).hexdigest()
    return f"guests/{slug}/photo-{tag}-{size}.jpg"


def photo_set(slug: str, art: Artwork) -> PhotoSet:
    if art.source is None or art.public_path is None:
        return PhotoSet(art.url, art.url, art.url, art.url, art.url, art)
    small, small_2x, large, large_2x = (quote(photo_file(slug, art, s)) for s in SIZES)
    return PhotoSet(small, small_2x, large, large_2x, art.url, art)


def resized(source: Path, size: int) -> bytes:
    """The photo cut to its centred square and scaled to `size` px (never enlarged),
    upright (EXIF orientation applied), as a JPEG without metadata."""
    from PIL import Image, ImageOps

    with Image.open(source) as opened:
        image = ImageOps.exif_transpose(opened)
        side = min(image.width, image.height)
        left, top = (image.width - side) // 2, (image.height - side) // 2
        image = image.crop((left, top, left + side, top + side))
        if image.mode in ("RGBA", "LA", "P"):
            image = image.convert("RGBA")
            flat = Image.new("RGB", image.size, (255, 255, 255))
            flat.paste(image, mask=image.getchannel("A"))
            image = flat
        elif image.mode != "RGB":
            image = image.convert("RGB")
        if side > size:
            image = image.resize((size, size), Image.Resampling.LANCZOS)
        buffer = io.BytesIO()
        image.save(buffer, "JPEG", quality=QUALITY, optimize=True, progressive=True)
    return buffer.getvalue()
