"""The guid ledger (`published.yaml`): every episode that has ever appeared in the feed.

Podcast apps identify episodes by guid and remember enclosure URLs. Once an
episode was published, changing its guid makes every subscriber download it
again, and dropping it removes it from their libraries. The ledger is meant
to be committed; a build compares the feed it is about to publish with it
and refuses such changes unless the user asks for them explicitly.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from ..errors import Diagnostic, Severity
from ..model import Episode
from .fields import FieldReader
from .load import Mapping, capped_document, read_document

LEDGER_FILE = "published.yaml"
LEDGER_MAX_BYTES = 256 * 1024 * 1024  # ~260 bytes an episode: room for a million
_TOO_LARGE = (
    "gaepod writes one short entry per published episode, so this file was damaged "
    "(a bad merge, another file saved over it): restore it from version control"
)
HEADER = (
    "# gaepod publication ledger: every episode that has appeared in the feed.\n"
    "# Commit this file. gaepod adds to it; edit it only to forget an episode on purpose.\n"
)


@dataclass(frozen=True)
class LedgerEntry:
    guid: str
    file: str  # the episode file's name when it was first published
    enclosure: str
    first_published: datetime  # when gaepod first put it in the feed
    title: str = ""


@dataclass
class Ledger:
    entries: dict[str, LedgerEntry] = field(default_factory=dict)  # by guid

    def record(self, episodes: list[Episode], now: datetime) -> Ledger:
        """A new ledger that also holds every episode in `episodes` (never drops any)."""
        entries = dict(self.entries)
        for episode in episodes:
            if episode.guid not in entries:
                entries[episode.guid] = LedgerEntry(
                    guid=episode.guid,
                    file=episode.source.name,
                    enclosure=episode.enclosure_url,
                    first_published=now.astimezone(timezone.utc).replace(microsecond=0),
                    title=episode.title,
                )
        return Ledger(entries)


@dataclass(frozen=True)
class LedgerProblem:
    kind: str  # "removed" | "guid-changed"
    entry: LedgerEntry
    episode: Episode | None  # for guid-changed: the episode that now has another guid


def read_ledger(show_root: Path, name: str = LEDGER_FILE) -> tuple[Ledger, list[Diagnostic]]:
    """The ledger `name` of the show (one per feed: show.feeds.Feed.ledger_file)."""
    path = show_root / name
    try:
        with path.open("rb") as handle:
            data = handle.read(LEDGER_MAX_BYTES + 1)
    except FileNotFoundError:
        return Ledger(), []
    except OSError:
        data = None  # read_document says what is wrong
    if data is None:
        document = read_document(path, max_bytes=LEDGER_MAX_BYTES, too_large_hint=_TOO_LARGE)
    else:
        written = _as_written(data) if len(data) <= LEDGER_MAX_BYTES else None
        if written is not None:
            return written, []
        # A hand-edited or damaged ledger: parsed from the bytes read, not read again.
        document = capped_document(path, data, LEDGER_MAX_BYTES, _TOO_LARGE)
    if document.root is None:
        return Ledger(), document.diagnostics
    reader = FieldReader(path)
    reader.diagnostics.extend(document.diagnostics)
    ledger = Ledger()
    root = reader.mapping(document.root, "ledger")
    if root is None:
        return ledger, reader.diagnostics
    for item in reader.sequence(root.get("episodes"), "episodes"):
        entry = reader.mapping(item, "episodes entry")
        if entry is None:
            continue
        _read_entry(reader, entry, ledger)
    return ledger, reader.diagnostics


_STRING = r'("(?:[^"\\\n]|\\.)*")'  # a JSON string on one line
_ENTRY = re.compile(
    rf"  - guid: {_STRING}\n    title: {_STRING}\n    file: {_STRING}\n"
    rf"    enclosure: {_STRING}\n    first_published: (\d{{4}}-\d\d-\d\dT\d\d:\d\d:\d\dZ)\n"
)


def _as_written(data: bytes) -> Ledger | None:
    """The ledger, when the file is byte for byte what render_ledger writes; else None.

    Reading 10,000 entries through the YAML reader that keeps every position took
    0.4 s at each cold build; a file gaepod wrote needs neither. Every entry must be
    in render_ledger's exact form and order, so that rendering what was read would
    give the same bytes. Anything else (a file edited by hand, a damaged one) goes
    the careful way, which says what is wrong and on which line.
    """
    prefix = HEADER + "episodes:\n"
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    if not text.startswith(prefix):
        return None
    entries: dict[str, LedgerEntry] = {}
    at, last = len(prefix), None
    try:
        while at < len(text):
            match = _ENTRY.match(text, at)
            if match is None:
                return None
            guid, title, file, enclosure = values = [_unquote(match[i]) for i in range(1, 5)]
            if not guid or guid in entries:
                return None  # the careful reader says what is wrong with it
            if not all(v.isprintable() and v == v.strip() for v in values):
                return None  # text the careful reader would strip, or refuse
            stamp = match[5]  # YYYY-MM-DDTHH:MM:SSZ, always UTC
            day = int(stamp[:4]), int(stamp[5:7]), int(stamp[8:10])
            clock = int(stamp[11:13]), int(stamp[14:16]), int(stamp[17:19])
            when = datetime(*day, *clock, tzinfo=timezone.utc)
            order = (when, file, guid)
            if last is not None and order <= last:
                return None  # not in render_ledger's order
            entries[guid] = LedgerEntry(guid, file, enclosure, when, title)
            at, last = match.end(), order
    except ValueError:  # a string json cannot read, a date that does not exist
        return None
    return Ledger(entries)


def _unquote(quoted: str) -> str:
    """The text of a quoted string as _quote writes it; ValueError when _quote would
    write that text otherwise (the file was not written by gaepod)."""
    if "\\" not in quoted:  # nothing escaped: _quote adds only the quotes to printable text
        return quoted[1:-1]
    text = json.loads(quoted)
    if not isinstance(text, str) or _quote(text) != quoted:
        raise ValueError("not in render_ledger's form")
    return text


def _read_entry(reader: FieldReader, entry: Mapping, ledger: Ledger) -> None:
    guid = reader.text(reader.require(entry, "guid", "ledger", 'guid: "..."'), "guid")
    when = reader.datetime(entry.get("first_published"), "first_published", timezone.utc, "UTC")
    if guid is None:
        return
    ledger.entries[guid] = LedgerEntry(
        guid=guid,
        file=reader.text(entry.get("file"), "file") or "",
        enclosure=reader.text(entry.get("enclosure"), "enclosure") or "",
        first_published=when or datetime(1970, 1, 1, tzinfo=timezone.utc),
        title=reader.text(entry.get("title"), "title") or "",
    )


def render_ledger(ledger: Ledger) -> bytes:
    """Deterministic YAML, oldest publication first; every string double-quoted.

    A JSON string is a valid YAML double-quoted scalar, so json.dumps quotes safely.
    """
    ordered = sorted(ledger.entries.values(), key=lambda e: (e.first_published, e.file, e.guid))
    lines = [HEADER, "episodes:\n" if ordered else "episodes: []\n"]
    for e in ordered:
        lines.append(
            f"  - guid: {_quote(e.guid)}\n"
            f"    title: {_quote(e.title)}\n"
            f"    file: {_quote(e.file)}\n"
            f"    enclosure: {_quote(e.enclosure)}\n"
            f"    first_published: {e.first_published.strftime('%Y-%m-%dT%H:%M:%SZ')}\n"
        )
    return "".join(lines).encode()


# Characters YAML reads as line breaks or refuses raw, which json.dumps leaves as they are.
_YAML_UNSAFE = re.compile("[\x7f-\x9f\u2028\u2029\ud800-\udfff\ufffe\uffff]")


def _quote(text: str) -> str:
    quoted = json.dumps(text, ensure_ascii=False)
    return _YAML_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", quoted)


def compare(ledger: Ledger, episodes: list[Episode]) -> list[LedgerProblem]:
    """Published episodes that would vanish from the feed or change their guid."""
    by_guid = {e.guid: e for e in episodes}
    # An analytics prefix added or dropped since changes enclosure_url, not media_url.
    by_enclosure = {url: e for e in episodes for url in (e.media_url, e.enclosure_url)}
    by_file = {e.source.name: e for e in episodes}
    problems = []
    for entry in ledger.entries.values():
        if entry.guid in by_guid:
            continue
        successor = by_enclosure.get(entry.enclosure) or by_file.get(entry.file)
        if successor is not None and successor.guid not in ledger.entries:
            problems.append(LedgerProblem("guid-changed", entry, successor))
        else:
            problems.append(LedgerProblem("removed", entry, None))
    return problems


def describe(problem: LedgerProblem, ledger_path: Path, feed: str = "feed.xml") -> Diagnostic:
    """The problem as the host reads it; `feed`: the feed it would happen in."""
    entry = problem.entry
    where = "" if feed == "feed.xml" else f" in {feed}"
    if problem.kind == "guid-changed" and problem.episode is not None:
        episode = problem.episode
        line = episode.positions.get("guid", (0, 0))[0]
        return Diagnostic(
            episode.source,
            line,
            0,
            "E190",
            f"published episode '{entry.title}' changed its guid{where} from '{entry.guid}' "
            f"to '{episode.guid}': every subscriber would download it again",
            f'put back `guid: "{entry.guid}"`, or pass --allow-guid-change if you mean it',
        )
    return Diagnostic(
        ledger_path,
        0,
        0,
        "E191",
        f"published episode '{entry.title}' (guid '{entry.guid}', first published from "
        f"{entry.file}) is no longer in {'the show' if not where else feed}: apps would remove "
        "it from listeners' libraries",
        "restore its file (or its `draft: false`/date), or pass --allow-removal if you mean it",
        Severity.ERROR,
    )
