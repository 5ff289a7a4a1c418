"""The package's shape: imports run one way between the stages, with no cycle and no
private name taken from another module.

    core (errors, model, paths, fsio, durable, cleanup, state, member_keys) <- speed <- show
        <- audio, feed, site <- publish <- deploy <- cli;   importer uses show and the core only

A module may import what sits below it, never what sits above: the check never
needs the site, the feed never needs the CLI. Imports under `if TYPE_CHECKING:`
count too (they are how a reader sees the dependencies).
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

from conftest import REPO

PACKAGE = REPO / "src" / "gaepod"
CORE = {"errors", "model", "paths", "fsio", "durable", "cleanup", "state", "member_keys"}
# What each part may import, besides itself and the core.
ALLOWED = {
    "core": set(),
    "speed": set(),
    "show": {"speed"},
    "audio": {"speed", "show"},
    "feed": {"speed", "show"},
    "site": {"speed", "show", "feed"},
    "publish": {"speed", "show", "audio", "feed", "site"},
    "deploy": {"speed", "show", "audio", "feed", "site", "publish"},
    "importer": {"show"},
    "cli": {"speed", "show", "audio", "feed", "site", "publish", "deploy", "importer"},
}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def part_of(module: str) -> str:
    """'gaepod.show.load' -> 'show'; 'gaepod.fsio' -> 'core'."""
    parts = module.split(".")
    if len(parts) == 1 or parts[1] == "__main__":
        return "top"  # the library API and `python -m gaepod`: above every part
    return "core" if parts[1] in CORE else parts[1]


def imports(path: Path) -> Iterator[tuple[int, str, list[str], bool]]:
    """(line, imported module, names, at module level) for every import of a gaepod module."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    here = module_name(path)
    package = here if path.name == "__init__.py" else here.rpartition(".")[0]
    top_level = {id(node) for node in tree.body}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            if module.split(".")[0] != "gaepod":
                continue
            names = []
            for alias in node.names:  # `from . import probe` imports the module itself
                if is_module(f"{module}.{alias.name}"):
                    yield node.lineno, f"{module}.{alias.name}", [], id(node) in top_level
                else:
                    names.append(alias.name)
            if names:
                yield node.lineno, module, names, id(node) in top_level
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] == "gaepod":
                    yield node.lineno, alias.name, [], id(node) in top_level


def is_module(dotted: str) -> bool:
    where = PACKAGE.parent.joinpath(*dotted.split("."))
    return where.with_suffix(".py").is_file() or (where / "__init__.py").is_file()


MODULES = sorted(PACKAGE.rglob("*.py"))


def test_the_stages_are_subpackages() -> None:
    flat = sorted(p.name for p in PACKAGE.glob("*.py"))
    assert flat == [
        "__init__.py",
        "__main__.py",
        "cleanup.py",
        "durable.py",
        "errors.py",
        "fsio.py",
        "member_keys.py",
        "model.py",
        "paths.py",
        "state.py",
    ]
    for part in ALLOWED:
        if part != "core":
            assert (PACKAGE / part / "__init__.py").is_file(), part


@pytest.mark.parametrize("path", MODULES, ids=lambda p: module_name(p))
def test_imports_run_one_way(path: Path) -> None:
    here = part_of(module_name(path))
    if here == "top":
        return  # gaepod/__init__ hands out the library API (imported on first use)
    wrong = [
        f"{path.relative_to(REPO)}:{line}: {here} imports {module}"
        for line, module, _names, _top in imports(path)
        if (there := part_of(module)) not in ({here, "core"} | ALLOWED[here])
        and not (there == "top" and set(_names) <= {"__version__"})
    ]
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize("path", MODULES, ids=lambda p: module_name(p))
def test_no_private_name_is_imported_from_another_module(path: Path) -> None:
    private = [
        f"{path.relative_to(REPO)}:{line}: {name} from {module}"
        for line, module, names, _top in imports(path)
        for name in names
        if name.startswith("_") and not name.startswith("__")
    ]
    assert not private, "\n".join(private)


def test_no_import_cycle_at_module_level() -> None:
    graph: dict[str, set[str]] = {}
    for path in MODULES:
        here = module_name(path)
        graph[here] = {
            module for _line, module, _names, top in imports(path) if top and module != here
        }

    def cycle_from(start: str) -> list[str] | None:
        stack, seen = [(start, [start])], set()
        while stack:
            node, trail = stack.pop()
            for nxt in graph.get(node, ()):
                if nxt == start and len(trail) > 1:
                    return [*trail, nxt]
                if nxt not in seen and nxt in graph:
                    seen.add(nxt)
                    stack.append((nxt, [*trail, nxt]))
        return None

    cycles = [c for module in graph if (c := cycle_from(module))]
    assert not cycles, "\n".join(" -> ".join(c) for c in cycles)
