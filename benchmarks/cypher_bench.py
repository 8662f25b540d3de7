"""Cypher on the embedded engine (FalkorDB) against a plain networkx/Python baseline.

For synthetic graphs of 10k, 100k and 1M entities (graphkit.synthetic.generate: 2 statements
per entity, one source per 20 statements), it times:
- the projection to rows and the load into FalkorDB, side by side: GRAPH.BULK encoded in-process
  (graphkit's loader; indexes built after, waited for) and batched UNWIND CREATE (the previous
  loader, `--no-unwind` skips it); both copies answer the queries below, checked equal,
- the "is the loaded copy current?" check that every run_cypher call makes (a hash of the
  model's content),
- three typical queries, hot, median of 5 runs, against the same questions answered in plain
  Python on the networkx projection (graphkit.propertygraph.to_property_graph); both answers
  are checked to be equal.

    python benchmarks/cypher_bench.py [--sizes 10000,100000,1000000]
"""
from __future__ import annotations

import argparse
import functools
import statistics
import sys
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

QUERIES = {
    "partners of one company (index lookup + undirected 1 hop)":
        "MATCH (a:Company {id: $id})-[r:PARTNERS_WITH]-(b) RETURN b.id, r.status",
    "facts per relation and status (scan + aggregate)":
        "MATCH ()-[r]->() RETURN type(r), r.status, count(r)",
    "top makers by products their models power (2 hops)":
        "MATCH (c:Company)-[:DEVELOPS]->(:AIModel)-[p:POWERS]->(x:AIProduct) WHERE p.status <> 'denied' "
        "RETURN c.id, count(DISTINCT x) AS products ORDER BY products DESC, c.id LIMIT 10",
}


def baseline_partners(pg, company: str):
    rows = []
    for _, other, data in pg.out_edges(company, data=True):
        if data["type"] == "PARTNERS_WITH":
            rows.append((other, data["status"]))
    for other, _, data in pg.in_edges(company, data=True):
        if data["type"] == "PARTNERS_WITH":
            rows.append((other, data["status"]))
    return sorted(rows)


def baseline_facts(pg):
    return sorted(Counter((d["type"], d["status"]) for _, _, d in pg.edges(data=True)).items())


def baseline_makers(pg):
    products = defaultdict(set)
    for maker, model, d in pg.edges(data=True):
        if d["type"] != "DEVELOPS" or "Company" not in pg.nodes[maker]["labels"] \
                or "AIModel" not in pg.nodes[model]["labels"]:
            continue
        for _, product, p in pg.out_edges(model, data=True):
            if p["type"] == "POWERS" and p["status"] != "denied" and "AIProduct" in pg.nodes[product]["labels"]:
                products[maker].add(product)
    ranked = sorted(((-len(v), k) for k, v in products.items()))[:10]
    return [(k, -n) for n, k in ranked]


def timed(func, *args, **kwargs):
    start = time.perf_counter()
    value = func(*args, **kwargs)
    return value, time.perf_counter() - start


def median_time(func, runs: int = 5):
    times, value = [], None
    for _ in range(runs):
        value, seconds = timed(func)
        times.append(seconds)
    return value, statistics.median(times)


def busiest_company(pg) -> str:
    counts = Counter()
    for u, v, d in pg.edges(data=True):
        if d["type"] == "PARTNERS_WITH":
            for node in (u, v):
                if "Company" in pg.nodes[node]["labels"]:
                    counts[node] += 1
    return min(counts, key=lambda k: (-counts[k], k))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument("--no-unwind", action="store_true", help="skip the UNWIND load (slow at 1M)")
    args = parser.parse_args()

    from graphkit.cypher.falkordb import EmbeddedEngine, model_fingerprint
    from graphkit.cypher.sync import property_graph_rows
    from graphkit.propertygraph import to_property_graph
    from graphkit.synthetic import generate

    print("## Embedded Cypher (FalkorDB) vs plain networkx/Python, synthetic graphs")
    load_rows = []
    query_rows = []
    for size in [int(s) for s in args.sizes.split(",") if s]:
        graph, gen_s = timed(generate, size)
        summary = graph.summary()
        with tempfile.TemporaryDirectory() as cache:
            engine = EmbeddedEngine(cache)
            unwind = None if args.no_unwind else EmbeddedEngine(Path(cache) / "unwind", bulk=False)
            try:
                (nodes, rels), rows_s = timed(property_graph_rows, graph)
                del nodes, rels
                _, hash_s = timed(model_fingerprint, graph)
                backend, first_s = timed(engine.graph_for, graph)
                load_s = engine.last_load_seconds
                assert engine.last_loader == "bulk"
                _, check_s = timed(engine.graph_for, graph)
                assert engine.loads == 1
                unwind_backend, unwind_s = None, float("nan")
                if unwind is not None:
                    unwind_backend = unwind.graph_for(graph)
                    unwind_s = unwind.last_load_seconds
                pg, pg_s = timed(to_property_graph, graph)
                company = busiest_company(pg)
                baselines = {
                    "partners": functools.partial(baseline_partners, pg, company),
                    "facts": functools.partial(baseline_facts, pg),
                    "makers": functools.partial(baseline_makers, pg),
                }
                load_rows.append(f"| {summary['entities']:,} | {summary['statements']:,} | {gen_s:.1f} s | "
                                 f"{rows_s:.2f} s | {load_s:.2f} s | {unwind_s:.2f} s | {unwind_s / load_s:.1f}x | "
                                 f"{first_s:.2f} s | {check_s:.2f} s "
                                 f"(hash {hash_s:.2f} s) | {pg_s:.2f} s |")
                for (label, query), (name, base) in zip(QUERIES.items(), baselines.items(), strict=True):
                    params = {"id": company} if name == "partners" else None
                    result, cypher_s = median_time(functools.partial(backend.run, query, params))
                    expected, base_s = median_time(base)
                    got = [tuple(r) for r in result.rows]
                    if name != "makers":
                        got = sorted(got)
                    if name == "facts":
                        got = [((t, s), n) for t, s, n in got]
                    assert got == expected, (name, got[:5], expected[:5])
                    if unwind_backend is not None:  # the UNWIND copy answers the same, row for row
                        assert unwind_backend.run(query, params).rows == result.rows, name
                    query_rows.append(f"| {summary['entities']:,} | {label} | {len(result.rows)} | "
                                      f"{cypher_s * 1000:.1f} ms | {base_s * 1000:.1f} ms |")
                del pg
            finally:
                engine.stop()
                if unwind is not None:
                    unwind.stop()
        del graph
    print("\n### Loading (generate = synthetic model; rows = projection to rows; bulk load = rows + GRAPH.BULK + "
          "indexes ready; UNWIND load = rows + indexes + UNWIND CREATE; first call = hash + bulk load; "
          "later call = content hash only, no reload)")
    print("| entities | statements | generate | rows | bulk load | UNWIND load | UNWIND / bulk | first run_cypher "
          "| later run_cypher | networkx projection |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    print("\n".join(load_rows))
    print("\n### Queries, hot, median of 5 (same answers checked)")
    print("| entities | query | rows | FalkorDB | networkx/Python |")
    print("|---:|---|---:|---:|---:|")
    print("\n".join(query_rows))


if __name__ == "__main__":
    main()
