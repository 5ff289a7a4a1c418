"""Feed HTML as blocks a reader sees, and the test that two renderings read the same.

Used by import_notes: `flatten` parses a note and returns its top-level
blocks (p, ul, ol, h1-h6, blockquote, pre, hr, table, dl): containers the
sanitizer would strip (`div`, `section`, ...) become block boundaries, so
what stood on its own line still does, and what gaepod never publishes
(scripts, styles, iframes) is dropped, except a YouTube player, which
becomes a link to its video. `html_block` writes blocks as one
CommonMark HTML block. `same_reading` compares two sanitized HTML
fragments element by element and text by text, ignoring only what no
reader sees (whitespace HTML collapses, empty elements, b/strong spelling,
GFM's links around bare URLs). Pure: no I/O.
"""

from __future__ import annotations

import re
from typing import Any

import lxml.html
from lxml import etree

from ..show.notes import ALLOWED_TAGS
from ..show.video import watch_url, youtube_video_id

HTML_SPACE = re.compile(r"[ \t\n\r\f]+")
HTML_WS = " \t\n\r\f"
_PRE = re.compile(r"<pre\b.*?</pre>", re.DOTALL | re.IGNORECASE)

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
_SAME_TAG = {"b": "strong", "i": "em", "s": "del", "strike": "del"}


def flatten(fragment: str) -> list[Any]:
    """Parse HTML and return top-level blocks; loose inline content becomes <p>."""
    try:
        root = lxml.html.fragment_fromstring(fragment, create_parent="div")
    except (etree.ParserError, ValueError):
        return []
    for element in list(root.iter()):
        if not isinstance(element.tag, str):
            _remove(element)
        elif element.tag.lower() == "iframe" and youtube_video_id(element.get("src") or ""):
            _as_video_link(element)
        elif element.tag.lower() in DROPPED:
            _remove(element)
    out: list[Any] = []
    _collect_blocks(root, out)
    return out


def _as_video_link(iframe: Any) -> None:
    """A YouTube player embedded in the notes becomes a link to the video (gaepod never
    publishes iframes; the episode's page plays it after a click, see `platforms`)."""
    video = youtube_video_id(iframe.get("src") or "")
    assert video is not None
    link = iframe.makeelement("a", {"href": watch_url(video)})
    link.text = watch_url(video)
    link.tail = iframe.tail
    iframe.getparent().replace(iframe, link)


def youtube_videos(fragment: str) -> list[str]:
    """The ids of the YouTube videos embedded (as iframes) in an HTML fragment, in order."""
    if "<iframe" not in fragment.lower():
        return []
    try:
        root = lxml.html.fragment_fromstring(fragment, create_parent="div")
    except (etree.ParserError, ValueError):
        return []
    found = (youtube_video_id(e.get("src") or "") for e in root.iter("iframe"))
    return list(dict.fromkeys(video for video in found if video))


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
        (isinstance(item, str) and item.strip(HTML_WS)) or not isinstance(item, str) for item in run
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


def serialize(element: Any) -> str:
    text: str = lxml.html.tostring(element, encoding="unicode", with_tail=False)
    return text


def html_block(blocks: list[Any]) -> str:
    """The blocks as one CommonMark HTML block: no blank line (it would end the
    block) and no tab or trailing space (a YAML `|` block could not hold it).
    Whitespace is insignificant in HTML outside <pre>; inside, it becomes
    character references."""
    parts: list[str] = []
    for block in blocks:
        text = _PRE.sub(
            lambda m: m.group(0).replace("\n", "&#10;").replace("\t", "&#9;"), serialize(block)
        ).replace("\t", " ")
        parts.extend(line.strip(" ") for line in text.split("\n") if line.strip(" "))
    result = "\n".join(parts)
    if blocks[0].tag not in BLOCKS - {"pre"}:
        result = f"<div>\n{result}\n</div>"
    return result


_BLOCK_TOKENS = BLOCKS | {"li", "hr", "tr", "td", "th", "dt", "dd", "thead", "tbody"}


def same_reading(rendered: str, reference: str) -> bool:
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
            text = HTML_SPACE.sub(" ", token[1])
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
