"""Entity resolution measured: precision and recall on the labelled pairs, the cross-developer
check on the merged graph, and the time of `graphkit resolve --suggest` on it.

    python benchmarks/resolve_bench.py            # needs ../shared/datasets beside the repository

Prints one JSON document: the confusion counts on tests/data/resolution/pairs.yaml with the
shipped alias file and with its model-level `same` groups and keep-apart entries removed (the
rules and the organization decisions alone), the errors, the cross-developer merges found, and
timings (resolution of the four datasets; loading and suggesting on the merged graph).
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


def main() -> dict:
    from graphkit import api
    from graphkit.importers import import_all
    from graphkit.resolve import AliasTable, load_aliases
    from graphkit.resolve_eval import cross_developer_merges, evaluate, load_pairs, resolve_datasets
    from graphkit.resolve_suggest import load_candidates, suggest

    aliases = load_aliases(REPO / "resolution" / "aliases.yaml")
    pairs = load_pairs(PAIRS)
    report: dict = {}
    resolved = resolve_datasets(DATASETS, [REPO / "seed_data"], aliases)
    shipped = evaluate(pairs, resolved)
    report["shipped alias file"] = shipped
    report["cross-developer merges"] = cross_developer_merges(resolved, aliases)
    rules_only = AliasTable([g for g in aliases.groups if g.type != "AIModel"], aliases.suffixes, aliases.separate,
                            aliases.path, [])
    bare = resolve_datasets(DATASETS, [REPO / "seed_data"], rules_only)
    report["rules and organization aliases only"] = {k: v for k, v in evaluate(pairs, bare).items() if k != "by_kind"}
    report["seconds"] = {"resolve four datasets (import in memory, incl. reading)": round(resolved.seconds, 2)}

    with tempfile.TemporaryDirectory() as tmp:
        outcomes = import_all(DATASETS, Path(tmp) / "imports", reference_paths=[REPO / "seed_data"], aliases=aliases)
        paths = [REPO / "seed_data"] + [o.out_dir for o in outcomes]
        start = time.perf_counter()
        graph = api.load(paths)
        loaded = time.perf_counter()
        found, stats = suggest(graph, aliases, stopped=load_candidates(paths), min_score=0.85)
        done = time.perf_counter()
    report["suggest"] = {**stats, "load seconds": round(loaded - start, 2), "suggest seconds": round(done - loaded, 2),
                         "all pairs would be": len(graph.entities) * (len(graph.entities) - 1) // 2}
    for key in ("shipped alias file",):
        report[key] = replace_errors(report[key])
    return report


def replace_errors(result: dict) -> dict:
    return {**result, "errors": [f"{e['error']}: {e['a']} ~ {e['b']} ({e['kind']}: {e['reason']})"
                                 for e in result["errors"]]}


if __name__ == "__main__":
    if not DATASETS.is_dir():
        sys.exit(f"the shared datasets are not here: {DATASETS}")
    print(json.dumps(main(), indent=1, ensure_ascii=False, default=str))
