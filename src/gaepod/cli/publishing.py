"""The commands that run the pipeline: check, tag, feed, site, build.

Each is one selection of the pipeline's stages (publish.Stage) and the same
few lines: options in, one publish.build call, its report out. They share the
way they run it (run_pipeline) and print it (report_json, the summaries).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from ..errors import ExitCode, GaepodError, sort_key
from .app import (
    AllowGuidChangeOption,
    AllowRemovalOption,
    DiffOption,
    Id3v24Option,
    JsonOption,
    NoWaitOption,
    NowOption,
    OutOption,
    QuietOption,
    ShowOption,
    StrictOption,
    VerboseOption,
    app,
)
from .console import (
    Terminal,
    count_problems,
    diagnostic_json,
    escape,
    fail,
    plural,
    print_diagnostics,
    print_json,
    shown_path,
    status,
)
from .deploying import NoPingOption, ToOption, print_deploy, run_deploy

if TYPE_CHECKING:
    from ..deploy import DeployReport
    from ..feed.diff import FeedDiff
    from ..publish import BuildOptions, BuildReport


@app.command()
def check(
    url: Annotated[
        str | None,
        typer.Argument(
            metavar="[URL]",
            help="With --remote: the live feed to compare with OUT/feed.xml "
            "(default: every feed's feed_url).",
            show_default=False,
        ),
    ] = None,
    show: ShowOption = Path("episodes"),
    remote: Annotated[
        bool,
        typer.Option(
            "--remote",
            help="Also check what is live: the feed against OUT's, each enclosure's "
            "HEAD, length, type and Range support, the artwork and the pages.",
        ),
    ] = False,
    out: OutOption = Path("public"),
    timeout: Annotated[
        float, typer.Option("--timeout", help="Seconds to wait for each answer (--remote).")
    ] = 20.0,
    strict: StrictOption = False,
    quiet: QuietOption = False,
    as_json: JsonOption = False,
    now: NowOption = None,
) -> None:
    """Validate podcast.yaml and every episode; list all problems with file:line.

    Writes nothing. Exit 0 when the show can be published, 1 when not. With
    --remote, also what podcast apps find at the show's public addresses: every
    feed's feed_url, or the live feed at URL, compared with the one in --out.

    Example: gaepod check --show episodes --strict

    Example: gaepod check --remote --out public
    """
    from ..publish import BuildOptions

    if url is not None and not remote:
        raise typer.BadParameter("a feed URL is only read with --remote", param_hint="URL")
    terminal = Terminal()
    options = BuildOptions(show=show, stages=frozenset(), now=now, strict=strict)
    report = run_pipeline(terminal, options, quiet=True, verbose=False, as_json=as_json)
    live = None
    if remote:
        from .live import run_live

        live = run_live(terminal, report, url, out, timeout, quiet=quiet or as_json)
    failed = not report.is_publishable() or (
        live is not None and bool(live.errors or (strict and live.warnings))
    )
    diagnostics = sorted([*report.errors, *report.warnings], key=sort_key)
    if as_json:
        podcast = report.check.podcast if report.check else None
        summary: dict[str, object] = {
            "ok": not failed,
            "episodes": len(podcast.episodes) if podcast else 0,
            "files": report.episode_files,
            "diagnostics": [diagnostic_json(d) for d in diagnostics],
        }
        if live is not None:
            summary["remote"] = {
                **live.as_json(),
                "diagnostics": [diagnostic_json(d) for d in live.diagnostics],
            }
        print_json(terminal, summary)
    else:
        print_diagnostics(terminal.err, diagnostics, warnings=not quiet or strict)
        if live is not None:
            print_diagnostics(terminal.err, live.diagnostics, warnings=not quiet or strict)
    if failed:
        if not as_json:
            problems = [*diagnostics, *(live.diagnostics if live else [])]
            terminal.err.print(
                f"[red]✗ {escape(count_problems(problems))} in {escape(str(show))}"
                + (" and what is live" if live is not None else "")
                + "[/]"
            )
        raise typer.Exit(int(ExitCode.PROBLEMS))
    if not (quiet or as_json):
        terminal.out.print(f"[green]✓[/] {escape(str(show))}: {_episodes_line(report)}")
        if live is not None:
            from .live import live_summary

            terminal.out.print(f"[green]✓[/] {escape(live_summary(live))}")


def _episodes_line(report: BuildReport) -> str:
    """'10 episode files (8 published, 1 scheduled, 1 draft), 0 errors, 2 warnings'."""
    assert report.check is not None
    counts = report.check.counts(report.options.moment())
    kinds = [
        (counts.published, "published"),
        (counts.scheduled, "scheduled"),
        (counts.drafts, "draft" + "s" * (counts.drafts != 1)),
    ]
    shown = ", ".join(f"{n} {kind}" for n, kind in kinds if n) or "none yet"
    return f"{plural(counts.files, 'episode file')} ({shown}), {count_problems(report.warnings)}"


@app.command()
def tag(
    show: ShowOption = Path("episodes"),
    id3v24: Id3v24Option = False,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Show what would change; write nothing.")
    ] = False,
    strict: StrictOption = False,
    quiet: QuietOption = False,
    verbose: VerboseOption = False,
    as_json: JsonOption = False,
    no_wait: NoWaitOption = False,
    now: NowOption = None,
) -> None:
    """Write each episode's podcast tags (title, show, date, art, chapters) into its audio.

    Checks the show first. Files that already carry exactly these tags are not touched.

    Example: gaepod tag --show episodes --dry-run
    """
    from ..publish import BuildOptions, Stage

    terminal = Terminal()
    options = BuildOptions(
        show=show,
        stages=frozenset({Stage.TAG}),
        now=now,
        strict=strict,
        wait_for_lock=not no_wait,
        dry_run=dry_run,
        id3v24=id3v24,
    )
    report = run_pipeline(terminal, options, quiet, verbose, as_json)
    tags = report.tags
    assert tags is not None
    if as_json:
        print_json(terminal, report_json(report))
    print_diagnostics(terminal.err, tags.failures)
    if not (quiet or as_json):
        print_diagnostics(terminal.err, report.warnings)
        verb = "would tag" if tags.dry_run else "tagged"
        for tagged in tags.changed:
            changes = ", ".join(tagged.changes)
            terminal.out.print(f"{verb} {escape(shown_path(tagged.path))}: {escape(changes)}")
        summary = f"{verb} {plural(len(tags.changed), 'file')}, {tags.unchanged} already right"
        if tags.skipped:
            summary += f", {tags.skipped} remote skipped"
        if tags.failures:
            terminal.out.print(f"[red]✗[/] {summary}, {len(tags.failures)} failed")
        else:
            suffix = " (dry run: nothing written)" if tags.dry_run else ""
            terminal.out.print(f"[green]✓[/] {summary}{suffix}")
    if tags.failures:
        raise typer.Exit(int(ExitCode.PROBLEMS))


@app.command()
def feed(
    show: ShowOption = Path("episodes"),
    out: OutOption = Path("public"),
    diff: DiffOption = False,
    strict: StrictOption = False,
    quiet: QuietOption = False,
    verbose: VerboseOption = False,
    as_json: JsonOption = False,
    no_wait: NoWaitOption = False,
    allow_removal: AllowRemovalOption = False,
    allow_guid_change: AllowGuidChangeOption = False,
    now: NowOption = None,
) -> None:
    """Check the show, then write OUT/feed.xml and the files it points to.

    On any problem (an invalid file, a published episode whose guid changed or that
    left the show) nothing is written and the published feed stays as it was.

    Example: gaepod feed --show episodes --out public
    """
    from ..publish import BuildOptions, Stage

    options = BuildOptions(
        show=show,
        out=out,
        stages=frozenset({Stage.FEED}),
        now=now,
        strict=strict,
        wait_for_lock=not no_wait,
        allow_removal=allow_removal,
        allow_guid_change=allow_guid_change,
        diff_only=diff,
    )
    report = publish(options, quiet, verbose, as_json)
    if report is not None:
        Terminal().out.print(
            f"[green]✓[/] {escape(str(out / 'feed.xml'))}: "
            f"{plural(report.episodes_in_feed, 'episode')}, {report.feed_bytes:,} bytes "
            f"({_changes(report)})"
        )


@app.command()
def site(
    show: ShowOption = Path("episodes"),
    out: OutOption = Path("public"),
    diff: DiffOption = False,
    strict: StrictOption = False,
    quiet: QuietOption = False,
    verbose: VerboseOption = False,
    as_json: JsonOption = False,
    no_wait: NoWaitOption = False,
    allow_removal: AllowRemovalOption = False,
    allow_guid_change: AllowGuidChangeOption = False,
    now: NowOption = None,
) -> None:
    """Check the show, then write the static site (and its feed) into OUT.

    Templates and static files in SHOW/theme/ replace the built-in ones; Markdown
    files in SHOW/pages/ become pages of the site. Unchanged files are not rewritten.

    Example: gaepod site --show episodes --out public
    """
    from ..publish import BuildOptions, Stage

    options = BuildOptions(
        show=show,
        out=out,
        stages=frozenset({Stage.SITE}),
        now=now,
        strict=strict,
        wait_for_lock=not no_wait,
        allow_removal=allow_removal,
        allow_guid_change=allow_guid_change,
        diff_only=diff,
    )
    report = publish(options, quiet, verbose, as_json)
    if report is not None:
        Terminal().out.print(
            f"[green]✓[/] {escape(str(out / 'index.html'))}: {plural(report.pages, 'page')}, "
            f"{plural(report.episodes_in_feed, 'episode')} in the feed ({_changes(report)})"
        )


@app.command()
def build(
    show: ShowOption = Path("episodes"),
    out: OutOption = Path("public"),
    diff: DiffOption = False,
    strict: StrictOption = False,
    quiet: QuietOption = False,
    verbose: VerboseOption = False,
    as_json: JsonOption = False,
    no_wait: NoWaitOption = False,
    allow_removal: AllowRemovalOption = False,
    allow_guid_change: AllowGuidChangeOption = False,
    no_tag: Annotated[bool, typer.Option("--no-tag", help="Do not tag audio files.")] = False,
    id3v24: Id3v24Option = False,
    deploy: Annotated[
        bool,
        typer.Option("--deploy", help="Then upload what changed (see `gaepod deploy`)."),
    ] = False,
    to: ToOption = None,
    no_ping: NoPingOption = False,
    now: NowOption = None,
) -> None:
    """Check, tag, write the feed and the site: the one command for cron.

    Silent with --quiet when all is well; on any problem nothing published
    changes and the reasons go to stderr (exit 1). With --deploy, a successful
    build is then deployed as `gaepod deploy` does it.

    Example: gaepod build --quiet --show episodes --out /var/www/podcast
    """
    from ..publish import EVERYTHING, BuildOptions, Stage

    if (to or no_ping) and not deploy:
        Terminal().err.print("[red]--to and --no-ping go with --deploy[/]")
        raise typer.Exit(int(ExitCode.USAGE))
    if deploy and diff:
        Terminal().err.print("[red]--diff writes nothing: there is nothing to --deploy[/]")
        raise typer.Exit(int(ExitCode.USAGE))

    options = BuildOptions(
        show=show,
        out=out,
        stages=EVERYTHING - {Stage.TAG} if no_tag else EVERYTHING,
        now=now,
        strict=strict,
        wait_for_lock=not no_wait,
        allow_removal=allow_removal,
        allow_guid_change=allow_guid_change,
        diff_only=diff,
        id3v24=id3v24,
    )
    deployed: list[DeployReport] = []

    def then_deploy(terminal: Terminal) -> dict[str, object]:
        from ..deploy import DeployOptions

        shipping = DeployOptions(
            show=show, out=out, to=to, ping=not no_ping, wait_for_lock=not no_wait
        )
        deployed.append(run_deploy(terminal, shipping, quiet, verbose, as_json))
        return deployed[0].as_json()

    report = publish(options, quiet, verbose, as_json, then_deploy if deploy else None)
    if report is None:
        return
    line = f"{plural(report.episodes_in_feed, 'episode')} in the feed; {_changes(report)}"
    if report.tagged:
        line += f", {plural(len(report.tagged), 'audio file')} tagged"
    terminal = Terminal()
    terminal.out.print(f"[green]✓[/] {line}")
    if deployed:
        print_deploy(terminal, deployed[0], quiet)


def run_pipeline(
    terminal: Terminal, options: BuildOptions, quiet: bool, verbose: bool, as_json: bool
) -> BuildReport:
    """publish.build with a status line on a terminal and `--verbose`'s log; a
    GaepodError becomes its report and exit code."""
    from ..publish import Stage
    from ..publish import build as run_build

    def log(message: str) -> None:
        terminal.err.print(f"[dim]{escape(message)}[/]")

    try:
        with status(terminal, enabled=not (quiet or as_json)) as (step, progress):
            report = run_build(
                options, log=log if verbose else _silent, step=step, progress=progress
            )
    except GaepodError as error:
        fail(terminal, error, quiet, as_json)
    if verbose:
        for name, seconds in report.timings.items():
            terminal.err.print(f"[dim]{escape(name)}: {seconds:.3f} s[/]")
        if Stage.SITE in options.stages and options.out.is_dir():
            from ..site.search import index_sizes

            for size in index_sizes(options.out):
                terminal.err.print(f"[dim]{escape(size.describe())}[/]")
    return report


def _silent(message: str) -> None:
    pass


def publish(
    options: BuildOptions,
    quiet: bool,
    verbose: bool,
    as_json: bool,
    then: Callable[[Terminal], dict[str, object]] | None = None,
) -> BuildReport | None:
    """Run a publishing command and print what all of them print (JSON, the diff, the
    warnings); the report when the command's own summary line is due. `then` runs
    after a successful build (the deploy); its JSON goes under "deploy"."""
    terminal = Terminal()
    report = run_pipeline(terminal, options, quiet, verbose, as_json)
    after = then(terminal) if then is not None else None
    if as_json:
        print_json(terminal, report_json(report) | ({"deploy": after} if after else {}))
        return None
    if report.diff is not None and (options.diff_only or not quiet):
        print_diff(terminal, report, only=options.diff_only)
    if quiet or options.diff_only:
        return None
    print_diagnostics(terminal.err, report.warnings)
    return report


def _changes(report: BuildReport) -> str:
    if report.nothing_changed or not (report.written or report.removed_outputs):
        return f"nothing changed, {plural(report.unchanged, 'file')} unchanged"
    text = f"{plural(len(report.written), 'file')} written, {report.unchanged:,} unchanged"
    if report.removed_outputs:
        text += f", {len(report.removed_outputs):,} removed"
    return text


def print_diff(terminal: Terminal, report: BuildReport, only: bool) -> None:
    """Each feed's changes (the feed named when the build makes more than feed.xml)."""
    diffs = report.diffs or ([report.diff] if report.diff is not None else [])
    out = terminal.out
    if all(diff.is_empty for diff in diffs):
        if only:
            out.print("subscribers would see no change")
        return
    from ..member_keys import is_private_path

    named = len(diffs) > 1
    private = [d for d in diffs if is_private_path(d.feed)]
    for diff in [d for d in diffs if not is_private_path(d.feed)]:
        if diff.is_empty:
            continue
        if named:
            out.print(f"[bold]{escape(diff.feed)}[/]" + " (new feed)" * diff.is_new_feed)
        if diff.is_gone:
            out.print(f"[red]- feed no longer published[/]  {escape(diff.feed)}")
        _print_changes(terminal, diff)
    if any(not d.is_empty for d in private):
        _print_members_diff(terminal, private)


