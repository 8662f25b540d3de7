"""Streamed, resumable pushes from the compiled store (graphkit.sparql.push_stream,
graphkit.cypher.push_stream): into real servers started on 127.0.0.1 (PyPI's Oxigraph server,
Debian's Virtuoso 7.2, FalkorDB natively and over its Bolt listener), with real interruptions:
a server stopped in the middle, rights withdrawn after a chunk, the process interrupted between
chunks. No Neo4j server can be installed here (see docs/cypher.md): the Cypher push runs on
FalkorDB, whose dialect takes the same statements."""
import json
import shutil
from pathlib import Path
from urllib.parse import urlsplit

import pyoxigraph as ox
import pytest
import requests
from click.testing import CliRunner

from graphkit import sparql
from graphkit.cli import main
from graphkit.cypher.falkordb import FalkorDBBackend
from graphkit.cypher.neo4j import Neo4jBackend
from graphkit.cypher.push_stream import stream_push
from graphkit.cypher.sync import read_managed, sync_graph
from graphkit.errors import GraphkitError, RemoteError
from graphkit.push_checkpoint import PUSH_DIR
from graphkit.sparql.push_stream import push_compiled, push_store
from graphkit.store import ensure_store
from plugins.oxigraph_server import start_oxigraph
from plugins.virtuoso import start_virtuoso


@pytest.fixture(scope="module")
def virtuoso_server(tmp_path_factory):
    """A Virtuoso of this module's own, not the session's: the pushes here leave a dozen graphs
    behind, and Virtuoso's cost estimates grow with what it holds, until it refused the other
    modules' pack queries (an estimate of 9.7 million s against the 400 s limit)."""
    server = start_virtuoso(tmp_path_factory.mktemp("virtuoso-push"))
    try:
        yield server
    finally:
        server.stop()


pytestmark = pytest.mark.server

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "seed_data"
BOLT_DATA = ROOT / "tests" / "data" / "cypher" / "bolt.yaml"
TIMEOUT = 30.0
CHUNK = 300


class Interrupted(Exception):
    """Stands for Ctrl-C between two chunks (raised from the progress callback)."""


def interrupt_after(n_calls: int, action=None):
    calls = []

    def progress(done, total):
        calls.append(done)
        if len(calls) == n_calls:
            if action is None:
                raise Interrupted(done)
            action()

    progress.calls = calls
    return progress


@pytest.fixture
def seed_copy(tmp_path):
    path = tmp_path / "data"
    shutil.copytree(SEED, path)
    return path


@pytest.fixture
def store(seed_copy, tmp_path):
    return ensure_store([seed_copy], cache_dir=tmp_path / "cache")


def checkpoints(store) -> list[Path]:
    return sorted((store.key_dir / PUSH_DIR).glob("*.json")) if (store.key_dir / PUSH_DIR).is_dir() else []


def remote_count(server, graph) -> int:
    return sparql.count_triples(server.query_url, graph, timeout=TIMEOUT)


def remote_triples(server, graph) -> set[str]:
    """The graph on an Oxigraph server, as N-Triples lines parsed back by pyoxigraph."""
    answer = requests.get(server.store_url, params={"graph": graph}, headers={"Accept": "application/n-triples"},
                          timeout=TIMEOUT)
    answer.raise_for_status()
    return {str(t) for t in ox.parse(answer.content, format=ox.RdfFormat.N_TRIPLES)}


def store_triples(store) -> set[str]:
    return {str(q.triple) for q in store.rdf_store().quads_for_pattern(None, None, None, ox.DefaultGraph())}


# ----------------------------------------------------------------- SPARQL: whole pushes


