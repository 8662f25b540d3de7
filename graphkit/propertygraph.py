"""KnowledgeGraph -> property graph (networkx MultiDiGraph), the shape Neo4j and Cypher see.

- each entity is a node keyed by its id, with `labels` (its class and super-classes, e.g.
  ("Company", "Organization")) and its properties (attribute keys in snake_case);
- each source is a node keyed `src:<id>` with the label ("Source",);
- each statement is one edge keyed by its statement id, with `type` (e.g. PARTNERS_WITH) and
  the statement's qualifiers; `sources` is the list of source ids.
"""
from __future__ import annotations

import networkx as nx

from .model import Entity, KnowledgeGraph, Source, Statement
from .ontology import Ontology, load_ontology

SOURCE_PREFIX = "src:"


def property_name(key: str) -> str:
    """YAML attribute key -> property name usable in Cypher without quoting."""
    return key.replace("-", "_")


def entity_properties(entity: Entity) -> dict:
    props = {"id": entity.id, "name": entity.name, "type": entity.type}
    for lang, label in sorted(entity.labels.items()):
        props[f"name_{lang.replace('-', '_')}"] = label
    if entity.aliases:
        props["aliases"] = list(entity.aliases)
    if entity.wikidata:
        props["wikidata"] = entity.wikidata
    if entity.description:
        props["description"] = entity.description
    for key, value in sorted(entity.attributes.items()):
        props[property_name(key)] = value
    return props


def source_properties(source: Source) -> dict:
    props = {"id": source.id, "title": source.title}
    for key in ("publisher", "url", "date", "language"):
        value = getattr(source, key)
        if value is not None:
            props[key] = value
    if source.cites:
        props["cites"] = list(source.cites)
    return props


def statement_properties(statement: Statement, ontology: Ontology) -> dict:
    props = {"statement_id": statement.id, "relation": statement.relation, "status": statement.status,
             "sources": list(statement.sources)}
    for key in ("market", "since", "until", "note", "quote"):
        value = getattr(statement, key)
        if value is not None:
            props[key] = value
    props["symmetric"] = ontology.relations[statement.relation].symmetric
    return props


def to_property_graph(graph: KnowledgeGraph, ontology: Ontology | None = None) -> nx.MultiDiGraph:
    """The property-graph projection, built in sorted order (deterministic iteration)."""
    ontology = ontology or load_ontology()
    pg = nx.MultiDiGraph()
    for entity in graph.sorted_entities():
        pg.add_node(entity.id, labels=ontology.classes[entity.type].neo4j_labels, **entity_properties(entity))
    for source in graph.sorted_sources():
        pg.add_node(SOURCE_PREFIX + source.id, labels=("Source",), **source_properties(source))
    for st in graph.sorted_statements():
        pg.add_edge(st.subject, st.object, key=st.id, type=ontology.relations[st.relation].neo4j_type,
                    **statement_properties(st, ontology))
    return pg


# --------------------------------------------------------------------------- exports
# Written to exports/ by `graphkit build` (registered in graphkit.api.BUILD_WRITERS below).

GRAPHML_FILE = "graph.graphml"
CYPHER_FILE = "graph.cypher"
CYPHER_SCRIPT_BATCH = 500


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
        nodes.append((key, {"labels": "".join(f":{label}" for label in data["labels"]), **flat}))
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
    and get a `labels` attribute in Neo4j's notation, ":Company:Organization". Edges are
    keyed by statement id and keep `type` (PARTNERS_WITH) and the statement's properties.
    GraphML has no list type: list values (aliases, sources, cites) are written as JSON arrays
    in a string attribute, e.g. ["reuters-2025-02-11-apple-alibaba","bloomberg-..."]. An
    attribute that holds both integers and decimals is typed double; any other mix, string.
    """
    lines = nx.generate_graphml(graphml_graph(graph, ontology), encoding="utf-8", prettyprint=True)
    return ("\n".join(lines) + "\n").encode("utf-8")


def cypher_script(graph: KnowledgeGraph, *, graph_name: str = "graphkit", dialect: str = "neo4j",
                  batch_size: int = CYPHER_SCRIPT_BATCH) -> str:
    """A Cypher script that recreates the graph in Neo4j 5 (cypher-shell -f graph.cypher).

    It creates the constraints and indexes, deletes the nodes of graph `graph_name` that
    graphkit manages (label GraphkitManaged; nothing else is touched), and writes every node
    and relationship with the same marked shape as `graphkit push neo4j`, so a push after
    running the script finds nothing to change. Values are literals (a file cannot carry
    parameters), written one row per line. dialect="falkordb" writes FalkorDB's index syntax.
    """
    from .cypher.dialect import cypher_literal, schema_statements
    from .cypher.sync import (delete_graph_statement, property_graph_rows, upsert_nodes_statement,
                              upsert_relationships_statement)

    nodes, rels = property_graph_rows(graph, graph_name)
    name = cypher_literal(graph_name)
    out = ["// graphkit knowledge graph of the AI industry, as a Cypher script for Neo4j 5.",
           "// Generated from YAML by `graphkit build`; edit the YAML, not this file.",
           "// Run it with: cypher-shell -a bolt://localhost:7687 -u neo4j -f graph.cypher",
           f"// It replaces the nodes and relationships of graph {name} that graphkit manages (label",
           "// GraphkitManaged, property graphkit_graph) and leaves every other node alone.",
           f"// {len(nodes)} nodes, {len(rels)} relationships.", ""]
    for statement in schema_statements(dialect, {label for n in nodes for label in n.labels}, {r.type for r in rels}):
        out.append(statement + ";")
    out.append(delete_graph_statement(name) + ";")

    def rows_literal(rows: list[dict]) -> str:
        return "[\n" + ",\n".join("  " + cypher_literal(row) for row in rows) + "\n]"

    by_labels: dict[tuple, list] = {}
    for node in nodes:
        by_labels.setdefault(node.labels, []).append({"key": node.key, "props": node.properties})
    for labels, rows in sorted(by_labels.items()):
        for i in range(0, len(rows), batch_size):
            out.append(upsert_nodes_statement(labels, rows_literal(rows[i:i + batch_size]), name) + ";")
    by_type: dict[str, list] = {}
    for rel in rels:
        by_type.setdefault(rel.type, []).append({"id": rel.statement_id, "start": rel.start, "end": rel.end,
                                                 "props": rel.properties})
    for rel_type, rows in sorted(by_type.items()):
        for i in range(0, len(rows), batch_size):
            out.append(upsert_relationships_statement(rel_type, rows_literal(rows[i:i + batch_size]), name) + ";")
    return "\n".join(out) + "\n"


def write_property_graph_exports(graph: KnowledgeGraph, out_dir, base_iri: str | None = None) -> list:
    """exports/graph.graphml and exports/graph.cypher, written atomically."""
    from pathlib import Path

    from .exports import atomic_write

    out_dir = Path(out_dir)
    return [atomic_write(out_dir / GRAPHML_FILE, to_graphml(graph)),
            atomic_write(out_dir / CYPHER_FILE, cypher_script(graph))]


def _register_build_writer() -> None:
    from .api import BUILD_WRITERS

    if not any(getattr(w, "__qualname__", "") == write_property_graph_exports.__qualname__
               and getattr(w, "__module__", "") == __name__ for w in BUILD_WRITERS):
        BUILD_WRITERS.append(write_property_graph_exports)


_register_build_writer()
