"""SHACL engines on the same shapes and data: pyrudof (graphkit's default) against pyshacl (the
reference), through graphkit.shacl.shacl_problems, on the seed and synthetic graphs; the
problems reported (located at YAML lines) are checked equal.

    python benchmarks/shacl_bench.py [--sizes 1000,5000]
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="1000,5000")
    args = parser.parse_args()

    from graphkit.loader import load_yaml
    from graphkit.rdf import ntriples, to_rdflib
    from graphkit.shacl import shacl_problems
    from graphkit.synthetic import generate

    graphs = [("seed", lambda: load_yaml(ROOT / "seed_data"))]
    graphs += [(f"synthetic {int(n):,}", lambda n=int(n): generate(n)) for n in args.sizes.split(",") if n]
    print("| graph | triples | problems | pyshacl | pyrudof | ratio | triples/s (pyrudof) |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for name, make in graphs:
        kg = make()
        data = ntriples(kg)
        rdf = to_rdflib(data)
        triples = data.count(b"\n")
        start = time.perf_counter()
        reference = shacl_problems(kg, rdf, engine="pyshacl")
        ref_s = time.perf_counter() - start
        start = time.perf_counter()
        got = shacl_problems(kg, rdf, engine="pyrudof")
        rud_s = time.perf_counter() - start
        assert got == reference, (name, len(got), len(reference))
        print(f"| {name} | {triples:,} | {len(got):,} | {ref_s:.2f} s | {rud_s:.2f} s | {ref_s / rud_s:.1f}x | "
              f"{triples / rud_s:,.0f} |", flush=True)


if __name__ == "__main__":
    main()
