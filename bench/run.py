#!/usr/bin/env python3
"""Benchmark `gaepod build` against the hand-written feedgen script.

For each catalog size N (default 100, 1,000 and 10,000 episodes made by
../shared/bench/make_catalog.py), in one run on one machine, time:

  feedgen-script   ../shared/bench/base_feedgen.py (the script a user would write)
  build cold       gaepod build with no cache and an empty output folder
  build no-op      gaepod build again, nothing changed
  build one edit   gaepod build after editing one episode's title
  disk floor       the folders and files "build cold" wrote, made again with bare
                   system calls and nothing rendered (bench/disk_floor.py): the part
                   of "build cold" that is the disk's, not gaepod's

Each is a separate process (as cron runs it). Nothing is deleted while the
benchmark runs: an output or cache that must go (before each "cold" build) is
renamed into WORK/trash, which is emptied at the very end. On ext4 without a
journal (this benchmark's machine) creating a file scans past every inode
deleted in the last minutes, so a build run right after deleting its own
4,000 files paid for that deletion (0.5-3 s at N = 1,000), a cost no first
build pays. For each step the table gives
the median and the best wall time of --repeat runs, the median CPU time
(user + system, workers included: steadier than wall time on a virtual
machine whose speed drifts) and the largest process's peak RSS. The feedgen script and
the cold build run in turns, so that both see the machine at the same speed. The audio
is tagged once before the timed builds (`gaepod tag`, timed separately), so "cold"
measures checking, feed and site, not first-time tagging.

usage: python bench/run.py [--sizes 100 1000 10000] [--repeat 5] [--work DIR]
                           [--results bench/RESULTS.md] [--speedups=-memo,-splice]

--speedups sets GAEPOD_SPEEDUPS for gaepod's runs (see gaepod/speed/switches.py):
`--speedups=-splice` measures what the feed splice saves, `--speedups off` a build
with every speed-up off; the reference script runs as always.
Needs: pip install -e '.[bench]'  (lameenc, markdown for the reference script)
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared" / "bench"
FLOOR = Path(__file__).resolve().parent / "disk_floor.py"


Sample = tuple[float, float, float]  # wall s, CPU s, peak MB
Result = tuple[float, float, float, float]  # median wall, best wall, median CPU, peak MB


def run(cmd: list[str], timed_inside: bool = False) -> Sample:
    """Wall seconds, CPU seconds (its workers included) and the largest process's peak
    RSS in MB, of one child process. `timed_inside`: the wall time is the first number
    the process prints (it times only its own work, not its start)."""
    start = time.perf_counter()
    output = subprocess.PIPE if timed_inside else subprocess.DEVNULL
    env = {**os.environ, "GAEPOD_SPEEDUPS": SPEEDUPS}
    process = subprocess.Popen(cmd, stdout=output, stderr=subprocess.PIPE, env=env)
    _pid, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start
    if status != 0:
        error = process.stderr.read().decode() if process.stderr else ""
        raise SystemExit(f"{' '.join(cmd)} failed:\n{error}")
    if timed_inside and process.stdout is not None:
        elapsed = float(process.stdout.read().split()[0])
    return elapsed, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


def catalog(work: Path, n: int) -> Path:
    folder = work / f"catalog-{n}"
    if not (folder / "episodes" / "podcast.yaml").exists():
        subprocess.run(
            [sys.executable, str(SHARED / "make_catalog.py"), str(n), str(folder)],
            check=True,
            stderr=subprocess.DEVNULL,
        )
    return folder


def set_aside(path: Path, work: Path) -> None:
    """Move `path` (if there) into WORK/trash instead of deleting it now: see the docstring."""
    if path.exists():
        trash = work / "trash"
        trash.mkdir(exist_ok=True)
        path.rename(trash / f"{len(list(trash.iterdir()))}-{path.name}")


def empty_trash(work: Path) -> None:
    shutil.rmtree(work / "trash", ignore_errors=True)


SPEEDUPS = ""  # GAEPOD_SPEEDUPS for gaepod's runs (--speedups)


def gaepod(*args: str) -> list[str]:
    return [sys.executable, "-m", "gaepod", *args]


def compile_package() -> None:
    """Write gaepod's bytecode, as installing the package does: with PYTHONDONTWRITEBYTECODE
    set (some shells and CI images set it) an editable install would otherwise compile
    every module from source in every timed run (~0.07 s), which no user's cron pays."""
    import compileall

    import gaepod

    compileall.compile_dir(Path(gaepod.__file__).parent, quiet=1)


