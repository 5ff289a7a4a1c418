"""Helpers for the site tests: finding the browser and the HTML validator, serving a
folder over HTTP (with byte ranges, as podcast hosts must), and reading links."""

from __future__ import annotations

import contextlib
import functools
import os
import re
import shutil
import threading
from collections.abc import Iterator
from html.parser import HTMLParser
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
# Screenshots and reports for people to look at ($GAEPOD_ARTIFACTS, or test-artifacts/).
ARTIFACTS = Path(os.environ.get("GAEPOD_ARTIFACTS") or REPO / "test-artifacts")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-default-apps",
    "--no-first-run",
]
_RANGE = re.compile(r"bytes=(\d*)-(\d*)$")


def missing_tool(what: str) -> None:
    """Skip locally; fail in CI (CI=...), where .ci/run must have installed `what`."""
    if os.environ.get("CI"):
        pytest.fail(f"{what} is not installed; .ci/run should have installed it")
    pytest.skip(f"{what} is not installed")


def chromium_path() -> str:
    for candidate in (os.environ.get("GAEPOD_CHROMIUM"), "/usr/bin/chromium"):
        if candidate and Path(candidate).is_file():
            return candidate
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found:
        return found
    missing_tool("chromium (apt-get install chromium)")
    raise AssertionError("unreachable")


def vnu_command() -> list[str]:
    """`java -jar vnu.jar` from node_modules (npm ci) or $GAEPOD_VNU_JAR."""
    java = shutil.which("java")
    jars = [os.environ.get("GAEPOD_VNU_JAR"), str(REPO / "node_modules/vnu-jar/build/dist/vnu.jar")]
    jar = next((j for j in jars if j and Path(j).is_file()), None)
    if java is None or jar is None:
        missing_tool("the Nu HTML Checker (java + `npm ci` for vnu-jar)")
    assert java is not None and jar is not None
    return [java, "-jar", jar]


class RangeRequestHandler(SimpleHTTPRequestHandler):
    """Static files with `Range: bytes=a-b` support, so the browser can seek in audio."""

    def log_message(self, format: str, *args: object) -> None:  # quiet test output
        pass

    def send_head(self):  # type: ignore[no-untyped-def]
        match = _RANGE.match(self.headers.get("Range", ""))
        path = Path(self.translate_path(self.path))
        if not match or not path.is_file():
            return super().send_head()
        size = path.stat().st_size
        start = int(match[1]) if match[1] else max(0, size - int(match[2] or 0))
        end = min(int(match[2]), size - 1) if match[1] and match[2] else size - 1
        if start >= size:
            self.send_error(HTTPStatus.REQUESTED_RANGE_NOT_SATISFIABLE)
            return None
        handle = path.open("rb")
        handle.seek(start)
        self.send_response(HTTPStatus.PARTIAL_CONTENT)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Range", f"bytes {start}-{end}/{size}")
        self.send_header("Content-Length", str(end - start + 1))
        self.send_header("Accept-Ranges", "bytes")
        self.end_headers()
        self._remaining = end - start + 1
        return handle

    def copyfile(self, source, outputfile):  # type: ignore[no-untyped-def]
        remaining = getattr(self, "_remaining", None)
        if remaining is None:
            return super().copyfile(source, outputfile)
        outputfile.write(source.read(remaining))
        return None


@contextlib.contextmanager
def serve(folder: Path) -> Iterator[str]:
    """Serve `folder` on 127.0.0.1 (random port) from a thread; yields the base URL."""
    handler = functools.partial(RangeRequestHandler, directory=str(folder))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


class LinkParser(HTMLParser):
    """Every URL a page loads or links to: (tag, attribute, value)."""

    ATTRIBUTES = frozenset({"href", "src", "poster", "action"})

    def __init__(self) -> None:
        super().__init__()
        self.links: list[tuple[str, str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name in self.ATTRIBUTES and value is not None:
                self.links.append((tag, name, value))
            elif name == "srcset" and value:  # "a.jpg 1x, b.jpg 2x": each candidate's URL
                for candidate in value.split(","):
                    if candidate.strip():
                        self.links.append((tag, name, candidate.split()[0]))


def links_of(html: str) -> list[tuple[str, str, str]]:
    parser = LinkParser()
    parser.feed(html)
    return parser.links
