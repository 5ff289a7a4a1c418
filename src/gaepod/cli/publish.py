"""The publishing commands of `gaepod`: build, list, new, serve.

Registered on the same typer app as the commands in cli.py; as thin as
those: options in, one library call, a report out.
"""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import threading
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from ..errors import ExitCode, GaepodError
from .app import (
    NoWaitOption,
    NowOption,
    OutOption,
    QuietOption,
    ShowOption,
    StrictOption,
    _consoles,
    _diagnostic_json,
    _fail,
    _print_diagnostics,
    app,
    escape,
)

if TYPE_CHECKING:
    from rich.console import Console


@app.command()
def build(
    show: ShowOption = Path("episodes"),
    out: OutOption = Path("public"),
    quiet: QuietOption = False,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Explain each step.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print a JSON summary.")] = False,
    diff: Annotated[
        bool,
        typer.Option("--diff", help="Show what subscribers would see change, and write nothing."),
    ] = False,
    strict: StrictOption = False,
    no_wait: NoWaitOption = False,
    allow_removal: Annotated[
        bool, typer.Option("--allow-removal", help="Let published episodes leave the feed.")
    ] = False,
    allow_guid_change: Annotated[
        bool, typer.Option("--allow-guid-change", help="Let published episodes change their guid.")
    ] = False,
    no_tag: Annotated[bool, typer.Option("--no-tag", help="Do not tag audio files.")] = False,
    id3v24: Annotated[bool, typer.Option("--id3v24", help="Write ID3v2.4 tags.")] = False,
    now: NowOption = None,
) -> None:
    """Check, tag, write the feed and the site: the one command for cron.

    Silent with --quiet when all is well; on any problem nothing published
    changes and the reasons go to stderr (exit 1).

    Example: gaepod build --quiet --show episodes --out /var/www/podcast
    """
    from ..publish.pipeline import BuildOptions
    from ..publish.pipeline import build as run_build

    stdout, err = _consoles()
    options = BuildOptions(
        show=show,
        out=out,
        now=now,
        strict=strict,
        wait_for_lock=not no_wait,
        allow_removal=allow_removal,
        allow_guid_change=allow_guid_change,
        diff_only=diff,
        tag_audio=not no_tag,
        id3v24=id3v24,
    )
    log = (lambda message: err.print(f"[dim]{escape(message)}[/]")) if verbose else _quiet
    try:
        with _build_status(err, enabled=not (quiet or as_json)) as (step, progress):
            report = run_build(options, log=log, step=step, progress=progress)
    except GaepodError as error:
        if as_json:
            stdout.print_json(
                json.dumps(
                    {
                        "ok": False,
                        "message": error.message,
                        "diagnostics": [_diagnostic_json(d) for d in error.diagnostics],
                    },
                    ensure_ascii=False,
                )
            )
        _fail(err, error, quiet)
    if as_json:
        stdout.print_json(json.dumps(_build_json(report), ensure_ascii=False))
        return
    if report.diff is not None and (diff or not quiet):
        _print_diff(stdout, report.diff, diff)
    if quiet or diff:
        return
    _print_diagnostics(err, report.warnings)
    if report.nothing_changed:
        stdout.print("✓ nothing changed since the last build")
        return
    stdout.print(
        f"[green]✓[/] {report.episodes_in_feed} episodes in the feed; "
        f"{len(report.written)} files written, {report.unchanged + report.skipped} unchanged"
        + (f", {len(report.removed_outputs)} removed" if report.removed_outputs else "")
        + (f", {len(report.tagged)} audio files tagged" if report.tagged else "")
    )
    if verbose:
        for name, seconds in report.timings.items():
            err.print(f"[dim]{escape(name)}: {seconds:.3f} s[/]")


def _quiet(message: str) -> None:
    pass


@contextlib.contextmanager
def _build_status(
    console: Console, enabled: bool
) -> Iterator[tuple[Callable[[str], None], Callable[[int, int, str], None] | None]]:
    """On a terminal: a transient spinner naming the step, a bar while tagging.

    Nothing at all for cron, pipes, --quiet and --json.
    """
    if not enabled or not console.is_terminal:
        yield _quiet, None
        return
    from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn

    columns = (SpinnerColumn(), TextColumn("{task.description}"), BarColumn())
    with Progress(*columns, console=console, transient=True) as bar:
        task = bar.add_task("building", total=None)

        def step(name: str) -> None:
            bar.update(task, description=escape(name), total=None, completed=0)

        def progress(done: int, total: int, name: str) -> None:
            bar.update(task, description=f"tagging {escape(name)}", total=total, completed=done)

        yield step, progress


def _print_diff(stdout, diff, only: bool) -> None:  # type: ignore[no-untyped-def]
    if diff.is_empty:
        if only:
            stdout.print("subscribers would see no change")
        return
    for item in diff.added:
        stdout.print(f"[green]+ new[/]      {escape(item.title)}")
    for item, changes in diff.changed:
        stdout.print(f"[yellow]~ changed[/]  {escape(item.title)}: {escape('; '.join(changes))}")
    for item in diff.removed:
        stdout.print(f"[red]- removed[/]  {escape(item.title)} (guid {escape(item.guid)})")


def _build_json(report) -> dict[str, object]:  # type: ignore[no-untyped-def]
    diff = report.diff.as_json() if report.diff else {"added": [], "changed": [], "removed": []}
    return {
        "ok": True,
        "nothing_changed": report.nothing_changed,
        **diff,
        "written": report.written,
        "unchanged": report.unchanged + report.skipped,
        "removed_files": report.removed_outputs,
        "tagged": report.tagged,
        "episodes_in_feed": report.episodes_in_feed,
        "warnings": [_diagnostic_json(d) for d in report.warnings],
    }


