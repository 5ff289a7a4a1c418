"""podcast.yaml's fields about getting the show to listeners: the analytics prefix,
WebSub hubs and the deploy target. Read and checked here; used by feed/, site/
and deploy/. No I/O: a target is parsed, never contacted.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, replace
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

from ..model import DeployTarget
from .fields import FieldReader, is_http_url
from .load import Mapping, Node, Scalar

DEPLOY_FIELDS = ("target", "endpoint", "region", "ping_podcast_index", "podcast_index_url")
# Keys a host might reach for; refused with a hint, since podcast.yaml is usually committed.
_CREDENTIAL_KEYS = re.compile(
    r"secret|passw|token|credential|apikey|accesskey|(^|[_\-.])(access_?|api_?)?key(s|_?id)?($|[_\-.])",
    re.IGNORECASE,
)
CREDENTIALS_HINT = (
    "set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY in the environment, or use "
    "~/.aws/credentials (AWS_PROFILE picks a profile); rsync uses ssh's own keys"
)
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
            reader.error(item, "E420", problem[0], problem[1])
            continue
        if value.startswith("http://"):
            reader.warn(
                item,
                "W421",
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
                "E422",
                f"'websub_hubs' entry is not an http(s) URL: '{value}'",
                "e.g. https://pubsubhubbub.appspot.com/",
            )
        elif value in hubs:
            reader.warn(item, "W423", f"hub '{value}' is listed twice", "remove one")
        else:
            hubs.append(value)
    return hubs


def is_credential_key(key: str) -> bool:
    """True for a field name that looks like it holds a secret (`aws_secret_access_key`,
    `api_key`, `token`...)."""
    return bool(_CREDENTIAL_KEYS.search(key))


def refuse_credentials(
    reader: FieldReader, entry: Mapping, known: tuple[str, ...], where: str
) -> Mapping:
    """E411 for each unknown key of `entry` that looks like a credential (podcast.yaml is
    usually committed, and published with the show's sources); `entry` without them."""
    kept = {}
    for key, (key_node, value) in entry.entries.items():
        if key not in known and is_credential_key(key):
            reader.error(
                key_node,
                "E411",
                f"'{where}{key}': credentials do not belong in podcast.yaml",
                CREDENTIALS_HINT,
            )
        else:
            kept[key] = (key_node, value)
    return replace(entry, entries=kept)


@dataclass(frozen=True)
class DeploySettings:
    target: DeployTarget | None
    ping_podcast_index: bool = True
    podcast_index_url: str | None = None  # the pubnotify address (None: the Podcast Index's)


def read_deploy(reader: FieldReader, node: Node | None, base: Path) -> DeploySettings:
    """`deploy:` — a target (`s3://bucket/prefix`, `rsync:host:/path`, a folder) or a
    mapping with `target`, `endpoint`, `region`, `ping_podcast_index`,
    `podcast_index_url`. Folders are relative to podcast.yaml's folder."""
    if node is None:
        return DeploySettings(None)
    if isinstance(node, Scalar):
        text = reader.text(node, "deploy")
        return DeploySettings(_target(reader, node, text, base, None, None))
    entry = reader.mapping(node, "deploy")
    if entry is None:
        return DeploySettings(None)
    entry = refuse_credentials(reader, entry, DEPLOY_FIELDS, "deploy.")
    reader.check_keys(entry, DEPLOY_FIELDS, "deploy")
    endpoint = _endpoint(reader, entry.get("endpoint"))
    region = reader.text(entry.get("region"), "deploy.region")
    ping = reader.boolean(entry.get("ping_podcast_index"), "deploy.ping_podcast_index")
    index_url = reader.url(entry.get("podcast_index_url"), "deploy.podcast_index_url")
    target_node = reader.require(entry, "target", "deploy", "target: s3://my-bucket/podcast/")
    text = reader.text(target_node, "deploy.target")
    target = _target(reader, target_node, text, base, endpoint, region)
    return DeploySettings(target, ping is not False, index_url)


def _endpoint(reader: FieldReader, node: Node | None) -> str | None:
    endpoint = reader.url(node, "deploy.endpoint")
    if endpoint is not None and "@" in urlsplit(endpoint).netloc:
        reader.error(
            node,
            "E411",
            "'deploy.endpoint' carries a login: credentials do not belong in podcast.yaml",
            CREDENTIALS_HINT,
        )
        return None
    return endpoint


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
        reader.error(node, "E410", target, TARGET_FORMS)
        return None
    if target.kind != "s3" and (endpoint or region):
        reader.warn(
            node,
            "W410",
            f"'endpoint' and 'region' are for S3 targets; this target is {target.kind}",
            "remove them, or use an s3://bucket/prefix target",
        )
    return target


TARGET_FORMS = (
    "write s3://bucket/prefix/ (?endpoint=https://... for an S3-compatible service), "
    "rsync:user@host:/var/www/podcast/ or host:/path (any rsync destination), "
    "or a folder (folder:/srv/www/podcast, or a path)"
)


def parse_target(
    text: str, base: Path, endpoint: str | None = None, region: str | None = None
) -> DeployTarget | str:
    """A deploy target from its written form, or what is wrong with it. A path is read
    relative to `base`; an rsync destination is passed to rsync as it is written. An
    S3 target may carry `?endpoint=URL&region=NAME` (the command line's `--to`)."""
    text = text.strip()
    if not text or "\x00" in text:
        return "the deploy target is empty"
    if text.startswith("s3://"):
        return _s3_target(text[len("s3://") :], endpoint, region)
    if text.startswith("rsync:") and not text.startswith("rsync://"):
        destination = text[len("rsync:") :]
        if not destination:
            return "'rsync:' names no destination"
        if not _is_remote(destination):
            destination = str((base / os.path.expanduser(destination)).resolve())
        return DeployTarget(
            "rsync", destination if destination.endswith("/") else destination + "/"
        )
    if text.startswith("rsync://"):
        return DeployTarget("rsync", text if text.endswith("/") else text + "/")
    if text.startswith("folder:"):
        text = text[len("folder:") :]
        if not text:
            return "'folder:' names no folder"
    elif text.startswith("file://"):
        text = unquote(text[len("file://") :])
        if not text.startswith("/"):
            return f"'{text}' is not an absolute file:// URL"
    elif "://" in text:
        return f"unknown kind of deploy target '{text}'"
    elif _is_remote(text):
        return DeployTarget("rsync", text if text.endswith("/") else text + "/")
    return DeployTarget("folder", str((base / os.path.expanduser(text)).resolve()))


def _s3_target(rest: str, endpoint: str | None, region: str | None) -> DeployTarget | str:
    rest, _, query = rest.partition("?")
    bucket, _, prefix = rest.partition("/")
    if not re.fullmatch(r"[a-z0-9][a-z0-9.\-]{1,61}[a-z0-9]", bucket):
        return f"'{bucket}' is not an S3 bucket name (3-63 of a-z, 0-9, '.', '-')"
    prefix = prefix.strip("/")
    if ".." in prefix.split("/") or "//" in prefix:
        return f"the key prefix '{prefix}' has an empty or '..' part"
    for name, values in parse_qs(query, keep_blank_values=True).items():
        value = values[-1]
        if name == "endpoint":
            if not is_http_url(value):
                return f"the endpoint '{value}' is not an http(s) URL"
            if "@" in urlsplit(value).netloc:
                return "the endpoint carries a login: credentials come from the environment"
            endpoint = value
        elif name == "region" and value:
            region = value
        else:
            return f"unknown S3 target option '{name}' (known: endpoint, region)"
    return DeployTarget("s3", bucket, prefix + "/" if prefix else "", endpoint, region)


def _is_remote(destination: str) -> bool:
    """scp-like `host:path` or `host::module` (rsync's own forms), not a local path."""
    head = destination.split("/", 1)[0]
    return ":" in head and not head.startswith(".")
