"""Push the property graph into a Cypher database in batches: streamed, resumable.

The rows (graphkit.property_rows) are produced one at a time and written in a fixed order of
batches of `batch_size` rows, each one `UNWIND $rows ... MERGE ... SET` with the rows as a
parameter (the statements of graphkit.cypher.statements, the same as the sync and the Cypher
script): first every node (one batch per label set), then every relationship (one batch per
type). Memory holds the model and one batch per label set or type, never the whole projection
nor what the database holds.

After each batch the database acknowledged, a checkpoint (graphkit.push_checkpoint) records
the batches done; run again after a failure or an interruption, the push continues after the
last acknowledged batch (from another store generation it starts over). Writing a batch twice
changes nothing (MERGE on the node key and the statement id, then SET of all properties).

Then a clean-up reads graphkit's nodes and relationships of the graph name page by page
(ordered by key, CLEANUP_PAGE keys a page) and deletes those that are no longer in the model,
and removes ontology labels a node no longer has. Last, the database's counts of graphkit's nodes and relationships
of the graph name must equal the model's. Nodes and relationships graphkit did not write are
never touched (the marker properties of graphkit.cypher.sync).

Unlike `sync_graph` (the diff: it reads every node and relationship first, then writes only
the differences, with exact created/updated counts), this writes every row: slower for a small
change to a big database, but bounded and resumable.
"""
from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import GraphkitError, ValidationError
from ..property_rows import SOURCE_LABEL, SOURCE_PREFIX, iter_node_rows, iter_relationship_rows
from ..push_checkpoint import Checkpoint, checkpoint_path
from .dialect import GRAPH_PROPERTY, KEY_PROPERTY, MANAGED_LABEL, ensure_schema, quote_name
from .statements import (
    delete_nodes_statement,
    delete_relationships_statement,
    remove_label_statement,
    upsert_nodes_statement,
    upsert_relationships_statement,
)
from .sync import DEFAULT_BATCH_SIZE, DEFAULT_GRAPH_NAME, managed_labels

if TYPE_CHECKING:  # pragma: no cover
    from ..model import KnowledgeGraph

_MANAGED = quote_name(MANAGED_LABEL)
NODE_PAGE = (f"MATCH (n:{_MANAGED}) WHERE n.{GRAPH_PROPERTY} = $graph AND n.{KEY_PROPERTY} > $after "
             f"RETURN n.{KEY_PROPERTY} AS key, labels(n) AS labels ORDER BY key LIMIT $limit")
RELATIONSHIP_PAGE = (f"MATCH (a:{_MANAGED})-[r]->() WHERE a.{GRAPH_PROPERTY} = $graph AND r.{GRAPH_PROPERTY} = $graph "
                     "AND r.statement_id > $after "
                     f"RETURN r.statement_id AS id, type(r) AS type, a.{KEY_PROPERTY} AS start ORDER BY id LIMIT $limit")
#: Keys read per page by the clean-up: each page costs the engine a sort of what is left (no
#: index-ordered scan), so pages are large; a page of keys is a few megabytes.
CLEANUP_PAGE = 50_000
COUNT_NODES = f"MATCH (n:{_MANAGED}) WHERE n.{GRAPH_PROPERTY} = $graph RETURN count(n)"
COUNT_RELATIONSHIPS = (f"MATCH (a:{_MANAGED})-[r]->() WHERE a.{GRAPH_PROPERTY} = $graph "
                       f"AND r.{GRAPH_PROPERTY} = $graph RETURN count(r)")


@dataclass
class StreamSyncResult:
    """What a streamed push did."""

    nodes: int = 0  # graphkit's nodes of this graph in the database afterwards (= the model's)
    relationships: int = 0
    batches: int = 0  # write batches of the whole push
    sent_batches: int = 0  # of them, sent by this run
    resumed_from: int = 0  # batches an earlier run had written (not sent again)
    rows_sent: int = 0  # rows written by this run
    nodes_deleted: int = 0
    relationships_deleted: int = 0
    labels_removed: int = 0
    restarted: str | None = None  # why a checkpoint was not used
    seconds: float = 0.0

    def summary(self) -> str:
        resumed = f", continued after {self.resumed_from} batches written earlier" if self.resumed_from else ""
        return (f"{self.nodes} nodes, {self.relationships} relationships written in {self.sent_batches} batches "
                f"({self.rows_sent} rows{resumed}); deleted {self.nodes_deleted} nodes and "
                f"{self.relationships_deleted} relationships no longer in the data")


