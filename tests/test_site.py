"""The static site: links, pages, metadata, themes, the show's pages and incremental builds."""

from __future__ import annotations

import json
import re
import time
from dataclasses import replace
from datetime import datetime, timedelta, timezone
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from lxml import etree
from typer.testing import CliRunner

from conftest import EXAMPLE_SHOW, SHOW_YAML, copy_example, episode_yaml, publish_site
from gaepod.cli import app
from gaepod.errors import InvalidShowError
from gaepod.model import Podcast
from gaepod.show.check import check_show
from gaepod.site import plan as site_module
from gaepod.site import search as site_search
from gaepod.site.plan import plan_site, render_site
from site_tools import links_of

NOW = datetime(2026, 11, 24, 12, 0, tzinfo=timezone.utc)
SITE_YAML = SHOW_YAML.replace(
    "media_base_url: https://cdn.example.org/audio/",
    "media_base_url: https://show.example.org/podcast/audio/",
).replace("link: https://show.example.org/", "link: https://show.example.org/podcast/")
HOSTILE = """|
  Before <script>window.__pwned = 1; alert('x')</script> after.
  <img src=x onerror="window.__pwned = 2">
  [click](javascript:window.__pwned=3) <iframe src="https://evil.example"></iframe>
  <svg onload="window.__pwned=4"><script>window.__pwned = 5</script></svg>
  <a href="JAVASCRIPT:alert(3)">y</a> <a href=" javascript:alert(4)">z</a>
  <p style="background:url(javascript:alert(5))" onclick="alert(6)">styled</p>
  <object data="x.swf"></object><embed src="x.swf"><form action="javascript:alert(7)"></form>
  <math><mtext><script>alert(8)</script></mtext></math>
"""
HOSTILE_NEEDLES = ("<script>window", "__pwned", "onerror", "onload", "javascript:", "<iframe")


def publish(root: Path, out: Path, now: datetime = NOW) -> Path:
    publish_site(root, out, now)
    return out


def html_files(out: Path) -> list[Path]:
    return sorted(out.rglob("*.html"))


@pytest.fixture(scope="module")
def example_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("example")
    return publish(copy_example(folder), folder / "public")


def broken_links(out: Path, site_link: str) -> list[str]:
    """Every internal link, image, script and stylesheet that does not lead to a file."""
    site_path = urlsplit(site_link).path
    broken = []
    for page in html_files(out):
        html = page.read_text(encoding="utf-8")
        for tag, attribute, value in links_of(html):
            if value.startswith("#"):
                if f'id="{value[1:]}"' not in html:
                    broken.append(f"{page.relative_to(out)}: no element with id {value}")
                continue
            if tag == "link" and attribute == "href" and value.startswith("http"):
                continue  # canonical: absolute by design
            if value.startswith(site_link):
                target = out / unquote(urlsplit(value).path[len(site_path) :])
            elif value.startswith(("http://", "https://", "mailto:")):
                continue
            elif value.startswith("/"):  # the 404 page: absolute paths from the site's root
                assert page.name == "404.html", f"{page}: root-absolute link {value}"
                target = out / unquote(urlsplit(value).path[len(site_path) :])
            else:
                target = page.parent / unquote(urlsplit(value).path)
            if target.is_dir():
                target = target / "index.html"
                if value.startswith(("/", "http")):
                    pass  # a server answers a folder URL with its index.html
                else:
                    broken.append(
                        f"{page.relative_to(out)}: {value} (a folder: file:// needs index.html)"
                    )
                    continue
            if not target.is_file():
                broken.append(f"{page.relative_to(out)}: <{tag} {attribute}={value!r}>")
    return broken


def test_every_internal_link_resolves_to_a_file(example_site: Path) -> None:
    pages = html_files(example_site)
    assert len(pages) > 40
    assert broken_links(example_site, "https://crossroads.example.org/") == []


