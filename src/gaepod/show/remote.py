"""Audio on another host, read over HTTP as podcast apps read it: HEAD, and Range
requests for the first bytes only.

`probe_remote(url)` gives a file's size (HEAD's Content-Length, else the total of a
Content-Range) and its duration (the MP3 frame header with its Xing/VBRI header,
or the MP4 movie header), reading a bounded number of bytes in small blocks
(`RangeReader`): never the whole file. A server that ignores Range is read from
the start, within the same bound. Every failure is a RemoteError naming the
reason. Never writes; the standard library only (urllib), with its redirects
followed and remembered.
"""

from __future__ import annotations

import http.client
import io
import re
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from typing import IO, Any, cast

from .. import __version__
from . import mp4_boxes as _boxes

USER_AGENT = f"gaepod/{__version__} (+podcast publisher)"
TIMEOUT_SECONDS = 20.0
BLOCK = 16 * 1024  # bytes a Range request asks for
MAX_PROBE_BYTES = 2 * 1024 * 1024  # the most one file may cost (a large ID3 tag is skipped)
_CONTENT_RANGE = re.compile(r"bytes\s+(\d+)-(\d+)/(\d+|\*)", re.IGNORECASE)


class RemoteError(Exception):
    """A remote file could not be read; the message says why."""


@dataclass
class Answer:
    """One HTTP answer, after redirects: its status, headers and (some of) its body."""

    status: int
    headers: dict[str, str]  # lower-case names
    url: str  # where the redirects ended
    redirects: list[tuple[int, str]] = field(default_factory=list)  # (status, to) each
    body: bytes = b""

    def header(self, name: str) -> str:
        return self.headers.get(name.lower(), "")


class _Recorder(urllib.request.HTTPRedirectHandler):
    """Follows redirects as urllib does, remembering each hop."""

    def __init__(self) -> None:
        self.hops: list[tuple[int, str]] = []

    def redirect_request(
        self, req: urllib.request.Request, fp: Any, code: int, msg: str, headers: Any, newurl: str
    ) -> urllib.request.Request | None:
        self.hops.append((code, newurl))
        new = super().redirect_request(req, fp, code, msg, headers, newurl)
        if new is not None and req.get_method() == "HEAD":
            new.method = "HEAD"  # urllib would turn it into a GET
        return new


def request(
    url: str,
    method: str = "GET",
    headers: dict[str, str] | None = None,
    *,
    timeout: float = TIMEOUT_SECONDS,
    read: int = 0,
    stream: bool = False,
) -> tuple[Answer, Any]:
    """Send one request (following redirects); `read`: body bytes to keep at most.
    With `stream`, the open response comes back too (the caller closes it); else None.
    HTTP error statuses are answers, not exceptions; RemoteError when no answer came."""
    recorder = _Recorder()
    opener = urllib.request.build_opener(recorder)
    sent = {"User-Agent": USER_AGENT, "Accept-Encoding": "identity", **(headers or {})}
    try:
        response = opener.open(
            urllib.request.Request(url, headers=sent, method=method), timeout=timeout
        )
    except urllib.error.HTTPError as exc:
        response = exc
    except urllib.error.URLError as exc:
        raise RemoteError(f"no answer from {url}: {exc.reason}") from exc
    except (OSError, http.client.HTTPException, ValueError) as exc:
        raise RemoteError(f"no answer from {url}: {exc}") from exc
    try:
        answer = Answer(
            status=int(getattr(response, "code", None) or response.status),
            headers={k.lower(): v for k, v in response.headers.items()},
            url=response.geturl(),
            redirects=recorder.hops,
        )
        if read and method != "HEAD":
            answer.body = response.read(read)
    except (OSError, http.client.HTTPException) as exc:
        response.close()
        raise RemoteError(f"the answer from {url} broke off: {exc}") from exc
    if stream:
        return answer, response
    response.close()
    return answer, None


def content_length(answer: Answer) -> int | None:
    value = answer.header("Content-Length").strip()
    return int(value) if value.isdigit() else None


