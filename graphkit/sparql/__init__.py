"""SPARQL: the embedded engine, remote SPARQL 1.1 servers, the question pack and pushes.

Two backends behind one small interface (`SparqlBackend`: run a query, close):
- `EmbeddedBackend(source)`: Oxigraph in this process, on a pyoxigraph Store, an rdflib Graph
  (on the Oxigraph store: queried directly) or a KnowledgeGraph; never touches the network
  (SERVICE refused unless allow_service=True);
- `RemoteBackend(endpoint)`: a server, with the SPARQL 1.1 Protocol.
`run_sparql(query, graph)` / `run_sparql(query, endpoint=URL)` pick one (`backend_for`). Both
return a `SparqlResult` with formatters. `push_graph(...)` replaces a named graph on a server
with the Graph Store HTTP Protocol; `push_store(...)` / `push_compiled(...)` stream an on-disk
store (the compiled store) in chunks, resumable after a failure.

The question pack lives in queries/*.rq (format: graphkit.pack). Parameter values become RDF
terms (validated IRIs, escaped literals) placed in a VALUES block, never pasted as strings.

Modules, by layer: text (lexer, prefixes, SERVICE, query form, VALUES injection, syntax errors),
params, terms (term codecs), formats and results, backend (the interface), embedded, http
(sessions, auth, redaction, server messages), remote, push, push_stream, api (pack, backend_for,
run_sparql). Names are loaded on first use, so `import graphkit.sparql` stays cheap.
This package never imports click.
"""
from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

#: public name -> (module, attribute); private aliases keep the names of the former sparql.py
_NAMES: dict[str, tuple[str, str]] = {
    # text
    "SparqlSyntaxError": ("text", "SparqlSyntaxError"), "uses_service": ("text", "uses_service"),
    "query_form": ("text", "query_form"), "declared_prefixes": ("text", "declared_prefixes"),
    "query_variables": ("text", "query_variables"), "locate_syntax_error": ("text", "locate_syntax_error"),
    "with_prefixes": ("text", "with_prefixes"), "inject_values": ("text", "inject_values"),
    "_with_prefixes": ("text", "with_prefixes"), "_inject_values": ("text", "inject_values"),
    "_keywords": ("text", "keywords"), "_unescape_codepoints": ("text", "unescape_codepoints"),
    "_syntax_message": ("text", "syntax_message"), "_where": ("text", "where"),
    # the pack format
    "PARAM_TYPES": ("..pack", "PARAM_TYPES"), "Param": ("..pack", "Param"),
    # parameters
    "parse_header": ("params", "parse_header"), "resolve_params": ("params", "resolve_params"),
    "resolve_bindings": ("params", "resolve_bindings"), "check_iri": ("params", "check_iri"),
    "XSD_INTEGER": ("params", "XSD_INTEGER"), "_check_iri": ("params", "check_iri"),
    "_term_for": ("params", "term_for"), "_guess_type": ("params", "_guess_type"),
    "_expand_iri": ("params", "_expand_iri"),
    # terms and results
    "XSD_STRING": ("terms", "XSD_STRING"), "compact": ("terms", "compact"), "_nt": ("terms", "nt"),
    "_json_term": ("terms", "json_term"), "_term_from_json": ("terms", "term_from_json"),
    "_plain": ("terms", "plain"), "FORMATS": ("formats", "FORMATS"), "SparqlResult": ("results", "SparqlResult"),
    # backends
    "SparqlBackend": ("backend", "SparqlBackend"), "EmbeddedBackend": ("embedded", "EmbeddedBackend"),
    "RemoteBackend": ("remote", "RemoteBackend"), "load_rdf_graph": ("embedded", "load_rdf_graph"),
    "model_store": ("embedded", "model_store"),
    # HTTP and remote
    "DEFAULT_TIMEOUT": ("http", "DEFAULT_TIMEOUT"), "RemoteError": ("http", "RemoteError"),
    "make_auth": ("http", "make_auth"), "public_url": ("http", "public_url"),
    "_normalize_auth": ("http", "normalize_auth"), "_redact": ("http", "redact"),
    "_check_url": ("http", "check_url"), "_http": ("http", "http"), "_session": ("http", "session_for"),
    "_server_message": ("http", "server_message"),
    "remote_query": ("remote", "remote_query"), "_parse_remote": ("remote", "parse_answer"),
    # push
    "DEFAULT_CHUNK_SIZE": ("push", "DEFAULT_CHUNK_SIZE"), "graph_store_url": ("push", "graph_store_url"),
    "PushResult": ("push", "PushResult"), "count_triples": ("push", "count_triples"),
    "push_graph": ("push", "push_graph"), "_ntriples_of": ("push", "_ntriples_of"), "_chunks": ("push", "_chunks"),
    "push_store": ("push_stream", "push_store"), "push_compiled": ("push_stream", "push_compiled"),
    "StreamPushResult": ("push_stream", "StreamPushResult"), "update_url": ("push_stream", "update_url"),
    # entry points and the pack
    "PackQuery": ("api", "PackQuery"), "SPARQL_PACK": ("api", "SPARQL_PACK"), "pack_dir": ("api", "pack_dir"),
    "list_queries": ("api", "list_queries"), "load_query": ("api", "load_query"),
    "backend_for": ("api", "backend_for"), "run_sparql": ("api", "run_sparql"),
    # names the former module imported from graphkit.rdf
    "DEFAULT_BASE_IRI": ("..rdf", "DEFAULT_BASE_IRI"), "STANDARD_PREFIXES": ("..rdf", "STANDARD_PREFIXES"),
    "data_prefixes": ("..rdf", "data_prefixes"),
}

