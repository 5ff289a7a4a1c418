#!/usr/bin/env python3
"""Generate the media for the bundled example show in ``episodes/``.

Writes, deterministically and without any network access:

* ``episodes/audio/NNN.mp3`` -- short synthesized jingles, MPEG-1 Layer III,
  44.1 kHz mono, CBR 64 kbit/s, encoded by LAME through ``lameenc``
  (no ID3 tags);
* ``episodes/art/cover.jpg`` and a couple of ``episodes/art/NNN.jpg`` --
  1400x1400 baseline RGB JPEGs drawn with Pillow.

Usage: ``python scripts/make_example_media.py [EPISODES_DIR]``
(defaults to the repository's ``episodes/`` directory).
Re-running it with the same lameenc and Pillow versions produces the same bytes.
"""

from __future__ import annotations

import array
import math
import sys
from pathlib import Path

import lameenc
from PIL import Image, ImageDraw, ImageFont

SAMPLE_RATE = 44_100
BITRATE_KBPS = 64
ART_SIZE = 1400
JPEG_QUALITY = 70

# A4 = 440 Hz; semitone offsets of a pentatonic-ish palette.
_NOTE_NAMES = {
    "C4": -9,
    "D4": -7,
    "E4": -5,
    "G4": -2,
    "A4": 0,
    "B4": 2,
    "C5": 3,
    "D5": 5,
    "E5": 7,
    "G5": 10,
    "A5": 12,
}


def _freq(note: str) -> float:
    return 440.0 * 2.0 ** (_NOTE_NAMES[note] / 12.0)


# file number (episodes/NNN-*.yaml -> audio/NNN.mp3), or name, -> (seconds, melody).
# Durations differ per episode.
JINGLES: dict[int | str, tuple[float, list[str]]] = {
    1: (4.0, ["C5", "E5", "G5", "E5", "C5"]),
    2: (4.5, ["A4", "C5", "E5", "D5", "C5", "A4"]),
    3: (5.0, ["G4", "B4", "D5", "G5", "D5", "B4", "G4"]),
    4: (3.5, ["E5", "D5", "C5", "G4"]),
    5: (5.5, ["C5", "D5", "E5", "G5", "A5", "G5", "E5"]),
    6: (3.2, ["A4", "E5", "A5"]),
    7: (6.0, ["D4", "G4", "A4", "C5", "D5", "E5", "D5", "A4"]),
    8: (4.8, ["E4", "G4", "C5", "E5", "C5", "G4"]),
    9: (3.0, ["C5", "G4", "C5"]),
    "003-es": (4.4, ["G4", "D5", "B4", "G5", "D5", "G4"]),  # 003 in Spanish
}


def synth_jingle(seconds: float, melody: list[str]) -> bytes:
    """Return 16-bit little-endian mono PCM for a soft sine-note jingle."""
    total = int(round(seconds * SAMPLE_RATE))
    samples = [0.0] * total
    # Leave ~0.4 s of tail so the last note rings out before the global fade.
    body = max(seconds - 0.4, 0.5)
    step = body / len(melody)
    note_len = step * 1.6  # notes overlap a little, like a plucked arpeggio
    for i, name in enumerate(melody):
        f = _freq(name)
        start = int(i * step * SAMPLE_RATE)
        length = min(int(note_len * SAMPLE_RATE), total - start)
        attack = int(0.015 * SAMPLE_RATE)
        w = 2.0 * math.pi * f / SAMPLE_RATE
        for n in range(length):
            # fast attack, exponential decay; a quiet octave overtone for warmth
            env = min(1.0, n / attack) * math.exp(-3.2 * n / SAMPLE_RATE)
            s = math.sin(w * n) + 0.25 * math.sin(2.0 * w * n)
            samples[start + n] += 0.32 * env * s
    # global fade in / fade out
    fade_in = int(0.05 * SAMPLE_RATE)
    fade_out = int(0.6 * SAMPLE_RATE)
    pcm = array.array("h")
    for n, v in enumerate(samples):
        g = 1.0
        if n < fade_in:
            g = n / fade_in
        elif n >= total - fade_out:
            g = (total - n) / fade_out
        v = max(-1.0, min(1.0, v * g))
        pcm.append(int(round(v * 32767)))
    if sys.byteorder != "little":
        pcm.byteswap()
    return pcm.tobytes()


def encode_mp3(pcm: bytes) -> bytes:
    enc = lameenc.Encoder()
    enc.set_bit_rate(BITRATE_KBPS)
    enc.set_in_sample_rate(SAMPLE_RATE)
    enc.set_channels(1)
    enc.set_quality(2)  # 2 = high quality, 7 = fastest
    enc.silence()
    data = enc.encode(pcm)
    data += enc.flush()
    return bytes(data)


