"""A file server on 127.0.0.1 for the tests that read audio, art and pages over HTTP
(`import --probe`, `check --remote`): Range requests as podcast apps make them, and
servers that misbehave the ways real ones do, each byte it sends counted."""

from __future__ import annotations

import re
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

_RANGE = re.compile(r"bytes=(\d+)-(\d*)$")


@dataclass
class Served:
    """One path: its bytes and type, and how the server lies about it."""

    data: bytes
    mime: str = "audio/mpeg"
    ignores_range: bool = False  # answers 200 with the whole file to a Range request
    head_length: int | None = None  # a Content-Length for HEAD other than the file's
    status: int = 200  # 404: not there
    redirect: str | None = None  # a path it sends a 301 to
    delay: float = 0.0  # seconds before it answers


@dataclass
class FileServer:
    base: str  # http://127.0.0.1:PORT
    files: dict[str, Served] = field(default_factory=dict)
    sent: Counter[str] = field(default_factory=Counter)  # body bytes sent, by path
    requests: list[tuple[str, str, str]] = field(default_factory=list)  # method, path, Range
    busy: int = 0  # requests being answered now
    most_busy: int = 0  # the most at any moment
    lock: threading.Lock = field(default_factory=threading.Lock)

    def url(self, path: str) -> str:
        return self.base + path


def _handler(server: FileServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: object) -> None:
            pass

        def do_HEAD(self) -> None:
            self._answer(body=False)

        def do_GET(self) -> None:
            self._answer(body=True)

        def _answer(self, body: bool) -> None:
            with server.lock:
                server.busy += 1
                server.most_busy = max(server.most_busy, server.busy)
            try:
                self._serve(body)
            finally:
                with server.lock:
                    server.busy -= 1

        def _serve(self, body: bool) -> None:
            path = self.path.split("?", 1)[0]
            wanted = self.headers.get("Range", "")
            server.requests.append((self.command, path, wanted))
            served = server.files.get(path)
            if served is not None and served.delay:
                time.sleep(served.delay)
            if served is not None and served.redirect:
                self.send_response(301)
                self.send_header("Location", server.base + served.redirect)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            if served is None or served.status != 200:
                self.send_response(served.status if served else 404)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            data, start, status = served.data, 0, 200
            found = _RANGE.match(wanted)
            if found and not served.ignores_range:
                start = int(found.group(1))
                end = int(found.group(2)) if found.group(2) else len(data) - 1
                if start >= len(data):
                    self.send_response(416)
                    self.send_header("Content-Range", f"bytes */{len(data)}")
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                end = min(end, len(data) - 1)
                data, status = data[start : end + 1], 206
            self.send_response(status)
            self.send_header("Content-Type", served.mime)
            if not served.ignores_range:
                self.send_header("Accept-Ranges", "bytes")
            if status == 206:
                last = start + len(data) - 1
                self.send_header("Content-Range", f"bytes {start}-{last}/{len(served.data)}")
            length = len(data)
            if not body and served.head_length is not None:
                length = served.head_length
            self.send_header("Content-Length", str(length))
            self.end_headers()
            if not body:
                return
            for at in range(0, len(data), 4096):  # a client may stop reading at any time
                chunk = data[at : at + 4096]
                try:
                    self.wfile.write(chunk)
                except OSError:
                    self.close_connection = True
                    return
                server.sent[path] += len(chunk)

    return Handler


@contextmanager
def file_server(files: dict[str, Served] | None = None) -> Iterator[FileServer]:
    """A threaded server on 127.0.0.1 (a free port) for the test's duration."""
    state = FileServer("", dict(files or {}))
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler(state))
    httpd.daemon_threads = True
    state.base = f"http://127.0.0.1:{httpd.server_address[1]}"
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=5)
