"""A Neo4j server over Bolt, with the official `neo4j` driver: query it, and sync the graph into it.

Queries and writes are auto-commit (`session.run`), in READ access mode unless writing: it is
what every Bolt server accepts (FalkorDB's Bolt listener, used in the tests, hangs on explicit
transactions). Errors become one-line GraphkitErrors: unreachable server, wrong credentials,
query errors with their position.
"""
from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from ..errors import CypherSyntaxError, GraphkitError, Neo4jError, QueryError, QueryTimeout, TooManyRows
from .backend import (
    CypherBackend,
    CypherResult,
    GraphNode,
    GraphPath,
    GraphRelationship,
    check_params,
    map_nested,
    nested_values,
)
from .dialect import DIALECTS, FALKORDB, NEO4J, falkordb_bolt_node_id, node_ids_query
from .sync import DEFAULT_BATCH_SIZE, DEFAULT_GRAPH_NAME, SyncResult, sync_graph

if TYPE_CHECKING:  # pragma: no cover
    from ..model import KnowledgeGraph

URI_SCHEMES = ("bolt", "bolt+s", "bolt+ssc", "neo4j", "neo4j+s", "neo4j+ssc")
CONNECTION_TIMEOUT = 10.0
#: Answers on Neo4j, fails on FalkorDB: tells the dialects apart (both announce "Neo4j/5.x").
PROBE_QUERY = "CALL dbms.components() YIELD name RETURN name"


def _one_line(text: object) -> str:
    return " ".join(str(text).split())


def _ordered_labels(labels) -> tuple[str, ...]:
    """Neo4j returns labels as a set: put the ontology class first, then its super-classes
    (the order of graphkit.propertygraph), then any other label sorted."""
    from ..ontology import load_ontology

    labels = set(labels)
    classes = load_ontology().classes
    best: tuple[str, ...] = ()
    for key in labels & set(classes):
        chain = classes[key].neo4j_labels
        if set(chain) <= labels and len(chain) > len(best):
            best = chain
    return best + tuple(sorted(labels - set(best)))