def _font(size: int) -> ImageFont.ImageFont | ImageFont.FreeTypeFont:
    # Pillow >= 10.1 ships a scalable default font; it is identical everywhere,
    # which keeps the output reproducible across machines.  It only covers
    # ASCII plus a few symbols (no accented letters), so keep art text plain.
    try:
        return ImageFont.load_default(size=size)
    except TypeError:  # older Pillow
        for candidate in ("DejaVuSans-Bold.ttf", "DejaVuSans.ttf"):
            try:
                return ImageFont.truetype(candidate, size)
            except OSError:
                pass
        return ImageFont.load_default()


def _centered(
    draw: ImageDraw.ImageDraw,
    y: int,
    text: str,
    size: int,
    fill: tuple[int, int, int],
    stroke: int = 0,
) -> None:
    """Draw ``text`` horizontally centred with its ink top at ``y``.

    A stroke in the fill colour fakes a bold weight with the regular font.
    """
    font = _font(size)
    left, top, right, _ = draw.textbbox((0, 0), text, font=font, stroke_width=stroke)
    x = (ART_SIZE - (right - left)) // 2 - left
    draw.text((x, y - top), text, font=font, fill=fill, stroke_width=stroke, stroke_fill=fill)


def draw_art(
    lines: list[tuple[str, int]],
    tagline: str,
    bg: tuple[int, int, int],
    fg: tuple[int, int, int],
    accent: tuple[int, int, int],
) -> Image.Image:
    """Flat, bold show art: a crossroads (two bands), currents (stripes)
    and a framed title plate.

    Every shape is axis-aligned on the 16-pixel JPEG MCU grid, so the flat
    areas cost almost nothing and the files stay small; the text is what
    takes most of the bytes.
    """
    s = ART_SIZE
    img = Image.new("RGB", (s, s), bg)
    d = ImageDraw.Draw(img)
    # the crossroads
    d.rectangle([608, 0, 799, s - 1], fill=accent)
    d.rectangle([0, 608, s - 1, 799], fill=accent)
    # the currents
    for i, y in enumerate(range(1200, s, 64)):
        d.rectangle([0, y, s - 1, y + 31], fill=accent if i % 2 == 0 else fg)
    # framed title plate
    d.rectangle([96, 336, s - 97, 1071], fill=bg)
    for box in (
        [96, 336, s - 97, 351],
        [96, 1056, s - 97, 1071],
        [96, 336, 111, 1071],
        [s - 112, 336, s - 97, 1071],
    ):
        d.rectangle(box, fill=fg)
    y = 400 if len(lines) == 3 else 450
    for text, size in lines:
        _centered(d, y, text, size, fg, stroke=3)
        y += int(size * 1.2)
    d.rectangle([544, y + 10, 855, y + 25], fill=accent)
    _centered(d, y + 70, tagline, 44, fg)
    return img


def save_jpeg(img: Image.Image, path: Path) -> None:
    """Baseline (non-progressive) JPEG, 4:2:0, no EXIF or ICC profile."""
    img.save(
        path, "JPEG", quality=JPEG_QUALITY, optimize=True, progressive=False, subsampling="4:2:0"
    )


ART: dict[str, dict] = {
    "cover": dict(
        lines=[("CROSSROADS", 140), ("& CURRENTS", 140)],
        tagline="GEOPOLITICS · ECONOMICS · HISTORY · TECH",
        bg=(16, 42, 67),
        fg=(244, 236, 216),
        accent=(214, 122, 44),
    ),
    "003": dict(
        lines=[("CROSSROADS", 120), ("& CURRENTS", 120), ("EP. 3", 150)],
        tagline="THE ARCHIVE ISSUE",
        bg=(44, 62, 42),
        fg=(240, 233, 210),
        accent=(176, 58, 46),
    ),
    "006": dict(
        lines=[("CROSSROADS", 120), ("& CURRENTS", 120), ("EP. 6", 150)],
        tagline="LITIO · AGUA · ANDES",
        bg=(92, 26, 44),
        fg=(250, 240, 224),
        accent=(232, 178, 58),
    ),
}


def main(argv: list[str]) -> int:
    root = Path(argv[1]) if len(argv) > 1 else Path(__file__).resolve().parent.parent / "episodes"
    audio_dir = root / "audio"
    art_dir = root / "art"
    audio_dir.mkdir(parents=True, exist_ok=True)
    art_dir.mkdir(parents=True, exist_ok=True)

    for number, (seconds, melody) in sorted(JINGLES.items(), key=lambda item: str(item[0])):
        name = f"{number:03d}" if isinstance(number, int) else number
        out = audio_dir / f"{name}.mp3"
        out.write_bytes(encode_mp3(synth_jingle(seconds, melody)))
        print(f"wrote {out} ({out.stat().st_size} bytes)")

    for name, spec in ART.items():
        out = art_dir / f"{name}.jpg"
        save_jpeg(draw_art(**spec), out)
        print(f"wrote {out} ({out.stat().st_size} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
