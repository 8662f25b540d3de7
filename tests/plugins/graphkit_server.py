"""`graphkit serve` fixtures: the real server (`python -m graphkit serve`) on 127.0.0.1, a free
port, a temp cache folder; stopped after use (SIGTERM: graceful shutdown)."""
from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import pytest

from .servers import SparqlServer, free_port, popen

ROOT = Path(__file__).resolve().parents[2]


def start_graphkit_server(directory: Path, data: list, *options: str, ready_timeout: float = 120.0) -> SparqlServer:
    import requests

    directory.mkdir(parents=True, exist_ok=True)
    port = free_port()
    command = [sys.executable, "-m", "graphkit", "serve", *map(str, data), "--port", str(port),
               "--cache-dir", str(directory / "cache"), *options]
    log = directory / "serve.log"
    env_path = os.environ.get("PYTHONPATH", "")
    os.environ["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), env_path) if p)
    try:
        process = popen(command, log, ROOT)
    finally:
        os.environ["PYTHONPATH"] = env_path
    base = f"http://127.0.0.1:{port}"
    server = SparqlServer("graphkit serve", base + "/sparql", "", process, log, extra={"base": base})
    session = requests.Session()
    session.trust_env = False
    deadline = time.monotonic() + ready_timeout
    while time.monotonic() < deadline and server.alive():
        try:
            health = session.get(base + "/health", timeout=2)
            if health.status_code == 200 and health.json()["cypher"] != "loading":
                return server
        except requests.RequestException:
            pass
        time.sleep(0.1)
    tail = log.read_text(errors="replace")[-2000:] if log.exists() else ""
    server.stop()
    pytest.fail(f"graphkit serve did not start on {base}:\n{tail}")


@pytest.fixture(scope="session")
def graphkit_server(tmp_path_factory):
    """graphkit serve on the seed data; a 3 s timeout and a 5,000-row cap so limits are quick to hit."""
    server = start_graphkit_server(tmp_path_factory.mktemp("serve"), [ROOT / "seed_data"], "--timeout", "3",
                                   "--max-rows", "5000", "--workers", "2", "--memory-mb", "500")
    try:
        yield server
    finally:
        server.stop()
