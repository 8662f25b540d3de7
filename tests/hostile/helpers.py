"""The red-team suite: hostile input must end in a clear error or a correct answer, never a
hang, a traceback, unbounded memory or half-written output. Helpers shared by its files."""
from __future__ import annotations

import os
import resource
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT / "seed_data"
#: address space a hostile run may use (the CLI and its libraries need about 300 MB)
MEMORY_LIMIT = 1536 * 1024 * 1024


@dataclass
class Run:
    returncode: int
    stdout: str
    stderr: str
    seconds: float

    def error_lines(self) -> list[str]:
        assert "Traceback" not in self.stderr and "Traceback" not in self.stdout, self.stderr[-2000:]
        return self.stderr.splitlines()


def _limit_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))


def graphkit(*args: str, cwd: Path | str = ROOT, timeout: float = 60, env: dict | None = None,
             stdin: str | None = None) -> Run:
    """The real command in a child process under a memory limit and a time limit: a hang or a
    blow-up fails the test instead of the machine."""
    start = time.perf_counter()
    full_env = {**os.environ, "PYTHONPATH": str(ROOT), **(env or {})}
    try:
        done = subprocess.run([sys.executable, "-m", "graphkit", *args], capture_output=True, text=True,
                              cwd=cwd, timeout=timeout, env=full_env, preexec_fn=_limit_memory, input=stdin)
    except subprocess.TimeoutExpired:
        pytest.fail(f"graphkit {' '.join(a[:40] for a in args)} ran past {timeout} s")
    return Run(done.returncode, done.stdout, done.stderr, time.perf_counter() - start)


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under a folder with its bytes (to prove that nothing changed)."""
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def cli(*args: str, cwd: Path | str | None = None, env: dict | None = None) -> Run:
    """The command in this process (fast; for cases that cannot blow up memory or time)."""
    from click.testing import CliRunner

    from graphkit.cli import main

    start = time.perf_counter()
    previous = os.getcwd()
    if cwd is not None:
        os.chdir(cwd)
    try:
        result = CliRunner().invoke(main, list(args), env=env, catch_exceptions=True)
    finally:
        os.chdir(previous)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return Run(result.exit_code, result.stdout, result.stderr, time.perf_counter() - start)


def cli_within(limit: float, *args: str, env: dict | None = None) -> Run:
    """`cli(*args)` in a thread that must end within `limit` seconds: a hang fails the test
    instead of blocking the suite. `seconds` is measured from the thread's start."""
    outcome = {}
    thread = threading.Thread(target=lambda: outcome.setdefault("run", cli(*args, env=env)), daemon=True)
    start = time.perf_counter()
    thread.start()
    thread.join(limit)
    assert not thread.is_alive(), f"graphkit {' '.join(a[:80] for a in args)} still running after {limit} s"
    run = outcome["run"]
    run.seconds = time.perf_counter() - start
    return run
