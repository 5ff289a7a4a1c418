"""podcast:alternateEnclosure as the feed writes it: attributes, sources, integrity."""

from __future__ import annotations

import dataclasses
from datetime import datetime, timezone

from lxml import etree

from gaepod.feed.rss import render
from gaepod.model import AlternateEnclosure, Podcast
from gaepod.show.check import check_show

NOW = datetime(2026, 11, 24, 12, 0, tzinfo=timezone.utc)
PODCAST = "{https://podcastindex.org/namespace/1.0}"


def test_alternate_enclosures_are_written_with_sources_and_integrity(make_show) -> None:
    result = check_show(make_show(1))
    assert result.podcast is not None
    episode = result.podcast.episodes[0]
    alternates = (
        AlternateEnclosure(
            mime="audio/opus",
            length=1234,
            sources=("https://cdn.example.org/1.opus", "ipfs://QmExample"),
            bitrate=32000,
            title="Opus & small",
            lang="en",
            codecs="opus",
            is_default=True,
            integrity=("sri", "sha384-abc"),
        ),
        AlternateEnclosure(mime="video/mp4", length=99, sources=("https://cdn/1.mp4",), height=720),
    )
    episode = dataclasses.replace(episode, alternate_enclosures=alternates)
    data = render(Podcast(result.podcast.show, (episode,)), NOW)
    item = etree.fromstring(data).find("channel/item")
    assert item is not None
    found = item.findall(f"{PODCAST}alternateEnclosure")
    assert [dict(e.attrib) for e in found] == [
        {
            "type": "audio/opus",
            "length": "1234",
            "bitrate": "32000",
            "lang": "en",
            "title": "Opus & small",
            "codecs": "opus",
            "default": "true",
        },
        {"type": "video/mp4", "length": "99", "height": "720"},
    ]
    assert [s.get("uri") for s in found[0].findall(f"{PODCAST}source")] == [
        "https://cdn.example.org/1.opus",
        "ipfs://QmExample",
    ]
    integrity = found[0].find(f"{PODCAST}integrity")
    assert integrity is not None
    assert dict(integrity.attrib) == {"type": "sri", "value": "sha384-abc"}
    assert found[1].find(f"{PODCAST}integrity") is None
    # the enclosure itself is unchanged
    enclosure = item.find("enclosure")
    assert enclosure is not None and enclosure.get("type") == "audio/mpeg"
