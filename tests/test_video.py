"""Video episodes: MP4/M4V/WebM files probed, published as enclosures or as the
alternate of an audio episode, played by a <video> on the page, tagged when MP4.

The videos are made in the test by Debian's ffmpeg (a real encoder), a few KB each.
"""

from __future__ import annotations

import functools
import io
import shutil
import subprocess
import tempfile
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import feedparser
import podcastparser
import pytest
from lxml import etree
from mutagen.mp4 import MP4

from conftest import SHOW_YAML, episode_yaml, mp3_bytes, publish_feed, publish_site, run_check
from gaepod.errors import InvalidShowError
from gaepod.show.check import check_show
from gaepod.show.probe import AudioProbeError, probe
from site_tools import CHROMIUM_ARGS, chromium_path, missing_tool, serve

NOW = datetime(2026, 11, 24, 12, 0, tzinfo=timezone.utc)
PODCAST = "{https://podcastindex.org/namespace/1.0}"
SITE_YAML = SHOW_YAML.replace(
    "media_base_url: https://cdn.example.org/audio/",
    "media_base_url: https://show.example.org/podcast/audio/",
).replace("link: https://show.example.org/", "link: https://show.example.org/podcast/")


@functools.lru_cache(maxsize=8)
def video_bytes(kind: str = "mp4", seconds: float = 2.0, size: str = "160x90") -> bytes:
    """A real video with sound, encoded by ffmpeg: H.264 + AAC in MP4, VP9 + Opus in WebM."""
    ffmpeg = shutil.which("ffmpeg")
    if ffmpeg is None:
        missing_tool("ffmpeg (apt-get install ffmpeg)")
    codecs = {
        "mp4": ["-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-c:a", "aac"],
        "webm": ["-c:v", "libvpx-vp9", "-deadline", "realtime", "-b:v", "50k", "-c:a", "libopus"],
    }[kind]
    extra = ["-movflags", "+faststart", "-f", "mp4"] if kind == "mp4" else ["-f", "webm"]
    command = [
        ffmpeg, "-hide_banner", "-loglevel", "error", "-f", "lavfi",
        "-i", f"testsrc=size={size}:rate=10", "-f", "lavfi",
        "-i", "sine=frequency=440:sample_rate=48000", "-t", str(seconds),
        *codecs, "-b:a", "32k", "-shortest", *extra, "pipe:1",
    ]  # fmt: skip
    # Into a file, as a host's editor writes one: ffmpeg then goes back to fill in the
    # MP4 index and the WebM segment's size and duration.
    with tempfile.TemporaryDirectory() as folder:
        target = Path(folder) / f"out.{kind}"
        subprocess.run([*command[:-1], str(target)], check=True, capture_output=True)
        return target.read_bytes()


def video_show(make_show, files: dict[str, str | bytes], show_yaml: str = SHOW_YAML) -> Path:
    return make_show(0, files=files, show_yaml=show_yaml)


def one_episode(**fields: object) -> str:
    values: dict[str, object] = {"audio": None}
    values.update(fields)
    return episode_yaml(1, **values)


def parse(data: bytes) -> tuple[Any, dict]:
    parsed = feedparser.parse(data)
    assert not parsed.bozo, parsed.get("bozo_exception")
    return parsed, podcastparser.parse("https://show.example.org/feed.xml", io.BytesIO(data))


# probing


@pytest.mark.parametrize(
    ("name", "kind", "mime"),
    [
        ("v.mp4", "mp4", "video/mp4"),
        ("v.m4v", "mp4", "video/x-m4v"),
        ("v.webm", "webm", "video/webm"),
    ],
)
def test_video_files_are_probed_for_duration_size_and_picture(
    tmp_path: Path, name: str, kind: str, mime: str
) -> None:
    path = tmp_path / name
    path.write_bytes(video_bytes(kind, 2.0, "160x90"))
    facts = probe(path)
    assert facts.is_video and facts.mime == mime
    assert (facts.width, facts.height) == (160, 90)
    assert abs(facts.duration_ms - 2000) <= 100
    assert facts.size == path.stat().st_size
    assert facts.sample_rate == 48000


@pytest.mark.parametrize(
    ("name", "content", "fragment"),
    [
        ("x.webm", lambda: video_bytes("mp4"), "an MP4 file with a .webm name; rename it to .mp4"),
        ("x.mp4", lambda: video_bytes("webm"), "a WebM file with a .mp4 name; rename it to .webm"),
        ("x.webm", lambda: video_bytes("webm")[:3000], "truncated"),
        ("x.webm", lambda: b"\x1a\x45\xdf\xa3" + bytes(40), "cannot"),
    ],
)
def test_broken_or_misnamed_videos_are_refused_with_the_reason(
    tmp_path: Path, name: str, content: Any, fragment: str
) -> None:
    path = tmp_path / name
    path.write_bytes(content())
    with pytest.raises(AudioProbeError, match=fragment):
        probe(path)


