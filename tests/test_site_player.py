"""The episode player in a real browser (Playwright on Debian's Chromium).

The bundled show's first episode gets 100 s of real MP3 and chapters at 0, 20, 45 and
70 s, so skips, marks and resume have room. Each test asserts what the listener's
browser does (currentTime, playbackRate, localStorage, the lock screen's handlers),
with no console error; and that without JavaScript the page is the browser's own
<audio controls> and a download link.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from conftest import copy_example, mp3_bytes
from site_tools import serve
from test_site import publish
from test_site_browser import DESKTOP, PHONE, Watched

EPISODE = "episodes/001-marta-oliveira-ports-pipelines-power/index.html"
SPANISH_EPISODE = (
    "episodes/003-es-lukasz-wisniewski-archivos-imperios-usos-de-la-historia/index.html"
)
PLAYER = "document.getElementById('player')"
# Records what the page gives the lock screen (Media Session), to call it as the OS would.
MEDIA_SESSION_SPY = """
window.__actions = {};
if (navigator.mediaSession) {
  const set = navigator.mediaSession.setActionHandler.bind(navigator.mediaSession);
  navigator.mediaSession.setActionHandler = (action, handler) => {
    window.__actions[action] = handler;
    set(action, handler);
  };
}
"""


@pytest.fixture(scope="module")
def base_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    folder = tmp_path_factory.mktemp("player")
    show = copy_example(folder)
    (show / "audio/001.mp3").write_bytes(mp3_bytes(100.0))
    episode = show / "001-marta-oliveira-ports-pipelines-power.yaml"
    text = episode.read_text()
    for old, new in (("00:00:01.000", "00:00:20.000"), ("00:00:02.000", "00:00:45.000")):
        text = text.replace(old, new)
    episode.write_text(text.replace("00:00:03.000", "00:01:10.000"))
    with serve(publish(show, folder / "public")) as url:
        yield url


class Listening(Watched):
    """A watched page where a media request the browser cancels itself is no problem:
    it stops fetching audio after the metadata (preload) and drops a range when the
    listener seeks elsewhere. Any other failed request still is."""

    def __init__(self, browser: Any, viewport: dict[str, int]) -> None:
        super().__init__(browser, viewport)
        self.cancelled: list[str] = []
        self.page.on("requestfailed", self._cancelled)

    def _cancelled(self, request: Any) -> None:
        if request.resource_type == "media" and request.failure == "net::ERR_ABORTED":
            self.cancelled.append(f"failed: {request.url}")

    @property
    def errors(self) -> list[str]:
        cancelled = list(self.cancelled)
        kept = []
        for problem in self.problems:
            if problem in cancelled:
                cancelled.remove(problem)
            else:
                kept.append(problem)
        return kept


def opened(browser: Any, url: str, viewport: dict[str, int] = DESKTOP) -> Listening:
    watched = Listening(browser, viewport)
    watched.page.add_init_script(MEDIA_SESSION_SPY)
    watched.open(url)
    watched.page.wait_for_function(f"{PLAYER}.readyState >= 1")
    return watched


def at(page: Any, seconds: float) -> None:
    """Wait until the player is at `seconds` (give or take a frame)."""
    page.wait_for_function(f"Math.abs({PLAYER}.currentTime - {seconds}) < 0.6")


def test_the_player_replaces_the_browser_controls(browser, base_url) -> None:
    watched = opened(browser, base_url + EPISODE, PHONE)
    try:
        page = watched.page
        assert page.evaluate(f"{PLAYER}.controls") is False
        assert page.is_hidden("#player")
        assert page.is_visible(".player-ui")
        for name in ("Play", "Back 15 seconds", "Forward 30 seconds", "Next chapter"):
            assert page.get_by_role("button", name=name, exact=True).is_visible(), name
        assert page.get_by_role("slider", name="Position").get_attribute("aria-valuetext") == (
            "0:00 of 1:40"
        )
        assert page.inner_text(".pp-remaining") == "\u22121:40"
        assert page.inner_text(".pp-now") == "Chapter 1 of 4 Introduction"
        assert page.get_attribute(".pp-now", "aria-live") == "polite"
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        assert watched.errors == []
    finally:
        watched.close()


def test_the_buttons_change_the_time_and_the_speed(browser, base_url) -> None:
    watched = opened(browser, base_url + EPISODE)
    try:
        page = watched.page
        page.click(".pp-forward")
        at(page, 30)
        page.click(".pp-forward")
        at(page, 60)
        page.click(".pp-back")
        at(page, 45)
        assert page.inner_text(".pp-chapter-title") == "Pipelines as contracts in steel"
        assert page.inner_text(".pp-elapsed") == "0:45"
        rates = []
        for _ in range(6):
            page.click(".pp-speed")
            rates.append(page.evaluate(f"{PLAYER}.playbackRate"))
        assert rates == [1.25, 1.5, 1.75, 2, 0.75, 1]
        page.click(".pp-speed")
        assert page.inner_text(".pp-rate") == "1.25×"
        play = page.locator(".pp-play")
        play.click()
        page.wait_for_function(f"!{PLAYER}.paused && {PLAYER}.currentTime > 45.2")
        assert play.get_attribute("aria-label") == "Pause"
        play.click()
        page.wait_for_function("document.querySelector('.pp-play').ariaLabel === 'Play'")
        page.click(".pp-next")
        at(page, 70)
        page.click(".pp-prev")  # just past a chapter's start: the previous chapter
        at(page, 45)
        page.reload()  # the chosen speed is the listener's, on every episode
        page.wait_for_function(f"{PLAYER}.readyState >= 1")
        assert page.evaluate(f"{PLAYER}.playbackRate") == 1.25
        assert watched.errors == []
    finally:
        watched.close()


def test_a_chapter_mark_on_the_timeline_seeks(browser, base_url) -> None:
    watched = opened(browser, base_url + EPISODE)
    try:
        page = watched.page
        marks = page.locator(".pp-mark")
        assert marks.count() == 3  # the chapter at 0:00 needs no mark
        assert marks.nth(1).get_attribute("title") == "0:45 Pipelines as contracts in steel"
        box = page.locator(".pp-timeline").bounding_box()
        mark = marks.nth(1).bounding_box()
        assert box["x"] + 0.4 * box["width"] < mark["x"] < box["x"] + 0.5 * box["width"]
        marks.nth(1).click()
        at(page, 45)
        page.wait_for_function(
            "document.querySelector('.pp-chapter-title').textContent"
            " === 'Pipelines as contracts in steel'"
        )
        current = page.locator("a.chapter[aria-current=true]")
        assert current.get_attribute("data-start") == "45"
        page.click("a.chapter[data-start='70']")  # the chapter list seeks (and plays) too
        page.wait_for_function(f"!{PLAYER}.paused && {PLAYER}.currentTime >= 70")
        page.evaluate(f"{PLAYER}.pause()")
        assert page.url == base_url + EPISODE
        assert watched.errors == []
    finally:
        watched.close()


def test_a_highlight_plays_to_its_end_and_stops(browser, base_url) -> None:
    watched = opened(browser, base_url + EPISODE)
    try:
        page = watched.page
        highlight = page.locator("a[data-seek='player']")
        assert highlight.get_attribute("href") == "../../audio/001.mp3#t=20,22"
        highlight.click()
        page.wait_for_function(f"!{PLAYER}.paused")
        page.wait_for_function(f"{PLAYER}.paused", timeout=10_000)
        assert 21.9 <= page.evaluate(f"{PLAYER}.currentTime") < 23
        assert page.url == base_url + EPISODE
        assert watched.errors == []
    finally:
        watched.close()


def test_reloading_resumes_where_the_listener_left_off(browser, base_url) -> None:
    watched = opened(browser, base_url + EPISODE)
    try:
        page = watched.page
        page.click(".pp-forward")
        page.click(".pp-forward")
        at(page, 60)
        page.reload()
        page.wait_for_function(f"{PLAYER}.readyState >= 1")
        at(page, 60)
        assert page.inner_text(".pp-resume") == "Resumed at 1:00. Start over"
        assert page.inner_text(".pp-now") == "Chapter 3 of 4 Pipelines as contracts in steel"
        page.click(".pp-restart")
        at(page, 0)
        page.reload()
        page.wait_for_function(f"{PLAYER}.readyState >= 1")
        assert page.evaluate(f"{PLAYER}.currentTime") == 0
        assert page.is_hidden(".pp-resume")
        # Near the end the episode counts as heard: the next visit starts it again.
        page.evaluate(f"{PLAYER}.currentTime = 98")
        page.wait_for_function(f"{PLAYER}.currentTime > 97 && !{PLAYER}.seeking")
        page.reload()
        page.wait_for_function(f"{PLAYER}.readyState >= 1")
        assert page.evaluate(f"{PLAYER}.currentTime") == 0
        keys = page.evaluate("Object.keys(localStorage)")
        assert not [k for k in keys if k.startswith("gaepod:position:")]
        assert watched.errors == []
    finally:
        watched.close()


def test_a_time_in_the_address_seeks(browser, base_url) -> None:
    watched = opened(browser, base_url + EPISODE + "#t=1:05")
    try:
        page = watched.page
        at(page, 65)
        assert page.is_hidden(".pp-resume")  # asked for, not resumed
        page.evaluate("location.hash = 't=25'")
        at(page, 25)
        assert watched.errors == []
    finally:
        watched.close()


def test_keyboard_shortcuts_never_take_typing_or_a_focused_button(browser, base_url) -> None:
    watched = opened(browser, base_url + EPISODE)
    try:
        page = watched.page
        page.locator("h1").click()  # focus on the page, not on a control
        page.keyboard.press("l")
        at(page, 30)
        page.keyboard.press("j")
        at(page, 15)
        page.keyboard.press("ArrowRight")
        at(page, 45)
        page.keyboard.press("n")
        at(page, 70)
        page.keyboard.press(">")
        assert page.evaluate(f"{PLAYER}.playbackRate") == 1.25
        page.keyboard.press("<")
        assert page.evaluate(f"{PLAYER}.playbackRate") == 1
        page.keyboard.press("k")
        page.wait_for_function(f"!{PLAYER}.paused")
        page.keyboard.press(" ")
        page.wait_for_function(f"{PLAYER}.paused")
        # Space on a focused button presses that button, and only that.
        page.focus(".pp-back")
        before = page.evaluate(f"{PLAYER}.currentTime")
        page.keyboard.press(" ")
        at(page, before - 15)
        assert page.evaluate(f"{PLAYER}.paused") is True
        # On the timeline the arrows nudge by 5 s.
        page.focus(".pp-seek")
        before = page.evaluate(f"{PLAYER}.currentTime")
        page.keyboard.press("ArrowRight")
        at(page, before + 5)
        # Typing in a field types: no shortcut fires.
        page.evaluate(
            "document.querySelector('.notes').insertAdjacentHTML("
            "'beforeend', '<label>Note <input id=typed></label>')"
        )
        page.focus("#typed")
        before = page.evaluate(f"{PLAYER}.currentTime")
        page.keyboard.type("kjl n")
        assert page.input_value("#typed") == "kjl n"
        assert page.evaluate(f"{PLAYER}.currentTime") == before
        assert page.evaluate(f"{PLAYER}.paused") is True
        page.keyboard.press("Control+l")  # the browser's, not ours
        assert page.evaluate(f"{PLAYER}.currentTime") == before
        assert watched.errors == []
    finally:
        watched.close()


def test_the_lock_screen_gets_the_episode_and_skips_chapters(browser, base_url) -> None:
    watched = opened(browser, base_url + EPISODE)
    try:
        page = watched.page
        page.click(".pp-play")
        page.wait_for_function(f"!{PLAYER}.paused")
        page.click(".pp-play")
        metadata = page.evaluate(
            "({title: navigator.mediaSession.metadata.title,"
            " artist: navigator.mediaSession.metadata.artist,"
            " album: navigator.mediaSession.metadata.album,"
            " art: navigator.mediaSession.metadata.artwork.map(a => a.src)})"
        )
        assert metadata == {
            "title": "Marta Oliveira: Ports, Pipelines, & Power?",
            "artist": "Adrián Calloway",
            "album": "Crossroads & Currents",
            "art": [base_url + "art/cover.jpg"],
        }
        actions = page.evaluate("Object.keys(window.__actions).sort()")
        for action in ("nexttrack", "pause", "play", "previoustrack", "seekbackward"):
            assert action in actions
        page.evaluate("window.__actions.nexttrack({action: 'nexttrack'})")
        at(page, 20)
        page.evaluate("window.__actions.seekforward({action: 'seekforward'})")
        at(page, 50)
        page.evaluate("window.__actions.seekto({action: 'seekto', seekTime: 80})")
        at(page, 80)
        page.evaluate("window.__actions.previoustrack({action: 'previoustrack'})")
        at(page, 70)
        assert watched.errors == []
    finally:
        watched.close()


def test_the_spanish_side_speaks_spanish(browser, base_url) -> None:
    watched = Listening(browser, PHONE)
    try:
        watched.open(base_url + SPANISH_EPISODE)
        page = watched.page
        assert page.get_by_role("button", name="Retroceder 15 segundos").is_visible()
        assert page.get_by_role("slider", name="Posición").is_visible()
        assert page.inner_text(".pp-now").startswith("Capítulo 1 de ")
        assert watched.errors == []
    finally:
        watched.close()


def test_without_javascript_the_browser_plays_it(browser, base_url) -> None:
    context = browser.new_context(java_script_enabled=False, viewport=PHONE)
    try:
        page = context.new_page()
        page.goto(base_url + EPISODE)
        assert page.is_visible("audio#player[controls]")
        assert page.is_hidden(".player-ui")
        assert page.get_attribute(".downloads a[download]", "href") == "../../audio/001.mp3"
    finally:
        context.close()


def test_a_missing_audio_file_gives_back_the_download_link(browser, base_url) -> None:
    watched = Listening(browser, DESKTOP)
    try:
        page = watched.page
        page.route("**/audio/001.mp3", lambda route: route.fulfill(status=404, body=""))
        page.goto(base_url + EPISODE)
        page.wait_for_selector(".pp-failed")
        assert page.is_hidden(".player-ui")
        assert page.evaluate(f"{PLAYER}.controls") is True
        assert page.is_visible(".downloads a[download]")
    finally:
        watched.close()


def test_the_player_file_is_plain_script() -> None:
    """No framework, no network: the script fetches nothing and imports nothing."""
    from gaepod.site.theme import TEMPLATES

    script = (TEMPLATES.with_name("static") / "player.js").read_text()
    for forbidden in ("import ", "require(", "fetch(", "XMLHttpRequest", "http://", "https://"):
        assert forbidden not in script, forbidden
