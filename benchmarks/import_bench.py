"""Import + build + export of the real datasets merged with seed_data, and of 10x / 100x copies.

    python benchmarks/import_bench.py [--datasets ../shared/datasets] [--sizes 1,10,100]
                                      [--shacl-up-to 10] [--timeout 5400] [--memory-gb 20]

Each size runs in its own process (peak memory = that process's ru_maxrss):

- 1x: `import_all` of the four datasets against seed_data (per dataset: read, resolve, write),
  then `api.build` of seed_data + the four imports (load, RDF, SHACL, exports, extra writers).
  Baselines in the same run: reading the same files with plain csv/yaml (the parsing floor of
  the importers), and parsing the built graph.nt into rdflib's own memory store (the
  plain-rdflib baseline of the Oxigraph-backed RDF step).
- 10x, 100x: the 1x import replicated as YAML with renamed ids (copy k: every entity, source
  and statement id gets "_xk"), then the same build. SHACL only up to --shacl-up-to; above it
  the build skips SHACL, and JSON-LD and the extra writers (page, property-graph exports) are
  left out where noted because they hold the whole graph in rdflib's memory store.

A size that exceeds the memory limit or the timeout is reported as such, not hidden.
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

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
DEFAULT_DATASETS = ROOT.parent / "shared" / "datasets"


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


# ---------------------------------------------------------------------------------- worker

def baseline_read(datasets: Path) -> float:
    """Plain-Python floor: read every row and asset the importers read, nothing else."""
    import csv

    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    start = time.perf_counter()
    for path in (datasets / "epoch-ai-models" / "all_ai_models.csv",
                 datasets / "open-llm-leaderboard" / "open_llm_leaderboard.csv",
                 datasets / "open-llm-leaderboard" / "open_llm_official.csv",
                 datasets / "gsmarena-dataset-2023" / "gsmarena_dataset.csv"):
        with path.open(encoding="utf-8", newline="") as handle:
            for _row in csv.DictReader(handle):
                pass
    for path in sorted((datasets / "ecosystem-graphs" / "assets_yaml").glob("*.yaml")):
        yaml.load(path.read_text(encoding="utf-8"), Loader=loader)
    yaml.load((datasets / "qualcomm-ai-hub-devices" / "devices_and_chipsets.yaml").read_text(encoding="utf-8"),
              Loader=loader)
    return time.perf_counter() - start


def replicate(graph, copy: int):
    """A renamed copy of a graph: every id gets '_x<copy>' (names get ' (copy k)')."""
    from dataclasses import replace

    from graphkit.model import KnowledgeGraph

    def rid(value):
        return f"{value}_x{copy}" if value else value  # "_" never appears in imported ids: no clash

    out = KnowledgeGraph()
    for entity in graph.entities.values():
        out.entities[rid(entity.id)] = replace(entity, id=rid(entity.id), name=f"{entity.name} (copy {copy})",
                                               wikidata=None, attributes=dict(entity.attributes))
    for source in graph.sources.values():
        out.sources[rid(source.id)] = replace(source, id=rid(source.id), publisher=rid(source.publisher),
                                              cites=tuple(rid(c) for c in source.cites))
    for st in graph.statements:
        out.statements.append(replace(st, subject=rid(st.subject), object=rid(st.object), market=rid(st.market),
                                      sources=tuple(rid(s) for s in st.sources)))
    for entity in out.entities.values():  # hf-id is a resolution key: keep copies distinct
        if "hf-id" in entity.attributes:
            entity.attributes["hf-id"] = f"{entity.attributes['hf-id']}_x{copy}"
    return out


def worker(size: int, datasets: Path, workdir: Path, shacl: bool, full_exports: bool) -> dict:
    from graphkit import api
    from graphkit.importers import import_all
    from graphkit.importers.common import ImportReport, write_import

    result: dict = {"size": size, "steps": {}}
    steps = result["steps"]
    imports = workdir / "imports"
    start = time.perf_counter()
    outcomes = import_all(datasets, imports, reference_paths=[ROOT / "seed_data"],
                          aliases=ROOT / "resolution" / "aliases.yaml")
    steps["import (4 datasets)"] = time.perf_counter() - start
    for outcome in outcomes:
        for step, seconds in outcome.seconds.items():
            steps[f"  {outcome.source}: {step}"] = seconds
    result["merges"] = {o.source: len(o.resolution.merges) for o in outcomes}
    result["merges_into_reference"] = {o.source: sum(m.target == "reference" for m in o.resolution.merges)
                                       for o in outcomes}
    result["conflicts"] = {o.source: len(o.resolution.conflicts) for o in outcomes}
    result["corroborated"] = {o.source: o.resolution.corroborated for o in outcomes}
    result["rows"] = {o.source: [o.report.rows_read, o.report.rows_used] for o in outcomes}
    paths = [ROOT / "seed_data"] + [o.out_dir for o in outcomes]

    if size > 1:
        print(f"stage: replicate (peak so far {peak_mb():,.0f} MB)", file=sys.stderr, flush=True)
        start = time.perf_counter()
        merged = api.load(paths)
        for copy in range(1, size):
            write_import(replicate(merged, copy), ImportReport(f"copy {copy}"), workdir / f"x{copy}",
                         f"Synthetic copy {copy} of the merged import (benchmark).")
            paths.append(workdir / f"x{copy}")
        del merged
        steps[f"replicate to {size}x (YAML)"] = time.perf_counter() - start
        print(f"stage: replicated in {steps[f'replicate to {size}x (YAML)']:.0f} s", file=sys.stderr, flush=True)

    formats = None if full_exports else ("turtle", "ntriples")
    print(f"stage: build of {len(paths)} folders (peak so far {peak_mb():,.0f} MB)", file=sys.stderr, flush=True)
    start = time.perf_counter()
    try:
        built = api.build(paths, workdir / "exports", shacl=shacl, formats=formats, extras=full_exports)
    except MemoryError:
        print(f"stage: build failed after {time.perf_counter() - start:.0f} s", file=sys.stderr, flush=True)
        raise
    steps["build (total)"] = time.perf_counter() - start
    for step, seconds in built.timings.items():
        steps[f"  build: {step}"] = seconds
    summary = built.graph.summary()
    result.update(entities=summary["entities"], statements=summary["statements"], sources=summary["sources"],
                  triples=built.triple_count, shacl=shacl, full_exports=full_exports)
    del built

    if size == 1:
        result["baseline_read"] = baseline_read(datasets)
        from rdflib import Graph

        start = time.perf_counter()
        memory = Graph(store="default", bind_namespaces="none")
        memory.parse(workdir / "exports" / "graph.nt", format="nt")
        result["baseline_rdflib_memory_parse"] = time.perf_counter() - start
        result["baseline_rdflib_triples"] = len(memory)
        del memory
    result["peak_mb"] = peak_mb()
    return result


# ---------------------------------------------------------------------------------- parent

def run_size(size: int, args) -> dict:
    shacl = size <= args.shacl_up_to
    full_exports = size <= args.full_exports_up_to
    with tempfile.TemporaryDirectory(prefix=f"import-bench-{size}x-") as workdir:
        cmd = [sys.executable, __file__, "--worker", str(size), "--datasets", str(args.datasets),
               "--workdir", workdir, "--memory-gb", str(args.memory_gb)]
        if shacl:
            cmd.append("--with-shacl")
        if full_exports:
            cmd.append("--with-full-exports")
        start = time.perf_counter()
        try:
            proc = subprocess.run(cmd, capture_output=True, text=True, timeout=args.timeout, cwd=ROOT)
        except subprocess.TimeoutExpired:
            return {"size": size, "failed": f"timeout after {args.timeout} s", "wall": time.perf_counter() - start}
        wall = time.perf_counter() - start
        lines = [line for line in proc.stdout.splitlines() if line.startswith("{")]
        if proc.returncode != 0 or not lines:
            err = proc.stderr.strip().splitlines()
            stages = "; ".join(line[len("stage: "):] for line in err if line.startswith("stage: "))
            tail = (err or ["(no output)"])[-1]
            return {"size": size, "failed": f"exit {proc.returncode}: {tail}; stages: {stages}", "wall": wall}
        result = json.loads(lines[-1])
        result["wall"] = wall
        return result


def print_report(results: list[dict]) -> None:
    print("## Import + build + export: real datasets merged with seed_data, and renamed copies\n")
    header = f"{'size':>5} {'entities':>10} {'statements':>11} {'triples':>11} {'SHACL':>6} " \
             f"{'import s':>9} {'build s':>9} {'wall s':>8} {'peak MB':>9}"
    print(header)
    print("-" * len(header))
    for r in results:
        if "failed" in r:
            print(f"{str(r['size']) + 'x':>5} failed: {r['failed']} (after {r['wall']:.0f} s)")
            continue
        steps = r["steps"]
        imported = steps["import (4 datasets)"] + sum(v for k, v in steps.items() if k.startswith("replicate"))
        print(f"{str(r['size']) + 'x':>5} {r['entities']:>10,} {r['statements']:>11,} {r['triples']:>11,} "
              f"{'yes' if r['shacl'] else 'no':>6} {imported:>9.1f} {steps['build (total)']:>9.1f} "
              f"{r['wall']:>8.1f} {r['peak_mb']:>9,.0f}")
    for r in results:
        if "failed" in r:
            continue
        exports = "all formats + page + property-graph exports" if r["full_exports"] else "Turtle + N-Triples only"
        print(f"\n### {r['size']}x: where the time goes (exports: {exports})")
        for step, seconds in r["steps"].items():
            print(f"  {step:<40} {seconds:>8.2f} s")
        if r["size"] == 1:
            print("\n### 1x: resolution")
            for source in r["merges"]:
                read, used = r["rows"][source]
                print(f"  {source:<12} rows {read:>6} read / {used:>6} used; merges {r['merges'][source]:>4} "
                      f"({r['merges_into_reference'][source]} into seed or earlier imports); "
                      f"conflicts {r['conflicts'][source]:>4}; facts already known {r['corroborated'][source]}")
            print(f"  total merges {sum(r['merges'].values())}, conflicts {sum(r['conflicts'].values())}")
            print("\n### 1x: baselines in the same run")
            print(f"  plain csv/yaml read of the same files:           {r['baseline_read']:>7.2f} s "
                  f"(importers: {r['steps']['import (4 datasets)']:.2f} s incl. resolution and YAML writing)")
            rdf_step = r["steps"].get("  build: rdf", float("nan"))
            print(f"  rdflib memory store, parse graph.nt ({r['baseline_rdflib_triples']:,} triples): "
                  f"{r['baseline_rdflib_memory_parse']:>7.2f} s (graphkit RDF step on Oxigraph: {rdf_step:.2f} s)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--datasets", type=Path, default=DEFAULT_DATASETS)
    parser.add_argument("--sizes", default="1,10,100")
    parser.add_argument("--shacl-up-to", type=int, default=10, help="Largest size validated with SHACL.")
    parser.add_argument("--full-exports-up-to", type=int, default=1,
                        help="Largest size with JSON-LD, the page and the property-graph exports.")
    parser.add_argument("--timeout", type=int, default=5400, help="Seconds per size.")
    parser.add_argument("--memory-gb", type=float, default=20, help="Address-space limit per size.")
    parser.add_argument("--worker", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--workdir", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--with-shacl", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--with-full-exports", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if not args.datasets.is_dir():
        sys.exit(f"error: datasets not found: {args.datasets} (use --datasets)")
    if args.worker:
        limit = int(args.memory_gb * 2**30)
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
        try:
            print(json.dumps(worker(args.worker, args.datasets, args.workdir, args.with_shacl,
                                    args.with_full_exports)))
        except MemoryError as exc:
            import traceback

            where = " < ".join(f"{Path(f.filename).name}:{f.name}" for f in reversed(
                traceback.extract_tb(exc.__traceback__)[-3:]))
            sys.exit(f"MemoryError over the {args.memory_gb} GB limit in {where} (peak {peak_mb():,.0f} MB)")
        return
    results = []
    for size in (int(s) for s in args.sizes.split(",")):
        print(f"running {size}x ...", file=sys.stderr, flush=True)
        results.append(run_size(size, args))
    print_report(results)


if __name__ == "__main__":
    os.environ.setdefault("PYTHONHASHSEED", "0")
    main()
