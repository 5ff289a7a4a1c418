"""The site's interface in the show's language: gettext catalogues, CLDR dates."""

from __future__ import annotations

import re
from pathlib import Path

from conftest import copy_example, publish_site
from gaepod.site.i18n import interface_strings, read_catalogue, translations
from gaepod.site.theme import TEMPLATES


def _spanish_show(tmp_path: Path) -> Path:
    show = copy_example(tmp_path)
    podcast = show / "podcast.yaml"
    one_language = podcast.read_text().split("# Two sides")[0]  # the show's Spanish side off
    podcast.write_text(one_language.replace("language: en", "language: es"))
    return show


def test_a_spanish_show_gets_its_interface_and_dates_in_spanish(tmp_path: Path) -> None:
    show = _spanish_show(tmp_path)
    out = tmp_path / "out"
    publish_site(show, out)
    page = out / "episodes/003-lukasz-wisniewski-archives-empires-uses-of-history/index.html"
    html = page.read_text()
    assert '<html lang="es">' in html
    for spanish in ("Notas del episodio", "Ir al contenido", "Escucha y suscríbete", "Capítulos"):
        assert spanish in html
    for english in ("Show notes", "Skip to content", "Listen &amp; subscribe", "Chapters<"):
        assert english not in html
    assert re.search(r"\d{1,2} de [a-z]+ de 20\d\d", html), "a date written the Spanish way"
    home = (out / "index.html").read_text()
    assert "Episodios recientes" in home and "Recent episodes" not in home


def test_the_package_catalogue_translates_every_interface_string() -> None:
    spanish = {
        entry.msgid: entry.msgstr
        for entry in read_catalogue(TEMPLATES.with_name("locale") / "es.po")
    }
    missing = sorted({s.msgid for s in interface_strings()} - {k for k, v in spanish.items() if v})
    assert missing == []
    assert translations("es").gettext("Show notes") == "Notas del episodio"
    assert translations("fr").gettext("Show notes") == "Show notes"  # no catalogue: English


def test_a_theme_catalogue_overrides_one_string_and_keeps_the_rest(tmp_path: Path) -> None:
    show = _spanish_show(tmp_path)
    locale = show / "theme" / "locale"
    locale.mkdir(parents=True)
    (locale / "es.po").write_text(
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
        'msgid "Show notes"\nmsgstr "De qué hablamos"\n'
    )
    out = tmp_path / "out"
    publish_site(show, out)
    html = (
        out / "episodes/003-lukasz-wisniewski-archives-empires-uses-of-history/index.html"
    ).read_text()
    assert "De qué hablamos" in html and "Notas del episodio" not in html
    assert "Capítulos" in html  # from the package's catalogue
