"""The only module that writes published files: atomic writes and safe output folders.

An output file is replaced whole or not at all (temp file in the same folder,
fsync, os.replace), keeps a web-server-readable mode, and is not touched at
all when its bytes are already right (so mtimes, ETags and caches survive).
An output folder that does not exist yet is filled beside it and appears
whole, in one rename. A link found inside the output folder is never written
or deleted through: a build refuses it (no file outside the output folder is
ever created, replaced or removed by one).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import stat
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import BinaryIO

from . import durable
from .errors import OutputError

TEMP_PREFIX = ".gaepod-tmp-"
FEW_FILES = 8  # up to this many staged files are flushed one by one
DEFAULT_MODE = 0o644
_NO_FOLLOW = getattr(os, "O_NOFOLLOW", 0)
_CLOSE_ON_EXEC = getattr(os, "O_CLOEXEC", 0)


def safe_output_dir(out: Path, show_root: Path) -> Path:
    """Refuse an output folder that overlaps the show folder (it could wipe sources)."""
    out_resolved = out.resolve()
    show_resolved = show_root.resolve()
    if (
        out_resolved == show_resolved
        or out_resolved.is_relative_to(show_resolved)
        or show_resolved.is_relative_to(out_resolved)
    ):
        raise OutputError(
            f"the output folder {out} overlaps the show folder {show_root}; "
            "choose a separate --out folder (e.g. public/)"
        )
    if out_resolved.exists() and not out_resolved.is_dir():
        raise OutputError(f"the output path {out} exists and is not a folder")
    return out_resolved


def output_path(out: Path, relpath: str) -> Path:
    """Join a generated relative path to the output folder, refusing escapes."""
    return Path(output_name(str(out), relpath))


def output_name(out: str, relpath: str) -> str:
    """output_path as a plain string: a build looks at thousands of outputs it will not
    write, and a Path for each cost more than the stat."""
    if not relpath or relpath.startswith("/") or "\x00" in relpath or "\\" in relpath:
        raise OutputError(f"refusing to write unsafe output path {relpath!r}")
    parts = relpath.split("/")
    if any(part in ("", ".", "..") for part in parts):
        raise OutputError(f"refusing to write unsafe output path {relpath!r}")
    return os.path.join(out, relpath)


def atomic_write(target: Path, data: bytes, *, durable: bool = True) -> bool:
    """Write `data` to `target` atomically; return False (no write) when already equal.

    `durable=False` skips flushing to disk, for files that only save time (caches):
    after a power cut such a file may be empty or old, never a mix, and gaepod
    treats an unreadable or outdated cache as no cache.
    """
    with StagedWrites(durable=durable) as staged:
        changed = staged.stage_bytes(target, data)
        staged.commit()
    return changed


def atomic_write_stream(
    target: Path, write: Callable[[BinaryIO], None], *, durable: bool = True
) -> bool:
    """atomic_write for content made piece by piece (see StagedWrites.stage_stream)."""
    with StagedWrites(durable=durable) as staged:
        changed = staged.stage_stream(target, write)
        staged.commit()
    return changed


def atomic_copy(source: Path, target: Path) -> bool:
    """Copy a file atomically unless the target already has the same bytes."""
    with StagedWrites() as staged:
        changed = staged.stage_copy(source, target)
        staged.commit()
    return changed


# A temp file (already given its target's mode), its target, and the temp file's stat
# once written: mtime, size and inode stay the same when it is renamed into place.
Pending = tuple[str, Path, os.stat_result]


class StagedWrites:
    """Many atomic replacements made durable with two syncs instead of one per file.

    Every new content goes to a temp file beside its target; `commit` flushes
    them all to disk at once, then renames them into place in the order they
    were staged (so the feed, staged last, appears last), then flushes the
    renames. Until `commit`, no published file has changed; an exception or a
    kill leaves only temp files, which `abort` or the next sweep removes.

    `in_new_folder`: every target is inside a folder made for this run (see
    new_folder), which is published whole afterwards: files are written under
    their own names, nothing is compared or renamed, and `commit` only flushes.

    `inside`: the output folder the targets are in. A link met on the way from it
    to a target (a folder at any depth, or the target itself) raises OutputError
    before anything is read or written through it: each folder is looked at once
    (one lstat, which replaces the mkdir an unchecked write makes), the target with
    the lstat that also gives its mode.
    """

    def __init__(
        self, *, durable: bool = True, in_new_folder: bool = False, inside: Path | None = None
    ) -> None:
        self.pending: list[Pending] = []
        self.durable = durable
        self.in_new_folder = in_new_folder
        self.inside = inside
        self._folders: set[Path] = set()  # made or checked already

    def __enter__(self) -> StagedWrites:
        return self

    def __exit__(self, kind: object, error: object, trace: object) -> None:
        if kind is not None:
            self.abort()

    def stage_bytes(self, target: Path, data: bytes) -> bool:
        """Stage `data` for `target`; False (nothing staged) when it already holds it."""
        current = self._current(target)
        if current is not None and current.st_size == len(data) and _holds(target, data):
            return False
        self._stage(target, current, lambda handle: handle.write(data))
        return True

    def stage_copy(self, source: Path, target: Path) -> bool:
        """Stage a copy of `source` for `target`; False when it already holds those bytes."""
        current = self._current(target)
        if (
            current is not None
            and current.st_size == os.stat(source).st_size
            and _same_file_bytes(source, target)
        ):
            return False

        def copy(handle: BinaryIO) -> None:
            with source.open("rb") as src:
                shutil.copyfileobj(src, handle, 1024 * 1024)

        self._stage(target, current, copy)
        return True

    def stage_stream(self, target: Path, write: Callable[[BinaryIO], None]) -> bool:
        """Stage what `write` writes for `target` (never all in memory at once); False, and
        nothing staged, when that is what `target` already holds."""
        current = self._current(target)
        self._stage(target, current, write)
        temp_name, _target, written = self.pending[-1]
        try:
            same = (
                current is not None
                and written.st_size == current.st_size
                and _same_file_bytes(Path(temp_name), target)
            )
        except BaseException:
            self._drop_last()
            raise
        if same:
            self._drop_last()
            return False
        return True

    def _stage(
        self, target: Path, current: os.stat_result | None, write: Callable[[BinaryIO], object]
    ) -> None:
        """Stage a new temp file beside `target` holding what `write` wrote, with the mode
        `target` has (`current`: its stat, None when it does not exist yet); on any error
        the temp file is gone. The mode is set here, on the open file, where the file is
        written (a worker, for a big build), not in the commit, which renames thousands
        of files one after another. One stat of the target serves both the comparison
        and the mode: a cold build stages thousands of new files."""
        try:
            fd, temp_name = self._temp_for(target)
        except OSError as exc:
            _name_target(exc, target)
            raise
        try:
            with os.fdopen(fd, "wb") as handle:
                os.fchmod(fd, current.st_mode & 0o777 if current is not None else DEFAULT_MODE)
                write(handle)
                handle.flush()
                written = os.fstat(fd)
        except BaseException as exc:
            with contextlib.suppress(OSError):
                os.unlink(temp_name)
            if isinstance(exc, OSError):
                _name_target(exc, target)
            raise
        self.pending.append((temp_name, target, written))

    def _current(self, target: Path) -> os.stat_result | None:
        """The target's stat; None when it does not exist (in a new folder, none does).

        Inside the output folder, a link on the way to it is refused (OutputError);
        elsewhere (the show's own files) a link is followed, as it always was."""
        if self.in_new_folder:
            return None
        if self.inside is not None:
            real_folder(target.parent, self.inside, self._folders, make=True)
        try:
            current = os.lstat(target)
        except OSError:
            return None
        if not stat.S_ISLNK(current.st_mode):
            return current
        if self.inside is not None:
            raise link_refused(target, "file")
        return _stat(target)

    def _drop_last(self) -> None:
        """Drop the file staged last (its temp file too)."""
        temp_name, _target, _written = self.pending.pop()
        with contextlib.suppress(OSError):
            os.unlink(temp_name)

    def adopt(self, pending: Pending) -> None:
        """Take over a temp file staged elsewhere (by a worker process)."""
        self.pending.append(pending)

    def commit(self, meanwhile: Callable[[], None] | None = None) -> None:
        """Make every staged byte durable, then rename the files into place, in order.

        `meanwhile` runs while the bytes go to disk (~45 ms for a first build of 1,000
        episodes, time the CPU would otherwise sit idle): work that needs no file
        renamed yet. When it raises, nothing is renamed.
        """
        if not self.pending:
            if meanwhile is not None:
                meanwhile()
            return
        few = len(self.pending) <= FEW_FILES and not self.in_new_folder
        if self.durable and few:  # fsync each file: cheaper than flushing the system for one
            for temp_name, target, _written in self.pending:
                try:
                    durable.fsync_path(temp_name)
                except OSError as exc:  # a full disk can show only now (NFS, quotas)
                    _name_target(exc, target)
                    raise
        if self.durable and not few:
            durable.while_syncing(self._written_folders(), meanwhile)
        elif meanwhile is not None:
            meanwhile()
        if self.in_new_folder:  # in place already: the folder is renamed (new_folder)
            self.pending = []
            return
        folders = set()
        for done, (temp_name, target, _written) in enumerate(self.pending):
            try:
                os.replace(temp_name, target)
            except OSError as exc:
                _name_target(exc, target)
                if not done:
                    raise
                raise OutputError(  # say so: the caller cannot tell
                    f"cannot write {target}: {exc.strerror or exc}; {done} of the "
                    f"{len(self.pending)} new files were already in place, the others "
                    "(the feed among them) kept their old version: build again once it is fixed"
                ) from exc
            folders.add(target.parent)
        self.pending = []
        if not self.durable:
            pass
        elif few:
            for folder in folders:
                durable.fsync_dir(folder)
        else:
            durable.sync_file_systems(folders)

    def _written_folders(self) -> set[Path]:
        return {Path(temp_name).parent for temp_name, _target, _written in self.pending}

    def abort(self) -> None:
        for temp_name, _target, _written in self.pending:
            with contextlib.suppress(OSError):
                os.unlink(temp_name)
        self.pending = []

    def _temp_for(self, target: Path) -> tuple[int, str]:
        """A new file to write (O_EXCL: never an existing file, nor a link's target)."""
        folder = target.parent
        if folder not in self._folders:  # `inside`: made and checked by _current already
            folder.mkdir(parents=True, exist_ok=True)
            self._folders.add(folder)
        if self.in_new_folder:
            flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NO_FOLLOW | _CLOSE_ON_EXEC
            return os.open(target, flags, 0o600), str(target)
        return tempfile.mkstemp(prefix=TEMP_PREFIX, dir=folder)


@contextlib.contextmanager
def new_folder(target: Path) -> Iterator[Path | None]:
    """When `target` does not exist yet: a folder beside it to write everything in, then
    renamed to `target` in one step once the block succeeds (a first publish appears
    whole, and its files need no rename each), or removed when it fails. None when
    `target` exists (or is a link): write into it file by file.

    Its name starts with TEMP_PREFIX and `target`'s name: sweep_temp_files(target)
    removes one a killed run left.
    """
    if os.path.lexists(target):
        yield None
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    folder = Path(tempfile.mkdtemp(prefix=f"{TEMP_PREFIX}{target.name}-", dir=target.parent))
    try:
        yield folder
        folder.chmod(0o755)  # mkdtemp makes it private; a web server must read it
        os.rename(folder, target)  # an empty folder made meanwhile is replaced too
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    durable.fsync_dir(target.parent)


def link_refused(path: Path, kind: str) -> OutputError:
    """The error for a link found where gaepod writes a `kind` ("file", "folder")."""
    try:
        points_to = f" (it points to {os.readlink(path)})"
    except OSError:
        points_to = ""
    return OutputError(
        f"refusing to write through the link {path}{points_to}: gaepod writes only real "
        f"files and folders in the output folder; remove the link (rm {path}) and build "
        f"again to get a real {kind} there; nothing was published"
    )


def real_folder(folder: Path, root: Path, known: set[Path], *, make: bool) -> bool:
    """Whether `folder` and every folder between `root` and it is a real folder, not a
    link (`root` itself is the caller's: the resolved output folder). `known`: folders
    checked already, which are not looked at again. `make`: create the missing ones;
    then a link or a file on the way raises OutputError instead of answering False."""
    if folder in known or folder == root:
        return True
    parent = folder.parent
    if parent == folder:
        raise OutputError(f"refusing to write outside the output folder {root}")
    if not real_folder(parent, root, known, make=make):
        return False
    try:
        mode = os.lstat(folder).st_mode
    except FileNotFoundError:
        if not make:
            return False
        with contextlib.suppress(FileExistsError):  # made meanwhile by a worker beside us
            os.mkdir(folder)
        mode = os.lstat(folder).st_mode
    if stat.S_ISDIR(mode):
        known.add(folder)
        return True
    if not make:
        return False
    if stat.S_ISLNK(mode):
        raise link_refused(folder, "folder")
    raise OutputError(f"{folder} is in the way: gaepod writes a folder there; move it away")


def _name_target(exc: OSError, target: Path) -> None:
    """Make the error name the published file, not the temp file standing in for it
    (or nothing at all: a full disk's write() names no file)."""
    if exc.filename is None or os.path.basename(str(exc.filename)).startswith(TEMP_PREFIX):
        exc.filename = str(target)
        exc.filename2 = None


def _stat(target: Path) -> os.stat_result | None:
    try:
        return os.stat(target)
    except OSError:
        return None


def _holds(target: Path, data: bytes) -> bool:
    try:
        return target.read_bytes() == data
    except OSError:
        return False


def _same_file_bytes(a: Path, b: Path) -> bool:
    with a.open("rb") as fa, b.open("rb") as fb:
        while True:
            chunk_a, chunk_b = fa.read(1024 * 1024), fb.read(1024 * 1024)
            if chunk_a != chunk_b:
                return False
            if not chunk_a:
                return True
