"""Podcast -> the static site (show-notes pages) as outputs, with Jinja2 templates.

`plan_site` lists every page with a content key computed without rendering
(template sources + the data the page shows), so an incremental build can skip
pages whose key did not change; `render_site` renders them all and adds static
files, artwork and audio hosted with the site. Templates and static files come
from `<show>/theme/{templates,static}` first, then from the package. This module
never writes: only `outputs.write_outputs` does.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import cached_property, partial
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from jinja2 import Environment
from markupsafe import Markup, escape

from .. import __version__
from ..model import Episode, Podcast, Show
from ..show.feeds import show_feeds
from ..show.notes import to_text, truncate
from ..show.pages import ABOUT, ShowPage, page_groups, read_pages
from .artwork import ART_VERSION, art_file, art_sizes
from .i18n import N_, locale_tag, translations
from .meta import episode_jsonld, series_jsonld, share_links, transcript_text
from .photos import PHOTO_VERSION, SIZES, photo_file, resized
from .player import hosted_path
from .search import (
    SEARCH_PATH,
    WORDS_PATH,
    SearchDoc,
    SearchIndex,
    notes_text,
    page_doc,
    shard_count,
)
from .sides import Alternate, LanguageLink, SideLinks, primary, translation_groups
from .theme import ASSETS, environment, static_files, template_fingerprint
from .theme import theme_dir as theme_dir  # re-exported for build
from .views import (
    EpisodeView,
    Group,
    Image,
    Interface,
    SiteData,
    artwork_image,
    digest,
    markdown_html,
)

PAGE_SIZE = 20  # episodes per archive/tag/guest page
HOME_EPISODES = 9  # the latest, with its player, and 8 more (rows of 2 or 4)
RECENT_EPISODES = 4  # the newest ones, at the foot of every episode page
DESCRIPTION_BYTES = 300
# Stands for the way to the site's root in a card rendered once for pages of every depth.
_ROOT_MARK = "gaepod-root-mark/"


@dataclass(frozen=True)
class Page:
    """One generated file: where it goes, a key of everything its bytes depend on, and how
    to make them."""

    relpath: str
    key: str
    render: Callable[[], bytes]
    whole_show: bool = False  # made from every episode (publish.outputs.Output)
    batch: str = ""  # rendered with the others of its batch (publish.outputs.Output)


@dataclass(frozen=True)
class NavItem:
    key: str
    label: str
    href: str
    lang: str | None = None


@dataclass(frozen=True)
class Meta:
    """What the layout needs to know about the page being rendered."""

    relpath: str
    title: str  # the page's own title ("" on the home page)
    canonical: str
    description: str
    image: Image
    nav: str = ""  # key of the current navigation item
    og_type: str = "website"
    lang: str | None = None  # language of the main content when it differs from the show's
    alternates: tuple[Alternate, ...] = ()  # the page in every language (hreflang)
    switch: tuple[LanguageLink, ...] = ()  # the header's language switch
    locale: str = ""  # og:locale of the page's side, 'en_US'

    @property
    def root(self) -> Markup:
        """The way back to the site root from this page: '', '../', '../../' ..."""
        return Markup("../" * self.relpath.count("/"))  # Markup: nothing to escape, ever


@dataclass(frozen=True)
class SitemapUrl:
    loc: str
    lastmod: str  # a date, or ''
    alternates: tuple[Alternate, ...]  # the page in every language, itself included


@dataclass(frozen=True)
class Pager:
    number: int
    count: int
    newer: str | None  # hrefs relative to the site root
    older: str | None


class SiteInfo:
    """Show-level data every page's layout shows (header, navigation, footer)."""

    def __init__(
        self,
        show: Show,
        pages: Sequence[ShowPage],
        gettext: Callable[[str], str] = str,
        prefix: str = "",
        title: str | None = None,
    ) -> None:
        """`show`: the show as this language's side presents it; `title`: the site's
        title when it is not the feed's ("... en español" rather than "... (Español)")."""
        self.show = show
        self.prefix = Markup(prefix)  # where this language's listing pages are: "", "es/"
        _ = gettext
        self.title = title or show.title
        self.subtitle = show.subtitle or ""
        self.link = show.link
        self.lang = show.language
        cover_alt = _(N_("Cover art of %(title)s")) % {"title": self.title}
        self.cover = artwork_image(show.image, cover_alt)
        self.feed_href = (
            show.feed_url[len(show.link) :]
            if show.feed_url.startswith(show.link)
            else show.feed_url
        )
        self.platforms = show.platforms
        self.funding = show.funding
        has_about = any(p.path == ABOUT for p in pages)
        items = [NavItem("archive", _(N_("Episodes")), f"{prefix}archive/index.html")]
        if not has_about:
            items.append(NavItem(ABOUT, _(N_("About")), f"{prefix}{ABOUT}/index.html"))
        items += [NavItem(p.path, p.menu, p.href, p.lang) for p in pages if p.nav is not None]
        items.append(NavItem("tags", _(N_("Topics")), f"{prefix}tags/index.html"))
        items.append(NavItem("guests", _(N_("Guests")), f"{prefix}guests/index.html"))
        self.nav = tuple(items)

    def fingerprint(self) -> str:
        return digest(self.show, self.title, self.nav, self.prefix, self.cover)

    @property
    def description_html(self) -> Markup:
        return markdown_html(self.show.description_md)

    @cached_property
    def description_text(self) -> str:
        return truncate(to_text(self.description_html), DESCRIPTION_BYTES)


