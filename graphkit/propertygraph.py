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
