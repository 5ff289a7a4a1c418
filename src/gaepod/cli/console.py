"""Everything the commands print: diagnostics, summaries, JSON, and progress.

Diagnostics and progress go to stderr, results to stdout; nothing is printed
in colour or animated unless the stream is a terminal, and `--quiet` keeps a
successful run silent. User text is escaped before it reaches rich's markup.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

import typer

from ..errors import Diagnostic, GaepodError

if TYPE_CHECKING:
    from rich.console import Console


class Terminal:
    """stdout and stderr as rich consoles, made on first use: a quiet run that succeeds
    never imports rich's console and markup (~0.025 s of a cron run)."""

    def __init__(self, out: Console | None = None, err: Console | None = None) -> None:
        self._out = out  # given: a test says what the streams are (a terminal or not)
        self._err = err

    @property
    def out(self) -> Console:
        if self._out is None:
            self._out = _console(stderr=False)
        return self._out

    @property
    def err(self) -> Console:
        if self._err is None:
            self._err = _console(stderr=True)
        return self._err


def _console(*, stderr: bool) -> Console:
    from rich.console import Console

    # soft_wrap: a `file:line: message` is never split at 80 columns (cron mails, pipes);
    # emoji=False: ":smile:" in a title is text, not a code to replace.
    return Console(stderr=stderr, soft_wrap=True, highlight=False, emoji=False)


def escape(text: str) -> str:
    """Text shown as it is in rich markup ('[' is not a style)."""
    from rich.markup import escape as escape_markup

    return escape_markup(text)


def plural(count: int, noun: str) -> str:
    return f"{count:,} {noun}{'s' * (count != 1)}"


def print_diagnostics(
    console: Console, diagnostics: list[Diagnostic], *, warnings: bool = True
) -> None:
    cwd = Path.cwd()
    for diagnostic in diagnostics:
        if not warnings and not diagnostic.is_error:
            continue
        style = "red" if diagnostic.is_error else "yellow"
        lines = diagnostic.format(relative_to=cwd).split("\n")
        console.print(f"[{style}]{escape(lines[0])}[/]")
        for extra in lines[1:]:
            console.print(f"[dim]{escape(extra)}[/]")


def count_problems(diagnostics: list[Diagnostic]) -> str:
    errors = sum(d.is_error for d in diagnostics)
    return f"{plural(errors, 'error')}, {plural(len(diagnostics) - errors, 'warning')}"


def fail(terminal: Terminal, error: GaepodError, quiet: bool, as_json: bool = False) -> NoReturn:
    """Report a GaepodError (every diagnostic, then the one-line outcome) and exit with
    its code; with `as_json`, the same as a JSON object on stdout too."""
    if as_json:
        print_json(
            terminal,
            {
                "ok": False,
                "message": error.message,
                "diagnostics": [diagnostic_json(d) for d in error.diagnostics],
            },
        )
    print_diagnostics(terminal.err, error.diagnostics, warnings=not quiet)
    if error.diagnostics:
        terminal.err.print(f"[red]✗ {escape(count_problems(error.diagnostics))}[/]")
    terminal.err.print(f"[red]{escape(error.message)}[/]")
    raise typer.Exit(int(error.exit_code))


def print_json(terminal: Terminal, value: object) -> None:
    terminal.out.print_json(json.dumps(value, ensure_ascii=False))


def diagnostic_json(d: Diagnostic) -> dict[str, object]:
    return {
        "path": str(d.path),
        "line": d.line,
        "column": d.column,
        "code": d.code,
        "severity": d.severity.value,
        "message": d.message,
        "hint": d.hint,
    }


def shown_path(path: Path) -> str:
    """`path` relative to the current folder when it is inside it."""
    with contextlib.suppress(ValueError):
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    return str(path)


Step = Callable[[str], None]
Progress = Callable[[int, int, str], None]


def _nothing(message: str) -> None:
    pass


@contextlib.contextmanager
def status(
    terminal: Terminal, enabled: bool, verb: str = "tagging"
) -> Iterator[tuple[Step, Progress | None]]:
    """On a terminal: a transient spinner on stderr naming the step, with a bar while
    audio files are tagged (or files uploaded: `verb`). Nothing at all for cron, pipes,
    --quiet and --json."""
    if not enabled or not terminal.err.is_terminal:
        yield _nothing, None
        return
    from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn

    columns = (SpinnerColumn(), TextColumn("{task.description}"), BarColumn())
    with Progress(*columns, console=terminal.err, transient=True) as bar:
        task = bar.add_task("starting", total=None)

        def step(name: str) -> None:
            bar.update(task, description=escape(name), total=None, completed=0)

        drawn: list[int] = []

        def progress(done: int, total: int, name: str) -> None:
            shown = f"{verb} {done}/{total} {escape(name)}"
            bar.update(task, description=shown, total=total, completed=done)
            if not drawn:  # the first file's bar at once: the run may end before a refresh
                drawn.append(done)
                bar.refresh()

        yield step, progress
