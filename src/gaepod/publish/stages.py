"""The steps of the pipeline, each a function pipeline.build calls in order.

Kept apart from pipeline.py so that the no-op answer imports none of them:
importing this module brings in the check, the ledger and the cache (what a
run that has work to do needs); the feed, the site and the tagger are imported
by the step that uses them.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import Diagnostic, InvalidShowError, OutputError, sort_key
from ..model import Podcast
from ..paths import public_relpath
from ..show.check import LEDGER_PREFIX, CheckResult, check_show, recheck
from ..show.feeds import feeds_of
from ..show.ledger import LEDGER_FILE, Ledger, compare, describe, read_ledger, render_ledger
from ..show.members import moved_to_members
from ..speed import memo, quickstate
from ..speed.cache import BuildCache, digest_of, save_cache
from ..speed.switches import enabled
from ..state import TEMPLATES, Stamp, stamp, state_dir
from .manifest import Manifest, read_manifest, save_manifest
from .options import BuildOptions, BuildReport, Stage, diagnostic_row
from .outputs import Output

if TYPE_CHECKING:
    from ..audio.tag import TagReport
    from ..feed.diff import FeedDiff, FeedFacts
    from ..site.redirects import RedirectPlan

__all__ = ["Output"]
REDIRECT_KEY = "redirect:"  # the start of the redirect files' keys

Log = Callable[[str], None]
Progress = Callable[[int, int, str], None]


class Stopwatch:
    """Seconds spent in each step, for `build --verbose`."""

    def __init__(self, report: BuildReport) -> None:
        self.report = report
        self.last = time.perf_counter()

    def lap(self, name: str) -> None:
        now = time.perf_counter()
        self.report.timings[name] = self.report.timings.get(name, 0.0) + now - self.last
        self.last = now


def check(
    options: BuildOptions,
    cache: BuildCache,
    inputs: dict[str, Stamp] | None,
    clock: Stopwatch,
) -> CheckResult:
    """Validate the show, reading again only the files that changed since the cache."""
    if options.publishes and cache.out_dir != str(options.out.resolve()):
        cache.outputs, cache.out_dir = {}, str(options.out.resolve())  # another folder's
    memo.restore(cache.memo)
    ahead = options.publishes and enabled("ahead")
    meanwhile = partial(_while_checking, options, cache) if ahead else None
    result = check_show(options.show, cache, inputs, meanwhile=meanwhile)
    if result.podcast is not None:
        show = result.podcast.show
        if len(show.all_languages) > 1 or not show.language.startswith("en"):
            from ..site.i18n import catalogue_problems
            from ..site.theme import theme_dir

            result.diagnostics.extend(catalogue_problems(show, theme_dir(options.show)))
            result.diagnostics.sort(key=sort_key)
    clock.lap("check")
    return result


def _while_checking(options: BuildOptions, cache: BuildCache) -> None:
    """Work for this process while helpers read the episodes, instead of between the
    steps, when it is the only one working: import what tagging, the feed and the site
    need (~60 ms, jinja2, feedgen and lxml among it), and read the ledger."""
    from ..audio import tag  # noqa: F401
    from ..feed import diff, rss  # noqa: F401
    from ..site import plan  # noqa: F401

    for name in _ledger_files(options.show):
        current = stamp(options.show / name)
        if current is None or cache.recall(name, current, Ledger) is not None:
            continue
        ledger, diagnostics = read_ledger(options.show, name)
        if not any(d.is_error for d in diagnostics):  # else verify_ledger reads and reports it
            cache.keep(name, current, ledger)


def _ledger_files(show: Path) -> list[str]:
    """The ledger files of the show's feeds, as far as they exist (before the check)."""
    return [LEDGER_FILE, *sorted(p.name for p in show.glob(f"{LEDGER_PREFIX}*.yaml"))]


