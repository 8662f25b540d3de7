"""SPARQL on the embedded store (rdflib + Oxigraph) against rdflib's default in-memory store.

For synthetic graphs of about 10k, 100k and (with --full) 1M triples, made in graphkit's own
model by graphkit.synthetic.generate_for_triples, it times, on both stores in the same run:
- build: the model -> an rdflib Graph (graphkit.rdf.build_rdf, store="Oxigraph" / "default"),
- Turtle export: graphkit.exports.serialize (Oxigraph's serializer, canonical order) against
  rdflib's own Turtle serializer on the in-memory graph,
- every query of the pack (queries/*.rq), run through graphkit.sparql.run_sparql, with
  parameters bound to entities of the synthetic graph. Oxigraph: median of 3 runs. The
  baseline runs once, in a forked child that is stopped after --baseline-timeout seconds (the
  table says "> 60 s"); the row counts of both stores are compared.

    python benchmarks/sparql_bench.py            # 10k and 100k triples
    python benchmarks/sparql_bench.py --full     # and 1M (the baseline needs minutes and ~6 GB)
"""
from __future__ import annotations

import argparse
import multiprocessing
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def timed(func, *args, **kwargs):
    start = time.perf_counter()
    value = func(*args, **kwargs)
    return time.perf_counter() - start, value


def pick_params(kg) -> dict[str, dict[str, str]]:
    """Per pack query, parameter values that exist in the synthetic graph and give answers."""
    by_relation: dict[str, list] = {}
    for st in kg.sorted_statements():
        by_relation.setdefault(st.relation, []).append(st)
    degree: dict[str, int] = {}
    for st in kg.statements:
        for end in (st.subject, st.object):
            degree[end] = degree.get(end, 0) + 1
    companies = sorted(e.id for e in kg.entities.values() if e.type == "Company")
    entity = max(companies, key=lambda e: (degree.get(e, 0), e))
    partner = next((s for s in by_relation.get("partners-with", []) if s.market), None)
    competitor = next((s for s in by_relation.get("competes-with", []) if s.market), None)
    # a chain maker -develops-> model -powers-> product, for `chain` and `linked`
    powers = {}
    for st in by_relation.get("powers", []):
        powers.setdefault(st.subject, st.object)
    chain = next(((s.subject, powers[s.object]) for s in by_relation.get("develops", []) if s.object in powers),
                 (entity, entity))
    makers = {s.subject for s in by_relation.get("develops", []) if kg.entities[s.object].type == "AIModel"}
    headquarters = next((s.object for s in by_relation.get("headquartered-in", []) if s.subject in makers), None)
    markets = sorted(e.id for e in kg.entities.values() if e.type == "Market")
    return {
        "about": {"entity": entity}, "neighborhood": {"entity": entity},
        "partners-in-market": {"company": partner.subject, "market": partner.market} if partner else {},
        "competitors-in-market": {"market": competitor.market if competitor else markets[0]},
        "models-from": {"market": headquarters or markets[0]},
        "chain": {"from": chain[0], "to": chain[1]}, "linked": {"from": chain[0], "to": chain[1]},
    }


def params_for(query, chosen: dict[str, dict[str, str]]) -> dict[str, str]:
    return dict(chosen.get(query.name, {}))


def answer_size(result) -> int:
    return len(result)


def _child(conn, query, graph, params):
    from graphkit.sparql import run_sparql

    try:
        seconds, result = timed(run_sparql, query, graph, params=params)
        conn.send(("ok", seconds, answer_size(result)))
    except Exception as exc:  # report, don't crash the table
        conn.send(("error", 0.0, f"{type(exc).__name__}: {exc}"[:80]))


def run_with_timeout(query, graph, params, timeout: float):
    """Run one baseline query in a forked child (which sees the graph without copying it)."""
    context = multiprocessing.get_context("fork")
    parent, child = context.Pipe(duplex=False)
    process = context.Process(target=_child, args=(child, query, graph, params))
    process.start()
    child.close()
    if parent.poll(timeout):
        status, seconds, value = parent.recv()
        process.join()
        return status, seconds, value
    process.kill()
    process.join()
    return "timeout", timeout, None


