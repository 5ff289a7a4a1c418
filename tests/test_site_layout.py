"""The site's layout in a real browser (Playwright on Debian's Chromium): the menu on a
phone (with and without JavaScript), the home page's first screen, listings with one
episode, nothing wider than a phone, and screenshots at 375 and 1280 px for people to
look at (printed folder: $GAEPOD_ARTIFACTS or test-artifacts/).

The show is the bundled one without its newest episode (a bonus with no guest), so the
home page opens with an interview: art, title, guest and player.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from conftest import copy_example
from site_tools import ARTIFACTS, serve
from test_site import publish
from test_site_browser import DESKTOP, PHONE, Watched

EPISODE = "episodes/001-marta-oliveira-ports-pipelines-power/index.html"
GUEST = "guests/marta-oliveira/index.html"  # one episode
SMALL_PHONE = {"width": 320, "height": 640}
PAGES = [
    "index.html",
    EPISODE,
    "archive/index.html",
    GUEST,
    "guests/index.html",
    "tags/index.html",
    "search/index.html",
    "about/index.html",
    "es/index.html",
]


@pytest.fixture(scope="module")
def base_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    folder = tmp_path_factory.mktemp("layout")
    show = copy_example(folder)
    (show / "008-bonus-listener-mailbag-tariffs-treaties-questions.yaml").unlink()
    with serve(publish(show, folder / "public")) as url:
        yield url


def nav_labels(page: Any) -> list[str]:
    return page.eval_on_selector_all(
        "nav.site-nav a, nav.lang-switch a", "links => links.map(a => a.textContent.trim())"
    )


def visible_labels(page: Any) -> list[str]:
    return page.eval_on_selector_all(
        "nav.site-nav a, nav.lang-switch a",
        "links => links.filter(a => a.checkVisibility() && a.getBoundingClientRect().right"
        " <= innerWidth).map(a => a.textContent.trim())",
    )


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_the_menu_button_reveals_every_navigation_item(browser, base_url, javascript) -> None:
    context = browser.new_context(viewport=PHONE, java_script_enabled=javascript)
    try:
        page = context.new_page()
        page.goto(base_url + EPISODE)
        labels = nav_labels(page)
        assert {"Episodes", "About", "Topics", "Guests", "Search", "Español"} <= set(labels)
        assert len(labels) >= 11
        button = page.locator("summary.menu-button")
        assert button.inner_text() == "Menu"
        assert visible_labels(page) == []  # folded away: the page starts with its content
        button.click()
        assert visible_labels(page) == labels
        for link in page.query_selector_all("nav.site-nav a"):
            box = link.bounding_box()
            assert box["height"] >= 44, "a finger-sized target"
        page.click("nav.site-nav >> text=Guests")
        page.wait_for_url("**/guests/index.html")
        assert visible_labels(page) == []  # a new page: the menu is closed again
    finally:
        context.close()


def test_wide_screens_show_the_navigation_without_a_menu(browser, base_url) -> None:
    watched = Watched(browser, DESKTOP)
    try:
        watched.open(base_url + EPISODE)
        page = watched.page
        assert page.is_hidden("summary.menu-button")
        assert visible_labels(page) == nav_labels(page)
        assert watched.problems == []
    finally:
        watched.close()


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["375", "1280"])
def test_home_opens_with_the_latest_episode_and_its_player(browser, base_url, viewport) -> None:
    watched = Watched(browser, viewport)
    try:
        watched.open(base_url + "index.html")
        page = watched.page
        featured = page.locator("section.featured")
        assert "Hana Kobayashi" in featured.locator("h2").inner_text()
        for part in (".featured-art img", "h2 a", ".guests a", ".pp-play", ".pp-seek"):
            box = featured.locator(part).bounding_box()
            assert box is not None and box["y"] + box["height"] <= viewport["height"], part
        assert featured.locator(".guests").inner_text() == "With Hana Kobayashi"
        headings = page.eval_on_selector_all("main h2", "hs => hs.map(h => h.id)")
        assert headings.index("featured-heading") < headings.index("recent-heading")
        assert headings.index("recent-heading") < headings.index("about-heading")
        assert page.locator("section.recent .card").count() == 7
        assert watched.problems == []
    finally:
        watched.close()


def test_an_episode_page_has_its_player_on_the_first_phone_screen(browser, base_url) -> None:
    watched = Watched(browser, PHONE)
    try:
        watched.open(base_url + EPISODE)
        page = watched.page
        for part in ("img.art", "h1", ".episode-title .guests", ".pp-play", ".pp-speed"):
            box = page.locator(part).bounding_box()
            assert box is not None and box["y"] + box["height"] <= PHONE["height"], part
        play, speed = (
            page.locator(".pp-play").bounding_box(),
            page.locator(".pp-speed").bounding_box(),
        )
        assert abs(play["y"] + play["height"] / 2 - (speed["y"] + speed["height"] / 2)) < 2
        assert watched.problems == []
    finally:
        watched.close()


def test_episode_pages_end_with_the_recent_episodes(browser, base_url) -> None:
    watched = Watched(browser, DESKTOP)
    try:
        watched.open(base_url + EPISODE)
        recent = watched.page.locator("section.recent")
        assert recent.locator("h2").inner_text() == "Recent episodes"
        titles = recent.locator(".card-title").all_inner_texts()
        assert 1 <= len(titles) <= 4
        assert not [t for t in titles if "Marta Oliveira" in t]  # not the page's own
        assert recent.locator("a", has_text="All episodes").count() == 1
    finally:
        watched.close()


def test_a_listing_with_one_episode_looks_meant(browser, base_url) -> None:
    watched = Watched(browser, DESKTOP)
    try:
        watched.open(base_url + GUEST)
        page = watched.page
        listing = page.locator(".listing").bounding_box()
        card = page.locator(".card").bounding_box()
        assert page.locator(".card").count() == 1
        # One column as wide as the listing, the listing centred on the page.
        assert card["width"] > 0.85 * listing["width"]
        left = listing["x"]
        right = DESKTOP["width"] - (listing["x"] + listing["width"])
        assert abs(left - right) < 20
    finally:
        watched.close()


@pytest.mark.parametrize("viewport", [SMALL_PHONE, PHONE], ids=["320", "375"])
def test_nothing_scrolls_sideways_on_a_phone(browser, base_url, viewport) -> None:
    watched = Watched(browser, viewport)
    try:
        for path in PAGES:
            watched.open(base_url + path)
            page = watched.page
            width = page.evaluate("document.documentElement.scrollWidth")
            assert width <= viewport["width"], (path, width)
            page.click("summary.menu-button")
            width = page.evaluate("document.documentElement.scrollWidth")
            assert width <= viewport["width"], (path, "menu open", width)
        assert watched.problems == []
    finally:
        watched.close()


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["375", "1280"])
def test_screenshots_for_people_to_look_at(browser, base_url, viewport) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    watched = Watched(browser, viewport)
    try:
        for name, path in (("home", "index.html"), ("episode", EPISODE), ("guest", GUEST)):
            watched.open(base_url + path)
            shot = ARTIFACTS / f"layout-{name}-{viewport['width']}.png"
            watched.page.screenshot(path=str(shot), full_page=True)
            assert shot.stat().st_size > 10_000
        print(f"screenshots in {ARTIFACTS}")
        assert watched.problems == []
    finally:
        watched.close()