def test_site_has_every_kind_of_page(example_site: Path) -> None:
    podcast = check_show(EXAMPLE_SHOW).podcast
    assert podcast is not None
    for episode in podcast.published(NOW):
        assert (example_site / "episodes" / episode.slug / "index.html").is_file()
    draft = next(e for e in podcast.episodes if e.is_draft)
    assert not (example_site / "episodes" / draft.slug).exists()
    for path in (
        "index.html",
        "archive/index.html",
        "tags/index.html",
        "tags/energy/index.html",
        "guests/index.html",
        "guests/marta-oliveira/index.html",
        "about/index.html",
        "support/index.html",
        "become-a-member/index.html",
        "es/miembros/index.html",
        "faq/index.html",
        "contact/index.html",
        "search/index.html",
        "search.json",
        "404.html",
        "sitemap.xml",
        "robots.txt",
        "feed.xml",
        "assets/style.css",
        "assets/player.js",
        "assets/search.js",
        "art/cover.jpg",
        "audio/001.mp3",
    ):
        assert (example_site / path).is_file(), path


def test_home_page_shows_the_show(example_site: Path) -> None:
    html = (example_site / "index.html").read_text()
    assert '<html lang="en">' in html
    assert "<h1>Crossroads &amp; Currents</h1>" in html
    assert 'href="https://podcasts.apple.com/us/podcast/crossroads-currents/id1000000000"' in html
    assert ">Apple Podcasts</span></a>" in html and ">Spotify</span></a>" in html
    assert 'class="button rss" href="feed.xml"' in html
    # The cover at the sizes it is shown (the original, 1400 px, is for the feed and apps).
    sized = "art/sized/cover-b93b8290-96.jpg"
    assert f'<img src="{sized}" srcset="{sized} 1x' in html
    assert (example_site / "art/cover.jpg").is_file()
    # The latest episode first, with its player; then the 8 before it.
    featured = html.index('<section class="featured"')
    assert html.index("Listener Mailbag", featured) < html.index('id="player"', featured)
    assert html.count('class="card"') == 8
    assert html.index('id="recent-heading"') < html.index('id="about-heading"')
    assert "Ingrid Halvorsen" not in html  # the draft


def test_episode_page_has_everything(example_site: Path) -> None:
    page = example_site / "episodes/001-marta-oliveira-ports-pipelines-power/index.html"
    html = page.read_text()
    assert "<h1>Marta Oliveira: Ports, Pipelines, &amp; Power?</h1>" in html
    assert '<time datetime="2025-01-14T09:30:00-06:00">January 14, 2025</time>' in html
    assert '<a href="../../guests/marta-oliveira/index.html">Marta Oliveira</a>' in html
    assert '<audio id="player" controls preload="metadata" src="../../audio/001.mp3">' in html
    assert 'href="../../audio/001.mp3#t=1" data-start="1" data-player="player"' in html
    assert 'href="../../audio/001.mp3" download' in html
    assert '<a href="../../tags/ports/index.html">ports</a>' in html
    assert "<blockquote>" in html and "<strong>Marta Oliveira</strong>" in html
    assert 'rel="next" class="next" href="../../episodes/002-' in html
    assert 'rel="prev"' not in html  # the first episode has no previous one
    assert "Related episodes" in html
    assert "https://x.com/intent/post?url=https%3A%2F%2Fcrossroads.example.org%2Fepisodes" in html
    assert '<script src="../../assets/player.js" defer></script>' in html


def test_metadata_for_machines(example_site: Path) -> None:
    slug = "001-marta-oliveira-ports-pipelines-power"
    html = (example_site / "episodes" / slug / "index.html").read_text()
    canonical = f"https://crossroads.example.org/episodes/{slug}/"
    assert f'<link rel="canonical" href="{canonical}">' in html
    assert f'<meta property="og:url" content="{canonical}">' in html
    assert (
        '<meta property="og:image" content="https://crossroads.example.org/art/cover.jpg">' in html
    )
    assert '<meta name="twitter:card" content="summary">' in html
    assert (
        '<link rel="alternate" type="application/rss+xml" title="Crossroads &amp; Currents" '
        'href="../../feed.xml">' in html
    )
    (raw,) = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    data = json.loads(raw)
    assert data["@type"] == "PodcastEpisode"
    assert data["url"] == canonical
    assert data["partOfSeries"]["@type"] == "PodcastSeries"
    assert data["associatedMedia"]["contentUrl"] == "https://crossroads.example.org/audio/001.mp3"
    assert data["episodeNumber"] == 1
    home = (example_site / "index.html").read_text()
    (raw,) = re.findall(r'<script type="application/ld\+json">(.*?)</script>', home, re.S)
    series = json.loads(raw)
    assert series["@type"] == "PodcastSeries"
    assert series["webFeed"] == "https://crossroads.example.org/feed.xml"
    for page in html_files(example_site):
        text = page.read_text()
        assert 'rel="alternate" type="application/rss+xml"' in text, page
        assert '<link rel="canonical" href="https://crossroads.example.org/' in text, page


