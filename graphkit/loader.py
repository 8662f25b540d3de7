"""YAML -> KnowledgeGraph, with every problem located by file and line.

Format (see README): each file holds up to four top-level keys, `entities`, `sources`,
`relations` and `defaults`. Loading never stops at the first problem: it collects all of them
and raises one ValidationError.
"""
from __future__ import annotations

import math
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import Problem, ValidationError, show
from .iri import is_http_url
from .model import (
    ID_PATTERN,
    STATEMENT_ENDS,
    Entity,
    KnowledgeGraph,
    Location,
    Source,
    Statement,
    StatusStep,
    annotation_fields,
    field_names,
    parse_partial_date,
    qualifier_fields,
)
from .ontology import Ontology, load_ontology
from .yaml_reader import (  # noqa: F401 - LineList, MAX_*: re-exported (the loader was their home)
    INT64_LIMIT,
    MAX_ALIAS_EXPANSION,
    MAX_DEPTH,
    LineDict,
    LineList,
    RejectedScalar,
    read_yaml,
    yaml_files,
)

TOP_KEYS = {"entities", "sources", "relations", "defaults"}
# The keys of each kind of item are the model's fields (graphkit.model.field_names), plus the
# YAML spellings: `fact: "a relation b"` for the three ends, `source:` for a single source.
ENTITY_KEYS = set(field_names(Entity))
SOURCE_KEYS = set(field_names(Source))
QUALIFIER_KEYS = set(qualifier_fields()) | {"source"}
RELATION_KEYS = {"fact", *STATEMENT_ENDS} | QUALIFIER_KEYS
DEFAULT_KEYS = QUALIFIER_KEYS - set(annotation_fields(Statement))
HISTORY_STEP_KEYS = set(field_names(StatusStep)) | {"source"}


