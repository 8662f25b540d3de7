"""Foundation numbers: seed graph size, build time, CLI start-up, and the RDF build on the
Oxigraph store against rdflib's own memory store (the plain-rdflib baseline) in the same run.

    python benchmarks/foundation_bench.py [--sizes 10000,100000,1000000]
"""
from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def timed(func, *args, **kwargs):
    start = time.perf_counter()
    value = func(*args, **kwargs)
    return value, time.perf_counter() - start


def median_run(cmd: list[str], runs: int = 7) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(cmd, check=True, capture_output=True, cwd=ROOT)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="10000,100000,1000000")
    args = parser.parse_args()

    import tempfile

    from graphkit import api
    from graphkit.exports import serialize
    from graphkit.rdf import build_rdf
    from graphkit.synthetic import generate_for_triples

    with tempfile.TemporaryDirectory() as out:
        result, seconds = timed(api.build, ROOT / "seed_data", out)
    summary = result.graph.summary()
    print("## Seed graph")
    print(f"entities {summary['entities']}, statements {summary['statements']}, sources {summary['sources']}, "
          f"triples {result.triple_count}")
    print(f"api.build (load + RDF + SHACL + exports + extras): {seconds:.3f} s; steps: "
          + ", ".join(f"{k} {v:.3f} s" for k, v in result.timings.items()))
    graphkit = str(Path(sys.executable).with_name("graphkit"))
    with tempfile.TemporaryDirectory() as out:
        print(f"`graphkit build` wall time (new process, median of 5): "
              f"{median_run([graphkit, 'build', '-q', '-o', out], 5):.3f} s")
    print(f"`graphkit --help` wall time (median of 7): {median_run([graphkit, '--help']):.3f} s")
    print(f"`python -c pass` (interpreter floor, median of 7): {median_run([sys.executable, '-c', 'pass']):.3f} s")

    print("\n## RDF build and Turtle export, graphkit (Oxigraph) vs plain rdflib memory store")
    print("| triples | build Oxigraph | build rdflib Memory | Turtle graphkit | Turtle rdflib |")
    print("|---:|---:|---:|---:|---:|")
    for size in [int(s) for s in args.sizes.split(",") if s]:
        graph = generate_for_triples(size)
        ox_graph, ox_build = timed(build_rdf, graph)
        mem_graph, mem_build = timed(build_rdf, graph, store="default")
        _, ox_ttl = timed(serialize, graph, "turtle")
        _, mem_ttl = timed(mem_graph.serialize, format="turtle")
        print(f"| {len(ox_graph):,} | {ox_build:.2f} s | {mem_build:.2f} s | {ox_ttl:.2f} s | {mem_ttl:.2f} s |")
        del ox_graph, mem_graph


if __name__ == "__main__":
    main()