@pytest.mark.parametrize("server_name", ["oxigraph", "virtuoso"])
@pytest.mark.parametrize("method", ["gsp", "update"])
def test_streamed_push_holds_exactly_the_store(server_name, method, request, store):
    server = request.getfixturevalue(f"{server_name}_server")
    graph = f"https://w3id.org/graphkit/test/stream-{method}-{server_name}"
    progress = interrupt_after(0)
    result = push_compiled(store, server.query_url, graph, method=method, chunk_size=CHUNK, progress=progress,
                           timeout=TIMEOUT)
    total = store.triple_count
    assert result.triples == result.remote_count == result.sent == total == remote_count(server, graph)
    assert result.chunks == -(-total // CHUNK) == len(progress.calls) and progress.calls[-1] == total
    assert (result.resumed_from, result.restarted, result.method) == (0, None, method)
    assert checkpoints(store) == []  # a complete push leaves no checkpoint
    if server_name == "oxigraph":  # triple for triple (Virtuoso rewrites big integers: test_sparql_servers)
        assert remote_triples(server, graph) == store_triples(store)


def test_a_second_push_replaces_the_graph(oxigraph_server, store):
    graph = "https://w3id.org/graphkit/test/stream-replace"
    requests.post(oxigraph_server.query_url.replace("/query", "/update"), timeout=TIMEOUT, data={
        "update": f"INSERT DATA {{ GRAPH <{graph}> {{ <https://example.org/old> <https://example.org/p> 1 }} }}"}
    ).raise_for_status()
    result = push_compiled(store, oxigraph_server.query_url, graph, chunk_size=CHUNK, timeout=TIMEOUT)
    assert result.remote_count == store.triple_count  # the old triple is gone: the first chunk replaced


# ----------------------------------------------------------------- SPARQL: interrupted, then resumed


def test_server_stopped_mid_push_then_resumed(tmp_path, store):
    """Oxigraph stopped after two acknowledged chunks, started again on the same port and data:
    the same push continues after the second chunk and sends each remaining triple once."""
    server = start_oxigraph(tmp_path / "oxigraph")
    port = urlsplit(server.query_url).port
    graph = "https://w3id.org/graphkit/test/stream-killed"
    try:
        with pytest.raises(RemoteError) as error:
            push_compiled(store, server.query_url, graph, chunk_size=CHUNK, timeout=5,
                          progress=interrupt_after(2, server.stop))
        message = str(error.value)
        assert "cannot reach" in message and f"continue after triple {2 * CHUNK:,}" in message
        saved = json.loads(checkpoints(store)[0].read_text())
        assert saved["done"] == 2 * CHUNK and saved["generation"] == store.digest
        assert "password" not in json.dumps(saved)
        server = start_oxigraph(tmp_path / "oxigraph", port=port)
        assert remote_count(server, graph) == 2 * CHUNK  # what was acknowledged survived the stop
        progress = interrupt_after(0)
        result = push_compiled(store, server.query_url, graph, chunk_size=CHUNK, progress=progress, timeout=TIMEOUT)
    finally:
        server.stop()
    total = store.triple_count
    assert (result.resumed_from, result.sent, result.restarted) == (2 * CHUNK, total - 2 * CHUNK, None)
    assert progress.calls[0] == 3 * CHUNK and progress.calls[-1] == total  # no chunk sent twice
    assert result.remote_count == total and checkpoints(store) == []


def test_refused_chunk_then_resumed_on_virtuoso(virtuoso_server, store):
    """Update rights withdrawn after chunk 2: the push fails with a partial copy; rights given
    back, the same push continues with chunk 3, and Virtuoso holds each triple once."""
    graph = "https://w3id.org/graphkit/test/stream-refused"
    revoke = interrupt_after(2, lambda: virtuoso_server.sql('REVOKE SPARQL_UPDATE FROM "SPARQL";'))
    try:
        with pytest.raises(RemoteError) as error:
            push_compiled(store, virtuoso_server.query_url, graph, chunk_size=CHUNK, progress=revoke,
                          timeout=TIMEOUT)
    finally:
        virtuoso_server.sql('GRANT SPARQL_UPDATE TO "SPARQL";')
    total = store.triple_count
    assert "POST of chunk 3/" in str(error.value) and "HTTP 403" in str(error.value)
    assert f"now holds a partial copy ({2 * CHUNK} of {total} triples)" in str(error.value)
    result = push_compiled(store, virtuoso_server.query_url, graph, chunk_size=CHUNK, timeout=TIMEOUT)
    assert (result.resumed_from, result.sent, result.remote_count) == (2 * CHUNK, total - 2 * CHUNK, total)
    distinct = sparql.run_sparql("SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o WHERE { ?s ?p ?o } }",
                                 endpoint=virtuoso_server.query_url, default_graph=graph, timeout=TIMEOUT)
    assert int(distinct.rows[0][0]) == total


def test_interrupted_between_chunks_then_resumed_from_the_command_line(oxigraph_server, seed_copy, tmp_path):
    graph = "https://w3id.org/graphkit/test/stream-cli"
    cache = tmp_path / "cache"
    store = ensure_store([seed_copy], cache_dir=cache)
    with pytest.raises(Interrupted):
        push_compiled(store, oxigraph_server.query_url, graph, chunk_size=CHUNK, progress=interrupt_after(3))
    result = CliRunner().invoke(main, ["--store", str(cache), "push", "sparql", "-d", str(seed_copy),
                                       "--endpoint", oxigraph_server.query_url, "--graph", graph,
                                       "--chunk-size", str(CHUNK)])
    assert result.exit_code == 0, result.output
    total = store.triple_count
    chunks = -(-total // CHUNK)
    assert result.output == (f"pushed {total} triples to <{graph}> in " + result.output.split(" in ")[1].split(" s ")[0]
                             + f" s ({chunks} chunks; continued after {3 * CHUNK} triples sent earlier); "
                             f"the server holds {total} triples in that graph\n")
    assert remote_count(oxigraph_server, graph) == total and checkpoints(store) == []


def test_changed_data_starts_over(oxigraph_server, seed_copy, tmp_path):
    """A checkpoint of another store generation is not used: the push replaces the graph."""
    graph = "https://w3id.org/graphkit/test/stream-changed"
    cache = tmp_path / "cache"
    before = ensure_store([seed_copy], cache_dir=cache)
    with pytest.raises(Interrupted):
        push_compiled(before, oxigraph_server.query_url, graph, chunk_size=CHUNK, progress=interrupt_after(2))
    assert len(checkpoints(before)) == 1
    organizations = seed_copy / "entities" / "organizations.yaml"
    text = organizations.read_text()
    assert "    name: Apple\n" in text
    organizations.write_text(text.replace("    name: Apple\n", "    name: Apple Inc.\n", 1))
    after = ensure_store([seed_copy], cache_dir=cache)
    assert after.digest != before.digest
    result = push_compiled(after, oxigraph_server.query_url, graph, chunk_size=CHUNK, timeout=TIMEOUT)
    assert (result.resumed_from, result.sent, result.remote_count) == (0, after.triple_count, after.triple_count)
    names = sparql.run_sparql("SELECT ?n WHERE { e:apple rdfs:label ?n FILTER(LANG(?n) = 'en') }",
                              endpoint=oxigraph_server.query_url, default_graph=graph, timeout=TIMEOUT)
    assert [str(row[0]) for row in names.rows] == ["Apple Inc."]
    assert checkpoints(after) == []


def test_graph_changed_on_the_server_meanwhile_starts_over(oxigraph_server, store):
    graph = "https://w3id.org/graphkit/test/stream-dropped"
    with pytest.raises(Interrupted):
        push_compiled(store, oxigraph_server.query_url, graph, chunk_size=CHUNK, progress=interrupt_after(2))
    requests.post(oxigraph_server.query_url.replace("/query", "/update"), data={"update": f"DROP GRAPH <{graph}>"},
                  timeout=TIMEOUT).raise_for_status()
    result = push_compiled(store, oxigraph_server.query_url, graph, chunk_size=CHUNK, timeout=TIMEOUT)
    assert result.restarted == f"the server holds 0 triples in the graph, the checkpoint expects {2 * CHUNK} to {3 * CHUNK}"
    assert (result.resumed_from, result.remote_count) == (0, store.triple_count)


def test_restart_ignores_the_checkpoint(oxigraph_server, store):
    graph = "https://w3id.org/graphkit/test/stream-restart"
    with pytest.raises(Interrupted):
        push_compiled(store, oxigraph_server.query_url, graph, chunk_size=CHUNK, progress=interrupt_after(1))
    result = push_compiled(store, oxigraph_server.query_url, graph, chunk_size=CHUNK, timeout=TIMEOUT, restart=True)
    assert (result.resumed_from, result.sent) == (0, store.triple_count)


def test_blank_nodes_cannot_be_cut_into_chunks(oxigraph_server, tmp_path):
    data = ox.Store()
    node = ox.BlankNode()
    data.add(ox.Quad(ox.NamedNode("https://example.org/s"), ox.NamedNode("https://example.org/p"), node))
    data.add(ox.Quad(node, ox.NamedNode("https://example.org/v"), ox.Literal("1")))
    graph = "https://w3id.org/graphkit/test/stream-bnodes"
    with pytest.raises(GraphkitError, match="blank nodes, which cannot travel in separate chunks: use a chunk "
                                            "size of at least 2 triples"):
        push_store(data, oxigraph_server.query_url, graph, generation="g", chunk_size=1, timeout=TIMEOUT)
    result = push_store(data, oxigraph_server.query_url, graph, generation="g", chunk_size=2, timeout=TIMEOUT)
    assert result.remote_count == 2


# ----------------------------------------------------------------- Cypher


@pytest.fixture
def backend(falkordb_graph):
    return FalkorDBBackend(falkordb_graph)


def test_cypher_push_interrupted_then_resumed_equals_the_sync(backend, falkordb_server, store):
    """Interrupted after 3 batches, resumed: the database holds exactly what the diff sync
    writes (a sync finds nothing to change), and each batch went once."""
    model = store.model()
    with pytest.raises(Interrupted):
        stream_push(backend, model, batch_size=20, generation=store.digest, checkpoint_dir=store.key_dir,
                    progress=interrupt_after(3))
    assert json.loads(checkpoints(store)[0].read_text())["done"] == 3
    progress = interrupt_after(0)
    result = stream_push(backend, model, batch_size=20, generation=store.digest, checkpoint_dir=store.key_dir,
                         progress=progress)
    n_nodes, n_rels = len(model.entities) + len(model.sources), len(model.statements)
    assert (result.nodes, result.relationships, result.resumed_from) == (n_nodes, n_rels, 3)
    assert result.sent_batches == result.batches - 3 and progress.calls[-1] == n_nodes + n_rels
    assert checkpoints(store) == []
    assert not sync_graph(backend, model, dry_run=True).changed
    reference = FalkorDBBackend(falkordb_server.graph("stream_reference"))
    try:
        sync_graph(reference, model)
        assert read_managed(backend, "graphkit") == read_managed(reference, "graphkit")
    finally:
        falkordb_server.graph("stream_reference").delete()


def test_cypher_push_removes_what_left_the_data_and_keeps_the_rest(backend, seed_copy, tmp_path):
    first = ensure_store([seed_copy], cache_dir=tmp_path / "cache").model()
    stream_push(backend, first, batch_size=50)
    backend.run("CREATE (:Company {id: 'apple', name: 'not graphkit'})", write=True)
    backend.run("CREATE (:GraphkitManaged:Company {graphkit_graph: 'other', graphkit_key: 'x', id: 'x'})", write=True)
    # an ontology label graphkit owns, added by hand to one of its nodes: the push removes it
    backend.run("MATCH (n:GraphkitManaged {graphkit_graph: 'graphkit', graphkit_key: 'apple'}) SET n:Person",
                write=True)
    # graphkit's nodes whose entity left the data: first and last in key order
    for key in ("0-gone", "zzz-gone"):
        backend.run("CREATE (:GraphkitManaged:Company {graphkit_graph: 'graphkit', graphkit_key: $key, id: $key})",
                    {"key": key}, write=True)
    relations = seed_copy / "relations" / "apple-intelligence.yaml"
    fact = ("  - fact: apple develops apple-foundation-models\n    status: confirmed\n"
            "    source: apple-2024-06-10-apple-intelligence\n")
    assert fact in relations.read_text()
    relations.write_text(relations.read_text().replace(fact, ""))
    second = ensure_store([seed_copy], cache_dir=tmp_path / "cache").model()
    assert len(second.statements) == len(first.statements) - 1
    result = stream_push(backend, second, batch_size=50, cleanup_page=7)  # the clean-up reads many pages
    assert (result.relationships_deleted, result.nodes_deleted, result.labels_removed) == (1, 2, 1)
    assert (result.nodes, result.relationships) == (len(second.entities) + len(second.sources), len(second.statements))
    assert "Person" not in backend.run("MATCH (n {graphkit_key: 'apple'}) RETURN labels(n)").rows[0][0]
    assert not sync_graph(backend, second, dry_run=True).changed
    assert backend.run("MATCH (n:Company {name: 'not graphkit'}) RETURN count(n)").rows == [[1]]
    assert backend.run("MATCH (n {graphkit_graph: 'other'}) RETURN count(n)").rows == [[1]]


def test_cli_stream_push_over_bolt(falkordb_bolt, tmp_path):
    """The neo4j driver's code path against FalkorDB's Bolt listener (data without apostrophes:
    the listener fails on them)."""
    server, uri = falkordb_bolt
    data = tmp_path / "bolt.yaml"
    shutil.copy(BOLT_DATA, data)
    args = ["--store", str(tmp_path / "cache"), "push", "neo4j", "-d", str(data), "--uri", uri, "--batch-size", "2"]
    result = CliRunner().invoke(main, args, env={"NEO4J_USERNAME": None, "NEO4J_PASSWORD": None})
    assert result.exit_code == 0, result.output
    assert result.output.startswith(f"pushed to {uri}: 7 nodes, 4 relationships written in ")
    native = FalkorDBBackend(server.graph("falkordb"))
    assert not sync_graph(native, ensure_store([data], cache_dir=tmp_path / "cache").model(), dry_run=True).changed


def test_cypher_push_over_bolt_resumes(falkordb_bolt, tmp_path):
    """One driver for both runs: FalkorDB's Bolt listener fails every other new connection
    after one is closed (tests/plugins/falkordb.py)."""
    server, uri = falkordb_bolt
    data = tmp_path / "bolt.yaml"
    shutil.copy(BOLT_DATA, data)
    store = ensure_store([data], cache_dir=tmp_path / "cache")
    options = {"batch_size": 2, "generation": store.digest, "checkpoint_dir": store.key_dir,
               "target": {"uri": uri}}
    with Neo4jBackend(uri) as bolt:
        with pytest.raises(Interrupted):
            stream_push(bolt, store.model(), **options, progress=interrupt_after(2))
        result = stream_push(bolt, store.model(), **options)
    assert (result.resumed_from, result.nodes, result.relationships) == (2, 7, 4)
    assert not sync_graph(FalkorDBBackend(server.graph("falkordb")), store.model(), dry_run=True).changed


def test_push_process_killed_then_resumed(oxigraph_server, seed_copy, tmp_path):
    """The real thing: `graphkit push sparql` killed (SIGKILL) once a few chunks are acknowledged;
    the same command then continues after the checkpoint and the graph holds the store's count."""
    import os
    import signal
    import subprocess
    import sys
    import time

    graph = "https://w3id.org/graphkit/test/stream-sigkill"
    cache = tmp_path / "cache"
    store = ensure_store([seed_copy], cache_dir=cache)
    command = [sys.executable, "-m", "graphkit.cli", "--store", str(cache), "push", "sparql", "-d", str(seed_copy),
               "--endpoint", oxigraph_server.query_url, "--graph", graph, "--chunk-size", "10"]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    process = subprocess.Popen(command, cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 120
    done = 0
    while time.monotonic() < deadline and process.poll() is None:
        files = checkpoints(store)
        try:
            done = json.loads(files[0].read_text())["done"] if files else 0
        except (OSError, ValueError, IndexError):
            done = 0
        if done >= 50:
            process.send_signal(signal.SIGKILL)
            break
        time.sleep(0.005)  # polling the checkpoint file, not waiting for a fixed time
    process.communicate(timeout=60)
    assert process.returncode == -signal.SIGKILL, "the push ended before it could be killed"
    saved = json.loads(checkpoints(store)[0].read_text())["done"]
    assert saved >= 50 and saved % 10 == 0
    resumed = subprocess.run(command, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300)
    assert resumed.returncode == 0, resumed.stderr
    total = store.triple_count
    assert f"continued after {saved} triples sent earlier" in resumed.stdout, resumed.stdout
    assert f"the server holds {total} triples in that graph" in resumed.stdout
    assert remote_count(oxigraph_server, graph) == total and checkpoints(store) == []


def test_cli_update_method_default_chunks_fit_virtuoso(virtuoso_server, seed_copy, tmp_path):
    """SPARQL Update with its default chunk size (1,000 triples: Virtuoso refuses 2,000)."""
    graph = "https://w3id.org/graphkit/test/stream-update-cli"
    result = CliRunner().invoke(main, ["--store", str(tmp_path / "cache"), "push", "sparql", "-d", str(seed_copy),
                                       "--endpoint", virtuoso_server.query_url, "--graph", graph,
                                       "--method", "update"])
    assert result.exit_code == 0, result.output
    total = ensure_store([seed_copy], cache_dir=tmp_path / "cache").triple_count
    assert f"pushed {total} triples" in result.output and f"({-(-total // 1000)} chunks)" in result.output
    assert remote_count(virtuoso_server, graph) == total
