"""`gaepod import FEED`: an existing podcast feed -> podcast.yaml + one YAML file per episode.

A show moves to gaepod without any subscriber downloading anything again:
guids, publication instants, enclosure URLs, lengths and durations are kept
exactly, and the audio stays where it is hosted (`audio_url`).

Pipeline: read_source -> parse_channel -> read_show / read_item (pure) ->
YAML text -> `gaepod check` on a staged copy -> fsio.atomic_write. Nothing is
written when the input is not a feed, or when the show folder already holds
a show (unless `force`). Should `gaepod check` still find errors in the
imported files, they are written all the same (to be fixed by hand) and the
errors come back in the report. The library never prints: warnings come back
in the ImportReport as diagnostics at the feed's lines.
"""

from __future__ import annotations

import dataclasses
import tempfile
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from ..errors import Diagnostic
from ..fsio import atomic_write
from ..paths import slugify
from ..show.check import check_show, episode_files
from ..show.podcast import SHOW_FILE
from ..show.redirects import same_address
from ..state import show_lock
from .episode import EpisodeDraft, Tally, read_item
from .namespace import channel_fields
from .probing import ProbeSummary, Progress, probe_drafts
from .rss import FeedImportError, ImportLog, child_text, children, parse_channel
from .show import BY_HAND_PODCAST_ELEMENTS, ShowDraft, read_show
from .source import read_source
from .values import parse_date
from .yaml_text import dump

__all__ = ["FeedImportError", "ImportReport", "import_feed"]

SHARED_PROBLEM_LIMIT = 3  # more items with the same problem: one warning for all


@dataclass
class ImportReport:
    source: str
    show_dir: Path
    items: int = 0  # <item>s in the feed
    episodes: int = 0  # episode files written
    written: list[Path] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    check_warnings: int = 0  # what `gaepod check` will list on the imported show
    probe: ProbeSummary | None = None  # with --probe: lengths and durations read over HTTP

    @property
    def skipped(self) -> int:
        return self.items - self.episodes

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.is_error]

    @property
    def warnings(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if not d.is_error]


def import_feed(
    source: str,
    show_dir: Path,
    *,
    now: datetime | None = None,
    force: bool = False,
    probe: bool = False,
    progress: Progress | None = None,
) -> ImportReport:
    """Import the feed at `source` (a file or an http(s) URL) into `show_dir`. With
    `probe`, lengths and durations the feed lacks are read from the audio over HTTP
    (`progress(done, total, title)` after each file)."""
    moment = now or datetime.now(timezone.utc)
    _refuse_used_folder(show_dir, force)
    feed = read_source(source)
    channel = parse_channel(feed.data, feed.label)
    log = ImportLog(feed.label)
    if feed.url and feed.final_url and feed.final_url != feed.url:
        log.warn(
            0,
            "W250",
            f"{feed.url} redirected to {feed.final_url}; feed_url is set to {feed.url}",
            "set `feed_url:` to the address podcast apps should use from now on",
        )
    show = read_show(channel, log, feed.url)
    show.fields.update(channel_fields(channel, log))  # Podcasting 2.0 fields
    items = children(channel, "item")
    tally = Tally()
    drafts = [
        draft
        for index, item in enumerate(items)
        if (draft := read_item(item, index, show, log, tally)) is not None
    ]
    drafts = _unique(drafts, log)
    _unique_old_pages(drafts, log)
    _fill_dates(drafts, channel, moment, log)
    probed = probe_drafts(drafts, tally, log, progress=progress) if probe else None
    _report_tally(tally, log)
    if not items:
        log.warn(channel, "W258", "the feed has no <item>: the show has no episodes yet")
    files = _files(show, drafts, source)
    report = ImportReport(source, show_dir, len(items), len(drafts), probe=probed)
    report.diagnostics.extend(sorted(log.diagnostics, key=lambda d: d.line))
    _check_staged(files, show_dir, report)
    # the build lock: a cron build never sees a half-imported show
    with show_lock(show_dir):
        _refuse_used_folder(show_dir, force)  # again: it may have changed meanwhile
        if force:
            _report_other_files(show_dir, files, log, report)
        for name, text in files.items():
            atomic_write(show_dir / name, text.encode("utf-8"))
            report.written.append(show_dir / name)
    return report


