"""Show and episode rules, checked through `check_show` on real show folders."""

from __future__ import annotations

import os
import random
from datetime import datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from conftest import SHOW_YAML, episode_yaml, jpeg_bytes, mp3_bytes
from gaepod.errors import Diagnostic
from gaepod.model import Episode
from gaepod.show.check import CheckResult, check_show

NOISE = random.Random(20240230).randbytes(4096)  # fixed, so no run finds an MPEG frame by luck

# Line numbers in SHOW_YAML (conftest) that the tests below point at.
SHOW_LINE = {
    "title": 1,
    "link": 4,
    "feed_url": 5,
    "media_base_url": 6,
    "language": 7,
    "timezone": 8,
    "owner": 10,
    "image": 11,
    "category": 13,
    "explicit": 14,
}
# episode_yaml(): title 1, date 2, number 3, audio 4, description 5-6, extra fields from 7.
EXTRA = 7


def errors_of(result: CheckResult) -> list[tuple[str, int, str]]:
    return [(d.path.name, d.line, d.code) for d in result.errors]


def only_error(result: CheckResult) -> Diagnostic:
    assert len(result.errors) == 1, [d.format() for d in result.errors]
    return result.errors[0]


def episode(result: CheckResult, file_name: str) -> Episode:
    assert result.podcast is not None, [d.format() for d in result.errors]
    (found,) = [e for e in result.podcast.episodes if e.source.name == file_name]
    return found


def show_with(make_show, old: str, new: str, **kwargs) -> Path:
    assert old in SHOW_YAML
    return make_show(show_yaml=SHOW_YAML.replace(old, new), **kwargs)


def episode_with(make_show, **fields) -> Path:
    return make_show(episodes=1, files={"001-episode.yaml": episode_yaml(1, **fields)})


# -- a valid show ----------------------------------------------------------------------


def test_valid_show_has_no_errors_and_no_warnings(make_show):
    result = check_show(make_show(episodes=3))

    assert result.diagnostics == []
    assert result.is_ok
    assert result.podcast is not None
    assert [e.number for e in result.podcast.episodes] == [1, 2, 3]
    assert result.episode_files == 3


def test_counts_give_every_episode_file_one_status(make_show):
    root = make_show(
        episodes=2,
        files={
            "002-episode.yaml": episode_yaml(2, date="2030-01-01T10:00:00Z"),
            "003-draft.yaml": episode_yaml(3) + "draft: true\n",  # its audio is not there yet
            "004-broken.yaml": "title: [unclosed\n",
        },
    )

    result = check_show(root)

    assert [p.name for p in result.unfinished_drafts] == ["003-draft.yaml"]
    counts = result.counts(datetime(2026, 1, 1, tzinfo=timezone.utc))
    assert (counts.files, counts.published, counts.scheduled, counts.drafts, counts.invalid) == (
        4,
        1,
        1,
        1,
        1,
    )


def test_warning_does_not_make_check_fail(make_show):
    root = episode_with(make_show, title='"Episode 12: The Thing"')

    result = check_show(root)

    assert result.is_ok
    assert result.errors == []
    assert [(d.path.name, d.line, d.code) for d in result.warnings] == [
        ("001-episode.yaml", 1, "W141")
    ]
    assert episode(result, "001-episode.yaml").title == "Episode 12: The Thing"


@pytest.mark.parametrize(
    ("title", "number", "warned"),
    [
        ('"Episode 12: The Thing"', 1, True),
        ('"Ep. 3 - Guest Name"', 1, True),
        ('"#45 | Topic"', 1, True),
        ('"12. Guest: Topic"', 1, True),
        ('"2024: The Year in Review"', 2024, True),  # the episode's own number
        ('"0.00000012: Cory Klippsten, Swan Bitcoin"', 1, True),  # numbered in bitcoin
        ('"0.00000014: 8₿it, BTC.email"', 1, True),
        ('"13.01.2022 – Nachrichten aus Berlin"', 1, False),  # a date, as the DW feed has
        ('"3.5 Million Reasons"', 1, False),
        ('"10:30 Live from the Studio"', 1, False),
        ('"1999: The Year Everything Changed"', 1, False),
        ('"3 Ways to Sleep Better"', 1, False),
        ('"Guest Name: Topic, Topic, & Topic?"', 1, False),
    ],
)
def test_titles_starting_with_an_episode_number_are_warned_about(
    make_show, title: str, number: int, warned: bool
) -> None:
    files = {"001-episode.yaml": episode_yaml(number, title=title, audio="audio/001.mp3")}
    result = check_show(make_show(episodes=1, files=files))

    assert [d.code for d in result.warnings] == (["W141"] if warned else [])


