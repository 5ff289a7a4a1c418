"""podcast.yaml -> Show + diagnostics: every rule about the show as a whole."""

from __future__ import annotations

import difflib
import uuid
from dataclasses import dataclass
from datetime import tzinfo
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from ..errors import Diagnostic
from ..model import Category, DefaultFeed, Funding, Owner, PlatformLink, Show, ShowText, ShowType
from .artwork import read_artwork
from .delivery import read_analytics_prefix, read_deploy, read_hubs, refuse_credentials
from .feeds import derived_podcast_guid
from .fields import FieldReader, read_fields_file, warn_html_in_title
from .load import Mapping, Node
from .members import read_members_field
from .show20 import SHOW_FIELDS_20, read_show_20
from .vocab import APPLE_CATEGORIES, LANGUAGE_CODES, PLATFORMS

SHOW_FILE = "podcast.yaml"

SHOW_FIELDS = (
    "title",
    "subtitle",
    "description",
    "link",
    "feed_url",
    "media_base_url",
    "language",
    "timezone",
    "author",
    "owner",
    "image",
    "categories",
    "explicit",
    "type",
    "copyright",
    "keywords",
    "funding",
    "platforms",
    "complete",
    "block",
    "new_feed_url",
    "feed_limit",
    "podcast_guid",
    "analytics_prefix",
    "websub_hubs",
    "deploy",
    "languages",
    "translations",
    "default_feed",
    *SHOW_FIELDS_20,
    "members",
)
TRANSLATION_FIELDS = (
    "title",
    "feed_title",
    "subtitle",
    "description",
    "feed_url",
    "podcast_guid",
    "categories",
    "keywords",
    "platforms",
)


@dataclass(frozen=True)
class ShowContext:
    """What episode validation needs from the show, even when the show itself is invalid."""

    root: Path
    link: str
    media_base_url: str
    zone: tzinfo | None
    zone_name: str | None
    # False when podcast.yaml could not be read: episode dates then cannot be
    # judged against its timezone, and the show's own error is what to fix.
    is_readable: bool = False
    analytics_prefix: str | None = None  # every enclosure URL goes behind it


def read_show(root: Path) -> tuple[Show | None, ShowContext, list[Diagnostic]]:
    path = root / SHOW_FILE
    context = ShowContext(root, "https://example.invalid/", "https://example.invalid/", None, None)
    if not path.is_file():
        diagnostic = Diagnostic(
            path,
            0,
            0,
            "E100",
            f"no {SHOW_FILE} in the show folder",
            "create it with the show's title, link, feed_url, ... "
            "(see the README's YAML reference)",
        )
        return None, context, [diagnostic]
    fields, reader = read_fields_file(
        path,
        SHOW_FILE,
        f"{SHOW_FILE} is empty",
        "add the show's title, link, feed_url, ... (see the README's YAML reference)",
    )
    if fields is None:
        return None, context, reader.diagnostics
    show, context = _read_fields(reader, fields, path, root)
    if any(d.is_error for d in reader.diagnostics):
        return None, context, reader.diagnostics
    return show, context, reader.diagnostics


