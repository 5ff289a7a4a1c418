"""podcast.yaml's Podcasting 2.0 fields -> Show's: locked, medium, people, license,
location, txt, updateFrequency, podroll, trailers, block and value. Each rule reports
`file:line` and the fix; nothing here writes."""

from __future__ import annotations

import difflib
import re
import uuid
from datetime import timezone, tzinfo
from pathlib import Path
from typing import Any

from ..model import RemoteItem, UpdateFrequency
from .fields import FieldReader
from .load import Mapping, Node, Scalar
from .podcast20 import (
    NAME_LIMIT,
    read_license,
    read_locations,
    read_people,
    read_txt,
    read_value,
)
from .trailers import read_trailers
from .vocab20 import MEDIUMS, SERVICE_SLUGS

SHOW_FIELDS_20 = (
    "locked",
    "medium",
    "people",
    "license",
    "location",
    "txt",
    "update_frequency",
    "podroll",
    "value",
    "block_platforms",
    "allow_platforms",
    "trailers",
)
UPDATE_FIELDS = ("text", "rrule", "dtstart", "complete")
PODROLL_FIELDS = ("feed_guid", "feed_url", "title")

_FREQUENCIES = ("SECONDLY", "MINUTELY", "HOURLY", "DAILY", "WEEKLY", "MONTHLY", "YEARLY")
_DAY = r"(?:MO|TU|WE|TH|FR|SA|SU)"
_BYDAY = re.compile(rf"(?:[+-]?(?:[1-9]|[1-4][0-9]|5[0-3]))?{_DAY}")
_UNTIL = re.compile(r"\d{8}(?:T\d{6}Z?)?|\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}:\d{2}(?:\.\d{1,3})?Z)?")
# RRULE parts with a list of whole numbers: their allowed magnitude, and whether 0 is one
_NUMBER_LISTS = {
    "BYSECOND": (0, 60),
    "BYMINUTE": (0, 59),
    "BYHOUR": (0, 23),
    "BYMONTHDAY": (1, 31),
    "BYYEARDAY": (1, 366),
    "BYWEEKNO": (1, 53),
    "BYMONTH": (1, 12),
    "BYSETPOS": (1, 366),
}
_SIGNED = {"BYMONTHDAY", "BYYEARDAY", "BYWEEKNO", "BYSETPOS"}


def read_show_20(
    reader: FieldReader,
    doc: Mapping,
    root: Path,
    link: str,
    media_base_url: str | None,
    zone: tzinfo | None,
    zone_name: str | None,
) -> dict[str, Any]:
    """Show's Podcasting 2.0 fields, as keyword arguments."""
    locked = reader.boolean(doc.get("locked"), "locked")
    return {
        "is_locked": locked is not False,
        "medium": reader.choice(doc.get("medium"), "medium", MEDIUMS),
        "people": tuple(
            read_people(reader, doc.get("people"), "people", "host", (root, root, link))
        ),
        "license": read_license(reader, doc.get("license")),
        "locations": tuple(read_locations(reader, doc.get("location"))),
        "txt": tuple(read_txt(reader, doc.get("txt"))),
        "update_frequency": _read_update_frequency(
            reader, doc.get("update_frequency"), zone, zone_name
        ),
        "value": read_value(reader, doc.get("value")),
        "podroll": tuple(_read_podroll(reader, doc.get("podroll"))),
        "platform_blocks": tuple(_read_platform_blocks(reader, doc)),
        "trailers": tuple(
            read_trailers(reader, doc.get("trailers"), root, media_base_url, zone, zone_name)
        ),
    }


def _read_podroll(reader: FieldReader, node: Node | None) -> list[RemoteItem]:
    """Feeds the show recommends: `{feed_guid, feed_url, title}` (podcast:remoteItem)."""
    items = []
    for item in reader.sequence(node, "podroll"):
        entry = reader.mapping(item, "podroll entry")
        if entry is None:
            continue
        reader.check_keys(entry, PODROLL_FIELDS, "podroll")
        guid_node = reader.require(entry, "feed_guid", "podroll", "feed_guid: 917393e3-...")
        guid = reader.text(guid_node, "podroll feed_guid")
        url = reader.url(entry.get("feed_url"), "podroll feed_url")
        title = reader.text(entry.get("title"), "podroll title", max_length=NAME_LIMIT)
        if guid is not None and podcast_guid_problem(guid):
            reader.error(
                guid_node,
                "E717",
                f"'feed_guid' is not a podcast:guid (a UUID): '{guid}'",
                "copy the other show's podcast:guid from its feed or from Podcast Index",
            )
            continue
        if guid is not None:
            items.append(RemoteItem(str(uuid.UUID(guid)), url, title))
    return items


def _read_platform_blocks(reader: FieldReader, doc: Mapping) -> list[tuple[str | None, bool]]:
    """podcast:block: `block_platforms: [google, amazon]` (or `all`), and
    `allow_platforms: [...]`, the exceptions to `block_platforms: all`."""
    blocks: list[tuple[str | None, bool]] = []
    block_node = doc.get("block_platforms")
    blocks_all = _is_text(block_node) and reader.text(block_node, "block_platforms") == "all"
    if blocks_all:
        blocks.append((None, True))
    else:
        blocks += [(slug, True) for slug in _read_slugs(reader, block_node, "block_platforms")]
    allow_node = doc.get("allow_platforms")
    allowed = _read_slugs(reader, allow_node, "allow_platforms")
    if allowed and not blocks_all:
        reader.warn(
            allow_node,
            "W719",
            "'allow_platforms' without `block_platforms: all` allows what is not blocked",
            "write `block_platforms: all` to block every platform but these",
        )
    blocks += [(slug, False) for slug in allowed]
    return blocks


