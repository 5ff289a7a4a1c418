"""gaepod.audio: the one probe (duration, rate, channels, size) and what check says about audio."""

from __future__ import annotations

import array
import dataclasses
import io
import math
import struct
from pathlib import Path

import pytest
from mutagen.id3 import APIC, ID3, TIT2, TSSE

from conftest import _frame_length, episode_yaml, mp3_bytes
from gaepod.show.check import CheckResult, check_show
from gaepod.show.probe import audio_problems, payload_digest, probe

FIXTURES = Path(__file__).parent / "fixtures"
M4A_MONO = FIXTURES / "aac-mono-44k.m4a"
M4A_STEREO = FIXTURES / "aac-stereo-48k-faststart.m4a"
CHAPTERS = (
    '\n  - start: "00:00:00.000"\n    title: Intro\n  - start: "00:00:01.000"\n    title: Talk'
)


def count_frames(stream: bytes) -> int:
    """MPEG-1 Layer III frames after the Xing/Info frame, counted by walking their headers."""
    position, frames = _frame_length(stream[:4]), 0
    while position + 4 <= len(stream):
        position += _frame_length(stream[position : position + 4])
        frames += 1
    return frames


def with_id3(audio: bytes, *frames: object, version: int = 3) -> bytes:
    tags = ID3()
    for frame in frames:
        tags.add(frame)
    buffer = io.BytesIO(audio)
    tags.save(buffer, v2_version=version)
    return buffer.getvalue()


def lame_stream(rate: int, seconds: float = 1.0) -> bytes:
    """Raw LAME output (no Xing frame) at another sample rate."""
    import lameenc

    encoder = lameenc.Encoder()
    encoder.set_bit_rate(64)
    encoder.set_in_sample_rate(rate)
    encoder.set_out_sample_rate(rate)
    encoder.set_channels(1)
    encoder.set_quality(7)
    samples = array.array(
        "h",
        (int(8000 * math.sin(2 * math.pi * 440 * i / rate)) for i in range(int(rate * seconds))),
    )
    return bytes(encoder.encode(samples.tobytes()) + encoder.flush())


def codes(result: CheckResult, code: str) -> list[str]:
    return [d.format() for d in result.diagnostics if d.code == code]


@pytest.mark.parametrize("stereo", [False, True], ids=["mono", "stereo"])
@pytest.mark.parametrize("vbr", [False, True], ids=["cbr", "vbr"])
def test_mp3_duration_is_exact_from_the_xing_header(
    tmp_path: Path, vbr: bool, stereo: bool
) -> None:
    data = mp3_bytes(3.0, stereo=stereo, vbr=vbr)
    path = tmp_path / "a.mp3"
    path.write_bytes(data)

    facts = probe(path)

    assert facts.duration_ms == round(count_frames(data) * 1152 / 44100 * 1000)
    assert (facts.format, facts.mime, facts.size) == ("mp3", "audio/mpeg", len(data))
    assert (facts.sample_rate, facts.channels) == (44100, 2 if stereo else 1)
    assert facts.is_vbr is vbr
    if not vbr:
        assert facts.bitrate == pytest.approx(128000 if stereo else 64000, rel=0.01)


def test_mp3_without_a_xing_header_is_timed_from_its_bitrate(tmp_path: Path) -> None:
    data = lame_stream(44100, seconds=2.0)
    path = tmp_path / "raw.mp3"
    path.write_bytes(data)

    facts = probe(path)

    assert facts.duration_ms == pytest.approx(2000, abs=60)  # LAME pads up to a frame and more


def test_a_leading_id3_tag_is_skipped_and_its_art_measured(tmp_path: Path) -> None:
    audio = mp3_bytes(2.0)
    picture = APIC(encoding=3, mime="image/jpeg", type=3, desc="", data=b"\xff\xd8" * 1000)
    path = tmp_path / "tagged.mp3"
    path.write_bytes(with_id3(audio, TIT2(encoding=3, text=["x"]), picture))
    plain = tmp_path / "plain.mp3"
    plain.write_bytes(audio)

    assert probe(path).duration_ms == probe(plain).duration_ms
    assert 2000 < probe(path).art_bytes < 2100  # the picture frame: image, MIME type, header
    assert probe(plain).art_bytes == 0


@pytest.mark.parametrize(
    ("fixture", "duration_ms", "rate", "channels"),
    [(M4A_MONO, 2000, 44100, 1), (M4A_STEREO, 1500, 48000, 2)],
    ids=["mono-moov-last", "stereo-faststart"],
)
def test_m4a_duration_comes_from_the_movie_header(
    fixture: Path, duration_ms: int, rate: int, channels: int
) -> None:
    facts = probe(fixture)

    # The track header would say ~1024 samples more: AAC's priming, cut by the edit list.
    assert facts.duration_ms == duration_ms
    assert (facts.format, facts.mime) == ("m4a", "audio/x-m4a")
    assert (facts.sample_rate, facts.channels) == (rate, channels)
    assert 20_000 < facts.bitrate < 64_000
    assert facts.size == fixture.stat().st_size


