"""The canonical in-memory model: entities, sources and statements (one fact each).

Everything else (RDF, property graph, page, exports) is a projection of a KnowledgeGraph.
The model is plain data: it knows nothing about YAML, RDF or Cypher.
"""
from __future__ import annotations

import functools
import hashlib
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import MISSING, Field, dataclass, field, fields
from typing import Any

from .errors import show

#: Certainty of a statement, strongest first. The ontology's SKOS scheme (gk:CertaintyScheme)
#: is the authority; this copy lets the model be used without reading the ontology.
STATUSES: tuple[str, ...] = ("confirmed", "reported", "imported", "claimed", "rumored", "denied")

#: Ids are short, lowercase, URL- and Cypher-safe: they become IRIs and property values.
ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9._-]*$")

#: Partial ISO dates: a year, a month or a day. Stored as the string the author wrote.
DATE_PATTERN = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")

AttributeValue = str | int | float | bool

# --------------------------------------------------------------------------- field roles
# The model's dataclass fields are the one list of what an entity, a source or a statement
# holds: the YAML loader's keys, the importers' YAML writer, the property graph and the
# embedded engine's freshness fingerprint are all derived from them (field_names and friends
# below). A field's `metadata["role"]` says what kind of field it is when it is not plain
# authored data:
#: where the object was written (file:line): not content, never compared, written or projected
LOCATION = "location"
#: computed from the ontology when loaded (Statement.symmetric): content, but not written in YAML
DERIVED = "derived"
#: belongs to one fact (note, quote, status history): never in the `defaults` of a file
ANNOTATION = "annotation"
#: the three fields a fact is written with, "subject relation object"
STATEMENT_ENDS: tuple[str, ...] = ("subject", "relation", "object")


def _per_class(func: Callable[[type], tuple[str, ...]]) -> Callable[[type], tuple[str, ...]]:
    """Computed once per class (the projections call these for every object)."""
    cache: dict[type, tuple[str, ...]] = {}

    @functools.wraps(func)
    def cached(cls: type) -> tuple[str, ...]:
        found = cache.get(cls)
        if found is None:
            found = cache[cls] = func(cls)
        return found

    return cached


def _role(f: Field[Any]) -> str | None:
    return f.metadata.get("role")


@_per_class
def content_fields(cls: type) -> tuple[str, ...]:
    """Every field that holds what the object says (all but its location), in declaration order."""
    return tuple(f.name for f in fields(cls) if _role(f) != LOCATION)


@_per_class
def field_names(cls: type) -> tuple[str, ...]:
    """The fields an author writes (YAML keys), in declaration order: Entity -> ("id", "type",
    "name", "labels", "aliases", "wikidata", "description", "attributes")."""
    return tuple(f.name for f in fields(cls) if _role(f) not in (LOCATION, DERIVED))


@_per_class
def optional_fields(cls: type) -> tuple[str, ...]:
    """The written fields that may be absent (default None), e.g. a Source's publisher, url,
    date and language, a Statement's market, since, until, note and quote."""
    return tuple(f.name for f in fields(cls)
                 if _role(f) not in (LOCATION, DERIVED) and f.default is None and f.default_factory is MISSING)


@_per_class
def annotation_fields(cls: type) -> tuple[str, ...]:
    """Free-text fields about one object (a Statement's note and quote)."""
    return tuple(f.name for f in fields(cls) if _role(f) == ANNOTATION)


@functools.cache
def qualifier_fields() -> tuple[str, ...]:
    """What a fact carries besides its ends: ("status", "sources", "market", "since", "until",
    "note", "quote")."""
    return tuple(name for name in field_names(Statement) if name not in STATEMENT_ENDS)


def written_value(value: Any) -> Any:
    """A field's value as written to YAML or a property graph, or None when it is absent:
    tuples become lists, mappings are sorted by key, None and empty values are absent."""
    if value is None or value == "" or value == () or value == {}:
        return None
    if isinstance(value, tuple):
        return [written_fields(item) if isinstance(item, StatusStep) else item for item in value]
    if isinstance(value, dict):
        return dict(sorted(value.items()))
    return value


