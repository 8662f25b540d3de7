"""The served graph and what answers queries on it: the SPARQL workers (with their fast lane)
and the Cypher processes, swapped as a whole on reload (`GraphService`), and the server's
settings (`ServeConfig`). No HTTP here: graphkit/serve/app.py is the web side.
"""
from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from ..rdf import DEFAULT_BASE_IRI, data_prefixes
from ..worker import (
    DEFAULT_MAX_ROWS,
    DEFAULT_MEMORY_MB,
    DEFAULT_TIMEOUT,
    SparqlRequest,
    StoreOpener,
    WorkerPool,
)
from .checks import HttpError
from .data import ServedGraph, open_served

log = logging.getLogger("graphkit.serve")


@dataclass
class ServeConfig:
    paths: list[str]
    base_iri: str = DEFAULT_BASE_IRI
    workers: int = 2
    timeout: float = DEFAULT_TIMEOUT
    max_rows: int = DEFAULT_MAX_ROWS
    memory_mb: int | None = DEFAULT_MEMORY_MB
    max_body: int = 1_000_000  # bytes of a request body
    cors_origins: list[str] = field(default_factory=list)
    reload: bool = False
    reload_interval: float = 2.0
    cache_dir: str | None = None
    cypher: bool = True  # load the embedded FalkorDB (at start, in the background)
    cypher_workers: int = 2  # FalkorDB processes (Cypher queries running at once)
    fast_lane_ms: float = 100.0  # answer a query in the server's threads when it last took <= this CPU (0: off)


class GraphService:
    """The served graph and its query workers; swapped as a whole on reload."""

    def __init__(self, config: ServeConfig):
        self.config = config
        self._graph: ServedGraph | None = None
        self._pool: WorkerPool | None = None
        self.prefixes: dict[str, str] = data_prefixes(config.base_iri)
        self.started = time.time()
        self.reloads = 0
        self.last_reload_error: str | None = None
        self._cypher_ready = False
        self._cypher_error: str | None = None
        self._cypher: Any = None  # CypherPool of the current graph
        self._swap = threading.Lock()  # graph, workers and Cypher processes change together

    @property
    def loaded(self) -> bool:
        return self._graph is not None

    @property
    def graph(self) -> ServedGraph:
        if self._graph is None:
            raise HttpError(503, "the data is still loading")
        return self._graph

    @property
    def pool(self) -> WorkerPool:
        if self._pool is None:
            raise HttpError(503, "the data is still loading")
        return self._pool

    # -- life
    def load(self) -> None:
        graph = open_served(self.config.paths, base_iri=self.config.base_iri, cache_dir=self.config.cache_dir)
        try:
            pool = WorkerPool(StoreOpener(str(graph.store_path)), size=self.config.workers,
                              memory_mb=self.config.memory_mb, fast_lane_cpu=self.config.fast_lane_ms / 1000)
            pool.wait_ready()
        except BaseException:
            graph.close()
            raise
        reloading = self._graph is not None and self.config.cypher
        # a reload starts the new Cypher processes before the switch: SPARQL and Cypher answer
        # from the new data from the same moment (the first load starts them in the background)
        cypher = self._start_cypher(graph) if reloading else None
        with self._swap:
            old_graph, old_pool, old_cypher = self._graph, self._pool, self._cypher
            self._graph, self._pool = graph, pool
            if reloading:
                self._cypher, self._cypher_ready = cypher, cypher is not None
        log.info("serving %s entities, %s statements, %s triples (loaded in %.1f s)",
                 len(graph.kg.entities), len(graph.kg.statements), graph.triples, graph.load_seconds)
        if reloading and old_cypher is not None:
            old_cypher.close()
        if old_pool is not None:
            old_pool.close()
        if old_graph is not None:
            old_graph.close()

    def close(self) -> None:
        if self._cypher is not None:
            self._cypher.close()
        if self._pool is not None:
            self._pool.close()
        if self._graph is not None:
            self._graph.close()

    def _start_cypher(self, graph: ServedGraph) -> Any:
        """A CypherPool holding `graph` (its processes started and loaded), or None with the
        reason in _cypher_error."""
        from .cypher_pool import CypherPool

        def load(engine):  # from the compiled store's FalkorDB snapshot when there is one
            return engine.graph_for(graph._compiled if graph._compiled is not None else graph.kg,
                                    key=graph.model_key)

        pool = CypherPool(load, size=self.config.cypher_workers)
        try:
            pool.start()
        except Exception as exc:  # noqa: BLE001 - reported by /health and by /cypher
            pool.close()
            self._cypher_error = " ".join(str(exc).split())
            log.warning("the embedded Cypher engine is not available: %s", self._cypher_error)
            return None
        self._cypher_error = None
        return pool

    def warm_cypher(self) -> None:
        """The first load's Cypher processes (slow on big graphs without a snapshot: in the
        background, the server answers SPARQL meanwhile)."""
        graph = self.graph
        pool = self._start_cypher(graph)
        if pool is None:
            return
        with self._swap:
            current = graph is self._graph
            if current:
                self._cypher, self._cypher_ready = pool, True
        if not current:  # reloaded meanwhile: the reload started its own
            pool.close()

    # -- SPARQL
    def run_sparql(self, query: str, *, select_format: str, graph_format: str, default_graph=(), named_graphs=()):
        return self.pool.sparql(SparqlRequest(query, select_format=select_format, graph_format=graph_format,
                                              max_rows=self.config.max_rows, prefixes=self.prefixes,
                                              turtle_prefixes=self.prefixes, default_graph=tuple(default_graph),
                                              named_graphs=tuple(named_graphs)), timeout=self.config.timeout)

    # -- Cypher
    def run_cypher(self, query: str, params: dict) -> dict:
        from ..cypher import GraphNode, GraphPath, GraphRelationship

        graph = self.graph
        pool = self._cypher
        if pool is None:
            raise HttpError(503, "the Cypher engine is still loading the graph")
        start = time.perf_counter()
        result = pool.run(query, params, timeout=self.config.timeout, max_rows=self.config.max_rows)
        seconds = time.perf_counter() - start
        entities: dict[str, dict] = {}

        def plain(value):
            if isinstance(value, (GraphNode, GraphRelationship, GraphPath)):
                data = value.to_json()
                if isinstance(value, GraphNode) and value.id in graph.kg.entities:
                    entities[value.id] = graph.node_json(graph.kg.entities[value.id])
                return data
            if isinstance(value, dict):
                return {str(k): plain(v) for k, v in value.items()}
            if isinstance(value, (list, tuple)):
                return [plain(v) for v in value]
            if isinstance(value, str) and value in graph.kg.entities:
                entities[value] = graph.node_json(graph.kg.entities[value])
            if value is None or isinstance(value, (str, int, float, bool)):
                return value
            return value.isoformat() if hasattr(value, "isoformat") else str(value)

        rows = [[plain(v) for v in row] for row in result.rows]
        return {"columns": list(result.columns), "rows": rows, "count": len(rows), "seconds": round(seconds, 6),
                "entities": entities}
