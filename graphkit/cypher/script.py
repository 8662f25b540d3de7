"""The exported Cypher script, exports/graph.cypher: the graph for `cypher-shell -f`."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .dialect import cypher_literal, schema_statements
from .statements import delete_graph_statement, upsert_nodes_statement, upsert_relationships_statement
from .sync import managed_rows

if TYPE_CHECKING:  # pragma: no cover
    from ..model import KnowledgeGraph

CYPHER_FILE = "graph.cypher"
CYPHER_SCRIPT_BATCH = 500


def _rows_literal(rows: list[dict[str, Any]]) -> str:
    return "[\n" + ",\n".join("  " + cypher_literal(row) for row in rows) + "\n]"


def cypher_script(graph: KnowledgeGraph, *, graph_name: str = "graphkit", dialect: str = "neo4j",
                  batch_size: int = CYPHER_SCRIPT_BATCH) -> str:
    """A Cypher script that recreates the graph in Neo4j 5 (cypher-shell -f graph.cypher).

    It creates the constraints and indexes, deletes the nodes of graph `graph_name` that
    graphkit manages (label GraphkitManaged; nothing else is touched), and writes every node
    and relationship with the same marked shape as `graphkit push neo4j`, so a push after
    running the script finds nothing to change. Values are literals (a file cannot carry
    parameters), written one row per line. dialect="falkordb" writes FalkorDB's index syntax.
    """
    nodes, rels = managed_rows(graph, graph_name)
    name = cypher_literal(graph_name)
    out = ["// graphkit knowledge graph of the AI industry, as a Cypher script for Neo4j 5.",
           "// Generated from YAML by `graphkit build`; edit the YAML, not this file.",
           "// Run it with: cypher-shell -a bolt://localhost:7687 -u neo4j -f graph.cypher",
           f"// It replaces the nodes and relationships of graph {name} that graphkit manages (label",
           "// GraphkitManaged, property graphkit_graph) and leaves every other node alone.",
           f"// {len(nodes)} nodes, {len(rels)} relationships.", ""]
    for statement in schema_statements(dialect, {label for n in nodes for label in n.labels}, {r.type for r in rels}):
        out.append(statement + ";")
    out.append(delete_graph_statement(name) + ";")

    by_labels: dict[tuple[str, ...], list[dict[str, Any]]] = {}
    for node in nodes:
        by_labels.setdefault(node.labels, []).append({"key": node.key, "props": node.properties})
    for labels, rows in sorted(by_labels.items()):
        for i in range(0, len(rows), batch_size):
            out.append(upsert_nodes_statement(labels, _rows_literal(rows[i:i + batch_size]), name) + ";")
    by_type: dict[str, list[dict[str, Any]]] = {}
    for rel in rels:
        by_type.setdefault(rel.type, []).append({"id": rel.statement_id, "start": rel.start, "end": rel.end,
                                                 "props": rel.properties})
    for rel_type, rows in sorted(by_type.items()):
        for i in range(0, len(rows), batch_size):
            out.append(upsert_relationships_statement(rel_type, _rows_literal(rows[i:i + batch_size]), name) + ";")
    return "\n".join(out) + "\n"