class _FileReader:
    """Turns the data of one file into model objects, collecting problems.

    Every value is checked and every problem of an item is reported, even when an earlier one
    already makes the item unusable: facts that cannot become statements are kept as
    PartialFacts so that their references (entities, sources, market) are checked too.
    """

    def __init__(self, display: str, ontology: Ontology, problems: list[Problem],
                 partial_facts: list[PartialFact] | None = None):
        self.file = display
        self.ontology = ontology
        self.problems = problems
        self.partial_facts = partial_facts if partial_facts is not None else []

    def problem(self, line: int, message: str) -> None:
        self.problems.append(Problem(self.file, line, message))

    def text(self, item: LineDict, key: str, required: bool = False) -> str | None:
        value = item.get(key)
        if value is None:
            if required:
                self.problem(item.line, f"missing '{key}'")
            return None
        if isinstance(value, (dict, list)):
            self.problem(item.line_of(key), f"'{key}' must be text, not a {_kind(value)}")
            return None
        value = str(value).strip()
        if required and not value:
            self.problem(item.line_of(key), f"'{key}' is empty")
            return None
        return value

    def identifier(self, item: LineDict, key: str = "id", required: bool = True) -> str | None:
        value = self.text(item, key, required)
        if value is not None and not valid_id(value):
            self.problem(item.line_of(key),
                         f"{show(value)} is not a valid id (lowercase letters, digits, '.', '_', '-')")
            return None
        return value

    def date(self, item: LineDict, key: str) -> str | None:
        value = self.text(item, key)
        if value is None:
            return None
        try:
            return check_date(value)
        except ValueError as exc:
            self.problem(item.line_of(key), f"bad date in '{key}': {exc}")
            return None

    def id_list(self, item: LineDict, key: str) -> tuple[str, ...]:
        value = item.get(key)
        if value is None:
            return ()
        values = value if isinstance(value, list) else [value]
        out = []
        for v in values:
            if isinstance(v, (dict, list)) or v is None or not valid_id(str(v)):
                self.problem(item.line_of(key), f"'{key}' must list ids, got {show(v)}")
            else:
                out.append(str(v))
        return tuple(out)

    def unknown_keys(self, item: LineDict, allowed: set[str], what: str) -> None:
        for key in item:
            if key not in allowed:
                self.problem(item.line_of(key), f"unknown key {show(key)} in {what}"
                                                f"{_did_you_mean(key, allowed)} (allowed: {', '.join(sorted(allowed))})")

    def mapping_items(self, data: LineDict, key: str) -> list[LineDict]:
        items = data.get(key)
        if items is None:
            return []
        if not isinstance(items, list):
            self.problem(data.line_of(key), f"'{key}' must be a list")
            return []
        good = []
        for entry in items:
            if isinstance(entry, LineDict):
                good.append(entry)
            else:
                self.problem(getattr(items, "line", data.line_of(key)),
                             f"each item of '{key}' must be a mapping, got {show(entry)}")
        return good

    def known(self, item: LineDict, key: str, value: str, table, kind: str) -> bool:
        if value in table:
            return True
        self.problem(item.line_of(key), f"unknown {kind} {show(value)}{_did_you_mean(value, table)} "
                                        f"(known: {', '.join(table)})")
        return False

    # ------------------------------------------------------------------ entities
    def entity(self, item: LineDict) -> Entity | None:
        self.unknown_keys(item, ENTITY_KEYS, "an entity")
        entity_id = self.identifier(item)
        type_key = self.text(item, "type", required=True)
        name = self.text(item, "name", required=True)
        if type_key is not None and not self.known(item, "type", type_key, self.ontology.classes, "entity type"):
            type_key = None
        labels = {}
        raw_labels = item.get("labels") or {}
        if not isinstance(raw_labels, dict):
            self.problem(item.line_of("labels"), "'labels' must map a language tag to a label")
        else:
            for lang, label in raw_labels.items():
                if not isinstance(lang, str) or not valid_language(lang) or not isinstance(label, str):
                    self.problem(raw_labels.line_of(lang) if isinstance(raw_labels, LineDict) else item.line,
                                 f"bad label {show(lang)}: {show(label)} (use a language tag such as fr or zh)")
                else:
                    labels[lang] = label.strip()
        aliases = item.get("aliases") or []
        if not isinstance(aliases, list) or not all(isinstance(a, (str, int, float)) for a in aliases):
            self.problem(item.line_of("aliases"), "'aliases' must be a list of names")
            aliases = []
        wikidata = self.text(item, "wikidata")
        if wikidata is not None and not _WIKIDATA.match(wikidata):
            self.problem(item.line_of("wikidata"),
                         f"{show(wikidata)} is not a Wikidata item id (Q followed by digits)")
            wikidata = None
        description = self.text(item, "description")
        attributes = self.attributes(item)
        if entity_id is None or type_key is None or name is None:
            return None
        # aliases are a set: sorted, so the model is the same whichever order they were written in
        return Entity(entity_id, type_key, name, labels, tuple(sorted({str(a) for a in aliases})), wikidata,
                      description, attributes, Location(self.file, item.line))

    def attributes(self, item: LineDict) -> dict:
        raw = item.get("attributes")
        if raw is None:
            return {}
        if not isinstance(raw, LineDict):
            self.problem(item.line_of("attributes"), "'attributes' must be a mapping")
            return {}
        out = {}
        for key, value in raw.items():
            line = raw.line_of(key)
            info = self.ontology.attributes.get(key)
            if info is None:
                self.problem(line, f"unknown attribute {show(key)}{_did_you_mean(key, self.ontology.attributes)} "
                                   f"(known: {', '.join(self.ontology.attributes)})")
                continue
            if value is None or isinstance(value, RejectedScalar):
                continue
            try:
                out[key] = coerce_attribute(info.value_type, value)
            except ValueError as exc:
                self.problem(line, f"attribute '{key}': {exc}")
        return dict(sorted(out.items()))

    # ------------------------------------------------------------------ sources
    def source(self, item: LineDict) -> Source | None:
        self.unknown_keys(item, SOURCE_KEYS, "a source")
        source_id = self.identifier(item)
        title = self.text(item, "title", required=True)
        url = self.text(item, "url")
        if url is not None and not is_http_url(url):
            self.problem(item.line_of("url"), f"{show(url)} is not an http(s) URL (an IRI without spaces, "
                                              "quotes, brackets or a second '#')")
            url = None
        language = self.text(item, "language")
        if language is not None and not valid_language(language):
            self.problem(item.line_of("language"), f"{show(language)} is not a language tag")
            language = None
        source = Source(source_id or "", title or "", self.identifier(item, "publisher", required=False),
                        url, self.date(item, "date"), language, tuple(sorted(set(self.id_list(item, "cites")))),
                        self.text(item, "note"), location=Location(self.file, item.line))
        return source if source_id and title else None

    # ------------------------------------------------------------------ relations
    def defaults(self, data: LineDict) -> LineDict:
        raw = data.get("defaults")
        if raw is None:
            return LineDict()
        if not isinstance(raw, LineDict):
            self.problem(data.line_of("defaults"), "'defaults' must be a mapping")
            return LineDict()
        self.unknown_keys(raw, DEFAULT_KEYS, "defaults")
        return raw

    def statement(self, item: LineDict, defaults: LineDict) -> Statement | None:
        self.unknown_keys(item, RELATION_KEYS, "a relation")
        merged = LineDict({k: v for k, v in defaults.items() if k not in item and
                           not (k in ("source", "sources") and ("source" in item or "sources" in item))})
        merged.key_lines = {k: item.line for k in merged}
        merged.update(item)
        merged.key_lines.update(item.key_lines)
        merged.line = item.line
        item = merged

        subject: str | None = None
        relation: str | None = None
        obj: str | None = None
        if "fact" in item:
            fact = item["fact"]
            if any(k in item for k in ("subject", "relation", "object")):
                self.problem(item.line, "use either 'fact' or 'subject'/'relation'/'object', not both")
            elif isinstance(fact, (dict, list)) or fact is None:
                self.problem(item.line_of("fact"), f"'fact' must read 'SUBJECT RELATION OBJECT', got {show(fact)}")
            else:
                parts = str(fact).split()
                if len(parts) != 3:
                    self.problem(item.line_of("fact"),
                                 f"'fact' must read 'SUBJECT RELATION OBJECT', got {show(fact)}")
                else:
                    subject, relation, obj = parts
                    for value in (subject, obj):
                        if not valid_id(value):
                            self.problem(item.line_of("fact"), f"{show(value)} is not a valid id")
                    subject = subject if valid_id(subject) else None
                    obj = obj if valid_id(obj) else None
        else:
            subject = self.identifier(item, "subject")
            relation = self.text(item, "relation", required=True)
            obj = self.identifier(item, "object")
        status = self.text(item, "status", required="history" not in item)
        if status is not None and not self.known(item, "status", status, self.ontology.statuses, "status"):
            status = None
        history = self.history(item)
        if history and "status" not in item:
            status = history[-1].status  # the current status is the latest step
        elif history and status is not None and history[-1].status != status:
            self.problem(item.line_of("history"), f"the last step of 'history' is {history[-1].status}, "
                                                  f"but 'status' is {status}: the latest step is the current status")
        rel_info = None
        if relation is not None:
            rel_info = self.ontology.relations.get(relation)
            if rel_info is None:
                self.known(item, "fact" if "fact" in item else "relation", relation, self.ontology.relations,
                           "relation")
        if "source" in item and "sources" in item:
            self.problem(item.line_of("source"), "use either 'source' or 'sources', not both")
        sources = self.id_list(item, "sources") + self.id_list(item, "source")
        sources += tuple(s for step in history for s in step.sources)  # a step's sources back the fact
        if not sources:
            self.problem(item.line, "a relation needs at least one source ('source' or 'sources')")
        since, until = self.date(item, "since"), self.date(item, "until")
        if since and until and _date_key(since) > _date_key(until):
            self.problem(item.line_of("until"), f"'until' ({until}) is before 'since' ({since})")
        market = self.identifier(item, "market", required=False)
        note, quote = self.text(item, "note"), self.text(item, "quote")
        location = Location(self.file, item.line)
        if subject is None or obj is None or status is None or relation is None or rel_info is None or not sources:
            # unusable, but what it refers to is still checked (all problems at once)
            self.partial_facts.append(PartialFact(location, subject, relation if rel_info else None, obj,
                                                  tuple(sources), market))
            return None
        return Statement(subject, relation, obj, status, tuple(sorted(set(sources))), market, since, until,
                         note, quote, symmetric=rel_info.symmetric, location=location, history=history)

    def history(self, item: LineDict) -> tuple[StatusStep, ...]:
        """A fact's `history:` steps ({status, date, source|sources}), checked: known statuses,
        valid dates in order (oldest first), at least one source each. Unusable steps are left
        out after their problem is reported."""
        raw = item.get("history")
        if raw is None:
            return ()
        if not isinstance(raw, list) or not raw:
            self.problem(item.line_of("history"), "'history' must be a non-empty list of steps "
                                                  "(status, date, source or sources)")
            return ()
        steps: list[StatusStep] = []
        previous: tuple[str, int] | None = None
        for entry in raw:
            if not isinstance(entry, LineDict):
                self.problem(getattr(raw, "line", item.line_of("history")),
                             f"each step of 'history' must be a mapping, got {show(entry)}")
                continue
            self.unknown_keys(entry, HISTORY_STEP_KEYS, "a history step")
            status = self.text(entry, "status", required=True)
            if status is not None and not self.known(entry, "status", status, self.ontology.statuses, "status"):
                status = None
            date = self.date(entry, "date")
            if date is None and "date" not in entry:
                self.problem(entry.line, "missing 'date' in a history step")
            if "source" in entry and "sources" in entry:
                self.problem(entry.line_of("source"), "use either 'source' or 'sources', not both")
            sources = self.id_list(entry, "sources") + self.id_list(entry, "source")
            if not sources:
                self.problem(entry.line, "a history step needs at least one source ('source' or 'sources')")
            if date is not None:
                if previous is not None and _date_key(date) < _date_key(previous[0]):
                    self.problem(entry.line_of("date"), f"history steps must be in date order: {date} comes "
                                                        f"after {previous[0]} (line {previous[1]})")
                previous = (date, entry.line_of("date"))
            if status is not None and date is not None and sources:
                steps.append(StatusStep(status, date, tuple(sorted(set(sources)))))
        return tuple(steps)


