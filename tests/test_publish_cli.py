"""The everyday commands around `build`: list, new and serve, as a user runs them."""

from __future__ import annotations

import http.client
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import episode_yaml
from gaepod.cli import app

NOW = "2026-11-24T12:00:00+0000"
WIDE = {"COLUMNS": "200"}  # one table row a line


@pytest.fixture
def show(example_copy: Path) -> Path:
    return example_copy


def test_list_shows_each_status(show: Path) -> None:
    shutil.copy(show / "audio" / "001.mp3", show / "audio" / "010.mp3")
    (show / "010-future.yaml").write_text(
        episode_yaml(10, date="2027-03-01T10:00:00Z", season=3, audio="audio/010.mp3")
    )
    (show / "011-broken.yaml").write_text("title: [unclosed\n")
    result = CliRunner().invoke(app, ["list", "--json", "--show", str(show), "--now", NOW])
    assert result.exit_code == 0, result.output
    rows = {row["file"]: row for row in json.loads(result.stdout)}
    assert rows["001-marta-oliveira-ports-pipelines-power.yaml"]["status"] == "published"
    assert rows["009-ingrid-halvorsen-fisheries-fjords-north-sea.yaml"]["status"] == "draft"
    assert rows["011-broken.yaml"]["status"] == "invalid"
    assert rows["011-broken.yaml"]["problems"] == 1
    assert rows["001-marta-oliveira-ports-pipelines-power.yaml"]["duration"] == 4
    assert rows["001-marta-oliveira-ports-pipelines-power.yaml"]["tagged"] is False
    assert rows["010-future.yaml"]["status"] == "scheduled"


def test_list_table_is_readable_without_a_terminal(show: Path) -> None:
    result = CliRunner().invoke(app, ["list", "--show", str(show), "--now", NOW])
    assert result.exit_code == 0
    assert "published" in result.stdout and "draft" in result.stdout
    assert "Marta Oliveira" in result.stdout
    assert "\x1b[" not in result.stdout  # no colour codes for pipes and cron


def test_list_writes_season_and_number_as_s2e8_and_json_keeps_numbers(show: Path) -> None:
    shutil.copy(show / "audio" / "001.mp3", show / "audio" / "010.mp3")
    (show / "010-no-season.yaml").write_text(episode_yaml(10, audio="audio/010.mp3"))
    runner = CliRunner()
    table = runner.invoke(app, ["list", "--show", str(show), "--now", NOW], env=WIDE)
    assert table.exit_code == 0, table.output
    assert table.stderr == ""
    lines = table.stdout.splitlines()
    assert re.match(r" S2E8 +2026-12-01 09:00 +Ingrid Halvorsen: Fisheries", lines[1])
    assert any(re.match(r" E10 +2024-02-02 10:00 +Guest 10: ", line) for line in lines)
    assert "2.8" not in table.stdout
    as_json = runner.invoke(app, ["list", "--json", "--show", str(show), "--now", NOW])
    rows = {row["file"]: row for row in json.loads(as_json.stdout)}
    ingrid = rows["009-ingrid-halvorsen-fisheries-fjords-north-sea.yaml"]
    assert (ingrid["season"], ingrid["number"]) == (2, 8)
    assert (rows["010-no-season.yaml"]["season"], rows["010-no-season.yaml"]["number"]) == (
        None,
        10,
    )


def test_list_shows_a_fresh_drafts_title_and_date(show: Path) -> None:
    runner = CliRunner()
    created = runner.invoke(
        app,
        ["new", "Guest: Topic", "--show", str(show), "--date", "2027-01-15T10:00", "--now", NOW],
    )
    assert created.exit_code == 0, created.output
    table = runner.invoke(app, ["list", "--show", str(show), "--now", NOW], env=WIDE)
    assert table.exit_code == 0, table.output
    assert table.stderr == ""
    (row,) = [line for line in table.stdout.splitlines() if "010-" in line or "Guest:" in line]
    assert re.fullmatch(r" S2E9 +2027-01-15 10:00 +Guest: Topic +draft \(1 problem\) +— *", row)
    as_json = runner.invoke(app, ["list", "--json", "--show", str(show), "--now", NOW])
    (draft,) = [r for r in json.loads(as_json.stdout) if r["file"] == "010-guest-topic.yaml"]
    assert draft["title"] == "Guest: Topic"
    assert draft["date"] == "2027-01-15T10:00:00-06:00"
    assert (draft["season"], draft["number"], draft["status"]) == (2, 9, "draft")