def test_missing_show_folder_is_one_error(tmp_path):
    result = check_show(tmp_path / "nowhere")

    assert [(d.code, d.path) for d in result.errors] == [("E001", tmp_path / "nowhere")]


def test_missing_podcast_yaml_is_an_error(make_show):
    root = make_show(episodes=1)
    (root / "podcast.yaml").unlink()

    result = check_show(root)

    assert ("podcast.yaml", 0, "E100") in errors_of(result)


def test_empty_podcast_yaml_is_reported(make_show):
    result = check_show(make_show(episodes=1, show_yaml=""))

    assert not result.is_ok
    assert [d.path.name for d in result.errors] == ["podcast.yaml"]


def test_episode_file_that_is_a_list_is_an_error(make_show):
    root = make_show(episodes=1, files={"001-episode.yaml": "- title: A\n- title: B\n"})

    error = only_error(check_show(root))

    assert (error.path.name, error.line, error.code) == ("001-episode.yaml", 1, "E103")


# -- unknown and missing fields ----------------------------------------------------------


def test_unknown_episode_key_suggests_the_close_field(make_show):
    text = episode_yaml(1) + "sumary: Short\n"
    root = make_show(episodes=1, files={"001-episode.yaml": text})

    error = only_error(check_show(root))

    assert (error.path.name, error.line, error.column, error.code) == (
        "001-episode.yaml",
        EXTRA,
        1,
        "E101",
    )
    assert error.message == "unknown episode field 'sumary'"
    assert error.hint == "did you mean 'summary'?"


def test_misspelt_title_key_hints_title(make_show):
    text = episode_yaml(1).replace("title:", "tittle:")
    root = make_show(episodes=1, files={"001-episode.yaml": text})

    result = check_show(root)

    unknown = [d for d in result.errors if d.code == "E101"]
    assert [(d.line, d.message, d.hint) for d in unknown] == [
        (1, "unknown episode field 'tittle'", "did you mean 'title'?")
    ]
    assert any(d.code == "E102" and "'title'" in d.message for d in result.errors)


def test_unknown_show_key_suggests_the_close_field(make_show):
    root = show_with(make_show, "title:", "tittle:", episodes=1)

    result = check_show(root)

    (unknown,) = [d for d in result.errors if d.code == "E101"]
    assert (unknown.path.name, unknown.line) == ("podcast.yaml", 1)
    assert unknown.hint == "did you mean 'title'?"


def test_unknown_key_far_from_any_field_lists_the_known_fields(make_show):
    root = make_show(episodes=1, files={"001-episode.yaml": episode_yaml(1) + "zzzz: 1\n"})

    error = only_error(check_show(root))

    assert error.code == "E101"
    assert "known episode fields:" in error.hint
    assert "chapters" in error.hint


def test_missing_required_episode_fields_are_all_reported(make_show):
    root = make_show(episodes=1, files={"001-episode.yaml": "description: only notes\n"})

    result = check_show(root)

    assert [(d.code, d.message) for d in result.errors] == [
        ("E102", "missing required episode field 'title'"),
        ("E102", "missing required episode field 'date'"),
        ("E102", "missing required episode field 'audio'"),
    ]
    assert {d.path.name for d in result.errors} == {"001-episode.yaml"}


def test_empty_required_value_counts_as_missing(make_show):
    root = episode_with(make_show, title="~")

    error = only_error(check_show(root))

    assert (error.line, error.code) == (1, "E102")
    assert "'title'" in error.message


def test_missing_required_show_fields_are_all_reported(make_show):
    root = make_show(episodes=1, show_yaml="title: Only a title\n")

    result = check_show(root)

    missing = sorted(d.message.split("'")[1] for d in result.errors if d.code == "E102")
    assert missing == sorted(
        [
            "author",
            "categories",
            "description",
            "explicit",
            "feed_url",
            "image",
            "language",
            "link",
            "media_base_url",
        ]
    )
    assert {d.path.name for d in result.errors} == {"podcast.yaml"}
    assert result.podcast is None


