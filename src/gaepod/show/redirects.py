"""An episode's `redirect_from:`: the addresses its page had on a previous host.

`gaepod import` writes each item's old `<link>` there, and a host can add more by
hand. Each entry is an absolute http(s) URL, or a path (`/2019/05/my-episode/`) on
the host of the show's `link`. Read into absolute URLs without their #fragment;
the site's redirect files (site/redirects.py) are made from them. Pure: no I/O.
"""

from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import urlsplit, urlunsplit

from ..errors import Diagnostic, Severity
from ..model import Episode
from .fields import FieldReader, is_http_url
from .load import Node, Scalar, Sequence

FIELD = "redirect_from"
EXAMPLE = "redirect_from: [https://old-host.example/2019/05/my-episode/]"


def read_redirect_from(
    reader: FieldReader, node: Node | None, link: str, page_url: str | None
) -> tuple[str, ...]:
    """The entries of `redirect_from:` (one text or a list) as absolute URLs; E171 for
    an entry that is neither a URL nor a path, W172 for one that is the page itself."""
    if node is None or (isinstance(node, Scalar) and node.is_null):
        return ()
    items = node.items if isinstance(node, Sequence) else [node]
    if not isinstance(node, (Sequence, Scalar)):
        reader.error(node, "E103", f"'{FIELD}' must be a list of addresses", f"write `{EXAMPLE}`")
        return ()
    found: list[str] = []
    for item in items:
        written = reader.text(item, f"{FIELD} entry")
        if written is None:
            continue
        url = absolute(written, link)
        if url is None:
            reader.error(
                item,
                "E171",
                f"'{FIELD}' entry '{written}' is neither an http(s) URL nor a path "
                "starting with '/'",
                "write the old page's full address (https://old-host.example/2019/05/"
                "my-episode/) or its path on this show's host (/2019/05/my-episode/)",
            )
            continue
        if page_url is not None and same_address(url, page_url):
            reader.warn(
                item,
                "W172",
                f"'{FIELD}' entry '{written}' is this episode's own page; it is ignored",
                "remove it: a page cannot redirect to itself",
            )
            continue
        if url not in found:
            found.append(url)
    return tuple(found)


def absolute(written: str, link: str) -> str | None:
    """`written` as an absolute URL without fragment, or None when it is neither an
    http(s) URL nor a path starting with '/' (paths are on the host of `link`)."""
    if any(c.isspace() for c in written) or "\\" in written:
        return None
    if written.startswith("/") and not written.startswith("//"):
        site = urlsplit(link)
        written = urlunsplit((site.scheme, site.netloc, *urlsplit(written)[2:]))
    if not is_http_url(written):
        return None
    parts = urlsplit(written)
    return urlunsplit((parts.scheme, parts.netloc.lower(), parts.path or "/", parts.query, ""))


def same_address(one: str, other: str) -> bool:
    """Two URLs that name one page (http and https alike, host in any case)."""
    a, b = urlsplit(one), urlsplit(other)
    return (a.netloc.lower(), a.path or "/", a.query) == (b.netloc.lower(), b.path or "/", b.query)


def redirect_problems(episodes: Iterable[Episode]) -> list[Diagnostic]:
    """E173: one old address (path and query, whatever the host) claimed by two episodes.
    A redirect file maps each old path once: the second claim is an error."""
    problems: list[Diagnostic] = []
    claimed: dict[tuple[str, str], Episode] = {}
    redirecting = [e for e in episodes if e.redirect_from]  # most shows: none
    for episode in sorted(redirecting, key=lambda e: e.source.parts):
        for url in episode.redirect_from:
            parts = urlsplit(url)
            key = (parts.path, parts.query)
            first = claimed.setdefault(key, episode)
            if first is episode:
                continue
            line, column = episode.positions.get(FIELD, (0, 0))
            severity = Severity.WARNING if episode.is_draft or first.is_draft else Severity.ERROR
            problems.append(
                Diagnostic(
                    episode.source,
                    line,
                    column,
                    "E173",
                    f"the old address {url} is also in the redirect_from of {first.source.name}",
                    "an old address leads to one page: keep it in one episode file",
                    severity,
                )
            )
    return problems
