"""Podcasting 2.0 elements of an imported feed -> the show's and episodes' YAML fields:
people with their taxonomy roles, medium, license, location, txt, value and soundbites.
Values gaepod would refuse are left out with a warning naming the element's line."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from ..show.podcast20 import COUNTRY_CODE, GEO_URI, LN_ADDRESS, NODE_KEY, OSM_ID
from ..show.vocab20 import (
    LICENSES,
    LOCATION_RELS,
    MEDIUMS,
    RECIPIENT_TYPES,
    TAXONOMY,
    VALUE_TYPES,
)
from .rss import ImportLog, attribute, child, children, text_of

NAME_LIMIT = 128
_ROLES = {role.casefold(): role for roles in TAXONOMY.values() for role in roles}
_GROUPS = {group.casefold(): group for group in TAXONOMY}
_KNOWN_LICENSES = {key.casefold() for key in LICENSES}


def one_line(text: str) -> str:
    return " ".join(text.split())


def truncated(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def person_entry(
    element: Any, label: str, log: ImportLog, unknown: str = "imported as a guest"
) -> dict[str, Any] | None:
    """One podcast:person as a `people`/`guests` entry; without a `role` when the feed's is
    not in the taxonomy (`unknown` says what becomes of it)."""
    name = truncated(one_line(text_of(element)), NAME_LIMIT)
    if not name:
        return None
    entry: dict[str, Any] = {"name": name}
    written_role = one_line(attribute(element, "role")) or "host"
    role = _ROLES.get(written_role.casefold())
    if role is None:
        log.warn(
            element,
            "W261",
            f"{label}: podcast:person {name!r} has the role {written_role!r}, which is not in "
            f"the Podcast Taxonomy; {unknown}",
            "add `role:` from podcasttaxonomy.com if you know it",
        )
    else:
        entry["role"] = role.lower()
        group = _GROUPS.get(one_line(attribute(element, "group")).casefold())
        if group is not None and role in TAXONOMY[group] and group != "Cast":
            entry["group"] = group.lower()
    href, img = attribute(element, "href"), attribute(element, "img")
    if href.startswith(("http://", "https://")):
        entry["url"] = href
    if img.startswith(("http://", "https://")):
        entry["photo"] = img  # shown as it is: gaepod resizes only photos in the show
    return entry


def shared_fields(parent: Any, label: str, log: ImportLog) -> dict[str, Any]:
    """license, location and txt: the fields a show and an episode both have."""
    fields: dict[str, Any] = {}
    license_element = child(parent, "podcast:license")
    if license_element is not None:
        identifier = truncated(one_line(text_of(license_element)), NAME_LIMIT)
        url = attribute(license_element, "url")
        if identifier and url.startswith(("http://", "https://")):
            fields["license"] = {"identifier": identifier, "url": url}
        elif identifier and identifier.casefold() in _KNOWN_LICENSES:
            fields["license"] = identifier
        elif identifier:
            log.warn(
                license_element,
                "W262",
                f"{label}: podcast:license {identifier!r} is not a well-known license and has "
                "no url; left out",
                "add `license: {identifier, url}` with the address of its text",
            )
    places = [p for e in children(parent, "podcast:location") if (p := _place(e))]
    if places:
        fields["location"] = places[0] if len(places) == 1 else places
    notes = []
    for element in children(parent, "podcast:txt"):
        text, purpose = text_of(element).strip(), one_line(attribute(element, "purpose"))
        if not text or (purpose == "ai-content" and text not in ("true", "false")):
            continue
        notes.append({"purpose": purpose, "text": text[:4000]} if purpose else text[:4000])
    if notes:
        fields["txt"] = notes
    value = value_field(parent, label, log)
    if value is not None:
        fields["value"] = value
    return fields


def _place(element: Any) -> dict[str, str] | None:
    name = truncated(one_line(text_of(element)), NAME_LIMIT)
    if not name:
        return None
    place = {"name": name}
    checks = {"geo": GEO_URI, "osm": OSM_ID, "country": COUNTRY_CODE}
    for key, pattern in checks.items():
        value = attribute(element, key)
        if value and pattern.fullmatch(value):
            place[key] = value
    rel = attribute(element, "rel")
    if rel in LOCATION_RELS:
        place["rel"] = rel
    return place


def channel_fields(channel: Any, log: ImportLog) -> dict[str, Any]:
    fields = shared_fields(channel, "the channel", log)
    medium = one_line(text_of(child(channel, "podcast:medium")))
    if medium and medium in MEDIUMS and medium != "podcast":
        fields["medium"] = medium
    people = [
        entry
        for element in children(channel, "podcast:person")
        if (entry := person_entry(element, "the channel", log, "left out")) and "role" in entry
    ]
    if people:
        fields["people"] = people
    return fields


def soundbites(item: Any) -> list[dict[str, Any]]:
    """podcast:soundbite as `soundbites` entries (seconds, to the millisecond)."""
    found = []
    for element in children(item, "podcast:soundbite"):
        try:
            start = float(attribute(element, "startTime"))
            duration = float(attribute(element, "duration"))
        except ValueError:
            continue
        if start < 0 or duration <= 0:
            continue
        entry: dict[str, Any] = {"start": f"{start:.3f}", "duration": f"{duration:.3f}"}
        title = truncated(one_line(text_of(element)), NAME_LIMIT)
        if title:
            entry["title"] = title
        found.append(entry)
    return found


def value_field(parent: Any, label: str, log: ImportLog) -> dict[str, Any] | None:
    """The first podcast:value as a `value:` field. Recipients gaepod would refuse (no
    address, a split that is not a positive whole number) are left out with W263."""
    element = child(parent, "podcast:value")
    if element is None:
        return None
    kind, method = attribute(element, "type"), attribute(element, "method")
    if method not in VALUE_TYPES.get(kind, ()):
        log.warn(
            element,
            "W263",
            f"{label}: podcast:value type={kind!r} method={method!r} is not one gaepod "
            "writes; left out",
            "gaepod writes lightning (keysend, amp, lnaddress) and bitcoin (wallet)",
        )
        return None
    recipients = []
    for recipient in children(element, "podcast:valueRecipient"):
        entry = _recipient(recipient)
        if entry is None:
            log.warn(
                recipient,
                "W263",
                f"{label}: a value recipient ({attribute(recipient, 'name') or 'no name'}) "
                "has no valid address or split; left out",
                "add it to `value: recipients:` by hand if it should be paid",
            )
            continue
        recipients.append(entry)
    if children(element, "podcast:valueTimeSplit"):
        log.warn(
            element,
            "W263",
            f"{label}: podcast:valueTimeSplit is not published by gaepod; left out",
            "the value block's recipients are kept, for the whole episode",
        )
    if not recipients:
        return None
    value: dict[str, Any] = {"type": kind, "method": method}
    suggested = attribute(element, "suggested")
    if suggested:
        try:
            if Decimal(suggested) > 0:
                value["suggested"] = suggested
        except InvalidOperation:
            pass
    value["recipients"] = recipients
    return value


def _recipient(element: Any) -> dict[str, Any] | None:
    kind, address, split = (attribute(element, k).strip() for k in ("type", "address", "split"))
    valid = {"node": NODE_KEY, "lnaddress": LN_ADDRESS}
    pattern = valid.get(kind)
    if kind not in RECIPIENT_TYPES or not address or (pattern and not pattern.fullmatch(address)):
        return None
    if not split.isdigit() or int(split) < 1:
        return None
    entry: dict[str, Any] = {}
    name = truncated(one_line(attribute(element, "name")), NAME_LIMIT)
    if name:
        entry["name"] = name
    entry.update({"type": kind, "address": address, "split": int(split)})
    key, custom = attribute(element, "customKey"), attribute(element, "customValue")
    if key and custom:
        entry["custom_key"], entry["custom_value"] = key, custom
    if attribute(element, "fee").lower() == "true":
        entry["fee"] = True
    return entry
