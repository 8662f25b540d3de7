"""The property-graph projection and its exports: GraphML and the Cypher script."""
import json
import re
from pathlib import Path

import networkx as nx
import pytest

from graphkit.api import build, load
from graphkit.model import Entity, KnowledgeGraph
from graphkit.propertygraph import cypher_script, graphml_graph, to_graphml, to_property_graph

DATA = Path(__file__).parent / "data" / "cypher"


@pytest.fixture(scope="module")
def graph():
    return load(DATA / "graph.yaml")


def test_projection_shape(graph):
    pg = to_property_graph(graph)
    assert pg.number_of_nodes() == len(graph.entities) + len(graph.sources)
    assert pg.number_of_edges() == len(graph.statements)
    apple = pg.nodes["apple"]
    assert apple["labels"] == ("Company", "Organization")
    assert apple["name_zh"] == "苹果公司" and apple["aliases"] == ["Apple Inc."] and apple["employees"] == 164000
    assert pg.nodes["reuters"]["labels"] == ("Publisher", "Organization")
    assert pg.nodes["src:blog-2"]["labels"] == ("Source",) and pg.nodes["src:blog-2"]["cites"] == ["reuters-1"]
    partners = [d for _, _, d in pg.edges(data=True) if d["type"] == "PARTNERS_WITH"]
    assert len(partners) == 2 and all(d["symmetric"] for d in partners)
    (deal,) = [d for u, v, d in pg.edges(data=True) if {u, v} == {"apple", "alibaba"} and d["type"] == "PARTNERS_WITH"]
    assert deal["market"] == "china" and deal["since"] == "2025-02" and deal["sources"] == ["blog-2", "reuters-1"]
    statement = next(s for s in graph.statements if s.relation == "partners-with" and "alibaba" in (s.subject, s.object))
    assert deal["statement_id"] == statement.id


def test_graphml_flattens_lists_and_labels(graph):
    data = to_graphml(graph)
    back = nx.read_graphml(__import__("io").BytesIO(data), force_multigraph=True)
    assert back.number_of_nodes() == len(graph.entities) + len(graph.sources)
    assert back.number_of_edges() == len(graph.statements)
    apple = back.nodes["apple"]
    assert apple["labels"] == ":Company:Organization"
    # `label` is what Gephi and yEd show on a node: the name, not the id
    assert apple["label"] == "Apple" and back.nodes["src:reuters-1"]["label"] == graph.sources["reuters-1"].title
    assert json.loads(apple["aliases"]) == ["Apple Inc."]
    assert apple["employees"] == 164000
    assert back.nodes["odd"]["name"] == "O'Brien \"Quotes\" \\ Backslash"
    edges = {key: d for _, _, key, d in back.edges(keys=True, data=True)}
    assert set(edges) == {s.id for s in graph.statements}
    deal = next(d for d in edges.values() if d["type"] == "PARTNERS_WITH" and d.get("market") == "china")
    assert json.loads(deal["sources"]) == ["blog-2", "reuters-1"]
    assert deal["symmetric"] is True


def test_graphml_is_deterministic(graph):
    assert to_graphml(graph) == to_graphml(load(DATA / "graph.yaml"))


def test_graphml_one_type_per_attribute():
    kg = KnowledgeGraph()
    kg.entities["a"] = Entity("a", "AIModel", "A", attributes={"parameters": 7})
    kg.entities["b"] = Entity("b", "AIModel", "B", attributes={"parameters": 1.5e9})
    kg.entities["c"] = Entity("c", "AIModel", "C")
    flat = graphml_graph(kg)
    assert flat.nodes["a"]["parameters"] == 7.0 and isinstance(flat.nodes["a"]["parameters"], float)
    text = to_graphml(kg).decode()
    assert len(re.findall(r'attr.name="parameters"', text)) == 1
    assert 'attr.name="parameters" attr.type="double"' in text


