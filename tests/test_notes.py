"""notes.to_text: the plain text that goes into ID3 tags, page descriptions and the feed.

Its output is written into every audio file's tags, so a change of even one
space re-tags a whole show and changes published enclosure lengths: the fast
implementation must give exactly what the plain regex chain below gives.
"""

from __future__ import annotations

import html
import re

from hypothesis import given, settings
from hypothesis import strategies as st

from gaepod.show.notes import to_html, to_text

# The straightforward definition to_text keeps to (what gaepod shipped first).
_TAG = re.compile(r"<[^>]*>")
_BLOCK_END = re.compile(r"</(p|li|h[1-6]|blockquote|pre|tr|dd|dt)>|<br\s*/?>", re.IGNORECASE)


def reference_text(fragment: str) -> str:
    text = _TAG.sub("", _BLOCK_END.sub("\n\n", fragment))
    text = re.sub(r"(?<!\n)\n(?!\n)", " ", text)
    text = re.sub(r"[ \t]+", " ", html.unescape(text))
    text = re.sub(r" *\n *", "\n", text)
    return re.sub(r"\n\s*\n+", "\n\n", text).strip()


def test_paragraphs_soft_breaks_and_entities() -> None:
    fragment = (
        "<h2>Links</h2>\n<p>First line\nsame paragraph &amp; more</p>\n"
        "<ul>\n<li>one</li>\n<li>two<br>three</li>\n</ul>\n<p>  spaced\t\tout  </p>"
    )
    assert to_text(fragment) == (
        "Links\n\nFirst line same paragraph & more\n\none\n\ntwo\n\nthree\n\nspaced out"
    )


def test_markdown_notes_read_as_paragraphs() -> None:
    notes = "Intro with *emphasis*\nand a soft break.\n\n- item one\n- item two\n\nBye &lt;3"
    assert to_text(to_html(notes)) == (
        "Intro with emphasis and a soft break.\n\nitem one\n\nitem two\n\nBye <3"
    )


def test_entities_that_decode_to_spaces_and_newlines_are_squeezed() -> None:
    assert to_text("<p>a&#9;&#9;b &#10; c</p>") == "a b\nc"
    assert to_text("<p>a&#32;&#32;b</p>\n\n\n<p>c</p>") == "a b\n\nc"


_PIECES = st.sampled_from(
    [" ", "  ", "\t", "\n", "\n\n", " \n", "\n ", "a", "Bé", "<p>", "</p>", "<br>", "<BR/>",
     "</LI>", "<em>", "&amp;", "&#9;", "&#10;", "&#32;", "&nbsp;", "\r", "&lt;b&gt;"]
)  # fmt: skip


@settings(max_examples=600, deadline=None)
@given(st.lists(_PIECES, max_size=40).map("".join))
def test_same_text_as_the_plain_regex_chain(fragment: str) -> None:
    assert to_text(fragment) == reference_text(fragment)
