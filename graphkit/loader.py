"""YAML -> KnowledgeGraph, with every problem located by file and line.

Format (see README): each file holds up to four top-level keys, `entities`, `sources`,
`relations` and `defaults`. Loading never stops at the first problem: it collects all of them
and raises one ValidationError.
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Iterable

import yaml

from .errors import Problem, ValidationError
from .model import (
    DATE_PATTERN,
    ID_PATTERN,
    STATEMENT_ENDS,
    Entity,
    KnowledgeGraph,
    Location,
    Source,
    Statement,
    annotation_fields,
    field_names,
    parse_partial_date,
    qualifier_fields,
)
from .ontology import Ontology, load_ontology

_BaseLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

TOP_KEYS = {"entities", "sources", "relations", "defaults"}
# The keys of each kind of item are the model's fields (graphkit.model.field_names), plus the
# YAML spellings: `fact: "a relation b"` for the three ends, `source:` for a single source.
ENTITY_KEYS = set(field_names(Entity))
SOURCE_KEYS = set(field_names(Source))
QUALIFIER_KEYS = set(qualifier_fields()) | {"source"}
RELATION_KEYS = {"fact", *STATEMENT_ENDS} | QUALIFIER_KEYS
DEFAULT_KEYS = QUALIFIER_KEYS - set(annotation_fields(Statement))


class LineDict(dict):
    """A mapping that remembers the line of itself and of each key."""

    line = 0
    key_lines: dict

    def line_of(self, key: str) -> int:
        return self.key_lines.get(key, self.line)


class LineList(list):
    line = 0


class _Loader(_BaseLoader):
    """Safe loader that keeps line numbers, reports duplicate keys and does not turn
    `2025-02-30` into a crash: dates stay strings and are checked by graphkit."""

    def __init__(self, stream):
        super().__init__(stream)
        self.duplicate_keys: list[tuple[int, str]] = []


# Drop the timestamp resolver: PyYAML would raise on an invalid date before we can locate it.
_Loader.yaml_implicit_resolvers = {
    ch: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for ch, resolvers in _BaseLoader.yaml_implicit_resolvers.items()
}


def _construct_mapping(loader: _Loader, node: yaml.MappingNode) -> LineDict:
    loader.flatten_mapping(node)
    result = LineDict()
    result.line = node.start_mark.line + 1
    result.key_lines = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if not isinstance(key, (str, int, float, bool)) and key is not None:
            key = str(key)
        if key in result:
            loader.duplicate_keys.append((key_node.start_mark.line + 1, f"duplicate key '{key}'"))
        result[key] = loader.construct_object(value_node, deep=True)
        result.key_lines[key] = key_node.start_mark.line + 1
    return result


def _construct_sequence(loader: _Loader, node: yaml.SequenceNode) -> LineList:
    result = LineList(loader.construct_object(child, deep=True) for child in node.value)
    result.line = node.start_mark.line + 1
    return result


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_sequence)


def read_yaml(path: Path, display: str) -> tuple[Any, list[Problem]]:
    """Parse one YAML file; return its data (or None) and its syntax problems."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        return None, [Problem(display, 0, f"cannot read file: {exc}")]
    loader = _Loader(text)
    try:
        data = loader.get_single_data()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 0
        message = f"YAML syntax error: {exc.problem or exc}"
        if exc.context and exc.context_mark and exc.context_mark.line + 1 != line:
            message += f" ({exc.context} at line {exc.context_mark.line + 1})"
        return None, [Problem(display, line, message)]
    except yaml.YAMLError as exc:
        return None, [Problem(display, 0, f"YAML error: {exc}")]
    finally:
        loader.dispose()
    return data, [Problem(display, line, msg) for line, msg in loader.duplicate_keys]


def yaml_files(paths: Iterable[str | os.PathLike]) -> list[Path]:
    """The .yaml/.yml files under the given files or directories, in a stable order."""
    files: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            files.extend(sorted(f for f in p.rglob("*") if f.suffix in (".yaml", ".yml") and f.is_file()))
        else:
            files.append(p)
    return files