class RangeReader(io.RawIOBase):
    """A remote file as a seekable binary file, fetched in BLOCK-sized Range requests,
    each block once, at most `budget` bytes in all (RemoteError beyond). A server that
    answers 200 to a Range request is read from its start, as far as reads need."""

    def __init__(
        self, url: str, *, budget: int = MAX_PROBE_BYTES, timeout: float = TIMEOUT_SECONDS
    ) -> None:
        super().__init__()
        self.url = url
        self.budget = budget
        self.timeout = timeout
        self.size: int | None = None
        self.received = 0  # body bytes downloaded
        self.requests = 0
        self.ignores_range = False
        self.redirects: list[tuple[int, str]] = []
        self._position = 0
        self._blocks: dict[int, bytes] = {}
        self._stream: Any = None  # the open 200 answer of a server that ignores Range
        self._streamed = bytearray()

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._position

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        if whence == io.SEEK_END:
            offset += self.total_size()
        elif whence == io.SEEK_CUR:
            offset += self._position
        self._position = max(offset, 0)
        return self._position

    def total_size(self) -> int:
        if self.size is None:
            self._block(0)
        if self.size is None:
            raise RemoteError("the server does not say how large the file is")
        return self.size

    def readinto(self, buffer: Any) -> int:
        wanted = len(buffer)
        data = self.read(wanted)
        buffer[: len(data)] = data
        return len(data)

    def read(self, size: int | None = -1) -> bytes:
        if size is None or size < 0:
            size = self.total_size() - self._position
        parts: list[bytes] = []
        while size > 0:
            index, skip = divmod(self._position, BLOCK)
            block = self._block(index)[skip : skip + size]
            if not block:
                break
            parts.append(block)
            self._position += len(block)
            size -= len(block)
        return b"".join(parts)

    def close(self) -> None:
        if self._stream is not None:
            self._stream.close()
            self._stream = None
        super().close()

    def _block(self, index: int) -> bytes:
        known = self._blocks.get(index)
        if known is not None:
            return known
        start = index * BLOCK
        if self.size is not None and start >= self.size:
            return b""
        if self.ignores_range:
            return self._from_stream(start, start + BLOCK)
        if self.received + BLOCK > self.budget:
            raise RemoteError(f"reading it would take more than {self.budget:,} bytes")
        answer, response = request(
            self.url,
            headers={"Range": f"bytes={start}-{start + BLOCK - 1}"},
            timeout=self.timeout,
            stream=True,
        )
        self.requests += 1
        if answer.redirects:  # ask the end of the chain from now on: an analytics prefix
            self.redirects = self.redirects or answer.redirects  # counts each request
            self.url = answer.url
        if answer.status == 206:
            try:
                data = response.read(BLOCK + 1)
            except (OSError, http.client.HTTPException) as exc:
                raise RemoteError(f"the answer broke off: {exc}") from exc
            finally:
                response.close()
            found = _CONTENT_RANGE.match(answer.header("Content-Range"))
            if found is None or int(found.group(1)) != start:
                raise RemoteError(
                    f"the server answered bytes {answer.header('Content-Range') or '(no range)'} "
                    f"to a request for bytes={start}-{start + BLOCK - 1}"
                )
            if found.group(3) != "*":
                self.size = int(found.group(3))
            self.received += len(data)
            self._blocks[index] = data[:BLOCK]
            return self._blocks[index]
        if answer.status == 200:  # Range ignored: the whole file comes, from its start
            self.ignores_range = True
            self.size = content_length(answer)
            self._stream = response
            return self._from_stream(start, start + BLOCK)
        response.close()
        if answer.status == 416:
            return b""
        raise RemoteError(f"the server answered {answer.status}")

    def _from_stream(self, start: int, end: int) -> bytes:
        while len(self._streamed) < end and self._stream is not None:
            if len(self._streamed) >= self.budget:
                raise RemoteError(
                    f"the server ignores Range requests, and reading it would take more than "
                    f"{self.budget:,} bytes"
                )
            try:
                chunk = self._stream.read(BLOCK)
            except (OSError, http.client.HTTPException) as exc:
                raise RemoteError(f"the answer broke off: {exc}") from exc
            self.received += len(chunk)
            if not chunk:
                self._stream.close()
                self._stream = None
                self.size = len(self._streamed)
                break
            self._streamed += chunk
        return bytes(self._streamed[start:end])


@dataclass
class RemoteFacts:
    length: int | None = None  # bytes
    duration_ms: int | None = None
    received: int = 0  # body bytes downloaded to find them
    requests: int = 0
    final_url: str = ""


def probe_remote(
    url: str,
    *,
    length: bool = True,
    duration: bool = True,
    budget: int = MAX_PROBE_BYTES,
    timeout: float = TIMEOUT_SECONDS,
) -> RemoteFacts:
    """The size and/or duration of the audio at `url`, from headers and its first bytes."""
    facts = RemoteFacts(final_url=url)
    if length:
        answer, _ = request(url, "HEAD", timeout=timeout)
        facts.requests += 1
        facts.final_url = answer.url
        encoding = answer.header("Content-Encoding").strip().lower()
        if answer.status == 200 and encoding in ("", "identity"):
            facts.length = content_length(answer)
        elif answer.status not in (405, 501, 403):  # some servers only refuse HEAD
            raise RemoteError(f"the server answered {answer.status} to HEAD")
    if not duration and facts.length is not None:
        return facts
    # Where HEAD's redirects ended: an analytics prefix in front would count each request.
    reader = RangeReader(facts.final_url, budget=budget, timeout=timeout)
    try:
        if duration:
            facts.duration_ms = _duration(reader)
        if length and facts.length is None:
            facts.length = reader.total_size()
    finally:
        facts.received, facts.requests = reader.received, facts.requests + reader.requests
        reader.close()
    return facts


def _duration(reader: RangeReader) -> int:
    head = reader.read(12)
    reader.seek(0)
    if head[4:8] == b"ftyp":
        return _mp4_duration(reader)
    if head.startswith(b"ID3") or (len(head) > 1 and head[0] == 0xFF and head[1] & 0xE0 == 0xE0):
        return _mp3_duration(reader)
    raise RemoteError("it is neither MP3 nor MP4 audio")


def _mp3_duration(reader: RangeReader) -> int:
    from mutagen import MutagenError
    from mutagen.mp3 import MPEGInfo

    try:
        info = MPEGInfo(reader)
    except MutagenError as exc:
        raise RemoteError(f"no MP3 frame header in its first bytes ({exc})") from exc
    if not info.length or info.length <= 0:
        raise RemoteError("its MP3 header gives no duration")
    seconds: float = info.length
    return round(seconds * 1000)


def _mp4_duration(reader: RangeReader) -> int:
    size = reader.total_size()
    handle = cast(IO[bytes], reader)  # a seekable binary file, as far as boxes reads
    try:
        for name, offset, box_size in _boxes.boxes(handle, 0, size):
            if name == "moov":
                seconds = _boxes.movie_seconds(handle, offset, box_size)
                if not seconds:
                    break
                return round(seconds * 1000)
    except _boxes.BoxError as exc:
        raise RemoteError(str(exc)) from exc
    raise RemoteError("its MP4 movie header gives no duration")
