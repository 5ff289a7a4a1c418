"""Shared test helpers: a show-folder builder and media made by real encoders."""

from __future__ import annotations

import array
import atexit
import functools
import io
import math
import shutil
import struct
import subprocess
import tarfile
import tempfile
import textwrap
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from gaepod.audio import TagReport
from gaepod.publish import BuildOptions, BuildReport, Stage, build

SHOW_YAML = """\
title: "Test Show & Friends"
description: |
  A *test* show about testing & more.
link: https://show.example.org/
feed_url: https://show.example.org/feed.xml
media_base_url: https://cdn.example.org/audio/
language: en
timezone: Europe/Madrid
author: Ada Host
owner: {name: Ada Host, email: ada@example.org}
image: art/cover.jpg
categories:
  - category: Technology
explicit: false
"""


@functools.lru_cache(maxsize=32)
def mp3_bytes(
    seconds: float = 2.0, *, stereo: bool = False, vbr: bool = False, freq: float = 440.0
) -> bytes:
    """A real MPEG-1 Layer III stream encoded by LAME (lameenc)."""
    import lameenc

    rate = 44100
    channels = 2 if stereo else 1
    encoder = lameenc.Encoder()
    if vbr:
        encoder.set_vbr(4)  # VBR with an Xing header
        encoder.set_vbr_quality(4)
    else:
        encoder.set_bit_rate(128 if stereo else 64)
    encoder.set_in_sample_rate(rate)
    encoder.set_out_sample_rate(rate)  # else LAME resamples stereo to MPEG-2 rates
    encoder.set_channels(channels)
    encoder.set_quality(7)
    samples = array.array("h")
    for i in range(int(rate * seconds)):
        value = int(8000 * math.sin(2 * math.pi * freq * i / rate))
        samples.extend([value] * channels)
    stream = bytes(encoder.encode(samples.tobytes()) + encoder.flush())
    return _with_xing_frame(stream, "Xing" if vbr else "Info")


def _frame_length(header: bytes) -> int:
    bits = struct.unpack(">I", header)[0]
    bitrate = (0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320)[
        (bits >> 12) & 15
    ] * 1000
    rate = (44100, 48000, 32000)[(bits >> 10) & 3]
    return 144 * bitrate // rate + ((bits >> 9) & 1)


def _with_xing_frame(stream: bytes, tag: str) -> bytes:
    """Prepend the Xing/Info frame LAME's command line writes (frame and byte counts)."""
    position, frames = 0, 0
    while position + 4 <= len(stream):
        position += _frame_length(stream[position : position + 4])
        frames += 1
    first = struct.unpack(">I", stream[:4])[0]
    header = (first & ~(0xF << 12) & ~(1 << 9)) | (9 << 12)  # 128 kbit/s, no padding
    header_bytes = struct.pack(">I", header)
    size = _frame_length(header_bytes)
    side_info = 17 if (header >> 6) & 3 == 3 else 32
    body = (
        header_bytes
        + b"\0" * side_info
        + tag.encode()
        + struct.pack(">III", 3, frames, len(stream) + size)
    )
    return body + b"\0" * (size - len(body)) + stream


@functools.lru_cache(maxsize=8)
def jpeg_bytes(
    width: int = 1400, height: int | None = None, fmt: str = "JPEG", mode: str = "RGB"
) -> bytes:
    from PIL import Image

    image = Image.new(mode, (width, height or width), "navy" if mode == "RGB" else 80)
    buffer = io.BytesIO()
    image.save(buffer, fmt, quality=60)
    return buffer.getvalue()


def episode_yaml(number: int, **fields: object) -> str:
    """A valid episode file; keyword fields replace or add top-level lines."""
    values: dict[str, object] = {
        "title": f'"Guest {number}: Topic, Topic, & Topic?"',
        "date": f"2024-0{1 + number % 9}-0{1 + number % 9}T10:00:00+02:00",
        "number": number,
        "audio": f"audio/{number:03d}.mp3",
        "description": f"|\n  Notes for episode {number} with a [link](https://example.org/{number}).",
    }
    values.update(fields)
    return "".join(f"{key}: {value}\n" for key, value in values.items() if value is not None)


ShowBuilder = Callable[..., Path]


