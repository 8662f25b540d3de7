"""The embedded engine: queries answered in this process, by Oxigraph.

`EmbeddedBackend(source)` takes
- a pyoxigraph.Store (for example an on-disk store opened by the caller): queried directly;
- an rdflib Graph on oxrdflib's Oxigraph store: the pyoxigraph Store behind it is queried
  directly, seeing what `graph.query` would see;
- a KnowledgeGraph: loaded into a new in-memory pyoxigraph Store (entity parameters may then
  also be given by name);
- an rdflib Graph on another store (rdflib's memory store, the baseline of the benchmarks):
  answered by rdflib's own engine.

On Oxigraph the answer keeps pyoxigraph's terms: no rdflib object is built per result term
(that conversion used to take most of a query's time). The embedded engine never touches the
network: SERVICE clauses are refused unless allow_service=True.
"""
from __future__ import annotations

import os
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from .. import _compat
from ..errors import GraphkitError, InvalidDataError, QueryError
from ..model import KnowledgeGraph
from ..rdf import DEFAULT_BASE_IRI, RDF_FORMATS, IRIs, data_prefixes, ntriples
from .backend import SparqlBackend
from .params import resolve_bindings
from .results import SparqlResult, as_oxigraph_triple
from .terms import plain, to_rdflib
from .text import SparqlSyntaxError, inject_values, keywords, query_form, syntax_message, uses_service, where


def model_store(kg: KnowledgeGraph, base_iri: str = DEFAULT_BASE_IRI) -> ox.Store:
    """A new in-memory pyoxigraph Store holding the model's triples in its default graph."""
    store = ox.Store()
    store.bulk_load(ntriples(kg, base_iri), ox.RdfFormat.N_TRIPLES, to_graph=ox.DefaultGraph())
    return store


def load_rdf_graph(path: str | os.PathLike, base_iri: str = DEFAULT_BASE_IRI):
    """Any RDF file (Turtle, N-Triples, TriG...) as an rdflib Graph on the Oxigraph store.

    Unlike graphkit.rdf.load_rdf_file this does not rebuild the model: foreign RDF is fine.
    The graphs of a dataset file (TriG, N-Quads) all go into the default graph, queried as one.
    """
    from rdflib import URIRef

    from ..rdf import new_rdflib_graph

    path = Path(path)
    fmt = RDF_FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise GraphkitError(f"{path}: unknown RDF file extension (known: {', '.join(RDF_FORMATS)})")
    graph = new_rdflib_graph()
    for prefix, namespace in data_prefixes(base_iri).items():
        graph.bind(prefix, URIRef(namespace))
    store = _compat.oxigraph_store(graph)
    try:
        with path.open("rb") as handle:
            default = ox.DefaultGraph()
            store.extend(ox.Quad(q.subject, q.predicate, q.object, default)
                         for q in ox.parse(handle, fmt, base_iri=path.resolve().as_uri()))
    except OSError as exc:
        raise GraphkitError(f"{path}: cannot read: {exc.strerror or exc}") from None
    except SyntaxError as exc:
        raise InvalidDataError(f"{path}: RDF syntax error: {exc}") from None
    return graph


