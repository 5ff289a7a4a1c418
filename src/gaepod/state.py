"""The show's state folder, `<show>/.gaepod/`: its name, its lock, and file stamps.

Everything gaepod keeps between runs lives in this one folder, which the host
keeps out of version control: the lock every writing command holds, the build
cache, the no-op state, the tag record and the compiled templates. The lock and
the manifest of published files matter; deleting the rest only costs time. Stamps
(mtime, size, inode) are how every part tells that a file changed.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
from collections.abc import Iterator
from pathlib import Path

from .errors import LockedError, OutputError
from .fsio import TEMP_PREFIX

STATE_DIR = ".gaepod"
LOCK_FILE = "lock"
CACHE_FILE = "cache.pickle"  # speed.cache: what each file produced
QUICK_FILE = "quick.marshal"  # speed.quickstate: the no-op answer
TAG_RECORD = "tags.json"  # audio.tag: which file got which tags
MANIFEST_FILE = "outputs.json"  # publish.manifest: which files a build published
DEPLOY_DIR = "deploy"  # deploy.record: what each deploy target holds, one file a target
TEMPLATES = "templates"  # Jinja2's compiled templates

Stamp = tuple[int, int, int]  # st_mtime_ns, st_size, st_ino


def state_dir(show: Path) -> Path:
    return show / STATE_DIR


def is_state_name(name: str) -> bool:
    """True for names that are gaepod's own, never the show's inputs: the state folder
    and the temp files of a write in progress."""
    return name == STATE_DIR or name.startswith(TEMP_PREFIX)


@contextlib.contextmanager
def show_lock(show: Path, *, wait: bool = True) -> Iterator[None]:
    """The show's exclusive lock: every command that writes holds it (LockedError when
    `wait` is False and another run has it)."""
    with locked(state_dir(show) / LOCK_FILE, wait=wait):
        yield


def stamp(path: Path | str) -> Stamp | None:
    """The file's stamp, or None when it cannot be stat'ed."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    return stamp_of(st)


def stamp_of(st: os.stat_result) -> Stamp:
    return (st.st_mtime_ns, st.st_size, st.st_ino)


@contextlib.contextmanager
def locked(lock_path: Path, *, wait: bool = True) -> Iterator[None]:
    """Hold an exclusive flock on `lock_path`; the OS releases it if the holder dies."""
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    flags = os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(lock_path, flags, 0o644)
    except OSError as exc:
        raise OutputError(f"cannot open the lock file {lock_path}: {exc.strerror}") from exc
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        except OSError as exc:
            if exc.errno in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES):
                raise LockedError(
                    f"another gaepod run holds {lock_path}; try again later "
                    "or drop --no-wait to wait for it"
                ) from exc
            raise
        yield  # the lock file's content is never written: a no-op run changes nothing
    finally:
        os.close(fd)
