"""Bytes of a YAML file -> a tree of positioned raw nodes, plus diagnostics.

Built from libyaml's event stream so that every value keeps its line and
column, duplicate keys are caught, anchors/aliases and tags are refused and
no YAML 1.1 type guessing happens (`no` stays the text "no"; the validator
decides what a scalar means from the field it belongs to). Never raises on
bad input.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import cast

import yaml

from ..errors import Diagnostic

MAX_FILE_BYTES = 512 * 1024
MAX_DEPTH = 24

# C0 controls except tab/LF/CR, DEL and C1 controls: XML 1.0 cannot carry most
# of them and none belongs in show text.
CONTROL_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")

try:  # libyaml is ~50x faster than the pure-Python parser
    _Loader: type = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - wheels ship libyaml
    _Loader = yaml.SafeLoader


@dataclass
class Node:
    line: int  # 1-based
    column: int  # 1-based


@dataclass
class Scalar(Node):
    value: str
    is_plain: bool  # unquoted and not a block scalar: YAML 1.2 null/bool/int forms apply

    @property
    def is_null(self) -> bool:
        return self.is_plain and self.value in ("", "~", "null", "Null", "NULL")


@dataclass
class Sequence(Node):
    items: list[Node] = field(default_factory=list)


@dataclass
class Mapping(Node):
    # key -> (key node, value node), in file order
    entries: dict[str, tuple[Scalar, Node]] = field(default_factory=dict)

    def get(self, key: str) -> Node | None:
        entry = self.entries.get(key)
        return entry[1] if entry else None


@dataclass
class Document:
    path: Path
    root: Node | None  # None: the file is empty or could not be parsed
    diagnostics: list[Diagnostic]

    @property
    def is_readable(self) -> bool:
        return self.root is not None


TOO_LARGE_HINT = (
    "episode files hold metadata and show notes; move long text (transcripts) into a separate file"
)


def read_document(
    path: Path, max_bytes: int = MAX_FILE_BYTES, too_large_hint: str = TOO_LARGE_HINT
) -> Document:
    """Read and parse one YAML file; problems come back as diagnostics.

    `max_bytes` caps what a hand-written file may hold; files gaepod writes and
    that grow with the show (the ledger) pass a larger cap, and their own advice
    for a file beyond it.
    """
    try:
        with path.open("rb") as handle:
            data = handle.read(max_bytes + 1)
    except OSError as exc:
        return _failed(path, 0, 0, "E001", f"cannot read the file: {exc.strerror}", "")
    return capped_document(path, data, max_bytes, too_large_hint)


def capped_document(
    path: Path, data: bytes, max_bytes: int = MAX_FILE_BYTES, too_large_hint: str = TOO_LARGE_HINT
) -> Document:
    """read_document for bytes already read (at most `max_bytes` + 1 of them)."""
    if len(data) > max_bytes:
        return _failed(
            path,
            0,
            0,
            "E002",
            f"file is larger than {_size(max_bytes)}",
            too_large_hint,
        )
    return parse_document(path, data)


def _size(count: int) -> str:
    if count >= 1024 * 1024:
        return f"{count // (1024 * 1024)} MiB"
    return f"{count // 1024} KiB" if count >= 1024 else f"{count} bytes"


def parse_document(path: Path, data: bytes) -> Document:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line, column = _position_of(data, exc.start)
        return _failed(
            path,
            line,
            column,
            "E003",
            "the file is not valid UTF-8",
            "save the file with UTF-8 encoding",
        )
    text = text.removeprefix("\ufeff")
    bad = CONTROL_CHARS.search(text)
    if bad:
        line, column = _position_of_text(text, bad.start())
        return _failed(
            path,
            line,
            column,
            "E004",
            f"control character U+{ord(bad.group()):04X} in the file",
            "delete it (often pasted from a word processor or terminal)",
        )
    builder = _TreeBuilder(path)
    try:
        for event in yaml.parse(text, Loader=_Loader):
            builder.feed(event)
            if builder.stopped:
                break
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        if exc.context == "while scanning a simple key" and exc.context_mark is not None:
            mark = exc.context_mark  # the line with the key missing its ':', not the next one
        problem = exc.problem or exc.context or "invalid YAML"
        if mark is None:
            return _failed(
                path, 0, 0, "E005", f"YAML syntax error: {problem}", _syntax_hint(problem)[0]
            )
        written = _line_at(text, mark.line)
        hint, column = _syntax_hint(problem, written, mark.column)
        return _failed(
            path, mark.line + 1, column + 1, "E005", f"YAML syntax error: {problem}", hint
        )
    except (yaml.YAMLError, ValueError, RecursionError) as exc:
        return _failed(path, 0, 0, "E005", f"YAML syntax error: {exc}", "")
    # Continuable problems (duplicate keys) keep the tree so that the rest of
    # the file is still validated; fatal ones (builder.stopped) drop it.
    return Document(path, None if builder.stopped else builder.root, builder.diagnostics)


QUOTE_HINT = 'a value containing ": " must be quoted, e.g. title: "Guest: Topic"'
DEEPER_KEY_HINT = (
    "check the indentation: this key is indented deeper than the keys before it, so YAML "
    "reads it as part of the value above; line it up with them"
)
STRAY_KEY_HINT = (
    "check the indentation: this line does not line up with the keys of the mapping it belongs to"
)
LIST_ITEM_HINT = (
    'check the indentation: in a list each item starts with "- ", and its other keys '
    "line up under its first key"
)
TRAILING_TEXT_HINT = "quote the whole value: nothing may follow a closing quote or ] on its line"


def _syntax_hint(problem: str, written: str = "", column: int = 0) -> tuple[str, int]:
    """The likely fix for a YAML syntax error, told from the line where the parser
    stopped (`written`, at 0-based `column`), and the column to point at.

    The same message means different mistakes: "mapping values are not allowed" is an
    unquoted ": " inside a value, or a key indented under the line above it.
    """
    if (
        written[column : column + 1] == "\t"
        or "found character '\\t'" in problem
        or "tab" in problem
    ):
        return "indent with spaces, not tabs", column
    indent = len(written) - len(written.lstrip(" "))
    if "mapping values are not allowed" in problem:
        if column == _first_key_colon(written):  # the line is a `key: value` of its own
            return DEEPER_KEY_HINT, indent
        return QUOTE_HINT, column
    if "did not find expected key" in problem:
        return (STRAY_KEY_HINT, column) if column == indent else (TRAILING_TEXT_HINT, column)
    if "did not find expected '-' indicator" in problem:
        return LIST_ITEM_HINT, column
    if "could not find expected ':'" in problem:
        return "each line inside a mapping needs `key: value`", column
    return "check indentation and quoting around this position", column


def _first_key_colon(written: str) -> int:
    """Where the first `: ` (or a final `:`) of a line is: what ends its key; -1 if none."""
    found = re.search(r":(?=[ \t]|$)", written)
    return found.start() if found else -1


class _TreeBuilder:
    """Turns parser events into nodes with an explicit stack (no recursion)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.root: Node | None = None
        self.diagnostics: list[Diagnostic] = []
        self.stopped = False
        self._stack: list[Mapping | Sequence] = []
        self._pending_key: list[Scalar | None] = []
        self._documents = 0
        self._skip_depth = 0  # >0 while discarding the value of a duplicate key

    def _error(self, event: yaml.Event, code: str, message: str, hint: str) -> None:
        self._warn_continue(event, code, message, hint)
        self.stopped = True

    def _warn_continue(self, event: yaml.Event, code: str, message: str, hint: str) -> None:
        """Record an error that does not stop reading the rest of the file."""
        line, column = _event_position(event)
        self.diagnostics.append(Diagnostic(self.path, line, column, code, message, hint))

    def feed(self, event: yaml.Event) -> None:
        if self._skip_depth:
            self._skip(event)
            return
        kind = type(event)
        if kind in _END_EVENTS:
            self._close(event)
            return
        if kind not in _NODE_EVENTS:
            self._marker(event)
            return
        node = cast("yaml.ScalarEvent | yaml.CollectionStartEvent", event)
        # Nearly every event of an episode file is a plain node: checked with two
        # attribute reads (a build parses every file, ~45 events each).
        if (node.anchor is not None or node.tag is not None) and self._refused(node):
            return
        line, column = _event_position(event)
        if isinstance(node, yaml.ScalarEvent):
            self._add_scalar(node, line, column)
        elif kind is yaml.MappingStartEvent:
            self._open(event, Mapping(line, column))
        else:
            self._open(event, Sequence(line, column))

    def _marker(self, event: yaml.Event) -> None:
        """An event that is not a node: documents are counted, aliases refused."""
        if isinstance(event, yaml.DocumentStartEvent):
            self._documents += 1
            if self._documents > 1:
                self._error(
                    event,
                    "E006",
                    "more than one YAML document in the file",
                    "remove the `---` line; one file holds one episode",
                )
        elif isinstance(event, yaml.AliasEvent):
            self._error(
                event,
                "E007",
                f"alias *{event.anchor} is not allowed",
                "write the value out in full; episode files do not use anchors",
            )

    def _refused(self, node: yaml.ScalarEvent | yaml.CollectionStartEvent) -> bool:
        """True (and an error recorded) for an anchor or a tag other than a plain string's."""
        if node.anchor is not None:
            self._error(
                node,
                "E007",
                f"anchor &{node.anchor} is not allowed",
                "write the value out in full; episode files do not use anchors",
            )
            return True
        if node.tag not in (None, "!", "tag:yaml.org,2002:str"):
            self._error(
                node,
                "E008",
                f"YAML tag {node.tag} is not allowed",
                "remove the tag; gaepod reads each value by its field",
            )
            return True
        return False

    def _close(self, event: yaml.Event) -> None:
        node = self._stack.pop()
        self._pending_key.pop()
        if not self._stack:
            self.root = node
        else:
            self._attach(event, node)

    def _add_scalar(self, event: yaml.ScalarEvent, line: int, column: int) -> None:
        style = event.style
        # Only a double-quoted escape ("\x01") can make a control character: the file's
        # text was searched for them before parsing.
        bad = CONTROL_CHARS.search(event.value) if style == '"' else None
        if bad:
            self._warn_continue(
                event,
                "E004",
                f"control character U+{ord(bad.group()):04X} in the text",
                "remove the escape sequence that produces it",
            )
        self._add(event, Scalar(line, column, event.value, not style and event.tag is None))

    def _skip(self, event: yaml.Event) -> None:
        """Consume the events of one discarded value (scalar or whole collection)."""
        if isinstance(event, yaml.CollectionStartEvent):
            self._skip_depth += 1
        elif isinstance(event, yaml.CollectionEndEvent):
            self._skip_depth -= 1
        if self._skip_depth == 1 and not isinstance(event, yaml.CollectionStartEvent):
            self._skip_depth = 0

    def _open(self, event: yaml.Event, node: Mapping | Sequence) -> None:
        if len(self._stack) >= MAX_DEPTH:
            self._error(
                event,
                "E009",
                f"nesting deeper than {MAX_DEPTH} levels",
                "episode files need only a few levels of nesting",
            )
            return
        if self._stack and isinstance(self._stack[-1], Mapping) and self._pending_key[-1] is None:
            self._error(
                event, "E010", "a mapping key must be plain text", "write keys as `name: value`"
            )
            return
        self._stack.append(node)
        self._pending_key.append(None)

    def _add(self, event: yaml.Event, node: Scalar) -> None:
        if not self._stack:
            self.root = node
            return
        parent = self._stack[-1]
        if isinstance(parent, Mapping) and self._pending_key[-1] is None:
            if node.value in parent.entries:
                first = parent.entries[node.value][0]
                self._warn_continue(
                    event,
                    "E011",
                    f"duplicate key '{node.value}'",
                    f"'{node.value}' is already set on line {first.line}; "
                    "keep one (YAML would silently use the last)",
                )
                self._skip_depth = 1  # the first value stays; drop this one
                return
            self._pending_key[-1] = node
            return
        self._attach(event, node)

    def _attach(self, event: yaml.Event, node: Node) -> None:
        parent = self._stack[-1]
        if isinstance(parent, Sequence):
            parent.items.append(node)
            return
        key = self._pending_key[-1]
        if key is None:
            self._error(
                event, "E010", "a mapping key must be plain text", "write keys as `name: value`"
            )
            return
        parent.entries[key.value] = (key, node)
        self._pending_key[-1] = None