def _read_fields(
    reader: FieldReader, doc: Mapping, path: Path, root: Path
) -> tuple[Show | None, ShowContext]:
    reader.check_keys(refuse_credentials(reader, doc, SHOW_FIELDS, ""), SHOW_FIELDS, "show")
    need = reader.require
    title_node = need(doc, "title", "show", "title: My Show")
    title = reader.text(title_node, "title", max_length=255)
    warn_html_in_title(reader, title_node, title)
    description = reader.text(
        need(doc, "description", "show", "description: What the show is about"), "description"
    )
    link = reader.url(need(doc, "link", "show", "link: https://example.org/"), "link")
    feed_url = reader.url(
        need(doc, "feed_url", "show", "feed_url: https://example.org/feed.xml"), "feed_url"
    )
    media_base = reader.url(
        need(doc, "media_base_url", "show", "media_base_url: https://example.org/audio/"),
        "media_base_url",
    )
    link = _with_slash(link)
    media_base = _with_slash(media_base)
    language = read_language(reader, need(doc, "language", "show", "language: en"))
    zone, zone_name = _read_timezone(reader, doc.get("timezone"))
    author = reader.text(need(doc, "author", "show", "author: Host Name"), "author")
    owner = _read_owner(reader, doc.get("owner"))
    podcast_guid = _read_podcast_guid(reader, doc.get("podcast_guid"), feed_url)
    prefix = read_analytics_prefix(reader, doc.get("analytics_prefix"), podcast_guid)
    context = ShowContext(
        root,
        link or "https://example.invalid/",
        media_base or "https://example.invalid/",
        zone,
        zone_name,
        is_readable=True,
        analytics_prefix=prefix,
    )
    image_node = need(doc, "image", "show", "image: art/cover.jpg")
    image = read_artwork(reader, image_node, "image", path.parent, root, context.link)
    categories = _read_categories(
        reader, need(doc, "categories", "show", "categories: [{category: Technology}]")
    )
    explicit = reader.boolean(need(doc, "explicit", "show", "explicit: false"), "explicit")
    show_type = reader.choice(doc.get("type"), "type", [t.value for t in ShowType])
    feed_limit = reader.integer(doc.get("feed_limit"), "feed_limit", minimum=1)
    hubs = read_hubs(reader, doc.get("websub_hubs"))
    deploy = read_deploy(reader, doc.get("deploy"), path.parent)
    namespace = read_show_20(reader, doc, root, context.link, media_base, zone, zone_name)
    if owner is None and doc.get("owner") is None:
        reader.warn(
            doc,
            "W130",
            "no 'owner' (name and email)",
            "Apple and Spotify send ownership verification mail to owner.email",
        )
    if (
        None in (title, description, link, feed_url, media_base, language, author, image, explicit)
        or not categories
    ):
        return None, context
    assert title and description and link and feed_url and media_base and language
    assert author and image and explicit is not None
    members_node = doc.get("members")
    members_file, members = read_members_field(reader, members_node, path)
    show = Show(
        source=path,
        root=root,
        title=title,
        description_md=description,
        link=link,
        feed_url=feed_url,
        media_base_url=media_base,
        language=language,
        author=author,
        image=image,
        categories=tuple(categories),
        is_explicit=explicit,
        podcast_guid=podcast_guid,
        subtitle=reader.text(doc.get("subtitle"), "subtitle", max_length=255),
        timezone=zone_name,
        owner=owner,
        show_type=ShowType(show_type or "episodic"),
        copyright=reader.text(doc.get("copyright"), "copyright"),
        keywords=tuple(read_keywords(reader, doc.get("keywords"), "keywords")),
        funding=tuple(_read_funding(reader, doc.get("funding"))),
        platforms=tuple(read_platforms(reader, doc.get("platforms"))),
        is_complete=bool(reader.boolean(doc.get("complete"), "complete")),
        is_blocked=bool(reader.boolean(doc.get("block"), "block")),
        new_feed_url=reader.url(doc.get("new_feed_url"), "new_feed_url"),
        feed_limit=feed_limit,
        analytics_prefix=prefix,
        websub_hubs=tuple(hubs),
        deploy=deploy.target,
        ping_podcast_index=deploy.ping_podcast_index,
        podcast_index_url=deploy.podcast_index_url,
        **_read_languages(reader, doc, language),
        **namespace,
        members_file=members_file,
        members=members,
        members_at=(members_node.line, members_node.column) if members_node else (0, 0),
    )
    return show, context


def _read_languages(reader: FieldReader, doc: Mapping, language: str) -> dict[str, Any]:
    """`languages:`, `translations:` and `default_feed:` as Show's fields."""
    languages: list[str] = []
    node = doc.get("languages")
    for item in reader.sequence(node, "languages"):
        code = read_language(reader, item, "languages")
        if code is not None and code not in languages:
            languages.append(code)
    if languages and languages[0] != language:
        reader.error(
            node,
            "E401",
            f"the first of 'languages' is '{languages[0]}', but 'language' is '{language}'",
            f"list the show's own language first: languages: [{language}, "
            + ", ".join(c for c in languages if c != language)
            + "]",
        )
    if len(languages) == 1:
        languages = []  # one language: the show's own
    translations = []
    mapping = reader.mapping(doc.get("translations"), "translations")
    for code, (key_node, value) in (mapping.entries if mapping else {}).items():
        if code not in languages[1:]:
            reader.error(
                key_node,
                "E402",
                f"translations for '{code}', a language the show does not declare",
                f"add it to `languages: [{', '.join([language, *languages[1:], code])}]`"
                if code != language
                else "the show's own text is at the top level of podcast.yaml",
            )
            continue
        text = _read_show_text(reader, value, code)
        if text is not None:
            translations.append(text)
    for code in languages[1:]:
        if not any(t.language == code for t in translations):
            reader.warn(
                node,
                "W401",
                f"no text for the '{code}' side: its feed and pages would use this file's "
                "title and description",
                f"add `translations:` with `{code}:` and its title, feed_title and description",
            )
    choice = reader.choice(doc.get("default_feed"), "default_feed", [d.value for d in DefaultFeed])
    return {
        "languages": tuple(languages),
        "translations": tuple(translations),
        "default_feed": DefaultFeed(choice or DefaultFeed.ALL.value),
    }


