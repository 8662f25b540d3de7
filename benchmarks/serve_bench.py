"""graphkit serve under load, against `oxigraph serve` on the same data, in the same run.

The merged graph (seed + the four datasets of ../shared/datasets, imported with graphkit's
importers) is served twice: by `graphkit serve` (Starlette + uvicorn, SPARQL in killable worker
processes) and by Oxigraph's own server (`oxigraph serve-read-only`, the `oxigraph` PyPI
package) over a store bulk-loaded from the same N-Triples. Then N concurrent clients (default
20) send the pack queries (queries/*.rq, default parameters bound, prefixes declared: the very
same query text to both servers, as a SPARQL 1.1 Protocol form POST) for D seconds (default 60)
per server, one server after the other. Reported per server: requests, throughput, p50/p95/max
latency, errors; and the ratios graphkit / oxigraph.

Pack queries slower than --max-query-seconds on the raw engine (measured first, once, on
pyoxigraph directly) are left out of the mix and listed: one 20 s query would make the run
measure that query only.

    python benchmarks/serve_bench.py                       # import the datasets, 20 clients, 60 s
    python benchmarks/serve_bench.py --data DIR... --clients 20 --seconds 60 --workers 2
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
DATASETS = ROOT.parent / "shared" / "datasets"


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def merged_paths(datasets: Path, workdir: Path) -> list[str]:
    from graphkit.importers import import_all

    outcomes = import_all(datasets, workdir / "imports", reference_paths=[ROOT / "seed_data"],
                          aliases=ROOT / "resolution" / "aliases.yaml")
    return [str(ROOT / "seed_data")] + [str(o.out_dir) for o in outcomes]


def pack_texts(kg) -> dict[str, str]:
    """Each pack query with its default parameters bound and every prefix declared."""
    from graphkit import sparql
    from graphkit.rdf import data_prefixes

    prefixes = data_prefixes()
    out = {}
    for query in sparql.list_queries():
        bindings = sparql.resolve_params(query.text, {}, prefixes=prefixes, kg=kg, origin=query.name)
        out[query.name] = sparql.with_prefixes(sparql.inject_values(query.text, bindings), prefixes)
    return out


def engine_times(store_path: str, texts: dict[str, str]) -> dict[str, tuple[float, int]]:
    import pyoxigraph as ox

    store = ox.Store.read_only(store_path)
    out = {}
    for name, text in texts.items():
        start = time.perf_counter()
        answer = store.query(text)
        count = 1 if isinstance(answer, (bool, ox.QueryBoolean)) else sum(1 for _ in answer)
        out[name] = (time.perf_counter() - start, count)
    return out


def wait_http(url: str, process: subprocess.Popen, timeout: float, ready=lambda r: r.status_code == 200) -> None:
    import requests

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"server exited early ({url})")
        try:
            response = requests.get(url, timeout=2)
            if ready(response):
                return
        except requests.RequestException:
            pass
        time.sleep(0.2)
    raise SystemExit(f"server not ready: {url}")


def load(url: str, texts: dict[str, str], clients: int, seconds: float, timeout: float) -> dict:
    """`clients` threads, each sending the queries round-robin (each from its own offset) until
    the time is up. Latencies of every request; errors by status."""
    import requests

    names = sorted(texts)
    latencies: list[float] = []
    errors: dict[str, int] = {}
    per_query: dict[str, list[float]] = {n: [] for n in names}
    lock = threading.Lock()
    stop_at = time.monotonic() + seconds

    def client(index: int) -> None:
        session = requests.Session()
        session.trust_env = False
        i = index
        while time.monotonic() < stop_at:
            name = names[i % len(names)]
            i += 1
            accept = "application/sparql-results+json, application/n-triples;q=0.9"
            start = time.perf_counter()
            try:
                response = session.post(url, data={"query": texts[name]}, headers={"Accept": accept},
                                        timeout=timeout)
                _ = response.content
                status = str(response.status_code)
            except requests.RequestException as exc:
                status = type(exc).__name__
            elapsed = time.perf_counter() - start
            with lock:
                if status == "200":
                    latencies.append(elapsed)
                    per_query[name].append(elapsed)
                else:
                    errors[f"{name}: {status}"] = errors.get(f"{name}: {status}", 0) + 1

    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    start = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.monotonic() - start
    ordered = sorted(latencies)

    def pct(p: float) -> float:
        return ordered[min(len(ordered) - 1, int(p * len(ordered)))] if ordered else float("nan")

    return {"requests": len(latencies), "errors": sum(errors.values()), "error_kinds": errors,
            "seconds": round(wall, 1), "throughput": round(len(latencies) / wall, 2),
            "p50_ms": round(pct(0.50) * 1000, 1), "p95_ms": round(pct(0.95) * 1000, 1),
            "max_ms": round(ordered[-1] * 1000, 1) if ordered else None,
            "per_query_p50_ms": {n: round(statistics.median(v) * 1000, 1) for n, v in per_query.items() if v}}


def same_answer_twice(base: str, texts: dict[str, str]) -> dict[str, str]:
    """Each query twice in a row: the first answer comes from a worker (or the fast lane if the
    warm-up ran it), the second from the fast lane when the query is cheap; the bytes must match."""
    import requests

    out = {}
    for name, text in sorted(texts.items()):
        lanes = requests.get(base + "/health", timeout=30).json().get("answers", {})
        bodies = [requests.post(base + "/sparql", data={"query": text}, timeout=600,
                                headers={"Accept": "application/sparql-results+json"}).content for _ in range(2)]
        after = requests.get(base + "/health", timeout=30).json().get("answers", {})
        inline = after.get("inline", 0) - lanes.get("inline", 0)
        out[name] = f"{'identical' if bodies[0] == bodies[1] else 'DIFFERENT'} ({inline} of 2 in the fast lane)"
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", nargs="*", help="data folders (default: import ../shared/datasets + seed)")
    parser.add_argument("--datasets", type=Path, default=DATASETS)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2, help="graphkit serve --workers")
    parser.add_argument("--fast-lane-ms", type=float, default=100.0, help="graphkit serve --fast-lane-ms (0: off)")
    parser.add_argument("--max-query-seconds", type=float, default=5.0)
    parser.add_argument("--timeout", type=float, default=300.0,
                        help="graphkit serve --timeout (oxigraph serve has none; a short one would count as errors)")
    parser.add_argument("--json", type=Path, help="also write the results here")
    args = parser.parse_args()

    import pyoxigraph as ox

    from graphkit.api import load as load_data
    from graphkit.rdf import ntriples

    workdir = Path(tempfile.mkdtemp(prefix="serve-bench-"))
    processes: list[subprocess.Popen] = []
    try:
        paths = args.data or merged_paths(args.datasets, workdir)
        kg = load_data(paths)
        nt = workdir / "graph.nt"
        nt.write_bytes(ntriples(kg))
        store_path = workdir / "raw-store"
        store = ox.Store(str(store_path))
        store.bulk_load(path=str(nt), format=ox.RdfFormat.N_TRIPLES)
        store.flush()
        triples = len(store)
        del store
        texts = pack_texts(kg)
        raw = engine_times(str(store_path), texts)
        slow = {n: round(t, 2) for n, (t, _) in raw.items() if t > args.max_query_seconds}
        mix = {n: t for n, t in texts.items() if n not in slow}
        print(f"merged graph: {len(kg.entities):,} entities, {len(kg.statements):,} statements, {triples:,} triples",
              file=sys.stderr)
        print("raw engine, once: " + ", ".join(f"{n} {t:.2f}s/{c} rows" for n, (t, c) in sorted(raw.items())),
              file=sys.stderr)

        # graphkit serve
        port = free_port()
        log = (workdir / "graphkit-serve.log").open("wb")
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH", "")) if p)}
        graphkit = subprocess.Popen([sys.executable, "-m", "graphkit", "serve", *paths, "--port", str(port),
                                     "--workers", str(args.workers), "--timeout", str(args.timeout), "--no-access-log",
                                     "--fast-lane-ms", str(args.fast_lane_ms),
                                     "--no-cypher", "--cache-dir", str(workdir / "cache")],
                                    stdout=log, stderr=subprocess.STDOUT, cwd=ROOT, env=env)
        processes.append(graphkit)
        start = time.monotonic()
        wait_http(f"http://127.0.0.1:{port}/health", graphkit, 600)
        graphkit_start = time.monotonic() - start

        # oxigraph serve on a copy of the same store
        oxigraph = shutil.which("oxigraph") or str(Path(sys.executable).parent / "oxigraph")
        ox_port = free_port()
        ox_log = (workdir / "oxigraph.log").open("wb")
        ox_server = subprocess.Popen([oxigraph, "serve-read-only", "--location", str(store_path), "--bind",
                                      f"127.0.0.1:{ox_port}"], stdout=ox_log, stderr=subprocess.STDOUT)
        processes.append(ox_server)
        wait_http(f"http://127.0.0.1:{ox_port}/query?query=ASK%7B%7D", ox_server, 60)

        results = {"entities": len(kg.entities), "statements": len(kg.statements), "triples": triples,
                   "clients": args.clients, "seconds": args.seconds, "graphkit_workers": args.workers,
                   "graphkit_start_seconds": round(graphkit_start, 1), "queries": sorted(mix),
                   "left_out": slow, "raw_engine_seconds": {n: round(t, 3) for n, (t, _) in raw.items()}}
        # warm both (first touches of the store pages)
        for url in (f"http://127.0.0.1:{port}/sparql", f"http://127.0.0.1:{ox_port}/query"):
            load(url, mix, 1, 0.1, 120)
        results["same_answer_both_lanes"] = same_answer_twice(f"http://127.0.0.1:{port}", mix)
        results["graphkit"] = load(f"http://127.0.0.1:{port}/sparql", mix, args.clients, args.seconds, args.timeout + 30)
        import requests

        health = requests.get(f"http://127.0.0.1:{port}/health", timeout=30).json()
        results["graphkit"]["answers_by_lane"] = health.get("answers")  # since start, warm-up included
        results["graphkit_fast_lane_ms"] = args.fast_lane_ms
        results["oxigraph"] = load(f"http://127.0.0.1:{ox_port}/query", mix, args.clients, args.seconds, args.timeout + 30)
        results["load_average_after"] = os.getloadavg()
        g, o = results["graphkit"], results["oxigraph"]
        results["ratio"] = {"throughput (oxigraph/graphkit)": round(o["throughput"] / g["throughput"], 2),
                            "p50 (graphkit/oxigraph)": round(g["p50_ms"] / o["p50_ms"], 2),
                            "p95 (graphkit/oxigraph)": round(g["p95_ms"] / o["p95_ms"], 2)}
        print(json.dumps(results, indent=2))
        print("\n| server | requests | throughput (req/s) | p50 ms | p95 ms | max ms | errors |\n|---|---|---|---|---|---|---|")
        for name in ("graphkit", "oxigraph"):
            r = results[name]
            print(f"| {name} | {r['requests']} | {r['throughput']} | {r['p50_ms']} | {r['p95_ms']} | {r['max_ms']} | "
                  f"{r['errors']} |")
        print(f"\ngraphkit, each query twice: {results['same_answer_both_lanes']}")
        print(f"ratios: {results['ratio']}; left out (raw engine > {args.max_query_seconds:g} s): {slow}")
        if args.json:
            args.json.write_text(json.dumps(results, indent=2) + "\n")
    finally:
        for process in processes:
            process.terminate()
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
