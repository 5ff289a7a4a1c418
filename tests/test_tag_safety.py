"""A tagging run that fails or is killed leaves every audio file old or new, never half-made."""

from __future__ import annotations

import errno
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import mutagen.id3._file
import pytest

from conftest import episode_yaml, mp3_bytes, tag_audio
from gaepod.audio import id3 as tag_id3
from gaepod.audio.tag import tag_show
from gaepod.show.check import check_show

GAEPOD = Path(sys.executable).with_name("gaepod")


def audio_bytes(root: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted((root / "audio").glob("[0-9]*.mp3"))}


def leftovers(root: Path) -> list[str]:
    return sorted(p.name for p in (root / "audio").iterdir() if p.name.startswith("."))


@pytest.fixture
def shows(make_show) -> tuple[Path, dict[str, bytes], dict[str, bytes]]:
    """A show of 12 episodes, its audio before tagging, and the same audio tagged."""
    root = make_show(episodes=12)
    old = audio_bytes(root)
    reference = make_show(episodes=12, name="reference")
    tag_audio(reference)
    new = audio_bytes(reference)
    assert all(new[name] != old[name] for name in old)
    return root, old, new


def assert_old_or_new(root: Path, old: dict[str, bytes], new: dict[str, bytes]) -> list[str]:
    """Every file is exactly the untagged or the fully tagged version; return the tagged ones."""
    tagged = []
    for name, data in audio_bytes(root).items():
        assert data in (old[name], new[name]), f"{name} is neither the old nor the new file"
        if data == new[name]:
            tagged.append(name)
    return tagged


def test_error_inside_mutagen_save_leaves_the_original(shows, monkeypatch) -> None:
    root, old, _new = shows
    real_insert = mutagen.id3._file.insert_bytes

    def insert_then_fail(fobj, size, offset, *args, **kwargs):
        real_insert(fobj, size, offset, *args, **kwargs)  # the copy's audio has moved...
        raise OSError(errno.ENOSPC, "No space left on device")  # ...and the tag is never written

    monkeypatch.setattr(mutagen.id3._file, "insert_bytes", insert_then_fail)

    report = tag_audio(root)

    assert len(report.failures) == 12
    assert "No space left on device" in report.failures[0].message
    assert audio_bytes(root) == old
    assert leftovers(root) == []


def test_a_copy_whose_audio_changed_is_never_swapped_in(shows, monkeypatch) -> None:
    root, old, _new = shows
    real_save = tag_id3.save

    def save_and_damage(tags, path: Path, version: int) -> None:
        real_save(tags, path, version)
        with path.open("r+b") as handle:  # a bug anywhere in the write path
            handle.seek(-200, os.SEEK_END)
            handle.write(b"\0" * 10)

    monkeypatch.setattr(tag_id3, "save", save_and_damage)

    report = tag_audio(root)

    assert {d.code for d in report.failures} == {"E186"}
    assert "would have changed the audio itself" in report.failures[0].message
    assert audio_bytes(root) == old
    assert leftovers(root) == []


def test_interrupt_mid_run_keeps_finished_files_and_removes_the_copy(shows, monkeypatch) -> None:
    root, old, new = shows
    calls = 0
    real_save = tag_id3.save

    def interrupt_on_fifth(tags, path: Path, version: int) -> None:
        nonlocal calls
        calls += 1
        if calls == 5:
            raise KeyboardInterrupt
        real_save(tags, path, version)

    monkeypatch.setattr(tag_id3, "save", interrupt_on_fifth)
    podcast = check_show(root).podcast
    assert podcast is not None

    with pytest.raises(KeyboardInterrupt):
        tag_show(podcast)

    assert len(assert_old_or_new(root, old, new)) == 4
    assert leftovers(root) == []


