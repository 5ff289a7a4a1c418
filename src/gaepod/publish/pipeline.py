"""`gaepod build`: check -> ledger -> tag -> feed -> site, for cron.

Guarantees: nothing is written unless the whole show is valid and the guid
ledger agrees; published files are replaced atomically, assets first and
feed.xml last; a build with nothing changed answers from file stamps alone;
the cache only ever saves time. Heavy modules are imported only past the
no-op check, so that cron stays cheap.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import Diagnostic, GaepodError, InvalidShowError, OutputError
from ..fsio import locked, safe_output_dir, sweep_temp_files
from ..paths import forget_resolved_folders
from ..speed import memo, quickstate
from ..speed.quickstate import Stamp

if TYPE_CHECKING:
    from ..feed.diff import FeedDiff, ItemFacts
    from ..model import Podcast
    from ..show.check import CheckResult
    from ..show.ledger import Ledger
    from ..speed.cache import BuildCache
    from .outputs import Output

STATE_DIR = ".gaepod"
UNFINISHED = "unfinished"  # exists while a build runs; still there: it was killed
Log = Callable[[str], None]
Progress = Callable[[int, int, str], None]


def _silent(message: str) -> None:
    pass


@dataclass(frozen=True)
class BuildOptions:
    show: Path
    out: Path
    now: datetime | None = None
    strict: bool = False
    wait_for_lock: bool = True
    allow_removal: bool = False
    allow_guid_change: bool = False
    diff_only: bool = False  # report what subscribers would see, write nothing
    tag_audio: bool = True
    id3v24: bool = False

    def moment(self) -> datetime:
        return self.now or datetime.now(timezone.utc)

    def signature(self) -> str:
        """What shapes the output besides the files: a change forces a full build."""
        return repr((str(self.out.resolve()), self.strict, self.tag_audio, self.id3v24))


@dataclass
class BuildReport:
    nothing_changed: bool = False
    check: CheckResult | None = None
    diff: FeedDiff | None = None
    written: list[str] = field(default_factory=list)
    unchanged: int = 0
    skipped: int = 0
    removed_outputs: list[str] = field(default_factory=list)
    tagged: list[str] = field(default_factory=list)
    episodes_in_feed: int = 0
    ledger_added: int = 0
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def warnings(self) -> list[Diagnostic]:
        return self.check.warnings if self.check else []


def build(
    options: BuildOptions,
    log: Log = _silent,
    step: Log = _silent,
    progress: Progress | None = None,
) -> BuildReport:
    """Run the whole build. `log` gets what each step did, `step` the name of the
    step starting, `progress` (done, total, file) while audio files are tagged."""
    forget_resolved_folders()  # an earlier build in this process (serve --watch) resolved them
    out = safe_output_dir(options.out, options.show)
    state_dir = options.show / STATE_DIR
    with locked(state_dir / "lock", wait=options.wait_for_lock):
        now = options.moment()
        inputs = quickstate.scan_inputs(options.show)  # once: no-op test, check, saved state
        saved = quickstate.load(state_dir)
        if not options.diff_only and quickstate.is_unchanged(
            saved, options.signature(), inputs, out, now.timestamp()
        ):
            assert saved is not None
            log("nothing changed since the last build: nothing to do")
            return BuildReport(nothing_changed=True, episodes_in_feed=saved.episodes_in_feed)
        # The build allocates many small, acyclic objects and frees them at exit:
        # the cycle collector's scans would only cost time (~15 %).
        gc_was_enabled = gc.isenabled()
        gc.disable()
        unfinished = state_dir / UNFINISHED
        if unfinished.exists():  # the last build was killed: remove what it left half-made
            sweep_temp_files(options.show)
            sweep_temp_files(out)
        unfinished.touch()
        try:
            return _full_build(options, out, state_dir, now, inputs, log, step, progress)
        finally:  # not reached when killed: then the marker stays for the next build
            unfinished.unlink(missing_ok=True)
            if gc_was_enabled:
                gc.enable()


def _full_build(
    options: BuildOptions,
    out: Path,
    state_dir: Path,
    now: datetime,
    inputs: dict[str, Stamp],
    log: Log,
    step: Log,
    progress: Progress | None,
) -> BuildReport:
    """`inputs`: the stamps of the show folder's files as this build started."""
    from ..show.ledger import LEDGER_FILE
    from ..speed.cache import load_cache, save_cache

    report = BuildReport()
    clock = _Stopwatch(report)
    step("checking the show")
    cache = load_cache(state_dir)
    if cache.out_dir != str(out):  # what was written elsewhere says nothing about `out`
        cache.outputs, cache.out_dir = {}, str(out)
    memo.restore(cache.memo)
    result = _checked(options, cache, inputs, log, clock)
    report.check = result
    podcast = result.podcast
    assert podcast is not None
    ledger = _verify_ledger(options, podcast, now, cache)
    if options.diff_only:  # before tagging: lengths of files not tagged yet will still change
        report.diff, _ = _diff(_published_items(out, cache), podcast, now)
        return report
    clock.lap("ledger")
    planned: list[list[Output]] = []
    if options.tag_audio:
        step("tagging audio")
        tagged_podcast = podcast

        def plan_ahead() -> None:  # while helpers examine the audio files (a big build)
            planned.append(_outputs(options, out, tagged_podcast, now, cache))

        report.tagged = _tag(options, podcast, cache, log, progress, plan_ahead)
        clock.lap("tag")
        if report.tagged:  # sizes changed: read those episodes again, plan again
            result = _rechecked(options, result, report.tagged, cache, clock)
            report.check = result
            podcast = result.podcast
            assert podcast is not None
            planned.clear()
    report.diff, upcoming = _diff(_published_items(out, cache), podcast, now)
    clock.lap("diff")
    step("planning the feed and the site")
    outputs = planned[0] if planned else _outputs(options, out, podcast, now, cache)
    clock.lap("plan outputs")
    step(f"rendering and writing {len(outputs):,} files")

    def while_flushing() -> None:
        """The cache is saved while the new files go to disk: it holds their stamps,
        and a build killed before they are renamed leaves stamps no file has (the
        next build renders those files again, as without a cache)."""
        _remember_feed_items(out, upcoming, cache)
        cache.memo = memo.used()
        save_cache(state_dir, cache)

    records_dropped = _write(out, outputs, cache, report, log, while_flushing)
    relpaths = [o.relpath for o in outputs]
    del outputs  # and with them every page's view and planner: not needed any more
    clock.lap("write")
    step("recording what was published")
    report.ledger_added = _record_ledger(options, ledger, podcast, now, cache)
    report.episodes_in_feed = len(podcast.in_feed(now))
    if report.ledger_added or records_dropped:  # the cache changed since it was saved
        save_cache(state_dir, cache)
    written_inputs = [Path(p) for p in report.tagged] + [options.show / LEDGER_FILE]
    inputs = _restamped(inputs, options.show, written_inputs)
    _save_quick_state(options, out, state_dir, podcast, now, relpaths, cache, inputs)
    clock.lap("save state")
    return report


