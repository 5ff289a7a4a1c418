"""The site in a real browser (Playwright driving Debian's Chromium; no browser download).

Pages load without console errors, chapter links seek the player (by mouse and
keyboard), phones get no horizontal scroll, search works from a static server,
file:// works, and hostile show notes never execute. Screenshots go to
test-artifacts/ for people to look at.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from conftest import copy_example, episode_yaml
from site_tools import ARTIFACTS, serve
from test_site import HOSTILE, NOW, SITE_YAML, publish

EPISODE = "episodes/001-marta-oliveira-ports-pipelines-power/index.html"
PHONE = {"width": 375, "height": 740}
DESKTOP = {"width": 1280, "height": 900}


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("browser")
    return publish(copy_example(folder), folder / "public")


@pytest.fixture(scope="module")
def base_url(site: Path) -> Iterator[str]:
    with serve(site) as url:
        yield url


class Watched:
    """A page whose console errors, page errors, failed requests and dialogs are recorded."""

    def __init__(self, browser: Any, viewport: dict[str, int], scheme: str = "light") -> None:
        self.context = browser.new_context(viewport=viewport, color_scheme=scheme)
        self.page = self.context.new_page()
        self.problems: list[str] = []
        self.dialogs: list[str] = []
        self.page.on(
            "console",
            lambda m: (
                self.problems.append(f"console {m.type}: {m.text}")
                if m.type in ("error", "warning")
                else None
            ),
        )
        self.page.on("pageerror", lambda e: self.problems.append(f"page error: {e}"))
        self.page.on("requestfailed", self._failed)

        def on_dialog(dialog: Any) -> None:
            self.dialogs.append(dialog.message)
            dialog.dismiss()

        self.page.on("dialog", on_dialog)

    def _failed(self, request: Any) -> None:
        # An image the browser stopped loading itself (the listener followed a link
        # before a lazy image arrived) is no fault of the page; a missing one is.
        if request.resource_type == "image" and request.failure == "net::ERR_ABORTED":
            return
        self.problems.append(f"failed: {request.url}")

    def open(self, url: str) -> Any:
        response = self.page.goto(url, wait_until="load")
        self.page.wait_for_load_state("networkidle")
        return response

    def close(self) -> None:
        self.context.close()


def screenshot(page: Any, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


@pytest.mark.parametrize("path", ["index.html", EPISODE])
@pytest.mark.parametrize(
    ("size", "viewport", "scheme"),
    [("desktop", DESKTOP, "light"), ("phone", PHONE, "light"), ("phone-dark", PHONE, "dark")],
)
def test_page_loads_cleanly_and_fits(browser, base_url, path, size, viewport, scheme) -> None:
    watched = Watched(browser, viewport, scheme)
    try:
        response = watched.open(base_url + path)
        assert response.status == 200
        page = watched.page
        name = "home" if path == "index.html" else "episode"
        screenshot(page, f"site-{name}-{size}")
        assert watched.problems == []
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= viewport["width"], f"horizontal scroll: {width}px wide"
        assert page.evaluate("getComputedStyle(document.body).margin") == "0px"  # CSS loaded
        assert page.evaluate("document.querySelectorAll('img:not([alt])').length") == 0
    finally:
        watched.close()


def test_chapter_links_seek_the_player(browser, base_url) -> None:
    watched = Watched(browser, DESKTOP)
    try:
        watched.open(base_url + EPISODE)
        page = watched.page
        page.wait_for_function("document.getElementById('player').readyState >= 1")
        page.click("a.chapter[data-start='2']")
        page.wait_for_function("Math.abs(document.getElementById('player').currentTime - 2) < 0.6")
        page.evaluate("document.getElementById('player').pause()")
        assert page.url == base_url + EPISODE  # the script handled it: no navigation
        page.focus("a.chapter[data-start='3']")  # keyboard: Tab to it, Enter
        page.keyboard.press("Enter")
        page.wait_for_function("Math.abs(document.getElementById('player').currentTime - 3) < 0.6")
        assert watched.problems == []
    finally:
        watched.close()


def test_a_soundbite_link_plays_its_moment(browser, base_url) -> None:
    watched = Watched(browser, DESKTOP)
    try:
        watched.open(base_url + EPISODE)
        page = watched.page
        page.wait_for_function("document.getElementById('player').readyState >= 1")
        link = "section.soundbites a[data-seek='player']"
        assert page.get_attribute(link, "href").endswith("001.mp3#t=1,3")  # without script
        page.click(link)
        page.wait_for_function("Math.abs(document.getElementById('player').currentTime - 1) < 0.6")
        page.evaluate("document.getElementById('player').pause()")
        assert page.url == base_url + EPISODE
        # a highlight seeks like a chapter but is never marked as the chapter playing
        assert page.get_attribute(link, "aria-current") is None
        assert watched.problems == []
    finally:
        watched.close()


def test_chapter_links_work_without_javascript(browser, base_url) -> None:
    context = browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(base_url + EPISODE)
        href = page.get_attribute("a.chapter[data-start='2']", "href")
        assert href == "../../audio/001.mp3#t=2"
        search = page.get_attribute("a.search-link", "href")
        assert search == "../../archive/index.html"  # without JS: the archive
    finally:
        context.close()


def test_search_finds_guests_tags_and_notes(browser, base_url) -> None:
    watched = Watched(browser, PHONE)
    try:
        watched.open(base_url + "index.html")
        watched.page.click("summary.menu-button")  # a phone: the navigation is in the menu
        watched.page.click("a.search-link")
        watched.page.wait_for_url("**/search/index.html")
        page = watched.page
        results = "document.getElementById('search-results')"
        for query, expected, count in (
            ("nunez", "Litio", 1),  # a guest, accent-folded: José Ñúñez
            ("freight rates", "Marta Oliveira", 1),  # words found only in the show notes
            ("stablecoins", "Zoë Dubois", 2),  # a tag, and the reading list page's text
        ):
            page.fill("#search-query", query)
            page.wait_for_function(f"{results}.textContent.includes({expected!r})")
            assert page.evaluate(f"{results}.children.length") == count, query
        first = page.locator("#search-results li").first
        assert "Zoë Dubois" in first.inner_text()  # the episode's topic ranks above the page
        assert page.locator("#search-results li").nth(1).locator("h2").inner_text() == (
            "Reading list"
        )
        page.click("#search-results a")
        page.wait_for_url("**/episodes/004-*/index.html")
        screenshot(page, "site-search-result-phone")
        assert watched.problems == []
    finally:
        watched.close()


def test_pages_work_from_disk(browser, site) -> None:
    watched = Watched(browser, PHONE)
    try:
        watched.open((site / EPISODE).as_uri())
        page = watched.page
        assert page.evaluate("getComputedStyle(document.body).margin") == "0px"
        assert page.evaluate("document.querySelector('img.art').naturalWidth") > 0
        page.click("a[rel=next]")
        page.wait_for_url("**/episodes/002-*/index.html")
        page.click("summary.menu-button")
        page.click("nav.site-nav >> text=Episodes")
        page.wait_for_url("**/archive/index.html")
        screenshot(page, "site-archive-file-phone")
        assert watched.problems == []
    finally:
        watched.close()


def test_hostile_show_notes_never_execute(browser, make_show, tmp_path: Path) -> None:
    files = {"001-episode.yaml": episode_yaml(1, description=HOSTILE)}
    out = publish(make_show(1, files=files, show_yaml=SITE_YAML), tmp_path / "out", NOW)
    watched = Watched(browser, DESKTOP)
    try:
        with serve(out) as url:
            watched.open(url + "episodes/001-episode/index.html")
            page = watched.page
            for link in page.query_selector_all(".prose a"):
                link.click(no_wait_after=True)  # a javascript: link would run now
                if page.url != url + "episodes/001-episode/index.html":
                    page.go_back()
            assert page.evaluate("typeof window.__pwned") == "undefined"
            assert watched.dialogs == []
            assert (
                page.evaluate("document.querySelectorAll('.prose script, .prose iframe').length")
                == 0
            )
            assert "Before" in page.inner_text(".prose")
    finally:
        watched.close()
