"""Likely duplicates that the resolution rules did not merge, for a person to decide.

`suggest(graph)` looks for pairs of entities of the same kind (two organizations, two models or
datasets or products, two devices, two chipsets) whose names are alike, scores them and lists
the evidence for and against: fuzzy name similarity (rapidfuzz), a shared Hugging Face id, the
same developer (or one a unit of the other), release dates, parameter counts, domains, and the
safeguard that stopped an import from merging them (from `import-report.json`). Each
suggestion is a merge or a keep-apart decision ready to paste into resolution/aliases.yaml.

Pairs are never enumerated exhaustively: entities are blocked by the words of their names
(a word shared by more than `max_block` entities, such as "instruct" or "galaxy", is not a
block), so the work grows with the number of entities times the block size.
"""
from __future__ import annotations

import json
import re
from collections import defaultdict
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

from .model import Entity, KnowledgeGraph
from .ontology import Ontology, load_ontology
from .resolve import (
    PARAMETER_ROUNDING,
    AliasTable,
    _domains,
    _number,
    _short,
    _year,
    makers,
    normalize_name,
    organization_parents,
    strip_suffixes,
    top_organization,
)

#: Kinds of entities compared with each other (an organization is never a duplicate of a model).
KINDS = (("Organization", ("Organization",)), ("model", ("AIModel", "Dataset", "AIProduct")),
         ("Device", ("Device",)), ("Chipset", ("Chipset",)))
_WORD = re.compile(r"[^\W_]+(?:\.\d+)*")
#: Words too common to say anything (also dropped: words in more than max_block entities).
STOP_WORDS = frozenset({"the", "of", "and", "for", "a", "an", "ai", "inc", "ltd", "llc", "corp", "co", "group",
                        "university", "institute", "lab", "labs", "research", "technology", "model", "models", "hf"})
#: Words that make another variant of a model or product ("Gemma 2 9B" is not "gemma-2-9b-it").
VARIANT_WORDS = frozenset({"instruct", "chat", "it", "base", "sft", "dpo", "rlhf", "orpo", "math", "coder", "code",
                           "vision", "mini", "small", "medium", "large", "xl", "xxl", "turbo", "pro", "max", "plus",
                           "ultra", "lite", "fast", "flash", "preview", "gguf", "awq", "gptq", "abliterated",
                           "uncensored", "merge", "moe", "reasoning", "audio", "video", "embedding", "s", "e", "x",
                           "v", "t", "5g", "4g", "lte", "neo", "prime", "note", "edge", "go", "active", "nano"})


def _comparable(a: list[str], b: list[str]) -> bool:
    """False when the names differ in a way that says "two things": other numbers ("A20" / "A30",
    "Qwen2-7B" / "Qwen2-72B"), a variant word ("-Instruct", "Pro"), or other words on both sides
    that are not spelling variants ("North Carolina" / "South Carolina")."""
    for x in a:
        for y in b:
            if normalize_name(x) == normalize_name(y):
                return True
    for x in a[:3]:
        for y in b[:3]:
            if sorted(re.findall(r"\d+", x)) != sorted(re.findall(r"\d+", y)):
                continue
            wx, wy = _plain_words(x), _plain_words(y)
            extra_x, extra_y = wx - wy, wy - wx
            if (extra_x | extra_y) & VARIANT_WORDS:
                continue
            if not extra_x or not extra_y:
                return True
            from rapidfuzz import fuzz

            def variant(p: str, q: str) -> bool:  # a spelling variant, not another word ("bloom"/"bloomz")
                return fuzz.ratio(p, q) >= 80 and not (p.startswith(q) or q.startswith(p))

            if all(any(variant(p, q) for q in extra_y) for p in extra_x) and \
                    all(any(variant(p, q) for q in extra_x) for p in extra_y):
                return True
    return False


