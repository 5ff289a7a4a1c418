"""gaepod.speed changes nothing but the time: a show built with every speed-up off
(GAEPOD_SPEEDUPS=off) publishes the same bytes, build after build, as with all on.

70 episodes: enough that the check, the tagger and the writer use helper
processes, that the feed is spliced from the last one, and that the no-op
answer and the cache have something to answer from.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import episode_yaml
from gaepod.speed import switches

NOW = "2026-11-24T12:00:00+0000"
EPISODES = 70


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under `folder` but gaepod's own state, by relative path."""
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and ".gaepod" not in p.relative_to(folder).parts
    }


def build(show: Path, out: Path, speedups: str, *extra: str) -> None:
    env = {**os.environ, switches.VARIABLE: speedups}
    args = ["build", "--quiet", "--show", str(show), "--out", str(out), "--now", NOW, *extra]
    run = subprocess.run(
        [sys.executable, "-m", "gaepod", *args], env=env, capture_output=True, text=True
    )
    assert run.returncode == 0, run.stderr


def edit_title(show: Path) -> None:
    path = show / "007-episode.yaml"
    path.write_text(path.read_text().replace("Guest 7:", "Guest Seven:"), encoding="utf-8")


def add_episode(show: Path) -> None:
    shutil.copyfile(show / "audio" / "001.mp3", show / "audio" / "071.mp3")
    (show / "071-episode.yaml").write_text(episode_yaml(71), encoding="utf-8")


def remove_episode(show: Path) -> None:
    (show / "012-episode.yaml").unlink()


STEPS: list[tuple[str, Callable[[Path], None] | None, tuple[str, ...]]] = [
    ("cold", None, ()),
    ("no-op", None, ()),
    ("one edit", edit_title, ()),
    ("a new episode", add_episode, ()),
    ("a removed episode", remove_episode, ("--allow-removal",)),
]


def test_every_speedup_off_publishes_the_same_bytes(make_show, tmp_path: Path) -> None:
    fast_show = make_show(episodes=EPISODES, name="fast")
    slow_show = tmp_path / "slow"
    shutil.copytree(fast_show, slow_show)
    fast_out, slow_out = tmp_path / "fast-out", tmp_path / "slow-out"
    for name, change, extra in STEPS:
        for show in (fast_show, slow_show):
            if change is not None:
                change(show)
        build(fast_show, fast_out, "", *extra)
        build(slow_show, slow_out, "off", *extra)
        assert snapshot(fast_out) == snapshot(slow_out), name
        assert snapshot(fast_show) == snapshot(slow_show), name  # audio tags, ledger
    assert "episodes/012-episode/index.html" not in snapshot(fast_out)  # removed for real
    assert (fast_show / ".gaepod" / "cache.pickle").is_file()
    assert not (slow_show / ".gaepod" / "cache.pickle").exists()  # the cache was off


@pytest.mark.parametrize("name", sorted(switches.NAMES))
def test_each_speedup_can_be_turned_off_alone(name: str, monkeypatch) -> None:
    monkeypatch.setenv(switches.VARIABLE, f"-{name}")
    assert not switches.enabled(name)
    assert all(switches.enabled(other) for other in switches.NAMES - {name})
    monkeypatch.setenv(switches.VARIABLE, "off")
    assert not any(switches.enabled(n) for n in switches.NAMES)
    monkeypatch.setenv(switches.VARIABLE, "")
    assert all(switches.enabled(n) for n in switches.NAMES)