def write_batches(graph: KnowledgeGraph, graph_name: str, batch_size: int, ontology=None
                  ) -> Iterator[tuple[str, dict[str, Any], str, int]]:
    """Every write of the push, in its fixed order: (statement, parameters, marker, rows).
    The marker names the batch (its kind and first key) so that a resume can check it."""
    marker = {GRAPH_PROPERTY: graph_name}
    node_buffers: dict[tuple[str, ...], list[dict[str, Any]]] = {}
    for node in iter_node_rows(graph, ontology, marker=marker, key_property=KEY_PROPERTY):
        buffer = node_buffers.setdefault(node.labels, [])
        buffer.append({"key": node.key, "props": node.properties})
        if len(buffer) == batch_size:
            yield (upsert_nodes_statement(node.labels), {"rows": buffer, "graph": graph_name},
                   "nodes:" + buffer[0]["key"], len(buffer))
            node_buffers[node.labels] = []
    for labels, buffer in sorted(node_buffers.items()):
        if buffer:
            yield (upsert_nodes_statement(labels), {"rows": buffer, "graph": graph_name},
                   "nodes:" + buffer[0]["key"], len(buffer))
    del node_buffers
    rel_buffers: dict[str, list[dict[str, Any]]] = {}
    for rel in iter_relationship_rows(graph, ontology, marker=marker):
        rows = rel_buffers.setdefault(rel.type, [])
        rows.append({"id": rel.statement_id, "start": rel.start, "end": rel.end, "props": rel.properties})
        if len(rows) == batch_size:
            yield (upsert_relationships_statement(rel.type), {"rows": rows, "graph": graph_name},
                   "relationships:" + rows[0]["id"], len(rows))
            rel_buffers[rel.type] = []
    for rel_type, rows in sorted(rel_buffers.items()):
        if rows:
            yield (upsert_relationships_statement(rel_type), {"rows": rows, "graph": graph_name},
                   "relationships:" + rows[0]["id"], len(rows))


def _count(backend, query: str, graph_name: str) -> int:
    return int(backend.run(query, {"graph": graph_name}).rows[0][0])


def stream_push(backend, graph: KnowledgeGraph, *, graph_name: str = DEFAULT_GRAPH_NAME,
                batch_size: int = DEFAULT_BATCH_SIZE, generation: str | None = None,
                checkpoint_dir: str | Path | None = None, target: dict[str, Any] | None = None,
                progress: Callable[[int, int], None] | None = None, restart: bool = False,
                cleanup_page: int = CLEANUP_PAGE) -> StreamSyncResult:
    """Write the model's property graph into the backend's database in batches, resumably,
    then delete what is no longer in the model and check the counts (see the module docstring).

    generation: what identifies the model's content (a checkpoint of another one is ignored);
    checkpoint_dir: where checkpoints are kept (None: no checkpoint); target: what identifies
    the database (the URI and database name, without credentials); progress(rows, total) after
    each acknowledged batch (rows count earlier runs too); restart: ignore a checkpoint;
    cleanup_page: keys read per page by the clean-up.
    """
    if not isinstance(graph_name, str) or not graph_name.strip():
        raise ValueError("the graph name must be a non-empty string")
    if not isinstance(batch_size, int) or batch_size < 1:
        raise ValueError("the batch size must be a positive integer")
    from ..ontology import load_ontology

    start = time.perf_counter()
    ontology = load_ontology()
    key = {"kind": "neo4j", **(target or {"backend": getattr(backend, "name", "database")}), "graph": graph_name,
           "batch_size": batch_size}
    path = checkpoint_path(checkpoint_dir, key) if checkpoint_dir is not None and generation else None
    checkpoint = Checkpoint.load(path, key, generation or "")
    if restart:
        checkpoint.reset()
    n_nodes = len(graph.entities) + len(graph.sources)
    total_rows = n_nodes + len(graph.statements)
    wanted_labels = {cls.neo4j_labels for cls in ontology.classes.values()} | {(SOURCE_LABEL,)}
    ensure_schema(backend, {label for labels in wanted_labels for label in labels},
                  {rel.neo4j_type for rel in ontology.relations.values()})
    result = StreamSyncResult()
    batches = write_batches(graph, graph_name, batch_size, ontology)
    rows_done = 0
    if checkpoint.resumed:
        nodes_written = int(checkpoint.state.get("nodes_written", 0))
        remote_nodes = _count(backend, COUNT_NODES, graph_name)
        skipped = rows = 0
        last_marker = None
        for _statement, _params, marker, n_rows in batches:
            skipped += 1
            rows += n_rows
            last_marker = marker
            if skipped == checkpoint.done:
                break
        if remote_nodes < min(nodes_written, n_nodes):
            result.restarted = (f"the database holds {remote_nodes} of graphkit's nodes of graph '{graph_name}', "
                                f"the checkpoint says {nodes_written} were written")
        elif skipped != checkpoint.done or last_marker != checkpoint.marker:
            result.restarted = "the data does not give its batches in the order of the checkpoint"
        if result.restarted:
            checkpoint.reset()
            batches = write_batches(graph, graph_name, batch_size, ontology)
        else:
            rows_done = rows
    result.resumed_from = done = checkpoint.done
    nodes_written = int(checkpoint.state.get("nodes_written", 0))
    for statement, params, marker, n_rows in batches:
        try:
            backend.run(statement, params, write=True)
        except GraphkitError as exc:
            if isinstance(exc, ValidationError):
                raise
            again = (f"; run the same push again to continue after batch {done}" if path is not None and done else "")
            raise type(exc)(f"{exc} (batch {done + 1}: {n_rows} {marker.split(':', 1)[0]}; {rows_done} of "
                            f"{total_rows} rows written){again}") from None
        done += 1
        rows_done += n_rows
        result.sent_batches += 1
        result.rows_sent += n_rows
        if marker.startswith("nodes:"):
            nodes_written += n_rows
        checkpoint.save(done, marker, nodes_written=nodes_written)
        if progress is not None:
            progress(rows_done, total_rows)
    result.batches = done
    _clean_up(backend, graph, graph_name, batch_size, cleanup_page, ontology, result)
    result.nodes = _count(backend, COUNT_NODES, graph_name)
    result.relationships = _count(backend, COUNT_RELATIONSHIPS, graph_name)
    if (result.nodes, result.relationships) != (n_nodes, len(graph.statements)):
        raise GraphkitError(f"push of graph '{graph_name}' does not check out: the database holds {result.nodes} "
                            f"nodes and {result.relationships} relationships of it, the data has {n_nodes} and "
                            f"{len(graph.statements)} (another client wrote meanwhile?); push again with --restart")
    checkpoint.remove()
    result.seconds = time.perf_counter() - start
    return result


