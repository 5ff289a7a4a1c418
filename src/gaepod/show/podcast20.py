"""Podcasting 2.0 fields a show and its episodes share: people (podcast:person), license,
location, txt and value. Each reader takes a YAML node and gives model values, reporting
what is wrong with `file:line` and the fix; none reads a file."""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from pathlib import Path

from ..model import License, Location, Person, PlatformLink, Txt, Value, ValueRecipient
from .artwork import read_photo
from .fields import FieldReader
from .load import Mapping, Node, Scalar, Sequence
from .vocab20 import LICENSES, LOCATION_RELS, RECIPIENT_TYPES, TAXONOMY, VALUE_TYPES

PERSON_FIELDS = ("name", "role", "group", "photo", "url")
GUEST_FIELDS = (*PERSON_FIELDS, "bio", "links")
LOCATION_FIELDS = ("name", "geo", "osm", "rel", "country")
TXT_FIELDS = ("purpose", "text")
VALUE_FIELDS = ("type", "method", "suggested", "recipients")
RECIPIENT_FIELDS = ("name", "type", "address", "split", "custom_key", "custom_value", "fee")
NAME_LIMIT = 128  # characters the namespace lets aggregators keep of a name or title
TXT_LIMIT = 4000

_ROLES = {role.casefold(): role for roles in TAXONOMY.values() for role in roles}
_GROUPS = {group.casefold(): group for group in TAXONOMY}
# RFC 5870: geo:lat,lon[,alt][;crs=...][;u=...]
GEO_URI = re.compile(
    r"geo:(-?\d{1,2}(?:\.\d+)?),(-?\d{1,3}(?:\.\d+)?)(?:,-?\d+(?:\.\d+)?)?(;[^\s]*)?"
)
OSM_ID = re.compile(r"[NWR][0-9]+(?:#[0-9]+)?")
COUNTRY_CODE = re.compile(r"[A-Z]{2}")
NODE_KEY = re.compile(r"0[23][0-9a-f]{64}")  # a compressed secp256k1 public key, in hex
LN_ADDRESS = re.compile(r"[a-z0-9._+-]+@[a-z0-9-]+(?:\.[a-z0-9-]+)+", re.IGNORECASE)


def read_people(
    reader: FieldReader,
    node: Node | None,
    field: str,
    default_role: str,
    place: tuple[Path, Path, str],
    read_links: Callable[[FieldReader, Node | None, str], list[PlatformLink]] | None = None,
) -> list[Person]:
    """A list of people: plain names or {name, role, group, photo, url}, and for guests
    (`read_links` given) a bio and links too. `place`: the YAML file's folder, the show
    folder and the site's link, where a local photo is found and published."""
    people = []
    known = GUEST_FIELDS if read_links is not None else PERSON_FIELDS
    one = "guest" if field == "guests" else "person"
    base_dir, root, link = place
    for item in reader.sequence(node, field):
        if isinstance(item, Scalar):
            name = reader.text(item, one, max_length=NAME_LIMIT)
            if name:
                role, group = _role_and_group(reader, None, None, default_role)
                people.append(Person(name, role=role, group=group))
            continue
        entry = reader.mapping(item, f"{field} entry")
        if entry is None:
            continue
        reader.check_keys(entry, known, one)
        example = "name: Guest Name" if one == "guest" else "name: Host Name"
        name = reader.text(
            reader.require(entry, "name", one, example), f"{one} name", max_length=NAME_LIMIT
        )
        url = reader.url(entry.get("url"), f"{one} url")
        bio = reader.text(entry.get("bio"), f"{one} bio")
        photo = read_photo(reader, entry.get("photo"), "photo", base_dir, root, link)
        links = read_links(reader, entry.get("links"), "links") if read_links else []
        role, group = _role_and_group(reader, entry.get("role"), entry.get("group"), default_role)
        if name:
            people.append(Person(name, url, bio, photo, tuple(links), role, group))
    return people


def _role_and_group(
    reader: FieldReader, role_node: Node | None, group_node: Node | None, default_role: str
) -> tuple[str, str]:
    """The taxonomy's role and group, lower-cased; an unknown one is an error."""
    role_text = reader.text(role_node, "role") or default_role
    group_text = reader.text(group_node, "group")
    role = _ROLES.get(role_text.casefold())
    if role is None:
        close = difflib.get_close_matches(role_text.title(), list(_ROLES.values()), n=1)
        reader.error(
            role_node,
            "E702",
            f"'{role_text}' is not a role of the Podcast Taxonomy",
            f"did you mean '{close[0]}'?"
            if close
            else "see podcasttaxonomy.com: Host, Co-Host, Guest, Producer, Editor, ...",
        )
        return default_role, "cast"
    if group_text is None:
        home = next(g for g, roles in TAXONOMY.items() if role in roles)
        return role.lower(), home.lower()
    group = _GROUPS.get(group_text.casefold())
    if group is None:
        close = difflib.get_close_matches(group_text.title(), list(_GROUPS.values()), n=1)
        reader.error(
            group_node,
            "E703",
            f"'{group_text}' is not a group of the Podcast Taxonomy",
            f"did you mean '{close[0]}'?" if close else f"one of: {', '.join(TAXONOMY)}",
        )
        return role.lower(), "cast"
    if role not in TAXONOMY[group]:
        homes = [g for g, roles in TAXONOMY.items() if role in roles]
        reader.error(
            group_node,
            "E704",
            f"the role '{role}' is not in the group '{group}'",
            f"'{role}' belongs to {' or '.join(repr(g) for g in homes)}: remove `group:` "
            "or write that one",
        )
    return role.lower(), group.lower()


