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
from collections.abc import Callable
from functools import wraps
from typing import TypeVar

Table = dict[bytes, str]
Item = TypeVar("Item")
Result = TypeVar("Result")
_tables: dict[str, Table] = {}
_used: dict[str, Table] = {}


def remembered(name: str) -> Callable[[Callable[[str], str]], Callable[[str], str]]:
    """Memoise a pure `str -> str` function under `name`, by a digest of its argument."""

    def decorate(func: Callable[[str], str]) -> Callable[[str], str]:
        table = _tables.setdefault(name, {})
        used = _used.setdefault(name, {})

        @wraps(func)
        def lookup(text: str) -> str:
            key = hashlib.blake2b(text.encode(), digest_size=16).digest()
            result = table.get(key)
            if result is None:
                result = table[key] = func(text)
            used[key] = result
            return result

        return lookup

    return decorate


def restore(saved: dict[str, Table]) -> None:
    """Make results saved by an earlier build available again."""
    for name, entries in saved.items():
        _tables.setdefault(name, {}).update(entries)


def used() -> dict[str, Table]:
    """The entries this process used: what the next build is likely to need."""
    return {name: dict(entries) for name, entries in _used.items() if entries}


def sharing(func: Callable[[Item], Result]) -> Callable[[Item], tuple[Result, dict[str, Table]]]:
    """Wrap `func` for a worker process: it also returns the entries it used (computed or
    restored), so that the parent (see absorbing) neither computes them again nor
    forgets to save them."""

    def run(item: Item) -> tuple[Result, dict[str, Table]]:
        marks = {name: len(entries) for name, entries in _used.items()}
        result = func(item)
        return result, {  # `_used` only grows, in insertion order: the tail is new
            name: dict(itertools.islice(entries.items(), marks.get(name, 0), None))
            for name, entries in _used.items()
            if len(entries) > marks.get(name, 0)
        }

    return run


def absorbing(
    on_result: Callable[[Result], None],
) -> Callable[[tuple[Result, dict[str, Table]]], None]:
    """The parent's side of `sharing`: keep the worker's entries, pass the result on."""

    def take(shared: tuple[Result, dict[str, Table]]) -> None:
        result, entries = shared
        for name, found in entries.items():
            _tables.setdefault(name, {}).update(found)
            _used.setdefault(name, {}).update(found)
        on_result(result)

    return take
