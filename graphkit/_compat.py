"""The one place that touches private internals of graphkit's dependencies.

oxrdflib (0.5) does not export its rdflib <-> pyoxigraph term converters, nor the pyoxigraph
Store behind an rdflib Graph on its "Oxigraph" store; graphkit needs both (bulk loading, running
queries on Oxigraph directly, converting terms). Everything private lives here, behind small
public functions, so a dependency upgrade touches this file only. No other module of graphkit
may import an underscore name from rdflib, oxrdflib or pyoxigraph (tests/test_compat.py checks).
"""
from __future__ import annotations

from typing import Any


def to_ox(term: Any) -> Any:
    """An rdflib term (or triple, quad, graph name) as the equivalent pyoxigraph term."""
    from oxrdflib._converter import to_ox as convert

    return convert(term)


def from_ox(term: Any) -> Any:
    """A pyoxigraph term as the equivalent rdflib term."""
    from oxrdflib._converter import from_ox as convert

    return convert(term)


def is_oxigraph_graph(graph: Any) -> bool:
    """True if `graph` is an rdflib Graph on oxrdflib's Oxigraph store."""
    store = getattr(graph, "store", None)
    return store is not None and type(store).__name__ == "OxigraphStore" and hasattr(store, "_inner")


def oxigraph_store(graph: Any):
    """The pyoxigraph.Store behind an rdflib Graph on the Oxigraph store (None for other stores)."""
    if not is_oxigraph_graph(graph):
        return None
    return graph.store._inner


def oxigraph_query_graph(graph: Any) -> dict[str, Any]:
    """The keyword arguments of pyoxigraph.Store.query that make it see what `graph.query` sees:
    the union of all graphs for a ConjunctiveGraph/Dataset with a union default graph, else the
    graph's own identifier as the default graph (DATASET_DEFAULT_GRAPH_ID: Oxigraph's own)."""
    from rdflib.graph import ConjunctiveGraph
    from rdflib.term import Node

    if getattr(graph, "default_union", False):
        return {"use_default_graph_as_union": True}
    identifier = graph.default_context.identifier if isinstance(graph, ConjunctiveGraph) else graph.identifier
    if isinstance(identifier, Node):
        return {"default_graph": to_ox(identifier)}
    return {}
