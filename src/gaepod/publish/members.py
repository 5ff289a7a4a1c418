"""`gaepod members`: each member's private feed address, for the host to send them.

Reads podcast.yaml and the members file it names, and the key from the
environment; writes nothing. The addresses are the ones the next build publishes.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from ..errors import GaepodError, InvalidShowError
from ..member_keys import MEMBERS_KEY_ENV, member_feed_relpath, members_key
from ..show.members import KEY_HINT, MIN_KEY_LENGTH
from ..show.podcast import read_show


@dataclass(frozen=True)
class MemberRow:
    id: str
    name: str
    email: str | None
    feed_url: str

    def as_json(self) -> dict[str, object]:
        return {"id": self.id, "name": self.name, "email": self.email, "feed_url": self.feed_url}


def list_members(show: Path, environ: Mapping[str, str] | None = None) -> list[MemberRow]:
    """Every member with the address of their feed, in the members file's order."""
    found, _context, diagnostics = read_show(show)
    errors = [d for d in diagnostics if d.is_error]
    if found is None or errors:
        raise InvalidShowError("podcast.yaml or the members file has problems", errors)
    if found.members_file is None:
        raise GaepodError(
            "podcast.yaml names no members file: add `members: ../members.yaml` "
            "(a `members:` list of `{id, name, email}`, kept out of git)"
        )
    key = members_key(environ)
    if key is None:
        raise GaepodError(f"{MEMBERS_KEY_ENV} is not set: {KEY_HINT}")
    if len(key) < MIN_KEY_LENGTH:  # the build refuses it (E907): these would never be live
        raise GaepodError(
            f"{MEMBERS_KEY_ENV} is {len(key)} characters, too short to keep the members' "
            f"addresses secret (the build refuses it): use at least {MIN_KEY_LENGTH} random "
            f"characters, {KEY_HINT}"
        )
    return [
        MemberRow(m.id, m.name, m.email, found.link + member_feed_relpath(key, m.id))
        for m in found.members
    ]
