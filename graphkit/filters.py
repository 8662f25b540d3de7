"""Views of a graph for the analytics: keep facts by class, relation, status, origin and market.

`rank`, `path`, `stats` and `communities` answer questions about one part of a graph ("the
curated facts", "the Chinese market", "organizations and models only"). A `Filter` says which
part; `Filter.apply(graph)` returns a new KnowledgeGraph with the same entity, source and
statement objects (nothing is copied), which every analysis then reads as usual.

Origin of a fact:
- `curated`: written by an editor (any status but `imported`: confirmed, reported, claimed, ...);
- `imported`: written by an importer (status `imported`);
- a dataset name (`epoch`, `ecosystem`, `leaderboard`, `devices`, `qualcomm`, `gsmarena`): an
  imported fact citing a source of that dataset (the importers' source ids, `DATASET_SOURCES`).

Market of a fact: the fact's `market` qualifier, or the market is one of its two ends
(`apple operates-in china` is a fact of the Chinese market).
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from .errors import GraphkitError, show
from .model import KnowledgeGraph, Statement
from .ontology import Ontology, load_ontology

IMPORTED = "imported"
CURATED = "curated"
#: dataset name (as `graphkit import` names it) -> prefixes of the source ids its importer writes.
DATASET_SOURCES: dict[str, tuple[str, ...]] = {
    "epoch": ("epoch-ai-",),
    "ecosystem": ("ecosystem-graphs-",),
    "leaderboard": ("open-llm-leaderboard-",),
    "devices": ("qualcomm-ai-hub-devices", "gsmarena-dataset-2023"),
    "qualcomm": ("qualcomm-ai-hub-devices",),
    "gsmarena": ("gsmarena-dataset-2023",),
}
ORIGINS = (CURATED, IMPORTED, *DATASET_SOURCES)


def origin_of(statement: Statement) -> str:
    """`curated`, or the first dataset the imported fact's sources belong to (`imported` if none)."""
    if statement.status != IMPORTED:
        return CURATED
    for source in statement.sources:
        for name in ("epoch", "ecosystem", "leaderboard", "qualcomm", "gsmarena"):
            if source.startswith(DATASET_SOURCES[name]):
                return name
    return IMPORTED


def _origin_matches(statement: Statement, origins: frozenset[str]) -> bool:
    if statement.status != IMPORTED:
        return CURATED in origins
    if IMPORTED in origins:
        return True
    return any(source.startswith(DATASET_SOURCES[name]) for name in origins if name in DATASET_SOURCES
               for source in statement.sources)


@dataclass(frozen=True)
class Filter:
    """Which part of the graph to analyse. Empty tuples mean "all"; `avoid` entities are removed
    with their facts (path uses it for hubs); `keep` entities are never removed by `avoid`."""

    classes: tuple[str, ...] = ()
    without_classes: tuple[str, ...] = ()
    relations: tuple[str, ...] = ()
    statuses: tuple[str, ...] = ()
    origins: tuple[str, ...] = ()
    markets: tuple[str, ...] = ()
    avoid: tuple[str, ...] = ()

    def is_empty(self) -> bool:
        return not (self.classes or self.without_classes or self.relations or self.statuses or self.origins or self.markets or self.avoid)

    def filters_facts(self) -> bool:
        return bool(self.relations or self.statuses or self.origins or self.markets)

    def describe(self) -> str:
        """One line saying what the view keeps, '' for the whole graph."""
        parts = []
        for label, values in (("class", self.classes), ("without class", self.without_classes), ("relation", self.relations), ("status", self.statuses),
                              ("origin", self.origins), ("market", self.markets), ("avoiding", self.avoid)):
            if values:
                parts.append(f"{label} {', '.join(values)}")
        return "; ".join(parts)

    def check(self, graph: KnowledgeGraph, ontology: Ontology | None = None) -> None:
        """Every problem of the filter at once, as one GraphkitError (unknown class, relation,
        status, origin, or market/avoid entities the graph does not have)."""
        ontology = ontology or load_ontology()
        problems = []
        for label, values, known in (("class", self.classes, ontology.classes),
                                     ("class", self.without_classes, ontology.classes),
                                     ("relation", self.relations, ontology.relations),
                                     ("status", self.statuses, ontology.statuses)):
            for value in values:
                if value not in known:
                    problems.append(f"unknown {label} {show(value)} (known: {', '.join(sorted(known))})")
        for value in self.origins:
            if value not in ORIGINS:
                problems.append(f"unknown origin {show(value)} (known: {', '.join(ORIGINS)})")
        for label, values in (("market", self.markets), ("entity to avoid", self.avoid)):
            for value in values:
                if value not in graph.entities:
                    problems.append(f"no {label} {show(value)} in the graph")
                elif label == "market" and not ontology.is_a(graph.entities[value].type, "Market"):
                    problems.append(f"{show(value)} is a {graph.entities[value].type}, not a Market")
        if problems:
            raise GraphkitError("; ".join(problems))

    def resolve(self, graph: KnowledgeGraph) -> Filter:
        """The same filter with market and avoid names (name, label, alias) turned into entity ids."""
        def ids(values: Iterable[str]) -> tuple[str, ...]:
            out = []
            for value in values:
                entity = graph.find(value)
                out.append(entity.id if entity is not None else value)
            return tuple(dict.fromkeys(out))

        return Filter(self.classes, self.without_classes, self.relations, self.statuses, self.origins,
                      ids(self.markets), ids(self.avoid))

    def apply(self, graph: KnowledgeGraph, *, keep: Iterable[str] = (),
              ontology: Ontology | None = None) -> KnowledgeGraph:
        """The view: entities of the classes (minus `avoid`, plus `keep`), and the facts between
        them that pass the relation, status, origin and market filters. When facts are filtered,
        entities left without a fact are dropped too (except `keep`)."""
        if self.is_empty():
            return graph
        ontology = ontology or load_ontology()
        resolved = self.resolve(graph)
        resolved.check(graph, ontology)
        keep = set(keep)
        avoid = set(resolved.avoid) - keep
        entities = {eid: e for eid, e in graph.entities.items()
                    if eid in keep or (eid not in avoid
                                       and (not resolved.classes or any(ontology.is_a(e.type, c)
                                                                        for c in resolved.classes))
                                       and not any(ontology.is_a(e.type, c) for c in resolved.without_classes))}
        relations = {r for key in resolved.relations for r in ontology.relation_closure(key)}
        statuses = set(resolved.statuses)
        origins = frozenset(resolved.origins)
        markets = set(resolved.markets)
        statements = []
        for st in graph.statements:
            if st.subject not in entities or st.object not in entities:
                continue
            if relations and st.relation not in relations:
                continue
            if statuses and st.status not in statuses:
                continue
            if origins and not _origin_matches(st, origins):
                continue
            if markets and st.market not in markets and st.subject not in markets and st.object not in markets:
                continue
            statements.append(st)
        if resolved.filters_facts():
            linked = {e for st in statements for e in (st.subject, st.object)} | keep
            entities = {eid: e for eid, e in entities.items() if eid in linked}
        cited = {s for st in statements for s in st.sources}
        sources = {sid: s for sid, s in graph.sources.items() if sid in cited}
        return KnowledgeGraph(entities, sources, statements)


def hubs(graph: KnowledgeGraph, ontology: Ontology | None = None) -> tuple[str, ...]:
    """The entities that connect everything and make paths meaningless: the markets."""
    ontology = ontology or load_ontology()
    return tuple(sorted(eid for eid, e in graph.entities.items() if ontology.is_a(e.type, "Market")))