def recheck_tagged(
    result: CheckResult, tags: TagReport, options: BuildOptions, cache: BuildCache
) -> CheckResult:
    """The check's result after tagging changed some audio files (their sizes)."""
    assert result.podcast is not None
    if not enabled("cache"):  # what recheck saves is the full check's time
        return check_show(options.show, cache)
    paths = {tagged.path for tagged in tags.changed}
    sources = {
        e.source
        for e in result.podcast.episodes
        if e.audio.path in paths or (e.other_media and e.other_media.facts.path in paths)
    }
    return recheck(result, options.show, cache, sources)


def verify_ledger(options: BuildOptions, podcast: Podcast, cache: BuildCache) -> dict[str, Ledger]:
    """Every feed's guid ledger (by ledger file), or InvalidShowError when publishing
    would change a published episode's guid or drop it from a feed (unless the options
    allow it)."""
    ledgers: dict[str, Ledger] = {}
    problems: list[Diagnostic] = []
    now = options.moment()
    members_only = {e.guid: moved_to_members(e) for e in podcast.episodes if e.is_members_only}
    for feed_file in feeds_of(podcast):
        name = feed_file.ledger_file
        if name in ledgers:
            continue  # members' feeds share one ledger: they carry the same episodes
        path = options.show / name
        current = stamp(path)
        ledger = cache.recall(name, current, Ledger)  # as the last build left it
        if ledger is None:
            ledger, diagnostics = read_ledger(options.show, name)
            if any(d.is_error for d in diagnostics):
                raise InvalidShowError(f"{name} cannot be read; nothing was published", diagnostics)
            cache.keep(name, current, ledger)
        ledgers[name] = ledger
        where = "the members' feeds" if feed_file.private else feed_file.relpath
        problems += [
            members_only.get(p.entry.guid, describe(p, path, where))
            if p.kind == "removed"
            else describe(p, path, where)
            for p in compare(ledger, feed_file.published(podcast, now))
            if not (p.kind == "removed" and options.allow_removal)
            and not (p.kind == "guid-changed" and options.allow_guid_change)
        ]
    if problems:
        raise InvalidShowError(
            f"{len(problems)} published episode{'s' * (len(problems) != 1)} would change "
            "for subscribers; nothing was published",
            problems,
        )
    return ledgers


def tag(
    options: BuildOptions,
    podcast: Podcast,
    cache: BuildCache,
    report: BuildReport,
    log: Log,
    progress: Progress | None,
    meanwhile: Callable[[], None],
) -> None:
    """Tag the audio files (report.tags, report.tagged); `meanwhile`: this process's own
    work while helpers examine the files."""
    from ..audio.tag import tag_show

    tag_options = f"id3v2.{4 if options.id3v24 else 3}"
    unchanged: set[Path] = set()
    if cache.tag_options == tag_options and podcast.show.source not in cache.fresh:
        unchanged = {e.source for e in podcast.episodes if e.source not in cache.fresh}
    tags = tag_show(
        podcast,
        id3v24=options.id3v24,
        dry_run=options.dry_run,
        progress=progress,
        unchanged_since_last_run=unchanged,
        meanwhile=meanwhile,
    )
    if not options.dry_run:
        cache.tag_options = tag_options
    report.tags = tags
    report.tagged = [public_relpath(t.path, options.show) for t in tags.changed]
    verb = "would tag" if options.dry_run else "tagged"
    log(f"tag: {len(tags.changed)} files {verb}, {tags.unchanged} already right")


def untagged_warnings(podcast: Podcast, now: datetime) -> list[Diagnostic]:
    """W185 for each episode about to be published with audio `gaepod tag` has not tagged."""
    from ..audio.tag import untagged_warnings as warnings

    in_feeds = {e.source: e for f in feeds_of(podcast) for e in f.in_feed(podcast, now)}
    return warnings(sorted(in_feeds.values(), key=lambda e: e.sort_key()), podcast.show)


