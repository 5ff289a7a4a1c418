"""The site's search index: static files the search page's script loads on demand.

`search.json` lists every document (episodes newest first, then the show's pages)
with what a result shows: title, link, date, guests, topics and summary, which the
script searches itself. The words of the show notes, the pages' text and the
transcripts are in an inverted index split into word files
(`search/words-NNN.json`, {word: [[docs whose notes or summary have it], [docs
whose transcript has it]]}): a word's file is chosen by its first three letters
(`shard_of`, which search.js computes alike), so a query loads the main file and
one word file per word it has, however large the archive. Words are case- and
accent-folded; a query word matches the words it starts (a two-letter one, that
word), and anything in a title, guest, topic or summary that contains it.

Pure, except that a transcript's text is read when the index is made (its stamp is
in the key). Each document's words are remembered by its digest (speed.memo).
"""

from __future__ import annotations

import html
import json
import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cached_property, partial
from pathlib import Path

from ..show.notes import to_html, truncate
from ..speed.memo import recall
from .meta import transcript_text

SEARCH_PATH = "search.json"
WORDS_PATH = "search/words-{:03d}.json"  # beside search/index.html
SHARD_INPUT_BYTES = 256 * 1024  # text indexed per word file, about: ~25 KB gzipped each
MAX_SHARDS = 256
SUMMARY_BYTES = 240
PREFIX = 3  # letters that choose a word's file
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


def shard_of(word: str, count: int) -> int:
    """The word file a folded word is in: by its first three characters (code points),
    so every word a query word of three or more letters starts is in the same file
    (a two-letter query word finds that word itself). search.js: shardOf."""
    value = 0
    for character in word[:PREFIX]:
        value = (value * 31 + ord(character)) % 65521
    return value % count


def shard_count(text_bytes: int) -> int:
    """How many word files for about `text_bytes` of indexed text: a power of two."""
    count = 1
    while count < MAX_SHARDS and count * SHARD_INPUT_BYTES < text_bytes:
        count *= 2
    return count


@dataclass(frozen=True)
class SearchDoc:
    """One thing search finds: an episode or a page of the show."""

    kind: str  # "e" episode | "p" page
    title: str
    href: str  # from the site's root
    date: Callable[[], str]  # as the page shows it ("" for pages): made when rendered
    guests: tuple[str, ...]
    tags: tuple[str, ...]
    summary: Callable[[], str]
    lang: str | None  # its language, when not the side's
    key: str  # a digest of everything `notes` returns
    notes: Callable[[], str]  # the plain text of its notes or body
    transcript: Path | None = None  # a local transcript file
    transcript_stamp: object = None  # (mtime_ns, size) of it

    def entry(self) -> dict[str, object]:
        entry: dict[str, object] = {"t": self.title, "u": self.href, "s": self.summary()}
        if self.kind == "e":
            entry.update(d=self.date(), g=list(self.guests), k=list(self.tags))
        else:
            entry["x"] = "p"
        if self.lang:
            entry["l"] = self.lang
        return entry


def page_doc(
    title: str, href: str, body_text: Callable[[], str], description: str, key: str, lang: str
) -> SearchDoc:
    """A page of the show as a search document (its description, else its opening)."""
    summary = partial(_page_summary, description, body_text)
    return SearchDoc("p", title, href, str, (), (), summary, lang or None, key, body_text)


def _page_summary(description: str, body_text: Callable[[], str]) -> str:
    return description or truncate(" ".join(body_text().split()), SUMMARY_BYTES)


def notes_text(markdown: str) -> str:
    return _plain(to_html(markdown))


