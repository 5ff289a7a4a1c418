"""An rsync destination as a deploy target: `host:/var/www/podcast/` over ssh (its own
keys and ~/.ssh/config), an rsync daemon (`rsync://host/module/`), or a local path.

Debian's `rsync` runs once a phase with the exact list of files to send
(`--files-from`), so nothing but what gaepod published and changed is sent, and
rsync's own temp-file-and-rename keeps each file whole on the other side. A
phase is confirmed when rsync exits 0; a phase cut off is sent again by the next
deploy, and rsync then skips the files that already arrived (same content).
Deletions name each file (`--delete-missing-args` from an empty folder): nothing
else on the destination can be removed.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import tempfile
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import IO

from ..errors import OutputError, UsageError
from .files import LocalFile
from .targets import Deleted, Done, Moving

TIMEOUT = 120  # seconds without any I/O before rsync gives up (a dead connection)
_COMMON = ["--from0", "--files-from=-", f"--timeout={TIMEOUT}", "--omit-dir-times"]


class RsyncTarget:
    def __init__(self, destination: str, out: Path, local: Path | None) -> None:
        """`local`: the destination's folder when it is on this machine (made if missing)."""
        program = shutil.which("rsync")
        if program is None:
            raise UsageError(
                f"deploying to {destination} needs rsync: install it (apt-get install rsync)"
            )
        self.program = program
        self.destination = destination
        self.out = out
        self.local = local

    def _run(
        self,
        args: list[str],
        names: Sequence[str],
        source: str,
        what: str,
        moving: Callable[[str], None] | None = None,
    ) -> None:
        """Run rsync on `names` (given on its stdin); `moving` hears each name rsync
        says it is sending (the bar moves; a file is confirmed only by exit 0)."""
        env = dict(os.environ)
        env.setdefault("RSYNC_RSH", "ssh -o ConnectTimeout=20")
        listing = b"\0".join(name.encode() for name in names) + b"\0"
        command = [self.program, *args, "--out-format=%n", *_COMMON]
        with tempfile.TemporaryFile() as errors:
            try:
                process = subprocess.Popen(
                    [*command, "--", source, self.destination],
                    stdin=subprocess.PIPE,
                    stdout=subprocess.PIPE,
                    stderr=errors,
                    env=env,
                )
            except OSError as exc:
                raise OutputError(f"cannot run rsync: {exc.strerror or exc}") from exc
            try:
                feeder = threading.Thread(target=_feed, args=(process.stdin, listing))
                feeder.start()
                assert process.stdout is not None
                for line in process.stdout:
                    name = line.decode(errors="replace").rstrip("\n")
                    if moving is not None and name and not name.endswith("/"):
                        moving(name)
                code = process.wait()
                feeder.join()
            finally:
                if process.poll() is None:  # Ctrl-C, or an error here: rsync stops too
                    process.kill()
                    process.wait()
            errors.seek(0)
            said_lines = errors.read().decode(errors="replace").strip().splitlines()
        if code != 0:
            said = "; ".join(said_lines[-3:]) or f"exit code {code}"
            raise OutputError(f"rsync could not {what} to {self.destination}: {said}")

    def _ready(self) -> None:
        if self.local is not None:
            try:
                self.local.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise OutputError(f"cannot make {self.local}: {exc.strerror}") from exc

    def upload(self, files: Sequence[LocalFile], done: Done, moving: Moving | None = None) -> None:
        self._ready()
        names = [file.relpath for file in files]
        # --checksum: a listed file whose size did not change is compared by content, not
        # by its time (whole seconds to rsync: a re-tag within the second would be
        # missed), so a file sent by a deploy that was cut off is skipped next time.
        # --no-implied-dirs: folders already there keep their own permissions; new ones
        # are made as needed.
        args = ["--checksum", "--times", "--perms", "--chmod=D755,F644", "--no-implied-dirs"]
        self._run(args, names, f"{self.out}/", f"send {len(names)} files", moving)
        for file in files:
            done(file)

    def delete(self, relpaths: Sequence[str], done: Deleted) -> None:
        self._ready()
        self._delete(relpaths, "delete files")
        for relpath in relpaths:
            done(relpath)
        # Folders the build no longer has, deepest first: rsync removes each only when
        # nothing is left in it (a file someone put there keeps it, and is no error).
        folders = _emptied_folders(relpaths, self.out)
        for depth in sorted({f.count("/") for f in folders}, reverse=True):
            with contextlib.suppress(OutputError):
                self._delete([f for f in folders if f.count("/") == depth], "remove folders")

    def _delete(self, names: Sequence[str], what: str) -> None:
        """rsync deletes each name that is missing from the source: an empty folder that
        has only the names' parent folders (rsync wants a name's parent in the source)."""
        with tempfile.TemporaryDirectory(prefix="gaepod-deleting-") as empty:
            for name in names:
                parent = name.rpartition("/")[0]
                if parent:
                    Path(empty, parent).mkdir(parents=True, exist_ok=True)
            self._run(["--delete-missing-args"], names, f"{empty}/", what)

    def close(self) -> None:
        pass


def _feed(pipe: IO[bytes] | None, data: bytes) -> None:
    """Write the list of names to rsync's stdin (a thread: a long list fills the pipe
    while rsync is already talking on stdout)."""
    if pipe is None:
        return
    with contextlib.suppress(BrokenPipeError, OSError):  # rsync died: its exit code says why
        pipe.write(data)
    with contextlib.suppress(BrokenPipeError, OSError):
        pipe.close()


def _emptied_folders(relpaths: Sequence[str], out: Path) -> list[str]:
    folders: set[str] = set()
    for relpath in relpaths:
        parts = relpath.split("/")[:-1]
        for depth in range(len(parts), 0, -1):
            folder = "/".join(parts[:depth])
            if (out / folder).exists():
                break
            folders.add(folder)
    return sorted(folders, key=lambda f: (-f.count("/"), f))