def test_sitemap_and_robots(example_site: Path) -> None:
    tree = etree.fromstring((example_site / "sitemap.xml").read_bytes())
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    locations = [loc.text for loc in tree.findall("s:url/s:loc", ns)]
    assert "https://crossroads.example.org/" in locations
    assert (
        "https://crossroads.example.org/episodes/006-jose-nunez-litio-agua-soberania/" in locations
    )
    assert "https://crossroads.example.org/es/miembros/" in locations
    assert len(locations) == len(set(locations))
    for location in locations:
        path = urlsplit(location).path.lstrip("/")
        assert (example_site / path / "index.html").is_file(), location
    robots = (example_site / "robots.txt").read_text()
    assert "Sitemap: https://crossroads.example.org/sitemap.xml" in robots


def test_spanish_episode_is_marked_spanish(example_site: Path) -> None:
    """The bundled show has a Spanish side: its Spanish episode's page is a Spanish page,
    and the English listings mark it ES."""
    html = (example_site / "episodes/006-jose-nunez-litio-agua-soberania/index.html").read_text()
    assert '<html lang="es">' in html
    assert "<h1>José Ñúñez: ¿Litio, Agua, y Soberanía en los Andes?</h1>" in html
    assert '<h2 id="notes-heading">Notas del episodio</h2>' in html
    archive = (example_site / "archive/index.html").read_text()
    assert 'title="Spanish">ES</abbr> <a href="../episodes/006-jose-nunez' in archive
    assert 'index.html" lang="es">José Ñúñez' in archive


def test_show_pages_are_rendered_in_the_layout(example_site: Path) -> None:
    home = (example_site / "index.html").read_text()
    nav = home.split('<nav class="site-nav"', 1)[1].split("</nav>", 1)[0]
    labels = re.findall(r'href="[^"]+"(?: lang="es")?>([^<]+)</a>', nav)
    assert labels[:7] == [
        "Episodes",
        "About",
        "Support / Donate",
        "Become a member",
        "FAQ",
        "Contact",
        "Topics",
    ]
    spanish = (example_site / "es/miembros/index.html").read_text()
    assert '<html lang="es">' in spanish and '<article class="wrap page" lang="es">' in spanish
    spanish_nav = spanish.split('<nav class="site-nav"', 1)[1].split("</nav>", 1)[0]
    assert (
        '<a href="../../es/miembros/index.html" aria-current="page" lang="es">Hazte' in spanish_nav
    )
    assert '<link rel="stylesheet" href="../../assets/style.css">' in spanish
    faq = (example_site / "faq/index.html").read_text()
    assert "<h1>Frequently asked questions</h1>" in faq
    assert faq.count("<h1>") == 1  # the Markdown heading became the page title
    support = (example_site / "support/index.html").read_text()
    assert "<table>" in support


def test_search_words_leave_out_link_addresses() -> None:
    notes = (
        '<p>See <a href="https://x.org/a">https://x.org/a</a> (https://y.org/b), '
        "mailto:host@show.fm or xhttp://kept.example and amailto:kept</p>"
    )
    assert site_search.words(site_search._plain(notes)) == "see or xhttp kept example and amailto"


def test_search_index_covers_the_archive(example_site: Path) -> None:
    index = json.loads((example_site / "search.json").read_text())
    entries = [d for d in index["docs"] if d.get("x") != "p"]
    assert len(entries) == 9
    jose = next(e for e in entries if e["g"] == ["José Ñúñez"])
    assert jose["u"] == "episodes/006-jose-nunez-litio-agua-soberania/index.html"
    assert "litio" in jose["k"]
    assert jose["s"].startswith("El ingeniero y economista José Ñúñez")
    number = index["docs"].index(jose)
    words = {}
    for shard in range(index["shards"]):
        words.update(json.loads((example_site / f"search/words-{shard:03d}.json").read_text()))
    assert number in words["soberania"][0]  # folded words of the show notes
    assert (example_site / jose["u"]).is_file()
    pages = [d for d in index["docs"] if d.get("x") == "p"]
    assert "support/index.html" in {p["u"] for p in pages}
    search = (example_site / "search/index.html").read_text()
    assert 'data-index="../search.json"' in search
    assert 'href="../archive/index.html">Browse all episodes</a>' in search
    home = (example_site / "index.html").read_text()
    assert 'href="archive/index.html" data-search="search/index.html">Search</a>' in home


