"""Entity resolution: make imported data refer to the entities graphkit already knows.

The same organization or model appears under many names ("Alibaba" / "Alibaba Group",
"Qwen2.5-Max" / "Qwen 2.5-Max", "DeepMind" / "Google DeepMind"). `Resolver.resolve` maps every
entity of an import onto the reference data (seed_data/ and earlier imports) or onto another
entity of the same import, by these rules, first match wins:

1. the alias file (resolution/aliases.yaml): reviewed decisions for what rules cannot decide;
2. the same id (with a compatible type);
3. the same Wikidata id, or the same Hugging Face id (attribute `hf-id`);
4. the same normalized name: casefold, accents, punctuation, spaces and hyphens removed
   (name, labels and aliases on both sides);
5. for organizations only, the same normalized name without the corporate suffixes listed in
   the alias file ("Baidu, Inc." = "Baidu").

Types must be compatible: the same class, a class and its super-class, or two kinds of
Organization. Every merge is recorded (from, into, rule). The reference data wins: an imported
entity merged into a reference entity is not written again, and an attribute or type that
differs is reported as a conflict; imported facts that the reference already states are
dropped (counted as corroborated), and facts that contradict a `denied` reference fact are
dropped as conflicts.
"""
from __future__ import annotations

import os
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field, replace
from pathlib import Path

from .errors import GraphkitError, Problem, ValidationError
from .model import ID_PATTERN, Entity, KnowledgeGraph, Statement
from .ontology import Ontology, load_ontology

#: Default place of the alias file, relative to the working directory (the repository top).
DEFAULT_ALIASES = Path("resolution") / "aliases.yaml"


# ---------------------------------------------------------------------------------- names

def _tokens(text: str) -> list[str]:
    # '+' and '&' carry meaning in product names: "Command R+" is not "Command R".
    text = text.replace("+", " plus ").replace("&", " and ")
    folded = unicodedata.normalize("NFKD", text.casefold())
    folded = "".join(c for c in folded if not unicodedata.combining(c))
    return [t for t in re.split(r"[^\w]+|_", folded) if t]


def normalize_name(text: str) -> str:
    """'Qwen 2.5-Max' -> 'qwen25max'; '阿里巴巴' stays '阿里巴巴'; '' for no letters or digits."""
    return "".join(_tokens(text))


def strip_suffixes(text: str, suffixes: frozenset[str]) -> str:
    """Normalized name without trailing corporate suffixes: 'Baidu, Inc.' -> 'baidu'."""
    tokens = _tokens(text)
    while len(tokens) > 1 and tokens[-1] in suffixes:
        tokens.pop()
    return "".join(tokens)


# ---------------------------------------------------------------------------------- alias file

@dataclass(frozen=True)
class AliasGroup:
    """Names that denote the entity `id` (which may come from the reference data or be created)."""

    id: str
    names: tuple[str, ...]
    type: str | None = None  # the rule applies only to entities of this class or its sub-classes
    name: str | None = None  # display name if an import creates the entity
    why: str = ""
    line: int = 0


@dataclass
class AliasTable:
    groups: list[AliasGroup] = field(default_factory=list)
    suffixes: frozenset[str] = frozenset()
    separate: frozenset[str] = frozenset()  # normalized names never merged by name rules
    path: str = ""

    def __post_init__(self):
        self._by_name: dict[str, list[AliasGroup]] = defaultdict(list)
        for group in self.groups:
            for name in (*group.names, group.name or ""):
                if name:
                    self._by_name[normalize_name(name)].append(group)

    def lookup(self, name: str, type_key: str, ontology: Ontology) -> AliasGroup | None:
        for group in self._by_name.get(normalize_name(name), ()):
            if group.type is None or ontology.is_a(type_key, group.type):
                return group
        return None


