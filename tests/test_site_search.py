"""Search over titles, guests, topics, summaries, show notes, transcripts and the show's
own pages: a static main file plus word files a query loads one per word, small enough
for a phone at 1,000 hour-long transcripts; in a real browser it finds a word spoken
only in a transcript and one written only on a page, and shows the summary with the
matching words marked."""

from __future__ import annotations

import gzip
import json
import random
from collections.abc import Iterator
from functools import partial
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from conftest import copy_example, episode_yaml, publish_site
from gaepod.site.search import SearchDoc, SearchIndex, shard_count, shard_of, words
from site_tools import serve
from test_site import NOW, SITE_YAML, publish

EP3 = "003-lukasz-wisniewski-archives-empires-uses-of-history"
TRANSCRIPT = """WEBVTT

00:00:00.000 --> 00:00:02.000
<v Host>Welcome. Today: quokkas, the Xylophonist guild and Ñandú feathers.
"""


def all_words(out: Path, prefix: str = "") -> dict[str, list[list[int]]]:
    index = json.loads((out / f"{prefix}search.json").read_text())
    found: dict[str, list[list[int]]] = {}
    for shard in range(index["shards"]):
        found.update(json.loads((out / f"{prefix}search/words-{shard:03d}.json").read_text()))
    return found


def test_the_index_has_notes_transcripts_and_pages(make_show, tmp_path: Path) -> None:
    files = {
        "001-episode.yaml": episode_yaml(1, transcript="t/1.vtt", summary='"Short summary."'),
        "t/1.vtt": TRANSCRIPT,
        "pages/support.md": "---\ntitle: Support us\n---\nBecome a patron of the zebrafish.\n",
    }
    out = publish(make_show(2, files=files, show_yaml=SITE_YAML), tmp_path / "out", NOW)
    index = json.loads((out / "search.json").read_text())
    docs = index["docs"]
    assert [d["u"] for d in docs] == [
        "episodes/002-episode/index.html",
        "episodes/001-episode/index.html",
        "support/index.html",
        "about/index.html",
    ]
    assert docs[1]["s"] == "Short summary." and docs[1]["g"] == [] and docs[1]["d"]
    assert docs[2] == {"t": "Support us", "u": "support/index.html", "s": docs[2]["s"], "x": "p"}
    assert docs[2]["s"] == "Become a patron of the zebrafish."
    found = all_words(out)
    assert found["quokkas"] == [[], [1]]  # only in episode 1's transcript
    assert found["nandu"] == [[], [1]]  # folded as queries are
    assert found["short"] == [[1]]  # the summary
    assert found["notes"] == [[0, 1]]  # both episodes' show notes
    assert found["zebrafish"] == [[2]]  # the page
    for word in found:
        number = shard_of(word, index["shards"])
        data = json.loads((out / f"search/words-{number:03d}.json").read_text())
        assert word in data


def test_a_changed_transcript_changes_the_index(make_show, tmp_path: Path) -> None:
    files = {"001-episode.yaml": episode_yaml(1, transcript="t/1.vtt"), "t/1.vtt": TRANSCRIPT}
    show = make_show(1, files=files, show_yaml=SITE_YAML)
    out = tmp_path / "out"
    publish(show, out, NOW)
    (show / "t/1.vtt").write_text(TRANSCRIPT.replace("quokkas", "wombats"))
    report = publish_site(show, out, NOW)
    assert "search/words-000.json" in report.written
    found = all_words(out)
    assert "wombats" in found and "quokkas" not in found


