"""Progress display for long imports and builds (rich.progress on stderr).

Quiet when stderr is not a terminal (CI logs, pipes) or when the caller asks for quiet: then
every helper here is a no-op, so library code can report progress unconditionally.

    with progress_bar("epoch: rows", quiet=quiet) as advance:
        for row in rows:
            ...
            advance()

    with build_steps(["load", "rdf", "shacl", "exports"], quiet=quiet) as step:
        step("load")      # marks the previous step done and starts this one
        ...
"""
from __future__ import annotations

import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager


def enabled(quiet: bool = False, stream=None) -> bool:
    """Show progress only on an interactive stderr and when not asked to be quiet."""
    stream = stream if stream is not None else sys.stderr
    return not quiet and hasattr(stream, "isatty") and stream.isatty()


def _noop(*_args, **_kwargs) -> None:
    return None


def _console(stream=None):
    from .console import console

    return console(stream if stream is not None else sys.stderr)


@contextmanager
def progress_bar(description: str, total: int | None = None, *, quiet: bool = False,
                 stream=None) -> Iterator[Callable[..., None]]:
    """Yield `advance(n=1)`; a bar (or a counter when `total` is unknown) while the block runs."""
    if not enabled(quiet, stream):
        yield _noop
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    columns = [SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
               TimeElapsedColumn()]
    with Progress(*columns, console=_console(stream), transient=True) as bar:
        task = bar.add_task(description, total=total)

        def advance(n: int = 1) -> None:
            bar.advance(task, n)

        yield advance


class _Steps:
    def __init__(self, bar, steps: Sequence[str]):
        self.bar = bar
        self.task = bar.add_task("", total=len(steps)) if bar else None
        self.current: str | None = None
        self.done = 0

    def __call__(self, name: str) -> None:
        if self.bar is None:
            return
        if self.current is not None:
            self.done += 1
        self.current = name
        self.bar.update(self.task, completed=self.done, description=name)


@contextmanager
def build_steps(steps: Sequence[str], *, quiet: bool = False, stream=None) -> Iterator[Callable[[str], None]]:
    """Yield `step(name)`: shows which step of a multi-step job (a build) is running."""
    if not enabled(quiet, stream):
        yield _Steps(None, steps)
        return
    from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    columns = [SpinnerColumn(), TextColumn("{task.description:<10}"), BarColumn(),
               TextColumn("{task.completed}/{task.total} steps"), TimeElapsedColumn()]
    with Progress(*columns, console=_console(stream), transient=True) as bar:
        yield _Steps(bar, steps)


class BarSequence:
    """One bar at a time for a sequence of jobs (`graphkit import all`): `start()` closes the
    previous bar and returns the new one's `advance`."""

    def __init__(self, *, quiet: bool = False, stream=None):
        self.quiet = quiet
        self.stream = stream
        self._current: AbstractContextManager[Callable[..., None]] | None = None

    def start(self, description: str, total: int | None = None) -> Callable[..., None]:
        self.close()
        current = progress_bar(description, total, quiet=self.quiet, stream=self.stream)
        self._current = current
        return current.__enter__()

    def close(self) -> None:
        if self._current is not None:
            current, self._current = self._current, None
            current.__exit__(None, None, None)

    def __enter__(self) -> BarSequence:
        return self

    def __exit__(self, *exc) -> None:
        self.close()
