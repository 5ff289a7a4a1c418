"""Orchestration of the commands: lock -> check -> render -> write.

Library functions return reports and raise GaepodError; they never print.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import Diagnostic, Severity
from ..feed.render import LARGE_FEED_BYTES, render
from ..fsio import locked, safe_output_dir, sweep_temp_files
from ..model import Podcast
from ..show.check import CheckResult, check_show
from ..site.plan import render_site, theme_dir
from .outputs import WriteReport, feed_outputs, write_outputs

if TYPE_CHECKING:
    from ..audio.tag import Progress, TagReport

STATE_DIR = ".gaepod"
LOCK_FILE = "lock"


@dataclass(frozen=True)
class Options:
    show: Path
    out: Path
    now: datetime | None = None  # the clock is a parameter; None means the real time
    strict: bool = False  # warnings count as errors
    wait_for_lock: bool = True

    def moment(self) -> datetime:
        return self.now or datetime.now(timezone.utc)


@dataclass
class FeedReport:
    check: CheckResult
    written: WriteReport = field(default_factory=WriteReport)
    episodes_in_feed: int = 0
    feed_bytes: int = 0


def run_check(options: Options) -> CheckResult:
    """Validate the show, including what only a rendered feed can tell (its size)."""
    result = check_show(options.show)
    if result.is_ok and result.podcast is not None:
        size = len(render(result.podcast, options.moment()))
        if size > LARGE_FEED_BYTES:
            show = result.podcast.show
            result.diagnostics.append(
                Diagnostic(
                    show.source,
                    0,
                    0,
                    "W180",
                    f"the feed would be {size / 1048576:.1f} MB; some apps refuse feeds over 3 MB",
                    "set `feed_limit:` in podcast.yaml to keep only the newest episodes",
                    Severity.WARNING,
                )
            )
    return result


def publish_feed(options: Options) -> FeedReport:
    """Check the show and, only if it is valid, (re)write the feed and its assets."""
    out = safe_output_dir(options.out, options.show)
    with _valid_show(options) as (result, podcast):
        now = options.moment()
        from ..audio.tag import untagged_warnings  # advisory: never a reason to refuse

        in_feed = podcast.in_feed(now)
        result.diagnostics.extend(untagged_warnings(in_feed, podcast.show))
        outputs = feed_outputs(podcast, now)
        sweep_temp_files(out)
        written = write_outputs(out, outputs)
        feed_bytes = outputs[0].data or b""
        return FeedReport(result, written, len(in_feed), len(feed_bytes))


@dataclass
class SiteReport:
    check: CheckResult
    written: WriteReport = field(default_factory=WriteReport)
    pages: int = 0  # HTML pages in the site
    episodes: int = 0  # published episodes


def publish_site(options: Options) -> SiteReport:
    """Check the show and, only if it is valid, (re)write the site with its feed and files.

    The feed is part of it: every page links to it (subscribe button, RSS autodiscovery).
    """
    out = safe_output_dir(options.out, options.show)
    with _valid_show(options) as (result, podcast):
        now = options.moment()
        site = render_site(podcast, now, theme_dir(options.show))
        outputs = {o.relpath: o for o in feed_outputs(podcast, now)}
        outputs.update((o.relpath, o) for o in site)  # artwork is in both: one copy
        sweep_temp_files(out)
        written = write_outputs(out, outputs.values())
        pages = sum(o.relpath.endswith(".html") for o in site)
        return SiteReport(result, written, pages, len(podcast.published(now)))


@dataclass
class TagRunReport:
    check: CheckResult
    tags: TagReport


def tag_audio(
    options: Options,
    *,
    id3v24: bool = False,
    dry_run: bool = False,
    progress: Progress | None = None,
) -> TagRunReport:
    """Check the show and, only if it is valid, write each episode's tags into its audio."""
    from ..audio.tag import tag_show

    with _valid_show(options) as (result, podcast):
        tags = tag_show(podcast, id3v24=id3v24, dry_run=dry_run, progress=progress)
        return TagRunReport(result, tags)


@contextmanager
def _valid_show(options: Options) -> Iterator[tuple[CheckResult, Podcast]]:
    """Under the show's lock: the checked show, or InvalidShowError before anything runs."""
    with locked(options.show / STATE_DIR / LOCK_FILE, wait=options.wait_for_lock):
        result = check_show(options.show)
        yield result, result.require_valid(options.strict)
