"""`graphkit push sparql` at scale: the synthetic 10x merged graph streamed into Virtuoso.

    python benchmarks/push_bench.py                  # 10x the merged graph (about 4.1M triples)
    python benchmarks/push_bench.py --size 1 --chunk-size 50000

Steps, each in a fresh process so that peak RSS is the step's own:
1. prepare: generate the synthetic graph (graphkit.synthetic), bulk-load it into an on-disk
   Oxigraph store as `graphkit build` does (the compiled store's RDF part), and dump the same
   triples as one N-Triples file (for the baselines);
2. push: graphkit.sparql.push_store from that store (read-only) into a throw-away Virtuoso 7.2
   (Debian's, started like the test fixture in tests/plugins/virtuoso.py, with more buffers),
   Graph Store Protocol, chunks of --chunk-size; the server's count is checked against the
   store's; the interrupted half: the same push stopped after half of its chunks, then resumed
   from its checkpoint (the resumed run's time, and how many triples it sent);
3. baselines in the same run, same server, each into a graph of its own, count checked:
   one POST of the whole N-Triples file with curl (Graph Store Protocol), and Virtuoso's own
   bulk loader (ld_dir + rdf_loader_run + checkpoint, through isql).

Prints one JSON object: triples, seconds and triples/s of each, the push's peak RSS, and the
ratios push/baseline. Log heavy runs in /work/heavy.log and run them under `nice -n 5`.

    python benchmarks/push_bench.py --cypher 1     # the Cypher push (no Neo4j server here)

--cypher SIZE: the synthetic graph pushed into FalkorDB (native protocol, the dialect shares the
statements with Neo4j 5), side by side: the streamed push (graphkit.cypher.push_stream, batches
of 1,000 rows) and the diff sync into an empty graph (graphkit.cypher.sync), counts checked.
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

MERGED_TRIPLES = 408_000
GRAPH = "https://w3id.org/graphkit/bench/"


def peak_rss_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)  # Linux: KiB


def prepare(size: float, folder: Path) -> dict:
    """The synthetic graph as an on-disk Oxigraph store (folder/oxigraph) and an N-Triples file."""
    import pyoxigraph as ox

    from graphkit.ontology import load_ontology
    from graphkit.rdf import DEFAULT_BASE_IRI
    from graphkit.store.build import load_oxigraph
    from graphkit.synthetic import generate_for_triples

    start = time.perf_counter()
    graph = generate_for_triples(int(MERGED_TRIPLES * size))
    triples = load_oxigraph(graph, folder / "oxigraph", DEFAULT_BASE_IRI, load_ontology())
    del graph
    store = ox.Store.read_only(str(folder / "oxigraph"))
    with open(folder / "virtuoso" / "graph.nt", "wb") as handle:
        store.dump(handle, ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph())
    return {"triples": triples, "prepare_s": round(time.perf_counter() - start, 1),
            "ntriples_mb": round((folder / "virtuoso" / "graph.nt").stat().st_size / 1e6, 1)}


def push(folder: Path, endpoint: str, graph: str, chunk_size: int, stop_after: int | None) -> dict:
    """push_store from the on-disk store; with stop_after, interrupted after that many chunks."""
    import pyoxigraph as ox

    from graphkit.sparql.push_stream import push_store

    class Stop(Exception):
        pass

    calls = []

    def progress(done, total):
        calls.append(done)
        if stop_after is not None and len(calls) == stop_after:
            raise Stop

    store = ox.Store.read_only(str(folder / "oxigraph"))
    start = time.perf_counter()
    try:
        result = push_store(store, endpoint, graph, generation="bench", checkpoint_dir=folder / "checkpoints",
                            chunk_size=chunk_size, progress=progress, timeout=600)
    except Stop:
        return {"stopped_after": calls[-1], "seconds": round(time.perf_counter() - start, 2),
                "peak_rss_mb": peak_rss_mb()}
    return {"triples": result.triples, "remote_count": result.remote_count, "sent": result.sent,
            "resumed_from": result.resumed_from, "chunks": result.chunks,
            "seconds": round(time.perf_counter() - start, 2), "peak_rss_mb": peak_rss_mb()}


def _step(*args: str) -> dict:
    run = subprocess.run([sys.executable, __file__, "--step", *args], capture_output=True, text=True)
    if run.returncode != 0:
        raise SystemExit(f"step {args[0]} failed: {run.stderr.strip()[-2000:]}")
    return json.loads(run.stdout.strip().splitlines()[-1])


def isql(server, statement: str) -> None:
    """One SQL statement as dba, without the fixture's 60 s limit (the bulk loader takes longer)."""
    result = subprocess.run([*server.isql, f"exec={statement}"], capture_output=True, text=True, timeout=7200)
    if result.returncode != 0 or "*** Error" in result.stdout + result.stderr:
        raise SystemExit(f"isql failed on {statement!r}: {result.stdout[-500:]} {result.stderr[-500:]}")


def count(endpoint: str, graph: str) -> int:
    from graphkit.sparql import count_triples

    return count_triples(endpoint, graph, timeout=600)


