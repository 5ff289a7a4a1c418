"""The commands around the show folder: list, new, import, serve.

As thin as the publishing ones: options in, one library call, a report out.
"""

from __future__ import annotations

import os
import subprocess
import threading
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from ..errors import ExitCode, GaepodError

if TYPE_CHECKING:
    from ..importer.probing import ProbeSummary
from .app import NowOption, OutOption, QuietOption, ShowOption, app
from .console import (
    Terminal,
    count_problems,
    escape,
    fail,
    plural,
    print_diagnostics,
    print_json,
    status,
)


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

    terminal = Terminal()
    moment = now or datetime.now().astimezone()
    rows = list_episodes(show, moment)
    if as_json:
        print_json(terminal, [r.as_json() for r in rows])
        return
    table = Table(box=None, header_style="bold")
    for column in ("#", "date", "title", "length", "status", "tagged"):
        table.add_column(column, overflow="fold")
    colours = {"published": "green", "scheduled": "cyan", "draft": "yellow", "invalid": "red"}
    colours |= {"members": "magenta", "early access": "magenta"}
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
    terminal.out.print(table)


@app.command()
def members(
    show: ShowOption = Path("episodes"),
    as_json: Annotated[bool, typer.Option("--json", help="Print the members as JSON.")] = False,
) -> None:
    """Each member's private feed address, to send them (the key comes from
    GAEPOD_MEMBERS_KEY, as for the build).

    Example: gaepod members --show episodes --json
    """
    from ..publish.members import list_members

    terminal = Terminal()
    try:
        rows = list_members(show)
    except GaepodError as error:
        fail(terminal, error, quiet=False)
    if as_json:
        print_json(terminal, [r.as_json() for r in rows])
        return
    if not terminal.out.is_terminal:  # one member a line, tab-separated: whole addresses
        for row in rows:
            terminal.out.print(
                "\t".join(
                    (escape(row.id), escape(row.name), escape(row.email or ""), row.feed_url)
                ),
                soft_wrap=True,
            )
        return
    for row in rows:  # the address on its own line: copied whole, never folded
        email = f" <{escape(row.email)}>" if row.email else ""
        terminal.out.print(f"[bold]{escape(row.id)}[/]  {escape(row.name)}{email}")
        terminal.out.print(f"  {row.feed_url}", soft_wrap=True, highlight=False)
    if not rows:
        terminal.err.print("the members file lists no members")


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

    terminal = Terminal()
    moment = now or datetime.now().astimezone()
    try:
        created = create_episode(show, title, moment, audio=audio, date=date)
    except GaepodError as error:
        fail(terminal, error, quiet=False)
    terminal.out.print(
        f"[green]✓[/] {escape(str(created.path))} (episode {created.number}, "
        f"{created.date.isoformat()}, draft: remove `draft: true` when it is ready)"
    )
    if created.audio:
        terminal.out.print(f"  audio copied to {escape(str(created.audio))}")
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
    from ..publish import EVERYTHING, BuildOptions, Stage
    from ..publish import build as run_build
    from ..publish.serve import make_server, snapshot
    from ..publish.serve import watch as watch_show

    terminal = Terminal()
    options = BuildOptions(show=show, out=out, stages=EVERYTHING - {Stage.TAG})

    def rebuild() -> None:
        try:
            report = run_build(options)
            if not report.nothing_changed:
                terminal.out.print(f"rebuilt: {len(report.written)} files written")
        except GaepodError as error:
            print_diagnostics(terminal.err, error.diagnostics)
            terminal.err.print(f"[red]{escape(error.message)}[/]")

    if watch:
        rebuild()
    if not out.is_dir():
        terminal.err.print(f"[red]{escape(str(out))} does not exist: run `gaepod build` first[/]")
        raise typer.Exit(int(ExitCode.PROBLEMS))
    try:
        server = make_server(out, port=port, verbose=verbose)
    except OSError as exc:
        terminal.err.print(
            f"[red]cannot listen on 127.0.0.1:{port}: {escape(exc.strerror or '')}[/]"
        )
        raise typer.Exit(int(ExitCode.PROBLEMS)) from exc
    stop = threading.Event()
    if watch:
        threading.Thread(
            target=watch_show, args=(lambda: snapshot(show), rebuild, stop), daemon=True
        ).start()
    try:  # Ctrl-C right after the line is printed is a clean stop too
        terminal.out.print(
            f"serving {escape(str(out))} at http://127.0.0.1:{server.server_address[1]}/ "
            "(Ctrl-C to stop)"
        )
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        stop.set()
        server.server_close()


@app.command("import")
def import_(
    source: Annotated[str, typer.Argument(metavar="FEED", help="A feed file or http(s) URL.")],
    show: ShowOption = Path("episodes"),
    force: Annotated[
        bool, typer.Option("--force", help="Overwrite the show files already in the folder.")
    ] = False,
    probe: Annotated[
        bool,
        typer.Option(
            "--probe",
            help="Read the lengths and durations the feed lacks from the audio over HTTP "
            "(HEAD and Range requests for the first bytes, never whole files).",
        ),
    ] = False,
    quiet: QuietOption = False,
    now: NowOption = None,
) -> None:
    """Create podcast.yaml and one episode file per item from an existing podcast feed.

    Guids, dates, enclosure URLs, lengths and durations are kept exactly, so no
    subscriber downloads anything again; the audio stays where it is hosted.

    Example: gaepod import https://example.org/podcast.rss --show episodes --probe
    """
    from ..importer.feed_import import import_feed  # only this command needs the importer

    terminal = Terminal()
    try:
        with status(terminal, enabled=not quiet, verb="reading") as (step, progress):
            step(f"importing {source}")
            report = import_feed(source, show, now=now, force=force, probe=probe, progress=progress)
    except GaepodError as error:
        fail(terminal, error, quiet)
    print_diagnostics(terminal.err, report.diagnostics, warnings=not quiet)
    if report.probe is not None and not quiet:
        terminal.out.print(escape(probe_summary(report.probe)))
    if report.errors:
        terminal.err.print(
            f"[red]✗ {escape(count_problems(report.diagnostics))}: fix them, then gaepod check[/]"
        )
        raise typer.Exit(int(ExitCode.PROBLEMS))
    if not quiet:
        terminal.out.print(
            f"[green]✓[/] {escape(str(show))}: {report.episodes} episodes from "
            f"{report.items} items ({report.skipped} skipped), "
            f"{len(report.warnings)} warning{'s' * (len(report.warnings) != 1)}; "
            f"next: gaepod check --show {escape(str(show))}"
        )


def probe_summary(probe: ProbeSummary) -> str:
    """`--probe`'s line: what was filled, what was downloaded for it, what was not."""
    if not probe.items:
        return "probe: every item has its length and duration; nothing to read"
    text = (
        f"probe: {plural(probe.lengths, 'length')} and {plural(probe.durations, 'duration')} "
        f"read over HTTP for {plural(probe.items, 'item')} "
        f"({probe.received / 1024:,.0f} KiB downloaded)"
    )
    if probe.failed:
        lines = ", ".join(str(d.line) for d in probe.failed[:5])
        more = ", ..." if len(probe.failed) > 5 else ""
        where = "line" if len(probe.failed) == 1 else "lines"
        failed = plural(len(probe.failed), "item")
        text += f"; {failed} could not be read (W260, {where} {lines}{more})"
    return text
