"""The SPARQL entry points: the question pack, choosing a backend, `run_sparql`."""
from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ..pack import Pack, PackQuery as _PackQuery
from ..rdf import DEFAULT_BASE_IRI
from .backend import SparqlBackend, query_text
from .http import DEFAULT_TIMEOUT
from .results import SparqlResult
from .text import query_form, query_variables


class PackQuery(_PackQuery):
    """A query of the SPARQL pack: queries/<name>.rq."""

    @property
    def form(self) -> str:
        """'select', 'ask' or 'graph' (CONSTRUCT/DESCRIBE)."""
        return query_form(self.text)


#: queries/*.rq, headers with `#` comments, parameters bound as ?variables
SPARQL_PACK = Pack("sparql", "queries", ".rq", "#", query_variables, PackQuery)


def pack_dir() -> Path:
    """queries/ shipped inside the wheel, or at the top of a source checkout."""
    return SPARQL_PACK.directory()


def list_queries() -> list[PackQuery]:
    """The question pack, sorted by name."""
    return list(SPARQL_PACK.queries().values())  # type: ignore[arg-type]


def load_query(name: str) -> PackQuery:
    """A query of the pack by name (file name without .rq)."""
    return SPARQL_PACK.get(name)  # type: ignore[return-value]


def backend_for(graph: Any = None, *, endpoint: str | None = None, default_graph: str | None = None,
                timeout: float = DEFAULT_TIMEOUT, auth=None, allow_service: bool = False,
                base_iri: str = DEFAULT_BASE_IRI) -> SparqlBackend:
    """The backend for `graph` (pyoxigraph Store, rdflib Graph or KnowledgeGraph: embedded) or
    for `endpoint` (a SPARQL 1.1 server: remote). Use it as a context manager."""
    if endpoint is not None:
        if graph is not None:
            raise ValueError("give either a graph or an endpoint, not both")
        from .remote import RemoteBackend

        return RemoteBackend(endpoint, default_graph=default_graph, timeout=timeout, auth=auth, base_iri=base_iri)
    if graph is None:
        raise ValueError("nothing to query: give a graph or an endpoint")
    if default_graph is not None:
        raise ValueError("a default graph (--graph) only applies to a remote endpoint")
    from .embedded import EmbeddedBackend

    return EmbeddedBackend(graph, base_iri=base_iri, allow_service=allow_service)


def run_sparql(query: str | _PackQuery, graph: Any = None, *, endpoint: str | None = None,
               default_graph: str | None = None, params: Mapping[str, Any] | None = None,
               timeout: float = DEFAULT_TIMEOUT, auth=None, allow_service: bool = False,
               base_iri: str = DEFAULT_BASE_IRI, origin: str | None = None) -> SparqlResult:
    """Answer a SPARQL query on `graph` (pyoxigraph Store, rdflib Graph or KnowledgeGraph) or on
    a server (`endpoint`), through the backend `backend_for` chooses.

    params: variable -> value (text, converted per the query's `# param` declarations, or an
    RDF term); declared defaults apply. Raises GraphkitError (SparqlSyntaxError, RemoteError)
    with a one-line message.
    """
    query_text(query)  # a TypeError for anything but text or a pack query, before any work
    with backend_for(graph, endpoint=endpoint, default_graph=default_graph, timeout=timeout, auth=auth,
                     allow_service=allow_service, base_iri=base_iri) as backend:
        return backend.run(query, params, origin=origin)


__all__ = ["PackQuery", "SPARQL_PACK", "backend_for", "list_queries", "load_query", "pack_dir",
           "run_sparql"]