def _same_words(a: list[str], b: list[str]) -> bool:
    """The same name up to case, punctuation, spacing and word order (a Hub id without its author)."""
    from .resolve import token_key

    return any(normalize_name(x.rsplit("/", 1)[-1]) == normalize_name(y.rsplit("/", 1)[-1])
               or token_key(x) == token_key(y) for x in a for y in b)


def _plain_words(text: str) -> set[str]:
    return {normalize_name(w) for w in re.split(r"[\s/_\-(),.]+", text.rsplit("/", 1)[-1]) if normalize_name(w)}


@dataclass
class Suggestion:
    a: str  # entity ids, a < b
    b: str
    a_name: str
    b_name: str
    kind: str
    score: float  # 0..1
    name_similarity: float  # 0..100, rapidfuzz
    decision: str  # "merge", "keep apart" or "review"
    evidence: list[str] = field(default_factory=list)  # for a merge
    against: list[str] = field(default_factory=list)  # for keeping apart
    type: str = ""

    def as_dict(self) -> dict:
        return {"a": self.a, "a_name": self.a_name, "b": self.b, "b_name": self.b_name, "kind": self.kind,
                "score": round(self.score, 3), "name_similarity": round(self.name_similarity, 1),
                "decision": self.decision, "evidence": self.evidence, "against": self.against}

    @property
    def section(self) -> str:
        """The alias-file section the suggested decision goes to: `apart` or `same`."""
        return "apart" if self.decision == "keep apart" else "same"

    def _merge_item(self, prefix: str) -> dict:
        keep, other = (self.a, self.b_name) if self.a <= self.b else (self.b, self.a_name)
        return {"id": keep, "type": self.type, "names": [other],
                "why": prefix + ("; ".join(self.evidence) or "same entity")}

    def yaml_item(self) -> str:
        """The entry as a list item of its section (indented by two), with the evidence as a comment."""
        comment = f"  # {self.a_name} ~ {self.b_name}: score {self.score:.2f} " \
                  f"({'; '.join(self.evidence + self.against)})\n"
        if self.decision == "keep apart":
            item = {"ids": [self.a, self.b], "why": "; ".join(self.against) or "reviewed: two things"}
        else:
            item = self._merge_item("reviewed: " if self.decision == "merge" else "REVIEW: ")
        text = comment + _indent(_dump([item]))
        if self.decision == "keep apart" and any(e.startswith("same developer") for e in self.evidence):
            # The same developer speaks for one thing: offer the merge too, commented out.
            text += "  # or, if they are one thing, under same:\n" + "".join(
                f"  # {line}\n" for line in _dump([self._merge_item("REVIEW: ")]).splitlines())
        return text

    def yaml_snippet(self) -> str:
        """The alias-file entry for the suggested decision (a `same` or an `apart` item)."""
        return f"{self.section}:\n" + self.yaml_item()


def suggestions_yaml(suggestions: list[Suggestion]) -> str:
    """One YAML document: the merge suggestions under `same:`, the keep-apart ones under `apart:`."""
    parts = []
    for section in ("same", "apart"):
        items = [s.yaml_item() for s in suggestions if s.section == section]
        if items:
            parts.append(f"{section}:\n" + "\n".join(items))
    return "\n".join(parts)


def _dump(data) -> str:
    from .importers.common import dump_yaml

    return dump_yaml(data, "").decode("utf-8").strip("\n") + "\n"


def _indent(text: str) -> str:
    return "".join(f"  {line}\n" for line in text.splitlines())


def _kind(ontology: Ontology, type_key: str) -> str | None:
    for kind, classes in KINDS:
        if any(c in ontology.classes and ontology.is_a(type_key, c) for c in classes):
            return kind
    return None


def _names(entity: Entity) -> list[str]:
    """Display names to compare; a Hub id also without its author ('Qwen/Qwen2.5-7B' -> 'Qwen2.5-7B')."""
    names = list(entity.all_names())[:6]
    hf_id = entity.attributes.get("hf-id")
    if isinstance(hf_id, str) and "/" in hf_id:
        names.append(hf_id.rsplit("/", 1)[1])
    return list(dict.fromkeys(n for n in names if n.strip()))


