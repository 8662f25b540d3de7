"""Names and the alias file: how entity resolution compares names, and the reviewed decisions
of resolution/aliases.yaml (merges, keep-apart pairs, part-of links, corporate suffixes).

graphkit.resolve applies these; graphkit.resolve_suggest proposes new decisions in this format.
"""
from __future__ import annotations

import os
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from .errors import GraphkitError, Problem, ValidationError
from .model import ID_PATTERN
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


_TOKEN = re.compile(r"[^\W_]+(?:\.\d+)*")


def token_key(text: str) -> tuple[str, ...]:
    """The words and numbers of a name in sorted order, for names that only differ in word order:
    'Qwen2.5 Instruct (72B)' and 'Qwen/Qwen2.5-72B-Instruct' -> ('72b', 'instruct', 'qwen2.5').
    Words are split at spaces and punctuation only ('Y21a' stays whole, so 'Galaxy A20s' is
    not 'Galaxy S20a'); a Hub id counts without its author."""
    text = text.rsplit("/", 1)[-1].replace("+", " plus ").replace("&", " and ")
    folded = unicodedata.normalize("NFKD", text.casefold())
    folded = "".join(c for c in folded if not unicodedata.combining(c))
    return tuple(sorted(_TOKEN.findall(folded)))


def parenthesized_names(name: str) -> list[str]:
    """'Carnegie Mellon University (CMU)' -> ['Carnegie Mellon University', 'CMU'] when the part in
    parentheses is the acronym of the rest; [] otherwise ('Northeastern University (China)' is
    another university than 'Northeastern University')."""
    match = re.match(r"^\s*(.+?)\s*\(([^()]+)\)\s*$", name)
    if not match or not (_is_acronym(match.group(2), match.group(1)) or _is_acronym(match.group(1), match.group(2))):
        return []
    return [match.group(1), match.group(2)]


def _is_acronym(short: str, long: str) -> bool:
    """'CMU' of 'Carnegie Mellon University', 'MIT' of 'Massachusetts Institute of Technology'."""
    if short.replace(".", "").replace("-", "").isupper():
        letters = [c for c in short if c.isalpha()]
    elif " " not in short.strip():
        letters = [c for c in short if c.isupper()]  # "OpenBMB" of "Open Lab for Big Model Base"
    else:
        return False
    if len(letters) < 2:
        return False
    initials = iter(w[0].casefold() for w in _tokens(long))
    return all(any(c.casefold() == i for i in initials) for c in letters)


def strip_suffixes(text: str, suffixes: frozenset[str]) -> str:
    """Normalized name without trailing corporate suffixes (and a leading 'The'):
    'Baidu, Inc.' -> 'baidu', 'The University of Sydney' -> 'universityofsydney'."""
    tokens = _tokens(text)
    if len(tokens) > 1 and tokens[0] == "the":
        tokens.pop(0)
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
    part_of: str | None = None  # a unit of this organization: the same developer for the safeguards


@dataclass(frozen=True)
class KeepApart:
    """Entities (by id, as the importers or the reference name them) that are never merged."""

    ids: tuple[str, ...]
    why: str = ""
    line: int = 0


