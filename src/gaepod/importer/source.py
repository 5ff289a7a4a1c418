"""Where a feed to import comes from: a file, or an http(s) URL fetched once.

Reads at most MAX_FEED_BYTES, follows redirects, and turns every failure into
a FeedImportError naming the file or URL. Never writes.
"""

from __future__ import annotations

import gzip
import http.client
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from .. import __version__
from ..errors import Diagnostic
from .rss import FeedImportError

MAX_FEED_BYTES = 64 * 1024 * 1024
TIMEOUT_SECONDS = 30.0


@dataclass(frozen=True)
class FeedSource:
    data: bytes
    label: Path  # what diagnostics name: the file, or host/path of the URL
    url: str | None  # the URL asked for (None for a file)
    final_url: str | None  # where redirects ended


def is_url(source: str) -> bool:
    return source.lower().startswith(("http://", "https://"))


def read_source(source: str, *, timeout: float = TIMEOUT_SECONDS) -> FeedSource:
    if is_url(source):
        return _fetch(source, timeout)
    path = Path(source)
    try:
        with path.open("rb") as handle:
            data = handle.read(MAX_FEED_BYTES + 1)
    except OSError as exc:
        raise _failed(path, f"cannot read {source}: {exc.strerror or exc}") from exc
    if len(data) > MAX_FEED_BYTES:
        raise _failed(path, f"{source} is larger than {MAX_FEED_BYTES // 1048576} MiB")
    return FeedSource(data, path, None, None)


def _fetch(url: str, timeout: float) -> FeedSource:
    parts = urlsplit(url)
    label = Path(f"{parts.netloc}{parts.path or '/'}")
    request = urllib.request.Request(
        url,
        headers={
            "User-Agent": f"gaepod/{__version__} (feed import)",
            "Accept": "application/rss+xml, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5",
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            data = response.read(MAX_FEED_BYTES + 1)
            final_url = response.geturl()
            encoding = (response.headers.get("Content-Encoding") or "").lower()
    except urllib.error.HTTPError as exc:
        raise _failed(label, f"{url}: the server answered {exc.code} {exc.reason}") from exc
    except urllib.error.URLError as exc:
        raise _failed(label, f"cannot fetch {url}: {exc.reason}") from exc
    except (OSError, http.client.HTTPException, ValueError) as exc:
        raise _failed(label, f"cannot fetch {url}: {exc}") from exc
    if len(data) > MAX_FEED_BYTES:
        raise _failed(label, f"{url} is larger than {MAX_FEED_BYTES // 1048576} MiB")
    if encoding == "gzip":
        try:
            data = gzip.decompress(data)
        except (OSError, EOFError) as exc:
            raise _failed(label, f"{url}: the gzip-compressed answer is damaged") from exc
    return FeedSource(data, label, url, final_url)


def _failed(path: Path, message: str) -> FeedImportError:
    hint = "check the path or URL (and that the feed is public)"
    return FeedImportError(message, [Diagnostic(path, 0, 0, "E201", message, hint)])
