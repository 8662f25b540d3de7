"""KnowledgeGraph <-> RDF.

Each fact becomes an asserted triple (`:apple gk:partnersWith :alibaba`, left out for denied
facts) plus a reified statement node with a deterministic IRI carrying status, sources, market
and dates (see DESIGN.md §2). Triples are produced in a canonical sorted order, so exports are
byte-identical for the same input, and loaded into rdflib on the Oxigraph store in bulk.
"""
from __future__ import annotations

import os
from collections import defaultdict
from pathlib import Path
from typing import Iterable, Iterator

import pyoxigraph as ox

from .errors import GraphkitError, Problem, ValidationError
from .model import Entity, KnowledgeGraph, Source, Statement, date_precision
from .ontology import GK, OWL, RDF, RDFS, SKOS, XSD, Ontology, load_ontology

DEFAULT_BASE_IRI = "https://w3id.org/graphkit/"
SCHEMA = "https://schema.org/"
PROV = "http://www.w3.org/ns/prov#"
DCTERMS = "http://purl.org/dc/terms/"
WIKIDATA = "http://www.wikidata.org/entity/"
SHACL = "http://www.w3.org/ns/shacl#"

#: Prefixes written in Turtle exports and predeclared for SPARQL queries.
STANDARD_PREFIXES = {
    "gk": GK, "rdf": RDF, "rdfs": RDFS, "xsd": XSD, "owl": OWL, "skos": SKOS, "schema": SCHEMA,
    "prov": PROV, "dcterms": DCTERMS, "org": "http://www.w3.org/ns/org#", "wd": WIKIDATA,
}


def data_prefixes(base_iri: str = DEFAULT_BASE_IRI) -> dict[str, str]:
    """Standard prefixes plus the three data namespaces under the base IRI."""
    return {**STANDARD_PREFIXES, "e": base_iri + "entity/", "src": base_iri + "source/",
            "st": base_iri + "statement/"}


def _n(iri: str) -> ox.NamedNode:
    return ox.NamedNode(iri)


_TYPE = _n(RDF + "type")
_LABEL = _n(RDFS + "label")
_NAME = _n(SCHEMA + "name")
_ALT = _n(SKOS + "altLabel")
_DESCRIPTION = _n(SCHEMA + "description")
_SAME_AS = _n(OWL + "sameAs")
_TITLE = _n(DCTERMS + "title")
_PUBLISHER = _n(DCTERMS + "publisher")
_URL = _n(SCHEMA + "url")
_ISSUED = _n(DCTERMS + "issued")
_LANGUAGE = _n(DCTERMS + "language")
_REFERENCES = _n(DCTERMS + "references")
_SUBJECT, _PREDICATE, _OBJECT = _n(RDF + "subject"), _n(RDF + "predicate"), _n(RDF + "object")
_RDF_STATEMENT = _n(RDF + "Statement")
_GK_STATEMENT, _GK_SOURCE = _n(GK + "Statement"), _n(GK + "Source")
_STATUS, _MARKET = _n(GK + "status"), _n(GK + "market")
_NOTE, _QUOTE = _n(GK + "note"), _n(GK + "quote")
_DERIVED = _n(PROV + "wasDerivedFrom")
_START, _END = _n(SCHEMA + "startDate"), _n(SCHEMA + "endDate")

_DATE_TYPES = {"year": XSD + "gYear", "month": XSD + "gYearMonth", "day": XSD + "date"}
_DATE_TYPE_SET = set(_DATE_TYPES.values())


def date_literal(text: str) -> ox.Literal:
    return ox.Literal(text, datatype=_n(_DATE_TYPES[date_precision(text)]))


def _attribute_literal(value_type: str, value) -> ox.Literal:
    if value_type == "date":
        return date_literal(value)
    if isinstance(value, bool):
        return ox.Literal("true" if value else "false", datatype=_n(XSD + "boolean"))
    if isinstance(value, int):
        return ox.Literal(str(value), datatype=_n(XSD + "integer"))
    if isinstance(value, float):
        return ox.Literal(repr(value), datatype=_n(XSD + "double"))
    if value_type == "uri":
        return ox.Literal(value, datatype=_n(XSD + "anyURI"))
    return ox.Literal(value)