def test_an_audio_only_mp4_stays_audio(tmp_path: Path) -> None:
    """An .mp4 without a video track is M4A audio, as it always was."""
    path = tmp_path / "a.mp4"
    path.write_bytes((Path(__file__).parent / "fixtures" / "aac-mono-44k.m4a").read_bytes())
    facts = probe(path)
    assert not facts.is_video and facts.mime == "audio/mp4" and facts.width == 0


# check


def test_each_field_takes_its_kind_of_file(make_show) -> None:
    root = video_show(
        make_show,
        {
            "audio/v.mp4": video_bytes("mp4"),
            "audio/001.mp3": mp3_bytes(2.0),
            "001-episode.yaml": one_episode(audio="audio/v.mp4"),
            "002-episode.yaml": episode_yaml(2, audio=None, video="audio/001.mp3"),
            "003-episode.yaml": episode_yaml(3, audio="audio/001.mp3", enclosure="video"),
        },
    )
    errors = {e.path.name: e for e in check_show(root).errors}
    first, second, third = (errors[f"00{n}-episode.yaml"] for n in (1, 2, 3))
    assert first.code == "E801" and "'audio/v.mp4' is a video" in first.message
    assert "`video: audio/v.mp4`" in first.hint and first.line == 4
    assert second.code == "E801" and "is audio, not video" in second.message
    assert third.code == "E802" and "no 'video'" in third.message


def test_video_and_audio_of_different_lengths_warn(make_show) -> None:
    root = video_show(
        make_show,
        {
            "audio/001.mp3": mp3_bytes(9.0),
            "video/001.mp4": video_bytes("mp4", 2.0),
            "001-episode.yaml": episode_yaml(1, video="video/001.mp4"),
        },
    )
    (warning,) = [w for w in run_check(root).warnings if w.code == "W803"]
    assert "the video lasts 00:00:02, the audio 00:00:09" in warning.message


# the feed


def test_a_video_episode_publishes_its_video_as_the_enclosure(make_show, tmp_path: Path) -> None:
    root = video_show(
        make_show,
        {
            "video/001.webm": video_bytes("webm"),
            "001-episode.yaml": one_episode(video="video/001.webm"),
        },
    )
    publish_feed(root, tmp_path / "out", NOW)
    data = (tmp_path / "out" / "feed.xml").read_bytes()
    parsed, podcast = parse(data)
    (enclosure,) = parsed.entries[0].enclosures
    size = (root / "video" / "001.webm").stat().st_size
    assert enclosure.href == "https://cdn.example.org/audio/video/001.webm"
    assert (enclosure.type, int(enclosure.length)) == ("video/webm", size)
    (item,) = podcast["episodes"]
    assert item["enclosures"][0]["mime_type"] == "video/webm"
    assert item["enclosures"][0]["file_size"] == size
    assert item["total_time"] == 2
    assert b"alternateEnclosure" not in data


@pytest.mark.parametrize("enclosure", [None, "audio", "video"])
def test_audio_and_video_one_enclosure_the_other_alternate(
    make_show, tmp_path: Path, enclosure: str | None
) -> None:
    root = video_show(
        make_show,
        {
            "audio/001.mp3": mp3_bytes(2.0),
            "video/001.mp4": video_bytes("mp4", 2.0, "320x180"),
            "001-episode.yaml": episode_yaml(1, video="video/001.mp4", enclosure=enclosure),
        },
    )
    publish_feed(root, tmp_path / "out", NOW)
    data = (tmp_path / "out" / "feed.xml").read_bytes()
    parsed, podcast = parse(data)
    video_size = (root / "video" / "001.mp4").stat().st_size
    audio_size = (root / "audio" / "001.mp3").stat().st_size
    item = etree.fromstring(data).find("channel/item")
    assert item is not None
    (alternate,) = item.findall(f"{PODCAST}alternateEnclosure")
    (source,) = alternate.findall(f"{PODCAST}source")
    (found,) = parsed.entries[0].enclosures
    if enclosure == "video":
        assert (found.type, int(found.length)) == ("video/mp4", video_size)
        assert podcast["episodes"][0]["enclosures"][0]["mime_type"] == "video/mp4"
        assert alternate.get("type") == "audio/mpeg"
        assert alternate.get("length") == str(audio_size)
        assert alternate.get("title") == "Audio" and alternate.get("height") is None
        assert source.get("uri") == "https://cdn.example.org/audio/001.mp3"
    else:
        assert (found.type, int(found.length)) == ("audio/mpeg", audio_size)
        assert alternate.get("type") == "video/mp4"
        assert alternate.get("length") == str(video_size)
        assert (alternate.get("height"), alternate.get("title")) == ("180", "Video")
        assert int(alternate.get("bitrate") or 0) > 0
        assert source.get("uri") == "https://cdn.example.org/audio/video/001.mp4"


