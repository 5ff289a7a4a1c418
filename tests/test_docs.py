"""Every command documents itself: help with an example, and a place in the README."""

from __future__ import annotations

import pytest
from typer.main import get_command
from typer.testing import CliRunner

from conftest import REPO
from gaepod.cli import app

COMMANDS = sorted(get_command(app).commands)  # type: ignore[attr-defined]


def test_all_commands_are_there() -> None:
    names = [
        "build",
        "check",
        "deploy",
        "feed",
        "import",
        "list",
        "members",
        "new",
        "serve",
        "site",
        "tag",
    ]
    assert sorted(names) == COMMANDS


@pytest.mark.parametrize("name", COMMANDS)
def test_help_has_an_example_and_the_readme_names_it(name: str) -> None:
    result = CliRunner().invoke(app, [name, "--help"])
    assert result.exit_code == 0
    assert f"Example: gaepod {name}" in result.stdout
    assert f"`gaepod {name}" in (REPO / "README.md").read_text(encoding="utf-8")