# -- wrong types ---------------------------------------------------------------------------


def test_list_where_text_is_expected_is_an_error(make_show):
    root = episode_with(make_show, title="[a, b]")

    error = only_error(check_show(root))

    assert (error.line, error.column, error.code) == (1, 8, "E104")
    assert error.message == "'title' must be text, found a list"


def test_mapping_where_text_is_expected_is_an_error(make_show):
    root = episode_with(make_show, episode_type="{kind: full}")

    error = only_error(check_show(root))

    assert (error.line, error.code) == (EXTRA, "E104")
    assert "found a mapping" in error.message


def test_text_where_a_number_is_expected_is_an_error(make_show):
    root = episode_with(make_show, season="twelve")

    error = only_error(check_show(root))

    assert (error.line, error.code) == (EXTRA, "E106")
    assert error.message == "'season' must be a whole number, not 'twelve'"


@pytest.mark.parametrize("written", ["1.5", "0x10", "1e3", "0o12", "1_000"])
def test_numbers_must_be_plain_decimal_digits(make_show, written):
    text = episode_yaml(1).replace("number: 1\n", f"number: {written}\n")
    root = make_show(episodes=1, files={"001-episode.yaml": text})

    assert errors_of(check_show(root)) == [("001-episode.yaml", 3, "E106")]


def test_list_where_a_number_is_expected_is_an_error(make_show):
    text = episode_yaml(1).replace("number: 1\n", "number: [1]\n")
    root = make_show(episodes=1, files={"001-episode.yaml": text})

    error = only_error(check_show(root))

    assert (error.line, error.code) == (3, "E104")
    assert "whole number" in error.message


def test_text_where_a_list_is_expected_is_an_error(make_show):
    root = episode_with(make_show, tags="politics")

    error = only_error(check_show(root))

    assert (error.line, error.code) == (EXTRA, "E103")
    assert error.message == "'tags' must be a list, found text"


def test_zero_episode_number_is_refused(make_show):
    text = episode_yaml(1).replace("number: 1\n", "number: 0\n")
    root = make_show(episodes=1, files={"001-episode.yaml": text})

    error = only_error(check_show(root))

    assert (error.line, error.code) == (3, "E107")


# -- booleans ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "hint"),
    [
        ("yes", "write `explicit: true`"),
        ("no", "write `explicit: false`"),
        ("clean", "write `explicit: false`"),
        ("explicit", "write `explicit: true`"),
        ('"true"', "write `explicit: true` (without quotes)"),
        ("'false'", "write `explicit: false` (without quotes)"),
        ("1", "write `explicit: true` or `explicit: false`"),
    ],
)
def test_explicit_accepts_only_true_or_false(make_show, written, hint):
    root = episode_with(make_show, explicit=written)

    error = only_error(check_show(root))

    assert (error.path.name, error.line, error.column, error.code) == (
        "001-episode.yaml",
        EXTRA,
        11,
        "E108",
    )
    assert error.hint == hint


@pytest.mark.parametrize(("written", "expected"), [("true", True), ("false", False)])
def test_explicit_true_and_false_are_read(make_show, written, expected):
    result = check_show(episode_with(make_show, explicit=written))

    assert episode(result, "001-episode.yaml").is_explicit is expected


def test_show_explicit_yes_is_an_error_with_hint(make_show):
    root = show_with(make_show, "explicit: false", "explicit: yes", episodes=1)

    error = only_error(check_show(root))

    assert (error.path.name, error.line, error.code) == (
        "podcast.yaml",
        SHOW_LINE["explicit"],
        "E108",
    )
    assert error.hint == "write `explicit: true`"


# -- dates and time zones ----------------------------------------------------------------


def test_zone_less_date_without_show_timezone_is_an_error(make_show):
    root = make_show(
        episodes=1,
        show_yaml=SHOW_YAML.replace("timezone: Europe/Madrid\n", ""),
        files={"001-episode.yaml": episode_yaml(1, date="2024-07-15T10:00:00")},
    )

    error = only_error(check_show(root))

    assert (error.path.name, error.line, error.column, error.code) == (
        "001-episode.yaml",
        2,
        7,
        "E114",
    )
    assert "timezone:" in error.hint