def _event_position(event: yaml.Event) -> tuple[int, int]:
    mark = event.start_mark
    return (mark.line + 1, mark.column + 1) if mark is not None else (0, 0)


def _failed(path: Path, line: int, column: int, code: str, message: str, hint: str) -> Document:
    return Document(path, None, [Diagnostic(path, line, column, code, message, hint)])


_NODE_EVENTS = (yaml.ScalarEvent, yaml.MappingStartEvent, yaml.SequenceStartEvent)
_END_EVENTS = (yaml.MappingEndEvent, yaml.SequenceEndEvent)
_LINE_BREAK = re.compile(r"\r\n|\r|\n")


def _line_at(text: str, line: int) -> str:
    """The 0-based `line` of `text`, counting lines as libyaml does ("" past the end)."""
    lines = _LINE_BREAK.split(text)
    return lines[line] if line < len(lines) else ""


def _position_of(data: bytes, offset: int) -> tuple[int, int]:
    return _position_of_text(data[:offset].decode("utf-8", "replace"), None)


def _position_of_text(text: str, offset: int | None) -> tuple[int, int]:
    """1-based line and column of `offset`; \r\n, \r and \n all end a line (as in YAML)."""
    head = text if offset is None else text[:offset]
    breaks = list(_LINE_BREAK.finditer(head))
    line_start = breaks[-1].end() if breaks else 0
    return len(breaks) + 1, len(head) - line_start + 1
