"""Using both cores for the big, independent loops (reading episodes, rendering pages).

Worker processes are forked so that they share the already-built model
without pickling it; only results travel back. Small jobs, machines with one
core, platforms without fork and multi-threaded callers (the preview server
rebuilding from a watcher thread) run in-process instead: same results,
just slower.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
from collections.abc import Callable, Sequence
from typing import TypeVar

Item = TypeVar("Item")
Result = TypeVar("Result")

MIN_ITEMS = 64  # below this, starting workers costs more than it saves


def worker_count() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


def can_fork() -> bool:
    return (
        "fork" in multiprocessing.get_all_start_methods()
        and threading.active_count() == 1
        and not multiprocessing.parent_process()
    )


def map_items(
    func: Callable[[Item], Result], items: Sequence[Item], min_items: int = MIN_ITEMS
) -> list[Result]:
    """`[func(x) for x in items]`, spread over the CPU cores when that pays."""
    workers = min(worker_count(), max(1, len(items) // max(1, min_items // 2)))
    if len(items) < min_items or workers < 2 or not can_fork():
        return [func(item) for item in items]
    context = multiprocessing.get_context("fork")
    chunk = max(1, len(items) // (workers * 8))
    with context.Pool(workers) as pool:
        return pool.map(func, items, chunksize=chunk)