def test_a_remote_video_url_gets_a_video_type(make_show, tmp_path: Path) -> None:
    remote = 'audio_url: https://cdn.example.org/1.webm\nlength: 1000\nduration: "00:10:00"'
    root = video_show(make_show, {"001-episode.yaml": one_episode() + remote + "\n"})
    publish_feed(root, tmp_path / "out", NOW)
    parsed, _ = parse((tmp_path / "out" / "feed.xml").read_bytes())
    assert parsed.entries[0].enclosures[0].type == "video/webm"


def test_a_remote_type_that_is_neither_audio_nor_video_warns(make_show) -> None:
    remote = (
        "audio_url: https://cdn.example.org/1\nlength: 1000\n"
        'duration: "00:10:00"\ntype: application/octet-stream\n'
    )
    root = video_show(make_show, {"001-episode.yaml": one_episode() + remote})
    (warning,) = [w for w in run_check(root).warnings if w.code == "W804"]
    assert warning.line == 9


# the page


def episode_page(out: Path) -> str:
    return (out / "episodes" / "001-episode" / "index.html").read_text(encoding="utf-8")


def test_remote_video_plays_in_a_video_element(make_show, tmp_path: Path) -> None:
    remote = (
        "audio_url: https://cdn.example.org/1.mp4\nlength: 1000\n"
        'duration: "00:10:00"\ntype: video/mp4\n'
    )
    root = video_show(make_show, {"001-episode.yaml": one_episode() + remote})
    publish_site(root, tmp_path / "out", NOW)
    html = episode_page(tmp_path / "out")
    assert '<video id="player"' in html and 'src="https://cdn.example.org/1.mp4"' in html
    assert "<audio" not in html
    assert '<meta property="og:video" content="https://cdn.example.org/1.mp4">' in html


def test_page_of_audio_and_video_plays_the_video_and_offers_both(make_show, tmp_path: Path) -> None:
    root = video_show(
        make_show,
        {
            "audio/001.mp3": mp3_bytes(2.0),
            "audio/001.mp4": video_bytes("mp4", 2.0, "320x180"),
            "001-episode.yaml": episode_yaml(1, video="audio/001.mp4"),
        },
        show_yaml=SITE_YAML,
    )
    out = tmp_path / "out"
    publish_site(root, out, NOW)
    html = episode_page(out)
    assert (
        '<video id="player" controls preload="metadata" playsinline src="../../audio/001.mp4" '
        'poster="../../art/cover.jpg" width="320" height="180">'
    ) in html
    assert "Download the audio (" in html and "Download the video (" in html
    assert 'href="../../audio/001.mp3" download' in html
    # both files are copied into the site, as hosted with it
    assert (out / "audio" / "001.mp4").read_bytes() == (root / "audio" / "001.mp4").read_bytes()
    assert (out / "audio" / "001.mp3").is_file()


@pytest.mark.parametrize("kind", ["mp4", "webm"])
def test_video_page_plays_in_chromium(make_show, tmp_path: Path, kind: str) -> None:
    executable = chromium_path()
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        missing_tool("playwright (pip install -e '.[test]')")
    root = video_show(
        make_show,
        {
            f"audio/001.{kind}": video_bytes(kind, 2.0, "320x180"),
            "001-episode.yaml": one_episode(
                video=f"audio/001.{kind}",
                chapters="\n  - {start: '00:00:00', title: A}\n  - {start: '00:00:01', title: B}",
            ),
        },
        show_yaml=SITE_YAML,
    )
    out = tmp_path / "out"
    publish_site(root, out, NOW)
    with serve(out) as url, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page()
            errors: list[str] = []
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.goto(f"{url}/episodes/001-episode/index.html", wait_until="load")
            page.wait_for_function(
                "document.getElementById('player').readyState >= 1", timeout=15000
            )
            width = page.evaluate("document.getElementById('player').videoWidth")
            assert page.evaluate("document.getElementById('player').tagName") == "VIDEO"
            assert width == 320
            # a chapter link seeks the video as it seeks audio
            page.click("a.chapter >> nth=1")
            page.wait_for_function("document.getElementById('player').currentTime >= 0.9")
            assert not errors
        finally:
            browser.close()


# tagging


