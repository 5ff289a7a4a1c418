"""A show in several languages: one feed per language, each with its own ledger."""

from __future__ import annotations

import re
from pathlib import Path

import feedparser
import podcastparser
import pytest

from conftest import copy_example, publish_feed, run_check
from gaepod.errors import InvalidShowError

SPANISH_EPISODE = "006-jose-nunez-litio-agua-soberania.yaml"


def one_language(show: Path) -> str:
    """podcast.yaml of the bundled show without its Spanish side."""
    return (show / "podcast.yaml").read_text().split("# Two sides")[0]


def bilingual(folder: Path, default_feed: str | None = None) -> Path:
    """The bundled show: English and Spanish (`default_feed: all` as it ships)."""
    show = copy_example(folder)
    if default_feed:
        podcast = show / "podcast.yaml"
        text = podcast.read_text()
        assert "default_feed: all\n" in text
        podcast.write_text(text.replace("default_feed: all\n", f"default_feed: {default_feed}\n"))
    return show


def _parsed(path: Path) -> tuple[feedparser.FeedParserDict, dict[str, object]]:
    with path.open("rb") as handle:
        apps_view = podcastparser.parse(str(path), handle)
    return feedparser.parse(path.read_bytes()), apps_view


def test_each_language_gets_its_own_feed(tmp_path: Path) -> None:
    show, out = bilingual(tmp_path), tmp_path / "out"
    publish_feed(show, out)
    main, main_app = _parsed(out / "feed.xml")
    spanish, spanish_app = _parsed(out / "es" / "feed.xml")
    # The main feed keeps every episode it always carried (default_feed: all).
    assert len(main.entries) == 9 and len(main_app["episodes"]) == 9
    assert [e.title for e in spanish.entries] == [
        "José Ñúñez: ¿Litio, Agua, y Soberanía en los Andes?",
        "Dr. Łukasz Wiśniewski: ¿Archivos, Imperios, y los Usos de la Historia?",
    ]
    assert len(spanish_app["episodes"]) == 2
    assert main.feed.language == "en" and spanish.feed.language == "es"
    assert spanish.feed.title == "Crossroads & Currents (Español)"
    assert spanish_app["title"] == "Crossroads & Currents (Español)"
    assert "podcast independiente de entrevistas" in str(spanish_app["description"])
    assert spanish.feed.subtitle.startswith("Conversaciones a fondo")
    self_links = [
        next(link.href for link in parsed.feed.links if link.rel == "self")
        for parsed in (main, spanish)
    ]
    assert self_links == [
        "https://crossroads.example.org/feed.xml",
        "https://crossroads.example.org/es/feed.xml",
    ]
    assert spanish.feed.link == "https://crossroads.example.org/es/"
    guids = [parsed.feed.get("podcast_guid") for parsed in (main, spanish)]
    raw = [(out / p).read_text() for p in ("feed.xml", "es/feed.xml")]
    feed_guids = [text.split("<podcast:guid>")[1].split("<")[0] for text in raw]
    assert len(set(feed_guids)) == 2, guids
    assert (show / "published-es.yaml").is_file()
    assert "011ceeda-d1a5-405a-96f3-b376ec68d148" in (show / "published-es.yaml").read_text()


def test_the_main_feed_can_carry_only_its_own_language(tmp_path: Path) -> None:
    show, out = bilingual(tmp_path, "own"), tmp_path / "out"
    publish_feed(show, out)
    main, _ = _parsed(out / "feed.xml")
    assert len(main.entries) == 7
    assert all(e.get("language", "en") == "en" for e in main.entries)


def test_the_ledger_protects_every_feed(tmp_path: Path) -> None:
    show, out = bilingual(tmp_path), tmp_path / "out"
    publish_feed(show, out)
    before = {p: (out / p).read_bytes() for p in ("feed.xml", "es/feed.xml")}
    episode = show / SPANISH_EPISODE
    episode.write_text(
        episode.read_text().replace(
            "guid: 011ceeda-d1a5-405a-96f3-b376ec68d148",
            "guid: 99999999-d1a5-405a-96f3-b376ec68d148",
        )
    )
    with pytest.raises(InvalidShowError) as raised:
        publish_feed(show, out)
    codes = [(d.code, d.message) for d in raised.value.diagnostics]
    assert [code for code, _ in codes] == ["E190", "E190"], codes
    assert any("in es/feed.xml" in message for _, message in codes)
    assert {p: (out / p).read_bytes() for p in before} == before


