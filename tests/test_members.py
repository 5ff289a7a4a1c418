"""Members' feeds: private feeds at unguessable addresses, members-only and early-access
episodes, revocation by removing a member or rotating the key, and nothing of it on
the public site."""

from __future__ import annotations

import http.client
import io
import json
import threading
from datetime import datetime, timedelta, timezone
from pathlib import Path

import feedparser
import podcastparser
import pytest
from lxml import etree
from typer.testing import CliRunner

from conftest import SHOW_YAML, episode_yaml, jpeg_bytes, mp3_bytes
from gaepod.cli import app
from gaepod.errors import InvalidShowError
from gaepod.member_keys import MEMBERS_KEY_ENV, media_token, member_token
from gaepod.publish import BuildOptions, build
from gaepod.publish.members import list_members
from gaepod.publish.serve import make_server
from gaepod.show.check import check_show

NOW = datetime(2026, 11, 24, 12, 0, tzinfo=timezone.utc)
KEY = "k3y-for-the-tests-0123456789"
ITUNES = "{http://www.itunes.com/dtds/podcast-1.0.dtd}"
PODCAST = "{https://podcastindex.org/namespace/1.0}"
SITE_YAML = (
    SHOW_YAML.replace(
        "media_base_url: https://cdn.example.org/audio/",
        "media_base_url: https://show.example.org/podcast/audio/",
    ).replace("link: https://show.example.org/", "link: https://show.example.org/podcast/")
    + "members: ../members.yaml\n"
)
MEMBERS = """\
members:
  - id: ada
    name: Ada Lovelace
    email: ada@example.org
  - id: bob
    name: Bob Example
"""
SECRET_TITLE = "Secret Members Session"
EARLY_TITLE = "Early Bird Episode"


