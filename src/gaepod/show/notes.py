"""Show notes: Markdown -> safe HTML, and HTML -> plain text.

cmark-gfm (CommonMark + GitHub tables/autolinks, in C: fast; see cmark_html)
renders with raw HTML allowed, then nh3 (the Ammonia sanitizer) keeps only harmless markup:
no <script>, no event handlers, no javascript: URLs, no iframes. The same
HTML goes into the feed and the pages.
"""

from __future__ import annotations

import html
import re

import nh3
from cmarkgfm.cmark import Options

from ..speed.memo import remembered
from . import cmark as cmark_html

ALLOWED_TAGS = {
    "a",
    "abbr",
    "b",
    "blockquote",
    "br",
    "cite",
    "code",
    "del",
    "dd",
    "dl",
    "dt",
    "em",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "i",
    "img",
    "kbd",
    "li",
    "mark",
    "ol",
    "p",
    "pre",
    "q",
    "s",
    "small",
    "strong",
    "sub",
    "sup",
    "table",
    "tbody",
    "td",
    "tfoot",
    "th",
    "thead",
    "tr",
    "u",
    "ul",
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "abbr": {"title"},
    "img": {"src", "alt", "title", "width", "height"},
    "ol": {"start"},
    "td": {"align"},
    "th": {"align"},
}
URL_SCHEMES = {"http", "https", "mailto"}
# Raw HTML passes cmark untouched (no GFM tagfilter, which would turn <script>
# into visible text) so that nh3 can drop dangerous elements with their content.
_OPTIONS = Options.CMARK_OPT_UNSAFE
_EXTENSIONS = ["table", "autolink", "strikethrough"]
_TAG = re.compile(r"<[^>]*>")
_BLOCK_END = re.compile(r"</(p|li|h[1-6]|blockquote|pre|tr|dd|dt)>|<br\s*/?>", re.IGNORECASE)
# The patterns below start with the character they look for, or are only run when the
# text holds it: a pattern that may match anywhere is tried at every character, and
# to_text runs on every episode's notes (for the tags, the pages and the feed).
_SPACES = re.compile(r"[ \t]{2,}|\t")  # runs to squeeze into one space
_BLANKS = re.compile(r"\n\s*\n+")
_SOFT_BREAK = re.compile(r"\n(?<!\n\n)(?!\n)")  # a newline alone
_LINE_EDGES = re.compile(r" \n ?|\n ")  # once spaces are squeezed: a space beside a newline


@remembered("notes.html")
def to_html(markdown: str) -> str:
    """Render Markdown show notes to sanitized HTML."""
    if not markdown:
        return ""
    return sanitize(cmark_html.render(markdown, _OPTIONS, _EXTENSIONS)).strip()


def sanitize(fragment: str) -> str:
    """Keep only safe tags, attributes and URL schemes of an HTML fragment."""
    return _CLEANER.clean(fragment)


# Built once: nh3.clean would convert these settings for every call (~15 us of ~65).
_CLEANER = nh3.Cleaner(
    tags=ALLOWED_TAGS,
    attributes=ALLOWED_ATTRIBUTES,
    url_schemes=URL_SCHEMES,
    link_rel=None,
    clean_content_tags={
        "script",
        "style",
        "iframe",
        "svg",
        "math",
        "object",
        "template",
        "noscript",
        "textarea",
        "title",
    },
    strip_comments=True,
)


def to_text(fragment: str) -> str:
    """Plain text of an HTML fragment: blocks become paragraphs, entities decoded."""
    text = _TAG.sub("", _BLOCK_END.sub("\n\n", fragment))
    text = html.unescape(_SOFT_BREAK.sub(" ", text))  # soft line breaks read as spaces
    if "\t" in text or "  " in text:
        text = _SPACES.sub(" ", text)
    if " \n" in text or "\n " in text:
        text = _LINE_EDGES.sub("\n", text)
    return _BLANKS.sub("\n\n", text).strip()


def truncate(text: str, max_bytes: int) -> str:
    """Cut text at a word boundary so that its UTF-8 form fits max_bytes (with '…')."""
    if len(text.encode()) <= max_bytes:
        return text
    cut = text.encode()[: max_bytes - 3].decode("utf-8", "ignore")
    space = cut.rfind(" ")
    if space > len(cut) // 2:
        cut = cut[:space]
    return cut.rstrip(" ,;:.") + "…"
