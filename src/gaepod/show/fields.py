"""Typed reading of raw YAML nodes, field by field, collecting diagnostics.

Each scalar is interpreted by the type of the field it fills, never by YAML's
own guess: `title: no` is the text "no", `number: 010` is ten, and a boolean
field accepts only true/false.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone, tzinfo
from pathlib import Path
from urllib.parse import urlsplit

from ..errors import Diagnostic, Severity
from .load import Mapping, Node, Scalar, Sequence, read_document

_INT = re.compile(r"[+-]?[0-9]+")
_TRUE = ("true", "True", "TRUE")
_FALSE = ("false", "False", "FALSE")
_YAML11_BOOLS = (
    "yes",
    "Yes",
    "YES",
    "no",
    "No",
    "NO",
    "on",
    "On",
    "ON",
    "off",
    "Off",
    "OFF",
    "y",
    "Y",
    "n",
    "N",
    "clean",
    "explicit",
)
_DATETIME = re.compile(
    r"(?P<date>\d{4}-\d{2}-\d{2})"
    r"(?:[Tt ]+(?P<time>\d{1,2}:\d{2}(?::\d{2}(?:\.\d{1,6})?)?)"
    r"\s*(?P<zone>[Zz]|[+-]\d{2}(?::?\d{2})?)?)?"
)
_EMAIL = re.compile(
    r"[^@\s<>(),;:\"]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9-]+)+"
)
_CLOCK = re.compile(r"(?:(?:(\d+):)?(\d{1,2}):)?(\d+(?:\.\d{1,3})?)")


def kind_of(node: Node) -> str:
    if isinstance(node, Mapping):
        return "a mapping"
    if isinstance(node, Sequence):
        return "a list"
    return "text"


def read_fields_file(
    path: Path, what: str, empty_message: str, empty_hint: str
) -> tuple[Mapping | None, FieldReader]:
    """Read a YAML file that must hold a mapping of fields (podcast.yaml, an episode).

    Returns the mapping (None when the file is unreadable, empty or not a
    mapping) and a reader that already holds every problem found so far.
    """
    document = read_document(path)
    reader = FieldReader(path)
    reader.diagnostics.extend(document.diagnostics)
    if document.root is None:
        if not document.diagnostics:
            reader.error(None, "E140", empty_message, empty_hint)
        return None, reader
    if not isinstance(document.root, Mapping):
        reader.error(
            document.root,
            "E103",
            f"{what} must be a mapping of fields",
            "write one `field: value` per line",
        )
        return None, reader
    return document.root, reader


class FieldReader:
    """Reads typed values out of nodes of one file and records what is wrong."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.diagnostics: list[Diagnostic] = []

    # -- reporting ---------------------------------------------------------
    def error(self, node: Node | None, code: str, message: str, hint: str = "") -> None:
        line, column = (node.line, node.column) if node else (0, 0)
        self.diagnostics.append(Diagnostic(self.path, line, column, code, message, hint))

    def warn(self, node: Node | None, code: str, message: str, hint: str = "") -> None:
        line, column = (node.line, node.column) if node else (0, 0)
        self.diagnostics.append(
            Diagnostic(self.path, line, column, code, message, hint, Severity.WARNING)
        )

    # -- structure ---------------------------------------------------------
    def check_keys(self, mapping: Mapping, known: Collection[str], what: str) -> None:
        for key, (key_node, _value) in mapping.entries.items():
            if key in known:
                continue
            close = difflib.get_close_matches(key, list(known), n=1, cutoff=0.6)
            hint = (
                f"did you mean '{close[0]}'?"
                if close
                else (f"known {what} fields: {', '.join(sorted(known))}")
            )
            self.error(key_node, "E101", f"unknown {what} field '{key}'", hint)

    def require(self, mapping: Mapping, key: str, what: str, example: str) -> Node | None:
        node = mapping.get(key)
        if node is None or (isinstance(node, Scalar) and node.is_null):
            self.error(
                node or mapping,
                "E102",
                f"missing required {what} field '{key}'",
                f"add a line like `{example}`",
            )
            return None
        return node

    def mapping(self, node: Node | None, field: str) -> Mapping | None:
        if node is None or (isinstance(node, Scalar) and node.is_null):
            return None
        if not isinstance(node, Mapping):
            self.error(
                node,
                "E103",
                f"'{field}' must be a mapping, found {kind_of(node)}",
                "indent its `key: value` lines under it",
            )
            return None
        return node

    def sequence(self, node: Node | None, field: str) -> list[Node]:
        if node is None or (isinstance(node, Scalar) and node.is_null):
            return []
        if not isinstance(node, Sequence):
            self.error(
                node,
                "E103",
                f"'{field}' must be a list, found {kind_of(node)}",
                f"write `{field}: [a, b]` or one `- item` per line",
            )
            return []
        return node.items

    # -- scalars -----------------------------------------------------------
    def text(self, node: Node | None, field: str, *, max_length: int = 0) -> str | None:
        """A text value exactly as written (stripped); None when absent or empty."""
        if node is None:
            return None
        if not isinstance(node, Scalar):
            self.error(
                node,
                "E104",
                f"'{field}' must be text, found {kind_of(node)}",
                "quote the value if it contains ':' or starts with '[' or '{'",
            )
            return None
        if node.is_null:
            return None
        value = node.value.strip()
        if max_length and len(value) > max_length:
            self.error(
                node,
                "E105",
                f"'{field}' is {len(value)} characters long",
                f"keep it under {max_length} characters",
            )
        return value or None

    def integer(self, node: Node | None, field: str, *, minimum: int = 0) -> int | None:
        if node is None:
            return None
        if not isinstance(node, Scalar) or node.is_null:
            if isinstance(node, Scalar):
                return None
            self.error(node, "E104", f"'{field}' must be a whole number, found {kind_of(node)}")
            return None
        raw = node.value.strip()
        if not _INT.fullmatch(raw):
            self.error(
                node,
                "E106",
                f"'{field}' must be a whole number, not '{raw}'",
                f"write digits only, e.g. `{field}: 12`",
            )
            return None
        value = int(raw, 10)  # decimal even with a leading zero (YAML 1.1 reads 010 as 8)
        if value < minimum:
            self.error(node, "E107", f"'{field}' must be at least {minimum}, not {value}")
            return None
        return value

    def boolean(self, node: Node | None, field: str) -> bool | None:
        if node is None:
            return None
        if not isinstance(node, Scalar):
            self.error(node, "E108", f"'{field}' must be true or false, found {kind_of(node)}")
            return None
        if node.is_null:
            return None
        raw = node.value.strip()
        if node.is_plain and raw in _TRUE:
            return True
        if node.is_plain and raw in _FALSE:
            return False
        if raw in _YAML11_BOOLS or not node.is_plain:
            hint = f"write `{field}: true` or `{field}: false`"
            if raw.lower() in ("yes", "explicit", "true"):
                hint = f"write `{field}: true`"
            elif raw.lower() in ("no", "clean", "false"):
                hint = f"write `{field}: false`"
            if not node.is_plain and raw.lower() in ("true", "false"):
                hint += " (without quotes)"
        else:
            hint = f"write `{field}: true` or `{field}: false`"
        self.error(node, "E108", f"'{field}' must be true or false, not '{raw}'", hint)
        return None

    def choice(self, node: Node | None, field: str, choices: Collection[str]) -> str | None:
        value = self.text(node, field)
        if value is None:
            return None
        if value not in choices:
            close = difflib.get_close_matches(value, list(choices), n=1)
            hint = f"did you mean '{close[0]}'?" if close else f"one of: {', '.join(choices)}"
            self.error(
                node, "E109", f"'{field}' must be one of {', '.join(choices)}, not '{value}'", hint
            )
            return None
        return value

    def url(self, node: Node | None, field: str) -> str | None:
        value = self.text(node, field)
        if value is None:
            return None
        if not is_http_url(value):
            self.error(
                node,
                "E110",
                f"'{field}' must be an absolute http(s) URL, not '{value}'",
                "write the full address, e.g. https://example.org/page",
            )
            return None
        return value

    def email(self, node: Node | None, field: str) -> str | None:
        value = self.text(node, field)
        if value is None:
            return None
        if not _EMAIL.fullmatch(value):
            self.error(
                node,
                "E111",
                f"'{field}' is not a valid email address: '{value}'",
                "write it as name@example.org",
            )
            return None
        return value

    def datetime(
        self, node: Node | None, field: str, zone: tzinfo | None, zone_name: str | None
    ) -> datetime | None:
        """An ISO 8601 date-time; without an offset the show's time zone applies."""
        value = self.text(node, field)
        if value is None:
            return None
        example = f"`{field}: 2025-05-07T09:30:00-05:00`"
        try:
            reading = parse_datetime(value, zone)
        except DateTimeError as exc:
            detail = f" ({exc.detail})" if exc.detail else ""
            hint = (
                "add an offset (e.g. -05:00 or Z) or set `timezone:` in podcast.yaml"
                if exc.code == "E114"
                else f"write {example}"
            )
            self.error(node, exc.code, f"'{field}' {exc.reason}: '{value}'{detail}", hint)
            return None
        if not reading.has_time:
            self.warn(
                node,
                "W115",
                f"'{field}' has no time of day; using midnight {zone_name}",
                f"write {example}",
            )
        if not reading.exists:
            self.warn(
                node,
                "W117",
                f"'{field}' {value} does not exist in {zone_name} (the clocks jump forward then)",
                "write the time with its UTC offset",
            )
        return reading.moment

    def clock(self, node: Node | None, field: str) -> int | None:
        """A position in the audio as milliseconds: `HH:MM:SS.mmm`, `MM:SS` or seconds."""
        value = self.text(node, field)
        if value is None:
            return None
        match = _CLOCK.fullmatch(value)
        if not match:
            self.error(
                node,
                "E116",
                f"'{field}' is not a time in the audio: '{value}'",
                'write it as "HH:MM:SS.mmm", e.g. "00:12:30.000"',
            )
            return None
        hours, minutes, seconds = match.groups()
        if (hours is not None or minutes is not None) and float(seconds) >= 60:
            self.error(
                node,
                "E116",
                f"'{field}' has {seconds} seconds: '{value}'",
                "seconds must be below 60",
            )
            return None
        if hours is not None and int(minutes or 0) >= 60:
            self.error(
                node,
                "E116",
                f"'{field}' has {minutes} minutes: '{value}'",
                "minutes must be below 60",
            )
            return None
        total = int(hours or 0) * 3600 + int(minutes or 0) * 60
        return total * 1000 + round(float(seconds) * 1000)

    def text_list(self, node: Node | None, field: str) -> list[tuple[str, Node]]:
        items = []
        for item in self.sequence(node, field):
            value = self.text(item, f"{field} entry")
            if value is not None:
                items.append((value, item))
        return items