def test_new_then_build_keeps_the_draft_out_of_the_feed(show: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    created = runner.invoke(
        app, ["new", "Zoë Ngata: Maps, Myths, & Borders?", "--show", str(show), "--now", NOW]
    )
    assert created.exit_code == 0, created.output
    path = show / "010-zoe-ngata-maps-myths-borders.yaml"
    assert str(path) in created.stdout.replace("\n", "")
    assert "draft: true" in path.read_text()
    out = tmp_path / "public"
    built = runner.invoke(
        app, ["build", "-q", "--no-tag", "--show", str(show), "--out", str(out), "--now", NOW]
    )
    assert built.exit_code == 0, built.output
    assert "Zoë Ngata" not in (out / "feed.xml").read_text()


@pytest.mark.parametrize(
    ("written", "in_file"),
    [
        ("2027-01-15", "date: 2027-01-15T00:00:00-06:00"),  # the show is in Mexico City
        ("2027-01-15T10:00", "date: 2027-01-15T10:00:00-06:00"),
        ("2027-01-15T10:00:00+01:00", "date: 2027-01-15T10:00:00+01:00"),
    ],
)
def test_new_takes_the_date_forms_of_the_yaml(show: Path, written: str, in_file: str) -> None:
    result = CliRunner().invoke(
        app, ["new", "Guest: Topic", "--show", str(show), "--date", written, "--now", NOW]
    )
    assert result.exit_code == 0, result.output
    assert result.stderr == ""
    assert in_file.removeprefix("date: ") in result.stdout
    assert in_file in (show / "010-guest-topic.yaml").read_text()


def test_new_with_a_bad_date_says_which_forms_it_takes(show: Path) -> None:
    result = CliRunner().invoke(
        app, ["new", "Guest: Topic", "--show", str(show), "--date", "15/01/2027", "--now", NOW]
    )
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr == (
        "the date '15/01/2027' is not a date-time; write 2025-05-07, 2025-05-07T09:30, "
        "2025-05-07T09:30:00 or 2025-05-07T09:30-05:00 (without an offset: "
        "America/Mexico_City time)\n"
    )
    assert not (show / "010-guest-topic.yaml").exists()


def test_serve_command_answers_range_requests(show: Path, tmp_path: Path) -> None:
    out = tmp_path / "public"
    built = CliRunner().invoke(
        app, ["build", "-q", "--no-tag", "--show", str(show), "--out", str(out), "--now", NOW]
    )
    assert built.exit_code == 0, built.output
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gaepod",
            "serve",
            "--show",
            str(show),
            "--out",
            str(out),
            "--port",
            "0",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert server.stdout is not None
        line = server.stdout.readline()
        port = int(re.search(r"127\.0\.0\.1:(\d+)/", line).group(1))  # type: ignore[union-attr]
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        connection.request("GET", "/audio/001.mp3", headers={"Range": "bytes=0-9"})
        response = connection.getresponse()
        assert response.status == 206
        assert response.getheader("Content-Type") == "audio/mpeg"
        assert response.read() == (show / "audio" / "001.mp3").read_bytes()[:10]
        connection.request("GET", "/episodes/001-marta-oliveira-ports-pipelines-power/")
        page = connection.getresponse()
        assert page.status == 200
        assert "Marta Oliveira" in page.read().decode()
    finally:
        server.terminate()
        server.wait(timeout=5)
