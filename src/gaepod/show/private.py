"""What members' feeds publish differently: the files of their private episodes.

An episode that is private at the moment of the build (members-only, or in early
access) and every early-access episode keep their files off the public site: the
members' feeds point at copies under the secret media prefix (`members/<token>/`),
never behind the analytics prefix (a statistics service would see the address).
Early-access episodes keep their private address after they become public, so a
member's app never sees an enclosure change. Pure: paths and URLs only.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from ..model import AlternateEnclosure, Artwork, AudioFacts, Episode, Media, Show, Transcript


@dataclass(frozen=True)
class PrivateFile:
    relpath: str  # in the output folder, under the members' media prefix
    source: Path


def is_kept_private(episode: Episode) -> bool:
    """True when members' feeds carry this episode's own files from the private prefix."""
    return episode.is_members_only or episode.early_access is not None


def _private_relpath(show: Show, prefix: str, media_url: str, source: Path) -> str:
    """Where a local file is published under the prefix: its path as the public URL
    has it (inside media_base_url), else its path in the show."""
    if media_url.startswith(show.media_base_url):
        return prefix + media_url[len(show.media_base_url) :].split("?")[0]
    return prefix + source.relative_to(show.root).as_posix()


def private_episode(show: Show, episode: Episode, prefix: str) -> Episode:
    """The episode as members' feeds carry it: its local files under `prefix` (its
    audio and video, other renditions, transcript, art, chapter images, guest photos)."""
    if not is_kept_private(episode):
        return episode
    changes: dict[str, object] = {}
    audio_url = _moved(show, prefix, episode.audio, episode.media_url)
    if audio_url is not None:
        changes["enclosure_url"] = changes["media_url"] = audio_url
    other = episode.other_media
    if other is not None:
        other_url = _moved(show, prefix, other.facts, other.media_url)
        if other_url is not None:
            changes["other_media"] = Media(other.facts, other_url, other_url)
    if episode.alternate_enclosures:
        changes["alternate_enclosures"] = tuple(
            _moved_alternate(show, prefix, a) for a in episode.alternate_enclosures
        )
    transcript = episode.transcript
    if transcript is not None and transcript.source is not None:
        relpath = prefix + transcript.source.relative_to(show.root).as_posix()
        changes["transcript"] = replace(transcript, url=show.link + relpath, public_path=relpath)
    if episode.chapters and not episode.chapters_url:
        changes["chapters_url"] = show.link + prefix + f"chapters/{episode.slug}.json"
    if any(c.image is not None for c in episode.chapters):
        changes["chapters"] = tuple(
            replace(c, image=_moved_art(show, prefix, c.image)) for c in episode.chapters
        )
    if any(g.photo is not None for g in episode.guests):
        changes["guests"] = tuple(
            replace(g, photo=_moved_art(show, prefix, g.photo)) for g in episode.guests
        )
    if episode.image is not None:
        changes["image"] = _moved_art(show, prefix, episode.image)
    changes["page_url"] = show.link  # its page is not on the public site (yet)
    return replace(episode, **changes)  # type: ignore[arg-type]


def _moved(show: Show, prefix: str, facts: AudioFacts, media_url: str) -> str | None:
    if facts.path is None:
        return None  # audio on another host: the host keeps it private there
    return show.link + _private_relpath(show, prefix, media_url, facts.path)


def _moved_art(show: Show, prefix: str, art: Artwork | None) -> Artwork | None:
    """A local image under the prefix; an image on another host as it is."""
    if art is None or art.source is None:
        return art
    relpath = prefix + art.source.relative_to(show.root).as_posix()
    return replace(art, url=show.link + relpath, public_path=relpath)


def _moved_alternate(show: Show, prefix: str, alternate: AlternateEnclosure) -> AlternateEnclosure:
    """A rendition from the show folder under the prefix (its first source, the one the
    public feed would have behind the analytics prefix); one on another host as it is."""
    if alternate.path is None or alternate.media_url is None:
        return alternate
    url = show.link + _private_relpath(show, prefix, alternate.media_url, alternate.path)
    return replace(alternate, sources=(url, *alternate.sources[1:]), media_url=url)


def private_files(show: Show, episodes: list[Episode], prefix: str) -> list[PrivateFile]:
    """The copies members' feeds point at, for the private episodes among `episodes`
    (as members' feeds carry them: private_episode applied)."""
    files: dict[str, Path] = {}
    for episode in episodes:
        if not is_kept_private(episode):
            continue
        sources: list[tuple[str | None, Path | None]] = [(episode.media_url, episode.audio.path)]
        if episode.other_media is not None:
            sources.append((episode.other_media.media_url, episode.other_media.facts.path))
        sources += [(a.media_url, a.path) for a in episode.alternate_enclosures]
        transcript: Transcript | None = episode.transcript
        if transcript is not None and transcript.public_path and transcript.source:
            files[transcript.public_path] = transcript.source
        arts = [episode.image, *(c.image for c in episode.chapters)]
        arts += [g.photo for g in episode.guests]
        for art in arts:
            if art is not None and art.public_path and art.source:
                files[art.public_path] = art.source
        for url, source in sources:
            if url and source is not None and url.startswith(show.link + prefix):
                files[url[len(show.link) :]] = source
    return [PrivateFile(relpath, source) for relpath, source in sorted(files.items())]


def private_chapters_path(episode: Episode, prefix: str) -> str | None:
    """Where the JSON chapters of a private episode are published, if it has them."""
    path = f"{prefix}chapters/{episode.slug}.json"
    if not is_kept_private(episode) or not episode.chapters:
        return None
    return path if (episode.chapters_url or "").endswith("/" + path) else None