class Neo4jBackend(CypherBackend):
    """A database on a Neo4j (or Bolt-speaking) server."""

    def __init__(self, uri: str, auth: tuple[str, str] | None = None, database: str | None = None, *,
                 dialect: str | None = None, connection_timeout: float = CONNECTION_TIMEOUT):
        import neo4j

        parts = urlsplit(uri or "")
        if parts.scheme not in URI_SCHEMES or not parts.hostname:
            raise GraphkitError(f"'{uri}' is not a Neo4j URI (expected {' / '.join(s + '://HOST:PORT' for s in URI_SCHEMES[:2])}, "
                                "e.g. bolt://localhost:7687)")
        if dialect is not None and dialect not in DIALECTS:
            raise ValueError(f"unknown Cypher dialect '{dialect}' (known: {', '.join(DIALECTS)})")
        self.uri = uri
        self.user = auth[0] if auth else None
        self.database = database
        self.name = f"neo4j {uri}" + (f" database {database}" if database else "")
        self._dialect = dialect
        try:
            self.driver = neo4j.GraphDatabase.driver(uri, auth=auth, connection_timeout=connection_timeout,
                                                     connection_acquisition_timeout=connection_timeout * 2,
                                                     max_transaction_retry_time=0)
        except (neo4j.exceptions.ConfigurationError, ValueError) as exc:
            raise GraphkitError(f"cannot use {uri}: {_one_line(exc)}") from None

    @property
    def dialect(self) -> str:
        """neo4j, unless the server is FalkorDB (which calls itself Neo4j over Bolt but has no
        dbms.components procedure); probed once, with the first query."""
        if self._dialect is None:
            try:
                self._run(PROBE_QUERY, {}, None, write=True)
                self._dialect = NEO4J
            except GraphkitError as exc:
                if not str(exc).startswith(("query error", self.uri)):
                    raise  # unreachable server, wrong credentials
                self._dialect = FALKORDB
        return self._dialect

    def close(self) -> None:
        self.driver.close()

    def _session(self, write: bool):
        import neo4j

        return self.driver.session(database=self.database,
                                   default_access_mode=neo4j.WRITE_ACCESS if write else neo4j.READ_ACCESS)

    def run(self, query: str, params: dict | None = None, *, timeout: float | None = None,
            write: bool = False, max_rows: int | None = None) -> CypherResult:
        params = check_params(params)
        # FalkorDB's Bolt listener takes the first key of a request's metadata as the graph name:
        # READ mode ({mode: "r"}) would query a graph named "mode". It has no read-only mode anyway.
        # For the same reason a transaction timeout (metadata too) is not sent to it.
        falkordb = self.dialect == FALKORDB
        return self._run(query, params, None if falkordb else timeout, write=write or falkordb, max_rows=max_rows)

    def _run(self, query: str, params: dict, timeout: float | None, *, write: bool,
             max_rows: int | None = None) -> CypherResult:
        import itertools

        import neo4j

        try:
            with self._session(write) as session:
                result = session.run(neo4j.Query(query, timeout=timeout), params)
                columns = list(result.keys())
                # records stream in: at most max_rows + 1 are read, then the session is closed
                records = [list(record.values()) for record in
                           itertools.islice(result, None if max_rows is None else max_rows + 1)]
                if max_rows is not None and len(records) > max_rows:
                    raise TooManyRows(f"the answer has more than {max_rows:,} rows (the cap); add a LIMIT or "
                                      "narrow the query")
                rows = self._convert_rows(session, records)
        except neo4j.exceptions.Neo4jError as exc:
            raise self._error(exc) from None
        except neo4j.exceptions.ServiceUnavailable as exc:
            raise Neo4jError(f"cannot connect to {self.uri}: {_first_reason(exc)}") from None
        except neo4j.exceptions.DriverError as exc:
            raise Neo4jError(f"{self.uri}: {_one_line(exc)}") from None
        except OSError as exc:
            raise Neo4jError(f"cannot connect to {self.uri}: {_one_line(exc)}") from None
        return CypherResult(columns, rows, self.name)

    def _error(self, exc) -> GraphkitError:
        """The server's error as the graphkit error of its family."""
        message = self._describe(exc)
        code = exc.code or ""
        if message == "query error: the query timed out":
            return QueryTimeout(message)
        if message.startswith("query error"):
            return CypherSyntaxError(message) if code.endswith("Statement.SyntaxError") else QueryError(message)
        return Neo4jError(message)

    def _describe(self, exc) -> str:
        code = exc.code or ""
        server_code = str((exc.metadata or {}).get("code", code)) if hasattr(exc, "metadata") else code
        if code.endswith("Security.Unauthorized") or server_code.endswith("Security.Unauthorized") \
                or code.endswith("Security.AuthenticationRateLimit"):
            who = f"user '{self.user}'" if self.user else "no credentials"
            return (f"authentication failed at {self.uri} ({who}): check --user/--password or "
                    "NEO4J_USERNAME/NEO4J_PASSWORD")
        message = exc.message or ""
        first = message.strip().splitlines()[0] if message.strip() else code
        if code.startswith("Neo.ClientError.Database.DatabaseNotFound"):
            return f"{self.uri}: {first}"
        if code.startswith("Neo.ClientError.Statement") or code.startswith("Neo.ClientError.Procedure"):
            if "Expected parameter(s)" in message:
                return f"query error: missing parameter {message.split(':', 1)[-1].strip()}"
            return f"query error: {_one_line(first)}"
        if code.startswith("Neo.ClientError.Transaction") and "timeout" in message.lower():
            return "query error: the query timed out"
        return f"{self.uri}: {_one_line(first)}" + (f" ({code})" if code and code not in first else "")

    # -- conversion to graphkit's plain values
    def _convert_rows(self, session, records: list[list]) -> list[list[Any]]:
        import neo4j.graph

        endpoints: set[str] = set()
        known: dict[str, Any] = {}
        for value in nested_values(records):
            if isinstance(value, neo4j.graph.Path):
                nodes, relationships = value.nodes, value.relationships
            elif isinstance(value, neo4j.graph.Relationship):
                nodes, relationships = (), (value,)
            else:
                nodes, relationships = ((value,) if isinstance(value, neo4j.graph.Node) else ()), ()
            for rel in relationships:
                for end in rel.nodes:
                    if end is not None:
                        endpoints.add(end.element_id)
                        nodes = (*nodes, end)
            for node in nodes:
                if "id" in node:
                    known[node.element_id] = node["id"]
        missing = sorted(endpoints - set(known))
        if missing:
            known.update(self._node_keys(session, missing))
        return [[_to_plain(v, known) for v in record] for record in records]

    def _node_keys(self, session, element_ids: list[str]) -> dict[str, Any]:
        if self.dialect == FALKORDB:
            ids = {falkordb_bolt_node_id(e): e for e in element_ids}
            rows = session.run(node_ids_query(FALKORDB), {"ids": [i for i in ids if i is not None]})
            return {ids[i]: key for i, key in (r.values() for r in rows)}
        rows = session.run(node_ids_query(NEO4J), {"ids": element_ids})
        return {i: key for i, key in (r.values() for r in rows)}


def _first_reason(exc) -> str:
    text = _one_line(exc)
    match = re.search(r"\(reason ([^)]*)\)", text)
    return match.group(1) if match else text


def _to_plain(value, keys: dict) -> Any:
    import neo4j.graph

    def leaf(item):
        if isinstance(item, neo4j.graph.Node):
            return GraphNode(_ordered_labels(item.labels), map_nested(dict(item.items()), leaf))
        if isinstance(item, neo4j.graph.Relationship):
            start, end = item.nodes
            return GraphRelationship(item.type, keys.get(start.element_id) if start is not None else None,
                                     keys.get(end.element_id) if end is not None else None,
                                     map_nested(dict(item.items()), leaf))
        if isinstance(item, neo4j.graph.Path):
            return GraphPath(tuple(leaf(n) for n in item.nodes), tuple(leaf(r) for r in item.relationships))
        if hasattr(item, "to_native"):  # neo4j.time Date, DateTime, Duration...
            return item.to_native()
        return item

    return map_nested(value, leaf)


def push_neo4j(graph: KnowledgeGraph, uri: str, auth: tuple[str, str] | None = None, database: str | None = None,
               *, graph_name: str = DEFAULT_GRAPH_NAME, batch_size: int = DEFAULT_BATCH_SIZE,
               dry_run: bool = False, dialect: str | None = None) -> SyncResult:
    """Sync the graph into a Neo4j database: create constraints and indexes, write what changed
    in batches, delete graphkit's nodes and relationships that are no longer in the model, and
    leave every other node alone (see graphkit.cypher.sync)."""
    with Neo4jBackend(uri, auth=auth, database=database, dialect=dialect) as backend:
        return sync_graph(backend, graph, graph_name=graph_name, batch_size=batch_size, dry_run=dry_run)