def feed_size_warnings(podcast: Podcast, now: datetime) -> list[Diagnostic]:
    """W180 for each feed about to be published that is larger than some apps accept."""
    from ..feed.rss import render, size_warning

    warnings = []
    for feed_file in feeds_of(podcast):
        warning = size_warning(
            podcast.show, len(render(podcast, now, feed_file)), feed_file.relpath
        )
        if warning is not None:
            warnings.append(warning)
    return warnings


def diff(
    out: Path, podcast: Podcast, now: datetime, cache: BuildCache
) -> tuple[list[FeedDiff], dict[str, FeedFacts]]:
    """What subscribers of each feed will see change (feed.xml first), and the facts of
    each feed about to be written, by path (from the model: nothing is rendered)."""
    from ..feed.diff import compare_feeds, upcoming_feed

    upcoming = {f.relpath: upcoming_feed(f.show, f.items(podcast, now)) for f in feeds_of(podcast)}
    diffs = [compare_feeds(published(out, r, cache), facts, r) for r, facts in upcoming.items()]
    return diffs, upcoming


def published(out: Path, relpath: str, cache: BuildCache) -> FeedFacts:
    """The facts of the feed at `relpath` as published, parsed once per version."""
    from ..feed.diff import FeedFacts, published_feed

    current = stamp(out / relpath)
    facts = cache.recall(relpath, current, FeedFacts)  # as the last build wrote it
    if facts is None:
        facts = published_feed(out / relpath)
    return facts


def diff_every_feed(
    options: BuildOptions, out: Path, podcast: Podcast, now: datetime, cache: BuildCache
) -> list[FeedDiff]:
    """`--diff`: each feed the build makes (rendered, not written) against its published
    version, and each feed published before that it makes no more; feed.xml first."""
    import io

    from ..feed.diff import compare_feeds, feed_facts, gone_feed
    from ..feed.rss import FEED_PATH

    made: dict[str, FeedFacts] = {}
    for output in plan(options, out, podcast, now, cache):
        if output.stage != "feed" or not output.relpath.endswith(".xml"):
            continue
        data = output.content()
        if data is None and output.write is not None:
            buffer = io.BytesIO()
            output.write(buffer)
            data = buffer.getvalue()
        if data is not None and is_feed(data):
            made[output.relpath] = feed_facts(data)
    diffs = [compare_feeds(published(out, r, cache), facts, r) for r, facts in made.items()]
    for relpath in sorted(published_feeds(options.show, out)):
        if relpath not in made:
            diffs.append(gone_feed(published(out, relpath, cache), relpath))
    return sorted(diffs, key=lambda d: (d.feed != FEED_PATH, d.feed))


def is_feed(head: bytes) -> bool:
    """True for the bytes (or the first KB) of an RSS document."""
    return b"<rss" in head[:1024]


def published_feeds(show: Path, out: Path) -> list[str]:
    """The feeds the manifest says a build published into `out` (found by their bytes:
    every RSS document of the feed stage, whichever feeds a show makes)."""
    feeds = []
    for relpath, stage in read_manifest(show, out).files.items():
        if stage != "feed" or not relpath.endswith(".xml"):
            continue
        try:
            with (out / relpath).open("rb") as handle:
                head = handle.read(1024)
        except OSError:
            continue
        if is_feed(head):
            feeds.append(relpath)
    return feeds