class IRIs:
    """Where entities, sources and statements live under a base IRI."""

    def __init__(self, base_iri: str = DEFAULT_BASE_IRI):
        if not base_iri.endswith(("/", "#")):
            base_iri += "/"
        self.base = base_iri

    def entity(self, entity_id: str) -> str:
        return f"{self.base}entity/{entity_id}"

    def source(self, source_id: str) -> str:
        return f"{self.base}source/{source_id}"

    def statement(self, statement_id: str) -> str:
        return f"{self.base}statement/{statement_id}"


def rdf_triples(graph: KnowledgeGraph, base_iri: str = DEFAULT_BASE_IRI,
                ontology: Ontology | None = None) -> Iterator[ox.Triple]:
    """Every triple of the graph, in canonical order (entities, sources, statements; each sorted)."""
    ontology = ontology or load_ontology()
    iris = IRIs(base_iri)
    entity_node = {eid: _n(iris.entity(eid)) for eid in graph.entities}
    source_node = {sid: _n(iris.source(sid)) for sid in graph.sources}
    asserted: dict[str, list[Statement]] = defaultdict(list)
    statements = graph.sorted_statements()
    for st in statements:
        if st.status != "denied":  # a denied fact must not appear as a plain, "true" triple
            asserted[st.subject].append(st)

    for entity in graph.sorted_entities():
        node = entity_node[entity.id]
        yield ox.Triple(node, _TYPE, _n(ontology.classes[entity.type].iri))
        yield ox.Triple(node, _NAME, ox.Literal(entity.name))
        labels = {"en": entity.name, **entity.labels}
        for lang in sorted(labels):
            yield ox.Triple(node, _LABEL, ox.Literal(labels[lang], language=lang))
        for alias in sorted(set(entity.aliases)):
            yield ox.Triple(node, _ALT, ox.Literal(alias))
        if entity.description:
            yield ox.Triple(node, _DESCRIPTION, ox.Literal(entity.description))
        if entity.wikidata:
            yield ox.Triple(node, _SAME_AS, _n(WIKIDATA + entity.wikidata))
        for key in sorted(entity.attributes):
            info = ontology.attributes[key]
            yield ox.Triple(node, _n(info.iri), _attribute_literal(info.value_type, entity.attributes[key]))
        for st in sorted(asserted.get(entity.id, ()), key=lambda s: (s.relation, s.object, s.id)):
            yield ox.Triple(node, _n(ontology.relations[st.relation].iri), entity_node[st.object])

    for source in graph.sorted_sources():
        node = source_node[source.id]
        yield ox.Triple(node, _TYPE, _GK_SOURCE)
        yield ox.Triple(node, _TITLE, ox.Literal(source.title))
        if source.publisher:
            yield ox.Triple(node, _PUBLISHER, entity_node[source.publisher])
        if source.url:
            yield ox.Triple(node, _URL, _n(source.url))
        if source.date:
            yield ox.Triple(node, _ISSUED, date_literal(source.date))
        if source.language:
            yield ox.Triple(node, _LANGUAGE, ox.Literal(source.language, datatype=_n(XSD + "language")))
        for cited in sorted(source.cites):
            yield ox.Triple(node, _REFERENCES, source_node[cited])

    status_node = {k: _n(s.iri) for k, s in ontology.statuses.items()}
    for st in statements:
        node = _n(iris.statement(st.id))
        yield ox.Triple(node, _TYPE, _RDF_STATEMENT)
        yield ox.Triple(node, _TYPE, _GK_STATEMENT)
        yield ox.Triple(node, _SUBJECT, entity_node[st.subject])
        yield ox.Triple(node, _PREDICATE, _n(ontology.relations[st.relation].iri))
        yield ox.Triple(node, _OBJECT, entity_node[st.object])
        yield ox.Triple(node, _STATUS, status_node[st.status])
        for source_id in sorted(st.sources):
            yield ox.Triple(node, _DERIVED, source_node[source_id])
        if st.market:
            yield ox.Triple(node, _MARKET, entity_node[st.market])
        if st.since:
            yield ox.Triple(node, _START, date_literal(st.since))
        if st.until:
            yield ox.Triple(node, _END, date_literal(st.until))
        if st.note:
            yield ox.Triple(node, _NOTE, ox.Literal(st.note))
        if st.quote:
            yield ox.Triple(node, _QUOTE, ox.Literal(st.quote))


