"""Killable query workers: SPARQL on a pyoxigraph store in a child process with a deadline,
a row cap and a memory cap.

pyoxigraph has no query timeout and runs queries while holding the calling thread, so a query
that never ends (a cross product of everything) can only be stopped from outside: it runs in a
worker process that is killed at the deadline and replaced by a fresh one. The worker also
counts rows as they are produced (a result larger than the cap is refused before it is
serialized) and runs under an address-space limit (resource.setrlimit), so a query that would
eat the machine's memory ends with an error instead.

- `QueryWorker(opener)` owns one child process; `opener()` runs in the child and returns the
  pyoxigraph Store (`StoreOpener(path)` opens an on-disk store read-only; `NTriplesOpener(path)`
  loads an N-Triples file into memory). With `context="fork"` any callable works, e.g. one
  returning an in-memory store the parent already holds (copy-on-write).
- `WorkerPool(opener, size)` shares N workers between threads (the web server), with a fast
  lane for requests known to be cheap.
- `worker.sparql(query, ...)` returns a `WorkerResult`: serialized bytes in the requested
  format (`select_format`/`graph_format`) or pyoxigraph terms (format "terms"), convertible to
  a `graphkit.sparql.SparqlResult` with `to_sparql_result()`.

Errors are GraphkitError subclasses with a one-line message: QueryTimeout, TooManyRows,
QueryOutOfMemory (graphkit.errors' resource limits, exit code 4), WorkersBusy, WorkerCrashed;
engine errors come back as SparqlSyntaxError or QueryError. This module never imports click, rdflib or the model.
"""
from __future__ import annotations

import contextlib
import multiprocessing
import os
import queue
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, NoReturn

from .errors import (
    EXIT_INTERNAL,
    GraphkitError,
    MemoryLimitExceeded,
    QueryError,
    QueryTimeout,
    ResourceLimitError,
    TooManyRows,
)
from .sparql.bodies import (  # noqa: F401 - GRAPH_FORMATS, SELECT_FORMATS, graph_body re-exported
    GRAPH_FORMATS,
    SELECT_FORMATS,
    ask_body,
    graph_body,
    select_body,
)

__all__ = ["QueryOutOfMemory", "QueryTimeout", "QueryWorker", "SparqlRequest", "StoreOpener", "NTriplesOpener",
           "TooManyRows", "WorkerCrashed", "WorkerPool", "WorkerResult", "WorkersBusy", "run_sparql_in_worker"]

DEFAULT_TIMEOUT = 30.0  # seconds
DEFAULT_MAX_ROWS = 100_000  # rows of a SELECT, triples of a CONSTRUCT/DESCRIBE
DEFAULT_MEMORY_MB = 2048  # address space a query may add to a worker process
START_TIMEOUT = 120.0  # seconds for a new worker to open its store


class QueryOutOfMemory(MemoryLimitExceeded):
    """The query needed more memory than a worker may use; the worker was replaced."""


class WorkerCrashed(GraphkitError):
    """A worker process died for another reason (killed from outside, engine crash)."""

    exit_code = EXIT_INTERNAL


class WorkersBusy(ResourceLimitError):
    """Every worker stayed busy for longer than the queue timeout."""


# ---------------------------------------------------------------- openers (run in the child)

@dataclass(frozen=True)
class StoreOpener:
    """Opens an on-disk pyoxigraph store, read-only by default (picklable: works with spawn)."""

    path: str
    read_only: bool = True

    def __call__(self):
        import pyoxigraph as ox

        return ox.Store.read_only(self.path) if self.read_only else ox.Store(self.path)


@dataclass(frozen=True)
class NTriplesOpener:
    """Loads an N-Triples file into an in-memory store, in the child."""

    path: str

    def __call__(self):
        import pyoxigraph as ox

        store = ox.Store()
        store.bulk_load(path=self.path, format=ox.RdfFormat.N_TRIPLES)
        return store


# ---------------------------------------------------------------- requests and results

