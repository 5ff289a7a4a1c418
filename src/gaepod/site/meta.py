"""What pages tell machines: JSON-LD (schema.org PodcastSeries / PodcastEpisode),
share links, and the plain text of a transcript shown under the player. Pure,
except `transcript_text`, which reads the transcript file when a page renders.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import quote

from ..model import Show
from ..show.notes import to_html, to_text
from .i18n import N_
from .views import EpisodeView

TEXT_TRANSCRIPTS = (".txt", ".vtt", ".srt")
MAX_TRANSCRIPT_BYTES = 1024 * 1024
# WebVTT/SRT lines that are not spoken text: headers, cue numbers, timings, notes.
_CUE_NOISE = re.compile(
    r"^(WEBVTT.*|NOTE( .*)?|STYLE|REGION|\d+|[\d:.,]+ --> [\d:.,]+.*)$", re.IGNORECASE
)
_VOICE = re.compile(r"<v(?:\.[^ >]*)? ([^>]*)>")
_CUE_TAG = re.compile(r"</?[^>]+>")


def series_jsonld(show: Show, cover_url: str) -> dict[str, object]:
    data: dict[str, object] = {
        "@context": "https://schema.org",
        "@type": "PodcastSeries",
        "name": show.title,
        "description": to_text(to_html(show.description_md)),
        "url": show.link,
        "webFeed": show.feed_url,
        "image": cover_url,
        "inLanguage": show.language,
        "author": {"@type": "Person", "name": show.author},
    }
    if show.copyright:
        data["copyrightNotice"] = show.copyright
    return data


def episode_jsonld(show: Show, view: EpisodeView) -> dict[str, object]:
    episode = view.episode
    data: dict[str, object] = {
        "@context": "https://schema.org",
        "@type": "PodcastEpisode",
        "name": episode.title,
        "url": view.canonical,
        "datePublished": episode.date.isoformat(),
        "description": view.summary,
        "inLanguage": episode.language or show.language,
        "image": view.image.url,
        "timeRequired": view.duration_iso,
        "associatedMedia": {
            "@type": "MediaObject",
            "contentUrl": episode.enclosure_url,
            "encodingFormat": episode.audio.mime,
            "duration": view.duration_iso,
        },
        "partOfSeries": {"@type": "PodcastSeries", "name": show.title, "url": show.link},
    }
    if episode.number is not None:
        data["episodeNumber"] = episode.number
    if episode.season is not None:
        data["partOfSeason"] = {"@type": "PodcastSeason", "seasonNumber": episode.season}
    if episode.guests:
        data["actor"] = [
            {"@type": "Person", "name": g.name, **({"url": g.url} if g.url else {})}
            for g in episode.guests
        ]
    if episode.tags:
        data["keywords"] = ", ".join(episode.tags)
    return data


def share_links(url: str, title: str) -> list[tuple[str, str, str]]:
    """(icon, label, href) of the usual share targets for a page."""
    u, t = quote(url, safe=""), quote(title, safe="")
    return [
        ("x", "X", f"https://x.com/intent/post?url={u}&text={t}"),
        ("facebook", "Facebook", f"https://www.facebook.com/sharer/sharer.php?u={u}"),
        ("linkedin", "LinkedIn", f"https://www.linkedin.com/sharing/share-offsite/?url={u}"),
        ("telegram", "Telegram", f"https://t.me/share/url?url={u}&text={t}"),
        ("email", N_("Email"), f"mailto:?subject={t}&body={u}"),
    ]


def transcript_text(source: Path) -> str:
    """Spoken text of a local .txt/.vtt/.srt transcript (timings dropped); '' otherwise."""
    if source.suffix.lower() not in TEXT_TRANSCRIPTS:
        return ""
    try:
        with source.open("rb") as handle:
            raw = handle.read(MAX_TRANSCRIPT_BYTES).decode("utf-8", "replace")
    except OSError:
        return ""
    if source.suffix.lower() == ".txt":
        return raw.strip()
    lines: list[str] = []
    for line in raw.replace("\r\n", "\n").split("\n"):
        stripped = line.strip().removeprefix("\ufeff")
        if not stripped:
            if lines and lines[-1]:
                lines.append("")
            continue
        if _CUE_NOISE.fullmatch(stripped):
            continue
        lines.append(_CUE_TAG.sub("", _VOICE.sub(r"\1: ", stripped)))
    return "\n".join(lines).strip()
