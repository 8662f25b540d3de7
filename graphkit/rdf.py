"""KnowledgeGraph <-> RDF.

Each fact becomes an asserted triple (`:apple gk:partnersWith :alibaba`, left out for denied
facts) plus a reified statement node with a deterministic IRI carrying status, sources, market
and dates (docs/architecture.md, "The provenance model"). Triples are produced in a canonical sorted order, so exports are
byte-identical for the same input, and loaded into rdflib on the Oxigraph store in bulk.
"""
from __future__ import annotations

import io
import os
from collections import defaultdict
from collections.abc import Iterable, Iterator
from pathlib import Path

import pyoxigraph as ox

from .defaults import DEFAULT_BASE_IRI
from .errors import GraphkitError, Problem, ValidationError
from .model import Entity, KnowledgeGraph, Source, Statement, StatusStep, date_precision
from .ontology import GK, OWL, RDF, RDFS, SKOS, XSD, Ontology, load_ontology

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


def _iri(iri: str) -> str:
    return f"<{iri}>"


def _lit(text: str, *, lang: str | None = None, datatype: str | None = None) -> str:
    """An N-Triples literal; text from YAML is escaped, never trusted."""
    escaped = (text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
               .replace("\r", "\\r"))
    if lang:
        return f'"{escaped}"@{lang}'
    if datatype:
        return f'"{escaped}"^^<{datatype}>'
    return f'"{escaped}"'


_TYPE = _iri(RDF + "type")
_LABEL = _iri(RDFS + "label")
_NAME = _iri(SCHEMA + "name")
_ALT = _iri(SKOS + "altLabel")
_DESCRIPTION = _iri(SCHEMA + "description")
_SAME_AS = _iri(OWL + "sameAs")
_TITLE = _iri(DCTERMS + "title")
_PUBLISHER = _iri(DCTERMS + "publisher")
_URL = _iri(SCHEMA + "url")
_ISSUED = _iri(DCTERMS + "issued")
_LANGUAGE = _iri(DCTERMS + "language")
_REFERENCES = _iri(DCTERMS + "references")
_SUBJECT, _PREDICATE, _OBJECT = _iri(RDF + "subject"), _iri(RDF + "predicate"), _iri(RDF + "object")
_RDF_STATEMENT = _iri(RDF + "Statement")
_GK_STATEMENT, _GK_SOURCE = _iri(GK + "Statement"), _iri(GK + "Source")
_STATUS, _MARKET = _iri(GK + "status"), _iri(GK + "market")
_NOTE, _QUOTE = _iri(GK + "note"), _iri(GK + "quote")
_COMMENT = _iri(RDFS + "comment")
_DERIVED = _iri(PROV + "wasDerivedFrom")
_START, _END = _iri(SCHEMA + "startDate"), _iri(SCHEMA + "endDate")
# reported time: when a fact was first known, and the steps of its status history
_FIRST_REPORTED, _HISTORY = _iri(GK + "firstReported"), _iri(GK + "statusHistory")
_STATUS_CHANGE, _DATE = _iri(GK + "StatusChange"), _iri(DCTERMS + "date")

_DATE_TYPES = {"year": XSD + "gYear", "month": XSD + "gYearMonth", "day": XSD + "date"}


def date_literal(text: str) -> str:
    return _lit(text, datatype=_DATE_TYPES[date_precision(text)])


def _attribute_literal(value_type: str, value) -> str:
    if value_type == "date":
        return date_literal(value)
    if isinstance(value, bool):
        return _lit("true" if value else "false", datatype=XSD + "boolean")
    if isinstance(value, int):
        return _lit(str(value), datatype=XSD + "integer")
    if isinstance(value, float):
        return _lit(repr(value), datatype=XSD + "double")
    if value_type == "uri":
        return _lit(value, datatype=XSD + "anyURI")
    return _lit(value)


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


