"""The no-op build, which cron runs all day, answers from stamps before loading the
stages: a module-level import that pulls the show package (and with it YAML, mutagen's
probes and every field rule) into that path doubled its time once."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

STAGES = ("gaepod.show", "gaepod.site", "gaepod.feed", "gaepod.audio", "gaepod.deploy")


def _imported(show: Path, out: Path) -> tuple[list[str], str]:
    env = {**os.environ, "GAEPOD_MEMBERS_KEY": "a-key-long-enough-for-members"}
    command = [sys.executable, "-X", "importtime", "-m", "gaepod", "build", "--show", str(show)]
    done = subprocess.run(
        [*command, "--out", str(out)], capture_output=True, text=True, env=env, timeout=120
    )
    assert done.returncode == 0, done.stderr[-2000:]
    modules = [line.rsplit("|", 1)[-1].strip() for line in done.stderr.splitlines() if "|" in line]
    return modules, done.stdout


def test_a_no_op_build_loads_none_of_the_stages(make_show, tmp_path: Path) -> None:
    show, out = make_show(2), tmp_path / "public"
    first, _ = _imported(show, out)
    assert any(m.startswith("gaepod.show") for m in first)  # the first build does the work
    again, said = _imported(show, out)
    assert "nothing changed" in said
    assert [m for m in again if m.startswith(STAGES)] == []
