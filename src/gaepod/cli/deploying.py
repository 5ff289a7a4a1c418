"""`gaepod deploy`, and the deploy step of `gaepod build --deploy`: both run
gaepod.deploy.deploy and print its report the same way."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from ..errors import GaepodError
from .app import JsonOption, NoWaitOption, OutOption, QuietOption, ShowOption, VerboseOption, app
from .console import Terminal, escape, fail, plural, print_json, status

if TYPE_CHECKING:
    from ..deploy import DeployOptions, DeployReport

ToOption = Annotated[
    str | None,
    typer.Option(
        "--to",
        help="Where to deploy (instead of podcast.yaml's `deploy:`): "
        "s3://bucket/prefix/?endpoint=https://..., rsync:host:/path/ or host:/path/, "
        "or a folder.",
    ),
]
NoPingOption = Annotated[
    bool,
    typer.Option("--no-ping", help="Do not notify the Podcast Index or WebSub hubs."),
]


@app.command()
def deploy(
    show: ShowOption = Path("episodes"),
    out: OutOption = Path("public"),
    to: ToOption = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="List each upload and deletion; change nothing.")
    ] = False,
    full: Annotated[
        bool,
        typer.Option("--full", help="Upload every file, even those the target already has."),
    ] = False,
    no_ping: NoPingOption = False,
    quiet: QuietOption = False,
    verbose: VerboseOption = False,
    as_json: JsonOption = False,
    no_wait: NoWaitOption = False,
) -> None:
    """Upload what changed in OUT since the last deploy: audio and assets first, pages
    next, feeds last; then delete what the build removed and notify apps of new feeds.

    The target is podcast.yaml's `deploy:` or --to. A deploy that fails leaves the
    live feed as it was; run it again to finish.

    Example: gaepod deploy --show episodes --out public --to s3://my-bucket/podcast/
    """
    from ..deploy import DeployOptions

    options = DeployOptions(
        show=show,
        out=out,
        to=to,
        dry_run=dry_run,
        ping=not no_ping,
        full=full,
        wait_for_lock=not no_wait,
    )
    terminal = Terminal()
    report = run_deploy(terminal, options, quiet, verbose, as_json)
    if as_json:
        print_json(terminal, report.as_json())
    else:
        print_deploy(terminal, report, quiet)


def run_deploy(
    terminal: Terminal, options: DeployOptions, quiet: bool, verbose: bool, as_json: bool
) -> DeployReport:
    """gaepod.deploy.deploy with a bar on a terminal; a GaepodError becomes its exit."""
    from ..deploy import deploy as run

    def log(message: str) -> None:
        terminal.err.print(f"[dim]{escape(message)}[/]")

    try:
        with status(terminal, enabled=not (quiet or as_json), verb="uploading") as (
            step,
            progress,
        ):
            return run(options, log=log if verbose else _silent, step=step, progress=progress)
    except GaepodError as error:
        fail(terminal, error, quiet, as_json)


def _silent(message: str) -> None:
    pass


def print_deploy(terminal: Terminal, report: DeployReport, quiet: bool) -> None:
    """The dry run's list, the warnings (failed pings) and the summary line."""
    if quiet:
        return
    out = terminal.out
    if report.dry_run:
        for file in report.planned:
            out.print(
                f"upload  {escape(file.relpath)}  ({file.kind.value}, {_size(file.size)}, "
                f"{escape(file.content_type)}, {escape(file.cache_control)})"
            )
        for relpath in report.to_delete:
            out.print(f"delete  {escape(relpath)}  (after the feeds)")
        for ping in report.pings:
            out.print(f"ping    {escape(ping.service)}: {escape(ping.endpoint)}")
    for warning in report.warnings:
        terminal.err.print(f"[yellow]warning: {escape(warning)}[/]")
    where = escape(report.target)
    if report.dry_run:
        out.print(
            f"dry run for {where}: would upload {plural(len(report.planned), 'file')} "
            f"({_size(report.bytes)}), delete {len(report.to_delete):,}, "
            f"send {plural(len(report.pings), 'ping')}; {report.unchanged:,} unchanged; "
            "nothing was changed"
        )
        return
    if not (report.uploaded or report.deleted):
        line = f"nothing changed, {plural(report.unchanged, 'file')} already there"
    else:
        line = (
            f"{plural(len(report.uploaded), 'file')} uploaded ({_size(report.bytes)}), "
            f"{len(report.deleted):,} deleted, {report.unchanged:,} unchanged"
        )
    if report.feeds_changed:
        line += "; new " + ", ".join(escape(f) for f in report.feeds_changed) + " live"
    sent = [p for p in report.pings if p.ok]
    if sent:
        line += f"; {plural(len(sent), 'ping')} sent"
    out.print(f"[green]✓[/] {where}: {line}")


def _size(count: int) -> str:
    value, unit = float(count), "bytes"
    for bigger in ("kB", "MB", "GB"):
        if value < 1000:
            break
        value, unit = value / 1000, bigger
    return f"{count} bytes" if unit == "bytes" else f"{value:.1f} {unit}"
