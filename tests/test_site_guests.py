"""Guests with faces: a photo per guest (checked like artwork), resized with Pillow to
the sizes the pages show (with 2x files and srcset), cached by the source's stamp;
bio and links on the guest's page; `podcast:person img=` in the feed."""

from __future__ import annotations

import io
import os
import re
from pathlib import Path

import feedparser
import pytest
from PIL import Image

from conftest import episode_yaml, jpeg_bytes, publish_site
from gaepod.show.check import check_show
from test_site import NOW, SITE_YAML, publish

GUESTS = """
  - name: Ada Lovelace
    bio: Mathematician and writer.
    url: https://ada.example.org/
    photo: art/ada.jpg
    links:
      x: https://x.com/ada_example
      mastodon: https://mastodon.example/@ada
  - Charles Babbage
"""


def photo_bytes(
    width: int, height: int, fmt: str = "JPEG", mode: str = "RGB", red: int = 200
) -> bytes:
    image = Image.new(mode, (width, height), (red, 30, 30) if mode == "RGB" else (0, 0, 0, 0))
    if mode == "RGBA":  # a transparent frame round an opaque red middle
        image.paste((200, 30, 30, 255), (width // 4, height // 4, 3 * width // 4, 3 * height // 4))
    buffer = io.BytesIO()
    exif = Image.Exif()
    exif[0x010F] = "SecretCam"  # Make: must not reach the published photos
    image.save(buffer, fmt, **({"exif": exif} if fmt == "JPEG" else {}))
    return buffer.getvalue()


def guest_show(make_show, photo: bytes, guests: str = GUESTS, name: str = "show") -> Path:
    files: dict[str, str | bytes] = {
        "001-episode.yaml": episode_yaml(1, guests=guests),
        "art/ada.jpg": photo,
    }
    return make_show(2, files=files, show_yaml=SITE_YAML, name=name)


def photos(out: Path) -> dict[int, Path]:
    found = {}
    for path in (out / "guests/ada-lovelace").glob("photo-*.jpg"):
        found[int(path.stem.rsplit("-", 1)[1])] = path
    return found


def test_check_reports_photo_and_link_problems_at_their_line(make_show) -> None:
    guests = """
  - name: A
    photo: art/missing.jpg
  - name: B
    photo: art/notes.txt
  - name: C
    photo: ../outside.jpg
  - name: D
    photo: art/tiny.jpg
    links:
      mastodn: https://mastodon.example/@d
      x: not a url
  - name: E
    photo: art/tiff.tif
"""
    tiff = io.BytesIO()
    Image.new("RGB", (600, 600)).save(tiff, "TIFF")
    files: dict[str, str | bytes] = {
        "001-episode.yaml": episode_yaml(1, guests=guests),
        "art/notes.txt": "not an image",
        "art/tiny.jpg": jpeg_bytes(100),
        "art/tiff.tif": tiff.getvalue(),
    }
    show = make_show(1, files=files)
    text = "\n".join(d.format() for d in check_show(show).diagnostics)
    assert re.search(r"001-episode\.yaml:9:\d+: error\[E166\]: 'photo' file not found", text)
    assert re.search(r"001-episode\.yaml:11:\d+: error\[E167\]: 'photo' is not a readable", text)
    assert re.search(r"001-episode\.yaml:13:\d+: error\[E165\]: 'photo'", text)
    assert re.search(r"001-episode\.yaml:15:\d+: warning\[W168\]: 'photo' is 100×100", text)
    assert re.search(r"001-episode\.yaml:17:\d+: warning\[W137\]: unknown platform 'mastodn'", text)
    assert "did you mean 'mastodon'?" in text
    assert re.search(r"001-episode\.yaml:18:\d+: error\[E\d+\]: .*links\.x", text)
    assert re.search(r"001-episode\.yaml:20:\d+: error\[E167\]: 'photo' is a TIFF image", text)


def test_photos_are_resized_square_without_metadata_and_never_enlarged(
    make_show, tmp_path: Path
) -> None:
    out = publish(guest_show(make_show, photo_bytes(900, 600)), tmp_path / "out", NOW)
    found = photos(out)
    assert sorted(found) == [64, 128, 240, 480]
    for size, path in found.items():
        with Image.open(path) as image:
            assert image.format == "JPEG" and image.size == (size, size)
            assert not image.getexif() and "exif" not in image.info
    small = guest_show(make_show, photo_bytes(300, 300), name="small")
    out_small = publish(small, tmp_path / "out-small", NOW)
    with Image.open(photos(out_small)[480]) as image:
        assert image.size == (300, 300)  # not enlarged


def test_a_transparent_png_is_flattened_on_white(make_show, tmp_path: Path) -> None:
    guests = GUESTS.replace("art/ada.jpg", "art/ada.png")
    files: dict[str, str | bytes] = {
        "001-episode.yaml": episode_yaml(1, guests=guests),
        "art/ada.png": photo_bytes(480, 480, "PNG", "RGBA"),
    }
    out = publish(make_show(1, files=files, show_yaml=SITE_YAML), tmp_path / "out", NOW)
    with Image.open(photos(out)[480]) as image:
        assert image.mode == "RGB"
        corner = image.getpixel((2, 2))
        middle = image.getpixel((240, 240))
    assert isinstance(corner, tuple) and min(corner) > 245
    assert isinstance(middle, tuple) and middle[0] > 150 and middle[1] < 80


def test_pages_show_the_photo_with_srcset_bio_and_links(make_show, tmp_path: Path) -> None:
    out = publish(guest_show(make_show, photo_bytes(600, 600)), tmp_path / "out", NOW)
    name = next(iter(photos(out).values())).name.rsplit("-", 1)[0]  # photo-<id>
    episode = (out / "episodes/001-episode/index.html").read_text(encoding="utf-8")
    small = (
        f'src="../../guests/ada-lovelace/{name}-64.jpg" '
        f'srcset="../../guests/ada-lovelace/{name}-64.jpg 1x, '
        f'../../guests/ada-lovelace/{name}-128.jpg 2x" width="64" height="64" alt=""'
    )
    assert small in episode
    guest = (out / "guests/ada-lovelace/index.html").read_text(encoding="utf-8")
    assert (
        f'src="../../guests/ada-lovelace/{name}-240.jpg" '
        f'srcset="../../guests/ada-lovelace/{name}-240.jpg 1x, '
        f'../../guests/ada-lovelace/{name}-480.jpg 2x" width="240" height="240" '
        'alt="Photo of Ada Lovelace"'
    ) in guest
    assert '<p class="bio">Mathematician and writer.</p>' in guest
    assert re.search(r'href="https://x.com/ada_example"><svg class="icon icon-x"', guest)
    assert re.search(r'href="https://mastodon.example/@ada"><svg class="icon icon-mastodon"', guest)
    assert 'href="https://ada.example.org/"><svg class="icon icon-website"' in guest
    listing = (out / "guests/index.html").read_text(encoding="utf-8")
    assert f'src="../guests/ada-lovelace/{name}-64.jpg"' in listing
    assert '<span class="guest-initial" aria-hidden="true">C</span>' in listing
    babbage = (out / "guests/charles-babbage/index.html").read_text(encoding="utf-8")
    assert "guest-photo" not in babbage


def test_the_feed_names_the_photo_as_podcast_person_img(make_show, tmp_path: Path) -> None:
    only_ada = GUESTS.replace("  - Charles Babbage\n", "")  # feedparser keeps one person
    out = publish(guest_show(make_show, photo_bytes(600, 600), only_ada), tmp_path / "out", NOW)
    parsed = feedparser.parse((out / "feed.xml").read_bytes())
    entry = next(e for e in parsed.entries if e.title.startswith("Guest 1"))
    person = entry["podcast_person"]
    assert person["img"] == "https://show.example.org/podcast/art/ada.jpg"
    assert person["href"] == "https://ada.example.org/" and person["role"] == "guest"
    assert (out / "art/ada.jpg").read_bytes() == photo_bytes(600, 600)  # img= resolves


def test_a_photo_is_resized_again_only_when_it_changes(make_show, tmp_path: Path) -> None:
    show = guest_show(make_show, photo_bytes(600, 600))
    out = tmp_path / "out"
    publish(show, out, NOW)
    report = publish_site(show, out, NOW)
    assert report.written == []
    (show / "art/ada.jpg").write_bytes(photo_bytes(800, 800, red=90))
    os.utime(show / "art/ada.jpg", ns=(10**18, 10**18))
    report = publish_site(show, out, NOW)
    written = sorted(str(p) for p in report.written)
    photos_written = [p for p in written if "/photo-" in p]
    assert len(photos_written) == 4, written
    assert not [p for p in written if p.endswith(".html")], written
    with Image.open(photos(out)[480]) as image:
        assert image.size == (480, 480)


@pytest.mark.parametrize("url", ["https://cdn.example.org/ada.jpg"])
def test_a_photo_at_a_url_is_used_as_it_is(make_show, tmp_path: Path, url: str) -> None:
    show = guest_show(make_show, b"", GUESTS.replace("art/ada.jpg", url))
    out = publish(show, tmp_path / "out", NOW)
    assert photos(out) == {}
    guest = (out / "guests/ada-lovelace/index.html").read_text(encoding="utf-8")
    assert f'src="{url}" width="240"' in guest
    assert not re.search(r'<img[^>]* src="' + re.escape(url) + '"[^>]*srcset', guest)
    assert f'img="{url}"' in (out / "feed.xml").read_text(encoding="utf-8")


def test_import_keeps_a_guest_photo_url(tmp_path: Path) -> None:
    from test_import import episode_files, item, rss, run_import

    person = (
        '<podcast:person role="guest" href="https://ada.example.org/" '
        'img="https://cdn.example.org/ada.jpg">Ada Lovelace</podcast:person>'
    )
    _report, show = run_import(tmp_path, rss(item(1, person)))
    (episode,) = episode_files(show)
    assert episode["guests"] == [
        {
            "name": "Ada Lovelace",
            "url": "https://ada.example.org/",
            "photo": "https://cdn.example.org/ada.jpg",
        }
    ]
    assert not [d for d in check_show(show).diagnostics if d.is_error]
