"""podcast.yaml's fields about getting the show to listeners: the analytics prefix,
WebSub hubs and the deploy target. Read and checked here; used by feed/, site/
and deploy/. No I/O: a target is parsed, never contacted.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, replace
from pathlib import Path
from urllib.parse import urlsplit

from ..model import DeployTarget
from .fields import FieldReader, is_http_url
from .load import Node, Scalar

DEPLOY_FIELDS = ("target", "endpoint", "region", "ping_podcast_index")
# Keys a host might reach for; refused with a hint, since podcast.yaml is usually committed.
_CREDENTIAL_KEYS = re.compile(r"(access|secret|key|token|password|credential)", re.IGNORECASE)
_PLACEHOLDER = re.compile(r"<[^>]*>|\{[^}]*\}")


def with_prefix(prefix: str | None, url: str) -> str:
    """The enclosure URL apps download: `url` behind the analytics prefix. The one place
    a prefix is applied. Prefix services take the audio's address without `https://`
    (and keep an explicit `http://`); a URL already behind the prefix stays as it is."""
    if not prefix:
        return url
    rest = _without_https(url)
    if rest.startswith(_without_https(prefix)):
        return url  # an imported audio_url that already carries it
    return prefix + rest


def _without_https(url: str) -> str:
    return url[len("https://") :] if url.startswith("https://") else url


def read_analytics_prefix(reader: FieldReader, node: Node | None, podcast_guid: str) -> str | None:
    """`analytics_prefix`: one prefix, or a list of them chained in order (Podtrac in
    front of OP3...), as the single prefix the enclosure URLs get."""
    if node is None:
        return None
    items = reader.sequence(node, "analytics_prefix") if not isinstance(node, Scalar) else [node]
    parts: list[str] = []
    for item in items:
        value = reader.text(item, "analytics_prefix")
        if value is None:
            continue
        problem = prefix_problem(value, podcast_guid)
        if problem is not None:
            reader.error(item, "E401", problem[0], problem[1])
            continue
        if value.startswith("http://"):
            reader.warn(
                item,
                "W402",
                f"the analytics prefix '{value}' is plain http",
                "Apple asks for https enclosures: use the service's https address",
            )
        parts.append(value if not parts else _without_https(value))
    if not parts or len(parts) != len(items):
        return None
    return "".join(parts)


def prefix_problem(value: str, podcast_guid: str) -> tuple[str, str] | None:
    """What is wrong with one analytics prefix, as (message, hint); None when it is fine."""
    found = _PLACEHOLDER.search(value)
    if found is not None:
        return (
            f"the analytics prefix still holds the placeholder '{found.group()}'",
            f"replace it with the real value (this show's podcast:guid is {podcast_guid})",
        )
    if not is_http_url(value):
        return (
            f"the analytics prefix must be an absolute https URL, not '{value}'",
            "e.g. `analytics_prefix: https://op3.dev/e/` or https://dts.podtrac.com/redirect.mp3/",
        )
    parts = urlsplit(value)
    if parts.query or parts.fragment or "?" in value or "#" in value:
        return (
            f"the analytics prefix '{value}' has a query or fragment",
            "the audio's address follows the prefix: it must end with a path and '/'",
        )
    if not value.endswith("/"):
        return (
            f"the analytics prefix '{value}' does not end with '/'",
            f"the audio's address is appended to it: write '{value}/'",
        )
    return None


def read_hubs(reader: FieldReader, node: Node | None) -> list[str]:
    """`websub_hubs`: hub URLs the feed names (`atom:link rel="hub"`) and deploy notifies."""
    hubs: list[str] = []
    for value, item in reader.text_list(node, "websub_hubs"):
        if not is_http_url(value):
            reader.error(
                item,
                "E402",
                f"'websub_hubs' entry is not an http(s) URL: '{value}'",
                "e.g. https://pubsubhubbub.appspot.com/",
            )
        elif value in hubs:
            reader.warn(item, "W403", f"hub '{value}' is listed twice", "remove one")
        else:
            hubs.append(value)
    return hubs


@dataclass(frozen=True)
class DeploySettings:
    target: DeployTarget | None
    ping_podcast_index: bool = True


def read_deploy(reader: FieldReader, node: Node | None, base: Path) -> DeploySettings:
    """`deploy:` — a target (`s3://bucket/prefix`, `rsync:host:/path`, a folder) or a
    mapping with `target`, `endpoint`, `region`, `ping_podcast_index`. Folders are
    relative to podcast.yaml's folder."""
    if node is None:
        return DeploySettings(None)
    if isinstance(node, Scalar):
        text = reader.text(node, "deploy")
        return DeploySettings(_target(reader, node, text, base, None, None))
    entry = reader.mapping(node, "deploy")
    if entry is None:
        return DeploySettings(None)
    for key, (key_node, _value) in entry.entries.items():
        if key not in DEPLOY_FIELDS and _CREDENTIAL_KEYS.search(key):
            reader.error(
                key_node,
                "E404",
                f"'deploy.{key}': credentials do not belong in podcast.yaml",
                "set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY in the environment, or use "
                "~/.aws/credentials (AWS_PROFILE picks a profile); rsync uses ssh's own keys",
            )
    others = {
        k: v
        for k, v in entry.entries.items()
        if k in DEPLOY_FIELDS or not _CREDENTIAL_KEYS.search(k)
    }
    reader.check_keys(replace(entry, entries=others), DEPLOY_FIELDS, "deploy")
    endpoint = reader.url(entry.get("endpoint"), "deploy.endpoint")
    region = reader.text(entry.get("region"), "deploy.region")
    ping = reader.boolean(entry.get("ping_podcast_index"), "deploy.ping_podcast_index")
    target_node = reader.require(entry, "target", "deploy", "target: s3://my-bucket/podcast/")
    text = reader.text(target_node, "deploy.target")
    target = _target(reader, target_node, text, base, endpoint, region)
    return DeploySettings(target, ping is not False)