class _FileReader:
    """Turns the data of one file into model objects, collecting problems."""

    def __init__(self, display: str, ontology: Ontology, problems: list[Problem]):
        self.file = display
        self.ontology = ontology
        self.problems = problems

    def problem(self, line: int, message: str) -> None:
        self.problems.append(Problem(self.file, line, message))

    def text(self, item: LineDict, key: str, required: bool = False) -> str | None:
        value = item.get(key)
        if value is None:
            if required:
                self.problem(item.line, f"missing '{key}'")
            return None
        if isinstance(value, (dict, list)):
            self.problem(item.line_of(key), f"'{key}' must be text, not a {type(value).__name__}")
            return None
        value = str(value).strip()
        if required and not value:
            self.problem(item.line_of(key), f"'{key}' is empty")
            return None
        return value

    def identifier(self, item: LineDict, key: str = "id", required: bool = True) -> str | None:
        value = self.text(item, key, required)
        if value is not None and not ID_PATTERN.match(value):
            self.problem(item.line_of(key),
                         f"'{value}' is not a valid id (lowercase letters, digits, '.', '_', '-')")
            return None
        return value

    def date(self, item: LineDict, key: str) -> str | None:
        value = self.text(item, key)
        if value is None:
            return None
        try:
            return parse_partial_date(value)
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
            if isinstance(v, (dict, list)) or v is None or not ID_PATTERN.match(str(v)):
                self.problem(item.line_of(key), f"'{key}' must list ids, got {v!r}")
            else:
                out.append(str(v))
        return tuple(out)

    def unknown_keys(self, item: LineDict, allowed: set[str], what: str) -> None:
        for key in item:
            if key not in allowed:
                self.problem(item.line_of(key),
                             f"unknown key '{key}' in {what} (allowed: {', '.join(sorted(allowed))})")

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
                             f"each item of '{key}' must be a mapping, got {entry!r}")
        return good

    # ------------------------------------------------------------------ entities
    def entity(self, item: LineDict) -> Entity | None:
        self.unknown_keys(item, ENTITY_KEYS, "an entity")
        entity_id = self.identifier(item)
        type_key = self.text(item, "type", required=True)
        name = self.text(item, "name", required=True)
        if type_key is not None and type_key not in self.ontology.classes:
            self.problem(item.line_of("type"),
                         f"unknown entity type '{type_key}' (known: {', '.join(self.ontology.classes)})")
            type_key = None
        labels = {}
        raw_labels = item.get("labels") or {}
        if not isinstance(raw_labels, dict):
            self.problem(item.line_of("labels"), "'labels' must map a language tag to a label")
        else:
            for lang, label in raw_labels.items():
                if not isinstance(lang, str) or not _LANG.match(lang) or not isinstance(label, str):
                    self.problem(raw_labels.line_of(lang) if isinstance(raw_labels, LineDict) else item.line,
                                 f"bad label {lang!r}: {label!r} (use a language tag such as fr or zh)")
                else:
                    labels[lang] = label.strip()
        aliases = item.get("aliases") or []
        if not isinstance(aliases, list) or not all(isinstance(a, (str, int, float)) for a in aliases):
            self.problem(item.line_of("aliases"), "'aliases' must be a list of names")
            aliases = []
        wikidata = self.text(item, "wikidata")
        if wikidata is not None and not _WIKIDATA.match(wikidata):
            self.problem(item.line_of("wikidata"), f"'{wikidata}' is not a Wikidata item id (Q followed by digits)")
            wikidata = None
        attributes = self.attributes(item)
        if None in (entity_id, type_key, name):
            return None
        # aliases are a set: sorted, so the model is the same whichever order they were written in
        return Entity(entity_id, type_key, name, labels, tuple(sorted({str(a) for a in aliases})), wikidata,
                      self.text(item, "description"), attributes, Location(self.file, item.line))

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
                self.problem(line, f"unknown attribute '{key}' (known: {', '.join(self.ontology.attributes)})")
                continue
            if value is None:
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
            self.problem(item.line_of("url"), f"'{url}' is not an http(s) URL")
            url = None
        language = self.text(item, "language")
        if language is not None and not _LANG.match(language):
            self.problem(item.line_of("language"), f"'{language}' is not a language tag")
            language = None
        source = Source(source_id or "", title or "", self.identifier(item, "publisher", required=False),
                        url, self.date(item, "date"), language, tuple(sorted(set(self.id_list(item, "cites")))),
                        Location(self.file, item.line))
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

        if "fact" in item:
            if any(k in item for k in ("subject", "relation", "object")):
                self.problem(item.line, "use either 'fact' or 'subject'/'relation'/'object', not both")
                return None
            parts = str(item["fact"]).split()
            if len(parts) != 3:
                self.problem(item.line_of("fact"),
                             f"'fact' must read 'SUBJECT RELATION OBJECT', got {item['fact']!r}")
                return None
            subject, relation, obj = parts
            for value in (subject, obj):
                if not ID_PATTERN.match(value):
                    self.problem(item.line_of("fact"), f"'{value}' is not a valid id")
                    return None
        else:
            subject = self.identifier(item, "subject")
            relation = self.text(item, "relation", required=True)
            obj = self.identifier(item, "object")
        status = self.text(item, "status", required=True)
        if status is not None and status not in self.ontology.statuses:
            self.problem(item.line_of("status"),
                         f"unknown status '{status}' (known: {', '.join(self.ontology.statuses)})")
            status = None
        rel_info = None
        if relation is not None:
            rel_info = self.ontology.relations.get(relation)
            if rel_info is None:
                self.problem(item.line_of("fact" if "fact" in item else "relation"),
                             f"unknown relation '{relation}' (known: {', '.join(self.ontology.relations)})")
        if "source" in item and "sources" in item:
            self.problem(item.line_of("source"), "use either 'source' or 'sources', not both")
        sources = self.id_list(item, "sources") + self.id_list(item, "source")
        if not sources:
            self.problem(item.line, "a relation needs at least one source ('source' or 'sources')")
        since, until = self.date(item, "since"), self.date(item, "until")
        if since and until and _date_key(since) > _date_key(until):
            self.problem(item.line_of("until"), f"'until' ({until}) is before 'since' ({since})")
        market = self.identifier(item, "market", required=False)
        if None in (subject, obj, status, rel_info) or not sources:
            return None
        return Statement(subject, relation, obj, status, tuple(sorted(set(sources))), market, since, until,
                         self.text(item, "note"), self.text(item, "quote"), symmetric=rel_info.symmetric,
                         location=Location(self.file, item.line))


