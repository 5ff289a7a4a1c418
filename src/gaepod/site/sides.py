"""The language sides of a site: one per language of the show, the show's own at the
root and each other under its code ("es/"), each with its listing pages and its
interface in that language. An episode's page lives at episodes/<slug>/ whatever its
language, and is shown in its language's interface.

What links the sides is worked out here: which page of another side shows the same
thing (hreflang alternates, the language switch, the sitemap's alternates), from the
listing pages every side has and from episodes that name their counterpart
(`translation_of:`). Pure.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from babel import Locale, UnknownLocaleError

from ..model import Episode, Show


@dataclass(frozen=True)
class Alternate:
    """The same page in another language (or the page itself)."""

    lang: str
    url: str  # absolute: hreflang and the sitemap want it so
    href: str  # from the site root


@dataclass(frozen=True)
class LanguageLink:
    """One entry of the language switch in the header."""

    lang: str
    label: str  # the language's own name: "English", "Español"
    href: str  # from the site root
    is_current: bool


@lru_cache(maxsize=64)
def language_name(language: str, in_language: str | None = None) -> str:
    """'es' -> 'Español' (its own name) or 'Spanish' (in English); the code if unknown."""
    try:
        locale = Locale.parse(language.replace("-", "_"))
        shown_in = Locale.parse((in_language or language).replace("-", "_"))
    except (UnknownLocaleError, ValueError):
        return language
    name = locale.get_display_name(shown_in) or language
    return name[:1].upper() + name[1:] if in_language is None else name


def primary(language: str) -> str:
    return language.split("-")[0].lower()


def translation_groups(episodes: Iterable[Episode]) -> dict[str, frozenset[str]]:
    """Slug -> the slugs of every episode that is the same episode in another language,
    itself included. `translation_of` names the counterpart's file (with or without
    .yaml) or its guid; chains and several translations of one episode join one group.
    Names that match no episode are `gaepod check`'s to report."""
    episodes = list(episodes)
    by_name: dict[str, str] = {}
    for episode in episodes:
        by_name[episode.source.name] = episode.slug
        by_name[episode.source.stem] = episode.slug
        by_name[episode.guid] = episode.slug
    parent: dict[str, str] = {e.slug: e.slug for e in episodes}

    def root(slug: str) -> str:
        while parent[slug] != slug:
            parent[slug] = parent[parent[slug]]
            slug = parent[slug]
        return slug

    for episode in episodes:
        other = by_name.get(episode.translation_of or "")
        if other is not None and other != episode.slug:
            parent[root(episode.slug)] = root(other)
    members: dict[str, set[str]] = {}
    for slug in parent:
        members.setdefault(root(slug), set()).add(slug)
    return {slug: frozenset(members[root(slug)]) for slug in parent if len(members[root(slug)]) > 1}


class SideLinks:
    """Which page of each side shows what: filled while the sides are planned, read
    when their pages are keyed and rendered."""

    def __init__(self, show: Show, languages: Iterable[str]) -> None:
        self.link = show.link
        self.languages = list(languages)
        self.default = show.language
        self._listings: dict[str, dict[str, str]] = {}  # side-relative path -> lang -> href
        self._episodes: dict[str, tuple[str, str]] = {}  # slug -> (lang, href)
        self.groups: dict[str, frozenset[str]] = {}

    @property
    def is_multilingual(self) -> bool:
        return len(self.languages) > 1

    def prefix(self, language: str) -> str:
        return "" if language == self.default else f"{language}/"

    def add_listing(self, language: str, key: str, href: str | None = None) -> None:
        """Side `language` makes the page `key`: a listing (its path without the side's
        prefix) or a show's page with its translations ('page:...', at `href`)."""
        self._listings.setdefault(key, {})[language] = href or self.prefix(language) + key

    def add_episode(self, language: str, slug: str, href: str) -> None:
        self._episodes[slug] = (language, href)

    def listing_alternates(self, key: str) -> tuple[Alternate, ...]:
        return self._alternates(self._listings.get(key, {}))

    def episode_alternates(self, slug: str) -> tuple[Alternate, ...]:
        pages: dict[str, str] = {}
        for other in sorted(self.groups.get(slug, ())):
            found = self._episodes.get(other)
            if found is not None:
                pages.setdefault(found[0], found[1])
        return self._alternates(pages)

    def _alternates(self, pages: dict[str, str]) -> tuple[Alternate, ...]:
        if not self.is_multilingual or len(pages) < 2:
            return ()
        ordered = [lang for lang in self.languages if lang in pages]
        return tuple(
            Alternate(lang, self.link + pages[lang].removesuffix("index.html"), pages[lang])
            for lang in ordered
        )

    def switch(self, language: str, alternates: tuple[Alternate, ...]) -> tuple[LanguageLink, ...]:
        """The language switch of a page of side `language`: each language's version of
        the page where there is one, else that side's home page."""
        if not self.is_multilingual:
            return ()
        here = {alt.lang: alt.href for alt in alternates}
        return tuple(
            LanguageLink(
                lang,
                language_name(lang),
                here.get(lang, self.prefix(lang) + "index.html"),
                lang == language,
            )
            for lang in self.languages
        )
