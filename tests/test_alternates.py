"""`alternate_enclosures:` in an episode file: other bitrates and formats from local files
(type, size, bitrate and SRI sha384 read from them, cached) or hosted elsewhere, read back
by podcast-partytime with their sources and integrity."""

from __future__ import annotations

import base64
import hashlib
from datetime import datetime, timezone
from pathlib import Path

import pytest

from conftest import SHOW_YAML, episode_yaml, mp3_bytes, publish_feed, publish_site
from gaepod.publish import BuildOptions, Stage, build
from gaepod.show import alternates
from gaepod.show.check import check_show
from test_podcast20 import partytime

NOW = datetime(2025, 1, 1, tzinfo=timezone.utc)
ALTERNATES = """
  - file: audio/001-low.mp3
    title: Low bandwidth
    sources: [ipfs://QmExampleHash, "https://mirror.example.org/001-low.mp3"]
  - url: https://elsewhere.example.org/001.opus
    length: 4321
    type: audio/opus
    bitrate: 32000
    title: Opus
    codecs: opus
    lang: en
"""


def sri(data: bytes) -> str:
    return "sha384-" + base64.b64encode(hashlib.sha384(data).digest()).decode()


def low() -> bytes:
    return mp3_bytes(1.0, freq=220.0)


def show_with_alternates(make_show, show_yaml: str = SHOW_YAML):
    episode = episode_yaml(1, alternate_enclosures=ALTERNATES)
    return make_show(1, {"001-episode.yaml": episode, "audio/001-low.mp3": low()}, show_yaml)


def test_partytime_reads_sources_and_integrity(make_show, tmp_path: Path) -> None:
    root = show_with_alternates(make_show)
    publish_feed(root, tmp_path / "out", now=NOW)
    [item] = partytime(tmp_path / "out" / "feed.xml")["items"]
    first, second = item["alternativeEnclosures"]
    assert (first["type"], first["length"], first["title"], first["default"]) == (
        "audio/mpeg",
        len(low()),
        "Low bandwidth",
        False,
    )
    assert abs(first["bitrate"] - 64000) < 100  # read from the MP3
    assert [s["uri"] for s in first["source"]] == [
        "https://cdn.example.org/audio/001-low.mp3",
        "ipfs://QmExampleHash",
        "https://mirror.example.org/001-low.mp3",
    ]
    assert first["integrity"] == {"type": "sri", "value": sri(low())}
    assert (second["type"], second["length"], second["bitrate"], second["codecs"]) == (
        "audio/opus",
        4321,
        32000,
        "opus",
    )
    assert [s["uri"] for s in second["source"]] == ["https://elsewhere.example.org/001.opus"]
    assert "integrity" not in second  # nothing local to hash


def test_the_hash_is_worked_out_once_per_file_version(
    make_show, tmp_path: Path, monkeypatch
) -> None:
    root = show_with_alternates(make_show)
    hashed: list[Path] = []
    real = alternates.sri_sha384

    def counting(path: Path) -> str:
        hashed.append(path)
        return real(path)

    monkeypatch.setattr(alternates, "sri_sha384", counting)
    out = tmp_path / "out"
    options = BuildOptions(show=root, out=out, stages=frozenset({Stage.FEED}), now=NOW)
    build(options)
    assert len(hashed) == 1
    build(options)  # nothing changed: the cache holds the episode and its hash
    assert len(hashed) == 1
    other = mp3_bytes(1.5, freq=330.0)
    (root / "audio/001-low.mp3").write_bytes(other)
    build(options)
    assert len(hashed) == 2
    assert sri(other) in (out / "feed.xml").read_text()


def test_a_rendition_hosted_with_the_site_is_published(make_show, tmp_path: Path) -> None:
    hosted = SHOW_YAML.replace("https://cdn.example.org/audio/", "https://show.example.org/audio/")
    root = show_with_alternates(make_show, hosted)
    publish_site(root, tmp_path / "out", now=NOW)
    assert (tmp_path / "out/audio/001-low.mp3").read_bytes() == low()


@pytest.mark.parametrize(
    ("entry", "expected"),
    [
        ("{title: x}", "error[E730]: an alternate enclosure needs either 'file'"),
        ("{file: audio/none.mp3}", "error[E734]: alternate enclosure file not found"),
        ("{file: podcast.yaml}", "error[E735]: 'podcast.yaml'"),
        ("{file: ../outside.mp3}", "error[E734]: 'file'"),
        ("{url: 'https://a.example/x.ogg', type: audio/ogg}", "needs its 'length'"),
        ("{url: 'https://a.example/x.ogg', length: 5, type: ogg}", "error[E732]: 'ogg' is not"),
        ("{url: 'https://a.example/x', length: 5, type: audio/ogg, sources: [nope]}", "E736"),
        (
            "{url: 'https://a.example/x', length: 5, type: audio/ogg, title: " + "x" * 40 + "}",
            "warning[W737]: 'alternate enclosure title' is 40 characters long",
        ),
        (
            "\n  - {url: 'https://a.example/x', length: 5, type: audio/ogg, default: true}"
            "\n  - {url: 'https://a.example/y', length: 5, type: audio/ogg, default: true}",
            "error[E733]: two alternate enclosures say `default: true`",
        ),
    ],
)
def test_check_names_a_bad_alternate(make_show, entry: str, expected: str) -> None:
    value = entry if entry.startswith("\n") else f"[{entry}]"
    root = make_show(1, {"001-episode.yaml": episode_yaml(1, alternate_enclosures=value)})
    found = [d.format(root) for d in check_show(root).diagnostics]
    assert any(expected in line for line in found), found
