"""The site's interface in the page's language: message catalogues and dates.

Interface strings are written in English in the templates (`{{ _("Show notes") }}`)
and in Python (`N_("Episodes")`, translated when a page renders). Each other language
has a gettext catalogue, `site/locale/<lang>.po` in the package and
`<show>/theme/locale/<lang>.po` in a theme; the theme's strings win, the package's
fill in the rest. A third language is one more catalogue, never new code. The
catalogues are compiled in memory when a build first needs them (no build step, no
`.mo` file to keep in step with its source).
"""

from __future__ import annotations

import gettext
import io
import itertools
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

from babel import Locale, UnknownLocaleError
from babel.core import get_global
from babel.dates import format_date as babel_format_date
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from ..errors import Diagnostic, Severity
from ..model import Show

LOCALE = Path(__file__).resolve().parent / "locale"
TEMPLATES = LOCALE.with_name("templates")
SOURCE_LANGUAGE = "en"  # the language the strings are written in
THEME_LOCALE = "locale"  # inside `<show>/theme/`


def N_(message: str) -> str:
    """Marks a string in Python code for the catalogues; it is translated where it is shown."""
    return message


def catalogue_files(language: str, theme: Path | None) -> list[Path]:
    """The catalogues of `language`, the theme's first: `es-MX` reads `es-MX.po`, then `es.po`."""
    names = [f"{language}.po"]
    primary = language.split("-")[0]
    if primary != language:
        names.append(f"{primary}.po")
    folders = ([theme / THEME_LOCALE] if theme else []) + [LOCALE]
    return [folder / name for folder in folders for name in names if (folder / name).is_file()]


def has_catalogue(language: str, theme: Path | None = None) -> bool:
    return _primary(language) == SOURCE_LANGUAGE or bool(catalogue_files(language, theme))


def translations(language: str, theme: Path | None = None) -> gettext.NullTranslations:
    """Every catalogue of `language` chained: theme, then package, then the English text."""
    files = catalogue_files(language, theme)
    return _chain(tuple((path, path.stat().st_mtime_ns) for path in files))


@lru_cache(maxsize=32)
def _chain(files: tuple[tuple[Path, int], ...]) -> gettext.NullTranslations:
    first: gettext.NullTranslations = gettext.NullTranslations()
    chain: list[gettext.NullTranslations] = [_compiled(path) for path, _mtime in files]
    if not chain:
        return first
    for translation, fallback in itertools.pairwise(chain):
        translation.add_fallback(fallback)
    return chain[0]


def _compiled(path: Path) -> gettext.GNUTranslations:
    with path.open("rb") as source:
        catalog = read_po(source)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return gettext.GNUTranslations(buffer)


@dataclass(frozen=True)
class CatalogueEntry:
    msgid: str
    msgstr: str
    line: int


def read_catalogue(path: Path) -> Iterator[CatalogueEntry]:
    """The entries of a `.po` file with their line numbers (for `gaepod check`)."""
    with path.open("rb") as source:
        catalog = read_po(source)
    for message in catalog:
        if not message.id:
            continue  # the header
        msgid = message.id if isinstance(message.id, str) else message.id[0]
        string = message.string or ""
        forms = [string] if isinstance(string, str) else list(string)
        text = forms[0] if forms and all(forms) else ""  # a plural needs every form
        yield CatalogueEntry(msgid, text, message.lineno or 0)


@lru_cache(maxsize=64)
def _locale(language: str) -> Locale | None:
    try:
        return Locale.parse(language.replace("-", "_"))
    except (UnknownLocaleError, ValueError):
        return None


def format_date(moment: datetime, language: str) -> str:
    """'January 20, 2026' / '20 de enero de 2026'; the ISO date when the language is unknown."""
    locale = _locale(language)
    if locale is None:
        return moment.date().isoformat()
    return babel_format_date(moment.date(), format="long", locale=locale)


