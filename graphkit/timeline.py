"""The story so far: the chronology of everything the graph knows about one entity.

Two orders, because graphkit keeps two times apart (see graphkit.asof):

- by **valid date**: when facts started and stopped holding in the world (`since`, `until`);
- by **report date**: when each fact became known and how its certainty changed: the
  publication of each source that backs it and each step of its status history.

`timeline(graph, "apple")` returns both as lists of events; the CLI (`graphkit timeline`), the
page's side panel and the server's entity pages show them.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from .asof import first_day, last_day
from .model import KnowledgeGraph, Statement


@dataclass(frozen=True)
class TimelineEvent:
    date: str  # partial ISO date, as written
    kind: str  # "starts", "ends" (valid time); "reported", "status" (reported time)
    statement_id: str
    fact: str  # "apple partners-with alibaba"
    status: str  # the fact's status at this event (the step's, for a status change)
    sources: tuple[dict, ...] = ()  # {id, title, publisher, date, url}
    text: str = ""  # one line for people

    def as_dict(self) -> dict:
        return {"date": self.date, "kind": self.kind, "statement_id": self.statement_id, "fact": self.fact,
                "status": self.status, "sources": list(self.sources), "text": self.text}


@dataclass
class Timeline:
    entity: dict  # {id, name, type}
    valid: list[TimelineEvent] = field(default_factory=list)
    reported: list[TimelineEvent] = field(default_factory=list)
    undated: list[str] = field(default_factory=list)  # facts with no date at all (ids)

    def as_dict(self) -> dict:
        return {"entity": self.entity, "valid": [e.as_dict() for e in self.valid],
                "reported": [e.as_dict() for e in self.reported], "undated": self.undated}


def _valid_key(event: TimelineEvent) -> tuple:
    # a fact holds from the first day of a partial date ("since 2025-02": from 2025-02-01)
    return (first_day(event.date), -len(event.date), event.kind, event.fact, event.statement_id)


def _reported_key(event: TimelineEvent) -> tuple:
    # a source dated 2025-02 is known by the end of February, after one dated 2025-02-13
    return (last_day(event.date), len(event.date), event.kind, event.fact, event.statement_id)


def _source(graph: KnowledgeGraph, source_id: str) -> dict:
    source = graph.sources.get(source_id)
    if source is None:
        return {"id": source_id}
    publisher = graph.entities.get(source.publisher) if source.publisher else None
    return {"id": source.id, "title": source.title, "publisher": publisher.name if publisher else source.publisher,
            "date": source.date, "url": source.url}


def _names(sources: tuple[dict, ...]) -> str:
    return ", ".join(s.get("publisher") or s.get("title") or s["id"] for s in sources)


def fact_text(statement: Statement) -> str:
    return f"{statement.subject} {statement.relation} {statement.object}"


def timeline(graph: KnowledgeGraph, entity_id: str) -> Timeline:
    """Every dated event of the facts about `entity_id` (as subject or object), in order."""
    entity = graph.entities[entity_id]
    result = Timeline({"id": entity.id, "name": entity.name, "type": entity.type})
    for st in sorted(graph.statements_about(entity_id), key=lambda s: s.id):
        fact = fact_text(st)
        dated = False
        if st.since:
            result.valid.append(TimelineEvent(st.since, "starts", st.id, fact, st.status,
                                              text=f"{fact} starts [{st.status}]"))
            dated = True
        if st.until:
            result.valid.append(TimelineEvent(st.until, "ends", st.id, fact, st.status,
                                              text=f"{fact} ends [{st.status}]"))
            dated = True
        steps_sources = {s for step in st.history for s in step.sources}
        by_date: dict[str, list[str]] = {}
        for sid in st.sources:
            source = graph.sources.get(sid)
            if source is not None and source.date and sid not in steps_sources:
                by_date.setdefault(source.date, []).append(sid)
        for date, ids in sorted(by_date.items()):
            sources = tuple(_source(graph, s) for s in sorted(ids))
            result.reported.append(TimelineEvent(date, "reported", st.id, fact, st.status, sources,
                                                 f"{fact} reported by {_names(sources)}"))
            dated = True
        previous = None
        for step in st.history:
            sources = tuple(_source(graph, s) for s in step.sources)
            change = f"{previous} -> {step.status}" if previous else step.status
            result.reported.append(TimelineEvent(step.date, "status", st.id, fact, step.status, sources,
                                                 f"{fact}: {change} ({_names(sources)})"))
            previous = step.status
            dated = True
        if not dated:
            result.undated.append(st.id)
    result.valid.sort(key=_valid_key)
    result.reported.sort(key=_reported_key)
    return result


def format_timeline(result: Timeline, fmt: str = "table") -> str:
    """The timeline as plain text ("table"), Markdown or JSON."""
    import json

    if fmt == "json":
        return json.dumps(result.as_dict(), indent=2, ensure_ascii=False) + "\n"
    entity = result.entity
    lines: list[str] = []
    if fmt == "markdown":
        lines.append(f"# Timeline: {entity['name']} ({entity['id']})")
        for title, events in (("By valid date (when facts hold)", result.valid),
                              ("By report date (when facts became known)", result.reported)):
            lines += ["", f"## {title}", ""]
            lines += [f"- **{e.date}** {e.text}" for e in events] or ["- (none)"]
        return "\n".join(lines) + "\n"
    lines.append(f"timeline of {entity['name']} ({entity['id']}, {entity['type']})")
    for title, events in (("by valid date (when facts hold):", result.valid),
                          ("by report date (when facts became known):", result.reported)):
        lines += ["", title]
        lines += [f"  {e.date:<10}  {e.text}" for e in events] or ["  (none)"]
    if result.undated:
        lines += ["", f"{len(result.undated)} fact(s) without any date"]
    return "\n".join(lines) + "\n"
