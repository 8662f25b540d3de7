"""The one rich Console graphkit prints with (tables of the CLI, progress bars)."""
from __future__ import annotations

import sys
from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:  # pragma: no cover
    from rich.console import Console


def console(stream: TextIO | None = None) -> Console:
    """A rich Console on `stream` (default stdout) that prints data as it is (no highlighting
    of numbers or words) and, off a terminal, never wraps: a wide virtual width keeps one row
    per line in pipes, files and CI logs."""
    from rich.console import Console

    stream = stream if stream is not None else sys.stdout
    interactive = hasattr(stream, "isatty") and stream.isatty()
    return Console(file=stream, width=None if interactive else 1000, highlight=False)