def test_cypher_script_shape(graph):
    script = cypher_script(graph)
    assert script == cypher_script(load(DATA / "graph.yaml"))  # deterministic
    assert "CREATE CONSTRAINT graphkit_managed_key IF NOT EXISTS FOR (n:`GraphkitManaged`) " \
           "REQUIRE (n.graphkit_graph, n.graphkit_key) IS UNIQUE;" in script
    assert "MATCH (n:`GraphkitManaged` {graphkit_graph: 'graphkit'}) DETACH DELETE n;" in script
    assert "SET n:`Company`:`Organization`;" in script
    # text is escaped for single-quoted Cypher strings: no raw newline inside a literal
    assert r"""name: 'O\'Brien "Quotes" \\ Backslash'""" in script
    assert r"Line one\nLine two\ttab" in script


def test_cypher_literal_escapes():
    from graphkit.cypher.dialect import cypher_literal

    assert cypher_literal("it's") == r"'it\'s'"
    assert cypher_literal("a\\b\nc\x01") == r"'a\\b\nc\u0001'"
    assert cypher_literal([1, 2.5, True, None]) == "[1, 2.5, true, null]"
    assert cypher_literal(1e300) == "1e300"
    assert cypher_literal({"a b": 1, "ok": "x"}) == "{`a b`: 1, ok: 'x'}"
    with pytest.raises(ValueError, match="nan cannot be written"):  # the loader rejects NaN first
        cypher_literal(float("nan"))


@pytest.mark.server
def test_cypher_script_recreates_the_pushed_graph(graph, falkordb_graph):
    """Run the script (FalkorDB's index syntax, same data statements) and compare with a push."""
    from graphkit.cypher.falkordb import FalkorDBBackend
    from graphkit.cypher.sync import property_graph_rows, read_managed, sync_graph

    backend = FalkorDBBackend(falkordb_graph)
    script = cypher_script(graph, dialect="falkordb")
    body = "\n".join(line for line in script.splitlines() if not line.startswith("//"))
    statements = [s.strip().rstrip(";") for s in body.split(";\n") if s.strip()]
    for run in range(2):  # running it twice gives the same graph
        for statement in statements:
            if run and statement.startswith("CREATE INDEX"):  # FalkorDB has no IF NOT EXISTS
                continue
            backend.run(statement, write=True)
    nodes, rels = read_managed(backend, "graphkit")
    want_nodes, want_rels = property_graph_rows(graph, "graphkit")
    assert nodes == {n.key: (set(n.labels), n.properties) for n in want_nodes}
    assert rels == {r.statement_id: (r.type, r.start, r.end, r.properties) for r in want_rels}
    assert not sync_graph(backend, graph).changed


def test_build_writes_graphml_and_cypher(tmp_path):
    out = tmp_path / "exports"
    build(DATA / "graph.yaml", out, shacl=False)
    first = {name: (out / name).read_bytes() for name in ("graph.graphml", "graph.cypher")}
    build(DATA / "graph.yaml", out, shacl=False)
    assert first == {name: (out / name).read_bytes() for name in ("graph.graphml", "graph.cypher")}
    assert b"<graphml" in first["graph.graphml"] and b"UNWIND [" in first["graph.cypher"]


def test_rows_match_the_projection(graph):
    """The rows graphkit writes to Cypher engines are the networkx projection, node for node."""
    from graphkit.cypher.sync import property_graph_rows

    pg = to_property_graph(graph)
    nodes, rels = property_graph_rows(graph)
    assert [(n.key, n.labels, n.properties) for n in nodes] == \
        [(k, d["labels"], {p: v for p, v in d.items() if p != "labels"}) for k, d in pg.nodes(data=True)]
    assert [(r.statement_id, r.type, r.start, r.end, r.properties) for r in rels] == \
        sorted((k, d["type"], u, v, {p: x for p, x in d.items() if p != "type"})
               for u, v, k, d in pg.edges(keys=True, data=True))
    marked, _ = property_graph_rows(graph, "g")
    assert marked[0].properties["graphkit_graph"] == "g" and marked[0].properties["graphkit_key"] == marked[0].key