def _is_text(node: Node | None) -> bool:
    return isinstance(node, Scalar) and not node.is_null


def _read_slugs(reader: FieldReader, node: Node | None, field: str) -> list[str]:
    slugs = []
    for slug, item in reader.text_list(node, field):
        if slug not in SERVICE_SLUGS:
            reader.error(item, "E718", f"'{slug}' is not a service slug", platform_slug_hint(slug))
            continue
        slugs.append(slug)
    return slugs


def _read_update_frequency(
    reader: FieldReader, node: Node | None, zone: tzinfo | None, zone_name: str | None
) -> UpdateFrequency | None:
    entry = reader.mapping(node, "update_frequency")
    if entry is None:
        return None
    reader.check_keys(entry, UPDATE_FIELDS, "update_frequency")
    text = reader.text(
        reader.require(entry, "text", "update_frequency", "text: Every other Monday"),
        "update_frequency text",
        max_length=NAME_LIMIT,
    )
    rrule_node = entry.get("rrule")
    rrule = reader.text(rrule_node, "update_frequency rrule")
    dtstart_node = entry.get("dtstart")
    moment = reader.datetime(dtstart_node, "update_frequency dtstart", zone, zone_name)
    complete = bool(reader.boolean(entry.get("complete"), "update_frequency complete"))
    if rrule is not None:
        problem = rrule_problem(rrule, has_start=moment is not None)
        if problem is not None:
            reader.error(rrule_node, "E715", f"'rrule' {problem[0]}: '{rrule}'", problem[1])
            rrule = None
    elif not complete:
        reader.warn(
            entry,
            "W716",
            "'update_frequency' has no 'rrule'",
            "apps read the schedule from it: add e.g. `rrule: FREQ=WEEKLY;INTERVAL=2`, "
            "or `complete: true` when no more episodes will come",
        )
    if text is None:
        return None
    dtstart = None
    if moment is not None:
        dtstart = moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.000Z")
    return UpdateFrequency(text, rrule, dtstart, complete)


def rrule_problem(rrule: str, has_start: bool) -> tuple[str, str] | None:
    """What is wrong with an RFC 5545 recurrence rule, as (message, hint); None if nothing."""
    example = "e.g. `FREQ=WEEKLY;INTERVAL=2;BYDAY=MO`"
    parts: dict[str, str] = {}
    for part in rrule.removeprefix("RRULE:").split(";"):
        name, equals, value = part.partition("=")
        if not equals or not value:
            return f"has a part without a value ('{part}')", f"write NAME=VALUE parts; {example}"
        if name in parts:
            return f"names {name} twice", "keep one"
        parts[name] = value
    if "FREQ" not in parts:
        return "has no FREQ", f"start it with FREQ=DAILY, WEEKLY, MONTHLY or YEARLY; {example}"
    if parts["FREQ"] not in _FREQUENCIES:
        close = difflib.get_close_matches(parts["FREQ"].upper(), _FREQUENCIES, n=1)
        hint = f"did you mean FREQ={close[0]}?" if close else f"one of {', '.join(_FREQUENCIES)}"
        return f"has an unknown FREQ '{parts['FREQ']}'", hint
    for name, value in parts.items():
        problem = _part_problem(name, value)
        if problem is not None:
            return problem
    if "COUNT" in parts and "UNTIL" in parts:
        return "has both COUNT and UNTIL", "keep one: how many episodes, or until when"
    if "COUNT" in parts and not has_start:
        return "has a COUNT but no dtstart", "add `dtstart:`, the date the count starts from"
    return None


def _part_problem(name: str, value: str) -> tuple[str, str] | None:
    if name == "FREQ":
        return None
    if name in ("INTERVAL", "COUNT"):
        if not value.isdigit() or int(value) < 1:
            return f"has {name}={value}", f"{name} is a whole number of at least 1"
        return None
    if name == "UNTIL":
        if not _UNTIL.fullmatch(value):
            return f"has UNTIL={value}", "write the date as 20271231 or 2027-12-31T00:00:00.000Z"
        return None
    if name == "WKST":
        if not re.fullmatch(_DAY, value):
            return f"has WKST={value}", "a day: MO, TU, WE, TH, FR, SA or SU"
        return None
    if name == "BYDAY":
        bad = [day for day in value.split(",") if not _BYDAY.fullmatch(day)]
        if bad:
            return f"has BYDAY '{bad[0]}'", "days are MO, TU, WE, TH, FR, SA, SU (or +1MO, -1FR)"
        return None
    if name in _NUMBER_LISTS:
        low, high = _NUMBER_LISTS[name]
        for number in value.split(","):
            digits = number[1:] if number[:1] in "+-" and name in _SIGNED else number
            if not digits.isdigit() or not low <= int(digits) <= high:
                signed = " (or its negative)" if name in _SIGNED else ""
                return f"has {name} '{number}'", f"{name} takes {low} to {high}{signed}"
        return None
    return f"has an unknown part '{name}'", (
        "parts are FREQ, INTERVAL, COUNT, UNTIL, BYDAY, BYMONTHDAY, BYMONTH, BYHOUR, ... (RFC 5545)"
    )


def podcast_guid_problem(value: str) -> bool:
    """True when `value` is not a UUID (a podcast:guid)."""
    try:
        uuid.UUID(value)
    except ValueError:
        return True
    return False


def platform_slug_hint(slug: str) -> str:
    close = difflib.get_close_matches(slug, SERVICE_SLUGS, n=1)
    return f"did you mean '{close[0]}'?" if close else "see the namespace's service slugs list"
