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
from ..show.notes import to_text, truncate
from ..show.pages import ABOUT, ShowPage, read_pages
from .i18n import N_, translations
from .meta import episode_jsonld, series_jsonld, share_links, transcript_text
from .search import SEARCH_PATH, search_index
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
    media_path,
)

PAGE_SIZE = 20  # episodes per archive/tag/guest page
HOME_EPISODES = 8
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

    @property
    def root(self) -> Markup:
        """The way back to the site root from this page: '', '../', '../../' ..."""
        return Markup("../" * self.relpath.count("/"))  # Markup: nothing to escape, ever


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
    ) -> None:
        self.show = show
        self.prefix = Markup(prefix)  # where this language's listing pages are: "", "es/"
        _ = gettext
        self.title = show.title
        self.subtitle = show.subtitle or ""
        self.link = show.link
        self.lang = show.language
        cover_alt = _(N_("Cover art of %(title)s")) % {"title": show.title}
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
        return digest(self.show, self.nav, self.prefix, self.cover)

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
    language = podcast.show.language
    env = environment(theme, compiled_templates, templates, language)
    gettext = translations(language, theme).gettext
    show_pages, _problems = read_pages(podcast.show.root)  # `gaepod check` reports them
    data = SiteData(podcast, now, episode_key, Interface(language, gettext))
    site = SiteInfo(podcast.show, show_pages, gettext)
    builder = _Planner(env, site, data, templates, gettext)
    return list(builder.pages(show_pages))


def site_files(podcast: Podcast, now: datetime, theme: Path | None) -> list[tuple[str, Path]]:
    """(path in the site, source) of the files copied as they are: static assets (the
    theme's first), artwork, and audio hosted with the site."""
    show = podcast.show
    files: dict[str, Path] = {}
    for name, source in static_files(theme):
        files[f"{ASSETS}/{name}"] = source
    arts = [show.image] + [e.image for e in podcast.published(now) if e.image]
    for art in arts:
        if art.source and art.public_path:
            files[art.public_path] = art.source
    for episode in podcast.published(now):
        path = media_path(show, episode)
        if path and episode.audio.path is not None:
            files[unquote(path)] = episode.audio.path
    return sorted(files.items())


