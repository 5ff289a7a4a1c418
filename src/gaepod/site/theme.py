"""Where the site's look comes from: Jinja2 templates and static files, the show's
theme (`<show>/theme/templates`, `<show>/theme/static`) first, then the package's.

One Environment per theme, compiled templates kept; autoescaping for HTML and XML,
StrictUndefined so a misspelt variable fails the build instead of vanishing.
"""

from __future__ import annotations

import contextlib
import os
from functools import lru_cache, partial
from pathlib import Path

from jinja2 import (
    BaseLoader,
    ChoiceLoader,
    Environment,
    FileSystemBytecodeCache,
    FileSystemLoader,
    PrefixLoader,
    StrictUndefined,
    select_autoescape,
)
from jinja2.bccache import Bucket
from markupsafe import Markup

from .i18n import LOCALE, THEME_LOCALE, locale_tag, translations
from .icons import ICONS, THEME_ICONS, icon
from .views import digest

PACKAGE_DIR = Path(__file__).resolve().parent
TEMPLATES = PACKAGE_DIR / "templates"
STATIC = PACKAGE_DIR / "static"
THEME_DIR = "theme"
ASSETS = "assets"  # where static files are published


def theme_dir(show_root: Path) -> Path | None:
    """`<show>/theme` when the show has one."""
    folder = show_root / THEME_DIR
    return folder if folder.is_dir() else None


class _CompiledTemplates(FileSystemBytecodeCache):
    """Jinja2's bytecode cache, kept a speed-up only. The Environment outlives a build
    in `gaepod serve --watch`, and the folder may be deleted meanwhile (deleting the
    build cache is allowed): it is made again, and a template that cannot be saved is
    simply compiled again next time, never a failed build."""

    def dump_bytecode(self, bucket: Bucket) -> None:
        with contextlib.suppress(OSError):
            os.makedirs(self.directory, exist_ok=True)
            super().dump_bytecode(bucket)


@lru_cache(maxsize=16)
def environment(
    theme: Path | None, compiled: Path | None = None, sources: str = "", language: str = "en"
) -> Environment:
    """One Environment per theme and version of its templates: each template is compiled once.

    `language`, the interface's: `_()` in a template reads its catalogue (site/i18n.py).
    `sources`, the templates' and catalogues' fingerprint (template_fingerprint): an edited template
    (`gaepod serve --watch`) gets a new Environment, so none has to look at its files
    again while rendering (Jinja2's auto_reload stat'ed each template on every page:
    ~10,000 stats in a 1,000-episode build). `compiled`, a folder where compiled
    templates are kept between runs (Jinja2's bytecode cache, checked against each
    template's source): compiling them is a tenth of a one-episode build otherwise.
    """
    # "gaepod/episode.html" is always the package's own: a theme's episode.html can extend
    # it and replace one block ({% extends "gaepod/episode.html" %}).
    loaders: list[BaseLoader] = [
        FileSystemLoader(str(TEMPLATES)),
        PrefixLoader({"gaepod": FileSystemLoader(str(TEMPLATES))}),
    ]
    if theme is not None and (theme / "templates").is_dir():
        loaders.insert(0, FileSystemLoader(str(theme / "templates")))
    bytecode_cache = _CompiledTemplates(str(compiled)) if compiled is not None else None
    env = Environment(
        bytecode_cache=bytecode_cache,
        loader=ChoiceLoader(loaders),
        autoescape=select_autoescape(enabled_extensions=("html", "xml")),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=False,
        extensions=["jinja2.ext.i18n"],
    )
    # One Environment per language: `_()` in a template is the page language's catalogue.
    env.install_gettext_translations(translations(language, theme), newstyle=True)  # type: ignore[attr-defined]
    env.filters["at"] = _at
    env.filters["og_locale"] = locale_tag
    env.globals["assets"] = Markup(ASSETS)
    env.globals["icon"] = partial(icon, theme)
    return env


def _at(target: str, root: str) -> str:
    """A link from the current page: absolute URLs stay, site paths get the way to the root."""
    return target if "://" in target or target.startswith("mailto:") else root + target


def template_fingerprint(theme: Path | None) -> str:
    """Hash of every template's, catalogue's and icon's name and source (package + theme)."""
    folders = [TEMPLATES, LOCALE, ICONS]
    if theme:
        folders += [theme / "templates", theme / THEME_LOCALE, theme / THEME_ICONS]
    parts: list[object] = []
    for folder in folders:
        if folder.is_dir():
            for path in sorted(folder.rglob("*")):
                if path.is_file():
                    parts.append((path.relative_to(folder).as_posix(), path.read_bytes()))
    return digest(*parts)


def static_files(theme: Path | None) -> list[tuple[str, Path]]:
    """(name, file) of every static file; `<theme>/static/X` replaces the package's X."""
    found: dict[str, Path] = {}
    for folder in [STATIC] + ([theme / "static"] if theme else []):
        if not folder.is_dir():
            continue
        for path in sorted(folder.rglob("*")):
            relative = path.relative_to(folder)
            if path.is_file() and not any(p.startswith(".") for p in relative.parts):
                found[relative.as_posix()] = path
    return sorted(found.items())