def test_build_verbose_reports_the_index_size(make_show, tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from gaepod.cli import app

    show = make_show(2, show_yaml=SITE_YAML)
    out = tmp_path / "out"
    command = ["build", "--verbose", "--no-tag", "--show", str(show), "--out", str(out)]
    result = CliRunner().invoke(app, command)
    assert result.exit_code == 0, result.output
    line = next(x for x in result.stderr.splitlines() if x.startswith("search: "))
    size = (out / "search.json").stat().st_size
    assert f"search.json {size} B (" in line and "gzipped" in line
    assert "+ 1 word file " in line and "a one-word search loads at most" in line
    again = CliRunner().invoke(app, command)  # nothing to do: the size is still told
    assert "nothing changed" in again.stderr and "search: search.json" in again.stderr


def test_shards_are_a_power_of_two_that_grows_with_the_text() -> None:
    assert shard_count(0) == 1
    assert shard_count(300_000) == 2
    assert shard_count(10**9) == 256
    assert {shard_of("pipeline", 64), shard_of("pipelines", 64)} == {shard_of("pip", 64)}


def test_a_thousand_long_transcripts_stay_small_for_a_phone(tmp_path: Path) -> None:
    """N = 1,000, each with half an hour of speech (Zipf-distributed words from a large
    vocabulary): the main file and the word files a query needs stay far below 1.5 MB
    gzipped; the whole index is split into word files loaded on demand.
    (bench/search_size.py measures a real build with hour-long transcripts.)"""
    rng = random.Random(3)
    syllables = [a + b for a in "bcdfgklmnprstvz" for b in ("a", "e", "i", "o", "u", "ai")]
    vocab = list(
        dict.fromkeys(
            "".join(rng.choice(syllables) for _ in range(rng.randint(1, 4))) for _ in range(60_000)
        )
    )
    weights = [1 / (rank + 1) ** 1.07 for rank in range(len(vocab))]
    docs = []
    text_bytes = 0
    for number in range(1000):
        spoken = " ".join(rng.choices(vocab, weights=weights, k=4000))
        summary = " ".join(rng.choices(vocab, weights=weights, k=30))
        text_bytes += len(spoken)
        docs.append(
            SearchDoc(
                "e",
                f"Guest {number}: {' '.join(rng.choices(vocab, k=4))}",
                f"episodes/{number:04d}-some-episode-title/index.html",
                partial(str, "May 7, 2025"),
                (f"Guest {number}",),
                ("topic", "other topic"),
                partial(str, summary),
                None,
                f"doc{number}",
                partial(str, spoken),
            )
        )
    index = SearchIndex(docs, shard_count(text_bytes))
    main = len(gzip.compress(index.main()))
    shards = [len(gzip.compress(index.shard(n))) for n in range(index.shards)]
    assert index.shards == 128
    assert main < 250 * 1024
    assert main + max(shards) < 400 * 1024  # a one-word query
    assert main + 4 * max(shards) < 1536 * 1024  # four words, each in the largest file
    assert sum(shards) > 1536 * 1024  # what one file would have been


def test_words_match_what_search_js_folds() -> None:
    assert words("Ñúñez, ÑANDÚ x 42 co-op") == "nunez nandu 42 co op"


# -- in the browser -----------------------------------------------------------------


@pytest.fixture(scope="module")
def base_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    folder = tmp_path_factory.mktemp("search-browser")
    show = copy_example(folder)
    (show / "t").mkdir()
    (show / "t/003.vtt").write_text(TRANSCRIPT, encoding="utf-8")
    episode = show / f"{EP3}.yaml"
    episode.write_text(episode.read_text() + "transcript: t/003.vtt\n", encoding="utf-8")
    site = publish(show, folder / "public", NOW)
    with serve(site) as url:
        yield url


def search(browser: Any, url: str) -> tuple[Any, list[str], list[str]]:
    context = browser.new_context(viewport={"width": 1000, "height": 900})
    page = context.new_page()
    requests: list[str] = []
    problems: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.goto(url, wait_until="load")
    page.wait_for_function("!/Loading/.test(document.getElementById('search-status').textContent)")
    page.wait_for_load_state("networkidle")
    return page, requests, problems


def test_search_finds_a_word_spoken_only_in_a_transcript(browser: Any, base_url: str) -> None:
    page, requests, problems = search(browser, f"{base_url}search/index.html?q=quokka")
    assert page.locator("#search-status").inner_text() == "1 result found."
    result = page.locator("#search-results li")
    assert result.locator("h2 a").get_attribute("href") == f"../episodes/{EP3}/index.html"
    summary = result.locator("p.summary").inner_text()
    assert summary.startswith("Historian Łukasz Wiśniewski on what archives reveal")
    assert result.locator("p.found-in").inner_text() == "In the transcript: quokkas"
    assert result.locator("p.found-in mark").inner_text() == "quokkas"
    loaded = [urlsplit(u).path for u in requests if u.endswith(".json")]
    assert loaded == ["/search.json", "/search/words-000.json"]
    assert all(urlsplit(u).hostname == "127.0.0.1" for u in requests)
    assert problems == []
    page.context.close()


def test_search_finds_a_show_page_and_marks_the_words(browser: Any, base_url: str) -> None:
    page, _requests, problems = search(browser, f"{base_url}search/index.html")
    page.fill("#search-query", "member early")
    page.wait_for_function("/found/.test(document.getElementById('search-status').textContent)")
    first = page.locator("#search-results li").first
    assert first.locator("h2").inner_text() == "Become a member"
    assert first.locator("p.meta").inner_text() == "Page"
    assert "Members get early episodes" in first.locator("p.summary").inner_text()
    assert first.locator("h2 mark").all_inner_texts() == ["member"]
    assert first.locator("p.summary mark").all_inner_texts() == ["Member", "early"]
    page.fill("#search-query", "bibliography")  # written only in that page's text
    page.wait_for_function("/1 result/.test(document.getElementById('search-status').textContent)")
    only = page.locator("#search-results li")
    assert only.locator("h2 a").get_attribute("href") == "../become-a-member/index.html"
    assert only.locator("p.summary").inner_text().startswith("Members get early episodes")
    assert only.locator("p.found-in").inner_text() == "On the page: bibliography"
    page.fill("#search-query", "ports pipelin")
    page.wait_for_function(
        "document.querySelector('#search-results h2') &&"
        " /Marta/.test(document.querySelector('#search-results h2').textContent)"
    )
    title = page.locator("#search-results li").first.locator("h2")
    assert title.locator("mark").all_inner_texts() == ["Ports", "Pipelin"]
    page.fill("#search-query", "ñandú")  # accents aside: "nandu" in the transcript
    page.wait_for_function("/1 result/.test(document.getElementById('search-status').textContent)")
    assert problems == []
    page.context.close()


def test_the_spanish_side_searches_in_spanish(browser: Any, base_url: str) -> None:
    page, _requests, problems = search(browser, f"{base_url}es/search/index.html?q=litio")
    assert "resultado" in page.locator("#search-status").inner_text()
    assert page.locator("#search-results li").count() >= 1
    assert problems == []
    page.context.close()


def test_the_word_files_are_rendered_together_by_one_process(tmp_path: Path, monkeypatch):
    """They share one costly result (the word index): one span of work, so that one
    worker works it out once instead of each worker that gets a word file."""
    import os

    from gaepod.publish import outputs
    from gaepod.publish.outputs import Output, write_outputs

    monkeypatch.setattr(outputs, "PARALLEL_JOBS", 1)
    handed_out: list[list[int]] = []
    map_items = outputs.map_items

    def handing_out(func, spans, **options):
        handed_out.extend(list(span) for span in spans)
        return map_items(func, spans, **options)

    monkeypatch.setattr(outputs, "map_items", handing_out)
    pages = [Output(f"p/{i:03d}/index.html", data=b"page") for i in range(100)]
    words = [
        Output(f"search/words-{n:03d}.json", render=lambda: str(os.getpid()).encode(), batch="s")
        for n in range(40)
    ]
    report = write_outputs(tmp_path, [*pages, *words])
    assert len(report.written) == 140
    relpaths = sorted(o.relpath for o in [*pages, *words])
    spans = [[relpaths[i] for i in span] for span in handed_out]
    together = [span for span in spans if span[0].startswith("search/")]
    assert together == [[o.relpath for o in words]]
    assert len({(tmp_path / o.relpath).read_bytes() for o in words}) == 1  # one process
