"""Podcasting 2.0 tags from the show folder, read back by podcast-partytime (the Podcast
Index's own parser, run with Node) with the values the YAML gave; feedparser and
podcastparser see nothing else change; and each field's `check` rules."""

from __future__ import annotations

import io
import json
import shutil
import subprocess
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import feedparser
import podcastparser
import pytest
from lxml import etree

from conftest import SHOW_YAML, episode_yaml, jpeg_bytes, mp3_bytes, publish_feed, publish_site
from gaepod.show.check import check_show
from site_tools import REPO, missing_tool

NOW = datetime(2025, 1, 1, tzinfo=timezone.utc)
PODCAST = "https://podcastindex.org/namespace/1.0"
NODE_KEY = "02d5c1bf8b940dc9cadca86d1b0a3c37fbe39cee4c7e839e33bef9174531d27f52"
OTHER_GUID = "917393e3-1b1e-5cef-ace4-edaa54e1f810"

SHOW_20 = """\
locked: true
medium: podcast
people:
  - name: Ada Host
    photo: https://show.example.org/ada.jpg
    url: https://ada.example.org/
  - name: Bo Producer
    role: producer
license: CC-BY-4.0
location:
  name: Mexico City
  geo: "geo:19.4326,-99.1332"
  osm: R1376330
  rel: creator
  country: MX
txt:
  - purpose: applepodcastsverify
    text: S6lpp-7ZCn8-dZfGc-OoyaG
  - text: plain note
update_frequency:
  text: Every other Monday
  rrule: FREQ=WEEKLY;INTERVAL=2;BYDAY=MO
  dtstart: 2024-01-01T09:00
podroll:
  - feed_guid: 917393e3-1b1e-5cef-ace4-edaa54e1f810
    feed_url: https://other.example.org/feed.xml
    title: Another Show
block_platforms: [google, amazon]
value:
  type: lightning
  method: keysend
  suggested: "0.00000005000"
  recipients:
    - name: Ada Host
      type: node
      address: 02d5c1bf8b940dc9cadca86d1b0a3c37fbe39cee4c7e839e33bef9174531d27f52
      split: 95
    - name: Hosting
      type: lnaddress
      address: fees@wallet.example.org
      split: 5
      fee: true
      custom_key: "696969"
      custom_value: abc123
"""

EPISODE_20 = {
    "guests": "\n  - name: Gia Guest\n    url: https://gia.example.org/\n"
    "  - name: Cy Cohost\n    role: Co-Host\n  - name: Al Author\n    role: author\n",
    "license": "{identifier: my-license-v1, url: https://show.example.org/license/}",
    "location": "Lisbon",
    "soundbites": '\n  - {start: "00:00:00.250", duration: 0.5, title: The best bit}\n'
    "  - {start: 1, duration: 0.25}",
    "txt": "[{purpose: ai-content, text: 'false'}, {purpose: release, text: v1-final}]",
}