def measure(n: int, work: Path, repeat: int) -> dict[str, Result]:
    pristine = catalog(work, n)  # the reference script reads every *.yaml: keep it clean
    folder = work / f"gaepod-{n}"
    set_aside(folder, work)
    shutil.copytree(pristine, folder)
    show, out = folder / "episodes", folder / "public"
    results: dict[str, Result] = {}
    reference = [
        sys.executable,
        str(SHARED / "base_feedgen.py"),
        str(pristine),
        str(work / f"base-{n}.xml"),
    ]
    tagging = _median([run(gaepod("tag", "--quiet", "--show", str(show)))])
    build = gaepod("build", "--quiet", "--show", str(show), "--out", str(out))
    # The script and the cold build take turns: this machine's speed drifts within
    # minutes, and their ratio is what the targets are about.
    samples, cold = [], []
    for _ in range(repeat):
        samples.append(run(reference))
        set_aside(show / ".gaepod", work)
        set_aside(out, work)
        cold.append(run(build))
    results["feedgen-script"] = _median(samples)
    results["tag (first time)"] = tagging
    results["build cold"] = _median(cold)
    # The disk's own part of "cold": the same folders and files made with bare system calls.
    scratch = folder / "disk-floor"
    floors = []
    for _ in range(repeat):
        set_aside(scratch, work)
        floors.append(run([sys.executable, str(FLOOR), str(out), str(scratch)], timed_inside=True))
    set_aside(scratch, work)
    results["disk floor of cold"] = _median(floors)
    results["build no-op"] = _median([run(build) for _ in range(repeat)])
    edits = []
    target = sorted(show.glob("*.yaml"))[len(list(show.glob("*.yaml"))) // 2]
    for i in range(repeat):
        text = target.read_text(encoding="utf-8")
        target.write_text(text.replace('title: "', f'title: "Edit {i} ', 1), encoding="utf-8")
        edits.append(run(build))
    results["build one edit"] = _median(edits)
    return results


def _median(samples: list[Sample]) -> Result:
    return (
        statistics.median(s[0] for s in samples),
        min(s[0] for s in samples),
        statistics.median(s[1] for s in samples),
        max(s[2] for s in samples),
    )


def table(all_results: dict[int, dict[str, Result]]) -> str:
    lines = [
        "| N | step | wall s (median) | best s | CPU s | peak MB | vs feedgen script |",
        "|---:|---|---:|---:|---:|---:|---:|",
    ]
    for n, results in all_results.items():
        base = results["feedgen-script"][0]
        for step, (seconds, best, cpu, memory) in results.items():
            ratio = f"{seconds / base:.2f}×" if step != "feedgen-script" else "1.00×"
            lines.append(
                f"| {n:,} | {step} | {seconds:.3f} | {best:.3f} | {cpu:.2f} | {memory:.0f} "
                f"| {ratio} |"
            )
    sizes = list(all_results)
    if len(sizes) > 1:
        lines.append("")
        lines.append("Growth of `build cold` per episode (linear means a flat column):")
        lines.append("")
        for n in sizes:
            per = all_results[n]["build cold"][0] / n * 1000
            lines.append(f"- N = {n:,}: {per:.2f} ms per episode")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 1000, 10000])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--work", type=Path, default=Path("/tmp/gaepod-bench"))
    parser.add_argument(
        "--results", type=Path, default=None, help="also write the table into this Markdown file"
    )
    parser.add_argument("--speedups", default="", help="GAEPOD_SPEEDUPS for gaepod's runs")
    args = parser.parse_args()
    global SPEEDUPS
    SPEEDUPS = args.speedups
    args.work.mkdir(parents=True, exist_ok=True)
    compile_package()
    all_results = {}
    try:
        for n in args.sizes:
            print(f"N = {n:,} ...", file=sys.stderr, flush=True)
            all_results[n] = measure(n, args.work, args.repeat if n < 10000 else 1)
    finally:
        empty_trash(args.work)
    text = table(all_results)
    print(text)
    if args.results:
        header = (
            "# Benchmark results\n\n"
            f"`python bench/run.py --sizes {' '.join(map(str, args.sizes))}` on "
            f"{os.cpu_count()} CPUs, Python {sys.version.split()[0]}; {args.repeat} runs "
            "of each step (1 at N = 10,000), each a fresh process.\n\n"
        )
        args.results.write_text(header + text + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
