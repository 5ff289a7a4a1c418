"""The deploy pipeline: lock -> what the build published -> what changed -> upload
(audio and assets, pages, feeds last) -> delete what the build removed -> ping.

`gaepod deploy` and `gaepod build --deploy` both run `deploy(options)`. The feed is
the commit point: it goes up only once every file before it did, so a deploy that
fails or is killed leaves listeners the feed they had, pointing at files that are
all there; files the build removed are deleted only after the new feeds are live.
Each file that succeeds is written to the target's record at once (record.py), so
the next deploy resumes where this one stopped. Never prints; reports.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import InvalidShowError, OutputError, UsageError
from ..fsio import safe_output_dir
from ..member_keys import is_private_path
from ..model import DeployTarget, Show
from ..publish.manifest import read_manifest
from ..show.delivery import TARGET_FORMS, parse_target
from ..show.podcast import read_show
from ..state import show_lock
from .files import Kind, LocalFile, local_files
from .record import TargetRecord, load_record
from .targets import local_root, missing_on, open_target

if TYPE_CHECKING:
    from .ping import Ping, PingPlan

Log = Callable[[str], None]
Progress = Callable[[int, int, str], None]


@dataclass(frozen=True)
class DeployOptions:
    show: Path
    out: Path = Path("public")
    to: str | None = None  # the command line's target; None: podcast.yaml's `deploy:`
    dry_run: bool = False  # list what would be done; contact nothing, change nothing
    ping: bool = True  # notify the Podcast Index and the hubs when a feed changed
    full: bool = False  # upload every file, whatever the record says the target holds
    wait_for_lock: bool = True


@dataclass
class KindCount:
    uploaded: int = 0
    deleted: int = 0
    unchanged: int = 0
    bytes: int = 0

    def as_json(self) -> dict[str, int]:
        return {
            "uploaded": self.uploaded,
            "deleted": self.deleted,
            "unchanged": self.unchanged,
            "bytes": self.bytes,
        }


@dataclass
class DeployReport:
    target: str
    dry_run: bool = False
    planned: list[LocalFile] = field(default_factory=list)  # to upload, in order
    to_delete: list[str] = field(default_factory=list)
    uploaded: list[str] = field(default_factory=list)  # in upload order
    deleted: list[str] = field(default_factory=list)
    unchanged: int = 0
    bytes: int = 0
    kinds: dict[str, KindCount] = field(
        default_factory=lambda: {k.value: KindCount() for k in Kind}
    )
    feeds_changed: list[str] = field(default_factory=list)
    pings: list[Ping] = field(default_factory=list)  # sent (or, dry run, that would be)
    warnings: list[str] = field(default_factory=list)

    @property
    def nothing_to_do(self) -> bool:
        return not (self.planned or self.to_delete or self.pings)

    def as_json(self) -> dict[str, object]:
        return {
            "ok": True,
            "target": self.target,
            "dry_run": self.dry_run,
            "uploaded": [f.relpath for f in self.planned] if self.dry_run else self.uploaded,
            "deleted": self.to_delete if self.dry_run else self.deleted,
            "unchanged": self.unchanged,
            "bytes": self.bytes,
            "kinds": {name: count.as_json() for name, count in self.kinds.items()},
            "feeds_changed": self.feeds_changed,
            "pings": [p.as_json() for p in self.pings],
            "warnings": self.warnings,
        }


def _silent(message: str) -> None:
    pass


def deploy(
    options: DeployOptions,
    log: Log = _silent,
    step: Log = _silent,
    progress: Progress | None = None,
) -> DeployReport:
    """Upload what changed in `options.out` since the last deploy to the target.
    Raises GaepodError when the target is missing or wrong, or a file could not be
    uploaded or deleted (the live feed then is the one it was)."""
    out = safe_output_dir(options.out, options.show)
    show = _show(options.show)
    target = _target(options, show)
    with show_lock(options.show, wait=options.wait_for_lock):
        manifest = read_manifest(options.show, out)
        if not manifest.files:
            raise OutputError(
                f"{options.out} holds nothing gaepod published: run `gaepod build` first"
            )
        record = load_record(options.show, target)
        try:
            return _deploy(options, out, show, target, record, manifest.files, log, step, progress)
        finally:
            if not options.dry_run:
                record.save()
            record.close()


def _deploy(
    options: DeployOptions,
    out: Path,
    show: Show,
    target: DeployTarget,
    record: TargetRecord,
    published: dict[str, str],
    log: Log,
    step: Log,
    progress: Progress | None,
) -> DeployReport:
    report = DeployReport(target.describe(), dry_run=options.dry_run)
    step("looking for what changed")
    files = local_files(out, published, record.hashes)
    present = {f.relpath for f in files}
    record.hashes = {r: h for r, h in record.hashes.items() if r in present}
    chosen = {f.relpath for f in files if options.full or record.files.get(f.relpath) != f.sha256}
    root = local_root(target)
    if root is not None and root.is_dir():  # what was removed or replaced there by hand
        chosen |= {
            f.relpath for f in missing_on(root, [f for f in files if f.relpath not in chosen])
        }
    for file in files:
        if file.relpath in chosen:
            report.planned.append(file)
        else:
            report.unchanged += 1
            report.kinds[file.kind.value].unchanged += 1
    report.to_delete = sorted(r for r in record.files if r not in present)
    for relpath in report.to_delete if options.dry_run else ():
        report.kinds[record.kinds.get(relpath, Kind.ASSET.value)].deleted += 1
    log(
        f"{target.describe()}: {len(report.planned)} to upload, {report.unchanged} unchanged, "
        f"{len(report.to_delete)} to delete"
    )
    # Private feeds are uploaded but never announced: a ping would publish their address.
    feeds = {
        f.relpath: f.path for f in files if f.kind is Kind.FEED and not is_private_path(f.relpath)
    }
    if options.dry_run:
        for file in report.planned:
            _count(report, file)
        report.feeds_changed = [
            f.relpath
            for f in report.planned
            if f.kind is Kind.FEED and record.files.get(f.relpath) != f.sha256
        ]
        due = set(report.feeds_changed) | (record.ping_due & set(feeds))
        if options.ping:
            report.pings = _pings(show, {r: feeds[r] for r in due}, report).pings
        return report
    if report.planned or report.to_delete:
        _transfer(options, out, target, record, report, progress, step, log)
    record.ping_due &= set(feeds)  # a feed the build no longer makes is owed nothing
    if record.ping_due and options.ping:
        from .ping import send

        step("telling apps the feed changed")
        plan = _pings(show, {r: feeds[r] for r in record.ping_due}, report)
        report.pings = send(plan.pings)
        for ping in report.pings:
            if not ping.ok:
                report.warnings.append(
                    f"could not notify {ping.name} that {ping.feed_url} changed: "
                    f"{ping.error or f'HTTP {ping.status}'}; the deploy itself succeeded"
                )
    for relpath in sorted(record.ping_due):  # told, tried (a warning) or --no-ping: done
        record.pinged(relpath)
    return report


def _transfer(
    options: DeployOptions,
    out: Path,
    target: DeployTarget,
    record: TargetRecord,
    report: DeployReport,
    progress: Progress | None,
    step: Log,
    log: Log,
) -> None:
    """Upload in phases (audio and assets, pages, feeds), then delete."""
    connection = open_target(target, out, options.show)
    total = len(report.planned) + len(report.to_delete)
    shown: set[str] = set()  # files the bar counted already (on their way, or done)

    def tick(name: str) -> None:
        if name in shown:
            return
        shown.add(name)
        if progress is not None:
            progress(len(shown), total, name)

    def uploaded(file: LocalFile) -> None:
        changed = record.uploaded(file.relpath, file.sha256, file.kind.value)
        report.uploaded.append(file.relpath)
        _count(report, file)
        if file.kind is Kind.FEED and changed:
            report.feeds_changed.append(file.relpath)
        log(f"uploaded {file.relpath} ({file.size:,} bytes, {file.content_type})")
        tick(file.relpath)

    def deleted(relpath: str) -> None:
        report.kinds[record.kinds.get(relpath, Kind.ASSET.value)].deleted += 1
        record.deleted(relpath)
        report.deleted.append(relpath)
        log(f"deleted {relpath}")
        tick(relpath)

    try:
        if report.planned:
            step(f"uploading {len(report.planned):,} files")
        for phase in (0, 1, 2):  # audio and assets, pages, feeds
            batch = [f for f in report.planned if f.kind.phase == phase]
            if batch:
                connection.upload(batch, uploaded, tick)
        if report.to_delete:
            connection.delete(report.to_delete, deleted)
    except OutputError as error:
        new_feeds = [f.relpath for f in report.planned if f.kind is Kind.FEED]
        live = [r for r in new_feeds if r in report.uploaded]
        if not live:
            state = "the live feed was left as it was"
        elif len(live) == len(new_feeds):
            state = "the new feed is live"
        else:
            waiting = [r for r in new_feeds if r not in live]
            state = f"new and live: {', '.join(live)}; still the old: {', '.join(waiting)}"
        raise OutputError(
            f"deploy to {target.describe()} stopped: {error.message}; "
            f"{len(report.uploaded)} of {len(report.planned)} files uploaded, {state}; "
            "run `gaepod deploy` again to finish"
        ) from error
    finally:
        connection.close()


def _count(report: DeployReport, file: LocalFile) -> None:
    count = report.kinds[file.kind.value]
    count.uploaded += 1
    count.bytes += file.size
    report.bytes += file.size


def _pings(show: Show, feeds: dict[str, Path], report: DeployReport) -> PingPlan:
    from .ping import plan_pings

    plan = plan_pings(feeds, show.podcast_index_url, to_index=show.ping_podcast_index)
    report.warnings += plan.problems
    return plan


def _show(root: Path) -> Show:
    """podcast.yaml (its deploy target, ping settings); refused with file:line problems."""
    show, _context, diagnostics = read_show(root)
    if show is None or any(d.is_error for d in diagnostics):
        problems = [d for d in diagnostics if d.is_error]
        raise InvalidShowError("podcast.yaml has problems; nothing was deployed", problems)
    return show


def _target(options: DeployOptions, show: Show) -> DeployTarget:
    if options.to is not None:
        target = parse_target(options.to, Path.cwd())
        if isinstance(target, str):
            raise UsageError(f"--to {options.to}: {target}; {TARGET_FORMS}")
        return target
    if show.deploy is None:
        raise UsageError(
            f"no deploy target: add `deploy: {{target: ...}}` to {show.source} or pass --to "
            f"({TARGET_FORMS})"
        )
    return show.deploy