@pytest.mark.parametrize("vbr", [False, True], ids=["cbr", "vbr"])
def test_truncated_mp3_is_a_check_error_naming_the_file(make_show, vbr: bool) -> None:
    data = mp3_bytes(3.0, vbr=vbr)
    root = make_show(episodes=1, files={"audio/001.mp3": data[: len(data) // 2]})

    result = check_show(root)

    (error,) = result.errors
    assert error.code == "E153"
    assert error.path.name == "001-episode.yaml"
    assert "'audio/001.mp3'" in error.message
    assert "truncated" in error.message


@pytest.mark.parametrize(
    ("fixture", "fragment"),
    [(M4A_STEREO, "truncated"), (M4A_MONO, "cannot read the audio")],
    ids=["faststart", "moov-last"],
)
def test_truncated_m4a_is_a_check_error_naming_the_file(
    make_show, fixture: Path, fragment: str
) -> None:
    data = fixture.read_bytes()
    root = make_show(
        episodes=1,
        files={
            "001-episode.yaml": episode_yaml(1, audio="audio/001.m4a"),
            "audio/001.m4a": data[: len(data) * 2 // 3],
        },
    )

    (error,) = check_show(root).errors

    assert error.code == "E153"
    assert "'audio/001.m4a'" in error.message
    assert fragment in error.message


@pytest.mark.parametrize(
    ("name", "content", "fragment"),
    [
        ("x.mp3", M4A_MONO.read_bytes(), "an M4A file with a .mp3 name; rename it to .m4a"),
        ("x.m4a", mp3_bytes(1.0), "an MP3 file with a .m4a name; rename it to .mp3"),
        ("x.mp3", b"fLaC" + bytes(100), "a FLAC file, not MP3"),
    ],
    ids=["m4a-as-mp3", "mp3-as-m4a", "flac"],
)
def test_audio_in_another_format_is_named(make_show, name: str, content: bytes, fragment: str):
    root = make_show(
        episodes=1,
        files={
            "001-episode.yaml": episode_yaml(1, audio=f"audio/{name}"),
            f"audio/{name}": content,
        },
    )

    (error,) = check_show(root).errors

    assert fragment in error.message


def test_unusual_sample_rate_is_a_warning(make_show) -> None:
    root = make_show(episodes=1, files={"audio/001.mp3": lame_stream(32000)})

    result = check_show(root)

    assert result.is_ok
    (warning,) = codes(result, "W181")
    assert "'001.mp3' is sampled at 32,000 Hz" in warning


def test_bitrate_over_320_kbits_is_a_warning(make_show) -> None:
    result = check_show(make_show(episodes=1))
    assert result.podcast is not None
    episode = result.podcast.episodes[0]
    assert audio_problems(episode) == []

    loud = dataclasses.replace(episode, audio=dataclasses.replace(episode.audio, bitrate=400_000))

    (warning,) = audio_problems(loud)
    assert warning.code == "W182"
    assert "400 kbit/s" in warning.message
    assert warning.line == 4  # the episode's `audio:` line


def test_large_embedded_artwork_is_a_warning(make_show) -> None:
    big = APIC(encoding=3, mime="image/jpeg", type=3, desc="", data=b"\xff" * 600_000)
    small = APIC(encoding=3, mime="image/jpeg", type=3, desc="", data=b"\xff" * 400_000)
    root = make_show(
        episodes=2,
        files={
            "audio/001.mp3": with_id3(mp3_bytes(1.25), big),
            "audio/002.mp3": with_id3(mp3_bytes(1.5), small),
        },
    )

    result = check_show(root)

    (warning,) = codes(result, "W183")
    assert warning.startswith(str(root / "001-episode.yaml"))
    assert "600 KB of embedded artwork" in warning


def test_m4a_episode_with_chapters_warns_that_they_stay_in_the_feed(make_show) -> None:
    root = make_show(
        episodes=2,
        files={
            "001-episode.yaml": episode_yaml(1, audio="audio/001.m4a", chapters=CHAPTERS),
            "002-episode.yaml": episode_yaml(2, chapters=CHAPTERS),
            "audio/001.m4a": M4A_MONO.read_bytes(),
        },
    )

    result = check_show(root)

    assert result.is_ok, [d.format() for d in result.errors]
    (warning,) = codes(result, "W184")
    assert "001-episode.yaml" in warning
    assert "cannot write its chapters" in warning


def test_payload_digest_ignores_tags_but_not_audio(tmp_path: Path) -> None:
    audio = mp3_bytes(2.0)
    variants = {
        "plain": audio,
        "v23": with_id3(audio, TIT2(encoding=3, text=["one"])),
        "v24": with_id3(audio, TSSE(encoding=3, text=["LAME"]), version=4),
        "v1": audio + b"TAG" + bytes(125),
    }
    digests = set()
    for name, data in variants.items():
        (tmp_path / f"{name}.mp3").write_bytes(data)
        digests.add(payload_digest(tmp_path / f"{name}.mp3", "mp3"))
    damaged = bytearray(audio)
    damaged[len(audio) // 2] ^= 0xFF
    (tmp_path / "damaged.mp3").write_bytes(bytes(damaged))

    assert len(digests) == 1
    assert payload_digest(tmp_path / "damaged.mp3", "mp3") not in digests


def test_m4a_payload_digest_covers_media_and_chunk_offsets(tmp_path: Path) -> None:
    data = M4A_STEREO.read_bytes()
    digest = payload_digest(M4A_STEREO, "m4a")
    moved = bytearray(data)
    stco = data.find(b"stco")
    first_offset = struct.unpack(">I", data[stco + 12 : stco + 16])[0]
    moved[stco + 12 : stco + 16] = struct.pack(">I", first_offset + 1)
    (tmp_path / "moved.m4a").write_bytes(bytes(moved))

    assert payload_digest(tmp_path / "moved.m4a", "m4a") != digest
