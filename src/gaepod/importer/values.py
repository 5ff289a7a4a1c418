"""Reading the values real feeds carry, as podcast apps read them, for `gaepod import`.

Every function takes the text of one feed element and returns a value gaepod's
YAML accepts, or None when nothing usable is there; callers turn a None (or a
changed value) into a warning. Pure functions: no I/O, no diagnostics.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone, tzinfo
from pathlib import PurePosixPath

from ..show.vocab import APPLE_CATEGORIES, AUDIO_TYPES, LANGUAGE_CODES

_RFC2822 = re.compile(
    r"(?:[A-Za-z]{2,9}\.?,?\s*)?"  # weekday, ignored as apps ignore it
    r"(?P<day>\d{1,2})[\s-]+(?P<month>[A-Za-z]{3,9})\.?[\s-]+(?P<year>\d{2,4})"
    r"\s+(?P<hour>\d{1,2}):(?P<minute>\d{2})(?::(?P<second>\d{2})(?:\.\d+)?)?"
    r"\s*(?P<zone>[+-]\d{2}:?\d{2}|[A-Za-z]{1,5})?"
)
_ISO8601 = re.compile(
    r"(?P<year>\d{4})-(?P<month>\d{2})-(?P<day>\d{2})"
    r"[Tt ](?P<hour>\d{2}):(?P<minute>\d{2})(?::(?P<second>\d{2})(?:\.\d+)?)?"
    r"\s*(?P<zone>[Zz]|[+-]\d{2}:?\d{2})?"
)
_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
# Zone names RFC 822 defines, plus a few that real feeds use anyway.
_ZONES = {
    "UT": 0, "UTC": 0, "GMT": 0, "Z": 0, "WET": 0, "WEST": 1, "BST": 1, "CET": 1, "MET": 1,
    "CEST": 2, "MEST": 2, "EET": 2, "EEST": 3, "MSK": 3, "IST": 5.5, "JST": 9, "AEST": 10,
    "AEDT": 11, "NZST": 12, "NZDT": 13, "EST": -5, "EDT": -4, "CST": -6, "CDT": -5,
    "MST": -7, "MDT": -6, "PST": -8, "PDT": -7, "AKST": -9, "AKDT": -8, "HST": -10,
}  # fmt: skip

EXPLICIT_TRUE = ("true", "yes", "explicit")
EXPLICIT_FALSE = ("false", "no", "clean")

# Apple retired these names in 2019; feeds written before still carry them.
_RENAMED_CATEGORIES = {
    "Games & Hobbies": "Leisure",
    "Government & Organizations": "Government",
    "Health": "Health & Fitness",
    "News & Politics": "News",
    "Science & Medicine": "Science",
    "Sports & Recreation": "Sports",
}
_RENAMED_SUBCATEGORIES: dict[tuple[str, str], tuple[str, str | None]] = {
    ("Arts", "Literature"): ("Arts", "Books"),
    ("Business", "Business News"): ("News", "Business News"),
    ("Business", "Management & Marketing"): ("Business", "Management"),
    ("Business", "Shopping"): ("Business", None),
    ("Education", "Educational Technology"): ("Education", None),
    ("Education", "Higher Education"): ("Education", "Courses"),
    ("Education", "K-12"): ("Education", None),
    ("Education", "Language Courses"): ("Education", "Language Learning"),
    ("Education", "Training"): ("Education", "Courses"),
    ("Games & Hobbies", "Other Games"): ("Leisure", "Games"),
    ("Government & Organizations", "Non-Profit"): ("Business", "Non-Profit"),
    ("Health", "Fitness & Nutrition"): ("Health & Fitness", "Fitness"),
    ("Health", "Self-Help"): ("Education", "Self-Improvement"),
    ("Religion & Spirituality", "Other"): ("Religion & Spirituality", "Religion"),
    ("Science & Medicine", "Medicine"): ("Health & Fitness", "Medicine"),
    ("Society & Culture", "History"): ("History", None),
    ("Sports & Recreation", "Outdoor"): ("Sports", "Wilderness"),
    ("Technology", "Tech News"): ("News", "Tech News"),
}
_LANGUAGE_NAMES = {
    "english": "en", "german": "de", "deutsch": "de", "spanish": "es", "español": "es",
    "espanol": "es", "french": "fr", "français": "fr", "francais": "fr", "italian": "it",
    "italiano": "it", "portuguese": "pt", "português": "pt", "dutch": "nl", "nederlands": "nl",
    "japanese": "ja", "chinese": "zh", "russian": "ru", "swedish": "sv", "polish": "pl",
}  # fmt: skip
# Non-standard names for MP3 and M4A that feeds use; apps expect the standard ones.
_MIME_ALIASES = {
    "audio/mp3": "audio/mpeg",
    "audio/x-mp3": "audio/mpeg",
    "audio/mpeg3": "audio/mpeg",
    "audio/x-mpeg": "audio/mpeg",
    "audio/x-mpeg-3": "audio/mpeg",
    "audio/mpg": "audio/mpeg",
    "audio/m4a": "audio/x-m4a",
}


def parse_date(text: str) -> tuple[datetime | None, str | None]:
    """An RFC 2822 pubDate (or ISO 8601, which some feeds use) as an aware datetime.

    Returns (moment, zone_problem): zone_problem names a missing or unknown
    zone that was read as UTC. The written offset is kept, so the instant and
    the local time both survive. (email.utils reads an unknown zone such as
    CEST, or none at all, as UTC without saying so; this parser says so.)
    """
    value = " ".join(text.split())
    match = _RFC2822.fullmatch(value)
    if match:
        month = match["month"][:3].lower()
        if month not in _MONTHS:
            return None, None
        year = int(match["year"])
        if len(match["year"]) == 2:
            year += 2000 if year < 50 else 1900
        month_number = _MONTHS.index(month) + 1
    else:
        match = _ISO8601.fullmatch(value)
        if not match:
            return None, None
        year, month_number = int(match["year"]), int(match["month"])
    zone, problem = _zone(match["zone"])
    try:
        moment = datetime(
            year,
            month_number,
            int(match["day"]),
            int(match["hour"]),
            int(match["minute"]),
            int(match["second"] or 0),
            tzinfo=zone,
        )
    except ValueError:  # 31 February, hour 25, ...
        return None, None
    return moment, problem


def _zone(raw: str | None) -> tuple[tzinfo, str | None]:
    if raw is None:
        return timezone.utc, "no time zone"
    if raw[0] in "+-":
        digits = raw[1:].replace(":", "")
        minutes = int(digits[:2]) * 60 + int(digits[2:])
        if minutes >= 24 * 60:
            return timezone.utc, f"impossible UTC offset '{raw}'"
        # "-0000" means "UTC, local zone unknown" (RFC 2822): the instant is UTC.
        return timezone(timedelta(minutes=-minutes if raw[0] == "-" else minutes)), None
    hours = _ZONES.get(raw.upper())
    if hours is None:
        return timezone.utc, f"unknown time zone '{raw}'"
    return timezone(timedelta(hours=hours)), None


def parse_duration(text: str) -> int | None:
    """itunes:duration (`SS`, `MM:SS`, `HH:MM:SS`, with optional fractions) in milliseconds."""
    parts = text.strip().split(":")
    if not 1 <= len(parts) <= 3 or not all(re.fullmatch(r"\d+(\.\d+)?", p) for p in parts):
        return None
    if any("." in p for p in parts[:-1]):
        return None
    seconds = float(parts[-1])
    for index, part in enumerate(reversed(parts[:-1])):
        seconds += int(part) * 60 ** (index + 1)
    return round(seconds * 1000)


def format_clock(ms: int, *, always_millis: bool = False) -> str:
    """`HH:MM:SS`, with `.mmm` when there are milliseconds (or always_millis)."""
    seconds, millis = divmod(ms, 1000)
    clock = f"{seconds // 3600:02d}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"
    return clock + (f".{millis:03d}" if millis or always_millis else "")


def parse_explicit(text: str) -> bool | None:
    """`true`/`yes`/`explicit` -> True, `false`/`no`/`clean` -> False (any case)."""
    value = text.strip().lower()
    if value in EXPLICIT_TRUE:
        return True
    if value in EXPLICIT_FALSE:
        return False
    return None


def parse_flag(text: str) -> bool | None:
    """itunes:block / itunes:complete: `Yes` (any case, or true) -> True, `No` -> False."""
    value = text.strip().lower()
    if value in ("yes", "true"):
        return True
    if value in ("no", "false", ""):
        return False
    return None


def parse_length(text: str | None) -> int | None:
    """An enclosure length in bytes; None unless it is a positive whole number."""
    value = (text or "").strip()
    if not value.isdigit() or not value.isascii():
        return None
    length = int(value)
    return length if length > 0 else None


def normalize_language(text: str) -> tuple[str | None, bool]:
    """An RSS language (`en-US`, `de_DE`, `English`) as gaepod writes it (`en-us`).

    Returns (code, is_exact): is_exact is False when the code was guessed
    from a language name; (None, False) when nothing fits.
    """
    value = text.strip().replace("_", "-")
    primary, _, region = value.partition("-")
    if primary.lower() in LANGUAGE_CODES:
        region_ok = (region.isalpha() and len(region) == 2) or (
            region.isdigit() and len(region) == 3
        )
        code = primary.lower() + (f"-{region.lower()}" if region and region_ok else "")
        return code, not region or region_ok
    guess = _LANGUAGE_NAMES.get(value.lower()) or _LANGUAGE_NAMES.get(primary.lower())
    return guess, False


def map_category(
    name: str, subcategory: str | None
) -> tuple[tuple[str, str | None] | None, str | None]:
    """An itunes:category (and its child) -> Apple's current list.

    Returns ((category, subcategory), note): note explains a rename or a
    dropped subcategory; (None, note) when the category is unknown.
    """
    name = _known_case(name.strip(), [*APPLE_CATEGORIES, *_RENAMED_CATEGORIES])
    sub = subcategory.strip() if subcategory and subcategory.strip() else None
    if sub is not None:
        renamed = _RENAMED_SUBCATEGORIES.get((name, sub))
        if renamed is not None:
            new_name, new_sub = renamed
            shown = f"{new_name} > {new_sub}" if new_sub else new_name
            return renamed, f"'{name} > {sub}' is now '{shown}' in Apple's list"
    current = _RENAMED_CATEGORIES.get(name, name)
    if current not in APPLE_CATEGORIES:
        return None, f"'{name}' is not an Apple Podcasts category"
    note = f"'{name}' is now '{current}' in Apple's list" if current != name else None
    if sub is None:
        return (current, None), note
    allowed = APPLE_CATEGORIES[current]
    sub = _known_case(sub, allowed)
    if sub in allowed:
        return (current, sub), note
    return (current, None), f"'{sub}' is no longer a subcategory of '{current}'; kept '{current}'"


def _known_case(value: str, known: list[str] | tuple[str, ...]) -> str:
    folded = {k.casefold(): k for k in known}
    return folded.get(value.casefold(), value)


def enclosure_type(url: str, declared: str | None) -> tuple[str | None, str, str | None]:
    """What to write as `type:` for remote audio, the MIME type the feed will carry,
    and the non-standard declared type it replaces (if any).

    `type:` is written only when gaepod could not derive the same type from
    the URL's suffix (video/mp4, audio/aac, a URL without a suffix, ...).
    """
    suffix = PurePosixPath(url.split("?", 1)[0].split("#", 1)[0]).suffix.lower()
    derived = AUDIO_TYPES[suffix][1] if suffix in AUDIO_TYPES else None
    value = (declared or "").strip().lower() or None
    alias_of = None
    if value in _MIME_ALIASES:
        alias_of, value = value, _MIME_ALIASES[value]
    if value is None:
        value = derived or "audio/mpeg"
    if value == derived:
        return None, value, alias_of
    return value, value, alias_of
