"""Virtuoso fixtures: Debian's virtuoso-opensource 7.2 (a test dependency: scripts/setup.sh test)
with a throw-away database in a temp dir, on 127.0.0.1 and free ports, always stopped after use.
A missing binary fails loudly, never skips. The recipe and Virtuoso's traps are in
docs/architecture.md ("Virtuoso")."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from .servers import SparqlServer, free_port, popen, wait_ready

VIRTUOSO_DBA = ("dba", "dba")  # the throw-away database's administrator (Digest auth on *-auth)
VIRTUOSO_BASIC_USER = ("graphkit", "graphkit-basic-secret")  # a SQL user for the Basic-auth endpoints


# MaxQueryCostEstimationTime: Debian's shipped value (400 s). Virtuoso refuses a query whose
# *estimated* time exceeds it, and its estimates grow with the store and with each OPTIONAL far
# beyond the real time (docs/sparql.md, "Documented deviations"); with 60 s the pack's dated
# queries were refused once the module had pushed a few copies of the seed.
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
MaxQueryCostEstimationTime = 400
"""


def start_virtuoso(directory: Path) -> SparqlServer:
    """Debian's Virtuoso 7.2 with a throw-away database; anonymous SPARQL updates granted.

    Endpoints: /sparql (query), /sparql-graph-crud (anonymous Graph Store), /sparql-auth and
    /sparql-graph-crud-auth (Digest, dba), and /sparql-basic, a query endpoint defined here that
    takes Basic auth (user VIRTUOSO_BASIC_USER). A Basic-auth Graph Store endpoint cannot be
    defined the same way: Virtuoso 7.2 hangs on a PUT to it (is_dav=1) or answers 501 (is_dav=0).
    """
    binary, isql = shutil.which("virtuoso-t"), shutil.which("isql-vt")
    if not binary or not isql:
        pytest.fail("Virtuoso is missing: apt-get install virtuoso-opensource (scripts/setup.sh test)")
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "www").mkdir(exist_ok=True)
    sql_port, http_port = free_port(), free_port()
    ini = directory / "virtuoso.ini"
    ini.write_text(_VIRTUOSO_INI.format(d=directory, sql_port=sql_port, http_port=http_port))
    log = directory / "virtuoso.out"
    server = SparqlServer("virtuoso", f"http://127.0.0.1:{http_port}/sparql",
                          f"http://127.0.0.1:{http_port}/sparql-graph-crud",
                          popen([binary, "+foreground", "+configfile", str(ini)], log, directory), log,
                          isql=[isql, f"127.0.0.1:{sql_port}", *VIRTUOSO_DBA])
    wait_ready(server, 60)
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
