"""Every SPARQL pack query (queries/*.rq) and its Cypher twin (queries/cypher/*.cypher) give the
same answers on the seed data: SPARQL on the embedded Oxigraph store, Cypher on the embedded
FalkorDB engine, both with the queries' default parameters.

Answers are compared as sorted lists of plain values: entity, source and statement IRIs become
their ids; ontology IRIs their keys (gk:partnersWith -> "partners-with", gk:confirmed ->
"confirmed", gk:Company -> "Company"); RDF vocabulary becomes the property-graph property it
maps to (schema:name -> name, rdfs:label@fr -> name_fr, skos:altLabel -> aliases,
owl:sameAs wd:Q312 -> wikidata "Q312", rdf:type -> type); literals their Python values, dates
their lexical form; a GROUP_CONCAT of sources the sorted list Cypher returns.
"""
from decimal import Decimal
from pathlib import Path

import pytest

from graphkit.api import load
from graphkit.ontology import OWL, RDF, RDFS, SKOS, load_ontology
from graphkit.propertygraph import property_name
from graphkit.rdf import DEFAULT_BASE_IRI, SCHEMA, WIKIDATA, IRIs

ROOT = Path(__file__).resolve().parents[1]
RQ = sorted((ROOT / "queries").glob("*.rq"))

VOCABULARY = {RDF + "type": "type", SCHEMA + "name": "name", SKOS + "altLabel": "aliases",
              SCHEMA + "description": "description", OWL + "sameAs": "wikidata"}
DATE_TYPES = ("gYear", "gYearMonth", "date", "dateTime")


def plain(term):
    """A SPARQL result term as the plain value the Cypher twin returns."""
    from rdflib import Literal, URIRef

    if term is None:
        return None
    ontology = load_ontology()
    if isinstance(term, URIRef):
        iri = str(term)
        iris = IRIs(DEFAULT_BASE_IRI)
        for base in (iris.entity(""), iris.source(""), iris.statement("")):
            if iri.startswith(base):
                return iri[len(base):]
        for table in (ontology.status_by_iri, ontology.relation_by_iri, ontology.class_by_iri):
            if iri in table:
                return table[iri].key
        if iri in ontology.attribute_by_iri:
            return property_name(ontology.attribute_by_iri[iri].key)
        if iri.startswith(WIKIDATA):
            return iri[len(WIKIDATA):]
        return VOCABULARY.get(iri, iri)
    assert isinstance(term, Literal), term
    if term.datatype is not None and str(term.datatype).rsplit("#", 1)[-1] in DATE_TYPES:
        return str(term)
    value = term.toPython()
    if isinstance(value, Decimal):
        return float(value)
    return value if not isinstance(value, Literal) else str(value)


def sparql_row(columns, terms, list_columns):
    """A SPARQL row as a tuple of plain values, lists sorted."""
    row = dict(zip(columns, terms, strict=True))
    out = []
    for column, term in zip(columns, terms, strict=True):
        value = plain(term)
        if column == "property" and str(term) == RDFS + "label":  # rdfs:label "Apple"@fr -> name_fr
            value = "name_" + row["value"].language.replace("-", "_")
        if column in list_columns and (value is None or isinstance(value, str)):
            value = value.split(", ") if value else []  # GROUP_CONCAT(...; separator=", "), unbound if empty
        out.append(tuple(sorted(value)) if isinstance(value, list) else value)
    return tuple(out)


def cypher_row(values):
    return tuple(tuple(sorted(v)) if isinstance(v, list) else v for v in values)


@pytest.fixture(scope="module")
def engine(tmp_path_factory):
    from graphkit.cypher.falkordb import EmbeddedEngine

    engine = EmbeddedEngine(tmp_path_factory.mktemp("parity-cache"))
    try:
        yield engine
    finally:
        engine.stop()


def test_every_sparql_query_has_a_cypher_twin():
    from graphkit.cypher import cypher_pack

    assert RQ, "no SPARQL pack"
    assert sorted(cypher_pack()) == sorted(p.stem for p in RQ)


