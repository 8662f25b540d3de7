"""Errors that reach users. The CLI prints them without a traceback."""
from __future__ import annotations

from dataclasses import dataclass


class GraphkitError(Exception):
    """A problem the user can fix (bad input, unreachable server...). Exit code 2 in the CLI."""

    exit_code = 2


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with the input, located in a file and line where known."""

    file: str
    line: int
    message: str

    def __str__(self) -> str:
        if not self.file:
            return self.message
        return f"{self.file}:{self.line}: {self.message}" if self.line else f"{self.file}: {self.message}"


class ValidationError(GraphkitError):
    """Every problem found in the input, all at once."""

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(set(problems))
        count = len(self.problems)
        super().__init__(f"{count} problem{'s' if count != 1 else ''} found:\n"
                         + "\n".join(str(p) for p in self.problems))
