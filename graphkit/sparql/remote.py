"""Queries on a SPARQL 1.1 server: the remote backend.

The query is sent with the SPARQL 1.1 Protocol (URL-encoded POST), with graphkit's prefixes
declared in front of it (on the first line, so the server's line numbers stay right) and the
parameters bound in a VALUES block. SELECT/ASK answers are read from SPARQL results JSON,
CONSTRUCT/DESCRIBE from N-Triples or Turtle. A named graph to query goes in the protocol's
default-graph-uri parameter, never into the query text.
"""
from __future__ import annotations

import time
from collections.abc import Mapping
from typing import Any

from ..errors import shorten, show
from ..rdf import DEFAULT_BASE_IRI, data_prefixes
from .backend import SparqlBackend
from .http import DEFAULT_TIMEOUT, RemoteError, check_url, http, normalize_auth, public_url, session_for
from .params import check_iri, resolve_bindings
from .results import SparqlResult
from .terms import term_from_json
from .text import inject_values, locate_syntax_error, query_form, with_prefixes


class RemoteBackend(SparqlBackend):
    """Queries on a SPARQL 1.1 endpoint; one HTTP session for all the queries of the backend."""

    def __init__(self, endpoint: str, *, default_graph: str | None = None, timeout: float = DEFAULT_TIMEOUT,
                 auth=None, base_iri: str = DEFAULT_BASE_IRI, session=None):
        """auth: a requests auth object (make_auth) or (user, password[, "basic"|"digest"]);
        default_graph: the IRI of the named graph to query (sent as default-graph-uri)."""
        super().__init__(base_iri=base_iri)
        self.endpoint = check_url(endpoint)
        if default_graph:
            check_iri(default_graph, "--graph")
        self.default_graph = default_graph
        self.timeout = timeout
        self.auth = normalize_auth(auth)
        self.name = public_url(endpoint)
        self._own_session = session is None
        self.session = session

    def query(self, text: str, params: Mapping[str, Any] | None = None, *, origin: str = "") -> SparqlResult:
        prefixes = self.prefixes
        bindings = resolve_bindings(text, params, base_iri=self.base_iri, prefixes=prefixes, origin=origin or "query")
        if self.session is None:
            self.session = session_for(self.auth, self.endpoint)
        return remote_query(text, self.endpoint, default_graph=self.default_graph, bindings=bindings,
                            timeout=self.timeout, auth=self.auth, prefixes=prefixes, session=self.session)

    def close(self) -> None:
        if self._own_session and self.session is not None:
            self.session.close()
            self.session = None


def remote_query(query: str, endpoint: str, *, default_graph: str | None = None,
                 bindings: Mapping[str, Any] | None = None, timeout: float = DEFAULT_TIMEOUT, auth=None,
                 prefixes: Mapping[str, str] | None = None, session=None) -> SparqlResult:
    """Send a query with the SPARQL 1.1 Protocol (URL-encoded POST) and parse the answer.

    bindings: variable -> RDF term, bound in a VALUES block. default_graph goes in the
    protocol's default-graph-uri parameter, not into the query text.
    """
    check_url(endpoint)
    auth = normalize_auth(auth)
    prefixes = dict(data_prefixes() if prefixes is None else prefixes)
    form = query_form(query)
    text = inject_values(with_prefixes(query, prefixes), bindings or {})
    data = {"query": text}
    if default_graph:
        check_iri(default_graph, "--graph")
        data["default-graph-uri"] = default_graph
    accept = ("application/sparql-results+json" if form != "graph"
              else "application/n-triples, text/turtle;q=0.9")
    session = session or session_for(auth, endpoint)
    start = time.perf_counter()
    try:
        response = http(session, "POST", endpoint, what="query", timeout=timeout, auth=auth, data=data,
                        headers={"Accept": accept})
    except RemoteError as exc:
        located = locate_syntax_error(query) if "(HTTP 400" in str(exc) else None
        if located:  # say where, in the user's own text (the server also saw the added prefixes)
            raise RemoteError(f"{exc} [line {located[0]}, column {located[1]}: {located[2]}]") from None
        raise
    result = parse_answer(response, form, prefixes, endpoint)
    result.seconds = time.perf_counter() - start
    return result


def _json_document(response, content_type: str, shown: str) -> dict:
    """The answer as a JSON object, or a RemoteError that says what came instead."""
    import json

    body = response.content or b""
    what = f"'{content_type}'" if content_type else "no Content-Type"
    if not body.strip():
        raise RemoteError(f"{shown} answered an empty body ({what}), not SPARQL results JSON")
    try:
        document = json.loads(body)
    except RecursionError:
        raise RemoteError(f"{shown} answered JSON nested too deeply to be SPARQL results ({what})") from None
    except ValueError as exc:
        start = body[:60].decode("utf-8", "replace")
        raise RemoteError(f"{shown} answered a body that is not JSON ({what}, {len(body):,} bytes, "
                          f"{shorten(str(exc), 80)}; it starts with {show(start)}), not SPARQL results JSON") from None
    if not isinstance(document, dict):
        raise RemoteError(f"{shown} answered JSON that is not SPARQL results (a {type(document).__name__}, not an "
                          "object)")
    return document


def parse_answer(response, form: str, prefixes: Mapping[str, str], endpoint: str) -> SparqlResult:
    content_type = response.headers.get("Content-Type", "").split(";")[0].strip().lower()
    shown = public_url(endpoint)
    if form == "graph":
        import pyoxigraph as ox

        fmt = ox.RdfFormat.from_media_type(content_type) if content_type else None
        if fmt is None:
            raise RemoteError(f"{shown} answered a CONSTRUCT/DESCRIBE with {show(content_type)}, not RDF")
        try:
            triples = list(ox.parse(response.content, fmt))
        except (SyntaxError, ValueError) as exc:
            raise RemoteError(f"{shown} answered RDF that does not parse: {shorten(str(exc), 200)}") from None
        return SparqlResult("graph", triples=triples, prefixes=prefixes)
    document = _json_document(response, content_type, shown)
    if "boolean" in document:
        return SparqlResult("ask", boolean=bool(document["boolean"]), prefixes=dict(prefixes))
    if form == "ask":
        # Virtuoso 7 answers ASK with a result set: one row {__ASK_RETVAL: 1} for true, none for false.
        try:
            rows = document["results"]["bindings"]
            answer = any(str(v.get("value")) not in ("0", "false") for row in rows for v in row.values())
        except (KeyError, TypeError, AttributeError):
            raise RemoteError(f"{shown} answered an ASK query without a boolean") from None
        return SparqlResult("ask", boolean=answer, prefixes=dict(prefixes))
    try:
        variables = list(document["head"]["vars"])
        rows = [tuple(term_from_json(binding.get(v)) for v in variables)
                for binding in document["results"]["bindings"]]
    except (KeyError, TypeError, ValueError, AttributeError, RecursionError) as exc:
        raise RemoteError(f"{shown} answered malformed SPARQL results JSON ({type(exc).__name__}: "
                          f"{shorten(str(exc), 100)})") from None
    return SparqlResult("select", variables, rows, prefixes=dict(prefixes))
