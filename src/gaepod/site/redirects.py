"""Redirects from a previous host's addresses to the episode pages (`redirect_from:`).

Three forms, for the ways static hosts redirect: `_redirects` (Netlify, Cloudflare
Pages: `/old/path https://new/page/ 301`), `redirects.nginx.conf` (entries of an
nginx `map`), and a small page at the old address itself (a meta refresh, with a
canonical link, a plain link and noindex) when that address lies inside the new
site. Only published episodes are redirected to (a scheduled episode has no page
yet), and never over a page the site makes or a file gaepod did not write: those
are left out, with a warning. Pure: the caller says which paths are taken.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlsplit

from markupsafe import Markup, escape

from ..errors import Diagnostic, Severity
from ..model import Episode, Podcast
from ..show.redirects import FIELD
from .i18n import N_, translations

NETLIFY_FILE = "_redirects"
NGINX_FILE = "redirects.nginx.conf"
FILES = (NETLIFY_FILE, NGINX_FILE)
_PAGE_SUFFIXES = (".html", ".htm")
_PCRE_SPECIAL = re.compile(r"[.^$*+?()\[\]{}|]")

NGINX_HEADER = """\
# Redirects from the show's previous addresses to its episode pages (written by gaepod).
# Use it in the nginx server that answers for the old addresses:
#   map $request_uri $gaepod_redirect {      # in the http block
#       default "";
#       include /path/to/redirects.nginx.conf;
#   }
#   if ($gaepod_redirect) { return 301 $gaepod_redirect; }   # in the server block
"""
NETLIFY_HEADER = """\
# Redirects from the show's previous addresses to its episode pages (written by gaepod).
# Netlify and Cloudflare Pages read this file at the root of the site that serves the
# old addresses. They redirect by path: addresses told apart only by their query
# (?p=12) are in redirects.nginx.conf only.
"""


@dataclass(frozen=True)
class Redirect:
    old: str  # the old address (absolute URL)
    episode: Episode
    by_query: bool  # the path alone is not this page's (another old address shares it)

    @property
    def path(self) -> str:
        return urlsplit(self.old).path or "/"

    @property
    def query(self) -> str:
        return urlsplit(self.old).query


@dataclass
class RedirectPlan:
    files: dict[str, bytes] = field(default_factory=dict)  # relpath -> bytes
    skipped: list[Diagnostic] = field(default_factory=list)


def plan_redirects(
    podcast: Podcast,
    now: datetime,
    taken: Collection[str],
    is_foreign: Callable[[str], bool],
    theme: Path | None = None,
) -> RedirectPlan:
    """The redirect files of the published episodes' `redirect_from:`. `taken`: the
    relpaths every other output of the build has; `is_foreign(relpath)`: a file is in
    the output folder that gaepod did not publish (never replaced)."""
    plan = RedirectPlan()
    show = podcast.show
    episodes = sorted(podcast.published(now), key=Episode.sort_key)
    if not any(e.redirect_from for e in episodes):
        return plan
    taken_folded = {relpath.casefold() for relpath in taken}
    folders = {folder for relpath in taken_folded for folder in _parents(relpath)}
    paths = Counter(urlsplit(old).path or "/" for e in episodes for old in e.redirect_from)
    redirects: list[Redirect] = []
    pages: dict[str, Redirect] = {}
    for episode in episodes:
        for old in episode.redirect_from:
            parts = urlsplit(old)
            path = parts.path or "/"
            inside = _site_relpath(old, show.link)
            page = _page_file(inside) if inside is not None else None
            is_taken = page is not None and page.casefold() in taken_folded
            # The path alone names the old page unless another old address shares it,
            # or it is a host's root or one of the new site's pages (`/?p=12`).
            by_query = paths[path] > 1 or (
                bool(parts.query) and (path == "/" or inside == "" or is_taken)
            )
            redirect = Redirect(old, episode, by_query)
            if by_query or page is None:
                redirects.append(redirect)  # elsewhere, or `/index.php`: no page of ours
                continue
            folded = page.casefold()
            if is_taken or inside == "":
                plan.skipped.append(_skipped(redirect, f"it is the site's page {page}"))
                continue
            if folded in folders or _parents(folded) & taken_folded:
                plan.skipped.append(_skipped(redirect, f"{page} clashes with the site's files"))
                continue
            if is_foreign(page):
                plan.skipped.append(
                    _skipped(redirect, f"{page} in the output folder is not gaepod's")
                )
                continue
            if folded not in pages:  # `/a` and `/a/` share one page: the first episode's
                pages[folded] = redirect
                plan.files[page] = _moved_page(redirect, podcast, theme)
            redirects.append(redirect)
    if redirects:
        plan.files[NETLIFY_FILE] = _netlify(redirects)
        plan.files[NGINX_FILE] = _nginx(redirects)
    return plan


def _skipped(redirect: Redirect, why: str) -> Diagnostic:
    episode = redirect.episode
    line, column = episode.positions.get(FIELD, (0, 0))
    return Diagnostic(
        episode.source,
        line,
        column,
        "W174",
        f"the old address {redirect.old} is left out of the redirects: {why}",
        "remove it from redirect_from, or give the page another address",
        Severity.WARNING,
    )


def _site_relpath(url: str, link: str) -> str | None:
    """The path of `url` inside the site at `link` (percent-decoded, '' for the site's
    root), or None when it lies elsewhere or cannot be a file name."""
    old, site = urlsplit(url), urlsplit(link)
    if old.netloc.lower() != site.netloc.lower():
        return None
    base = site.path if site.path.endswith("/") else site.path + "/"
    path = old.path or "/"
    if not (path + "/").startswith(base):
        return None
    inside = unquote(path[len(base) :])
    parts = inside.rstrip("/").split("/") if inside.rstrip("/") else []
    if any(p in ("", ".", "..") or "\x00" in p for p in parts):
        return None
    return inside


def _page_file(inside: str) -> str | None:
    """The file that answers for an address inside the site: `a/b/` and `a/b` are
    `a/b/index.html`, `a/b.html` itself; None for other file types (`a/index.php`)."""
    if inside == "":
        return "index.html"
    if inside.endswith("/"):
        return inside + "index.html"
    suffix = PurePosixPath(inside).suffix.lower()
    if suffix in _PAGE_SUFFIXES:
        return inside
    if suffix and re.fullmatch(r"\.[a-z0-9]{1,5}", suffix):
        return None
    return inside + "/index.html"


def _parents(relpath: str) -> set[str]:
    parts = relpath.split("/")[:-1]
    return {"/".join(parts[: i + 1]) for i in range(len(parts))}


def _netlify(redirects: list[Redirect]) -> bytes:
    lines = [NETLIFY_HEADER]
    for redirect in sorted(redirects, key=lambda r: (r.path, r.query)):
        if redirect.by_query:
            continue
        lines.append(f"{redirect.path}  {redirect.episode.page_url}  301\n")
    return "".join(lines).encode()


def _nginx(redirects: list[Redirect]) -> bytes:
    lines = [NGINX_HEADER]
    for redirect in sorted(redirects, key=lambda r: (r.path, r.query)):
        if redirect.by_query:
            key = redirect.path + (f"?{redirect.query}" if redirect.query else "")
        else:
            # the old path with or without its last '/', and with any query (?utm_...)
            base = redirect.path.rstrip("/")
            key = "~^" + _PCRE_SPECIAL.sub(lambda m: "\\" + m.group(), base) + "/?(?:\\?|$)"
        lines.append(f"{_quoted(key)} {_quoted(redirect.episode.page_url)};\n")
    return "".join(lines).encode()


def _quoted(text: str) -> str:
    """`text` in double quotes for nginx, which keeps a backslash before anything but
    a quote, a backslash, t, r or n (so `\\.` stays a regular expression's `\\.`).
    Addresses hold no backslash (show/redirects.py refuses them)."""
    return '"' + text.replace('"', '\\"') + '"'


def _moved_page(redirect: Redirect, podcast: Podcast, theme: Path | None) -> bytes:
    """The page at the old address: sends browsers on at once, and search engines to
    the new address (canonical, noindex); a plain link for everything else."""
    episode = redirect.episode
    language = episode.language or podcast.show.language
    _ = translations(language, theme).gettext
    url = episode.page_url
    link = Markup('<a href="{}">{}</a>').format(url, episode.title)
    message = Markup(escape(_(N_("This episode has moved to %(link)s.")))) % {"link": link}
    html = Markup(
        "<!DOCTYPE html>\n"
        '<html lang="{lang}">\n'
        "<head>\n"
        '<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        "<title>{title}</title>\n"
        '<meta name="robots" content="noindex">\n'
        '<link rel="canonical" href="{url}">\n'
        '<meta http-equiv="refresh" content="0; url={url}">\n'
        "</head>\n"
        "<body>\n"
        "<p>{message}</p>\n"
        "</body>\n"
        "</html>\n"
    ).format(lang=language, title=episode.title, url=url, message=message)
    return str(html).encode()
