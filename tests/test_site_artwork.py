"""Cover and episode art at the sizes the pages show it (site/artwork.py): real JPEGs
of 96-640 px made with Pillow, srcset on every <img> of artwork, the original kept for
the feed and Open Graph, each size made again only when its source changed."""

from __future__ import annotations

import io
import os
import re
from pathlib import Path

from PIL import Image

from conftest import jpeg_bytes
from gaepod.model import Artwork
from gaepod.show.check import check_show
from gaepod.site.artwork import art_file, art_sizes
from gaepod.site.plan import plan_site
from test_site import NOW, SITE_YAML, publish


def test_each_local_image_is_published_at_every_smaller_size(make_show, tmp_path: Path) -> None:
    out = publish(make_show(2, show_yaml=SITE_YAML), tmp_path / "out")
    sized = sorted((out / "art/sized").iterdir())
    assert [p.name.rsplit("-", 1)[1] for p in sized] == [
        "192.jpg",
        "320.jpg",
        "640.jpg",
        "96.jpg",
    ]
    for path in sized:
        with Image.open(io.BytesIO(path.read_bytes())) as image:
            size = int(path.stem.rsplit("-", 1)[1])
            assert (image.format, image.size) == ("JPEG", (size, size))
    assert (out / "art/cover.jpg").read_bytes() == jpeg_bytes()  # the original, unchanged
    home = (out / "index.html").read_text()
    brand = re.search(r'<a class="brand"[^>]*><img ([^>]*)>', home)
    assert brand is not None
    assert re.fullmatch(
        r'src="art/sized/cover-\w+-96\.jpg" srcset="art/sized/cover-\w+-96\.jpg 1x, '
        r'art/sized/cover-\w+-96\.jpg 2x" width="44" height="44" alt=""',
        brand[1],
    )
    featured = re.search(r'<img class="art" ([^>]*)>', home)
    assert featured is not None and "-320.jpg 1x" in featured[1] and "-640.jpg 2x" in featured[1]
    page = (out / "episodes/001-episode/index.html").read_text()
    assert 'property="og:image" content="https://show.example.org/podcast/art/cover.jpg"' in page


def test_images_are_never_enlarged_and_remote_ones_are_left_alone() -> None:
    small = Artwork("https://x.org/a.jpg", Path("/show/art/a.jpg"), "art/a.jpg", 300, 300)
    assert art_sizes(small) == (96, 192)
    assert art_sizes(Artwork("https://cdn.example.org/a.jpg", width=3000, height=3000)) == ()
    # Two images with one name in different folders get different files.
    other = Artwork("https://x.org/b/a.jpg", Path("/show/art/b/a.jpg"), "art/b/a.jpg", 300, 300)
    assert art_file(small, 96) != art_file(other, 96)


def test_a_size_is_made_again_only_when_its_source_changes(make_show) -> None:
    root = make_show(1, show_yaml=SITE_YAML)

    def keys() -> dict[str, str]:
        podcast = check_show(root).podcast
        assert podcast is not None
        return {p.relpath: p.key for p in plan_site(podcast, NOW) if "/sized/" in p.relpath}

    before = keys()
    assert len(before) == 4 and before == keys()
    cover = root / "art/cover.jpg"
    cover.write_bytes(jpeg_bytes(1500))
    os.utime(cover, ns=(1, 1))
    after = keys()
    assert set(after) == set(before) and all(after[k] != before[k] for k in before)
