"""What every Cypher engine gives graphkit: the backend interface and the values rows hold.

Rows hold plain Python values; nodes, relationships and paths come back as the GraphNode,
GraphRelationship and GraphPath dataclasses below, whatever the backend (embedded FalkorDB,
graphkit/cypher/falkordb.py, or a Neo4j server, graphkit/cypher/neo4j.py). Query parameters
are checked here, once, for every backend.
"""
from __future__ import annotations

import abc
import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from ..errors import QueryError

#: Parameter names are pasted into FalkorDB's `CYPHER name=value` header by its client:
#: only plain identifiers are accepted.
PARAM_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


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
        return {"labels": list(self.labels), "properties": json_value(self.properties)}


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
                "properties": json_value(self.properties)}


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
        return [dict(zip(self.columns, row, strict=True)) for row in self.rows]


class CypherBackend(abc.ABC):
    """What graphkit needs from a Cypher engine: run one query, close."""

    name: str = ""

    @property
    def dialect(self) -> str:
        """"neo4j" or "falkordb": selects the schema statements (see dialect.py). A backend
        overrides it with a class attribute, or a property when it must ask the server."""
        return "neo4j"

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



def json_value(value: Any) -> Any:
    """A value as JSON-ready data: graph objects as dicts, dates as ISO strings."""
    if isinstance(value, (GraphNode, GraphRelationship, GraphPath)):
        return value.to_json()
    if isinstance(value, dict):
        return {str(k): json_value(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [json_value(v) for v in value]
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


# --------------------------------------------------------------------------- driver values -> plain
# Both backends walk the rows their driver returns the same way: first to collect the node ids
# a relationship's ends need (one extra query for all of them), then to convert.

def nested_values(value: Any) -> Iterator[Any]:
    """Every value inside `value` that is not a list, tuple or dict (those are walked into)."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, (list, tuple)):
            stack.extend(reversed(item))
        elif isinstance(item, dict):
            stack.extend(reversed(list(item.values())))
        else:
            yield item


def map_nested(value: Any, leaf: Callable[[Any], Any]) -> Any:
    """`value` with its lists and tuples rebuilt as lists, its dicts rebuilt, and every other
    value replaced by leaf(value)."""
    if isinstance(value, dict):
        return {k: map_nested(v, leaf) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [map_nested(v, leaf) for v in value]
    return leaf(value)
