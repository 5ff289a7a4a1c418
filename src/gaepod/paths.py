"""Resolving paths that come from YAML files, safely inside the show folder.

Containment is checked on resolved paths (symlinks followed) with
`is_relative_to`, never by string prefix (`/srv/show` is a prefix of
`/srv/show-private`).
"""

from __future__ import annotations

import functools
import os
import re
import unicodedata
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
