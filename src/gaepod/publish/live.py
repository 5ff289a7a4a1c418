"""`gaepod check --remote`: what podcast apps find at the show's public addresses.

For each live feed (every feed's `feed_url`, or one URL given): it is fetched and
compared with the feed the last build wrote into the output folder (same items,
guids, titles, enclosures, lengths; the show's facts), then every address it
names is asked the way apps ask: each enclosure answers HEAD with the length and
type the feed says, and a Range request for its first two bytes with 206; the
artwork and the pages answer 200. Redirects are followed and reported (except
the analytics prefix's own). Requests run a few at a time, each with a timeout;
every finding is a diagnostic at the live feed's item (`host/path:line`).
Reads only: never writes, never retries.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from ..errors import Diagnostic, Severity
from ..model import Podcast, Show
from ..show.feeds import show_feeds
from ..show.redirects import FIELD
from ..show.remote import TIMEOUT_SECONDS, RemoteError, request
from .live_probes import Finding, Item, Probe, chain, probe_address

MAX_FEED_BYTES = 64 * 1024 * 1024
WORKERS = 6
Progress = Callable[[int, int, str], None]


@dataclass(frozen=True)
class RemoteOptions:
    show: Path
    out: Path
    url: str | None = None  # one live feed to compare with out/feed.xml; None: every feed
    timeout: float = TIMEOUT_SECONDS
    workers: int = WORKERS


@dataclass
class FeedCheck:
    """One live feed against its local file."""

    url: str
    local: str  # its path in the output folder
    items: int = 0  # items in the live feed
    is_same: bool = False  # byte for byte
    final_url: str = ""
    redirects: list[tuple[int, str]] = field(default_factory=list)

    def as_json(self) -> dict[str, object]:
        return {
            "url": self.url,
            "local": self.local,
            "items": self.items,
            "identical": self.is_same,
            "final_url": self.final_url,
            "redirects": [{"status": s, "to": to} for s, to in self.redirects],
        }


@dataclass
class RemoteReport:
    feeds: list[FeedCheck] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    checked: Counter[str] = field(default_factory=Counter)  # enclosures, pages, images
    seconds: float = 0.0

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.is_error]

    @property
    def warnings(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if not d.is_error]

    def as_json(self) -> dict[str, object]:
        return {
            "feeds": [f.as_json() for f in self.feeds],
            "checked": dict(self.checked),
            "seconds": round(self.seconds, 3),
        }


class _Findings:
    """Diagnostics at a live feed's lines."""

    def __init__(self, label: Path, report: RemoteReport) -> None:
        self.label, self.report = label, report

    def add(
        self, line: int, code: str, message: str, hint: str = "", *, error: bool = True
    ) -> None:
        severity = Severity.ERROR if error else Severity.WARNING
        self.report.diagnostics.append(
            Diagnostic(self.label, line, 0, code, message, hint, severity)
        )


def label_of(url: str) -> Path:
    """How diagnostics name a URL: host/path, as `gaepod import` names a fetched feed."""
    parts = urlsplit(url)
    return Path(f"{parts.netloc}{parts.path or '/'}")


def check_remote(
    options: RemoteOptions,
    show: Show | None,
    progress: Progress | None = None,
    podcast: Podcast | None = None,
    now: datetime | None = None,
) -> RemoteReport:
    """Check every live feed of `show` (or `options.url`) and what it points to; with
    the `podcast`, also that each published episode's old addresses (`redirect_from`)
    lead to its page."""
    started = time.perf_counter()
    report = RemoteReport()
    feeds: list[tuple[str, str]]
    if options.url:  # its own local file when it is one of the show's feeds, else feed.xml
        own = {f.show.feed_url: f.relpath for f in show_feeds(show)} if show is not None else {}
        feeds = [(options.url, own.get(options.url, "feed.xml"))]
    else:
        assert show is not None
        feeds = [(f.show.feed_url, f.relpath) for f in show_feeds(show)]
    probes: list[tuple[_Findings, Probe]] = []
    for url, relpath in feeds:
        findings = _Findings(label_of(url), report)
        check = FeedCheck(url, relpath)
        report.feeds.append(check)
        for probe in _check_feed(check, options.out / relpath, options, findings):
            probes.append((findings, probe))
    prefix = show.analytics_prefix if show is not None else None
    unique: dict[tuple[str, str], tuple[_Findings, Probe]] = {}
    for findings, probe in probes:
        unique.setdefault((probe.kind, probe.url), (findings, probe))
    jobs = list(unique.values())

    jobs += _old_addresses(podcast, now, report)

    def run(job: tuple[_Findings, Probe]) -> list[Finding]:
        return probe_address(job[1], options.timeout, prefix)

    with ThreadPoolExecutor(max_workers=max(1, options.workers)) as pool:
        for done, (job, found) in enumerate(zip(jobs, pool.map(run, jobs), strict=True), 1):
            findings, probe = job
            report.checked[probe.kind] += 1
            for line, code, message, hint, error in found:
                findings.add(line, code, message, hint, error=error)
            if progress is not None:
                progress(done, len(jobs), probe.url)
    report.diagnostics.sort(key=lambda d: (str(d.path), d.line, d.code, d.message))
    report.seconds = time.perf_counter() - started
    return report


def _old_addresses(
    podcast: Podcast | None, now: datetime | None, report: RemoteReport
) -> list[tuple[_Findings, Probe]]:
    """An episode's `redirect_from` addresses, each asked to lead to its page (W620)."""
    if podcast is None:
        return []
    jobs = []
    for episode in podcast.published(now or datetime.now(timezone.utc)):
        line = episode.positions.get(FIELD, (0, 0))[0]
        item = Item(line, f"'{episode.title}'")
        findings = _Findings(episode.source, report)
        for old in episode.redirect_from:
            jobs.append((findings, Probe("old address", old, item, episode.page_url)))
    return jobs


