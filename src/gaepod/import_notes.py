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

import lxml.html
from lxml import etree

from .notes import ALLOWED_TAGS, sanitize, to_html

_TAG = re.compile(
    r"<(?:[A-Za-z][A-Za-z0-9-]*(?:\s[^<>]*)?/?|/[A-Za-z][A-Za-z0-9-]*\s*|!--.*?--)>", re.DOTALL
)
_HTML_SPACE = re.compile(r"[ \t\n\r\f]+")
_HTML_WS = " \t\n\r\f"
_SPACES = re.compile(" {2,}")  # shown as one space in HTML, so written as one
_BLANK_LINE = re.compile(r"\n[ \t]*\n")
_PRE = re.compile(r"<pre\b.*?</pre>", re.DOTALL | re.IGNORECASE)
_ENTITY_LIKE = re.compile(r"&(?=#?[A-Za-z0-9]+;)")
_ESCAPED = re.compile(r"([\\`*\[\]<~|])")
_AUTOLINKED = re.compile(
    r"((?:https?://|www\.)[^\s<>]+|[A-Za-z0-9._+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+)",
    re.IGNORECASE,
)
_UNDERSCORE = re.compile(r"(?<![A-Za-z0-9])_|_(?![A-Za-z0-9])")
_LINE_START = re.compile(r"^([#>+=-])|^(\d{1,9})([.)])")

HEADINGS = {f"h{n}" for n in range(1, 7)}
BLOCKS = {"p", "ul", "ol", "blockquote", "pre", "hr", "table", "dl"} | HEADINGS
CONTAINERS = {
    "div", "section", "article", "header", "footer", "main", "aside", "nav", "figure",
    "figcaption", "center", "address", "details", "summary", "fieldset", "form", "hgroup",
    "dialog", "body", "html", "dir", "menu",
}  # fmt: skip
# What the sanitizer removes with its content: never shown, so not kept either.
DROPPED = {
    "script", "style", "iframe", "svg", "math", "object", "template", "noscript",
    "textarea", "title", "head", "embed",
}  # fmt: skip
_UNSUPPORTED_INLINE = ALLOWED_TAGS - {"a", "b", "strong", "i", "em", "del", "s", "code", "img"}
_SAME_TAG = {"b": "strong", "i": "em", "s": "del", "strike": "del"}
_BR = "\x00"  # a hard line break while a paragraph is being assembled


def looks_like_html(text: str) -> bool:
    return _TAG.search(text) is not None


def notes_from_feed(raw: str) -> str:
    """The `description` to write for notes taken from a feed (see the module docstring)."""
    text = raw.strip()
    if not text:
        return ""
    source = text if looks_like_html(text) else _plain_to_html(html.unescape(text))
    blocks = _flatten(source)
    if not blocks:
        return ""
    reference = sanitize("".join(_serialize(block) for block in blocks))
    markdown = _markdown(blocks)
    if markdown is not None and _same(to_html(markdown), reference):
        return markdown
    block = _html_block(blocks)
    if _same(to_html(block), reference):
        return block
    return _html_block(_flatten(reference))  # pragma: no cover - a safety net


def plain_text(raw: str) -> str:
    """Plain text of a field that should have none of HTML (itunes:summary/subtitle)."""
    text = raw.strip()
    if looks_like_html(text) or _ENTITY_LIKE.search(text):
        from .notes import to_text

        return to_text(sanitize(text))
    return "\n".join(line.strip() for line in text.splitlines()).strip()


def _plain_to_html(text: str) -> str:
    paragraphs = _BLANK_LINE.split(text.replace("\r\n", "\n").strip())
    rendered = []
    for paragraph in paragraphs:
        lines = [html.escape(line.strip(), quote=False) for line in paragraph.split("\n")]
        rendered.append("<p>" + "<br>".join(line for line in lines if line) + "</p>")
    return "".join(rendered)


# -- HTML -> blocks ---------------------------------------------------------


def _flatten(fragment: str) -> list[Any]:
    """Parse HTML and return top-level blocks; loose inline content becomes <p>."""
    try:
        root = lxml.html.fragment_fromstring(fragment, create_parent="div")
    except (etree.ParserError, ValueError):
        return []
    for element in list(root.iter()):
        if not isinstance(element.tag, str) or element.tag.lower() in DROPPED:
            _remove(element)
    out: list[Any] = []
    _collect_blocks(root, out)
    return out


