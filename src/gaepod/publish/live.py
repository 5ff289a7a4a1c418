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
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from ..errors import Diagnostic, Severity
from ..model import Show
from ..show.feeds import show_feeds
from ..show.remote import TIMEOUT_SECONDS, Answer, RemoteError, content_length, request

MAX_FEED_BYTES = 64 * 1024 * 1024
WORKERS = 6
Progress = Callable[[int, int, str], None]
_AUDIO_KINDS = ("audio/", "video/")


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


@dataclass(frozen=True)
class _Item:
    """What an item of the live feed points to, and where it is in the feed."""

    line: int
    label: str  # "'Title' (guid)"
    enclosure: str = ""
    length: str = ""
    mime: str = ""
    link: str = ""
    image: str = ""


@dataclass(frozen=True)
class _Probe:
    kind: str  # "enclosure" | "page" | "image"
    url: str
    item: _Item


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
    options: RemoteOptions, show: Show | None, progress: Progress | None = None
) -> RemoteReport:
    """Check every live feed of `show` (or `options.url`) and what it points to."""
    started = time.perf_counter()
    report = RemoteReport()
    feeds: list[tuple[str, str]]
    if options.url:  # its own local file when it is one of the show's feeds, else feed.xml
        own = {f.show.feed_url: f.relpath for f in show_feeds(show)} if show is not None else {}
        feeds = [(options.url, own.get(options.url, "feed.xml"))]
    else:
        assert show is not None
        feeds = [(f.show.feed_url, f.relpath) for f in show_feeds(show)]
    probes: list[tuple[_Findings, _Probe]] = []
    for url, relpath in feeds:
        findings = _Findings(label_of(url), report)
        check = FeedCheck(url, relpath)
        report.feeds.append(check)
        for probe in _check_feed(check, options.out / relpath, options, findings):
            probes.append((findings, probe))
    prefix = show.analytics_prefix if show is not None else None
    unique: dict[tuple[str, str], tuple[_Findings, _Probe]] = {}
    for findings, probe in probes:
        unique.setdefault((probe.kind, probe.url), (findings, probe))
    jobs = list(unique.values())

    def run(job: tuple[_Findings, _Probe]) -> list[tuple[int, str, str, str, bool]]:
        return _probe(job[1], options.timeout, prefix)

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


def _check_feed(
    check: FeedCheck, local_path: Path, options: RemoteOptions, findings: _Findings
) -> list[_Probe]:
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
            f"the live feed redirects: {_chain(check.url, answer.redirects)}",
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