import re as _re  # noqa: E402  (kept next to their only users)

_LANG = _re.compile(r"^[a-zA-Z]{2,3}(-[a-zA-Z0-9]{2,8})*$")
_WIKIDATA = _re.compile(r"^Q[1-9][0-9]*$")


def is_http_url(text: str) -> bool:
    """An absolute http(s) URL that can be written as an IRI without escaping."""
    return text.startswith(("http://", "https://")) and not any(c in text for c in ' <>"{}|\\^`\n\t')


def _date_key(text: str) -> str:
    return (text + "-00-00")[:10]


def coerce_attribute(value_type: str, value: Any):
    """Check and convert an attribute value to its ontology type; raise ValueError if it does not fit."""
    if isinstance(value, (dict, list)):
        raise ValueError(f"expected a single {value_type}, got a {type(value).__name__}")
    if value_type == "date":
        return parse_partial_date(str(value))
    if value_type == "integer":
        if isinstance(value, bool) or not isinstance(value, int):
            if isinstance(value, float) and value.is_integer():
                return int(value)
            raise ValueError(f"expected a whole number, got {value!r}")
        return value
    if value_type == "number":
        if isinstance(value, str):  # YAML 1.1 reads 1.5e11 (no dot) as text
            try:
                value = float(value)
            except ValueError:
                raise ValueError(f"expected a number, got {value!r}") from None
            return int(value) if value.is_integer() and abs(value) < 2**63 else value
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ValueError(f"expected a number, got {value!r}")
        return value
    if value_type == "boolean":
        if not isinstance(value, bool):
            raise ValueError(f"expected true or false, got {value!r}")
        return value
    if value_type == "uri":
        text = str(value)
        if not is_http_url(text):
            raise ValueError(f"expected an http(s) URL, got {value!r}")
        return text
    if isinstance(value, bool):
        raise ValueError(f"expected text, got {value!r}")
    return str(value)