def test_rerun_writes_nothing(make_show, tmp_path: Path) -> None:
    root = make_show(3, show_yaml=SITE_YAML)
    out = publish(root, tmp_path / "out")
    before = {p: p.stat().st_mtime_ns for p in out.rglob("*") if p.is_file()}
    time.sleep(0.01)
    report = publish_site(root, out, NOW + timedelta(days=1))
    assert report.written == []
    assert {p: p.stat().st_mtime_ns for p in out.rglob("*") if p.is_file()} == before


def test_cli_site_twice_writes_nothing(tmp_path: Path) -> None:
    out = tmp_path / "public"
    args = [
        "site",
        "--show",
        str(copy_example(tmp_path)),
        "--out",
        str(out),
        "--now",
        "2026-11-24T12:00:00+0000",
    ]
    first = CliRunner().invoke(app, args)
    assert first.exit_code == 0, first.output
    assert "pages, 9 episodes" in first.stdout
    second = CliRunner().invoke(app, [*args, "--quiet"])
    assert second.exit_code == 0
    assert second.stdout == ""
    third = CliRunner().invoke(app, args)
    assert "nothing changed" in third.stdout


def test_invalid_show_writes_no_site(make_show, tmp_path: Path) -> None:
    root = make_show(1, files={"001-episode.yaml": episode_yaml(1, explicit="yes")})
    with pytest.raises(InvalidShowError):
        publish(root, tmp_path / "out")
    assert not (tmp_path / "out").exists()


def test_hostile_show_notes_never_reach_pages_or_feed(make_show, tmp_path: Path) -> None:
    files = {
        "001-episode.yaml": episode_yaml(
            1, description=HOSTILE, title='"<b>Bold</b> & <script>x</script>"'
        )
    }
    root = make_show(1, files=files, show_yaml=SITE_YAML)
    out = publish(root, tmp_path / "out")
    for path in [*html_files(out), out / "feed.xml", out / "search.json"]:
        text = path.read_text().lower()
        for needle in HOSTILE_NEEDLES:
            assert needle.lower() not in text, (path.name, needle)
    page = (out / "episodes/001-episode/index.html").read_text()
    assert "&lt;b&gt;Bold&lt;/b&gt; &amp; &lt;script&gt;x&lt;/script&gt;" in page  # escaped title
    assert "Before" in page and "after." in page and "styled" in page


def test_audio_hosted_elsewhere_is_linked_not_copied(make_show, tmp_path: Path) -> None:
    root = make_show(1)  # media_base_url is a CDN, not under the site's link
    out = publish(root, tmp_path / "out")
    html = (out / "episodes/001-episode/index.html").read_text()
    assert 'src="https://cdn.example.org/audio/001.mp3"' in html
    assert not list(out.rglob("*.mp3"))


def test_site_under_a_path_links_relatively(make_show, tmp_path: Path) -> None:
    root = make_show(2, show_yaml=SITE_YAML)
    out = publish(root, tmp_path / "out")
    assert (out / "audio/001.mp3").is_file()  # media_base_url = link + "audio/"
    assert broken_links(out, "https://show.example.org/podcast/") == []
    not_found = (out / "404.html").read_text()
    assert '<a href="/podcast/archive/index.html">All episodes</a>' in not_found
    home = (out / "index.html").read_text()
    assert '<link rel="canonical" href="https://show.example.org/podcast/">' in home


