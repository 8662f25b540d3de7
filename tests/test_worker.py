"""Killable query workers: deadline, row cap, memory cap, replacement, pool."""
from __future__ import annotations

import threading
import time

import pytest

HOSTILE = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"  # ~1e10 rows on the seed


@pytest.fixture(scope="module")
def store_path(tmp_path_factory, seed_graph):
    """The seed graph in an on-disk Oxigraph store."""
    import pyoxigraph as ox

    from graphkit.rdf import ntriples

    path = tmp_path_factory.mktemp("worker") / "store"
    store = ox.Store(str(path))
    store.bulk_load(ntriples(seed_graph), format=ox.RdfFormat.N_TRIPLES)
    store.flush()
    del store
    return str(path)


@pytest.fixture
def worker(store_path):
    from graphkit.worker import QueryWorker, StoreOpener

    worker = QueryWorker(StoreOpener(store_path), memory_mb=300)
    yield worker
    worker.close()


def hostile_in_background(pool, timeout: float):
    """HOSTILE on the pool in a started thread; outcome["hostile"] is the QueryTimeout it ends with."""
    from graphkit.worker import QueryTimeout

    outcome: dict = {}

    def hostile():
        try:
            pool.sparql(HOSTILE, timeout=timeout)
        except QueryTimeout as exc:
            outcome["hostile"] = exc

    thread = threading.Thread(target=hostile)
    thread.start()
    return thread, outcome


