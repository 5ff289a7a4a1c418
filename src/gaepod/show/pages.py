"""The show's own pages: Markdown files in `<show>/pages/` (About, Support, FAQ ...).

`pages/support.md` becomes `support/index.html`, `pages/es/miembros.md`
becomes `es/miembros/index.html`. A file may open with YAML front matter
between two `---` lines (`title`, `menu`, `nav`, `lang`, `description`); without a
`title` the first `# heading` names the page. Front matter is read by the same
positioned loader as episode files, so every problem is a diagnostic with
file:line. Reading never raises on bad input; this module never writes.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, replace
from pathlib import Path

from ..errors import Diagnostic, Severity
from ..paths import SLUG
from .fields import FieldReader
from .load import MAX_FILE_BYTES, Mapping, Scalar, parse_document
from .podcast import read_language

PAGES_DIR = "pages"
PAGE_FIELDS = ("title", "menu", "nav", "lang", "description", "translation_of")
DEFAULT_NAV = 100  # pages without `nav:` come after the numbered ones, by title
# Top-level names the site or the feed use themselves; a page there would collide.
RESERVED = frozenset(
    {
        "index",
        "episodes",
        "archive",
        "tags",
        "guests",
        "search",
        "assets",
        "art",
        "audio",
        "404",
        "feed",
        "sitemap",
        "robots",
    }
)
ABOUT = "about"  # pages/about.md replaces the about page made from the show description
_HEADING = re.compile(r"^#[ \t]+(.+?)[ \t#]*$", re.MULTILINE)
_FENCE = "---"


@dataclass(frozen=True)
class ShowPage:
    """One Markdown page of the show, ready to render."""

    source: Path
    path: str  # the page's folder in the site: "support", "es/miembros"
    title: str
    menu: str  # its label in the navigation (default: the title)
    body_md: str
    nav: int | None  # order in the navigation; None: not in the navigation
    lang: str | None = None
    description: str | None = None
    translation_of: str | None = None  # the same page in another language: its path

    @property
    def href(self) -> str:
        """Link target relative to the site root (explicit index.html for file://)."""
        return f"{self.path}/index.html"


def read_pages(root: Path) -> tuple[list[ShowPage], list[Diagnostic]]:
    """Every page under `<root>/pages/`, in navigation order, with every problem found."""
    folder = root / PAGES_DIR
    if not folder.is_dir():
        return [], []
    pages: list[ShowPage] = []
    diagnostics: list[Diagnostic] = []
    seen: dict[str, Path] = {}
    for source in sorted(folder.rglob("*.md")):
        relative = source.relative_to(folder)
        if any(part.startswith(".") for part in relative.parts):
            continue
        page, found = read_page(source, relative)
        diagnostics.extend(found)
        if page is None:
            continue
        first = seen.get(page.path.casefold())
        if first is not None:
            diagnostics.append(
                Diagnostic(
                    source,
                    0,
                    0,
                    "E303",
                    f"page address {page.path}/ is also used by {first.name}",
                    "rename one of the two files",
                )
            )
            continue
        seen[page.path.casefold()] = source
        pages.append(page)
    diagnostics.extend(_translation_problems(pages))
    pages.sort(key=lambda p: (p.nav if p.nav is not None else DEFAULT_NAV, p.title, p.path))
    return pages, diagnostics


def _translation_problems(pages: list[ShowPage]) -> list[Diagnostic]:
    """E306 for a page whose `translation_of:` names no page of the show."""
    paths = [page.path for page in pages]
    problems = []
    for page in pages:
        named = page.translation_of
        if named is None or (named in paths and named != page.path):
            continue
        text = page.source.read_text(encoding="utf-8", errors="replace").splitlines()
        line = next((n for n, t in enumerate(text, 1) if t.startswith("translation_of:")), 0)
        close = difflib.get_close_matches(named, [p for p in paths if p != page.path], n=1)
        problems.append(
            Diagnostic(
                page.source,
                line,
                0,
                "E306",
                f"translation_of: '{named}' names no other page of the show",
                f"did you mean '{close[0]}'?"
                if close
                else "write the other page's address, e.g. `translation_of: become-a-member`",
            )
        )
    return problems


def page_groups(pages: list[ShowPage]) -> dict[str, str]:
    """Page path -> a name shared by the page and its translations (pages whose
    `translation_of:` name each other, directly or through one they both name)."""
    group = {page.path: page.path for page in pages}
    for page in pages:
        if page.translation_of in group:
            first = group[page.translation_of]
            for path, name in list(group.items()):
                if name == group[page.path]:
                    group[path] = first
    return group


def read_page(source: Path, relative: Path) -> tuple[ShowPage | None, list[Diagnostic]]:
    """One page file; None (with diagnostics) when it cannot be published."""
    path = _page_path(relative)
    problems: list[Diagnostic] = []
    if path is None:
        return None, [
            Diagnostic(
                source,
                0,
                0,
                "E301",
                f"page file name '{relative.as_posix()}' cannot be a web address",
                "use lower-case letters, digits and '-' only, e.g. pages/become-a-member.md",
            )
        ]
    if path.split("/")[0] in RESERVED:
        return None, [
            Diagnostic(
                source,
                0,
                0,
                "E302",
                f"'{path}' is used by the site itself",
                f"rename the file; reserved names: {', '.join(sorted(RESERVED))}",
            )
        ]
    try:
        data = source.read_bytes()[: MAX_FILE_BYTES + 1]
        text = data.decode("utf-8").removeprefix("\ufeff")
    except (OSError, UnicodeDecodeError) as exc:
        return None, [
            Diagnostic(source, 0, 0, "E304", f"cannot read the page: {exc}", "save it as UTF-8")
        ]
    if len(data) > MAX_FILE_BYTES:
        return None, [
            Diagnostic(source, 0, 0, "E002", f"file is larger than {MAX_FILE_BYTES // 1024} KiB")
        ]
    front, body, body_line = _split_front_matter(text)
    fields: dict[str, object] = {}
    if front is not None:
        fields, problems = _read_front_matter(source, front)
        if any(d.is_error for d in problems):
            return None, problems
    title = fields.get("title")
    if not isinstance(title, str):
        heading = _HEADING.search(body)
        if heading is None:
            problems.append(
                Diagnostic(
                    source,
                    body_line,
                    0,
                    "E305",
                    "the page has no title",
                    "start it with a `# Heading` line or add `title:` front matter",
                )
            )
            return None, problems
        title = heading.group(1).strip()
        # The layout shows the title as the page's <h1>: drop the duplicate heading.
        body = body[: heading.start()] + body[heading.end() :]
    nav = fields.get("nav", DEFAULT_NAV)
    lang, description = fields.get("lang"), fields.get("description")
    translation = fields.get("translation_of")
    menu = fields.get("menu")
    page = ShowPage(
        source=source,
        path=path,
        title=title,
        menu=menu if isinstance(menu, str) else title,
        body_md=body.strip() + "\n",
        nav=nav if isinstance(nav, int) else None,
        lang=lang if isinstance(lang, str) else None,
        description=description if isinstance(description, str) else None,
        translation_of=translation if isinstance(translation, str) else None,
    )
    return page, problems


def _page_path(relative: Path) -> str | None:
    parts = [*relative.parts[:-1], relative.stem]
    if parts[-1] == "index" and len(parts) > 1:
        parts.pop()
    if not all(SLUG.fullmatch(part) for part in parts):
        return None
    return "/".join(parts)


def _split_front_matter(text: str) -> tuple[str | None, str, int]:
    """(front matter or None, body, line number where the body starts)."""
    lines = text.split("\n")
    if not lines or lines[0].rstrip() != _FENCE:
        return None, text, 1
    for index in range(1, len(lines)):
        if lines[index].rstrip() == _FENCE:
            # Leading blank line keeps the YAML's line numbers equal to the file's.
            front = "\n" + "\n".join(lines[1:index])
            return front, "\n".join(lines[index + 1 :]), index + 2
    return None, text, 1


def _read_front_matter(source: Path, front: str) -> tuple[dict[str, object], list[Diagnostic]]:
    document = parse_document(source, front.encode())
    problems = [_as_page_problem(d) for d in document.diagnostics]
    root = document.root
    if root is None:
        return {}, problems
    reader = FieldReader(source)
    if not isinstance(root, Mapping):
        reader.error(
            root, "E103", "front matter must be `field: value` lines", "e.g. `title: About`"
        )
        return {}, problems + reader.diagnostics
    reader.check_keys(root, PAGE_FIELDS, "page")
    fields: dict[str, object] = {}
    title = reader.text(root.get("title"), "title", max_length=200)
    if title:
        fields["title"] = title
    menu = reader.text(root.get("menu"), "menu", max_length=40)
    if menu:
        fields["menu"] = menu
    description = reader.text(root.get("description"), "description", max_length=300)
    if description:
        fields["description"] = description
    lang = read_language(reader, root.get("lang"), "lang")
    if lang:
        fields["lang"] = lang
    translation = reader.text(root.get("translation_of"), "translation_of")
    if translation:
        # pages/support.md, support.md and support all name the page at /support/
        fields["translation_of"] = translation.removeprefix(f"{PAGES_DIR}/").removesuffix(".md")
    nav_node = root.get("nav")
    if isinstance(nav_node, Scalar) and nav_node.is_plain and nav_node.value == "false":
        fields["nav"] = None
    elif nav_node is not None:
        nav = reader.integer(nav_node, "nav")
        if nav is not None:
            fields["nav"] = nav
    return fields, problems + reader.diagnostics


def _as_page_problem(diagnostic: Diagnostic) -> Diagnostic:
    """Loader messages speak of episode files; a page's hint should not."""
    if diagnostic.code == "E006":
        return replace(
            diagnostic, hint="close the front matter with one `---` line", severity=Severity.ERROR
        )
    return diagnostic