def test_archive_is_paginated_newest_first(make_show, tmp_path: Path) -> None:
    root = make_show(2, show_yaml=SITE_YAML)
    podcast = check_show(root).podcast
    assert podcast is not None
    first = podcast.episodes[0]
    many = tuple(
        replace(
            first,
            slug=f"ep-{n:02d}",
            guid=f"g{n}",
            title=f"Episode {n}",
            date=first.date + timedelta(days=n),
        )
        for n in range(45)
    )
    outputs = render_site(Podcast(podcast.show, many), NOW)
    assert {"archive/index.html", "archive/page/2/index.html", "archive/page/3/index.html"} <= set(
        outputs
    )
    assert "archive/page/4/index.html" not in outputs
    page1 = outputs["archive/index.html"].decode()
    page3 = outputs["archive/page/3/index.html"].decode()
    assert page1.index("Episode 44") < page1.index("Episode 43")
    assert "Episode 0<" in page3 and "Episode 44" not in page3
    assert 'rel="next" href="../archive/page/2/index.html"' in page1
    assert 'rel="prev" href="../../../archive/page/2/index.html"' in page3


def test_tags_and_guests_that_slugify_alike_share_one_page(make_show, tmp_path: Path) -> None:
    files = {
        "001-episode.yaml": episode_yaml(1, tags="[Data Centres, energy]", guests="[Zoë Dubois]"),
        "002-episode.yaml": episode_yaml(2, tags="[data-centres]", guests="[Zoe Dubois]"),
    }
    out = publish(make_show(2, files=files, show_yaml=SITE_YAML), tmp_path / "out")
    tag_page = (out / "tags/data-centres/index.html").read_text()
    assert tag_page.count('class="card"') == 2
    guest_page = (out / "guests/zoe-dubois/index.html").read_text()
    assert guest_page.count('class="card"') == 2
    assert len(list((out / "tags").iterdir())) == 3  # index.html, data-centres, energy


def test_transcript_is_linked_and_shown(make_show, tmp_path: Path) -> None:
    vtt = (
        "WEBVTT\n\n1\n00:00:00.000 --> 00:00:01.000\n<v Ada>Hello & welcome.\n\n"
        "2\n00:00:01.000 --> 00:00:02.000\nSecond line.\n"
    )
    files = {
        "001-episode.yaml": episode_yaml(1, transcript="transcripts/001.vtt"),
        "transcripts/001.vtt": vtt,
    }
    out = publish(make_show(1, files=files, show_yaml=SITE_YAML), tmp_path / "out")
    html = (out / "episodes/001-episode/index.html").read_text()
    assert '<a href="../../transcripts/001.vtt">Transcript</a>' in html
    assert "<p>Ada: Hello &amp; welcome.</p>" in html
    assert "-->" not in html.split("<details", 1)[1]
    assert (out / "transcripts/001.vtt").is_file()


def test_theme_overrides_templates_and_static_files(make_show, tmp_path: Path) -> None:
    files = {
        "theme/templates/page.html": (
            '{% extends "base.html" %}{% block main %}<p>THEMED {{ page.title }}</p>{% endblock %}'
        ),
        "theme/static/style.css": "body { color: rebeccapurple; }\n",
        "theme/static/fonts/extra.txt": "extra\n",
        "pages/about.md": "# About us\n\nHello.\n",
    }
    root = make_show(1, files=files, show_yaml=SITE_YAML)
    out = publish(root, tmp_path / "out")
    assert "<p>THEMED About us</p>" in (out / "about/index.html").read_text()
    assert (out / "assets/style.css").read_text() == "body { color: rebeccapurple; }\n"
    assert (out / "assets/fonts/extra.txt").is_file()
    assert (out / "assets/player.js").is_file()  # not overridden: the package's
    assert "<h1>" in (out / "index.html").read_text()  # other templates: the package's


def test_an_edited_theme_template_shows_in_the_next_build_of_the_same_process(
    make_show, tmp_path: Path
) -> None:
    """`gaepod serve --watch` builds again in one process: templates are not re-checked
    while rendering, so an edited one must still be picked up by the next build."""
    template = (
        '{% extends "base.html" %}{% block main %}<p>VERSION {{ page.title }}</p>{% endblock %}'
    )
    files = {"theme/templates/page.html": template, "pages/about.md": "# About us\n\nHi.\n"}
    root = make_show(1, files=files, show_yaml=SITE_YAML)
    out = publish(root, tmp_path / "out")
    assert "<p>VERSION About us</p>" in (out / "about/index.html").read_text()
    edited = root / "theme/templates/page.html"
    edited.write_text(template.replace("VERSION", "EDITED!"))  # same size
    publish(root, out)
    assert "<p>EDITED! About us</p>" in (out / "about/index.html").read_text()


