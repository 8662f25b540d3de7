"""Where Neo4j 5 and FalkorDB speak different Cypher: schema (constraints, indexes) and ids.

Everything else graphkit writes (UNWIND $rows + MERGE + SET, DETACH DELETE, REMOVE n:Label)
is the same text on both engines; only what is in this module differs.
"""
from __future__ import annotations

import re
from collections.abc import Iterable
from math import isfinite as _isfinite

from ..ontology import CYPHER_NAME

NEO4J = "neo4j"
FALKORDB = "falkordb"
DIALECTS = (NEO4J, FALKORDB)

#: The marker of everything `graphkit push neo4j` writes (see sync.py).
MANAGED_LABEL = "GraphkitManaged"
GRAPH_PROPERTY = "graphkit_graph"
KEY_PROPERTY = "graphkit_key"

#: Properties indexed on every label graphkit writes, for `MATCH (a:Company {id: ...})`.
INDEXED_NODE_PROPERTIES = ("id", "name")


def quote_name(name: str) -> str:
    """A label or relationship type, validated and backtick-quoted (they cannot be parameters)."""
    if not isinstance(name, str) or not CYPHER_NAME.match(name):
        raise ValueError(f"'{name}' cannot be a Cypher label or relationship type")
    return f"`{name}`"


def labels_clause(labels: Iterable[str]) -> str:
    """':`Company`:`Organization`'"""
    return "".join(":" + quote_name(label) for label in labels)


def _index_name(*parts: str) -> str:
    return "graphkit_" + "_".join(p.lower() for p in parts)


def schema_items(dialect: str, labels: Iterable[str], rel_types: Iterable[str], *,
                 managed: bool = True) -> list[tuple[tuple[str, str], str]]:
    """Constraints and indexes graphkit needs on `dialect`, as ((label or type, property), statement).

    Neo4j: a uniqueness constraint on (graphkit_graph, graphkit_key) of managed nodes (it also
    makes MERGE fast), plus indexes on id and name of each label and on statement_id of each
    relationship type, all with IF NOT EXISTS. FalkorDB has no IF NOT EXISTS and creates
    constraints outside Cypher: plain indexes (MERGE needs one, or it is quadratic), and the
    caller skips those that exist.
    """
    labels, rel_types = sorted(set(labels)), sorted(set(rel_types))
    if dialect not in DIALECTS:
        raise ValueError(f"unknown Cypher dialect '{dialect}' (known: {', '.join(DIALECTS)})")
    neo4j = dialect == NEO4J
    items: list[tuple[tuple[str, str], str]] = []
    if managed:
        target = (MANAGED_LABEL, KEY_PROPERTY)
        items.append((target, f"CREATE CONSTRAINT {_index_name('managed_key')} IF NOT EXISTS "
                              f"FOR (n:{quote_name(MANAGED_LABEL)}) "
                              f"REQUIRE (n.{GRAPH_PROPERTY}, n.{KEY_PROPERTY}) IS UNIQUE" if neo4j else
                              f"CREATE INDEX FOR (n:{quote_name(MANAGED_LABEL)}) ON (n.{KEY_PROPERTY})"))
    for label in labels:
        for prop in INDEXED_NODE_PROPERTIES if label != "Source" else ("id",):  # sources have titles
            name = f"{_index_name(label, prop)} IF NOT EXISTS " if neo4j else ""
            items.append(((label, prop), f"CREATE INDEX {name}FOR (n:{quote_name(label)}) ON (n.{prop})"))
    for rel_type in rel_types:
        name = f"{_index_name('rel', rel_type, 'statement_id')} IF NOT EXISTS " if neo4j else ""
        items.append(((rel_type, "statement_id"),
                      f"CREATE INDEX {name}FOR ()-[r:{quote_name(rel_type)}]-() ON (r.statement_id)"))
    return items


def schema_statements(dialect: str, labels: Iterable[str], rel_types: Iterable[str], *,
                      managed: bool = True) -> list[str]:
    return [statement for _, statement in schema_items(dialect, labels, rel_types, managed=managed)]


#: FalkorDB lists its indexes with this procedure (Neo4j 5 uses SHOW INDEXES instead).
FALKORDB_LIST_INDEXES = "CALL db.indexes() YIELD label, properties RETURN label, properties"


def ensure_schema(backend, labels: Iterable[str], rel_types: Iterable[str], *, managed: bool = True) -> int:
    """Create the missing constraints and indexes on the backend's engine; return how many
    statements were run."""
    items = schema_items(backend.dialect, labels, rel_types, managed=managed)
    if backend.dialect == FALKORDB:
        listed = backend.run(FALKORDB_LIST_INDEXES).rows
        existing = {(label, prop) for label, props in listed for prop in props}
        items = [(target, statement) for target, statement in items if target not in existing]
    for _, statement in items:
        backend.run(statement, write=True)
    return len(items)


def node_ids_query(dialect: str) -> str:
    """Query that maps engine node ids ($ids) to graphkit ids: RETURN engine id, n.id."""
    if dialect == NEO4J:
        return "UNWIND $ids AS i MATCH (n) WHERE elementId(n) = i RETURN i, n.id"
    return "UNWIND $ids AS i MATCH (n) WHERE id(n) = i RETURN i, n.id"


def falkordb_bolt_node_id(element_id: str) -> int | None:
    """FalkorDB's Bolt listener names nodes 'node_<id>'."""
    prefix, _, number = element_id.rpartition("_")
    return int(number) if prefix == "node" and number.isdigit() else None


# --------------------------------------------------------------------------- literals
# Only for the exported Cypher script (a file cannot carry parameters); queries graphkit runs
# always pass values as parameters.

_ESCAPES = {"\\": "\\\\", "'": "\\'", "\n": "\\n", "\r": "\\r", "\t": "\\t"}


#: characters a string literal escapes: quote, backslash, control characters, line separators
_NEEDS_ESCAPE = re.compile(r"[\\'\x00-\x1f\x7f\u2028\u2029]")


def _escape(match: re.Match) -> str:
    ch = match.group()
    return _ESCAPES.get(ch) or f"\\u{ord(ch):04x}"


def _string_literal(text: str) -> str:
    return "'" + _NEEDS_ESCAPE.sub(_escape, text) + "'"


_MAP_KEYS: dict[str, str] = {}


def _map_key(key: str) -> str:
    written = _MAP_KEYS.get(key)
    if written is None:
        written = key if CYPHER_NAME.match(key) else "`" + key.replace("`", "``") + "`"
        if len(_MAP_KEYS) < 10_000:  # property names: few
            _MAP_KEYS[key] = written
    return written


def cypher_literal(value) -> str:
    """A Cypher literal for a property value (str, int, float, bool, None, list, map)."""
    if isinstance(value, str):
        return _string_literal(value)
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if not _isfinite(value):
            raise ValueError(f"{value} cannot be written as a Cypher literal")
        text = repr(value)
        return text.replace("e+", "e")
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(cypher_literal(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{_map_key(str(k))}: {cypher_literal(v)}" for k, v in value.items()) + "}"
    raise TypeError(f"a {type(value).__name__} cannot be written as a Cypher literal")
