"""Podcasting 2.0 elements (the podcast namespace), one writer per tag family.

Each writer appends its elements to a channel or item (lxml) from model values that
validation already checked; none decides whether a value is right.
"""

from __future__ import annotations

from collections.abc import Iterable
from email.utils import format_datetime
from typing import Any

from lxml import etree

from ..model import (
    License,
    Location,
    Person,
    RemoteItem,
    Soundbite,
    Trailer,
    Txt,
    UpdateFrequency,
    Value,
)

PODCAST = "https://podcastindex.org/namespace/1.0"


def _add(parent: Any, tag: str, text: str | None = None, **attributes: str | None) -> Any:
    present = {name: value for name, value in attributes.items() if value is not None}
    element = etree.SubElement(parent, f"{{{PODCAST}}}{tag}", attrib=present)
    if text is not None:
        element.text = text
    return element


def _seconds(ms: int) -> str:
    return f"{ms / 1000:.3f}".rstrip("0").rstrip(".") if ms % 1000 else str(ms // 1000)


def write_locked(channel: Any, is_locked: bool, owner_email: str | None) -> None:
    """podcast:locked: whether another host may import the feed; `owner` proves who may."""
    _add(channel, "locked", "yes" if is_locked else "no", owner=owner_email or None)


def write_medium(channel: Any, medium: str | None) -> None:
    if medium:
        _add(channel, "medium", medium)


def write_people(parent: Any, people: Iterable[Person]) -> None:
    """podcast:person: hosts at the channel, guests (and other credits) at an item."""
    for person in people:
        _add(
            parent,
            "person",
            person.name,
            role=person.role,
            group=person.group,
            img=person.photo.url if person.photo else None,
            href=person.url,
        )


def write_license(parent: Any, license: License | None) -> None:
    if license is not None:
        _add(parent, "license", license.identifier, url=license.url)


def write_locations(parent: Any, locations: Iterable[Location]) -> None:
    for place in locations:
        _add(
            parent,
            "location",
            place.name,
            rel=place.rel,
            geo=place.geo,
            osm=place.osm,
            country=place.country,
        )


def write_txt(parent: Any, entries: Iterable[Txt]) -> None:
    for entry in entries:
        _add(parent, "txt", entry.value, purpose=entry.purpose)


def write_update_frequency(channel: Any, frequency: UpdateFrequency | None) -> None:
    if frequency is None:
        return
    _add(
        channel,
        "updateFrequency",
        frequency.text,
        complete="true" if frequency.is_complete else None,
        dtstart=frequency.dtstart,
        rrule=frequency.rrule,
    )


def write_podroll(channel: Any, podroll: Iterable[RemoteItem]) -> None:
    items = list(podroll)
    if not items:
        return
    roll = _add(channel, "podroll")
    for item in items:
        _add(roll, "remoteItem", feedGuid=item.feed_guid, feedUrl=item.feed_url, title=item.title)


def write_trailers(channel: Any, trailers: Iterable[Trailer]) -> None:
    for trailer in trailers:
        _add(
            channel,
            "trailer",
            trailer.title,
            pubdate=format_datetime(trailer.date),
            url=trailer.url,
            length=str(trailer.length),
            type=trailer.mime,
            season=str(trailer.season) if trailer.season is not None else None,
        )


def write_blocks(channel: Any, blocks: Iterable[tuple[str | None, bool]]) -> None:
    """podcast:block: an unbounded one first (every platform), then each named service."""
    for service, is_blocked in sorted(blocks, key=lambda block: block[0] is not None):
        _add(channel, "block", "yes" if is_blocked else "no", id=service)


def write_value(parent: Any, value: Value | None) -> None:
    if value is None:
        return
    block = _add(parent, "value", type=value.kind, method=value.method, suggested=value.suggested)
    for recipient in value.recipients:
        _add(
            block,
            "valueRecipient",
            name=recipient.name,
            type=recipient.kind,
            address=recipient.address,
            split=str(recipient.split),
            customKey=recipient.custom_key,
            customValue=recipient.custom_value,
            fee="true" if recipient.is_fee else None,
        )


def write_soundbites(item: Any, soundbites: Iterable[Soundbite]) -> None:
    for bite in soundbites:
        _add(
            item,
            "soundbite",
            bite.title,
            startTime=_seconds(bite.start_ms),
            duration=_seconds(bite.duration_ms),
        )


def write_images(parent: Any, srcset: str) -> None:
    """podcast:images: the artwork's sizes, as an HTML srcset."""
    if srcset:
        _add(parent, "images", srcset=srcset)
