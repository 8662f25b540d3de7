"""graphkit serve --reload (edit a YAML file: the answers change; break it: the old data stays
served, the error is reported) and graceful shutdown (SIGTERM: exit 0, workers gone)."""
from __future__ import annotations

import os
import shutil
import signal
import time
from pathlib import Path

import pytest

from plugins.graphkit_server import start_graphkit_server

pytestmark = pytest.mark.server

ROOT = Path(__file__).resolve().parents[1]


def children(pid: int) -> set[int]:
    found = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.add(int(entry.name))
    return found


def wait_for(predicate, timeout: float = 60.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError("timed out waiting")


def test_reload_on_change_keeps_old_data_on_error_and_shuts_down_gracefully(tmp_path):
    import requests

    data = tmp_path / "data"
    shutil.copytree(ROOT / "seed_data", data)
    server = start_graphkit_server(tmp_path / "serve", [data], "--reload", "--reload-interval", "0.5", "--no-cypher")
    base = server.extra["base"]
    session = requests.Session()
    session.trust_env = False
    name_query = {"query": "SELECT ?n WHERE { e:apple schema:name ?n }"}

    def name() -> str:
        return session.get(base + "/sparql", params=name_query).json()["results"]["bindings"][0]["n"]["value"]

    try:
        assert name() == "Apple"
        organizations = data / "entities" / "organizations.yaml"
        text = organizations.read_text(encoding="utf-8")
        organizations.write_text(text.replace("    name: Apple\n", "    name: Apple Computer\n", 1), encoding="utf-8")
        wait_for(lambda: session.get(base + "/health").json()["reloads"] == 1)
        assert name() == "Apple Computer"
        assert "Apple Computer" in session.get(base + "/entity/apple", headers={"Accept": "text/html"}).text
        assert session.get(base + "/search", params={"q": "apple computer"}).json()["hits"][0]["id"] == "apple"

        organizations.write_text(text.replace("    name: Apple\n", "    name: [broken\n", 1), encoding="utf-8")
        health = wait_for(lambda: (h := session.get(base + "/health").json())["last_reload_error"] and h)
        assert "organizations.yaml" in health["last_reload_error"] and health["reloads"] == 1
        assert name() == "Apple Computer"  # still the last good data

        workers = children(server.process.pid)
        assert len(workers) >= 2
        os.kill(server.process.pid, signal.SIGTERM)  # the server only: it must stop its workers itself
        # uvicorn shuts down gracefully, then re-raises the signal (exit status -SIGTERM by convention)
        assert server.process.wait(timeout=30) in (0, -signal.SIGTERM)
        log = server.log.read_text(errors="replace")
        assert "Waiting for application shutdown" in log and "Finished server process" in log
        assert "Traceback" not in log
        assert not {pid for pid in workers if Path(f"/proc/{pid}").exists()}
    finally:
        server.stop()


def test_reload_switches_cypher_with_sparql_and_stops_the_old_processes(tmp_path):
    """Cypher answers from the new data from the moment SPARQL does; the old FalkorDB
    processes are stopped."""
    import requests

    data = tmp_path / "data"
    shutil.copytree(ROOT / "seed_data", data)
    server = start_graphkit_server(tmp_path / "serve", [data], "--reload", "--reload-interval", "0.5",
                                   "--workers", "1", "--cypher-workers", "2")
    base = server.extra["base"]
    session = requests.Session()
    session.trust_env = False

    def cypher_name() -> str:
        answer = session.post(base + "/cypher", json={"query": "MATCH (n {id: 'apple'}) RETURN n.name"})
        assert answer.status_code == 200, answer.text
        return answer.json()["rows"][0][0]

    try:
        assert cypher_name() == "Apple"
        before = children(server.process.pid)
        assert len(before) == 3  # one SPARQL worker, two FalkorDB processes
        organizations = data / "entities" / "organizations.yaml"
        text = organizations.read_text(encoding="utf-8")
        organizations.write_text(text.replace("    name: Apple\n", "    name: Apple Computer\n", 1), encoding="utf-8")
        wait_for(lambda: session.get(base + "/health").json()["reloads"] == 1)
        assert cypher_name() == "Apple Computer"
        health = session.get(base + "/health").json()
        assert health["cypher"] == "ready" and health["cypher_ready_processes"] == 2
        after = children(server.process.pid)
        assert len(after) == 3 and not after & before  # new processes, the old ones gone
    finally:
        server.stop()
