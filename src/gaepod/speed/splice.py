"""Unchanged parts of a file copied from the copy a build wrote last time.

The feed is a list of items, one per episode; an edit changes one of them.
When the last feed.xml is the file the cache remembers (same stamp), the items
whose key did not change are read from it instead of being rendered again:
the same bytes, since each item's key covers everything it is made from.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import BinaryIO

from ..state import Stamp, stamp
from .switches import enabled

Reuse = Callable[[int], "bytes | None"]
FindOffsets = Callable[[BinaryIO, int], "list[int] | None"]


@contextlib.contextmanager
def previous_parts(
    path: Path,
    written: Stamp | None,
    old_keys: list[str],
    new_keys: list[str],
    find_offsets: FindOffsets,
) -> Iterator[Reuse]:
    """`reuse(i)`: the bytes the last file held for the part now at position i when its
    key is among the old ones, read from `path` as needed; always None when `path` is
    not the file written with stamp `written` (or cannot be read). `find_offsets(handle,
    n)` gives where each of the file's n parts starts and where the last ends, or None
    when the file does not split into n parts."""
    if not enabled("splice") or written is None or not old_keys or written != stamp(path):
        yield _no_reuse
        return
    try:
        handle = path.open("rb", buffering=1 << 20)  # parts are read in file order
    except OSError:
        yield _no_reuse
        return
    with handle:
        offsets = find_offsets(handle, len(old_keys))
        if offsets is None or written != stamp(path):  # replaced meanwhile
            yield _no_reuse
            return
        where = {key: (offsets[i], offsets[i + 1]) for i, key in enumerate(old_keys)}

        def reuse(index: int) -> bytes | None:
            span = where.get(new_keys[index])
            if span is None:
                return None
            if handle.tell() != span[0]:  # a seek drops the read-ahead buffer
                handle.seek(span[0])
            return handle.read(span[1] - span[0])

        yield reuse


def _no_reuse(_index: int) -> bytes | None:
    return None
