"""The one pipeline every command runs: lock -> check -> ledger -> tag -> render -> write.

`build(options)` runs the stages `options.stages` selects (see options.py);
`check`, `tag`, `feed`, `site` and `build` differ only in that selection, so
every promise holds on every path: nothing is written unless the whole show
is valid and the guid ledger agrees; published files are replaced atomically,
assets first and feed.xml last; two runs at once are serialised by the show's
lock; the warnings are the same whichever command finds them. What makes it
fast (the cache, the no-op answer, helpers on every core) sits behind
gaepod.speed and changes no byte of the output.

Heavy modules are imported only past the no-op answer, so that cron stays cheap.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from ..cleanup import sweep_temp_files
from ..errors import Diagnostic, GaepodError, InvalidShowError
from ..fsio import safe_output_dir
from ..paths import forget_resolved_folders
from ..speed import collector, quickstate
from ..speed.switches import enabled
from ..state import Stamp, show_lock, state_dir
from .options import BuildOptions, BuildReport, Stage, diagnostic_from_row

if TYPE_CHECKING:
    from ..model import Podcast
    from ..show.check import CheckResult

Log = Callable[[str], None]
Progress = Callable[[int, int, str], None]


def _silent(message: str) -> None:
    pass


def build(
    options: BuildOptions,
    log: Log = _silent,
    step: Log = _silent,
    progress: Progress | None = None,
) -> BuildReport:
    """Run the stages `options` selects. `log` gets what each step did, `step` the name
    of the step starting, `progress` (done, total, file) while audio files are tagged.
    Raises GaepodError (InvalidShowError, OutputError, LockedError) when nothing could
    be published; a report otherwise."""
    forget_resolved_folders()  # an earlier build in this process (serve --watch) resolved them
    out = safe_output_dir(options.out, options.show) if options.publishes else options.out
    if not options.writes:
        return _run(options, out, None, log, step, progress)
    with show_lock(options.show, wait=options.wait_for_lock):
        inputs = quickstate.scan_inputs(options.show)  # once: no-op test, check, saved state
        if options.publishes and not options.diff_only:
            saved = quickstate.load(state_dir(options.show))
            if quickstate.is_unchanged(
                saved, options.signature(), inputs, out, options.moment().timestamp()
            ):
                assert saved is not None
                log("nothing changed since the last build: nothing to do")
                return _unchanged(options, saved)
        # What a failed run left (temp files beside their targets, a half-filled first
        # publish): under the lock, every one of them is a leftover.
        sweep_temp_files(options.show)
        if options.publishes:
            sweep_temp_files(out)
        try:
            with collector.paused():
                return _run(options, out, inputs, log, step, progress)
        except BaseException:
            quickstate.forget(state_dir(options.show))  # the next run works it all out
            raise


def _unchanged(options: BuildOptions, saved: quickstate.QuickState) -> BuildReport:
    """The report of a run with nothing to do: what the last build published."""
    summary = saved.summary
    return BuildReport(
        options,
        nothing_changed=True,
        warnings=[diagnostic_from_row(row) for row in summary.get("warnings", [])],
        episode_files=summary.get("episode_files", 0),
        episodes_in_feed=summary.get("episodes_in_feed", 0),
        unchanged=len(saved.outputs),
        unrendered=len(saved.outputs),
        feed_bytes=summary.get("feed_bytes", 0),
        pages=summary.get("pages", 0),
    )


def _run(
    options: BuildOptions,
    out: Path,
    inputs: dict[str, Stamp] | None,
    log: Log,
    step: Log,
    progress: Progress | None,
) -> BuildReport:
    """The stages after the lock. `inputs`: the stamps of the show folder's files as the
    run started (None for a run that writes nothing)."""
    from ..speed.cache import load_cache, save_cache
    from . import stages

    report = BuildReport(options)
    clock = stages.Stopwatch(report)
    now = options.moment()
    step("checking the show")
    cache = load_cache(state_dir(options.show))
    result = stages.check(options, cache, inputs, clock)
    if not options.stages:  # `gaepod check`: its report is the result, valid or not
        report.check, report.episode_files = result, result.episode_files
        report.warnings = list(result.warnings)
        if result.is_ok and result.podcast is not None:
            report.warnings += stages.feed_size_warnings(result.podcast, now)
        return report
    podcast = _valid(options, result, report, log)
    ledger = stages.verify_ledger(options, podcast, cache) if options.publishes else None
    if options.diff_only:  # before tagging: lengths of files not tagged yet will still change
        report.diffs = stages.diff_every_feed(options, out, podcast, now, cache)
        report.diff = next((d for d in report.diffs if d.feed == "feed.xml"), None)
        return report
    planned: list[list[stages.Output]] = []
    if Stage.TAG in options.stages:
        step("tagging audio")
        tagged_podcast = podcast

        def plan_ahead() -> None:  # while helpers examine the audio files (a big build)
            if options.publishes and enabled("ahead"):
                planned.append(stages.plan(options, out, tagged_podcast, now, cache))

        stages.tag(options, podcast, cache, report, log, progress, plan_ahead)
        clock.lap("tag")
        if report.tags is not None and report.tags.failures:
            if options.publishes:
                raise GaepodError(
                    "some audio files could not be tagged; nothing was published",
                    report.tags.failures,
                )
            if options.writes:
                save_cache(state_dir(options.show), cache)
            return report
        if report.tags is not None and report.tagged and options.publishes:  # sizes changed
            result = stages.recheck_tagged(result, report.tags, options, cache)
            clock.lap("check")
            podcast = _valid(options, result, report, log)
            planned.clear()
    if not options.publishes:
        if options.writes:
            save_cache(state_dir(options.show), cache)
        return report
    assert ledger is not None and inputs is not None
    if Stage.TAG not in options.stages:
        _strict(options, report, stages.untagged_warnings(podcast, now))
    report.diffs, upcoming = stages.diff(out, podcast, now, cache)
    report.diff = report.diffs[0]  # feed.xml's
    clock.lap("diff")
    step("planning the feed and the site")
    outputs = planned[0] if planned else stages.plan(options, out, podcast, now, cache)
    _strict(options, report, stages.redirect_warnings(options, out, podcast, now, outputs))
    clock.lap("plan outputs")
    step(f"rendering and writing {len(outputs):,} files")
    stages.write(options, out, outputs, podcast, upcoming, cache, report, log)
    relpaths = [o.relpath for o in outputs]
    del outputs  # and with them every page's view and planner: not needed any more
    clock.lap("write")
    step("recording what was published")
    report.ledger_added = stages.record_ledger(options, ledger, podcast, now, cache)
    report.episodes_in_feed = len(podcast.in_feed(now))
    if report.ledger_added or report.removed_outputs or not enabled("ahead"):  # see write
        save_cache(state_dir(options.show), cache)
    stages.save_quick_state(options, out, podcast, now, relpaths, cache, inputs, report)
    clock.lap("save state")
    return report


def _valid(options: BuildOptions, result: CheckResult, report: BuildReport, log: Log) -> Podcast:
    """The podcast when the show can be published; else InvalidShowError."""
    report.check = result
    report.episode_files = result.episode_files
    report.warnings = list(result.warnings)
    log(
        f"check: {result.episode_files} episode files "
        f"({result.episode_files - result.read_again} unchanged since the last build), "
        f"{len(result.errors)} errors, {len(result.warnings)} warnings"
    )
    return result.require_valid(options.strict, _consequence(options))


def _strict(options: BuildOptions, report: BuildReport, late: list[Diagnostic]) -> BuildReport:
    """Add the warnings found after the check; with --strict they refuse the run, as the
    check's own warnings do."""
    report.warnings += late
    if options.strict and late:
        count = len(late)
        raise InvalidShowError(
            f"{count} problem{'s' * (count != 1)} in the show (--strict); {_consequence(options)}",
            list(report.warnings),
        )
    return report


def _consequence(options: BuildOptions) -> str:
    return "nothing was published" if options.publishes else "nothing was written"
