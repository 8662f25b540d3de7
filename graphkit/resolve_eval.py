"""Measure entity resolution against labelled pairs (tests/data/resolution/pairs.yaml).

`resolve_datasets` runs the four importers and the resolver in memory (seed, then epoch,
ecosystem, leaderboard, devices, each resolved against the ones before, exactly as
`graphkit import all`); `evaluate` compares the resulting nodes with the labels: a pair is
predicted "same" when both entities ended in one node. `cross_developer_merges` checks the
merged graph independently of the resolver's own safeguards: any two imported entities that
ended in one node while their rows name makers with no organization (or unit of one) in common.
"""
from __future__ import annotations

import os
from collections import defaultdict
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

from .errors import GraphkitError
from .model import KnowledgeGraph


@dataclass(frozen=True)
class Pair:
    a: tuple[str, str]  # (dataset, id as the importer or seed_data names it)
    b: tuple[str, str]
    same: bool
    kind: str = ""
    reason: str = ""
    names: tuple[str, str] = ("", "")


@dataclass
class Resolved:
    """Where every imported entity ended, and what each dataset said about it."""

    final: dict[tuple[str, str], str]  # (dataset, importer id) -> node id in the merged graph
    raw: dict[str, KnowledgeGraph]  # dataset -> what the importer read (before resolution)
    merged: KnowledgeGraph  # seed + all imports
    outcomes: list = field(default_factory=list)
    seconds: float = 0.0


def load_pairs(path: str | os.PathLike) -> list[Pair]:
    import yaml

    data = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    pairs = []
    for number, item in enumerate(data.get("pairs") or [], 1):
        try:
            pairs.append(Pair((item["a"]["dataset"], item["a"]["id"]), (item["b"]["dataset"], item["b"]["id"]),
                              bool(item["same"]), str(item.get("kind", "")), str(item.get("reason", "")),
                              (item["a"].get("name", ""), item["b"].get("name", ""))))
        except (KeyError, TypeError) as exc:
            raise GraphkitError(f"{path}: pair {number} is incomplete ({exc})") from None
    return pairs


def resolve_datasets(datasets_dir, reference_paths, aliases=None) -> Resolved:
    """Import every dataset in memory (nothing written) and record where each entity went."""
    import time

    from .importers import ALL_SOURCES, read_dataset, run_import
    from .resolve import AliasTable, load_aliases, load_reference

    start = time.perf_counter()
    table = aliases if isinstance(aliases, AliasTable) else load_aliases(aliases)
    reference = load_reference(list(reference_paths))
    final = {("seed", entity_id): entity_id for entity_id in reference.entities}
    raw = {"seed": reference}
    outcomes = []
    for source in ALL_SOURCES:
        outcome = run_import(source, datasets_dir, reference=reference, aliases=table, write=False)
        raw[source] = read_dataset(source, datasets_dir).graph
        for imported_id, final_id in outcome.resolution.mapping.items():
            final[(source, imported_id)] = final_id
        merged = KnowledgeGraph(dict(reference.entities), dict(reference.sources), list(reference.statements))
        merged.merge(outcome.graph)
        reference = merged
        outcomes.append(outcome)
    return Resolved(final, raw, reference, outcomes, time.perf_counter() - start)


def evaluate(pairs: list[Pair], resolved: Resolved) -> dict:
    """Confusion counts, precision and recall of "same node" against the labels."""
    counts = {"tp": 0, "fp": 0, "fn": 0, "tn": 0}
    errors: list[dict] = []
    missing: list[str] = []
    by_kind: dict[str, dict[str, int]] = defaultdict(lambda: {"tp": 0, "fp": 0, "fn": 0, "tn": 0})
    for pair in pairs:
        if pair.a not in resolved.final or pair.b not in resolved.final:
            missing.append(f"{pair.a} / {pair.b}")
            continue
        predicted = resolved.final[pair.a] == resolved.final[pair.b]
        cell = ("tp" if predicted else "fn") if pair.same else ("fp" if predicted else "tn")
        counts[cell] += 1
        by_kind[pair.kind][cell] += 1
        if cell in ("fp", "fn"):
            errors.append({"error": "false merge" if cell == "fp" else "missed merge", "a": "/".join(pair.a),
                           "b": "/".join(pair.b), "names": list(pair.names), "kind": pair.kind,
                           "reason": pair.reason})
    precision = counts["tp"] / (counts["tp"] + counts["fp"]) if counts["tp"] + counts["fp"] else 1.0
    recall = counts["tp"] / (counts["tp"] + counts["fn"]) if counts["tp"] + counts["fn"] else 1.0
    return {"pairs": len(pairs) - len(missing), "same": counts["tp"] + counts["fn"],
            "different": counts["fp"] + counts["tn"], **counts, "precision": precision, "recall": recall,
            "by_kind": {k: dict(v) for k, v in sorted(by_kind.items())}, "errors": errors, "missing": missing}


def cross_developer_merges(resolved: Resolved, aliases=None) -> list[dict]:
    """Nodes of the merged graph that joined entities whose makers share no organization.

    Makers are read from each dataset's own rows (develops/ships facts before resolution),
    mapped to their final organizations; an organization and its units (part-of in the alias
    file, subsidiary-of facts) count as one. Joins that the alias file decided are not counted.
    """
    from .resolve import AliasTable, load_aliases, makers, organization_parents, top_organization

    table = aliases if isinstance(aliases, AliasTable) else load_aliases(aliases)
    parents = organization_parents(resolved.merged, table)

    family = partial(top_organization, parents)

    by_alias = {(o.source, m.imported) for o in resolved.outcomes for m in o.resolution.merges
                if m.rule == "alias file"}
    members: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for key, node in resolved.final.items():
        members[node].append(key)
    maker_sets = {dataset: makers(graph) for dataset, graph in resolved.raw.items()}
    found = []
    for node, keys in sorted(members.items()):
        if len(keys) < 2:
            continue
        stated = []
        for dataset, entity_id in keys:
            orgs = {resolved.final.get((dataset, m), m) for m in maker_sets[dataset].get(entity_id, ())}
            if orgs and (dataset, entity_id) not in by_alias:
                stated.append(((dataset, entity_id), {family(o) for o in orgs}))
        for i, (left, left_orgs) in enumerate(stated):
            for right, right_orgs in stated[i + 1:]:
                if not left_orgs & right_orgs:
                    found.append({"node": node, "a": "/".join(left), "b": "/".join(right),
                                  "makers": [sorted(left_orgs), sorted(right_orgs)]})
    return found


def foreign_hub_ids(resolved: Resolved) -> list[dict]:
    """Nodes whose Hugging Face id belongs to an account that is not one of their developers
    (a community copy's id on the official model)."""
    from .importers.common import slugify
    from .resolve import makers

    maker_of = makers(resolved.merged)
    found = []
    for entity in resolved.merged.sorted_entities():
        hf_id = entity.attributes.get("hf-id")
        if not isinstance(hf_id, str) or "/" not in hf_id:
            continue
        author = slugify(hf_id.split("/", 1)[0])
        account = resolved.final.get(("leaderboard", author), author)
        developers = maker_of.get(entity.id, set())
        if developers and account not in developers:
            found.append({"node": entity.id, "hf-id": hf_id, "account": account, "developers": sorted(developers)})
    return found
