"""The members' key and the secret addresses it makes, with no show reading: the
no-op check (publish/options.py) fingerprints the key, and serving and deploying ask
whether a path is private, without loading the show package.

Each token is an HMAC-SHA256 under GAEPOD_MEMBERS_KEY: unguessable without the key,
the same at every build, different under another key.
"""

from __future__ import annotations

import hashlib
import hmac
import os
from collections.abc import Mapping

MEMBERS_KEY_ENV = "GAEPOD_MEMBERS_KEY"
MEMBERS_DIR = "members"  # every private file is under it: members/<token>/...


def is_private_path(relpath: str) -> bool:
    """True for a published file under the members' folder (feeds, members-only media)."""
    return relpath == MEMBERS_DIR or relpath.startswith(MEMBERS_DIR + "/")


def members_key(environ: Mapping[str, str] | None = None) -> bytes | None:
    """The key from the environment, or None when it is not set."""
    value = (os.environ if environ is None else environ).get(MEMBERS_KEY_ENV, "")
    return value.encode() if value else None


def _token(key: bytes, purpose: bytes) -> str:
    # 128 bits: more than enough against guessing, short enough for an address.
    return hmac.new(key, purpose, hashlib.sha256).hexdigest()[:32]


def member_token(key: bytes, member_id: str) -> str:
    return _token(key, b"member-feed:" + member_id.encode())


def media_token(key: bytes) -> str:
    return _token(key, b"members-media")


def key_fingerprint(key: bytes | None) -> str:
    """A one-way mark of the key (for the no-op check): tells keys apart, reveals none."""
    return "" if key is None else _token(key, b"gaepod-key-fingerprint")[:16]


def member_feed_relpath(key: bytes, member_id: str) -> str:
    return f"{MEMBERS_DIR}/{member_token(key, member_id)}/feed.xml"


def members_media_prefix(key: bytes) -> str:
    """Where members-only media is published: 'members/<media token>/'."""
    return f"{MEMBERS_DIR}/{media_token(key)}/"
