"""Validation of cover art fields (show and episode) against Apple's rules."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from ..model import Artwork
from ..paths import PathError, public_relpath, resolve_inside, url_join
from .fields import FieldReader
from .images import ImageFacts, ImageProbeError, probe_image
from .load import Node

MIN_SIDE = 1400
MAX_SIDE = 3000
LARGE_ART_BYTES = 512 * 1024


def read_artwork(
    reader: FieldReader,
    node: Node | None,
    field: str,
    base_dir: Path,
    root: Path,
    link: str,
    *,
    is_cover: bool = True,
) -> Artwork | None:
    """A local JPEG/PNG inside the show (checked from its header) or an absolute URL.
    A cover (`is_cover`) must also be square, 1400 to 3000 pixels, as Apple asks; other
    pictures (a chapter's) may have any size."""
    value = reader.text(node, field)
    if value is None:
        return None
    if "://" in value:
        url = reader.url(node, field)
        if url is None:
            return None
        if PurePosixPath(url.split("?")[0]).suffix.lower() not in (".jpg", ".jpeg", ".png"):
            reader.warn(
                node,
                "W120",
                f"'{field}' URL does not end in .jpg or .png",
                "Apple Podcasts expects a JPEG or PNG address ending in .jpg/.png",
            )
        return Artwork(url=url)
    found = _local_image(reader, node, field, value, base_dir, root, ARTWORK_RULES)
    if found is None:
        return None
    path, facts = found
    if is_cover and facts.width != facts.height:
        reader.error(
            node,
            "E124",
            f"'{field}' is {facts.width}×{facts.height} pixels, not square",
            "crop it to a square between 1400×1400 and 3000×3000",
        )
    elif is_cover and not MIN_SIDE <= facts.width <= MAX_SIDE:
        reader.error(
            node,
            "E125",
            f"'{field}' is {facts.width}×{facts.height} pixels",
            f"Apple requires {MIN_SIDE}×{MIN_SIDE} to {MAX_SIDE}×{MAX_SIDE}; "
            "resize it (3000×3000 is best)",
        )
    if facts.mode not in ("RGB", "L", "RGBA", "P"):
        reader.warn(
            node,
            "W126",
            f"'{field}' uses the {facts.mode} colour space",
            "Apple requires RGB: convert the image to RGB",
        )
    if facts.size > LARGE_ART_BYTES:
        reader.warn(
            node,
            "W127",
            f"'{field}' is {facts.size // 1024} KiB",
            "keep artwork under 512 KiB: apps load it on every device, and "
            "large embedded art breaks some players",
        )
    relpath = public_relpath(path, root)
    return Artwork(
        url=url_join(link, relpath),
        source=path,
        public_path=relpath,
        width=facts.width,
        height=facts.height,
        mime=facts.mime,
    )


PHOTO_MIN_SIDE = 240  # the guest page shows it 240 px wide; smaller looks blurred there


def read_photo(
    reader: FieldReader, node: Node | None, field: str, base_dir: Path, root: Path, link: str
) -> Artwork | None:
    """A guest's photo: a JPEG/PNG in the show (the site resizes it for its pages) or an
    image URL (the feed's `podcast:person img`, shown as it is)."""
    value = reader.text(node, field)
    if value is None:
        return None
    if "://" in value:
        url = reader.url(node, field)
        return Artwork(url=url) if url else None
    found = _local_image(reader, node, field, value, base_dir, root, PHOTO_RULES)
    if found is None:
        return None
    path, facts = found
    if min(facts.width, facts.height) < PHOTO_MIN_SIDE:
        reader.warn(
            node,
            "W168",
            f"'{field}' is {facts.width}×{facts.height} pixels",
            f"the guest's page shows it {PHOTO_MIN_SIDE} px wide (twice that on sharp "
            f"screens): use a photo of at least {2 * PHOTO_MIN_SIDE}×{2 * PHOTO_MIN_SIDE}",
        )
    relpath = public_relpath(path, root)
    return Artwork(
        url=url_join(link, relpath),
        source=path,
        public_path=relpath,
        width=facts.width,
        height=facts.height,
        mime=facts.mime,
    )


@dataclass(frozen=True)
class _ImageRules:
    """The codes and hints of one kind of local picture (cover art, a guest's photo)."""

    outside: str  # the path leaves the show folder
    outside_hint: str
    missing: str
    unreadable: str  # not an image, or not JPEG/PNG
    unreadable_hint: str
    format_hint: str


ARTWORK_RULES = _ImageRules(
    "E121",
    "put artwork in the show's art/ folder",
    "E122",
    "E123",
    "export the artwork as JPEG or PNG",
    "Apple Podcasts accepts JPEG or PNG only: export it as JPEG",
)
PHOTO_RULES = _ImageRules(
    "E165",
    "put guest photos in the show folder",
    "E166",
    "E167",
    "export it as JPEG or PNG",
    "podcast apps show JPEG or PNG photos only: export it as JPEG",
)


def _local_image(
    reader: FieldReader,
    node: Node | None,
    field: str,
    value: str,
    base_dir: Path,
    root: Path,
    rules: _ImageRules,
) -> tuple[Path, ImageFacts] | None:
    """The file `value` names inside the show and its header facts, when it is a JPEG
    or PNG; else an error at `node` with the rules' code, and None."""
    try:
        path = resolve_inside(base_dir, value, root)
    except PathError as exc:
        reader.error(node, rules.outside, f"'{field}': {exc}: '{value}'", rules.outside_hint)
        return None
    if not path.is_file():
        reader.error(
            node,
            rules.missing,
            f"'{field}' file not found: '{value}'",
            "check the file name; paths are relative to the YAML file",
        )
        return None
    try:
        facts = probe_image(path)
    except ImageProbeError as exc:
        reader.error(
            node,
            rules.unreadable,
            f"'{field}' is not a readable image: {exc}",
            rules.unreadable_hint,
        )
        return None
    if not facts.mime:
        reader.error(
            node, rules.unreadable, f"'{field}' is a {facts.format} image", rules.format_hint
        )
        return None
    return path, facts