def load_aliases(path: str | os.PathLike | None, ontology: Ontology | None = None) -> AliasTable:
    """Read an alias file (see resolution/aliases.yaml); raise ValidationError on a bad one.

    `path=None` reads the default file if there is one, else returns an empty table.
    """
    from .loader import LineDict, read_yaml

    ontology = ontology or load_ontology()
    if path is None:
        if not DEFAULT_ALIASES.is_file():
            return AliasTable()
        path = DEFAULT_ALIASES
    path = Path(path)
    if not path.is_file():
        raise GraphkitError(f"alias file not found: {path}")
    display = str(path)
    data, problems = read_yaml(path, display)
    if data is None:
        raise ValidationError(problems)
    if not isinstance(data, LineDict):
        raise ValidationError([Problem(display, 1, "an alias file is a mapping with 'same', 'suffixes', 'separate'")])
    for key in data:
        if key not in ("same", "suffixes", "separate"):
            problems.append(Problem(display, data.line_of(key), f"unknown key '{key}' (allowed: same, separate, suffixes)"))

    def text_list(item, key) -> list[str]:
        value = item.get(key) or []
        if not isinstance(value, list) or not all(isinstance(v, (str, int, float)) and str(v).strip() for v in value):
            problems.append(Problem(display, item.line_of(key), f"'{key}' must be a list of names"))
            return []
        return [str(v).strip() for v in value]

    groups: list[AliasGroup] = []
    seen: dict[tuple[str, str | None], tuple[int, str]] = {}
    for item in data.get("same") or []:
        if not isinstance(item, LineDict):
            problems.append(Problem(display, data.line_of("same"), f"each item of 'same' must be a mapping, got {item!r}"))
            continue
        for key in item:
            if key not in ("id", "names", "type", "name", "why"):
                problems.append(Problem(display, item.line_of(key),
                                        f"unknown key '{key}' (allowed: id, name, names, type, why)"))
        group_id = str(item.get("id") or "").strip()
        if not ID_PATTERN.match(group_id):
            problems.append(Problem(display, item.line_of("id"), f"'{group_id}' is not a valid id"))
            continue
        type_key = item.get("type")
        if type_key is not None and type_key not in ontology.classes:
            problems.append(Problem(display, item.line_of("type"), f"unknown type '{type_key}'"))
            continue
        names = text_list(item, "names")
        if not names:
            problems.append(Problem(display, item.line, f"group '{group_id}' lists no names"))
            continue
        for name in names:
            key = (normalize_name(name), type_key)
            if key in seen and seen[key][1] != group_id:
                problems.append(Problem(display, item.line_of("names"),
                                        f"'{name}' is already listed for '{seen[key][1]}' (line {seen[key][0]})"))
            seen.setdefault(key, (item.line_of("names"), group_id))
        groups.append(AliasGroup(group_id, tuple(names), type_key, (str(item["name"]) if item.get("name") else None),
                                 str(item.get("why") or ""), item.line))
    suffixes = frozenset(normalize_name(s) for s in text_list(data, "suffixes"))
    separate = frozenset(normalize_name(s) for s in text_list(data, "separate"))
    if problems:
        raise ValidationError(problems)
    return AliasTable(groups, suffixes, separate, display)


# ---------------------------------------------------------------------------------- results

@dataclass(frozen=True, order=True)
class Merge:
    imported: str  # the id the importer gave
    into: str  # the id it has now
    rule: str  # "alias file", "id", "wikidata", "hf-id", "name", "name without suffix"
    matched: str  # the name or key that matched
    target: str  # "reference" (seed or an earlier import) or "import" (another entity of this import)

    def as_dict(self) -> dict:
        return {"from": self.imported, "into": self.into, "rule": self.rule, "matched": self.matched,
                "target": self.target}


@dataclass(frozen=True, order=True)
class Conflict:
    """The reference data (or the first of two imported values) wins; the other value is dropped."""

    subject: str  # entity id or "subject relation object"
    field: str  # "type", an attribute key, "wikidata" or "status"
    kept: str
    dropped: str
    origin: str  # where the kept value comes from: "reference" or "import"

    def as_dict(self) -> dict:
        return {"subject": self.subject, "field": self.field, "kept": self.kept, "dropped": self.dropped,
                "kept_from": self.origin}


@dataclass
class Resolution:
    graph: KnowledgeGraph  # what to write: new entities and sources, rewritten statements
    mapping: dict[str, str]  # imported id -> final id
    merges: list[Merge] = field(default_factory=list)
    conflicts: list[Conflict] = field(default_factory=list)
    unapplied: list[dict] = field(default_factory=list)  # attributes a reference entity lacks
    ambiguous: list[dict] = field(default_factory=list)
    dropped: list[dict] = field(default_factory=list)  # statements not written, with the reason
    corroborated: int = 0  # imported facts the reference already states

    def summary(self) -> dict[str, int]:
        by_rule: dict[str, int] = defaultdict(int)
        for merge in self.merges:
            by_rule[f"{merge.rule} -> {merge.target}"] += 1
        return {"merges": len(self.merges), "conflicts": len(self.conflicts),
                "unapplied_attributes": len(self.unapplied), "ambiguous": len(self.ambiguous),
                "dropped_statements": len(self.dropped), "corroborated_statements": self.corroborated,
                **{f"merges by {k}": v for k, v in sorted(by_rule.items())}}

    def as_dict(self) -> dict:
        return {"summary": self.summary(),
                "merges": [m.as_dict() for m in sorted(self.merges)],
                "conflicts": [c.as_dict() for c in sorted(self.conflicts)],
                "unapplied_attributes": self.unapplied, "ambiguous": self.ambiguous,
                "dropped_statements": self.dropped}


