"""`gaepod tag`: give every episode's audio file the podcast tags it should carry.

For each episode with a local audio file: compute the wanted tags
(tag_wanted, pure), compare them with the file's present tags, and only when
they differ write them through tag_write (a verified copy swapped in with
os.replace). Files already right are never rewritten, so their bytes, mtime
and enclosure length stay as they are. Never prints; reports instead.

A small record in `<show>/.gaepod/tags.json` remembers which file (size,
mtime) got which tags, so `gaepod feed` can tell cheaply, without opening the
audio, whether an episode still needs `gaepod tag`.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import os
import pickle
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from ..errors import Diagnostic, Severity
from ..fsio import TEMP_PREFIX, atomic_write
from ..model import Episode, Podcast, Show
from ..paths import public_relpath
from ..show.probe import probe
from ..show.vocab import MEDIA_SUFFIXES
from ..speed import memo
from ..speed.parallel import map_items
from ..state import TAG_RECORD, state_dir
from .wanted import Cover, WantedTags, fingerprint, wanted_tags
from .write import replace_tagged

STATE_FORMAT = 2  # 2: tag keys hash field reprs (were a JSON dump): older records are dropped

Progress = Callable[[int, int, str], None]


@dataclass(frozen=True)
class TaggedFile:
    path: Path
    changes: tuple[str, ...]  # names of the frames/atoms written (or to write, in a dry run)


@dataclass
class TagReport:
    changed: list[TaggedFile] = field(default_factory=list)
    unchanged: int = 0
    skipped: int = 0  # episodes whose audio is on another host
    failures: list[Diagnostic] = field(default_factory=list)
    dry_run: bool = False


def tag_show(
    podcast: Podcast,
    *,
    id3v24: bool = False,
    dry_run: bool = False,
    progress: Progress | None = None,
    unchanged_since_last_run: Collection[Path] = (),
    meanwhile: Callable[[], None] | None = None,
) -> TagReport:
    """Tag every episode's local audio file; with `dry_run`, only report what would change.

    Call it holding the show's lock (build.tag_audio does): it also removes the
    half-made copies a killed run left beside the audio files. Episodes whose
    source file is in `unchanged_since_last_run` (the build knows: neither their
    YAML, their audio nor the show changed since it last tagged them) are
    taken as tagged when the record says so, without computing their tags.
    `meanwhile`: the caller's own work, done while other processes examine files,
    if they do (see parallel.map_items).
    """
    show = podcast.show
    local = tag_targets(podcast.episodes)
    with_files = {e.source for e in local}
    skipped = sum(1 for e in podcast.episodes if e.source not in with_files)
    report = TagReport(skipped=skipped, dry_run=dry_run)
    if not dry_run:
        for folder in sorted({e.audio.path.parent for e in local if e.audio.path}):
            _sweep_copies(folder)
    version = 4 if id3v24 else 3
    previous = _State.load(show.root)
    state = _State()  # rebuilt from this run: files gone or failing drop out
    todo: list[Episode] = []
    for episode in local:
        assert episode.audio.path is not None
        relpath = public_relpath(episode.audio.path, show.root)
        if episode.source in unchanged_since_last_run and previous.carry_over(relpath, state):
            report.unchanged += 1
        else:
            todo.append(episode)
    done = len(local) - len(todo)

    def finished(outcome: _Outcome) -> None:
        nonlocal done
        if outcome.failure is not None:
            report.failures.append(outcome.failure)
        elif outcome.changes:
            report.changed.append(TaggedFile(outcome.path, outcome.changes))
        else:
            report.unchanged += 1
        if outcome.record is not None and not dry_run:
            state.files[outcome.relpath] = outcome.record
        done += 1
        if progress is not None:
            progress(done, len(local), outcome.relpath)

    examine = functools.partial(
        _examine,
        show=show,
        previous=previous,
        version=version,
        dry_run=dry_run,
        show_inputs=_show_inputs(show, version),
    )
    # Files are independent: both cores examine (and rewrite) them. Workers write only
    # their own file's temp copy and swap it in; the record is kept here.
    map_items(
        memo.sharing(examine),
        todo,
        min_items=32,
        on_result=memo.absorbing(finished),
        meanwhile=meanwhile,
    )
    if not dry_run:
        state.save(show.root)
    return report


@dataclass(frozen=True)
class _Outcome:
    path: Path
    relpath: str
    changes: tuple[str, ...] = ()
    failure: Diagnostic | None = None
    record: dict[str, Any] | None = None  # what the tag record keeps for the file


def _examine(
    episode: Episode,
    *,
    show: Show,
    previous: _State,
    version: int,
    dry_run: bool,
    show_inputs: bytes,
) -> _Outcome:
    """Compare one file's tags with the wanted ones and write them when they differ.
    `show_inputs`: _show_inputs(show, version), worked out once for all episodes."""
    path = episode.audio.path
    assert path is not None
    relpath = public_relpath(path, show.root)
    try:
        inputs = _inputs_digest(episode, show_inputs)
        if previous.is_tagged_from(relpath, path, inputs):  # same inputs, file untouched since
            return _Outcome(path, relpath, record=previous.files[relpath])
        wanted = wanted_tags(episode, show)
        cover, cover_digest = _cover(wanted.cover)
        key = fingerprint(wanted, cover_digest)
        # A file this tagger wrote and nobody touched since is not even opened.
        is_current = previous.is_current(relpath, path, key, version)
        changes = [] if is_current else _tag_file(episode, wanted, cover, version, dry_run)
    except Exception as exc:  # mutagen raises many types on bad input: report, go on
        return _Outcome(path, relpath, failure=_failure(episode, exc))
    return _Outcome(path, relpath, tuple(changes), record=_State.entry(path, key, version, inputs))


def _tag_file(
    episode: Episode, wanted: WantedTags, cover: bytes | None, version: int, dry_run: bool
) -> list[str]:
    """Compare the file's tags with the wanted ones; write them when they differ (not in a
    dry run). Returns the names of the frames or atoms that differ."""
    from . import id3 as tag_id3
    from . import mp4 as tag_mp4  # mutagen's tag modules: only when a file is examined

    path = episode.audio.path
    assert path is not None
    if not _as_checked(episode):
        probe(path)  # AudioProbeError when the file stopped being readable audio since the check
    if episode.audio.format == "mp3":
        if tag_id3.holds_exactly(path, wanted, cover, version):
            return []
        slots = tag_id3.slots(wanted, cover)
        present = tag_id3.load(path)
        changes = tag_id3.changes(present, slots, version)
        if changes and not dry_run:
            tags = present if present is not None else tag_id3.new_tags()

            def write_id3(temp: Path) -> None:
                tag_id3.apply(tags, slots)
                tag_id3.save(tags, temp, version)

            def left_id3(temp: Path) -> list[str]:
                return tag_id3.changes(tag_id3.load(temp), slots, version)

            replace_tagged(path, "mp3", write_id3, left_id3)
        return changes
    atoms = tag_mp4.atoms(wanted, cover)
    audio = tag_mp4.load(path)
    changes = tag_mp4.changes(audio, atoms)
    if changes and not dry_run:

        def write_mp4(temp: Path) -> None:
            tag_mp4.apply(audio, atoms)
            audio.save(temp)

        def left_mp4(temp: Path) -> list[str]:
            return tag_mp4.changes(tag_mp4.load(temp), atoms)

        replace_tagged(path, "m4a", write_mp4, left_mp4)
    return changes


def _as_checked(episode: Episode) -> bool:
    """True when the audio file has the size and mtime it had when the check read it:
    then it is the audio the check found readable, and reading it again is not needed."""
    audio = episode.audio
    try:
        st = os.stat(audio.path) if audio.path is not None else None
    except OSError:
        return False
    return st is not None and (st.st_size, st.st_mtime_ns) == (audio.size, audio.mtime_ns)


def needs_tagging(episode: Episode, show: Show) -> bool:
    """True when the last `gaepod tag` did not leave this exact file with the tags it wants now."""
    return bool(untagged([episode], show))


def untagged(episodes: Iterable[Episode], show: Show) -> list[Episode]:
    """The episodes (local audio only) whose file is not known to carry its wanted tags.

    Cheap: reads the small record `gaepod tag` keeps, never the audio files.
    """
    state = _State.load(show.root)
    found = []
    for episode in tag_targets(episodes):
        facts = episode.audio
        assert facts.path is not None
        entry = state.files.get(public_relpath(facts.path, show.root))
        if (
            entry is None
            or entry.get("size") != facts.size
            or entry.get("mtime_ns") != facts.mtime_ns
        ):
            found.append(episode)
            continue
        wanted = wanted_tags(episode, show)
        if entry.get("tags") != fingerprint(wanted, _cover(wanted.cover)[1]):
            found.append(episode)
    return found


# Files gaepod tags: MP3 (ID3), and M4A and MP4/M4V video (the same iTunes atoms, which
# Apple's apps read from either). WebM is published untagged: podcast apps read no
# Matroska tags.
TAGGED_FORMATS = ("mp3", "m4a", "mp4")


def tag_targets(episodes: Iterable[Episode]) -> list[Episode]:
    """Each local file to tag, as an episode whose `audio` is that file: the enclosure,
    and the episode's other file when it has two (its video beside its audio)."""
    targets = []
    for episode in episodes:
        if episode.audio.path is not None and episode.audio.format in TAGGED_FORMATS:
            targets.append(episode)
        other = episode.other_media
        if other is not None and other.facts.path and other.facts.format in TAGGED_FORMATS:
            targets.append(replace(episode, audio=other.facts, other_media=None))
    return targets


