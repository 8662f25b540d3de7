"""The embedded FalkorDB is loaded with GRAPH.BULK (encoded in-process from the property-graph
rows): the same graph as the batched UNWIND load, node for node and relationship for
relationship, with the same internal ids and indexes; values the binary form cannot carry fall
back to UNWIND before anything is written."""
import itertools

import pytest

from graphkit.cypher import bulk as bulk_encoding, falkordb as fdb
from graphkit.cypher.falkordb import EmbeddedEngine, FalkorDBBackend, NotBulkEncodable, load_bulk, load_rows
from graphkit.property_rows import NodeRow, RelationshipRow, property_graph_rows
from graphkit.synthetic import generate

NODES = "MATCH (n) RETURN id(n), labels(n), properties(n) ORDER BY id(n)"
RELS = ("MATCH (a)-[r]->(b) RETURN id(r), id(a), a.id, type(r), properties(r), id(b), b.id "
        "ORDER BY id(r)")
INDEXES = "CALL db.indexes() YIELD label, properties, status RETURN label, properties, status ORDER BY label"
_names = (f"bulk_test_{i}" for i in itertools.count())


def _dump(backend):
    return {query: backend.run(query).rows for query in (NODES, RELS, INDEXES)}


def _load_both(server, nodes, rels):
    bulk = server.graph(next(_names))
    load_bulk(bulk, nodes, rels)
    unwind = server.graph(next(_names))
    load_rows(unwind, nodes, rels)
    return FalkorDBBackend(bulk), FalkorDBBackend(unwind)


def _same_graph(server, nodes, rels):
    bulk, unwind = _load_both(server, nodes, rels)
    got, expected = _dump(bulk), _dump(unwind)
    assert len(got[NODES]) == len(nodes) and len(got[RELS]) == len(rels)
    for query in (NODES, RELS, INDEXES):
        assert got[query] == expected[query], query
    assert {status for _, _, status in got[INDEXES]} == {"OPERATIONAL"}
    return bulk


def test_seed_bulk_equals_unwind(falkordb_server, seed_graph):
    nodes, rels = property_graph_rows(seed_graph)
    assert any(len(n.labels) > 1 for n in nodes)  # multi-label nodes are covered
    assert any(isinstance(v, list) for n in nodes for v in n.properties.values())
    bulk = _same_graph(falkordb_server, nodes, rels)
    rows = bulk.run("MATCH (a:Company {name:'Apple'})-[r:PARTNERS_WITH]-(b) RETURN b.name ORDER BY b.name").rows
    assert rows and all(isinstance(name, str) for (name,) in rows)


def test_synthetic_in_many_calls_equals_unwind(falkordb_server, monkeypatch):
    """Small token and call sizes: each label's and type's rows span several tokens, the load
    spans many GRAPH.BULK calls, ids stay consecutive."""
    monkeypatch.setattr(bulk_encoding, "BULK_TOKEN_BYTES", 2048)  # read by bulk_tokens
    monkeypatch.setattr(fdb, "BULK_CALL_BYTES", 8000)  # read by load_bulk
    nodes, rels = property_graph_rows(generate(400))
    calls, tokens = [], []
    bulk = falkordb_server.graph(next(_names))
    send = bulk.execute_command

    def counting(*args):
        if args[0] == "GRAPH.BULK":  # GRAPH.BULK name [BEGIN] nodes rels node-tokens rel-tokens TOKEN...
            calls.append(args[2] == "BEGIN")
            tokens.append(len(args) - (7 if calls[-1] else 6))
        return send(*args)

    bulk.execute_command = counting
    load_bulk(bulk, nodes, rels)
    assert len(calls) > 5 and calls[0] and not any(calls[1:])
    groups = {node.labels for node in nodes}
    unsplit = len({label for labels in groups for label in labels}) + len(groups) + len({rel.type for rel in rels})
    assert sum(tokens) > unsplit  # the rows of a label or a type were cut into several tokens
    unwind = falkordb_server.graph(next(_names))
    load_rows(unwind, nodes, rels)
    for query in (NODES, RELS):
        assert FalkorDBBackend(bulk).run(query).rows == FalkorDBBackend(unwind).run(query).rows


def test_value_kinds_round_trip(falkordb_server):
    """Every kind of value a row can hold, and nulls (absent properties) per node."""
    nodes = [
        NodeRow("a", ("Company", "Organization"), {"id": "a", "name": "Ä \"q\" 'x' \\ \n 北京", "n": -2 ** 63,
                                                  "x": 1.5e300, "ok": True, "tags": ["x", "y"], "mix": [1, 2.5, False]}),
        NodeRow("b", ("Company", "Organization"), {"id": "b", "name": "", "ok": False, "empty": []}),
        NodeRow("src:s", ("Source",), {"id": "s", "title": None}),
    ]
    rels = [RelationshipRow("st1", "PARTNERS_WITH", "a", "b", {"statement_id": "st1", "sources": ["s"], "w": 0.25}),
            RelationshipRow("st2", "CITES", "b", "src:s", {"statement_id": "st2"})]
    bulk = _same_graph(falkordb_server, nodes, rels)
    (props,), = bulk.run("MATCH (n {id: 'a'}) RETURN properties(n)").rows
    assert props == nodes[0].properties
    assert bulk.run("MATCH (n {id: 'b'}) RETURN n.n IS NULL, n.empty").rows == [[True, []]]


def test_empty_graph(falkordb_server):
    bulk = falkordb_server.graph(next(_names))
    load_bulk(bulk, [], [])
    assert FalkorDBBackend(bulk).run("MATCH (n) RETURN count(n)").rows == [[0]]


@pytest.mark.parametrize("value", ["nul\x00inside", 2 ** 64, [1, None], {"a": 1}])
def test_unencodable_refused_before_writing(falkordb_server, value):
    name = next(_names)
    nodes = [NodeRow("a", ("Thing",), {"id": "a"}), NodeRow("b", ("Thing",), {"id": "b", "v": value})]
    with pytest.raises(NotBulkEncodable):
        load_bulk(falkordb_server.graph(name), nodes, [])
    assert name not in falkordb_server.client().list_graphs()


def test_engine_uses_bulk_and_falls_back(tmp_path, seed_graph, monkeypatch):
    engine = EmbeddedEngine(tmp_path / "fdb")
    try:
        query = "MATCH (c:Company) RETURN count(c)"
        first = engine.run(seed_graph, query)
        assert engine.last_loader == "bulk" and engine.loads == 1
        assert engine.run(seed_graph, query).rows == first.rows and engine.loads == 1  # cached

        def refuse(*args, **kwargs):
            raise NotBulkEncodable("a property value of type X")

        monkeypatch.setattr(fdb, "load_bulk", refuse)
        engine.stop()
        assert engine.run(seed_graph, query).rows == first.rows
        assert engine.last_loader == "unwind" and engine.loads == 2
    finally:
        engine.stop()
