"""`gaepod list`: every episode file with its status at a given moment."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from ..model import Status
from ..show.check import check_show


@dataclass(frozen=True)
class EpisodeRow:
    file: str
    number: int | None
    season: int | None
    date: datetime | None
    title: str
    duration_seconds: int | None
    status: str  # published | scheduled | draft | invalid
    tagged: bool | None  # None: remote audio or not known
    problems: int  # errors (or draft warnings) found in the file

    def as_json(self) -> dict[str, object]:
        return {
            "file": self.file,
            "number": self.number,
            "season": self.season,
            "date": self.date.isoformat() if self.date else None,
            "title": self.title,
            "duration": self.duration_seconds,
            "status": self.status,
            "tagged": self.tagged,
            "problems": self.problems,
        }


def list_episodes(show: Path, now: datetime) -> list[EpisodeRow]:
    """Valid episodes newest first, then every other file by name: drafts that still
    have problems, and invalid files, with what they say of themselves."""
    from ..audio.tag import tag_targets, untagged

    result = check_show(show)
    problems: dict[Path, int] = {}
    for diagnostic in result.diagnostics:
        if diagnostic.is_error or diagnostic.message.startswith("draft: "):
            problems[diagnostic.path] = problems.get(diagnostic.path, 0) + 1
    rows = []
    valid_files = set()
    podcast = result.podcast
    episodes = sorted(podcast.episodes if podcast else (), key=lambda e: e.sort_key(), reverse=True)
    not_tagged = {e.source for e in untagged(episodes, podcast.show)} if podcast else set()
    taggable = {e.source for e in tag_targets(episodes)}
    for episode in episodes:
        valid_files.add(episode.source)
        status = episode.status(now)
        if status is Status.PUBLISHED and problems.get(episode.source):
            status_name = "invalid"
        elif status is Status.PUBLISHED and episode.is_members_only:
            status_name = "members"  # published in the members' feeds only
        elif status is Status.SCHEDULED and episode.is_for_members(now):
            status_name = "early access"  # in the members' feeds, public at its date
        else:
            status_name = status.value
        rows.append(
            EpisodeRow(
                file=episode.source.name,
                number=episode.number,
                season=episode.season,
                date=episode.date,
                title=episode.title,
                duration_seconds=episode.audio.duration_seconds,
                status=status_name,
                tagged=episode.source not in not_tagged if episode.source in taggable else None,
                problems=problems.get(episode.source, 0),
            )
        )
    from ..show.check import episode_files
    from ..show.episode import read_written_episode
    from ..show.podcast import read_show

    unread = [path for path in episode_files(show) if path not in valid_files]
    context = read_show(show)[1] if unread else None
    for path in unread:
        assert context is not None
        # Not an episode (yet): show what the file says, so a draft is recognisable.
        written = read_written_episode(path, context)
        rows.append(
            EpisodeRow(
                file=path.name,
                number=written.number,
                season=written.season,
                date=written.date,
                title=written.title or "",
                duration_seconds=None,
                status="draft" if path in result.unfinished_drafts else "invalid",
                tagged=None,
                problems=problems.get(path, 0),
            )
        )
    return rows
