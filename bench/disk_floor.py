#!/usr/bin/env python3
"""What the disk alone costs for a build's output: the same folders and files made
again with plain system calls, nothing rendered.

A cold build creates every folder and file of the site (1,898 folders and
2,310 files at N = 1,000). On some disks that costs more than rendering them:
on the virtual machine these benchmarks ran on (ext4 without a journal),
creating one folder or file took from 0.02 ms to 0.9 ms, the more the more
files had been deleted in the minutes before (the file system skips recently
freed inodes, one by one). This script repeats
exactly that work the way gaepod's writer does it for a first build (a new
folder beside the output folder, the folders and files written in full
under their own names, one syncfs, the folder renamed, its parent flushed),
so that the table can show how much of "build cold" is the disk.

usage: python bench/disk_floor.py PUBLIC SCRATCH
Prints the seconds taken to make SCRATCH (which must not exist) like PUBLIC.
"""

from __future__ import annotations

import ctypes
import os
import sys
import time
from pathlib import Path


def layout(public: Path) -> tuple[list[str], list[tuple[str, int]]]:
    """The folders (parents first) and the files with their sizes, relative to `public`."""
    folders: list[str] = []
    files: list[tuple[str, int]] = []
    for folder, _subfolders, names in os.walk(public):
        relative = os.path.relpath(folder, public)
        if relative != ".":
            folders.append(relative)
        for name in names:
            size = os.path.getsize(os.path.join(folder, name))
            files.append((os.path.join(relative, name), size))
    return sorted(folders, key=lambda f: f.count(os.sep)), files


def syncfs(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        if ctypes.CDLL(None, use_errno=True).syncfs(fd) != 0:
            raise OSError(ctypes.get_errno(), "syncfs failed", str(folder))
    finally:
        os.close(fd)


def make_like(scratch: Path, folders: list[str], files: list[tuple[str, int]]) -> float:
    largest = max((size for _path, size in files), default=0)
    payload = memoryview(b"\x20" * largest)
    start = time.perf_counter()
    new = scratch.with_name(f".floor-{scratch.name}")
    os.mkdir(new)
    for folder in folders:
        os.mkdir(new / folder)
    for relpath, size in files:
        fd = os.open(new / relpath, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
        try:
            written = 0
            while written < size:
                written += os.write(fd, payload[written:size])
        finally:
            os.close(fd)
    syncfs(new)  # as gaepod's writer flushes: the output's file system only
    os.rename(new, scratch)
    parent = os.open(scratch.parent, os.O_RDONLY)
    try:
        os.fsync(parent)
    finally:
        os.close(parent)
    return time.perf_counter() - start


def main() -> None:
    public, scratch = Path(sys.argv[1]), Path(sys.argv[2])
    folders, files = layout(public)
    seconds = make_like(scratch, folders, files)
    print(f"{seconds:.4f} {len(folders)} {len(files)}")


if __name__ == "__main__":
    main()
