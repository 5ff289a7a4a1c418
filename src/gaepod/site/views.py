"""What the site's templates show: published episodes as view objects, and the
indexes between them (previous/next, related, tags, guests). Pure: no I/O.

Links are kept relative to the site root ("episodes/x/index.html"); each page
prefixes its own way back to the root, so the site works under any URL path
and from disk. Everything costly (show notes HTML, excerpts) is computed on
first use, so planning a build stays cheap: only rendering pays for it.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, tzinfo
from functools import cached_property, lru_cache
from urllib.parse import quote
from zoneinfo import ZoneInfo

from markupsafe import Markup

from ..model import Artwork, Episode, EpisodeType, Person, PlatformLink, Podcast, Show
from ..paths import slugify
from ..show.notes import to_html, to_text, truncate
from ..show.video import embed_url, watch_url, youtube_video_id
from .artwork import sized_sources
from .i18n import N_, format_date
from .photos import PhotoSet, photo_set
from .player import Player, episode_files, main_player
from .sides import language_name, primary

RELATED_LIMIT = 4
RELATED_WINDOW = 4  # neighbours in time looked at per shared tag/guest: no O(N²)
EXCERPT_BYTES = 240
_IMG_WITHOUT_ALT = re.compile(r"<img(?![^>]*\salt=)")


def format_duration(seconds: int) -> str:
    """'1 h 05 min', '42 min', '38 s'."""
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours} h {minutes:02d} min"
    if minutes:
        return f"{minutes} min"
    return f"{secs} s"


def iso_duration(seconds: int) -> str:
    """ISO 8601 duration (`<time datetime>`, JSON-LD): PT1H5M12S."""
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    text = "PT" + (f"{hours}H" if hours else "") + (f"{minutes}M" if minutes else "")
    return text + (f"{secs}S" if secs or text == "PT" else "")


@lru_cache(maxsize=65536)
def name_slug(name: str) -> str:
    """Slug of a tag or guest name; names without ASCII letters get a stable hashed one."""
    slug = slugify(name)
    if slug:
        return slug
    return "x-" + hashlib.blake2b(name.casefold().encode(), digest_size=4).hexdigest()


def digest(*parts: object) -> str:
    """Hex hash of the reprs of `parts`: the cheap content keys of pages."""
    hasher = hashlib.blake2b(digest_size=16)
    for part in parts:
        hasher.update(repr(part).encode())
        hasher.update(b"\x00")
    return hasher.hexdigest()


@dataclass(frozen=True)
class Interface:
    """The language pages are shown in and its catalogue's gettext."""

    language: str
    gettext: Callable[[str], str] = str
    prefix: str = ""  # where this language's listing pages are: "", "es/"


def _primary(language: str) -> str:
    return language.split("-")[0].lower()


@dataclass(frozen=True)
class Image:
    src: str  # relative to the site root, or an absolute URL
    url: str  # absolute, for Open Graph and JSON-LD
    alt: str
    width: int = 0
    height: int = 0
    sized: tuple[tuple[int, str], ...] = ()  # (px, path in the site): resized copies

    def at(self, px: int) -> str:
        """The smallest copy at least `px` wide (the original when none is)."""
        return next((path for size, path in self.sized if size >= px), self.src)

    def srcset(self, px: int, root: str) -> Markup:
        """` srcset="<px copy> 1x, <2px copy> 2x"` for an <img> shown `px` wide, or
        nothing when the image has no resized copies."""
        if not self.sized:
            return Markup("")
        sharp = self.at(2 * px)
        sharp = sharp if "://" in sharp else root + sharp
        return Markup(' srcset="{} 1x, {} 2x"').format(root + self.at(px), sharp)


@dataclass(frozen=True)
class Ref:
    """A named link to a page of the site: a tag or a guest."""

    name: str
    slug: str
    href: str


@dataclass(frozen=True)
class GuestRef(Ref):
    url: str | None = None
    bio: str | None = None
    photo: PhotoSet | None = None
    links: tuple[PlatformLink, ...] = ()


# One Ref per name, shared by every view that names it: a catalog repeats the same
# few hundred tags and guests thousands of times.
@lru_cache(maxsize=65536)
def _tag_ref(name: str, prefix: str = "") -> Ref:
    slug = name_slug(name)
    return Ref(name, slug, Markup(f"{prefix}tags/{slug}/index.html"))


