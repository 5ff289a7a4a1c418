"""The `gaepod` command: a thin typer shell over the library.

Each command builds Options, calls one library function, prints its report
and returns an exit code. This is the only module that prints; diagnostics
go to stderr, results to stdout, and --quiet keeps successful runs silent.
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn, cast

import typer

from .. import __version__
from ..errors import Diagnostic, ExitCode, GaepodError

if TYPE_CHECKING:  # imported when a command runs: a no-op `gaepod build` stays cheap
    from rich.console import Console

    from ..publish.commands import TagRunReport

app = typer.Typer(
    name="gaepod",
    help="Publish a podcast from a folder of YAML files and audio.\n\n"
    "Example: gaepod build   (check, tag, feed and site in one go)",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)

ShowOption = Annotated[Path, typer.Option("--show", help="The show folder (holds podcast.yaml).")]
OutOption = Annotated[Path, typer.Option("--out", help="Where published files go.")]
QuietOption = Annotated[bool, typer.Option("--quiet", "-q", help="Print nothing on success.")]
NoWaitOption = Annotated[
    bool, typer.Option("--no-wait", help="Exit at once if another run holds the lock.")
]
StrictOption = Annotated[bool, typer.Option("--strict", help="Treat warnings as errors.")]
NowOption = Annotated[
    datetime | None,
    typer.Option(
        "--now",
        hidden=True,
        help="Pretend it is this moment (for tests).",
        formats=["%Y-%m-%dT%H:%M:%S%z"],
    ),
]


def _consoles() -> tuple[Console, Console]:
    """stdout and stderr consoles, made on first use: a quiet build that succeeds never
    imports rich's console and markup (~0.025 s of a cron run)."""
    # emoji=False: ":smile:" in a title is text, not a code to replace
    out = _LazyConsole(soft_wrap=True, highlight=False, emoji=False)
    err = _LazyConsole(stderr=True, soft_wrap=True, highlight=False, emoji=False)
    return cast("Console", out), cast("Console", err)


class _LazyConsole:
    def __init__(self, **options: Any) -> None:
        self._options = options
        self._console: Console | None = None

    def __getattr__(self, name: str) -> Any:
        if self._console is None:
            from rich.console import Console

            self._console = Console(**self._options)
        return getattr(self._console, name)


def escape(text: str) -> str:
    """Text shown as is in rich markup ('[' is not a style)."""
    from rich.markup import escape as escape_markup

    return escape_markup(text)


