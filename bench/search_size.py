#!/usr/bin/env python3
"""How much a phone downloads to search a large archive: the search index's size.

Makes the benchmark catalog of N episodes (../shared/bench/make_catalog.py), gives
every episode an hour-long WebVTT transcript (9,000 words drawn with Zipf's law from
a 60,000-word vocabulary, as speech is: a few words very often, most rarely) and two
show pages, builds it with `gaepod build --no-tag`, and prints the size of
search.json, of the word files, and of what one query loads (search.json plus one
word file per word), raw and gzipped (level 6, as web servers send it).

usage: python bench/search_size.py [--sizes 1000] [--work DIR] [--words 9000]
"""

from __future__ import annotations

import argparse
import gzip
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared" / "bench"
SYLLABLES = [a + b for a in "bcdfghjklmnprstvwz" for b in ("a", "e", "i", "o", "u", "ai", "ou")]


def vocabulary(size: int, rng: random.Random) -> list[str]:
    seen: dict[str, None] = {}
    while len(seen) < size:
        seen.setdefault("".join(rng.choice(SYLLABLES) for _ in range(rng.randint(1, 4))), None)
    return list(seen)


def transcript(words: int, vocab: list[str], weights: list[float], rng: random.Random) -> str:
    spoken = rng.choices(vocab, weights=weights, k=words)
    cues = ["WEBVTT", ""]
    for start in range(0, words, 12):
        seconds = start // 3
        clock = f"{seconds // 3600:02d}:{seconds // 60 % 60:02d}:{seconds % 60:02d}.000"
        end = seconds + 4
        until = f"{end // 3600:02d}:{end // 60 % 60:02d}:{end % 60:02d}.000"
        cues += [f"{clock} --> {until}", " ".join(spoken[start : start + 12]), ""]
    return "\n".join(cues)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000])
    parser.add_argument("--work", type=Path, default=None)
    parser.add_argument("--words", type=int, default=9000, help="words per transcript")
    args = parser.parse_args()
    work = args.work or Path(tempfile.mkdtemp(prefix="gaepod-search-"))
    rng = random.Random(7)
    vocab = vocabulary(60_000, rng)
    weights = [1 / (rank + 1) ** 1.07 for rank in range(len(vocab))]
    print("| N | search.json gz | word files | all word files gz | largest gz | one query gz |")
    print("|---:|---:|---:|---:|---:|---:|")
    for n in args.sizes:
        folder = work / f"catalog-{n}"
        if not folder.exists():
            command = [sys.executable, str(SHARED / "make_catalog.py"), str(n), str(folder)]
            subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
        show = folder / "episodes"
        (show / "t").mkdir(exist_ok=True)
        (show / "pages").mkdir(exist_ok=True)
        (show / "pages/about.md").write_text("# About\n\nA show about " + " ".join(vocab[:400]))
        (show / "pages/support.md").write_text("# Support\n\nBecome a member: zanzibarqux.")
        for episode in sorted(show.glob("[0-9]*.yaml")):
            name = f"t/{episode.stem}.vtt"
            if not (show / name).exists():
                (show / name).write_text(transcript(args.words, vocab, weights, rng))
                with episode.open("a", encoding="utf-8") as handle:
                    handle.write(f"transcript: {name}\n")
        out = folder / "public"
        started = time.monotonic()
        build = ["gaepod", "build", "--no-tag", "--quiet", "--show", str(show), "--out", str(out)]
        subprocess.run(build, check=True)
        seconds = time.monotonic() - started
        main_file = (out / "search.json").read_bytes()
        shards = sorted((out / "search").glob("words-*.json"))
        sizes = [len(gzip.compress(p.read_bytes(), 6)) for p in shards]
        main_gz = len(gzip.compress(main_file, 6))
        print(
            f"| {n:,} | {main_gz / 1024:,.0f} KB | {len(shards)} | {sum(sizes) / 1024:,.0f} KB "
            f"| {max(sizes) / 1024:,.0f} KB | {(main_gz + max(sizes)) / 1024:,.0f} KB "
            f"(one word; build {seconds:.1f} s) |"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
