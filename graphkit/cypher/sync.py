"""Sync the property graph into a Cypher database: write what changed, delete what is gone,
leave everything else alone.

Everything graphkit writes is marked: nodes carry the label `GraphkitManaged` and the
properties `graphkit_graph` (the graph's name, "graphkit" unless told otherwise) and
`graphkit_key` (the node's key in the projection: the entity id, or "src:<id>" for a source);
relationships carry `graphkit_graph` and `statement_id`. A sync reads graphkit's own nodes and
relationships of that graph, compares them with the model and writes only the differences, so:
- pushing twice changes nothing (the second push finds no difference and writes nothing);
- a fact or entity removed from the YAML is deleted from the database;
- nodes and relationships without the marker (or of another graph name) are never matched,
  changed or deleted. graphkit owns the properties and ontology labels of its own nodes; other
  labels that someone adds to them are kept.

Values always travel as parameters; labels and relationship types come from the ontology and
are validated and backtick-quoted (dialect.quote_name). The statements (statements.py) are the
same text on Neo4j 5 and FalkorDB (UNWIND $rows + MERGE + SET); schema statements live in
dialect.py. The rows come from graphkit.property_rows, like every other property-graph output.
Writes are auto-commit batches of `batch_size` rows (FalkorDB's Bolt listener hangs on explicit
transactions): an interrupted push leaves a partial state that the next push completes.
"""
from __future__ import annotations

import math
import time
from collections import defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..property_rows import SOURCE_LABEL, NodeRow, RelationshipRow, property_graph_rows as projection_rows
from .dialect import GRAPH_PROPERTY, KEY_PROPERTY, MANAGED_LABEL, ensure_schema
from .statements import (
    READ_NODES,
    READ_RELATIONSHIPS,
    delete_graph_statement,
    delete_nodes_statement,
    delete_relationships_statement,
    remove_label_statement,
    upsert_nodes_statement,
    upsert_relationships_statement,
)

if TYPE_CHECKING:  # pragma: no cover
    from ..model import KnowledgeGraph
    from ..ontology import Ontology

__all__ = ["DEFAULT_BATCH_SIZE", "DEFAULT_GRAPH_NAME", "READ_NODES", "READ_RELATIONSHIPS", "NodeRow",
           "RelationshipRow", "SyncPlan", "SyncResult", "apply_plan", "delete_graph_statement",
           "delete_nodes_statement", "delete_relationships_statement", "managed_labels", "managed_rows",
           "plan_sync", "property_graph_rows", "read_managed", "remove_label_statement", "sync_graph",
           "upsert_nodes_statement", "upsert_relationships_statement"]

DEFAULT_GRAPH_NAME = "graphkit"
DEFAULT_BATCH_SIZE = 1000


def managed_rows(graph: KnowledgeGraph, graph_name: str | None = None, ontology: Ontology | None = None
                 ) -> tuple[list[NodeRow], list[RelationshipRow]]:
    """The property-graph rows (graphkit.property_rows) as the sync writes them: with
    `graph_name`, every node and relationship carries the marker properties graphkit_graph
    and (nodes) graphkit_key."""
    if graph_name is None:
        return projection_rows(graph, ontology)
    return projection_rows(graph, ontology, marker={GRAPH_PROPERTY: graph_name}, key_property=KEY_PROPERTY)


#: The name managed_rows had before graphkit.property_rows existed (same arguments).
property_graph_rows = managed_rows


# --------------------------------------------------------------------------- plan


@dataclass
class SyncResult:
    """What a sync changed (or would change, for a dry run)."""

    nodes_created: int = 0
    nodes_updated: int = 0
    nodes_deleted: int = 0
    relationships_created: int = 0
    relationships_updated: int = 0
    relationships_deleted: int = 0
    nodes: int = 0  # graphkit's nodes of this graph after the sync
    relationships: int = 0
    dry_run: bool = False
    seconds: float = 0.0

    @property
    def changed(self) -> bool:
        return any((self.nodes_created, self.nodes_updated, self.nodes_deleted, self.relationships_created,
                    self.relationships_updated, self.relationships_deleted))

    def summary(self) -> str:
        if not self.changed:
            return f"no change ({self.nodes} nodes, {self.relationships} relationships)"
        verb = "would be" if self.dry_run else "now"
        return (f"nodes: {self.nodes_created} created, {self.nodes_updated} updated, {self.nodes_deleted} deleted; "
                f"relationships: {self.relationships_created} created, {self.relationships_updated} updated, "
                f"{self.relationships_deleted} deleted ({verb} {self.nodes} nodes, "
                f"{self.relationships} relationships)")


@dataclass
class SyncPlan:
    upsert_nodes: dict[tuple[str, ...], list[NodeRow]] = field(default_factory=lambda: defaultdict(list))
    remove_labels: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    delete_nodes: list[str] = field(default_factory=list)
    upsert_relationships: dict[str, list[RelationshipRow]] = field(default_factory=lambda: defaultdict(list))
    delete_relationships: dict[str, list[dict]] = field(default_factory=lambda: defaultdict(list))
    result: SyncResult = field(default_factory=SyncResult)


def _same(a: Any, b: Any) -> bool:
    """Property values equal as stored (ints and floats compare by value, lists by items)."""
    if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, bool) or isinstance(b, bool):
        return a is b
    if isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b):
        return True
    return a == b


def _same_props(a: dict, b: dict) -> bool:
    return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)


