"""What each deploy target holds, as gaepod last put it there: one record a target in
`<show>/.gaepod/deploy/`, so that a deploy uploads only the files whose bytes changed.

The record is updated as each file succeeds: a line is appended to a journal
beside it (written through to the OS, so a killed deploy loses nothing it had
confirmed), and the journal is folded into the record, written atomically, when
the deploy ends. A deploy that failed or was killed leaves the record and its
journal, and the next one resumes from them. A line lost in a power cut only
means a file is uploaded again. Callers hold the show's lock.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from ..fsio import atomic_write
from ..model import DeployTarget
from ..state import DEPLOY_DIR, Stamp, state_dir
from .files import HashCache, Kind

FORMAT = 1


@dataclass
class TargetRecord:
    """`files`: relpath -> sha256 of what the target holds; `ping_due`: feeds uploaded
    whose listeners' apps have not been told yet (a deploy killed before its pings)."""

    path: Path
    target: str
    files: dict[str, str] = field(default_factory=dict)
    kinds: dict[str, str] = field(default_factory=dict)  # relpath -> files.Kind's value
    ping_due: set[str] = field(default_factory=set)
    hashes: HashCache = field(default_factory=dict)  # the output folder's, by stamp
    _journal: IO[str] | None = None

    @property
    def journal_path(self) -> Path:
        return self.path.with_suffix(".journal")

    def uploaded(self, relpath: str, sha256: str, kind: str) -> bool:
        """Record a file the target now holds; True when its bytes there changed (a
        feed's listeners are then owed a ping)."""
        changed = self.files.get(relpath) != sha256
        self.files[relpath] = sha256
        self.kinds[relpath] = kind
        self._append(["put", relpath, sha256, kind])
        if changed and kind == Kind.FEED.value:
            self.ping_due.add(relpath)
            self._append(["due", relpath])
        return changed

    def deleted(self, relpath: str) -> None:
        self.files.pop(relpath, None)
        self.kinds.pop(relpath, None)
        self.ping_due.discard(relpath)
        self._append(["del", relpath])

    def pinged(self, relpath: str) -> None:
        self.ping_due.discard(relpath)
        self._append(["pinged", relpath])

    def _append(self, entry: list[str]) -> None:
        if self._journal is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._journal = self.journal_path.open("a", encoding="utf-8")
        self._journal.write(json.dumps(entry, ensure_ascii=False) + "\n")
        self._journal.flush()  # in the OS's hands: a killed process loses nothing

    def save(self) -> None:
        """Fold the journal into the record (atomically), then drop the journal."""
        data = {
            "format": FORMAT,
            "target": self.target,
            "files": {r: [sha, self.kinds.get(r, "")] for r, sha in sorted(self.files.items())},
            "ping_due": sorted(self.ping_due),
            "hashes": {r: [*s, h] for r, (s, h) in sorted(self.hashes.items())},
        }
        atomic_write(self.path, json.dumps(data, separators=(",", ":")).encode())
        if self._journal is not None:
            self._journal.close()
            self._journal = None
        with contextlib.suppress(FileNotFoundError):
            os.unlink(self.journal_path)

    def close(self) -> None:
        if self._journal is not None:
            self._journal.close()
            self._journal = None


def record_path(show: Path, target: DeployTarget) -> Path:
    name = hashlib.sha256(target.describe().encode()).hexdigest()[:16]
    return state_dir(show) / DEPLOY_DIR / f"{name}.json"


def load_record(show: Path, target: DeployTarget) -> TargetRecord:
    """The target's record with its journal replayed (empty for a new target)."""
    path = record_path(show, target)
    record = TargetRecord(path, target.describe())
    try:
        data = json.loads(path.read_bytes())
    except (OSError, ValueError):
        data = None
    if (
        isinstance(data, dict)
        and data.get("format") == FORMAT
        and data.get("target") == record.target
    ):
        for relpath, row in data.get("files", {}).items():
            if isinstance(row, list) and len(row) == 2:
                record.files[str(relpath)], record.kinds[str(relpath)] = str(row[0]), str(row[1])
        record.ping_due = {str(r) for r in data.get("ping_due", [])}
        record.hashes = _hashes(data.get("hashes", {}))
    for entry in _journal_entries(record.journal_path):
        verb, relpath = entry[0], entry[1]
        if verb == "put" and len(entry) == 4:
            record.files[relpath], record.kinds[relpath] = entry[2], entry[3]
        elif verb == "del":
            record.files.pop(relpath, None)
            record.kinds.pop(relpath, None)
            record.ping_due.discard(relpath)
        elif verb == "due":
            record.ping_due.add(relpath)
        elif verb == "pinged":
            record.ping_due.discard(relpath)
    return record


def _journal_entries(path: Path) -> list[list[str]]:
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return []
    entries = []
    for line in text.splitlines():
        try:
            entry = json.loads(line)
        except ValueError:
            continue  # the last line of a process killed while writing it
        if isinstance(entry, list) and len(entry) >= 2 and all(isinstance(e, str) for e in entry):
            entries.append(entry)
    return entries


def _hashes(raw: object) -> HashCache:
    hashes: HashCache = {}
    if not isinstance(raw, dict):
        return hashes
    for relpath, row in raw.items():
        if isinstance(row, list) and len(row) == 4 and all(isinstance(v, int) for v in row[:3]):
            stamp: Stamp = (row[0], row[1], row[2])
            hashes[str(relpath)] = (stamp, str(row[3]))
    return hashes
