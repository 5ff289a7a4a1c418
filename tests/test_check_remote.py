"""`gaepod check --remote`: a show built locally, "deployed" to a file server on
127.0.0.1 that the tests make misbehave; every problem is reported at the live
feed's item, and the exit code says whether what is live is right."""

from __future__ import annotations

import json
import re
import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import feedparser
import pytest
from typer.testing import CliRunner

from conftest import SHOW_YAML, ShowBuilder, episode_yaml, publish_site, run_check
from gaepod.cli import app
from gaepod.errors import Diagnostic
from gaepod.publish.live import WORKERS, RemoteOptions, check_remote
from gaepod.show.podcast import read_show
from http_files import FileServer, Served, file_server
from test_terminal import on_terminal

TYPES = {".mp3": "audio/mpeg", ".xml": "application/rss+xml", ".jpg": "image/jpeg"}


@pytest.fixture
def live(make_show: ShowBuilder, tmp_path: Path) -> Iterator[tuple[Path, Path, FileServer]]:
    """A four-episode show whose site, feed and audio are served by the file server."""
    with file_server() as server:
        site = server.base + "/"
        show_yaml = SHOW_YAML.replace("https://show.example.org/", site).replace(
            "https://cdn.example.org/audio/", site + "audio/"
        )
        show = make_show(4, show_yaml=show_yaml)
        out = tmp_path / "public"
        publish_site(show, out)
        for path in sorted(out.rglob("*")):
            if path.is_file():
                relpath = path.relative_to(out).as_posix()
                mime = TYPES.get(path.suffix, "text/html; charset=utf-8")
                server.files["/" + relpath] = Served(path.read_bytes(), mime)
                if relpath == "index.html" or relpath.endswith("/index.html"):
                    served = server.files["/" + relpath]
                    server.files["/" + relpath[: -len("index.html")]] = served
        yield show, out, server


def run_live(show: Path, out: Path, url: str | None = None, timeout: float = 5.0):
    found = read_show(show)[0]
    return check_remote(RemoteOptions(show=show, out=out, url=url, timeout=timeout), found)


def item_line(server: FileServer, title_part: str) -> int:
    """The line of the <item> whose title contains `title_part`, in the live feed."""
    lines = server.files["/feed.xml"].data.decode().splitlines()
    for number, text in enumerate(lines, start=1):
        if text.strip().startswith("<item"):
            start = number
        if "<title>" in text and title_part in text:
            return start
    raise AssertionError(title_part)


def by_code(diagnostics: list[Diagnostic]) -> dict[str, list[Diagnostic]]:
    found: dict[str, list[Diagnostic]] = {}
    for d in diagnostics:
        found.setdefault(d.code, []).append(d)
    return found


def test_a_faithful_deploy_passes(live) -> None:
    show, out, server = live
    for path, served in list(server.files.items()):  # slow answers: requests overlap
        server.files[path] = replace(served, delay=0.2)
    report = run_live(show, out)
    assert report.diagnostics == []
    [feed] = report.feeds
    assert feed.is_same and feed.items == 4
    assert report.checked == {"enclosure": 4, "page": 5, "image": 1}
    ranged = [r for m, p, r in server.requests if m == "GET" and p.startswith("/audio/")]
    assert ranged == ["bytes=0-1"] * 4  # never the audio itself
    assert sum(server.sent[f"/audio/00{n}.mp3"] for n in range(1, 5)) == 8
    assert 1 < server.most_busy <= WORKERS  # a few at a time, never more
    parsed = feedparser.parse(server.files["/feed.xml"].data)
    assert not parsed.bozo and len(parsed.entries) == 4


def test_each_lie_is_reported_at_its_item(live) -> None:
    show, out, server = live
    files = server.files
    mp3 = files["/audio/001.mp3"]
    files["/audio/001.mp3"] = replace(mp3, head_length=len(mp3.data) + 1000)
    files["/audio/002.mp3"] = replace(files["/audio/002.mp3"], ignores_range=True)
    files["/audio/003.mp3"] = replace(files["/audio/003.mp3"], mime="text/html")
    files["/episodes/004-episode/"] = Served(b"", status=404)
    files["/art/cover.jpg"] = Served(b"", redirect="/art/cover-moved.jpg")
    files["/art/cover-moved.jpg"] = Served(b"jpeg", mime="image/jpeg")
    report = run_live(show, out)
    found = by_code(report.diagnostics)
    [length] = found["E613"]
    assert "Guest 1" in length.message and f"{len(mp3.data) + 1000:,} bytes" in length.message
    assert length.line == item_line(server, "Guest 1")
    [no_range] = found["E615"]
    assert "Guest 2" in no_range.message and "Range" in no_range.message
    assert no_range.line == item_line(server, "Guest 2")
    [wrong_type] = found["E614"]
    assert "Guest 3" in wrong_type.message and "text/html" in wrong_type.message
    [missing_page] = found["E612"]
    assert "Guest 4" in missing_page.message and "404" in missing_page.message
    assert missing_page.line == item_line(server, "Guest 4")
    [moved_art] = found["W611"]
    assert "cover-moved.jpg" in moved_art.message and not moved_art.is_error
    assert {str(d.path) for d in report.diagnostics} == {server.base[7:] + "/feed.xml"}
    assert set(found) == {"E612", "E613", "E614", "E615", "W611"}