@pytest.fixture
def make_show(tmp_path: Path) -> ShowBuilder:
    """Build a show folder: podcast.yaml, cover art, and episodes 1..N with real MP3s.

    `files` adds or replaces files (text or bytes) by path relative to the show.
    """

    def build(
        episodes: int = 2,
        files: dict[str, str | bytes] | None = None,
        show_yaml: str = SHOW_YAML,
        name: str = "show",
    ) -> Path:
        root = tmp_path / name
        (root / "audio").mkdir(parents=True, exist_ok=True)
        (root / "art").mkdir(exist_ok=True)
        (root / "podcast.yaml").write_text(show_yaml, encoding="utf-8")
        (root / "art" / "cover.jpg").write_bytes(jpeg_bytes())
        for n in range(1, episodes + 1):
            (root / f"{n:03d}-episode.yaml").write_text(episode_yaml(n), encoding="utf-8")
            (root / "audio" / f"{n:03d}.mp3").write_bytes(mp3_bytes(1.0 + n / 4))
        for relpath, content in (files or {}).items():
            target = root / relpath
            target.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(content, bytes):
                target.write_bytes(content)
            else:
                target.write_text(textwrap.dedent(content), encoding="utf-8")
        return root

    return build


REPO = Path(__file__).resolve().parent.parent


def _pristine_example() -> Path:
    """The bundled example show as committed, extracted from git into a temporary folder.

    The working `episodes/` is the host's to change: the README's first command tags
    its audio and starts its ledger, and `gaepod new` adds drafts to it. Tests read
    the committed show instead, whatever state the working copy is in.
    """
    folder = Path(tempfile.mkdtemp(prefix="gaepod-example-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    try:
        archive = subprocess.run(
            ["git", "-C", str(REPO), "archive", "--format=tar", "HEAD", "episodes"],
            check=True,
            capture_output=True,
        ).stdout
    except (OSError, subprocess.CalledProcessError) as exc:
        raise RuntimeError(
            "the tests read the example show from git (git archive HEAD episodes): "
            f"run them from a clone of the repository ({exc})"
        ) from exc
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        if hasattr(tarfile, "data_filter"):  # Python 3.10.12+, 3.11.4+
            tar.extractall(folder, filter="data")
        else:  # pragma: no cover - our own archive of our own repository
            tar.extractall(folder)
    return folder / "episodes"


EXAMPLE_SHOW = _pristine_example()  # read it, never write into it: copy it (example_copy)


def example_fingerprint(root: Path) -> dict[str, bytes]:
    """Every file of a show folder (but gaepod's state) by relative path."""
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and ".gaepod" not in p.relative_to(root).parts
    }


EXAMPLE_FILES = example_fingerprint(EXAMPLE_SHOW)


@pytest.fixture(autouse=True, scope="session")
def _example_show_stays_pristine() -> Iterator[None]:
    """A test that writes into EXAMPLE_SHOW (tags its audio, adds a ledger) would change
    what later tests read: fail the session instead."""
    yield
    assert example_fingerprint(EXAMPLE_SHOW) == EXAMPLE_FILES, (
        "a test wrote into the shared example show: use the example_copy fixture"
    )


def copy_example(folder: Path) -> Path:
    """A copy of the bundled example show as a fresh clone has it, in `folder`."""
    root = folder / "episodes"
    shutil.copytree(EXAMPLE_SHOW, root, ignore=shutil.ignore_patterns(".gaepod"))
    return root


@pytest.fixture
def example_copy(tmp_path: Path) -> Path:
    """A copy of the bundled example show as a fresh clone has it (no cache, no ledger)."""
    return copy_example(tmp_path)


# The pipeline as each command runs it (cli/publishing.py), for tests of the library.


def publish_feed(show: Path, out: Path, now: datetime | None = None) -> BuildReport:
    """`gaepod feed`: the check, the ledger, feed.xml and the files it points to."""
    return build(BuildOptions(show=show, out=out, stages=frozenset({Stage.FEED}), now=now))


def publish_site(show: Path, out: Path, now: datetime | None = None) -> BuildReport:
    """`gaepod site`: the feed and the static site."""
    return build(BuildOptions(show=show, out=out, stages=frozenset({Stage.SITE}), now=now))


def run_check(show: Path, now: datetime | None = None) -> BuildReport:
    """`gaepod check`: every problem of a valid show (InvalidShowError when it has errors)."""
    return build(BuildOptions(show=show, stages=frozenset(), now=now))


def tag_audio(show: Path, *, id3v24: bool = False, dry_run: bool = False) -> TagReport:
    """`gaepod tag`: the check, then every episode's tags written into its audio."""
    options = BuildOptions(show=show, stages=frozenset({Stage.TAG}), id3v24=id3v24, dry_run=dry_run)
    tags = build(options).tags
    assert tags is not None
    return tags


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-golden",
        action="store_true",
        help="write the golden files in tests/golden/ from this build instead of comparing",
    )


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Debian's chromium under Playwright, one per test module (site_tools says why the flags)."""
    from site_tools import CHROMIUM_ARGS, chromium_path, missing_tool

    executable = chromium_path()
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        missing_tool("playwright (pip install -e '.[test]')")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield launched
        launched.close()