def cypher(size: float) -> dict:
    """Streamed push against the diff sync, both into an empty FalkorDB graph."""
    from graphkit.cypher.falkordb import FalkorDBBackend, FalkorDBServer
    from graphkit.cypher.push_stream import stream_push
    from graphkit.cypher.sync import sync_graph
    from graphkit.synthetic import generate_for_triples

    graph = generate_for_triples(int(MERGED_TRIPLES * size))
    rows = len(graph.entities) + len(graph.sources) + len(graph.statements)
    out: dict = {"size": size, "rows": rows}
    with tempfile.TemporaryDirectory(prefix="graphkit-push-bench-") as tmp:
        server = FalkorDBServer(Path(tmp)).start()
        try:
            start = time.perf_counter()
            result = stream_push(FalkorDBBackend(server.graph("stream")), graph, batch_size=1000)
            seconds = time.perf_counter() - start
            assert (result.nodes, result.relationships) == (len(graph.entities) + len(graph.sources),
                                                           len(graph.statements))
            out["stream_push"] = {"seconds": round(seconds, 1), "rows_per_s": round(rows / seconds)}
            start = time.perf_counter()
            synced = sync_graph(FalkorDBBackend(server.graph("sync")), graph, batch_size=1000)
            seconds = time.perf_counter() - start
            assert (synced.nodes, synced.relationships) == (result.nodes, result.relationships)
            out["diff_sync"] = {"seconds": round(seconds, 1), "rows_per_s": round(rows / seconds)}
        finally:
            server.stop()
    out["stream_vs_sync"] = round(out["stream_push"]["seconds"] / out["diff_sync"]["seconds"], 2)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", type=float, default=10.0, help="times the merged graph (default 10)")
    parser.add_argument("--chunk-size", type=int, default=50_000)
    parser.add_argument("--cypher", type=float, metavar="SIZE", help="the Cypher push at SIZE x the merged graph")
    parser.add_argument("--step", nargs="*", help=argparse.SUPPRESS)  # internal: one step in this process
    args = parser.parse_args()
    if args.cypher:
        print(json.dumps(cypher(args.cypher)))
        return
    if args.step:
        name, *rest = args.step
        if name == "prepare":
            print(json.dumps(prepare(float(rest[0]), Path(rest[1]))))
        else:
            stop = int(rest[4]) if len(rest) > 4 and rest[4] != "-" else None
            print(json.dumps(push(Path(rest[0]), rest[1], rest[2], int(rest[3]), stop)))
        return

    import re

    from plugins import virtuoso

    # the test fixture's server, with buffers for a few million triples and no query-cost refusal
    settings = {"NumberOfBuffers": 170000, "MaxDirtyBuffers": 130000, "MaxQueryCostEstimationTime": 0,
                "MaxQueryExecutionTime": 600}
    for name, value in settings.items():
        virtuoso._VIRTUOSO_INI, found = re.subn(rf"^{name} = \d+$", f"{name} = {value}", virtuoso._VIRTUOSO_INI,
                                                flags=re.M)
        assert found == 1, f"{name} is not in the test server's configuration any more"
    out: dict = {"size": args.size, "chunk_size": args.chunk_size}
    with tempfile.TemporaryDirectory(prefix="graphkit-push-bench-", dir=os.environ.get("SCALE_TMP")) as tmp:
        folder = Path(tmp)
        (folder / "virtuoso").mkdir()
        out.update(_step("prepare", str(args.size), str(folder)))
        total = out["triples"]
        server = virtuoso.start_virtuoso(folder / "virtuoso")
        try:
            endpoint = server.query_url
            chunk = str(args.chunk_size)
            # 1. graphkit's streamed push, whole
            run = _step("push", str(folder), endpoint, GRAPH + "push", chunk, "-")
            assert run["remote_count"] == total == count(endpoint, GRAPH + "push"), (run, total)
            out["push"] = {**run, "triples_per_s": round(total / run["seconds"])}
            # 2. interrupted after half of the chunks, then resumed from the checkpoint
            half = -(-total // args.chunk_size) // 2
            stopped = _step("push", str(folder), endpoint, GRAPH + "resume", chunk, str(half))
            resumed = _step("push", str(folder), endpoint, GRAPH + "resume", chunk, "-")
            assert resumed["remote_count"] == total == count(endpoint, GRAPH + "resume"), (resumed, total)
            assert resumed["sent"] == total - stopped["stopped_after"], (resumed, stopped)
            out["interrupted_then_resumed"] = {"first_run": stopped, "resumed_run": resumed}
            # 3a. baseline: one POST of the whole file with curl
            start = time.perf_counter()
            subprocess.run(["curl", "-sSf", "-X", "POST", "-H", "Content-Type: text/turtle",
                            "--data-binary", f"@{folder / 'virtuoso' / 'graph.nt'}",
                            f"{server.store_url}?graph={GRAPH}curl"], check=True, capture_output=True,
                           timeout=3600)
            seconds = time.perf_counter() - start
            assert count(endpoint, GRAPH + "curl") == total
            out["curl_one_post"] = {"seconds": round(seconds, 2), "triples_per_s": round(total / seconds)}
            # 3b. baseline: Virtuoso's bulk loader
            start = time.perf_counter()
            isql(server, f"ld_dir('{folder / 'virtuoso'}', 'graph.nt', '{GRAPH}bulk');")
            isql(server, "rdf_loader_run();")
            seconds = time.perf_counter() - start
            assert count(endpoint, GRAPH + "bulk") == total
            start = time.perf_counter()
            isql(server, "checkpoint;")
            out["virtuoso_bulk_loader"] = {"seconds": round(seconds, 2), "triples_per_s": round(total / seconds),
                                           "then_checkpoint_s": round(time.perf_counter() - start, 2)}
        finally:
            server.stop()
            shutil.rmtree(folder / "oxigraph", ignore_errors=True)
    out["push_vs_curl"] = round(out["push"]["seconds"] / out["curl_one_post"]["seconds"], 2)
    out["push_vs_bulk_loader"] = round(out["push"]["seconds"] / out["virtuoso_bulk_loader"]["seconds"], 2)
    print(json.dumps(out))


if __name__ == "__main__":
    main()