@dataclass
class AliasTable:
    groups: list[AliasGroup] = field(default_factory=list)
    suffixes: frozenset[str] = frozenset()
    separate: frozenset[str] = frozenset()  # normalized names never merged by name rules
    path: str = ""
    apart: list[KeepApart] = field(default_factory=list)

    def __post_init__(self):
        self._by_name: dict[str, list[AliasGroup]] = defaultdict(list)
        for group in self.groups:
            for name in (*group.names, group.name or ""):
                if name:
                    self._by_name[normalize_name(name)].append(group)
        self._apart: dict[str, list[KeepApart]] = defaultdict(list)
        for entry in self.apart:
            for entity_id in entry.ids:
                self._apart[entity_id].append(entry)

    def kept_apart(self, a: str, b: str) -> KeepApart | None:
        """The keep-apart entry listing both ids, if any."""
        for entry in self._apart.get(a, ()):
            if b in entry.ids and a != b:
                return entry
        return None

    def parents(self) -> dict[str, str]:
        """Organization unit -> the organization it is part of (from `part-of` in `same` groups)."""
        return {g.id: g.part_of for g in self.groups if g.part_of}

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
        raise ValidationError([Problem(display, 1, "an alias file is a mapping with 'same', 'apart', 'suffixes', "
                                                   "'separate'")])
    for key in data:
        if key not in ("same", "apart", "suffixes", "separate"):
            problems.append(Problem(display, data.line_of(key),
                                    f"unknown key '{key}' (allowed: same, apart, separate, suffixes)"))

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
            if key not in ("id", "names", "type", "name", "why", "part-of"):
                problems.append(Problem(display, item.line_of(key),
                                        f"unknown key '{key}' (allowed: id, name, names, type, why, part-of)"))
        part_of = str(item.get("part-of") or "").strip() or None
        if part_of is not None and not ID_PATTERN.match(part_of):
            problems.append(Problem(display, item.line_of("part-of"), f"part-of: '{part_of}' is not a valid id"))
            part_of = None
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
        if part_of == group_id:
            problems.append(Problem(display, item.line_of("part-of"), f"'{group_id}' cannot be part of itself"))
            part_of = None
        groups.append(AliasGroup(group_id, tuple(names), type_key, (str(item["name"]) if item.get("name") else None),
                                 str(item.get("why") or ""), item.line, part_of))
    apart = _load_apart(data, display, problems)
    suffixes = frozenset(normalize_name(s) for s in text_list(data, "suffixes"))
    separate = frozenset(normalize_name(s) for s in text_list(data, "separate"))
    if problems:
        raise ValidationError(problems)
    return AliasTable(groups, suffixes, separate, display, apart)


def _load_apart(data, display: str, problems: list[Problem]) -> list[KeepApart]:
    """The `apart` section: [{ids: [a, b, ...], why: ...}], each a reviewed keep-apart decision."""
    from .loader import LineDict

    entries: list[KeepApart] = []
    seen: dict[frozenset, int] = {}
    for item in data.get("apart") or []:
        if not isinstance(item, LineDict):
            problems.append(Problem(display, data.line_of("apart"),
                                    f"each item of 'apart' must be a mapping with 'ids' and 'why', got {item!r}"))
            continue
        for key in item:
            if key not in ("ids", "why"):
                problems.append(Problem(display, item.line_of(key), f"unknown key '{key}' (allowed: ids, why)"))
        ids = item.get("ids")
        if not isinstance(ids, list) or not all(isinstance(i, str) for i in ids):
            problems.append(Problem(display, item.line_of("ids") if "ids" in item else item.line,
                                    "'ids' must be a list of entity ids"))
            continue
        ids = [i.strip() for i in ids]
        bad = [i for i in ids if not ID_PATTERN.match(i)]
        if bad:
            problems.append(Problem(display, item.line_of("ids"), f"'{bad[0]}' is not a valid id"))
            continue
        if len(set(ids)) < 2:
            problems.append(Problem(display, item.line_of("ids"), "a keep-apart entry needs two different ids"))
            continue
        if len(set(ids)) < len(ids):
            problems.append(Problem(display, item.line_of("ids"), "an id is listed twice in one keep-apart entry"))
            continue
        if not str(item.get("why") or "").strip():
            problems.append(Problem(display, item.line, "a keep-apart entry needs 'why' (the evidence)"))
            continue
        key = frozenset(ids)
        if key in seen:
            problems.append(Problem(display, item.line, f"the same keep-apart entry is already at line {seen[key]}"))
            continue
        seen[key] = item.line
        entries.append(KeepApart(tuple(ids), str(item["why"]).strip(), item.line))
    return entries


# ---------------------------------------------------------------------------------- results