def _remove(element: Any) -> None:
    parent = element.getparent()
    if parent is None:
        return
    tail = element.tail or ""
    previous = element.getprevious()
    if previous is not None:
        previous.tail = (previous.tail or "") + tail
    else:
        parent.text = (parent.text or "") + tail
    parent.remove(element)


def _collect_blocks(container: Any, out: list[Any]) -> None:
    run: list[Any] = []
    if container.text:
        run.append(container.text)
    for child in list(container):
        tail, child.tail = child.tail, None
        tag = child.tag.lower() if isinstance(child.tag, str) else ""
        if tag in CONTAINERS:
            _close_run(run, out)
            _collect_blocks(child, out)
        elif tag in BLOCKS:
            _close_run(run, out)
            out.append(_tidy_block(child))
        else:
            run.append(child)
        if tail:
            run.append(tail)
    _close_run(run, out)


def _close_run(run: list[Any], out: list[Any]) -> None:
    has_content = any(
        (isinstance(item, str) and item.strip(_HTML_WS)) or not isinstance(item, str)
        for item in run
    )
    if has_content:
        paragraph = lxml.html.Element("p")
        for item in run:
            if isinstance(item, str):
                last = paragraph[-1] if len(paragraph) else None
                if last is None:
                    paragraph.text = (paragraph.text or "") + item
                else:
                    last.tail = (last.tail or "") + item
            else:
                paragraph.append(item)
        out.append(paragraph)
    run.clear()


def _tidy_block(block: Any) -> Any:
    """Inside list items and quotes, containers become paragraph boundaries too."""
    targets = block.findall("li") if block.tag in ("ul", "ol") else []
    if block.tag == "blockquote":
        targets = [block]
    for target in targets:
        if any(isinstance(c.tag, str) and c.tag in CONTAINERS | BLOCKS for c in target):
            inner: list[Any] = []
            _collect_blocks(target, inner)
            target.text = None
            for child in list(target):
                target.remove(child)
            target.extend(inner)
    return block


def _serialize(element: Any) -> str:
    text: str = lxml.html.tostring(element, encoding="unicode", with_tail=False)
    return text


def _html_block(blocks: list[Any]) -> str:
    parts: list[str] = []
    for block in blocks:
        text = _PRE.sub(lambda m: m.group(0).replace("\n", "&#10;"), _serialize(block))
        parts.extend(line.rstrip(" \t") for line in text.split("\n") if line.strip(" \t"))
    result = "\n".join(parts)
    if blocks[0].tag not in BLOCKS - {"pre"}:
        result = f"<div>\n{result}\n</div>"
    return result


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
            inner = _inline(block).replace(_BR, " ").strip(_HTML_WS)
            text = f"{'#' * int(tag[1])} {inner.replace('#', chr(92) + '#')}" if inner else ""
        elif tag in ("ul", "ol"):
            text = _list_markdown(block, alternate=previous == tag)
        elif tag == "hr":
            text = "---"
        elif tag == "blockquote":
            if (block.text or "").strip(_HTML_WS):
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
    if not start_text.isdigit() or (block.text or "").strip(_HTML_WS):
        raise _Unconvertible
    number = int(start_text)
    items = []
    for item in block:
        if item.tag != "li" or (item.tail or "").strip(_HTML_WS):
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
    lines = [_SPACES.sub(" ", line.strip(_HTML_WS)) for line in inline.split(_BR)]
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
    parts = _AUTOLINKED.split(_HTML_SPACE.sub(" ", text))
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
        core = inner.strip(_HTML_WS)
        if not core:
            return inner
        lead = inner[: len(inner) - len(inner.lstrip(_HTML_WS))]
        trail = inner[len(inner.rstrip(_HTML_WS)) :]
        return f"{lead}{delimiter}{core}{delimiter}{trail}"
    if tag == "code":
        text = "".join(element.itertext())
        if len(element) or "`" in text or not text or text != text.strip(_HTML_WS):
            raise _Unconvertible
        return f"`{_HTML_SPACE.sub(' ', text)}`"
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
    title = _HTML_SPACE.sub(" ", title).replace("\\", "\\\\").replace('"', '\\"')
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

