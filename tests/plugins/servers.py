"""What the SPARQL server plugins share: a free loopback port, a server process in its own
session (so stopping it stops its children), and waiting until it answers a query."""
from __future__ import annotations

import dataclasses
import os
import signal
import socket
import subprocess
import time
from pathlib import Path

import pytest


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclasses.dataclass
class SparqlServer:
    """A running server: its query and Graph Store URLs, and how to stop it."""

    name: str
    query_url: str
    store_url: str
    process: subprocess.Popen
    log: Path
    isql: list | None = None  # Virtuoso: the isql-vt command line (SQL port, dba credentials)
    extra: dict = dataclasses.field(default_factory=dict)

    def alive(self) -> bool:
        return self.process.poll() is None

    def stop(self) -> None:
        if self.process.poll() is None:
            try:
                os.killpg(self.process.pid, signal.SIGTERM)
                self.process.wait(timeout=10)
            except (ProcessLookupError, subprocess.TimeoutExpired):
                try:
                    os.killpg(self.process.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
                self.process.wait(timeout=10)

    def sql(self, statement: str) -> str:
        """Run one SQL statement with isql-vt as dba (Virtuoso only)."""
        result = subprocess.run([*self.isql, f"exec={statement}"], capture_output=True, text=True, timeout=60)
        if result.returncode != 0 or "*** Error" in result.stdout + result.stderr:
            raise RuntimeError(f"isql failed on {statement!r}: {result.stdout[-500:]} {result.stderr[-500:]}")
        return result.stdout


def wait_ready(server: SparqlServer, timeout: float = 60.0) -> None:
    """Poll `ASK {}` until the server answers 200; fail the test with its log's tail otherwise."""
    import requests

    session = requests.Session()
    session.trust_env = False  # a loopback server: never through a proxy from the environment
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not server.alive():
            break
        try:
            response = session.get(server.query_url, params={"query": "ASK {}"}, timeout=2)
            if response.status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.1)
    tail = server.log.read_text(errors="replace")[-2000:] if server.log.exists() else ""
    server.stop()
    pytest.fail(f"{server.name} did not start on {server.query_url}:\n{tail}")


def popen(command: list, log: Path, cwd: Path) -> subprocess.Popen:
    """Start a server in a new session with its output in `log`."""
    handle = log.open("wb")
    try:
        return subprocess.Popen(command, cwd=cwd, stdout=handle, stderr=subprocess.STDOUT,
                                stdin=subprocess.DEVNULL, start_new_session=True)
    finally:
        handle.close()
