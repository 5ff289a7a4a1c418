"""Read-only checks of cover art: real format and pixel size from the image header."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .vocab import IMAGE_TYPES


class ImageProbeError(Exception):
    """The file is not an image gaepod can read."""


@dataclass(frozen=True)
class ImageFacts:
    format: str  # "JPEG" | "PNG" | other Pillow format names
    mime: str
    width: int
    height: int
    mode: str  # Pillow colour mode, e.g. "RGB", "CMYK"
    size: int  # bytes


def probe_image(path: Path) -> ImageFacts:
    """Open only the header (Pillow decodes lazily) and report what it says."""
    from PIL import Image, UnidentifiedImageError

    try:
        size = path.stat().st_size
        with Image.open(path) as image:
            fmt = image.format or "unknown"
            return ImageFacts(
                fmt, IMAGE_TYPES.get(fmt, ""), image.width, image.height, image.mode, size
            )
    except UnidentifiedImageError as exc:
        raise ImageProbeError("not an image Pillow can read") from exc
    except (OSError, ValueError, SyntaxError) as exc:
        raise ImageProbeError(f"cannot read the image: {exc}") from exc