def plan(
    options: BuildOptions, out: Path, podcast: Podcast, now: datetime, cache: BuildCache
) -> list[Output]:
    """Every file the selected stages publish, keyed; nothing is rendered yet."""
    from .outputs import keyed_feed_outputs

    outputs = keyed_feed_outputs(podcast, now, cache, out)
    if Stage.SITE in options.stages:
        from ..site.plan import plan_site, site_files, theme_dir

        theme = theme_dir(options.show)
        pages = plan_site(
            podcast,
            now,
            theme,
            episode_key=lambda e: cache.digest(e.source, e),
            compiled_templates=state_dir(options.show) / TEMPLATES,
        )
        outputs += [
            Output(
                p.relpath,
                render=p.render,
                key=p.key,
                whole_show=p.whole_show,
                stage="site",
                batch=p.batch,
            )
            for p in pages
        ]
        outputs += [
            Output(relpath, source=source, stage="site")
            for relpath, source in site_files(podcast, now, theme)
        ]
    unique: dict[str, Output] = {}
    for output in outputs:
        unique.setdefault(output.relpath, output)  # art is wanted by both: once is enough
    if Stage.SITE in options.stages:
        for relpath, data in redirect_plan(options, out, podcast, now, unique).files.items():
            key = REDIRECT_KEY + digest_of([data])
            unique.setdefault(relpath, Output(relpath, data=data, key=key, stage="site"))
    return list(unique.values())


def redirect_plan(
    options: BuildOptions, out: Path, podcast: Podcast, now: datetime, taken: Iterable[str]
) -> RedirectPlan:
    """The redirect files (site/redirects.py) beside the build's other outputs (`taken`)."""
    from ..site.redirects import plan_redirects
    from ..site.theme import theme_dir

    manifest: list[Manifest] = []

    def is_foreign(relpath: str) -> bool:
        if not manifest:
            manifest.append(read_manifest(options.show, out))
        path = out / relpath
        return (path.exists() or path.is_symlink()) and relpath not in manifest[0].files

    return plan_redirects(podcast, now, set(taken), is_foreign, theme_dir(options.show))


def redirect_warnings(
    options: BuildOptions, out: Path, podcast: Podcast, now: datetime, outputs: list[Output]
) -> list[Diagnostic]:
    """W174 for each old address the redirect files leave out (it would replace a page)."""
    if Stage.SITE not in options.stages or not any(e.redirect_from for e in podcast.episodes):
        return []
    taken = [o.relpath for o in outputs if not (o.key or "").startswith(REDIRECT_KEY)]
    return redirect_plan(options, out, podcast, now, taken).skipped


def write(
    options: BuildOptions,
    out: Path,
    outputs: list[Output],
    podcast: Podcast,
    upcoming: dict[str, FeedFacts],
    cache: BuildCache,
    report: BuildReport,
    log: Log,
) -> None:
    """Write the outputs, then remove the files of this run's stages that no output
    makes any more. The feed's size is known once it is staged, before anything is
    renamed into place: W180 then, and with --strict nothing is published."""
    from ..cleanup import remove_stale
    from ..feed.rss import FEED_PATH, size_warning
    from .outputs import write_outputs

    def while_flushing() -> None:
        """Runs while the new files go to disk, before any is renamed into place."""
        for relpath, facts in upcoming.items():
            record = cache.outputs.get(relpath)
            size = record.stamp[1] if record is not None and record.stamp else 0
            if relpath == FEED_PATH:
                report.feed_bytes = size
            warning = size_warning(podcast.show, size, relpath)
            if warning is not None:
                report.warnings.append(warning)
                if options.strict:
                    raise InvalidShowError(
                        "the feed is too large (--strict); nothing was published", [warning]
                    )
            cache.keep(relpath, record.stamp if record is not None else None, facts)
        cache.memo = memo.used()
        if enabled("ahead"):
            # Saved while the disk works: it holds the new files' stamps, and a build
            # killed before they are renamed leaves stamps no file has (the next build
            # renders those files again, as without a cache).
            save_cache(state_dir(options.show), cache)

    written = write_outputs(out, outputs, cache, while_flushing)
    report.written = written.written
    report.unchanged = written.unchanged + written.skipped
    report.unrendered = written.skipped
    report.pages = sum(o.relpath.endswith(".html") for o in outputs)
    manifest = read_manifest(options.show, out)
    stale = manifest.stale({o.relpath for o in outputs}, {s.value for s in options.stages})
    report.removed_outputs = remove_stale(out, stale)
    for relpath in stale:
        cache.outputs.pop(relpath, None)
    updated = manifest.updated(stale, {o.relpath: o.stage for o in outputs})
    if updated.files != manifest.files:
        save_manifest(options.show, updated)
    log(
        f"write: {len(written.written)} files written, {written.unchanged} unchanged, "
        f"{written.skipped} skipped unrendered, {len(report.removed_outputs)} removed"
    )