def _checked(
    options: BuildOptions,
    cache: BuildCache,
    inputs: dict[str, Stamp],
    log: Log,
    clock: _Stopwatch,
) -> CheckResult:
    from ..show.check import check_show

    meanwhile = partial(_while_checking, options, cache)
    result = check_show(options.show, cache, inputs, meanwhile=meanwhile)
    clock.lap("check")
    log(
        f"check: {result.episode_files} episode files "
        f"({result.episode_files - result.read_again} unchanged since the last build), "
        f"{len(result.errors)} errors, {len(result.warnings)} warnings"
    )
    return _valid(options, result)


def _while_checking(options: BuildOptions, cache: BuildCache) -> None:
    """Work for this process while helpers read the episodes, instead of between the
    steps, when it is the only one working: import what tagging, the feed and the site
    need (~60 ms, jinja2, feedgen and lxml among it), and read the ledger."""
    from ..audio import tag  # noqa: F401
    from ..feed import diff as feeddiff  # noqa: F401
    from ..feed import render as feed  # noqa: F401
    from ..show.ledger import LEDGER_FILE, read_ledger
    from ..site import plan as site  # noqa: F401
    from ..speed.cache import stamp
    from . import outputs  # noqa: F401

    current = stamp(options.show / LEDGER_FILE)
    if current is None or (cache.ledger is not None and cache.ledger[0] == current):
        return
    ledger, diagnostics = read_ledger(options.show)
    if not any(d.is_error for d in diagnostics):  # else _verify_ledger reads and reports it
        cache.ledger = (current, ledger)


def _rechecked(
    options: BuildOptions,
    result: CheckResult,
    tagged: list[str],
    cache: BuildCache,
    clock: _Stopwatch,
) -> CheckResult:
    from ..show.check import recheck

    assert result.podcast is not None
    paths = set(tagged)
    sources = {e.source for e in result.podcast.episodes if str(e.audio.path) in paths}
    result = recheck(result, options.show, cache, sources)
    clock.lap("check")
    return _valid(options, result)