@pytest.fixture
def key(monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv(MEMBERS_KEY_ENV, KEY)
    return KEY


@pytest.fixture
def show(make_show, tmp_path: Path, key: str) -> Path:
    (tmp_path / "members.yaml").write_text(MEMBERS, encoding="utf-8")
    return make_show(
        2,
        show_yaml=SITE_YAML,
        files={
            "audio/003.mp3": mp3_bytes(2.5),
            "003-secret.yaml": episode_yaml(
                3,
                title=f'"{SECRET_TITLE}"',
                date="2026-11-01T10:00:00Z",
                access="members",
                chapters="\n  - {start: '00:00:00', title: Welcome}",
            ),
            "audio/004.mp3": mp3_bytes(3.0),
            "004-early.yaml": episode_yaml(
                4,
                title=f'"{EARLY_TITLE}"',
                date="2026-12-01T10:00:00Z",
                early_access="2026-11-20T10:00:00Z",
            ),
        },
    )


def publish(root: Path, out: Path, now: datetime = NOW, **options: object) -> object:
    return build(BuildOptions(show=root, out=out, now=now, **options))  # type: ignore[arg-type]


def member_feed(out: Path, member: str, key: str = KEY) -> Path:
    return out / "members" / member_token(key.encode(), member) / "feed.xml"


def titles(path: Path) -> list[str]:
    parsed = feedparser.parse(path.read_bytes())
    assert not parsed.bozo, parsed.get("bozo_exception")
    return [e.title for e in parsed.entries]


def line_of(path: Path, start: str) -> int:
    lines = path.read_text(encoding="utf-8").splitlines()
    return next(n for n, line in enumerate(lines, 1) if line.startswith(start))


def public_files(out: Path) -> dict[str, bytes]:
    return {
        p.relative_to(out).as_posix(): p.read_bytes()
        for p in out.rglob("*")
        if p.is_file() and p.relative_to(out).parts[0] != "members"
    }


def test_members_only_episode_is_in_member_feeds_only(show: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    publish(show, out)
    public = titles(out / "feed.xml")
    assert SECRET_TITLE not in public and EARLY_TITLE not in public and len(public) == 2
    for member in ("ada", "bob"):
        path = member_feed(out, member)
        assert titles(path)[:2] == [EARLY_TITLE, SECRET_TITLE]
        parsed = podcastparser.parse(str(path), io.BytesIO(path.read_bytes()))
        assert [e["title"] for e in parsed["episodes"]][:2] == [EARLY_TITLE, SECRET_TITLE]
        secret = next(e for e in parsed["episodes"] if e["title"] == SECRET_TITLE)
        (enclosure,) = secret["enclosures"]
        prefix = f"https://show.example.org/podcast/members/{media_token(KEY.encode())}/"
        assert enclosure["url"] == prefix + "003.mp3"
        assert enclosure["file_size"] == (show / "audio" / "003.mp3").stat().st_size
    # the members-only audio is published under the secret prefix, not in audio/
    media = out / "members" / media_token(KEY.encode())
    assert (media / "003.mp3").read_bytes() == (show / "audio" / "003.mp3").read_bytes()
    assert (media / "004.mp3").is_file()  # early access: its own private copy
    chapters = json.loads((media / "chapters" / "003-secret.json").read_text())
    assert chapters["chapters"][0]["title"] == "Welcome"
    assert not (out / "audio" / "003.mp3").exists() and not (out / "audio" / "004.mp3").exists()
    assert (out / "audio" / "001.mp3").is_file()


def test_private_feeds_are_blocked_and_never_announced(show: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    publish(show, out)
    channel = etree.fromstring(member_feed(out, "ada").read_bytes()).find("channel")
    assert channel is not None
    assert channel.findtext(f"{ITUNES}block") == "Yes"
    assert [b.text for b in channel.findall(f"{PODCAST}block")] == ["yes"]
    assert len(channel.findall(f"{PODCAST}locked")) == 1
    assert channel.find(f"{ITUNES}new-feed-url") is None
    public = etree.fromstring((out / "feed.xml").read_bytes()).find("channel")
    assert public is not None and public.find(f"{ITUNES}block") is None
    assert channel.findtext(f"{PODCAST}guid") != public.findtext(f"{PODCAST}guid")


def test_no_public_file_names_a_private_episode_or_address(show: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    publish(show, out)
    files = public_files(out)
    assert "sitemap.xml" in files and "search.json" in files and "index.html" in files
    secrets = [
        SECRET_TITLE,
        EARLY_TITLE,
        "003-secret",
        "004-early",
        media_token(KEY.encode()),
        member_token(KEY.encode(), "ada"),
        member_token(KEY.encode(), "bob"),
    ]
    for relpath, data in files.items():
        for secret in secrets:
            assert secret.encode() not in data, (relpath, secret)
    assert not (out / "episodes" / "003-secret").exists()
    assert b"Disallow: /podcast/members/" in files["robots.txt"]
    # a directory listing of members/ shows nothing
    assert b"noindex" in (out / "members" / "index.html").read_bytes()
    ledger = (show / "published-members.yaml").read_text(encoding="utf-8")
    assert SECRET_TITLE in ledger and media_token(KEY.encode()) not in ledger
    assert member_token(KEY.encode(), "ada") not in ledger


def test_a_removed_member_and_an_old_key_are_revoked(
    show: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out"
    publish(show, out)
    ada, bob = member_feed(out, "ada"), member_feed(out, "bob")
    assert ada.is_file() and bob.is_file()
    (tmp_path / "members.yaml").write_text(MEMBERS.split("  - id: bob")[0], encoding="utf-8")
    publish(show, out)
    assert ada.is_file() and not bob.exists() and not bob.parent.exists()
    old_media = out / "members" / media_token(KEY.encode())
    monkeypatch.setenv(MEMBERS_KEY_ENV, "a-brand-new-key-9876543210")
    report = publish(show, out)
    assert not ada.exists() and not old_media.exists()
    new = member_feed(out, "ada", "a-brand-new-key-9876543210")
    assert SECRET_TITLE in titles(new)
    assert [r.feed_url for r in list_members(show)] == [
        "https://show.example.org/podcast/" + new.relative_to(out).as_posix()
    ]
    assert any(r.startswith("members/") for r in report.removed_outputs)  # type: ignore[attr-defined]


def test_early_access_moves_to_the_public_feed_at_its_date(show: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    before = datetime(2026, 11, 15, tzinfo=timezone.utc)
    publish(show, out, before)
    assert EARLY_TITLE not in titles(member_feed(out, "ada"))
    publish(show, out, datetime(2026, 11, 21, tzinfo=timezone.utc))
    assert EARLY_TITLE in titles(member_feed(out, "ada"))
    assert EARLY_TITLE not in titles(out / "feed.xml")
    private_url = feedparser.parse(member_feed(out, "ada").read_bytes()).entries[0].enclosures[0]
    publish(show, out, datetime(2026, 12, 1, 10, 0, tzinfo=timezone.utc))
    assert titles(out / "feed.xml")[0] == EARLY_TITLE
    assert (out / "episodes" / "004-early" / "index.html").is_file()
    # members keep the enclosure they had: their apps see no change
    entry = feedparser.parse(member_feed(out, "ada").read_bytes()).entries[0]
    assert entry.title == EARLY_TITLE and entry.enclosures[0].href == private_url.href


def test_a_scheduled_build_picks_up_early_access_without_edits(show: Path, tmp_path: Path) -> None:
    """The no-op answer knows when the next early access opens."""
    out = tmp_path / "out"
    before = datetime(2026, 11, 20, 9, 0, tzinfo=timezone.utc)
    publish(show, out, before)
    again = publish(show, out, before + timedelta(minutes=10))
    assert again.nothing_changed  # type: ignore[attr-defined]
    publish(show, out, before + timedelta(hours=2))
    assert EARLY_TITLE in titles(member_feed(out, "ada"))


def test_members_file_edits_and_key_changes_are_not_no_ops(
    show: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out"
    publish(show, out)
    assert publish(show, out).nothing_changed  # type: ignore[attr-defined]
    (tmp_path / "members.yaml").write_text(MEMBERS + "  - id: cy\n    name: Cy\n", "utf-8")
    assert not publish(show, out).nothing_changed  # type: ignore[attr-defined]
    assert member_feed(out, "cy").is_file()
    monkeypatch.setenv(MEMBERS_KEY_ENV, "yet-another-key-0123456789")
    assert not publish(show, out).nothing_changed  # type: ignore[attr-defined]
    assert member_feed(out, "cy", "yet-another-key-0123456789").is_file()


def test_a_missing_or_short_key_stops_the_build(
    show: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(MEMBERS_KEY_ENV)
    with pytest.raises(InvalidShowError) as raised:
        publish(show, tmp_path / "out")
    (error,) = [d for d in raised.value.diagnostics if d.is_error]
    assert error.code == "E906" and error.path.name == "podcast.yaml" and error.line > 0
    assert "openssl rand" in error.hint
    assert not (tmp_path / "out").exists()
    monkeypatch.setenv(MEMBERS_KEY_ENV, "short")
    with pytest.raises(InvalidShowError) as raised:
        publish(show, tmp_path / "out")
    assert [d.code for d in raised.value.diagnostics if d.is_error] == ["E907"]


def test_check_rules_for_members(make_show, tmp_path: Path, key: str) -> None:
    (tmp_path / "members.yaml").write_text(
        "members:\n  - id: ada\n    name: A\n  - id: Ada\n    name: B\n  - {id: 'x y', name: C}\n",
        encoding="utf-8",
    )
    root = make_show(
        2,
        show_yaml=SITE_YAML,
        files={
            "001-episode.yaml": episode_yaml(1, early_access="2030-01-01T00:00:00Z"),
            "002-episode.yaml": episode_yaml(2, access="members", early_access="2020-01-01"),
        },
    )
    found = {(d.path.name, d.code, d.line) for d in check_show(root).errors}
    assert ("members.yaml", "E904", 4) in found
    assert ("members.yaml", "E903", 6) in found
    early = line_of(root / "001-episode.yaml", "early_access:")
    assert ("001-episode.yaml", "E909", early) in found
    early = line_of(root / "002-episode.yaml", "early_access:")
    assert ("002-episode.yaml", "E908", early) in found


def test_members_fields_without_a_members_file(make_show) -> None:
    root = make_show(1, files={"001-episode.yaml": episode_yaml(1, access="members")})
    (error,) = check_show(root).errors
    assert error.code == "E905" and error.line == line_of(root / "001-episode.yaml", "access:")
    missing = make_show(1, show_yaml=SHOW_YAML + "members: ../nowhere.yaml\n", name="other")
    assert [d.code for d in check_show(missing).errors] == ["E901"]


def test_making_a_published_episode_members_only_is_refused(show: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    publish(show, out)
    episode = show / "001-episode.yaml"
    episode.write_text(episode.read_text() + "access: members\n", encoding="utf-8")
    with pytest.raises(InvalidShowError) as raised:
        publish(show, out)
    (error,) = raised.value.diagnostics
    assert error.code == "E910" and error.path == episode
    assert error.line == line_of(episode, "access:")
    publish(show, out, allow_removal=True)
    assert len(titles(out / "feed.xml")) == 1
    assert "Guest 1: Topic, Topic, & Topic?" in titles(member_feed(out, "ada"))


def test_the_members_ledger_protects_member_feeds(show: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    publish(show, out)
    (show / "003-secret.yaml").unlink()
    with pytest.raises(InvalidShowError) as raised:
        publish(show, out)
    (error,) = raised.value.diagnostics
    assert error.code == "E191" and error.path.name == "published-members.yaml"
    assert "members' feeds" in error.message and member_token(KEY.encode(), "ada") not in str(
        error.message
    )


def test_diff_reports_each_feed_and_prints_members_once(show: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    report = build(BuildOptions(show=show, out=out, now=NOW, diff_only=True))
    feeds = sorted(d.feed for d in report.diffs)
    assert feeds == sorted(
        ["feed.xml", *(member_feed(out, m).relative_to(out).as_posix() for m in ("ada", "bob"))]
    )
    result = CliRunner().invoke(
        app, ["build", "--diff", "--show", str(show), "--out", str(out), "--now", NOW.isoformat()]
    )
    assert result.exit_code == 0, result.output
    assert "members' feeds (2 published, 2 new)" in result.stdout
    assert result.stdout.count(SECRET_TITLE) == 1
    assert member_token(KEY.encode(), "ada") not in result.stdout


def test_members_command_lists_each_address(show: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(app, ["members", "--show", str(show), "--json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert [r["id"] for r in rows] == ["ada", "bob"]
    assert rows[0]["email"] == "ada@example.org" and rows[1]["email"] is None
    out = tmp_path / "out"
    publish(show, out)
    for row in rows:  # the addresses are the ones the build published
        relpath = row["feed_url"].removeprefix("https://show.example.org/podcast/")
        assert (out / relpath).is_file()
    plain = runner.invoke(app, ["members", "--show", str(show)])
    assert plain.exit_code == 0 and rows[0]["feed_url"] in plain.stdout
    no_key = runner.invoke(app, ["members", "--show", str(show)], env={MEMBERS_KEY_ENV: ""})
    assert no_key.exit_code == 1 and "GAEPOD_MEMBERS_KEY is not set" in no_key.stderr
    assert "Traceback" not in no_key.output
    # a key the build refuses (E907) gives no addresses: they would never be published
    short = runner.invoke(app, ["members", "--show", str(show)], env={MEMBERS_KEY_ENV: "short"})
    assert short.exit_code == 1 and "too short" in short.stderr and "members/" not in short.output


def test_serve_tells_robots_to_keep_out_of_members(show: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    publish(show, out)
    server = make_server(out, port=0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        path = "/" + member_feed(out, "ada").relative_to(out).as_posix()
        for target, private in ((path, True), ("/feed.xml", False)):
            connection = http.client.HTTPConnection("127.0.0.1", server.server_address[1])
            connection.request("GET", target)
            response = connection.getresponse()
            response.read()
            assert response.status == 200
            assert ("noindex" in (response.getheader("X-Robots-Tag") or "")) is private
            connection.close()
    finally:
        server.shutdown()
        server.server_close()


def test_every_file_of_a_members_only_episode_is_under_the_secret_prefix(
    make_show, tmp_path: Path, key: str
) -> None:
    """Audio, video, another rendition, art, chapter images and guest photos: each
    address the members' feed gives is a file the build published under the secret
    prefix, and none of it reaches the public site."""
    from test_video import video_bytes

    (tmp_path / "members.yaml").write_text(MEMBERS, encoding="utf-8")
    guest = "\n  - name: Zelda Hiddenguest\n    photo: art/zelda.jpg"
    show = make_show(
        1,
        show_yaml=SITE_YAML,
        files={
            "audio/002.mp3": mp3_bytes(2.0),
            "audio/002-low.mp3": mp3_bytes(2.0, freq=220.0),
            "video/002.mp4": video_bytes("mp4", 2.0, "320x180"),
            "art/secret-episode.jpg": jpeg_bytes(),
            "art/secret-chapter.jpg": jpeg_bytes(),
            "art/zelda.jpg": jpeg_bytes(),
            "002-secret.yaml": episode_yaml(
                2,
                title=f'"{SECRET_TITLE}"',
                date="2026-11-01T10:00:00Z",
                access="members",
                video="video/002.mp4",
                image="art/secret-episode.jpg",
                guests=guest,
                chapters="\n  - {start: '00:00:00', title: Hello, image: art/secret-chapter.jpg}",
                alternate_enclosures="\n  - file: audio/002-low.mp3\n    title: Low bandwidth",
            ),
        },
    )
    out = tmp_path / "out"
    publish(show, out)
    data = member_feed(out, "ada").read_bytes()
    assert titles(member_feed(out, "ada"))[0] == SECRET_TITLE
    item = etree.fromstring(data).find("channel/item")
    assert item is not None and item.findtext("title") == SECRET_TITLE
    site = "https://show.example.org/podcast/"
    prefix = site + f"members/{media_token(KEY.encode())}/"
    urls = [item.find("enclosure").get("url"), item.find(f"{ITUNES}image").get("href")]  # type: ignore[union-attr]
    urls += [s.get("uri") for s in item.iter(f"{PODCAST}source")]
    urls += [p.get("img") for p in item.findall(f"{PODCAST}person")]
    urls.append(item.find(f"{PODCAST}chapters").get("url"))  # type: ignore[union-attr]
    assert len(urls) == 6 and all(u and u.startswith(prefix) for u in urls), urls
    sources = {u for u in urls if u}
    chapters = json.loads((out / urls[-1].removeprefix(site)).read_text())  # type: ignore[union-attr]
    sources.add(chapters["chapters"][0]["img"])
    assert all(u.startswith(prefix) for u in sources)
    for url in sources:  # each one published, byte for byte the show's file
        assert (out / url.removeprefix(site)).is_file(), url
    assert (out / (prefix + "video/002.mp4").removeprefix(site)).read_bytes() == (
        show / "video" / "002.mp4"
    ).read_bytes()
    for relpath, content in public_files(out).items():
        for secret in ("Zelda", "zelda", "secret-chapter", "secret-episode", "002-low", "002.mp4"):
            assert secret.encode() not in content, (relpath, secret)
        assert not relpath.startswith("video/") and relpath != "audio/002.mp3"


def test_deploy_uploads_member_feeds_and_announces_only_the_public_one(
    make_show, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, key: str
) -> None:
    from deploy_tools import recorder
    from gaepod.deploy import DeployOptions, deploy

    (tmp_path / "members.yaml").write_text(MEMBERS, encoding="utf-8")
    with recorder() as index, recorder(204) as hub:
        monkeypatch.setenv("GAEPOD_PODCAST_INDEX_URL", index.url + "pubnotify")
        show = make_show(2, show_yaml=SITE_YAML + f"websub_hubs:\n  - {hub.url}\n")
        out, target = tmp_path / "out", tmp_path / "www"
        publish(show, out)
        deploy(DeployOptions(show=show, out=out, to=str(target)))
        ada, bob = (member_feed(out, m).relative_to(out) for m in ("ada", "bob"))
        assert (target / ada).read_bytes() == (out / ada).read_bytes()
        [notify] = index.hits
        assert notify.query == {"url": ["https://show.example.org/feed.xml"]}
        [sent] = hub.hits
        assert sent.form["hub.url"] == ["https://show.example.org/feed.xml"]
        # A members-only episode changes only the members' feeds: nobody is told.
        files = {"audio/003.mp3": mp3_bytes(1.0)}
        files["003-secret.yaml"] = episode_yaml(
            3, title=f'"{SECRET_TITLE}"', date="2026-11-01T10:00:00Z", access="members"
        )
        for relpath, content in files.items():
            path = show / relpath
            path.write_bytes(content) if isinstance(content, bytes) else path.write_text(content)
        publish(show, out)
        report = deploy(DeployOptions(show=show, out=out, to=str(target)))
        assert report.pings == [] and len(index.hits) == 1 and len(hub.hits) == 1
        assert SECRET_TITLE in titles(target / ada)
        # a removed member's feed is deleted from the host too
        (tmp_path / "members.yaml").write_text(MEMBERS.split("  - id: bob")[0], "utf-8")
        publish(show, out)
        deploy(DeployOptions(show=show, out=out, to=str(target)))
        assert (target / ada).is_file() and not (target / bob).exists()
        all_hits = [h.path + h.body.decode() for h in index.hits + hub.hits]
        assert not any("members" in hit for hit in all_hits)


def test_deploy_uploads_member_feeds_but_pings_only_the_public_one(
    make_show, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, key: str
) -> None:
    from deploy_tools import recorder
    from gaepod.deploy import DeployOptions, deploy

    (tmp_path / "members.yaml").write_text(MEMBERS, encoding="utf-8")
    with recorder() as index, recorder(204) as hub:
        monkeypatch.setenv("GAEPOD_PODCAST_INDEX_URL", index.url + "api/1.0/hub/pubnotify")
        root = make_show(2, show_yaml=SITE_YAML + f"websub_hubs:\n  - {hub.url}\n")
        out, target = tmp_path / "out", tmp_path / "www"
        publish(root, out)
        report = deploy(DeployOptions(show=root, out=out, to=str(target)))
        ada = member_feed(out, "ada").relative_to(out).as_posix()
        assert ada in report.uploaded and (target / ada).is_file()
        assert [p.ok for p in report.pings] == [True, True]
        pinged = [hit.query.get("url") for hit in index.hits] + [
            hit.form.get("hub.url") for hit in hub.hits
        ]
        assert pinged == [["https://show.example.org/feed.xml"]] * 2
        assert b"members/" not in b"".join(hit.path.encode() for hit in index.hits)


def test_a_members_file_inside_the_show_folder_is_refused(make_show, key: str) -> None:
    root = make_show(1, show_yaml=SHOW_YAML + "members: private/members.yaml\n")
    (root / "private").mkdir()
    (root / "private" / "members.yaml").write_text(MEMBERS, encoding="utf-8")
    (error,) = check_show(root).errors
    assert error.code == "E902" and error.path.name == "podcast.yaml"
    assert "members: ../members.yaml" in error.hint


def test_every_speedup_off_publishes_the_same_members_feeds(show: Path, tmp_path: Path) -> None:
    """A members' show built with every speed-up on and off: the same bytes, through an
    edit of a members-only episode and a member's removal."""
    import shutil

    from test_speed import build as build_with
    from test_speed import snapshot

    slow = tmp_path / "slow" / "show"
    shutil.copytree(show, slow)
    shutil.copyfile(tmp_path / "members.yaml", tmp_path / "slow" / "members.yaml")
    outs = {show: tmp_path / "fast-out", slow: tmp_path / "slow-out"}

    def both(change: object = None) -> None:
        for root, speedups in ((show, ""), (slow, "off")):
            if callable(change):
                change(root)
            build_with(root, outs[root], speedups)
        assert snapshot(outs[show]) == snapshot(outs[slow])

    both()
    both(
        lambda root: (root / "003-secret.yaml").write_text(
            (root / "003-secret.yaml").read_text().replace(SECRET_TITLE, "Renamed Session"), "utf-8"
        )
    )
    both(lambda root: (root.parent / "members.yaml").write_text(MEMBERS.split("  - id: bob")[0]))
    assert "Renamed Session" in titles(member_feed(outs[show], "ada"))
    assert not member_feed(outs[show], "bob").exists()


def test_list_shows_members_only_and_early_access(show: Path) -> None:
    from gaepod.publish.listing import list_episodes

    rows = {r.title: r.status for r in list_episodes(show, NOW)}
    assert rows[SECRET_TITLE] == "members"
    assert rows[EARLY_TITLE] == "early access"
    assert rows["Guest 1: Topic, Topic, & Topic?"] == "published"
    before = {
        r.title: r.status for r in list_episodes(show, datetime(2026, 11, 1, tzinfo=timezone.utc))
    }
    assert before[EARLY_TITLE] == "scheduled"