def load_yaml(paths: Iterable[str | os.PathLike] | str | os.PathLike, *, ontology: Ontology | None = None,
              base_dir: str | os.PathLike | None = None) -> KnowledgeGraph:
    """Load YAML files or directories into a validated KnowledgeGraph.

    Raises ValidationError listing every problem (file, line, message).
    """
    if isinstance(paths, (str, os.PathLike)):
        paths = [paths]
    ontology = ontology or load_ontology()
    problems: list[Problem] = []
    graph = KnowledgeGraph()
    files = yaml_files(paths)
    if not files:
        raise ValidationError([Problem(", ".join(map(str, paths)), 0, "no YAML files found")])
    for path in files:
        if not path.exists():
            problems.append(Problem(str(path), 0, "no such file or directory"))
            continue
        display = _display_path(path, base_dir)
        data, syntax = read_yaml(path, display)
        problems.extend(syntax)
        if data is None:
            continue
        if not isinstance(data, LineDict):
            problems.append(Problem(display, 1, "a graphkit YAML file is a mapping with 'entities', "
                                                "'sources' and/or 'relations'"))
            continue
        reader = _FileReader(display, ontology, problems)
        reader.unknown_keys(data, TOP_KEYS, "a graphkit file")
        for item in reader.mapping_items(data, "entities"):
            entity = reader.entity(item)
            if entity is not None:
                _add_unique(graph.entities, entity, "entity", problems)
        for item in reader.mapping_items(data, "sources"):
            source = reader.source(item)
            if source is not None:
                _add_unique(graph.sources, source, "source", problems)
        defaults = reader.defaults(data)
        for item in reader.mapping_items(data, "relations"):
            statement = reader.statement(item, defaults)
            if statement is not None:
                graph.statements.append(statement)
    problems.extend(check_graph(graph, ontology))
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


def check_graph(graph: KnowledgeGraph, ontology: Ontology | None = None) -> list[Problem]:
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
    for st in graph.statements:
        rel = ontology.relations[st.relation]
        for role, entity_id, allowed in (("subject", st.subject, rel.domain), ("object", st.object, rel.range)):
            entity = graph.entities.get(entity_id)
            if entity is None:
                problems.append(Problem(*where(st), f"unknown entity '{entity_id}' as {role} of {st.relation}"))
            elif not ontology.fits(entity.type, allowed):
                problems.append(Problem(*where(st), f"the {role} of {st.relation} must be {' or '.join(allowed)}, "
                                                    f"but '{entity_id}' is {entity.type}"))
        if st.subject == st.object:
            problems.append(Problem(*where(st), f"'{st.subject}' {st.relation} itself"))
        for source_id in st.sources:
            if source_id not in graph.sources:
                problems.append(Problem(*where(st), f"unknown source '{source_id}'"))
        if st.market is not None:
            market = graph.entities.get(st.market)
            if market is None:
                problems.append(Problem(*where(st), f"unknown market '{st.market}'"))
            elif not ontology.is_a(market.type, "Market"):
                problems.append(Problem(*where(st), f"market '{st.market}' is a {market.type}, not a Market"))
        key = st.key()
        if key in seen:
            problems.append(Problem(*where(st), f"duplicate fact '{st.subject} {st.relation} {st.object}' "
                                                f"(also at {seen[key].location})"))
        else:
            seen[key] = st
    return problems