def written_fields(obj: object, names: Iterable[str] | None = None) -> dict[str, Any]:
    """{field: written_value} of the fields `names` (default: every written field of the
    object's class) that have a value, in that order: the shape of an item in graphkit YAML."""
    out: dict[str, Any] = {}
    for name in field_names(type(obj)) if names is None else names:
        value = written_value(getattr(obj, name))
        if value is not None:
            out[name] = value
    return out


def parse_partial_date(text: str) -> str:
    """Return `text` if it is a valid YYYY, YYYY-MM or YYYY-MM-DD date; raise ValueError otherwise."""
    import datetime

    match = DATE_PATTERN.match(text)
    if not match:
        raise ValueError(f"{show(text)} is not a date (use YYYY, YYYY-MM or YYYY-MM-DD)")
    year, month, day = match.groups()
    try:
        datetime.date(int(year), int(month or 1), int(day or 1))
    except ValueError as exc:
        raise ValueError(f"{show(text)} is not a valid date: {exc}") from None
    return text


def date_precision(text: str) -> str:
    """'year', 'month' or 'day' for a partial date string."""
    return {4: "year", 7: "month", 10: "day"}[len(text)]


@dataclass(frozen=True, slots=True)
class Location:
    """Where something was written: a file and a 1-based line."""

    file: str
    line: int

    def __str__(self) -> str:
        return f"{self.file}:{self.line}"


@dataclass(slots=True)
class Entity:
    id: str
    type: str  # ontology class key, e.g. "Company"
    name: str
    labels: dict[str, str] = field(default_factory=dict)  # language tag -> label
    aliases: tuple[str, ...] = ()
    wikidata: str | None = None  # "Q312"
    description: str | None = None
    attributes: dict[str, AttributeValue] = field(default_factory=dict)  # ontology attribute key -> value
    location: Location | None = field(default=None, compare=False, repr=False, metadata={"role": LOCATION})

    def all_names(self) -> list[str]:
        """Name, labels in every language and aliases, without repeats."""
        seen: dict[str, None] = {self.name: None}
        for value in (*self.labels.values(), *self.aliases):
            seen.setdefault(value, None)
        return list(seen)


@dataclass(slots=True)
class Source:
    id: str
    title: str
    publisher: str | None = None  # entity id of an Organization
    url: str | None = None
    date: str | None = None  # partial ISO date
    language: str | None = None  # BCP 47 tag, e.g. "fr"
    cites: tuple[str, ...] = ()  # ids of sources this one reports on (an article citing Reuters)
    # editor's note, e.g. which of url, title or date could not be verified offline
    note: str | None = field(default=None, metadata={"role": ANNOTATION})
    location: Location | None = field(default=None, compare=False, repr=False, metadata={"role": LOCATION})


@dataclass(frozen=True, slots=True)
class StatusStep:
    """One step of a fact's certainty over time: from `date` on (reported time), per `sources`,
    the fact had `status` (e.g. rumored 2025-02-11 per Reuters, confirmed 2025-02-13 per
    Bloomberg). A statement's `history` lists its steps oldest first; the last is its status."""

    status: str
    date: str  # partial ISO date
    sources: tuple[str, ...]


@dataclass(slots=True)
class Statement:
    """One relation fact with its provenance and qualifiers.

    Two times, kept apart (see graphkit.asof): `since`/`until` are *valid time*, when the fact
    holds in the world (absent: it holds for as long as the graph knows of nothing else); the
    dates of its sources and of its `history` steps are *reported time*, when it became known.
    """

    subject: str
    relation: str  # ontology relation key, e.g. "partners-with"
    object: str
    status: str
    sources: tuple[str, ...]
    market: str | None = None  # entity id of a Market
    since: str | None = None  # partial ISO date
    until: str | None = None
    note: str | None = field(default=None, metadata={"role": ANNOTATION})
    quote: str | None = field(default=None, metadata={"role": ANNOTATION})
    #: set from the ontology by the loader: a symmetric fact has one id whatever the direction
    symmetric: bool = field(default=False, compare=False, repr=False, metadata={"role": DERIVED})
    location: Location | None = field(default=None, compare=False, repr=False, metadata={"role": LOCATION})
    #: how its certainty changed (oldest first); empty when only the current status is known
    history: tuple[StatusStep, ...] = field(default=(), metadata={"role": ANNOTATION})

    @property
    def id(self) -> str:
        return statement_id(self.subject, self.relation, self.object, self.market, self.since,
                            self.until, self.symmetric)

    def key(self) -> tuple[str, str, str, str | None, str | None, str | None]:
        """The identity of the fact: what makes two statements the same."""
        ends = sorted((self.subject, self.object)) if self.symmetric else [self.subject, self.object]
        return (ends[0], self.relation, ends[1], self.market, self.since, self.until)


    def reported_dates(self, sources: dict[str, Source]) -> list[str]:
        """Every reported-time date of the fact, sorted: its dated sources and history steps."""
        dates = {sources[s].date for s in self.sources if s in sources and sources[s].date}
        dates.update(step.date for step in self.history)
        return sorted(d for d in dates if d)

    def first_reported(self, sources: dict[str, Source]) -> str | None:
        """The earliest date the fact was certainly known. A partial date counts as its end (a
        source of '2025-02' is known by the end of February), so '2025-02-11' < '2025-02'."""
        dates = self.reported_dates(sources)
        return min(dates, key=lambda d: (d + "-99-99")[:10]) if dates else None