def _items(root: Any) -> tuple[dict[str, _Item], list[_Probe]]:
    """The live feed's items by guid, and the addresses to ask (channel ones first)."""
    channel = root.find("channel")
    probes: list[_Probe] = []
    show_item = _Item(int(channel.sourceline or 0), "the show")
    image = channel.find(f"{ITUNES}image")
    if image is not None and image.get("href"):
        probes.append(_Probe("image", image.get("href", "").strip(), show_item))
    home = (channel.findtext("link") or "").strip()
    if home:
        probes.append(_Probe("page", home, show_item))
    items: dict[str, _Item] = {}
    for element in channel.iterfind("item"):
        guid = (element.findtext("guid") or "").strip()
        title = (element.findtext("title") or "").strip()
        enclosure = element.find("enclosure")
        art = element.find(f"{ITUNES}image")
        item = _Item(
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
            probes.append(_Probe("enclosure", item.enclosure, item))
        if item.link:
            probes.append(_Probe("page", item.link, item))
        if item.image:
            probes.append(_Probe("image", item.image, item))
    return items, probes


def _compare(
    diff: Any,
    items: dict[str, _Item],
    local_items: dict[str, _Item],
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


def _line(items: dict[str, _Item], facts: Any) -> int:
    item = items.get(facts.guid or facts.enclosure)
    return item.line if item is not None else 0


def _live_and_local(change: str) -> str:
    """ "length: '10' -> '12'" (old: live, new: local) -> "length: live '10', local '12'"."""
    name, _, values = change.partition(": ")
    live, _, local = values.partition(" -> ")
    return f"{name}: live {live}, local {local}"


def _probe(
    probe: _Probe, timeout: float, prefix: str | None
) -> list[tuple[int, str, str, str, bool]]:
    """Ask one address; (line, code, message, hint, is_error) for each finding."""
    found: list[tuple[int, str, str, str, bool]] = []
    item = probe.item

    def add(code: str, message: str, hint: str = "", error: bool = True) -> None:
        found.append((item.line, code, f"{item.label}: {message}", hint, error))

    what = {"enclosure": "the enclosure", "page": "the page", "image": "the artwork"}[probe.kind]
    try:
        head, _ = request(probe.url, "HEAD", timeout=timeout)
        if probe.kind != "enclosure" and head.status in (403, 405, 501):  # HEAD refused
            head, _ = request(probe.url, headers={"Range": "bytes=0-0"}, timeout=timeout, read=1)
    except RemoteError as exc:
        add("E610", f"{what} {probe.url}: {exc}", "check that the server is up")
        return found
    redirected = head.redirects and not (prefix and probe.url.startswith(prefix))
    if redirected:
        add(
            "W611",
            f"{what} redirects: {_chain(probe.url, head.redirects)}",
            "apps follow redirects; link the final address to save them a request",
            error=False,
        )
    if head.status not in (200, 206):
        add(
            "E612",
            f"{what} {probe.url} answers {head.status}{_refused(head, probe.kind)}",
            "upload it (gaepod deploy), or fix its address in the show",
        )
        return found
    if probe.kind == "enclosure":
        found.extend(
            (item.line, code, f"{item.label}: {message}", hint, True)
            for code, message, hint in _enclosure_problems(probe, head, timeout)
        )
    return found


def _refused(answer: Answer, kind: str) -> str:
    if kind == "enclosure" and answer.status in (405, 501):
        return " to HEAD (Apple asks every enclosure with HEAD)"
    return ""


def _enclosure_problems(probe: _Probe, head: Answer, timeout: float) -> list[tuple[str, str, str]]:
    """Length, type and Range support of an enclosure that answered HEAD with 200."""
    item = probe.item
    problems: list[tuple[str, str, str]] = []
    said = int(item.length) if item.length.isdigit() else None
    served = content_length(head)
    if said is not None and served is not None and served != said:
        problems.append(
            (
                "E613",
                f"the enclosure is {served:,} bytes (Content-Length), the feed says {said:,}",
                "build again so the feed has the file's size, and deploy the same file",
            )
        )
    mime = head.header("Content-Type").split(";", 1)[0].strip().lower()
    if item.mime and mime and mime != item.mime.lower():
        audio = mime.startswith(_AUDIO_KINDS)
        problems.append(
            (
                "E614",
                f"the enclosure is served as {mime}, the feed says {item.mime}",
                "serve it with the feed's type (the web server's MIME types: "
                ".mp3 audio/mpeg, .m4a audio/x-m4a)"
                if audio
                else "the server answers with something else than the audio (a login or "
                "error page?)",
            )
        )
    try:
        # Asked where HEAD's redirects ended: an analytics prefix counts every request.
        ranged, response = request(
            head.url or probe.url, headers={"Range": "bytes=0-1"}, timeout=timeout, stream=True
        )
        try:
            first = response.read(3) if ranged.status == 206 else b""
        finally:
            response.close()
    except (RemoteError, OSError) as exc:
        problems.append(("E615", f"a Range request for its first bytes failed: {exc}", ""))
        return problems
    total = ranged.header("Content-Range").rpartition("/")[2].strip()
    if ranged.status != 206 or len(first) != 2:
        problems.append(
            (
                "E615",
                f"the enclosure does not support Range requests: 'Range: bytes=0-1' got "
                f"{ranged.status}" + (f" with {len(first)} bytes" if ranged.status == 206 else ""),
                "Apple requires byte-range support for audio: enable it on the server "
                "(every common web server and CDN has it)",
            )
        )
    elif said is not None and total.isdigit() and int(total) != said and served is None:
        problems.append(
            (
                "E613",
                f"the enclosure is {int(total):,} bytes (Content-Range), the feed says {said:,}",
                "build again so the feed has the file's size, and deploy the same file",
            )
        )
    return problems


def _chain(start: str, hops: list[tuple[int, str]]) -> str:
    return " -> ".join([start, *(f"{to} ({status})" for status, to in hops)])
