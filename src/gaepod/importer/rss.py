"""Feed bytes -> the RSS <channel> element, read safely, and the lookups the importer uses.

lxml never resolves entities, loads a DTD or touches the network (no XXE, no
"billion laughs"). Anything that is not a well-formed RSS 2.0 document is a
FeedImportError saying what the input is instead. Elements are looked up by
a short prefix (`itunes:image`) whatever namespace URI spelling the feed
uses. Never writes anything.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lxml import etree

from ..errors import Diagnostic, GaepodError, Severity
from ..show.load import CONTROL_CHARS

PREFIXES = {
    "http://www.itunes.com/dtds/podcast-1.0.dtd": "itunes",
    "https://www.itunes.com/dtds/podcast-1.0.dtd": "itunes",
    "http://purl.org/rss/1.0/modules/content/": "content",
    "https://podcastindex.org/namespace/1.0": "podcast",
    "https://github.com/podcastindex-org/podcast-namespace/blob/main/docs/1.0.md": "podcast",
    "http://podlove.org/simple-chapters": "psc",
    "http://www.w3.org/2005/atom": "atom",
    "http://www.google.com/schemas/play-podcasts/1.0": "googleplay",
    "http://search.yahoo.com/mrss/": "media",
    "http://purl.org/dc/elements/1.1/": "dc",
}
_FEED_LINK = re.compile(
    r"<link\b[^>]*\btype=[\"']application/rss\+xml[\"'][^>]*>", re.IGNORECASE | re.DOTALL
)
_HREF = re.compile(r"\bhref=[\"']([^\"']+)[\"']", re.IGNORECASE)


class FeedImportError(GaepodError):
    """The input is not a feed gaepod can import (or cannot be read); nothing was written."""


@dataclass
class ImportLog:
    """Warnings about one feed, each at the line of the element concerned."""

    path: Path
    diagnostics: list[Diagnostic] = field(default_factory=list)

    def warn(self, where: Any, code: str, message: str, hint: str = "") -> None:
        line = where if isinstance(where, int) else line_of(where)
        self.diagnostics.append(
            Diagnostic(self.path, line, 0, code, message, hint, Severity.WARNING)
        )

    def error(self, where: Any, code: str, message: str, hint: str = "") -> None:
        line = where if isinstance(where, int) else line_of(where)
        self.diagnostics.append(Diagnostic(self.path, line, 0, code, message, hint))


def line_of(element: Any) -> int:
    return int(getattr(element, "sourceline", 0) or 0)


def parse_channel(data: bytes, path: Path) -> Any:
    """The <channel> element of an RSS feed, or FeedImportError explaining what `data` is."""
    if not data.strip():
        raise _refused(path, 0, "E202", "the feed is empty", "check the file or URL")
    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, huge_tree=False, load_dtd=False
    )
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        line = exc.lineno or 0
        message = str(exc.msg or exc).strip()
        raise _refused(
            path,
            line,
            "E203",
            f"not a well-formed RSS feed: {message}",
            _hint_for_broken(data),
        ) from exc
    if root is None:  # pragma: no cover - lxml raises instead
        raise _refused(path, 0, "E203", "no XML document found", "check the file or URL")
    name = etree.QName(root).localname.lower()
    if name == "rss":
        channel = child(root, "channel")
        if channel is not None:
            return channel
        raise _refused(path, line_of(root), "E204", "the RSS feed has no <channel>", "")
    hints = {
        "feed": "this is an Atom feed; gaepod imports RSS 2.0 podcast feeds: use the "
        "show's RSS address (the one podcast apps subscribe to)",
        "rdf": "this is an RSS 1.0 feed; use the show's RSS 2.0 podcast feed",
        "html": "this is a web page: use the address of its RSS feed",
    }
    raise _refused(
        path,
        line_of(root),
        "E204",
        f"not an RSS feed: the document is <{etree.QName(root).localname}>",
        hints.get(name, "gaepod imports RSS 2.0 podcast feeds"),
    )


def _hint_for_broken(data: bytes) -> str:
    head = data[:200_000].decode("utf-8", "replace")
    if re.search(r"<html\b|<!doctype html", head, re.IGNORECASE):
        for tag in _FEED_LINK.findall(head):
            href = _HREF.search(tag)
            if href:
                return f"this is a web page; it names a feed at {href.group(1)}: import that"
        return "this is a web page, not a feed: use the address of the show's RSS feed"
    return "the feed is cut off or damaged: download it again, or ask the host to fix it"


def _refused(path: Path, line: int, code: str, message: str, hint: str) -> FeedImportError:
    diagnostic = Diagnostic(path, line, 0, code, message, hint)
    return FeedImportError(f"cannot import {path}: {message}", [diagnostic])


# -- lookups ----------------------------------------------------------------


def name_of(element: Any) -> str:
    """`itunes:image`, `title`, ...: the element's name with gaepod's prefix for its namespace."""
    if not isinstance(element.tag, str):
        return ""
    qname = etree.QName(element)
    if not qname.namespace:
        return str(qname.localname)
    uri = qname.namespace.lower()
    prefix = PREFIXES.get(uri) or PREFIXES.get(uri + "/") or PREFIXES.get(uri.rstrip("/"))
    return f"{prefix or qname.namespace}:{qname.localname}"


def children(element: Any, name: str) -> list[Any]:
    return [c for c in element if name_of(c) == name]


def child(element: Any, name: str) -> Any | None:
    for candidate in element:
        if name_of(candidate) == name:
            return candidate
    return None


def first_child(element: Any, *names: str) -> Any | None:
    """The first child named any of `names`, in the order of `names`."""
    for name in names:
        found = child(element, name)
        if found is not None:
            return found
    return None


def text_of(element: Any | None) -> str:
    """All text inside an element (CDATA included), control characters removed, stripped."""
    if element is None:
        return ""
    return clean("".join(element.itertext())).strip()


def child_text(element: Any, *names: str) -> str:
    """The text of the first of `names` that has some."""
    for name in names:
        for candidate in children(element, name):
            value = text_of(candidate)
            if value:
                return value
    return ""


def markup_of(element: Any | None) -> str:
    """An element's content as HTML: its text, or its XHTML children when not escaped."""
    if element is None:
        return ""
    if len(element) == 0:
        return clean(element.text or "").strip()
    inner = (element.text or "") + "".join(
        etree.tostring(c, encoding="unicode", with_tail=True) for c in element
    )
    return clean(inner).strip()


def attribute(element: Any | None, name: str) -> str:
    if element is None:
        return ""
    return clean(element.get(name) or "").strip()


def clean(text: str) -> str:
    """Drop control characters gaepod's YAML refuses; line separators become newlines."""
    text = text.replace("\u2028", "\n").replace("\u2029", "\n\n").replace("\x85", "\n")
    return CONTROL_CHARS.sub("", text)
