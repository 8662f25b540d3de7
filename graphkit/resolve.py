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
   the alias file ("Baidu, Inc." = "Baidu");
6. for models, datasets and products, the same words in another order ("Qwen2.5 Instruct (72B)"
   = "Qwen/Qwen2.5-72B-Instruct"), with a developer known and shared on both sides;
7. for organizations, a parenthesized acronym ("Carnegie Mellon University (CMU)" = "CMU").

Types must be compatible: the same class, a class and its super-class, or two kinds of
Organization. Rules 2-7 are held back by safeguards (`Resolver.violations`): different
developers, different domains, parameter counts beyond rounding, years apart, two Hugging Face
ids, a keep-apart entry of the alias file; a stopped merge is reported as a candidate. Every
merge is recorded (from, into, rule). The reference data wins: an imported
entity merged into a reference entity is not written again, and an attribute or type that
differs is reported as a conflict; imported facts that the reference already states are
dropped (counted as corroborated), and facts that contradict a `denied` reference fact are
dropped as conflicts.
"""
from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field, replace
from typing import TypeGuard

from .aliases import (  # noqa: F401 - names and the alias file, re-exported (resolve was their home)
    DEFAULT_ALIASES,
    AliasGroup,
    AliasTable,
    KeepApart,
    load_aliases,
    normalize_name,
    parenthesized_names,
    strip_suffixes,
    token_key,
)
from .model import Entity, KnowledgeGraph, Statement
from .ontology import Ontology, load_ontology


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
    candidates: list[dict] = field(default_factory=list)  # merges a safeguard stopped, with the reasons

    def summary(self) -> dict[str, int]:
        by_rule: dict[str, int] = defaultdict(int)
        for merge in self.merges:
            by_rule[f"{merge.rule} -> {merge.target}"] += 1
        return {"merges": len(self.merges), "conflicts": len(self.conflicts),
                "unapplied_attributes": len(self.unapplied), "ambiguous": len(self.ambiguous),
                "candidates": len(self.candidates),
                "dropped_statements": len(self.dropped), "corroborated_statements": self.corroborated,
                **{f"merges by {k}": v for k, v in sorted(by_rule.items())}}

    def as_dict(self) -> dict:
        return {"summary": self.summary(),
                "merges": [m.as_dict() for m in sorted(self.merges)],
                "conflicts": [c.as_dict() for c in sorted(self.conflicts)],
                "unapplied_attributes": self.unapplied, "ambiguous": self.ambiguous,
                "candidates": self.candidates, "dropped_statements": self.dropped}


# ---------------------------------------------------------------------------------- resolver

#: Relations that say who made a thing: the makers compared by the developer safeguard.
MAKER_RELATIONS = ("develops", "ships")
#: Relations that make an organization a unit of another for the developer safeguard.
PARENT_RELATIONS = ("subsidiary-of",)
#: Two parameter counts are the same model's when the larger is at most this times the smaller
#: (a nominal "7B" for 7.6e9; 1e9 and 1.5e9 are two models).
PARAMETER_ROUNDING = 1.25
#: The rule for names that only differ in word order; it needs the developer known on both sides.
REORDERED = "name, words reordered"
#: Classes whose names may be compared with their words reordered (not phones: "Honor X5" is not "Honor 5X").
REORDER_CLASSES = ("AIModel", "Dataset", "AIProduct")


def makers(graph: KnowledgeGraph) -> dict[str, set[str]]:
    """Entity id -> ids of the organizations that develop (or ship) it, from the graph's facts."""
    found: dict[str, set[str]] = defaultdict(set)
    for st in graph.statements:
        if st.relation in MAKER_RELATIONS and st.status != "denied":
            found[st.object].add(st.subject)
    return found


def organization_parents(graph: KnowledgeGraph, aliases: AliasTable | None = None) -> dict[str, str]:
    """Unit -> parent organization, from `subsidiary-of` facts and the alias file's `part-of`."""
    parents = {st.subject: st.object for st in graph.statements
               if st.relation in PARENT_RELATIONS and st.status != "denied"}
    if aliases is not None:
        parents.update(aliases.parents())
    return parents


def top_organization(parents: dict[str, str], org_id: str) -> str:
    """The top organization of a unit (google-deepmind -> google), following `parents`
    (organization_parents) up to the root; a cycle stops where it would repeat."""
    seen = {org_id}
    while org_id in parents and parents[org_id] not in seen:
        org_id = parents[org_id]
        seen.add(org_id)
    return org_id


def _number(value: object) -> TypeGuard[float]:
    """A positive number (not a bool): narrows an attribute value to a number for mypy."""
    return isinstance(value, (int, float)) and not isinstance(value, bool) and value > 0


def _short(value: float) -> str:
    for scale, unit in ((1e12, "T"), (1e9, "B"), (1e6, "M"), (1e3, "K")):
        if value >= scale:
            return f"{value / scale:.3g}{unit}"
    return f"{value:g}"


