"""Resolving paths that come from YAML files, safely inside the show folder.

Containment is checked on resolved paths (symlinks followed) with
`is_relative_to`, never by string prefix (`/srv/show` is a prefix of
`/srv/show-private`).
"""

from __future__ import annotations

import difflib
import functools
import os
import posixpath
import re
import unicodedata
from collections.abc import Collection, Iterable
from pathlib import Path, PurePosixPath
from urllib.parse import quote

SLUG = re.compile(r"[a-z0-9][a-z0-9-]*")


class PathError(Exception):
    """A path from the show's YAML that gaepod refuses to use; the message says why."""


def resolve_inside(base_dir: Path, written: str, root: Path) -> Path:
    """Resolve `written` (relative to `base_dir`) and require it to stay inside `root`."""
    if "\x00" in written:
        raise PathError("the path contains a NUL byte")
    if "\\" in written:
        raise PathError("use '/' to separate folders, not '\\'")
    pure = PurePosixPath(written)
    if pure.is_absolute():
        raise PathError("the path must be relative to the YAML file, not absolute")
    resolved = _resolved_file(base_dir / pure)
    if not resolved.is_relative_to(resolved_folder(root)):
        raise PathError("the path leads outside the show folder")
    return resolved


def _resolved_file(path: Path) -> Path:
    """`path.resolve()`, its folder's part remembered: a build resolves a thousand files
    in one audio folder, and resolving each walked every folder above it (an lstat each).
    Only the file itself is looked at when it is not a symbolic link."""
    if ".." in path.parts or not path.is_absolute() or os.path.islink(path):
        return path.resolve()
    return resolved_folder(path.parent) / path.name


def similar_file(
    written: str, base_dir: Path, folders: Iterable[str], suffixes: Collection[str]
) -> str | None:
    """The existing file nearest to `written` (a path that names none), as it would be
    written relative to `base_dir`, for a "did you mean" hint; None if none is close.

    Looks in `folders` (relative to `base_dir`) only: one listdir each, on the error
    path alone. Names are compared without folder and suffix, which every candidate
    shares and which would make any two names look alike. A name carrying other
    numbers is another episode's file, not a typo: `audio/04.mp3` may mean
    `audio/004.mp3`, `audio/010.mp3` never means `audio/001.mp3`.
    """
    wanted_stem, wanted_suffix = posixpath.splitext(posixpath.basename(written))
    numbers = _numbers(wanted_stem)
    matcher = difflib.SequenceMatcher(b=wanted_stem)
    scored: list[tuple[float, bool, str]] = []
    for folder in dict.fromkeys(posixpath.normpath(f) for f in folders):
        try:
            names = os.listdir(base_dir / folder)
        except OSError:
            continue
        for name in names:
            stem, suffix = posixpath.splitext(name)
            if suffix.lower() not in suffixes or name.startswith("."):
                continue
            if numbers and _numbers(stem) and _numbers(stem) != numbers:
                continue
            matcher.set_seq1(stem)
            score = matcher.ratio()
            if score >= 0.6:
                path = name if folder == "." else f"{folder}/{name}"
                scored.append((-score, suffix != wanted_suffix, path))
    return min(scored)[2] if scored else None


def _numbers(name: str) -> tuple[int, ...]:
    return tuple(int(digits) for digits in re.findall(r"[0-9]+", name))


def public_relpath(path: Path, root: Path) -> str:
    """The file's path inside the show folder, with '/' separators.

    Paths from resolve_inside are already resolved: for them this is a string
    operation, not one lstat per folder (it runs for every episode in a build).
    """
    resolved_root = resolved_folder(root)
    text, prefix = str(path), str(resolved_root).rstrip("/") + "/"
    if text.startswith(prefix) and ".." not in path.parts:  # pathlib already dropped "."
        return text[len(prefix) :]
    return path.resolve().relative_to(resolved_root).as_posix()


def resolved_folder(folder: Path) -> Path:
    """`folder.resolve()`, remembered for absolute paths: a run asks for the show
    folder's thousands of times. Long-running callers (serve --watch) call
    forget_resolved_folders before each build."""
    return _resolved_absolute(folder) if folder.is_absolute() else folder.resolve()


@functools.lru_cache(maxsize=256)
def _resolved_absolute(folder: Path) -> Path:
    return folder.resolve()


def forget_resolved_folders() -> None:
    """Folders may have been moved or re-linked since: resolve them again."""
    _resolved_absolute.cache_clear()


def url_join(base: str, relpath: str) -> str:
    """Append a relative file path to a base URL ending in '/', percent-encoding it."""
    return base + quote(relpath, safe="/")


# Letters that Unicode does not decompose into an ASCII base letter.
_TRANSLITERATE = str.maketrans(
    {
        "ø": "o",
        "Ø": "O",
        "æ": "ae",
        "Æ": "AE",
        "œ": "oe",
        "Œ": "OE",
        "ß": "ss",
        "ł": "l",
        "Ł": "L",
        "đ": "d",
        "Đ": "D",
        "ð": "d",
        "Ð": "D",
        "þ": "th",
        "Þ": "TH",
        "ı": "i",
    }
)


def slugify(text: str) -> str:
    """ASCII slug: 'Zoë Dubois: Ports & Power?' -> 'zoe-dubois-ports-power'."""
    text = text.translate(_TRANSLITERATE)
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return slug[:80].rstrip("-")
