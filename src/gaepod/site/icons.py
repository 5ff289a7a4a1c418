"""The site's icons: small SVG files shipped in `site/icons/` (licences in its
LICENSES.md), put inline into pages so nothing is fetched from another host.

A show's theme replaces one by name (`<show>/theme/icons/youtube.svg`). Each file
is read once and reduced to its shapes (paths, circles, ...) with a short list of
geometric attributes, so a theme's icon cannot bring scripts, links or styles into
a page. Every icon is decorative (`aria-hidden`): a text label always stands beside it.
"""

from __future__ import annotations

import xml.etree.ElementTree as ElementTree
from functools import lru_cache
from pathlib import Path

from markupsafe import Markup, escape

ICONS = Path(__file__).resolve().parent / "icons"
THEME_ICONS = "icons"  # <show>/theme/icons
# Platforms with no icon under a licence that allows shipping it: a generic mark.
FALLBACK = dict.fromkeys(("fountain", "goodpods", "tunein", "bitchute"), "podcast")
UNKNOWN = "link"  # an unknown platform key
_SHAPES = {"path", "circle", "rect", "ellipse", "polygon", "polyline", "line", "g"}
_ATTRIBUTES = (
    "d", "cx", "cy", "r", "rx", "ry", "x", "y", "x1", "y1", "x2", "y2", "width", "height",
    "points", "fill-rule", "clip-rule", "transform", "opacity", "fill-opacity",
)  # fmt: skip


class IconError(Exception):
    """An icon file that is not SVG gaepod can read."""


def icon_names(theme: Path | None = None) -> list[str]:
    """Every icon available: the package's and the theme's."""
    folders = [ICONS] + ([theme / THEME_ICONS] if theme else [])
    return sorted({p.stem for folder in folders if folder.is_dir() for p in folder.glob("*.svg")})


def icon(theme: Path | None, name: str, size: int = 18) -> Markup:
    """An inline, decorative `<svg>` for `name` (a platform key, 'rss', 'copy' ...)."""
    view_box, shapes = _find(theme, name)
    return Markup(
        f'<svg class="icon icon-{escape(name)}" aria-hidden="true" focusable="false" '
        f'viewBox="{escape(view_box)}" width="{size}" height="{size}" fill="currentColor">'
        f"{shapes}</svg>"
    )


def _find(theme: Path | None, name: str) -> tuple[str, Markup]:
    """The theme's icon, else the package's, else the fallback's. A theme icon that is
    not readable SVG is passed over (the page keeps the package's icon)."""
    for candidate in (name, FALLBACK.get(name, ""), UNKNOWN):
        if not candidate or "/" in candidate or candidate.startswith("."):
            continue
        folders = ([theme / THEME_ICONS] if theme is not None else []) + [ICONS]
        for folder in folders:
            path = folder / f"{candidate}.svg"
            if path.is_file():
                try:
                    return _shape(path)
                except IconError:
                    if folder == ICONS:
                        raise
    raise IconError(f"no icon '{name}' and no '{UNKNOWN}.svg' to stand for it")


def _shape(path: Path) -> tuple[str, Markup]:
    """(viewBox, the shapes as markup) of one SVG file, read again once it changed
    (`gaepod serve --watch` keeps the process)."""
    try:
        stamp = path.stat().st_mtime_ns
    except OSError as exc:
        raise IconError(f"{path}: {exc}") from exc
    return _parse(path, stamp)


@lru_cache(maxsize=256)
def _parse(path: Path, stamp: int) -> tuple[str, Markup]:
    try:
        root = ElementTree.fromstring(path.read_bytes())
    except (OSError, ElementTree.ParseError) as exc:
        raise IconError(f"{path}: not a readable SVG file: {exc}") from exc
    if _local(root.tag) != "svg":
        raise IconError(f"{path}: not an SVG file")
    view_box = root.get("viewBox") or f"0 0 {root.get('width', '24')} {root.get('height', '24')}"
    return view_box, Markup("".join(_clean(child) for child in root))


def _clean(element: ElementTree.Element) -> str:
    tag = _local(element.tag)
    if tag not in _SHAPES:
        return ""  # <title>, <script>, <style>, <a>, <use> ...: never copied into a page
    attributes = "".join(
        f' {name}="{escape(value)}"' for name in _ATTRIBUTES if (value := element.get(name))
    )
    inner = "".join(_clean(child) for child in element)
    return f"<{tag}{attributes}>{inner}</{tag}>" if inner or tag == "g" else f"<{tag}{attributes}/>"


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]