# ---------------------------------------------------------------------------------- resolver

class Resolver:
    """Resolves imports against a reference graph (which is never modified)."""

    def __init__(self, reference: KnowledgeGraph | None = None, aliases: AliasTable | None = None,
                 ontology: Ontology | None = None):
        self.ontology = ontology or load_ontology()
        self.reference = reference or KnowledgeGraph()
        self.aliases = aliases or AliasTable()
        self._reference_keys: dict[tuple, list[str]] = defaultdict(list)
        for entity in self.reference.sorted_entities():
            for key in self._keys(entity):
                self._reference_keys[key].append(entity.id)
        self._reference_statements = {st.key(): st for st in self.reference.statements}

    # -- keys
    def _is_org(self, type_key: str) -> bool:
        return self.ontology.is_a(type_key, "Organization")

    def compatible(self, a: str, b: str) -> bool:
        if self._is_org(a) and self._is_org(b):
            return True
        return self.ontology.is_a(a, b) or self.ontology.is_a(b, a)

    def _keys(self, entity: Entity) -> list[tuple]:
        keys: list[tuple] = [("id", entity.id)]
        if entity.wikidata:
            keys.append(("wikidata", entity.wikidata))
        hf_id = entity.attributes.get("hf-id")
        if isinstance(hf_id, str) and hf_id:
            keys.append(("hf-id", hf_id.casefold()))
        for name in entity.all_names():
            norm = normalize_name(name)
            if norm and norm not in self.aliases.separate:
                keys.append(("name", norm))
                if self._is_org(entity.type) and self.aliases.suffixes:
                    bare = strip_suffixes(name, self.aliases.suffixes)
                    if bare and bare != norm:
                        keys.append(("bare", bare))
        return list(dict.fromkeys(keys))

    def _probe_keys(self, entity: Entity) -> list[tuple[str, tuple, str]]:
        """(rule, key to look up, what matched) in rule order."""
        probes = [("id", ("id", entity.id), entity.id)]
        if entity.wikidata:
            probes.append(("wikidata", ("wikidata", entity.wikidata), entity.wikidata))
        hf_id = entity.attributes.get("hf-id")
        if isinstance(hf_id, str) and hf_id:
            probes.append(("hf-id", ("hf-id", hf_id.casefold()), hf_id))
        names = entity.all_names()
        for name in names:
            norm = normalize_name(name)
            if norm and norm not in self.aliases.separate:
                probes.append(("name", ("name", norm), name))
        if self._is_org(entity.type) and self.aliases.suffixes:
            for name in names:
                bare = strip_suffixes(name, self.aliases.suffixes)
                if bare and normalize_name(name) not in self.aliases.separate:
                    # "Baidu, Inc." finds "Baidu" and "Baidu" finds "Baidu, Inc.".
                    probes.append(("name without suffix", ("name", bare), name))
                    probes.append(("name without suffix", ("bare", bare), name))
        return probes

    # -- resolution
    def resolve(self, imported: KnowledgeGraph) -> Resolution:
        """Map the import onto the reference; return what to write and the full account."""
        ontology = self.ontology
        reference = self.reference
        new: dict[str, Entity] = {}  # final id -> entity to write
        import_keys: dict[tuple, list[str]] = defaultdict(list)
        mapping: dict[str, str] = {}
        result = Resolution(KnowledgeGraph(), mapping)

        def accept(entity: Entity) -> None:
            new[entity.id] = entity
            for key in self._keys(entity):
                import_keys[key].append(entity.id)

        def candidates(key: tuple, type_key: str, table: dict, entities: dict) -> list[str]:
            return [i for i in dict.fromkeys(table.get(key, ())) if self.compatible(entities[i].type, type_key)]

        for entity in imported.sorted_entities():
            original_id = entity.id
            entity = replace(entity, attributes=dict(entity.attributes))
            target: tuple[str, str, str, str] | None = None  # (id, rule, matched, "reference"|"import")
            group = None
            for name in entity.all_names():
                group = self.aliases.lookup(name, entity.type, ontology)
                if group:
                    target_id = group.id
                    if target_id in reference.entities:
                        target = (target_id, "alias file", name, "reference")
                    elif target_id in new:
                        target = (target_id, "alias file", name, "import")
                    break
            if target is None and group is None:
                for rule, key, matched in self._probe_keys(entity):
                    found = candidates(key, entity.type, self._reference_keys, reference.entities)
                    origin = "reference"
                    if not found:
                        found = candidates(key, entity.type, import_keys, new)
                        origin = "import"
                    if found and key[0] != "id" and rule not in ("wikidata", "hf-id"):
                        pool = reference.entities if origin == "reference" else new
                        dated = [i for i in found if not _years_disagree(entity, pool[i])]
                        if len(dated) < len(found):
                            result.ambiguous.append({"entity": entity.id, "name": entity.name, "rule": rule,
                                                     "matched": matched, "rejected": sorted(set(found) - set(dated)),
                                                     "why": "same name, years more than one apart"})
                        found = dated
                    if len(found) == 1:
                        target = (found[0], rule, matched, origin)
                        break
                    if len(found) > 1:
                        result.ambiguous.append({"entity": entity.id, "name": entity.name, "rule": rule,
                                                 "matched": matched, "candidates": sorted(found)})
                        break
            if target is not None:
                target_id, rule, matched, origin = target
                mapping[entity.id] = target_id
                result.merges.append(Merge(entity.id, target_id, rule, matched, origin))
                if origin == "reference":
                    self._compare(entity, reference.entities[target_id], result)
                else:
                    self._absorb(new[target_id], entity, result)
                continue
            # A new entity: the alias file may name its id; otherwise keep the importer's id
            # unless the reference (or this import) already uses it for something else.
            final_id = group.id if group else entity.id
            if group and final_id != entity.id:
                result.merges.append(Merge(entity.id, final_id, "alias file", entity.name, "import"))
            base, n = final_id, 1
            while final_id in reference.entities or final_id in new:
                n += 1
                final_id = f"{base}-{entity.type.lower()}" + (f"-{n}" if n > 2 else "")
            if group and group.name and group.name != entity.name:
                entity = replace(entity, name=group.name,
                                 aliases=tuple(dict.fromkeys((entity.name, *entity.aliases))))
            entity = replace(entity, id=final_id)
            mapping[original_id] = final_id
            accept(entity)

        graph = result.graph
        graph.entities = {k: new[k] for k in sorted(new)}
        for source in imported.sorted_sources():
            if source.id in reference.sources:
                continue  # the reference already defines it (e.g. an earlier import of the same file)
            publisher = mapping.get(source.publisher, source.publisher) if source.publisher else None
            graph.sources[source.id] = replace(source, publisher=publisher)
        self._statements(imported, graph, result)
        return result

    def _compare(self, imported: Entity, kept: Entity, result: Resolution) -> None:
        """Record where an imported entity disagrees with the reference entity it merged into."""
        if imported.type != kept.type and not self.ontology.is_a(kept.type, imported.type):
            result.conflicts.append(Conflict(kept.id, "type", kept.type, imported.type, "reference"))
        if imported.wikidata and kept.wikidata and imported.wikidata != kept.wikidata:
            result.conflicts.append(Conflict(kept.id, "wikidata", kept.wikidata, imported.wikidata, "reference"))
        for key, value in sorted(imported.attributes.items()):
            if key not in kept.attributes:
                result.unapplied.append({"entity": kept.id, "attribute": key, "value": value,
                                         "from": imported.id})
            elif not same_value(kept.attributes[key], value):
                result.conflicts.append(Conflict(kept.id, key, str(kept.attributes[key]), str(value), "reference"))

    def _absorb(self, survivor: Entity, other: Entity, result: Resolution) -> None:
        """Fold another entity of the same import into `survivor` (the first one wins on values)."""
        survivor.aliases = tuple(dict.fromkeys(
            n for n in (*survivor.aliases, other.name, *other.aliases) if n != survivor.name))
        if other.type != survivor.type:
            if self.ontology.is_a(other.type, survivor.type):
                survivor.type = other.type  # a more precise class (Company rather than Organization)
            elif not self.ontology.is_a(survivor.type, other.type):
                result.conflicts.append(Conflict(survivor.id, "type", survivor.type, other.type, "import"))
        if other.wikidata and not survivor.wikidata:
            survivor.wikidata = other.wikidata
        if other.description and not survivor.description:
            survivor.description = other.description
        for key, value in other.attributes.items():
            if key not in survivor.attributes:
                survivor.attributes[key] = value
            elif not same_value(survivor.attributes[key], value):
                result.conflicts.append(Conflict(survivor.id, key, str(survivor.attributes[key]), str(value), "import"))
        survivor.attributes = dict(sorted(survivor.attributes.items()))

    def _statements(self, imported: KnowledgeGraph, graph: KnowledgeGraph, result: Resolution) -> None:
        ontology = self.ontology
        mapping = result.mapping
        written: dict[tuple, Statement] = {}

        def entity(entity_id: str) -> Entity | None:
            return graph.entities.get(entity_id) or self.reference.entities.get(entity_id)

        for st in imported.statements:
            fact = f"{st.subject} {st.relation} {st.object}"
            subject, obj = mapping.get(st.subject, st.subject), mapping.get(st.object, st.object)
            market = mapping.get(st.market, st.market) if st.market else None
            new_st = replace(st, subject=subject, object=obj, market=market)
            where = st.note or ""
            if subject == obj:
                result.dropped.append({"fact": fact, "reason": f"both ends are now '{subject}'", "where": where})
                continue
            relation = ontology.relations[st.relation]
            problems = []
            for role, entity_id, allowed in (("subject", subject, relation.domain), ("object", obj, relation.range)):
                found = entity(entity_id)
                if found is None:
                    problems.append(f"unknown {role} '{entity_id}'")
                elif not ontology.fits(found.type, allowed):
                    problems.append(f"{st.relation} needs a {' or '.join(allowed)} as {role}, "
                                    f"'{entity_id}' is a {found.type}")
            if problems:
                result.dropped.append({"fact": fact, "reason": "; ".join(problems), "where": where})
                continue
            key = new_st.key()
            known = self._reference_statements.get(key)
            if known is not None:
                if known.status == "denied":
                    result.conflicts.append(Conflict(f"{subject} {st.relation} {obj}", "status", "denied",
                                                     st.status, "reference"))
                    result.dropped.append({"fact": fact, "reason": "the reference data denies it", "where": where})
                else:
                    result.corroborated += 1
                    result.dropped.append({"fact": fact, "reason": "already in the reference data", "where": where})
                continue
            previous = written.get(key)
            if previous is not None:
                merge_into(previous, new_st.sources, new_st.note)
                continue
            written[key] = new_st
            graph.statements.append(new_st)


