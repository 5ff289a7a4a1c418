"""Results of pure text functions, kept between builds in the build cache.

Rendering 1,000 episodes' show notes (Markdown -> sanitized HTML -> text,
search words) costs a good part of a build; an edit changes one of them.
A function decorated with `remembered` looks its argument's digest up first;
the build saves the entries used in the run and restores them next time.
Like the rest of the cache this only saves time: a missing entry is computed.
"""

from __future__ import annotations

import hashlib
import itertools
import os
from collections.abc import Callable
from functools import wraps
from typing import TypeVar

from .switches import enabled

# digest -> result as UTF-8: half the memory of a str holding any non-Latin-1 character,
# for 10,000 episodes' notes HTML and search entries held through a build.
Table = dict[bytes, bytes]
Item = TypeVar("Item")
Result = TypeVar("Result")
_tables: dict[str, Table] = {}
_used: dict[str, Table] = {}


def remembered(name: str) -> Callable[[Callable[[str], str]], Callable[[str], str]]:
    """Memoise a pure `str -> str` function under `name`, by a digest of its argument."""

    def decorate(func: Callable[[str], str]) -> Callable[[str], str]:
        @wraps(func)
        def lookup(text: str) -> str:
            return recall(name, text, lambda: func(text))

        return lookup

    return decorate


def recall(name: str, key: str, compute: Callable[[], str]) -> str:
    """`compute()`, remembered under `name` by a digest of `key`, which must stand for
    everything `compute` reads (its text, or a content digest of what it reads)."""
    return recall_utf8(name, key, compute).decode()


def recall_utf8(name: str, key: str, compute: Callable[[], str]) -> bytes:
    """recall, as the UTF-8 bytes kept: for results that are written out as they are."""
    if not enabled("memo"):
        return compute().encode()
    table = _tables.setdefault(name, {})
    digest = hashlib.blake2b(key.encode(), digest_size=16).digest()
    stored = table.get(digest)
    if stored is None:
        stored = table[digest] = compute().encode()
    _used.setdefault(name, {})[digest] = stored
    return stored


def restore(saved: dict[str, Table]) -> None:
    """Make results saved by an earlier build available again."""
    if not enabled("memo"):
        return
    for name, entries in saved.items():
        _tables.setdefault(name, {}).update(entries)


def used() -> dict[str, Table]:
    """The entries this process used: what the next build is likely to need."""
    return {name: dict(entries) for name, entries in _used.items() if entries}


# What a worker reports: per table, the entries it computed and the digests of the
# entries it used that its parent already had (sending those back would only cost time).
Shared = dict[str, tuple[Table, list[bytes]]]
_inherited: tuple[int, dict[str, set[bytes]]] | None = None  # (pid, digests known at fork)


def sharing(func: Callable[[Item], Result]) -> Callable[[Item], tuple[Result, Shared]]:
    """Wrap `func` for a worker process: it also reports the entries it used (computed or
    restored), so that the parent (see absorbing) neither computes them again nor
    forgets to save them. Run by the process that wrapped it (which works on items too,
    see parallel.py), it reports nothing: its tables have those entries already."""
    origin = os.getpid()

    def run(item: Item) -> tuple[Result, Shared]:
        if os.getpid() == origin:
            return func(item), {}
        known = _known_to_parent()
        marks = {name: len(entries) for name, entries in _used.items()}
        result = func(item)
        shared: Shared = {}
        for name, entries in _used.items():
            if len(entries) <= marks.get(name, 0):
                continue
            fresh: Table = {}
            old: list[bytes] = []
            inherited = known.get(name, set())
            # `_used` only grows, in insertion order: the tail is what `func` used.
            for digest, value in itertools.islice(entries.items(), marks.get(name, 0), None):
                if digest in inherited:
                    old.append(digest)
                else:
                    fresh[digest] = value
            shared[name] = (fresh, old)
        return result, shared

    return run


def _known_to_parent() -> dict[str, set[bytes]]:
    """The digests this process's tables held when it started work (at fork, in a worker)."""
    global _inherited
    if _inherited is None or _inherited[0] != os.getpid():
        _inherited = (os.getpid(), {name: set(table) for name, table in _tables.items()})
    return _inherited[1]


def absorbing(
    on_result: Callable[[Result], None],
) -> Callable[[tuple[Result, Shared]], None]:
    """The parent's side of `sharing`: keep the worker's entries, pass the result on."""

    def take(shared: tuple[Result, Shared]) -> None:
        result, entries = shared
        for name, (fresh, old) in entries.items():
            table = _tables.setdefault(name, {})
            used = _used.setdefault(name, {})
            table.update(fresh)
            used.update(fresh)
            for digest in old:
                if digest in table:
                    used[digest] = table[digest]
        on_result(result)

    return take
