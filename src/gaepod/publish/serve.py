"""`gaepod serve`: a local preview server for public/ on 127.0.0.1.

Podcast apps and browsers seek in audio with HTTP Range requests and probe
files with HEAD, so this server answers both (single byte ranges, 206/416),
with the MIME types a podcast host must send.
"""

from __future__ import annotations

import contextlib
import mimetypes
import os
import re
import threading
from collections.abc import Callable
from functools import partial
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from ..member_keys import is_private_path
from ..state import is_state_name

EXTRA_TYPES = {
    ".mp3": "audio/mpeg",
    ".m4a": "audio/mp4",
    ".m4b": "audio/mp4",
    ".mp4": "audio/mp4",
    ".vtt": "text/vtt",
    ".srt": "application/x-subrip",
    ".json": "application/json",
    ".xml": "application/xml",
    ".webmanifest": "application/manifest+json",
}
_RANGE = re.compile(r"bytes=(\d*)-(\d*)$")


class PreviewHandler(SimpleHTTPRequestHandler):
    """Static files with Range support; quiet unless asked."""

    extensions_map = {  # noqa: RUF012 - the base class declares it this way
        **SimpleHTTPRequestHandler.extensions_map,
        **EXTRA_TYPES,
    }
    log_requests = False

    def guess_type(self, path: str | os.PathLike[str]) -> str:
        name = os.fspath(path)
        if name.endswith("feed.xml"):
            return "application/rss+xml; charset=utf-8"
        kind = super().guess_type(path)
        if kind.startswith("text/") or kind in (
            "application/json",
            "application/xml",
            "application/javascript",
        ):
            return f"{kind}; charset=utf-8"
        return kind

    def send_head(self) -> Any:
        header = self.headers.get("Range")
        path = self.translate_path(self.path)
        if header is None or os.path.isdir(path):
            return super().send_head()
        try:
            handle = open(path, "rb")  # noqa: SIM115 - returned to the base class
        except OSError:
            self.send_error(HTTPStatus.NOT_FOUND, "File not found")
            return None
        size = os.fstat(handle.fileno()).st_size
        span = _parse_range(header, size)
        if span is None:
            handle.close()
            self.send_response(HTTPStatus.REQUESTED_RANGE_NOT_SATISFIABLE)
            self.send_header("Content-Range", f"bytes */{size}")
            self.send_header("Content-Length", "0")
            self.end_headers()
            return None
        start, end = span
        handle.seek(start)
        self.send_response(HTTPStatus.PARTIAL_CONTENT)
        self.send_header("Content-Type", self.guess_type(path))
        self.send_header("Content-Range", f"bytes {start}-{end}/{size}")
        self.send_header("Content-Length", str(end - start + 1))
        self.send_header("Accept-Ranges", "bytes")
        self.end_headers()
        return _Window(handle, end - start + 1)

    def end_headers(self) -> None:
        if not self.headers.get("Range"):
            self.send_header("Accept-Ranges", "bytes")
        self.send_header("Cache-Control", "no-cache")
        if is_private_path(self.path.lstrip("/").split("?")[0]):
            # what a host's server should say too: members' files are never indexed
            self.send_header("X-Robots-Tag", "noindex, nofollow, noarchive")
        super().end_headers()

    def log_message(self, format: str, *args: Any) -> None:
        if self.log_requests:
            super().log_message(format, *args)


class _Window:
    """A file object that yields at most `remaining` bytes (for copyfile)."""

    def __init__(self, handle: Any, remaining: int) -> None:
        self.handle = handle
        self.remaining = remaining

    def read(self, size: int = -1) -> bytes:
        if self.remaining <= 0:
            return b""
        size = self.remaining if size < 0 else min(size, self.remaining)
        data: bytes = self.handle.read(size)
        self.remaining -= len(data)
        return data

    def close(self) -> None:
        self.handle.close()


def _parse_range(header: str, size: int) -> tuple[int, int] | None:
    """One `bytes=a-b` range -> inclusive (start, end), or None when unsatisfiable."""
    match = _RANGE.match(header.strip())
    if not match or size == 0:
        return None
    first, last = match.groups()
    if not first and not last:
        return None
    if not first:  # suffix range: the last N bytes
        length = int(last)
        if length == 0:
            return None
        return max(0, size - length), size - 1
    start = int(first)
    end = min(int(last), size - 1) if last else size - 1
    if start >= size or end < start:
        return None
    return start, end


def make_server(
    root: Path, port: int = 8000, host: str = "127.0.0.1", verbose: bool = False
) -> ThreadingHTTPServer:
    mimetypes.init()
    handler = partial(_handler_class(verbose), directory=str(root))
    server = ThreadingHTTPServer((host, port), handler)
    server.daemon_threads = True
    return server


def _handler_class(verbose: bool) -> type[PreviewHandler]:
    return type("Handler", (PreviewHandler,), {"log_requests": verbose})


def watch(
    paths: Callable[[], dict[Path, float]],
    rebuild: Callable[[], None],
    stop: threading.Event,
    interval: float = 1.0,
) -> None:
    """Poll the show's files; call `rebuild` after any change (until `stop` is set)."""
    seen = paths()
    while not stop.wait(interval):
        with contextlib.suppress(OSError):
            current = paths()
            if current != seen:
                seen = current
                rebuild()


def snapshot(show: Path) -> dict[Path, float]:
    """Modification times of every file in the show (not the cache folder)."""
    result = {}
    for path in show.rglob("*"):
        if any(is_state_name(part) for part in path.relative_to(show).parts):
            continue
        with contextlib.suppress(OSError):
            result[path] = path.stat().st_mtime
    return result
