"""Problems found in the sources, reported as `path:line:col: what — how`."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    path: str
    line: int
    col: int
    what: str
    how: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.col}: {self.what} — {self.how}"


class SourceErrors(Exception):
    """Raised when the sources hold one or more problems; carries them all."""

    def __init__(self, problems: list[Problem]):
        super().__init__(f"{len(problems)} problem(s) in the sources")
        self.problems = sorted(set(problems), key=lambda p: (p.path, p.line, p.col, p.what))


class BuildError(Exception):
    """A writer could not produce an output; the message is for the user."""


class UsageError(Exception):
    """The command was given something it cannot work with (a missing
    folder, an output folder it must not write to); the message says what
    to do instead."""