def untagged_warnings(episodes: Iterable[Episode], show: Show) -> list[Diagnostic]:
    """One warning per episode whose audio `gaepod tag` has not tagged (for `gaepod feed`)."""
    problems = []
    for episode in untagged(episodes, show):
        line, column = episode.positions.get(_field(episode), (0, 0))
        name = episode.audio.path.name if episode.audio.path else ""
        problems.append(
            Diagnostic(
                episode.source,
                line,
                column,
                "W185",
                f"the audio file '{name}' is not tagged yet (or its tags are out of date)",
                "run `gaepod tag` so that players show the episode's title, art and chapters",
                Severity.WARNING,
            )
        )
    return problems


def _sweep_copies(folder: Path) -> None:
    # Only tagging copies (hidden temp name + an audio suffix) directly in the
    # folder: under the lock, any such file is a dead run's leftover.
    for path in folder.glob(TEMP_PREFIX + "*"):
        if path.suffix.lower() in MEDIA_SUFFIXES and path.is_file():
            with contextlib.suppress(OSError):
                path.unlink()


def _field(episode: Episode) -> str:
    """The episode file's field that names the file being tagged."""
    return "video" if episode.audio.is_video else "audio"


def _failure(episode: Episode, exc: Exception) -> Diagnostic:
    line, column = episode.positions.get(_field(episode), (0, 0))
    name = episode.audio.path.name if episode.audio.path else ""
    reason = str(exc).strip() or type(exc).__name__
    return Diagnostic(
        episode.source,
        line,
        column,
        "E186",
        f"cannot tag '{name}': {reason}",
        "the file was left exactly as it was; re-export it if it does not play",
        Severity.ERROR,
    )


