"""Fixed vocabularies the validator checks against: Apple's categories,
language codes, platform names, audio and image types."""

from __future__ import annotations

# Apple Podcasts categories and subcategories, as Apple publishes them.
APPLE_CATEGORIES: dict[str, tuple[str, ...]] = {
    "Arts": ("Books", "Design", "Fashion & Beauty", "Food", "Performing Arts", "Visual Arts"),
    "Business": (
        "Careers",
        "Entrepreneurship",
        "Investing",
        "Management",
        "Marketing",
        "Non-Profit",
    ),
    "Comedy": ("Comedy Interviews", "Improv", "Stand-Up"),
    "Education": ("Courses", "How To", "Language Learning", "Self-Improvement"),
    "Fiction": ("Comedy Fiction", "Drama", "Science Fiction"),
    "Government": (),
    "History": (),
    "Health & Fitness": (
        "Alternative Health",
        "Fitness",
        "Medicine",
        "Mental Health",
        "Nutrition",
        "Sexuality",
    ),
    "Kids & Family": ("Education for Kids", "Parenting", "Pets & Animals", "Stories for Kids"),
    "Leisure": (
        "Animation & Manga",
        "Automotive",
        "Aviation",
        "Crafts",
        "Games",
        "Hobbies",
        "Home & Garden",
        "Video Games",
    ),
    "Music": ("Music Commentary", "Music History", "Music Interviews"),
    "News": (
        "Business News",
        "Daily News",
        "Entertainment News",
        "News Commentary",
        "Politics",
        "Sports News",
        "Tech News",
    ),
    "Religion & Spirituality": (
        "Buddhism",
        "Christianity",
        "Hinduism",
        "Islam",
        "Judaism",
        "Religion",
        "Spirituality",
    ),
    "Science": (
        "Astronomy",
        "Chemistry",
        "Earth Sciences",
        "Life Sciences",
        "Mathematics",
        "Natural Sciences",
        "Nature",
        "Physics",
        "Social Sciences",
    ),
    "Society & Culture": (
        "Documentary",
        "Personal Journals",
        "Philosophy",
        "Places & Travel",
        "Relationships",
    ),
    "Sports": (
        "Baseball",
        "Basketball",
        "Cricket",
        "Fantasy Sports",
        "Football",
        "Golf",
        "Hockey",
        "Rugby",
        "Running",
        "Soccer",
        "Swimming",
        "Tennis",
        "Volleyball",
        "Wilderness",
        "Wrestling",
    ),
    "Technology": (),
    "True Crime": (),
    "TV & Film": ("After Shows", "Film History", "Film Interviews", "Film Reviews", "TV Reviews"),
}

# ISO 639-1 two-letter language codes (the RSS <language> vocabulary).
LANGUAGE_CODES = frozenset(
    """
aa ab ae af ak am an ar as av ay az ba be bg bh bi bm bn bo br bs ca ce ch co cr cs cu cv
cy da de dv dz ee el en eo es et eu fa ff fi fj fo fr fy ga gd gl gn gu gv ha he hi ho hr
ht hu hy hz ia id ie ig ii ik io is it iu ja jv ka kg ki kj kk kl km kn ko kr ks ku kv kw
ky la lb lg li ln lo lt lu lv mg mh mi mk ml mn mr ms mt my na nb nd ne ng nl nn no nr nv
ny oc oj om or os pa pi pl ps pt qu rm rn ro ru rw sa sc sd se sg si sk sl sm sn so sq sr
ss st su sv sw ta te tg th ti tk tl tn to tr ts tt tw ty ug uk ur uz ve vi vo wa wo xh yi
yo za zh zu
""".split()
)

# Platform keys for subscribe/follow links, with the label pages show.
PLATFORMS: dict[str, str] = {
    "apple": "Apple Podcasts",
    "spotify": "Spotify",
    "youtube": "YouTube",
    "youtube_music": "YouTube Music",
    "amazon": "Amazon Music",
    "audible": "Audible",
    "pocketcasts": "Pocket Casts",
    "overcast": "Overcast",
    "castro": "Castro",
    "castbox": "Castbox",
    "antennapod": "AntennaPod",
    "podcastaddict": "Podcast Addict",
    "podcastindex": "Podcast Index",
    "fountain": "Fountain",
    "goodpods": "Goodpods",
    "iheart": "iHeartRadio",
    "deezer": "Deezer",
    "tunein": "TuneIn",
    "soundcloud": "SoundCloud",
    "odysee": "Odysee",
    "rumble": "Rumble",
    "bitchute": "BitChute",
    "substack": "Substack",
    "patreon": "Patreon",
    "telegram": "Telegram",
    "x": "X (Twitter)",
    "twitter": "Twitter",
    "mastodon": "Mastodon",
    "bluesky": "Bluesky",
    "facebook": "Facebook",
    "instagram": "Instagram",
    "linkedin": "LinkedIn",
    "tiktok": "TikTok",
    "website": "Website",
}

# Audio containers gaepod can probe and tag, by file suffix.
AUDIO_TYPES: dict[str, tuple[str, str]] = {
    ".mp3": ("mp3", "audio/mpeg"),
    ".m4a": ("m4a", "audio/x-m4a"),
    ".m4b": ("m4a", "audio/x-m4a"),
    ".mp4": ("m4a", "audio/mp4"),
}

# Video containers gaepod can probe, by file suffix (`.mp4` is video when it holds a
# video track, else audio as above).
VIDEO_TYPES: dict[str, tuple[str, str]] = {
    ".mp4": ("mp4", "video/mp4"),
    ".m4v": ("mp4", "video/x-m4v"),
    ".webm": ("webm", "video/webm"),
}
MEDIA_SUFFIXES = frozenset(AUDIO_TYPES) | frozenset(VIDEO_TYPES)

# The MIME type of media on another host (`audio_url:`), by the URL's suffix: the
# audio types, and video (a URL ending in .mp4 stays audio/mp4, as it always was;
# `type: video/mp4` says it is video).
REMOTE_MEDIA_TYPES: dict[str, tuple[str, str]] = {
    **AUDIO_TYPES,
    ".m4v": ("mp4", "video/x-m4v"),
    ".webm": ("webm", "video/webm"),
    ".mov": ("mov", "video/quicktime"),
}

IMAGE_TYPES = {"JPEG": "image/jpeg", "PNG": "image/png"}

TRANSCRIPT_TYPES: dict[str, str] = {
    ".vtt": "text/vtt",
    ".srt": "application/x-subrip",
    ".txt": "text/plain",
    ".html": "text/html",
    ".json": "application/json",
}