def render_site(podcast: Podcast, now: datetime, theme: Path | None = None) -> dict[str, bytes]:
    """Every page, rendered, by its path in the site (the files copied as they are,
    artwork and audio among them, are site_files)."""
    return {page.relpath: page.render() for page in plan_site(podcast, now, theme)}


def plan_site(
    podcast: Podcast,
    now: datetime,
    theme: Path | None = None,
    episode_key: Callable[[Episode], str] | None = None,
    compiled_templates: Path | None = None,
) -> list[Page]:
    """Every generated page with its content key; nothing is rendered yet. `episode_key`
    gives a digest of all of an episode's data when the caller has one (the build cache),
    `compiled_templates` a folder to keep compiled templates in between runs."""
    templates = template_fingerprint(theme)
    show = podcast.show
    show_pages, _problems = read_pages(show.root)  # `gaepod check` reports them
    feeds = show_feeds(show)
    languages = [feed.show.language for feed in feeds]
    links = SideLinks(show, languages)
    links.groups = translation_groups(podcast.published(now))
    groups_of_pages = page_groups(show_pages)
    planners = []
    for feed in feeds:
        language = feed.show.language
        prefix = links.prefix(language)
        gettext = translations(language, theme).gettext
        env = environment(theme, compiled_templates, templates, language)
        interface = Interface(language, gettext, prefix)
        data = SiteData(podcast, now, episode_key, interface, feed.carries)
        own_pages = [p for p in show_pages if _side_of(p.lang, show, languages) == language]
        text = show.text_in(language)
        site = SiteInfo(feed.show, own_pages, gettext, prefix, text.title if text else None)
        planner = _Planner(env, site, data, templates, gettext, links)
        planner.page_groups = groups_of_pages
        planner.register(own_pages, lambda e: _side_of(e.language, show, languages))
        for own in own_pages:
            links.add_listing(language, _page_key(groups_of_pages[own.path]), own.href)
        planners.append((planner, own_pages))
    pages: list[Page] = []
    for planner, own_pages in planners:
        pages += planner.pages(own_pages)
    main = planners[0][0]
    pages += main.shared_pages([(p, own) for p, own in planners])
    pages += _photo_pages([planner.data for planner, _own in planners])
    pages += _art_pages(podcast, now)
    return pages


