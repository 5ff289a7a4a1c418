"""Show notes from a feed (HTML or plain text) -> an episode's `description`.

gaepod renders `description` as Markdown (raw HTML passes through) and
sanitizes the result, so an imported note must say, after that round trip,
what the original said. The rule:

1. Plain text (no tags) is read as HTML apps read it (entities decoded);
   each line break becomes a hard break and blank lines separate paragraphs.
2. HTML is parsed and flattened into blocks: containers the sanitizer would
   strip (`div`, `section`, `center`, ...) become paragraph boundaries, so
   what stood on its own line still does; scripts, styles and iframes, which
   gaepod never publishes, are dropped.
3. The blocks are written as Markdown when every text character survives
   as text: `\\ * _ [ ] < ` ~ |` and entity-like `&` are escaped everywhere,
   and at the start of a line also `# > - + =` and `1.`/`1)`, so nothing is
   re-read as a heading, list, quote, code block, table or link. Only
   p/h1-h6/ul/ol/blockquote/hr with a, strong/b, em/i, del/s, code, img and
   br inside are converted.
4. The Markdown is rendered and compared, element by element and text by
   text, with the sanitized blocks. Any difference (or anything not
   convertible) keeps the blocks as one raw HTML block instead: no blank
   lines (CommonMark would end the block there and read the rest as
   Markdown; newlines inside <pre> become `&#10;`) and starting with a
   block tag, so Markdown passes all of it through untouched.
"""

from __future__ import annotations

import html
import re
from typing import Any

from ..show.notes import ALLOWED_TAGS, sanitize, to_html, to_text
from .html import (
    BLOCKS,
    CONTAINERS,
    HEADINGS,
    HTML_SPACE,
    HTML_WS,
    flatten,
    html_block,
    same_reading,
    serialize,
)

_TAG = re.compile(
    r"<(?:[A-Za-z][A-Za-z0-9-]*(?:\s[^<>]*)?/?|/[A-Za-z][A-Za-z0-9-]*\s*|!--.*?--)>", re.DOTALL
)
_SPACES = re.compile(" {2,}")  # shown as one space in HTML, so written as one
_BLANK_LINE = re.compile(r"\n[ \t]*\n")
_ENTITY_LIKE = re.compile(r"&(?=#?[A-Za-z0-9]+;)")
_ESCAPED = re.compile(r"([\\`*\[\]<~|])")
_AUTOLINKED = re.compile(
    r"((?:https?://|www\.)[^\s<>]+|[A-Za-z0-9._+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+)",
    re.IGNORECASE,
)
_UNDERSCORE = re.compile(r"(?<![A-Za-z0-9])_|_(?![A-Za-z0-9])")
_LINE_START = re.compile(r"^([#>+=-])|^(\d{1,9})([.)])")
_UNSUPPORTED_INLINE = ALLOWED_TAGS - {"a", "b", "strong", "i", "em", "del", "s", "code", "img"}
_BR = "\x00"  # a hard line break while a paragraph is being assembled


def looks_like_html(text: str) -> bool:
    return _TAG.search(text) is not None


def notes_from_feed(raw: str) -> str:
    """The `description` to write for notes taken from a feed (see the module docstring)."""
    text = raw.strip()
    if not text:
        return ""
    source = text if looks_like_html(text) else _plain_to_html(html.unescape(text))
    blocks = flatten(source)
    if not blocks:
        return ""
    reference = sanitize("".join(serialize(block) for block in blocks))
    markdown = _markdown(blocks)
    if markdown is not None and same_reading(to_html(markdown), reference):
        return markdown
    block = html_block(blocks)
    if same_reading(to_html(block), reference):
        return block
    return html_block(flatten(reference))  # pragma: no cover - a safety net


def plain_text(raw: str) -> str:
    """Plain text of a field that should have none of HTML (itunes:summary/subtitle)."""
    text = raw.strip()
    if looks_like_html(text) or _ENTITY_LIKE.search(text):
        return to_text(sanitize(text))
    return "\n".join(" ".join(line.split()) for line in text.splitlines()).strip()


def _plain_to_html(text: str) -> str:
    paragraphs = _BLANK_LINE.split(text.replace("\r\n", "\n").strip())
    rendered = []
    for paragraph in paragraphs:
        lines = [html.escape(line.strip(), quote=False) for line in paragraph.split("\n")]
        rendered.append("<p>" + "<br>".join(line for line in lines if line) + "</p>")
    return "".join(rendered)


# -- blocks -> Markdown -----------------------------------------------------


class _Unconvertible(Exception):
    """Markdown cannot say this exactly; keep the HTML."""


def _markdown(blocks: list[Any]) -> str | None:
    try:
        return _blocks_markdown(blocks)
    except _Unconvertible:
        return None


def _blocks_markdown(blocks: list[Any]) -> str:
    parts: list[str] = []
    previous = ""
    for block in blocks:
        tag = block.tag
        if tag == "p":
            text = _lines_markdown(_inline(block))
        elif tag in HEADINGS:
            inner = _inline(block).replace(_BR, " ").strip(HTML_WS)
            text = f"{'#' * int(tag[1])} {inner.replace('#', chr(92) + '#')}" if inner else ""
        elif tag in ("ul", "ol"):
            text = _list_markdown(block, alternate=previous == tag)
        elif tag == "hr":
            text = "---"
        elif tag == "blockquote":
            if (block.text or "").strip(HTML_WS):
                raise _Unconvertible
            inner_md = _blocks_markdown(list(block))
            text = "\n".join(f"> {line}" if line else ">" for line in inner_md.split("\n"))
        else:
            raise _Unconvertible
        if text:
            parts.append(text)
            previous = tag
    return "\n\n".join(parts)


