"""Members' feeds: who the members are (a file kept out of git) and the secret
addresses of their feeds, derived from a key in the environment.

Each member's feed lives at `members/<token>/feed.xml`, the token an HMAC-SHA256 of
the member's id under GAEPOD_MEMBERS_KEY: unguessable without the key, the same at
every build, and gone when the member leaves the file or the key changes (the next
build removes what it no longer publishes). Members-only audio is published under
`members/<media token>/`, a prefix derived from the key the same way. The key is
read from the environment only; nothing here writes it anywhere.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import datetime, tzinfo
from pathlib import Path

from ..errors import Diagnostic, Severity
from ..member_keys import MEMBERS_KEY_ENV
from ..model import Episode, Member, Show
from .fields import FieldReader, read_fields_file
from .load import Mapping as Mapping_
from .load import Node

MEMBERS_LEDGER_NAME = "members"  # one ledger for every member's feed: they carry the same
MIN_KEY_LENGTH = 16
MEMBER_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@+-]{0,127}$")
MEMBER_FIELDS = ("id", "name", "email")
KEY_HINT = (
    f"set {MEMBERS_KEY_ENV} in the build's environment (e.g. `export {MEMBERS_KEY_ENV}="
    '"$(openssl rand -hex 32)"`), the same at every build; never in the show folder'
)


def read_members_field(
    reader: FieldReader, node: Node | None, show_file: Path
) -> tuple[Path | None, tuple[Member, ...]]:
    """podcast.yaml's `members: ../members.yaml`: the file (relative to podcast.yaml,
    usually outside the show folder so that it stays out of git) and its members."""
    written = reader.text(node, "members")
    if written is None:
        return None, ()
    path = (show_file.parent / written).resolve()
    if not path.is_file():
        reader.error(
            node,
            "E901",
            f"members file not found: '{written}' ({path})",
            "create it (a `members:` list of `{id, name, email}`), outside the show "
            "folder so that it stays out of git: `members: ../members.yaml`",
        )
        return None, ()
    if path.is_relative_to(show_file.parent.resolve()):
        reader.error(
            node,
            "E902",
            f"the members file '{written}' is inside the show folder",
            "the show folder is in git (and its YAML files are episodes): move the file out, "
            "e.g. beside it, and write `members: ../members.yaml`",
        )
        return None, ()
    members, diagnostics = read_members(path)
    reader.diagnostics.extend(diagnostics)
    return path, members


def read_members(path: Path) -> tuple[tuple[Member, ...], list[Diagnostic]]:
    root, reader = read_fields_file(
        path,
        "the members file",
        "the members file is empty",
        "add `members:` with one `- {id: ada, name: Ada Lovelace}` per member",
    )
    if root is None:
        return (), reader.diagnostics
    reader.check_keys(root, ("members",), "members file")
    members: list[Member] = []
    seen: dict[str, int] = {}
    for item in reader.sequence(root.get("members"), "members"):
        entry = reader.mapping(item, "members entry")
        if entry is None:
            continue
        reader.check_keys(entry, MEMBER_FIELDS, "member")
        id_node = reader.require(entry, "id", "member", "id: ada  # stable: never reuse one")
        member_id = reader.text(id_node, "member id", max_length=128)
        name = reader.text(reader.require(entry, "name", "member", "name: Ada"), "member name")
        email = reader.email(entry.get("email"), "member email")
        if member_id is None or name is None:
            continue
        if not MEMBER_ID.fullmatch(member_id):
            reader.error(
                id_node,
                "E903",
                f"member id '{member_id}' has characters ids cannot have",
                "use letters, digits and . _ @ + - (the member's feed address is made from it)",
            )
            continue
        folded = member_id.casefold()
        if folded in seen:
            reader.error(
                id_node,
                "E904",
                f"member id '{member_id}' is also on line {seen[folded]}",
                "every member needs an id of their own: two would share one feed address",
            )
            continue
        seen[folded] = id_node.line if id_node is not None else 0
        members.append(Member(member_id, name, email))
    return tuple(members), reader.diagnostics


def members_problems(
    show: Show, episodes: Iterable[Episode], key: bytes | None
) -> list[Diagnostic]:
    """Rules across the show, its episodes and the environment: a members-only or
    early-access episode needs members; members need the key."""
    problems: list[Diagnostic] = []
    line, column = show.members_at
    private = [e for e in episodes if e.is_members_only or e.early_access is not None]
    if show.members_file is None:
        for episode in private:
            field = "access" if episode.is_members_only else "early_access"
            at = episode.positions.get(field, (0, 0))
            problems.append(
                Diagnostic(
                    episode.source,
                    *at,
                    "E905",
                    f"'{field}' is for members' feeds, but podcast.yaml names no members file",
                    "add `members: ../members.yaml` to podcast.yaml, or remove the line",
                    Severity.WARNING if episode.is_draft else Severity.ERROR,
                )
            )
        return problems
    if key is None:
        problems.append(
            Diagnostic(
                show.source,
                line,
                column,
                "E906",
                f"{MEMBERS_KEY_ENV} is not set: the members' feeds cannot be made "
                "(publishing without them would revoke every member's address)",
                KEY_HINT,
            )
        )
    elif len(key) < MIN_KEY_LENGTH:
        problems.append(
            Diagnostic(
                show.source,
                line,
                column,
                "E907",
                f"{MEMBERS_KEY_ENV} is {len(key)} characters: too short to keep the "
                "members' addresses secret",
                f"use at least {MIN_KEY_LENGTH} random characters: {KEY_HINT}",
            )
        )
    return problems


ACCESS_FIELDS = ("access", "early_access")


def read_access(
    reader: FieldReader,
    doc: Mapping_,
    date: datetime | None,
    zone: tuple[tzinfo | None, str | None],
) -> tuple[bool, datetime | None]:
    """An episode's `access: members` and `early_access:` (members' feeds from then, the
    public feed from `date`)."""
    access_node = doc.get("access")
    access = reader.choice(access_node, "access", ["public", "members"])
    early_node = doc.get("early_access")
    early = reader.datetime(early_node, "early_access", *zone)
    if early is not None and access == "members":
        reader.error(
            early_node,
            "E908",
            "'early_access' is for episodes that become public; this one is `access: members`",
            "remove `early_access:` (members get it at its `date`), or `access: members`",
        )
        return True, None
    if early is not None and date is not None and early >= date:
        reader.error(
            early_node,
            "E909",
            f"'early_access' ({early.isoformat()}) is not before 'date' ({date.isoformat()})",
            "members get the episode at `early_access`, everyone at `date`: make it earlier",
        )
        return False, None
    return access == "members", early


def moved_to_members(episode: Episode) -> Diagnostic:
    """E910: a published episode turned `access: members` would vanish from the public feed."""
    line, column = episode.positions.get("access", (0, 0))
    return Diagnostic(
        episode.source,
        line,
        column,
        "E910",
        f"published episode '{episode.title}' is now `access: members`: apps would remove it "
        "from public listeners' libraries",
        "remove `access: members`, or pass --allow-removal to move it to the members' feeds",
    )
