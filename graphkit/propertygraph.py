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

from xml.sax.saxutils import escape as xml_escape

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

    Written straight from the rows: the same bytes as networkx's GraphML writer on
    graphml_graph() (ElementTree, pretty-printed, ASCII with character references), which
    tests/test_propertygraph.py checks, in a fraction of its time and memory.
    """
    nodes, rels = property_graph_rows(graph, ontology)
    node_data = []
    for node in nodes:
        data = {"labels": node.labels, **node.properties}
        flat = {k: _graphml_value(v) for k, v in data.items() if k != "labels"}
        shown = data.get("name", data.get("title", node.key))  # what Gephi and yEd show on the node
        node_data.append((node.key, {"labels": "".join(f":{label}" for label in data["labels"]), "label": shown,
                                     **flat}))
    # networkx lists a MultiDiGraph's edges by source node (in node order), then by target in
    # the order first seen from that source, then by key
    by_start: dict[str, dict[str, list]] = {}
    for rel in rels:
        data = {"type": rel.type, **rel.properties}
        by_start.setdefault(rel.start, {}).setdefault(rel.end, []).append(
            (rel.statement_id, {name: _graphml_value(value) for name, value in data.items()}))
    edge_data = [(start, end, key, data) for start in [n for n, _ in node_data] if start in by_start
                 for end, keyed in by_start[start].items() for key, data in keyed]
    _unify_types([data for _, data in node_data])
    _unify_types([data for *_, data in edge_data])

    keys: dict[tuple[str, str, str], str] = {}
    key_lines: list[str] = []
    body: list[str] = []

    def data_lines(scope: str, data: dict) -> None:
        for name, value in data.items():
            xml_type = _GRAPHML_TYPES.get(type(value))
            if xml_type is None:
                raise TypeError(f"GraphML does not support type {type(value)} as data values.")
            name = str(name)
            key_id = keys.get((name, xml_type, scope))
            if key_id is None:
                key_id = keys[(name, xml_type, scope)] = f"d{len(keys)}"
                key_lines.append(f'  <key id="{key_id}" for="{scope}" attr.name="{_xml_attribute(name)}" '
                                 f'attr.type="{xml_type}" />')
            text = _xml_text(str(value))
            body.append(f'      <data key="{key_id}">{text}</data>' if text else f'      <data key="{key_id}" />')

    for key, data in node_data:
        if data:
            body.append(f'    <node id="{_xml_attribute(str(key))}">')
            data_lines("node", data)
            body.append("    </node>")
        else:
            body.append(f'    <node id="{_xml_attribute(str(key))}" />')
    for start, end, key, data in edge_data:
        edge = f'    <edge source="{_xml_attribute(str(start))}" target="{_xml_attribute(str(end))}" ' \
               f'id="{_xml_attribute(str(key))}"'
        if data:
            body.append(edge + ">")
            data_lines("edge", data)
            body.append("    </edge>")
        else:
            body.append(edge + " />")
    key_lines.reverse()  # networkx inserts each new key first
    graph_lines = ['  <graph edgedefault="directed">', *body, "  </graph>"] if body else \
        ['  <graph edgedefault="directed" />']
    text = "\n".join([f'<graphml xmlns="{_GRAPHML_NS}" xmlns:xsi="{_XSI_NS}" xsi:schemaLocation="{_GRAPHML_NS} '
                      f'{_GRAPHML_NS}/1.0/graphml.xsd">', *key_lines, *graph_lines, "</graphml>"])
    # as networkx: ASCII with character references, then split into lines and joined with "\n"
    text = text.encode("ascii", "xmlcharrefreplace").decode("ascii")
    return ("\n".join(text.splitlines()) + "\n").encode("utf-8")


_GRAPHML_NS = "http://graphml.graphdrawing.org/xmlns"
_XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"
#: networkx's GraphML type of each Python type (the last of its table wins: int is "long")
_GRAPHML_TYPES = {str: "string", int: "long", float: "double", bool: "boolean"}


def _xml_text(text: str) -> str:
    """Character data escaped as ElementTree does."""
    return xml_escape(text)


#: what ElementTree escapes in an attribute value beyond &, < and >
_ATTRIBUTE_ENTITIES = {'"': "&quot;", "\r": "&#13;", "\n": "&#10;", "\t": "&#09;"}


def _xml_attribute(text: str) -> str:
    """An attribute value escaped as ElementTree does."""
    return xml_escape(text, _ATTRIBUTE_ENTITIES)


def to_graphml_networkx(graph: KnowledgeGraph, ontology: Ontology | None = None) -> bytes:
    """to_graphml through networkx's GraphML writer (the reference the direct writer matches)."""
    lines = nx.generate_graphml(graphml_graph(graph, ontology), encoding="utf-8", prettyprint=True)
    return ("\n".join(lines) + "\n").encode("utf-8")


def write_property_graph_exports(graph: KnowledgeGraph, out_dir, base_iri: str | None = None) -> list:
    """exports/graph.graphml and exports/graph.cypher, written atomically."""
    from pathlib import Path

    from .exports import atomic_write

    out_dir = Path(out_dir)
    return [atomic_write(out_dir / GRAPHML_FILE, to_graphml(graph)),
            atomic_write(out_dir / CYPHER_FILE, cypher_script(graph))]
