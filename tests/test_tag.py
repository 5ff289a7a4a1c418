"""`gaepod tag`: the tags written, read back by mutagen and by independent readers.

The independent readers are tinytag (MP3 and M4A) and eyeD3 (MP3, chapters
included): neither shares code with mutagen, which writes the tags.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import eyed3
import pytest
from mutagen.id3 import (
    COMM,
    ID3,
    RVA2,
    TIT2,
    TSSE,
    TXXX,
)
from mutagen.mp4 import MP4, MP4FreeForm
from tinytag import TinyTag

from conftest import SHOW_YAML, episode_yaml, jpeg_bytes, mp3_bytes, publish_feed, tag_audio
from gaepod.audio.tag import TagReport, needs_tagging, tag_show
from gaepod.errors import InvalidShowError
from gaepod.model import Podcast
from gaepod.show.check import check_show
from gaepod.show.probe import payload_digest

FIXTURES = Path(__file__).parent / "fixtures"
CHAPTERS = """
  - start: "00:00:00.000"
    title: Intro
  - start: "00:00:00.500"
    title: "Müller & the 🎙️ talk"
    url: https://example.org/talk
  - start: "00:00:01.000"
    title: Outro"""
# An ID3v2.3 tag of 31 bytes holding one TSSE frame, as an encoder writes it.
PRETAGGED = b"ID3\x03\x00\x00\x00\x00\x00\x15" + b"TSSE\x00\x00\x00\x0b\x00\x00\x00LAME 3.100"
EMOJI_TITLE = '"Zoë & Søren: café, ¿qué? 🎙️🚀 AC/DC — 東京"'


def podcast_of(root: Path) -> Podcast:
    result = check_show(root)
    assert result.is_ok and result.podcast is not None, [d.format() for d in result.errors]
    return result.podcast


def tag(root: Path, **options: bool) -> TagReport:
    return tag_audio(root, **options)


def eyed3_tag(path: Path):
    audio = eyed3.load(path)
    assert audio is not None and audio.tag is not None
    return audio.tag


def stamps(root: Path) -> dict[str, tuple[int, int, bytes]]:
    return {
        p.name: (p.stat().st_mtime_ns, p.stat().st_ino, p.read_bytes())
        for p in sorted((root / "audio").iterdir())
    }


@pytest.fixture
def show(make_show) -> Path:
    """Two MP3 episodes: one with number, season, chapters and summary; one plain."""
    return make_show(
        episodes=2,
        files={
            "001-episode.yaml": episode_yaml(
                1,
                season=2,
                summary='"A short summary."',
                chapters=CHAPTERS,
                audio="audio/001.mp3",
            ),
            "audio/001.mp3": mp3_bytes(1.5, stereo=True),
        },
    )


@pytest.mark.parametrize("version", [3, 4], ids=["id3v23", "id3v24"])
def test_mp3_tags_read_back_alike_by_mutagen_tinytag_and_eyed3(show: Path, version: int) -> None:
    report = tag(show, id3v24=version == 4)

    assert sorted(t.path.name for t in report.changed) == ["001.mp3", "002.mp3"]
    path = show / "audio" / "001.mp3"
    cover = (show / "art" / "cover.jpg").read_bytes()
    title = "Guest 1: Topic, Topic, & Topic?"

    tags = ID3(path)
    assert tags.version[:2] == (2, version)
    assert tags["TIT2"].text == [title]
    assert tags["TPE1"].text == ["Ada Host"]
    assert tags["TALB"].text == ["Test Show & Friends"]
    assert tags["TPE2"].text == ["Ada Host"]
    assert str(tags["TDRC"].text[0]) == "2024-02-02"
    assert (tags["TRCK"].text, tags["TPOS"].text, tags["TCON"].text) == (["1"], ["2"], ["Podcast"])
    assert tags["TGID"].text == ["001-episode"]
    assert tags["WOAS"].url == "https://show.example.org/episodes/001-episode/"
    assert tags.getall("COMM")[0].text == ["A short summary."]
    assert tags["TDES"].text == ["Notes for episode 1 with a link."]
    assert "PCST" in tags
    (picture,) = tags.getall("APIC")
    assert (picture.type, picture.mime, picture.data) == (3, "image/jpeg", cover)

    tiny = TinyTag.get(path, image=True)
    assert (tiny.title, tiny.album, tiny.artist, tiny.albumartist) == (
        title,
        "Test Show & Friends",
        "Ada Host",
        "Ada Host",
    )
    assert tiny.year == ("2024" if version == 3 else "2024-02-02")  # v2.3 TYER is a year
    assert (tiny.track, tiny.disc, tiny.genre) == (1, 2, "Podcast")
    assert tiny.images.front_cover is not None
    assert tiny.images.front_cover.data == cover

    eyed = eyed3_tag(path)
    assert eyed.version[:2] == (2, version)
    assert (eyed.title, eyed.album, eyed.artist) == (title, "Test Show & Friends", "Ada Host")
    # eyeD3 misreads v2.3's TDAT (DDMM) and keeps only TYER; v2.4's TDRC it reads whole.
    assert str(eyed.getBestDate()) == ("2024" if version == 3 else "2024-02-02")
    assert eyed.track_num[0] == 1
    assert [img.image_data for img in eyed.images] == [cover]
    assert eyed.frame_set[b"WFED"][0].text == "https://show.example.org/feed.xml"
    chapters = sorted(eyed.chapters, key=lambda c: c.times.start)
    assert [(c.times.start, c.times.end, c.title) for c in chapters] == [
        (0, 500, "Intro"),
        (500, 1000, "Müller & the 🎙️ talk"),
        (1000, podcast_of(show).episodes[0].audio.duration_ms, "Outro"),
    ]
    # mutagen ends the URL with a NUL (the ID3 string terminator); eyeD3 keeps it.
    assert chapters[1].user_url.rstrip("\x00") == "https://example.org/talk"
    (toc,) = eyed.table_of_contents
    assert (toc.toplevel, toc.ordered) == (True, True)
    assert toc.child_ids == [c.element_id for c in chapters]


@pytest.mark.parametrize("version", [3, 4], ids=["id3v23", "id3v24"])
def test_non_ascii_and_emoji_titles_round_trip(make_show, version: int) -> None:
    root = make_show(episodes=1, files={"001-episode.yaml": episode_yaml(1, title=EMOJI_TITLE)})

    tag(root, id3v24=version == 4)

    path = root / "audio" / "001.mp3"
    expected = EMOJI_TITLE.strip('"')
    tags = ID3(path)
    assert tags["TIT2"].text == [expected]
    assert TinyTag.get(path).title == expected
    assert eyed3_tag(path).title == expected
    if version == 3:  # v2.3 knows only Latin-1 and UTF-16; UTF-8 (3) would be invalid
        assert {frame.encoding for frame in tags.values() if hasattr(frame, "encoding")} <= {0, 1}


def test_unrelated_tags_are_kept(make_show) -> None:
    old = ID3()
    old.add(TIT2(encoding=1, text=["Old title"]))
    old.add(TSSE(encoding=0, text=["LAME 3.100"]))
    old.add(TXXX(encoding=0, desc="replaygain_track_gain", text=["-6.50 dB"]))
    old.add(COMM(encoding=0, lang="eng", desc="iTunNORM", text=[" 0000044E 00000000"]))
    old.add(RVA2(desc="track", channel=1, gain=-6.5, peak=0.9))
    root = make_show(episodes=1)
    path = root / "audio" / "001.mp3"
    old.save(path, v2_version=4)
    with path.open("ab") as handle:  # an ID3v1 tag too
        handle.write(b"TAG" + b"Old title".ljust(30, b"\0") + bytes(95))

    tag(root)

    tags = ID3(path)
    assert tags.version[:2] == (2, 3)
    assert tags["TIT2"].text == ["Guest 1: Topic, Topic, & Topic?"]
    assert tags["TSSE"].text == ["LAME 3.100"]
    assert tags["TXXX:replaygain_track_gain"].text == ["-6.50 dB"]
    assert tags["COMM:iTunNORM:eng"].text == [" 0000044E 00000000"]
    assert tags["RVA2:track"].gain == pytest.approx(-6.5)
    v1 = path.read_bytes()[-128:]
    assert v1.startswith(b"TAGGuest 1: Topic, Topic, & Top")  # updated in place, not added


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("cbr-mono.mp3", mp3_bytes(1.5)),
        ("cbr-stereo.mp3", mp3_bytes(1.5, stereo=True)),
        ("vbr-mono.mp3", mp3_bytes(1.5, vbr=True)),
        ("vbr-stereo.mp3", mp3_bytes(1.5, stereo=True, vbr=True)),
        ("pretagged.mp3", PRETAGGED + mp3_bytes(1.5)),
        ("mono.m4a", (FIXTURES / "aac-mono-44k.m4a").read_bytes()),
        ("stereo-faststart.m4a", (FIXTURES / "aac-stereo-48k-faststart.m4a").read_bytes()),
    ],
)  # fmt: skip
def test_audio_payload_is_byte_identical_after_tagging(make_show, name: str, data: bytes) -> None:
    root = make_show(
        episodes=1,
        files={"001-episode.yaml": episode_yaml(1, audio=f"audio/{name}"), f"audio/{name}": data},
    )
    path = root / "audio" / name
    fmt = "mp3" if name.endswith(".mp3") else "m4a"
    before = payload_digest(path, fmt)

    report = tag(root)

    assert [t.path.name for t in report.changed] == [name]
    assert payload_digest(path, fmt) == before
    after = path.read_bytes()
    assert len(after) > len(data)
    if fmt == "mp3":  # and without our digest: what follows the new tag is what followed the old
        old_tag = 31 if name == "pretagged.mp3" else 0
        assert after[ID3(path).size :] == data[old_tag:]
    else:
        at = data.find(b"mdat")
        media = data[at + 4 : at - 4 + int.from_bytes(data[at - 4 : at], "big")]
        assert len(media) > 8000
        assert media in after


@pytest.mark.parametrize("options", [{}, {"id3v24": True}], ids=["id3v23", "id3v24"])
def test_second_run_rewrites_nothing(show: Path, options: dict[str, bool]) -> None:
    (show / "audio" / "003.m4a").write_bytes((FIXTURES / "aac-mono-44k.m4a").read_bytes())
    (show / "003-episode.yaml").write_text(episode_yaml(3, audio="audio/003.m4a"))
    first = tag(show, **options)
    assert len(first.changed) == 3
    before = stamps(show)

    second = tag(show, **options)

    assert second.changed == []
    assert second.unchanged == 3
    assert stamps(show) == before


@pytest.mark.parametrize("options", [{}, {"id3v24": True}], ids=["id3v23", "id3v24"])
def test_rerun_without_the_record_compares_the_tags_and_writes_nothing(
    show: Path, options: dict[str, bool]
) -> None:
    (show / "audio" / "003.m4a").write_bytes((FIXTURES / "aac-mono-44k.m4a").read_bytes())
    (show / "003-episode.yaml").write_text(episode_yaml(3, audio="audio/003.m4a"))
    tag(show, **options)
    before = stamps(show)
    (show / ".gaepod" / "tags.json").unlink()  # e.g. a fresh clone: the record is not in git

    report = tag(show, **options)

    assert (report.changed, report.unchanged) == ([], 3)
    assert stamps(show) == before
    assert (show / ".gaepod" / "tags.json").exists()


@pytest.mark.parametrize("version", [3, 4], ids=["id3v23", "id3v24"])
def test_byte_comparison_agrees_with_the_full_comparison(show: Path, version: int) -> None:
    """holds_exactly answers from raw frames; it may only say "right" where changes() does."""
    from gaepod.audio import id3 as tag_id3
    from gaepod.audio.tag import _cover
    from gaepod.audio.wanted import wanted_tags

    tag(show, id3v24=version == 4)
    podcast = podcast_of(show)
    episode = podcast.episodes[0]
    path = show / "audio" / "001.mp3"
    wanted = wanted_tags(episode, podcast.show)
    cover = _cover(wanted.cover)[0]
    slots = tag_id3.slots(wanted, cover)

    def both() -> tuple[bool, bool]:
        return tag_id3.holds_exactly(path, wanted, cover, version), not tag_id3.changes(
            tag_id3.load(path), slots, version
        )

    assert both() == (True, True)  # as gaepod left it, chapters and cover included
    other = tag_id3.load(path)  # knows iTunes' WFED
    other.add(TSSE(encoding=0, text=["LAME 3.100"]))  # a frame gaepod does not own
    tag_id3.save(other, path, version)
    assert both() == (True, True)
    other.add(COMM(encoding=0, lang="eng", desc="iTunNORM", text=[" 0000044E"]))  # kept, unsure
    tag_id3.save(other, path, version)
    assert both() == (False, True)
    other["TIT2"] = TIT2(encoding=3, text=["Edited elsewhere"])
    tag_id3.save(other, path, version)
    assert both() == (False, False)
    other = tag_id3.load(path)  # knows iTunes' WFED
    other.setall("CHAP", other.getall("CHAP")[:-1])  # a chapter lost
    other["TIT2"] = TIT2(encoding=1, text=["Guest 1: Topic, Topic, & Topic?"])
    tag_id3.save(other, path, version)
    assert both() == (False, False)
    path.write_bytes(mp3_bytes(1.5))  # no tag at all
    assert both() == (False, False)


def test_tags_edited_by_another_tool_are_put_back(show: Path) -> None:
    tag(show)
    path = show / "audio" / "002.mp3"
    other = ID3(path)
    other["TIT2"] = TIT2(encoding=3, text=["Edited elsewhere"])
    other.save(path, v2_version=3)

    report = tag(show)

    # mutagen's own WFED class misreads iTunes' text-style WFED, so the other tool lost it too.
    assert [(t.path.name, t.changes) for t in report.changed] == [("002.mp3", ("TIT2", "WFED"))]
    assert ID3(path)["TIT2"].text == ["Guest 2: Topic, Topic, & Topic?"]


def test_switching_id3_version_rewrites_only_the_version(show: Path) -> None:
    tag(show)

    report = tag(show, id3v24=True)

    assert [t.changes for t in report.changed] == [("ID3v2.4",), ("ID3v2.4",)]


def test_dry_run_reports_changes_and_writes_nothing(show: Path) -> None:
    before = stamps(show)

    report = tag(show, dry_run=True)

    assert report.dry_run
    assert {t.path.name for t in report.changed} == {"001.mp3", "002.mp3"}
    assert "CHAP" in report.changed[0].changes
    assert stamps(show) == before
    assert not (show / ".gaepod" / "tags.json").exists()


def test_m4a_tags_read_back_alike_by_mutagen_and_tinytag(make_show) -> None:
    fixture = FIXTURES / "aac-stereo-48k-faststart.m4a"
    root = make_show(
        episodes=1,
        files={
            "001-episode.yaml": episode_yaml(1, audio="audio/001.m4a", title=EMOJI_TITLE, season=3)
            + "tags: [economics, trade]\n",
            "audio/001.m4a": fixture.read_bytes(),
        },
    )

    tag(root)

    path = root / "audio" / "001.m4a"
    title = EMOJI_TITLE.strip('"')
    cover = (root / "art" / "cover.jpg").read_bytes()
    tags = MP4(path).tags
    assert tags is not None
    assert tags["\xa9nam"] == [title]
    assert (tags["\xa9ART"], tags["aART"]) == (["Ada Host"], ["Ada Host"])
    assert tags["\xa9alb"] == ["Test Show & Friends"]
    assert tags["\xa9day"] == ["2024-02-02T08:00:00Z"]
    assert (tags["trkn"], tags["disk"]) == ([(1, 0)], [(3, 0)])
    assert tags["desc"] == tags["ldes"] == ["Notes for episode 1 with a link."]
    assert bytes(tags["covr"][0]) == cover
    assert tags["pcst"] is True
    assert tags["purl"] == ["https://show.example.org/feed.xml"]
    assert tags["egid"] == ["001-episode"]
    assert (tags["catg"], tags["keyw"], tags["\xa9gen"]) == (
        ["Technology"],
        ["economics, trade"],
        ["Podcast"],
    )
    assert tags["\xa9too"] == ["Lavf59.27.100"]  # the encoder's own atom stays

    tiny = TinyTag.get(path, image=True)
    assert (tiny.title, tiny.album, tiny.artist) == (title, "Test Show & Friends", "Ada Host")
    assert (tiny.year, tiny.track, tiny.disc) == ("2024-02-02T08:00:00Z", 1, 3)
    assert tiny.images.front_cover is not None
    assert tiny.images.front_cover.data == cover
    assert tiny.duration == pytest.approx(1.5, abs=0.05)


def test_episode_art_wins_and_url_art_embeds_nothing(make_show) -> None:
    url_show = SHOW_YAML.replace("image: art/cover.jpg", "image: https://cdn.example.org/c.jpg")
    episode_art = jpeg_bytes(1500)
    root = make_show(
        episodes=2,
        show_yaml=url_show,
        files={
            "art/ep1.jpg": episode_art,
            "001-episode.yaml": episode_yaml(1, image="art/ep1.jpg"),
        },
    )

    tag(root)

    assert [p.data for p in ID3(root / "audio" / "001.mp3").getall("APIC")] == [episode_art]
    assert ID3(root / "audio" / "002.mp3").getall("APIC") == []


def test_changed_chapters_replace_the_old_ones(show: Path) -> None:
    tag(show)
    yaml = show / "001-episode.yaml"
    yaml.write_text(yaml.read_text().replace('  - start: "00:00:01.000"\n    title: Outro\n', ""))

    report = tag(show)

    assert [(t.path.name, t.changes) for t in report.changed] == [("001.mp3", ("CHAP", "CTOC"))]
    tags = ID3(show / "audio" / "001.mp3")
    assert sorted(f.element_id for f in tags.getall("CHAP")) == ["chp0", "chp1"]
    assert tags.getall("CTOC")[0].child_element_ids == ["chp0", "chp1"]
    assert tags.getall("CHAP")[0].end_time in (500, 1500)


def test_remote_audio_is_skipped(make_show) -> None:
    remote = (
        'title: "Remote"\ndate: 2019-03-01T08:00:00Z\n'
        'audio_url: https://h.example/a.mp3\nlength: 1000\nduration: "00:10:00"\n'
        "description: Notes.\n"
    )
    root = make_show(episodes=1, files={"000-remote.yaml": remote})

    report = tag(root)

    assert report.skipped == 1
    assert [t.path.name for t in report.changed] == ["001.mp3"]


def test_tag_refuses_a_show_with_errors(show: Path) -> None:
    (show / "002-episode.yaml").write_text(episode_yaml(2, date="not a date"))
    before = stamps(show)

    with pytest.raises(InvalidShowError):
        tag(show)

    assert stamps(show) == before


def test_unreadable_file_is_reported_and_left_untouched(show: Path) -> None:
    podcast = podcast_of(show)
    broken = show / "audio" / "001.mp3"
    broken.write_bytes(b"\xff\xfb" + os.urandom(3000))  # broken after the check
    data = broken.read_bytes()

    report = tag_show(podcast)

    (failure,) = report.failures
    assert (failure.code, failure.path.name) == ("E186", "001-episode.yaml")
    assert "cannot tag '001.mp3'" in failure.message
    assert broken.read_bytes() == data
    assert [t.path.name for t in report.changed] == ["002.mp3"]
    assert not list((show / "audio").glob(".gaepod-tmp-*"))


def test_audio_is_read_again_before_tagging_only_when_it_changed_since_the_check(
    show: Path, monkeypatch
) -> None:
    from gaepod.audio import tag as tag_module

    podcast = podcast_of(show)
    probed: list[str] = []
    probe = tag_module.probe
    monkeypatch.setattr(tag_module, "probe", lambda path: probed.append(path.name) or probe(path))
    changed = show / "audio" / "002.mp3"
    os.utime(changed, ns=(changed.stat().st_atime_ns, changed.stat().st_mtime_ns + 1000))

    report = tag_show(podcast)

    assert probed == ["002.mp3"]  # 001.mp3 is as the check read it
    assert not report.failures and len(report.changed) == 2


def test_feed_enclosure_length_is_the_tagged_size(show: Path, tmp_path: Path) -> None:
    size_before = (show / "audio" / "002.mp3").stat().st_size
    tag(show)
    size_after = (show / "audio" / "002.mp3").stat().st_size
    assert size_after > size_before

    out = tmp_path / "public"
    publish_feed(show, out)

    feed = (out / "feed.xml").read_text()
    assert f'length="{size_after}"' in feed
    assert f'length="{size_before}"' not in feed


def test_feed_warns_about_untagged_audio_until_it_is_tagged(show: Path, tmp_path: Path) -> None:
    out = tmp_path / "public"

    untagged = [d for d in publish_feed(show, out).warnings if d.code == "W185"]
    assert sorted(d.path.name for d in untagged) == ["001-episode.yaml", "002-episode.yaml"]
    assert untagged[0].line == 4  # the `audio:` line

    tag(show)
    assert not [d for d in publish_feed(show, out).warnings if d.code == "W185"]

    yaml = show / "002-episode.yaml"
    yaml.write_text(yaml.read_text().replace("Guest 2", "Another guest"))
    warned = [d for d in publish_feed(show, out).warnings if d.code == "W185"]
    assert [d.path.name for d in warned] == ["002-episode.yaml"]


def test_a_tag_record_of_an_older_format_is_worked_out_again_without_writing(
    show: Path, tmp_path: Path
) -> None:
    """Records whose tag keys were made another way must not leave files looking untagged
    for good: they are dropped, the files compared again, and nothing is rewritten."""
    import json

    tag(show)
    record = show / ".gaepod" / "tags.json"
    data = json.loads(record.read_text())
    data["format"] = 1  # before tag keys were made from the fields' reprs
    for entry in data["files"].values():
        entry["tags"] = "a key made the old way"
    record.write_text(json.dumps(data))
    before = stamps(show)

    report = tag(show)

    assert report.changed == [] and report.unchanged == 2
    assert stamps(show) == before
    out = tmp_path / "public"
    assert not [d for d in publish_feed(show, out).warnings if d.code == "W185"]


def test_files_tagged_by_the_last_run_are_not_worked_out_again(show: Path, monkeypatch) -> None:
    """Tagging changes a file's size, mtime and embedded art; its record must still say
    'tagged from these inputs' to the next run, which then neither computes the wanted
    tags nor opens the audio."""
    from gaepod.audio import tag as tag_module

    assert len(tag(show).changed) == 2
    worked_out: list[str] = []
    wanted_tags = tag_module.wanted_tags

    def counting(episode, show_):
        worked_out.append(episode.slug)
        return wanted_tags(episode, show_)

    monkeypatch.setattr(tag_module, "wanted_tags", counting)

    report = tag(show)

    assert report.unchanged == 2 and report.changed == []
    assert worked_out == []


def test_needs_tagging_notices_a_replaced_file(show: Path) -> None:
    tag(show)
    podcast = podcast_of(show)
    assert not any(needs_tagging(e, podcast.show) for e in podcast.episodes)

    shutil.copy(show / "audio" / "001.mp3", show / "audio" / "002.mp3")
    podcast = podcast_of(show)

    assert [needs_tagging(e, podcast.show) for e in podcast.episodes] == [False, True]


def test_tagged_file_keeps_its_mode(show: Path) -> None:
    path = show / "audio" / "001.mp3"
    path.chmod(0o640)

    tag(show)

    assert path.stat().st_mode & 0o777 == 0o640


def test_m4a_replaygain_and_encoder_atoms_are_kept(make_show) -> None:
    root = make_show(
        episodes=1,
        files={
            "001-episode.yaml": episode_yaml(1, audio="audio/001.m4a"),
            "audio/001.m4a": (FIXTURES / "aac-mono-44k.m4a").read_bytes(),
        },
    )
    path = root / "audio" / "001.m4a"
    before = MP4(path)
    before["----:com.apple.iTunes:replaygain_track_gain"] = [MP4FreeForm(b"-6.50 dB")]
    before["\xa9nam"] = ["Old title"]
    before.save()

    tag(root)

    tags = MP4(path).tags
    assert tags is not None
    assert tags["----:com.apple.iTunes:replaygain_track_gain"] == [b"-6.50 dB"]
    assert tags["\xa9too"] == ["Lavf59.27.100"]
    assert tags["\xa9nam"] == ["Guest 1: Topic, Topic, & Topic?"]
