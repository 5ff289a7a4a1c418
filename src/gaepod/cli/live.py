"""`gaepod check --remote`: the live check's run (with progress on a terminal) and its
summary line. The checking itself is publish/live.py."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import typer

from ..errors import ExitCode
from .console import Terminal, plural, status

if TYPE_CHECKING:
    from ..publish import BuildReport
    from ..publish.live import RemoteReport


def run_live(
    terminal: Terminal, report: BuildReport, url: str | None, out: Path, timeout: float, quiet: bool
) -> RemoteReport:
    """Check the live feeds of the show `report` checked (or `url`)."""
    from ..publish.live import RemoteOptions, check_remote
    from ..show.podcast import read_show

    podcast = report.check.podcast if report.check else None
    show = podcast.show if podcast is not None else None
    if show is None:
        show = read_show(report.options.show)[0]
    if show is None and url is None:
        terminal.err.print(
            "[red]✗ --remote needs the show's feed_url: fix podcast.yaml, or pass the "
            "live feed's URL[/]"
        )
        raise typer.Exit(int(ExitCode.PROBLEMS))
    options = RemoteOptions(show=report.options.show, out=out, url=url, timeout=timeout)
    with status(terminal, enabled=not quiet, verb="checking") as (step, progress):
        step("fetching the live feed")
        return check_remote(options, show, progress, podcast, report.options.moment())


def live_summary(live: RemoteReport) -> str:
    """'live: feed.xml matches https://...; 23 enclosures, 24 pages, 2 images answer (3.1 s)'."""
    feeds = "; ".join(
        f"{f.url} is {'the same as' if f.is_same else 'in step with'} {f.local} "
        f"({plural(f.items, 'item')})"
        for f in live.feeds
    )
    kinds = ("enclosure", "page", "image")
    asked = ", ".join(plural(live.checked[k], k) for k in kinds if live.checked[k])
    old = live.checked["old address"]
    if old:
        asked += f"{', ' if asked else ''}{old:,} old address{'es' * (old != 1)}"
    warned = f", {plural(len(live.warnings), 'warning')}" if live.warnings else ""
    return f"live: {feeds}; {asked or 'nothing else'} checked{warned} ({live.seconds:.1f} s)"