def read_license(reader: FieldReader, node: Node | None, field: str = "license") -> License | None:
    """`license: CC-BY-4.0` (a well-known identifier) or `{identifier, url}` (any license)."""
    if node is None or (isinstance(node, Scalar) and node.is_null):
        return None
    url_node: Node | None = None
    identifier_node: Node | None = node
    if isinstance(node, Mapping):
        reader.check_keys(node, ("identifier", "url"), "license")
        identifier_node = reader.require(node, "identifier", "license", "identifier: CC-BY-4.0")
        url_node = node.get("url")
    identifier = reader.text(identifier_node, f"{field} identifier", max_length=NAME_LIMIT)
    url = reader.url(url_node, f"{field} url")
    if identifier is None:
        return None
    known = {key.casefold(): key for key in LICENSES}.get(identifier.casefold())
    if known is not None:
        return License(known, url or LICENSES[known])
    if url is None:
        close = difflib.get_close_matches(identifier.upper(), list(LICENSES), n=1)
        reader.error(
            node,
            "E705",
            f"'{identifier}' is not a well-known license, and it has no 'url'",
            (f"did you mean '{close[0]}'? " if close else "")
            + f"a custom license needs the address of its text: "
            f"`{field}: {{identifier: {identifier}, url: https://...}}`",
        )
        return None
    return License(identifier, url)


def read_locations(
    reader: FieldReader, node: Node | None, field: str = "location"
) -> list[Location]:
    """One location (`{name, geo, osm, rel, country}`, or just a name) or a list of them."""
    if node is None or (isinstance(node, Scalar) and node.is_null):
        return []
    items = reader.sequence(node, field) if not isinstance(node, Mapping | Scalar) else [node]
    locations = []
    for item in items:
        if isinstance(item, Scalar):
            name = reader.text(item, field, max_length=NAME_LIMIT)
            if name:
                locations.append(Location(name))
            continue
        entry = reader.mapping(item, f"{field} entry")
        if entry is None:
            continue
        reader.check_keys(entry, LOCATION_FIELDS, "location")
        name = reader.text(
            reader.require(entry, "name", "location", "name: Mexico City"),
            f"{field} name",
            max_length=NAME_LIMIT,
        )
        geo = _read_geo(reader, entry.get("geo"), field)
        osm = _read_pattern(
            reader, entry.get("osm"), f"{field} osm", OSM_ID, "E707", "an OpenStreetMap id",
            "the object type's letter (N, W or R) and its number: `osm: R1376330`",
        )  # fmt: skip
        country_node = entry.get("country")
        country = _read_pattern(
            reader, country_node, f"{field} country", COUNTRY_CODE, "E708", "a country code",
            "an ISO 3166-1 alpha-2 code in capitals: `country: MX`",
        )  # fmt: skip
        rel = reader.choice(entry.get("rel"), f"{field} rel", LOCATION_RELS)
        if name:
            locations.append(Location(name, geo, osm, rel, country))
    return locations


def _read_geo(reader: FieldReader, node: Node | None, field: str) -> str | None:
    value = reader.text(node, f"{field} geo")
    if value is None:
        return None
    match = GEO_URI.fullmatch(value)
    if match is None or abs(float(match[1])) > 90 or abs(float(match[2])) > 180:
        reader.error(
            node,
            "E706",
            f"'{field} geo' is not a geo URI: '{value}'",
            'write `geo:latitude,longitude` (RFC 5870), e.g. `geo: "geo:19.4326,-99.1332"`',
        )
        return None
    return value


def _read_pattern(
    reader: FieldReader,
    node: Node | None,
    field: str,
    pattern: re.Pattern[str],
    code: str,
    what: str,
    hint: str,
) -> str | None:
    value = reader.text(node, field)
    if value is None:
        return None
    if not pattern.fullmatch(value):
        reader.error(node, code, f"'{field}' is not {what}: '{value}'", hint)
        return None
    return value


