"""A show in several languages: one feed per language, each with its own ledger."""

from __future__ import annotations

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