def _read_show_text(reader: FieldReader, node: Node, code: str) -> ShowText | None:
    fields = reader.mapping(node, f"translations.{code}")
    if fields is None:
        return None
    reader.check_keys(fields, TRANSLATION_FIELDS, f"translations.{code}")
    where = f"translations.{code}"
    categories = fields.get("categories")
    keywords = fields.get("keywords")
    platforms = fields.get("platforms")
    feed_url = reader.url(fields.get("feed_url"), f"{where}.feed_url")
    guid_node = fields.get("podcast_guid")
    return ShowText(
        language=code,
        title=reader.text(fields.get("title"), f"{where}.title", max_length=255),
        feed_title=reader.text(fields.get("feed_title"), f"{where}.feed_title", max_length=255),
        subtitle=reader.text(fields.get("subtitle"), f"{where}.subtitle", max_length=255),
        description_md=reader.text(fields.get("description"), f"{where}.description"),
        feed_url=feed_url,
        podcast_guid=_read_podcast_guid(reader, guid_node, feed_url) if guid_node else None,
        categories=tuple(_read_categories(reader, categories)) if categories else None,
        keywords=tuple(read_keywords(reader, keywords, f"{where}.keywords")) if keywords else None,
        platforms=tuple(read_platforms(reader, platforms)) if platforms else None,
        positions={key: (k.line, k.column) for key, (k, _v) in fields.entries.items()},
    )


def read_keywords(reader: FieldReader, node: Node | None, field: str) -> list[str]:
    """The show's keywords (itunes:keywords, comma-separated): W741 for one with spaces."""
    words = []
    for word, item in reader.text_list(node, field):
        if any(c.isspace() for c in word):
            parts = ", ".join(word.split())
            reader.warn(
                item,
                "W741",
                f"the keyword '{word}' contains spaces",
                "apps and validators read itunes:keywords as single words: "
                f"write them as separate keywords ([{parts}])",
            )
        words.append(word)
    return words


def _with_slash(url: str | None) -> str | None:
    return url if url is None or url.endswith("/") else url + "/"


def read_language(reader: FieldReader, node: Node | None, field: str = "language") -> str | None:
    """An ISO 639-1 code with an optional region: en, en-us, es-MX."""
    value = reader.text(node, field)
    if value is None:
        return None
    primary, _, region = value.replace("_", "-").partition("-")
    region_ok = (region.isalpha() and len(region) == 2) or (region.isdigit() and len(region) == 3)
    if primary.lower() not in LANGUAGE_CODES or (region and not region_ok):
        hint = "use an ISO 639-1 code such as en or es"
        guess = primary[:2].lower()  # "eng", "english", "Español" -> en / es
        if guess in LANGUAGE_CODES:
            hint = f"did you mean '{guess}'?"
        reader.error(node, "E131", f"unknown language code '{value}'", hint)
        return None
    return primary.lower() + (f"-{region.lower()}" if region else "")


def _read_timezone(reader: FieldReader, node: Node | None) -> tuple[tzinfo | None, str | None]:
    name = reader.text(node, "timezone")
    if name is None:
        return None, None
    try:
        return ZoneInfo(name), name
    except (ZoneInfoNotFoundError, ValueError):
        reader.error(
            node,
            "E132",
            f"unknown time zone '{name}'",
            "use an IANA name such as America/New_York or Europe/Madrid",
        )
        return None, None


