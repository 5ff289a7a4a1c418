"""What an episode page plays and offers for download: its audio, its video, or both.

A video (the enclosure, or the episode's other file beside its audio) plays in a
`<video>` element with the episode's art as poster; audio in `<audio>`. A remote
enclosure is told apart by its MIME type, so a `video/mp4` URL never lands in an
`<audio>` element. Pure: no I/O.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..model import AudioFacts, Episode, Show
from .i18n import N_

# Download labels: the one file of an episode, or each of its two
DOWNLOAD = N_("Download (%(size)s)")
DOWNLOAD_AUDIO = N_("Download the audio (%(size)s)")
DOWNLOAD_VIDEO = N_("Download the video (%(size)s)")


@dataclass(frozen=True)
class Player:
    """One file of the episode as the page links it."""

    src: str  # the site's own copy (percent-encoded path) or the published URL
    url: str  # the published URL (behind any analytics prefix), for link previews
    mime: str
    size: int
    width: int = 0
    height: int = 0
    label: str = DOWNLOAD

    @property
    def is_video(self) -> bool:
        return self.mime.startswith("video/")


def hosted_path(show: Show, facts: AudioFacts, media_url: str) -> str | None:
    """A local file's path inside the site (percent-encoded) when it is hosted with the
    site (`media_base_url` inside `link`), else None."""
    if facts.path is None or not show.media_base_url.startswith(show.link):
        return None
    if not media_url.startswith(show.link):
        return None
    return media_url[len(show.link) :].split("?")[0].split("#")[0] or None


def episode_files(show: Show, episode: Episode) -> tuple[Player, ...]:
    """The enclosure, then the episode's other file if it has one."""
    files = [(episode.audio, episode.enclosure_url, episode.media_url)]
    if episode.other_media is not None:
        other = episode.other_media
        files.append((other.facts, other.url, other.media_url))
    players = []
    for facts, url, media_url in files:
        # Plays go through the analytics prefix as the feed's downloads do; else the
        # site's own copy when it has one.
        src = url if show.analytics_prefix else hosted_path(show, facts, media_url) or url
        label = DOWNLOAD
        if len(files) > 1:
            label = DOWNLOAD_VIDEO if facts.is_video else DOWNLOAD_AUDIO
        players.append(Player(src, url, facts.mime, facts.size, facts.width, facts.height, label))
    return tuple(players)


def main_player(players: tuple[Player, ...]) -> Player:
    """What the page plays: the video when the episode has one, else its audio."""
    return next((p for p in players if p.is_video), players[0])