def test_unparsable_podcast_yaml_does_not_blame_zone_less_episode_dates(make_show):
    root = make_show(
        episodes=1,
        show_yaml=SHOW_YAML + "subtitle: Guest: Topic\n",
        files={"001-episode.yaml": episode_yaml(1, date="2024-07-15T10:00:00")},
    )

    result = check_show(root)

    assert errors_of(result) == [("podcast.yaml", 15, "E005")]


def test_zone_less_summer_date_gets_the_show_timezone(make_show):
    root = episode_with(make_show, date="2024-07-15T10:00:00")

    result = check_show(root)

    assert result.errors == []
    date = episode(result, "001-episode.yaml").date
    assert date.utcoffset() == timedelta(hours=2)
    assert date.isoformat() == "2024-07-15T10:00:00+02:00"
    assert date.tzinfo == ZoneInfo("Europe/Madrid")


def test_zone_less_winter_date_gets_the_winter_offset(make_show):
    result = check_show(episode_with(make_show, date="2024-01-15T10:00:00"))

    assert episode(result, "001-episode.yaml").date.isoformat() == "2024-01-15T10:00:00+01:00"


def test_date_without_time_is_midnight_in_the_show_zone_with_a_warning(make_show):
    result = check_show(episode_with(make_show, date="2024-07-15"))

    assert result.is_ok
    assert episode(result, "001-episode.yaml").date.isoformat() == "2024-07-15T00:00:00+02:00"
    assert [(d.line, d.code) for d in result.warnings] == [(2, "W115")]


def test_explicit_offset_wins_over_the_show_timezone(make_show):
    result = check_show(episode_with(make_show, date="2024-07-15T10:00:00-05:00"))

    assert episode(result, "001-episode.yaml").date.utcoffset() == timedelta(hours=-5)


@pytest.mark.parametrize(
    "written",
    ["2024-13-01T10:00:00Z", "2024-02-30", "2024-02-03T25:00:00Z", "2024-02-03T10:00:00+25:00"],
)
def test_impossible_dates_are_errors_on_the_date_line(make_show, written):
    error = only_error(check_show(episode_with(make_show, date=written)))

    assert (error.line, error.column, error.code) == (2, 7, "E113")
    assert written in error.message


@pytest.mark.parametrize("written", ["next tuesday", "15/07/2024", "2024-7-15"])
def test_text_that_is_not_a_date_is_an_error(make_show, written):
    error = only_error(check_show(episode_with(make_show, date=f'"{written}"')))

    assert (error.line, error.code) == (2, "E112")


def test_unknown_show_timezone_is_an_error(make_show):
    root = show_with(make_show, "timezone: Europe/Madrid", "timezone: Europe/Madird", episodes=1)

    error = only_error(check_show(root))

    assert (error.path.name, error.line, error.code) == (
        "podcast.yaml",
        SHOW_LINE["timezone"],
        "E132",
    )


# -- audio -------------------------------------------------------------------------------


def test_missing_audio_file_is_an_error_naming_it(make_show):
    error = only_error(check_show(episode_with(make_show, audio="audio/nope.mp3")))

    assert (error.path.name, error.line, error.column, error.code) == (
        "001-episode.yaml",
        4,
        8,
        "E152",
    )
    assert "audio/nope.mp3" in error.message


@pytest.mark.parametrize(
    ("written", "hint"),
    [
        ("audio/01.mp3", "did you mean 'audio/001.mp3'?"),
        ("audios/001.mp3", "did you mean 'audio/001.mp3'?"),  # the show's audio/ folder too
        ("audio/001.m4a", "did you mean 'audio/001.mp3'?"),
        ("audio/interview.mp3", "check the file name; the path is relative to this YAML file"),
        # another number is another episode's file: a new draft's audio is not there yet
        ("audio/002.mp3", "check the file name; the path is relative to this YAML file"),
    ],
)
def test_missing_audio_file_hint_names_the_closest_audio_file(make_show, written, hint):
    error = only_error(check_show(episode_with(make_show, audio=written)))

    assert (error.code, error.message) == ("E152", f"audio file not found: '{written}'")
    assert error.hint == hint


def test_audio_outside_the_show_folder_is_refused(make_show, tmp_path):
    (tmp_path / "x.mp3").write_bytes(mp3_bytes(1.0))  # exists, but outside the show

    error = only_error(check_show(episode_with(make_show, audio="../x.mp3")))

    assert (error.line, error.code) == (4, "E151")
    assert "leads outside the show folder" in error.message
    assert "'../x.mp3'" in error.message


