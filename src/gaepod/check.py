"""The whole show folder -> Podcast + every diagnostic, including rules across files."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from .errors import Diagnostic, Severity, has_errors, sort_key
from .model import Episode, Podcast
from .validate_episode import read_episode
from .validate_show import SHOW_FILE, read_show

NOT_EPISODES = {SHOW_FILE, "published.yaml"}


@dataclass
class CheckResult:
    podcast: Podcast | None  # None when the show has errors
    diagnostics: list[Diagnostic] = field(default_factory=list)
    episode_files: int = 0

    @property
    def is_ok(self) -> bool:
        return self.podcast is not None and not has_errors(self.diagnostics)

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.is_error]

    @property
    def warnings(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if not d.is_error]


def episode_files(root: Path) -> list[Path]:
    """Every episode YAML in the show folder (not hidden, not the show or ledger file)."""
    files = [
        p
        for p in root.iterdir()
        if p.suffix in (".yaml", ".yml")
        and p.name not in NOT_EPISODES
        and not p.name.startswith(".")
    ]
    return sorted(files)


def check_show(root: Path) -> CheckResult:
    """Validate the show and every episode; never raises on bad input."""
    if not root.is_dir():
        missing = Diagnostic(
            root,
            0,
            0,
            "E001",
            "the show folder does not exist",
            "pass --show PATH (the folder holding podcast.yaml)",
        )
        return CheckResult(None, [missing])
    show, context, diagnostics = read_show(root)
    episodes: list[Episode] = []
    files = episode_files(root)
    for path in files:
        episode, found = read_episode(path, context)
        diagnostics.extend(found)
        if episode is not None:
            episodes.append(episode)
    diagnostics.extend(cross_file_problems(episodes))
    episodes.sort(key=Episode.sort_key)
    podcast = Podcast(show, tuple(episodes)) if show is not None else None
    diagnostics.sort(key=sort_key)
    return CheckResult(podcast, diagnostics, len(files))


def cross_file_problems(episodes: Iterable[Episode]) -> list[Diagnostic]:
    """Uniqueness rules: guid, (season, number), page address and audio file."""
    problems: list[Diagnostic] = []
    seen: dict[str, dict[object, Episode]] = {"guid": {}, "number": {}, "slug": {}, "audio": {}}
    for episode in sorted(episodes, key=lambda e: e.source):
        keys: dict[str, object] = {
            "guid": episode.guid,
            "slug": episode.slug.casefold(),
            "audio": episode.audio.path or episode.enclosure_url,
        }
        if episode.number is not None:
            keys["number"] = (episode.season, episode.number)
        for kind, key in keys.items():
            first = seen[kind].get(key)
            if first is None:
                seen[kind][key] = episode
                continue
            problems.append(_duplicate(kind, episode, first))
    return problems


def _duplicate(kind: str, episode: Episode, first: Episode) -> Diagnostic:
    field_name = {"guid": "guid", "number": "number", "slug": "slug", "audio": "audio"}[kind]
    if kind == "audio" and episode.audio.is_remote:
        field_name = "audio_url"
    line, column = episode.positions.get(field_name, (0, 0))
    other = first.source.name
    messages = {
        "guid": (
            f"guid '{episode.guid}' is also used by {other}",
            "every episode needs its own guid; apps treat equal guids as one episode",
        ),
        "number": (
            f"season {episode.season or '-'} episode {episode.number} is also {other}",
            "give each episode its own number within its season",
        ),
        "slug": (
            f"page address episodes/{episode.slug}/ is also used by {other}",
            "rename one file or set a different `slug:`",
        ),
        "audio": (
            f"the audio file is also used by {other}",
            "apps ignore an episode whose enclosure URL another episode already uses",
        ),
    }
    message, hint = messages[kind]
    return Diagnostic(episode.source, line, column, "E170", message, hint, Severity.ERROR)