def read_txt(reader: FieldReader, node: Node | None, field: str = "txt") -> list[Txt]:
    """A list of `{purpose, text}` (or plain texts): podcast:txt."""
    entries = []
    items = [node] if isinstance(node, Mapping) else reader.sequence(node, field)
    for item in items:
        if isinstance(item, Scalar):
            text = reader.text(item, field, max_length=TXT_LIMIT)
            if text:
                entries.append(Txt(text))
            continue
        entry = reader.mapping(item, f"{field} entry")
        if entry is None:
            continue
        reader.check_keys(entry, TXT_FIELDS, "txt")
        text_node = reader.require(entry, "text", "txt", "text: the verification code")
        text = reader.text(text_node, f"{field} text", max_length=TXT_LIMIT)
        purpose = reader.text(entry.get("purpose"), f"{field} purpose", max_length=NAME_LIMIT)
        if purpose == "ai-content" and text not in (None, "true", "false"):
            reader.error(
                text_node,
                "E709",
                f"an 'ai-content' txt says true or false, not '{text}'",
                'write `text: "true"` when AI-generated content was used, else "false"',
            )
            continue
        if text:
            entries.append(Txt(text, purpose))
    return entries


def read_value(reader: FieldReader, node: Node | None, field: str = "value") -> Value | None:
    """podcast:value: `{type: lightning, method: keysend, suggested, recipients: [...]}`."""
    entry = reader.mapping(node, field)
    if entry is None:
        return None
    reader.check_keys(entry, VALUE_FIELDS, "value")
    kind = reader.choice(
        reader.require(entry, "type", "value", "type: lightning"), f"{field} type", VALUE_TYPES
    )
    method_node = reader.require(entry, "method", "value", "method: keysend")
    method = reader.text(method_node, f"{field} method")
    if kind is not None and method is not None and method not in VALUE_TYPES[kind]:
        reader.error(
            method_node,
            "E710",
            f"'{method}' is not a method of {kind} payments",
            f"one of: {', '.join(VALUE_TYPES[kind])}",
        )
        method = None
    suggested = _read_amount(reader, entry.get("suggested"), f"{field} suggested")
    recipients_node = reader.require(entry, "recipients", "value", "recipients: [...]")
    items = reader.sequence(recipients_node, f"{field} recipients")
    recipients = [r for item in items if (r := _read_recipient(reader, item, field)) is not None]
    if isinstance(recipients_node, Sequence) and not items:
        reader.error(
            recipients_node,
            "E711",
            "'recipients' is empty",
            "list at least one `{name, type: node, address, split}`",
        )
    if kind is None or method is None or not recipients:
        return None
    return Value(kind, method, tuple(recipients), suggested)


def _read_amount(reader: FieldReader, node: Node | None, field: str) -> str | None:
    text = reader.text(node, field)
    if text is None:
        return None
    try:
        amount = Decimal(text)
    except InvalidOperation:
        amount = Decimal(-1)
    if not amount.is_finite() or amount <= 0:
        reader.error(
            node,
            "E712",
            f"'{field}' is not a positive amount: '{text}'",
            'write it in the currency\'s unit, quoted: `suggested: "0.00000005000"`',
        )
        return None
    return text


def _read_recipient(reader: FieldReader, item: Node, field: str) -> ValueRecipient | None:
    entry = reader.mapping(item, f"{field} recipients entry")
    if entry is None:
        return None
    reader.check_keys(entry, RECIPIENT_FIELDS, "value recipient")
    name = reader.text(entry.get("name"), "recipient name", max_length=NAME_LIMIT)
    kind = reader.choice(
        reader.require(entry, "type", "value recipient", "type: node"),
        "recipient type",
        RECIPIENT_TYPES,
    )
    address_node = reader.require(entry, "address", "value recipient", "address: 02...")
    address = reader.text(address_node, "recipient address")
    split_node = reader.require(entry, "split", "value recipient", "split: 90")
    split = reader.integer(split_node, "recipient split", minimum=1)
    if address is not None and kind == "node" and not NODE_KEY.fullmatch(address):
        reader.error(
            address_node,
            "E713",
            f"'{address[:20]}…' is not a Lightning node public key"
            if len(address) > 20
            else f"'{address}' is not a Lightning node public key",
            "a node's key is 66 hexadecimal characters starting with 02 or 03; "
            "for an address like name@wallet.example write `type: lnaddress`",
        )
        address = None
    elif address is not None and kind == "lnaddress" and not LN_ADDRESS.fullmatch(address):
        reader.error(
            address_node,
            "E713",
            f"'{address}' is not a Lightning address",
            "write it as name@wallet.example",
        )
        address = None
    custom_key = reader.text(entry.get("custom_key"), "recipient custom_key")
    custom_value = reader.text(entry.get("custom_value"), "recipient custom_value")
    if (custom_key is None) != (custom_value is None):
        reader.error(
            entry,
            "E714",
            "a recipient has only one of 'custom_key' and 'custom_value'",
            "the wallet needs both: the record's key (e.g. 696969) and its value",
        )
        return None
    is_fee = bool(reader.boolean(entry.get("fee"), "recipient fee"))
    if kind is None or address is None or split is None:
        return None
    return ValueRecipient(name, kind, address, split, custom_key, custom_value, is_fee)
