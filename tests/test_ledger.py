"""The guid ledger: published episodes keep their guid and stay in the feed."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

from conftest import episode_yaml
from gaepod.check import check_show
from gaepod.ledger import Ledger, LedgerEntry, compare, read_ledger, render_ledger

NOW = datetime(2026, 11, 24, 12, 0, tzinfo=timezone.utc)


def published(root: Path):
    podcast = check_show(root).podcast
    assert podcast is not None
    return podcast.published(NOW)


def test_ledger_round_trips_through_its_yaml_file(make_show) -> None:
    root = make_show(2, files={"002-episode.yaml": episode_yaml(2, title='"Zoë & \\"Ünïcode\\""')})
    ledger = Ledger().record(published(root), NOW)
    (root / "published.yaml").write_bytes(render_ledger(ledger))
    again, problems = read_ledger(root)
    assert problems == []
    assert again.entries == ledger.entries
    assert {e.title for e in again.entries.values()} == {
        'Zoë & "Ünïcode"',
        "Guest 1: Topic, Topic, & Topic?",
    }
    assert check_show(root).is_ok, "the ledger file is not mistaken for an episode"


def test_recording_never_forgets_an_episode(make_show) -> None:
    root = make_show(2)
    ledger = Ledger().record(published(root), NOW)
    (root / "002-episode.yaml").unlink()
    assert set(ledger.record(published(root), NOW).entries) == set(ledger.entries)


def test_deleted_episode_is_a_removal(make_show) -> None:
    root = make_show(2)
    ledger = Ledger().record(published(root), NOW)
    (root / "002-episode.yaml").unlink()
    (problem,) = compare(ledger, published(root))
    assert problem.kind == "removed"
    assert problem.entry.guid == "002-episode"


def test_renamed_file_without_guid_is_a_guid_change(make_show) -> None:
    root = make_show(2)
    ledger = Ledger().record(published(root), NOW)
    (root / "002-episode.yaml").rename(root / "002-renamed.yaml")
    (problem,) = compare(ledger, published(root))
    assert problem.kind == "guid-changed"
    assert problem.episode is not None and problem.episode.guid == "002-renamed"


def test_edited_guid_is_a_guid_change(make_show) -> None:
    root = make_show(2)
    ledger = Ledger().record(published(root), NOW)
    (root / "001-episode.yaml").write_text(episode_yaml(1, guid='"new-guid"'))
    (problem,) = compare(ledger, published(root))
    assert problem.kind == "guid-changed"
    assert problem.entry.guid == "001-episode"


def test_ledger_of_a_big_show_is_read(make_show) -> None:
    root = make_show(1)
    many = [
        LedgerEntry(f"guid-{i}", f"{i:05d}-x.yaml", f"https://cdn.example/{i}.mp3", NOW, "T")
        for i in range(5000)
    ]
    data = render_ledger(Ledger({e.guid: e for e in many}))
    assert len(data) > 512 * 1024  # bigger than any hand-written file may be
    (root / "published.yaml").write_bytes(data)
    again, problems = read_ledger(root)
    assert problems == []
    assert len(again.entries) == 5000
