"""The names a query may use, and warnings for the ones the graph cannot have.

A misspelled class, relation or property (`MATCH (n:Compny)`, `gk:partnerWith`) is not an
error for a query engine: the query runs and answers nothing. `sparql_warnings` and
`cypher_warnings` return one line per name that the ontology (and the property-graph
projection derived from it) does not know, with the closest known name; the command line
prints them on stderr and still runs the query.
"""
from __future__ import annotations

import difflib
import functools
import re

from .ontology import GK, Ontology, load_ontology, ontology_dir

#: strings and comments of a query, whose words are not names
_SPARQL_SKIP = re.compile(r'<[^<>"{}|^`\\\s]*>|"""(?:[^"\\]|\\.|"(?!""))*"""|\'\'\'(?:[^\'\\]|\\.|\'(?!\'\'))*\'\'\''
                          r'|"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\'|#[^\n]*')
_CYPHER_SKIP = re.compile(r'"(?:[^"\\]|\\.)*"|\'(?:[^\'\\]|\\.)*\'|//[^\n]*|/\*.*?\*/', re.S)
_PREFIX_DECL = re.compile(r"(?i)\bPREFIX\s+([A-Za-z][\w.-]*)?:\s*<([^>]*)>")


@functools.cache
def ontology_terms() -> frozenset[str]:
    """Local names of every gk: IRI the ontology file mentions (classes, properties, statuses...)."""
    import pyoxigraph as ox

    names = set()
    for triple in ox.parse(path=str(ontology_dir() / "graphkit.ttl"), format=ox.RdfFormat.TURTLE):
        for term in (triple.subject, triple.predicate, triple.object):
            if isinstance(term, ox.NamedNode) and term.value.startswith(GK):
                names.add(term.value[len(GK):])
    return frozenset(names)


def _suggest(name: str, known) -> str:
    close = difflib.get_close_matches(name, sorted(known), n=1, cutoff=0.6)
    if not close:
        close = [k for k in sorted(known) if k.lower() == name.lower()][:1]
    return f" (did you mean {close[0]}?)" if close else ""


def sparql_warnings(query: str) -> list[str]:
    """One line per gk: name in the query (prefixed or a full IRI) that the ontology lacks."""
    text = _SPARQL_SKIP.sub(lambda m: m.group() if m.group().startswith("<") else " ", query)
    prefixes = {"gk"} | {(p or "") for p, iri in _PREFIX_DECL.findall(text) if iri == GK}
    used: dict[str, None] = {}
    for prefix in prefixes:
        pattern = rf"(?<![\w:<-]){re.escape(prefix)}:([A-Za-z_][\w-]*)" if prefix else r"(?<![\w:<-]):([A-Za-z_][\w-]*)"
        used.update(dict.fromkeys(re.findall(pattern, text)))
    used.update(dict.fromkeys(re.findall(rf"<{re.escape(GK)}([^>\s]+)>", text)))
    known = ontology_terms()
    return [f"gk:{name} is not in the ontology{_suggest(name, known).replace('mean ', 'mean gk:')}: the query "
            "may answer nothing" for name in used if name not in known]


@functools.cache
def cypher_names(ontology: Ontology | None = None) -> tuple[frozenset[str], frozenset[str], frozenset[str]]:
    """(labels, relationship types, property keys) of graphkit's property graph."""
    from .model import Entity, Source, Statement, field_names
    from .property_rows import SOURCE_LABEL, property_name

    ontology = ontology or load_ontology()
    labels = set(ontology.classes) | {SOURCE_LABEL, "GraphkitManaged"}
    types = {rel.neo4j_type for rel in ontology.relations.values()}
    properties = {"id", "name", "type", "statement_id", "relation", "status", "sources", "symmetric",
                  "graphkit_graph", "graphkit_key"}
    properties |= set(field_names(Entity)) | set(field_names(Source)) | set(field_names(Statement))
    properties |= {property_name(key) for key in ontology.attributes}
    return frozenset(labels), frozenset(types), frozenset(properties)


#: (n:Label:Other), (:Label) -- labels come after a ':' inside a node pattern
_NODE = re.compile(r"\(\s*[A-Za-z_]?\w*\s*((?::\s*`?[A-Za-z_]\w*`?\s*)+)")
_RELATIONSHIP = re.compile(r"\[\s*[A-Za-z_]?\w*\s*:\s*(`?[A-Za-z_]\w*`?(?:\s*\|\s*:?\s*`?[A-Za-z_]\w*`?)*)")
_PROPERTY = re.compile(r"(?<![\w.$])([A-Za-z_]\w*)\.([A-Za-z_]\w*)\b(?!\s*\()")
_MAP_KEY = re.compile(r"[({,]\s*([A-Za-z_]\w*)\s*:(?!:)")


def cypher_warnings(query: str, ontology: Ontology | None = None) -> list[str]:
    """One line per label, relationship type or property of the query that graphkit's property
    graph cannot have (`MATCH (n:Compny)`), with the closest known name."""
    labels, types, properties = cypher_names(ontology)
    text = _CYPHER_SKIP.sub("''", query)
    warnings: dict[str, None] = {}
    for group in _NODE.findall(text):
        for label in re.findall(r"[A-Za-z_]\w*", group):
            if label not in labels:
                warnings[f"label :{label} is not in the graph{_suggest(label, labels)}: the query may answer "
                         "nothing"] = None
    for group in _RELATIONSHIP.findall(text):
        for rel_type in re.findall(r"[A-Za-z_]\w*", group):
            if rel_type not in types:
                warnings[f"relationship type :{rel_type} is not in the graph{_suggest(rel_type, types)}: the "
                         "query may answer nothing"] = None
    # property keys: n.key, and {key: ...} inside node and relationship patterns (not map results)
    pattern_maps = re.findall(r"[(\[][^()\[\]]*?\{([^{}]*)\}", text)
    keys = [prop for _, prop in _PROPERTY.findall(text)]
    for body in pattern_maps:
        keys.extend(_MAP_KEY.findall("{" + body))
    for key in keys:
        if key not in properties and not re.fullmatch(r"name_[a-z]{2,3}(_\w+)?", key):
            warnings[f"property .{key} is not in the graph{_suggest(key, properties)}: the query may answer "
                     "nothing"] = None
    return list(warnings)