def test_answers_select_in_each_format(worker):
    import json

    count = worker.sparql("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
    assert count.kind == "select" and count.media_type == "application/sparql-results+json"
    total = int(json.loads(count.body)["results"]["bindings"][0]["n"]["value"])
    assert total > 1000
    query = ("SELECT ?name WHERE { <https://w3id.org/graphkit/entity/apple> <https://schema.org/name> ?name } "
             "ORDER BY ?name")
    csv = worker.sparql(query, select_format="csv").body.decode()
    assert csv.splitlines()[0] == "name" and "Apple" in csv and csv.endswith("\r\n")
    tsv = worker.sparql(query, select_format="tsv").body.decode()
    assert tsv.splitlines()[0] == "?name" and '"Apple"' in tsv
    xml = worker.sparql(query, select_format="xml").body.decode()
    assert '<variable name="name"/>' in xml and ">Apple</literal>" in xml
    ask = worker.sparql("ASK { ?s ?p ?o }")
    assert ask.kind == "ask" and json.loads(ask.body) == {"head": {}, "boolean": True}


def test_terms_convert_to_the_same_result_as_run_sparql(worker, seed_graph):
    from graphkit.sparql import run_sparql

    query = ("PREFIX gk: <https://w3id.org/graphkit/ontology#> SELECT ?a ?b WHERE { ?a gk:partnersWith ?b } "
             "ORDER BY ?a ?b")
    answer = worker.sparql(query, select_format="terms")
    assert answer.rows and answer.to_sparql_result().rows == run_sparql(query, seed_graph).rows


def test_construct_is_serialized_sorted(worker):
    query = "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o } LIMIT 20"
    turtle = worker.sparql(query, graph_format="turtle", turtle_prefixes={"e": "https://w3id.org/graphkit/entity/"})
    assert turtle.kind == "graph" and turtle.media_type == "text/turtle" and turtle.count == 20
    nt = worker.sparql(query, graph_format="ntriples").body.decode().splitlines()
    assert nt == sorted(nt) and len(nt) == 20


def test_cross_product_stopped_at_the_timeout_and_worker_replaced(worker):
    from graphkit.errors import GraphkitError
    from graphkit.worker import QueryTimeout

    worker.sparql("ASK { ?s ?p ?o }")  # started and ready
    old_pid = worker.pid
    start = time.monotonic()
    with pytest.raises(QueryTimeout, match="0.5 s timeout") as caught:
        worker.sparql(HOSTILE, timeout=0.5)
    assert 0.5 <= time.monotonic() - start < 2.5
    assert isinstance(caught.value, GraphkitError)
    assert worker.restarts == 1 and worker.pid != old_pid
    assert worker.sparql("ASK { ?s ?p ?o }").boolean is True  # the replacement answers


def test_huge_result_capped_without_running_to_the_end(worker):
    from graphkit.worker import TooManyRows

    start = time.monotonic()
    with pytest.raises(TooManyRows, match="more than 1,000 rows"):
        worker.sparql("SELECT * WHERE { ?a ?b ?c . ?d ?e ?f }", max_rows=1000, timeout=30)
    assert time.monotonic() - start < 5
    with pytest.raises(TooManyRows, match="triples"):
        worker.sparql("CONSTRUCT { ?a ?b ?d } WHERE { ?a ?b ?c . ?d ?e ?f }", max_rows=50)
    assert worker.restarts == 0  # a capped answer does not cost the worker


def test_memory_cap_stops_a_query_and_the_worker_is_replaced(worker):
    from graphkit.worker import QueryOutOfMemory

    with pytest.raises(QueryOutOfMemory, match="300 MB"):
        worker.sparql("SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i } ORDER BY ?a", max_rows=None, timeout=60)
    assert worker.restarts == 1
    assert worker.sparql("ASK { ?s ?p ?o }").boolean is True


def test_killed_from_outside_is_reported_and_replaced(worker):
    import os
    import signal

    from graphkit.worker import WorkerCrashed

    worker.sparql("ASK { ?s ?p ?o }")
    os.kill(worker.pid, signal.SIGKILL)
    with pytest.raises(WorkerCrashed, match="replaced"):
        worker.sparql("ASK { ?s ?p ?o }")
    assert worker.sparql("ASK { ?s ?p ?o }").boolean is True


def test_syntax_error_and_service_refused(worker):
    from graphkit.errors import GraphkitError
    from graphkit.sparql import SparqlSyntaxError

    with pytest.raises(SparqlSyntaxError, match="line 1, column 1"):
        worker.sparql("SELEC ?s WHERE { ?s ?p ?o }")
    with pytest.raises(GraphkitError, match="SERVICE"):
        worker.sparql("SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }")
    with pytest.raises(GraphkitError, match="SERVICE"):
        worker.sparql("SELECT * WHERE { \\u0053ERVICE <http://example.org/sparql> { ?s ?p ?o } }")
    assert worker.restarts == 0


def test_store_that_cannot_be_opened(tmp_path):
    from graphkit.errors import GraphkitError
    from graphkit.worker import QueryWorker, StoreOpener

    worker = QueryWorker(StoreOpener(str(tmp_path / "missing")))
    try:
        with pytest.raises(GraphkitError, match="could not open the store"):
            worker.sparql("ASK { ?s ?p ?o }")
    finally:
        worker.close()


def test_fork_context_serves_an_in_memory_store(seed_graph):
    import pyoxigraph as ox

    from graphkit.rdf import ntriples
    from graphkit.worker import QueryTimeout, QueryWorker

    store = ox.Store()
    store.bulk_load(ntriples(seed_graph), format=ox.RdfFormat.N_TRIPLES)
    worker = QueryWorker(lambda: store, context="fork", memory_mb=None)
    try:
        assert worker.sparql("ASK { ?s ?p ?o }").boolean is True
        with pytest.raises(QueryTimeout):
            worker.sparql(HOSTILE, timeout=0.5)
        assert worker.sparql("ASK { ?s ?p ?o }").boolean is True
    finally:
        worker.close()


def test_pool_keeps_serving_while_a_hostile_query_runs(store_path):
    from graphkit.worker import QueryTimeout, StoreOpener, WorkerPool

    with WorkerPool(StoreOpener(store_path), size=2, memory_mb=300) as pool:
        pool.wait_ready()
        thread, outcome = hostile_in_background(pool, timeout=1.0)
        answered = 0
        while thread.is_alive() and answered < 50:  # answered while the hostile query runs (then no busy loop)
            assert pool.sparql("ASK { ?s ?p ?o }", timeout=5).boolean is True
            answered += 1
        thread.join()
        assert isinstance(outcome.get("hostile"), QueryTimeout)
        assert answered > 10  # the other worker answered meanwhile
        assert pool.restarts == 1
        assert pool.sparql("ASK { ?s ?p ?o }").boolean is True


def test_pool_busy_when_every_worker_is_taken(store_path):
    from graphkit.worker import QueryTimeout, StoreOpener, WorkerPool, WorkersBusy

    with WorkerPool(StoreOpener(store_path), size=1, queue_timeout=0.3) as pool:
        pool.wait_ready()
        thread, outcome = hostile_in_background(pool, timeout=1.0)  # (pytest.raises in a thread fails nothing)
        while pool._idle.qsize():  # until the hostile query holds the only worker
            time.sleep(0.01)
        with pytest.raises(WorkersBusy, match="busy"):
            pool.sparql("ASK { ?s ?p ?o }")
        thread.join()
        assert isinstance(outcome.get("hostile"), QueryTimeout)


@pytest.mark.slow  # a process that owns a worker, killed with -9
def test_worker_ends_when_its_parent_is_killed_mid_query(store_path, tmp_path):
    """No orphan: kill -9 the process that owns a worker running an endless query."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    script = tmp_path / "owner.py"
    script.write_text(
        "import os, signal, threading, time\n"
        "from graphkit.worker import QueryWorker, StoreOpener\n"
        f"w = QueryWorker(StoreOpener({store_path!r}))\n"
        "w.sparql('ASK { ?s ?p ?o }')\n"
        "print(w.pid, flush=True)\n"
        f"threading.Thread(target=lambda: w.sparql({HOSTILE!r}, timeout=600)).start()\n"
        "time.sleep(0.5)\n"
        "os.kill(os.getpid(), signal.SIGKILL)\n", encoding="utf-8")
    root = str(Path(__file__).resolve().parents[1])
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in (root, os.environ.get("PYTHONPATH", "")) if p)}
    owner = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, env=env, timeout=60)
    pid = int(owner.stdout.split()[0])
    def running() -> bool:
        try:
            return "State:\tZ" not in Path(f"/proc/{pid}/status").read_text()
        except OSError:
            return False

    deadline = time.monotonic() + 10
    while running() and time.monotonic() < deadline:
        time.sleep(0.1)
    alive = running()
    if alive:
        os.kill(pid, 9)
    assert not alive, "the worker outlived its parent"


# ---------------------------------------------------------------- the fast lane

def _pack_texts(seed_graph) -> dict[str, str]:
    from graphkit import sparql
    from graphkit.rdf import data_prefixes

    prefixes = data_prefixes()
    texts = {}
    for query in sparql.list_queries():
        bindings = sparql.resolve_params(query.text, {}, prefixes=prefixes, kg=seed_graph, origin=query.name)
        texts[query.name] = sparql.with_prefixes(sparql.inject_values(query.text, bindings), prefixes)
    return texts


def test_fast_lane_gives_the_same_bytes_as_the_worker(store_path, seed_graph):
    """Every pack query, in each answer format: first in a worker, then (known cheap) inline;
    the answers are byte-identical."""
    from graphkit.worker import StoreOpener, WorkerPool

    texts = _pack_texts(seed_graph)
    with WorkerPool(StoreOpener(store_path), size=1, fast_lane_cpu=5.0) as pool:
        for name, text in sorted(texts.items()):
            for fmt in ("json", "xml", "csv", "tsv"):
                first = pool.sparql(text, select_format=fmt, graph_format="turtle", timeout=60)
                second = pool.sparql(text, select_format=fmt, graph_format="turtle", timeout=60)
                assert (first.lane, second.lane) == ("worker" if fmt == "json" else "inline", "inline"), name
                assert second.body == first.body and second.count == first.count, (name, fmt)
                assert 0 < first.cpu_seconds < 5
        assert pool.answers == {"worker": 1 * len(texts), "inline": 7 * len(texts)}


def test_fast_lane_runs_nothing_unknown_or_expensive_inline(store_path):
    from graphkit.worker import QueryTimeout, StoreOpener, WorkerPool

    heavy = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f }"  # about 0.3 s of CPU on the seed
    with WorkerPool(StoreOpener(store_path), size=1, fast_lane_cpu=0.05, memory_mb=300) as pool:
        first = pool.sparql(heavy, timeout=120)
        assert first.lane == "worker" and first.cpu_seconds > 0.05
        assert pool.sparql(heavy, timeout=120).lane == "worker"  # known, but above the fast lane's limit
        cheap = "ASK { ?s ?p ?o }"
        assert pool.sparql(cheap, timeout=10).lane == "worker"  # unknown: measured in a worker first
        assert pool.sparql(cheap, timeout=10).lane == "inline"
        pool.fast_lane_cpu = 1000.0
        cost = pool.known_cost(pool_request(heavy))
        assert pool.lane_for(pool_request(heavy), timeout=8 * cost) == "worker"  # over a tenth of its timeout
        assert pool.lane_for(pool_request(heavy), timeout=100 * cost) == "inline"
        assert pool.sparql(heavy, timeout=100 * cost + 60).lane == "inline"
        pool.fast_lane_cpu = 0.05
        for _ in range(2):  # a query that never finished is never known: killed in a worker each time
            with pytest.raises(QueryTimeout):
                pool.sparql(HOSTILE, timeout=0.5)
        assert pool.known_cost(pool_request(HOSTILE)) is None
        assert pool.restarts == 2


def pool_request(query):
    from graphkit.worker import SparqlRequest

    return SparqlRequest(query)


def test_fast_lane_serves_while_the_only_worker_runs_a_hostile_query(store_path):
    from graphkit.worker import QueryTimeout, StoreOpener, WorkerPool

    with WorkerPool(StoreOpener(store_path), size=1, fast_lane_cpu=0.1) as pool:
        cheap = "SELECT ?name WHERE { <https://w3id.org/graphkit/entity/apple> <https://schema.org/name> ?name }"
        expected = pool.sparql(cheap).body
        thread, outcome = hostile_in_background(pool, timeout=1.0)
        while pool._idle.qsize():  # until the hostile query holds the only worker
            time.sleep(0.01)
        answered = 0
        while thread.is_alive() and answered < 50:  # answered while the hostile query runs (then no busy loop)
            answer = pool.sparql(cheap)
            assert answer.lane == "inline" and answer.body == expected
            answered += 1
        thread.join()
        assert isinstance(outcome.get("hostile"), QueryTimeout) and pool.restarts == 1
        assert answered > 10