def _target(
    reader: FieldReader,
    node: Node | None,
    text: str | None,
    base: Path,
    endpoint: str | None,
    region: str | None,
) -> DeployTarget | None:
    if text is None:
        return None
    target = parse_target(text, base, endpoint, region)
    if isinstance(target, str):
        reader.error(node, "E403", target, TARGET_FORMS)
        return None
    if target.kind != "s3" and (endpoint or region):
        reader.warn(
            node,
            "W404",
            f"'endpoint' and 'region' are for S3 targets; this target is {target.kind}",
            "remove them, or use an s3://bucket/prefix target",
        )
    return target


TARGET_FORMS = (
    "write s3://bucket/prefix/, rsync:user@host:/var/www/podcast/ (any rsync destination), "
    "or a folder (folder:/srv/www/podcast, or a path)"
)


def parse_target(
    text: str, base: Path, endpoint: str | None = None, region: str | None = None
) -> DeployTarget | str:
    """A deploy target from its written form, or what is wrong with it. A path is read
    relative to `base`; an rsync destination is passed to rsync as it is written."""
    text = text.strip()
    if not text or "\x00" in text:
        return "the deploy target is empty"
    if text.startswith("s3://"):
        bucket, _, prefix = text[len("s3://") :].partition("/")
        if not re.fullmatch(r"[a-z0-9][a-z0-9.\-]{1,61}[a-z0-9]", bucket):
            return f"'{bucket}' is not an S3 bucket name (3-63 of a-z, 0-9, '.', '-')"
        prefix = prefix.strip("/")
        if ".." in prefix.split("/") or "//" in prefix:
            return f"the key prefix '{prefix}' has an empty or '..' part"
        return DeployTarget("s3", bucket, prefix + "/" if prefix else "", endpoint, region)
    if text.startswith("rsync:") and not text.startswith("rsync://"):
        destination = text[len("rsync:") :]
        if not destination:
            return "'rsync:' names no destination"
        if not _is_remote(destination):
            destination = str((base / destination).resolve())
        return DeployTarget(
            "rsync", destination if destination.endswith("/") else destination + "/"
        )
    if text.startswith("rsync://"):
        return DeployTarget("rsync", text if text.endswith("/") else text + "/")
    if text.startswith("folder:"):
        text = text[len("folder:") :]
        if not text:
            return "'folder:' names no folder"
    elif _is_remote(text):
        return DeployTarget("rsync", text if text.endswith("/") else text + "/")
    elif "://" in text:
        return f"unknown kind of deploy target '{text}'"
    return DeployTarget("folder", str((base / os.path.expanduser(text)).resolve()))


def _is_remote(destination: str) -> bool:
    """scp-like `host:path` or `host::module` (rsync's own forms), not a local path."""
    head = destination.split("/", 1)[0]
    return ":" in head and not head.startswith(".")