def _list_markdown(block: Any, *, alternate: bool) -> str:
    ordered = block.tag == "ol"
    start_text = block.get("start", "1")
    if not start_text.isdigit() or (block.text or "").strip(HTML_WS):
        raise _Unconvertible
    number = int(start_text)
    items = []
    for item in block:
        if item.tag != "li" or (item.tail or "").strip(HTML_WS):
            raise _Unconvertible
        if any(isinstance(c.tag, str) and c.tag in BLOCKS | CONTAINERS for c in item):
            raise _Unconvertible
        if ordered:
            marker = f"{number}{')' if alternate else '.'}"
            number += 1
        else:
            marker = "*" if alternate else "-"
        lines = _lines_markdown(_inline(item)).split("\n")
        indent = " " * (len(marker) + 1)
        body = lines[0] + "".join(f"\n{indent}{line}" for line in lines[1:])
        items.append(f"{marker} {body}".rstrip())
    return "\n".join(items)


def _lines_markdown(inline: str) -> str:
    """Split a paragraph at hard breaks; escape what a line start would make special."""
    lines = [_SPACES.sub(" ", line.strip(HTML_WS)) for line in inline.split(_BR)]
    while lines and not lines[0]:
        lines.pop(0)
    while lines and not lines[-1]:
        lines.pop()
    escaped = [_LINE_START.sub(_escape_line_start, line) for line in lines]
    text = ""
    for index, line in enumerate(escaped):
        if index:
            # a bare URL would take the break's backslash into the link: keep a space
            ends_in_url = _AUTOLINKED.search(escaped[index - 1].rsplit(" ", 1)[-1])
            text += " \\\n" if ends_in_url else "\\\n"
        text += line
    return text


def _escape_line_start(match: re.Match[str]) -> str:
    if match.group(1):
        return "\\" + match.group(1)
    return f"{match.group(2)}\\{match.group(3)}"


def _escape(text: str) -> str:
    """Backslash-escape text; bare URLs and emails stay as written, because GFM
    links them from the raw characters (an escape would show up in the link)."""
    parts = _AUTOLINKED.split(HTML_SPACE.sub(" ", text))
    for index in range(0, len(parts), 2):  # even parts lie between URLs
        part = _ESCAPED.sub(r"\\\1", parts[index])
        part = _UNDERSCORE.sub(r"\\_", part)
        parts[index] = _ENTITY_LIKE.sub(r"\\&", part)
    return "".join(parts)


def _inline(element: Any) -> str:
    parts = [_escape(element.text or "")]
    for child in element:
        parts.append(_inline_element(child))
        parts.append(_escape(child.tail or ""))
    return "".join(parts)


def _inline_element(element: Any) -> str:
    tag = element.tag.lower()
    if tag == "br":
        return _BR
    if tag in BLOCKS or tag in CONTAINERS or tag == "li":
        raise _Unconvertible
    if tag == "a":
        return _link(element)
    if tag in ("strong", "b", "em", "i", "del", "s"):
        delimiter = {"strong": "**", "b": "**", "em": "*", "i": "*"}.get(tag, "~~")
        inner = _inline(element)
        if _BR in inner:
            raise _Unconvertible
        core = inner.strip(HTML_WS)
        if not core:
            return inner
        lead = inner[: len(inner) - len(inner.lstrip(HTML_WS))]
        trail = inner[len(inner.rstrip(HTML_WS)) :]
        return f"{lead}{delimiter}{core}{delimiter}{trail}"
    if tag == "code":
        text = "".join(element.itertext())
        if len(element) or "`" in text or not text or text != text.strip(HTML_WS):
            raise _Unconvertible
        return f"`{HTML_SPACE.sub(' ', text)}`"
    if tag == "img":
        return _image(element)
    if tag in _UNSUPPORTED_INLINE:
        raise _Unconvertible
    return _inline(element)  # span, font, ...: the sanitizer keeps only their content


def _destination(url: str) -> str:
    if any(c in url for c in "<>\n\r"):
        raise _Unconvertible
    url = _ENTITY_LIKE.sub(r"\\&", url.replace("\\", "\\\\"))
    return f"<{url}>" if any(c in url for c in " ()\t") else url


def _title(element: Any) -> str:
    title = element.get("title")
    if title is None:
        return ""
    title = HTML_SPACE.sub(" ", title).replace("\\", "\\\\").replace('"', '\\"')
    return f' "{title}"'


def _link(element: Any) -> str:
    inner = _inline(element)
    href = element.get("href")
    if href is None:
        return inner
    if _BR in inner:
        raise _Unconvertible
    return f"[{inner}]({_destination(href)}{_title(element)})"


def _image(element: Any) -> str:
    src = element.get("src")
    if not src or "width" in element.attrib or "height" in element.attrib:
        raise _Unconvertible
    alt = _escape(element.get("alt", ""))
    return f"![{alt}]({_destination(src)}{_title(element)})"


# -- comparing what a reader sees -------------------------------------------