__all__ = ["DEFAULT_BASE_IRI", "DEFAULT_CHUNK_SIZE", "DEFAULT_TIMEOUT", "EmbeddedBackend", "FORMATS", "PACK",
           "PARAM_TYPES", "PackQuery", "Param", "PushResult", "RemoteBackend", "RemoteError", "SPARQL_PACK",
           "STANDARD_PREFIXES", "SparqlBackend", "SparqlResult", "SparqlSyntaxError", "StreamPushResult",
           "XSD_INTEGER", "XSD_STRING",
           "backend_for", "check_iri", "compact", "count_triples", "data_prefixes", "declared_prefixes",
           "graph_store_url", "inject_values", "list_queries", "load_query", "load_rdf_graph",
           "locate_syntax_error", "make_auth", "model_store", "pack_dir", "parse_header", "public_url",
           "push_compiled", "push_graph", "push_store", "query_form", "query_variables", "remote_query",
           "resolve_bindings", "resolve_params", "run_sparql", "uses_service", "with_prefixes"]


def __getattr__(name: str) -> Any:
    if name == "PACK":  # the pack as name -> PackQuery, read on first use
        return {q.name: q for q in __getattr__("list_queries")()}
    if name not in _NAMES:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    module, attribute = _NAMES[name]
    target = (f"graphkit.{module[2:]}" if module.startswith("..") else f"{__name__}.{module}")
    value = getattr(importlib.import_module(target), attribute)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_NAMES) | {"PACK"})


if TYPE_CHECKING:  # pragma: no cover - what the lazy names are, for type checkers and editors
    from ..pack import PARAM_TYPES, Param
    from ..rdf import DEFAULT_BASE_IRI, STANDARD_PREFIXES, data_prefixes
    from .api import SPARQL_PACK, PackQuery, backend_for, list_queries, load_query, pack_dir, run_sparql
    from .backend import SparqlBackend
    from .embedded import EmbeddedBackend, load_rdf_graph, model_store
    from .formats import FORMATS
    from .http import DEFAULT_TIMEOUT, RemoteError, make_auth, public_url
    from .params import XSD_INTEGER, check_iri, parse_header, resolve_bindings, resolve_params
    from .push import DEFAULT_CHUNK_SIZE, PushResult, count_triples, graph_store_url, push_graph
    from .push_stream import StreamPushResult, push_compiled, push_store
    from .remote import RemoteBackend, remote_query
    from .results import SparqlResult
    from .terms import XSD_STRING, compact
    from .text import (
        SparqlSyntaxError,
        declared_prefixes,
        inject_values,
        locate_syntax_error,
        query_form,
        query_variables,
        uses_service,
        with_prefixes,
    )
