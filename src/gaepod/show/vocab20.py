"""Fixed vocabularies of the Podcasting 2.0 namespace that `check` validates against:
the Podcast Taxonomy's roles by group, feed mediums, well-known licenses, service
slugs (podcast:block) and value slugs (podcast:value)."""

from __future__ import annotations

# The Podcast Taxonomy Project (podcast:person role/group), group -> roles, as the
# namespace publishes it. Feeds carry them lower-cased; they are case-insensitive.
TAXONOMY: dict[str, tuple[str, ...]] = {
    "Creative Direction": (
        "Director",
        "Assistant Director",
        "Executive Producer",
        "Senior Producer",
        "Producer",
        "Associate Producer",
        "Development Producer",
        "Creative Director",
    ),
    "Cast": (
        "Host",
        "Co-Host",
        "Guest Host",
        "Guest",
        "Voice Actor",
        "Narrator",
        "Announcer",
        "Reporter",
    ),
    "Writing": (
        "Author",
        "Editorial Director",
        "Co-Writer",
        "Writer",
        "Songwriter",
        "Guest Writer",
        "Story Editor",
        "Managing Editor",
        "Script Editor",
        "Script Coordinator",
        "Researcher",
        "Editor",
        "Fact Checker",
        "Translator",
        "Transcriber",
        "Logger",
    ),
    "Audio Production": (
        "Studio Coordinator",
        "Technical Director",
        "Technical Manager",
        "Audio Engineer",
        "Remote Recording Engineer",
        "Post Production Engineer",
    ),
    "Audio Post-Production": (
        "Audio Editor",
        "Sound Designer",
        "Foley Artist",
        "Composer",
        "Theme Music",
        "Music Production",
        "Music Contributor",
    ),
    "Administration": (
        "Production Coordinator",
        "Booking Coordinator",
        "Production Assistant",
        "Content Manager",
        "Marketing Manager",
        "Sales Representative",
        "Sales Manager",
    ),
    "Visuals": ("Graphic Designer", "Cover Art Designer"),
    "Community": ("Social Media Manager",),
    "Misc.": ("Consultant", "Intern"),
    "Video Production": ("Camera Operator", "Lighting Designer", "Camera Grip", "Assistant Camera"),
    "Video Post-Production": ("Editor", "Assistant Editor"),
}

# podcast:medium: each has a "List" variant (suffix L) for feeds of podcast:remoteItem.
_MEDIUMS = ("podcast", "music", "video", "film", "audiobook", "newsletter", "blog", "course")
MEDIUMS: tuple[str, ...] = (*_MEDIUMS, *(m + "L" for m in _MEDIUMS), "mixed")

# podcast:license: well-known identifiers (SPDX, and the namespace's own list) and the
# URL of their legal text; gaepod writes the URL so that every app can link it.
LICENSES: dict[str, str] = {
    "ARR": "https://en.wikipedia.org/wiki/All_rights_reserved",
    "POD-V4V-1.0": "https://github.com/Podcastindex-org/podcast-namespace/blob/main/docs/examples/license/v4v-4.0.md",
    "CC0-1.0": "https://creativecommons.org/publicdomain/zero/1.0/",
    "CC-PDDC": "https://creativecommons.org/licenses/publicdomain/",
    **{
        f"CC-{kind.upper()}-{version}": f"https://creativecommons.org/licenses/{kind}/{version}/"
        for kind in ("by", "by-sa", "by-nd", "by-nc", "by-nc-sa", "by-nc-nd")
        for version in ("1.0", "2.0", "2.5", "3.0", "4.0")
        if not (kind in ("by-nc-sa", "by-nc-nd") and version == "1.0")
    },
}

# podcast:block id: the namespace's service slugs.
SERVICE_SLUGS: tuple[str, ...] = (
    "acast", "amazon", "anchor", "apple", "audible", "audioboom", "backtracks", "bitcoin",
    "blubrry", "buzzsprout", "captivate", "castos", "castopod", "facebook", "fireside", "fyyd",
    "google", "gpodder", "hypercatcher", "kasts", "libsyn", "mastodon", "megafono", "megaphone",
    "omnystudio", "overcast", "paypal", "pinecast", "podbean", "podcastaddict", "podcastguru",
    "podcastindex", "podcasts", "podchaser", "podcloud", "podfriend", "podiant", "podigee",
    "podnews", "podomatic", "podserve", "podverse", "redcircle", "relay", "resonaterecordings",
    "rss", "shoutengine", "simplecast", "slack", "soundcloud", "spotify", "spreaker", "tiktok",
    "transistor", "twitter", "whooshkaa", "youtube", "zencast",
)  # fmt: skip

# podcast:value: the payment layers, the methods each uses, and the recipients' address types.
VALUE_TYPES: dict[str, tuple[str, ...]] = {
    "lightning": ("keysend", "amp", "lnaddress"),
    "bitcoin": ("wallet",),
}
RECIPIENT_TYPES = ("node", "lnaddress", "wallet")

# podcast:location rel, and the common podcast:txt purposes.
LOCATION_RELS = ("subject", "creator")
TXT_PURPOSES = ("verify", "applepodcastsverify", "ai-content", "release")