@dataclass(frozen=True)
class SparqlRequest:
    query: str
    select_format: str = "json"  # one of SELECT_FORMATS, or "terms"
    graph_format: str = "ntriples"  # one of GRAPH_FORMATS, or "terms"
    max_rows: int | None = DEFAULT_MAX_ROWS
    prefixes: Mapping[str, str] = field(default_factory=dict)  # predeclared for the parser
    turtle_prefixes: Mapping[str, str] = field(default_factory=dict)  # written in Turtle answers
    default_graph: tuple[str, ...] = ()  # IRIs (protocol's default-graph-uri)
    named_graphs: tuple[str, ...] = ()  # IRIs (protocol's named-graph-uri)
    allow_service: bool = False  # SERVICE makes network calls: refused unless asked for


@dataclass
class WorkerResult:
    """The answer of a worker. `body` holds the serialized answer unless the format was "terms"."""

    kind: str  # "select" | "ask" | "graph"
    media_type: str = ""
    body: bytes = b""
    variables: list[str] = field(default_factory=list)
    rows: list[tuple] = field(default_factory=list)  # pyoxigraph terms or None, format "terms"
    boolean: bool | None = None
    triples: list = field(default_factory=list)  # pyoxigraph Triples, format "terms"
    count: int = 0  # rows, 1 for ASK, triples
    seconds: float = 0.0  # time in the engine, serialization included
    cpu_seconds: float = 0.0  # CPU time of the thread that ran it (the engine's work: load-independent)
    lane: str = "worker"  # "worker" (a killable process) or "inline" (the caller's thread: known cheap)

    def to_sparql_result(self, prefixes: Mapping[str, str] | None = None):
        """The answer as a graphkit.sparql.SparqlResult (needs format "terms"); it keeps the
        pyoxigraph terms (its `rows` and `graph` give rdflib terms on first access)."""
        from .sparql import SparqlResult

        if self.kind == "ask":
            return SparqlResult("ask", boolean=self.boolean, seconds=self.seconds, prefixes=prefixes)
        if self.kind == "graph":
            return SparqlResult("graph", triples=self.triples, seconds=self.seconds, prefixes=prefixes)
        return SparqlResult("select", list(self.variables), list(self.rows), seconds=self.seconds, prefixes=prefixes)


class _Capped(Exception):
    pass


def _cap_message(count: int, max_rows: int, what: str) -> str:
    return (f"the answer has more than {max_rows:,} {what} (the cap); add a LIMIT or narrow the query")


def _execute(store, request: SparqlRequest) -> WorkerResult:
    """Run one query on the store (in the child). Raises _Capped, SyntaxError, engine errors."""
    import pyoxigraph as ox

    start, cpu_start = time.perf_counter(), time.thread_time()
    kwargs: dict[str, Any] = {"prefixes": dict(request.prefixes) or None}
    if request.default_graph:
        kwargs["default_graph"] = [ox.NamedNode(iri) for iri in request.default_graph]
    if request.named_graphs:
        kwargs["named_graphs"] = [ox.NamedNode(iri) for iri in request.named_graphs]
    answer = store.query(request.query, **kwargs)
    cap = request.max_rows
    if isinstance(answer, (bool, ox.QueryBoolean)):
        answer = bool(answer)
        result = WorkerResult("ask", boolean=answer, count=1)
        if request.select_format != "terms":
            result.media_type = SELECT_FORMATS[request.select_format]
            result.body = ask_body(answer, request.select_format)
    elif isinstance(answer, ox.QuerySolutions):
        variables = [v.value for v in answer.variables]
        rows = []
        width = len(variables)
        for solution in answer:
            rows.append(tuple(solution[i] for i in range(width)))
            if cap is not None and len(rows) > cap:
                raise _Capped(_cap_message(len(rows), cap, "rows"))
        result = WorkerResult("select", variables=variables, count=len(rows))
        if request.select_format == "terms":
            result.rows = rows
        else:
            result.media_type = SELECT_FORMATS[request.select_format]
            result.body = select_body(variables, rows, request.select_format)
    else:
        triples = []
        for triple in answer:
            triples.append(triple)
            if cap is not None and len(triples) > cap:
                raise _Capped(_cap_message(len(triples), cap, "triples"))
        result = WorkerResult("graph", count=len(triples))
        if request.graph_format == "terms":
            result.triples = triples
        else:
            result.media_type = GRAPH_FORMATS[request.graph_format]
            result.body = graph_body(triples, request.graph_format, request.turtle_prefixes)
    result.seconds = time.perf_counter() - start
    result.cpu_seconds = time.thread_time() - cpu_start
    return result


