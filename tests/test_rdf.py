"""The RDF projection: asserted triples, statement nodes, and answers by SPARQL on the exported
Turtle loaded with plain rdflib (no graphkit code on the reading side)."""
import pytest
import rdflib

from graphkit.rdf import IRIs, build_rdf

PREFIXES = """
PREFIX gk: <https://w3id.org/graphkit/ontology#>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX schema: <https://schema.org/>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX prov: <http://www.w3.org/ns/prov#>
"""


@pytest.fixture(scope="module")
def exported(seed_exports):
    graph = rdflib.Graph()
    graph.parse(seed_exports / "graph.ttl", format="turtle")
    return graph


def names(result, var="name"):
    return sorted(str(row[var]) for row in result)


def test_apple_partners_in_china_confirmed(exported):
    rows = list(exported.query(PREFIXES + """
        SELECT ?name ?status WHERE {
          ?st a gk:Statement ; rdf:predicate gk:partnersWith ; gk:market ?market ; gk:status ?s .
          ?market schema:name "China" .
          { ?st rdf:subject ?apple ; rdf:object ?partner } UNION { ?st rdf:object ?apple ; rdf:subject ?partner }
          ?apple schema:name "Apple" .
          ?partner schema:name ?name .
          BIND(STRAFTER(STR(?s), "#") AS ?status)
        }"""))
    assert [(str(r.name), str(r.status)) for r in rows] == [("Alibaba", "confirmed")]


def test_rumored_partners_of_apple_in_china(exported):
    rows = exported.query(PREFIXES + """
        SELECT DISTINCT ?name WHERE {
          ?st a gk:Statement ; gk:status gk:rumored ; gk:market/schema:name "China" ;
              rdf:predicate ?p .
          VALUES ?p { gk:partnersWith gk:inTalksWith }
          { ?st rdf:subject ?apple ; rdf:object ?other } UNION { ?st rdf:object ?apple ; rdf:subject ?other }
          ?apple schema:name "Apple" .
          ?other schema:name ?name .
        }""")
    assert names(rows) == ["Baidu", "Tencent"]


def test_sources_behind_apple_alibaba_deal(exported):
    rows = exported.query(PREFIXES + """
        SELECT ?publisher ?title ?url WHERE {
          ?st rdf:predicate gk:partnersWith ; prov:wasDerivedFrom ?src .
          { ?st rdf:subject ?a ; rdf:object ?b } UNION { ?st rdf:object ?a ; rdf:subject ?b }
          ?a schema:name "Apple" . ?b schema:name "Alibaba" .
          ?src dcterms:title ?title ; schema:url ?url ; dcterms:publisher/schema:name ?publisher .
        }""")
    publishers = names(rows, "publisher")
    assert "Reuters" in publishers and "Digital Trends" in publishers and "Bloomberg" in publishers


def test_statement_node_shape(seed_graph):
    graph = build_rdf(seed_graph, base_iri="https://example.org/kg/")
    deal = next(s for s in seed_graph.statements
                if s.relation == "partners-with" and {s.subject, s.object} == {"apple", "alibaba"})
    node = rdflib.URIRef(IRIs("https://example.org/kg/").statement(deal.id))
    gk = rdflib.Namespace("https://w3id.org/graphkit/ontology#")
    assert (node, rdflib.RDF.type, rdflib.RDF.Statement) in graph
    assert (node, gk.status, gk.confirmed) in graph
    assert len(list(graph.objects(node, rdflib.URIRef("http://www.w3.org/ns/prov#wasDerivedFrom")))) == len(deal.sources)
    apple = rdflib.URIRef("https://example.org/kg/entity/apple")
    assert (apple, rdflib.OWL.sameAs, rdflib.URIRef("http://www.wikidata.org/entity/Q312")) in graph
    assert rdflib.Literal("苹果公司", lang="zh") in set(graph.objects(apple, rdflib.RDFS.label))


def test_denied_facts_have_no_asserted_triple():
    from pathlib import Path

    from graphkit.loader import load_yaml

    small = load_yaml(Path(__file__).parent / "data" / "valid" / "small.yaml")
    graph = build_rdf(small)
    gk = rdflib.Namespace("https://w3id.org/graphkit/ontology#")
    e = rdflib.Namespace("https://w3id.org/graphkit/entity/")
    assert (e.apple, gk.inTalksWith, e.alibaba) not in graph  # denied
    assert (e.alibaba, gk.partnersWith, e.apple) in graph      # confirmed
    denied = list(graph.subjects(gk.status, gk.denied))
    assert len(denied) == 1


def test_oxigraph_and_memory_store_hold_the_same_triples(seed_graph):
    ox_graph = build_rdf(seed_graph)
    memory = build_rdf(seed_graph, store="default")
    assert len(ox_graph) == len(memory) > 1000

    def normalized(graph):  # Oxigraph spells plain literals as xsd:string (RDF 1.1), rdflib does not
        return {(s, p, rdflib.Literal(str(o), lang=o.language)
                 if isinstance(o, rdflib.Literal) and o.datatype == rdflib.XSD.string else o)
                for s, p, o in graph}

    assert normalized(ox_graph) == normalized(memory)
    # no rdflib default prefixes leak into the graph
    assert "brick" not in dict(ox_graph.namespaces())
