"""`graphkit push neo4j`: the sync logic on a real FalkorDB (its native protocol), and the Bolt
code path (the neo4j driver) against FalkorDB's Bolt listener within its limits.

No Neo4j server can be installed here; see docs/cypher.md for what runs where.
"""
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from graphkit.api import load
from graphkit.cli import main
from graphkit.cypher import push_neo4j, run_cypher
from graphkit.cypher.falkordb import FalkorDBBackend
from graphkit.cypher.neo4j import Neo4jBackend
from graphkit.cypher.sync import property_graph_rows, read_managed, sync_graph
from graphkit.errors import GraphkitError

pytestmark = pytest.mark.server

DATA = Path(__file__).parent / "data" / "cypher"
ROOT = Path(__file__).resolve().parents[1]


def snapshot(backend):
    """Every node and relationship in the graph, graphkit's or not, as comparable data."""
    nodes = backend.run("MATCH (n) RETURN labels(n), properties(n)").rows
    rels = backend.run("MATCH (a)-[r]->(b) RETURN a.id, type(r), b.id, properties(r)").rows
    key = repr
    return sorted(map(key, nodes)), sorted(map(key, rels))


def counts(backend):
    return backend.run("MATCH (n) RETURN count(n)").rows[0][0], backend.run("MATCH ()-[r]->() RETURN count(r)").rows[0][0]


def expected_state(graph, name="graphkit"):
    nodes, rels = property_graph_rows(graph, name)
    return ({n.key: (set(n.labels), n.properties) for n in nodes},
            {r.statement_id: (r.type, r.start, r.end, r.properties) for r in rels})


@pytest.fixture
def backend(falkordb_graph):
    return FalkorDBBackend(falkordb_graph)


@pytest.fixture
def yaml_copy(tmp_path):
    path = tmp_path / "graph.yaml"
    shutil.copy(DATA / "graph.yaml", path)
    return path


def add_foreign_data(backend):
    """Nodes someone else created: one of them looks like an entity, one points at Apple, one is
    marked as graphkit's but for another graph name."""
    backend.run("CREATE (:Company {id: 'apple', name: 'Someone else\\'s Apple'})", write=True)
    backend.run("MATCH (a:GraphkitManaged {graphkit_key: 'apple', graphkit_graph: 'graphkit'}) "
                "CREATE (:Note {text: 'mine'})-[:ABOUT]->(a)", write=True)
    backend.run("CREATE (:GraphkitManaged:Company {graphkit_graph: 'other', graphkit_key: 'tencent', id: 'tencent'})",
                write=True)


def foreign(backend):
    return (backend.run("MATCH (c:Company {name: 'Someone else\\'s Apple'}) RETURN count(c)").rows[0][0],
            backend.run("MATCH (n:Note)-[:ABOUT]->(a {id: 'apple'}) RETURN n.text").rows,
            backend.run("MATCH (n:GraphkitManaged {graphkit_graph: 'other'}) RETURN n.graphkit_key").rows)


def test_push_then_push_again_changes_nothing(backend):
    graph = load(DATA / "graph.yaml")
    first = sync_graph(backend, graph)
    assert (first.nodes_created, first.relationships_created) == (12, 10)
    assert read_managed(backend, "graphkit") == expected_state(graph)
    before = snapshot(backend)
    second = sync_graph(backend, load(DATA / "graph.yaml"))
    assert not second.changed and second.summary() == "no change (12 nodes, 10 relationships)"
    assert snapshot(backend) == before


def test_removed_fact_and_entity_disappear_and_foreign_nodes_survive(backend, yaml_copy):
    sync_graph(backend, load(yaml_copy))
    add_foreign_data(backend)
    assert foreign(backend) == (1, [["mine"]], [["tencent"]])
    nodes_before, rels_before = counts(backend)

    text = yaml_copy.read_text()
    text = text.replace("  - fact: apple in-talks-with tencent\n    status: rumored\n    market: china\n", "")
    yaml_copy.write_text(text)
    graph = load(yaml_copy)
    result = sync_graph(backend, graph)
    assert (result.relationships_deleted, result.nodes_deleted, result.relationships_created) == (1, 0, 0)
    assert backend.run("MATCH (:Company {id: 'apple'})-[r:IN_TALKS_WITH]-(:Company {id: 'tencent'}) "
                       "RETURN count(r)").rows == [[0]]
    assert counts(backend) == (nodes_before, rels_before - 1)

    # an entity and its facts removed: DETACH DELETE of graphkit's node only
    text = text.replace("  - {id: gpt-4o, type: AIModel, name: GPT-4o}\n", "")
    text = text.replace("  - fact: gpt-4o powers apple-intelligence\n    status: confirmed\n", "")
    text = text.replace("  - fact: qwen outperforms gpt-4o\n    status: claimed\n", "")
    yaml_copy.write_text(text)
    graph = load(yaml_copy)
    result = sync_graph(backend, graph)
    assert (result.nodes_deleted, result.relationships_deleted) == (1, 2)
    assert backend.run("MATCH (n {id: 'gpt-4o'}) RETURN count(n)").rows == [[0]]
    assert read_managed(backend, "graphkit") == expected_state(graph)
    assert foreign(backend) == (1, [["mine"]], [["tencent"]])
    assert not sync_graph(backend, graph).changed


