"""Diagnostics, exit codes and the one exception type the library raises.

The library never prints and never exits: it returns diagnostics or raises a
GaepodError; only the CLI turns those into text and exit codes.
"""

from __future__ import annotations

import contextlib
import enum
from dataclasses import dataclass
from pathlib import Path


class ExitCode(enum.IntEnum):
    """Process exit codes, documented in the README for cron users."""

    OK = 0
    PROBLEMS = 1  # invalid input, refused build, failed write
    USAGE = 2  # bad command line
    LOCKED = 3  # another build holds the lock and --no-wait was given


class Severity(enum.Enum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True)
class Diagnostic:
    """One problem found in one place of one file."""

    path: Path
    line: int  # 1-based; 0 when the problem concerns the whole file
    column: int  # 1-based; 0 when unknown
    code: str
    message: str
    hint: str = ""
    severity: Severity = Severity.ERROR

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR

    def location(self, relative_to: Path | None = None) -> str:
        path = self.path
        if relative_to is not None:
            with contextlib.suppress(ValueError):  # elsewhere: keep it as it is
                path = path.relative_to(relative_to)
        where = str(path)
        if self.line:
            where += f":{self.line}"
            if self.column:
                where += f":{self.column}"
        return where

    def format(self, relative_to: Path | None = None) -> str:
        """`path:line:col: error[CODE]: message` plus an indented hint line."""
        text = f"{self.location(relative_to)}: {self.severity.value}[{self.code}]: {self.message}"
        if self.hint:
            text += f"\n    hint: {self.hint}"
        return _visible(text)


def sort_key(diagnostic: Diagnostic) -> tuple[str, int, int, str]:
    return (str(diagnostic.path), diagnostic.line, diagnostic.column, diagnostic.code)


def has_errors(diagnostics: list[Diagnostic]) -> bool:
    return any(d.is_error for d in diagnostics)


class GaepodError(Exception):
    """An expected failure the CLI reports without a traceback."""

    exit_code: ExitCode = ExitCode.PROBLEMS

    def __init__(self, message: str, diagnostics: list[Diagnostic] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.diagnostics = diagnostics or []


class InvalidShowError(GaepodError):
    """The show has errors; nothing was written."""


class OutputError(GaepodError):
    """An output location is unsafe or could not be written."""


class UsageError(GaepodError):
    """A value the caller passed (a command-line option) is wrong, not the show."""

    exit_code = ExitCode.USAGE


class LockedError(GaepodError):
    exit_code = ExitCode.LOCKED


def _visible(text: str) -> str:
    """Show control characters from user input as escapes instead of sending them to a terminal."""
    return "".join(
        ch
        if ch in "\n\t" or (ord(ch) >= 32 and not 0x7F <= ord(ch) <= 0x9F)
        else f"\\x{ord(ch):02x}"
        for ch in text
    )