def record_ledger(
    options: BuildOptions,
    ledgers: dict[str, Ledger],
    podcast: Podcast,
    now: datetime,
    cache: BuildCache,
) -> int:
    """Add to each feed's ledger the episodes that appeared in it for the first time;
    how many in the main feed's."""
    from ..fsio import atomic_write

    main_added = 0
    recorded: set[str] = set()
    for feed_file in feeds_of(podcast):
        name = feed_file.ledger_file
        if name in recorded:
            continue  # members' feeds share one ledger
        recorded.add(name)
        ledger = ledgers[name]
        updated = ledger.record(feed_file.in_feed(podcast, now), now)
        added = len(updated.entries) - len(ledger.entries)
        if not feed_file.name:
            main_added = added
        if not added:
            continue
        try:
            atomic_write(options.show / name, render_ledger(updated))
        except OSError as exc:
            raise OutputError(
                f"the feed was published, but {name} could not be updated: "
                f"{exc.strerror or exc}; the next build records the new episodes"
            ) from exc
        cache.keep(name, stamp(options.show / name), updated)
        ledgers[name] = updated
    return main_added


def save_quick_state(
    options: BuildOptions,
    out: Path,
    podcast: Podcast,
    now: datetime,
    relpaths: list[str],
    cache: BuildCache,
    inputs: dict[str, Stamp],
    report: BuildReport,
) -> None:
    """What the next run needs to answer "nothing changed" from stamps alone, and to
    report then what this run published."""
    ledgers = sorted({options.show / f.ledger_file for f in feeds_of(podcast)})
    written_inputs = [options.show / r for r in report.tagged] + ledgers
    upcoming = [e.date.timestamp() for e in podcast.episodes if not e.is_draft and e.date > now]
    upcoming += [
        e.early_access.timestamp()
        for e in podcast.episodes
        if not e.is_draft and e.early_access is not None and e.early_access > now
    ]
    # The write step stamped every output it wrote or found current: stat only the rest.
    known = {r: record.stamp for r in relpaths if (record := cache.outputs.get(r)) is not None}
    outputs = {r: s for r, s in known.items() if s is not None}
    outputs.update(quickstate.scan_outputs(out, [r for r in relpaths if r not in outputs]))
    quickstate.save(
        state_dir(options.show),
        quickstate.QuickState(
            signature=options.signature(),
            inputs=_with_members_file(
                _restamped(inputs, options.show, written_inputs), podcast.show.members_file
            ),
            outputs={str(r): outputs[r] for r in relpaths if r in outputs},  # marshal: plain str
            next_change=min(upcoming, default=None),
            summary={
                "episodes_in_feed": report.episodes_in_feed,
                "episode_files": report.episode_files,
                "feed_bytes": report.feed_bytes,
                "pages": report.pages,
                "warnings": [diagnostic_row(d) for d in report.warnings],
            },
        ),
    )


def _with_members_file(inputs: dict[str, Stamp], members: Path | None) -> dict[str, Stamp]:
    """The members file is read from outside the show folder: a change to it is a change."""
    found = stamp(members) if members is not None else None
    return inputs if found is None else {**inputs, str(members): found}


def _restamped(inputs: dict[str, Stamp], show: Path, written: list[Path]) -> dict[str, Stamp]:
    """The show folder's stamps as the build started, with those of the files it
    wrote itself (re-tagged audio, the ledger) taken again. A file edited while the
    build ran keeps its old stamp, so the next build reads it."""
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