def test_changes_are_updates(backend, yaml_copy):
    sync_graph(backend, load(yaml_copy))
    add_foreign_data(backend)
    text = yaml_copy.read_text()
    text = text.replace("  - fact: apple in-talks-with tencent\n    status: rumored",
                        "  - fact: apple in-talks-with tencent\n    status: confirmed")  # same statement id
    text = text.replace("{id: tencent, type: Company, name: Tencent}", "{id: tencent, type: ResearchLab, name: Tencent}")
    text = text.replace("{id: alibaba, type: Company, name: Alibaba, labels: {zh: 阿里巴巴}}",
                        "{id: alibaba, type: Company, name: Alibaba Group}")
    yaml_copy.write_text(text)
    graph = load(yaml_copy)
    result = sync_graph(backend, graph)
    assert (result.nodes_updated, result.relationships_updated) == (2, 1)
    assert (result.nodes_created, result.nodes_deleted, result.relationships_created,
            result.relationships_deleted) == (0, 0, 0, 0)
    assert backend.run("MATCH (n {id: 'alibaba'}) RETURN n.name, n.name_zh").rows == [["Alibaba Group", None]]
    labels = backend.run("MATCH (n:GraphkitManaged {graphkit_key: 'tencent', graphkit_graph: 'graphkit'}) "
                         "RETURN labels(n)").rows[0][0]
    assert set(labels) == {"GraphkitManaged", "ResearchLab", "Organization"}
    assert read_managed(backend, "graphkit") == expected_state(graph)
    assert foreign(backend) == (1, [["mine"]], [["tencent"]])


def test_dry_run_writes_nothing(backend):
    graph = load(DATA / "graph.yaml")
    result = sync_graph(backend, graph, dry_run=True)
    assert result.dry_run and result.nodes_created == 12 and "would be 12 nodes" in result.summary()
    assert counts(backend) == (0, 0)


def test_two_graph_names_share_a_database(backend):
    small = load(DATA / "bolt.yaml")
    sync_graph(backend, load(DATA / "graph.yaml"), graph_name="a")
    sync_graph(backend, small, graph_name="b")
    assert read_managed(backend, "b") == expected_state(small, "b")
    assert not sync_graph(backend, load(DATA / "graph.yaml"), graph_name="a").changed


def test_seed_data_push_is_idempotent(backend):
    seed = load(ROOT / "seed_data")
    sync_graph(backend, seed, batch_size=7)
    assert read_managed(backend, "graphkit") == expected_state(seed)
    before = snapshot(backend)
    assert not sync_graph(backend, seed).changed
    assert snapshot(backend) == before


def test_bad_options(backend):
    graph = load(DATA / "bolt.yaml")
    # library misuse by a Python caller: ValueError, not a GraphkitError
    with pytest.raises(ValueError, match="graph name"):
        sync_graph(backend, graph, graph_name=" ")
    with pytest.raises(ValueError, match="batch size"):
        sync_graph(backend, graph, batch_size=0)


# --------------------------------------------------------------------------- Bolt


def test_bolt_push_sync_and_query(falkordb_bolt, yaml_copy):
    """The neo4j-driver code path end to end, one driver (see tests/plugins/falkordb.py), small batches, data
    without apostrophes (FalkorDB's Bolt listener fails on them)."""
    server, uri = falkordb_bolt
    path = yaml_copy.parent / "bolt.yaml"
    shutil.copy(DATA / "bolt.yaml", path)
    graph = load(path)
    with Neo4jBackend(uri) as bolt:
        assert bolt.dialect == "falkordb"
        first = sync_graph(bolt, graph, batch_size=3)
        assert (first.nodes_created, first.relationships_created) == (7, 4)
        assert not sync_graph(bolt, load(path), batch_size=3).changed
        path.write_text(path.read_text().replace(
            "  - {fact: apple in-talks-with tencent, status: rumored, market: china}\n", ""))
        gone = sync_graph(bolt, load(path), batch_size=3)
        assert (gone.relationships_deleted, gone.nodes_deleted) == (1, 0)
        result = bolt.run("MATCH (a:Company {name:'Apple'})-[r:PARTNERS_WITH]-(b) RETURN b.name, r.status, r, b")
    (name, status, rel, node), = result.rows
    assert (name, status) == ("Alibaba", "confirmed")
    assert (rel.type, rel.start_id, rel.end_id) == ("PARTNERS_WITH", "alibaba", "apple")
    assert node.labels[:2] == ("Company", "Organization") and node.id == "alibaba"
    # what the Bolt path wrote is what the native path reads back
    native = FalkorDBBackend(server.graph("falkordb"))
    assert read_managed(native, "graphkit") == expected_state(load(path))


