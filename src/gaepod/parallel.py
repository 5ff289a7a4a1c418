"""Using both cores for the big, independent loops (reading episodes, rendering pages).

Worker processes are forked so that they share the already-built model and
the function without pickling them (closures are fine); only results travel
back. Small jobs, machines with one core, platforms without fork and
multi-threaded callers (the preview server rebuilding from a watcher thread)
run in-process instead: same results, just slower. A worker that dies fails
the run with an error (multiprocessing's Pool would wait for it forever, the
lock held), and workers die with their parent.
"""

from __future__ import annotations

import contextlib
import gc
import os
import signal
import threading
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from .errors import GaepodError

Item = TypeVar("Item")
Result = TypeVar("Result")

PR_SET_PDEATHSIG = 1  # linux/prctl.h
MIN_ITEMS = 64  # below this, starting workers costs more than it saves


def worker_count() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


def can_fork() -> bool:
    import multiprocessing

    return (
        "fork" in multiprocessing.get_all_start_methods()
        and threading.active_count() == 1
        and not multiprocessing.parent_process()
    )


def map_items(
    func: Callable[[Item], Result],
    items: Sequence[Item],
    min_items: int = MIN_ITEMS,
    on_result: Callable[[Result], None] | None = None,
) -> list[Result]:
    """`[func(x) for x in items]`, spread over the CPU cores when that pays.

    `on_result` is called here, in order, as each result arrives (progress bars).
    """
    workers = min(worker_count(), max(1, len(items) // max(1, min_items // 2)))
    results: list[Result] = []
    if len(items) < min_items or workers < 2 or not can_fork():
        for item in items:
            results.append(func(item))
            if on_result is not None:
                on_result(results[-1])
        return results
    # Imported here: an edit build maps a handful of items in-process and never needs them.
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    global _task
    context = multiprocessing.get_context("fork")
    chunk = max(1, len(items) // (workers * 8))
    _task = (func, items)  # workers inherit both when forked: nothing is pickled but results
    # Everything alive now is the workers' inheritance: frozen, the cycle collector they
    # run (see _start_worker) never walks it, only what each worker makes itself.
    gc.freeze()
    try:
        with ProcessPoolExecutor(
            workers, mp_context=context, initializer=_start_worker, initargs=(os.getpid(),)
        ) as pool:
            for result in pool.map(_run_one, range(len(items)), chunksize=chunk):
                results.append(result)
                if on_result is not None:
                    on_result(result)
    except BrokenProcessPool as exc:  # a worker was killed: the out-of-memory killer, a signal
        raise GaepodError(
            "a worker process was killed (out of memory?); nothing was published"
        ) from exc
    finally:
        _task = None
        gc.unfreeze()
    return results


def _start_worker(parent: int) -> None:
    """Workers die with the process that started them: a killed build must not leave
    them running, holding the show's lock (they inherit its file descriptor)."""
    import ctypes

    with contextlib.suppress(OSError, AttributeError):  # prctl: Linux only
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent:  # the parent died before prctl took effect
        os._exit(1)
    # A build turns the cycle collector off for speed (pipeline.build); a worker rendering
    # thousands of pages needs it: each Jinja2 render leaves a reference cycle, which
    # would otherwise stay until the worker exits (~0.3 MB per 32 pages at 10,000 episodes).
    gc.enable()


_task: tuple[Callable[[Any], Any], Sequence[Any]] | None = None


def _run_one(index: int) -> Any:
    assert _task is not None
    func, items = _task
    return func(items[index])