def _print_diagnostics(
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


def _count(diagnostics: list[Diagnostic]) -> str:
    errors = sum(d.is_error for d in diagnostics)
    warnings = len(diagnostics) - errors
    return f"{errors} error{'s' * (errors != 1)}, {warnings} warning{'s' * (warnings != 1)}"


def _fail(err: Console, error: GaepodError, quiet: bool) -> NoReturn:
    _print_diagnostics(err, error.diagnostics, warnings=not quiet)
    if error.diagnostics:
        err.print(f"[red]✗ {escape(_count(error.diagnostics))}[/]")
    err.print(f"[red]{escape(error.message)}[/]")
    raise typer.Exit(int(error.exit_code))


@app.command()
def check(
    show: ShowOption = Path("episodes"),
    strict: StrictOption = False,
    quiet: QuietOption = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print diagnostics as JSON.")] = False,
    now: NowOption = None,
) -> None:
    """Validate podcast.yaml and every episode; list all problems with file:line.

    Example: gaepod check --show episodes --strict
    """
    out, err = _consoles()
    from ..publish.commands import Options, run_check

    result = run_check(Options(show=show, out=Path("public"), now=now))
    failed = not result.is_ok or (strict and bool(result.warnings))
    if as_json:
        out.print_json(
            json.dumps(
                {
                    "ok": not failed,
                    "episodes": len(result.podcast.episodes) if result.podcast else 0,
                    "files": result.episode_files,
                    "diagnostics": [_diagnostic_json(d) for d in result.diagnostics],
                },
                ensure_ascii=False,
            )
        )
        raise typer.Exit(int(ExitCode.PROBLEMS if failed else ExitCode.OK))
    _print_diagnostics(err, result.diagnostics, warnings=not quiet or strict)
    if failed:
        err.print(f"[red]✗ {escape(_count(result.diagnostics))} in {escape(str(show))}[/]")
        raise typer.Exit(int(ExitCode.PROBLEMS))
    if not quiet:
        counts = result.counts(Options(show, Path(), now).moment())
        kinds = [
            (counts.published, "published"),
            (counts.scheduled, "scheduled"),
            (counts.drafts, "draft" + "s" * (counts.drafts != 1)),
        ]
        shown = ", ".join(f"{n} {kind}" for n, kind in kinds if n) or "none yet"
        out.print(
            f"[green]✓[/] {escape(str(show))}: {counts.files} episode "
            f"file{'s' * (counts.files != 1)} ({shown}), {escape(_count(result.diagnostics))}"
        )


@app.command()
def feed(
    show: ShowOption = Path("episodes"),
    out: OutOption = Path("public"),
    strict: StrictOption = False,
    quiet: QuietOption = False,
    no_wait: NoWaitOption = False,
    now: NowOption = None,
) -> None:
    """Check the show, then write OUT/feed.xml (refuses, keeping the old feed, on errors).

    Example: gaepod feed --show episodes --out public
    """
    stdout, err = _consoles()
    from ..publish.commands import Options, publish_feed

    options = Options(show=show, out=out, now=now, strict=strict, wait_for_lock=not no_wait)
    try:
        report = publish_feed(options)
    except GaepodError as error:
        _fail(err, error, quiet)
    if not quiet:
        _print_diagnostics(err, report.check.warnings)
        written = report.written
        changed = (
            (
                f"{len(written.written)} file{'s' * (len(written.written) != 1)} written, "
                f"{written.unchanged} unchanged"
            )
            if written.written
            else "nothing changed"
        )
        stdout.print(
            f"[green]✓[/] {escape(str(out / 'feed.xml'))}: "
            f"{report.episodes_in_feed} episodes, {report.feed_bytes:,} bytes "
            f"({changed})"
        )


@app.command()
def site(
    show: ShowOption = Path("episodes"),
    out: OutOption = Path("public"),
    strict: StrictOption = False,
    quiet: QuietOption = False,
    no_wait: NoWaitOption = False,
    now: NowOption = None,
) -> None:
    """Check the show, then write the static site (and its feed) into OUT.

    Templates and static files in SHOW/theme/ replace the built-in ones; Markdown
    files in SHOW/pages/ become pages of the site. Unchanged files are not rewritten.

    Example: gaepod site --show episodes --out public
    """
    stdout, err = _consoles()
    from ..publish.commands import Options, publish_site

    options = Options(show=show, out=out, now=now, strict=strict, wait_for_lock=not no_wait)
    try:
        report = publish_site(options)
    except GaepodError as error:
        _fail(err, error, quiet)
    if not quiet:
        _print_diagnostics(err, report.check.warnings)
        count = len(report.written.written)
        changed = f"{count} file{'s' * (count != 1)} written" if count else "nothing changed"
        stdout.print(
            f"[green]✓[/] {escape(str(out / 'index.html'))}: {report.pages} pages, "
            f"{report.episodes} episodes ({changed}, {report.written.unchanged} unchanged)"
        )


@app.command()
def tag(
    show: ShowOption = Path("episodes"),
    id3v24: Annotated[
        bool, typer.Option("--id3v24", help="Write MP3 tags as ID3v2.4 (default: v2.3).")
    ] = False,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Show what would change; write nothing.")
    ] = False,
    strict: StrictOption = False,
    quiet: QuietOption = False,
    no_wait: NoWaitOption = False,
    now: NowOption = None,
) -> None:
    """Write each episode's podcast tags (title, show, date, art, chapters) into its audio.

    Files that already carry exactly these tags are not touched.

    Example: gaepod tag --show episodes --dry-run
    """
    stdout, err = _consoles()
    from ..publish.commands import Options, tag_audio

    options = Options(show, Path("public"), now, strict, wait_for_lock=not no_wait)
    try:
        with _tag_progress(stdout, quiet) as progress:
            report = tag_audio(options, id3v24=id3v24, dry_run=dry_run, progress=progress)
    except GaepodError as error:
        _fail(err, error, quiet)
    _print_tag_report(stdout, err, report, quiet)
    if report.tags.failures:
        raise typer.Exit(int(ExitCode.PROBLEMS))