def test_push_neo4j_and_cli_over_bolt(falkordb_bolt):
    _, uri = falkordb_bolt
    result = CliRunner().invoke(main, ["push", "neo4j", "-d", str(DATA / "bolt.yaml"), "--uri", uri,
                                       "--batch-size", "5", "--mode", "sync"], env={"NEO4J_USERNAME": None, "NEO4J_PASSWORD": None})
    assert result.exit_code == 0, result.output
    assert result.output == (f"pushed to {uri}: nodes: 7 created, 0 updated, 0 deleted; relationships: 4 created, "
                             "0 updated, 0 deleted (now 7 nodes, 4 relationships)\n")


def test_bolt_wrong_credentials(falkordb_bolt_with_password):
    _, uri, password = falkordb_bolt_with_password
    with pytest.raises(GraphkitError, match=r"^authentication failed at bolt://127\.0\.0\.1:\d+ \(user 'falkordb'\)"):
        push_neo4j(load(DATA / "bolt.yaml"), uri, ("falkordb", "not-" + password))


def test_unreachable_server():
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    with pytest.raises(GraphkitError, match=rf"^cannot connect to bolt://127\.0\.0\.1:{port}: .*refused"):
        push_neo4j(load(DATA / "bolt.yaml"), f"bolt://127.0.0.1:{port}")
    result = CliRunner().invoke(main, ["push", "neo4j", "-d", str(DATA / "bolt.yaml"), "--uri",
                                       f"bolt://127.0.0.1:{port}"])
    assert result.exit_code == 3 and result.output.startswith("error: cannot connect to")
    assert result.output.count("\n") == 1


def test_push_needs_a_uri():
    result = CliRunner().invoke(main, ["push", "neo4j", "-d", str(DATA / "bolt.yaml")], env={"NEO4J_URI": None})
    assert result.exit_code == 2 and "--uri" in result.output


def test_neo4j_schema_statements():
    """The Neo4j 5 dialect: named constraint and indexes, all IF NOT EXISTS (cannot run here)."""
    from graphkit.cypher.dialect import schema_statements

    statements = schema_statements("neo4j", ["Company", "Organization", "Source"], ["PARTNERS_WITH"])
    assert statements[0] == ("CREATE CONSTRAINT graphkit_managed_key IF NOT EXISTS FOR (n:`GraphkitManaged`) "
                             "REQUIRE (n.graphkit_graph, n.graphkit_key) IS UNIQUE")
    assert "CREATE INDEX graphkit_company_id IF NOT EXISTS FOR (n:`Company`) ON (n.id)" in statements
    assert "CREATE INDEX graphkit_source_id IF NOT EXISTS FOR (n:`Source`) ON (n.id)" in statements
    assert ("CREATE INDEX graphkit_rel_partners_with_statement_id IF NOT EXISTS FOR ()-[r:`PARTNERS_WITH`]-() "
            "ON (r.statement_id)") in statements
    assert all("IF NOT EXISTS" in s for s in statements)
    with pytest.raises(ValueError, match="cannot be a Cypher label"):
        schema_statements("neo4j", ["Bad Label"], [])


def test_run_cypher_over_bolt(falkordb_bolt):
    server, uri = falkordb_bolt
    server.graph("falkordb").query("CREATE (:Company {id: 'apple'})-[:PARTNERS_WITH {statement_id: 's-1'}]->"
                                   "(:Company {id: 'alibaba'})")
    result = run_cypher("MATCH (a {id: $id})-[r]-(b) RETURN r, b.id", {"id": "apple"}, uri=uri)
    (rel, other), = result.rows
    assert (rel.type, rel.start_id, rel.end_id, rel.statement_id, other) == ("PARTNERS_WITH", "apple", "alibaba",
                                                                             "s-1", "alibaba")
