"""Push an on-disk RDF store (the compiled store) to a SPARQL server: streamed, resumable.

`push_store` reads the store's default graph in its index order (the same order every time for
the same content), cuts it into chunks of `chunk_size` triples, serializes each chunk as
N-Triples and sends it, while the next chunk is read: memory holds two chunks, whatever the
size of the graph. Two ways to send:

- "gsp" (default): the SPARQL 1.1 Graph Store HTTP Protocol; the first chunk of a fresh push is
  a PUT (replaces the graph), every other chunk a POST (adds to it);
- "update": SPARQL 1.1 Update, for servers without the Graph Store Protocol; the first chunk
  of a fresh push is `CLEAR SILENT GRAPH <g> ; INSERT DATA { GRAPH <g> { ... } }`, the others
  `INSERT DATA`.

After each chunk the server acknowledged, a checkpoint (graphkit.push_checkpoint) records the
triples done and the last of them. Run again after a failure or a kill, the push continues
after the last acknowledged chunk with POSTs only (the graph is not cleared again), once it
has checked that the server holds between "done" and "done + one chunk" triples in the graph
(a chunk may have landed without its answer) and that the store still gives the same triple at
that place; otherwise, or from another store generation, it starts over with a replace.
Re-sending a chunk cannot duplicate: an RDF graph is a set of triples. At the end the server's
count must equal the store's, then the checkpoint is removed.
"""
from __future__ import annotations

import itertools
import re
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from ..errors import GraphkitError
from ..push_checkpoint import Checkpoint, checkpoint_path
from .http import DEFAULT_TIMEOUT, RemoteError, check_url, http, normalize_auth, public_url, session_for
from .params import check_iri
from .push import DEFAULT_CHUNK_SIZE, PushResult, count_triples, graph_store_url

METHODS = ("gsp", "update")
#: Triples per INSERT DATA: Virtuoso 7.2 refuses 2,000 (its SPARQL compiler makes more than
#: 10,000 lines of SQL; at 50,000 it runs out of memory), takes 1,000.
DEFAULT_UPDATE_CHUNK_SIZE = 1_000


def update_url(endpoint: str) -> str:
    """The SPARQL Update endpoint next to a query endpoint, for the layouts graphkit knows:
    Oxigraph /query -> /update; Virtuoso /sparql (and /sparql-auth) takes updates itself;
    Fuseki /<dataset>/sparql or /<dataset>/query -> /<dataset>/update."""
    from urllib.parse import urlsplit, urlunsplit

    parts = urlsplit(endpoint)
    path = parts.path.rstrip("/")
    if path == "/query":
        new = "/update"
    elif path in ("/sparql", "/sparql-auth"):
        new = path
    elif re.fullmatch(r"/[^/]+/(sparql|query)", path):
        new = path.rsplit("/", 1)[0] + "/update"
    else:
        raise GraphkitError(f"cannot tell the SPARQL Update endpoint of {public_url(endpoint)}: "
                            "give it with --store URL")
    return urlunsplit(parts._replace(path=new))


@dataclass
class StreamPushResult(PushResult):
    """PushResult, plus what this run did: `sent` triples sent now, `resumed_from` triples an
    earlier run had sent (not sent again), `restarted` why a checkpoint was not used (or None)."""

    sent: int = 0
    resumed_from: int = 0
    restarted: str | None = None
    method: str = "gsp"


def store_triple_count(store: ox.Store) -> int:
    """Triples in the store's default graph."""
    rows = store.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
    assert isinstance(rows, ox.QuerySolutions)
    return int(next(iter(rows))["n"].value)


def _triples(store: ox.Store) -> Iterator[ox.Triple]:
    for quad in store.quads_for_pattern(None, None, None, ox.DefaultGraph()):
        yield quad.triple


def _has_blank_node(triple: ox.Triple) -> bool:
    return isinstance(triple.subject, ox.BlankNode) or isinstance(triple.object, ox.BlankNode)