def test_dotdot_that_stays_inside_the_show_is_accepted(make_show):
    result = check_show(episode_with(make_show, audio="audio/../audio/001.mp3"))

    assert result.errors == []


def test_absolute_audio_path_is_refused(make_show, tmp_path):
    absolute = tmp_path / "show" / "audio" / "001.mp3"

    error = only_error(check_show(episode_with(make_show, audio=str(absolute))))

    assert (error.line, error.code) == (4, "E151")
    assert "not absolute" in error.message


def test_symlink_leading_outside_the_show_is_refused(make_show, tmp_path):
    outside = tmp_path / "private.mp3"
    outside.write_bytes(mp3_bytes(1.0))
    root = episode_with(make_show, audio="audio/link.mp3")
    os.symlink(outside, root / "audio" / "link.mp3")

    error = only_error(check_show(root))

    assert (error.line, error.code) == (4, "E151")
    assert "'audio/link.mp3'" in error.message


def test_folder_symlink_leading_outside_the_show_is_refused(make_show, tmp_path):
    """The audio file is a plain file, but the folder it is in leads outside."""
    outside = tmp_path / "private"
    outside.mkdir()
    (outside / "a.mp3").write_bytes(mp3_bytes(1.0))
    root = episode_with(make_show, audio="elsewhere/a.mp3")
    os.symlink(outside, root / "elsewhere")

    error = only_error(check_show(root))

    assert (error.line, error.code) == (4, "E151")


def test_symlinks_that_stay_inside_the_show_are_followed(make_show):
    root = episode_with(make_show, audio="linked/take.mp3")
    os.symlink(root / "audio", root / "linked")  # a folder link inside the show
    os.symlink(root / "audio" / "001.mp3", root / "audio" / "take.mp3")  # and a file link

    result = check_show(root)

    assert result.errors == []
    assert result.podcast is not None
    assert result.podcast.episodes[0].audio.path == (root / "audio" / "001.mp3").resolve()


def test_show_folder_with_a_prefix_sibling_does_not_leak(make_show, tmp_path):
    # "/tmp/x/show" is a string prefix of "/tmp/x/show-private"
    sibling = tmp_path / "show-private"
    sibling.mkdir()
    (sibling / "a.mp3").write_bytes(mp3_bytes(1.0))

    error = only_error(check_show(episode_with(make_show, audio="../show-private/a.mp3")))

    assert error.code == "E151"


def test_audio_url_is_refused(make_show):
    error = only_error(check_show(episode_with(make_show, audio="https://cdn.example.org/a.mp3")))

    assert (error.line, error.code) == (4, "E150")


@pytest.mark.parametrize(
    ("name", "content", "fragment"),
    [
        ("a.wav", b"RIFF\x24\x00\x00\x00WAVEfmt ", "unsupported audio type '.wav'"),
        ("a.ogg", b"OggS" + bytes(200), "unsupported audio type '.ogg'"),
        ("a", b"\xff\xfb" + bytes(200), "unsupported audio type '(none)'"),
        ("empty.mp3", b"", "the audio file is empty (0 bytes)"),
        ("random.mp3", NOISE, "cannot read the audio"),
        ("zeros.mp3", bytes(8192), "cannot read the audio"),
        ("random.m4a", NOISE, "cannot read the audio"),
    ],
    ids=["wav", "ogg", "no-suffix", "empty", "random-mp3", "zeros-mp3", "random-m4a"],
)
def test_unusable_audio_file_is_an_error_naming_the_file(make_show, name, content, fragment):
    root = make_show(
        episodes=1,
        files={
            "001-episode.yaml": episode_yaml(1, audio=f"audio/{name}"),
            f"audio/{name}": content,
        },
    )

    error = only_error(check_show(root))

    assert (error.path.name, error.line, error.code) == ("001-episode.yaml", 4, "E153")
    assert error.message.startswith(f"'audio/{name}': ")
    assert fragment in error.message
    assert "Traceback" not in error.message