def _answer(store, request: SparqlRequest) -> tuple:
    """("ok", WorkerResult) or ("error", kind, message): one query, in a worker or inline."""
    try:
        return ("ok", _execute(store, request))
    except _Capped as exc:
        return ("error", "rows", str(exc))
    except MemoryError:
        return ("error", "memory", "")
    except SyntaxError as exc:
        return ("error", "syntax", _one_line(exc))
    except Exception as exc:  # noqa: BLE001 - engine errors (OSError, RuntimeError, ValueError)
        return ("error", "query", _one_line(exc))


def _raise_error(kind: str, message: str, query: str) -> NoReturn:
    """Raise the GraphkitError of an ("error", kind, message) answer (not "memory")."""
    if kind == "rows":
        raise TooManyRows(message)
    if kind == "syntax":
        from .errors import shorten
        from .sparql import SparqlSyntaxError, locate_syntax_error

        located = locate_syntax_error(query)
        if located:  # rdflib's parser stops at the token that breaks the grammar
            line, column, found = located
            raise SparqlSyntaxError(f"SPARQL syntax error at line {line}, column {column}: {found}")
        raise SparqlSyntaxError(f"SPARQL syntax error: {shorten(message)}")
    raise QueryError(f"query failed: {message}")


# ---------------------------------------------------------------- the child

def _die_with_parent() -> None:
    """Exit when the parent process is gone (no orphan worker running a query after kill -9).

    A thread polling the parent id, not Linux's PR_SET_PDEATHSIG: that signal fires when the
    *thread* that started the worker ends, and servers start replacements from pool threads
    that come and go. An idle worker also ends by itself: its socket to the parent closes.
    """
    parent = os.getppid()

    def watch() -> None:
        while True:
            time.sleep(1.0)
            if os.getppid() != parent:
                os._exit(0)

    threading.Thread(target=watch, name="graphkit-worker-parent-watch", daemon=True).start()


def _child_main(conn, opener: Callable[[], Any], memory_bytes: int | None) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's business
    _die_with_parent()
    # The engine's own last words (Rust's "memory allocation of N bytes failed") would break
    # the one-line error the parent reports: the worker's stderr goes nowhere.
    with contextlib.suppress(OSError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 2)
        os.close(devnull)
    try:
        store = opener()
    except BaseException as exc:  # noqa: BLE001 - reported to the parent, which raises it
        conn.send(("error", "open", _one_line(exc)))
        return
    if memory_bytes:
        # The limit is set once the store is open, on top of what the process has mapped by
        # then: RocksDB reserves a large block cache up front, which is not the query's doing.
        import resource

        with contextlib.suppress(ValueError, OSError):
            limit = _address_space() + memory_bytes
            resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    conn.send(("ready", os.getpid()))
    while True:
        try:
            request = conn.recv()
        except (EOFError, OSError):
            return
        if request is None:
            return
        reply = _answer(store, request)
        try:
            conn.send(reply)
        except MemoryError:
            reply = ("error", "memory", "")
            conn.send(reply)
        if reply[1] == "memory":
            return  # a worker that hit its memory limit is replaced