def fmt_seconds(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms" if seconds < 1 else f"{seconds:.2f} s"


def bench(size: int, baseline_timeout: float, print_row) -> None:
    import pyoxigraph as ox

    from graphkit.exports import serialize
    from graphkit.rdf import build_rdf, new_rdflib_graph, ntriples
    from graphkit.sparql import list_queries, run_sparql
    from graphkit.synthetic import generate_for_triples

    seconds, kg = timed(generate_for_triples, size)
    build_ox, graph_ox = timed(build_rdf, kg)
    triples = len(graph_ox)
    summary = kg.summary()
    print(f"\n## {size:,} triples requested: {triples:,} triples ({summary['entities']:,} entities, "
          f"{summary['statements']:,} statements, {summary['sources']:,} sources; generated in {seconds:.1f} s)\n")
    print("| step | Oxigraph store (graphkit) | rdflib default store | speed-up | rows (ox / rdflib) |")
    print("|---|---|---|---|---|")
    # where the build time goes (measured before the in-memory graph exists: its millions of
    # Python objects slow the garbage collector down for everything that runs after it)
    text_time, text = timed(ntriples, kg)
    ids_time, _ = timed(lambda: [st.id for st in kg.statements])
    load_time, _ = timed(lambda: new_rdflib_graph().store._inner.bulk_load(text, ox.RdfFormat.N_TRIPLES,
                                                                           to_graph=ox.DefaultGraph()))
    del text
    build_mem, graph_mem = timed(build_rdf, kg, store="default")
    print_row("build (model -> rdflib Graph)", build_ox, build_mem)
    print(f"| - of which: model -> N-Triples text (graphkit.rdf.ntriples) | {fmt_seconds(text_time)} | same | | |")
    print(f"| - of which: statement ids (one sha256 per fact, recomputed on each access) | {fmt_seconds(ids_time)} "
          f"| same | | |")
    print(f"| - of which: Oxigraph bulk load of that text | {fmt_seconds(load_time)} | - | | |")
    turtle_ox, _ = timed(serialize, kg, "turtle")
    turtle_mem, _ = timed(graph_mem.serialize, format="turtle")
    print_row("Turtle export", turtle_ox, turtle_mem)
    chosen = pick_params(kg)
    for query in list_queries():
        params = params_for(query, chosen)
        runs = []
        rows_ox = None
        for _ in range(3):
            elapsed, result = timed(run_sparql, query, graph_ox, params=params)
            runs.append(elapsed)
            rows_ox = answer_size(result)
        ox_time = statistics.median(runs)
        status, mem_time, value = run_with_timeout(query, graph_mem, params, baseline_timeout)
        if status == "ok":
            same = "" if value == rows_ox else "  MISMATCH"
            print_row(f"query {query.name}", ox_time, mem_time, f"{rows_ox} / {value}{same}")
        elif status == "timeout":
            print(f"| query {query.name} | {fmt_seconds(ox_time)} | > {baseline_timeout:.0f} s (stopped) | "
                  f"> {baseline_timeout / ox_time:,.0f}x | {rows_ox} / - |")
        else:
            print(f"| query {query.name} | {fmt_seconds(ox_time)} | failed: {value} | - | {rows_ox} / - |")
    bound = "; ".join(f"{name}: " + ", ".join(f"{k}={v}" for k, v in sorted(values.items()))
                      for name, values in sorted(chosen.items()) if values)
    print(f"\nparameters: {bound}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--full", action="store_true", help="also run 1M triples (several minutes)")
    parser.add_argument("--sizes", help="comma-separated triple counts (overrides --full)")
    parser.add_argument("--baseline-timeout", type=float, default=60.0,
                        help="seconds before a baseline query is stopped (default 60)")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")] if args.sizes else \
        [10_000, 100_000] + ([1_000_000] if args.full else [])

    def print_row(step, ox_time, mem_time, rows=""):
        speedup = f"{mem_time / ox_time:,.1f}x" if ox_time > 0 else "-"
        print(f"| {step} | {fmt_seconds(ox_time)} | {fmt_seconds(mem_time)} | {speedup} | {rows} |")

    from graphkit.ontology import load_ontology

    load_ontology()  # parsed once and cached: keep it out of the first build's time
    from graphkit.rdf import build_rdf
    from graphkit.synthetic import generate

    for store in ("Oxigraph", "default"):  # load the store plugins before timing
        build_rdf(generate(10), store=store)
    print(f"# graphkit SPARQL benchmark (Python {sys.version.split()[0]})")
    for size in sizes:
        bench(size, args.baseline_timeout, print_row)


if __name__ == "__main__":
    main()
