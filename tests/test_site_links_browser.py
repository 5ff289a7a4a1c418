"""Icons, copy links and the click-to-load video in a real browser (Debian's chromium).

The example show's episode 3 has a YouTube video: the page must send no request
beyond 127.0.0.1 until the listener clicks it, and the click must create the
privacy-enhanced player. YouTube itself is never reached: every request to another
host is aborted and recorded.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from conftest import copy_example
from site_tools import ARTIFACTS, serve
from test_site import NOW, publish

EPISODE = "episodes/003-lukasz-wisniewski-archives-empires-uses-of-history/index.html"
EMBED = "https://www.youtube-nocookie.com/embed/Cx3mP7qLw2E?autoplay=1"
WATCH = "https://www.youtube.com/watch?v=Cx3mP7qLw2E"
FEED = "https://crossroads.example.org/feed.xml"


@pytest.fixture(scope="module")
def base_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    folder = tmp_path_factory.mktemp("links-browser")
    site = publish(copy_example(folder), folder / "public", NOW)
    with serve(site) as url:
        yield url


class Recorded:
    """A page whose every request is recorded; requests to other hosts are aborted."""

    def __init__(self, browser: Any, **options: Any) -> None:
        self.context = browser.new_context(viewport={"width": 1280, "height": 900}, **options)
        self.page = self.context.new_page()
        self.requests: list[str] = []
        self.aborted: list[str] = []
        self.errors: list[str] = []
        self.page.on("request", lambda request: self.requests.append(request.url))
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.context.route("**/*", self._route)

    def _route(self, route: Any) -> None:
        if urlsplit(route.request.url).hostname == "127.0.0.1":
            route.continue_()
        else:
            self.aborted.append(route.request.url)
            route.abort()

    def open(self, url: str) -> None:
        self.page.goto(url, wait_until="load")
        self.page.wait_for_load_state("networkidle")

    def outside(self) -> list[str]:
        return [url for url in self.requests if urlsplit(url).hostname != "127.0.0.1"]

    def close(self) -> None:
        self.context.close()


def test_no_request_leaves_the_site_before_the_video_is_clicked(browser: Any, base_url: str):
    tab = Recorded(browser)
    tab.open(f"{base_url}{EPISODE}")
    page = tab.page
    page.mouse.wheel(0, 5000)  # lazy images below the fold load too
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(300)
    assert tab.outside() == []
    assert page.locator("iframe").count() == 0
    facade = page.locator(".video-frame a.video-facade")
    assert facade.get_attribute("href") == WATCH
    facade.scroll_into_view_if_needed()
    page.screenshot(path=_artifact("video-facade.png"))
    facade.click()
    iframe = page.locator(".video-frame iframe")
    iframe.wait_for(state="attached")
    assert iframe.get_attribute("src") == EMBED
    assert "autoplay" in (iframe.get_attribute("allow") or "")
    assert iframe.get_attribute("title", timeout=1000).startswith("Video: ")
    assert page.url == f"{base_url}{EPISODE}"  # the link was not followed
    page.wait_for_timeout(300)
    # The click is the first time anything was asked of another host: the player only.
    assert tab.outside() and all(u.startswith(EMBED.split("?")[0]) for u in tab.outside())
    assert tab.aborted == tab.outside()
    tab.close()


def test_without_javascript_the_video_and_copy_links_are_plain_links(browser: Any, base_url):
    tab = Recorded(browser, java_script_enabled=False)
    tab.open(f"{base_url}{EPISODE}")
    page = tab.page
    assert page.locator(".video-frame a.video-facade").get_attribute("href") == WATCH
    assert page.locator("a.copy-feed").first.get_attribute("href") == FEED
    assert tab.outside() == []
    tab.close()


def test_icons_render_beside_their_labels(browser: Any, base_url: str) -> None:
    tab = Recorded(browser)
    tab.open(f"{base_url}index.html")
    page = tab.page
    buttons = page.locator("footer .subscribe a.button")
    assert buttons.count() == 14  # the example's 12 platforms, RSS, copy
    for index in range(buttons.count()):
        button = buttons.nth(index)
        icon = button.locator("svg.icon")
        box = icon.bounding_box()
        assert box and 12 <= box["width"] <= 24 and 12 <= box["height"] <= 24
        assert icon.get_attribute("aria-hidden") == "true"
        assert button.inner_text().strip()  # a text label, read by everyone
        fill = icon.evaluate("e => getComputedStyle(e).fill")
        colour = button.evaluate("e => getComputedStyle(e).color")
        assert fill == colour  # currentColor: icons follow the theme, light or dark
    assert page.get_by_role("link", name="Spotify").first.is_visible()
    assert tab.outside() == [] and tab.errors == []
    tab.close()


def test_the_copy_buttons_copy_the_feed_and_the_episode_link(browser: Any, base_url: str):
    tab = Recorded(browser, permissions=["clipboard-read", "clipboard-write"])
    tab.open(f"{base_url}index.html")
    page = tab.page
    button = page.locator("footer a.copy-feed")
    button.click()
    assert page.evaluate("navigator.clipboard.readText()") == FEED
    assert button.inner_text().strip() == "Feed URL copied"
    page.wait_for_function(
        "[...document.querySelectorAll('[role=status]')]"
        ".some(e => e.textContent === 'Feed URL copied')"
    )
    assert page.url == f"{base_url}index.html"
    button.locator("span").filter(has_text="Copy feed URL").wait_for(timeout=5000)
    tab.open(f"{base_url}{EPISODE}")
    page.locator("a.copy-link").click()
    assert page.evaluate("navigator.clipboard.readText()") == (
        "https://crossroads.example.org/episodes/003-lukasz-wisniewski-archives-empires-uses-of-history/"
    )
    assert tab.errors == []
    tab.close()


def _artifact(name: str) -> str:
    ARTIFACTS.mkdir(exist_ok=True)
    return str(Path(ARTIFACTS) / name)


GUEST = "guests/dr-lukasz-wisniewski/index.html"


@pytest.mark.parametrize(("scale", "large", "small"), [(1, 240, 64), (2, 480, 128)])
def test_guest_photos_come_in_the_size_the_screen_needs(
    browser: Any, base_url: str, scale: int, large: int, small: int
) -> None:
    tab = Recorded(browser, device_scale_factor=scale)
    tab.open(f"{base_url}{GUEST}")
    photo = tab.page.locator("img.guest-photo-large")
    photo.scroll_into_view_if_needed()
    tab.page.wait_for_function("document.querySelector('img.guest-photo-large').complete")
    source = photo.evaluate("e => [e.currentSrc, e.naturalWidth, e.getBoundingClientRect().width]")
    # naturalWidth is in CSS pixels: the 2x file is twice as wide as its place
    assert source[0].endswith(f"-{large}.jpg") and source[1] * scale == large
    assert source[2] == 240
    assert photo.get_attribute("alt") == "Photo of Dr. Łukasz Wiśniewski"
    tab.open(f"{base_url}{EPISODE}")
    avatar = tab.page.locator(".guest-bios img.guest-photo-small")
    avatar.scroll_into_view_if_needed()
    tab.page.wait_for_function("document.querySelector('.guest-bios img').complete")
    assert avatar.evaluate("e => e.currentSrc").endswith(f"-{small}.jpg")
    assert avatar.evaluate("e => e.naturalWidth") * scale == small
    assert tab.outside() == [] and tab.errors == []
    if scale == 2:
        tab.page.set_viewport_size({"width": 375, "height": 740})
        tab.open(f"{base_url}{GUEST}")
        tab.page.screenshot(path=_artifact("guest-375.png"), full_page=True)
    tab.close()