def _refuse_used_folder(show_dir: Path, force: bool) -> None:
    if show_dir.exists() and not show_dir.is_dir():
        raise FeedImportError(f"{show_dir} exists and is not a folder")
    if force or not show_dir.is_dir():
        return
    used = [p.name for p in episode_files(show_dir)]
    if (show_dir / SHOW_FILE).exists():
        used.insert(0, SHOW_FILE)
    if used:
        shown = ", ".join(used[:3]) + (f" and {len(used) - 3} more" if len(used) > 3 else "")
        raise FeedImportError(
            f"{show_dir} already holds a show ({shown}); nothing was written. "
            "Import into an empty folder (--show DIR) or overwrite with --force"
        )


def _unique(drafts: list[EpisodeDraft], log: ImportLog) -> list[EpisodeDraft]:
    """Apps treat items sharing a guid or an enclosure URL as one episode: keep the first."""
    kept: list[EpisodeDraft] = []
    guids: dict[str, EpisodeDraft] = {}
    urls: dict[str, EpisodeDraft] = {}
    numbers: dict[tuple[int | None, int], EpisodeDraft] = {}
    for draft in drafts:
        first = guids.get(draft.guid) or urls.get(draft.audio_url)
        if first is not None:
            what = "guid" if guids.get(draft.guid) is first else "enclosure URL"
            log.warn(
                draft.line,
                "W251",
                f"'{draft.title}' has the same {what} as '{first.title}' (line {first.line}): "
                "not imported",
                "podcast apps show only one of them",
            )
            continue
        guids[draft.guid] = urls[draft.audio_url] = draft
        number = draft.fields.get("number")
        if number is not None:
            key = (draft.fields.get("season"), number)
            other = numbers.get(key)
            if other is not None:
                del draft.fields["number"]
                log.warn(
                    draft.line,
                    "W252",
                    f"'{draft.title}' has the same episode number as '{other.title}' "
                    f"(line {other.line}); its number is left out",
                    "set `number:` by hand if it needs one",
                )
            else:
                numbers[key] = draft
        kept.append(draft)
    return kept


def _unique_old_pages(drafts: list[EpisodeDraft], log: ImportLog) -> None:
    """An old `<link>` several items share is no episode's page (often the show's own
    site): none of them redirects from it."""
    sharing: dict[str, list[EpisodeDraft]] = {}
    for draft in drafts:
        for old in draft.fields.get("redirect_from", []):
            sharing.setdefault(old, []).append(draft)
    for old, shared in sharing.items():
        if len(shared) < 2:
            continue
        for draft in shared:
            del draft.fields["redirect_from"]
        log.warn(
            shared[0].line,
            "W259",
            f"{len(shared)} items have the same <link> {old}: it is not kept as an old "
            "episode page (redirect_from)",
            "add `redirect_from:` by hand to the episode whose page it was",
        )


def _fill_dates(drafts: list[EpisodeDraft], channel: Any, moment: datetime, log: ImportLog) -> None:
    """An item without a readable date takes its neighbour's, so it keeps its place."""
    for position, draft in enumerate(drafts):
        if draft.date is not None:
            if draft.date > moment:
                log.warn(
                    draft.line,
                    "W257",
                    f"'{draft.title}' is dated {draft.date.isoformat()}, in the future",
                    "gaepod publishes it from that moment on",
                )
            continue
        neighbours = [d for d in reversed(drafts[:position]) if d.date is not None]
        neighbours += [d for d in drafts[position + 1 :] if d.date is not None]
        if neighbours:
            draft.date = neighbours[0].date
            source = f"the date of '{neighbours[0].title}'"
        else:
            written = child_text(channel, "pubDate", "lastBuildDate")
            draft.date = parse_date(written)[0] if written else None
            source = "the feed's date"
            if draft.date is None:
                draft.date, source = moment.replace(microsecond=0), "the time of the import"
        assert draft.date is not None
        problem = (
            f"the date {draft.date_text!r} cannot be read"
            if draft.date_text
            else ("there is no <pubDate>")
        )
        log.warn(
            draft.line,
            "W215",
            f"'{draft.title}': {problem}; dated {draft.date.isoformat()} ({source})",
            "set its `date:` to when it was first published",
        )