def test_audio_facts_come_from_the_mp3_headers(make_show):
    result = check_show(make_show(episodes=1))

    audio = episode(result, "001-episode.yaml").audio
    assert audio.format == "mp3"
    assert audio.mime == "audio/mpeg"
    assert 1200 <= audio.duration_ms <= 1350  # 1.25 s of audio
    assert audio.size == len(mp3_bytes(1.25))


# -- cross-file rules ---------------------------------------------------------------------


def test_duplicate_guid_points_to_the_guid_line_of_the_second_file(make_show):
    root = make_show(
        episodes=2,
        files={
            "001-episode.yaml": episode_yaml(1, guid="shared-guid"),
            "002-episode.yaml": episode_yaml(2, guid="shared-guid"),
        },
    )

    error = only_error(check_show(root))

    assert (error.path.name, error.line, error.column, error.code) == (
        "002-episode.yaml",
        EXTRA,
        7,
        "E170",
    )
    assert error.message == "guid 'shared-guid' is also used by 001-episode.yaml"


def test_guid_defaults_to_the_file_stem_and_does_not_clash(make_show):
    result = check_show(make_show(episodes=2))

    assert [e.guid for e in result.podcast.episodes] == ["001-episode", "002-episode"]


def test_duplicate_season_and_number_is_an_error(make_show):
    second = episode_yaml(2, season=1).replace("number: 2\n", "number: 1\n")
    root = make_show(
        episodes=2,
        files={"001-episode.yaml": episode_yaml(1, season=1), "002-episode.yaml": second},
    )

    error = only_error(check_show(root))

    assert (error.path.name, error.line, error.code) == ("002-episode.yaml", 3, "E170")
    assert error.message == "season 1 episode 1 is also 001-episode.yaml"


def test_same_number_in_different_seasons_is_fine(make_show):
    second = episode_yaml(2, season=2).replace("number: 2\n", "number: 1\n")
    root = make_show(
        episodes=2,
        files={"001-episode.yaml": episode_yaml(1, season=1), "002-episode.yaml": second},
    )

    assert check_show(root).errors == []


def test_two_episodes_sharing_one_audio_file_is_an_error(make_show):
    root = make_show(episodes=2, files={"002-episode.yaml": episode_yaml(2, audio="audio/001.mp3")})

    error = only_error(check_show(root))

    assert (error.path.name, error.line, error.code) == ("002-episode.yaml", 4, "E170")
    assert "audio file is also used by 001-episode.yaml" in error.message


# -- chapters -----------------------------------------------------------------------------


def chapters(*starts: str) -> str:
    return "".join(f'\n  - start: "{s}"\n    title: Part {i}' for i, s in enumerate(starts))


def test_chapter_out_of_order_is_an_error_at_its_start(make_show):
    root = episode_with(
        make_show, chapters=chapters("00:00:00.000", "00:00:01.000", "00:00:00.500")
    )

    error = only_error(check_show(root))

    # chapters: line 7; entries at 8-9, 10-11, 12-13
    assert (error.path.name, error.line, error.column, error.code) == (
        "001-episode.yaml",
        12,
        12,
        "E155",
    )
    assert "00:00:00.500" in error.message
    assert "(00:00:01.000, line 10)" in error.message


def test_two_chapters_at_the_same_time_are_only_a_warning(make_show):
    root = episode_with(make_show, chapters=chapters("00:00:00", "00:00:01", "00:00:01"))

    result = check_show(root)

    assert result.is_ok
    assert [(d.line, d.code) for d in result.warnings] == [(12, "W155")]
    assert "(line 10)" in result.warnings[0].message


def test_chapter_past_the_end_of_the_audio_is_an_error(make_show):
    root = episode_with(make_show, chapters=chapters("00:00:00.000", "00:05:00.000"))

    error = only_error(check_show(root))

    assert (error.line, error.code) == (10, "E156")
    assert "past the end of the audio (00:00:01.2" in error.message


def test_chapters_in_order_inside_the_audio_are_read(make_show):
    result = check_show(episode_with(make_show, chapters=chapters("00:00:00", "0:01.0", "1.1")))

    assert result.diagnostics == []
    assert [c.start_ms for c in episode(result, "001-episode.yaml").chapters] == [0, 1000, 1100]


@pytest.mark.parametrize("written", ["00:61:00", "00:00:75", "soon", "-1"])
def test_impossible_chapter_start_is_an_error(make_show, written):
    root = episode_with(make_show, chapters=chapters("00:00:00", written))

    error = only_error(check_show(root))

    assert (error.line, error.code) == (10, "E116")


