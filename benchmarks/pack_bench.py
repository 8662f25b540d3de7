"""Every question-pack query, SPARQL and Cypher, on the merged graph: this checkout's pack against
the pack of another git revision, side by side in one run.

The merged graph is the seed plus every shared dataset, imported as tests/test_page_explore.py
does (graphkit.importers.import_all, resolved against the seed with the alias file); pass
--imports DIR to reuse an earlier import (the folder import_all wrote). SPARQL runs on the
embedded pyoxigraph store (graphkit's EmbeddedBackend), Cypher on the embedded FalkorDB engine,
each query with its declared defaults (the seed's entities, which the merged graph keeps).
Runs of the two versions are interleaved (at least --repeats each, more for quick queries: about
a second each); the table gives medians and the ratio new / old. Cypher is timed on the loaded
graph (the engine's backend for it), without the per-call hash of the model.

    python benchmarks/pack_bench.py --against main~1
    python benchmarks/pack_bench.py --against HEAD --imports /tmp/imports --repeats 5
"""
from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
DATASETS = ROOT.parent / "shared" / "datasets"


def pack_at(revision: str, folder: Path) -> Path:
    """queries/ (and queries/cypher/) as they were at `revision`, written under `folder`."""
    out = folder / "queries"
    (out / "cypher").mkdir(parents=True)
    names = subprocess.run(["git", "-C", str(ROOT), "ls-tree", "-r", "--name-only", revision, "queries"],
                           capture_output=True, text=True, check=True).stdout.split()
    for name in names:
        if name.endswith((".rq", ".cypher")):
            text = subprocess.run(["git", "-C", str(ROOT), "show", f"{revision}:{name}"], capture_output=True,
                                  check=True).stdout
            (folder / name).write_bytes(text)
    return out


def merged_graph(imports: Path | None):
    from graphkit import api
    from graphkit.importers import import_all

    seed = ROOT / "seed_data"
    if imports is None:
        imports = Path(tempfile.mkdtemp(prefix="pack-bench-")) / "imports"
        outcomes = import_all(DATASETS, imports, reference_paths=[seed], aliases=ROOT / "resolution" / "aliases.yaml")
        folders = [o.out_dir for o in outcomes]
    else:
        folders = [imports / name for name in ("epoch", "ecosystem", "leaderboard", "devices")]
    return api.load([seed, *folders])


def timed(func) -> tuple[float, object]:
    start = time.perf_counter()
    value = func()
    return time.perf_counter() - start, value


def size(answer) -> int:
    if hasattr(answer, "boolean") and answer.kind == "ask":
        return int(answer.boolean)
    if getattr(answer, "kind", None) == "graph":
        return len(answer.graph)
    return len(answer.rows)


def fmt(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms" if seconds < 1 else f"{seconds:.2f} s"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--against", required=True, help="the git revision whose pack is the baseline")
    parser.add_argument("--imports", type=Path, help="a folder written by `graphkit import all` (skip importing)")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--only", nargs="*", help="query names (default: all)")
    args = parser.parse_args()

    from dataclasses import replace

    from graphkit.cypher import CYPHER_PACK
    from graphkit.cypher.falkordb import EmbeddedEngine
    from graphkit.sparql import SPARQL_PACK, EmbeddedBackend, model_store

    work = Path(tempfile.mkdtemp(prefix="pack-bench-"))
    old_dir = pack_at(args.against, work / "old")
    new_dir = ROOT / "queries"
    packs = {}
    for label, folder in (("old", old_dir), ("new", new_dir)):
        packs[label] = (replace(SPARQL_PACK, folder=str(folder)).load(),
                        replace(CYPHER_PACK, folder=str(folder / "cypher")).load())

    start = time.perf_counter()
    graph = merged_graph(args.imports)
    print(f"merged graph: {len(graph.entities)} entities, {len(graph.statements)} facts "
          f"({time.perf_counter() - start:.1f} s to load)")
    store = model_store(graph)
    backend = EmbeddedBackend(store)
    engine = EmbeddedEngine(work / "cache")
    try:
        cypher = engine.graph_for(graph)  # loaded once, outside the timings (no fingerprint per run)
        names = sorted(packs["new"][0])
        if args.only:
            names = [n for n in names if n in args.only]
        print("| query | language | rows old / new | old | new | new / old |")
        print("|---|---|---|---|---|---|")
        ratios = []
        for name in names:
            for language in ("sparql", "cypher"):
                times = {"old": [], "new": []}
                rows = {}
                runs = args.repeats
                while len(times["old"]) < runs:
                    for label in ("old", "new"):
                        if language == "sparql":
                            query = packs[label][0][name]
                            seconds, answer = timed(lambda q=query: backend.run(q))
                        else:
                            query = packs[label][1][name]
                            values = {k: v for k, v in query.defaults.items() if v is not None}
                            seconds, answer = timed(lambda q=query, v=values: cypher.run(q.text, v, timeout=600))
                        times[label].append(seconds)
                        rows[label] = size(answer)
                    # quick queries run more often (about a second per version), up to 50 times
                    runs = max(runs, min(50, int(1.0 / max(min(times["old"] + times["new"]), 1e-4))))
                old, new = statistics.median(times["old"]), statistics.median(times["new"])
                ratios.append(new / old)
                print(f"| {name} | {language} | {rows['old']} / {rows['new']} | {fmt(old)} | {fmt(new)} | "
                      f"{new / old:.2f}x |", flush=True)
        print(f"geometric mean new / old: {statistics.geometric_mean(ratios):.2f}x")
    finally:
        engine.stop()


if __name__ == "__main__":
    main()
