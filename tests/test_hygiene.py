"""Feed hygiene the independent validators flag: relative links in show notes (resolved in
the feed, kept on the pages, warned about when they lead nowhere), titles with HTML-like
text, keywords with spaces (and import splitting a space-separated itunes:keywords)."""

from __future__ import annotations

import io
from datetime import datetime, timezone
from pathlib import Path

import feedparser
import podcastparser
import yaml
from lxml import etree

from conftest import SHOW_YAML, episode_yaml, publish_site
from gaepod.show.check import check_show
from test_import import CHANNEL, item, rss, run_import

NOW = datetime(2025, 1, 1, tzinfo=timezone.utc)
CONTENT = "{http://purl.org/rss/1.0/modules/content/}encoded"
NOTES = (
    "|\n  See [about](/about/), [the second one](../002-episode/),"
    " [chapters](chapters.json#top) and [a section](#links).\n\n"
    '  ![cover](/art/cover.jpg)\n\n  <a href="contact/">write</a>, '
    "[elsewhere](https://example.org/x) and [mail](mailto:a@example.org)."
)
PAGE = "https://show.example.org/episodes/001-episode/"


def codes_at(root: Path) -> list[tuple[str, str, str]]:
    return [(d.path.name, d.code, d.message) for d in check_show(root).diagnostics]


def test_relative_links_are_absolute_in_the_feed_and_relative_on_the_page(
    make_show, tmp_path: Path
) -> None:
    files = {"001-episode.yaml": episode_yaml(1, description=NOTES), "pages/about.md": "# About\n"}
    root = make_show(2, files)
    out = tmp_path / "out"
    publish_site(root, out, now=NOW)
    feed = (out / "feed.xml").read_bytes()
    channel = etree.fromstring(feed).find("channel")
    assert channel is not None
    [episode] = [i for i in channel.findall("item") if i.findtext("link") == PAGE]
    for html in (episode.findtext("description") or "", episode.findtext(CONTENT) or ""):
        assert 'href="https://show.example.org/about/"' in html
        assert 'href="https://show.example.org/episodes/002-episode/"' in html
        assert f'href="{PAGE}chapters.json#top"' in html
        assert f'href="{PAGE}#links"' in html
        assert 'src="https://show.example.org/art/cover.jpg"' in html
        assert f'href="{PAGE}contact/"' in html
        assert 'href="https://example.org/x"' in html and 'href="mailto:a@example.org"' in html
    # what apps read: every link has a host
    parsed = feedparser.parse(feed)
    [entry] = [e for e in parsed.entries if e.link == PAGE]
    assert 'href="/about/"' not in entry.content[0].value
    pp = podcastparser.parse("https://show.example.org/feed.xml", io.BytesIO(feed))
    [notes] = [e["description_html"] for e in pp["episodes"] if e["link"] == PAGE]
    assert 'src="https://show.example.org/art/cover.jpg"' in notes
    # the page keeps them as written: the browser resolves them against the page itself
    page = (out / "episodes/001-episode/index.html").read_text(encoding="utf-8")
    assert '<a href="/about/">about</a>' in page and '<a href="contact/">write</a>' in page


def test_a_relative_link_that_leads_nowhere_warns(make_show) -> None:
    files = {"001-episode.yaml": episode_yaml(1, description=NOTES), "pages/about.md": "# About\n"}
    found = codes_at(make_show(2, files))
    nowhere = sorted(m for name, code, m in found if code == "W742")
    assert len(nowhere) == 1, found  # contact/: no page there
    assert "'contact/'" in nowhere[0] and f"{PAGE}contact/" in nowhere[0]


def test_relative_links_to_what_the_show_publishes_are_fine(make_show) -> None:
    notes = (
        "|\n  [about](/about/index.html), [cover](../../art/cover.jpg), [home](/),"
        " [archive](/archive/), [the feed](/feed.xml), [audio](https://cdn.example.org/audio/002.mp3),"
        " [tag](/tags/energy/), [the other](/episodes/002-episode)"
    )
    episode = episode_yaml(1, description=notes, tags="[Energy]")
    root = make_show(2, {"001-episode.yaml": episode, "pages/about.md": "# About\n"})
    assert not [f for f in codes_at(root) if f[1] == "W742"]
    broken = episode_yaml(1, description="|\n  [gone](/episodes/003-episode/) ![x](art/x.jpg)")
    root = make_show(2, {"001-episode.yaml": broken}, name="broken")
    assert len([f for f in codes_at(root) if f[1] == "W742"]) == 2


def test_a_title_with_html_like_text_warns(make_show) -> None:
    episode = episode_yaml(1, title='"Why <b>bold</b> matters"')
    show = SHOW_YAML.replace('title: "Test Show & Friends"', 'title: "Test <script>Show"')
    found = codes_at(make_show(1, {"001-episode.yaml": episode}, show_yaml=show))
    warned = [(name, m) for name, code, m in found if code == "W740"]
    assert ("001-episode.yaml", "the title contains HTML-like text '<b>'") in warned
    assert ("podcast.yaml", "the title contains HTML-like text '<script>'") in warned
    plain = episode_yaml(1, title='"Growth < 3% and > 1%: a <= b"')
    root = make_show(1, {"001-episode.yaml": plain}, name="plain")
    assert not [f for f in codes_at(root) if f[1] == "W740"]


def test_a_keyword_with_spaces_warns(make_show) -> None:
    show = SHOW_YAML + "keywords: [history, world politics]\n"
    found = codes_at(make_show(1, show_yaml=show))
    [message] = [m for _name, code, m in found if code == "W741"]
    assert message == "the keyword 'world politics' contains spaces"


def test_import_splits_a_space_separated_keywords_string(tmp_path: Path) -> None:
    channel = CHANNEL + "<itunes:keywords>history  politics trade</itunes:keywords>"
    _report, show = run_import(tmp_path, rss(item(1), channel=channel))
    fields = yaml.safe_load((show / "podcast.yaml").read_text(encoding="utf-8"))
    assert fields["keywords"] == ["history", "politics", "trade"]
    commas = CHANNEL + "<itunes:keywords>world history, trade</itunes:keywords>"
    (tmp_path / "commas").mkdir()
    _report, show = run_import(tmp_path / "commas", rss(item(1), channel=commas))
    fields = yaml.safe_load((show / "podcast.yaml").read_text(encoding="utf-8"))
    assert fields["keywords"] == ["world history", "trade"]
