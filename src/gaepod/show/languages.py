"""The rules about episodes' languages: each in a language the show declares, and each
`translation_of:` naming another episode of the show in another language."""

from __future__ import annotations

import difflib
from collections.abc import Sequence

from ..errors import Diagnostic, Severity
from ..model import Episode, Show


def _primary(language: str) -> str:
    return language.split("-")[0].lower()


def language_problems(show: Show, episodes: Sequence[Episode]) -> list[Diagnostic]:
    """W402 for an episode in an undeclared language, E404 for a translation_of that
    names no episode, W403 for a translation in the episode's own language."""
    declared = {_primary(code) for code in show.all_languages}
    by_name: dict[str, Episode] = {}
    for episode in episodes:
        by_name.setdefault(episode.source.name, episode)
        by_name.setdefault(episode.source.stem, episode)
        by_name.setdefault(episode.guid, episode)
    problems: list[Diagnostic] = []
    for episode in episodes:
        language = episode.language or show.language
        if _primary(language) not in declared:
            line, column = episode.positions.get("language", (0, 0))
            listed = ", ".join([*show.all_languages, language])
            problems.append(
                Diagnostic(
                    episode.source,
                    line,
                    column,
                    "W402",
                    f"the episode is in '{language}', a language the show does not declare: "
                    f"its page gets the '{show.language}' interface and no feed is in its "
                    "language",
                    f"add `languages: [{listed}]` to podcast.yaml (and its text under "
                    "`translations:`)",
                    Severity.WARNING,
                )
            )
        if episode.translation_of is not None:
            problems += _translation_problems(episode, by_name, show)
    return problems


def _translation_problems(
    episode: Episode, by_name: dict[str, Episode], show: Show
) -> list[Diagnostic]:
    named = episode.translation_of or ""
    line, column = episode.positions.get("translation_of", (0, 0))
    other = by_name.get(named)
    if other is None or other is episode:
        names = sorted({e.source.stem for e in by_name.values() if e is not episode})
        close = difflib.get_close_matches(named.removesuffix(".yaml"), names, n=1, cutoff=0.5)
        what = "names the episode itself" if other is episode else "names no episode of the show"
        return [
            Diagnostic(
                episode.source,
                line,
                column,
                "E404",
                f"translation_of: '{named}' {what}",
                f"did you mean '{close[0]}'?"
                if close
                else "write the file name (without .yaml) or the guid of the episode it translates",
            )
        ]
    mine, theirs = episode.language or show.language, other.language or show.language
    if _primary(mine) == _primary(theirs):
        return [
            Diagnostic(
                episode.source,
                line,
                column,
                "W403",
                f"translation_of: '{named}' is in '{theirs}' too: a translation is in "
                "another language",
                "set this episode's `language:` (e.g. `language: es`), or remove translation_of",
                Severity.WARNING,
            )
        ]
    return []