@dataclass(frozen=True)
class PartialFact:
    """What a fact that could not become a statement refers to (None where unusable)."""

    location: Location
    subject: str | None
    relation: str | None  # a relation the ontology knows, or None
    object: str | None
    sources: tuple[str, ...]
    market: str | None


_LANG = re.compile(r"^[a-zA-Z]{2,3}(-[a-zA-Z0-9]{2,8})*$")
_WIKIDATA = re.compile(r"^Q[1-9][0-9]*$")
MAX_ID_LENGTH = 200


def _kind(value: object) -> str:
    return "mapping" if isinstance(value, dict) else "list" if isinstance(value, list) else type(value).__name__


def valid_id(text: str) -> bool:
    return len(text) <= MAX_ID_LENGTH and ID_PATTERN.match(text) is not None


def valid_language(text: str) -> bool:
    return len(text) <= 35 and _LANG.match(text) is not None


def _did_you_mean(value: object, known) -> str:
    import difflib

    if not isinstance(value, str) or len(value) > 100:
        return ""
    close = difflib.get_close_matches(value, list(known), n=1)
    return f" (did you mean '{close[0]}'?)" if close else ""


def _date_key(text: str) -> str:
    return (text + "-00-00")[:10]


def check_date(text: str) -> str:
    """`text` if it is a valid partial date; ValueError with a short message otherwise."""
    if len(text) > 10:
        raise ValueError(f"{show(text)} is not a date (use YYYY, YYYY-MM or YYYY-MM-DD)")
    return parse_partial_date(text)