# -- URLs and email -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "ftp://show.example.org/",
        "javascript:alert(1)",
        "show.example.org",
        "/relative/page",
        "https://",
        '"https://exa mple.org/"',
    ],
)
def test_show_link_must_be_an_absolute_http_url(make_show, url):
    root = show_with(make_show, "link: https://show.example.org/", f"link: {url}", episodes=1)

    error = only_error(check_show(root))

    assert (error.path.name, error.line, error.column, error.code) == (
        "podcast.yaml",
        SHOW_LINE["link"],
        7,
        "E110",
    )
    assert "must be an absolute http(s) URL" in error.message


def test_guest_url_with_javascript_scheme_is_refused(make_show):
    guests = "\n  - name: Ana\n    url: javascript:alert(1)"

    error = only_error(check_show(episode_with(make_show, guests=guests)))

    assert (error.line, error.column, error.code) == (EXTRA + 2, 10, "E110")
    assert "'guest url'" in error.message


def test_relative_media_base_url_is_refused(make_show):
    root = show_with(
        make_show,
        "media_base_url: https://cdn.example.org/audio/",
        "media_base_url: audio/",
        episodes=1,
    )

    error = only_error(check_show(root))

    assert (error.line, error.code) == (SHOW_LINE["media_base_url"], "E110")


@pytest.mark.parametrize("email", ["ada-at-example.org", "ada@", "@example.org", "ada@localhost"])
def test_bad_owner_email_is_refused(make_show, email):
    root = show_with(make_show, "ada@example.org", f'"{email}"', episodes=1)

    error = only_error(check_show(root))

    assert (error.path.name, error.line, error.code) == (
        "podcast.yaml",
        SHOW_LINE["owner"],
        "E111",
    )
    assert email in error.message


# -- language and categories -----------------------------------------------------------------


def test_unknown_language_name_is_refused_with_a_hint(make_show):
    root = show_with(make_show, "language: en", "language: english", episodes=1)

    error = only_error(check_show(root))

    assert (error.path.name, error.line, error.column, error.code) == (
        "podcast.yaml",
        SHOW_LINE["language"],
        11,
        "E131",
    )
    assert error.message == "unknown language code 'english'"
    assert error.hint == "did you mean 'en'?"


def test_three_letter_language_code_suggests_the_two_letter_one(make_show):
    root = episode_with(make_show, language="fra")

    error = only_error(check_show(root))

    assert (error.line, error.code) == (EXTRA, "E131")
    assert error.hint == "did you mean 'fr'?"


def test_eng_suggests_en_not_ndonga(make_show):
    error = only_error(check_show(episode_with(make_show, language="eng")))

    assert error.hint == "did you mean 'en'?"


@pytest.mark.parametrize(
    ("written", "read"), [("es-MX", "es-mx"), ("pt_BR", "pt-br"), ("EN", "en")]
)
def test_language_codes_with_regions_are_normalised(make_show, written, read):
    result = check_show(episode_with(make_show, language=written))

    assert episode(result, "001-episode.yaml").language == read


def test_unknown_apple_category_suggests_the_close_one(make_show):
    root = show_with(make_show, "category: Technology", "category: Tecnology", episodes=1)

    error = only_error(check_show(root))

    assert (error.path.name, error.line, error.code) == (
        "podcast.yaml",
        SHOW_LINE["category"],
        "E133",
    )
    assert error.hint == "did you mean 'Technology'?"


def test_wrong_subcategory_suggests_the_close_one(make_show):
    root = show_with(
        make_show, "category: Technology", "category: Arts\n    subcategory: Desing", episodes=1
    )

    error = only_error(check_show(root))

    assert (error.line, error.code) == (SHOW_LINE["category"] + 1, "E134")
    assert error.message == "'Desing' is not a subcategory of 'Arts'"
    assert error.hint == "did you mean 'Design'?"


def test_subcategory_of_a_category_that_has_none_says_so(make_show):
    root = show_with(
        make_show, "category: Technology", "category: History\n    subcategory: Ancient", episodes=1
    )

    error = only_error(check_show(root))

    assert error.code == "E134"
    assert error.hint == "'History' has no subcategories"