def _valid(options: BuildOptions, result: CheckResult) -> CheckResult:
    """`result` when the show can be published; else InvalidShowError (and the no-op
    fast path is off until a build succeeds)."""
    try:
        result.require_valid(options.strict, "nothing was published")
    except InvalidShowError:
        quickstate.forget(options.show / STATE_DIR)
        raise
    return result


def _verify_ledger(
    options: BuildOptions, podcast: Podcast, now: datetime, cache: BuildCache
) -> Ledger:
    from ..show.ledger import LEDGER_FILE, compare, describe, read_ledger
    from ..speed.cache import stamp

    path = options.show / LEDGER_FILE
    current = stamp(path)
    if cache.ledger is not None and current is not None and cache.ledger[0] == current:
        ledger = cache.ledger[1]  # the file is as the last build left it
    else:
        ledger, diagnostics = read_ledger(options.show)
        if any(d.is_error for d in diagnostics):
            raise InvalidShowError(
                f"{LEDGER_FILE} cannot be read; nothing was published", diagnostics
            )
        cache.ledger = (current, ledger) if current is not None else None
    problems = [
        p
        for p in compare(ledger, podcast.published(now))
        if not (p.kind == "removed" and options.allow_removal)
        and not (p.kind == "guid-changed" and options.allow_guid_change)
    ]
    if problems:
        raise InvalidShowError(
            f"{len(problems)} published episode{'s' * (len(problems) != 1)} would change "
            "for subscribers; nothing was published",
            [describe(p, options.show / LEDGER_FILE) for p in problems],
        )
    return ledger


def _published_items(out: Path, cache: BuildCache) -> dict[str, ItemFacts]:
    """What subscribers have now: the items of the feed.xml in `out`."""
    from ..feed.diff import published_items
    from ..feed.render import FEED_PATH
    from ..speed.cache import stamp

    current = stamp(out / FEED_PATH)
    if cache.feed_items is not None and current is not None and cache.feed_items[0] == current:
        return cache.feed_items[1]  # the feed gaepod wrote last time, untouched since
    return published_items(out / FEED_PATH)


def _diff(
    published: dict[str, ItemFacts], podcast: Podcast, now: datetime
) -> tuple[FeedDiff, dict[str, ItemFacts]]:
    """What subscribers will see change, and the items of the feed about to be written."""
    from ..feed.diff import compare_feeds, upcoming_items

    upcoming = upcoming_items(podcast.in_feed(now))
    return compare_feeds(published, upcoming), upcoming


def _tag(
    options: BuildOptions,
    podcast: Podcast,
    cache: BuildCache,
    log: Log,
    progress: Progress | None,
    meanwhile: Callable[[], None],
) -> list[str]:
    """Tag the audio files; `meanwhile`: this process's own work while helpers do."""
    from ..audio.tag import tag_show

    tag_options = f"id3v2.{4 if options.id3v24 else 3}"
    unchanged: set[Path] = set()
    if cache.tag_options == tag_options and podcast.show.source not in cache.fresh:
        unchanged = {e.source for e in podcast.episodes if e.source not in cache.fresh}
    tag_report = tag_show(
        podcast,
        id3v24=options.id3v24,
        progress=progress,
        unchanged_since_last_run=unchanged,
        meanwhile=meanwhile,
    )
    cache.tag_options = tag_options
    if tag_report.failures:
        raise GaepodError(
            "some audio files could not be tagged; nothing was published", tag_report.failures
        )
    changed = [str(tagged.path) for tagged in tag_report.changed]
    log(f"tag: {len(changed)} files tagged, {tag_report.unchanged} already right")
    return changed


def _outputs(
    options: BuildOptions, out: Path, podcast: Podcast, now: datetime, cache: BuildCache
) -> list[Output]:
    from ..site.plan import plan_site, site_files, theme_dir
    from .outputs import Output, keyed_feed_outputs

    theme = theme_dir(options.show)
    pages = [
        Output(str(p.relpath), render=p.render, key=p.key, whole_show=p.whole_show)
        for p in plan_site(
            podcast,
            now,
            theme,
            episode_key=lambda e: cache.digest(e.source, e),
            compiled_templates=options.show / STATE_DIR / "templates",
        )
    ]
    outputs: dict[str, Output] = {}
    for output in [
        *keyed_feed_outputs(podcast, now, cache, out),
        *pages,
        *site_files(podcast, now, theme),
    ]:
        outputs.setdefault(output.relpath, output)  # art is wanted by both: once is enough
    return list(outputs.values())


