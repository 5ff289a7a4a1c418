"""What a run of the pipeline is asked to do, and what it reports.

Every command is one BuildOptions: `check` selects no stage, `tag` the tag
stage, `feed` the feed, `site` the feed and the site, `build` all three. The
report says the same things whichever way the run went (a full build, an
incremental one, or the no-op answer from stamps).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import Diagnostic, Severity

if TYPE_CHECKING:
    from ..audio.tag import TagReport
    from ..feed.diff import FeedDiff
    from ..show.check import CheckResult


class Stage(enum.Enum):
    """The stages a run may select; the check always runs first."""

    TAG = "tag"  # write each episode's podcast tags into its audio file
    FEED = "feed"  # feed.xml and the files it points to; guarded by the guid ledger
    SITE = "site"  # the static site (needs the feed: every page links to it)


EVERYTHING = frozenset(Stage)


@dataclass(frozen=True)
class BuildOptions:
    show: Path
    out: Path = Path("public")
    stages: frozenset[Stage] = EVERYTHING
    now: datetime | None = None  # the clock is a parameter; None means the real time
    strict: bool = False  # warnings count as errors
    wait_for_lock: bool = True
    allow_removal: bool = False  # published episodes may leave the feed
    allow_guid_change: bool = False  # published episodes may change their guid
    diff_only: bool = False  # report what subscribers would see change, write nothing
    dry_run: bool = False  # the tag stage reports what it would change, writes nothing
    id3v24: bool = False

    def __post_init__(self) -> None:
        if Stage.SITE in self.stages:  # the site links to its feed: it always has one
            object.__setattr__(self, "stages", self.stages | {Stage.FEED})

    def moment(self) -> datetime:
        return self.now or datetime.now(timezone.utc)

    @property
    def publishes(self) -> bool:
        """True when the run writes into the output folder."""
        return Stage.FEED in self.stages

    @property
    def writes(self) -> bool:
        """True when the run may change any file: then it holds the show's lock."""
        return self.publishes or (Stage.TAG in self.stages and not self.dry_run)

    def signature(self) -> str:
        """What shapes the output besides the files: a change means a full build."""
        from ..member_keys import key_fingerprint, members_key

        stages = sorted(stage.value for stage in self.stages)
        # the members' key makes the members' feed addresses: another key, another build
        key = key_fingerprint(members_key())
        return repr((str(self.out.resolve()), self.strict, stages, self.id3v24, key))


@dataclass
class BuildReport:
    options: BuildOptions
    nothing_changed: bool = False  # answered from stamps: nothing was read or written
    check: CheckResult | None = None  # None when nothing_changed
    warnings: list[Diagnostic] = field(default_factory=list)  # every warning of the run
    episode_files: int = 0
    episodes_in_feed: int = 0
    diff: FeedDiff | None = None  # feed.xml's
    diffs: list[FeedDiff] = field(default_factory=list)  # --diff: every feed's, feed.xml first
    tags: TagReport | None = None  # what the tag stage did (None when it did not run)
    tagged: list[str] = field(default_factory=list)  # audio files re-tagged, show-relative
    written: list[str] = field(default_factory=list)  # output-relative, in write order
    unchanged: int = 0  # outputs that were already right
    unrendered: int = 0  # of those, the ones not even rendered (unchanged inputs)
    removed_outputs: list[str] = field(default_factory=list)
    feed_bytes: int = 0
    pages: int = 0  # HTML pages of the site
    ledger_added: int = 0
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def errors(self) -> list[Diagnostic]:
        """The check's errors: only a check-only run returns a report that has any."""
        return self.check.errors if self.check else []

    def is_publishable(self) -> bool:
        """No error, and with --strict no warning either."""
        return not self.errors and not (self.options.strict and self.warnings)

    @property
    def outputs(self) -> int:
        """How many files the output folder holds for this run's stages."""
        return len(self.written) + self.unchanged


def diagnostic_row(diagnostic: Diagnostic) -> tuple[str, int, int, str, str, str, str]:
    """A diagnostic as plain values (the no-op state keeps the last build's warnings)."""
    d = diagnostic
    return (str(d.path), d.line, d.column, d.code, d.message, d.hint, d.severity.value)


def diagnostic_from_row(row: tuple[str, int, int, str, str, str, str]) -> Diagnostic:
    path, line, column, code, message, hint, severity = row
    return Diagnostic(Path(path), line, column, code, message, hint, Severity(severity))
