"""The guid ledger: published episodes keep their guid and stay in the feed."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import pytest

from conftest import episode_yaml
from gaepod.show.check import check_show
from gaepod.show.ledger import Ledger, LedgerEntry, compare, read_ledger, render_ledger

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


def careful(root: Path):
    """read_ledger the slow way: the file as it would be after a hand edit (a comment)."""
    path = root / "published.yaml"
    original = path.read_bytes()
    path.write_bytes(original + b"# edited by hand\n")
    try:
        return read_ledger(root)
    finally:
        path.write_bytes(original)


@pytest.mark.parametrize(
    ("texts", "quick"),
    [
        (['Zoë "quoted" \\ back\\slash', "emoji 🎙️ ok", "a: b # c", "ünï/cödé?&=#"], True),
        (["tab\there", "line\u2028separator", "nel\x85 del\x7f", " padded "], False),
    ],
)
def test_a_ledger_gaepod_wrote_reads_the_same_quickly_as_carefully(
    make_show, monkeypatch, texts: list[str], quick: bool
) -> None:
    """The quick reader takes what it can prove it reads like the YAML reader; the rest
    (text the careful reader strips, or refuses) goes the careful way."""
    from gaepod.show import ledger as ledger_module

    root = make_show(1)
    entries = [
        LedgerEntry(
            f"guid-{i}-{text}",
            f"{i:03d}-x.yaml",
            f"https://cdn.example/{i}.mp3?a=1&b=2",
            NOW.replace(day=1 + i),
            text,
        )
        for i, text in enumerate(texts)
    ]
    (root / "published.yaml").write_bytes(render_ledger(Ledger({e.guid: e for e in entries})))
    careful_ledger, careful_problems = careful(root)
    taken: list[bool] = []
    as_written = ledger_module._as_written

    def watched(data: bytes):
        found = as_written(data)
        taken.append(found is not None)
        return found

    monkeypatch.setattr(ledger_module, "_as_written", watched)

    quick_ledger, quick_problems = read_ledger(root)

    assert taken == [quick]
    assert quick_problems == careful_problems
    assert quick_ledger.entries == careful_ledger.entries
    written = {e.guid: e for e in entries if e.title == e.title.strip()}  # as gaepod writes
    assert {g: e for g, e in careful_ledger.entries.items() if g in written} == written


def test_a_ledger_edited_by_hand_is_read_carefully_with_line_numbers(make_show) -> None:
    root = make_show(1)
    entry = LedgerEntry("guid-1", "001-x.yaml", "https://cdn.example/1.mp3", NOW, "T")
    text = render_ledger(Ledger({entry.guid: entry})).decode()
    (root / "published.yaml").write_text(
        text.replace("2026-11-24T12:00:00Z", "2026-02-30T12:00:00Z")
    )
    _ledger, problems = read_ledger(root)
    assert problems and problems[0].line == 8 and "first_published" in problems[0].message


def test_a_ledger_in_another_order_or_with_a_guid_twice_is_read_carefully(make_show) -> None:
    from gaepod.show import ledger as ledger_module

    first = LedgerEntry("guid-1", "001-x.yaml", "https://cdn.example/1.mp3", NOW, "One")
    second = LedgerEntry(
        "guid-2", "002-x.yaml", "https://cdn.example/2.mp3", NOW.replace(day=25), "Two"
    )
    head, one, two = render_ledger(Ledger({"guid-1": first, "guid-2": second})).split(b"  - ")
    swapped = head + b"  - " + two + b"  - " + one
    twice = head + b"  - " + one + b"  - " + one
    assert ledger_module._as_written(head + b"  - " + one + b"  - " + two) is not None
    assert ledger_module._as_written(swapped) is None
    assert ledger_module._as_written(twice) is None
    root = make_show(1)
    (root / "published.yaml").write_bytes(swapped)
    ledger, problems = read_ledger(root)
    assert problems == [] and set(ledger.entries) == {"guid-1", "guid-2"}


def test_a_ledger_beyond_its_size_cap_is_called_damaged(tmp_path: Path, monkeypatch) -> None:
    from gaepod.show import ledger as ledger_module

    entry = LedgerEntry("guid-1", "001.yaml", "https://example.org/1.mp3", NOW, "A title")
    (tmp_path / "published.yaml").write_bytes(render_ledger(Ledger({"guid-1": entry})))
    monkeypatch.setattr(ledger_module, "LEDGER_MAX_BYTES", 64)

    ledger, problems = read_ledger(tmp_path)

    assert ledger.entries == {}
    assert [(p.code, p.path.name) for p in problems] == [("E002", "published.yaml")]
    assert "larger than 64 bytes" in problems[0].message
    assert "version control" in problems[0].hint
    assert "transcripts" not in problems[0].hint