def _clean_up(backend, graph: KnowledgeGraph, graph_name: str, batch_size: int, page: int, ontology,
              result: StreamSyncResult) -> None:
    """Delete graphkit's nodes and relationships of `graph_name` that the model no longer has,
    and ontology labels a node no longer has; the database is read page by page."""
    labels_of = {cls_key: cls.neo4j_labels for cls_key, cls in ontology.classes.items()}
    wanted: dict[str, tuple[str, ...]] = {e.id: labels_of[e.type] for e in graph.entities.values()}
    wanted.update((SOURCE_PREFIX + s, (SOURCE_LABEL,)) for s in graph.sources)
    owned = managed_labels()
    stale_nodes: list[str] = []
    stale_labels: dict[str, list[str]] = {}
    after = ""
    while True:
        rows = backend.run(NODE_PAGE, {"graph": graph_name, "after": after, "limit": page}).rows
        for key, labels in rows:
            if key not in wanted:
                stale_nodes.append(key)
                continue
            for label in sorted((set(labels) & owned) - set(wanted[key])):
                stale_labels.setdefault(label, []).append(key)
        if len(rows) < page:
            break
        after = rows[-1][0]
    del wanted
    statement_ids = {st.id for st in graph.statements}
    stale_rels: dict[str, list[dict[str, str]]] = {}
    deleted = set(stale_nodes)
    after = ""
    while True:
        rows = backend.run(RELATIONSHIP_PAGE, {"graph": graph_name, "after": after, "limit": page}).rows
        for sid, rel_type, start in rows:
            if sid not in statement_ids:
                result.relationships_deleted += 1
                if start not in deleted:  # DETACH DELETE of the node takes it
                    stale_rels.setdefault(rel_type, []).append({"id": sid, "start": start})
        if len(rows) < page:
            break
        after = rows[-1][0]
    for rel_type, rel_rows in sorted(stale_rels.items()):
        for i in range(0, len(rel_rows), batch_size):
            backend.run(delete_relationships_statement(rel_type), {"rows": rel_rows[i:i + batch_size],
                                                                   "graph": graph_name}, write=True)
    for i in range(0, len(stale_nodes), batch_size):
        backend.run(delete_nodes_statement(), {"keys": stale_nodes[i:i + batch_size], "graph": graph_name},
                    write=True)
    result.nodes_deleted = len(stale_nodes)
    for label, keys in sorted(stale_labels.items()):
        for i in range(0, len(keys), batch_size):
            backend.run(remove_label_statement(label), {"keys": keys[i:i + batch_size], "graph": graph_name},
                        write=True)
        result.labels_removed += len(keys)


def push_neo4j_stream(graph: KnowledgeGraph, uri: str, auth: tuple[str, str] | None = None,
                      database: str | None = None, *, dialect: str | None = None, **options) -> StreamSyncResult:
    """stream_push into a Neo4j (or Bolt-speaking) server; the checkpoint is keyed by the URI
    (without credentials) and the database (options: see stream_push)."""
    from urllib.parse import urlsplit

    from .neo4j import Neo4jBackend

    parts = urlsplit(uri or "")
    shown = parts._replace(netloc=parts.hostname + (f":{parts.port}" if parts.port else "")).geturl() \
        if parts.hostname else uri
    with Neo4jBackend(uri, auth=auth, database=database, dialect=dialect) as backend:
        return stream_push(backend, graph, target={"uri": shown, "database": database}, **options)