def ntriples_lines(graph: KnowledgeGraph, base_iri: str = DEFAULT_BASE_IRI,
                   ontology: Ontology | None = None) -> Iterator[str]:
    """Every triple of the graph as an N-Triples line, in canonical order (entities, sources,
    statements; each sorted). Text is cheaper to build than term objects and Oxigraph parses it
    in bulk, which makes this the fast path for large graphs."""
    ontology = ontology or load_ontology()
    iris = IRIs(base_iri)
    entity_node = {eid: _iri(iris.entity(eid)) for eid in graph.entities}
    source_node = {sid: _iri(iris.source(sid)) for sid in graph.sources}
    class_node = {k: _iri(c.iri) for k, c in ontology.classes.items()}
    relation_node = {k: _iri(r.iri) for k, r in ontology.relations.items()}
    attribute_node = {k: _iri(a.iri) for k, a in ontology.attributes.items()}
    status_node = {k: _iri(s.iri) for k, s in ontology.statuses.items()}
    statements = sorted(((st.id, st) for st in graph.statements), key=lambda pair: pair[0])
    asserted: dict[str, list[tuple[str, Statement]]] = defaultdict(list)
    for sid, st in statements:
        if st.status != "denied":  # a denied fact must not appear as a plain, "true" triple
            asserted[st.subject].append((sid, st))

    for entity in graph.sorted_entities():
        node = entity_node[entity.id]
        yield f"{node} {_TYPE} {class_node[entity.type]} ."
        yield f"{node} {_NAME} {_lit(entity.name)} ."
        labels = {"en": entity.name, **entity.labels}
        for lang in sorted(labels):
            yield f"{node} {_LABEL} {_lit(labels[lang], lang=lang)} ."
        for alias in sorted(set(entity.aliases)):
            yield f"{node} {_ALT} {_lit(alias)} ."
        if entity.description:
            yield f"{node} {_DESCRIPTION} {_lit(entity.description)} ."
        if entity.wikidata:
            yield f"{node} {_SAME_AS} <{WIKIDATA}{entity.wikidata}> ."
        for key in sorted(entity.attributes):
            value = _attribute_literal(ontology.attributes[key].value_type, entity.attributes[key])
            yield f"{node} {attribute_node[key]} {value} ."
        for _sid, st in sorted(asserted.get(entity.id, ()), key=lambda p: (p[1].relation, p[1].object, p[0])):
            yield f"{node} {relation_node[st.relation]} {entity_node[st.object]} ."

    for source in graph.sorted_sources():
        node = source_node[source.id]
        yield f"{node} {_TYPE} {_GK_SOURCE} ."
        yield f"{node} {_TITLE} {_lit(source.title)} ."
        if source.publisher:
            yield f"{node} {_PUBLISHER} {entity_node[source.publisher]} ."
        if source.url:
            yield f"{node} {_URL} <{source.url}> ."
        if source.date:
            yield f"{node} {_ISSUED} {date_literal(source.date)} ."
        if source.language:
            yield f"{node} {_LANGUAGE} {_lit(source.language, datatype=XSD + 'language')} ."
        for cited in sorted(source.cites):
            yield f"{node} {_REFERENCES} {source_node[cited]} ."
        if source.note:
            yield f"{node} {_COMMENT} {_lit(source.note)} ."

    statement_base = iris.statement("")
    for sid, st in statements:
        node = f"<{statement_base}{sid}>"
        yield f"{node} {_TYPE} {_RDF_STATEMENT} ."
        yield f"{node} {_TYPE} {_GK_STATEMENT} ."
        yield f"{node} {_SUBJECT} {entity_node[st.subject]} ."
        yield f"{node} {_PREDICATE} {relation_node[st.relation]} ."
        yield f"{node} {_OBJECT} {entity_node[st.object]} ."
        yield f"{node} {_STATUS} {status_node[st.status]} ."
        for source_id in sorted(st.sources):
            yield f"{node} {_DERIVED} {source_node[source_id]} ."
        if st.market:
            yield f"{node} {_MARKET} {entity_node[st.market]} ."
        if st.since:
            yield f"{node} {_START} {date_literal(st.since)} ."
        if st.until:
            yield f"{node} {_END} {date_literal(st.until)} ."
        if st.note:
            yield f"{node} {_NOTE} {_lit(st.note)} ."
        if st.quote:
            yield f"{node} {_QUOTE} {_lit(st.quote)} ."
        first_reported = st.first_reported(graph.sources)
        if first_reported:
            yield f"{node} {_FIRST_REPORTED} {date_literal(first_reported)} ."
        for number, step in enumerate(st.history, 1):
            step_node = f"<{statement_base}{sid}/history/{number}>"
            yield f"{node} {_HISTORY} {step_node} ."
            yield f"{step_node} {_TYPE} {_STATUS_CHANGE} ."
            yield f"{step_node} {_STATUS} {status_node[step.status]} ."
            yield f"{step_node} {_DATE} {date_literal(step.date)} ."
            for source_id in step.sources:
                yield f"{step_node} {_DERIVED} {source_node[source_id]} ."


#: Bytes of N-Triples text handed to a parser at a time by LineStream.
CHUNK_BYTES = 8 << 20