def _write(
    out: Path,
    outputs: list[Output],
    cache: BuildCache,
    report: BuildReport,
    log: Log,
    while_flushing: Callable[[], None],
) -> bool:
    """Write the outputs, remove the files of outputs gone since the last build; True
    when that dropped records from the cache after `while_flushing` had run."""
    from ..fsio import remove_stale
    from .outputs import write_outputs

    written = write_outputs(out, outputs, cache, while_flushing)
    report.written, report.unchanged, report.skipped = (
        written.written,
        written.unchanged,
        written.skipped,
    )
    current = {o.relpath for o in outputs}
    stale = [relpath for relpath in cache.outputs if relpath not in current]
    report.removed_outputs = remove_stale(out, stale)
    for relpath in stale:
        del cache.outputs[relpath]
    log(
        f"write: {len(written.written)} files written, {written.unchanged} unchanged, "
        f"{written.skipped} skipped unrendered, {len(report.removed_outputs)} removed"
    )
    return bool(stale)


def _record_ledger(
    options: BuildOptions,
    ledger: Ledger,
    podcast: Podcast,
    now: datetime,
    cache: BuildCache,
) -> int:
    from ..fsio import atomic_write
    from ..show.ledger import LEDGER_FILE, render_ledger
    from ..speed.cache import stamp

    updated = ledger.record(podcast.in_feed(now), now)
    added = len(updated.entries) - len(ledger.entries)
    if added:
        try:
            atomic_write(options.show / LEDGER_FILE, render_ledger(updated))
        except OSError as exc:
            raise OutputError(
                f"the feed was published, but {LEDGER_FILE} could not be updated: "
                f"{exc.strerror or exc}; the next build records the new episodes"
            ) from exc
        written = stamp(options.show / LEDGER_FILE)
        cache.ledger = (written, updated) if written is not None else None
    return added


def _remember_feed_items(out: Path, items: dict[str, ItemFacts], cache: BuildCache) -> None:
    """Keep the items of the feed being written (the next build's "published" side), by
    the stamp the write recorded for it: it may not be renamed into place yet."""
    from ..feed.render import FEED_PATH

    record = cache.outputs.get(FEED_PATH)
    written = record.stamp if record is not None else None
    cache.feed_items = (written, items) if written is not None else None


def _restamped(inputs: dict[str, Stamp], show: Path, written: list[Path]) -> dict[str, Stamp]:
    """The show folder's stamps as the build started, with those of the files it
    wrote itself (re-tagged audio, the ledger) taken again. A file edited while the
    build ran keeps its old stamp, so the next build reads it."""
    from ..paths import public_relpath
    from ..speed.cache import stamp

    current = dict(inputs)
    for written_path in written:
        try:
            path = show / public_relpath(written_path, show)  # keyed as the scan keys it
        except ValueError:
            continue  # outside the show folder: not scanned
        now = stamp(path)
        if now is None:
            current.pop(str(path), None)
        else:
            current[str(path)] = now
    return current


def _save_quick_state(
    options: BuildOptions,
    out: Path,
    state_dir: Path,
    podcast: Podcast,
    now: datetime,
    relpaths: list[str],
    cache: BuildCache,
    inputs: dict[str, Stamp],
) -> None:
    upcoming = [e.date.timestamp() for e in podcast.episodes if not e.is_draft and e.date > now]
    # The write step stamped every output it wrote or found current: stat only the rest.
    known = {r: record.stamp for r in relpaths if (record := cache.outputs.get(r)) is not None}
    outputs = {r: s for r, s in known.items() if s is not None}
    outputs.update(quickstate.scan_outputs(out, [r for r in relpaths if r not in outputs]))
    quickstate.save(
        state_dir,
        quickstate.QuickState(
            signature=options.signature(),
            inputs=inputs,
            outputs={str(r): outputs[r] for r in relpaths if r in outputs},  # marshal: plain str
            next_change=min(upcoming, default=None),
            episodes_in_feed=len(podcast.in_feed(now)),
        ),
    )


class _Stopwatch:
    def __init__(self, report: BuildReport) -> None:
        self.report = report
        self.last = time.perf_counter()

    def lap(self, name: str) -> None:
        now = time.perf_counter()
        self.report.timings[name] = self.report.timings.get(name, 0.0) + now - self.last
        self.last = now
