"""`gaepod import --probe`: the lengths and durations a real feed leaves out, read from
the audio over HTTP with Range requests (a server on 127.0.0.1 counts every byte),
never the whole file; what cannot be read is a warning at the item."""

from __future__ import annotations

import re
from datetime import datetime, timezone
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import REPO, mp3_bytes, run_check
from gaepod.cli import app
from gaepod.importer.feed_import import import_feed
from gaepod.importer.values import format_clock
from gaepod.show.check import check_show
from gaepod.show.probe import probe
from gaepod.show.remote import BLOCK, RangeReader, RemoteError, probe_remote
from http_files import Served, file_server

SCALE = REPO / "tests" / "fixtures" / "realfeeds" / "scale-your-code.xml"
M4A = REPO / "tests" / "fixtures" / "aac-mono-44k.m4a"
FASTSTART = REPO / "tests" / "fixtures" / "aac-stereo-48k-faststart.m4a"
CDN = "https://d1ngwfo98ojxvt.cloudfront.net"
NOW = datetime(2026, 12, 1, tzinfo=timezone.utc)


def duration_of(data: bytes, suffix: str, tmp_path: Path) -> str:
    """The duration gaepod's own (local) probe reads from these bytes, as a file writes it."""
    path = tmp_path / f"local{suffix}"
    path.write_bytes(data)
    return format_clock(probe(path).duration_ms)


def with_id3_padding(data: bytes, padding: int) -> bytes:
    """The MP3 behind an ID3v2.3 tag of `padding` bytes (as large embedded art makes it)."""
    size = bytes((padding >> shift) & 0x7F for shift in (21, 14, 7, 0))
    return b"ID3\x03\x00\x00" + size + b"\x00" * padding + data


def enclosure_paths(feed: Path) -> list[str]:
    pattern = r'<enclosure[^>]*url="' + re.escape(CDN) + r'(/[^"]+)"'
    return re.findall(pattern, feed.read_text(encoding="utf-8"))


def episode_fields(show: Path) -> dict[str, dict[str, str]]:
    """audio_url -> its episode file's top-level scalar lines."""
    found = {}
    for path in sorted(show.glob("0*.yaml")):
        fields = dict(re.findall(r"^(\w+): (.*)$", path.read_text(encoding="utf-8"), re.M))
        found[fields["audio_url"].strip('"')] = {k: v.strip('"') for k, v in fields.items()}
    return found


@pytest.fixture
def scale_feed(tmp_path: Path):
    """The real feed whose 23 items have neither length nor duration, its audio served
    here: MP3s (CBR, VBR with a Xing header, one behind a 600 KB tag), one path missing
    and one on a server that ignores Range."""
    paths = enclosure_paths(SCALE)
    assert len(paths) == 23
    kinds = [
        mp3_bytes(12.0),
        mp3_bytes(9.5, vbr=True),
        with_id3_padding(mp3_bytes(6.0, stereo=True), 600_000),
    ]
    files = {path: Served(kinds[n % 3]) for n, path in enumerate(paths)}
    files[paths[4]] = Served(b"", status=404)
    files[paths[5]] = Served(kinds[5 % 3], ignores_range=True)  # behind the 600 KB tag
    with file_server(files) as server:
        feed = tmp_path / "scale-your-code.xml"
        feed.write_text(SCALE.read_text(encoding="utf-8").replace(CDN, server.base), "utf-8")
        yield feed, server, paths, kinds


def test_probe_fills_lengths_and_durations_reading_only_the_first_bytes(
    scale_feed, tmp_path: Path
) -> None:
    feed, server, paths, kinds = scale_feed
    expected = [duration_of(data, ".mp3", tmp_path) for data in kinds]
    report = import_feed(str(feed), tmp_path / "show", now=NOW, probe=True)
    assert report.probe is not None
    assert (report.probe.items, report.probe.lengths, report.probe.durations) == (23, 22, 22)
    fields = episode_fields(tmp_path / "show")
    for n, path in enumerate(paths):
        episode = fields[server.url(path)]
        if n == 4:  # the missing file
            assert "length" not in episode and "duration" not in episode
            continue
        data = kinds[n % 3]
        assert int(episode["length"]) == len(data), path
        assert episode["duration"] == expected[n % 3], path
        if n != 5:  # what a Range-capable server sent: a few blocks, never the file
            assert server.sent[path] <= 2 * BLOCK < len(data), (path, server.sent[path])
    total = sum(len(kinds[n % 3]) for n in range(23))
    ranged = sum(sent for path, sent in server.sent.items() if path != paths[5])
    assert ranged < total / 10
    # the server that ignores Range sends on until the client hangs up past the tag
    assert ranged + 600_000 < report.probe.received <= sum(server.sent.values())
    assert all(method in ("HEAD", "GET") for method, _path, _range in server.requests)
    assert all(wanted for method, _p, wanted in server.requests if method == "GET")


