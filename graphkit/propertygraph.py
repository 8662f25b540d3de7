"""KnowledgeGraph -> property graph (networkx MultiDiGraph), the shape Neo4j and Cypher see,
and its exports (GraphML, the Cypher script).

The projection itself (which nodes, labels, relationships and properties) is defined once, as
rows, in graphkit.property_rows; this module builds the networkx graph from those rows:
- each entity is a node keyed by its id, with `labels` (its class and super-classes, e.g.
  ("Company", "Organization")) and its properties (attribute keys in snake_case);
- each source is a node keyed `src:<id>` with the label ("Source",);
- each statement is one edge keyed by its statement id, with `type` (e.g. PARTNERS_WITH) and
  the statement's qualifiers; `sources` is the list of source ids.
"""
from __future__ import annotations

import networkx as nx

from .cypher.script import CYPHER_FILE, CYPHER_SCRIPT_BATCH, cypher_script
from .model import KnowledgeGraph
from .ontology import Ontology
from .property_rows import (
    SOURCE_PREFIX,
    NodeRow,
    RelationshipRow,
    entity_properties,
    property_graph_rows,
    property_name,
    source_properties,
    statement_properties,
)

__all__ = ["CYPHER_FILE", "CYPHER_SCRIPT_BATCH", "GRAPHML_FILE", "SOURCE_PREFIX", "NodeRow", "RelationshipRow",
           "cypher_script", "entity_properties", "graphml_graph", "property_graph_rows", "property_name",
           "source_properties", "statement_properties", "to_graphml", "to_property_graph",
           "write_property_graph_exports"]


def to_property_graph(graph: KnowledgeGraph, ontology: Ontology | None = None) -> nx.MultiDiGraph:
    """The property-graph projection, built in sorted order (deterministic iteration)."""
    nodes, rels = property_graph_rows(graph, ontology)
    pg = nx.MultiDiGraph()
    pg.add_nodes_from((node.key, {"labels": node.labels, **node.properties}) for node in nodes)
    pg.add_edges_from((rel.start, rel.end, rel.statement_id, {"type": rel.type, **rel.properties}) for rel in rels)
    return pg


# --------------------------------------------------------------------------- exports
# Written to exports/ by `graphkit build` (declared in graphkit.api.build_writers).

GRAPHML_FILE = "graph.graphml"


def _graphml_value(value):
    """GraphML has no lists: a list becomes its JSON text, e.g. ["Alibaba Group","阿里巴巴"]."""
    import json

    if isinstance(value, (list, tuple)):
        return json.dumps(list(value), ensure_ascii=False, separators=(",", ":"))
    return value


def _unify_types(items) -> None:
    """One GraphML type per attribute: ints and floats mixed become floats, other mixes text."""
    types: dict[str, set] = {}
    for data in items:
        for key, value in data.items():
            types.setdefault(key, set()).add(type(value))
    for key, seen in types.items():
        if len(seen) < 2:
            continue
        cast = float if seen <= {int, float} else str
        for data in items:
            if key in data:
                value = data[key]
                data[key] = ("true" if value else "false") if cast is str and isinstance(value, bool) else cast(value)


def graphml_graph(graph: KnowledgeGraph, ontology: Ontology | None = None) -> nx.MultiDiGraph:
    """The projection with GraphML-ready values (see to_graphml)."""
    pg = to_property_graph(graph, ontology)
    out = nx.MultiDiGraph()
    nodes = []
    for key, data in pg.nodes(data=True):
        flat = {k: _graphml_value(v) for k, v in data.items() if k != "labels"}
        shown = data.get("name", data.get("title", key))  # what Gephi and yEd show on the node
        nodes.append((key, {"labels": "".join(f":{label}" for label in data["labels"]), "label": shown, **flat}))
    edges = [(u, v, k, {name: _graphml_value(value) for name, value in data.items()})
             for u, v, k, data in pg.edges(keys=True, data=True)]
    _unify_types([data for _, data in nodes])
    _unify_types([data for *_, data in edges])
    out.add_nodes_from(nodes)
    for u, v, k, data in edges:
        out.add_edge(u, v, key=k, **data)
    return out


def to_graphml(graph: KnowledgeGraph, ontology: Ontology | None = None) -> bytes:
    """The property graph as GraphML (deterministic bytes).

    Nodes keep their projection keys as GraphML ids (entity id, or "src:<id>" for a source)
    and get a `labels` attribute in Neo4j's notation, ":Company:Organization", and a `label`
    attribute, the entity's name or the source's title, which Gephi and yEd show. Edges are
    keyed by statement id and keep `type` (PARTNERS_WITH) and the statement's properties.
    GraphML has no list type: list values (aliases, sources, cites) are written as JSON arrays
    in a string attribute, e.g. ["reuters-2025-02-11-apple-alibaba","bloomberg-..."]. An
    attribute that holds both integers and decimals is typed double; any other mix, string.
    """
    lines = nx.generate_graphml(graphml_graph(graph, ontology), encoding="utf-8", prettyprint=True)
    return ("\n".join(lines) + "\n").encode("utf-8")


def write_property_graph_exports(graph: KnowledgeGraph, out_dir, base_iri: str | None = None) -> list:
    """exports/graph.graphml and exports/graph.cypher, written atomically."""
    from pathlib import Path

    from .exports import atomic_write

    out_dir = Path(out_dir)
    return [atomic_write(out_dir / GRAPHML_FILE, to_graphml(graph)),
            atomic_write(out_dir / CYPHER_FILE, cypher_script(graph))]
