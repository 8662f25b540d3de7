"""The ontology: bilingual labels, domains and ranges, SHACL shapes that catch bad data."""
import rdflib

from graphkit.ontology import load_ontology, ontology_dir
from graphkit.rdf import build_rdf
from graphkit.shacl import shacl_problems

REQUIRED_CLASSES = {"Organization", "Company", "ResearchLab", "Publisher", "AnalystFirm", "Regulator", "Person",
                    "AIModel", "AIProduct", "Device", "Market"}
REQUIRED_RELATIONS = {"partners-with", "competes-with", "in-talks-with", "develops", "ships", "powers", "runs-on",
                      "available-in", "operates-in", "subsidiary-of", "based-on", "outperforms", "leads"}


def test_vocabulary_is_complete_and_bilingual():
    onto = load_ontology()
    assert REQUIRED_CLASSES <= set(onto.classes)
    assert REQUIRED_RELATIONS <= set(onto.relations)
    for item in [*onto.classes.values(), *onto.relations.values()]:
        assert {"en", "fr", "zh"} <= set(item.labels), item.key
        assert {"en", "fr"} <= set(item.comments), item.key
    assert onto.relations["partners-with"].symmetric and onto.relations["competes-with"].symmetric
    assert not onto.relations["develops"].symmetric
    assert onto.relations["powers"].domain == ("AIModel",) and onto.relations["powers"].range == ("AIProduct",)
    assert onto.classes["Company"].neo4j_labels == ("Company", "Organization")
    assert list(onto.statuses)[:2] == ["confirmed", "reported"] and "denied" in onto.statuses


def test_reused_vocabularies():
    graph = rdflib.Graph().parse(ontology_dir() / "graphkit.ttl")
    gk = rdflib.Namespace("https://w3id.org/graphkit/ontology#")
    assert (gk.partnersWith, rdflib.RDFS.subPropertyOf, rdflib.URIRef("http://www.w3.org/ns/org#linkedTo")) in graph
    assert (gk.partnersWith, rdflib.RDF.type, rdflib.OWL.SymmetricProperty) in graph
    assert (gk.Organization, rdflib.RDFS.subClassOf, rdflib.URIRef("https://schema.org/Organization")) in graph
    assert (gk.basedOn, rdflib.RDFS.subPropertyOf, rdflib.URIRef("https://schema.org/isBasedOn")) in graph
    assert (gk.rumored, rdflib.SKOS.inScheme, gk.CertaintyScheme) in graph


def test_seed_data_conforms_to_shapes(seed_graph):
    assert shacl_problems(seed_graph, build_rdf(seed_graph)) == []


def test_shapes_catch_broken_rdf(seed_graph):
    graph = build_rdf(seed_graph)
    gk = rdflib.Namespace("https://w3id.org/graphkit/ontology#")
    prov = rdflib.Namespace("http://www.w3.org/ns/prov#")
    statement = next(graph.subjects(gk.status, gk.rumored))
    graph.remove((statement, prov.wasDerivedFrom, None))   # a statement without a source
    graph.add((statement, gk.status, gk.confirmed))         # and two statuses
    apple = rdflib.URIRef("https://w3id.org/graphkit/entity/apple")
    qwen_target = rdflib.URIRef("https://w3id.org/graphkit/entity/apple-intelligence")
    graph.add((apple, gk.powers, qwen_target))             # a Company cannot power a product
    messages = [p.message for p in shacl_problems(seed_graph, graph)]
    assert any("at least one source" in m for m in messages)
    assert any("exactly one certainty status" in m for m in messages)
    assert any("subject of powers must be: AIModel" in m for m in messages)
    # violations are located back in the YAML
    located = [p for p in shacl_problems(seed_graph, graph) if "at least one source" in p.message]
    assert located[0].file.endswith(".yaml") and located[0].line > 0