def _art_pages(podcast: Podcast, now: datetime) -> list[Page]:
    """Every resized copy of the show's cover and of each published episode's own image,
    keyed by its source's stamp: an image is resized again only when its file changed."""
    images: dict[str, tuple[Path, int]] = {}
    arts = [podcast.show.image] + [e.image for e in podcast.published(now) if e.image]
    for art in arts:
        if art.source is None:
            continue
        for size in art_sizes(art):
            images.setdefault(art_file(art, size), (art.source, size))
    pages = []
    for relpath, (source, size) in sorted(images.items()):
        try:
            stat = source.stat()
            stamp: object = (stat.st_mtime_ns, stat.st_size)
        except OSError:
            stamp = None  # gone since the check: rendering it names the file
        key = digest(__version__, ART_VERSION, relpath, str(source), stamp, size)
        pages.append(Page(relpath, key, partial(resized, source, size)))
    return pages


def _photo_pages(sides: Sequence[SiteData]) -> list[Page]:
    """Every size of every local guest photo a page shows, each keyed by its source's
    stamp: a photo is resized again only when its file changed."""
    photos: dict[str, tuple[Path, int]] = {}
    for data in sides:
        for view in data.views:
            for guest in view.guests:
                art = guest.photo.art if guest.photo else None
                if art is None or art.source is None:
                    continue
                for size in SIZES:
                    photos.setdefault(photo_file(guest.slug, art, size), (art.source, size))
    pages = []
    for relpath, (source, size) in sorted(photos.items()):
        try:
            stat = source.stat()
            stamp: object = (stat.st_mtime_ns, stat.st_size)
        except OSError:
            stamp = None  # gone since the check: rendering it names the file
        key = digest(__version__, PHOTO_VERSION, relpath, str(source), stamp, size)
        pages.append(Page(relpath, key, partial(resized, source, size)))
    return pages


def _page_key(group: str) -> str:
    """The key SideLinks knows a show's page and its translations by."""
    return f"page:{group}"


def _side_of(language: str | None, show: Show, languages: Sequence[str]) -> str:
    """The side a page in `language` belongs to: its own when the show has one, else the
    show's (a show in one language keeps its Spanish episode with the English pages)."""
    if language is None:
        return show.language
    for side in languages:
        if primary(side) == primary(language):
            return side
    return show.language


def site_files(podcast: Podcast, now: datetime, theme: Path | None) -> list[tuple[str, Path]]:
    """(path in the site, source) of the files copied as they are: static assets (the
    theme's first), artwork, and audio hosted with the site."""
    show = podcast.show
    files: dict[str, Path] = {}
    for name, source in static_files(theme):
        files[f"{ASSETS}/{name}"] = source
    arts = [show.image]
    for episode in podcast.published(now):
        arts += [art for art in (episode.image, *(c.image for c in episode.chapters)) if art]
    for art in arts:
        if art.source and art.public_path:
            files[art.public_path] = art.source
    for episode in podcast.published(now):
        media = [(episode.audio, episode.media_url)]
        if episode.other_media is not None:
            media.append((episode.other_media.facts, episode.other_media.media_url))
        for facts, media_url in media:
            path = hosted_path(show, facts, media_url)
            if path and facts.path is not None:
                files[unquote(path)] = facts.path
        for alternate in episode.alternate_enclosures:  # other renditions, beside it
            hosted = alternate.media_url or ""
            if alternate.path is not None and hosted.startswith(show.link):
                files[unquote(hosted[len(show.link) :])] = alternate.path
    for trailer in show.trailers:  # podcast:trailer files, published like the audio
        if trailer.source is not None and trailer.url.startswith(show.link):
            files[unquote(trailer.url[len(show.link) :])] = trailer.source
    return sorted(files.items())