def test_valid_category_and_subcategory_are_read(make_show):
    root = show_with(
        make_show, "category: Technology", "category: News\n    subcategory: Politics", episodes=1
    )

    result = check_show(root)

    assert result.errors == []
    assert [(c.name, c.subcategory) for c in result.podcast.show.categories] == [
        ("News", "Politics")
    ]


# -- artwork -----------------------------------------------------------------------------


def test_missing_artwork_is_an_error(make_show):
    root = show_with(make_show, "image: art/cover.jpg", "image: art/none.jpg", episodes=1)

    error = only_error(check_show(root))

    assert (error.path.name, error.line, error.column, error.code) == (
        "podcast.yaml",
        SHOW_LINE["image"],
        8,
        "E122",
    )
    assert "art/none.jpg" in error.message


@pytest.mark.parametrize("name", ["art/cover.gif", "art/cover.jpg"], ids=["gif", "gif-named-jpg"])
def test_gif_artwork_is_refused_by_its_real_format(make_show, name):
    root = show_with(
        make_show,
        "image: art/cover.jpg",
        f"image: {name}",
        episodes=1,
        files={name: jpeg_bytes(1400, fmt="GIF")},
    )

    error = only_error(check_show(root))

    assert (error.line, error.code) == (SHOW_LINE["image"], "E123")
    assert error.message == "'image' is a GIF image"


def test_unreadable_artwork_is_refused(make_show):
    root = make_show(episodes=1, files={"art/cover.jpg": b"not an image at all"})

    error = only_error(check_show(root))

    assert (error.line, error.code) == (SHOW_LINE["image"], "E123")
    assert "not a readable image" in error.message


@pytest.mark.parametrize(
    ("size", "fmt", "code", "fragment"),
    [
        ((1400, 1000), "JPEG", "E124", "1400×1000 pixels, not square"),
        ((1000, 1000), "JPEG", "E125", "1000×1000 pixels"),
        ((3500, 3500), "JPEG", "E125", "3500×3500 pixels"),
        ((1000, 1000), "PNG", "E125", "1000×1000 pixels"),
    ],
    ids=["not-square", "too-small", "too-big", "png-too-small"],
)
def test_artwork_outside_apples_sizes_is_refused(make_show, size, fmt, code, fragment):
    root = make_show(episodes=1, files={"art/cover.jpg": jpeg_bytes(*size, fmt=fmt)})

    error = only_error(check_show(root))

    assert (error.path.name, error.line, error.code) == ("podcast.yaml", SHOW_LINE["image"], code)
    assert fragment in error.message


@pytest.mark.parametrize("side", [1400, 3000])
def test_artwork_at_the_size_limits_is_accepted(make_show, side):
    root = show_with(
        make_show,
        "image: art/cover.jpg",
        "image: art/cover.png",
        episodes=1,
        files={"art/cover.png": jpeg_bytes(side, fmt="PNG")},
    )

    result = check_show(root)

    assert result.errors == []
    image = result.podcast.show.image
    assert (image.width, image.mime) == (side, "image/png")


def test_artwork_outside_the_show_is_refused(make_show):
    root = show_with(make_show, "image: art/cover.jpg", "image: ../cover.jpg", episodes=1)

    error = only_error(check_show(root))

    assert (error.line, error.code) == (SHOW_LINE["image"], "E121")


def test_cmyk_artwork_is_a_warning_not_an_error(make_show):
    root = make_show(episodes=1, files={"art/cover.jpg": jpeg_bytes(1400, mode="CMYK")})

    result = check_show(root)

    assert result.is_ok
    assert [(d.line, d.code) for d in result.warnings] == [(SHOW_LINE["image"], "W126")]


# -- all problems at once ---------------------------------------------------------------------


def test_problems_in_many_files_are_all_reported_in_order(make_show):
    root = make_show(
        episodes=3,
        show_yaml=SHOW_YAML.replace("language: en", "language: english"),
        files={
            "001-episode.yaml": episode_yaml(1, explicit="yes"),
            "003-episode.yaml": episode_yaml(3, audio="audio/none.mp3"),
        },
    )

    result = check_show(root)

    assert errors_of(result) == [
        ("001-episode.yaml", EXTRA, "E108"),
        ("003-episode.yaml", 4, "E152"),
        ("podcast.yaml", SHOW_LINE["language"], "E131"),
    ]
    assert result.podcast is None