_HTML_TAG = re.compile(r"</?[A-Za-z][A-Za-z0-9-]*(?:\s[^<>]*)?/?>")


def warn_html_in_title(reader: FieldReader, node: Node | None, title: str | None) -> None:
    """W740: a title with HTML-like text, which apps show as it is (or drop)."""
    found = _HTML_TAG.search(title or "")
    if found is not None:
        reader.warn(
            node,
            "W740",
            f"the title contains HTML-like text '{found[0]}'",
            "titles are plain text: apps show the tag as written (feed validators flag it); "
            "remove it, or write it without angle brackets",
        )


def is_http_url(value: str) -> bool:
    try:
        parts = urlsplit(value)
    except ValueError:
        return False
    return (
        parts.scheme in ("http", "https")
        and bool(parts.hostname)
        and not any(c.isspace() for c in value)
    )


DATETIME_FORMS = "2025-05-07, 2025-05-07T09:30, 2025-05-07T09:30:00 or 2025-05-07T09:30-05:00"


class DateTimeError(ValueError):
    """Why a text is not a date-time; `code` is the diagnostic code the YAML reader uses."""

    def __init__(self, code: str, reason: str, detail: str = "") -> None:
        super().__init__(f"{reason} ({detail})" if detail else reason)
        self.code = code
        self.reason = reason  # e.g. "is not a date-time"
        self.detail = detail  # what Python said about an impossible date, if anything


