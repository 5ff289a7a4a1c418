"""Telling apps a feed changed: the Podcast Index's pubnotify and the feed's WebSub hubs.

Run after a deploy put new feed bytes on the target, never otherwise. The feed's
public address and its hubs are read from the feed file itself (`atom:link
rel="self"` and `rel="hub"`, which come from feed_url and websub_hubs), so a
ping names exactly what listeners' apps fetch. A ping that fails is reported,
never raised: the deploy itself succeeded. Each request has a timeout.
"""

from __future__ import annotations

import os
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from .. import __version__

PODCAST_INDEX_URL = "https://api.podcastindex.org/api/1.0/hub/pubnotify"
PODCAST_INDEX_ENV = "GAEPOD_PODCAST_INDEX_URL"  # another pubnotify address (a test's server)
TIMEOUT_SECONDS = 10.0
_ATOM = "{http://www.w3.org/2005/Atom}"
_BLOCK = "{https://podcastindex.org/namespace/1.0}block"
INDEX_ID = "podcastindex"  # the Podcast Index's name in podcast:block id=


@dataclass(frozen=True)
class FeedLinks:
    """What a feed file says about itself."""

    url: str | None  # atom:link rel="self"
    hubs: tuple[str, ...] = ()
    is_blocked: bool = False  # podcast:block for every service, or for the Podcast Index


@dataclass(frozen=True)
class Ping:
    service: str  # "podcast index" or "websub"
    endpoint: str  # the address notified
    feed_url: str
    ok: bool = False
    status: int | None = None
    error: str | None = None

    @property
    def name(self) -> str:
        return (
            "the Podcast Index" if self.service == "podcast index" else f"the hub {self.endpoint}"
        )

    def as_json(self) -> dict[str, object]:
        return {
            "service": self.service,
            "endpoint": self.endpoint,
            "feed_url": self.feed_url,
            "ok": self.ok,
            "status": self.status,
            "error": self.error,
        }


@dataclass
class PingPlan:
    pings: list[Ping] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # feeds that could not be read


def feed_links(path: Path) -> FeedLinks:
    """The channel's self link, hubs and block flags, read from the head of the feed
    (parsing stops at the first item)."""
    from lxml import etree

    url: str | None = None
    hubs: list[str] = []
    blocks: dict[str | None, bool] = {}
    depth = 0
    for event, element in etree.iterparse(
        str(path), events=("start", "end"), resolve_entities=False, no_network=True
    ):
        if event == "start":
            depth += 1
            if element.tag == "item":
                break
            continue
        depth -= 1
        if depth != 2:  # rss > channel > this
            continue
        if element.tag == _ATOM + "link":
            rel, href = element.get("rel"), element.get("href")
            if rel == "self" and href and url is None:
                url = href
            elif rel == "hub" and href and href not in hubs:
                hubs.append(href)
        elif element.tag == _BLOCK:
            blocks[element.get("id")] = (element.text or "").strip().lower() == "yes"
    # A block naming the Index overrides one for every service (`no` makes an exception).
    blocked = blocks.get(INDEX_ID, blocks.get(None, False))
    return FeedLinks(url, tuple(hubs), blocked)


def plan_pings(
    feeds: dict[str, Path], podcast_index: str | None, *, to_index: bool = True
) -> PingPlan:
    """The pings owed for `feeds` (relpath -> local file): the Podcast Index for each
    feed not blocked from directories (`to_index`), and every hub each feed names."""
    plan = PingPlan()
    base = os.environ.get(PODCAST_INDEX_ENV) or podcast_index or PODCAST_INDEX_URL
    for relpath, path in sorted(feeds.items()):
        try:
            links = feed_links(path)
        except Exception as exc:  # lxml's XMLSyntaxError, OSError: a feed gaepod cannot read
            plan.problems.append(f"cannot read {relpath} to ping for it: {exc}")
            continue
        if links.url is None:
            plan.problems.append(f'{relpath} has no atom:link rel="self": no ping sent for it')
            continue
        if to_index and base == PODCAST_INDEX_URL and is_reserved_host(links.url):
            plan.problems.append(
                f"{relpath} is at {links.url}, a name reserved for examples: the Podcast "
                "Index was not told (give podcast.yaml's `link` the show's own address)"
            )
        elif to_index and not links.is_blocked:
            query = urllib.parse.urlencode({"url": links.url})
            plan.pings.append(Ping("podcast index", f"{base}?{query}", links.url))
        plan.pings.extend(Ping("websub", hub, links.url) for hub in links.hubs)
    return plan


def is_reserved_host(url: str) -> bool:
    """True for an address on a name no one can own (RFC 2606, RFC 6761): example.org,
    *.example, *.test, *.invalid, localhost. The bundled example show lives there, and
    the public Podcast Index has nothing to fetch from it."""
    host = (urllib.parse.urlsplit(url).hostname or "").rstrip(".").lower()
    labels = host.split(".")
    if labels[-1] in {"example", "test", "invalid", "localhost"}:
        return True
    return ".".join(labels[-2:]) in {"example.com", "example.net", "example.org"}


def send(pings: list[Ping], timeout: float = TIMEOUT_SECONDS) -> list[Ping]:
    """Send every ping at once (each at most `timeout` seconds); the results in order."""
    if not pings:
        return []
    with ThreadPoolExecutor(max_workers=min(8, len(pings))) as pool:
        return list(pool.map(lambda ping: _send(ping, timeout), pings))


def _send(ping: Ping, timeout: float) -> Ping:
    headers = {"User-Agent": f"gaepod/{__version__}"}
    if ping.service == "websub":
        body = urllib.parse.urlencode({"hub.mode": "publish", "hub.url": ping.feed_url})
        headers["Content-Type"] = "application/x-www-form-urlencoded"
        request = urllib.request.Request(
            ping.endpoint, data=body.encode(), headers=headers, method="POST"
        )
    else:
        request = urllib.request.Request(ping.endpoint, headers=headers, method="GET")
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            response.read(65536)
            status = int(response.status)
    except urllib.error.HTTPError as exc:
        return _failed(ping, exc.code, f"HTTP {exc.code} {exc.reason}")
    except (urllib.error.URLError, OSError, ValueError) as exc:
        reason = exc.reason if isinstance(exc, urllib.error.URLError) else exc
        return _failed(ping, None, str(reason) or type(reason).__name__)
    return Ping(ping.service, ping.endpoint, ping.feed_url, ok=200 <= status < 300, status=status)


def _failed(ping: Ping, status: int | None, error: str) -> Ping:
    return Ping(ping.service, ping.endpoint, ping.feed_url, status=status, error=error)
