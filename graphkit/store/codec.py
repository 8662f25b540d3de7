"""The model as compact JSON: one document per YAML file, rows as arrays (no pickle).

The compiled store keeps the model as JSON Lines (one line per YAML file) and the parse cache
keeps one such document per file content. Reading it back interns ids, so the thousands of
facts naming `apple` share one string.
"""
from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Iterator

from ..errors import Problem
from ..model import Entity, KnowledgeGraph, Location, Source, Statement, StatusStep

_intern = sys.intern


def file_document(display: str, entities: Iterable[Entity], sources: Iterable[Source],
                  statements: Iterable[Statement], problems: Iterable[Problem] = ()) -> dict:
    """One file's items as plain JSON data (lines kept, the file name written once)."""
    def line(item) -> int:
        return item.location.line if item.location is not None else 0

    return {
        "file": display,
        "entities": [[e.id, e.type, e.name, e.labels, list(e.aliases), e.wikidata, e.description, e.attributes,
                      line(e)] for e in entities],
        "sources": [[s.id, s.title, s.publisher, s.url, s.date, s.language, list(s.cites), s.note, line(s)]
                    for s in sources],
        "statements": [[st.subject, st.relation, st.object, st.status, list(st.sources), st.market, st.since,
                        st.until, st.note, st.quote, st.symmetric, line(st),
                        [[h.status, h.date, list(h.sources)] for h in st.history]] for st in statements],
        "problems": [[p.file, p.line, p.message] for p in problems],
    }


def dumps(document: dict) -> str:
    return json.dumps(document, ensure_ascii=False, separators=(",", ":"))


def entities_of(document: dict) -> Iterator[Entity]:
    file = document["file"]
    for eid, etype, name, labels, aliases, wikidata, description, attributes, line in document["entities"]:
        yield Entity(_intern(eid), _intern(etype), name, labels, tuple(aliases), wikidata, description, attributes,
                     Location(file, line) if line else None)


def sources_of(document: dict) -> Iterator[Source]:
    file = document["file"]
    for sid, title, publisher, url, date, language, cites, note, line in document["sources"]:
        yield Source(_intern(sid), title, _intern(publisher) if publisher else publisher, url, date, language,
                     tuple(map(_intern, cites)), note, Location(file, line) if line else None)


def statements_of(document: dict) -> Iterator[Statement]:
    file = document["file"]
    for (subject, relation, obj, status, sources, market, since, until, note, quote, symmetric,
         line, history) in document["statements"]:
        steps = tuple(StatusStep(_intern(s), d, tuple(map(_intern, srcs))) for s, d, srcs in history)
        yield Statement(_intern(subject), _intern(relation), _intern(obj), _intern(status),
                        tuple(map(_intern, sources)), _intern(market) if market else market, since, until, note,
                        quote, symmetric, Location(file, line) if line else None, steps)


def problems_of(document: dict) -> list[Problem]:
    return [Problem(file, line, message) for file, line, message in document.get("problems", ())]


def read_model(lines: Iterable[str]) -> KnowledgeGraph:
    """A KnowledgeGraph from JSON Lines written by write_model (already validated)."""
    import gc

    graph = KnowledgeGraph()
    entities, sources, statements = graph.entities, graph.sources, graph.statements
    # Hundreds of thousands of small objects, none of them garbage: the cyclic collector would
    # scan them again and again (2.5x the time of the load itself).
    enabled = gc.isenabled()
    gc.disable()
    try:
        for text in lines:
            if not text.strip():
                continue
            document = json.loads(text)
            for entity in entities_of(document):
                entities[entity.id] = entity
            for source in sources_of(document):
                sources[source.id] = source
            statements.extend(statements_of(document))
    finally:
        if enabled:
            gc.enable()
    return graph