def _read_owner(reader: FieldReader, node: Node | None) -> Owner | None:
    owner = reader.mapping(node, "owner")
    if owner is None:
        return None
    reader.check_keys(owner, ("name", "email"), "owner")
    name = reader.text(reader.require(owner, "name", "owner", "name: Host Name"), "owner.name")
    email = reader.email(
        reader.require(owner, "email", "owner", "email: host@example.org"), "owner.email"
    )
    return Owner(name, email) if name and email else None


def _read_categories(reader: FieldReader, node: Node | None) -> list[Category]:
    categories = []
    problems_before = len(reader.diagnostics)
    for item in reader.sequence(node, "categories"):
        entry = reader.mapping(item, "categories entry")
        if entry is None:
            continue
        reader.check_keys(entry, ("category", "subcategory"), "category")
        name_node = reader.require(entry, "category", "category", "category: Technology")
        name = reader.text(name_node, "category")
        if name is None:
            continue
        if name not in APPLE_CATEGORIES:
            close = difflib.get_close_matches(name, list(APPLE_CATEGORIES), n=1, cutoff=0.5)
            reader.error(
                name_node,
                "E133",
                f"'{name}' is not an Apple Podcasts category",
                f"did you mean '{close[0]}'?"
                if close
                else "see Apple's category list in the README",
            )
            continue
        sub_node = entry.get("subcategory")
        sub = reader.text(sub_node, "subcategory")
        if sub is not None and sub not in APPLE_CATEGORIES[name]:
            allowed = APPLE_CATEGORIES[name]
            close = difflib.get_close_matches(sub, list(allowed), n=1, cutoff=0.5)
            reader.error(
                sub_node,
                "E134",
                f"'{sub}' is not a subcategory of '{name}'",
                f"did you mean '{close[0]}'?"
                if close
                else (
                    f"'{name}' has: {', '.join(allowed)}"
                    if allowed
                    else f"'{name}' has no subcategories"
                ),
            )
            continue
        categories.append(Category(name, sub))
    if node is not None and not categories and len(reader.diagnostics) == problems_before:
        reader.error(
            node, "E135", "'categories' is empty", "add at least one Apple Podcasts category"
        )
    if len(categories) > 3:
        reader.warn(
            node,
            "W136",
            f"{len(categories)} categories",
            "Apple uses only the first; list one to three",
        )
    return categories


def _read_funding(reader: FieldReader, node: Node | None) -> list[Funding]:
    items: list[Node] = [node] if isinstance(node, Mapping) else reader.sequence(node, "funding")
    funding = []
    for item in items:
        entry = reader.mapping(item, "funding entry")
        if entry is None:
            continue
        reader.check_keys(entry, ("url", "text"), "funding")
        url = reader.url(reader.require(entry, "url", "funding", "url: https://..."), "funding.url")
        text = reader.text(entry.get("text"), "funding.text", max_length=128)
        if url:
            funding.append(Funding(url, text or "Support the show"))
    return funding


def read_platforms(
    reader: FieldReader, node: Node | None, field: str = "platforms"
) -> list[PlatformLink]:
    """A mapping of platform key to URL (podcast.yaml's, an episode's, a guest's `links`)."""
    mapping = reader.mapping(node, field)
    if mapping is None:
        return []
    links = []
    for key, (key_node, value) in mapping.entries.items():
        label = PLATFORMS.get(key)
        if label is None:
            close = difflib.get_close_matches(key, list(PLATFORMS), n=1)
            reader.warn(
                key_node,
                "W137",
                f"unknown platform '{key}'",
                f"did you mean '{close[0]}'?"
                if close
                else "it is still linked, labelled with its key",
            )
            label = key.replace("_", " ").title()
        url = reader.url(value, f"{field}.{key}")
        if url:
            links.append(PlatformLink(key, label, url))
    return links


def _read_podcast_guid(reader: FieldReader, node: Node | None, feed_url: str | None) -> str:
    value = reader.text(node, "podcast_guid")
    if value is not None:
        try:
            return str(uuid.UUID(value))
        except ValueError:
            reader.error(
                node,
                "E138",
                f"'podcast_guid' is not a UUID: '{value}'",
                "remove it to derive one from feed_url, or paste a UUID",
            )
    return derived_podcast_guid(feed_url or "")
