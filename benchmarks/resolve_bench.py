"""Entity resolution measured: precision and recall on the labelled pairs, the cross-developer
check on the merged graph, and the time of `graphkit resolve --suggest` on it.

    python benchmarks/resolve_bench.py            # needs ../shared/datasets beside the repository
    python benchmarks/resolve_bench.py --10x      # also suggest on the merged graph replicated 10 times

Prints one JSON document: the confusion counts on tests/data/resolution/pairs.yaml with the
shipped alias file and with its model-level `same` groups and keep-apart entries removed (the
rules and the organization decisions alone), the errors, the cross-developer merges found, and
timings (resolution of the four datasets; loading and suggesting on the merged graph), wall-clock
and CPU (the CPU time is the steadier figure on a shared machine).
"""
from __future__ import annotations

import json
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

DATASETS = REPO.parent / "shared" / "datasets"
PAIRS = REPO / "tests" / "data" / "resolution" / "pairs.yaml"


def main(scale10: bool = False) -> dict:
    from graphkit import api
    from graphkit.importers import import_all
    from graphkit.resolve import AliasTable, load_aliases
    from graphkit.resolve_eval import cross_developer_merges, evaluate, load_pairs, resolve_datasets
    from graphkit.resolve_suggest import load_candidates, suggest

    aliases = load_aliases(REPO / "resolution" / "aliases.yaml")
    pairs = load_pairs(PAIRS)
    report: dict = {}
    cpu = time.process_time()
    resolved = resolve_datasets(DATASETS, [REPO / "seed_data"], aliases)
    resolve_cpu = time.process_time() - cpu
    shipped = evaluate(pairs, resolved)
    report["shipped alias file"] = shipped
    report["cross-developer merges"] = cross_developer_merges(resolved, aliases)
    rules_only = AliasTable([g for g in aliases.groups if g.type != "AIModel"], aliases.suffixes, aliases.separate,
                            aliases.path, [])
    bare = resolve_datasets(DATASETS, [REPO / "seed_data"], rules_only)
    report["rules and organization aliases only"] = {k: v for k, v in evaluate(pairs, bare).items() if k != "by_kind"}
    report["seconds"] = {"resolve four datasets (import in memory, incl. reading), wall": round(resolved.seconds, 2),
                         "same, CPU": round(resolve_cpu, 2)}

    with tempfile.TemporaryDirectory() as tmp:
        outcomes = import_all(DATASETS, Path(tmp) / "imports", reference_paths=[REPO / "seed_data"], aliases=aliases)
        paths = [REPO / "seed_data"] + [o.out_dir for o in outcomes]
        start = time.perf_counter()
        graph = api.load(paths)
        loaded = time.perf_counter()
        cpu = time.process_time()
        found, stats = suggest(graph, aliases, stopped=load_candidates(paths), min_score=0.85)
        done = time.perf_counter()
        suggest_cpu = time.process_time() - cpu
    report["suggest"] = {**stats, "load seconds": round(loaded - start, 2), "suggest seconds": round(done - loaded, 2),
                         "suggest CPU seconds": round(suggest_cpu, 2),
                         "all pairs would be": len(graph.entities) * (len(graph.entities) - 1) // 2}
    if scale10:
        report["suggest at 10x"] = suggest_10x(graph, aliases)
    for key in ("shipped alias file",):
        report[key] = replace_errors(report[key])
    return report


def suggest_10x(graph, aliases) -> dict:
    """Suggestions on the merged graph replicated 10 times (renamed copies, as import_bench.py)."""
    import resource

    from graphkit.model import KnowledgeGraph
    from graphkit.resolve_suggest import suggest

    sys.path.insert(0, str(REPO / "benchmarks"))
    from import_bench import replicate

    big = KnowledgeGraph(dict(graph.entities), dict(graph.sources), list(graph.statements))
    for copy in range(2, 11):
        big.merge(replicate(graph, copy))
    start, cpu = time.perf_counter(), time.process_time()
    _found, stats = suggest(big, aliases, min_score=0.85)
    return {**stats, "seconds": round(time.perf_counter() - start, 2), "CPU seconds": round(time.process_time() - cpu, 2),
            "peak MB": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024}


def replace_errors(result: dict) -> dict:
    return {**result, "errors": [f"{e['error']}: {e['a']} ~ {e['b']} ({e['kind']}: {e['reason']})"
                                 for e in result["errors"]]}


if __name__ == "__main__":
    if not DATASETS.is_dir():
        sys.exit(f"the shared datasets are not here: {DATASETS}")
    print(json.dumps(main(scale10="--10x" in sys.argv[1:]), indent=1, ensure_ascii=False, default=str))