class LineStream(io.RawIOBase):
    """A read-only binary file over an iterator of text lines (each written with a newline), so
    a parser can consume generated N-Triples without the whole text ever being in memory."""

    def __init__(self, lines: Iterable[str], chunk_bytes: int = CHUNK_BYTES):
        self._lines = iter(lines)
        self._chunk = chunk_bytes
        self._buffer = b""
        self._offset = 0
        self.count = 0

    def readable(self) -> bool:
        return True

    def _fill(self) -> bool:
        parts: list[str] = []
        size = 0
        for line in self._lines:
            parts.append(line)
            size += len(line)
            if size >= self._chunk:
                break
        if not parts:
            return False
        self.count += len(parts)
        parts.append("")
        self._buffer = "\n".join(parts).encode("utf-8")
        self._offset = 0
        return True

    def readinto(self, target) -> int:
        if self._offset >= len(self._buffer) and not self._fill():
            return 0
        size = min(len(target), len(self._buffer) - self._offset)
        target[:size] = self._buffer[self._offset:self._offset + size]
        self._offset += size
        return size


def ntriples(graph: KnowledgeGraph, base_iri: str = DEFAULT_BASE_IRI, ontology: Ontology | None = None) -> bytes:
    """The whole graph as N-Triples bytes, in canonical order."""
    return ("\n".join(ntriples_lines(graph, base_iri, ontology)) + "\n").encode("utf-8")


def rdf_triples(graph: KnowledgeGraph, base_iri: str = DEFAULT_BASE_IRI,
                ontology: Ontology | None = None) -> list[ox.Triple]:
    """Every triple of the graph as pyoxigraph Triples, in canonical order."""
    return list(ox.parse(ntriples(graph, base_iri, ontology), ox.RdfFormat.N_TRIPLES))


def new_rdflib_graph(store: str = "Oxigraph"):
    """An empty rdflib Graph on the Oxigraph store, with only graphkit's prefixes bound."""
    from rdflib import Graph
    from rdflib.graph import DATASET_DEFAULT_GRAPH_ID

    # The default-graph identifier maps to Oxigraph's default graph, so SPARQL sees the data
    # without GRAPH clauses; bind_namespaces="none" keeps rdflib's ~30 default prefixes out.
    return Graph(store=store, identifier=DATASET_DEFAULT_GRAPH_ID, bind_namespaces="none")


def to_rdflib(data: bytes, prefixes: dict[str, str] | None = None, store: str = "Oxigraph"):
    """Load N-Triples bytes into an rdflib Graph; on Oxigraph with its bulk loader."""
    from rdflib import URIRef

    graph = new_rdflib_graph(store)
    for prefix, namespace in (prefixes or STANDARD_PREFIXES).items():
        graph.bind(prefix, URIRef(namespace))
    if store == "Oxigraph":
        from ._compat import oxigraph_store

        oxigraph_store(graph).bulk_load(data, ox.RdfFormat.N_TRIPLES, to_graph=ox.DefaultGraph())
    else:
        graph.parse(data=data, format="nt")
    return graph


def build_rdf(graph: KnowledgeGraph, base_iri: str = DEFAULT_BASE_IRI, ontology: Ontology | None = None,
              store: str = "Oxigraph"):
    """The canonical model as an rdflib Graph (Oxigraph store by default; store="default" gives
    rdflib's own memory store, the baseline in benchmarks)."""
    return to_rdflib(ntriples(graph, base_iri, ontology), data_prefixes(base_iri), store)


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
                tuple(sorted(_local(o.value) for o in props.get(DCTERMS + "references", []))),
                text(props, RDFS + "comment"))
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
            history = []
            for step_node in props.get(GK + "statusHistory", []):
                step = by_subject.get(step_node.value, {})
                step_status = ontology.status_by_iri.get(text(step, GK + "status") or "")
                step_date = text(step, DCTERMS + "date")
                if step_status is None or step_date is None:
                    problems.append(Problem(origin, 0, f"status step <{step_node.value}> lacks a known status "
                                                       "or a date"))
                    continue
                number = step_node.value.rsplit("/", 1)[-1]
                history.append((int(number) if number.isdigit() else 0, StatusStep(
                    step_status.key, step_date,
                    tuple(sorted(_local(o.value) for o in step.get(PROV + "wasDerivedFrom", []))))))
            st = Statement(_local(subject.value), relation.key, _local(obj.value), status.key,
                           tuple(sorted(_local(o.value) for o in props.get(PROV + "wasDerivedFrom", []))),
                           _local(market.value) if market is not None else None,
                           text(props, SCHEMA + "startDate"), text(props, SCHEMA + "endDate"),
                           text(props, GK + "note"), text(props, GK + "quote"), symmetric=relation.symmetric,
                           history=tuple(step for _, step in sorted(history, key=lambda pair: pair[0])))
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
