"""Moving hosts: `import` keeps each item's old page (`redirect_from:`), the site
redirects from it (`_redirects`, an nginx map, a page at the old address), `check`
reads the field strictly, and nothing the site or the host owns is replaced."""

from __future__ import annotations

import json
import re
import shlex
import subprocess
from datetime import datetime, timezone
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import feedparser
import podcastparser
import pytest

from conftest import (
    REPO,
    SHOW_YAML,
    ShowBuilder,
    episode_yaml,
    publish_feed,
    publish_site,
    run_check,
)
from gaepod.importer.feed_import import import_feed
from site_tools import CHROMIUM_ARGS, chromium_path, missing_tool, serve, vnu_command

RTVE = REPO / "tests" / "fixtures" / "realfeeds" / "rtve-tiempo-de-valientes.xml"
PODBEAN = REPO / "tests" / "fixtures" / "realfeeds" / "podbean-javascript-air.xml"
NOW = datetime(2026, 12, 1, tzinfo=timezone.utc)


def netlify_rules(out: Path) -> dict[str, str]:
    """`_redirects` as Netlify reads it: from -> to, every rule a 301."""
    rules = {}
    for line in (out / "_redirects").read_text().splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        source, target, status = line.split()
        assert status == "301"
        rules[source] = target
    return rules


def nginx_entries(out: Path) -> list[tuple[str, str]]:
    """The map's entries, unquoted as nginx unquotes them (`\\"` and `\\\\` only)."""
    entries = []
    for line in (out / "redirects.nginx.conf").read_text().splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        assert line.endswith(";")
        key, value = shlex.split(line[:-1].replace("\\", "\\\\"), posix=True)
        entries.append((key.replace("\\\\", "\\"), value))
    return entries


def nginx_lookup(out: Path, request_uri: str) -> str | None:
    """What `map $request_uri` gives: an exact key first, then the regexes in order."""
    entries = nginx_entries(out)
    for key, value in entries:
        if not key.startswith("~") and key == request_uri:
            return value
    for key, value in entries:
        if key.startswith("~") and re.search(key[1:], request_uri):
            return value
    return None


class _Head(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.meta: dict[str, str] = {}
        self.links: dict[str, str] = {}
        self.anchors: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k: v or "" for k, v in attrs}
        if tag == "meta":
            name = values.get("name") or values.get("http-equiv") or ""
            self.meta[name] = values.get("content", "")
        elif tag == "link":
            self.links[values.get("rel", "")] = values.get("href", "")
        elif tag == "a":
            self.anchors.append(values.get("href", ""))


def moved_page(path: Path) -> _Head:
    parser = _Head()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


def site_file(out: Path, link: str, url: str) -> Path:
    """The file in `out` that answers for `url` (a page of the site at `link`)."""
    assert url.startswith(link), (url, link)
    inside = unquote(url[len(link) :])
    return out / (inside + "index.html" if inside.endswith("/") or not inside else inside)


def item_links(feed: Path) -> dict[str, str]:
    """guid -> the item's <link>, as feedparser reads the feed."""
    parsed = feedparser.parse(feed.read_bytes())
    return {e.id: e.link for e in parsed.entries if e.get("link")}