def locale_tag(language: str) -> str:
    """Open Graph's og:locale form: 'es' -> 'es_ES', 'en-GB' -> 'en_GB'."""
    locale = _locale(language)
    if locale is None:
        return language.replace("-", "_")
    if locale.territory:
        return f"{locale.language}_{locale.territory}"
    # CLDR's likely subtags: es -> es_ES, en -> en_US, pt -> pt_BR.
    likely = get_global("likely_subtags").get(locale.language, "")
    territory = likely.split("_")[-1] if likely.count("_") >= 1 else ""
    return f"{locale.language}_{territory}" if territory.isupper() else locale.language


def _primary(language: str) -> str:
    return language.split("-")[0].lower()


@dataclass(frozen=True)
class InterfaceString:
    """A string the interface shows, where it is written (for `gaepod check`)."""

    msgid: str
    file: Path
    line: int
    plural: str | None = None


# The modules whose N_() strings pages show.
_PYTHON_SOURCES = ("plan.py", "views.py", "meta.py", "redirects.py")
_KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "N_": None}


def interface_strings(theme: Path | None = None) -> list[InterfaceString]:
    """Every interface string of the package's templates and modules and the theme's templates."""
    folders = [TEMPLATES] + ([theme / "templates"] if theme else [])
    found: list[InterfaceString] = []
    for folder in folders:
        if folder.is_dir():
            for path in sorted(folder.rglob("*.html")):
                found += _extracted(path, path.stat().st_mtime_ns, "jinja")
    for name in _PYTHON_SOURCES:
        path = Path(__file__).with_name(name)
        found += _extracted(path, path.stat().st_mtime_ns, "python")
    return found


@lru_cache(maxsize=256)
def _extracted(path: Path, _mtime: int, kind: str) -> tuple[InterfaceString, ...]:
    from babel.messages.extract import extract_python
    from jinja2.ext import babel_extract

    found = []
    with path.open("rb") as source:
        if kind == "jinja":
            jinja_options = {"extensions": "jinja2.ext.i18n", "newstyle_gettext": "true"}
            results: Any = babel_extract(source, tuple(_KEYWORDS), [], jinja_options)
        else:
            results = extract_python(source, _KEYWORDS, [], {})
        for line, _function, message, _comments in results:
            if isinstance(message, str):
                found.append(InterfaceString(message, path, line))
            elif message and isinstance(message[0], str):
                plural = message[1] if len(message) > 1 and isinstance(message[1], str) else None
                found.append(InterfaceString(message[0], path, line, plural))
    return tuple(found)


def catalogue_problems(show: Show, theme: Path | None) -> list[Diagnostic]:
    """W404 for a language of the show with no catalogue, W405 for each interface string
    (where a template uses it) that a language's catalogues leave untranslated."""
    problems: list[Diagnostic] = []
    languages = [code for code in show.all_languages if _primary(code) != SOURCE_LANGUAGE]
    if not languages:
        return problems
    line = _line_of(show.source, "languages:") or _line_of(show.source, "language:")
    strings = interface_strings(theme)
    for language in languages:
        files = catalogue_files(language, theme)
        if not files:
            problems.append(
                Diagnostic(
                    show.source,
                    line,
                    0,
                    "W404",
                    f"no interface catalogue for '{language}': its pages would show "
                    "gaepod's English interface text",
                    f"add theme/{THEME_LOCALE}/{language}.po to the show folder (gaepod's "
                    "site/locale/es.po is a model to translate)",
                    Severity.WARNING,
                )
            )
            continue
        translated = {e.msgid for path in files for e in read_catalogue(path) if e.msgstr}
        reported: set[str] = set()
        for string in strings:
            if string.msgid in translated or string.msgid in reported:
                continue
            reported.add(string.msgid)
            problems.append(
                Diagnostic(
                    string.file,
                    string.line,
                    0,
                    "W405",
                    f"'{string.msgid}' has no '{language}' translation: "
                    f"{language} pages show it in English",
                    f'add `msgid "{string.msgid}"` and its msgstr to '
                    f"theme/{THEME_LOCALE}/{language}.po",
                    Severity.WARNING,
                )
            )
    return problems


def _line_of(path: Path, start: str) -> int:
    """The 1-based line of `path` that starts with `start` (a top-level YAML key); 0 if none."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return 0
    return next((n for n, text in enumerate(lines, 1) if text.startswith(start)), 0)
