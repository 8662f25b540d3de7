"""Push a graph to a SPARQL server with the Graph Store HTTP Protocol.

`push_graph` replaces a named graph: the first chunk is PUT (replacing the graph), the others
POSTed (added); the server's triple count is checked before and after, and a failed chunk says
what the remote graph now holds.
"""
from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import dataclass

import pyoxigraph as ox

from .. import _compat
from ..errors import GraphkitError
from ..model import KnowledgeGraph
from ..rdf import DEFAULT_BASE_IRI, ntriples_lines
from .http import DEFAULT_TIMEOUT, RemoteError, check_url, http, normalize_auth, public_url, session_for
from .params import check_iri
from .remote import remote_query

DEFAULT_CHUNK_SIZE = 50_000  # triples per Graph Store request


def graph_store_url(endpoint: str, authenticated: bool = False) -> str:
    """The Graph Store endpoint next to a query endpoint, for the layouts graphkit knows.

    Oxigraph server: /query -> /store. Virtuoso: /sparql -> /sparql-graph-crud (or
    /sparql-graph-crud-auth with credentials; /sparql-auth -> /sparql-graph-crud-auth).
    Fuseki: /<dataset>/sparql or /<dataset>/query -> /<dataset>/data. Otherwise pass it explicitly.
    """
    from urllib.parse import urlsplit, urlunsplit

    parts = urlsplit(endpoint)
    path = parts.path.rstrip("/")
    if path == "/query":
        new = "/store"
    elif path == "/sparql":
        new = "/sparql-graph-crud-auth" if authenticated else "/sparql-graph-crud"
    elif path == "/sparql-auth":
        new = "/sparql-graph-crud-auth"
    elif re.fullmatch(r"/[^/]+/(sparql|query)", path):
        new = path.rsplit("/", 1)[0] + "/data"
    else:
        raise GraphkitError(f"cannot tell the Graph Store endpoint of {public_url(endpoint)}: "
                            "give it with --store URL")
    return urlunsplit(parts._replace(path=new, query="", fragment=""))


@dataclass
class PushResult:
    graph_iri: str
    triples: int  # distinct triples sent
    chunks: int
    remote_count: int  # triples the server reports in the graph afterwards
    seconds: float


def count_triples(endpoint: str, graph_iri: str, *, auth=None, timeout: float = DEFAULT_TIMEOUT,
                  session=None) -> int:
    """Triples in a named graph on a server (the graph goes in default-graph-uri)."""
    result = remote_query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", endpoint, default_graph=graph_iri,
                          timeout=timeout, auth=auth, prefixes={}, session=session)
    try:
        return int(result.rows[0][0])
    except (IndexError, TypeError, ValueError):
        raise RemoteError(f"{public_url(endpoint)} did not answer a triple count for <{graph_iri}>") from None


def _ntriples_of(data, base_iri: str) -> list[str]:
    """Distinct N-Triples lines (without the final dot) of a KnowledgeGraph, an rdflib Graph, a
    pyoxigraph Store (its default graph) or an iterable of pyoxigraph Triples."""
    if isinstance(data, KnowledgeGraph):
        lines = (line[:-2] for line in ntriples_lines(data, base_iri))  # drop " ."
    elif isinstance(data, ox.Store):
        lines = (str(q.triple) for q in data.quads_for_pattern(None, None, None, ox.DefaultGraph()))
    elif _compat.is_oxigraph_graph(data):
        store = _compat.oxigraph_store(data)
        graph = _compat.oxigraph_query_graph(data).get("default_graph")  # None: every graph
        lines = (str(q.triple) for q in store.quads_for_pattern(None, None, None, graph))
    elif hasattr(data, "store") and hasattr(data, "triples"):
        to_ox = _compat.to_ox
        lines = (str(ox.Triple(to_ox(s), to_ox(p), to_ox(o))) for s, p, o in data)
    else:
        lines = (str(t) for t in data)
    return list(dict.fromkeys(lines))  # the same asserted triple can come from two statements


def _has_bnode(line: str) -> bool:
    # subject and predicate hold no spaces (IRIs or blank node labels); the object is the rest
    return line.startswith("_:") or line.split(" ", 2)[2].startswith("_:")


