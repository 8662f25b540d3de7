"""Which part of the graph a page shows: focus/depth, relation, type, status, market and as-of.

Rules (also in docs/page.md):

- relations and types include their specialisations from the ontology (`based-on` also keeps
  `fine-tuned-from` facts; `Organization` also keeps companies, labs, publishers...);
- a fact is kept when its relation, status and market are selected, it applies at the as-of
  date, and both its ends are of a selected type;
- **as-of D**: a fact applies at D when (1) it has started: `since` <= D; (2) it has not ended:
  `until` is absent or D < `until` (the end is exclusive); (3) it was known: its earliest dated
  source was published on or before D (sources without a date do not count; a fact with no
  dated source is always known). Partial dates stand for their first day (`since: 2025-02`
  is 2025-02-01) while the as-of date stands for its last day (`--as-of 2025-02` is
  2025-02-28), so "as of February 2025" includes everything published in February;
- focus E with depth N keeps the entities at most N relationships away from E through the kept
  facts (in either direction), and every kept fact between them;
- without a focus, a filter on facts (relation, status, market, as-of) keeps only the entities
  that take part in a kept fact; a type filter alone keeps every entity of those types.
"""
from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass

from ..asof import (  # noqa: F401 - first_day, last_day, applies_at: re-exported for older callers
    DEFAULT_TIME,
    applies_at,
    as_of,
    check_time,
    first_day,
    last_day,
    parse_as_of,
    valid_window,
)
from ..errors import GraphkitError, show
from ..model import STATUSES, KnowledgeGraph, Statement
from ..ontology import Ontology, load_ontology


def statement_window(statement: Statement, graph: KnowledgeGraph) -> tuple[str | None, str | None]:
    """(first day the fact holds, first day it no longer holds) in valid time; None is open."""
    return valid_window(statement)


@dataclass(frozen=True)
class Selection:
    """What to show; empty tuples mean "everything"."""

    focus: str | None = None
    depth: int = 1
    relations: tuple[str, ...] = ()
    types: tuple[str, ...] = ()
    statuses: tuple[str, ...] = ()
    markets: tuple[str, ...] = ()
    as_of: str | None = None
    time: str = DEFAULT_TIME  # which time as_of means: "valid" or "known" (graphkit.asof)

    @property
    def filters_facts(self) -> bool:
        return bool(self.relations or self.statuses or self.markets or self.as_of)

    def describe(self) -> str:
        """A short human summary, shown in the page header (empty when nothing is filtered)."""
        parts = []
        if self.focus:
            parts.append(f"focus {self.focus} (depth {self.depth})")
        for name, values in (("relation", self.relations), ("type", self.types),
                             ("status", self.statuses), ("market", self.markets)):
            if values:
                parts.append(f"{name}: {', '.join(values)}")
        if self.as_of:
            parts.append(f"as of {self.as_of} ({self.time} time)")
        return "; ".join(parts)


def _unknown(kind: str, value: str, known: Iterable[str]) -> GraphkitError:
    known = sorted(known)
    close = difflib.get_close_matches(value, known, n=1)
    hint = f" (did you mean '{close[0]}'?)" if close else f" (known: {', '.join(known)})"
    return GraphkitError(f"unknown {kind} '{value}'{hint}")


def _as_tuple(values) -> tuple[str, ...]:
    if values is None:
        return ()
    if isinstance(values, str):
        values = [values]
    return tuple(str(v) for v in values)


def resolve_entity(graph: KnowledgeGraph, name: str, what: str = "entity") -> str:
    """An entity id from an id, name, label or alias; a clear error when nothing matches."""
    entity = graph.find(name)
    if entity is None:
        from ..analysis import entity_hint

        raise GraphkitError(f"no {what} matches {show(name)}{entity_hint(graph, name)}")
    return entity.id


