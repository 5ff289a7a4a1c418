"""WantedTags -> the raw bytes of the ID3v2 frames gaepod writes, without mutagen.

Checking that a file already carries its tags means comparing its frames with
the wanted ones byte for byte, which needs the wanted frames rendered. Through
mutagen's frame objects (validated attributes, v2.3 conversion, save into a
buffer) that was two thirds of a cold build's tag step; the frames gaepod
writes are few and plain, so they are encoded here directly.

An accelerator only: it renders what mutagen renders for the same WantedTags
(tests hold the two byte-identical, ID3v2.3 and v2.4), and answers None
wherever mutagen would refuse or could differ, so the caller asks mutagen.
A file is never taken as tagged on this module's word unless its frames hold
exactly these bytes.
"""

from __future__ import annotations

import re
from urllib.parse import quote

from .wanted import WantedTags

TOC_ID = "toc"  # the element id of the chapters' table of contents
_DAY = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")
_NOT_GIVEN = b"\xff\xff\xff\xff"  # CHAP byte offsets: players use the times
_TOC_FLAGS = 0x03  # top level, ordered
_LARGEST_V24_SIZE = (1 << 28) - 1  # four bytes of seven bits
_LARGEST_U32 = (1 << 32) - 1


class _Unsure(Exception):
    """A value mutagen could encode differently, or refuse: leave it to mutagen."""


def frames(wanted: WantedTags, version: int) -> list[bytes] | None:
    """Every frame tag_id3.slots would write except the cover, each with its header,
    as mutagen saves them into an ID3v2.`version` tag; None when not sure."""
    try:
        return _Encoder(version).all_frames(wanted)
    except (_Unsure, UnicodeEncodeError):
        return None


def ascii_url(url: str) -> str:
    """ID3 stores URLs as Latin-1: anything else (IRIs) is percent-encoded."""
    return quote(url, safe=":/?#[]@!$&'()*+,;=%~")


class _Encoder:
    def __init__(self, version: int) -> None:
        if version not in (3, 4):
            raise _Unsure
        self.version = version

    def all_frames(self, wanted: WantedTags) -> list[bytes]:
        found = [
            self.text(b"TIT2", wanted.title),
            self.text(b"TPE1", wanted.artist),
            self.text(b"TALB", wanted.album),
            self.text(b"TPE2", wanted.album_artist),
            *self.date(wanted.day),
            self.text(b"TCON", wanted.genre),
            self.text(b"TGID", wanted.guid),
            self.frame(b"WOAS", ascii_url(wanted.page_url).encode("latin-1") + b"\x00"),
            self.text(b"WFED", ascii_url(wanted.feed_url)),
            self.frame(b"PCST", b"\x00\x00\x00\x00"),
        ]
        if wanted.number is not None:
            found.append(self.text(b"TRCK", str(wanted.number)))
        if wanted.season is not None:
            found.append(self.text(b"TPOS", str(wanted.season)))
        if wanted.long_description:
            found.append(self.text(b"TDES", wanted.long_description))
        if wanted.language != "XXX":
            found.append(self.text(b"TLAN", wanted.language))
        if wanted.description:
            found.append(self.comment(wanted.description, wanted.language))
        if wanted.chapters:
            found.extend(self.chapters(wanted))
        return [frame for frame in found if frame]

    def frame(self, frame_id: bytes, body: bytes) -> bytes:
        size = len(body)
        if self.version == 4:
            if size > _LARGEST_V24_SIZE:
                raise _Unsure
            raw_size = bytes((size >> shift) & 0x7F for shift in (21, 14, 7, 0))
        else:
            if size > _LARGEST_U32:
                raise _Unsure
            raw_size = size.to_bytes(4, "big")
        return frame_id + raw_size + b"\x00\x00" + body

    def text(self, frame_id: bytes, value: str) -> bytes:
        """A text frame; b"" for empty text, which mutagen leaves out."""
        if not value:
            return b""
        return self.frame(frame_id, self.encoded(value, latin1_fits(value)))

    def encoded(self, value: str, latin1: bool) -> bytes:
        """Encoding byte + terminated text, as gaepod chooses the encoding (Latin-1 when
        it fits, else UTF-8, which mutagen turns into UTF-16 for v2.3)."""
        return bytes((self.encoding(latin1),)) + self.terminated(value, latin1)

    def encoding(self, latin1: bool) -> int:
        if latin1:
            return 0
        return 3 if self.version == 4 else 1

    def terminated(self, value: str, latin1: bool) -> bytes:
        if latin1:
            return value.encode("latin-1") + b"\x00"
        if self.version == 4:
            return value.encode("utf-8") + b"\x00"
        return b"\xff\xfe" + value.encode("utf-16-le") + b"\x00\x00"

    def date(self, day: str) -> list[bytes]:
        """TDRC in v2.4; v2.3 has no TDRC: year (TYER) and day-month (TDAT) instead."""
        match = _DAY.fullmatch(day)
        if match is None or match.group(1) < "1000":
            raise _Unsure
        year, month, mday = match.groups()
        if month == "00" or mday == "00":
            raise _Unsure
        if self.version == 4:
            return [self.text(b"TDRC", day)]
        return [self.text(b"TYER", year), self.text(b"TDAT", mday + month)]

    def comment(self, text: str, language: str) -> bytes:
        """COMM with an empty description: both strings in the text's encoding."""
        lang = language.encode("ascii")
        if len(lang) != 3:
            raise _Unsure
        latin1 = latin1_fits(text)
        body = bytes((self.encoding(latin1),)) + lang + self.terminated("", latin1)
        return self.frame(b"COMM", body + self.terminated(text, latin1))

    def chapters(self, wanted: WantedTags) -> list[bytes]:
        found = []
        for chapter in wanted.chapters:
            times = (chapter.start_ms, chapter.end_ms)
            if any(not 0 <= value <= _LARGEST_U32 for value in times):
                raise _Unsure
            sub_frames = self.text(b"TIT2", chapter.title)
            if chapter.url:  # WXXX: encoding, empty description, Latin-1 URL
                body = b"\x00\x00" + ascii_url(chapter.url).encode("latin-1") + b"\x00"
                sub_frames += self.frame(b"WXXX", body)
            body = (
                _latin1_id(chapter.element_id)
                + chapter.start_ms.to_bytes(4, "big")
                + chapter.end_ms.to_bytes(4, "big")
                + _NOT_GIVEN
                + _NOT_GIVEN
                + sub_frames
            )
            found.append(self.frame(b"CHAP", body))
        if len(wanted.chapters) > 255:  # one byte counts the table's entries
            raise _Unsure
        children = b"".join(_latin1_id(c.element_id) for c in wanted.chapters)
        toc = _latin1_id(TOC_ID) + bytes((_TOC_FLAGS, len(wanted.chapters))) + children
        found.append(self.frame(b"CTOC", toc))
        return found


def latin1_fits(text: str) -> bool:
    """Whether Latin-1 can hold the text (then gaepod writes it so: read by every player)."""
    try:
        text.encode("latin-1")
    except UnicodeEncodeError:
        return False
    return True


def _latin1_id(element_id: str) -> bytes:
    return element_id.encode("latin-1") + b"\x00"