@lru_cache(maxsize=65536)
def _guest_ref(guest: Person, prefix: str = "") -> GuestRef:
    slug = name_slug(guest.name)
    photo = photo_set(slug, guest.photo) if guest.photo else None
    href = Markup(f"{prefix}guests/{slug}/index.html")
    return GuestRef(guest.name, slug, href, guest.url, guest.bio, photo, guest.links)


@dataclass(frozen=True)
class VideoView:
    """A video shown on the episode's page only once the listener asks for it."""

    watch: str  # the video's page (the link without JavaScript)
    embed: str  # the player the click creates (privacy-enhanced, no cookies before it)


@dataclass(frozen=True)
class ChapterView:
    t: str  # start in seconds for media fragments and the player: "75", "75.5"
    clock: str  # 1:02:03 or 2:03
    iso: str  # PT1H2M3S, for <time datetime>
    title: str
    url: str | None
    image: Image | None = None


@dataclass(frozen=True)
class SoundbiteView:
    """A highlight of the audio (podcast:soundbite): a link that plays it."""

    t: str  # start in seconds: "75", "75.5"
    end: str  # end in seconds, for the media fragment #t=start,end
    clock: str
    iso: str
    seconds: str  # how long: "45", "12.5"
    title: str | None


def markdown_html(markdown: str) -> Markup:
    """Show notes or a page as sanitized HTML (notes.to_html), each image with an alt text."""
    # nh3 writes normalised tags (`<img src="...">`), so a pattern finds the ones without alt.
    return Markup(_IMG_WITHOUT_ALT.sub('<img alt=""', to_html(markdown)))


def artwork_image(art: Artwork, alt: str) -> Image:
    src = quote(art.public_path, safe="/") if art.public_path else art.url
    return Image(src, art.url, alt, art.width, art.height, sized_sources(art))


def _player_clock(ms: int) -> str:
    seconds = ms // 1000
    hours, minutes, secs = seconds // 3600, seconds // 60 % 60, seconds % 60
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


