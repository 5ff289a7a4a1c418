"""`gaepod import --probe`: the lengths and durations a feed leaves out, read from the
audio itself over HTTP (show/remote.py: HEAD, and Range requests for the first
bytes only, never a whole file).

Several files are read at once (PROBE_WORKERS), each within a byte budget and a
timeout. What was filled replaces the importer's W217/W218 warnings; what could
not be read is a W260 at the item's line, with the reason.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from ..errors import Diagnostic
from ..show.remote import (
    MAX_PROBE_BYTES,
    TIMEOUT_SECONDS,
    RemoteError,
    RemoteFacts,
    probe_remote,
)
from .episode import EpisodeDraft, Tally
from .rss import ImportLog
from .values import format_clock

PROBE_WORKERS = 4
AUDIO_KEYS = ("audio_url", "length", "duration", "type")  # in the order an item has them
Progress = Callable[[int, int, str], None]


@dataclass
class ProbeSummary:
    """What `--probe` did: items it looked at, values filled, bytes downloaded."""

    items: int = 0  # items missing a length or a duration
    lengths: int = 0  # filled
    durations: int = 0
    received: int = 0  # body bytes downloaded in all
    failed: list[Diagnostic] = field(default_factory=list)  # W260, one per item


def probe_drafts(
    drafts: list[EpisodeDraft],
    tally: Tally,
    log: ImportLog,
    *,
    progress: Progress | None = None,
    budget: int = MAX_PROBE_BYTES,
    timeout: float = TIMEOUT_SECONDS,
) -> ProbeSummary:
    """Fill each draft's missing `length` and `duration` from its audio_url."""
    wanted = [d for d in drafts if "length" not in d.fields or "duration" not in d.fields]
    summary = ProbeSummary(items=len(wanted))
    if not wanted:
        return summary

    def read(draft: EpisodeDraft) -> RemoteFacts | RemoteError:
        try:
            return probe_remote(
                draft.audio_url,
                length="length" not in draft.fields,
                duration="duration" not in draft.fields,
                budget=budget,
                timeout=timeout,
            )
        except RemoteError as exc:
            return exc
        except Exception as exc:  # a broken file can raise anything inside mutagen
            return RemoteError(f"{exc} ({type(exc).__name__})")

    with ThreadPoolExecutor(max_workers=PROBE_WORKERS) as pool:
        answers = zip(wanted, pool.map(read, wanted), strict=True)
        for done, (draft, found) in enumerate(answers, start=1):
            if progress is not None:
                progress(done, len(wanted), draft.title)
            _apply(draft, found, tally, log, summary)
    return summary


def _apply(
    draft: EpisodeDraft,
    found: RemoteFacts | RemoteError,
    tally: Tally,
    log: ImportLog,
    summary: ProbeSummary,
) -> None:
    missing = [key for key in ("length", "duration") if key not in draft.fields]
    if isinstance(found, RemoteError):
        before = len(log.diagnostics)
        log.warn(
            draft.line,
            "W260",
            f"'{draft.title}': cannot read its {' and '.join(missing)} from "
            f"{draft.audio_url}: {found}",
            "add them by hand (`curl -sI URL` shows Content-Length), or run the import "
            "with --probe again later",
        )
        summary.failed.extend(log.diagnostics[before:])
        return
    summary.received += found.received
    values: dict[str, Any] = {}
    if "length" in missing and found.length:
        values["length"] = found.length
        summary.lengths += 1
        _withdraw(draft, tally, "W217")
    if "duration" in missing and found.duration_ms:
        values["duration"] = format_clock(found.duration_ms)
        summary.durations += 1
        _withdraw(draft, tally, "W218")
    _insert_after_url(draft, values)


def _withdraw(draft: EpisodeDraft, tally: Tally, code: str) -> None:
    entry = draft.tallied.pop(code, None)
    if entry is not None and entry in tally.items.get(code, []):
        tally.items[code].remove(entry)
        if not tally.items[code]:
            del tally.items[code]


def _insert_after_url(draft: EpisodeDraft, values: dict[str, Any]) -> None:
    """The file lists audio_url, length, duration and type first, as for any item."""
    merged = {**draft.fields, **values}
    ordered = {key: merged.pop(key) for key in AUDIO_KEYS if key in merged}
    draft.fields.clear()
    draft.fields.update({**ordered, **merged})