def merge_into(statement: Statement, sources, note: str | None) -> None:
    """Add sources and a note to a statement (no repeats, stable order): the same fact found twice."""
    statement.sources = tuple(dict.fromkeys((*statement.sources, *sources)))
    if note:
        notes = statement.note.split("; ") if statement.note else []
        for part in note.split("; "):
            if part not in notes:
                notes.append(part)
        statement.note = "; ".join(notes)


def _year(entity: Entity) -> int | None:
    year = entity.attributes.get("year")
    if isinstance(year, int) and not isinstance(year, bool):
        return year
    released = entity.attributes.get("released")
    return int(str(released)[:4]) if released and str(released)[:4].isdigit() else None


def _years_disagree(a: Entity, b: Entity) -> bool:
    """Two things with the same name but years far apart are two things (Nokia C1-00 of 2010,
    Nokia C100 of 2022): name rules must not merge them."""
    ya, yb = _year(a), _year(b)
    return ya is not None and yb is not None and abs(ya - yb) > 1


def same_value(a, b) -> bool:
    """Equal for resolution purposes: large numbers within 5% (a nominal "34B" and an exact 34.389e9 parameters), text ignoring case, spaces and punctuation, a
    partial date agreeing with a fuller one ('2024-07' and '2024-07-23'), a text that only adds
    words to the other ('Android' and 'Android 14')."""
    if isinstance(a, bool) or isinstance(b, bool):
        return a == b
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        if isinstance(a, int) and isinstance(b, int) and max(abs(a), abs(b)) < 10**6:
            return a == b  # years, counts: exact
        return a == b or abs(a - b) <= 0.05 * max(abs(a), abs(b))
    ta, tb = " ".join(str(a).split()).casefold(), " ".join(str(b).split()).casefold()
    if ta == tb or normalize_name(ta) == normalize_name(tb):
        return True
    if re.match(r"^\d{4}(-\d{2}){0,2}$", ta) and re.match(r"^\d{4}(-\d{2}){0,2}$", tb):
        return ta.startswith(tb) or tb.startswith(ta)
    short, long = sorted((ta, tb), key=len)
    return long.startswith(short + " ")


def load_reference(paths) -> KnowledgeGraph:
    """The reference data to resolve against (seed_data/ and earlier imports), validated."""
    from .api import load

    return load(list(paths))