def test_a_spanish_only_feed_refuses_to_drop_a_published_episode(tmp_path: Path) -> None:
    show, out = bilingual(tmp_path, "own"), tmp_path / "out"
    publish_feed(show, out)
    episode = show / SPANISH_EPISODE
    episode.write_text(episode.read_text().replace("language: es", "language: en"))
    with pytest.raises(InvalidShowError) as raised:
        publish_feed(show, out)
    [problem] = raised.value.diagnostics
    assert problem.code == "E191" and "es/feed.xml" in problem.message
    assert problem.path.name == "published-es.yaml"


def test_check_reports_the_language_rules_with_their_lines(tmp_path: Path) -> None:
    show = copy_example(tmp_path)
    text = one_language(show)
    extra = "languages: [es, en]\ntranslations:\n  fr:\n    title: Carrefours\n"
    (show / "podcast.yaml").write_text(text + extra)
    report = run_check(show)
    assert report.check is not None
    found = {d.code: d for d in report.check.diagnostics}
    lines = text.count("\n")
    assert found["E401"].line == lines + 1
    assert found["E402"].line == lines + 3 and "'fr'" in found["E402"].message


def _episode(show: Path, name: str) -> Path:
    return next(show.glob(f"{name}*.yaml"))


def test_check_reports_episode_languages_and_translations_with_their_lines(
    tmp_path: Path,
) -> None:
    show = copy_example(tmp_path)
    (show / "podcast.yaml").write_text(one_language(show))  # Spanish episodes, no Spanish side
    spanish = _episode(show, "003-es")
    text = spanish.read_text()
    spanish.write_text(text.replace("translation_of: 003-lukasz", "translation_of: 003-lucasz"))
    english = _episode(show, "005-")
    english.write_text(f"translation_of: {_episode(show, '001-').stem}\n" + english.read_text())
    report = run_check(show)
    assert report.check is not None
    found = sorted((d.code, d.path.name, d.line) for d in report.check.diagnostics)
    language_line = text.splitlines().index("language: es") + 1
    translation_line = next(
        n for n, line in enumerate(text.splitlines(), 1) if line.startswith("translation_of:")
    )
    assert found == [
        ("E404", spanish.name, translation_line),
        ("W402", spanish.name, language_line),
        ("W402", "006-jose-nunez-litio-agua-soberania.yaml", 7),
        ("W403", english.name, 1),
    ]
    typo = next(d for d in report.check.diagnostics if d.code == "E404")
    assert typo.hint == "did you mean '003-lukasz-wisniewski-archives-empires-uses-of-history'?"


def test_a_language_without_a_catalogue_or_with_gaps_is_reported(tmp_path: Path) -> None:
    show = copy_example(tmp_path)
    podcast = show / "podcast.yaml"
    podcast.write_text(
        podcast.read_text().replace("languages: [en, es]", "languages: [en, es, fr]")
    )
    report = run_check(show)
    assert report.check is not None
    [missing] = [d for d in report.check.diagnostics if d.code == "W404"]
    assert "'fr'" in missing.message and missing.path == podcast
    assert podcast.read_text().splitlines()[missing.line - 1].startswith("languages:")
    locale = show / "theme" / "locale"
    locale.mkdir(parents=True)
    (locale / "fr.po").write_text(
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
        'msgid "Show notes"\nmsgstr "Notes de l\'épisode"\n'
    )
    report = run_check(show)
    assert report.check is not None
    gaps = [d for d in report.check.diagnostics if d.code == "W405"]
    assert gaps and not any("'Show notes'" in d.message for d in gaps)
    chapters = next(d for d in gaps if "'Chapters'" in d.message)
    assert chapters.path.name == "episode.html" and chapters.line > 0
    assert "Chapters" in chapters.path.read_text().splitlines()[chapters.line - 1]