@dataclass(frozen=True)
class DateTimeReading:
    moment: datetime  # always aware
    has_time: bool  # False: a date alone, read as midnight
    exists: bool  # False: a local time the clocks skip (a daylight-saving jump)


def parse_datetime(value: str, zone: tzinfo | None) -> DateTimeReading:
    """Read a date-time as an episode's `date:` is read, for every place a host writes one.

    Accepts DATETIME_FORMS; a date alone or a time without an offset is in `zone`
    (refused when `zone` is None). Raises DateTimeError.
    """
    match = _DATETIME.fullmatch(value.strip())
    if not match:
        raise DateTimeError("E112", "is not a date-time")
    try:
        day = date.fromisoformat(match["date"])
        clock = time.fromisoformat(_pad_clock(match["time"])) if match["time"] else time(0)
    except ValueError as exc:
        raise DateTimeError("E113", "is not a real date or time", str(exc)) from None
    moment = datetime.combine(day, clock)
    has_time = bool(match["time"])
    if match["zone"]:
        try:
            offset = _parse_offset(match["zone"])
        except ValueError:
            raise DateTimeError("E113", "has an impossible UTC offset") from None
        return DateTimeReading(moment.replace(tzinfo=offset), has_time, exists=True)
    if zone is None:
        raise DateTimeError("E114", "has no time zone")
    local = moment.replace(tzinfo=zone)
    exists = local.astimezone(timezone.utc).astimezone(zone).replace(tzinfo=None) == moment
    return DateTimeReading(local, has_time, exists)


def _pad_clock(clock: str) -> str:
    head, _, rest = clock.partition(":")
    return head.zfill(2) + ":" + rest


def _parse_offset(raw: str) -> tzinfo:
    if raw in ("Z", "z"):
        return timezone.utc
    sign = -1 if raw[0] == "-" else 1
    digits = raw[1:].replace(":", "")
    hours, minutes = int(digits[:2]), int(digits[2:4] or 0)
    return timezone(sign * timedelta(hours=hours, minutes=minutes))