class _Planner:
    def __init__(
        self,
        env: Environment,
        site: SiteInfo,
        data: SiteData,
        templates: str,
        gettext: Callable[[str], str] = str,
        links: SideLinks | None = None,
    ) -> None:
        self.env = env
        self._ = gettext
        self.site = site
        self.data = data
        self.show = site.show
        self.language = site.lang
        self.prefix = site.prefix
        self.links = links or SideLinks(site.show, [site.lang])
        self.locale = locale_tag(site.lang)
        self.base = digest(__version__, templates, site.fingerprint())
        self._fragments: dict[tuple[str, str, str, object], Markup] = {}
        self._owned: set[str] = set()  # slugs of the episodes whose pages this side makes
        self.page_groups: dict[str, str] = {}  # show page path -> its translations' key
        self._cards: dict[tuple[str, int], Markup] = {}

    def register(self, show_pages: Sequence[ShowPage], side_of: Callable[[Episode], str]) -> None:
        """Tell the other sides which pages this one makes (before any is keyed)."""
        add = partial(self.links.add_listing, self.language)
        for key in ("index.html", "archive/index.html", "tags/index.html", "guests/index.html"):
            add(key)
        add("search/index.html")
        if not self._has_page(show_pages, ABOUT):
            add(f"{ABOUT}/index.html")
        for group in [*self.data.tags.values(), *self.data.guests.values()]:
            add(group.key)
        for view in self.data.views:
            if side_of(view.episode) == self.language:
                self._owned.add(view.slug)
                self.links.add_episode(self.language, view.slug, view.href)

    def _has_page(self, show_pages: Sequence[ShowPage], name: str) -> bool:
        return any(p.path == f"{self.prefix}{name}" for p in show_pages)

    def page(
        self, relpath: str, template: str, key: object, links_key: str = "", **context: Any
    ) -> Page:
        """A page; `links_key`: what SideLinks knows it by, when not its path on the side."""
        alternates = self.links.listing_alternates(links_key or relpath.removeprefix(self.prefix))
        render = partial(self._render, template, context)
        return self._keyed(relpath, template, (key, alternates), render)

    def _keyed(self, relpath: str, template: str, key: object, render: Callable[[], bytes]) -> Page:
        """A page whose content key covers the site, its address, template and `key`."""
        relpath = str(relpath)  # plain str, never Markup: build state stores it
        return Page(relpath, digest(self.base, relpath, template, key), render)

    def _render(self, template: str, context: dict[str, Any]) -> bytes:
        values = {name: value() if callable(value) else value for name, value in context.items()}
        values.setdefault("root", values["meta"].root)
        text = self.env.get_template(template).render(
            site=self.site, fragment=self._fragment, card=self._card, **values
        )
        return text.encode()

    def _fragment(self, template: str, root: str, current: str = "", switch: object = ()) -> Markup:
        """A part of the layout (header, footer) rendered once per depth, current page and
        language switch."""
        key = (template, root, current, switch)
        html = self._fragments.get(key)
        if html is None:
            rendered = self.env.get_template(template).render(
                site=self.site, root=root, current=current, switch=switch
            )
            html = self._fragments[key] = Markup(rendered)
        return html

    def _card(self, view: EpisodeView, root: str, level: int) -> Markup:
        """An episode in a list, rendered once per heading level (lists repeat it) with a
        marker where its link starts, which each use replaces with the page's way to the
        root: one card for every depth (a third of the renders, and of the memory: 32 MB
        a process at 10,000 episodes when it was kept per depth)."""
        key = (view.slug, level)
        html = self._cards.get(key)
        if html is None:
            rendered = self.env.get_template("_card.html").render(
                site=self.site, ep=view, root=_ROOT_MARK, level=level
            )
            html = self._cards[key] = Markup(rendered)
        return Markup(html.replace(_ROOT_MARK, escape(root)))

    def meta(self, relpath: str, title: str, description: str = "", **extra: Any) -> Meta:
        path = relpath.removesuffix("index.html")
        alternates = extra.pop("alternates", None)
        if alternates is None:
            alternates = self.links.listing_alternates(relpath.removeprefix(self.prefix))
        return Meta(
            relpath,
            title,
            self.show.link + path,
            description,  # "" -> the layout shows the show's description
            extra.pop("image", self.site.cover),
            alternates=alternates,
            switch=self.links.switch(self.language, alternates),
            locale=self.locale,
            **extra,
        )

    def _search_messages(self) -> dict[str, str]:
        """The search script's sentences in the page's language ({n}: a number)."""
        _ = self._
        return {
            "prompt": _(N_("Type a word to search {n} episodes and the show’s pages.")),
            "loading": _(N_("Loading the search index…")),
            "one": _(N_("1 result found.")),
            "many": _(N_("{n} results found.")),
            "first": _(N_("{n} results found (showing the first {limit}).")),
            "page": _(N_("Page")),
            "notes": _(N_("In the show notes:")),
            "transcript": _(N_("In the transcript:")),
            "page_text": _(N_("On the page:")),
            "offline": _(N_("Search works when the site is served by a web server.")),
            "browse": _(N_("Browse all episodes")),
        }

    def pages(self, show_pages: Sequence[ShowPage]) -> Iterator[Page]:
        """This side's pages: its home, listings, search, the show's pages in its
        language, and the pages of the episodes in its language."""
        data, site, _, p = self.data, self.site, self._, self.prefix
        views = data.views
        latest = views[:HOME_EPISODES]
        yield self.page(
            f"{p}index.html",
            "home.html",
            [v.digest for v in latest],
            meta=self.meta(f"{p}index.html", ""),
            latest=latest,
            has_more=len(views) > HOME_EPISODES,
            jsonld=lambda: series_jsonld(self.show, site.cover.url),
        )
        for view in views:
            if view.slug in self._owned:
                yield self._episode(view)
        yield from self._listing(
            f"{p}archive", "archive.html", _(N_("All episodes")), views, nav="archive"
        )
        groups = self.groups()
        for kind, title in (("tags", _(N_("Topics"))), ("guests", _(N_("Guests")))):
            relpath = f"{p}{kind}/index.html"
            yield self.page(
                relpath,
                f"{kind}.html",
                [(g.slug, g.name, g.url, g.photo, len(g.views)) for g in groups[kind]],
                meta=self.meta(relpath, title, nav=kind),
                groups=groups[kind],
            )
            for group in groups[kind]:
                yield from self._group(group)
        if not self._has_page(show_pages, ABOUT):
            relpath = f"{p}{ABOUT}/index.html"
            meta = self.meta(relpath, _(N_("About")), nav=ABOUT)
            yield self.page(relpath, "about.html", "", meta=meta)
        for show_page in show_pages:
            yield self._show_page(show_page)
        relpath = f"{p}search/index.html"
        yield self.page(
            relpath,
            "search.html",
            "",
            meta=self.meta(relpath, _(N_("Search"))),
            search_messages=self._search_messages(),
        )
        yield from self._search_files(show_pages)

    def _search_files(self, show_pages: Sequence[ShowPage]) -> Iterator[Page]:
        """search.json and its word files (site/search.py), keyed by every document's
        digest and transcript stamp: made again, all of them, when one changed."""
        docs: list[SearchDoc] = []
        text_bytes = 0
        for view in self.data.views:
            episode = view.episode
            transcript = episode.transcript
            source = transcript.source if transcript else None
            stamp: object = None
            if source is not None:
                try:
                    stat = source.stat()
                    stamp = (stat.st_mtime_ns, stat.st_size)
                    text_bytes += stat.st_size
                except OSError:
                    source = None
            text_bytes += len(episode.description_md) + len(episode.summary or "")
            docs.append(
                SearchDoc(
                    "e",
                    view.title,
                    str(view.href),
                    partial(getattr, view, "date_text"),
                    tuple(g.name for g in view.guests),
                    tuple(t.name for t in view.tags),
                    partial(getattr, view, "summary"),
                    view.lang,
                    view.digest,
                    partial(notes_text, episode.description_md),
                    source,
                    stamp,
                )
            )
        pages = [(p.title, p.href, p.body_md, p.description or "", p.lang) for p in show_pages]
        if not self._has_page(show_pages, ABOUT):
            about = self._(N_("About %(title)s")) % {"title": self.site.title}
            pages.append(
                (about, f"{self.prefix}{ABOUT}/index.html", self.show.description_md, "", None)
            )
        for title, href, body_md, description, lang in pages:
            text_bytes += len(body_md)
            key = digest(title, href, body_md, description, lang)
            body = partial(notes_text, body_md)
            page_lang = lang if lang and primary(lang) != primary(self.language) else ""
            docs.append(page_doc(title, href, body, description, key, page_lang))
        shards = shard_count(text_bytes)
        index = SearchIndex(docs, shards)
        key = digest(self.base, [(d.key, d.transcript_stamp) for d in docs], shards)
        p = self.prefix
        yield Page(f"{p}{SEARCH_PATH}", digest(key, SEARCH_PATH), index.main, whole_show=True)
        batch = f"{p}{SEARCH_PATH}"  # one process works the word index out, once
        for number in range(shards):
            relpath = f"{p}{WORDS_PATH.format(number)}"
            yield Page(relpath, digest(key, relpath), partial(index.shard, number), batch=batch)

    def groups(self) -> dict[str, list[Group]]:
        data = self.data
        return {
            "tags": data.sorted_groups(data.tags.values()),
            "guests": data.sorted_groups(data.guests.values()),
        }

    def shared_pages(self, sides: Sequence[tuple[_Planner, Sequence[ShowPage]]]) -> Iterator[Page]:
        """The pages a site has once: 404, the sitemap of every side, robots.txt."""
        _ = self._
        yield self.page(
            "404.html",
            "404.html",
            "",
            meta=self.meta("404.html", _(N_("Page not found"))),
            root="/" + self.show.link.split("://", 1)[-1].partition("/")[2],
        )
        urls = [url for side, own_pages in sides for url in side.sitemap_urls(own_pages)]
        yield self.page(
            "sitemap.xml", "sitemap.xml", urls, meta=self.meta("sitemap.xml", ""), urls=urls
        )
        yield self.page("robots.txt", "robots.txt", "", meta=self.meta("robots.txt", ""))

    def _episode(self, view: EpisodeView) -> Page:
        data = self.data
        older, newer, related = data.older(view), data.newer(view), data.related(view)
        recent = self._recent(view, related)
        transcript = view.episode.transcript
        transcript_key: object = None
        if transcript and transcript.source:
            stat = transcript.source.stat()
            transcript_key = (stat.st_mtime_ns, stat.st_size)
        key = (
            view.digest,
            older.digest if older else None,
            newer.digest if newer else None,
            [r.digest for r in related],
            [r.digest for r in recent],
            transcript_key,
            self.links.episode_alternates(view.slug),
        )
        # The page's values are gathered when it is rendered: a plan holds a page per
        # episode, an edit renders a few of them.
        render = partial(self._render_episode, view, older, newer, related, recent)
        return self._keyed(view.href, "episode.html", key, render)

    def _recent(self, view: EpisodeView, related: list[EpisodeView]) -> list[EpisodeView]:
        """The newest episodes but this one and those already shown as related (so an
        edit reaches the pages of the RECENT_EPISODES + 1 newest episodes' only)."""
        shown = {view.slug, *(r.slug for r in related)}
        newest = self.data.views[: RECENT_EPISODES + 1]
        return [v for v in newest if v.slug not in shown][:RECENT_EPISODES]

    def _render_episode(
        self,
        view: EpisodeView,
        older: EpisodeView | None,
        newer: EpisodeView | None,
        related: list[EpisodeView],
        recent: list[EpisodeView],
    ) -> bytes:
        transcript = view.episode.transcript
        text = transcript_text(transcript.source) if transcript and transcript.source else ""
        meta = self.meta(
            str(view.href),
            view.title,
            _summary(view),
            image=view.image,
            og_type="article",
            lang=view.lang,
            alternates=self.links.episode_alternates(view.slug),
        )
        values = {
            "meta": meta,
            "ep": view,
            "older": older,
            "newer": newer,
            "related": related,
            "recent": recent,
            "transcript": transcript,
            "transcript_text": _paragraphs(text),
            "share": share_links(view.canonical, view.title),
            "jsonld": episode_jsonld(self.show, view),
        }
        return self._render("episode.html", values)

    def _listing(
        self, base: str, template: str, title: str, views: Sequence[EpisodeView], **extra: Any
    ) -> Iterator[Page]:
        """Newest first, PAGE_SIZE a page: base/index.html, base/page/2/index.html ..."""
        count = max(1, -(-len(views) // PAGE_SIZE))
        for number in range(1, count + 1):
            chunk = views[(number - 1) * PAGE_SIZE : number * PAGE_SIZE]
            pager = Pager(
                number,
                count,
                _page_href(base, number - 1) if number > 1 else None,
                _page_href(base, number + 1) if number < count else None,
            )
            relpath = _page_href(base, number)
            heading = (
                title
                if number == 1
                else self._(N_("%(title)s (page %(number)d of %(count)d)"))
                % {"title": title, "number": number, "count": count}
            )
            group = extra.get("group")
            yield self.page(
                relpath,
                template,
                ([v.digest for v in chunk], pager, group and group.about),
                meta=partial(self.meta, relpath, heading, nav=extra.get("nav", "")),
                episodes=chunk,
                pager=pager,
                heading=heading,
                **{k: v for k, v in extra.items() if k != "nav"},
            )

    def _group(self, group: Group) -> Iterator[Page]:
        kind = group.kind
        title = group.name
        if kind == "tags":
            title = self._(N_("Topic: %(name)s")) % {"name": group.name}
        template = "tag.html" if kind == "tags" else "guest.html"
        yield from self._listing(
            group.path.rstrip("/"), template, title, group.views, group=group, nav=kind
        )

    def _show_page(self, show_page: ShowPage) -> Page:
        relpath = show_page.href
        links_key = _page_key(self.page_groups.get(show_page.path, show_page.path))
        return self.page(
            relpath,
            "page.html",
            (show_page.title, show_page.body_md, show_page.lang, show_page.description),
            links_key=links_key,
            meta=self.meta(
                relpath,
                show_page.title,
                show_page.description or "",
                nav=show_page.path,
                lang=show_page.lang,
                alternates=self.links.listing_alternates(links_key),
            ),
            page=show_page,
            body_html=lambda: markdown_html(show_page.body_md),
        )

    def sitemap_urls(self, show_pages: Sequence[ShowPage]) -> list[SitemapUrl]:
        """Every page of this side worth indexing, with its lastmod and its translations."""
        link, p, views = self.show.link, self.prefix, self.data.views
        alternates = self.links.listing_alternates

        def listing(key: str, lastmod: str = "") -> SitemapUrl:
            return SitemapUrl(link + p + key.removesuffix("index.html"), lastmod, alternates(key))

        urls = [listing("index.html", views[0].date_iso[:10] if views else "")]
        urls += [
            SitemapUrl(v.canonical, v.date_iso[:10], self.links.episode_alternates(v.slug))
            for v in views
            if v.slug in self._owned
        ]
        count = max(1, -(-len(views) // PAGE_SIZE))
        urls += [listing(_page_href("archive", n)) for n in range(1, count + 1)]
        groups = self.groups()
        for kind in ("tags", "guests"):
            urls.append(listing(f"{kind}/index.html"))
            urls += [listing(g.key) for g in groups[kind]]
        if not self._has_page(show_pages, ABOUT):
            urls.append(listing(f"{ABOUT}/index.html"))
        urls += [
            SitemapUrl(
                f"{link}{page.path}/",
                "",
                alternates(_page_key(self.page_groups.get(page.path, page.path))),
            )
            for page in show_pages
        ]
        return urls


def _summary(view: EpisodeView) -> str:
    """The meta description of an episode page."""
    return truncate(view.summary, DESCRIPTION_BYTES)


def _page_href(base: str, number: int) -> str:
    return f"{base}/index.html" if number == 1 else f"{base}/page/{number}/index.html"


def _paragraphs(text: str) -> list[str]:
    return [p.strip() for p in text.split("\n\n") if p.strip()]