def new_rdflib_graph(store: str = "Oxigraph"):
    """An empty rdflib Graph on the Oxigraph store, with only graphkit's prefixes bound."""
    from rdflib import Graph
    from rdflib.graph import DATASET_DEFAULT_GRAPH_ID

    # The default-graph identifier maps to Oxigraph's default graph, so SPARQL sees the data
    # without GRAPH clauses; bind_namespaces="none" keeps rdflib's ~30 default prefixes out.
    return Graph(store=store, identifier=DATASET_DEFAULT_GRAPH_ID, bind_namespaces="none")


def to_rdflib(triples: Iterable[ox.Triple], prefixes: dict[str, str] | None = None, store: str = "Oxigraph"):
    """Load triples into an rdflib Graph; on Oxigraph in one bulk call."""
    from rdflib import URIRef

    graph = new_rdflib_graph(store)
    for prefix, namespace in (prefixes or STANDARD_PREFIXES).items():
        graph.bind(prefix, URIRef(namespace))
    if store == "Oxigraph":
        default = ox.DefaultGraph()
        graph.store._inner.extend(ox.Quad(t.subject, t.predicate, t.object, default) for t in triples)
    else:
        from oxrdflib._converter import from_ox

        graph.addN((from_ox(t.subject), from_ox(t.predicate), from_ox(t.object), graph) for t in triples)
    return graph


def build_rdf(graph: KnowledgeGraph, base_iri: str = DEFAULT_BASE_IRI, ontology: Ontology | None = None,
              store: str = "Oxigraph"):
    """The canonical model as an rdflib Graph (Oxigraph store by default)."""
    return to_rdflib(rdf_triples(graph, base_iri, ontology), data_prefixes(base_iri), store)


# ---------------------------------------------------------------------- RDF -> model

def _local(iri: str) -> str:
    return iri.rstrip("/").rsplit("/", 1)[-1]


def _python_value(literal: ox.Literal, value_type: str):
    datatype = literal.datatype.value
    if datatype == XSD + "integer":
        return int(literal.value)
    if datatype in (XSD + "double", XSD + "decimal", XSD + "float"):
        number = float(literal.value)
        return int(number) if datatype == XSD + "decimal" and number.is_integer() else number
    if datatype == XSD + "boolean":
        return literal.value == "true"
    return literal.value


