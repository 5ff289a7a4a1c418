"""Removing what gaepod left or no longer publishes, and nothing else.

Temp files of a write that failed or was killed, and published files that no
build makes any more. Only names gaepod gives its own files are touched, and
never through a link: a link in the output folder may lead anywhere.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import stat
import time
from collections.abc import Iterable
from pathlib import Path

from .fsio import TEMP_PREFIX, output_path, real_folder


def sweep_temp_files(folder: Path, older_than_seconds: float = 0.0) -> int:
    """Delete temp files a killed or failed run left under `folder`, and the folder
    new_folder was filling beside it; returns how many.

    Call it while holding the show's lock: then no other gaepod run is writing,
    and every temp file present is a leftover, however young (`older_than_seconds`
    0: all of them, whatever their mtime says). Only regular files and real folders
    named TEMP_PREFIX... go; a link is never followed nor removed. It costs one
    scandir a folder (a stat only for a temp file, and only when an age is asked for),
    which is what listing the folders costs anyway: 35 ms for the 1,899 folders and
    2,310 files of a 1,000-episode site on a 2-core VM (82 ms with Path.rglob).
    """
    cutoff = time.time() - older_than_seconds if older_than_seconds else None
    removed = 0
    beside = f"{TEMP_PREFIX}{folder.name}-"
    with contextlib.suppress(OSError):
        with os.scandir(folder.parent) as entries:
            leftovers = [
                entry
                for entry in entries
                if entry.name.startswith(beside)
                and entry.is_dir(follow_symlinks=False)
                and _is_old(entry, cutoff)
            ]
        for entry in leftovers:
            shutil.rmtree(entry.path, ignore_errors=True)  # never follows the links inside
            removed += 1
    pending = [str(folder)]
    while pending:
        subfolders, count = _remove_temp_files_in(pending.pop(), cutoff)
        pending.extend(subfolders)
        removed += count
    return removed


def remove_temp_files(root: Path, folders: Iterable[Path]) -> int:
    """Delete the temp files directly in these folders inside `root`: after a failed
    write, the temp files it made there, wherever they were staged (here, or in a
    worker stopped before it could clean up). A folder reached through a link is left
    alone. Under the show's lock, as sweep_temp_files."""
    real_folders: set[Path] = set()
    return sum(
        _remove_temp_files_in(str(folder), None)[1]
        for folder in folders
        if real_folder(folder, root, real_folders, make=False)
    )


def _remove_temp_files_in(folder: str, cutoff: float | None) -> tuple[list[str], int]:
    """Delete the temp files (regular files only) directly in `folder`; returns its real
    subfolders (never a link to one) and how many files went."""
    subfolders, temp_files = [], []
    try:
        with os.scandir(folder) as entries:
            for entry in entries:
                if entry.is_dir(follow_symlinks=False):
                    subfolders.append(entry.path)
                elif entry.name.startswith(TEMP_PREFIX) and entry.is_file(follow_symlinks=False):
                    temp_files.append(entry)
    except OSError:  # gone, or not a folder
        return [], 0
    removed = 0
    for entry in temp_files:
        with contextlib.suppress(OSError):
            if _is_old(entry, cutoff):
                os.unlink(entry.path)
                removed += 1
    return subfolders, removed


def _is_old(entry: os.DirEntry[str], cutoff: float | None) -> bool:
    return cutoff is None or entry.stat(follow_symlinks=False).st_mtime < cutoff


def remove_stale(out: Path, relpaths: list[str]) -> list[str]:
    """Delete files an earlier build wrote that no build produces any more.

    Only paths gaepod recorded as its own are touched, never anything else in
    `out`; folders left empty by the removal go too. A path with a link on the way
    (its folder at any depth, or the file itself) is left alone: removing through it
    would delete a file outside `out`, or one gaepod never wrote.
    """
    removed = []
    real_folders: set[Path] = set()
    for relpath in sorted(relpaths):
        target = output_path(out, relpath)
        with contextlib.suppress(FileNotFoundError):
            if not real_folder(target.parent, out, real_folders, make=False):
                continue
            if not stat.S_ISREG(os.lstat(target).st_mode):
                continue
            target.unlink()
            removed.append(relpath)
            folder = target.parent
            while folder != out and folder.is_relative_to(out):
                try:
                    folder.rmdir()  # only succeeds when empty (and never on a link)
                except OSError:
                    break
                real_folders.discard(folder)
                folder = folder.parent
    return removed