def statement_id(subject: str, relation: str, obj: str, market: str | None = None,
                 since: str | None = None, until: str | None = None, symmetric: bool = False) -> str:
    """Deterministic id of a fact: a hash of its ends, relation and qualifiers.

    Status, sources and notes are left out on purpose: a rumour that gets confirmed, or a fact
    that gains a source, keeps its id (like a Wikidata statement keeps its GUID).
    For symmetric relations the ends are sorted, so the direction the author wrote does not matter.
    """
    ends = sorted((subject, obj)) if symmetric else [subject, obj]
    key = "\x1f".join([ends[0], relation, ends[1], market or "", since or "", until or ""])
    return "s-" + hashlib.sha256(key.encode("utf-8")).hexdigest()[:16]


@dataclass
class KnowledgeGraph:
    entities: dict[str, Entity] = field(default_factory=dict)
    sources: dict[str, Source] = field(default_factory=dict)
    statements: list[Statement] = field(default_factory=list)

    def sorted_entities(self) -> list[Entity]:
        return [self.entities[k] for k in sorted(self.entities)]

    def sorted_sources(self) -> list[Source]:
        return [self.sources[k] for k in sorted(self.sources)]

    def sorted_statements(self) -> list[Statement]:
        return sorted(self.statements, key=lambda s: s.id)

    def statement(self, statement_id: str) -> Statement:
        for statement in self.statements:
            if statement.id == statement_id:
                return statement
        raise KeyError(statement_id)

    def statements_about(self, entity_id: str) -> Iterator[Statement]:
        return (s for s in self.statements if entity_id in (s.subject, s.object))

    def find(self, name: str) -> Entity | None:
        """An entity by id, or by name, label or alias (case-insensitive)."""
        if name in self.entities:
            return self.entities[name]
        folded = name.casefold()
        for entity in self.sorted_entities():
            if any(n.casefold() == folded for n in entity.all_names()):
                return entity
        return None

    def suggest(self, name: str, limit: int = 5) -> list[str]:
        """Ids of the entities whose id, name, label or alias is close to `name` (for "did you
        mean" hints): close spellings first, then names that contain `name`."""
        import difflib

        folded = " ".join(name.casefold().split())[:200]
        if not folded:
            return []
        ids_by_name: dict[str, set[str]] = {}
        for entity in self.entities.values():
            for text in (entity.id, *entity.all_names()):
                ids_by_name.setdefault(text.casefold(), set()).add(entity.id)
        found: dict[str, None] = {}
        for close in difflib.get_close_matches(folded, list(ids_by_name), n=limit, cutoff=0.6):
            found.update(dict.fromkeys(sorted(ids_by_name[close])))
        if len(folded) >= 3:
            for text in sorted(t for t in ids_by_name if folded in t):
                found.update(dict.fromkeys(sorted(ids_by_name[text])))
                if len(found) >= limit:
                    break
        return list(found)[:limit]

    def merge(self, other: KnowledgeGraph) -> None:
        """Add everything from `other`; callers validate the result."""
        self.entities.update(other.entities)
        self.sources.update(other.sources)
        self.statements.extend(other.statements)

    def summary(self) -> dict[str, int]:
        return {"entities": len(self.entities), "sources": len(self.sources),
                "statements": len(self.statements)}