def from_triples(triples: Iterable[ox.Triple], ontology: Ontology | None = None,
                 origin: str = "") -> KnowledgeGraph:
    """Rebuild the model from graphkit RDF (base IRI agnostic). Ontology triples are ignored."""
    ontology = ontology or load_ontology()
    by_subject: dict[str, dict[str, list]] = defaultdict(lambda: defaultdict(list))
    for t in triples:
        if isinstance(t.subject, ox.NamedNode):
            by_subject[t.subject.value][t.predicate.value].append(t.object)

    problems: list[Problem] = []
    graph = KnowledgeGraph()

    def one(props, key):
        values = props.get(key)
        return values[0] if values else None

    def text(props, key):
        value = one(props, key)
        return value.value if value is not None else None

    for iri, props in sorted(by_subject.items()):
        types = [o.value for o in props.get(RDF + "type", [])]
        class_info = next((ontology.class_by_iri[t] for t in types if t in ontology.class_by_iri), None)
        if class_info is not None:
            labels = {lit.language: lit.value for lit in props.get(RDFS + "label", [])
                      if isinstance(lit, ox.Literal) and lit.language}
            name = text(props, SCHEMA + "name") or labels.get("en") or _local(iri)
            if labels.get("en") == name:
                del labels["en"]
            attributes = {}
            for predicate, values in props.items():
                info = ontology.attribute_by_iri.get(predicate)
                if info is not None and values:
                    attributes[info.key] = _python_value(values[0], info.value_type)
            same_as = [o.value for o in props.get(OWL + "sameAs", []) if o.value.startswith(WIKIDATA)]
            graph.entities[_local(iri)] = Entity(
                _local(iri), class_info.key, name, dict(sorted(labels.items())),
                tuple(sorted(o.value for o in props.get(SKOS + "altLabel", []))),
                _local(same_as[0]) if same_as else None, text(props, SCHEMA + "description"),
                dict(sorted(attributes.items())))
        elif GK + "Source" in types:
            publisher = one(props, DCTERMS + "publisher")
            url = one(props, SCHEMA + "url")
            graph.sources[_local(iri)] = Source(
                _local(iri), text(props, DCTERMS + "title") or "", _local(publisher.value) if publisher else None,
                url.value if url is not None else None, text(props, DCTERMS + "issued"),
                text(props, DCTERMS + "language"),
                tuple(sorted(_local(o.value) for o in props.get(DCTERMS + "references", []))))
        elif GK + "Statement" in types:
            predicate = text(props, RDF + "predicate")
            relation = ontology.relation_by_iri.get(predicate or "")
            status = ontology.status_by_iri.get(text(props, GK + "status") or "")
            subject, obj = one(props, RDF + "subject"), one(props, RDF + "object")
            if relation is None or status is None or subject is None or obj is None:
                problems.append(Problem(origin, 0, f"statement <{iri}> lacks a known relation, status, "
                                                   "subject or object"))
                continue
            market = one(props, GK + "market")
            st = Statement(_local(subject.value), relation.key, _local(obj.value), status.key,
                           tuple(sorted(_local(o.value) for o in props.get(PROV + "wasDerivedFrom", []))),
                           _local(market.value) if market is not None else None,
                           text(props, SCHEMA + "startDate"), text(props, SCHEMA + "endDate"),
                           text(props, GK + "note"), text(props, GK + "quote"), symmetric=relation.symmetric)
            if st.id != _local(iri):
                problems.append(Problem(origin, 0, f"statement <{iri}> does not match its content "
                                                   f"(expected id {st.id}); was it edited by hand?"))
            graph.statements.append(st)
    if not problems:
        from .loader import check_graph

        problems = [Problem(origin, 0, p.message) for p in check_graph(graph, ontology)]
    if problems:
        raise ValidationError(problems)
    return graph


RDF_FORMATS = {".ttl": ox.RdfFormat.TURTLE, ".nt": ox.RdfFormat.N_TRIPLES, ".trig": ox.RdfFormat.TRIG,
               ".nq": ox.RdfFormat.N_QUADS, ".rdf": ox.RdfFormat.RDF_XML, ".owl": ox.RdfFormat.RDF_XML,
               ".jsonld": ox.RdfFormat.JSON_LD}


def load_rdf_file(path: str | os.PathLike, ontology: Ontology | None = None) -> KnowledgeGraph:
    """Read a graphkit export (Turtle, N-Triples, JSON-LD...) back into the model."""
    path = Path(path)
    fmt = RDF_FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise GraphkitError(f"{path}: unknown RDF file extension (known: {', '.join(RDF_FORMATS)})")
    try:
        with path.open("rb") as handle:
            triples = [q.triple for q in ox.parse(handle, fmt)] if fmt.supports_datasets else list(ox.parse(handle, fmt))
    except OSError as exc:
        raise GraphkitError(f"{path}: cannot read: {exc}") from None
    except SyntaxError as exc:
        raise ValidationError([Problem(str(path), _syntax_line(exc), f"RDF syntax error: {exc}")]) from None
    return from_triples(triples, ontology, origin=str(path))


def load_turtle(path: str | os.PathLike, ontology: Ontology | None = None) -> KnowledgeGraph:
    """Read Turtle written by graphkit back into the model (the round trip of the exports)."""
    return load_rdf_file(path, ontology)


def _syntax_line(exc: SyntaxError) -> int:
    return exc.lineno or 0