def coerce_attribute(value_type: str, value: Any):
    """Check and convert an attribute value to its ontology type; raise ValueError if it does not
    fit or if an export could not write it (NaN, infinities, integers beyond 64 bits)."""
    if isinstance(value, (dict, list)):
        raise ValueError(f"expected a single {value_type}, got a {_kind(value)}")
    if value_type == "date":
        return check_date(str(value))
    if value_type == "integer":
        if isinstance(value, bool) or not isinstance(value, int):
            if isinstance(value, float) and value.is_integer() and abs(value) < INT64_LIMIT:
                return int(value)
            raise ValueError(f"expected a whole number, got {show(value)}")
        if not -INT64_LIMIT <= value < INT64_LIMIT:
            raise ValueError(f"{show(value)} is out of the range of a 64-bit integer")
        return value
    if value_type == "number":
        if isinstance(value, str):  # YAML 1.1 reads 1.5e11 (no dot) as text
            try:
                if len(value) > 100:
                    raise ValueError
                value = float(value)
            except ValueError:
                raise ValueError(f"expected a number, got {show(value)}") from None
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ValueError(f"expected a number, got {show(value)}")
        if isinstance(value, float):
            if not math.isfinite(value):
                raise ValueError(f"{value} is not a finite number (NaN and infinities cannot be exported)")
            return int(value) if value.is_integer() and abs(value) < INT64_LIMIT else value
        if not -INT64_LIMIT <= value < INT64_LIMIT:
            return float(value)
        return value
    if value_type == "boolean":
        if not isinstance(value, bool):
            raise ValueError(f"expected true or false, got {show(value)}")
        return value
    if value_type == "uri":
        text = str(value)
        if not is_http_url(text):
            raise ValueError(f"expected an http(s) URL, got {show(value)}")
        return text
    if isinstance(value, bool):
        raise ValueError(f"expected text, got {show(value)}")
    return str(value)