def _print_members_diff(terminal: Terminal, diffs: list[FeedDiff]) -> None:
    """Every member's feed carries the same episodes: their changes once, and how many
    feeds are new or gone (never their secret addresses)."""
    made = [d for d in diffs if not d.is_gone]
    new, gone = sum(d.is_new_feed for d in made), sum(d.is_gone for d in diffs)
    counts = [f"{len(made)} published"]
    counts += [f"{new} new"] * bool(new) + [f"{gone} revoked"] * bool(gone)
    terminal.out.print(f"[bold]members' feeds[/] ({', '.join(counts)})")
    shown = next((d for d in made if not d.is_new_feed), made[0] if made else None)
    if shown is not None:
        _print_changes(terminal, shown)


def _print_changes(terminal: Terminal, diff: FeedDiff) -> None:
    out = terminal.out
    for change in diff.show:
        out.print(f"[yellow]~ show[/]     {escape(change)}")
    for item in diff.added:
        out.print(f"[green]+ new[/]      {escape(item.title)}")
    for item, changes in diff.changed:
        out.print(f"[yellow]~ changed[/]  {escape(item.title)}: {escape('; '.join(changes))}")
    for item in diff.removed:
        out.print(f"[red]- removed[/]  {escape(item.title)} (guid {escape(item.guid)})")


def report_json(report: BuildReport) -> dict[str, object]:
    """The same keys for every command and every kind of run (full, incremental, no-op);
    paths relative to the output folder (files) or the show folder (audio)."""
    diff: dict[str, object] = {"show_changes": [], "added": [], "changed": [], "removed": []}
    if report.diff:
        diff = {key: report.diff.as_json()[key] for key in diff}
    tags = report.tags
    return {
        "ok": True,
        "stages": sorted(stage.value for stage in report.options.stages),
        "nothing_changed": report.nothing_changed,
        **diff,
        "feeds": [d.as_json() for d in report.diffs or ([report.diff] if report.diff else [])],
        "written": report.written,
        "unchanged": report.unchanged,
        "removed_files": report.removed_outputs,
        "tagged": report.tagged,
        "tag_failures": [diagnostic_json(d) for d in tags.failures] if tags else [],
        "episode_files": report.episode_files,
        "episodes_in_feed": report.episodes_in_feed,
        "feed_bytes": report.feed_bytes,
        "pages": report.pages,
        "warnings": [diagnostic_json(d) for d in report.warnings],
    }