@app.command("import")
def import_(
    source: Annotated[str, typer.Argument(metavar="FEED", help="A feed file or http(s) URL.")],
    show: ShowOption = Path("episodes"),
    force: Annotated[
        bool, typer.Option("--force", help="Overwrite the show files already in the folder.")
    ] = False,
    quiet: QuietOption = False,
    now: NowOption = None,
) -> None:
    """Create podcast.yaml and one episode file per item from an existing podcast feed.

    Guids, dates, enclosure URLs, lengths and durations are kept exactly, so no
    subscriber downloads anything again; the audio stays where it is hosted.

    Example: gaepod import https://example.org/podcast.rss --show episodes
    """
    from ..importer.feed_import import import_feed  # only this command needs the importer

    stdout, err = _consoles()
    try:
        report = import_feed(source, show, now=now, force=force)
    except GaepodError as error:
        _fail(err, error, quiet)
    _print_diagnostics(err, report.diagnostics, warnings=not quiet)
    if report.errors:
        err.print(f"[red]✗ {escape(_count(report.diagnostics))}: fix them, then gaepod check[/]")
        raise typer.Exit(int(ExitCode.PROBLEMS))
    if not quiet:
        stdout.print(
            f"[green]✓[/] {escape(str(show))}: {report.episodes} episodes from "
            f"{report.items} items ({report.skipped} skipped), "
            f"{len(report.warnings)} warning{'s' * (len(report.warnings) != 1)}; "
            f"next: gaepod check --show {escape(str(show))}"
        )


@contextlib.contextmanager
def _tag_progress(
    console: Console, quiet: bool
) -> Iterator[Callable[[int, int, str], None] | None]:
    """A progress bar on a terminal; nothing for cron, pipes and --quiet."""
    if quiet or not console.is_terminal:
        yield None
        return
    from rich.progress import Progress

    with Progress(console=console, transient=True) as bar:
        task = bar.add_task("tagging", total=None)

        def advance(done: int, total: int, name: str) -> None:
            bar.update(task, completed=done, total=total, description=escape(name))

        yield advance


def _print_tag_report(stdout: Console, err: Console, report: TagRunReport, quiet: bool) -> None:
    tags = report.tags
    _print_diagnostics(err, tags.failures)
    if quiet:
        return
    _print_diagnostics(err, report.check.warnings)
    verb = "would tag" if tags.dry_run else "tagged"
    for tagged in tags.changed:
        shown = escape(_relative(tagged.path))
        stdout.print(f"{verb} {shown}: {escape(', '.join(tagged.changes))}")
    summary = f"{verb} {len(tags.changed)} file{'s' * (len(tags.changed) != 1)}"
    summary += f", {tags.unchanged} already right"
    if tags.skipped:
        summary += f", {tags.skipped} remote skipped"
    if tags.failures:
        stdout.print(f"[red]✗[/] {summary}, {len(tags.failures)} failed")
    else:
        suffix = " (dry run: nothing written)" if tags.dry_run else ""
        stdout.print(f"[green]✓[/] {summary}{suffix}")


def _relative(path: Path) -> str:
    with contextlib.suppress(ValueError):
        return str(path.relative_to(Path.cwd()))
    return str(path)


def _diagnostic_json(d: Diagnostic) -> dict[str, object]:
    return {
        "path": str(d.path),
        "line": d.line,
        "column": d.column,
        "code": d.code,
        "severity": d.severity.value,
        "message": d.message,
        "hint": d.hint,
    }


def _version(value: bool) -> None:
    if value:
        print(f"gaepod {__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_version, is_eager=True, help="Show the version and exit."
        ),
    ] = False,
) -> None:
    """Publish a podcast from a folder of YAML files and audio."""


def main() -> None:
    try:
        app()
    except KeyboardInterrupt:
        sys.stderr.write("interrupted; published files were left as they were\n")
        _leave(130)
    except SystemExit as done:  # how click ends every command, with its exit code
        if done.code is not None and not isinstance(done.code, int):
            raise  # a message to print: let Python do it
        _leave(done.code or 0)


def _leave(code: int) -> NoReturn:
    """Exit without tearing the interpreter down. Every file is written and closed by
    now; freeing a large show's objects one by one only delayed the exit (~40 ms of a
    one-edit build at 1,000 episodes, which cron runs all day)."""
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):  # a closed pipe (`| head`)
            stream.flush()
    os._exit(code)


# The publishing commands live in their own module; importing it registers them.
from . import publish as cli_publish  # noqa: E402, F401
