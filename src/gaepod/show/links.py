"""Relative links and images in show notes.

On the episode's page a relative link (`[about](/about/)`, `![c](art/cover.jpg)`,
`<a href="contact/">`) works as it is; in a feed there is no base URL, so the feed gets
them resolved against the page's address (`absolute_links`). `link_problems` warns
about a relative link that points to nothing the show publishes."""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache
from urllib.parse import quote, unquote, urljoin, urlsplit

from ..errors import Diagnostic, Severity
from ..model import Episode, Show
from ..paths import slugify

_HAS_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:")
# nh3 writes every attribute as name="value" (see notes.sanitize)
_ATTRIBUTE = re.compile(r'(<(?:a|img)\s[^>]*?\b(?:href|src)=")([^"]*)(")')
# In Markdown: [text](target "title"), ![alt](target), [ref]: target, and raw HTML
_MD_INLINE = re.compile(r"\]\(\s*<?([^)\s>]+)")
_MD_REFERENCE = re.compile(r"^ {0,3}\[[^\]]+\]:\s*<?([^\s>]+)", re.MULTILINE)
_MD_HTML = re.compile(r"""\b(?:href|src)\s*=\s*["']([^"']+)["']""", re.IGNORECASE)
# What every site has beside its pages and episodes (site/plan.py writes them)
_SITE_FILES = {
    "", "index.html", "archive/", "tags/", "guests/", "search/", "feed.xml", "sitemap.xml",
    "search.json", "robots.txt", "404.html",
}  # fmt: skip


def is_relative(url: str) -> bool:
    return bool(url) and not _HAS_SCHEME.match(url) and not url.startswith("#")


def absolute_links(fragment: str, base: str) -> str:
    """The sanitized HTML `fragment` with each relative href/src resolved against `base`."""
    if 'href="' not in fragment and 'src="' not in fragment:
        return fragment

    def resolve(match: re.Match[str]) -> str:
        url = match[2]
        if _HAS_SCHEME.match(url):
            return str(match[0])
        return f"{match[1]}{urljoin(base, url)}{match[3]}"

    return _ATTRIBUTE.sub(resolve, fragment)


@lru_cache(maxsize=16384)  # a catalog's notes, bounded for a long `serve --watch`
def relative_targets(markdown: str) -> tuple[str, ...]:
    """The relative link and image targets written in Markdown notes, in order.
    Every build reads every episode's notes (the check, then the check after tagging):
    each pattern runs only where its marker is, and each text once per process."""
    found = _MD_INLINE.findall(markdown) if "](" in markdown else []
    if "]:" in markdown:
        found += _MD_REFERENCE.findall(markdown)
    lowered = markdown.lower()
    if "href" in lowered or "src" in lowered:
        found += _MD_HTML.findall(markdown)
    return tuple(target for target in dict.fromkeys(found) if is_relative(target))


def link_problems(
    show: Show, episodes: Iterable[Episode], page_paths: Iterable[str]
) -> list[Diagnostic]:
    """W742 for each relative link in an episode's notes that leads to nothing the show
    publishes: no page, episode, topic, guest or file of the show folder."""
    episodes = list(episodes)
    candidates = [(e, targets) for e in episodes if (targets := relative_targets(e.description_md))]
    if not candidates:
        return []
    known = _site_addresses(show, episodes, page_paths)
    problems = []
    for episode, targets in candidates:
        line, column = episode.positions.get("description", (0, 0))
        for target in targets:
            address = urljoin(episode.page_url, target)
            if _is_published(address, known):
                continue
            problems.append(
                Diagnostic(
                    episode.source,
                    line,
                    column,
                    "W742",
                    f"the link '{target}' in the notes leads nowhere in the show ({address})",
                    "relative links are read from the episode's page (episodes/"
                    f"{episode.slug}/): write `/about/` for a page of the site, "
                    "`/art/x.jpg` for a file of the show, or a full https:// address",
                    Severity.WARNING,
                )
            )
    return problems


def _site_addresses(show: Show, episodes: list[Episode], page_paths: Iterable[str]) -> set[str]:
    """Every address the show publishes, as URLs: its site's pages and files, its media."""
    site = set(_SITE_FILES)
    prefixes = [""] + [f"{code}/" for code in show.all_languages[1:]]
    pages = [f"{path}/" for path in page_paths]
    for prefix in prefixes:
        site.update(prefix + name for name in _SITE_FILES)
        site.update(prefix + page for page in pages)
    pictures = [show.image, *(person.photo for person in show.people)]
    media = [trailer.url for trailer in show.trailers]
    for episode in episodes:
        base = f"episodes/{episode.slug}/"
        site.update((base, base + "index.html", base + "chapters.json"))
        for prefix in prefixes:
            site.update(f"{prefix}tags/{slugify(tag)}/" for tag in episode.tags)
            site.update(f"{prefix}guests/{slugify(guest.name)}/" for guest in episode.guests)
        pictures += [episode.image, *(c.image for c in episode.chapters)]
        pictures += [guest.photo for guest in episode.guests]
        if episode.transcript and episode.transcript.public_path:
            site.add(episode.transcript.public_path)
        media.append(episode.media_url)
        media += [a.media_url for a in episode.alternate_enclosures if a.media_url]
    site.update(art.public_path for art in pictures if art and art.public_path)
    return {show.link + quote(path, safe="/") for path in site} | set(media)


def _is_published(address: str, known: set[str]) -> bool:
    """Whether `address` (fragment and query aside) is one of the `known` URLs, or the
    folder of one (`about` for `about/`, `about/index.html` for `about/`)."""
    parts = urlsplit(address)
    bare = parts._replace(query="", fragment="").geturl()
    if bare.endswith("/index.html"):
        bare = bare[: -len("index.html")]
    return bare in known or f"{bare}/" in known or quote(unquote(bare), safe="/:") in known