class EpisodeView:
    """One published episode as pages show it (a card in lists, or its own page)."""

    def __init__(
        self,
        episode: Episode,
        show: Show,
        zone: tzinfo | None,
        episode_key: str | None = None,
        interface: Interface | None = None,
    ) -> None:
        self.episode = episode
        # The language of the pages it is shown on (dates, labels), which may differ
        # from its own: a Spanish episode in the English archive.
        interface = interface or Interface(show.language)
        self.interface_language = interface.language
        self._gettext = interface.gettext
        self.slug = episode.slug
        self.title = episode.title
        # Slugs are [a-z0-9-] (validated): links made of them need no escaping.
        self.path = Markup(f"episodes/{episode.slug}/")
        self.href = Markup(self.path + "index.html")
        self.canonical = show.link + self.path
        language = episode.language or show.language
        self.language = language
        self.lang = language if _primary(language) != _primary(interface.language) else None
        self._show = show
        self._local_date = episode.date.astimezone(zone) if zone else episode.date
        self.date_iso = Markup(self._local_date.isoformat())
        prefix = interface.prefix
        self.guests = tuple(_guest_ref(g, prefix) for g in episode.guests)
        self.tags = tuple(_tag_ref(t, prefix) for t in episode.tags)
        self.audio_mime = episode.audio.mime
        self.audio_size = episode.audio.size
        self.has_own_image = episode.image is not None
        # `episode_key`: a digest of the episode already at hand (the build cache's), which
        # spares hashing the repr of its notes for every view.
        self.digest = digest(
            episode_key or episode, show.link, show.language, show.timezone, interface.language
        )

    # What follows only rendering needs: made on first use, as an edit renders a few
    # pages but the build plans them all (a view per published episode).

    @cached_property
    def date_text(self) -> str:
        return format_date(self._local_date, self.interface_language)

    @cached_property
    def lang_name(self) -> str:
        """The name of its language in the page's: 'Spanish', 'español' (the mark's title)."""
        return language_name(self.lang or self.language, self.interface_language)

    @property
    def lang_code(self) -> str:
        """The mark listings put before it when its language is not the page's: 'ES'."""
        return primary(self.lang or self.language).upper()

    @cached_property
    def duration_text(self) -> str:
        seconds = self.episode.audio.duration_seconds
        return format_duration(seconds) if seconds else ""

    @cached_property
    def duration_iso(self) -> Markup:
        return Markup(iso_duration(self.episode.audio.duration_seconds))

    @cached_property
    def label(self) -> str:
        return _label(self.episode, self._gettext)

    @cached_property
    def image(self) -> Image:
        episode = self.episode
        art = episode.image or self._show.image
        alt = self._gettext(N_("Artwork for %(title)s")) % {"title": episode.title}
        return artwork_image(art, alt if episode.image else "")

    @cached_property
    def files(self) -> tuple[Player, ...]:
        """The download links: the enclosure, then the episode's other file."""
        return episode_files(self._show, self.episode)

    @cached_property
    def player(self) -> Player:
        """What the page plays (`<video>` for a video, else `<audio>`)."""
        return main_player(self.files)

    @property
    def audio_src(self) -> str:
        """The player's address: the site's own copy, unless plays must go through the
        analytics prefix as the feed's downloads do."""
        return self.player.src

    @cached_property
    def chapters(self) -> tuple[ChapterView, ...]:
        return tuple(
            ChapterView(
                f"{c.start_ms / 1000:g}",
                _player_clock(c.start_ms),
                iso_duration(c.start_ms // 1000),
                c.title,
                c.url,
                artwork_image(c.image, "") if c.image else None,
            )
            for c in self.episode.chapters
        )

    @property
    def chapter_marks(self) -> list[list[float | str]]:
        """[start in seconds, title] per chapter: the player's timeline marks (JSON)."""
        return [[c.start_ms / 1000, c.title] for c in self.episode.chapters]

    @property
    def duration_seconds(self) -> int:
        """The audio's length as the show's data knows it (0: unknown)."""
        return self.episode.audio.duration_seconds or 0

    @cached_property
    def video(self) -> VideoView | None:
        """The episode's YouTube video, when `platforms.youtube` names one."""
        for link in self.episode.platforms:
            video_id = youtube_video_id(link.url) if link.key == "youtube" else None
            if video_id:
                return VideoView(watch_url(video_id), embed_url(video_id))
        return None

    @cached_property
    def soundbites(self) -> tuple[SoundbiteView, ...]:
        return tuple(
            SoundbiteView(
                f"{s.start_ms / 1000:g}",
                f"{(s.start_ms + s.duration_ms) / 1000:g}",
                _player_clock(s.start_ms),
                iso_duration(s.start_ms // 1000),
                f"{s.duration_ms / 1000:g}",
                s.title,
            )
            for s in self.episode.soundbites
        )

    # Not kept on the view: 10,000 episodes' notes would stay in memory for the whole run,
    # while each is shown once (its page); to_html remembers them by content anyway.
    @property
    def notes_html(self) -> Markup:
        return markdown_html(self.episode.description_md)

    @property
    def text(self) -> str:
        return to_text(self.notes_html)

    @cached_property
    def summary(self) -> str:
        """A short plain-text description: the episode's summary or the notes' opening."""
        if self.episode.summary:
            return self.episode.summary
        html = self.notes_html
        end = html.find("</p>")  # the opening paragraph is enough: convert only that
        first = to_text(html[: end + 4] if end >= 0 else html).split("\n\n", 1)[0]
        return truncate(first, EXCERPT_BYTES)


_EPISODE_TYPES = {EpisodeType.TRAILER: N_("Trailer"), EpisodeType.BONUS: N_("Bonus")}


def _label(episode: Episode, gettext: Callable[[str], str]) -> str:
    parts = []
    if episode.season is not None:
        parts.append(gettext(N_("Season %(number)d")) % {"number": episode.season})
    if episode.number is not None:
        parts.append(gettext(N_("Episode %(number)d")) % {"number": episode.number})
    if episode.episode_type is not EpisodeType.FULL:
        parts.append(gettext(_EPISODE_TYPES[episode.episode_type]))
    return " · ".join(parts)


@dataclass
class Group:
    """Episodes sharing one tag or one guest (names that slugify alike are merged)."""

    name: str
    slug: str
    kind: str  # "tags" | "guests"
    views: list[EpisodeView] = field(default_factory=list)
    url: str | None = None  # guest's own site
    bio: str | None = None
    photo: PhotoSet | None = None
    links: tuple[PlatformLink, ...] = ()  # the guest's own pages elsewhere
    prefix: str = ""  # the language side's: "", "es/"

    @property
    def about(self) -> tuple[object, ...]:
        """What its page says of the guest (part of the page's key)."""
        return (self.url, self.bio, self.photo, self.links)

    @property
    def key(self) -> str:
        """Its page's path without the side's prefix: the same topic on another side."""
        return f"{self.kind}/{self.slug}/index.html"

    @property
    def path(self) -> str:
        return f"{self.prefix}{self.kind}/{self.slug}/"

    @property
    def href(self) -> str:
        return self.path + "index.html"


class SiteData:
    """The published episodes at `now`, newest first, and every index the pages need."""

    def __init__(
        self,
        podcast: Podcast,
        now: datetime,
        episode_key: Callable[[Episode], str] | None = None,
        interface: Interface | None = None,
        carries: Callable[[Episode], bool] | None = None,
    ) -> None:
        """`carries`: which episodes this side of the site lists (all by default)."""
        show = podcast.show
        zone = _zone(show.timezone)
        self.show = show
        self.prefix = interface.prefix if interface else ""
        self.views = [
            EpisodeView(e, show, zone, episode_key(e) if episode_key else None, interface)
            for e in podcast.published(now)
            if carries is None or carries(e)
        ]
        self.position = {view.slug: index for index, view in enumerate(self.views)}
        self.tags: dict[str, Group] = {}
        self.guests: dict[str, Group] = {}
        # (kind, group slug, episode slug) -> index inside the group's newest-first list
        self._group_index: dict[tuple[str, str, str], int] = {}
        for view in self.views:
            for tag in view.tags:
                self._add(self.tags, "tags", tag, view)
            for guest in view.guests:
                self._add(self.guests, "guests", guest, view)
        # The newest episode that says something about the guest wins, in the pages'
        # language first (the English page of a guest of a Spanish episode too).
        ordered = [v for v in self.views if v.lang is None] + [v for v in self.views if v.lang]
        for view in ordered:
            for guest in view.guests:
                group = self.guests[guest.slug]
                group.url = group.url or guest.url
                group.bio = group.bio or guest.bio
                group.photo = group.photo or guest.photo
                group.links = group.links or guest.links

    def _add(self, groups: dict[str, Group], kind: str, ref: Ref, view: EpisodeView) -> Group:
        group = groups.get(ref.slug)
        if group is None:
            group = groups[ref.slug] = Group(ref.name, ref.slug, kind, prefix=self.prefix)
        key = (kind, ref.slug, view.slug)
        if key not in self._group_index:  # a tag listed twice on one episode
            self._group_index[key] = len(group.views)
            group.views.append(view)
        return group

    def older(self, view: EpisodeView) -> EpisodeView | None:
        index = self.position[view.slug] + 1
        return self.views[index] if index < len(self.views) else None

    def newer(self, view: EpisodeView) -> EpisodeView | None:
        index = self.position[view.slug] - 1
        return self.views[index] if index >= 0 else None

    def related(self, view: EpisodeView) -> list[EpisodeView]:
        """Up to RELATED_LIMIT episodes sharing guests (worth 2) or tags (worth 1).

        Only the nearest RELATED_WINDOW episodes on each side within each shared
        tag/guest are candidates, so the cost per episode is bounded whatever
        the catalog size.
        """
        scores: dict[str, int] = {}
        for kind, refs, weight in (("guests", view.guests, 2), ("tags", view.tags, 1)):
            groups = self.guests if kind == "guests" else self.tags
            for ref in refs:
                members = groups[ref.slug].views
                at = self._group_index[(kind, ref.slug, view.slug)]
                low, high = max(0, at - RELATED_WINDOW), at + RELATED_WINDOW + 1
                for other in members[low:high]:
                    if other is not view:
                        scores[other.slug] = scores.get(other.slug, 0) + weight
        here, position = self.position[view.slug], self.position
        # Best score first, then nearest in time, then newest.
        ranked = sorted(
            (-score, abs(position[slug] - here), position[slug]) for slug, score in scores.items()
        )
        return [self.views[at] for _score, _distance, at in ranked[:RELATED_LIMIT]]

    def sorted_groups(self, groups: Iterable[Group]) -> list[Group]:
        """Most episodes first, then by name."""
        return sorted(groups, key=lambda g: (-len(g.views), g.name.casefold(), g.slug))


@lru_cache(maxsize=64)
def _zone(name: str | None) -> tzinfo | None:
    return ZoneInfo(name) if name else None
