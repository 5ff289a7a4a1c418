"""Using both cores for the big, independent loops (reading episodes, rendering pages).

The calling process works too (unless told not to): on a machine with N cores
it forks N-1 helper processes and takes its own share of the items, so that
only the helpers' results are pickled and sent back, and one fork fewer is
paid for each loop. Helpers are forked, so they share the already-built
model and the function without pickling them (closures are fine). Items are
handed out a span at a time from a pipe, so a fast process takes more spans
than a slow one; between its own spans the caller takes in what helpers sent.

Small jobs, machines with one core, platforms without fork and multi-threaded
callers (the preview server rebuilding from a watcher thread) run in-process
instead: same results, just slower. A helper that dies fails the run with an
error instead of a hang, and helpers die with their parent.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import pickle
import select
import signal
import struct
import threading
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from ..errors import GaepodError
from . import collector
from .switches import enabled

Item = TypeVar("Item")
Result = TypeVar("Result")

PR_SET_PDEATHSIG = 1  # linux/prctl.h
F_SETPIPE_SZ = 1031  # linux/fcntl.h
PIPE_BYTES = 1 << 20  # a helper can send this much before the caller takes it in
MIN_ITEMS = 64  # below this, starting helpers costs more than it saves
SPANS_PER_PROCESS = 8  # at least: small enough to even out the ends
MAX_SPAN = 64  # items: a span's results fit the pipe while the caller works on its own
MAX_SPANS = 8192  # their indexes (32 KB) fit the claims pipe before anyone reads it
_HEADER = struct.Struct("<iBQ")  # span index, outcome (0 results, 1 exception), length
_CLAIM = struct.Struct("<i")
_KILLED = "a worker process was killed (out of memory?); nothing was published"


def worker_count() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


def can_fork() -> bool:
    """Forking is safe: the platform has fork and no other thread runs here (a thread
    holding a lock at the fork would hold it forever in the child)."""
    return hasattr(os, "fork") and threading.active_count() == 1


def map_items(
    func: Callable[[Item], Result],
    items: Sequence[Item],
    min_items: int = MIN_ITEMS,
    on_result: Callable[[Result], None] | None = None,
    caller_helps: bool = True,
    meanwhile: Callable[[], None] | None = None,
) -> list[Result]:
    """`[func(x) for x in items]`, spread over the CPU cores when that pays.

    `on_result` is called here, in order, as each result is ready (progress bars).
    `caller_helps=False`: this process only collects while one helper per core does
    the work, for work whose memory should go when its process ends. `meanwhile`:
    other work for this process, done first while the helpers start on the items
    (they then take more of them); only when helpers run: never rely on it.
    """
    workers = min(worker_count(), max(1, len(items) // max(1, min_items // 2)))
    if len(items) < min_items or workers < 2 or not can_fork() or not enabled("parallel"):
        results: list[Result] = []
        for item in items:
            results.append(func(item))
            if on_result is not None:
                on_result(results[-1])
        return results
    size = max(1, min(MAX_SPAN, len(items) // (workers * SPANS_PER_PROCESS)))
    size = max(size, -(-len(items) // MAX_SPANS))
    spans = [range(start, min(start + size, len(items))) for start in range(0, len(items), size)]
    spread = _Spread(func, items, spans, on_result)
    return spread.run(workers - 1 if caller_helps else workers, caller_helps, meanwhile)


class _Spread:
    """One loop spread over this process and the helpers it forks."""

    def __init__(
        self,
        func: Callable[[Any], Any],
        items: Sequence[Any],
        spans: list[range],
        on_result: Callable[[Any], None] | None,
    ) -> None:
        self.func = func
        self.items = items
        self.spans = spans
        self.on_result = on_result
        self.done: dict[int, list[Any]] = {}  # span index -> its results, until delivered
        self.delivered: list[Any] = []
        self.next_span = 0  # the first span not delivered yet
        self.senders: list[int] = []  # read ends of the helpers still sending

    def run(
        self, helpers: int, caller_helps: bool, meanwhile: Callable[[], None] | None
    ) -> list[Any]:
        claims_out, claims_in = os.pipe()
        _write_all(claims_in, b"".join(_CLAIM.pack(i) for i in range(len(self.spans))))
        os.close(claims_in)
        self.claims = claims_out
        with collector.frozen():  # the helpers' inheritance: see collector.py
            self._spread(helpers, caller_helps, meanwhile)
        return self.delivered

    def _spread(
        self, helpers: int, caller_helps: bool, meanwhile: Callable[[], None] | None
    ) -> None:
        children: list[int] = []
        try:
            for _ in range(helpers):
                pid, results_out = self._fork_helper()
                children.append(pid)
                self.senders.append(results_out)
            if meanwhile is not None:
                meanwhile()
            while caller_helps and (claimed := self._claim()) is not None:
                self.done[claimed] = self._work(self.spans[claimed])
                self._take_in(wait=False)
                self._deliver()
            while self.next_span < len(self.spans):
                if not self.senders:  # a span is due that no helper will send
                    raise GaepodError(_KILLED)
                self._take_in(wait=True)
                self._deliver()
        except BaseException:
            for pid in children:
                with contextlib.suppress(OSError):
                    os.kill(pid, signal.SIGKILL)
            raise
        finally:
            os.close(self.claims)
            for results_out in self.senders:
                os.close(results_out)
            for pid in children:
                with contextlib.suppress(ChildProcessError):
                    os.waitpid(pid, 0)

    def _claim(self) -> int | None:
        raw = os.read(self.claims, _CLAIM.size)  # reads of 4 bytes from a pipe are atomic
        return _CLAIM.unpack(raw)[0] if raw else None

    def _work(self, span: range) -> list[Any]:
        with collector.collecting():  # rendering leaves reference cycles: see collector.py
            return [self.func(self.items[i]) for i in span]

    def _fork_helper(self) -> tuple[int, int]:
        results_out, results_in = os.pipe()
        with contextlib.suppress(OSError):  # a bigger pipe: the helper seldom waits for us
            fcntl.fcntl(results_in, F_SETPIPE_SZ, PIPE_BYTES)
        parent = os.getpid()
        pid = os.fork()
        if pid == 0:  # the helper: work spans until none is left, then leave at once
            code = 1
            try:
                os.close(results_out)
                for earlier in self.senders:  # other helpers' pipes: not this one's to hold
                    os.close(earlier)
                _die_with(parent)
                while (index := self._claim()) is not None:
                    try:
                        payload, outcome = pickle.dumps(self._work(self.spans[index]), 5), 0
                    except Exception as exc:  # the caller raises it, as if it ran there
                        payload, outcome = _pickled_error(exc), 1
                    _write_all(results_in, _HEADER.pack(index, outcome, len(payload)) + payload)
                    if outcome:
                        break
                code = 0
            finally:
                os._exit(code)  # never the parent's cleanup (atexit, buffered output)
        os.close(results_in)
        return pid, results_out

    def _take_in(self, *, wait: bool) -> None:
        """Read what helpers have sent: all of it, or (`wait`) at least one message or
        one helper's end. A helper whose pipe closes is done, or died."""
        while self.senders:
            ready, _, _ = select.select(self.senders, [], [], None if wait else 0)
            if not ready:
                return
            for results_out in ready:
                self._read_message(results_out)
            if wait:
                return

    def _read_message(self, results_out: int) -> None:
        header = _read_exactly(results_out, _HEADER.size)
        if len(header) == _HEADER.size:
            index, outcome, length = _HEADER.unpack(header)
            payload = _read_exactly(results_out, length)
            if len(payload) == length:
                value = pickle.loads(payload)
                if outcome:
                    raise value
                self.done[index] = value
                return
        self.senders.remove(results_out)  # the helper finished, or died (mid-message)
        os.close(results_out)

    def _deliver(self) -> None:
        """Hand over, in order, the results of every span finished so far."""
        while self.next_span in self.done:
            for result in self.done.pop(self.next_span):
                self.delivered.append(result)
                if self.on_result is not None:
                    self.on_result(result)
            self.next_span += 1


def _die_with(parent: int) -> None:
    """A helper dies with the process that started it: a killed build must not leave it
    running, holding the show's lock (it inherits its file descriptor)."""
    import ctypes

    with contextlib.suppress(OSError, AttributeError):  # prctl: Linux only
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent:  # the parent died before prctl took effect
        os._exit(1)


def _pickled_error(exc: Exception) -> bytes:
    try:
        return pickle.dumps(exc, 5)
    except Exception:  # an exception that cannot travel: its message can
        return pickle.dumps(GaepodError(f"{type(exc).__name__}: {exc}"), 5)


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


def _read_exactly(fd: int, length: int) -> bytes | bytearray:
    """`length` bytes from `fd` (fewer only at its end), read into one buffer of that
    size: reading a large size at once allocates all of it first, each time."""
    buffer = bytearray(length)
    done = 0
    with memoryview(buffer) as view:
        while done < length:
            count = os.readv(fd, [view[done:]])
            if not count:
                break
            done += count
    return buffer if done == length else bytes(buffer[:done])
