"""The record of the files gaepod published into an output folder, and by which stage.

A build removes a file only when this record says an earlier build wrote it
and no output makes it any more (an episode deleted, a tag renamed): never a
file the host put there. It is state, not a cache: without it nothing is ever
removed, so it is kept apart from the speed-ups (which may all be off).
"""

from __future__ import annotations

import contextlib
import json
from dataclasses import dataclass, field
from pathlib import Path

from ..fsio import atomic_write
from ..state import MANIFEST_FILE, state_dir

FORMAT = 1


@dataclass
class Manifest:
    out: str  # the resolved output folder the files are in
    files: dict[str, str] = field(default_factory=dict)  # relpath -> stage name

    def stale(self, current: set[str], stages: set[str]) -> list[str]:
        """Files the given stages published before and publish no more."""
        return [r for r, stage in self.files.items() if stage in stages and r not in current]

    def updated(self, removed: list[str], published: dict[str, str]) -> Manifest:
        files = {r: s for r, s in self.files.items() if r not in set(removed)}
        for relpath, stage in published.items():
            files.setdefault(relpath, stage)
        return Manifest(self.out, files)


def read_manifest(show: Path, out: Path) -> Manifest:
    """The record for `out` (empty when there is none, or it is another folder's)."""
    where = str(out.resolve())
    try:
        data = json.loads((state_dir(show) / MANIFEST_FILE).read_bytes())
    except (OSError, ValueError):
        return Manifest(where)
    if (
        not isinstance(data, dict)
        or data.get("format") != FORMAT
        or data.get("out") != where
        or not isinstance(data.get("files"), dict)
    ):
        return Manifest(where)
    return Manifest(where, {str(k): str(v) for k, v in data["files"].items()})


def save_manifest(show: Path, manifest: Manifest) -> None:
    data = {"format": FORMAT, "out": manifest.out, "files": dict(sorted(manifest.files.items()))}
    with contextlib.suppress(OSError):  # lost, it only means old files are not removed
        atomic_write(
            state_dir(show) / MANIFEST_FILE,
            json.dumps(data, separators=(",", ":")).encode(),
        )
