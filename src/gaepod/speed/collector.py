"""Python's cycle collector: paused while a build allocates, on where work leaves cycles.

A build makes millions of small objects that live for a second and, but for
rendering, hold no reference cycles: the collector's scans of them only cost
time, so a build pauses it. Rendering pages with Jinja2 does leave cycles;
a span of work handed to a helper process (parallel.py) therefore runs with
the collector on, everything inherited at the fork frozen, so that it scans
only what the span itself made. Neither changes anything the build computes.
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator

from .switches import enabled


@contextlib.contextmanager
def paused() -> Iterator[None]:
    """No cycle collection inside the block (nested blocks are fine)."""
    with _collector(False):
        yield


@contextlib.contextmanager
def collecting() -> Iterator[None]:
    """Cycle collection on inside the block, even within `paused`."""
    with _collector(True):
        yield


@contextlib.contextmanager
def frozen() -> Iterator[None]:
    """Everything alive now is left out of every collection inside the block (a forked
    helper's inheritance: walking it would also copy its pages)."""
    if not enabled("collector"):
        yield
        return
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


@contextlib.contextmanager
def _collector(on: bool) -> Iterator[None]:
    if not enabled("collector"):
        yield
        return
    was_enabled = gc.isenabled()
    if on:
        gc.enable()
    else:
        gc.disable()
    try:
        yield
    finally:
        if was_enabled != on:
            (gc.enable if was_enabled else gc.disable)()
