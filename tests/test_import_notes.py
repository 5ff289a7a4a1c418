"""Show notes from a feed -> `description`: what a listener reads must not change."""

from __future__ import annotations

import html
import random

import pytest

from gaepod.importer.notes import looks_like_html, notes_from_feed, plain_text
from gaepod.importer.yaml_text import dump
from gaepod.show.notes import sanitize, to_html, to_text

STRUCTURE = ("<h1", "<h2", "<ul", "<ol", "<li", "<pre", "<blockquote", "<em", "<strong", "<a ")
STRUCTURE += ("<table", "<del", "<code", "<hr", "<img")


def shown(description: str) -> str:
    return to_text(to_html(description))


def squeeze(text: str) -> str:
    return "".join(text.split())


@pytest.mark.parametrize(
    "text",
    [
        "# not a heading",
        "## Episode #12 #",
        "- not a list",
        "+ not a list",
        "* not a list",
        "1. not a list",
        "2) not a list",
        "    not code",
        "> not a quote",
        "*not emphasis* and **not strong**",
        "_not emphasis_ but snake_case_name stays",
        "[not](a link) and ![not](an image)",
        "<b>not bold</b> <script>not a script</script>",
        "a | b",
        "===",
        "---",
        "`not code`",
        "~~not struck~~ ~ tilde",
        "&copy; is not an entity, &#169; neither, AT&T stays",
        "backslash \\ and \\*",
        "```",
        "[ref]: /local/page",
    ],
)
def test_plain_text_that_looks_like_markdown_stays_text(text: str) -> None:
    description = notes_from_feed(html.escape(text, quote=False))
    rendered = to_html(description)
    assert not any(tag in rendered for tag in STRUCTURE), (description, rendered)
    assert shown(description) == " ".join(text.split())


def test_plain_text_keeps_its_lines_and_paragraphs() -> None:
    description = notes_from_feed("First line\nsecond line\n\nNew paragraph\n  - item?")
    assert description == "First line\\\nsecond line\n\nNew paragraph\\\n\\- item?"
    assert to_html(description) == (
        "<p>First line<br>\nsecond line</p>\n<p>New paragraph<br>\n- item?</p>"
    )


def test_a_bare_url_before_a_line_break_keeps_its_link_clean() -> None:
    description = notes_from_feed("Site: https://example.org/a_b\nMail: me_too@example.org\nEnd")
    rendered = to_html(description)
    assert 'href="https://example.org/a_b"' in rendered
    assert 'href="mailto:me_too@example.org"' in rendered
    assert "\\" not in shown(description)


def test_simple_html_becomes_markdown() -> None:
    raw = (
        "<p>Hi <b>there</b>, see <a href='https://x.example/?a=1&amp;b=2' title='T'>this</a>"
        "<br/>and <i>that</i>.</p><ul><li>one</li><li>two <code>x()</code></li></ul>"
        "<h2>Links</h2><ol start='3'><li>three</li></ol><hr><blockquote><p>quoted</p></blockquote>"
    )
    assert notes_from_feed(raw) == (
        'Hi **there**, see [this](https://x.example/?a=1&b=2 "T")\\\nand *that*.\n\n'
        "- one\n- two `x()`\n\n## Links\n\n3. three\n\n---\n\n> quoted"
    )


def test_containers_the_sanitizer_strips_become_paragraph_breaks() -> None:
    raw = "<div><div>Title</div><div>Body <span style='x'>text</span></div></div>Tail"
    assert notes_from_feed(raw) == "Title\n\nBody text\n\nTail"


def test_what_gaepod_never_publishes_is_dropped() -> None:
    raw = "<p>a</p><script>alert(1)</script><style>p{}</style><iframe src='x'></iframe><p>b</p>"
    assert notes_from_feed(raw) == "a\n\nb"


@pytest.mark.parametrize(
    "raw",
    [
        "<table><tr><td>a</td><td>b</td></tr></table>",
        "<p>under <u>lined</u> and H<sub>2</sub>O</p>",
        "<pre>code\n\n  indented</pre><p>after</p>",
        "<p>two</p>\n\n\n<p>para <img src='https://x.example/i.png' width='10'></p>",
        "<dl><dt>term</dt><dd>def</dd></dl>",
    ],
)
def test_html_markdown_cannot_say_is_kept_as_one_html_block(raw: str) -> None:
    description = notes_from_feed(raw)
    assert description.startswith("<")
    assert "\n\n" not in description  # a blank line would end the HTML block
    assert squeeze(shown(description)) == squeeze(to_text(sanitize(raw)))
    assert to_html(description) == sanitize(description).strip()


def test_html_blocks_hold_no_tabs_or_trailing_spaces_so_yaml_keeps_them_readable() -> None:
    raw = "<table>\n\t<tr>\t<td>a\tb</td>   \n\t</tr></table>\n<pre>\tx\n\n y</pre>"
    description = notes_from_feed(raw)
    assert "\t" not in description
    assert all(line == line.strip(" ") for line in description.split("\n"))
    assert dump({"description": description}).startswith("description: |")
    assert "<pre>\tx\n\n y</pre>" in to_html(description)


def test_preformatted_text_keeps_its_blank_lines() -> None:
    description = notes_from_feed("<pre>line 1\n\nline 3</pre>")
    assert "<pre>line 1\n\nline 3</pre>" in to_html(description)


def test_html_text_with_blank_lines_is_not_read_as_markdown() -> None:
    raw = "Intro text\n\n# not a heading\n\n    not code\n<p>para</p>"
    description = notes_from_feed(raw)
    rendered = to_html(description)
    assert "<h1" not in rendered and "<pre" not in rendered
    assert squeeze(shown(description)) == squeeze(to_text(sanitize(raw)))


def test_summaries_are_plain_text() -> None:
    assert plain_text("&quot;Soy Juli&aacute;n&quot; <b>x</b>") == '"Soy Julián" x'
    assert plain_text("  one\n  two  ") == "one\ntwo"


FUZZ_TOKENS = [
    *"abc *_[]()<>#-+=.!|~`\\&;:/",
    " ",
    "\n",
    "\n\n",
    "1.",
    "2)",
    "http://x.org/a_b*c",
    "www.x.org",
    "me@x.org",
    "&amp;",
    "&lt;",
    "&copy;",
    "    ",
]
FUZZ_TAGS = ["<b>", "</b>", "<i>", "</i>", "<br>", "<p>", "</p>", "<div>", "</div>", "<li>"]
FUZZ_TAGS += ['<a href="https://x.org/?q=1&amp;r=2">', "</a>", "<ul>", "</ul>", "<code>", "</code>"]


@pytest.mark.parametrize("seed", range(6))
def test_random_notes_read_the_same_after_the_round_trip(seed: int) -> None:
    chooser = random.Random(seed)
    for _ in range(60):
        plain = "".join(chooser.choice(FUZZ_TOKENS) for _ in range(chooser.randint(1, 40)))
        tokens = FUZZ_TOKENS + FUZZ_TAGS
        marked = "".join(chooser.choice(tokens) for _ in range(chooser.randint(1, 40)))
        for raw in (plain, marked):
            description = notes_from_feed(raw)
            plain_view = html.escape(html.unescape(raw), quote=False)
            reference = raw if looks_like_html(raw) else plain_view
            assert squeeze(shown(description)) == squeeze(to_text(sanitize(reference))), (
                raw,
                description,
            )
