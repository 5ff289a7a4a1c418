"""Which episode links are videos a page can embed: YouTube watch, short, live and
share addresses, reduced to the video's id. Pure."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

_VIDEO_ID = re.compile(r"[A-Za-z0-9_-]{11}")
_HOSTS = {"youtube.com", "www.youtube.com", "m.youtube.com", "music.youtube.com"}
_NOCOOKIE = {"youtube-nocookie.com", "www.youtube-nocookie.com"}
_PATHS = ("embed", "shorts", "live", "v")


def youtube_video_id(url: str) -> str | None:
    """'dQw4w9WgXcQ' for https://www.youtube.com/watch?v=dQw4w9WgXcQ, youtu.be/...,
    /embed/..., /shorts/..., /live/...; None for a channel, a playlist or another host."""
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return None
    host = (parts.hostname or "").lower()
    segments = [s for s in parts.path.split("/") if s]
    candidate = ""
    if host == "youtu.be" and segments:
        candidate = segments[0]
    elif host in _HOSTS | _NOCOOKIE:
        if segments[:1] == ["watch"]:
            candidate = (parse_qs(parts.query).get("v") or [""])[0]
        elif len(segments) >= 2 and segments[0] in _PATHS:
            candidate = segments[1]
    return candidate if _VIDEO_ID.fullmatch(candidate) else None


def is_youtube_host(url: str) -> bool:
    try:
        host = (urlsplit(url.strip()).hostname or "").lower()
    except ValueError:
        return False
    return host == "youtu.be" or host in _HOSTS | _NOCOOKIE


def watch_url(video_id: str) -> str:
    return f"https://www.youtube.com/watch?v={video_id}"


def embed_url(video_id: str) -> str:
    """The privacy-enhanced player (no cookies until the viewer plays), started at once:
    it is created only when the listener clicks."""
    return f"https://www.youtube-nocookie.com/embed/{video_id}?autoplay=1"
