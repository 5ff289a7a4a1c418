"""The feeds a show publishes: one per language (feed.xml, es/feed.xml, ...).

Each feed presents the show as its language's listeners know it (title, description,
language, self link, podcast:guid) and carries its own episodes; each has its own
ledger of published guids (published.yaml for the main feed, published-<name>.yaml
for the others), so that a guid can never change nor an episode vanish unnoticed in
any of them. A show in one language publishes exactly one feed, as always.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, replace
from datetime import datetime

from ..member_keys import member_feed_relpath, members_key, members_media_prefix
from ..model import DefaultFeed, Episode, Member, Podcast, Show
from .ledger import LEDGER_FILE
from .members import MEMBERS_LEDGER_NAME
from .private import private_episode

MAIN_FEED = "feed.xml"
# The Podcasting 2.0 namespace's fixed UUID for deriving podcast:guid from a feed URL.
PODCAST_GUID_NAMESPACE = uuid.UUID("ead4c236-bf58-58c6-a2c6-a6b28d128cb6")


def derived_podcast_guid(feed_url: str) -> str:
    """Podcasting 2.0: uuidv5 of the feed URL without its scheme and trailing slash."""
    base = feed_url.split("://", 1)[-1].rstrip("/")
    return str(uuid.uuid5(PODCAST_GUID_NAMESPACE, base))


@dataclass(frozen=True)
class Feed:
    """One feed file of the show and what it carries."""

    name: str  # "" for the main feed, else the language code ("es")
    relpath: str  # its path in the published folder: "feed.xml", "es/feed.xml"
    show: Show  # the show as this feed presents it
    home: str  # the channel's <link>: the site's home page in this feed's language
    language: str | None  # only the episodes in this language; None: every episode
    show_language: str = ""  # the show's own: an episode's language when it names none
    private: bool = False  # never linked from public pages, in the sitemap or indexed
    # private feeds: the URL prefix of members-only files ("https://…/members/<token>/")
    media_prefix: str = ""
    member: Member | None = None  # a member's own feed: whose

    @property
    def ledger_file(self) -> str:
        return LEDGER_FILE if not self.name else f"published-{self.name}.yaml"

    def items(self, podcast: Podcast, now: datetime) -> list[Episode]:
        """in_feed() as the feed file presents them: a private feed's private episodes
        with their files under its secret prefix."""
        episodes = self.in_feed(podcast, now)
        if not self.private:
            return episodes
        prefix = self.media_prefix[len(self.show.link) :]
        return [private_episode(self.show, e, prefix) for e in episodes]

    def carries(self, episode: Episode) -> bool:
        if self.language is None:
            return True
        own = episode.language or self.show_language or self.show.language
        return _primary(own) == _primary(self.language)

    def published(self, podcast: Podcast, now: datetime) -> list[Episode]:
        """The episodes of this feed a listener sees at `now`, newest first."""
        if self.private:
            return [e for e in podcast.for_members(now) if self.carries(e)]
        return [e for e in podcast.published(now) if self.carries(e)]

    def in_feed(self, podcast: Podcast, now: datetime) -> list[Episode]:
        """What the feed file carries: published() capped by `feed_limit`."""
        visible = self.published(podcast, now)
        limit = self.show.feed_limit
        return visible[:limit] if limit is not None else visible


def episode_language(show: Show, episode: Episode) -> str:
    return episode.language or show.language


def side_path(show: Show, language: str) -> str:
    """Where a language's side of the site lives: '' for the show's own, else 'es/'."""
    return "" if language == show.language else f"{language}/"


def show_feeds(show: Show) -> list[Feed]:
    """Every feed of the show, the main one first."""
    languages = show.all_languages
    several = len(languages) > 1
    main_language = show.language if several and show.default_feed is DefaultFeed.OWN else None
    feeds = [Feed("", MAIN_FEED, show, show.link, main_language, show.language)]
    for language in languages[1:]:
        feeds.append(_language_feed(show, language))
    return feeds


def _language_feed(show: Show, language: str) -> Feed:
    text = show.text_in(language)
    relpath = f"{language}/{MAIN_FEED}"
    default_url = show.feed_url.rsplit("/", 1)[0] + "/" + relpath
    feed_url = (text.feed_url if text else None) or default_url
    changes: dict[str, object] = {
        "language": language,
        "feed_url": feed_url,
        "podcast_guid": (text.podcast_guid if text else None) or derived_podcast_guid(feed_url),
        # Apple's new-feed-url belongs to the feed that moves: the main one.
        "new_feed_url": None,
    }
    if text is not None:
        title = text.feed_title or text.title
        for name, value in (
            ("title", title),
            ("subtitle", text.subtitle),
            ("description_md", text.description_md),
            ("categories", text.categories),
            ("keywords", text.keywords),
            ("platforms", text.platforms),
        ):
            if value is not None:
                changes[name] = value
    side = replace(show, **changes)  # type: ignore[arg-type]
    home = show.link + side_path(show, language)
    return Feed(language, relpath, side, home, language, show.language)


def _primary(language: str) -> str:
    return language.split("-")[0].lower()


def feeds_of(podcast: Podcast, key: bytes | None = None) -> list[Feed]:
    """Every feed the show publishes, the main one first, then (when the show has
    members and the key is set) each member's private feed. `key`: the members' key
    (default: from the environment)."""
    show = podcast.show
    feeds = show_feeds(show)
    if show.members:
        key = key if key is not None else members_key()
        if key is not None:
            feeds += member_feeds(show, key)
    return feeds


def member_feeds(show: Show, key: bytes) -> list[Feed]:
    """One private feed per member, in the members file's order. All carry the same
    episodes (one ledger, published-members.yaml, protects them all)."""
    link = show.link
    private = replace(
        show,
        title=f"{show.title} ({_MEMBERS_LABEL})",
        is_blocked=True,  # itunes:block: never in Apple's directory
        platform_blocks=((None, True),),  # podcast:block: no directory lists it
        new_feed_url=None,
        websub_hubs=(),  # hubs would publish the address
        analytics_prefix=None,  # statistics services would see members' addresses
        podcast_guid=derived_podcast_guid(show.feed_url.rstrip("/") + "/members"),
        feed_limit=show.feed_limit,
    )
    media = link + members_media_prefix(key)
    feeds = []
    for member in show.members:
        relpath = member_feed_relpath(key, member.id)
        side = replace(private, feed_url=link + relpath)
        feeds.append(
            Feed(MEMBERS_LEDGER_NAME, relpath, side, link, None, show.language, True, media, member)
        )
    return feeds


_MEMBERS_LABEL = "members"