def _cover(cover: Cover | None) -> tuple[bytes | None, str]:
    """The image to embed and its SHA-256 (None and "" when there is none)."""
    if cover is None:
        return None, ""
    stat = os.stat(cover.path)
    return _read_cover(cover.path, stat.st_size, stat.st_mtime_ns)


@functools.lru_cache(maxsize=8)
def _read_cover(path: Path, size: int, mtime_ns: int) -> tuple[bytes, str]:
    # Keyed by size and mtime: an edited image is read again, an unchanged one
    # once per process however many episodes share it.
    data = path.read_bytes()
    return data, hashlib.sha256(data).hexdigest()


def _show_inputs(show: Show, version: int) -> bytes:
    """The part of every episode's _inputs_digest that is the same for all of them."""
    return pickle.dumps((show, version, STATE_FORMAT), protocol=5)


def _inputs_digest(episode: Episode, show_inputs: bytes) -> str:
    """Everything the wanted tags are computed from (cheaper than computing them).

    Not what the audio file's tags change (its size, mtime and embedded art): with them
    a file just tagged never matched its record on the next run; the record's own stamp
    already says whether the file is the one this tagger left."""
    audio = replace(episode.audio, size=0, mtime_ns=0, art_bytes=0)
    steady = pickle.dumps(replace(episode, audio=audio), protocol=5)
    return hashlib.blake2b(show_inputs + steady, digest_size=16).hexdigest()


@dataclass
class _State:
    """What `gaepod tag` last left in each file: {relpath: {size, mtime_ns, ino, tags, id3}}."""

    files: dict[str, dict[str, Any]] = field(default_factory=dict)

    @classmethod
    def load(cls, root: Path) -> _State:
        try:
            data = json.loads((state_dir(root) / TAG_RECORD).read_bytes())
        except (OSError, ValueError):
            return cls()
        if not isinstance(data, dict) or data.get("format") != STATE_FORMAT:
            return cls()
        files = data.get("files")
        return cls(files if isinstance(files, dict) else {})

    @staticmethod
    def entry(path: Path, key: str, version: int, inputs: str = "") -> dict[str, Any]:
        """What the record keeps for a file just tagged (or found right)."""
        stat = os.stat(path)
        return {
            "size": stat.st_size,
            "mtime_ns": stat.st_mtime_ns,
            "ino": stat.st_ino,
            "tags": key,
            "id3": version,
            "inputs": inputs,
        }

    def is_tagged_from(self, relpath: str, path: Path, inputs: str) -> bool:
        """True when this tagger wrote the file from exactly these inputs, untouched since."""
        entry = self.files.get(relpath)
        if not isinstance(entry, dict) or not inputs or entry.get("inputs") != inputs:
            return False
        stat = os.stat(path)
        return (entry.get("size"), entry.get("mtime_ns"), entry.get("ino")) == (
            stat.st_size,
            stat.st_mtime_ns,
            stat.st_ino,
        )

    def carry_over(self, relpath: str, into: _State) -> bool:
        """Copy this file's record into `into`; False when there is none."""
        entry = self.files.get(relpath)
        if entry is None:
            return False
        into.files[relpath] = entry
        return True

    def is_current(self, relpath: str, path: Path, key: str, version: int) -> bool:
        entry = self.files.get(relpath)
        if not isinstance(entry, dict):
            return False
        stat = os.stat(path)
        return {k: v for k, v in entry.items() if k != "inputs"} == {
            "size": stat.st_size,
            "mtime_ns": stat.st_mtime_ns,
            "ino": stat.st_ino,
            "tags": key,
            "id3": version,
        }

    def save(self, root: Path) -> None:
        data = {"format": STATE_FORMAT, "files": dict(sorted(self.files.items()))}
        with contextlib.suppress(OSError):  # losing the record only costs a warning later
            atomic_write(
                # compact: json's C encoder only serves calls without `indent`
                state_dir(root) / TAG_RECORD,
                json.dumps(data, separators=(",", ":")).encode(),
                durable=False,
            )