def _domains(entity: Entity) -> set[str]:
    value = entity.attributes.get("domain")
    return {d.strip().casefold() for d in str(value).split(",") if d.strip()} if value else set()


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
        self._reference_makers = makers(self.reference)
        self._parents = organization_parents(self.reference, self.aliases)

    # -- keys
    def _is_org(self, type_key: str) -> bool:
        return self.ontology.is_a(type_key, "Organization")

    def _reorderable(self, type_key: str) -> bool:
        return any(self.ontology.is_a(type_key, c) for c in REORDER_CLASSES if c in self.ontology.classes)

    def compatible(self, a: str, b: str) -> bool:
        if self._is_org(a) and self._is_org(b):
            return True
        return self.ontology.is_a(a, b) or self.ontology.is_a(b, a)

    def _name_variants(self, entity: Entity) -> list[tuple[str, str]]:
        """(rule, normalized name) for every name of the entity that the name rules may use."""
        variants: list[tuple[str, str]] = []
        org = self._is_org(entity.type)
        for name in entity.all_names():
            norm = normalize_name(name)
            if not norm or norm in self.aliases.separate:
                continue
            variants.append(("name", norm))
            if org:
                # "Carnegie Mellon University (CMU)": also "Carnegie Mellon University" and "CMU".
                for part in parenthesized_names(name):
                    part_norm = normalize_name(part)
                    if part_norm and part_norm not in self.aliases.separate and len(part_norm) > 1:
                        variants.append(("name in parentheses", part_norm))
        return variants

    def _keys(self, entity: Entity) -> list[tuple]:
        keys: list[tuple] = [("id", entity.id)]
        if entity.wikidata:
            keys.append(("wikidata", entity.wikidata))
        hf_id = entity.attributes.get("hf-id")
        if isinstance(hf_id, str) and hf_id:
            keys.append(("hf-id", hf_id.casefold()))
        for _rule, norm in self._name_variants(entity):
            keys.append(("name", norm))
        if self._is_org(entity.type) and self.aliases.suffixes:
            for name in entity.all_names():
                if normalize_name(name) in self.aliases.separate:
                    continue
                bare = strip_suffixes(name, self.aliases.suffixes)
                if bare and bare != normalize_name(name):
                    keys.append(("bare", bare))
        elif self._reorderable(entity.type):
            for name in entity.all_names():
                if normalize_name(name) not in self.aliases.separate:
                    tokens = token_key(name)
                    if len(tokens) > 1:
                        keys.append(("tokens", tokens))
        return list(dict.fromkeys(keys))

    def _probe_keys(self, entity: Entity) -> list[tuple[str, tuple, str]]:
        """(rule, key to look up, what matched) in rule order."""
        probes: list[tuple[str, tuple, str]] = [("id", ("id", entity.id), entity.id)]
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
        if self._is_org(entity.type):
            for rule, norm in self._name_variants(entity):
                if rule != "name":
                    probes.append((rule, ("name", norm), norm))
            if self.aliases.suffixes:
                for name in names:
                    bare = strip_suffixes(name, self.aliases.suffixes)
                    if bare and normalize_name(name) not in self.aliases.separate:
                        # "Baidu, Inc." finds "Baidu" and "Baidu" finds "Baidu, Inc.".
                        probes.append(("name without suffix", ("name", bare), name))
                        probes.append(("name without suffix", ("bare", bare), name))
        elif self._reorderable(entity.type):
            for name in names:
                tokens = token_key(name)
                if len(tokens) > 1 and normalize_name(name) not in self.aliases.separate:
                    # "Qwen2.5 Instruct (72B)" finds "Qwen/Qwen2.5-72B-Instruct" (same developer required).
                    probes.append((REORDERED, ("tokens", tokens), name))
        return list(dict.fromkeys(probes))

    # -- safeguards
    def family(self, org_id: str) -> str:
        """The top organization of a unit (google-deepmind -> google), following part-of/subsidiary-of."""
        return top_organization(self._parents, org_id)

    def same_developer(self, a: set[str], b: set[str]) -> bool:
        """True when the two sets of makers share an organization (or a unit of one); unknown (empty) agrees."""
        if not a or not b:
            return True
        return bool({self.family(x) for x in a} & {self.family(x) for x in b})

    def violations(self, entity: Entity, entity_makers: set[str], new_id: str, target: Entity,
                   target_makers: set[str], target_hf: str | None, rule: str) -> list[str]:
        """Why `entity` must not be merged into `target` by `rule` (empty: no objection).

        The safeguards hold for every rule but the alias file: a keep-apart entry, two Hugging
        Face ids (two repositories), makers with no organization in common, disjoint domains,
        parameter counts that differ by more than rounding, years more than one apart. The rules
        that only compare words (name in another order) also need the makers to be known.
        """
        reasons = []
        entry = self.aliases.kept_apart(entity.id, target.id) or self.aliases.kept_apart(new_id, target.id)
        if entry:
            reasons.append(f"kept apart by the alias file (line {entry.line})")
        hf_a = entity.attributes.get("hf-id")
        if isinstance(hf_a, str) and target_hf and hf_a.casefold() != target_hf.casefold():
            reasons.append(f"different Hugging Face ids ({hf_a} vs {target_hf})")
        if rule in ("hf-id", "wikidata"):
            return reasons
        if not self.same_developer(entity_makers, target_makers):
            reasons.append(f"different developers ({', '.join(sorted(entity_makers))} vs "
                           f"{', '.join(sorted(target_makers))})")
        elif rule == REORDERED and not (entity_makers and target_makers):
            reasons.append("words in another order, developer unknown on one side")
        domains_a, domains_b = _domains(entity), _domains(target)
        if domains_a and domains_b and not domains_a & domains_b:
            reasons.append(f"different domains ({', '.join(sorted(domains_a))} vs {', '.join(sorted(domains_b))})")
        pa, pb = entity.attributes.get("parameters"), target.attributes.get("parameters")
        if _number(pa) and _number(pb) and max(pa, pb) > PARAMETER_ROUNDING * min(pa, pb):
            reasons.append(f"parameters differ ({_short(pa)} vs {_short(pb)})")
        if _years_disagree(entity, target):
            reasons.append(f"years apart ({_year(entity)} vs {_year(target)})")
        return reasons

    # -- resolution
    def resolve(self, imported: KnowledgeGraph) -> Resolution:
        """Map the import onto the reference; return what to write and the full account."""
        ontology = self.ontology
        reference = self.reference
        new: dict[str, Entity] = {}  # final id -> entity to write
        new_makers: dict[str, set[str]] = defaultdict(set)  # final id -> its makers (final ids)
        claimed_hf: dict[str, str] = {}  # reference id -> the Hub id of the import merged into it
        import_keys: dict[tuple, list[str]] = defaultdict(list)
        mapping: dict[str, str] = {}
        result = Resolution(KnowledgeGraph(), mapping)
        imported_makers = makers(imported)
        reported: set[tuple[str, str]] = set()

        def accept(entity: Entity) -> None:
            new[entity.id] = entity
            for key in self._keys(entity):
                import_keys[key].append(entity.id)

        def candidates(key: tuple, type_key: str, table: dict, entities: dict) -> list[str]:
            return [i for i in dict.fromkeys(table.get(key, ())) if self.compatible(entities[i].type, type_key)]

        def prospective(entity: Entity) -> str:
            """The id the entity gets if it is not merged (the importer's, suffixed on a clash)."""
            final_id, n = entity.id, 1
            while final_id in reference.entities or final_id in new:
                n += 1
                final_id = f"{entity.id}-{entity.type.lower()}" + (f"-{n}" if n > 2 else "")
            return final_id

        def hub_id(target_id: str, origin: str) -> str | None:
            pool = reference.entities if origin == "reference" else new
            value = pool[target_id].attributes.get("hf-id")
            return value if isinstance(value, str) and value else claimed_hf.get(target_id)

        # Organizations first: the makers of a model are known (as final ids) when the model is resolved.
        order = sorted(imported.entities.values(), key=lambda e: (not self._is_org(e.type), e.id))
        for entity in order:
            original_id = entity.id
            entity = replace(entity, attributes=dict(entity.attributes))
            makers_now = {mapping.get(m, m) for m in imported_makers.get(original_id, ())}
            target: tuple[str, str, str, str] | None = None  # (id, rule, matched, "reference"|"import")
            group = None
            hf_id = entity.attributes.get("hf-id")
            for name in [*entity.all_names(), *([hf_id] if isinstance(hf_id, str) else [])]:
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
                    pool = reference.entities if origin == "reference" else new
                    kept = []
                    for candidate in found:
                        target_makers = (self._reference_makers.get(candidate, set()) if origin == "reference"
                                         else new_makers.get(candidate, set()))
                        reasons = self.violations(entity, makers_now, prospective(entity), pool[candidate],
                                                  target_makers, hub_id(candidate, origin), rule)
                        if reasons and (original_id, candidate) not in reported:
                            reported.add((original_id, candidate))
                            result.candidates.append({
                                "entity": original_id, "name": entity.name, "into": candidate,
                                "into_name": pool[candidate].name, "rule": rule, "matched": str(matched),
                                "target": origin, "reasons": reasons})
                        elif not reasons:
                            kept.append(candidate)
                    found = kept
                    if len(found) == 1:
                        target = (found[0], rule, str(matched), origin)
                        break
                    if len(found) > 1:
                        result.ambiguous.append({"entity": entity.id, "name": entity.name, "rule": rule,
                                                 "matched": str(matched), "candidates": sorted(found)})
                        break
            if target is not None:
                target_id, rule, matched, origin = target
                mapping[entity.id] = target_id
                result.merges.append(Merge(entity.id, target_id, rule, matched, origin))
                hf = entity.attributes.get("hf-id")
                if origin == "reference":
                    self._compare(entity, reference.entities[target_id], result)
                    if isinstance(hf, str) and hf and target_id not in claimed_hf \
                            and not reference.entities[target_id].attributes.get("hf-id"):
                        claimed_hf[target_id] = hf
                else:
                    self._absorb(new[target_id], entity, result)
                    for key in self._keys(new[target_id]):
                        if target_id not in import_keys[key]:
                            import_keys[key].append(target_id)
                    new_makers[target_id] |= makers_now
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
            new_makers[final_id] |= makers_now
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