def _address_space() -> int:
    """Bytes of address space this process has mapped (Linux /proc; 0 elsewhere)."""
    try:
        with open("/proc/self/status", encoding="ascii") as handle:
            for line in handle:
                if line.startswith("VmSize:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def _subprocess_main() -> None:
    """Entry point of a spawned worker: argv[1] is the socket to the parent."""
    from multiprocessing.connection import Connection

    conn = Connection(int(sys.argv[1]))
    try:
        opener, memory_bytes = conn.recv()
    except (EOFError, OSError):
        return
    _child_main(conn, opener, memory_bytes)


class _SpawnedProcess:
    """The parts of multiprocessing.Process the worker uses, on a subprocess.Popen."""

    def __init__(self, popen: subprocess.Popen):
        self.popen = popen
        self.pid = popen.pid

    def is_alive(self) -> bool:
        return self.popen.poll() is None

    def join(self, timeout: float | None = None) -> None:
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.popen.wait(timeout)

    @property
    def exitcode(self) -> int | None:
        return self.popen.poll()


def _one_line(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    return (text[:500] + "...") if len(text) > 500 else (text or type(exc).__name__)


# ---------------------------------------------------------------- the parent side

class QueryWorker:
    """One worker process; killed and restarted when a query overruns its deadline.

    Not thread-safe: one caller at a time (WorkerPool hands workers out to threads).
    """

    def __init__(self, opener: Callable[[], Any], *, memory_mb: int | None = DEFAULT_MEMORY_MB,
                 context: str = "spawn", start_timeout: float = START_TIMEOUT):
        self.opener = opener
        self.memory_mb = memory_mb
        if context not in ("spawn", "fork"):
            raise ValueError(f"unknown worker context '{context}' (spawn or fork)")
        self.context_name = context
        self.start_timeout = start_timeout
        self.process: Any = None  # _SpawnedProcess | multiprocessing.Process
        self.conn: Any = None  # multiprocessing.connection.Connection
        self.ready = False
        self.restarts = 0  # processes replaced after a kill or a crash (for tests and logs)
        self.start()

    # -- process life
    def start(self) -> None:
        """Start the child (returns at once; the first query waits until the store is open).

        "spawn" runs a fresh interpreter (`python -c ...`, not multiprocessing's spawn, which
        re-imports the caller's main module and breaks scripts without a __main__ guard);
        "fork" forks this process (the child inherits whatever the opener refers to).
        """
        memory = self.memory_mb * 1024 * 1024 if self.memory_mb else None
        if self.context_name == "fork":
            context = multiprocessing.get_context("fork")
            parent, child = context.Pipe()
            process = context.Process(target=_child_main, args=(child, self.opener, memory),
                                      name="graphkit-query-worker", daemon=True)
            process.start()
            child.close()
            self.process, self.conn, self.ready = process, parent, False  # same interface as _SpawnedProcess
            return
        from multiprocessing.connection import Connection

        parent_socket, child_socket = socket.socketpair()
        package_root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(p for p in (package_root, env.get("PYTHONPATH", "")) if p)
        try:
            popen = subprocess.Popen(
                [sys.executable, "-c", "from graphkit.worker import _subprocess_main; _subprocess_main()",
                 str(child_socket.fileno())],
                pass_fds=[child_socket.fileno()], env=env, stdin=subprocess.DEVNULL)
        finally:
            child_socket.close()
        conn = Connection(parent_socket.detach())
        conn.send((self.opener, memory))
        self.process, self.conn, self.ready = _SpawnedProcess(popen), conn, False

    def _wait_ready(self, deadline: float) -> None:
        if self.ready:
            return
        remaining = max(0.0, deadline - time.monotonic())
        if not self.conn.poll(remaining):
            if time.monotonic() >= deadline:
                raise QueryTimeout("the query worker did not start within its deadline")
        try:
            message = self.conn.recv()
        except (EOFError, OSError):
            code = self.process.exitcode if self.process is not None else None
            self._restart()
            raise WorkerCrashed(f"the query worker died while opening the store (exit code {code})") from None
        if message[0] == "error":
            self.process.join(5)
            self._restart(start=False)
            raise GraphkitError(f"the query worker could not open the store: {message[2]}")
        self.ready = True

    def kill(self) -> None:
        if self.process is not None and self.process.is_alive():
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.process.pid, signal.SIGKILL)
        if self.process is not None:
            self.process.join(10)
        if self.conn is not None:
            self.conn.close()
        self.process = self.conn = None
        self.ready = False

    def _restart(self, start: bool = True) -> None:
        self.kill()
        self.restarts += 1
        if start:
            self.start()

    def close(self) -> None:
        """Stop the worker (asks it to exit, kills it if it does not)."""
        if self.process is None:
            return
        with contextlib.suppress(OSError, ValueError):
            self.conn.send(None)
        self.process.join(2)
        self.kill()

    @property
    def pid(self) -> int | None:
        return self.process.pid if self.process is not None else None

    # -- queries
    def sparql(self, query: str | SparqlRequest, *, timeout: float | None = DEFAULT_TIMEOUT, **options) -> WorkerResult:
        """Run a query; raise QueryTimeout, TooManyRows, QueryOutOfMemory, SparqlSyntaxError..."""
        request = query if isinstance(query, SparqlRequest) else SparqlRequest(query, **options)
        if not request.allow_service:
            from .sparql import uses_service

            if uses_service(request.query):
                raise QueryError("SERVICE clauses are refused on the embedded store (they make network calls)")
        start = time.monotonic()
        deadline = start + (timeout if timeout is not None else 1e9)
        if self.process is None:
            self.start()
        # the store opening does not count against the query's own time
        self._wait_ready(max(deadline, time.monotonic() + self.start_timeout))
        deadline = time.monotonic() + (timeout if timeout is not None else 1e9)
        try:
            self.conn.send(request)
        except (OSError, ValueError):
            self._restart()
            raise WorkerCrashed("the query worker was gone; it has been replaced, try again") from None
        if not self.conn.poll(max(0.0, deadline - time.monotonic())):
            self._restart()
            raise QueryTimeout(f"the query ran past the {timeout:g} s timeout and was stopped")
        try:
            status, *payload = self.conn.recv()
        except (EOFError, OSError):
            self.process.join(5)
            code = self.process.exitcode
            self._restart()
            if self.memory_mb and code == -signal.SIGABRT:  # the engine aborts when an allocation fails
                raise QueryOutOfMemory(f"the query needed more than the {self.memory_mb} MB a query may use "
                                       "and was stopped") from None
            if code == -signal.SIGKILL:
                raise WorkerCrashed("the query worker was killed (by another process or the system's "
                                    "out-of-memory killer); it has been replaced") from None
            raise WorkerCrashed(f"the query worker died (exit code {code}); it has been replaced") from None
        if status == "ok":
            return payload[0]
        kind, message = payload
        if kind == "memory":
            self._restart()
            raise QueryOutOfMemory(f"the query needed more than the {self.memory_mb} MB a query may use "
                                   "and was stopped")
        _raise_error(kind, message, request.query)


class WorkerPool:
    """N QueryWorkers shared between threads: each query borrows an idle worker.

    A query waits at most `queue_timeout` seconds for a free worker (then WorkersBusy).

    The fast lane (`fast_lane_cpu` seconds, 0 = off; docs/serve.md): on a read-only store the
    same request does the same work, so a request whose last answer took at most that much CPU
    (and a tenth of its timeout) is answered in the calling thread (pyoxigraph releases the GIL)
    on the pool's own handle of the store. Unknown or costlier requests go to a killable worker.
    """

    MAX_REMEMBERED = 4096  # requests whose cost the pool keeps (least recently used dropped)

    def __init__(self, opener: Callable[[], Any], size: int = 2, *, memory_mb: int | None = DEFAULT_MEMORY_MB,
                 context: str = "spawn", queue_timeout: float = 60.0, fast_lane_cpu: float = 0.0):
        if size < 1:
            raise ValueError("a worker pool needs at least one worker")
        self.queue_timeout = queue_timeout
        self.opener = opener
        self.fast_lane_cpu = fast_lane_cpu
        self.workers = [QueryWorker(opener, memory_mb=memory_mb, context=context) for _ in range(size)]
        self._idle: queue.Queue[QueryWorker] = queue.Queue()
        for worker in self.workers:
            self._idle.put(worker)
        self._closed = False
        self._lock = threading.Lock()
        self._costs: OrderedDict[tuple, float] = OrderedDict()  # request -> CPU seconds of its last answer
        self._store: Any = None  # the fast lane's handle, opened on first use
        self.answers = {"worker": 0, "inline": 0}  # answered requests by lane (for /health and benchmarks)

    @property
    def size(self) -> int:
        return len(self.workers)

    @property
    def restarts(self) -> int:
        return sum(w.restarts for w in self.workers)

    def wait_ready(self, timeout: float = START_TIMEOUT) -> None:
        """Block until every worker has opened its store (raises if one cannot)."""
        deadline = time.monotonic() + timeout
        taken = []
        try:
            for _ in self.workers:
                worker = self._idle.get(timeout=max(0.0, deadline - time.monotonic()))
                taken.append(worker)
                worker._wait_ready(deadline)
        except queue.Empty:
            raise GraphkitError("the query workers did not start in time") from None
        finally:
            for worker in taken:
                self._idle.put(worker)

    # -- the fast lane
    @staticmethod
    def _cost_key(request: SparqlRequest) -> tuple:
        """What decides the engine's work (not the answer's format)."""
        return (request.query, request.max_rows, tuple(sorted(request.prefixes.items())), request.default_graph,
                request.named_graphs, request.allow_service)

    def known_cost(self, request: SparqlRequest) -> float | None:
        """CPU seconds the request took when it was last answered, None if never."""
        with self._lock:
            return self._costs.get(self._cost_key(request))

    def lane_for(self, request: SparqlRequest, timeout: float | None) -> str:
        """"inline" if the request is known to cost at most the fast lane's CPU (and a tenth of
        its timeout), else "worker"."""
        if self.fast_lane_cpu <= 0:
            return "worker"
        cost = self.known_cost(request)
        limit = self.fast_lane_cpu if timeout is None else min(self.fast_lane_cpu, timeout / 10)
        return "inline" if cost is not None and cost <= limit else "worker"

    def _remember(self, key: tuple, result: WorkerResult) -> None:
        with self._lock:
            self._costs[key] = result.cpu_seconds
            self._costs.move_to_end(key)
            while len(self._costs) > self.MAX_REMEMBERED:
                self._costs.popitem(last=False)
            self.answers[result.lane] += 1

    def _inline(self, request: SparqlRequest) -> WorkerResult:
        with self._lock:
            if self._store is None:
                self._store = self.opener()
            store = self._store
        reply = _answer(store, request)
        if reply[0] == "ok":
            reply[1].lane = "inline"
            return reply[1]
        with self._lock:  # cannot happen for a request answered before; forget it and report
            self._costs.pop(self._cost_key(request), None)
        if reply[1] == "memory":
            raise QueryOutOfMemory("the query needed more memory than is available")
        _raise_error(reply[1], reply[2], request.query)

    def sparql(self, query: str | SparqlRequest, *, timeout: float | None = DEFAULT_TIMEOUT,
               **options) -> WorkerResult:
        if self._closed:
            raise GraphkitError("the query workers are stopped")
        request = query if isinstance(query, SparqlRequest) else SparqlRequest(query, **options)
        key = self._cost_key(request)
        if self.lane_for(request, timeout) == "inline":
            result = self._inline(request)
            self._remember(key, result)
            return result
        try:
            worker = self._idle.get(timeout=self.queue_timeout)
        except queue.Empty:
            raise WorkersBusy(f"every query worker stayed busy for {self.queue_timeout:g} s; try again later") from None
        try:
            result = worker.sparql(request, timeout=timeout)
        finally:
            self._idle.put(worker)
        self._remember(key, result)
        return result

    def close(self) -> None:
        with self._lock:
            if self._closed:
                return
            self._closed = True
        for worker in self.workers:
            worker.close()
        self._store = None

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def run_sparql_in_worker(store_path: str | os.PathLike, query: str, *, timeout: float | None = DEFAULT_TIMEOUT,
                         max_rows: int | None = DEFAULT_MAX_ROWS, memory_mb: int | None = DEFAULT_MEMORY_MB,
                         prefixes: Mapping[str, str] | None = None) -> WorkerResult:
    """One query on an on-disk store in a fresh worker (the command line's embedded --timeout);
    answers pyoxigraph terms (use .to_sparql_result())."""
    worker = QueryWorker(StoreOpener(str(store_path)), memory_mb=memory_mb)
    try:
        return worker.sparql(SparqlRequest(query, select_format="terms", graph_format="terms", max_rows=max_rows,
                                           prefixes=dict(prefixes or {})), timeout=timeout)
    finally:
        worker.close()