def _check_feed(
    check: FeedCheck, local_path: Path, options: RemoteOptions, findings: _Findings
) -> list[Probe]:
    """Fetch the live feed and compare it with the local one; what to ask next."""
    from ..feed.diff import compare_feeds, feed_facts

    try:
        answer, _ = request(check.url, timeout=options.timeout, read=MAX_FEED_BYTES)
    except RemoteError as exc:
        findings.add(0, "E601", str(exc), "check the address and that the server is up")
        return []
    check.final_url, check.redirects = answer.url, answer.redirects
    if answer.status != 200:
        findings.add(
            0,
            "E601",
            f"the live feed {check.url} answers {answer.status}",
            "publish the feed at its feed_url (gaepod deploy), or pass --remote URL",
        )
        return []
    if answer.redirects:
        findings.add(
            0,
            "W602",
            f"the live feed redirects: {chain(check.url, answer.redirects)}",
            "apps follow it; once they have moved, announce the final address as "
            "`feed_url` (and `new_feed_url` on the old host)",
            error=False,
        )
    root = _parse(answer.body)
    if root is None:
        findings.add(0, "E603", f"{check.url} is not an RSS feed", "check the address")
        return []
    items, probes = _items(root)
    check.items = len(items)
    try:
        local = local_path.read_bytes()
    except OSError:
        findings.add(
            0,
            "E604",
            f"there is no local feed {local_path} to compare the live one with",
            "build first (gaepod build --out DIR), or pass --out",
        )
        return probes
    check.is_same = local == answer.body
    if not check.is_same:
        local_root = _parse(local)
        local_items = _items(local_root)[0] if local_root is not None else {}
        diff = compare_feeds(feed_facts(answer.body), feed_facts(local), check.local)
        _compare(diff, items, local_items, local_path, findings)
    return probes


def _parse(data: bytes) -> Any:
    from lxml import etree

    try:
        parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)
        root = etree.fromstring(data, parser)
    except (etree.XMLSyntaxError, ValueError):
        return None
    return root if root.tag == "rss" and root.find("channel") is not None else None


ITUNES = "{http://www.itunes.com/dtds/podcast-1.0.dtd}"


def _items(root: Any) -> tuple[dict[str, Item], list[Probe]]:
    """The live feed's items by guid, and the addresses to ask (channel ones first)."""
    channel = root.find("channel")
    probes: list[Probe] = []
    show_item = Item(int(channel.sourceline or 0), "the show")
    image = channel.find(f"{ITUNES}image")
    if image is not None and image.get("href"):
        probes.append(Probe("image", image.get("href", "").strip(), show_item))
    home = (channel.findtext("link") or "").strip()
    if home:
        probes.append(Probe("page", home, show_item))
    items: dict[str, Item] = {}
    for element in channel.iterfind("item"):
        guid = (element.findtext("guid") or "").strip()
        title = (element.findtext("title") or "").strip()
        enclosure = element.find("enclosure")
        art = element.find(f"{ITUNES}image")
        item = Item(
            line=int(element.sourceline or 0),
            label=f"'{title}'" + (f" ({guid})" if guid and guid != title else ""),
            enclosure=(enclosure.get("url", "") if enclosure is not None else "").strip(),
            length=(enclosure.get("length", "") if enclosure is not None else "").strip(),
            mime=(enclosure.get("type", "") if enclosure is not None else "").strip(),
            link=(element.findtext("link") or "").strip(),
            image=(art.get("href", "") if art is not None else "").strip(),
        )
        items[guid or item.enclosure] = item
        if item.enclosure:
            probes.append(Probe("enclosure", item.enclosure, item))
        if item.link:
            probes.append(Probe("page", item.link, item))
        if item.image:
            probes.append(Probe("image", item.image, item))
    return items, probes


def _compare(
    diff: Any,
    items: dict[str, Item],
    local_items: dict[str, Item],
    local_path: Path,
    findings: _Findings,
) -> None:
    """Diagnostics for what `diff` (live -> local) lists: at the live feed's items, and
    at the local feed's for an item only it has."""
    hint = "deploy the last build (gaepod deploy), or build again if the live feed is right"
    for change in diff.show:
        findings.add(0, "E605", f"the show's {_live_and_local(change)}", hint)
    for facts in diff.added:  # only in the local feed
        findings.report.diagnostics.append(
            Diagnostic(
                local_path,
                _line(local_items, facts),
                0,
                "E606",
                f"'{facts.title}' ({facts.guid}) is in the local feed but not in the live one",
                hint,
            )
        )
    for facts in diff.removed:  # only live
        findings.add(
            _line(items, facts),
            "E607",
            f"'{facts.title}' ({facts.guid}) is live but not in the local feed",
            hint,
        )
    for facts, changes in diff.changed:
        shown = "; ".join(_live_and_local(c) for c in changes)
        findings.add(
            _line(items, facts),
            "E608",
            f"'{facts.title}' differs from the local feed: {shown}",
            hint,
        )
    if diff.is_empty:
        findings.add(
            0,
            "W609",
            f"the live feed is not byte for byte {local_path}, though its items and the "
            "show's facts are the same",
            "the live copy is from another build; deploy the last one",
            error=False,
        )


def _line(items: dict[str, Item], facts: Any) -> int:
    item = items.get(facts.guid or facts.enclosure)
    return item.line if item is not None else 0


def _live_and_local(change: str) -> str:
    """ "length: '10' -> '12'" (old: live, new: local) -> "length: live '10', local '12'"."""
    name, _, values = change.partition(": ")
    live, _, local = values.partition(" -> ")
    return f"{name}: live {live}, local {local}"
