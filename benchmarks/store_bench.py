"""The compiled store on real data: build times and warm commands against the raw engines.

    python benchmarks/store_bench.py DATA...        e.g. seed_data imports/epoch imports/ecosystem ...

Prints, side by side in one run:
- cold build (empty cache, no SHACL, no exports), no-change build, one file edited (a copy of
  the data, the largest relations file gets one more fact);
- each warm command (`graphkit sparql partners`, `cypher` one hop, `stats`, `path apple
  alibaba`, `rank`) as a fresh process, against the same question asked of the engine
  directly from a fresh Python process (pyoxigraph on the store's folder; networkx on the
  model; FalkorDB loaded from the model), each the best of REPEAT runs.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PYTHON = sys.executable
ENV = {**os.environ, "PYTHONPATH": str(ROOT)}

CYPHER = "MATCH (a:Company {id: 'apple'})-[r:PARTNERS_WITH]-(b) RETURN b.name, r.status"

RAW = {
    "sparql partners": """
import pyoxigraph as ox, sys
from graphkit.sparql import load_query
store = ox.Store.read_only(sys.argv[1])
q = load_query("partners").text
from graphkit.rdf import data_prefixes
rows = list(store.query(q, prefixes=data_prefixes()))
print(len(rows))
""",
    "stats": """
import sys
from graphkit.store.ensure import ensure_store
from graphkit import analysis
s = ensure_store(sys.argv[2:])
print(analysis.stats(s.model())["entities"])
""",
    "path apple alibaba": """
import sys, networkx as nx
from graphkit.store.ensure import ensure_store
from graphkit.analysis import model_entity_graph
g = ensure_store(sys.argv[2:]).model()
print(len(nx.shortest_path(model_entity_graph(g), "apple", "alibaba")))
""",
    "rank": """
import sys, networkx as nx
from graphkit.store.ensure import ensure_store
from graphkit.analysis import model_entity_graph
g = ensure_store(sys.argv[2:]).model()
scores = nx.pagerank(model_entity_graph(g), alpha=0.85, weight="weight")
print(max(scores, key=scores.get))
""",
    "cypher one hop": """
import sys
from graphkit.store.ensure import ensure_store
from graphkit.cypher.falkordb import embedded_engine
s = ensure_store(sys.argv[2:])
print(embedded_engine().run(s.model(), sys.argv[1], key=s.digest).rows)
""",
}


def timed(argv: list[str], repeat: int, cwd: Path) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        run = subprocess.run(argv, env=ENV, cwd=cwd, capture_output=True, text=True)
        elapsed = time.perf_counter() - start
        if run.returncode != 0:
            raise SystemExit(f"{' '.join(argv)} failed: {run.stderr[-800:]}")
        best = min(best, elapsed)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("data", nargs="+")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--skip-builds", action="store_true")
    args = parser.parse_args()
    cwd = Path.cwd()
    data = [str(Path(d)) for d in args.data]
    d_args = [x for d in data for x in ("-d", d)]
    report: dict = {}

    sys.path.insert(0, str(ROOT))
    from graphkit.store import ensure_store

    if not args.skip_builds:
        with tempfile.TemporaryDirectory(prefix="graphkit-store-bench-") as tmp:
            tmp = Path(tmp)
            copies = []
            for d in data:
                target = tmp / "data" / Path(d).name if Path(d).is_dir() else tmp / "data" / Path(d).name
                if Path(d).is_dir():
                    shutil.copytree(d, target, dirs_exist_ok=True)
                else:
                    target.parent.mkdir(parents=True, exist_ok=True)
                    shutil.copy2(d, target)
                copies.append(str(target))
            build = [PYTHON, "-m", "graphkit", "build", *copies, "--no-shacl", "-q", "-o", str(tmp / "out")]
            start = time.perf_counter()
            subprocess.run(build, env=ENV, cwd=tmp, check=True)
            report["build cold (store + exports, no SHACL)"] = round(time.perf_counter() - start, 2)
            report["build no change"] = round(timed(build, 1, tmp), 2)
            biggest = max((p for c in copies for p in Path(c).rglob("relations.yaml")), key=lambda p: p.stat().st_size,
                          default=None)
            if biggest is not None:
                with open(biggest, "a", encoding="utf-8") as handle:
                    handle.write("\n- fact: apple partners-with alibaba\n  status: rumored\n  market: china\n"
                                 "  source: reuters-2025-02-11-apple-alibaba\n  note: benchmark edit\n")
                start = time.perf_counter()
                run = subprocess.run(build, env=ENV, cwd=tmp, capture_output=True, text=True)
                report[f"build one file edited ({biggest.name})"] = round(time.perf_counter() - start, 2)
                if run.returncode != 0:
                    report["one file edited: error"] = run.stderr.strip()[-300:]

    store = ensure_store(data)
    oxi = str(store.directory / "oxigraph")
    # byte-compile graphkit as an installation does: with PYTHONDONTWRITEBYTECODE set (as on CI
    # machines) every command would compile its modules from source, the raw engine far fewer
    subprocess.run([PYTHON, "-m", "compileall", "-q", str(ROOT / "graphkit")], check=True)
    commands = {
        "sparql partners": ["sparql", "partners"],
        "cypher one hop": ["cypher", CYPHER],
        "stats": ["stats"],
        "path apple alibaba": ["path", "apple", "alibaba"],
        "rank": ["rank"],
    }
    for name, argv in commands.items():
        cli = timed([PYTHON, "-m", "graphkit", *argv, *d_args], args.repeat, cwd)
        first = CYPHER if name == "cypher one hop" else oxi
        raw = timed([PYTHON, "-c", RAW[name], first, *data], args.repeat, cwd)
        report[name] = {"graphkit_s": round(cli, 2), "raw_engine_s": round(raw, 2), "ratio": round(cli / raw, 2)}
        print(name, report[name], flush=True)
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
