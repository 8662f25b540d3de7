"""Oxigraph server fixtures: PyPI's `oxigraph` (a test dependency: scripts/setup.sh test) on
127.0.0.1, a free port and a temp dir, always stopped after use. A missing binary fails loudly,
never skips. `oxigraph serve` is ready in about 0.2 s."""
from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from .servers import SparqlServer, free_port, popen, wait_ready


def oxigraph_binary() -> str:
    candidates = [shutil.which("oxigraph"), Path(sys.prefix) / "bin" / "oxigraph",
                  Path(sys.executable).parent / "oxigraph"]
    for candidate in candidates:
        if candidate and Path(candidate).exists():
            return str(candidate)
    pytest.fail("the oxigraph server is missing: pip install oxigraph (scripts/setup.sh test)")


def start_oxigraph(directory: Path, read_only: bool = False, preload: Path | None = None,
                   port: int | None = None) -> SparqlServer:
    """`oxigraph serve` (or serve-read-only, over a store preloaded with `preload`); `port`: to
    start a stopped server again on its port and store (same URLs)."""
    directory.mkdir(parents=True, exist_ok=True)
    binary = oxigraph_binary()
    port = port or free_port()
    store = directory / "store"
    if preload is not None:
        subprocess.run([binary, "load", "--location", str(store), "--file", str(preload)],
                       check=True, capture_output=True, timeout=120)
    command = [binary, "serve-read-only" if read_only else "serve", "--bind", f"127.0.0.1:{port}",
               "--location", str(store)]
    log = directory / "oxigraph.log"
    server = SparqlServer("oxigraph", f"http://127.0.0.1:{port}/query", f"http://127.0.0.1:{port}/store",
                          popen(command, log, directory), log)
    wait_ready(server, 30)
    return server


@pytest.fixture(scope="session")
def oxigraph_server(tmp_path_factory):
    server = start_oxigraph(tmp_path_factory.mktemp("oxigraph"))
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def oxigraph_fresh(tmp_path):
    """An Oxigraph server of its own, for tests that stop it."""
    server = start_oxigraph(tmp_path / "oxigraph")
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def oxigraph_read_only(tmp_path_factory):
    """An Oxigraph server in read-only mode over a store holding one triple: it refuses uploads."""
    directory = tmp_path_factory.mktemp("oxigraph-ro")
    preload = directory / "one.nt"
    preload.write_text("<https://example.org/a> <https://example.org/p> <https://example.org/b> .\n")
    server = start_oxigraph(directory, read_only=True, preload=preload)
    try:
        yield server
    finally:
        server.stop()