def test_page_front_matter_problems_are_diagnostics(make_show) -> None:
    files = {
        "pages/good.md": "---\ntitle: Good\nnav: 2\nlang: es\n---\nText.\n",
        "pages/bad.md": "---\ntitle: Bad\nnav: first\ncolour: red\n---\nText.\n",
        "pages/Bad Name.md": "# Title\n",
        "pages/episodes.md": "# Clash\n",
        "pages/untitled.md": "Just text.\n",
    }
    root = make_show(1, files=files)
    result = check_show(root)
    found = {(d.path.name, d.line, d.code) for d in result.diagnostics}
    assert ("bad.md", 3, "E106") in found  # nav: first is not a number
    assert ("bad.md", 4, "E101") in found  # unknown field, with its line
    assert ("Bad Name.md", 0, "E301") in found
    assert ("episodes.md", 0, "E302") in found
    assert ("untitled.md", 1, "E305") in found
    assert not any(name == "good.md" for name, _, _ in found)
    assert not result.is_ok


def test_plan_keys_change_only_with_what_a_page_shows(make_show) -> None:
    root = make_show(8, show_yaml=SITE_YAML)
    podcast = check_show(root).podcast
    assert podcast is not None
    before = {p.relpath: p.key for p in plan_site(podcast, NOW)}
    assert before == {p.relpath: p.key for p in plan_site(podcast, NOW)}
    episodes = list(podcast.episodes)  # oldest first: 1, 2, ... 8
    episodes[0] = replace(episodes[0], title="A new title for episode one")
    after = {p.relpath: p.key for p in plan_site(Podcast(podcast.show, tuple(episodes)), NOW)}
    changed = {path for path in before if before[path] != after[path]}
    assert "episodes/001-episode/index.html" in changed
    assert "episodes/002-episode/index.html" in changed  # shows episode one as "previous"
    assert "archive/index.html" in changed and "search.json" in changed
    assert "episodes/004-episode/index.html" not in changed
    assert "about/index.html" not in changed
    # The newest episodes are at the foot of every episode page: editing one of them
    # changes them all, editing an older one only its neighbours'.
    episodes[7] = replace(episodes[7], title="A new title for episode eight")
    latest = {p.relpath: p.key for p in plan_site(Podcast(podcast.show, tuple(episodes)), NOW)}
    changed = {path for path in after if after[path] != latest[path]}
    assert {f"episodes/00{n}-episode/index.html" for n in range(1, 9)} <= changed


def test_planning_renders_nothing(make_show, monkeypatch) -> None:
    podcast = check_show(make_show(2, show_yaml=SITE_YAML)).podcast
    assert podcast is not None

    def no_rendering(*args: object, **kwargs: object) -> None:
        raise AssertionError("plan_site rendered a page")

    monkeypatch.setattr(site_module.Environment, "get_template", no_rendering)
    monkeypatch.setattr("gaepod.site.views.to_html", no_rendering)
    pages = plan_site(podcast, NOW)
    assert all(len(page.key) == 32 for page in pages)


def test_a_thousand_episodes_render_quickly(make_show) -> None:
    podcast = check_show(make_show(1, show_yaml=SITE_YAML)).podcast
    assert podcast is not None
    first = podcast.episodes[0]
    tags = ["alpha", "beta", "gamma", "delta", "epsilon"]
    many = tuple(
        replace(
            first,
            slug=f"ep-{n:04d}",
            guid=f"g{n}",
            title=f"Episode {n}",
            date=first.date + timedelta(hours=n),
            tags=(tags[n % 5], tags[n % 3]),
            description_md=f"Notes {n} about *things* and [links](https://example.org/{n}).",
        )
        for n in range(1000)
    )
    started = time.perf_counter()
    outputs = render_site(Podcast(podcast.show, many), NOW)
    elapsed = time.perf_counter() - started
    assert len([relpath for relpath in outputs if relpath.startswith("episodes/")]) == 1000
    assert elapsed < 5, f"{elapsed:.2f} s for 1,000 episodes"  # ~0.5 s here; catches O(N²)
