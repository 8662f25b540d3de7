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

With --vs-raw it measures instead, side by side in one run, what graphkit adds on top of
Oxigraph: every pack query through graphkit's embedded backend on a pyoxigraph Store
(EmbeddedBackend.run: parameters, VALUES injection, checks, the answer kept as pyoxigraph
terms) against the same final query text on raw pyoxigraph (Store.query, answer materialized
as tuples of terms), plus three views of the same query: run_sparql on an rdflib Graph on the
Oxigraph store (the compatible path), reading `result.rows` as rdflib terms (what every answer
cost before), and the answer written as SPARQL CSV (graphkit's to_csv against pyoxigraph's own
results serializer, query included). Runs are interleaved; the table gives medians.

    python benchmarks/sparql_bench.py --vs-raw                  # 1M triples
    python benchmarks/sparql_bench.py --vs-raw --sizes 100000
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

    from graphkit._compat import oxigraph_store
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
    load_time, _ = timed(lambda text=text: oxigraph_store(new_rdflib_graph()).bulk_load(
        text, ox.RdfFormat.N_TRIPLES, to_graph=ox.DefaultGraph()))
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


def _materialize(answer):
    """What a raw pyoxigraph caller does with an answer: rows as tuples, triples as a list."""
    import pyoxigraph as ox

    if isinstance(answer, ox.QueryBoolean):
        return bool(answer)
    if isinstance(answer, ox.QueryTriples):
        return list(answer)
    return list(map(tuple, answer))


def quiet_timed(func, *args, **kwargs):
    """timed() as timeit does it: garbage collected before, collector off during the call (a
    collection of the million-object model otherwise lands in whichever call triggers it)."""
    import gc

    gc.collect()
    gc.disable()
    try:
        return timed(func, *args, **kwargs)
    finally:
        gc.enable()


def raw_answer(store, text: str, prefixes: dict[str, str]):
    return _materialize(store.query(text, prefixes=prefixes))


def raw_csv(store, text: str, prefixes: dict[str, str]) -> bytes:
    import pyoxigraph as ox

    return store.query(text, prefixes=prefixes).serialize(format=ox.QueryResultsFormat.CSV)


def rdflib_view(answer):
    """What every answer used to cost: its terms as rdflib objects."""
    return answer.rows if answer.kind == "select" else answer.graph


