#!/usr/bin/env python3
"""Time `gaepod tag` on a synthetic catalog: the first run (every file tagged) and a re-run.

usage: python bench/tag_bench.py [N] [--workdir DIR] [--art] [--runs K]

Makes N episodes (default 1,000) with the shared catalog maker
(../shared/bench/make_catalog.py, or --catalog-script PATH), then runs the
installed `gaepod tag --quiet` on them as a user would, three ways:

  first run     every file gets its tags (copy, tag, verify, fsync, replace)
  no-op re-run  nothing changed: files are matched against gaepod's record
  cold re-run   the record deleted (a fresh clone): every file's tags are
                read and compared, none is written

and prints seconds and files/s for each (median of --runs for the re-runs;
the first run is once per fresh catalog). The catalog's show image is a URL,
so by default nothing is embedded; --art puts a real 1400x1400 JPEG of about
300 KB in the show (art/cover.jpg) so that every file also embeds artwork.
"""

from __future__ import annotations

import argparse
import io
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DEFAULT_CATALOG = REPO.parent / "shared" / "bench" / "make_catalog.py"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("n", nargs="?", type=int, default=1000, help="episodes (default 1000)")
    parser.add_argument("--workdir", type=Path, help="where to build the catalog (default: temp)")
    parser.add_argument("--art", action="store_true", help="embed a ~300 KB JPEG in every file")
    parser.add_argument("--runs", type=int, default=3, help="repetitions of each re-run")
    parser.add_argument("--catalog-script", type=Path, default=DEFAULT_CATALOG)
    args = parser.parse_args()

    gaepod = shutil.which("gaepod") or str(Path(sys.executable).with_name("gaepod"))
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="gaepod-tag-bench-"))
    show = make_catalog(args.catalog_script, args.n, workdir, args.art)
    command = [gaepod, "tag", "--show", str(show), "--quiet"]
    check = [gaepod, "check", "--show", str(show), "--quiet"]

    subprocess.run(check, check=True)  # warm the page cache and the check cache alike
    rows = [("check only (every run includes it)", median(check, args.runs))]
    rows.append(("first run: every file tagged", timed(command)))
    rows.append(("no-op re-run", median(command, args.runs)))

    def forget() -> None:
        (show / ".gaepod" / "tags.json").unlink(missing_ok=True)

    rows.append(("cold re-run: tags read and compared", median(command, args.runs, forget)))

    sizes = sorted(p.stat().st_size for p in (show / "audio").glob("[0-9]*.mp3"))
    print(
        f"gaepod tag on {args.n:,} episodes ({'with' if args.art else 'no'} embedded art; "
        f"tagged files {sizes[0] // 1024}-{sizes[-1] // 1024} KB) in {show}"
    )
    for label, seconds in rows:
        print(f"  {label:38s} {seconds:7.2f} s  {args.n / seconds:8.0f} files/s")
    return 0


def make_catalog(script: Path, n: int, workdir: Path, art: bool) -> Path:
    if not script.is_file():
        sys.exit(f"catalog maker not found: {script} (pass --catalog-script)")
    if (workdir / "episodes").exists():
        shutil.rmtree(workdir / "episodes")
    subprocess.run(
        [sys.executable, str(script), str(n), str(workdir)], check=True, stdout=subprocess.DEVNULL
    )
    show = workdir / "episodes"
    if art:
        (show / "art").mkdir(exist_ok=True)
        (show / "art" / "cover.jpg").write_bytes(noise_jpeg(1400, 300_000))
        podcast = show / "podcast.yaml"
        lines = podcast.read_text(encoding="utf-8").splitlines(keepends=True)
        podcast.write_text(
            "".join("image: art/cover.jpg\n" if ln.startswith("image:") else ln for ln in lines),
            encoding="utf-8",
        )
    return show


def noise_jpeg(side: int, target_bytes: int) -> bytes:
    """A real, decodable square JPEG close to target_bytes (smooth noise compresses well)."""
    from PIL import Image, ImageFilter

    rng = random.Random(42)
    small = Image.frombytes("RGB", (side // 8, side // 8), rng.randbytes((side // 8) ** 2 * 3))
    image = small.resize((side, side), Image.Resampling.BICUBIC).filter(ImageFilter.SMOOTH)
    best = b""
    for quality in range(95, 10, -5):
        buffer = io.BytesIO()
        image.save(buffer, "JPEG", quality=quality)
        best = buffer.getvalue()
        if len(best) <= target_bytes:
            break
    return best


def timed(command: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, check=True)
    return time.perf_counter() - start


def median(command: list[str], runs: int, before: object = None) -> float:
    results = []
    for _ in range(max(runs, 1)):
        if callable(before):
            before()
        results.append(timed(command))
    return statistics.median(results)


if __name__ == "__main__":
    sys.exit(main())