def test_a_live_feed_that_is_not_the_local_one(live) -> None:
    show, out, server = live
    text = server.files["/feed.xml"].data.decode()
    items = re.findall(r"<item>.*?</item>", text, re.S)
    assert len(items) == 4
    old_length = re.search(r'length="(\d+)"', items[1])
    assert old_length
    changed = items[1].replace(old_length.group(0), 'length="12345"')
    stale = text.replace(items[0], "").replace(items[1], changed)
    server.files["/feed.xml"] = Served(stale.encode(), "application/rss+xml")
    report = run_live(show, out)
    found = by_code(report.diagnostics)
    [not_live] = found["E606"]  # the newest episode is only in the local feed
    assert "Guest 4" in not_live.message and not_live.path == out / "feed.xml"
    local_lines = (out / "feed.xml").read_text().splitlines()
    assert local_lines[not_live.line - 1].strip().startswith("<item")
    assert "Guest 4" in "".join(local_lines[not_live.line - 1 : not_live.line + 3])
    [differs] = found["E608"]
    assert "Guest 3" in differs.message and "length: live '12345'" in differs.message
    assert differs.line == item_line(server, "Guest 3")
    assert not report.feeds[0].is_same


def test_an_unreachable_feed_and_a_slow_server(live) -> None:
    show, out, server = live
    server.files["/feed.xml"] = Served(b"", status=404)
    report = run_live(show, out)
    [gone] = report.diagnostics
    assert gone.code == "E601" and "404" in gone.message
    server.files["/feed.xml"] = Served((out / "feed.xml").read_bytes(), "application/rss+xml")
    server.files["/audio/004.mp3"] = replace(server.files["/audio/004.mp3"], delay=3)
    started = time.monotonic()
    report = run_live(show, out, timeout=0.5)
    assert time.monotonic() - started < 3
    [slow] = report.diagnostics
    assert slow.code == "E610" and "Guest 4" in slow.message and "timed out" in slow.message


def test_check_remote_on_the_command_line(live) -> None:
    show, out, server = live
    args = ["check", "--show", str(show), "--remote", "--out", str(out)]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    assert re.search(
        r"live: http://127\.0\.0\.1:\d+/feed\.xml is the same as feed\.xml \(4 items\); "
        r"4 enclosures, 5 pages, 1 image checked",
        result.stdout,
    ), result.stdout
    server.files["/audio/002.mp3"] = replace(server.files["/audio/002.mp3"], ignores_range=True)
    failed = CliRunner().invoke(app, [*args, "--json"])
    assert failed.exit_code == 1
    summary = json.loads(failed.stdout)
    assert summary["ok"] is False and summary["diagnostics"] == []
    [problem] = summary["remote"]["diagnostics"]
    assert problem["code"] == "E615" and problem["line"] == item_line(server, "Guest 2")
    assert summary["remote"]["checked"] == {"image": 1, "page": 5, "enclosure": 4}
    # one feed named on the command line, compared with its local file
    url = server.url("/feed.xml")
    one = CliRunner().invoke(
        app, ["check", "--show", str(show), "--remote", url, "--out", str(out)]
    )
    assert one.exit_code == 1 and "E615" in one.stderr
    bad = CliRunner().invoke(app, ["check", "--show", str(show), url])
    assert bad.exit_code == 2


def test_check_remote_on_a_terminal(live) -> None:
    show, out, _server = live
    run = on_terminal("check", "--show", str(show), "--remote", "--out", str(out), cwd=out.parent)
    assert run.code == 0, run.text
    assert "live:" in run.text and "Traceback" not in run.text


def test_a_redirected_enclosure_is_reported_and_asked_once_through_the_redirect(live) -> None:
    show, out, server = live
    server.files["/cdn/001.mp3"] = server.files["/audio/001.mp3"]
    server.files["/audio/001.mp3"] = Served(b"", redirect="/cdn/001.mp3")
    report = run_live(show, out)
    [moved] = report.diagnostics
    assert moved.code == "W611" and "Guest 1" in moved.message and "/cdn/001.mp3" in moved.message
    assert moved.line == item_line(server, "Guest 1")
    asked = [(m, p, r) for m, p, r in server.requests if p in ("/audio/001.mp3", "/cdn/001.mp3")]
    assert asked == [
        ("HEAD", "/audio/001.mp3", ""),
        ("HEAD", "/cdn/001.mp3", ""),
        ("GET", "/cdn/001.mp3", "bytes=0-1"),
    ]


def test_old_addresses_must_lead_to_their_episode_pages(live) -> None:
    show, out, server = live
    server.files["/old/one/"] = Served(b"", redirect="/episodes/001-episode/")
    server.files["/old/two/"] = Served(b"", status=404)
    server.files["/old/three/"] = Served(b"", redirect="/")
    for n, old in ((1, "/old/one/"), (2, "/old/two/"), (3, "/old/three/")):
        path = show / f"00{n}-episode.yaml"
        path.write_text(episode_yaml(n, redirect_from=server.url(old)), encoding="utf-8")
    check = run_check(show).check
    assert check is not None and check.podcast is not None
    podcast = check.podcast
    options = RemoteOptions(show=show, out=out, timeout=5.0)
    report = check_remote(options, podcast.show, podcast=podcast)
    old = [d for d in report.diagnostics if d.code == "W620"]
    assert sorted(d.path.name for d in old) == ["002-episode.yaml", "003-episode.yaml"]
    lines = (show / "002-episode.yaml").read_text().splitlines()
    assert all(lines[d.line - 1].startswith("redirect_from:") for d in old)
    assert "answers 404" in old[0].message and "Guest 2" in old[0].message
    assert f"ends at {server.base}/ (200)" in old[1].message
    assert report.checked["old address"] == 3 and not report.errors
