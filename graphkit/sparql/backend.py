"""The interface every SPARQL backend implements, and what they share.

A backend answers queries on one dataset: `EmbeddedBackend` (graphkit.sparql.embedded) on a
pyoxigraph Store, an rdflib Graph or a KnowledgeGraph in this process; `RemoteBackend`
(graphkit.sparql.remote) on a SPARQL 1.1 server. Both take the query text or a pack query
and parameter values, and return a SparqlResult:

    with EmbeddedBackend(store) as backend:
        result = backend.run(load_query("partners"), {"company": "apple"})
"""
from __future__ import annotations

import abc
from collections.abc import Mapping
from typing import Any

from ..pack import PackQuery
from ..rdf import DEFAULT_BASE_IRI, data_prefixes
from .results import SparqlResult


def query_text(query: str | PackQuery) -> tuple[str, str]:
    """(text, origin) of a query given as text or as a pack query (origin: its file)."""
    if isinstance(query, PackQuery):
        return query.text, str(query.path)
    if not isinstance(query, str):
        raise TypeError("query must be a string or a PackQuery")
    return query, ""


class SparqlBackend(abc.ABC):
    """What graphkit needs from a SPARQL engine: answer one query, close."""

    #: for messages, e.g. "oxigraph (embedded)" or the endpoint's URL without credentials
    name: str = ""

    def __init__(self, *, base_iri: str = DEFAULT_BASE_IRI):
        self.base_iri = base_iri

    @property
    def prefixes(self) -> dict[str, str]:
        """Prefixes predeclared for every query (gk:, e:, src:, st:, schema:, ...)."""
        return data_prefixes(self.base_iri)

    def run(self, query: str | PackQuery, params: Mapping[str, Any] | None = None, *,
            origin: str | None = None) -> SparqlResult:
        """Answer a query (text or pack query) with `params`: variable -> value (text, converted
        per the query's `# param` declarations, or an RDF term); declared defaults apply.
        Raises GraphkitError (SparqlSyntaxError, RemoteError) with a one-line message."""
        text, where = query_text(query)
        return self.query(text, params, origin=origin or where)

    @abc.abstractmethod
    def query(self, text: str, params: Mapping[str, Any] | None = None, *, origin: str = "") -> SparqlResult:
        """Answer the query text; `origin` (a file name) prefixes error messages."""

    def close(self) -> None:  # noqa: B027 - optional for backends without resources
        """Release connections."""

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.close()
