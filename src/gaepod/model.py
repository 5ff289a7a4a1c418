"""The podcast model: plain frozen data shared by every stage, built only by validation.

No I/O here and no defaults that guess: every value was read and checked from
the show's YAML (or an audio/image header) before a model object exists.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path


class EpisodeType(enum.Enum):
    FULL = "full"
    TRAILER = "trailer"
    BONUS = "bonus"


class ShowType(enum.Enum):
    EPISODIC = "episodic"
    SERIAL = "serial"


class Status(enum.Enum):
    """Where an episode stands relative to the published feed at a given moment."""

    PUBLISHED = "published"
    SCHEDULED = "scheduled"
    DRAFT = "draft"


@dataclass(frozen=True)
class AudioFacts:
    """What the audio file's headers say: the one probe every stage uses.

    For an episode whose audio stays on another host (imported shows), `path`
    is None and the facts come from the episode file (`length`, `duration`).
    """

    path: Path | None
    size: int
    mtime_ns: int
    format: str  # "mp3" | "m4a" (audio), "mp4" | "webm" (video)
    mime: str
    duration_ms: int
    bitrate: int  # bit/s
    sample_rate: int
    channels: int
    is_vbr: bool = False
    art_bytes: int = 0  # the largest picture already embedded in the file's tags
    width: int = 0  # video: the picture's size in pixels (0 for audio)
    height: int = 0

    @property
    def is_video(self) -> bool:
        return self.mime.startswith("video/")

    @property
    def duration_seconds(self) -> int:
        """Whole seconds, rounded, as `itunes:duration` wants them."""
        return (self.duration_ms + 500) // 1000

    @property
    def is_remote(self) -> bool:
        return self.path is None


@dataclass(frozen=True)
class Member:
    """One member of the show (the members file podcast.yaml names, kept out of git).

    `id` is stable: the member's private feed address is derived from it (with the
    key from the environment), so renaming a member keeps the address, changing the
    id makes a new one."""

    id: str
    name: str
    email: str | None = None


@dataclass(frozen=True)
class Media:
    """A second file of the same episode (the video of an audio episode, or its audio):
    published beside the enclosure, named in the feed as podcast:alternateEnclosure."""

    facts: AudioFacts
    url: str  # as feeds and pages publish it: media_url behind any analytics prefix
    media_url: str  # where the file itself is served


@dataclass(frozen=True)
class AlternateEnclosure:
    """One podcast:alternateEnclosure of an item: another rendition of its media.

    `sources` are its podcast:source URIs, the first the one apps try first;
    `integrity` is (type, value): ("sri", "sha384-...") or ("pgp-signature", ...).
    """

    mime: str
    length: int
    sources: tuple[str, ...]
    bitrate: int = 0  # bit/s
    height: int = 0  # video: pixels
    title: str | None = None
    lang: str | None = None
    rel: str | None = None
    codecs: str | None = None
    is_default: bool = False
    integrity: tuple[str, str] | None = None
    path: Path | None = None  # a local file (episode `alternate_enclosures`), published
    media_url: str | None = None  # where that file is served (no analytics prefix)


@dataclass(frozen=True)
class Artwork:
    """A cover image: a local file published under the site, or an external URL."""

    url: str
    source: Path | None = None  # local file inside the show folder
    public_path: str | None = None  # where the local file is published, relative to the output
    width: int = 0
    height: int = 0
    mime: str = ""


@dataclass(frozen=True)
class PlatformLink:
    key: str
    label: str
    url: str


@dataclass(frozen=True)
class Person:
    """A podcast:person: a host in podcast.yaml's `people`, a guest in an episode's `guests`.

    `role` and `group` come from the Podcast Taxonomy, lower-cased as feeds carry them."""

    name: str
    url: str | None = None
    bio: str | None = None
    photo: Artwork | None = None  # a local image (resized for the pages) or an image URL
    links: tuple[PlatformLink, ...] = ()  # the guest's own pages: x, substack, website ...
    role: str = "guest"
    group: str = "cast"


@dataclass(frozen=True)
class License:
    """podcast:license: an identifier (CC-BY-4.0) and the URL of its legal text."""

    identifier: str
    url: str


@dataclass(frozen=True)
class Location:
    """podcast:location: a place the show or episode is about (rel subject) or made in."""

    name: str
    geo: str | None = None  # an RFC 5870 geo URI: geo:19.4326,-99.1332
    osm: str | None = None  # OpenStreetMap type letter and id: R1376330
    rel: str | None = None  # subject | creator
    country: str | None = None  # ISO 3166-1 alpha-2


@dataclass(frozen=True)
class Txt:
    """podcast:txt: free text for a purpose (Apple's `applepodcastsverify`, `verify`)."""

    value: str
    purpose: str | None = None


@dataclass(frozen=True)
class UpdateFrequency:
    """podcast:updateFrequency: the release schedule, as text and an RFC 5545 rule."""

    text: str
    rrule: str | None = None
    dtstart: str | None = None  # ISO 8601, as the namespace asks
    is_complete: bool = False


@dataclass(frozen=True)
class RemoteItem:
    """A podcast:remoteItem of the show's podroll: another feed it recommends."""

    feed_guid: str
    feed_url: str | None = None
    title: str | None = None


@dataclass(frozen=True)
class ValueRecipient:
    name: str | None
    kind: str  # node | lnaddress | wallet
    address: str
    split: int
    custom_key: str | None = None
    custom_value: str | None = None
    is_fee: bool = False


@dataclass(frozen=True)
class Value:
    """podcast:value: how listeners' apps pay the show (lightning keysend splits)."""

    kind: str  # lightning
    method: str  # keysend
    recipients: tuple[ValueRecipient, ...]
    suggested: str | None = None


@dataclass(frozen=True)
class Chapter:
    start_ms: int
    title: str
    url: str | None = None
    image: Artwork | None = None  # shown with the chapter (page, JSON chapters)


@dataclass(frozen=True)
class Soundbite:
    """podcast:soundbite: a highlight of the episode's audio."""

    start_ms: int
    duration_ms: int
    title: str | None = None


@dataclass(frozen=True)
class Trailer:
    """podcast:trailer: a file (local or hosted elsewhere) that previews the show or a season."""

    title: str
    url: str
    date: datetime
    length: int
    mime: str
    season: int | None = None
    source: Path | None = None  # a local file, published with the audio


@dataclass(frozen=True)
class Category:
    name: str
    subcategory: str | None = None


@dataclass(frozen=True)
class Owner:
    name: str
    email: str


@dataclass(frozen=True)
class Funding:
    url: str
    text: str


@dataclass(frozen=True)
class Transcript:
    url: str
    mime: str
    source: Path | None = None
    public_path: str | None = None
    language: str | None = None


@dataclass(frozen=True)
class DeployTarget:
    """Where `gaepod deploy` uploads the output folder (podcast.yaml's `deploy:` or --to).

    Never holds credentials: S3 keys come from the environment or the standard
    AWS files, rsync logins from ssh's own configuration.
    """

    kind: str  # "folder" | "rsync" | "s3"
    location: str  # the folder's absolute path, the rsync destination, or the bucket
    prefix: str = ""  # s3: the key prefix inside the bucket ('' or ending with '/')
    endpoint: str | None = None  # s3: an S3-compatible service's URL (None: AWS)
    region: str | None = None  # s3

    def describe(self) -> str:
        """The target as the host wrote it, for messages and the per-target ledger."""
        if self.kind == "s3":
            where = f"s3://{self.location}/{self.prefix}"
            return where + (f" at {self.endpoint}" if self.endpoint else "")
        return f"{self.kind}:{self.location}"


@dataclass(frozen=True)
class ShowText:
    """The show as one of its other languages presents it (podcast.yaml `translations:`):
    None keeps the show's own value."""

    language: str
    title: str | None = None
    feed_title: str | None = None  # the feed's <title>: "Crossroads & Currents (Español)"
    subtitle: str | None = None
    description_md: str | None = None
    feed_url: str | None = None  # default: <language>/feed.xml beside the main feed
    podcast_guid: str | None = None  # default: derived from its own feed URL
    categories: tuple[Category, ...] | None = None
    keywords: tuple[str, ...] | None = None
    platforms: tuple[PlatformLink, ...] | None = None
    positions: Mapping[str, tuple[int, int]] = field(default_factory=dict, compare=False)


class DefaultFeed(enum.Enum):
    """What the main feed carries when the show has several languages."""

    ALL = "all"  # every episode, whatever its language (a show that always did so)
    OWN = "own"  # only the episodes in the show's first language


@dataclass(frozen=True)
class Show:
    source: Path  # podcast.yaml
    root: Path  # the show folder
    title: str
    description_md: str
    link: str  # site URL, always ends with "/"
    feed_url: str
    media_base_url: str  # always ends with "/"
    language: str
    author: str
    image: Artwork
    categories: tuple[Category, ...]
    is_explicit: bool
    podcast_guid: str
    subtitle: str | None = None
    timezone: str | None = None
    owner: Owner | None = None
    show_type: ShowType = ShowType.EPISODIC
    copyright: str | None = None
    keywords: tuple[str, ...] = ()
    funding: tuple[Funding, ...] = ()
    platforms: tuple[PlatformLink, ...] = ()
    is_complete: bool = False
    is_blocked: bool = False
    new_feed_url: str | None = None
    feed_limit: int | None = None
    # Prepended to every enclosure URL (feeds and pages), never to guids: OP3, Podtrac...
    analytics_prefix: str | None = None
    websub_hubs: tuple[str, ...] = ()  # notified after a deploy changes a feed
    deploy: DeployTarget | None = None
    ping_podcast_index: bool = True  # after a deploy that changed a feed
    podcast_index_url: str | None = None  # its pubnotify address; None: the Podcast Index's
    languages: tuple[str, ...] = ()  # every language of the show, the first its own; () = one
    translations: tuple[ShowText, ...] = ()
    default_feed: DefaultFeed = DefaultFeed.ALL
    # Podcasting 2.0 (the podcast namespace) beyond guid and funding
    is_locked: bool = True  # podcast:locked: no other host may import the feed
    medium: str | None = None
    people: tuple[Person, ...] = ()  # hosts and credits (podcast.yaml `people`)
    license: License | None = None
    locations: tuple[Location, ...] = ()
    txt: tuple[Txt, ...] = ()
    update_frequency: UpdateFrequency | None = None
    podroll: tuple[RemoteItem, ...] = ()
    trailers: tuple[Trailer, ...] = ()
    platform_blocks: tuple[tuple[str | None, bool], ...] = ()  # podcast:block: (service, yes)
    value: Value | None = None
    # Members' feeds: the members file (outside git) and who is in it; never the key
    members_file: Path | None = None
    members: tuple[Member, ...] = ()
    members_at: tuple[int, int] = (0, 0)  # line and column of `members:` in podcast.yaml

    @property
    def all_languages(self) -> tuple[str, ...]:
        """The show's languages, its own first: (language,) for a show in one language."""
        return self.languages or (self.language,)

    def text_in(self, language: str) -> ShowText | None:
        return next((t for t in self.translations if t.language == language), None)


@dataclass(frozen=True)
class Episode:
    source: Path  # the episode's YAML file
    slug: str
    title: str
    date: datetime  # always timezone-aware
    guid: str
    audio: AudioFacts
    enclosure_url: str  # as feeds and pages publish it: media_url behind any analytics prefix
    page_url: str
    media_url: str  # where the audio file itself is served
    summary: str | None = None
    description_md: str = ""
    number: int | None = None
    season: int | None = None
    episode_type: EpisodeType = EpisodeType.FULL
    is_explicit: bool | None = None  # None: inherit the show's
    guests: tuple[Person, ...] = ()
    tags: tuple[str, ...] = ()
    chapters: tuple[Chapter, ...] = ()
    chapters_url: str | None = None  # a Podcasting 2.0 JSON chapters file hosted elsewhere
    image: Artwork | None = None
    is_draft: bool = False
    is_blocked: bool = False
    language: str | None = None
    transcript: Transcript | None = None
    redirect_from: tuple[str, ...] = ()  # old addresses of its page (a previous host's)
    translation_of: str | None = None  # the counterpart in another language: file name or guid
    # The episode's other file (`video:` beside `audio:`): the one the enclosure is not.
    other_media: Media | None = None
    alternate_enclosures: tuple[AlternateEnclosure, ...] = ()  # further renditions
    platforms: tuple[PlatformLink, ...] = ()  # the episode's own pages: its video, its Spotify page
    # Podcasting 2.0 (the podcast namespace), per episode
    license: License | None = None
    locations: tuple[Location, ...] = ()
    soundbites: tuple[Soundbite, ...] = ()
    txt: tuple[Txt, ...] = ()
    value: Value | None = None
    is_members_only: bool = False  # `access: members`: in members' feeds only
    early_access: datetime | None = None  # in members' feeds from then, public from `date`
    # (line, column) of each top-level field, for diagnostics that span files
    positions: Mapping[str, tuple[int, int]] = field(default_factory=dict, compare=False)

    def status(self, now: datetime) -> Status:
        if self.is_draft:
            return Status.DRAFT
        if self.date > now:
            return Status.SCHEDULED
        return Status.PUBLISHED

    def sort_key(self) -> tuple[datetime, str]:
        return (self.date, self.guid)

    def is_for_members(self, now: datetime) -> bool:
        """True when members' feeds carry it at `now`: published, members-only, or in
        its early access."""
        if self.is_draft:
            return False
        return self.date <= now or (self.early_access is not None and self.early_access <= now)

    def is_private_at(self, now: datetime) -> bool:
        """True when it is for members only at `now` (members-only, or in early access)."""
        return self.is_members_only or self.date > now


@dataclass(frozen=True)
class Podcast:
    """A validated show and all its valid episodes, oldest first."""

    show: Show
    episodes: tuple[Episode, ...]
    # published() by moment: a build asks for the same moment about ten times
    _published: dict[datetime, tuple[Episode, ...]] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )

    def for_members(self, now: datetime) -> list[Episode]:
        """Episodes members' feeds carry at `now`, newest first: every published one,
        the members-only ones and those in early access."""
        visible = [e for e in self.episodes if e.is_for_members(now)]
        visible.sort(key=Episode.sort_key, reverse=True)
        return visible

    def published(self, now: datetime) -> list[Episode]:
        """Episodes a listener sees at `now`, newest first (never a members-only one)."""
        known = self._published.get(now)
        if known is None:
            visible = [
                e
                for e in self.episodes
                if e.status(now) is Status.PUBLISHED and not e.is_members_only
            ]
            visible.sort(key=Episode.sort_key, reverse=True)
            known = self._published[now] = tuple(visible)
        return list(known)

    def in_feed(self, now: datetime) -> list[Episode]:
        """The published episodes the feed carries: newest first, capped by `feed_limit`."""
        visible = self.published(now)
        if self.show.feed_limit is not None:
            return visible[: self.show.feed_limit]
        return visible