def test_mp4_video_is_tagged_and_webm_left_as_it_is(make_show, tmp_path: Path) -> None:
    root = video_show(
        make_show,
        {
            "video/001.mp4": video_bytes("mp4"),
            "video/002.webm": video_bytes("webm"),
            "001-episode.yaml": one_episode(video="video/001.mp4"),
            "002-episode.yaml": episode_yaml(2, audio=None, video="video/002.webm"),
        },
    )
    webm_before = (root / "video" / "002.webm").read_bytes()
    out = tmp_path / "out"
    from gaepod.publish import BuildOptions, build

    report = build(BuildOptions(show=root, out=out, now=NOW))
    assert not report.warnings, [w.format() for w in report.warnings]
    tags = MP4(root / "video" / "001.mp4").tags
    assert tags is not None and tags["\xa9nam"] == ["Guest 1: Topic, Topic, & Topic?"]
    assert tags["egid"] == ["001-episode"]
    assert (root / "video" / "002.webm").read_bytes() == webm_before
    # the feed carries the tagged file's size, and the tagged video still probes as video
    parsed, _ = parse((out / "feed.xml").read_bytes())
    by_guid = {e.id: e.enclosures[0] for e in parsed.entries}
    assert int(by_guid["001-episode"].length) == (root / "video" / "001.mp4").stat().st_size
    facts = probe(root / "video" / "001.mp4")
    assert facts.is_video and (facts.width, facts.height) == (160, 90)
    # and a second build writes nothing
    mtime = (root / "video" / "001.mp4").stat().st_mtime_ns
    again = build(BuildOptions(show=root, out=out, now=NOW))
    assert again.written == [] and (again.tags is None or not again.tags.changed)
    assert (root / "video" / "001.mp4").stat().st_mtime_ns == mtime


def test_invalid_video_stops_the_build_naming_the_file(make_show, tmp_path: Path) -> None:
    root = video_show(
        make_show,
        {
            "video/001.webm": b"\x1a\x45\xdf\xa3junk",
            "001-episode.yaml": one_episode(video="video/001.webm"),
        },
    )
    with pytest.raises(InvalidShowError) as raised:
        publish_feed(root, tmp_path / "out", NOW)
    (error,) = [d for d in raised.value.diagnostics if d.is_error]
    assert error.code == "E153" and "'video/001.webm'" in error.message
    assert "MP4 (H.264 + AAC) or WebM" in error.hint
    assert not (tmp_path / "out" / "feed.xml").exists()


def test_both_files_of_an_episode_are_tagged(make_show, tmp_path: Path) -> None:
    root = video_show(
        make_show,
        {
            "audio/001.mp3": mp3_bytes(2.0),
            "video/001.mp4": video_bytes("mp4"),
            "001-episode.yaml": episode_yaml(1, video="video/001.mp4"),
        },
    )
    from mutagen.id3 import ID3

    from gaepod.publish import BuildOptions, build

    report = build(BuildOptions(show=root, out=tmp_path / "out", now=NOW))
    assert report.tags is not None
    assert sorted(t.path.name for t in report.tags.changed) == ["001.mp3", "001.mp4"]
    assert str(ID3(root / "audio" / "001.mp3")["TIT2"]) == "Guest 1: Topic, Topic, & Topic?"
    tags = MP4(root / "video" / "001.mp4").tags
    assert tags is not None and tags["\xa9nam"] == ["Guest 1: Topic, Topic, & Topic?"]
    # the alternate enclosure names the tagged video's size
    data = (tmp_path / "out" / "feed.xml").read_bytes()
    alternate = etree.fromstring(data).find(f"channel/item/{PODCAST}alternateEnclosure")
    assert alternate is not None
    assert alternate.get("length") == str((root / "video" / "001.mp4").stat().st_size)


def test_new_episode_from_a_video_writes_a_video_field(make_show, tmp_path: Path) -> None:
    from gaepod.show.scaffold import create_episode

    root = make_show(1)
    source = tmp_path / "recording.mp4"
    source.write_bytes(video_bytes("mp4"))
    created = create_episode(root, "Guest: A video", NOW, audio=source)
    text = created.path.read_text(encoding="utf-8")
    assert created.audio is not None and created.audio.suffix == ".mp4"
    assert f"\nvideo: {created.audio.relative_to(root).as_posix()}\n" in text
    assert "\naudio:" not in text
    # the draft, once ready, checks clean with its video as the enclosure
    created.path.write_text(text.replace("draft: true", "draft: false"), encoding="utf-8")
    result = run_check(root, NOW)
    assert result.check is not None and result.check.podcast is not None
    (episode,) = [e for e in result.check.podcast.episodes if e.source == created.path]
    assert episode.audio.mime == "video/mp4"