def test_twins_declare_the_same_parameters():
    from graphkit.cypher import cypher_pack
    from graphkit.sparql import list_queries

    pack = cypher_pack()
    for query in list_queries():
        assert pack[query.name].defaults == {p.name: p.default for p in query.params}, query.name


def compare(name, graph, engine, params=None) -> int:
    """Run the SPARQL query and its twin with `params` (default: declared defaults), assert the
    same answer, return the answer's size."""
    from graphkit.cypher import pack_query
    from graphkit.sparql import load_query, run_sparql

    sparql = run_sparql(load_query(name), graph, params=params)
    text, values = pack_query(name, params)
    cypher = engine.run(graph, text, values)
    where = f"{name} {params or ''}"
    if sparql.kind == "ask":
        assert cypher.rows == [[sparql.boolean]], where
        return int(sparql.boolean)
    if sparql.kind == "graph":
        expected = {(plain(s), plain(p), plain(o)) for s, p, o in sparql.graph}
        assert cypher.columns == ["subject", "predicate", "object"], where
        assert sorted(map(tuple, cypher.rows), key=repr) == sorted(expected, key=repr), where
        return len(expected)
    assert cypher.columns == list(sparql.variables), where
    list_columns = {c for row in cypher.rows for c, v in zip(cypher.columns, row, strict=True) if isinstance(v, list)}
    expected = sorted((sparql_row(cypher.columns, row, list_columns) for row in sparql.rows), key=repr)
    got = sorted((cypher_row(row) for row in cypher.rows), key=repr)
    assert got == expected, where
    return len(got)


@pytest.mark.server
@pytest.mark.parametrize("name", [p.stem for p in RQ])
def test_same_answers_on_seed_data(name, seed_graph, engine):
    assert compare(name, seed_graph, engine) > 0, f"{name}: no answer on the seed data, the comparison would prove nothing"


#: Parameter sets for the edge cases; each query takes the ones it declares.
EDGE_PARAMS = [
    {"entity": "apple", "company": "apple", "market": "china", "from": "alibaba", "to": "a18"},
    {"entity": "qwen", "company": "tencent", "market": "china", "from": "qwen-vl", "to": "iphone"},
    {"entity": "iphone", "company": "alibaba", "market": "china", "from": "a18", "to": "alibaba"},
    {"entity": "tencent", "company": "huawei", "market": "china", "from": "apple", "to": "a18"},
]


@pytest.fixture(scope="module")
def edge_cases():
    return load(ROOT / "tests" / "data" / "cypher" / "parity.yaml")


@pytest.mark.server
@pytest.mark.parametrize("name", [p.stem for p in RQ])
def test_same_answers_on_edge_cases(name, edge_cases, engine):
    from graphkit.sparql import load_query

    declared = {p.name for p in load_query(name).params}
    variants = {tuple(sorted((k, v) for k, v in params.items() if k in declared)) for params in EDGE_PARAMS}
    sizes = [compare(name, edge_cases, engine, dict(variant) or None) for variant in sorted(variants)]
    assert any(sizes), f"{name}: no answer on the edge cases"


@pytest.mark.server
def test_done_when_query_matches_its_sparql_twin(seed_graph, engine):
    """The issue's example query and the same question in SPARQL."""
    from graphkit.sparql import run_sparql

    cypher = engine.run(seed_graph, "MATCH (a:Company {name:'Apple'})-[r:PARTNERS_WITH]-(b) RETURN b.name, r.status")
    sparql = run_sparql("""
        SELECT ?name ?status WHERE {
          ?a a gk:Company ; schema:name "Apple" .
          { ?st rdf:subject ?a ; rdf:object ?b } UNION { ?st rdf:object ?a ; rdf:subject ?b }
          ?st rdf:predicate gk:partnersWith ; gk:status ?status .
          ?b schema:name ?name .
        }""", seed_graph)
    assert sorted(map(tuple, cypher.rows)) == sorted((plain(n), plain(s)) for n, s in sparql.rows)
    assert len(cypher.rows) >= 2
