"""The vocabulary, read from ontology/graphkit.ttl.

Every class, relation and attribute graphkit knows comes from the ontology file: YAML keys,
domains and ranges, symmetric relations, Neo4j labels and relationship types. Nothing here is
hard-coded, so extending the vocabulary means editing the Turtle file only.
"""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rdflib import Graph
    from rdflib.term import Node

GK = "https://w3id.org/graphkit/ontology#"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
OWL = "http://www.w3.org/2002/07/owl#"
XSD = "http://www.w3.org/2001/XMLSchema#"
SKOS = "http://www.w3.org/2004/02/skos/core#"

#: Neo4j labels and relationship types must be plain identifiers: they cannot be parameters.
CYPHER_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")


def ontology_dir() -> Path:
    """ontology/ shipped inside the wheel, or at the top of a source checkout."""
    from .pack import resource_dir

    return resource_dir("ontology")


@dataclass(frozen=True)
class ClassInfo:
    key: str  # "Company"
    iri: str
    labels: dict[str, str]  # language -> label
    comments: dict[str, str]
    ancestors: tuple[str, ...]  # graphkit class keys, nearest first, excluding itself

    @property
    def neo4j_labels(self) -> tuple[str, ...]:
        """Own label then every super-class label, e.g. ('Company', 'Organization')."""
        return (self.key, *self.ancestors)

    def label(self, lang: str = "en") -> str:
        return self.labels.get(lang) or self.labels.get("en") or self.key


@dataclass(frozen=True)
class RelationInfo:
    key: str  # "partners-with"
    iri: str
    local: str  # "partnersWith"
    symmetric: bool
    domain: tuple[str, ...]  # class keys; an instance of any (or a sub-class) fits
    range: tuple[str, ...]
    parents: tuple[str, ...]  # graphkit relation keys this one specialises (fine-tuned-from -> based-on)
    labels: dict[str, str]
    comments: dict[str, str]

    @property
    def neo4j_type(self) -> str:
        return self.key.upper().replace("-", "_")

    def label(self, lang: str = "en") -> str:
        return self.labels.get(lang) or self.labels.get("en") or self.key


@dataclass(frozen=True)
class AttributeInfo:
    key: str  # "parameters"
    iri: str
    value_type: str  # date | number | integer | string | uri | boolean
    labels: dict[str, str]

    def label(self, lang: str = "en") -> str:
        return self.labels.get(lang) or self.labels.get("en") or self.key


@dataclass(frozen=True)
class StatusInfo:
    key: str
    iri: str
    rank: int
    labels: dict[str, str]


class Ontology:
    def __init__(self, classes: dict[str, ClassInfo], relations: dict[str, RelationInfo],
                 attributes: dict[str, AttributeInfo], statuses: dict[str, StatusInfo]):
        self.classes = classes
        self.relations = relations
        self.attributes = attributes
        self.statuses = statuses
        self.class_by_iri = {c.iri: c for c in classes.values()}
        self.relation_by_iri = {r.iri: r for r in relations.values()}
        self.attribute_by_iri = {a.iri: a for a in attributes.values()}
        self.status_by_iri = {s.iri: s for s in statuses.values()}
        self.relation_by_neo4j_type = {r.neo4j_type: r for r in relations.values()}

    def is_a(self, class_key: str, ancestor: str) -> bool:
        return class_key == ancestor or ancestor in self.classes[class_key].ancestors

    def fits(self, class_key: str, allowed: tuple[str, ...]) -> bool:
        return any(self.is_a(class_key, a) for a in allowed)

    def relation_closure(self, key: str) -> tuple[str, ...]:
        """The relation and all relations that specialise it (based-on -> fine-tuned-from, ...)."""
        return tuple(k for k, r in self.relations.items() if k == key or key in r.parents)


def _literals_by_lang(graph: Graph, subject: Node, predicate: Node) -> dict[str, str]:
    from rdflib import Literal

    return {(o.language or "en"): str(o) for o in graph.objects(subject, predicate) if isinstance(o, Literal)}


def _class_list(graph: Graph, node: Node | None) -> tuple[str, ...]:
    """Local keys of a class or of an owl:unionOf list of classes."""
    from rdflib import URIRef
    from rdflib.collection import Collection

    if isinstance(node, URIRef):
        return (str(node)[len(GK):],)
    union = graph.value(node, URIRef(OWL + "unionOf"))
    if union is None:
        raise ValueError(f"ontology: {node} is neither a class nor an owl:unionOf list of classes")
    return tuple(str(c)[len(GK):] for c in Collection(graph, union))


