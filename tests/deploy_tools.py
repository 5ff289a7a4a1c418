"""Servers the deploy tests start on 127.0.0.1: a recording HTTP endpoint (a WebSub hub,
the Podcast Index's pubnotify), an S3-compatible server in its own process (moto in
server mode), and a proxy in front of it that records the order of requests and
can stop answering after N uploads (a deploy cut off midway)."""

from __future__ import annotations

import contextlib
import http.client
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path


@dataclass
class Hit:
    method: str
    path: str
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)

    @property
    def query(self) -> dict[str, list[str]]:
        return urllib.parse.parse_qs(urllib.parse.urlsplit(self.path).query)

    @property
    def form(self) -> dict[str, list[str]]:
        return urllib.parse.parse_qs(self.body.decode())


class Recorder:
    """An HTTP server answering every request with `status`, keeping each request."""

    def __init__(self, status: int = 200) -> None:
        self.status = status
        self.hits: list[Hit] = []
        self.hold = False  # keep each request waiting, unanswered, until release()
        self.held = threading.Event()
        self._release = threading.Event()
        recorder = self

        class Handler(BaseHTTPRequestHandler):
            def _answer(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                recorder.hits.append(Hit(self.command, self.path, body, dict(self.headers)))
                if recorder.hold:
                    recorder.held.set()
                    recorder._release.wait(60)
                    return
                payload = b'{"status": "true"}'
                self.send_response(recorder.status)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            do_GET = do_POST = _answer

            def log_message(self, format: str, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/"
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self._thread.start()

    def release(self) -> None:
        self.hold = False
        self._release.set()

    def close(self) -> None:
        self.release()
        self.server.shutdown()
        self.server.server_close()


@contextlib.contextmanager
def recorder(status: int = 200) -> Iterator[Recorder]:
    server = Recorder(status)
    try:
        yield server
    finally:
        server.close()


def closed_port_url() -> str:
    """An address on 127.0.0.1 where nothing listens (a hub that is down)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for_port(port: int, process: subprocess.Popen[bytes], seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server exited with {process.returncode}")
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.5):
            return
        time.sleep(0.1)
    raise RuntimeError(f"nothing answered on 127.0.0.1:{port} in {seconds} s")


@contextlib.contextmanager
def moto_server(log: Path) -> Iterator[str]:
    """moto's S3-compatible server in a process of its own; its endpoint URL."""
    port = free_port()
    with log.open("wb") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    try:
        wait_for_port(port, process)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


class Proxy:
    """Forwards every request to `upstream` and records (method, path) in order.

    `hold_after_puts`: once that many PUTs were forwarded, later requests wait (no
    answer) until `release()`: the test can then kill the deploy in the middle."""

    def __init__(self, upstream: str) -> None:
        self.upstream = urllib.parse.urlsplit(upstream)
        self.requests: list[tuple[str, str]] = []
        self.hold_after_puts: int | None = None
        self.held = threading.Event()  # a request is waiting
        self._release = threading.Event()
        self._lock = threading.Lock()
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def _forward(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                if proxy._must_hold(self.command):
                    proxy.held.set()
                    proxy._release.wait(60)
                    self.close_connection = True
                    return
                with proxy._lock:
                    proxy.requests.append((self.command, self.path))
                upstream = http.client.HTTPConnection(
                    proxy.upstream.hostname, proxy.upstream.port, timeout=30
                )
                headers = {k: v for k, v in self.headers.items() if k.lower() != "host"}
                headers["Host"] = proxy.upstream.netloc
                upstream.request(self.command, self.path, body=body, headers=headers)
                answer = upstream.getresponse()
                payload = answer.read()
                self.send_response(answer.status)
                for key, value in answer.getheaders():
                    if key.lower() not in ("transfer-encoding", "connection", "content-length"):
                        self.send_header(key, value)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(payload)
                upstream.close()

            do_GET = do_PUT = do_POST = do_DELETE = do_HEAD = _forward

            def log_message(self, format: str, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def _must_hold(self, method: str) -> bool:
        with self._lock:
            if self.hold_after_puts is None:
                return False
            puts = sum(1 for m, _ in self.requests if m == "PUT")
            return puts >= self.hold_after_puts

    def release(self) -> None:
        self.hold_after_puts = None
        self._release.set()

    def uploads(self) -> list[str]:
        """The keys PUT, in order (bucket creation aside)."""
        return [
            urllib.parse.unquote(urllib.parse.urlsplit(path).path).split("/", 2)[2]
            for method, path in self.requests
            if method == "PUT" and urllib.parse.urlsplit(path).path.count("/") >= 2
        ]

    def close(self) -> None:
        self.release()
        self.server.shutdown()
        self.server.server_close()


def s3_environment(home: Path) -> dict[str, str]:
    """Credentials for the test server only, and no AWS file of the machine's read."""
    return {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_CONFIG_FILE": str(home / "aws-config"),
        "AWS_SHARED_CREDENTIALS_FILE": str(home / "aws-credentials"),
        "AWS_EC2_METADATA_DISABLED": "true",
        "AWS_MAX_ATTEMPTS": "1",
    }


RSYNC_WRAPPER = """#!{python}
import json, os, subprocess, sys
listing = sys.stdin.buffer.read()
names = [n for n in listing.decode().split("\\0") if n]
with open({log!r}, "a") as log:
    log.write(json.dumps({{"args": sys.argv[1:], "names": names}}) + "\\n")
cut = {cut!r}
if os.path.exists(cut):  # the connection drops after this many files
    keep = int(open(cut).read())
    listing = b"".join(n.encode() + b"\\0" for n in names[:keep])
    subprocess.run(["{rsync}", *sys.argv[1:]], input=listing)
    sys.stderr.write("rsync: connection unexpectedly closed (0 bytes received so far)\\n")
    sys.exit(12)
sys.exit(subprocess.run(["{rsync}", *sys.argv[1:]], input=listing).returncode)
"""


def recording_rsync(folder: Path, real: str) -> Path:
    """An `rsync` for PATH that logs each run (its arguments and the names it was given
    on stdin), then runs the real one: the order of the runs is the deploy's order.
    While `folder/cut-after` holds a number N, each run sends only its first N files
    and then fails as a dropped connection does (exit 12)."""
    folder.mkdir(parents=True, exist_ok=True)
    log = folder / "rsync-runs.jsonl"
    script = folder / "rsync"
    cut = str(folder / "cut-after")
    script.write_text(
        RSYNC_WRAPPER.format(python=sys.executable, log=str(log), rsync=real, cut=cut)
    )
    script.chmod(0o755)
    return log


@contextlib.contextmanager
def rsync_daemon(root: Path, work: Path) -> Iterator[str]:
    """`rsync --daemon` on 127.0.0.1 serving `root` as module `site`; its rsync:// URL."""
    port = free_port()
    config = work / "rsyncd.conf"
    config.write_text(
        f"pid file = {work / 'rsyncd.pid'}\n"
        "use chroot = false\n"
        f"[site]\n  path = {root}\n  read only = false\n  uid = 0\n  gid = 0\n"
    )
    process = subprocess.Popen(
        [
            "rsync",
            "--daemon",
            "--no-detach",
            f"--config={config}",
            "--address=127.0.0.1",
            f"--port={port}",
            f"--log-file={work / 'rsyncd.log'}",
        ],
        start_new_session=True,  # its own process group: the children it forks go with it
    )
    try:
        wait_for_port(port, process)
        yield f"rsync://127.0.0.1:{port}/site/"
    finally:
        # The daemon forks a child per connection, which outlives a terminated parent:
        # end the whole group, or every run leaves rsync processes behind.
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=10)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
