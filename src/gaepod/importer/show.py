"""The RSS <channel> -> the fields of podcast.yaml, warning about everything the user
must check or fix. Pure: no I/O; every value written is one gaepod's check accepts."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from ..show.feeds import PODCAST_GUID_NAMESPACE
from ..show.fields import FieldReader, is_http_url
from ..show.load import Scalar
from .notes import notes_from_feed, plain_text
from .rss import (
    ImportLog,
    attribute,
    child,
    child_text,
    children,
    first_child,
    markup_of,
    name_of,
    text_of,
)
from .values import map_category, normalize_language, parse_explicit, parse_flag

DEFAULT_CATEGORY = "Society & Culture"
TITLE_LIMIT = 255
PLACEHOLDER_LINK = "https://example.invalid/"
# Channel elements gaepod reads (everything else in the podcast namespace is reported).
KEPT_PODCAST_ELEMENTS = {
    "podcast:guid", "podcast:funding", "podcast:locked",
    # imported by namespace.channel_fields
    "podcast:person", "podcast:medium", "podcast:license", "podcast:location", "podcast:txt",
    "podcast:value",
}  # fmt: skip
# Elements gaepod publishes from fields of its own that import does not fill in
BY_HAND_PODCAST_ELEMENTS = {
    "podcast:podroll", "podcast:trailer", "podcast:updateFrequency",
    "podcast:block", "podcast:images", "podcast:alternateEnclosure",
}  # fmt: skip


@dataclass
class ShowDraft:
    fields: dict[str, Any]
    link: str  # ends with "/"
    image_url: str
    is_explicit: bool
    placeholders: list[str] = field(default_factory=list)  # fields the user must replace
    old_link: str = ""  # the channel's <link> as written (the old site's address)


def one_line(text: str) -> str:
    return " ".join(text.split())


def truncated(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def is_email(value: str) -> bool:
    """The same rule `gaepod check` applies to owner.email."""
    reader = FieldReader(Path("podcast.yaml"))
    return reader.email(Scalar(1, 1, value, False), "email") is not None


def read_show(channel: Any, log: ImportLog, source_url: str | None) -> ShowDraft:
    fields: dict[str, Any] = {}
    placeholders: list[str] = []
    title = one_line(child_text(channel, "title", "itunes:title"))
    if not title:
        title = "Imported podcast"
        placeholders.append("title")
        log.warn(channel, "W230", "the feed has no <title>", "set `title:` in podcast.yaml")
    elif len(title) > TITLE_LIMIT:
        log.warn(channel, "W231", f"the show title is {len(title)} characters; shortened")
        title = truncated(title, TITLE_LIMIT)
    fields["title"] = title
    subtitle = one_line(plain_text(child_text(channel, "itunes:subtitle")))
    if subtitle:
        fields["subtitle"] = truncated(subtitle, TITLE_LIMIT)
    fields["description"] = _description(channel, log, title)

    feed_url = _feed_url(channel, source_url)
    link = _link(channel, log, feed_url)
    if link == PLACEHOLDER_LINK:
        placeholders.append("link")
    if feed_url is None:
        feed_url = link + "feed.xml"
        placeholders.append("feed_url")
        log.warn(
            channel,
            "W232",
            f"the feed does not say its own address; feed_url is set to {feed_url}",
            "set `feed_url:` to the address podcast apps subscribe to (keep the old one "
            "working, or redirect it there)",
        )
    fields["link"] = link
    fields["feed_url"] = feed_url
    fields["media_base_url"] = link + "audio/"
    fields["language"] = _language(channel, log)
    author, owner = _author_and_owner(channel, log, title)
    fields["author"] = author
    if owner:
        fields["owner"] = owner
    image = _image(channel)
    if image is None:
        image = link + "art/cover.jpg"
        placeholders.append("image")
        log.warn(
            channel,
            "W233",
            f"the feed has no show artwork; image is set to {image}",
            "put a 1400-3000 px square JPEG/PNG in the show folder and set `image:`",
        )
    fields["image"] = image
    fields["categories"] = _categories(channel, log)
    is_explicit = _explicit(channel, log)
    fields["explicit"] = is_explicit
    _optional_fields(channel, log, fields)
    if "podcast_guid" not in fields and "feed_url" not in placeholders:
        # Podcasting 2.0 derives the show's guid from its feed URL; writing it down
        # keeps the show's identity when feed_url changes after the move.
        base = feed_url.split("://", 1)[-1].rstrip("/")
        fields["podcast_guid"] = str(uuid.uuid5(PODCAST_GUID_NAMESPACE, base))
    _report_unsupported(channel, log)
    old_link = child_text(channel, "link").strip()
    return ShowDraft(fields, link, image, is_explicit, placeholders, old_link)


def _description(channel: Any, log: ImportLog, title: str) -> str:
    for name in ("description", "itunes:summary", "itunes:subtitle", "googleplay:description"):
        notes = notes_from_feed(markup_of(child(channel, name)))
        if notes:
            return notes
    log.warn(channel, "W234", "the feed has no description", "set `description:` in podcast.yaml")
    return title


def _feed_url(channel: Any, source_url: str | None) -> str | None:
    """The address apps subscribe to: the URL imported from, else what the feed says."""
    if source_url and is_http_url(source_url):
        return source_url
    for link in children(channel, "atom:link"):
        href = attribute(link, "href")
        if attribute(link, "rel") == "self" and is_http_url(href):
            return href
    moved = child_text(channel, "itunes:new-feed-url")
    return moved if is_http_url(moved) else None


def _link(channel: Any, log: ImportLog, feed_url: str | None) -> str:
    link = child_text(channel, "link")
    if _is_site(link):
        return link if link.endswith("/") else link + "/"
    if feed_url:
        parts = urlsplit(feed_url)
        guess = f"{parts.scheme}://{parts.netloc}/"
    else:
        guess = PLACEHOLDER_LINK
    log.warn(
        child(channel, "link") if link else channel,
        "W235",
        f"the feed's <link> is {f'not a site address: {link!r}' if link else 'missing'}; "
        f"link is set to {guess}",
        "set `link:` to the web site where gaepod will publish the show",
    )
    return guess


def _is_site(link: str) -> bool:
    """A web site gaepod can publish pages under: not a directory listing page."""
    if not is_http_url(link):
        return False
    parts = urlsplit(link)
    listing = (parts.hostname or "").endswith(("itunes.apple.com", "podcasts.apple.com"))
    return not (parts.query or parts.fragment or listing)


def _language(channel: Any, log: ImportLog) -> str:
    written = child_text(channel, "language")
    code, is_exact = normalize_language(written) if written else (None, False)
    if code is None:
        log.warn(
            child(channel, "language") if written else channel,
            "W236",
            f"unknown language {written!r}; assumed 'en'"
            if written
            else "no <language>; assumed 'en'",
            "set `language:` to the show's ISO 639-1 code (en, es, de, ...)",
        )
        return "en"
    if not is_exact:
        log.warn(
            child(channel, "language"),
            "W236",
            f"language {written!r} read as '{code}'",
            "check `language:` in podcast.yaml",
        )
    return code


def _author_and_owner(
    channel: Any, log: ImportLog, title: str
) -> tuple[str, dict[str, str] | None]:
    owner_element = child(channel, "itunes:owner")
    owner_name = owner_email = ""
    if owner_element is not None:
        owner_name = one_line(child_text(owner_element, "itunes:name"))
        owner_email = child_text(owner_element, "itunes:email")
    owner_email = owner_email or child_text(channel, "googleplay:email")
    editor_name, editor_email = _editor(child_text(channel, "managingEditor"))
    author = one_line(child_text(channel, "itunes:author", "googleplay:author"))
    if not author:
        author = editor_name or owner_name or one_line(child_text(channel, "dc:creator"))
        log.warn(
            channel,
            "W237",
            f"no itunes:author; author is set to {author or title!r}",
            "check `author:` in podcast.yaml",
        )
        author = author or title
    if owner_email and not is_email(owner_email):
        log.warn(
            owner_element if owner_element is not None else channel,
            "W238",
            f"the owner email {owner_email!r} is not an email address; owner left out",
            "add `owner: {name: ..., email: ...}`: Apple and Spotify verify ownership there",
        )
        owner_email = ""
    if not owner_email and editor_email and is_email(editor_email):
        owner_email = editor_email
        owner_name = owner_name or editor_name
    if not owner_email:
        return author, None
    return author, {"name": owner_name or author, "email": owner_email}


def _editor(text: str) -> tuple[str, str]:
    """`managingEditor`: `mail@host (Name)` or `Name <mail@host>` -> (name, email)."""
    match = re.fullmatch(r"\s*(\S+@\S+)\s*\((.*)\)\s*", text) or re.fullmatch(
        r"\s*(.*?)\s*<(\S+@\S+)>\s*", text
    )
    if match is None:
        return ("", text.strip()) if "@" in text else (text.strip(), "")
    first, second = match.groups()
    email, name = (first, second) if "@" in first else (second, first)
    name = one_line(name)
    return ("" if name == email or "@" in name else name), email


def _image(channel: Any) -> str | None:
    candidates = [attribute(e, "href") or text_of(e) for e in children(channel, "itunes:image")]
    rss_image = child(channel, "image")
    if rss_image is not None:
        candidates.append(child_text(rss_image, "url"))
    candidates.extend(attribute(e, "href") for e in children(channel, "googleplay:image"))
    return next((c for c in candidates if is_http_url(c)), None)


def _categories(channel: Any, log: ImportLog) -> list[dict[str, str]]:
    found: list[tuple[str, str | None]] = []
    for element in children(channel, "itunes:category"):
        subs = children(element, "itunes:category") or [None]
        for sub in subs:
            _add_category(log, element, attribute(element, "text"), attribute(sub, "text"), found)
    if not found:
        for element in children(channel, "category"):
            parts = re.split(r"\s*[:>/]\s*", text_of(element))
            _add_category(log, element, parts[0], parts[1] if len(parts) > 1 else None, found)
    if not found:
        log.warn(
            channel,
            "W239",
            f"no Apple Podcasts category; set to '{DEFAULT_CATEGORY}'",
            "choose the show's category: `categories: [{category: ...}]` "
            "(see the README for Apple's list)",
        )
        found.append((DEFAULT_CATEGORY, None))
    return [{"category": c, **({"subcategory": s} if s else {})} for c, s in found]


def _add_category(
    log: ImportLog, element: Any, name: str, sub: str | None, found: list[tuple[str, str | None]]
) -> None:
    if not name:
        return
    mapped, note = map_category(name, sub)
    if note:
        log.warn(
            element,
            "W240",
            note + ("" if mapped else "; left out"),
            "check `categories:` in podcast.yaml",
        )
    if mapped and mapped not in found:
        found.append(mapped)


def _explicit(channel: Any, log: ImportLog) -> bool:
    element = first_child(channel, "itunes:explicit", "googleplay:explicit")
    written = text_of(element)
    value = parse_explicit(written) if written else None
    if value is None:
        log.warn(
            element if element is not None else channel,
            "W241",
            f"itunes:explicit is {written!r}; explicit set to false"
            if written
            else ("no itunes:explicit; explicit set to false"),
            "set `explicit: true` in podcast.yaml if the show has explicit content",
        )
        return False
    if written.lower() not in ("true", "false"):
        log.warn(
            element,
            "W242",
            f"itunes:explicit {written!r} read as {str(value).lower()} (the feed will say "
            f"'{str(value).lower()}', as Apple requires)",
        )
    return value


def _optional_fields(channel: Any, log: ImportLog, fields: dict[str, Any]) -> None:
    show_type = child_text(channel, "itunes:type").lower()
    if show_type in ("episodic", "serial"):
        fields["type"] = show_type
    elif show_type:
        log.warn(child(channel, "itunes:type"), "W243", f"itunes:type {show_type!r} left out")
    copyright_text = one_line(child_text(channel, "copyright"))
    if copyright_text:
        fields["copyright"] = copyright_text
    written_keywords = child_text(channel, "itunes:keywords")
    # "history politics trade" (spaces, no commas) is three keywords, not one
    separator = "," if "," in written_keywords else None
    keywords = [one_line(k) for k in written_keywords.split(separator)]
    if any(keywords):
        fields["keywords"] = list(dict.fromkeys(k for k in keywords if k))
    funding = []
    for element in children(channel, "podcast:funding"):
        url = attribute(element, "url")
        if is_http_url(url):
            text = one_line(text_of(element)) or "Support the show"
            funding.append({"url": url, "text": truncated(text, 128)})
        else:
            log.warn(element, "W244", f"podcast:funding without a web address ({url!r}) left out")
    if funding:
        fields["funding"] = funding
    if parse_flag(child_text(channel, "itunes:complete")):
        fields["complete"] = True
    if parse_flag(child_text(channel, "itunes:block", "googleplay:block")):
        fields["block"] = True
        log.warn(
            child(channel, "itunes:block"),
            "W245",
            "the show is blocked from Apple Podcasts (itunes:block); block: true kept",
            "remove `block: true` to list the show again",
        )
    moved = child_text(channel, "itunes:new-feed-url")
    if is_http_url(moved):
        fields["new_feed_url"] = moved
        log.warn(
            child(channel, "itunes:new-feed-url"),
            "W246",
            f"the feed says it moved to {moved} (itunes:new-feed-url)",
            "import from that address if it is newer; remove `new_feed_url:` once gaepod "
            "publishes the show",
        )
    podcast_guid = child_text(channel, "podcast:guid")
    if podcast_guid:
        try:
            fields["podcast_guid"] = str(uuid.UUID(podcast_guid))
        except ValueError:
            log.warn(
                child(channel, "podcast:guid"),
                "W247",
                f"podcast:guid {podcast_guid!r} is not a UUID; left out",
            )


def _report_unsupported(channel: Any, log: ImportLog) -> None:
    locked = child(channel, "podcast:locked")
    if locked is not None and parse_flag(text_of(locked)):
        log.warn(
            locked,
            "W248",
            "the feed is locked (podcast:locked): directories refuse to move it elsewhere",
            "unlock the show at the old host before publishing it with gaepod",
        )
    dropped = sorted(
        {
            name
            for element in channel
            if (name := name_of(element)).startswith("podcast:")
            and name not in KEPT_PODCAST_ELEMENTS
            and not (name == "podcast:medium" and text_of(element).lower() == "podcast")
            and not (name == "podcast:block" and parse_flag(text_of(element)) is False)
            and not (name == "podcast:complete" and parse_flag(text_of(element)) is False)
        }
    )
    by_hand = [name for name in dropped if name in BY_HAND_PODCAST_ELEMENTS]
    dropped = [name for name in dropped if name not in BY_HAND_PODCAST_ELEMENTS]
    if by_hand:
        log.warn(
            channel,
            "W249",
            f"import does not carry over {', '.join(by_hand)}: the re-exported feed leaves "
            "them out until you write them in podcast.yaml",
            "see the README's podcast.yaml fields (podroll, trailers, update_frequency, "
            "block_platforms): copy the values from the old feed",
        )
    if dropped:
        log.warn(
            channel,
            "W249",
            f"gaepod does not publish {', '.join(dropped)}: the re-exported feed leaves them out",
            "keep a copy of the old feed if you need these values",
        )
