"""Where a deploy puts the files: the one interface every kind of target has, and the
local (or mounted) folder.

A target uploads a batch of files and calls `done` for each one once it is safely
in place there (never before), deletes files the same way, and raises OutputError
naming the file when it cannot: the caller then stops, with the feed (uploaded
last) left as it was. S3 (s3.py) and rsync (rsync.py) are imported only when used.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Protocol

from ..cleanup import remove_stale, sweep_temp_files
from ..errors import OutputError, UsageError
from ..fsio import StagedWrites, output_name, output_path
from ..model import DeployTarget
from .files import LocalFile

Done = Callable[[LocalFile], None]
Deleted = Callable[[str], None]
Moving = Callable[[str], None]  # a file on its way, not confirmed yet (progress only)


class Target(Protocol):
    def upload(
        self, files: Sequence[LocalFile], done: Done, moving: Moving | None = None
    ) -> None: ...

    def delete(self, relpaths: Sequence[str], done: Deleted) -> None: ...

    def close(self) -> None: ...


def open_target(target: DeployTarget, out: Path, show: Path) -> Target:
    """A connection to `target` (nothing is contacted for a folder until the first file)."""
    if target.kind == "folder":
        return FolderTarget(_folder(target, out, show))
    if target.kind == "s3":
        from .s3 import S3Target

        return S3Target(target)
    if target.kind == "rsync":
        from .rsync import RsyncTarget

        is_local = target.location.startswith("/")  # parse_target made local paths absolute
        local = _folder(target, out, show) if is_local else None
        return RsyncTarget(target.location, out, local)
    raise UsageError(f"unknown kind of deploy target: {target.describe()}")


def _folder(target: DeployTarget, out: Path, show: Path) -> Path:
    """The folder (or a local rsync destination), refused when it overlaps the output
    folder or the show folder."""
    folder = Path(target.location)
    resolved = folder.resolve()
    for other, what in ((out.resolve(), "output folder"), (show.resolve(), "show folder")):
        if resolved == other or resolved.is_relative_to(other) or other.is_relative_to(resolved):
            raise OutputError(
                f"the deploy folder {folder} overlaps the {what} {other}; "
                "deploy to a folder of its own (e.g. /var/www/podcast)"
            )
    if resolved.exists() and not resolved.is_dir():
        raise UsageError(f"the deploy folder {folder} exists and is not a folder")
    return resolved


def local_root(target: DeployTarget) -> Path | None:
    """The target's folder when it is on this machine (a folder, a local rsync path)."""
    if target.kind == "folder" or (target.kind == "rsync" and target.location.startswith("/")):
        return Path(target.location)
    return None


def missing_on(root: Path, files: Sequence[LocalFile]) -> list[LocalFile]:
    """Of `files`, those a local target does not hold at their size (deleted or changed
    there by hand since): one stat each, so that they go up again."""
    missing = []
    folder = str(root)
    for file in files:
        try:
            st = os.lstat(output_name(folder, file.relpath))
        except OSError:
            missing.append(file)
            continue
        if not stat.S_ISREG(st.st_mode) or st.st_size != file.size:
            missing.append(file)
    return missing


BATCH = 64  # files made durable together: two syncs for them instead of two each


class FolderTarget:
    """A folder on this machine (a web root, a mounted share): every file is replaced
    atomically (a temp file beside it, renamed), links inside it are never followed,
    and a file already holding the right bytes is not touched."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._swept = False

    def _ready(self) -> None:
        if self._swept:
            return
        try:
            self.root.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise OutputError(f"cannot make the deploy folder {self.root}: {exc.strerror}") from exc
        sweep_temp_files(self.root)  # what a killed deploy left: under the show's lock
        self._swept = True

    def upload(self, files: Sequence[LocalFile], done: Done, moving: Moving | None = None) -> None:
        self._ready()
        for start in range(0, len(files), BATCH):
            batch = files[start : start + BATCH]
            try:
                with StagedWrites(inside=self.root) as staged:
                    for file in batch:
                        staged.stage_copy(file.path, output_path(self.root, file.relpath))
                    staged.commit()
            except OSError as exc:
                where = exc.filename or self.root
                raise OutputError(f"cannot write {where}: {exc.strerror or exc}") from exc
            for file in batch:
                done(file)

    def delete(self, relpaths: Sequence[str], done: Deleted) -> None:
        self._ready()
        for relpath in relpaths:
            try:
                remove_stale(self.root, [relpath])  # only a regular file, never a link
            except OSError as exc:
                raise OutputError(
                    f"cannot delete {self.root / relpath}: {exc.strerror or exc}"
                ) from exc
            done(relpath)

    def close(self) -> None:
        pass