class _Planner:
    def __init__(
        self,
        env: Environment,
        site: SiteInfo,
        data: SiteData,
        templates: str,
        gettext: Callable[[str], str] = str,
    ) -> None:
        self.env = env
        self._ = gettext
        self.site = site
        self.data = data
        self.show = site.show
        self.base = digest(__version__, templates, site.fingerprint())
        self._fragments: dict[tuple[str, str, str], Markup] = {}
        self._cards: dict[tuple[str, int], Markup] = {}

    def page(self, relpath: str, template: str, key: object, **context: Any) -> Page:
        return self._keyed(relpath, template, key, partial(self._render, template, context))

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

    def _fragment(self, template: str, root: str, current: str = "") -> Markup:
        """A part of the layout (header, footer) rendered once per depth and current page."""
        key = (template, root, current)
        html = self._fragments.get(key)
        if html is None:
            rendered = self.env.get_template(template).render(
                site=self.site, root=root, current=current
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
        return Meta(
            relpath,
            title,
            self.show.link + path,
            description,  # "" -> the layout shows the show's description
            extra.pop("image", self.site.cover),
            **extra,
        )

    def _search_messages(self) -> dict[str, str]:
        """The search script's sentences in the page's language ({n}: a number)."""
        _ = self._
        return {
            "prompt": _(N_("Type a word to search {n} episodes.")),
            "loading": _(N_("Loading the search index…")),
            "one": _(N_("1 episode found.")),
            "many": _(N_("{n} episodes found.")),
            "first": _(N_("{n} episodes found (showing the first {limit}).")),
            "offline": _(N_("Search works when the site is served by a web server.")),
            "browse": _(N_("Browse all episodes")),
        }

    def pages(self, show_pages: Sequence[ShowPage]) -> Iterator[Page]:
        data, site, _ = self.data, self.site, self._
        views = data.views
        latest = views[:HOME_EPISODES]
        yield self.page(
            "index.html",
            "home.html",
            [v.digest for v in latest],
            meta=self.meta("index.html", ""),
            latest=latest,
            has_more=len(views) > HOME_EPISODES,
            jsonld=lambda: series_jsonld(self.show, site.cover.url),
        )
        for view in views:
            yield self._episode(view)
        yield from self._listing(
            "archive", "archive.html", _(N_("All episodes")), views, nav="archive"
        )
        groups = {"tags": data.sorted_groups(data.tags.values())}
        groups["guests"] = data.sorted_groups(data.guests.values())
        for kind, title in (("tags", _(N_("Topics"))), ("guests", _(N_("Guests")))):
            relpath = f"{kind}/index.html"
            yield self.page(
                relpath,
                f"{kind}.html",
                [(g.slug, g.name, g.url, len(g.views)) for g in groups[kind]],
                meta=self.meta(relpath, title, nav=kind),
                groups=groups[kind],
            )
            for group in groups[kind]:
                yield from self._group(group)
        if not any(p.path == ABOUT for p in show_pages):
            relpath = f"{ABOUT}/index.html"
            meta = self.meta(relpath, _(N_("About")), nav=ABOUT)
            yield self.page(relpath, "about.html", "", meta=meta)
        for show_page in show_pages:
            yield self._show_page(show_page)
        relpath = "search/index.html"
        yield self.page(
            relpath,
            "search.html",
            "",
            meta=self.meta(relpath, _(N_("Search"))),
            search_messages=self._search_messages(),
        )
        yield self.page(
            "404.html",
            "404.html",
            "",
            meta=self.meta("404.html", _(N_("Page not found"))),
            root="/" + self.show.link.split("://", 1)[-1].partition("/")[2],
        )
        digests = [v.digest for v in views]
        yield Page(
            SEARCH_PATH,
            digest(self.base, SEARCH_PATH, digests),
            partial(search_index, views),
            whole_show=True,
        )
        urls = self._sitemap_urls(show_pages, groups)
        yield self.page(
            "sitemap.xml", "sitemap.xml", urls, meta=self.meta("sitemap.xml", ""), urls=urls
        )
        yield self.page("robots.txt", "robots.txt", "", meta=self.meta("robots.txt", ""))

    def _episode(self, view: EpisodeView) -> Page:
        data = self.data
        older, newer, related = data.older(view), data.newer(view), data.related(view)
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
            transcript_key,
        )
        # The page's values are gathered when it is rendered: a plan holds a page per
        # episode, an edit renders a few of them.
        render = partial(self._render_episode, view, older, newer, related)
        return self._keyed(view.href, "episode.html", key, render)

    def _render_episode(
        self,
        view: EpisodeView,
        older: EpisodeView | None,
        newer: EpisodeView | None,
        related: list[EpisodeView],
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
        )
        values = {
            "meta": meta,
            "ep": view,
            "older": older,
            "newer": newer,
            "related": related,
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
                ([v.digest for v in chunk], pager, group and (group.url, group.bio)),
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
        return self.page(
            relpath,
            "page.html",
            (show_page.title, show_page.body_md, show_page.lang, show_page.description),
            meta=self.meta(
                relpath,
                show_page.title,
                show_page.description or "",
                nav=show_page.path,
                lang=show_page.lang,
            ),
            page=show_page,
            body_html=lambda: markdown_html(show_page.body_md),
        )

    def _sitemap_urls(
        self, show_pages: Sequence[ShowPage], groups: dict[str, list[Group]]
    ) -> list[tuple[str, str]]:
        """(absolute URL, lastmod date or '') of every page worth indexing."""
        link = self.show.link
        urls = [(link, self.data.views[0].date_iso[:10] if self.data.views else "")]
        urls += [(v.canonical, v.date_iso[:10]) for v in self.data.views]
        count = max(1, -(-len(self.data.views) // PAGE_SIZE))
        urls += [
            (link + _page_href("archive", n).removesuffix("index.html"), "")
            for n in range(1, count + 1)
        ]
        for kind in ("tags", "guests"):
            urls.append((f"{link}{kind}/", ""))
            urls += [(link + g.path, "") for g in groups[kind]]
        if not any(p.path == ABOUT for p in show_pages):
            urls.append((f"{link}{ABOUT}/", ""))
        urls += [(f"{link}{p.path}/", "") for p in show_pages]
        return urls


def _summary(view: EpisodeView) -> str:
    """The meta description of an episode page."""
    return truncate(view.summary, DESCRIPTION_BYTES)


def _page_href(base: str, number: int) -> str:
    return f"{base}/index.html" if number == 1 else f"{base}/page/{number}/index.html"


def _paragraphs(text: str) -> list[str]:
    return [p.strip() for p in text.split("\n\n") if p.strip()]