#: The ontology already read by someone else (the compiled store keeps it as JSON): returned by
#: load_ontology() without a path, so a warm command does not parse Turtle at all.
_PRELOADED: Ontology | None = None


def use_ontology(ontology: Ontology | None) -> None:
    """Make load_ontology() return `ontology` (None: read the Turtle file again)."""
    global _PRELOADED
    _PRELOADED = ontology


def load_ontology(path: str | None = None) -> Ontology:
    """Read the ontology Turtle file (cached: the vocabulary does not change during a run)."""
    if path is None and _PRELOADED is not None:
        return _PRELOADED
    return _read_ontology(path)


@functools.lru_cache(maxsize=4)
def _read_ontology(path: str | None = None) -> Ontology:
    from rdflib import Graph, Literal, URIRef
    from rdflib.namespace import OWL as owl, RDF as rdf, RDFS as rdfs, SKOS as skos

    graph = Graph(bind_namespaces="none")
    graph.parse(path or ontology_dir() / "graphkit.ttl", format="turtle")
    yaml_key = URIRef(GK + "yamlKey")
    entity_class = URIRef(GK + "entityClass")

    parents: dict[str, list[str]] = {}
    class_iris = {}
    for cls in graph.subjects(entity_class, Literal(True)):
        key = str(graph.value(cls, yaml_key))
        class_iris[key] = cls
        parents[key] = [str(p)[len(GK):] for p in graph.objects(cls, rdfs.subClassOf)
                        if str(p).startswith(GK)]

    def ancestors(key: str) -> tuple[str, ...]:
        out: list[str] = []
        todo = list(parents[key])
        while todo:
            k = todo.pop(0)
            if k not in out:
                out.append(k)
                todo.extend(parents.get(k, []))
        return tuple(out)

    classes = {key: ClassInfo(key, str(iri), _literals_by_lang(graph, iri, rdfs.label),
                              _literals_by_lang(graph, iri, rdfs.comment), ancestors(key))
               for key, iri in sorted(class_iris.items())}

    local_to_key = {}
    for prop in graph.subjects(rdf.type, owl.ObjectProperty):
        if graph.value(prop, yaml_key) is not None:
            local_to_key[str(prop)[len(GK):]] = str(graph.value(prop, yaml_key))
    relations = {}
    for prop in graph.subjects(rdf.type, owl.ObjectProperty):
        rel_key = graph.value(prop, yaml_key)
        if rel_key is None:
            continue
        rel_parents = tuple(local_to_key[str(p)[len(GK):]] for p in graph.objects(prop, rdfs.subPropertyOf)
                            if str(p).startswith(GK))
        relations[str(rel_key)] = RelationInfo(
            key=str(rel_key), iri=str(prop), local=str(prop)[len(GK):],
            symmetric=(prop, rdf.type, owl.SymmetricProperty) in graph,
            domain=_class_list(graph, graph.value(prop, rdfs.domain)),
            range=_class_list(graph, graph.value(prop, rdfs.range)),
            parents=rel_parents, labels=_literals_by_lang(graph, prop, rdfs.label),
            comments=_literals_by_lang(graph, prop, rdfs.comment))
    relations = dict(sorted(relations.items()))

    attributes = {}
    for prop in graph.subjects(rdf.type, owl.DatatypeProperty):
        attr_key = graph.value(prop, yaml_key)
        if attr_key is not None:
            attributes[str(attr_key)] = AttributeInfo(str(attr_key), str(prop),
                                                 str(graph.value(prop, URIRef(GK + "valueType"))),
                                                 _literals_by_lang(graph, prop, rdfs.label))
    attributes = dict(sorted(attributes.items()))

    statuses = {}
    for concept in graph.subjects(skos.inScheme, URIRef(GK + "CertaintyScheme")):
        key = str(graph.value(concept, yaml_key))
        statuses[key] = StatusInfo(key, str(concept), int(str(graph.value(concept, URIRef(GK + "rank")))),
                                   _literals_by_lang(graph, concept, skos.prefLabel))
    statuses = dict(sorted(statuses.items(), key=lambda kv: kv[1].rank))

    for rel in relations.values():
        bad = [c for c in (*rel.domain, *rel.range) if c not in classes]
        if bad:
            raise ValueError(f"ontology: relation {rel.key} names unknown classes {bad}")
    for name in [*classes, *(r.neo4j_type for r in relations.values())]:
        if not CYPHER_NAME.match(name):
            raise ValueError(f"ontology: '{name}' cannot be a Neo4j label or relationship type")
    return Ontology(classes, relations, attributes, statuses)
