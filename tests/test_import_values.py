"""Reading feed values as podcast apps do: dates, durations, flags, categories, types."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
import yaml

from gaepod.importer.values import (
    enclosure_type,
    format_clock,
    map_category,
    normalize_language,
    parse_date,
    parse_duration,
    parse_explicit,
    parse_flag,
    parse_length,
)
from gaepod.importer.yaml_text import dump
from gaepod.show.load import Scalar, parse_document


def zone(hours: float) -> timezone:
    return timezone(timedelta(hours=hours))


@pytest.mark.parametrize(
    ("written", "moment", "problem"),
    [
        ("Tue, 03 May 2016 07:00:00 -0400", datetime(2016, 5, 3, 7, tzinfo=zone(-4)), None),
        ("Fri, 18 Mar 2022 09:46:00 GMT", datetime(2022, 3, 18, 9, 46, tzinfo=zone(0)), None),
        ("Mon, 24 Nov 2014 13:00:00 -0000", datetime(2014, 11, 24, 13, tzinfo=zone(0)), None),
        ("24 Nov 14 13:00 EST", datetime(2014, 11, 24, 13, tzinfo=zone(-5)), None),
        (
            "Sun,  3 March 2019 8:05:09 +05:30",
            datetime(2019, 3, 3, 8, 5, 9, tzinfo=zone(5.5)),
            None,
        ),
        ("Thu, 28 Sep 2023 16:20:00 CEST", datetime(2023, 9, 28, 16, 20, tzinfo=zone(2)), None),
        ("2021-10-28T00:44:34Z", datetime(2021, 10, 28, 0, 44, 34, tzinfo=zone(0)), None),
        ("2021-10-28 00:44:34+02:00", datetime(2021, 10, 28, 0, 44, 34, tzinfo=zone(2)), None),
        ("Mon, 24 Nov 2014 13:00:00", datetime(2014, 11, 24, 13, tzinfo=zone(0)), "no time zone"),
        ("Mon, 24 Nov 2014 13:00:00 XYZ", datetime(2014, 11, 24, 13, tzinfo=zone(0)), "unknown"),
    ],
)
def test_dates_keep_their_instant_and_written_offset(
    written: str, moment: datetime, problem: str | None
) -> None:
    parsed, found = parse_date(written)
    assert parsed == moment
    assert parsed is not None and parsed.utcoffset() == moment.utcoffset()
    if problem is None:
        assert found is None
    else:
        assert found is not None and problem in found


@pytest.mark.parametrize(
    "written", ["", "yesterday", "Wed, 31 Feb 2016 10:00:00 +0000", "Mon, 24 Foo 2014 13:00"]
)
def test_unreadable_dates_are_none(written: str) -> None:
    assert parse_date(written) == (None, None)


@pytest.mark.parametrize(
    ("written", "ms"),
    [
        ("1339", 1_339_000),
        ("07:00", 420_000),
        ("01:35:02", 5_702_000),
        ("75:30", 4_530_000),
        ("4385.5", 4_385_500),
        ("0:00:01.250", 1_250),
        ("", None),
        ("1:2:3:4", None),
        ("1h30m", None),
        ("1.5:00", None),
    ],
)
def test_durations_in_every_form_apps_accept(written: str, ms: int | None) -> None:
    assert parse_duration(written) == ms


def test_clock_format_is_what_episode_files_accept() -> None:
    assert format_clock(5_702_000) == "01:35:02"
    assert format_clock(1_250) == "00:00:01.250"
    assert format_clock(0, always_millis=True) == "00:00:00.000"
    assert format_clock(360_000_000) == "100:00:00"


def test_flags_and_lengths() -> None:
    assert [parse_explicit(v) for v in ("yes", "Explicit", "TRUE", "no", "Clean", "x")] == [
        True,
        True,
        True,
        False,
        False,
        None,
    ]
    assert [parse_flag(v) for v in ("Yes", "no", "", "maybe")] == [True, False, False, None]
    assert [parse_length(v) for v in ("123", " 45 ", "0", "-1", "1.5", "", None, "١٢")] == [
        123,
        45,
        None,
        None,
        None,
        None,
        None,
        None,
    ]


@pytest.mark.parametrize(
    ("written", "code", "exact"),
    [
        ("en-US", "en-us", True),
        ("de_DE", "de-de", True),
        ("es", "es", True),
        ("English", "en", False),
        ("en-United", "en", False),
        ("klingon", None, False),
    ],
)
def test_languages(written: str, code: str | None, exact: bool) -> None:
    assert normalize_language(written) == (code, exact)


@pytest.mark.parametrize(
    ("name", "sub", "mapped", "noted"),
    [
        ("Technology", None, ("Technology", None), False),
        ("technology", None, ("Technology", None), False),
        ("Arts", "Books", ("Arts", "Books"), False),
        ("Technology", "Podcasting", ("Technology", None), True),
        ("Games & Hobbies", "Video Games", ("Leisure", "Video Games"), True),
        ("Science & Medicine", "Medicine", ("Health & Fitness", "Medicine"), True),
        ("Technology", "Tech News", ("News", "Tech News"), True),
        ("Shopping", None, None, True),
    ],
)
def test_categories_map_to_apples_current_list(
    name: str, sub: str | None, mapped: tuple[str, str | None] | None, noted: bool
) -> None:
    result, note = map_category(name, sub)
    assert result == mapped
    assert bool(note) == noted


@pytest.mark.parametrize(
    ("url", "declared", "written", "alias"),
    [
        ("https://h/a.mp3", "audio/mpeg", None, None),
        ("https://h/a.mp3?x=1", "audio/mp3", None, "audio/mp3"),
        ("https://h/a.MP3", None, None, None),
        ("https://h/a.m4a", "audio/x-m4a", None, None),
        ("https://h/a.m4a", "audio/mp4", "audio/mp4", None),
        ("https://h/a.mp4", "video/mp4", "video/mp4", None),
        ("https://h/stream", "audio/aac", "audio/aac", None),
        ("https://h/stream", None, "audio/mpeg", None),
    ],
)
def test_enclosure_type_is_written_only_when_the_url_does_not_tell(
    url: str, declared: str | None, written: str | None, alias: str | None
) -> None:
    field, _mime, alias_of = enclosure_type(url, declared)
    assert (field, alias_of) == (written, alias)


def test_yaml_quotes_every_string_and_reads_back_exactly() -> None:
    fields = {
        "title": "no",
        "number": 10,
        "explicit": True,
        "date": "2016-05-03T07:00:00-04:00",
        "summary": 'He said "hi": \\ ok 🎙️ it\'s',
        "emoji": "🎙️ only",
        "description": "  leading\n# not a comment\n- not a list\nlast",
        "guests": [{"name": "Zoë", "url": "https://z.example"}, "Plain Name"],
    }
    text = dump(fields, "a comment\non two lines")
    assert text.startswith("# a comment\n# on two lines\ntitle: ")
    document = parse_document(Path("x.yaml"), text.encode())
    assert document.diagnostics == []
    assert yaml.load(text, Loader=yaml.BaseLoader) == {
        **{k: v for k, v in fields.items() if k not in ("number", "explicit")},
        "number": "10",
        "explicit": "true",
    }
    root = document.root
    assert root is not None
    title = root.entries["title"][1]  # type: ignore[attr-defined]
    assert isinstance(title, Scalar) and not title.is_plain
