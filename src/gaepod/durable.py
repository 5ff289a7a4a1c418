"""Making what was written survive a power cut: flushing files, folders and file systems.

The writer (fsio) stages every new file, flushes them all at once, then renames
them into place; this module is the flushing. It never flushes the whole host:
sync(2) would wait for every process's dirty pages on the machine.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import threading
from collections.abc import Callable
from pathlib import Path

_CLOSE_ON_EXEC = getattr(os, "O_CLOEXEC", 0)


def while_syncing(folders: set[Path], work: Callable[[], None] | None) -> None:
    """sync_file_systems(folders) in a thread (it lets go of the GIL) while `work` runs
    here; returns when both are done, raising what either raised (`work`'s first)."""
    failure: list[OSError] = []

    def flush() -> None:
        try:
            sync_file_systems(folders)
        except OSError as exc:
            failure.append(exc)

    thread = threading.Thread(target=flush, name="gaepod-sync", daemon=True)
    thread.start()
    try:
        if work is not None:
            work()
    finally:
        thread.join()
    if failure:
        raise failure[0]


def sync_file_systems(folders: set[Path]) -> None:
    """Flush to disk what was written under `folders`: syncfs(2) on each file system
    they are on, which waits for that file system only. sync(2) would flush every
    process's dirty pages on the host: a cron build on a shared server waited for
    everyone's. Without syncfs, each file and folder is fsync'ed instead."""
    if _syncfs is None:
        _fsync_tree(folders)
        return
    devices: set[int] = set()
    for folder in folders:
        device = os.stat(folder).st_dev
        if device in devices:
            continue
        devices.add(device)
        fd = os.open(folder, os.O_RDONLY | _CLOSE_ON_EXEC)
        try:
            if _syncfs(fd) != 0:
                code = ctypes.get_errno()
                raise OSError(code, os.strerror(code), str(folder))
        finally:
            os.close(fd)


def _load_syncfs() -> Callable[[int], int] | None:
    try:
        function: Callable[[int], int] = ctypes.CDLL(None, use_errno=True).syncfs
    except (OSError, AttributeError):  # not Linux (or a libc without it)
        return None
    return function


def _fsync_tree(folders: set[Path]) -> None:
    for folder in folders:
        with contextlib.suppress(FileNotFoundError):
            for entry in os.scandir(folder):
                if entry.is_file(follow_symlinks=False):
                    fsync_path(entry.path)
        fsync_dir(folder)


def fsync_path(name: str) -> None:
    fd = os.open(name, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def fsync_dir(folder: Path) -> None:
    """Make a rename in `folder` survive a power cut, not only the file's bytes."""
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


_syncfs = _load_syncfs()