def push_store(store: ox.Store, endpoint: str, graph_iri: str, *, generation: str,
               checkpoint_dir: str | Path | None = None, method: str = "gsp", target_url: str | None = None,
               auth=None, chunk_size: int | None = None, total: int | None = None,
               progress: Callable[[int, int], None] | None = None, timeout: float = DEFAULT_TIMEOUT,
               restart: bool = False) -> StreamPushResult:
    """Replace the named graph `graph_iri` on a server with the default graph of `store`,
    streamed in chunks, resumable (see the module docstring), then verify the triple count.

    generation: what identifies the store's content (a checkpoint of another one is ignored).
    checkpoint_dir: where checkpoints are kept (None: no checkpoint, every push starts over).
    target_url: the Graph Store (method "gsp") or Update (method "update") endpoint; guessed
    from `endpoint` for the layouts graphkit knows. chunk_size: triples per request (default
    50,000 with the Graph Store Protocol, 1,000 with SPARQL Update, whose text a server's query
    compiler must hold). total: the store's triple count if known.
    progress(done, total) is called after each acknowledged chunk (done counts earlier runs too).
    restart: ignore a checkpoint and start over.
    """
    check_url(endpoint)
    check_iri(graph_iri, "--graph")
    if method not in METHODS:
        raise ValueError(f"unknown push method {method!r} (known: {', '.join(METHODS)})")
    if chunk_size is None:
        chunk_size = DEFAULT_CHUNK_SIZE if method == "gsp" else DEFAULT_UPDATE_CHUNK_SIZE
    if chunk_size < 1:
        raise ValueError("chunk size must be at least 1")
    auth = normalize_auth(auth)
    if target_url:
        url = check_url(target_url, "--store")
    else:
        url = graph_store_url(endpoint, auth is not None) if method == "gsp" else update_url(endpoint)
    total = store_triple_count(store) if total is None else total
    target = {"kind": "sparql", "endpoint": public_url(endpoint), "graph": graph_iri, "url": public_url(url),
              "method": method}
    path = checkpoint_path(checkpoint_dir, target) if checkpoint_dir is not None else None
    checkpoint = Checkpoint.load(path, target, generation)
    if restart:
        checkpoint.reset()
    session = session_for(auth, endpoint)
    start = time.perf_counter()
    before = count_triples(endpoint, graph_iri, auth=auth, timeout=timeout, session=session)
    triples = _triples(store)
    restarted = None
    if checkpoint.resumed:
        triples, restarted = _resume(store, triples, checkpoint, before, total)
    resumed_from = checkpoint.done
    sender = _Sender(session, url, graph_iri, method, auth, timeout)
    done = resumed_from
    n_chunks_total = resumed_from // chunk_size + -(-(total - resumed_from) // chunk_size) if total else 1
    index = resumed_from // chunk_size if resumed_from else 0
    chunks = _chunked(triples, chunk_size, total)
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="graphkit-push") as pool:
        chunk = next(chunks, None)
        if chunk is None and done == 0:  # an empty store: still replace the graph with nothing
            chunk = []
        while chunk is not None:
            first = done == 0
            body = (ox.serialize(chunk, format=ox.RdfFormat.N_TRIPLES) or b"") if chunk else b""
            future = pool.submit(sender.send, body, first, index, n_chunks_total)
            following = next(chunks, None)  # read while the server works
            try:
                future.result()
            except RemoteError as exc:
                state = _remote_state(endpoint, graph_iri, auth, timeout, session, done, total, before, first)
                again = (f"; run the same push again to continue after triple {done:,}"
                         if path is not None and done else "")
                raise RemoteError(f"{exc}; {state}{again}") from None
            done += len(chunk)
            index += 1
            checkpoint.save(done, str(chunk[-1]) if chunk else None, chunk_size=chunk_size, total=total)
            if progress is not None:
                progress(done, total)
            chunk = following
    after = count_triples(endpoint, graph_iri, auth=auth, timeout=timeout, session=session)
    if after != total:
        raise RemoteError(f"push to <{graph_iri}> at {public_url(url)} does not check out: the server holds "
                          f"{after} triples, the store has {total} (it dropped some, or another client wrote "
                          "to the graph meanwhile); push again with --restart")
    checkpoint.remove()
    return StreamPushResult(graph_iri, total, index, after, time.perf_counter() - start, sent=done - resumed_from,
                            resumed_from=resumed_from, restarted=restarted, method=method)