def make_selection(graph: KnowledgeGraph, *, focus=None, depth: int = 1, relations=None, types=None,
                   statuses=None, markets=None, as_of=None, time: str = DEFAULT_TIME,
                   ontology: Ontology | None = None) -> Selection:
    """Validate user options against the ontology and the graph; raise GraphkitError if wrong."""
    ontology = ontology or load_ontology()
    relations, types, statuses = _as_tuple(relations), _as_tuple(types), _as_tuple(statuses)
    for relation in relations:
        if relation not in ontology.relations:
            raise _unknown("relation", relation, ontology.relations)
    for type_ in types:
        if type_ not in ontology.classes:
            raise _unknown("entity type", type_, ontology.classes)
    known_statuses = list(ontology.statuses) or list(STATUSES)
    for status in statuses:
        if status not in known_statuses:
            raise _unknown("status", status, known_statuses)
    market_ids = tuple(resolve_entity(graph, m, "market") for m in _as_tuple(markets))
    try:
        depth = int(depth)
    except (TypeError, ValueError):
        raise GraphkitError(f"depth must be a whole number, not '{depth}'") from None
    if depth < 0:
        raise GraphkitError("depth must be 0 or more")
    focus_id = resolve_entity(graph, str(focus)) if focus is not None else None
    day = parse_as_of(as_of) if as_of is not None else None
    return Selection(focus_id, depth, relations, types, statuses, market_ids, day, check_time(time))


def select_subgraph(graph: KnowledgeGraph, selection: Selection | None = None, *,
                    ontology: Ontology | None = None, **options) -> KnowledgeGraph:
    """The part of `graph` the selection keeps (a new graph sharing the model objects).

    Pass a Selection, or the options of make_selection (focus=, depth=, relations=, types=,
    statuses=, markets=, as_of=, time=). Sources are those cited by the kept facts, plus the
    sources those cite. With as_of, the graph is first taken as of that day (graphkit.asof):
    in known time a fact has the status and sources it had then.
    """
    ontology = ontology or load_ontology()
    if selection is None:
        selection = make_selection(graph, ontology=ontology, **options)
    elif options:
        raise TypeError("pass either a Selection or filter options, not both")

    relation_keys = None
    if selection.relations:
        relation_keys = {k for r in selection.relations for k in ontology.relation_closure(r)}
    type_ok: dict[str, bool] = {}
    for entity in graph.entities.values():
        type_ok[entity.id] = (not selection.types
                              or any(ontology.is_a(entity.type, t) for t in selection.types))
    statuses = set(selection.statuses)
    markets = set(selection.markets)
    if selection.as_of:
        graph = as_of(graph, selection.as_of, selection.time)

    kept: list[Statement] = []
    for st in graph.sorted_statements():
        if relation_keys is not None and st.relation not in relation_keys:
            continue
        if statuses and st.status not in statuses:
            continue
        if markets and st.market not in markets:
            continue
        if not (type_ok.get(st.subject) and type_ok.get(st.object)):
            continue
        kept.append(st)

    if selection.focus is not None:
        if not type_ok.get(selection.focus):
            entity = graph.entities[selection.focus]
            raise GraphkitError(f"the focus '{entity.id}' is a {entity.type}, which the type filter "
                                f"({', '.join(selection.types)}) leaves out")
        neighbours: dict[str, set[str]] = {}
        for st in kept:
            neighbours.setdefault(st.subject, set()).add(st.object)
            neighbours.setdefault(st.object, set()).add(st.subject)
        entity_ids = {selection.focus}
        frontier = {selection.focus}
        for _ in range(selection.depth):
            frontier = {n for node in frontier for n in neighbours.get(node, ())} - entity_ids
            if not frontier:
                break
            entity_ids |= frontier
        kept = [st for st in kept if st.subject in entity_ids and st.object in entity_ids]
    elif selection.filters_facts:
        entity_ids = {e for st in kept for e in (st.subject, st.object)}
    else:
        entity_ids = {eid for eid, ok in type_ok.items() if ok}

    return subgraph(graph, entity_ids, kept)


def subgraph(graph: KnowledgeGraph, entity_ids: Iterable[str], statements: Iterable[Statement]) -> KnowledgeGraph:
    """A graph with these entities and facts (ends of the facts included) and their sources."""
    statements = sorted(statements, key=lambda s: s.id)
    ids = set(entity_ids) | {e for st in statements for e in (st.subject, st.object)}
    source_ids = {s for st in statements for s in st.sources if s in graph.sources}
    source_ids |= {c for s in list(source_ids) for c in graph.sources[s].cites if c in graph.sources}
    return KnowledgeGraph(entities={eid: graph.entities[eid] for eid in sorted(ids) if eid in graph.entities},
                          sources={sid: graph.sources[sid] for sid in sorted(source_ids)},
                          statements=statements)
