"""The property-graph projection of the model, as plain rows: the one place it is defined.

- each entity is a node keyed by its id, with `labels` (its class and super-classes, e.g.
  ("Company", "Organization")) and its properties (attribute keys in snake_case);
- each source is a node keyed `src:<id>` with the label ("Source",);
- each statement is one relationship keyed by its statement id, with `type` (e.g.
  PARTNERS_WITH) and the statement's qualifiers; `sources` is the list of source ids.

The networkx graph (graphkit.propertygraph), the GraphML and Cypher script exports, the Neo4j
sync and the embedded FalkorDB load are all built from these rows. This module depends on the
model and the ontology only.
"""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from .model import Entity, KnowledgeGraph, Source, Statement, optional_fields, written_fields
from .ontology import Ontology, load_ontology

SOURCE_PREFIX = "src:"
SOURCE_LABEL = "Source"


@dataclass(frozen=True)
class NodeRow:
    key: str  # the node's key in the projection: entity id, or "src:<source id>"
    labels: tuple[str, ...]
    properties: dict[str, Any]


@dataclass(frozen=True)
class RelationshipRow:
    statement_id: str
    type: str
    start: str  # node keys
    end: str
    properties: dict[str, Any]


def property_name(key: str) -> str:
    """YAML attribute key -> property name usable in Cypher without quoting."""
    return key.replace("-", "_")


def entity_properties(entity: Entity) -> dict[str, Any]:
    """id, name, type, then name_<lang> per label, aliases, wikidata, description, attributes."""
    props: dict[str, Any] = {"id": entity.id, "name": entity.name, "type": entity.type}
    for lang, label in sorted(entity.labels.items()):
        props[f"name_{lang.replace('-', '_')}"] = label
    props.update(written_fields(entity, ("aliases", *optional_fields(Entity))))
    for key, value in sorted(entity.attributes.items()):
        props[property_name(key)] = value
    return props


def source_properties(source: Source) -> dict[str, Any]:
    """Every written field of the source that has a value (lists for tuples), in model order."""
    return written_fields(source)


def statement_properties(statement: Statement, ontology: Ontology, statement_id: str | None = None, *,
                         sources: dict[str, Source] | None = None) -> dict[str, Any]:
    """statement_id, relation, status, sources, the qualifiers that have a value, symmetric
    (`statement_id`: the statement's id when the caller has it already; it is a hash); with
    `sources` (the graph's), `first_reported`: the earliest date the fact was known.

    The status history, when there is one, is three parallel lists (property values cannot be
    nested): `history_statuses`, `history_dates` and `history_sources` (each step's source ids
    separated by spaces), oldest first, e.g. ["rumored", "confirmed"], ["2025-02-11",
    "2025-02-13"], ["reuters-...", "bloomberg-..."]."""
    props: dict[str, Any] = {"statement_id": statement_id or statement.id, "relation": statement.relation,
                             "status": statement.status, "sources": list(statement.sources)}
    for key in optional_fields(Statement):
        value = getattr(statement, key)
        if value is not None:
            props[key] = value
    if statement.history:
        props["history_statuses"] = [step.status for step in statement.history]
        props["history_dates"] = [step.date for step in statement.history]
        props["history_sources"] = [" ".join(step.sources) for step in statement.history]
    if sources is not None:
        first_reported = statement.first_reported(sources)
        if first_reported:
            props["first_reported"] = first_reported
    props["symmetric"] = ontology.relations[statement.relation].symmetric
    return props


def iter_node_rows(graph: KnowledgeGraph, ontology: Ontology | None = None, *,
                   marker: dict[str, Any] | None = None, key_property: str | None = None) -> Iterator[NodeRow]:
    """The nodes one at a time (entities then sources, each sorted by key): a streamed push
    holds one batch of rows, not all of them. Arguments: see property_graph_rows."""
    ontology = ontology or load_ontology()
    labels = {key: cls.neo4j_labels for key, cls in ontology.classes.items()}
    marker = marker or {}
    for entity in graph.sorted_entities():
        props = entity_properties(entity)
        props.update(marker)
        if key_property:
            props[key_property] = entity.id
        yield NodeRow(entity.id, labels[entity.type], props)
    for source in graph.sorted_sources():
        key = SOURCE_PREFIX + source.id
        props = source_properties(source)
        props.update(marker)
        if key_property:
            props[key_property] = key
        yield NodeRow(key, (SOURCE_LABEL,), props)


def iter_relationship_rows(graph: KnowledgeGraph, ontology: Ontology | None = None, *,
                           marker: dict[str, Any] | None = None) -> Iterator[RelationshipRow]:
    """The relationships one at a time, sorted by statement id (see iter_node_rows)."""
    ontology = ontology or load_ontology()
    types = {key: rel.neo4j_type for key, rel in ontology.relations.items()}
    marker = marker or {}
    for sid, st in sorted(((st.id, st) for st in graph.statements), key=lambda pair: pair[0]):
        props = statement_properties(st, ontology, sid, sources=graph.sources)
        props.update(marker)
        yield RelationshipRow(sid, types[st.relation], st.subject, st.object, props)


def property_graph_rows(graph: KnowledgeGraph, ontology: Ontology | None = None, *,
                        marker: dict[str, Any] | None = None, key_property: str | None = None,
                        ) -> tuple[list[NodeRow], list[RelationshipRow]]:
    """The projection as rows, nodes (entities then sources) and relationships each sorted by key.

    `marker` properties are added to every node and relationship, and `key_property` names a
    property that holds each node's key (the Neo4j sync marks what it writes this way).
    """
    import gc

    ontology = ontology or load_ontology()
    gc_was_enabled = gc.isenabled()
    gc.disable()  # millions of small dicts, no cycles: the collector would only slow this down
    try:
        nodes = list(iter_node_rows(graph, ontology, marker=marker, key_property=key_property))
        rels = list(iter_relationship_rows(graph, ontology, marker=marker))
    finally:
        if gc_was_enabled:
            gc.enable()
    return nodes, rels
