"""The statements graphkit writes with: the Neo4j sync (sync.py) runs them with parameters, the
exported script (script.py) with literals.

Each takes the Cypher expressions for the rows and the graph name: "$rows"/"$graph" when
graphkit runs them, literals in the exported script. Values always travel in those rows;
labels and relationship types come from the ontology and are validated and backtick-quoted
(dialect.quote_name). The text is the same on Neo4j 5 and FalkorDB.
"""
from __future__ import annotations

from collections.abc import Iterable

from .dialect import GRAPH_PROPERTY, KEY_PROPERTY, MANAGED_LABEL, labels_clause, quote_name


def upsert_nodes_statement(labels: Iterable[str], rows: str = "$rows", graph: str = "$graph") -> str:
    """Rows {key, props}: create or overwrite graphkit's node, then set its labels."""
    return (f"UNWIND {rows} AS row "
            f"MERGE (n:{quote_name(MANAGED_LABEL)} {{{GRAPH_PROPERTY}: {graph}, {KEY_PROPERTY}: row.key}}) "
            f"SET n = row.props SET n{labels_clause(labels)}")


def remove_label_statement(label: str, keys: str = "$keys", graph: str = "$graph") -> str:
    return (f"UNWIND {keys} AS key "
            f"MATCH (n:{quote_name(MANAGED_LABEL)} {{{GRAPH_PROPERTY}: {graph}, {KEY_PROPERTY}: key}}) "
            f"REMOVE n:{quote_name(label)}")


def delete_nodes_statement(keys: str = "$keys", graph: str = "$graph") -> str:
    return (f"UNWIND {keys} AS key "
            f"MATCH (n:{quote_name(MANAGED_LABEL)} {{{GRAPH_PROPERTY}: {graph}, {KEY_PROPERTY}: key}}) "
            "DETACH DELETE n")


def delete_graph_statement(graph: str = "$graph") -> str:
    return f"MATCH (n:{quote_name(MANAGED_LABEL)} {{{GRAPH_PROPERTY}: {graph}}}) DETACH DELETE n"


def upsert_relationships_statement(rel_type: str, rows: str = "$rows", graph: str = "$graph") -> str:
    """Rows {id, start, end, props}: create or overwrite the statement's relationship."""
    managed = quote_name(MANAGED_LABEL)
    return (f"UNWIND {rows} AS row "
            f"MATCH (a:{managed} {{{GRAPH_PROPERTY}: {graph}, {KEY_PROPERTY}: row.start}}) "
            f"MATCH (b:{managed} {{{GRAPH_PROPERTY}: {graph}, {KEY_PROPERTY}: row.end}}) "
            f"MERGE (a)-[r:{quote_name(rel_type)} {{statement_id: row.id}}]->(b) "
            "SET r = row.props")


def delete_relationships_statement(rel_type: str, rows: str = "$rows", graph: str = "$graph") -> str:
    """Rows {id, start}: delete graphkit's relationship of that statement."""
    return (f"UNWIND {rows} AS row "
            f"MATCH (a:{quote_name(MANAGED_LABEL)} {{{GRAPH_PROPERTY}: {graph}, {KEY_PROPERTY}: row.start}})"
            f"-[r:{quote_name(rel_type)} {{statement_id: row.id}}]->() "
            f"WHERE r.{GRAPH_PROPERTY} = {graph} DELETE r")


READ_NODES = (f"MATCH (n:{quote_name(MANAGED_LABEL)}) WHERE n.{GRAPH_PROPERTY} = $graph "
              f"RETURN n.{KEY_PROPERTY} AS key, labels(n) AS labels, properties(n) AS props")
READ_RELATIONSHIPS = (f"MATCH (a:{quote_name(MANAGED_LABEL)})-[r]->(b:{quote_name(MANAGED_LABEL)}) "
                      f"WHERE a.{GRAPH_PROPERTY} = $graph AND r.{GRAPH_PROPERTY} = $graph "
                      f"RETURN r.statement_id AS id, type(r) AS type, a.{KEY_PROPERTY} AS start, "
                      f"b.{KEY_PROPERTY} AS end, properties(r) AS props")
