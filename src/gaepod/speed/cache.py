"""The build cache under `<show>/.gaepod/`: a speed-up only, never a source of truth.

It remembers, per input file, what validation produced together with the
stamps (mtime, size, inode) of every file that result was read from, and,
per output file, the key of the inputs it was rendered from. A stamp that
differs, a missing or unreadable cache, or a cache from another gaepod
version simply means "work it out again": deleting the cache gives the same
output, only slower.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import zlib
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import IO, TypeGuard, TypeVar

from .. import __version__
from ..errors import Diagnostic
from ..model import Episode, Show
from ..state import CACHE_FILE, Stamp, stamp, stamp_of
from .switches import enabled

Parsed = TypeVar("Parsed")

FORMAT = f"gaepod-cache-12/{__version__}"  # bump it with any change of these classes
# The validation records are saved as this many pickles, each holding the files whose
# path hashes to it; a build saves again only the ones whose records changed and copies
# the others' bytes from the last cache file (pickling 1,000 records took 20-30 ms).
SHARDS = 64


@dataclass
class ValidationRecord:
    context_key: str
    deps: dict[Path, Stamp | None]  # every file the result was read from
    episode: Episode | None
    show: Show | None
    context: object  # what the show file gives every episode's validation (show.podcast)
    diagnostics: list[Diagnostic]
    digest: str = ""  # of the episode/show object: a cheap key for what it renders into

    def is_current(self, context_key: str, stamps: Mapping[str, Stamp] | None = None) -> bool:
        """`stamps`: files' stamps taken moments ago, by str(path); others are stat'ed."""
        if self.context_key != context_key:
            return False
        if stamps is None:
            return all(stamp(path) == old for path, old in self.deps.items())
        return all((stamps.get(str(path)) or stamp(path)) == old for path, old in self.deps.items())


@dataclass
class OutputRecord:
    key: str  # hash of everything the file's bytes came from
    stamp: Stamp | None  # of the written file, to notice edits or deletions


@dataclass
class _Shards:
    """The validation records as load_cache found them in the cache file."""

    stamp: Stamp  # of that file
    spans: list[tuple[int, int]]  # (offset, length) of each shard's pickle in it
    members: list[dict[Path, ValidationRecord]]  # the records each shard held


def _shard_of(path: Path) -> int:
    return zlib.crc32(str(path).encode()) % SHARDS


@dataclass
class BuildCache:
    format: str = FORMAT
    validations: dict[Path, ValidationRecord] = field(default_factory=dict)
    outputs: dict[str, OutputRecord] = field(default_factory=dict)
    out_dir: str = ""  # the output folder `outputs` describes
    hits: int = 0  # counters for --verbose; not saved meaningfully
    misses: int = 0
    fresh: set[Path] = field(default_factory=set)  # files read again in this run
    tag_options: str = ""  # how audio was last tagged (ID3 version): a change retags all
    memo: dict[str, dict[bytes, bytes]] = field(default_factory=dict)  # see memo.py
    parsed: dict[str, tuple[Stamp, object]] = field(default_factory=dict)  # see recall
    # of each feed's items, in order, by the feed's path
    feed_item_keys: dict[str, list[str]] = field(default_factory=dict)
    loaded: _Shards | None = field(default=None, repr=False, compare=False)  # not saved

    def lookup(
        self, path: Path, context_key: str, stamps: Mapping[str, Stamp] | None = None
    ) -> ValidationRecord | None:
        record = self.validations.get(path)
        if record is not None and record.is_current(context_key, stamps):
            self.hits += 1
            return record
        self.misses += 1
        self.fresh.add(path)
        return None

    def remember(
        self,
        path: Path,
        context_key: str,
        deps: Iterable[Path | None],
        episode: Episode | None = None,
        show: Show | None = None,
        context: object = None,
        diagnostics: list[Diagnostic] | None = None,
        digest: str = "",
    ) -> None:
        """`digest`: digest_of the episode or show when the caller has it already."""
        files = {path, *(d for d in deps if d is not None)}
        self.validations[path] = ValidationRecord(
            context_key,
            {p: stamp(p) for p in files},
            episode,
            show,
            context,
            diagnostics or [],
            digest or digest_of(episode if episode is not None else show),
        )

    def digest(self, source: Path, value: object) -> str:
        """The digest stored when `value` was validated, or a fresh one."""
        record = self.validations.get(source)
        if (
            record is not None
            and record.digest
            and (record.episode is value or record.show is value)
        ):
            return record.digest
        return digest_of(value)

    def recall(self, name: str, current: Stamp | None, kind: type[Parsed]) -> Parsed | None:
        """What `keep(name, ...)` kept, when it was kept for a file whose stamp is
        `current` (the file is as it was then: parsing it again gives the same)."""
        kept = self.parsed.get(name)
        if kept is None or current is None or kept[0] != current:
            return None
        value = kept[1]
        return value if isinstance(value, kind) else None

    def keep(self, name: str, current: Stamp | None, value: object) -> None:
        """Remember `value`, parsed from (or written as) the file whose stamp is `current`."""
        if current is None:
            self.parsed.pop(name, None)
        else:
            self.parsed[name] = (current, value)

    def forget_missing(self, present: set[Path]) -> None:
        for path in list(self.validations):
            if path not in present:
                del self.validations[path]


def digest_of(value: object) -> str:
    """A short, stable fingerprint of plain model data."""
    import hashlib

    return hashlib.blake2b(pickle.dumps(value, protocol=5), digest_size=16).hexdigest()


def load_cache(state_dir: Path) -> BuildCache:
    """The saved cache, or an empty one when it is missing, stale or unreadable.

    The file holds a pickled BuildCache without its validation records, then the
    records in SHARDS pickles (see save_cache)."""
    if not enabled("cache"):
        return BuildCache()
    path = state_dir / CACHE_FILE
    try:
        with path.open("rb") as handle:
            cache = pickle.load(handle)  # written only by gaepod, in the user's own folder
            if not _is_whole(cache):
                return BuildCache()
            spans, members = [], []
            for _ in range(SHARDS):
                start = handle.tell()
                shard = pickle.load(handle)
                spans.append((start, handle.tell() - start))
                members.append(shard)
                cache.validations.update(shard)
            st = os.fstat(handle.fileno())
    except Exception:  # any damage means: start from nothing
        return BuildCache()
    cache.hits = cache.misses = 0
    cache.fresh = set()
    cache.loaded = _Shards(stamp_of(st), spans, members)
    return cache


def _is_whole(cache: object) -> TypeGuard[BuildCache]:
    """A BuildCache of this format with every field of this version's class (a cache an
    older gaepod pickled under the same format string would lack some)."""
    return (
        isinstance(cache, BuildCache)
        and cache.format == FORMAT
        and vars(cache).keys() == {f.name for f in fields(BuildCache)}
    )


def save_cache(state_dir: Path, cache: BuildCache) -> None:
    from ..fsio import atomic_write_stream

    if not enabled("cache"):
        return

    path = state_dir / CACHE_FILE
    shards: list[dict[Path, ValidationRecord]] = [{} for _ in range(SHARDS)]
    for source, record in cache.validations.items():
        shards[_shard_of(source)][source] = record
    head = replace(cache, validations={}, loaded=None)

    def write(handle: IO[bytes]) -> None:
        pickle.dump(head, handle, protocol=pickle.HIGHEST_PROTOCOL)
        with _last_file(path, cache.loaded) as last:
            for index, shard in enumerate(shards):
                if last is not None and cache.loaded and _same(shard, cache.loaded.members[index]):
                    offset, length = cache.loaded.spans[index]
                    last.seek(offset)
                    handle.write(last.read(length))
                else:
                    pickle.dump(shard, handle, protocol=pickle.HIGHEST_PROTOCOL)

    with contextlib.suppress(OSError):  # a cache that cannot be saved only costs time
        state_dir.mkdir(parents=True, exist_ok=True)
        atomic_write_stream(path, write, durable=False)  # streamed: ~70 MB at 10,000


def _same(shard: dict[Path, ValidationRecord], loaded: dict[Path, ValidationRecord]) -> bool:
    """True when `shard` holds exactly the record objects that were loaded (records are
    never changed in place: a new result is a new record)."""
    return shard.keys() == loaded.keys() and all(loaded[p] is r for p, r in shard.items())


@contextlib.contextmanager
def _last_file(path: Path, loaded: _Shards | None) -> Iterator[IO[bytes] | None]:
    """The cache file the records were loaded from, if it is still that file."""
    if loaded is None:
        yield None
        return
    try:
        handle = path.open("rb")
    except OSError:
        yield None
        return
    with handle:
        st = os.fstat(handle.fileno())
        yield handle if stamp_of(st) == loaded.stamp else None