def partytime(feed: Path) -> dict[str, Any]:
    node = shutil.which("node")
    if node is None or not (REPO / "node_modules/podcast-partytime").is_dir():
        missing_tool("podcast-partytime (node + `npm ci`)")
    assert node is not None
    done = subprocess.run(
        [node, str(REPO / "tests/partytime.js"), str(feed)],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    parsed: dict[str, Any] = json.loads(done.stdout)
    return parsed


@pytest.fixture
def tagged_show(make_show):
    episode = episode_yaml(1, **EPISODE_20)
    return make_show(1, {"001-episode.yaml": episode}, show_yaml=SHOW_YAML + SHOW_20)


def test_partytime_reads_every_tag_as_the_yaml_gave_it(tagged_show, tmp_path: Path) -> None:
    publish_feed(tagged_show, tmp_path / "out", now=NOW)
    feed = partytime(tmp_path / "out" / "feed.xml")
    assert feed["locked"] is True
    assert feed["podcastOwner"] == "ada@example.org"
    assert feed["medium"] == "podcast"
    assert [(p["name"], p["role"], p["group"]) for p in feed["podcastPeople"]] == [
        ("Ada Host", "Host", "Cast"),
        ("Bo Producer", "Producer", "Creative Direction"),
    ]
    assert feed["podcastPeople"][0]["img"] == "https://show.example.org/ada.jpg"
    assert feed["podcastPeople"][0]["href"] == "https://ada.example.org/"
    assert feed["license"] == {
        "identifier": "CC-BY-4.0",
        "url": "https://creativecommons.org/licenses/by/4.0/",
    }
    assert feed["podcastLocation"] == {
        "name": "Mexico City",
        "geo": "geo:19.4326,-99.1332",
        "osm": "R1376330",
    }
    assert feed["podcastTxt"] == [
        {"value": "S6lpp-7ZCn8-dZfGc-OoyaG", "purpose": "applepodcastsverify"},
        {"value": "plain note"},
    ]
    assert [(r["feedGuid"], r.get("feedUrl")) for r in feed["podroll"]] == [
        (OTHER_GUID, "https://other.example.org/feed.xml")
    ]
    assert feed["podcastBlocked"] == "no"  # every platform but these may list it
    assert feed["podcastBlockedPlatforms"] == {"google": True, "amazon": True}
    value = feed["value"]
    assert (value["type"], value["method"], value["suggested"]) == (
        "lightning",
        "keysend",
        5e-08,  # partytime reads it as a number
    )
    assert [
        (r["name"], r["type"], r["address"], r["split"], r["fee"]) for r in value["recipients"]
    ] == [
        ("Ada Host", "node", NODE_KEY, 95, False),
        ("Hosting", "lnaddress", "fees@wallet.example.org", 5, True),
    ]
    assert (value["recipients"][1]["customKey"], value["recipients"][1]["customValue"]) == (
        "696969",
        "abc123",
    )
    assert feed["podcastImages"][0]["parsed"] == {
        "url": "https://show.example.org/art/cover.jpg",
        "width": 1400,
    }

    [item] = feed["items"]
    assert [(p["name"], p["role"], p["group"]) for p in item["podcastPeople"]] == [
        ("Gia Guest", "Guest", "Cast"),
        ("Cy Cohost", "Co-Host", "Cast"),
        ("Al Author", "Author", "Writing"),
    ]
    assert item["license"] == {
        "identifier": "my-license-v1",
        "url": "https://show.example.org/license/",
    }
    assert item["podcastLocation"] == {"name": "Lisbon"}
    assert [(s["startTime"], s["duration"], s["title"]) for s in item["podcastSoundbites"]] == [
        (0.25, 0.5, "The best bit"),
        (1, 0.25, feed["title"]),  # no title: partytime falls back to the show's
    ]
    # partytime's XML parser reads "false" as a boolean, and then gives no text
    assert item["podcastTxt"] == [
        {"value": "", "purpose": "ai-content"},
        {"value": "v1-final", "purpose": "release"},
    ]


def test_update_frequency_and_location_attributes(tagged_show, tmp_path: Path) -> None:
    # partytime 5 does not read updateFrequency, nor location's rel and country: lxml does
    publish_feed(tagged_show, tmp_path / "out", now=NOW)
    channel = etree.parse(str(tmp_path / "out" / "feed.xml")).getroot()[0]
    [frequency] = channel.findall(f"{{{PODCAST}}}updateFrequency")
    assert frequency.text == "Every other Monday"
    assert frequency.attrib == {
        "dtstart": "2024-01-01T08:00:00.000Z",  # 09:00 in Europe/Madrid
        "rrule": "FREQ=WEEKLY;INTERVAL=2;BYDAY=MO",
    }
    [location] = channel.findall(f"{{{PODCAST}}}location")
    assert (location.get("rel"), location.get("country")) == ("creator", "MX")
    txt = channel.find("item").findall(f"{{{PODCAST}}}txt")
    assert [(t.get("purpose"), t.text) for t in txt] == [
        ("ai-content", "false"),
        ("release", "v1-final"),
    ]


def test_other_parsers_see_nothing_else_change(make_show, tagged_show, tmp_path: Path) -> None:
    plain = make_show(1, name="plain")
    publish_feed(plain, tmp_path / "plain-out", now=NOW)
    publish_feed(tagged_show, tmp_path / "out", now=NOW)
    before = (tmp_path / "plain-out" / "feed.xml").read_bytes()
    after = (tmp_path / "out" / "feed.xml").read_bytes()

    def seen(data: bytes) -> tuple[Any, ...]:
        fp = feedparser.parse(data)
        assert not fp.bozo
        pp = podcastparser.parse("https://show.example.org/feed.xml", io.BytesIO(data))
        items = [
            {k: v for k, v in e.items() if k not in ("persons", "soundbites")}
            for e in pp["episodes"]
        ]
        keys = ("title", "link", "author", "image", "language", "subtitle")
        entries = [
            (e.title, e.id, e.published, e.enclosures, e.itunes_duration) for e in fp.entries
        ]
        return tuple(fp.feed.get(k) for k in keys), entries, pp["title"], items

    assert seen(before) == seen(after)


def test_locked_false_says_no(make_show, tmp_path: Path) -> None:
    root = make_show(1, show_yaml=SHOW_YAML + "locked: false\n")
    publish_feed(root, tmp_path / "out", now=NOW)
    assert partytime(tmp_path / "out" / "feed.xml")["locked"] is False


def test_locked_is_on_by_default_with_the_owner(make_show, tmp_path: Path) -> None:
    publish_feed(make_show(1), tmp_path / "out", now=NOW)
    feed = partytime(tmp_path / "out" / "feed.xml")
    assert (feed["locked"], feed["podcastOwner"]) == (True, "ada@example.org")


def problems(make_show, show_extra: str = "", **episode: str) -> list[str]:
    root = make_show(1, {"001-episode.yaml": episode_yaml(1, **episode)}, SHOW_YAML + show_extra)
    return [d.format(root) for d in check_show(root).diagnostics]


@pytest.mark.parametrize(
    ("show_extra", "expected"),
    [
        ("medium: movie\n", "podcast.yaml:15:9: error[E109]: 'medium' must be one of"),
        ("people: [{name: A, role: hots}]\n", "error[E702]: 'hots' is not a role of the"),
        ("people: [{name: A, role: host, group: kast}]\n", "error[E703]: 'kast' is not a group"),
        ("people: [{name: A, role: host, group: writing}]\n", "error[E704]: the role 'Host'"),
        ("license: my-own\n", "podcast.yaml:15:10: error[E705]: 'my-own' is not a well-known"),
        ("license: {identifier: x, url: ftp://a}\n", "error[E110]: 'license url'"),
        ("location: {name: X, geo: '19.4,-99.1'}\n", "error[E706]: 'location geo' is not a geo"),
        ("location: {name: X, geo: 'geo:99.1,10'}\n", "error[E706]"),
        ("location: {name: X, osm: '1376330'}\n", "error[E707]: 'location osm' is not an Open"),
        ("location: {name: X, country: Mexico}\n", "error[E708]"),
        ("location: {name: X, rel: about}\n", "error[E109]: 'location rel' must be one of"),
        ("location: {geo: 'geo:1,2'}\n", "error[E102]: missing required location field 'name'"),
        (f"location: {'x' * 129}\n", "error[E105]: 'location' is 129 characters long"),
        ("txt: [{purpose: ai-content, text: maybe}]\n", "error[E709]: an 'ai-content' txt"),
        ("txt: [{purpose: verify}]\n", "error[E102]: missing required txt field 'text'"),
        ("update_frequency: {text: W, rrule: FREQ=WEEKY}\n", "did you mean FREQ=WEEKLY?"),
        ("update_frequency: {text: W, rrule: 'FREQ=DAILY;COUNT=3'}\n", "COUNT but no dtstart"),
        (
            "update_frequency: {text: W, rrule: 'FREQ=DAILY;COUNT=3;UNTIL=20270101', "
            "dtstart: 2026-01-01}\n",
            "has both COUNT and UNTIL",
        ),
        ("update_frequency: {text: W, rrule: 'FREQ=WEEKLY;BYDAY=MON'}\n", "has BYDAY 'MON'"),
        ("update_frequency: {text: W, rrule: 'FREQ=MONTHLY;BYMONTHDAY=32'}\n", "BYMONTHDAY '32'"),
        ("update_frequency: {text: W, rrule: 'FREQ=WEEKLY;INTERVAL=0'}\n", "has INTERVAL=0"),
        ("update_frequency: {text: W, rrule: 'FREQ=WEEKLY;EVERY=2'}\n", "unknown part 'EVERY'"),
        ("update_frequency: {text: W}\n", "warning[W716]: 'update_frequency' has no 'rrule'"),
        ("podroll: [{feed_guid: not-a-uuid}]\n", "error[E717]: 'feed_guid' is not a podcast:guid"),
        ("podroll: [{feed_url: https://a.example/}]\n", "missing required podroll field"),
        ("block_platforms: [spotfy]\n", "error[E718]: 'spotfy' is not a service slug"),
        ("allow_platforms: [spotify]\n", "warning[W719]: 'allow_platforms' without"),
        (
            "value: {type: lightning, method: keysend, recipients: [{type: node, "
            "address: 02abc, split: 1}]}\n",
            "error[E713]: '02abc' is not a Lightning node public key",
        ),
        (
            "value: {type: lightning, method: keysend, recipients: [{type: lnaddress, "
            "address: nobody, split: 1}]}\n",
            "error[E713]: 'nobody' is not a Lightning address",
        ),
        (
            f"value: {{type: lightning, method: keysend, recipients: [{{type: node, "
            f"address: {NODE_KEY}, split: 0}}]}}\n",
            "error[E107]: 'recipient split' must be at least 1, not 0",
        ),
        (
            f"value: {{type: lightning, method: keysend, recipients: [{{type: node, "
            f"address: {NODE_KEY}, split: 2.5}}]}}\n",
            "error[E106]: 'recipient split' must be a whole number",
        ),
        (
            "value: {type: lightning, method: wallet, recipients: []}\n",
            "error[E710]: 'wallet' is not a method of lightning payments",
        ),
        ("value: {type: lightning, method: keysend, recipients: []}\n", "error[E711]"),
        (
            f"value: {{type: lightning, method: keysend, suggested: lots, recipients: "
            f"[{{type: node, address: {NODE_KEY}, split: 1}}]}}\n",
            "error[E712]: 'value suggested' is not a positive amount",
        ),
        (
            f"value: {{type: lightning, method: keysend, recipients: [{{type: node, "
            f"address: {NODE_KEY}, split: 1, custom_key: '7629169'}}]}}\n",
            "error[E714]: a recipient has only one of",
        ),
    ],
)
def test_check_names_each_bad_show_field(make_show, show_extra: str, expected: str) -> None:
    found = problems(make_show, show_extra)
    assert any(expected in line for line in found), found


@pytest.mark.parametrize(
    ("episode", "expected"),
    [
        ({"guests": "[{name: A, role: hostess}]"}, "did you mean 'Host'?"),
        ({"soundbites": "[{start: 10, duration: 1}]"}, "error[E721]: the soundbite starts at 10 s"),
        ({"soundbites": "[{start: 1, duration: 5}]"}, "error[E722]: the soundbite ends at 6 s"),
        ({"soundbites": "[{start: 0, duration: 0}]"}, "error[E720]: a soundbite lasts 0 seconds"),
        ({"soundbites": "[{start: 0}]"}, "missing required soundbite field 'duration'"),
        ({"soundbites": "[{start: 1:99, duration: 1}]"}, "error[E116]"),
        ({"license": "CC-BY-5.0"}, "did you mean 'CC-BY-4.0'?"),
    ],
)
def test_check_names_each_bad_episode_field(
    make_show, episode: dict[str, str], expected: str
) -> None:
    found = problems(make_show, **episode)
    assert any(expected in line and "001-episode.yaml:" in line for line in found), found


def test_a_long_soundbite_warns(make_show, tmp_path: Path) -> None:
    root = make_show(
        1,
        {
            "001-episode.yaml": episode_yaml(
                1,
                audio_url="https://cdn.example.org/1.mp3",
                length=100,
                duration='"01:00:00"',
                audio=None,
                soundbites="[{start: 60, duration: 180}]",
            )
        },
    )
    assert [d.code for d in check_show(root).diagnostics] == ["W723"]


def test_well_known_licenses_are_read_whatever_the_case(make_show, tmp_path: Path) -> None:
    root = make_show(1, show_yaml=SHOW_YAML + "license: cc-by-nc-nd-4.0\n")
    publish_feed(root, tmp_path / "out", now=NOW)
    assert partytime(tmp_path / "out" / "feed.xml")["license"] == {
        "identifier": "CC-BY-NC-ND-4.0",
        "url": "https://creativecommons.org/licenses/by-nc-nd/4.0/",
    }


def test_block_all_but_some(make_show, tmp_path: Path) -> None:
    root = make_show(
        1, show_yaml=SHOW_YAML + "block_platforms: all\nallow_platforms: [podcastindex]\n"
    )
    publish_feed(root, tmp_path / "out", now=NOW)
    feed = partytime(tmp_path / "out" / "feed.xml")
    assert feed["podcastBlocked"] == "yes"
    assert feed["podcastBlockedPlatforms"] == {"podcastindex": False}


def test_trailers_local_and_hosted_elsewhere(make_show, tmp_path: Path) -> None:
    trailer = mp3_bytes(0.5)
    extra = """\
trailers:
  - title: Season 2 starts in May
    date: 2024-04-01T08:00
    audio: audio/trailer.mp3
    season: 2
  - title: The show in one minute
    date: 2023-01-01T00:00Z
    url: https://elsewhere.example.org/teaser.m4a
    length: 12345
"""
    root = make_show(1, {"audio/trailer.mp3": trailer}, show_yaml=SHOW_YAML + extra)
    out = tmp_path / "out"
    publish_site(root, out, now=NOW)
    feed = partytime(out / "feed.xml")
    assert [
        (t["url"], t["pubdate"], t["length"], t["type"], t.get("season")) for t in feed["trailers"]
    ] == [
        (
            "https://cdn.example.org/audio/trailer.mp3",
            "2024-04-01T06:00:00.000Z",
            len(trailer),
            "audio/mpeg",
            2,
        ),
        (
            "https://elsewhere.example.org/teaser.m4a",
            "2023-01-01T00:00:00.000Z",
            12345,
            "audio/x-m4a",
            None,
        ),
    ]
    assert [t["title"] for t in feed["trailers"]] == [
        "Season 2 starts in May",
        "The show in one minute",
    ]


def test_a_trailer_hosted_with_the_site_is_published(make_show, tmp_path: Path) -> None:
    hosted = SHOW_YAML.replace("https://cdn.example.org/audio/", "https://show.example.org/audio/")
    extra = "trailers: [{title: Soon, date: 2024-04-01T08:00, audio: audio/trailer.mp3}]\n"
    root = make_show(1, {"audio/trailer.mp3": mp3_bytes(0.5)}, show_yaml=hosted + extra)
    publish_site(root, tmp_path / "out", now=NOW)
    assert (tmp_path / "out/audio/trailer.mp3").read_bytes() == mp3_bytes(0.5)


@pytest.mark.parametrize(
    ("trailer", "expected"),
    [
        ("{title: T, date: 2024-01-01T00:00}", "error[E724]: a trailer needs either 'audio'"),
        ("{title: T, date: 2024-01-01T00:00, audio: audio/nope.mp3}", "error[E725]: trailer file"),
        ("{title: T, date: 2024-01-01T00:00, url: 'https://a.example/t'}", "needs its 'length'"),
        ("{title: T, date: 2024-01-01T00:00, url: 'https://a.example/t', length: 9}", "E726"),
        ("{date: 2024-01-01T00:00, url: 'https://a.example/t.mp3', length: 9}", "field 'title'"),
    ],
)
def test_check_names_a_bad_trailer(make_show, trailer: str, expected: str) -> None:
    found = problems(make_show, f"trailers: [{trailer}]\n")
    assert any(expected in line for line in found), found


def test_soundbites_and_chapter_images_on_the_page(make_show, tmp_path: Path) -> None:
    chapters = (
        '\n  - {start: "00:00:00", title: Intro, image: art/intro.png}'
        '\n  - {start: "00:00:01", title: Later}'
    )
    episode = episode_yaml(
        1,
        chapters=chapters,
        soundbites='[{start: "00:00:00.500", duration: 0.75, title: "A <b>bit</b>"}]',
    )
    files = {"001-episode.yaml": episode, "art/intro.png": jpeg_bytes(300, fmt="PNG")}
    root = make_show(1, files)
    out = tmp_path / "out"
    publish_site(root, out, now=NOW)
    page = (out / "episodes/001-episode/index.html").read_text()
    assert (
        '<img class="chapter-art" src="../../art/intro.png" width="48" height="48" alt=""' in page
    )
    assert (out / "art/intro.png").read_bytes() == jpeg_bytes(300, fmt="PNG")
    assert 'href="https://cdn.example.org/audio/001.mp3#t=0.5,1.25" data-start="0.5"' in page
    assert "<span>A &lt;b&gt;bit&lt;/b&gt;</span>" in page  # escaped, never markup
    assert '<h2 id="soundbites-heading">Highlight</h2>' in page
    chapters_json = json.loads((out / "episodes/001-episode/chapters.json").read_text())
    assert chapters_json["chapters"][0]["img"] == "https://show.example.org/art/intro.png"
    assert "img" not in chapters_json["chapters"][1]
    feed = etree.parse(str(out / "feed.xml")).getroot()
    psc = feed.find(".//{http://podlove.org/simple-chapters}chapter")
    assert psc.get("image") == "https://show.example.org/art/intro.png"


def test_a_chapter_image_that_is_missing_is_an_error(make_show) -> None:
    chapters = '\n  - {start: "00:00:00", title: Intro, image: art/nope.png}'
    found = problems(make_show, chapters=chapters)
    assert any("error[E122]: 'chapter image' file not found" in line for line in found), found


def test_diff_tells_when_the_feed_gets_unlocked_or_blocked(make_show, tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from gaepod.cli import app

    root = make_show(1)
    out = tmp_path / "out"
    args = ["--show", str(root), "--out", str(out)]
    assert CliRunner().invoke(app, ["feed", "--quiet", *args]).exit_code == 0
    podcast_yaml = root / "podcast.yaml"
    podcast_yaml.write_text(
        podcast_yaml.read_text() + "locked: false\nmedium: music\nblock_platforms: [google]\n"
    )
    diff = CliRunner().invoke(app, ["build", "--diff", *args])
    assert "locked: 'yes (ada@example.org)' -> 'no'" in diff.stdout, diff.stdout
    assert "medium: 'podcast' -> 'music'" in diff.stdout
    assert "platform_block: '' -> 'google: yes'" in diff.stdout
    # the feed a build writes is what --diff announced: no change left
    assert CliRunner().invoke(app, ["feed", "--quiet", *args]).exit_code == 0
    again = CliRunner().invoke(app, ["build", "--diff", "--no-tag", *args])
    assert "locked" not in again.stdout and "medium" not in again.stdout, again.stdout