def _report_tally(tally: Tally, log: ImportLog) -> None:
    for code, found in tally.items.items():
        summary, hint = tally.problems[code]
        if len(found) <= SHARED_PROBLEM_LIMIT:
            for line, message in found:
                log.warn(line, code, message, hint)
            continue
        lines = ", ".join(str(line) for line, _ in found[:5]) + (", ..." if len(found) > 5 else "")
        log.warn(
            found[0][0],
            code,
            f"{_items(len(found))} have {summary} (lines {lines})",
            hint + "; `gaepod check` lists each episode file",
        )
    for word, count in sorted(tally.explicit_words.items()):
        value = "true" if word in ("yes", "explicit") else "false"
        log.warn(
            tally.first_line[word],
            "W242",
            f"itunes:explicit '{word}' on {_items(count)} read as {value} "
            f"(the feed will say '{value}', as Apple requires)",
        )
    for alias, count in sorted(tally.mime_aliases.items()):
        standard = "audio/x-m4a" if "m4a" in alias else "audio/mpeg"
        log.warn(
            tally.first_line[alias],
            "W253",
            f"{_items(count)} declare the non-standard type '{alias}'; the feed will say "
            f"'{standard}'",
        )
    by_hand = {k: n for k, n in tally.unsupported.items() if k in BY_HAND_PODCAST_ELEMENTS}
    dropped = {k: n for k, n in tally.unsupported.items() if k not in by_hand}
    if by_hand:
        names = ", ".join(f"{name} ({_items(n)})" for name, n in sorted(by_hand.items()))
        log.warn(
            min(tally.first_line[name] for name in by_hand),
            "W254",
            f"import does not carry over {names}: the re-exported feed leaves them out until "
            "you write them in the episode files",
            "see the README's episode fields (alternate_enclosures): copy the values from "
            "the old feed",
        )
    if dropped:
        names = ", ".join(f"{name} ({_items(n)})" for name, n in sorted(dropped.items()))
        log.warn(
            min(tally.first_line[name] for name in dropped),
            "W254",
            f"gaepod does not publish {names}: the re-exported feed leaves them out",
            "keep a copy of the old feed if you need these values",
        )


def _items(count: int) -> str:
    return f"{count} item{'s' * (count != 1)}"


def _files(show: ShowDraft, drafts: list[EpisodeDraft], source: str) -> dict[str, str]:
    """File name -> YAML text: podcast.yaml, then episodes oldest first (NNNN-slug.yaml)."""
    header = f"Imported by `gaepod import` from {source}"
    if show.placeholders:
        header += f"\nReplace the placeholder values of: {', '.join(show.placeholders)}"
    files = {SHOW_FILE: dump(show.fields, header)}
    ordered = sorted(drafts, key=lambda d: (d.date, -d.index))
    width = max(4, len(str(len(ordered))))
    for number, draft in enumerate(ordered, start=1):
        assert draft.date is not None
        name = f"{number:0{width}d}-{slugify(draft.title) or 'episode'}.yaml"
        page = f"{show.link}episodes/{name.removesuffix('.yaml')}/"
        old_pages = [u for u in draft.fields.get("redirect_from", []) if not same_address(u, page)]
        if old_pages:  # the old page at the very address of the new one needs no redirect
            draft.fields["redirect_from"] = old_pages
        else:
            draft.fields.pop("redirect_from", None)
        fields: dict[str, Any] = {
            "title": draft.title,
            "date": draft.date.isoformat(),
            "guid": draft.guid,
            **draft.fields,
        }
        files[name] = dump(fields, f"Imported from {source} (the <item> at line {draft.line})")
    return files


def _check_staged(files: dict[str, str], show_dir: Path, report: ImportReport) -> None:
    """Run `gaepod check` on the files before they are written; its errors join the report."""
    with tempfile.TemporaryDirectory(prefix="gaepod-import-") as staging:
        root = Path(staging)
        for name, text in files.items():
            (root / name).write_text(text, encoding="utf-8")
        result = check_show(root)
    for diagnostic in result.errors:
        report.diagnostics.append(
            dataclasses.replace(diagnostic, path=show_dir / diagnostic.path.name)
        )
    report.check_warnings = len(result.warnings)


def _report_other_files(
    show_dir: Path, files: dict[str, str], log: ImportLog, report: ImportReport
) -> None:
    others = (
        [p.name for p in episode_files(show_dir) if p.name not in files]
        if (show_dir.is_dir())
        else []
    )
    if others:
        before = len(log.diagnostics)
        log.warn(
            0,
            "W255",
            f"{len(others)} other episode files in {show_dir} were left as they are "
            f"({', '.join(sorted(others)[:3])}{', ...' if len(others) > 3 else ''})",
            "delete the ones this import replaces, or `gaepod check` finds duplicate guids",
        )
        report.diagnostics.extend(log.diagnostics[before:])