def test_a_third_language_needs_only_a_catalogue_and_its_text(tmp_path: Path) -> None:
    """French: theme/locale/fr.po and YAML, no code. Its feed, its side, its interface."""
    from gaepod.site.i18n import LOCALE, read_catalogue

    show = copy_example(tmp_path)
    podcast = show / "podcast.yaml"
    french_text = (
        "  fr:\n    title: Carrefours et courants\n    feed_title: Crossroads (Français)\n"
    )
    podcast.write_text(
        podcast.read_text().replace("languages: [en, es]", "languages: [en, es, fr]") + french_text
    )
    episode = _episode(show, "001-")
    episode.write_text("language: fr\n" + episode.read_text())
    entries = list(read_catalogue(LOCALE / "es.po"))
    catalogue = ['msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n']
    for entry in entries:  # every string, "translated" to a recognisable French form
        quoted = entry.msgid.replace("\\", "\\\\").replace('"', '\\"')
        catalogue.append(f'msgid "{quoted}"\nmsgstr "FR·{quoted}"\n')
    (show / "theme" / "locale").mkdir(parents=True)
    po = "\n".join(catalogue).replace(
        'msgid "Guest"\nmsgstr "FR·Guest"',
        'msgid "Guest"\nmsgid_plural "Guests"\nmsgstr[0] "FR·Guest"\nmsgstr[1] "FR·Guests"',
    )
    po = po.replace(
        'msgid "%(num)d episode"\nmsgstr "FR·%(num)d episode"',
        'msgid "%(num)d episode"\nmsgid_plural "%(num)d episodes"\n'
        'msgstr[0] "FR·%(num)d épisode"\nmsgstr[1] "FR·%(num)d épisodes"',
    )
    (show / "theme" / "locale" / "fr.po").write_text(po)
    report = run_check(show)
    assert report.check is not None
    assert [d for d in report.check.diagnostics if d.code.startswith(("W40", "E40"))] == []
    out = tmp_path / "out"
    from conftest import publish_site

    publish_site(show, out)
    french, _ = _parsed(out / "fr" / "feed.xml")
    assert french.feed.language == "fr" and french.feed.title == "Crossroads (Français)"
    assert [e.title for e in french.entries] == ["Marta Oliveira: Ports, Pipelines, & Power?"]
    home = (out / "fr" / "index.html").read_text()
    assert '<html lang="fr">' in home and "FR·Recent episodes" in home
    assert "Carrefours et courants" in home
    page = (out / "episodes" / episode.stem / "index.html").read_text()
    assert '<html lang="fr">' in page and "FR·Show notes" in page
    assert re.search(r"\d{1,2} janvier 2025", page), "a French date"
    assert (show / "published-fr.yaml").is_file()


def test_a_page_translation_that_names_no_page_is_reported(tmp_path: Path) -> None:
    show = copy_example(tmp_path)
    page = show / "pages" / "es" / "miembros.md"
    page.write_text(page.read_text().replace("become-a-member", "become-member"))
    report = run_check(show)
    assert report.check is not None
    [problem] = [d for d in report.check.diagnostics if d.code == "E306"]
    assert (problem.path, problem.line) == (page, 5)
    assert problem.hint == "did you mean 'become-a-member'?"


def test_a_spanish_episode_is_tagged_with_its_spanish_side(tmp_path: Path) -> None:
    from conftest import tag_audio
    from gaepod.audio.id3 import load  # mutagen's ID3, knowing iTunes' WFED frame

    show = copy_example(tmp_path)
    tag_audio(show)
    spanish = load(show / "audio" / "003-es.mp3")
    assert spanish["TLAN"].text == ["spa"]
    assert spanish["TALB"].text == ["Crossroads & Currents en español"]
    assert spanish["TIT2"].text[0].startswith("Dr. Łukasz Wiśniewski: ¿Archivos")
    assert spanish["WFED"].text == ["https://crossroads.example.org/es/feed.xml"]
    assert spanish.getall("COMM")[0].lang == "spa"
    english = load(show / "audio" / "003.mp3")
    assert english["TLAN"].text == ["eng"] and english["TALB"].text == ["Crossroads & Currents"]
    assert english["WFED"].text == ["https://crossroads.example.org/feed.xml"]