_BLOCK_TOKENS = BLOCKS | {"li", "hr", "tr", "td", "th", "dt", "dd", "thead", "tbody"}


def _same(rendered: str, reference: str) -> bool:
    return _signature(rendered) == _signature(reference)


def _signature(fragment: str) -> list[tuple[str, ...]]:
    """Elements, attributes and text of sanitized HTML, with whitespace and empty
    elements that no reader sees taken out, and b/i/s read as strong/em/del."""
    if not fragment.strip():
        return []
    root = lxml.html.fragment_fromstring(fragment, create_parent="div")
    tokens: list[tuple[str, ...]] = []
    _tokens(root, tokens, top=True)
    while True:
        before = list(tokens)
        tokens = _tidy_tokens(tokens)
        if tokens == before:
            return tokens


def _tokens(element: Any, tokens: list[tuple[str, ...]], *, top: bool = False) -> None:
    tag = _SAME_TAG.get(element.tag, element.tag) if isinstance(element.tag, str) else ""
    attributes = tuple(f"{k}={v}" for k, v in sorted(element.attrib.items()))
    if tag == "ol":
        attributes = tuple(a for a in attributes if a != "start=1")
    transparent = top or tag not in ALLOWED_TAGS or (tag == "a" and "href" not in element.attrib)
    if tag in ("br", "hr", "img"):
        tokens.append(("v", tag, *attributes))
    elif tag == "p":
        tokens.append(("|",))
    elif not transparent:
        tokens.append(("o", tag, *attributes))
    if tag not in ("br", "hr", "img"):
        if element.text:
            tokens.append(("t", element.text))
        for child in element:
            _tokens(child, tokens)
            if child.tail:
                tokens.append(("t", child.tail))
    if tag == "p":
        tokens.append(("|",))
    elif not transparent and tag not in ("br", "hr", "img"):
        tokens.append(("c", tag))


def _is_block(token: tuple[str, ...] | None) -> bool:
    return token is None or token[0] == "|" or (token[0] != "t" and token[1] in _BLOCK_TOKENS)


def _is_line_edge(token: tuple[str, ...] | None) -> bool:
    """Whitespace next to a block or a line break is not shown."""
    return _is_block(token) or token == ("v", "br")


def _tidy_tokens(tokens: list[tuple[str, ...]]) -> list[tuple[str, ...]]:
    out: list[tuple[str, ...]] = []
    for token in tokens:
        previous = out[-1] if out else None
        if token[0] == "t" and previous is not None and previous[0] == "t":
            out[-1] = ("t", previous[1] + token[1])
            continue
        if token[0] == "c" and previous is not None and previous[:2] == ("o", token[1]):
            out.pop()  # an empty element shows nothing
            continue
        out.append(token)
    # autolinks (GFM links bare URLs; the text is what the reader sees either way)
    linked: list[tuple[str, ...]] = []
    for token in out:
        if (
            token[0] == "c"
            and token[1] == "a"
            and len(linked) >= 2
            and linked[-1][0] == "t"
            and linked[-2][:2] == ("o", "a")
            and len(linked[-2]) == 3
        ):
            text = linked[-1][1]
            href = linked[-2][2].removeprefix("href=")
            if href in (text, "http://" + text, "mailto:" + text):
                linked[-2:] = [("t", text)]
                continue
        linked.append(token)
    tidy: list[tuple[str, ...]] = []
    for index, token in enumerate(linked):
        before = tidy[-1] if tidy else None
        after = linked[index + 1] if index + 1 < len(linked) else None
        if token[0] == "t":
            text = _HTML_SPACE.sub(" ", token[1])
            if _is_line_edge(before):
                text = text.lstrip(" ")
            if _is_line_edge(after):
                text = text.rstrip(" ")
            if text:
                tidy.append(("t", text))
            continue
        if token == ("|",) and (_is_block(before) or _is_block(after)):
            continue  # paragraph edges next to other blocks add nothing
        if token == ("v", "br") and (before in (None, ("|",)) or after in (None, ("|",))):
            continue  # a break at the start or end of a paragraph shows nothing
        tidy.append(token)
    return tidy