def _resume(store: ox.Store, triples: Iterator[ox.Triple], checkpoint: Checkpoint, remote: int,
            total: int) -> tuple[Iterator[ox.Triple], str | None]:
    """Skip what the checkpoint says is done, if the server and the store agree with it;
    otherwise reset the checkpoint and start from the first triple. Returns (triples, why not)."""
    done = checkpoint.done
    in_flight = int(checkpoint.state.get("chunk_size") or 0)
    reason = None
    if done > total:
        reason = f"the checkpoint counts {done} triples, the store has {total}"
    elif not done <= remote <= min(total, done + in_flight):
        reason = (f"the server holds {remote} triples in the graph, the checkpoint expects {done} "
                  f"to {min(total, done + in_flight)}")
    else:
        last = next(itertools.islice(triples, done - 1, None), None)
        if last is None or str(last) != checkpoint.marker:
            reason = "the store does not give its triples in the order of the checkpoint"
    if reason is None:
        return triples, None
    checkpoint.reset()
    return _triples(store), reason


def _chunked(triples: Iterator[ox.Triple], size: int, total: int) -> Iterator[list[ox.Triple]]:
    """Lists of `size` triples. A blank node label only names the same node within one request,
    so a graph with blank nodes cannot be cut: it is an error unless it fits in one chunk."""
    while True:
        chunk = list(itertools.islice(triples, size))
        if not chunk:
            return
        if total > size and any(_has_blank_node(t) for t in chunk):
            raise GraphkitError("the store holds blank nodes, which cannot travel in separate chunks: use a "
                                f"chunk size of at least {total} triples")
        yield chunk


class _Sender:
    """Sends one chunk (runs in the push's worker thread)."""

    def __init__(self, session, url: str, graph_iri: str, method: str, auth, timeout: float):
        self.session, self.url, self.graph_iri, self.method = session, url, graph_iri, method
        self.auth, self.timeout = auth, timeout

    def send(self, body: bytes, first: bool, index: int, n_chunks: int) -> None:
        if self.method == "gsp":
            verb = "PUT" if first else "POST"
            # N-Triples is also Turtle: every Graph Store implementation parses text/turtle.
            http(self.session, verb, self.url, what=f"{verb} of chunk {index + 1}/{n_chunks}", timeout=self.timeout,
                 auth=self.auth, params={"graph": self.graph_iri}, data=body,
                 headers={"Content-Type": "text/turtle; charset=utf-8"})
            return
        graph = f"<{self.graph_iri}>".encode()
        head = (b"CLEAR SILENT GRAPH " + graph + b" ;\n") if first else b""
        update = head + b"INSERT DATA { GRAPH " + graph + b" {\n" + body + b"} }\n"
        http(self.session, "POST", self.url, what=f"INSERT DATA of chunk {index + 1}/{n_chunks}",
             timeout=self.timeout, auth=self.auth, data=update,
             headers={"Content-Type": "application/sparql-update; charset=utf-8"})


def _remote_state(endpoint, graph_iri, auth, timeout, session, done, total, before, first) -> str:
    """What the remote graph holds after a failed chunk, counted on the server when possible."""
    try:
        now = count_triples(endpoint, graph_iri, auth=auth, timeout=min(timeout, 30.0), session=session)
    except RemoteError as exc:
        return f"the state of remote graph <{graph_iri}> is unknown (counting failed: {exc})"
    if first:
        if now == before:
            return f"remote graph <{graph_iri}> was not replaced (it still holds {now} triples)"
        return (f"remote graph <{graph_iri}> was damaged by the failed replace: it holds {now} triples "
                f"(before: {before}; expected {total})")
    return f"remote graph <{graph_iri}> now holds a partial copy ({now} of {total} triples)"


def push_compiled(compiled, endpoint: str, graph_iri: str, **options) -> StreamPushResult:
    """push_store for a graphkit.store.CompiledStore: its on-disk Oxigraph store, its content
    digest as the generation and its folder for the checkpoints (options: see push_store)."""
    options.setdefault("checkpoint_dir", compiled.key_dir)
    return push_store(compiled.rdf_store(), endpoint, graph_iri, generation=compiled.digest,
                      total=compiled.triple_count, **options)
