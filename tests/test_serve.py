"""`gaepod serve` over real HTTP on 127.0.0.1, including Range requests."""

from __future__ import annotations

import http.client
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from gaepod.publish.serve import make_server


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[int, bytes]]:
    audio = bytes(range(256)) * 40  # 10,240 bytes
    (tmp_path / "audio").mkdir()
    (tmp_path / "audio" / "1.mp3").write_bytes(audio)
    (tmp_path / "feed.xml").write_text("<rss/>")
    (tmp_path / "index.html").write_text("<!doctype html><title>x</title>")
    server = make_server(tmp_path, port=0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.server_address[1], audio
    finally:
        server.shutdown()
        server.server_close()


def request(
    port: int, method: str, path: str, headers: dict[str, str] | None = None
) -> http.client.HTTPResponse:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    connection.request(method, path, headers=headers or {})
    return connection.getresponse()


def test_range_request_returns_exactly_the_asked_bytes(served) -> None:
    port, audio = served
    response = request(port, "GET", "/audio/1.mp3", {"Range": "bytes=100-199"})
    assert response.status == 206
    assert response.getheader("Content-Range") == f"bytes 100-199/{len(audio)}"
    assert response.getheader("Content-Type") == "audio/mpeg"
    assert response.read() == audio[100:200]


def test_open_ended_and_suffix_ranges(served) -> None:
    port, audio = served
    assert request(port, "GET", "/audio/1.mp3", {"Range": "bytes=10000-"}).read() == audio[10000:]
    tail = request(port, "GET", "/audio/1.mp3", {"Range": "bytes=-16"})
    assert tail.status == 206 and tail.read() == audio[-16:]


def test_unsatisfiable_range_is_416(served) -> None:
    port, audio = served
    response = request(port, "GET", "/audio/1.mp3", {"Range": "bytes=99999-"})
    assert response.status == 416
    assert response.getheader("Content-Range") == f"bytes */{len(audio)}"


def test_head_and_full_get_advertise_ranges(served) -> None:
    port, audio = served
    head = request(port, "HEAD", "/audio/1.mp3")
    assert head.status == 200
    assert head.getheader("Accept-Ranges") == "bytes"
    assert head.getheader("Content-Length") == str(len(audio))
    assert request(port, "GET", "/audio/1.mp3").read() == audio


def test_feed_and_pages_have_podcast_mime_types(served) -> None:
    port, _ = served
    assert (
        request(port, "GET", "/feed.xml")
        .getheader("Content-Type")
        .startswith("application/rss+xml")
    )
    assert request(port, "GET", "/").getheader("Content-Type") == "text/html; charset=utf-8"