@pytest.fixture(scope="module")
def rtve(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("rtve")
    show, out = root / "show", root / "public"
    import_feed(str(RTVE), show, now=NOW)
    publish_site(show, out, now=NOW)
    return show, out


def test_import_keeps_each_items_old_page(rtve: tuple[Path, Path]) -> None:
    show, _out = rtve
    old_links = item_links(RTVE)
    assert len(old_links) == 6
    kept = {}
    for path in sorted(show.glob("0*.yaml")):
        text = path.read_text(encoding="utf-8")
        guid = re.search(r'^guid: "?([^"\n]+)"?$', text, re.M)
        old = re.search(r'^redirect_from:\n- "([^"]+)"$', text, re.M)
        assert guid and old, text
        kept[guid.group(1)] = old.group(1)
    assert kept == old_links


def test_every_old_link_leads_to_a_page_of_the_new_site(rtve: tuple[Path, Path]) -> None:
    show, out = rtve
    link = re.search(r'^link: "([^"]+)"', (show / "podcast.yaml").read_text(), re.M)
    assert link
    site = link.group(1)
    rules = netlify_rules(out)
    for old in item_links(RTVE).values():
        parts = urlsplit(old)
        target = rules[parts.path]
        assert target.startswith(site + "episodes/")
        assert site_file(out, site, target).is_file()
        # nginx: with or without the last '/', with a tracking query, and not its neighbours
        for variant in (parts.path, parts.path.rstrip("/"), parts.path + "?utm_source=x"):
            assert nginx_lookup(out, variant) == target
        assert nginx_lookup(out, parts.path + "extra/") is None
        # the old address lies inside the new site: a page there sends readers on
        page = moved_page(site_file(out, site, old))
        assert page.meta["refresh"] == f"0; url={target}"
        assert page.meta["robots"] == "noindex"
        assert page.links["canonical"] == target
        assert page.anchors == [target]
    assert nginx_lookup(out, "/") is None


def test_the_redirect_pages_stay_out_of_the_sitemap_and_the_feed_still_parses(
    rtve: tuple[Path, Path],
) -> None:
    _show, out = rtve
    sitemap = (out / "sitemap.xml").read_text()
    for old in item_links(RTVE).values():
        assert urlsplit(old).path not in sitemap
    parsed = feedparser.parse((out / "feed.xml").read_bytes())
    assert not parsed.bozo and len(parsed.entries) == 6
    with (out / "feed.xml").open("rb") as handle:
        assert len(podcastparser.parse("feed.xml", handle)["episodes"]) == 6


def test_old_pages_on_another_host_are_in_the_redirect_files_only(tmp_path: Path) -> None:
    show, out = tmp_path / "show", tmp_path / "public"
    import_feed(str(PODBEAN), show, now=NOW)
    publish_site(show, out, now=NOW)
    rules = netlify_rules(out)
    old_links = item_links(PODBEAN)
    assert old_links and all("audio.javascriptair.com" in url for url in old_links.values())
    for old in old_links.values():
        target = rules[urlsplit(old).path]
        assert target.startswith("http://javascriptair.podbean.com/episodes/")
        assert nginx_lookup(out, urlsplit(old).path) == target
        page = target[len("http://javascriptair.podbean.com/") :]
        assert (out / page / "index.html").is_file()
    assert not (out / "e").exists()  # the old pages are not under the new site


def redirecting_show(make_show: ShowBuilder, **redirects: str) -> Path:
    files = {
        f"{n:03d}-episode.yaml": episode_yaml(n, redirect_from=value)
        for n, value in ((int(k[1:]), v) for k, v in redirects.items())
    }
    return make_show(3, files=files)


def test_addresses_told_apart_by_their_query_are_matched_with_it(
    make_show: ShowBuilder, tmp_path: Path
) -> None:
    show = redirecting_show(
        make_show,
        e1='["/?p=11", "https://old.example.org/archives/ep-1.html"]',
        e2='["/?p=12", "/index.php?p=12"]',
        e3="/2019/05/third/",
    )
    out = tmp_path / "public"
    report = publish_site(show, out)
    page = "https://show.example.org/episodes/{:03d}-episode/"
    assert nginx_lookup(out, "/?p=11") == page.format(1)
    assert nginx_lookup(out, "/?p=12") == page.format(2)
    assert nginx_lookup(out, "/index.php?p=12") == page.format(2)
    assert nginx_lookup(out, "/") is None and nginx_lookup(out, "/?p=13") is None
    assert nginx_lookup(out, "/archives/ep-1.html") == page.format(1)
    assert nginx_lookup(out, "/2019/05/third") == page.format(3)
    rules = netlify_rules(out)
    assert "/" not in rules  # Netlify and Cloudflare Pages redirect by path only
    assert rules["/archives/ep-1.html"] == page.format(1)
    assert rules["/index.php"] == page.format(2)
    assert rules["/2019/05/third/"] == page.format(3)
    # a page only where the old address is a page of this site's host
    assert moved_page(out / "2019/05/third/index.html").links["canonical"] == page.format(3)
    assert not (out / "archives").exists() and not (out / "index.php").exists()
    assert not [d for d in report.warnings if d.code == "W174"]


def test_a_page_of_the_site_or_a_file_of_the_host_is_never_replaced(
    make_show: ShowBuilder, tmp_path: Path
) -> None:
    show = redirecting_show(
        make_show,
        e1='["/about/", "/episodes/002-episode/", "/mine/"]',
        e2="/kept/",
    )
    out = tmp_path / "public"
    (out / "mine").mkdir(parents=True)
    (out / "mine" / "index.html").write_text("the host's own page")
    report = publish_site(show, out)
    assert (out / "mine" / "index.html").read_text() == "the host's own page"
    assert "Guest 2" in (out / "episodes" / "002-episode" / "index.html").read_text()
    assert "<title>About" in (out / "about" / "index.html").read_text()
    skipped = sorted(d.message for d in report.warnings if d.code == "W174")
    assert len(skipped) == 3, skipped
    assert all(
        d.path.name == "001-episode.yaml" and d.line for d in report.warnings if d.code == "W174"
    )
    assert set(netlify_rules(out)) == {"/kept/"}
    assert (out / "kept" / "index.html").is_file()


def test_redirect_files_go_when_no_episode_wants_them(
    make_show: ShowBuilder, tmp_path: Path
) -> None:
    show = redirecting_show(make_show, e1="/2019/old-one/")
    out = tmp_path / "public"
    publish_site(show, out)
    assert (out / "_redirects").is_file() and (out / "2019/old-one/index.html").is_file()
    publish_feed(show, out)  # the feed alone never removes what the site wrote
    assert (out / "_redirects").is_file()
    (show / "001-episode.yaml").write_text(episode_yaml(1), encoding="utf-8")
    report = publish_site(show, out)
    for gone in ("_redirects", "redirects.nginx.conf", "2019/old-one/index.html"):
        assert not (out / gone).exists()
        assert gone in report.removed_outputs


def test_a_show_without_redirects_writes_no_redirect_files(
    make_show: ShowBuilder, tmp_path: Path
) -> None:
    out = tmp_path / "public"
    publish_site(make_show(2), out)
    assert not (out / "_redirects").exists() and not (out / "redirects.nginx.conf").exists()


def test_check_reads_redirect_from_strictly(make_show: ShowBuilder) -> None:
    show = redirecting_show(
        make_show,
        e1='["ftp://old.example.org/1", "2019/relative/", "https://old.example.org/a b"]',
        e2='["https://old.example.org/shared/", "https://show.example.org/episodes/002-episode/"]',
        e3="https://other.example.org/shared/",
    )
    result = run_check(show).check
    assert result is not None and not result.is_ok
    found = [(d.path.name, d.line, d.code) for d in result.diagnostics]
    lines = (show / "001-episode.yaml").read_text().splitlines()
    line = 1 + next(i for i, text in enumerate(lines) if text.startswith("redirect_from:"))
    assert found.count(("001-episode.yaml", line, "E171")) == 3, found
    assert ("002-episode.yaml", line, "W172") in found  # its own page
    assert ("003-episode.yaml", line, "E173") in found  # the same old path as 002's
    messages = " ".join(d.format() for d in result.diagnostics)
    assert "2019/relative/" in messages and "/2019/05/my-episode/" in messages


def test_redirect_from_may_be_one_address(make_show: ShowBuilder) -> None:
    show = redirecting_show(make_show, e1="https://old.example.org/one/#comments")
    report = run_check(show)
    assert report.check is not None and report.check.podcast is not None
    episode = next(e for e in report.check.podcast.episodes if e.number == 1)
    assert episode.redirect_from == ("https://old.example.org/one/",)


def test_import_keeps_no_old_page_that_is_the_new_one_or_shared(tmp_path: Path) -> None:
    """A show already published at gaepod's addresses needs no redirect; a <link> every
    item shares is the show's site, not an episode's page."""
    items = [
        ("First Title", "https://site.example.org/episodes/0001-first-title/"),
        ("Second Title", "https://site.example.org/2020/second/"),
        ("Third Title", "https://site.example.org/shared/"),
        ("Fourth Title", "https://site.example.org/shared/"),
    ]
    feed = tmp_path / "feed.xml"
    feed.write_text(
        '<?xml version="1.0"?>\n<rss version="2.0"><channel><title>Show</title>'
        "<link>https://site.example.org/</link><description>A show</description>"
        + "".join(
            f"<item><title>{title}</title><guid>g{n}</guid><link>{link}</link>"
            f"<pubDate>Mon, 0{n + 1} Jun 2020 10:00:00 +0000</pubDate>"
            f'<enclosure url="https://cdn.example.org/{n}.mp3" length="100" type="audio/mpeg"/>'
            "</item>"
            for n, (title, link) in enumerate(items)
        )
        + "</channel></rss>",
        encoding="utf-8",
    )
    report = import_feed(str(feed), tmp_path / "show", now=NOW)
    kept = {
        path.name: "redirect_from" in path.read_text(encoding="utf-8")
        for path in (tmp_path / "show").glob("0*.yaml")
    }
    assert kept == {
        "0001-first-title.yaml": False,
        "0002-second-title.yaml": True,
        "0003-third-title.yaml": False,
        "0004-fourth-title.yaml": False,
    }
    [shared] = [d for d in report.warnings if d.code == "W259"]
    assert "2 items" in shared.message and "/shared/" in shared.message


def test_a_browser_at_an_old_address_lands_on_the_new_page(
    make_show: ShowBuilder, tmp_path: Path
) -> None:
    """Real chromium follows the meta refresh; the page is valid HTML (Nu checker)."""
    executable = chromium_path()
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        missing_tool("playwright (pip install -e '.[test]')")
    out = tmp_path / "public"
    out.mkdir()
    with serve(out) as base:
        files = {"001-episode.yaml": episode_yaml(1, redirect_from="/2019/05/old-one/")}
        show_yaml = SHOW_YAML.replace("https://show.example.org/", base)
        publish_site(make_show(2, files=files, show_yaml=show_yaml), out)
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
            try:
                page = browser.new_page()
                page.goto(base + "2019/05/old-one/")
                page.wait_for_url(base + "episodes/001-episode/", timeout=10_000)
                assert "Guest 1" in page.title()
            finally:
                browser.close()
    moved = out / "2019" / "05" / "old-one" / "index.html"
    result = subprocess.run(
        [*vnu_command(), "--format", "json", str(moved)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    messages = json.loads(result.stderr or result.stdout)["messages"]
    assert [m for m in messages if m["type"] in ("error", "non-document-error")] == []
    assert result.returncode == 0
