"""Themes: a theme's template can extend the package's own ("gaepod/episode.html") and
replace one block; the stylesheet's colours and fonts are CSS variables set in one
:root block; the README's Themes section names every block and every variable."""

from __future__ import annotations

import re
from pathlib import Path

from gaepod.site.theme import STATIC, TEMPLATES
from site_tools import REPO
from test_site import SITE_YAML, publish

STYLE = re.sub(r"/\*.*?\*/", "", (STATIC / "style.css").read_text(), flags=re.S)  # no comments
_BLOCK = re.compile(r"{%-?\s*block\s+(\w+)")
_DEFINED = re.compile(r"^\s*(--[\w-]+)\s*:", re.M)
_COLOUR = re.compile(r"#[0-9a-fA-F]{3,8}\b|\brgba?\(|\bhsla?\(|\b(?:white|black)\b(?!-)")


def root_block(css: str) -> str:
    start = css.index(":root {")
    return css[start : css.index("\n}", start)]


def test_a_theme_extends_the_package_template_and_replaces_one_block(
    make_show, tmp_path: Path
) -> None:
    files = {
        "theme/templates/episode.html": (
            '{% extends "gaepod/episode.html" %}\n'
            "{% block share %}{% endblock %}\n"
            '{% block notes %}<p class="ours">Our words first.</p>{{ super() }}{% endblock %}\n'
        ),
        "theme/templates/base.html": (
            '{% extends "gaepod/base.html" %}\n'
            "{% block styles %}{{ super() }}"
            '<link rel="stylesheet" href="{{ root }}{{ assets }}/colours.css">{% endblock %}\n'
        ),
        "theme/static/colours.css": ":root { --accent: #0b6e4f; }\n",
    }
    root = make_show(1, files=files, show_yaml=SITE_YAML)
    out = publish(root, tmp_path / "out")
    page = (out / "episodes/001-episode/index.html").read_text()
    assert 'class="share"' not in page  # the block the theme emptied
    assert page.index('<p class="ours">Our words first.</p>') < page.index('id="notes-heading"')
    assert 'class="audio-player"' in page and 'class="episode-head"' in page  # the rest
    links = re.findall(r'<link rel="stylesheet" href="([^"]+)">', page)
    assert links == ["../../assets/style.css", "../../assets/colours.css"]  # ours after
    assert (out / "assets/colours.css").read_text() == ":root { --accent: #0b6e4f; }\n"
    assert "colours.css" in (out / "index.html").read_text()  # every page's layout


def test_colours_and_fonts_are_variables_set_in_one_root_block() -> None:
    assert STYLE.count(":root") == 1
    block = root_block(STYLE)
    rest = STYLE.replace(block, "")
    assert _COLOUR.findall(rest) == [], "a colour outside the :root block"
    assert not re.search(r"font(?:-family)?:[^;]*\b(?:serif|sans-serif|monospace)\b", rest)
    defined = set(_DEFINED.findall(block))
    used = set(re.findall(r"var\((--[\w-]+)", STYLE))
    local = set(re.findall(r"(--[\w-]+)\s*:", rest))  # set where used: --thumb
    script = (STATIC / "player.js").read_text()
    by_script = set(re.findall(r'setProperty\("(--[\w-]+)"', script))  # --progress, --at
    assert used - defined - local - by_script == set()
    for name in ("--bg", "--text", "--accent", "--font-body", "--font-heading"):
        assert name in defined


def test_the_readme_lists_every_block_and_variable() -> None:
    readme = (REPO / "README.md").read_text()
    section = readme[readme.index("### Themes") :]
    section = section[: section.index("\n## ")]
    for template in sorted(TEMPLATES.glob("*.html")):
        for block in _BLOCK.findall(template.read_text()):
            assert f"`{block}`" in section, (template.name, block)
    for variable in _DEFINED.findall(root_block(STYLE)):
        assert f"`{variable}`" in section, variable