def plan_sync(nodes: list[NodeRow], rels: list[RelationshipRow], current_nodes: dict[str, tuple[set, dict]],
              current_rels: dict[str, tuple[str, str, str, dict]], ontology_labels: set[str]) -> SyncPlan:
    """Compare the wanted rows with what the database holds; `ontology_labels` are the labels
    graphkit manages on its nodes (others are left in place)."""
    plan = SyncPlan()
    result = plan.result
    wanted_keys = set()
    for node in nodes:
        wanted_keys.add(node.key)
        current = current_nodes.get(node.key)
        if current is None:
            plan.upsert_nodes[node.labels].append(node)
            result.nodes_created += 1
            continue
        labels, props = current
        stale_labels = sorted((labels & ontology_labels) - set(node.labels))
        if stale_labels or not set(node.labels) <= labels or not _same_props(props, node.properties):
            plan.upsert_nodes[node.labels].append(node)
            for label in stale_labels:
                plan.remove_labels[label].append(node.key)
            result.nodes_updated += 1
    plan.delete_nodes = sorted(set(current_nodes) - wanted_keys)
    result.nodes_deleted = len(plan.delete_nodes)
    deleted = set(plan.delete_nodes)

    wanted_ids = set()
    for rel in rels:
        wanted_ids.add(rel.statement_id)
        current_rel = current_rels.get(rel.statement_id)
        if current_rel is None:
            plan.upsert_relationships[rel.type].append(rel)
            result.relationships_created += 1
            continue
        rel_type, start, end, props = current_rel
        if (rel_type, start, end) != (rel.type, rel.start, rel.end):
            # Same statement id, other ends or type (hand edits): replace the relationship.
            if start not in deleted:
                plan.delete_relationships[rel_type].append({"id": rel.statement_id, "start": start})
            plan.upsert_relationships[rel.type].append(rel)
            result.relationships_updated += 1
        elif not _same_props(props, rel.properties):
            plan.upsert_relationships[rel.type].append(rel)
            result.relationships_updated += 1
    for sid in sorted(set(current_rels) - wanted_ids):
        rel_type, start, _end, _props = current_rels[sid]
        result.relationships_deleted += 1
        if start not in deleted and _end not in deleted:  # DETACH DELETE takes those
            plan.delete_relationships[rel_type].append({"id": sid, "start": start})
    result.nodes = len(nodes)
    result.relationships = len(rels)
    return plan


def read_managed(backend, graph_name: str) -> tuple[dict, dict]:
    """graphkit's nodes and relationships of `graph_name` in the database."""
    nodes = {}
    for key, labels, props in backend.run(READ_NODES, {"graph": graph_name}).rows:
        nodes[key] = (set(labels) - {MANAGED_LABEL}, dict(props))
    rels = {}
    for sid, rel_type, start, end, props in backend.run(READ_RELATIONSHIPS, {"graph": graph_name}).rows:
        if sid in rels:  # a duplicate (two pushes racing): delete all but one on the next pass
            continue
        rels[sid] = (rel_type, start, end, dict(props))
    return nodes, rels


def _batches(items: list, size: int):
    for i in range(0, len(items), size):
        yield items[i:i + size]


def apply_plan(backend, plan: SyncPlan, graph_name: str, batch_size: int) -> None:
    run = backend.run
    for rel_type, deleted_rows in sorted(plan.delete_relationships.items()):
        for batch in _batches(deleted_rows, batch_size):
            run(delete_relationships_statement(rel_type), {"rows": batch, "graph": graph_name}, write=True)
    for batch in _batches(plan.delete_nodes, batch_size):
        run(delete_nodes_statement(), {"keys": batch, "graph": graph_name}, write=True)
    for labels, node_rows in sorted(plan.upsert_nodes.items()):
        statement = upsert_nodes_statement(labels)
        for batch in _batches(node_rows, batch_size):
            run(statement, {"rows": [{"key": r.key, "props": r.properties} for r in batch], "graph": graph_name},
                write=True)
    for label, keys in sorted(plan.remove_labels.items()):
        for batch in _batches(keys, batch_size):
            run(remove_label_statement(label), {"keys": batch, "graph": graph_name}, write=True)
    for rel_type, rel_rows in sorted(plan.upsert_relationships.items()):
        statement = upsert_relationships_statement(rel_type)
        for batch in _batches(rel_rows, batch_size):
            run(statement, {"rows": [{"id": r.statement_id, "start": r.start, "end": r.end, "props": r.properties}
                                     for r in batch], "graph": graph_name}, write=True)


def managed_labels() -> set[str]:
    """The labels graphkit owns on its nodes: every ontology class, and Source."""
    from ..ontology import load_ontology

    return set(load_ontology().classes) | {SOURCE_LABEL}


def sync_graph(backend, graph: KnowledgeGraph, *, graph_name: str = DEFAULT_GRAPH_NAME,
               batch_size: int = DEFAULT_BATCH_SIZE, dry_run: bool = False) -> SyncResult:
    """Make graphkit's nodes and relationships of `graph_name` in the backend's database equal
    to the model (see the module docstring)."""
    if not isinstance(graph_name, str) or not graph_name.strip():
        raise ValueError("the graph name must be a non-empty string")
    if not isinstance(batch_size, int) or batch_size < 1:
        raise ValueError("the batch size must be a positive integer")
    start = time.perf_counter()
    nodes, rels = managed_rows(graph, graph_name)
    if not dry_run:
        ensure_schema(backend, {label for n in nodes for label in n.labels}, {r.type for r in rels})
    current_nodes, current_rels = read_managed(backend, graph_name)
    plan = plan_sync(nodes, rels, current_nodes, current_rels, managed_labels())
    if not dry_run:
        apply_plan(backend, plan, graph_name, batch_size)
    plan.result.dry_run = dry_run
    plan.result.seconds = time.perf_counter() - start
    return plan.result