class FileItems:
    """What one YAML file holds once parsed: model objects and the problems found in it.

    The compiled store (graphkit.store) caches one of these per file, keyed by its content.
    """

    __slots__ = ("entities", "sources", "statements", "problems", "partial_facts")

    def __init__(self, entities=None, sources=None, statements=None, problems=None, partial_facts=None):
        self.entities: list[Entity] = entities or []
        self.sources: list[Source] = sources or []
        self.statements: list[Statement] = statements or []
        self.problems: list[Problem] = problems or []
        self.partial_facts: list[PartialFact] = partial_facts or []


def parse_file(path: Path, display: str, ontology: Ontology) -> FileItems:
    """Parse one YAML file into model objects, with its own (not cross-file) problems."""
    items = FileItems()
    data, syntax = read_yaml(path, display)
    items.problems.extend(syntax)
    if data is None:
        return items
    if not isinstance(data, LineDict):
        items.problems.append(Problem(display, 1, "a graphkit YAML file is a mapping with 'entities', "
                                                  "'sources' and/or 'relations'"))
        return items
    reader = _FileReader(display, ontology, items.problems, items.partial_facts)
    reader.unknown_keys(data, TOP_KEYS, "a graphkit file")
    for item in reader.mapping_items(data, "entities"):
        entity = reader.entity(item)
        if entity is not None:
            items.entities.append(entity)
    for item in reader.mapping_items(data, "sources"):
        source = reader.source(item)
        if source is not None:
            items.sources.append(source)
    defaults = reader.defaults(data)
    for item in reader.mapping_items(data, "relations"):
        statement = reader.statement(item, defaults)
        if statement is not None:
            items.statements.append(statement)
    return items


def load_yaml(paths: Iterable[str | os.PathLike] | str | os.PathLike, *, ontology: Ontology | None = None,
              base_dir: str | os.PathLike | None = None, parse=None) -> KnowledgeGraph:
    """Load YAML files or directories into a validated KnowledgeGraph.

    `parse(path, display, ontology) -> FileItems` replaces parse_file (the compiled store passes
    one that reuses each unchanged file's cached result). Raises ValidationError listing every
    problem (file, line, message).
    """
    if isinstance(paths, (str, os.PathLike)):
        paths = [paths]
    ontology = ontology or load_ontology()
    parse = parse or parse_file
    problems: list[Problem] = []
    partial_facts: list[PartialFact] = []
    graph = KnowledgeGraph()
    files = yaml_files(paths)
    if not files:
        raise ValidationError([Problem(", ".join(map(str, paths)), 0, "no YAML files found")])
    for path in files:
        if not path.exists():
            problems.append(Problem(str(path), 0, "no such file or directory"))
            continue
        items = parse(path, _display_path(path, base_dir), ontology)
        problems.extend(items.problems)
        partial_facts.extend(items.partial_facts)
        for entity in items.entities:
            _add_unique(graph.entities, entity, "entity", problems)
        for source in items.sources:
            _add_unique(graph.sources, source, "source", problems)
        graph.statements.extend(items.statements)
    hints = [MAX_HINTS]
    problems.extend(check_graph(graph, ontology, hints=hints))
    for fact in partial_facts:
        problems.extend(_reference_problems(graph, ontology, (fact.location.file, fact.location.line),
                                            fact.subject, fact.relation, fact.object, fact.sources, fact.market,
                                            hints))
    if problems:
        raise ValidationError(problems)
    return graph