class EmbeddedBackend(SparqlBackend):
    """Queries on data in this process (see the module's docstring for what `source` may be)."""

    def __init__(self, source: Any, *, base_iri: str = DEFAULT_BASE_IRI, allow_service: bool = False,
                 prefixes: Mapping[str, str] | None = None, union_default_graph: bool = False,
                 runner: Callable[[str, dict[str, str]], SparqlResult] | None = None):
        """prefixes: predeclared in addition to graphkit's; union_default_graph: for a
        pyoxigraph Store, let the default graph be the union of all its graphs; runner: runs
        the final query text (prefixes given) on the same data where it can be stopped, e.g. in
        a graphkit.worker.QueryWorker with a timeout and caps (the command line does this)."""
        super().__init__(base_iri=base_iri)
        self.allow_service = allow_service
        self.runner = runner
        self.kg: KnowledgeGraph | None = None
        self.graph: Any = None  # an rdflib Graph on a store other than Oxigraph
        self.store: ox.Store | None
        self._graph_options: dict[str, Any] = {}
        extra = dict(prefixes or {})
        if isinstance(source, KnowledgeGraph):
            self.kg = source
            self.store = model_store(source, base_iri)
        elif isinstance(source, ox.Store):
            self.store = source
            if union_default_graph:
                self._graph_options = {"use_default_graph_as_union": True}
        elif hasattr(source, "store") and hasattr(source, "namespaces"):  # an rdflib Graph
            extra = {**{str(p): str(ns) for p, ns in source.namespaces()}, **extra}
            self.store = _compat.oxigraph_store(source)
            if self.store is None:
                self.graph = source
            else:
                self._graph_options = _compat.oxigraph_query_graph(source)
        else:
            raise TypeError("an embedded SPARQL backend needs a pyoxigraph.Store, an rdflib Graph or a "
                            f"KnowledgeGraph, not {type(source).__name__}")
        self._prefixes = {**data_prefixes(base_iri), **extra}
        self.name = "oxigraph (embedded)" if self.store is not None else "rdflib (embedded)"

    @property
    def prefixes(self) -> dict[str, str]:
        return dict(self._prefixes)

    def query(self, text: str, params: Mapping[str, Any] | None = None, *, origin: str = "") -> SparqlResult:
        if not self.allow_service and uses_service(text):
            raise QueryError(f"{where(origin)}SERVICE clauses are refused on the embedded store (they make "
                                "network calls); pass --allow-service (allow_service=True) to run them")
        if self.store is None and "FROM" in keywords(text):
            raise QueryError(f"{where(origin)}FROM is refused on rdflib's in-memory store (it loads graphs "
                                "from the web)")
        prefixes = self._prefixes
        bindings = resolve_bindings(text, params, base_iri=self.base_iri, prefixes=prefixes, kg=self.kg,
                                    origin=origin or "query")
        if self.kg is None:
            self._check_entities(bindings)
        query_form(text)  # a clear error for an update or a non-query, before the engine's
        # Parameters travel as a VALUES block of serialized terms, as on servers, rather than as
        # substitutions: Oxigraph plans a substituted constant badly (`chain` at 100k triples:
        # 0.8 s with substitutions, 5 ms with VALUES), and every engine then sees the same query.
        final = inject_values(text, bindings)
        start = time.perf_counter()
        try:
            if self.store is not None:
                result = self._on_oxigraph(final)
            else:
                result = self._on_rdflib(final, prefixes)
        except SyntaxError as exc:
            raise SparqlSyntaxError(syntax_message(exc, origin, text)) from None
        except GraphkitError:
            raise
        except Exception as exc:  # engine errors (Oxigraph: OSError/RuntimeError; rdflib: plain Exception)
            if type(exc).__name__ in ("ParseException", "ParseFatalException"):
                raise SparqlSyntaxError(syntax_message(exc, origin, text)) from None
            message = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise QueryError(f"{where(origin)}query failed: {message}") from None
        result.seconds = time.perf_counter() - start
        return result

    def _on_oxigraph(self, text: str) -> SparqlResult:
        assert self.store is not None
        prefixes = self._prefixes
        if self.runner is not None:
            return self.runner(text, dict(prefixes))
        answer = self.store.query(text, prefixes=prefixes, **self._graph_options)
        if isinstance(answer, ox.QueryBoolean):
            return SparqlResult("ask", boolean=bool(answer), prefixes=prefixes)
        if isinstance(answer, ox.QueryTriples):
            return SparqlResult("graph", triples=answer, prefixes=prefixes)
        variables = [v.value for v in answer.variables]
        return SparqlResult("select", variables, list(map(tuple, answer)), prefixes=prefixes)

    def _on_rdflib(self, text: str, prefixes: Mapping[str, str]) -> SparqlResult:
        answer = self.graph.query(text, initNs=prefixes)
        if answer.type == "ASK":
            return SparqlResult("ask", boolean=bool(answer.askAnswer), prefixes=prefixes)
        if answer.type in ("CONSTRUCT", "DESCRIBE"):
            return SparqlResult("graph", triples=map(as_oxigraph_triple, answer.graph), prefixes=prefixes)
        rows = [tuple(plain(binding.get(v)) for v in answer.vars) for binding in answer.bindings]
        return SparqlResult("select", [str(v) for v in answer.vars], rows, prefixes=prefixes)

    def _check_entities(self, bindings: Mapping[str, Any]) -> None:
        """An entity parameter must name an entity of the data (a typo would answer nothing)."""
        entities = IRIs(self.base_iri).entity("")
        for name, term in bindings.items():
            if not (isinstance(term, ox.NamedNode) and term.value.startswith(entities)):
                continue
            if self.store is not None:
                graph = None if self._graph_options.get("use_default_graph_as_union") else \
                    self._graph_options.get("default_graph", ox.DefaultGraph())
                found = next(iter(self.store.quads_for_pattern(term, None, None, graph)), None) is not None
            else:
                found = (to_rdflib(term), None, None) in self.graph
            if not found:
                raise QueryError(f"parameter {name}: no entity <{term.value}> in the data")


__all__ = ["EmbeddedBackend", "load_rdf_graph", "model_store"]