KILLER = """
import io, os, signal, sys
from pathlib import Path
import mutagen.id3._file, shutil
from gaepod.audio import write as tag_write
from gaepod.publish import BuildOptions, Stage, build

root, mode, nth = Path(sys.argv[1]), sys.argv[2], int(sys.argv[3])
calls = 0

def die_on_nth():
    global calls
    calls += 1
    return calls == nth

real_copy, real_replace = shutil.copyfileobj, os.replace
real_insert = mutagen.id3._file.insert_bytes

def copy(src, dst, length=0):
    if die_on_nth():  # the copy is half written
        dst.write(src.read(3000)); dst.flush(); os.kill(os.getpid(), signal.SIGKILL)
    real_copy(src, dst, length)

def insert(fobj, size, offset, *args, **kwargs):
    real_insert(fobj, size, offset, *args, **kwargs)  # audio moved, tag not yet written
    if not isinstance(fobj, io.BytesIO) and die_on_nth():  # files, not tags rendered in memory
        fobj.flush(); os.kill(os.getpid(), signal.SIGKILL)

def replace(src, dst):
    if die_on_nth():  # the copy is complete and verified, not yet in place
        os.kill(os.getpid(), signal.SIGKILL)
    real_replace(src, dst)

if mode == "copy":
    shutil.copyfileobj = copy
elif mode == "insert":
    mutagen.id3._file.insert_bytes = insert
else:
    tag_write.os.replace = replace
build(BuildOptions(show=root, stages=frozenset({Stage.TAG})))
"""


@pytest.mark.parametrize("mode", ["copy", "insert", "replace"])
def test_sigkill_mid_write_leaves_every_file_old_or_new(shows, mode: str) -> None:
    root, old, new = shows

    run = subprocess.run(
        [sys.executable, "-c", KILLER, str(root), mode, "6"], capture_output=True, timeout=120
    )

    assert run.returncode == -signal.SIGKILL, run.stderr.decode()
    assert len(assert_old_or_new(root, old, new)) == 5
    assert len(leftovers(root)) == 1  # the dead run's copy...

    report = tag_audio(root)  # ...which the next run sweeps

    assert not report.failures
    assert audio_bytes(root) == new
    assert leftovers(root) == []


def test_gaepod_tag_killed_from_outside_leaves_every_file_old_or_new(make_show) -> None:
    audio = mp3_bytes(2.0)
    files: dict[str, str | bytes] = {"art/cover.jpg": big_cover()}
    for n in range(1, 41):
        files[f"{n:03d}-episode.yaml"] = episode_yaml(n)
        files[f"audio/{n:03d}.mp3"] = audio
    root = make_show(episodes=0, files=files)
    old = audio_bytes(root)
    reference = root.parent / "reference"
    shutil.copytree(root, reference)
    subprocess.run([GAEPOD, "tag", "--show", reference, "--quiet"], check=True, timeout=120)
    new = audio_bytes(reference)

    process = subprocess.Popen([GAEPOD, "tag", "--show", root, "--quiet"])
    deadline = time.monotonic() + 60
    sizes = {name: len(data) for name, data in old.items()}
    while not any(p.stat().st_size != sizes[p.name] for p in (root / "audio").glob("[0-9]*.mp3")):
        assert time.monotonic() < deadline and process.poll() is None, "the run never started"
        time.sleep(0.002)
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)

    tagged = assert_old_or_new(root, old, new)
    assert 0 < len(tagged) < 40, "the kill should land mid-run"
    subprocess.run([GAEPOD, "tag", "--show", root, "--quiet"], check=True, timeout=120)
    assert audio_bytes(root) == new
    assert leftovers(root) == []


def big_cover() -> bytes:
    """A 1400 px JPEG of noise (~400 KB): it makes every write slow enough to land a kill in."""
    import io
    import random

    from PIL import Image

    rng = random.Random(7)
    image = Image.frombytes("RGB", (1400, 1400), rng.randbytes(1400 * 1400 * 3))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=30)
    return buffer.getvalue()
