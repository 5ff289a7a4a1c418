"""The site's search index: one small JSON file the search page's script loads.

Each episode is reduced to its title, guests, tags, date, link and the set of
distinct words of its show notes (case- and accent-folded), so the index stays
small while the whole archive is searchable on a static host. Pure.
"""

from __future__ import annotations

import html
import json
import re
import unicodedata
from collections.abc import Sequence
from functools import partial

from ..show.notes import to_html
from ..speed.memo import recall_utf8
from .views import EpisodeView

SEARCH_PATH = "search.json"
_WORD = re.compile(r"[^\W_]{2,}")
_TAG = re.compile(r"<[^>]*>")
# An address at the start of a word. The boundary is checked after the first letter: a
# pattern that starts with \b is tried at every character of the notes (twice the time).
_URL = re.compile(r"(?:h(?<!\wh)ttps?://|m(?<!\wm)ailto:)\S*")
_COMBINING = re.compile("[\u0300-\u036f]")  # the marks search.js removes too


def fold(text: str) -> str:
    """Lower-case without accents: 'Ñúñez' -> 'nunez' (search.js folds queries alike)."""
    lowered = text.lower()
    if lowered.isascii():
        return lowered
    return _COMBINING.sub("", unicodedata.normalize("NFKD", lowered))


def words(text: str) -> str:
    """The distinct folded words of `text`, in order of first use, space-separated."""
    seen: dict[str, None] = {}
    for word in _WORD.findall(fold(text)):
        seen.setdefault(word, None)
    return " ".join(seen)


def _plain(fragment: str) -> str:
    """Text of sanitized HTML, without the addresses of autolinks (cheaper than to_text)."""
    return _URL.sub(" ", html.unescape(_TAG.sub(" ", fragment)))


def search_index(views: Sequence[EpisodeView]) -> bytes:
    """JSON: {"episodes": [{t: title, u: link from the root, d: date, g, k, w}]}, newest first.

    Each episode's entry is remembered by its view's digest: an edit computes one. The
    entries are joined as the UTF-8 the memo keeps (10 MB at 10,000 episodes)."""
    entries = [recall_utf8("search.entry", view.digest, partial(_entry, view)) for view in views]
    return b'{"episodes":[' + b",".join(entries) + b"]}\n"


def _entry(view: EpisodeView) -> str:
    episode = view.episode
    entry = {
        "t": view.title,
        "u": view.href,
        "d": view.date_text,
        "g": [guest.name for guest in view.guests],
        "k": [tag.name for tag in view.tags],
        "w": words(f"{episode.summary or ''} {_plain(to_html(episode.description_md))}"),
    }
    return json.dumps(entry, ensure_ascii=False, separators=(",", ":"))