def _display_path(path: Path, base_dir) -> str:
    try:
        relative = os.path.relpath(path, base_dir or os.getcwd())
    except ValueError:  # another drive on Windows
        return str(path)
    return str(path) if relative.startswith("..") else relative


def _add_unique(table: dict, item, what: str, problems: list[Problem]) -> None:
    previous = table.get(item.id)
    if previous is not None:
        problems.append(Problem(item.location.file, item.location.line,
                                f"duplicate {what} id '{item.id}' (first defined at {previous.location})"))
        return
    table[item.id] = item


#: "did you mean" hints for unknown entities per load (each one scans every name)
MAX_HINTS = 20


def check_graph(graph: KnowledgeGraph, ontology: Ontology | None = None, *,
                hints: list[int] | None = None) -> list[Problem]:
    """Cross-reference checks on a whole graph: dangling ids, domain and range, duplicates."""
    ontology = ontology or load_ontology()
    problems: list[Problem] = []

    def where(obj) -> tuple[str, int]:
        return (obj.location.file, obj.location.line) if obj.location else ("", 0)

    for source in graph.sorted_sources():
        if source.publisher is not None:
            publisher = graph.entities.get(source.publisher)
            if publisher is None:
                problems.append(Problem(*where(source), f"source '{source.id}': unknown publisher '{source.publisher}'"))
            elif not ontology.is_a(publisher.type, "Organization"):
                problems.append(Problem(*where(source), f"source '{source.id}': publisher '{source.publisher}' "
                                                        f"is a {publisher.type}, not an Organization"))
        for cited in source.cites:
            if cited not in graph.sources:
                problems.append(Problem(*where(source), f"source '{source.id}' cites unknown source '{cited}'"))

    seen: dict[tuple, Statement] = {}
    hints = [MAX_HINTS] if hints is None else hints
    for st in graph.statements:
        problems.extend(_reference_problems(graph, ontology, where(st), st.subject, st.relation, st.object,
                                            st.sources, st.market, hints))
        if st.subject == st.object:
            problems.append(Problem(*where(st), f"'{st.subject}' {st.relation} itself"))
        key = st.key()
        if key in seen:
            problems.append(Problem(*where(st), f"duplicate fact '{st.subject} {st.relation} {st.object}' "
                                                f"(also at {seen[key].location})"))
        else:
            seen[key] = st
    return problems


def _reference_problems(graph: KnowledgeGraph, ontology: Ontology, where: tuple[str, int], subject: str | None,
                        relation: str | None, obj: str | None, sources: Iterable[str],
                        market: str | None, hints: list[int] | None = None) -> list[Problem]:
    """What is wrong with the entities, sources and market a fact refers to (None: not usable,
    not checked); domain and range when the relation is known. `hints`: how many more unknown
    entities get a "did you mean" (a one-item list, decremented; suggestions cost a scan)."""
    problems = []
    rel = ontology.relations.get(relation) if relation else None
    for role, entity_id, allowed in (("subject", subject, rel.domain if rel else None),
                                     ("object", obj, rel.range if rel else None)):
        if entity_id is None:
            continue
        entity = graph.entities.get(entity_id)
        if entity is None:
            hint = ""
            if hints is not None and hints[0] > 0:
                hints[0] -= 1
                hint = "".join(f" (did you mean '{close}'?)" for close in graph.suggest(entity_id, limit=1))
            problems.append(Problem(*where, f"unknown entity '{entity_id}' as {role} of {relation or 'the fact'}"
                                            f"{hint}"))
        elif allowed is not None and not ontology.fits(entity.type, allowed):
            problems.append(Problem(*where, f"the {role} of {relation} must be {' or '.join(allowed)}, "
                                            f"but '{entity_id}' is {entity.type}"))
    for source_id in sources:
        if source_id not in graph.sources:
            problems.append(Problem(*where, f"unknown source '{source_id}'"))
    if market is not None:
        found = graph.entities.get(market)
        if found is None:
            problems.append(Problem(*where, f"unknown market '{market}'"))
        elif not ontology.is_a(found.type, "Market"):
            problems.append(Problem(*where, f"market '{market}' is a {found.type}, not a Market"))
    return problems
