"""The Spanish side of the bundled show in a real browser: its pages are Spanish pages,
the language switch leads to the same page in the other language, and every hreflang
alternate (pages and sitemap) is a page that exists."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from conftest import copy_example
from gaepod.site.i18n import interface_strings, translations
from site_tools import serve
from test_site import NOW, publish

LINK = "https://crossroads.example.org/"
ENGLISH_003 = "episodes/003-lukasz-wisniewski-archives-empires-uses-of-history/index.html"
SPANISH_003 = "episodes/003-es-lukasz-wisniewski-archivos-imperios-usos-de-la-historia/index.html"
SPANISH_PAGES = [
    "es/index.html",
    "es/archive/index.html",
    "es/tags/index.html",
    "es/guests/index.html",
    "es/search/index.html",
    "es/miembros/index.html",
    "episodes/006-jose-nunez-litio-agua-soberania/index.html",
    SPANISH_003,
]


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("languages")
    return publish(copy_example(folder), folder / "public", NOW)


@pytest.fixture(scope="module")
def base_url(site: Path) -> Iterator[str]:
    with serve(site) as url:
        yield url


def english_interface_strings() -> list[str]:
    """The catalogue's strings that read differently in Spanish, as whole English words
    long enough not to occur inside Spanish text by chance."""
    spanish = translations("es")
    found = set()
    for string in interface_strings():
        text = string.msgid
        if "%(" in text or "{" in text or "<" in text or "&" in text or len(text) < 5:
            continue
        if spanish.gettext(text) != text:
            found.add(text)
    return sorted(found)


# The page's text in its own language: what a listener reads as the interface and the
# content, without the parts marked as another language (the switch's "English").
VISIBLE_SPANISH = """() => {
  const body = document.body.cloneNode(true);
  for (const other of body.querySelectorAll('[lang]:not([lang^="es"])')) other.remove();
  for (const hidden of body.querySelectorAll('script, style')) hidden.remove();
  const labels = [...body.querySelectorAll('[aria-label], [title], [alt]')].map(
    (e) => ['aria-label', 'title', 'alt'].map((name) => e.getAttribute(name)).join(' '));
  return body.textContent + ' ' + labels.join(' ');
}"""


def test_spanish_pages_are_spanish_through_and_through(browser: Any, base_url: str) -> None:
    english = english_interface_strings()
    assert {"Show notes", "Skip to content", "Recent episodes", "All episodes"} <= set(english)
    page = browser.new_page()
    for relpath in SPANISH_PAGES:
        page.goto(base_url + relpath)
        assert page.evaluate("document.documentElement.lang") == "es", relpath
        text = page.evaluate(VISIBLE_SPANISH)
        leaked = [s for s in english if re.search(rf"\b{re.escape(s)}\b", text)]
        assert leaked == [], (relpath, leaked)
    page.goto(base_url + "es/index.html")
    assert page.locator("h2#recent-heading").inner_text() == "Episodios recientes"
    assert re.search(r"\d{1,2} de [a-z]+ de 20\d\d", page.locator("main").inner_text())
    page.close()


def test_the_language_switch_leads_to_the_same_page_in_the_other_language(
    browser: Any, base_url: str
) -> None:
    page = browser.new_page()
    page.goto(base_url + SPANISH_003)
    page.locator(".lang-switch a[hreflang=en]").click()
    page.wait_for_url(base_url + ENGLISH_003)
    assert page.evaluate("document.documentElement.lang") == "en"
    assert page.locator(".lang-switch a[aria-current]").inner_text() == "English"
    page.locator(".lang-switch a[hreflang=es]").click()
    page.wait_for_url(base_url + SPANISH_003)
    page.goto(base_url + "es/archive/index.html")
    page.locator(".lang-switch a[hreflang=en]").click()
    page.wait_for_url(base_url + "archive/index.html")
    # A page with no Spanish version (an English-only episode) leads to the Spanish home.
    page.goto(base_url + "episodes/001-marta-oliveira-ports-pipelines-power/index.html")
    page.locator(".lang-switch a[hreflang=es]").click()
    page.wait_for_url(base_url + "es/index.html")
    page.close()


def test_every_hreflang_alternate_is_a_page_that_exists(
    browser: Any, base_url: str, site: Path
) -> None:
    page = browser.new_page()
    seen = 0
    only_spanish = "episodes/006-jose-nunez-litio-agua-soberania/index.html"
    for relpath in [*SPANISH_PAGES, ENGLISH_003, "index.html", "archive/index.html"]:
        page.goto(base_url + relpath)
        alternates = page.eval_on_selector_all(
            "link[rel=alternate][hreflang]", "links => links.map(l => [l.hreflang, l.href])"
        )
        if relpath == only_spanish:
            assert alternates == []  # no English version: no alternates, no x-default
            continue
        languages = [lang for lang, _href in alternates]
        assert languages == ["en", "es", "x-default"], (relpath, alternates)
        assert relpath.removesuffix("index.html") in [
            href.removeprefix(LINK) for _lang, href in alternates
        ], "a page lists itself among its alternates"
        for _lang, href in alternates:
            assert href.startswith(LINK)
            response = page.request.get(base_url + href.removeprefix(LINK))
            assert response.status == 200, href
            seen += 1
    assert seen >= 20
    page.close()
    sitemap = ET.parse(site / "sitemap.xml").getroot()
    xhtml = "{http://www.w3.org/1999/xhtml}link"
    links = [link.get("href", "") for link in sitemap.iter(xhtml)]
    assert len(links) > 10
    for href in links:
        local = site / href.removeprefix(LINK)
        assert (local / "index.html").is_file() or local.is_file(), href
