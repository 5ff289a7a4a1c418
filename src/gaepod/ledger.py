"""The guid ledger (`published.yaml`): every episode that has ever appeared in the feed.

Podcast apps identify episodes by guid and remember enclosure URLs. Once an
episode was published, changing its guid makes every subscriber download it
again, and dropping it removes it from their libraries. The ledger is meant
to be committed; a build compares the feed it is about to publish with it
and refuses such changes unless the user asks for them explicitly.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from .errors import Diagnostic, Severity
from .fields import FieldReader
from .load import Mapping, read_document
from .model import Episode

LEDGER_FILE = "published.yaml"
LEDGER_MAX_BYTES = 256 * 1024 * 1024  # ~260 bytes an episode: room for a million
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


def read_ledger(show_root: Path) -> tuple[Ledger, list[Diagnostic]]:
    path = show_root / LEDGER_FILE
    if not path.exists():
        return Ledger(), []
    document = read_document(path, max_bytes=LEDGER_MAX_BYTES)
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


def _quote(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def compare(ledger: Ledger, episodes: list[Episode]) -> list[LedgerProblem]:
    """Published episodes that would vanish from the feed or change their guid."""
    by_guid = {e.guid: e for e in episodes}
    by_enclosure = {e.enclosure_url: e for e in episodes}
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


def describe(problem: LedgerProblem, ledger_path: Path) -> Diagnostic:
    entry = problem.entry
    if problem.kind == "guid-changed" and problem.episode is not None:
        episode = problem.episode
        line = episode.positions.get("guid", (0, 0))[0]
        return Diagnostic(
            episode.source,
            line,
            0,
            "E190",
            f"published episode '{entry.title}' changed its guid from '{entry.guid}' "
            f"to '{episode.guid}': every subscriber would download it again",
            f'put back `guid: "{entry.guid}"`, or pass --allow-guid-change if you mean it',
        )
    return Diagnostic(
        ledger_path,
        0,
        0,
        "E191",
        f"published episode '{entry.title}' (guid '{entry.guid}', first published from "
        f"{entry.file}) is no longer in the show: apps would remove it from listeners' libraries",
        "restore its file (or its `draft: false`/date), or pass --allow-removal if you mean it",
        Severity.ERROR,
    )