@app.command("list")
def list_command(
    show: ShowOption = Path("episodes"),
    as_json: Annotated[bool, typer.Option("--json", help="Print the rows as JSON.")] = False,
    now: NowOption = None,
) -> None:
    """Every episode with its status: published, scheduled, draft or invalid.

    Example: gaepod list --show episodes
    """
    from rich.table import Table

    from ..publish.listing import list_episodes

    stdout, _err = _consoles()
    moment = now or datetime.now().astimezone()
    rows = list_episodes(show, moment)
    if as_json:
        stdout.print_json(json.dumps([r.as_json() for r in rows], ensure_ascii=False))
        return
    table = Table(box=None, header_style="bold")
    for column in ("#", "date", "title", "length", "status", "tagged"):
        table.add_column(column, overflow="fold")
    colours = {"published": "green", "scheduled": "cyan", "draft": "yellow", "invalid": "red"}
    for row in rows:
        number = f"E{row.number}" if row.number else ""
        if row.season and row.number:
            number = f"S{row.season}{number}"
        table.add_row(
            number,
            row.date.strftime("%Y-%m-%d %H:%M") if row.date else "",
            escape(row.title or row.file),
            _clock(row.duration_seconds),
            f"[{colours[row.status]}]{row.status}[/]"
            + (f" ({row.problems} problem{'s' * (row.problems != 1)})" if row.problems else ""),
            {True: "yes", False: "[yellow]no[/]", None: "—"}[row.tagged],
        )
    stdout.print(table)


def _clock(seconds: int | None) -> str:
    if seconds is None:
        return ""
    return f"{seconds // 3600}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"


@app.command()
def new(
    title: Annotated[str, typer.Argument(help='The episode title, e.g. "Guest Name: Topic".')],
    show: ShowOption = Path("episodes"),
    audio: Annotated[
        Path | None,
        typer.Option("--audio", help="Copy this audio file into the show's audio/ folder."),
    ] = None,
    date: Annotated[
        str | None,
        typer.Option(
            "--date",
            help="Publication time, written as in the file's `date:` (2027-01-15, "
            "2027-01-15T10:00 or 2027-01-15T10:00-05:00; without an offset, the show's "
            "time zone). Default: now, rounded up to the quarter hour.",
        ),
    ] = None,
    edit: Annotated[bool, typer.Option("--edit", help="Open the new file in $EDITOR.")] = False,
    now: NowOption = None,
) -> None:
    """Create the next episode's YAML file (as a draft) and print its path.

    Example: gaepod new "Zoë Dubois: Ports, Power, & Pipelines?" --audio ~/rec/ep12.mp3
    """
    from ..show.scaffold import create_episode

    stdout, err = _consoles()
    moment = now or datetime.now().astimezone()
    try:
        created = create_episode(show, title, moment, audio=audio, date=date)
    except GaepodError as error:
        _fail(err, error, quiet=False)
    stdout.print(
        f"[green]✓[/] {escape(str(created.path))} (episode {created.number}, "
        f"{created.date.isoformat()}, draft: remove `draft: true` when it is ready)"
    )
    if created.audio:
        stdout.print(f"  audio copied to {escape(str(created.audio))}")
    if edit:
        editor = os.environ.get("VISUAL") or os.environ.get("EDITOR") or "vi"
        subprocess.call([*editor.split(), str(created.path)])


@app.command()
def serve(
    show: ShowOption = Path("episodes"),
    out: OutOption = Path("public"),
    port: Annotated[int, typer.Option("--port", help="Port on 127.0.0.1.")] = 8000,
    watch: Annotated[bool, typer.Option("--watch", help="Rebuild when the show changes.")] = False,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Log requests.")] = False,
) -> None:
    """Preview OUT on http://127.0.0.1:PORT/ (HEAD and Range requests supported).

    Example: gaepod serve --watch
    """
    from ..publish.pipeline import BuildOptions
    from ..publish.pipeline import build as run_build
    from ..publish.serve import make_server, snapshot
    from ..publish.serve import watch as watch_show

    stdout, err = _consoles()
    options = BuildOptions(show=show, out=out, tag_audio=False)

    def rebuild() -> None:
        try:
            report = run_build(options)
            if not report.nothing_changed:
                stdout.print(f"rebuilt: {len(report.written)} files written")
        except GaepodError as error:
            _print_diagnostics(err, error.diagnostics)
            err.print(f"[red]{escape(error.message)}[/]")

    if watch:
        rebuild()
    if not out.is_dir():
        err.print(f"[red]{escape(str(out))} does not exist: run `gaepod build` first[/]")
        raise typer.Exit(int(ExitCode.PROBLEMS))
    try:
        server = make_server(out, port=port, verbose=verbose)
    except OSError as exc:
        err.print(f"[red]cannot listen on 127.0.0.1:{port}: {escape(exc.strerror or '')}[/]")
        raise typer.Exit(int(ExitCode.PROBLEMS)) from exc
    stop = threading.Event()
    if watch:
        threading.Thread(
            target=watch_show, args=(lambda: snapshot(show), rebuild, stop), daemon=True
        ).start()
    stdout.print(
        f"serving {escape(str(out))} at http://127.0.0.1:{server.server_address[1]}/ "
        "(Ctrl-C to stop)"
    )
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        stop.set()
        server.server_close()