class SearchIndex:
    """The main file and the word files of one side of the site, made on first use."""

    def __init__(self, docs: Sequence[SearchDoc], shards: int) -> None:
        self.docs = docs
        self.shards = shards

    def main(self) -> bytes:
        index = {
            "v": 2,
            "shards": self.shards,
            "words": WORDS_PATH.split("{")[0],
            "docs": [doc.entry() for doc in self.docs],
        }
        return json.dumps(index, ensure_ascii=False, separators=(",", ":")).encode() + b"\n"

    def shard(self, number: int) -> bytes:
        table = self._postings[number]
        parts = []
        for word in sorted(table):
            notes, spoken = table[word]
            lists = [notes, spoken] if spoken else [notes]
            ids = json.dumps(lists, separators=(",", ":"))
            parts.append(f"{json.dumps(word, ensure_ascii=False)}:{ids}")
        return ("{" + ",".join(parts) + "}\n").encode()

    @cached_property
    def _postings(self) -> list[dict[str, tuple[list[int], list[int]]]]:
        """Per word file: word -> (docs with it in notes or summary, docs with it only in
        their transcript), each list ascending (documents in index order)."""
        tables: list[dict[str, tuple[list[int], list[int]]]] = [{} for _ in range(self.shards)]
        count = self.shards
        where: dict[str, dict[str, tuple[list[int], list[int]]]] = {}  # word -> its table

        def table_of(word: str) -> dict[str, tuple[list[int], list[int]]]:
            table = where.get(word)
            if table is None:
                table = where[word] = tables[shard_of(word, count)]
            return table

        for number, doc in enumerate(self.docs):
            written = recall("search.notes", doc.key, partial(_doc_words, doc)).split()
            for word in written:
                table = table_of(word)
                found = table.get(word)
                if found is None:
                    found = table[word] = ([], [])
                found[0].append(number)
            if doc.transcript is None:
                continue
            key = f"{doc.transcript}\x00{doc.transcript_stamp!r}"
            spoken = recall("search.transcript", key, partial(transcript_words, doc.transcript))
            known = set(written)
            for word in spoken.split():
                if word in known:
                    continue
                table = table_of(word)
                found = table.get(word)
                if found is None:
                    found = table[word] = ([], [])
                found[1].append(number)
        return tables


def _doc_words(doc: SearchDoc) -> str:
    return words(f"{doc.summary()} {doc.notes()}")


def transcript_words(source: Path) -> str:
    """The words of a local transcript: spoken text of .txt/.vtt/.srt, the text of .html,
    the segments of a Podcasting 2.0 .json transcript."""
    suffix = source.suffix.lower()
    if suffix in (".txt", ".vtt", ".srt"):
        return words(transcript_text(source))
    try:
        raw = source.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""
    if suffix == ".html":
        return words(_plain(raw))
    if suffix == ".json":
        try:
            segments = json.loads(raw).get("segments", [])
        except (ValueError, AttributeError):
            return ""
        if not isinstance(segments, list):
            return ""
        return words(" ".join(str(s.get("body", "")) for s in segments if isinstance(s, dict)))
    return ""


@dataclass(frozen=True)
class IndexSize:
    """What one side's search costs a reader to download (bytes; gzipped as servers send)."""

    path: str  # the main file, relative to the output folder
    main: int
    main_gzip: int
    word_files: int
    words: int
    words_gzip: int
    largest_gzip: int  # the largest word file: a one-word query loads main + this at most

    def describe(self) -> str:
        return (
            f"search: {self.path} {_size(self.main)} ({_size(self.main_gzip)} gzipped) + "
            f"{self.word_files} word file{'s' * (self.word_files != 1)} {_size(self.words)} "
            f"({_size(self.words_gzip)} gzipped, the largest {_size(self.largest_gzip)}): "
            f"a one-word search loads at most {_size(self.main_gzip + self.largest_gzip)}"
        )


def index_sizes(out: Path) -> list[IndexSize]:
    """The size of every search index in a published site (the main side's first)."""
    import gzip

    sizes = []
    for main in [out / SEARCH_PATH, *sorted(out.glob(f"*/{SEARCH_PATH}"))]:
        if not main.is_file() or main.is_symlink():
            continue
        data = main.read_bytes()
        shards = sorted(main.parent.glob(WORDS_PATH.replace("{:03d}", "[0-9][0-9][0-9]")))
        packed = [len(gzip.compress(p.read_bytes(), 6)) for p in shards]
        sizes.append(
            IndexSize(
                main.relative_to(out).as_posix(),
                len(data),
                len(gzip.compress(data, 6)),
                len(shards),
                sum(p.stat().st_size for p in shards),
                sum(packed),
                max(packed, default=0),
            )
        )
    return sizes


def _size(count: int) -> str:
    if count < 1024:
        return f"{count} B"
    if count < 1024 * 1024:
        return f"{count / 1024:.1f} KB"
    return f"{count / 1024 / 1024:.2f} MB"
