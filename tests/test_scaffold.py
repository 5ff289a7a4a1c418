"""`gaepod new`: the next episode file, as a draft that does not block publishing."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from conftest import SHOW_YAML, mp3_bytes
from gaepod.errors import GaepodError, UsageError
from gaepod.show.check import check_show
from gaepod.show.scaffold import create_episode

NOW = datetime(2026, 11, 24, 12, 7, 30, tzinfo=timezone.utc)


def test_new_episode_gets_next_number_slug_and_show_timezone(make_show) -> None:
    root = make_show(2)
    created = create_episode(root, "Zoë Dubois: Ports, Power, & Pipelines?", NOW)
    assert created.path.name == "003-zoe-dubois-ports-power-pipelines.yaml"
    text = created.path.read_text()
    assert "date: 2026-11-24T13:15:00+01:00" in text  # 12:07 UTC rounded up, Europe/Madrid
    assert "number: 3" in text and "draft: true" in text
    result = check_show(root)
    assert result.is_ok, [d.format() for d in result.errors]
    assert any(d.message.startswith("draft: audio file not found") for d in result.warnings)


def test_two_new_drafts_do_not_share_a_number(make_show) -> None:
    root = make_show(1)
    first = create_episode(root, "First: A", NOW)
    second = create_episode(root, "Second: B", NOW)
    assert (first.number, second.number) == (2, 3)


def test_new_with_audio_copies_it_and_checks_clean(make_show, tmp_path) -> None:
    root = make_show(1)
    source = tmp_path / "recording.mp3"
    source.write_bytes(mp3_bytes(2.0))
    created = create_episode(root, "Guest: Topic", NOW, audio=source)
    assert created.audio == root / "audio" / "002.mp3"
    assert created.audio.read_bytes() == source.read_bytes()
    result = check_show(root)
    assert result.is_ok and not any(d.message.startswith("draft:") for d in result.warnings)


def test_new_refuses_unsupported_audio(make_show, tmp_path) -> None:
    root = make_show(1)
    (tmp_path / "x.wav").write_bytes(b"RIFF")
    with pytest.raises(GaepodError, match="unsupported audio type"):
        create_episode(root, "Guest: Topic", NOW, audio=tmp_path / "x.wav")


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("2027-01-15", "date: 2027-01-15T00:00:00+01:00"),  # midnight, Europe/Madrid
        ("2027-01-15T10:00", "date: 2027-01-15T10:00:00+01:00"),
        ("2027-07-15 10:00:30", "date: 2027-07-15T10:00:30+02:00"),  # summer time
        ("2027-01-15T10:00-05:00", "date: 2027-01-15T10:00:00-05:00"),  # its own offset kept
    ],
)
def test_new_date_is_read_like_the_files_date_field(make_show, tmp_path, written, expected) -> None:
    root = make_show(1)
    (tmp_path / "take.mp3").write_bytes(mp3_bytes(1.0))
    created = create_episode(root, "Guest: Topic", NOW, audio=tmp_path / "take.mp3", date=written)
    assert expected in created.path.read_text()
    (episode,) = [e for e in check_show(root).podcast.episodes if e.source == created.path]
    assert episode.date == created.date


def test_new_refuses_a_date_the_file_would_refuse_and_writes_nothing(make_show) -> None:
    root = make_show(1)
    with pytest.raises(UsageError) as caught:
        create_episode(root, "Guest: Topic", NOW, date="2027-02-30")
    assert caught.value.message == (
        "the date '2027-02-30' is not a real date or time (day is out of range for month); "
        "write 2025-05-07, 2025-05-07T09:30, 2025-05-07T09:30:00 or 2025-05-07T09:30-05:00 "
        "(without an offset: Europe/Madrid time)"
    )
    assert caught.value.exit_code == 2
    assert sorted(p.name for p in root.glob("*.yaml")) == ["001-episode.yaml", "podcast.yaml"]


def test_new_date_without_offset_needs_the_shows_timezone(make_show) -> None:
    root = make_show(1, show_yaml=SHOW_YAML.replace("timezone: Europe/Madrid\n", ""))
    with pytest.raises(UsageError, match=r"with its UTC offset.*sets no `timezone:`"):
        create_episode(root, "Guest: Topic", NOW, date="2027-01-15T10:00")
    created = create_episode(root, "Guest: Topic", NOW, date="2027-01-15T10:00Z")
    assert "date: 2027-01-15T10:00:00+00:00" in created.path.read_text()