def _chunks(lines: list[str], size: int) -> list[list[str]]:
    """Fixed-size chunks; triples with blank nodes all go in the first one (a blank node label
    only names the same node within one request)."""
    with_bnodes = [line for line in lines if _has_bnode(line)]
    if with_bnodes:
        others = [line for line in lines if not _has_bnode(line)]
        first = with_bnodes + others[:max(0, size - len(with_bnodes))]
        rest = others[len(first) - len(with_bnodes):]
        return [first] + [rest[i:i + size] for i in range(0, len(rest), size)]
    return [lines[i:i + size] for i in range(0, len(lines), size)] or [[]]


def push_graph(data, endpoint: str, graph_iri: str, *, store_endpoint: str | None = None, auth=None,
               chunk_size: int = DEFAULT_CHUNK_SIZE, progress: Callable[[int, int], None] | None = None,
               timeout: float = DEFAULT_TIMEOUT, base_iri: str = DEFAULT_BASE_IRI) -> PushResult:
    """Replace the named graph `graph_iri` on a server with `data`, then verify the triple count.

    data: KnowledgeGraph, rdflib Graph, pyoxigraph Store or iterable of pyoxigraph Triples. The first chunk is PUT
    (replacing the graph), the following ones are POSTed (added). On failure the error says what
    the remote graph now holds. progress(sent, total) is called after each chunk.
    """
    check_url(endpoint)
    check_iri(graph_iri, "--graph")
    if chunk_size < 1:
        raise ValueError("chunk size must be at least 1")
    auth = normalize_auth(auth)
    store = check_url(store_endpoint, "--store") if store_endpoint else graph_store_url(endpoint, auth is not None)
    lines = _ntriples_of(data, base_iri)
    total = len(lines)
    chunks = _chunks(lines, chunk_size)
    session = session_for(auth, endpoint)
    start = time.perf_counter()
    before = count_triples(endpoint, graph_iri, auth=auth, timeout=timeout, session=session)
    sent = 0
    for index, chunk in enumerate(chunks):
        body = ("".join(line + " .\n" for line in chunk)).encode("utf-8")
        method = "PUT" if index == 0 else "POST"
        try:
            # N-Triples is also Turtle: every Graph Store implementation parses text/turtle.
            http(session, method, store, what=f"{method} of chunk {index + 1}/{len(chunks)}", timeout=timeout,
                  auth=auth, params={"graph": graph_iri}, data=body,
                  headers={"Content-Type": "text/turtle; charset=utf-8"})
        except RemoteError as exc:
            state = _remote_state(endpoint, graph_iri, auth, timeout, session, index, len(chunks), total, before)
            raise RemoteError(f"{exc}; {state}") from None
        sent += len(chunk)
        if progress is not None:
            progress(sent, total)
    after = count_triples(endpoint, graph_iri, auth=auth, timeout=timeout, session=session)
    if after != total:
        raise RemoteError(f"push to <{graph_iri}> at {public_url(store)} does not check out: the server holds "
                          f"{after} triples, {total} were sent (it dropped some, or another client wrote "
                          "to the graph meanwhile)")
    return PushResult(graph_iri, total, len(chunks), after, time.perf_counter() - start)


def _remote_state(endpoint, graph_iri, auth, timeout, session, index, n_chunks, total, before) -> str:
    """What the remote graph holds after a failed chunk, counted on the server when possible."""
    try:
        now = count_triples(endpoint, graph_iri, auth=auth, timeout=min(timeout, 30.0), session=session)
    except RemoteError as exc:
        return f"the state of remote graph <{graph_iri}> is unknown (counting failed: {exc})"
    if index == 0:
        if now == before:
            return f"remote graph <{graph_iri}> was not replaced (it still holds {now} triples)"
        return (f"remote graph <{graph_iri}> was damaged by the failed replace: it holds {now} triples "
                f"(before: {before}; expected {total}); push again")
    return (f"remote graph <{graph_iri}> now holds a partial copy: {index} of {n_chunks} chunks "
            f"({now} of {total} triples); push again to replace it")
