"""Safe tag writing: tag a copy, verify it, then swap it in with one os.replace.

mutagen's save() edits a file in place and shifts the audio to make room for
a bigger tag, so a crash mid-save could leave a damaged episode. Here the
original is never opened for writing: a copy in the same folder (named with
fsio.TEMP_PREFIX, so a killed run's leftovers get swept) is tagged, re-read,
compared with the original's audio payload, fsynced, and only then renamed
over the original. Any failure leaves the original exactly as it was.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

from ..durable import fsync_dir
from ..fsio import TEMP_PREFIX
from ..show.probe import payload_digest


class TagWriteError(Exception):
    """The tagged copy was not right; the original file was left untouched."""


def replace_tagged(
    path: Path,
    fmt: str,
    write_tags: Callable[[Path], None],
    remaining_changes: Callable[[Path], list[str]],
) -> None:
    """Tag a copy of `path` with `write_tags`, check it, and atomically replace `path`.

    `remaining_changes` re-reads the copy and must find nothing left to change.
    """
    before = os.stat(path)
    original_payload = payload_digest(path, fmt)
    fd, temp_name = tempfile.mkstemp(prefix=TEMP_PREFIX, suffix=path.suffix, dir=path.parent)
    temp = Path(temp_name)
    try:
        with os.fdopen(fd, "wb") as handle, path.open("rb") as source:
            shutil.copyfileobj(source, handle, 1024 * 1024)
        write_tags(temp)
        left = remaining_changes(temp)
        if left:
            raise TagWriteError(f"the tagged copy reads back different ({', '.join(left)})")
        if payload_digest(temp, fmt) != original_payload:
            raise TagWriteError("tagging would have changed the audio itself")
        with temp.open("rb+") as handle:
            os.fsync(handle.fileno())
        os.chmod(temp, before.st_mode & 0o7777)
        now = os.stat(path)
        if (now.st_size, now.st_mtime_ns, now.st_ino) != (
            before.st_size,
            before.st_mtime_ns,
            before.st_ino,
        ):
            raise TagWriteError("the file changed while it was being tagged")
        os.replace(temp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            temp.unlink()
        raise
    fsync_dir(path.parent)