def _words(text: str) -> set[str]:
    return {w for w in _WORD.findall(text.casefold()) if w not in STOP_WORDS and (len(w) > 1 or w.isdigit())}


def load_candidates(paths) -> dict[frozenset, list[str]]:
    """{frozenset({a, b}): reasons} from the import-report.json files in the given folders:
    merges a safeguard stopped at import time (ids as the importers gave them)."""
    found: dict[frozenset, list[str]] = {}
    for path in paths:
        report = Path(path) / "import-report.json"
        if not report.is_file():
            continue
        try:
            data = json.loads(report.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        for item in (data.get("resolution") or {}).get("candidates") or []:
            if isinstance(item, dict) and item.get("entity") and item.get("into"):
                found.setdefault(frozenset((item["entity"], item["into"])), list(item.get("reasons") or []))
    return found


def suggest(graph: KnowledgeGraph, aliases: AliasTable | None = None, *, ontology: Ontology | None = None,
            min_score: float = 0.8, limit: int | None = None, max_block: int = 40,
            stopped: dict[frozenset, list[str]] | None = None) -> tuple[list[Suggestion], dict]:
    """Likely duplicates of `graph`, best first, and statistics (entities, blocks, pairs compared)."""
    from rapidfuzz import fuzz

    ontology = ontology or load_ontology()
    aliases = aliases or AliasTable()
    stopped = stopped or {}
    maker_of = makers(graph)
    parents = organization_parents(graph, aliases)

    family = partial(top_organization, parents)

    entities = [e for e in graph.sorted_entities() if _kind(ontology, e.type)]
    kind_of = {e.id: _kind(ontology, e.type) for e in entities}
    names = {e.id: _names(e) for e in entities}
    blocks: dict[tuple[str | None, str, str], list[str]] = defaultdict(list)
    for entity in entities:
        keys = set()
        for name in names[entity.id]:
            keys |= {("w", w) for w in _words(name.rsplit("/", 1)[-1])}
            keys.add(("n", normalize_name(name)))
            if kind_of[entity.id] == "Organization" and aliases.suffixes:
                keys.add(("n", strip_suffixes(name, aliases.suffixes)))
        hf_id = entity.attributes.get("hf-id")
        if isinstance(hf_id, str):
            keys.add(("hf", hf_id.casefold()))
        for key in keys:
            blocks[(kind_of[entity.id], *key)].append(entity.id)

    pairs: set[tuple[str, str]] = set()
    used_blocks = 0
    for block_key, members in blocks.items():
        if len(members) < 2 or (len(members) > max_block and block_key[1] == "w"):
            continue
        used_blocks += 1
        members = members[:max_block * 4]  # an exact-name block is small; this only bounds a pathological one
        for i, a in enumerate(members):
            for b in members[i + 1:]:
                pairs.add((a, b) if a < b else (b, a))

    suggestions: list[Suggestion] = []
    for a, b in sorted(pairs):
        ea, eb = graph.entities[a], graph.entities[b]
        if aliases.kept_apart(a, b):
            continue
        hub_a = ea.attributes.get("hf-id")
        same_hub = isinstance(hub_a, str) and hub_a.casefold() == str(eb.attributes.get("hf-id", "")).casefold()
        if not same_hub and not _comparable(names[a], names[b]):
            continue
        if not (ea.type == eb.type or ontology.is_a(ea.type, eb.type) or ontology.is_a(eb.type, ea.type)) \
                and kind_of[a] != "Organization":
            continue  # a model and its dataset or product: the resolver never merges them
        similarity = max(fuzz.ratio(normalize_name(x), normalize_name(y)) for x in names[a] for y in names[b])
        similarity = max(similarity, max(fuzz.token_sort_ratio(x.casefold(), y.casefold())
                                         for x in names[a] for y in names[b]))
        if similarity < 60:
            continue
        evidence: list[str] = [f"names {similarity:.0f}% alike"]
        against: list[str] = []
        score = similarity / 100
        hf_a, hf_b = ea.attributes.get("hf-id"), eb.attributes.get("hf-id")
        if isinstance(hf_a, str) and isinstance(hf_b, str):
            if hf_a.casefold() == hf_b.casefold():
                evidence.append(f"same Hugging Face id {hf_a}")
                score += 0.3
            else:
                against.append(f"different Hugging Face ids ({hf_a} vs {hf_b})")
                score -= 0.3
        ma, mb = maker_of.get(a, set()), maker_of.get(b, set())
        shared = {family(x) for x in ma} & {family(x) for x in mb}
        if isinstance(hf_a, str) and isinstance(hf_b, str) and hf_a.casefold() != hf_b.casefold() \
                and ma and mb and not shared:
            continue  # two accounts' repositories (a copy): never merged by the rules, nothing to decide
        if ma and mb:
            if shared:
                evidence.append(f"same developer ({', '.join(sorted(shared))})")
                score += 0.1
            else:
                against.append(f"different developers ({', '.join(sorted(ma))} vs {', '.join(sorted(mb))})")
                score -= 0.25
        ya, yb = _year(ea), _year(eb)
        if ya is not None and yb is not None:
            if abs(ya - yb) <= 1:
                evidence.append(f"close dates ({ea.attributes.get('released') or ya}, "
                                f"{eb.attributes.get('released') or yb})")
                score += 0.05
            else:
                against.append(f"years apart ({ya} vs {yb})")
                score -= 0.2
        pa, pb = ea.attributes.get("parameters"), eb.attributes.get("parameters")
        if _number(pa) and _number(pb):
            if max(pa, pb) <= PARAMETER_ROUNDING * min(pa, pb):
                evidence.append(f"parameters agree ({_short(pa)}, {_short(pb)})")
                score += 0.05
            else:
                against.append(f"parameters differ ({_short(pa)} vs {_short(pb)})")
                score -= 0.2
        da, db = _domains(ea), _domains(eb)
        if da and db and not da & db:
            against.append(f"different domains ({', '.join(sorted(da))} vs {', '.join(sorted(db))})")
            score -= 0.2
        reasons = stopped.get(frozenset((a, b)))
        if reasons:
            against.append("an import's safeguard stopped this merge")
        if kind_of[a] == "Organization" and ea.type != eb.type and not (
                ontology.is_a(ea.type, eb.type) or ontology.is_a(eb.type, ea.type)):
            evidence.append(f"{ea.type} and {eb.type}")
        score = max(0.0, min(1.0, score))
        # Name alike and nothing against: worth a look even below the score threshold if the
        # names are near-identical; something against and names alike: a keep-apart decision.
        if against:
            decision = "keep apart"
            relevance = similarity / 100
        elif len(evidence) > 1 or kind_of[a] == "Organization":
            # "merge" only for the same name written differently; other near names need a look.
            decision = "merge" if score >= 0.9 and len(evidence) > 1 and _same_words(names[a], names[b]) else "review"
            relevance = score
        else:
            decision = "review"
            relevance = score
        if relevance < min_score:
            continue
        suggestions.append(Suggestion(a, b, ea.name, eb.name, kind_of[a] or "", score if not against else relevance,
                                      similarity, decision, evidence, against,
                                      "Organization" if kind_of[a] == "Organization" else
                                      ea.type if ea.type == eb.type else _common_type(ontology, ea.type, eb.type)))
    suggestions.sort(key=lambda s: (-s.score, s.a, s.b))
    if limit is not None:
        suggestions = suggestions[:limit]
    stats = {"entities": len(entities), "blocks": used_blocks, "pairs compared": len(pairs),
             "suggestions": len(suggestions)}
    return suggestions, stats


def _common_type(ontology: Ontology, a: str, b: str) -> str:
    if ontology.is_a(a, b):
        return b
    if ontology.is_a(b, a):
        return a
    return "Organization" if ontology.is_a(a, "Organization") and ontology.is_a(b, "Organization") else a
