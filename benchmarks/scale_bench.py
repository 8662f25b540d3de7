"""Memory and time of the compiled store's RDF build at 1x, 10x and 100x the merged graph.

Each size runs in a fresh process (peak RSS is per process): a synthetic graph of about
SIZE x 408,000 triples (the merged graph: seed + four datasets) is generated, then compiled as
`graphkit build` does after parsing: N-Triples streamed in chunks into an on-disk Oxigraph
store, the model written as JSON Lines, and the Turtle export streamed to a file. Peak RSS
comes from resource.getrusage.

    python benchmarks/scale_bench.py                 # 1x and 10x
    python benchmarks/scale_bench.py --sizes 1 10 100
    python benchmarks/scale_bench.py --compare 1000000   # graphkit vs raw pyoxigraph vs rdflib at 1M triples

--compare runs, side by side in one process, at the given number of triples:
  graphkit   model -> streamed N-Triples -> bulk load (on disk) + streamed Turtle export;
  raw        the same N-Triples bytes (already in memory) -> pyoxigraph bulk load (on disk) + dump Turtle;
  rdflib     the same N-Triples bytes -> rdflib Graph (memory store) parse + serialize Turtle.
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

MERGED_TRIPLES = 408_000


def peak_rss_gb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 / 1024  # Linux: KiB


def run_size(size: float, turtle: bool = True) -> dict:
    """One size, in this process."""
    from graphkit.exports import write_turtle
    from graphkit.ontology import load_ontology
    from graphkit.rdf import DEFAULT_BASE_IRI
    from graphkit.store.build import load_oxigraph
    from graphkit.store.codec import dumps, file_document
    from graphkit.synthetic import generate_for_triples

    ontology = load_ontology()
    out: dict = {"size": size}
    start = time.perf_counter()
    graph = generate_for_triples(int(MERGED_TRIPLES * size))
    out["generate_s"] = round(time.perf_counter() - start, 1)
    out["model_rss_gb"] = round(peak_rss_gb(), 2)
    out.update(graph.summary())
    with tempfile.TemporaryDirectory(prefix="graphkit-scale-", dir=os.environ.get("SCALE_TMP")) as tmp:
        tmp = Path(tmp)
        start = time.perf_counter()
        out["triples"] = load_oxigraph(graph, tmp / "oxigraph", DEFAULT_BASE_IRI, ontology)
        out["rdf_load_s"] = round(time.perf_counter() - start, 1)
        start = time.perf_counter()
        with open(tmp / "model.jsonl", "w", encoding="utf-8") as handle:
            handle.write(dumps(file_document("synthetic", graph.entities.values(), graph.sources.values(),
                                             graph.statements)))
        out["model_write_s"] = round(time.perf_counter() - start, 1)
        if turtle:
            start = time.perf_counter()
            with open(tmp / "graph.ttl", "wb") as handle:
                write_turtle(graph, handle, DEFAULT_BASE_IRI, ontology)
            out["turtle_s"] = round(time.perf_counter() - start, 1)
            out["turtle_mb"] = round((tmp / "graph.ttl").stat().st_size / 1e6, 1)
    out["peak_rss_gb"] = round(peak_rss_gb(), 2)
    out["gb_per_million_triples"] = round(out["peak_rss_gb"] / (out["triples"] / 1e6), 3)
    return out


def compare(triples: int, rdflib_too: bool = True) -> dict:
    """graphkit vs raw pyoxigraph vs rdflib on the same graph, side by side."""
    import pyoxigraph as ox

    from graphkit.exports import write_turtle
    from graphkit.ontology import load_ontology
    from graphkit.rdf import DEFAULT_BASE_IRI, data_prefixes, ntriples
    from graphkit.store.build import load_oxigraph
    from graphkit.synthetic import generate_for_triples

    ontology = load_ontology()
    graph = generate_for_triples(triples)
    text = ntriples(graph, DEFAULT_BASE_IRI, ontology)
    out: dict = {"triples": None}
    with tempfile.TemporaryDirectory(prefix="graphkit-compare-") as tmp:
        tmp = Path(tmp)
        start = time.perf_counter()
        out["triples"] = load_oxigraph(graph, tmp / "gk", DEFAULT_BASE_IRI, ontology)
        with open(tmp / "gk.ttl", "wb") as handle:
            write_turtle(graph, handle, DEFAULT_BASE_IRI, ontology)
        out["graphkit_s"] = round(time.perf_counter() - start, 2)

        start = time.perf_counter()
        store = ox.Store(str(tmp / "raw"))
        store.bulk_load(text, ox.RdfFormat.N_TRIPLES, to_graph=ox.DefaultGraph())
        store.flush()
        with open(tmp / "raw.ttl", "wb") as handle:
            store.dump(handle, ox.RdfFormat.TURTLE, from_graph=ox.DefaultGraph(), prefixes=data_prefixes())
        out["raw_pyoxigraph_s"] = round(time.perf_counter() - start, 2)
        del store
        if rdflib_too:
            from rdflib import Graph

            start = time.perf_counter()
            memory = Graph(bind_namespaces="none")
            memory.parse(data=text, format="nt")
            memory.serialize(tmp / "rdflib.ttl", format="turtle")
            out["rdflib_s"] = round(time.perf_counter() - start, 2)
    out["graphkit_vs_raw"] = round(out["graphkit_s"] / out["raw_pyoxigraph_s"], 2)
    if rdflib_too:
        out["rdflib_vs_graphkit"] = round(out["rdflib_s"] / out["graphkit_s"], 1)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", nargs="*", type=float, default=[1, 10])
    parser.add_argument("--compare", type=int, metavar="TRIPLES", help="side-by-side run at this many triples")
    parser.add_argument("--no-rdflib", action="store_true")
    parser.add_argument("--no-turtle", action="store_true", help="skip the Turtle export (long at 100x)")
    parser.add_argument("--one", type=float, help=argparse.SUPPRESS)  # internal: one size in this process
    args = parser.parse_args()
    if args.one is not None:
        print(json.dumps(run_size(args.one, not args.no_turtle)))
        return
    if args.compare:
        print(json.dumps(compare(args.compare, not args.no_rdflib)))
        return
    for size in args.sizes:
        run = subprocess.run([sys.executable, __file__, "--one", str(size), *(["--no-turtle"] if args.no_turtle else [])],
                             capture_output=True, text=True)
        if run.returncode != 0:
            print(json.dumps({"size": size, "error": run.stderr.strip().splitlines()[-1:]}))
            continue
        print(run.stdout.strip(), flush=True)


if __name__ == "__main__":
    main()