def bench_vs_raw(size: int, repeats: int) -> list[float]:
    """graphkit's embedded backend against raw pyoxigraph on the same store and query text;
    returns the ratios (graphkit / raw) of the pack queries."""
    from graphkit.rdf import build_rdf
    from graphkit.sparql import EmbeddedBackend, list_queries, model_store, resolve_bindings, run_sparql
    from graphkit.sparql.text import inject_values
    from graphkit.synthetic import generate_for_triples

    seconds, kg = timed(generate_for_triples, size)
    load, store = timed(model_store, kg)
    graph = build_rdf(kg)  # the same triples behind an rdflib Graph, for run_sparql's compatible path
    summary = kg.summary()
    print(f"\n## graphkit vs raw pyoxigraph, {len(store):,} triples ({summary['entities']:,} entities, "
          f"{summary['statements']:,} statements; generated in {seconds:.1f} s, loaded in {load:.1f} s)\n")
    print(f"Median of {repeats} interleaved runs ({repeats * 5} for queries under 50 ms) after one warm-up, "
          "each run timed as timeit does (collected before, garbage collector off during the call). "
          "raw: Store.query(text) with the answer materialized; graphkit: EmbeddedBackend(store).run(query, params). "
          "Ratios: paired = median of (graphkit run / the raw run just before it), the steadiest on a shared "
          "machine; medians = median / median; best = fastest / fastest. graphkit's own work: each graphkit call minus the "
          "time it spent in Oxigraph and collecting the rows (SparqlResult.seconds), measured inside the same call so "
          "that the machine's load cancels out; ratio from it = (raw + own work) / raw.\n")
    print("| query | answer | raw pyoxigraph | graphkit (Store) | ratio (paired) | ratio (medians) | ratio (best) "
          "| graphkit's own work | ratio from it | run_sparql (rdflib Graph) | ratio | + rows as rdflib terms "
          "| CSV: raw serializer | CSV: graphkit | ratio |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    backend = EmbeddedBackend(store)
    chosen = pick_params(kg)
    ratios = []
    for query in list_queries():
        params = params_for(query, chosen)
        bindings = resolve_bindings(query.text, params, prefixes=backend.prefixes, kg=kg, origin=query.name)
        text = inject_values(query.text, bindings)  # exactly what graphkit hands to Oxigraph
        prefixes = backend.prefixes
        samples: dict[str, list[float]] = {k: [] for k in ("raw", "gk", "overhead", "compat", "rows", "raw_csv",
                                                           "gk_csv")}
        # warm-up, untimed: first runs pay for caches on both sides
        warm = timed(raw_answer, store, text, prefixes)[0]
        answer = backend.run(query, params)
        run_sparql(query, graph, params=params)
        runs = repeats if warm > 0.05 else repeats * 5  # fast queries: more runs against the noise
        for _ in range(runs):
            samples["raw"].append(quiet_timed(raw_answer, store, text, prefixes)[0])
            elapsed, answer = quiet_timed(backend.run, query, params)
            samples["gk"].append(elapsed)
            # graphkit's own work: the call minus the engine's (query + rows, answer.seconds)
            samples["overhead"].append(elapsed - answer.seconds)
            samples["rows"].append(elapsed + quiet_timed(rdflib_view, answer)[0])
            samples["compat"].append(quiet_timed(run_sparql, query, graph, params=params)[0])
            if answer.kind != "graph":
                samples["raw_csv"].append(quiet_timed(raw_csv, store, text, prefixes)[0])
                samples["gk_csv"].append(quiet_timed(lambda q=query, p=params: backend.run(q, p).to_csv())[0])
        med = {k: statistics.median(v) if v else 0.0 for k, v in samples.items()}
        ratio = med["gk"] / med["raw"]
        best = min(samples["gk"]) / min(samples["raw"])
        # each graphkit run against the raw run just before it (same load on a shared machine)
        paired = statistics.median(g / r for g, r in zip(samples["gk"], samples["raw"], strict=True))
        derived = (med["raw"] + med["overhead"]) / med["raw"]
        ratios.append(paired)
        size_text = f"{len(answer)} {'triples' if answer.kind == 'graph' else 'rows' if answer.kind == 'select' else 'bool'}"
        csv_cells = (f"{fmt_seconds(med['raw_csv'])} | {fmt_seconds(med['gk_csv'])} | {med['gk_csv'] / med['raw_csv']:.2f}x"
                     if med["raw_csv"] else "- | - | -")
        print(f"| {query.name} | {size_text} | {fmt_seconds(med['raw'])} | {fmt_seconds(med['gk'])} | {paired:.2f}x "
              f"| {ratio:.2f}x | {best:.2f}x | {med['overhead'] * 1e6:.0f} us | {derived:.3f}x "
              f"| {fmt_seconds(med['compat'])} | {med['compat'] / med['raw']:.2f}x | {fmt_seconds(med['rows'])} "
              f"| {csv_cells} |")
    print(f"\npaired ratio graphkit/raw over the pack: max {max(ratios):.2f}x, median {statistics.median(ratios):.2f}x")
    bound = "; ".join(f"{name}: " + ", ".join(f"{k}={v}" for k, v in sorted(values.items()))
                      for name, values in sorted(chosen.items()) if values)
    print(f"parameters: {bound}")
    return ratios


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--full", action="store_true", help="also run 1M triples (several minutes)")
    parser.add_argument("--sizes", help="comma-separated triple counts (overrides --full)")
    parser.add_argument("--baseline-timeout", type=float, default=60.0,
                        help="seconds before a baseline query is stopped (default 60)")
    parser.add_argument("--vs-raw", action="store_true",
                        help="graphkit's embedded backend against raw pyoxigraph (default size: 1M triples)")
    parser.add_argument("--repeats", type=int, default=5, help="runs per query with --vs-raw (default 5)")
    args = parser.parse_args()
    if args.vs_raw:
        from graphkit.ontology import load_ontology

        load_ontology()
        print(f"# graphkit SPARQL vs raw pyoxigraph (Python {sys.version.split()[0]})")
        for size in [int(s) for s in args.sizes.split(",")] if args.sizes else [1_000_000]:
            bench_vs_raw(size, args.repeats)
        return
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