def test_an_item_that_cannot_be_read_is_named_with_its_line(scale_feed, tmp_path: Path) -> None:
    feed, server, paths, _kinds = scale_feed
    report = import_feed(str(feed), tmp_path / "show", now=NOW, probe=True)
    assert report.probe is not None
    [failed] = report.probe.failed
    assert failed.code == "W260" and "404" in failed.message
    assert server.url(paths[4]) in failed.message
    lines = feed.read_text(encoding="utf-8").splitlines()
    item_line = failed.line
    assert lines[item_line - 1].strip().startswith("<item")
    assert paths[4] in "\n".join(lines[item_line - 1 : item_line + 40])
    # its gaps are still reported; the filled ones are not
    gaps = [d for d in report.warnings if d.code in ("W217", "W218")]
    assert gaps and all("items" not in d.message for d in gaps)
    # the imported show is checked: only that episode still lacks them; its missing
    # length is an error (E147) until the host adds it or says it is unknown on purpose
    errors = check_show(tmp_path / "show").errors
    assert [d.code for d in errors] == ["E147"] and [d.code for d in report.errors] == ["E147"]
    (errors[0].path).write_text(
        errors[0].path.read_text(encoding="utf-8") + "length_unknown: true\n", encoding="utf-8"
    )
    check = run_check(tmp_path / "show", now=NOW).check
    assert check is not None and check.is_ok
    missing = {d.path.name for d in check.warnings if d.code == "W148"}
    assert missing == {errors[0].path.name}


def test_import_probe_on_the_command_line(scale_feed, tmp_path: Path) -> None:
    feed, _server, _paths, _kinds = scale_feed
    result = CliRunner().invoke(
        app, ["import", str(feed), "--show", str(tmp_path / "show"), "--probe"]
    )
    assert result.exit_code == 1, result.output  # the item it could not read lacks a length
    assert "error[E147]" in result.stderr
    assert re.search(
        r"probe: 22 lengths and 22 durations read over HTTP for 23 items \([\d,]+ KiB "
        r"downloaded\); 1 item could not be read \(W260, line \d+\)",
        result.stdout,
    ), result.stdout
    assert "warning[W260]" in result.stderr
    quiet = CliRunner().invoke(
        app, ["import", str(feed), "--show", str(tmp_path / "q"), "--probe", "--quiet"]
    )
    assert quiet.exit_code == 1 and quiet.stdout == ""


def test_without_probe_nothing_is_fetched(scale_feed, tmp_path: Path) -> None:
    feed, server, _paths, _kinds = scale_feed
    report = import_feed(str(feed), tmp_path / "show", now=NOW)
    assert report.probe is None and server.requests == []
    assert any(d.code == "W217" and "--probe" in d.hint for d in report.warnings)


@pytest.mark.parametrize("fixture", [M4A, FASTSTART], ids=["moov-last", "faststart"])
def test_m4a_durations_come_from_the_movie_header(fixture: Path, tmp_path: Path) -> None:
    data = fixture.read_bytes()
    with file_server({"/a.m4a": Served(data, mime="audio/x-m4a")}) as server:
        facts = probe_remote(server.url("/a.m4a"))
    assert facts.length == len(data)
    assert facts.duration_ms == probe(fixture).duration_ms


def test_a_server_that_ignores_range_is_read_within_the_budget(tmp_path: Path) -> None:
    data = with_id3_padding(mp3_bytes(3.0), 400_000)
    with file_server({"/big.mp3": Served(data, ignores_range=True)}) as server:
        with pytest.raises(RemoteError, match="ignores Range"):
            probe_remote(server.url("/big.mp3"), length=False, budget=64 * 1024)
        facts = probe_remote(server.url("/big.mp3"))  # the default budget reaches the frames
    assert facts.duration_ms == probe_remote_local(data, tmp_path)


def probe_remote_local(data: bytes, tmp_path: Path) -> int:
    path = tmp_path / "same.mp3"
    path.write_bytes(data)
    return probe(path).duration_ms


def test_range_reader_reads_each_block_once_and_follows_redirects() -> None:
    data = bytes(range(256)) * 300
    files = {"/old.bin": Served(b"", redirect="/new.bin"), "/new.bin": Served(data)}
    with file_server(files) as server:
        reader = RangeReader(server.url("/old.bin"))
        assert reader.read(10) == data[:10]
        reader.seek(BLOCK - 5)
        assert reader.read(10) == data[BLOCK - 5 : BLOCK + 5]
        reader.seek(3)
        assert reader.read(4) == data[3:7]
        assert reader.seek(0, 2) == len(data)
        assert reader.requests == 2 and reader.redirects == [(301, server.url("/new.bin"))]
        assert [path for _m, path, _r in server.requests].count("/old.bin") == 1
        ranges = [wanted for _m, path, wanted in server.requests if path == "/new.bin"]
        assert ranges == [f"bytes=0-{BLOCK - 1}", f"bytes={BLOCK}-{2 * BLOCK - 1}"]
