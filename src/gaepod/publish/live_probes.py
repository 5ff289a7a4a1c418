"""`gaepod check --remote`, one address at a time: what an enclosure, a page, a piece
of artwork or an episode's old address answers (publish/live.py runs them).

Each probe returns its findings as (line, code, message, hint, is_error); it never
raises and never downloads more than an answer's headers and two bytes of audio.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..show.redirects import same_address
from ..show.remote import Answer, RemoteError, content_length, request

_AUDIO_KINDS = ("audio/", "video/")
Finding = tuple[int, str, str, str, bool]  # line, code, message, hint, is_error


@dataclass(frozen=True)
class Item:
    """What an item of the live feed points to, and where it is in the feed."""

    line: int
    label: str  # "'Title' (guid)"
    enclosure: str = ""
    length: str = ""
    mime: str = ""
    link: str = ""
    image: str = ""


@dataclass(frozen=True)
class Probe:
    kind: str  # "enclosure" | "page" | "image" | "old address"
    url: str
    item: Item
    target: str = ""  # an old address: the episode page it must lead to


def probe_address(probe: Probe, timeout: float, prefix: str | None) -> list[Finding]:
    """Ask one address; (line, code, message, hint, is_error) for each finding."""
    found: list[Finding] = []
    item = probe.item

    def add(code: str, message: str, hint: str = "", error: bool = True) -> None:
        found.append((item.line, code, f"{item.label}: {message}", hint, error))

    if probe.kind == "old address":
        return _old_address(probe, timeout)
    what = {"enclosure": "the enclosure", "page": "the page", "image": "the artwork"}[probe.kind]
    try:
        head, _ = request(probe.url, "HEAD", timeout=timeout)
        if probe.kind != "enclosure" and head.status in (403, 405, 501):  # HEAD refused
            head, _ = request(probe.url, headers={"Range": "bytes=0-0"}, timeout=timeout, read=1)
    except RemoteError as exc:
        add("E610", f"{what} {probe.url}: {exc}", "check that the server is up")
        return found
    redirected = head.redirects and not (prefix and probe.url.startswith(prefix))
    if redirected:
        add(
            "W611",
            f"{what} redirects: {chain(probe.url, head.redirects)}",
            "apps follow redirects; link the final address to save them a request",
            error=False,
        )
    if head.status not in (200, 206):
        add(
            "E612",
            f"{what} {probe.url} answers {head.status}{_refused(head, probe.kind)}",
            "upload it (gaepod deploy), or fix its address in the show",
        )
        return found
    if probe.kind == "enclosure":
        found.extend(
            (item.line, code, f"{item.label}: {message}", hint, True)
            for code, message, hint in _enclosure_problems(probe, head, timeout)
        )
    return found


def _refused(answer: Answer, kind: str) -> str:
    if kind == "enclosure" and answer.status in (405, 501):
        return " to HEAD (Apple asks every enclosure with HEAD)"
    return ""


def _enclosure_problems(probe: Probe, head: Answer, timeout: float) -> list[tuple[str, str, str]]:
    """Length, type and Range support of an enclosure that answered HEAD with 200."""
    item = probe.item
    problems: list[tuple[str, str, str]] = []
    said = int(item.length) if item.length.isdigit() else None
    served = content_length(head)
    if said is not None and served is not None and served != said:
        problems.append(
            (
                "E613",
                f"the enclosure is {served:,} bytes (Content-Length), the feed says {said:,}",
                "build again so the feed has the file's size, and deploy the same file",
            )
        )
    mime = head.header("Content-Type").split(";", 1)[0].strip().lower()
    if item.mime and mime and mime != item.mime.lower():
        audio = mime.startswith(_AUDIO_KINDS)
        problems.append(
            (
                "E614",
                f"the enclosure is served as {mime}, the feed says {item.mime}",
                "serve it with the feed's type (the web server's MIME types: "
                ".mp3 audio/mpeg, .m4a audio/x-m4a)"
                if audio
                else "the server answers with something else than the audio (a login or "
                "error page?)",
            )
        )
    try:
        # Asked where HEAD's redirects ended: an analytics prefix counts every request.
        ranged, response = request(
            head.url or probe.url, headers={"Range": "bytes=0-1"}, timeout=timeout, stream=True
        )
        try:
            first = response.read(3) if ranged.status == 206 else b""
        finally:
            response.close()
    except (RemoteError, OSError) as exc:
        problems.append(("E615", f"a Range request for its first bytes failed: {exc}", ""))
        return problems
    total = ranged.header("Content-Range").rpartition("/")[2].strip()
    if ranged.status != 206 or len(first) != 2:
        problems.append(
            (
                "E615",
                f"the enclosure does not support Range requests: 'Range: bytes=0-1' got "
                f"{ranged.status}" + (f" with {len(first)} bytes" if ranged.status == 206 else ""),
                "Apple requires byte-range support for audio: enable it on the server "
                "(every common web server and CDN has it)",
            )
        )
    elif said is not None and total.isdigit() and int(total) != said and served is None:
        problems.append(
            (
                "E613",
                f"the enclosure is {int(total):,} bytes (Content-Range), the feed says {said:,}",
                "build again so the feed has the file's size, and deploy the same file",
            )
        )
    return problems


def chain(start: str, hops: list[tuple[int, str]]) -> str:
    return " -> ".join([start, *(f"{to} ({status})" for status, to in hops)])


def _old_address(probe: Probe, timeout: float) -> list[Finding]:
    """An old page's address (`redirect_from`) must end, through redirects, at the
    episode's page: W620 while it does not (the old host may not redirect yet)."""
    item = probe.item
    hint = (
        "install the redirect files the build wrote (_redirects, redirects.nginx.conf) "
        "on the server of the old address"
    )
    try:
        answer, _ = request(probe.url, "HEAD", timeout=timeout)
        if answer.status in (403, 405, 501):  # HEAD refused: a small GET
            answer, _ = request(probe.url, headers={"Range": "bytes=0-0"}, timeout=timeout, read=1)
    except RemoteError as exc:
        message = f"{item.label}: the old address {probe.url} does not answer ({exc})"
        return [(item.line, "W620", message, hint, False)]
    if same_address(answer.url, probe.target) and answer.status in (200, 206):
        return []
    ends = (
        f"ends at {answer.url} ({answer.status})"
        if answer.redirects
        else f"answers {answer.status}"
    )
    message = f"{item.label}: the old address {probe.url} {ends}, not at {probe.target}"
    return [(item.line, "W620", message, hint, False)]
