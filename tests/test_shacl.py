"""SHACL: pyrudof (the default engine) reports the same problems as pyshacl (the reference) on
the seed and on the seed's RDF with injected violations of every kind of constraint in
ontology/shapes.ttl, each located at its YAML line."""
import pytest

from graphkit.rdf import ntriples, to_rdflib
from graphkit.shacl import default_engine, shacl_problems

pytest.importorskip("pyrudof")

E = "<https://w3id.org/graphkit/entity/"
NAME = "<https://schema.org/name>"
LABEL = "<http://www.w3.org/2000/01/rdf-schema#label>"
SAMEAS = "<http://www.w3.org/2002/07/owl#sameAs>"
TYPE = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"
STATUS = "<https://w3id.org/graphkit/ontology#status>"
DERIVED = "<http://www.w3.org/ns/prov#wasDerivedFrom>"
OBJECT = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#object>"
URL = "<https://schema.org/url>"
YM = "^^<http://www.w3.org/2001/XMLSchema#gYearMonth>"


def _inject(lines: list[str]) -> list[str]:
    """One or more violations of each constraint kind: minCount, maxCount, datatype, minLength,
    uniqueLang, pattern, nodeKind, in, class, node/or (dates), relation domain and range."""
    out = []
    seen = set()

    def first(kind, line):
        if kind in seen:
            return False
        seen.add(kind)
        return True

    for line in lines:
        subject = line.split(" ", 1)[0]
        if NAME in line and subject.startswith(E + "apple>"):
            continue  # minCount
        if NAME in line and subject.startswith(E + "alibaba>"):
            out.append(f'{subject} {NAME} "Alibaba Group" .')  # maxCount
        if NAME in line and subject.startswith(E + "huawei>"):
            line = f'{subject} {NAME} "" .'  # minLength
        if NAME in line and subject.startswith(E + "xiaomi>"):
            line = f'{subject} {NAME} "Xiaomi"@en .'  # datatype
        if LABEL in line and '"@en' not in line and first("lang", line):
            out.append(line.replace('" .', ' bis" .').replace('"@', ' bis"@'))  # uniqueLang
        if SAMEAS in line and first("sameas", line):
            line = line.replace("wikidata.org/entity/Q", "example.org/Q")  # pattern
        if STATUS in line and first("status", line):
            line = line.rsplit(" ", 2)[0] + " <https://w3id.org/graphkit/ontology#bogus> ."  # in
        if DERIVED in line and first("derived", line):
            continue  # minCount / class on a statement
        if OBJECT in line and first("object", line):
            line = line.rsplit(" ", 2)[0] + ' "not a node" .'  # nodeKind
        if URL in line and first("url", line):
            line = line.rsplit(" ", 2)[0] + ' "https://example.org/x" .'  # nodeKind IRI
        if YM in line and first("date", line):
            line = line.replace(YM, "")  # sh:node DateLike (sh:or of datatypes)
        if TYPE in line and subject.startswith(E + "qualcomm>") and "Company" in line:
            line = f"{subject} {TYPE} <https://w3id.org/graphkit/ontology#Market> ."  # class (domain/range)
        out.append(line)
    return out


@pytest.fixture(scope="module")
def injected(seed_graph):
    lines = _inject(ntriples(seed_graph).decode("utf-8").splitlines())
    return to_rdflib(("\n".join(lines) + "\n").encode("utf-8"))


def test_default_engine_is_pyrudof():
    assert default_engine() == "pyrudof"


def test_seed_conforms_on_both(seed_graph):
    rdf = to_rdflib(ntriples(seed_graph))
    assert shacl_problems(seed_graph, rdf, engine="pyrudof") == shacl_problems(seed_graph, rdf, engine="pyshacl") == []


def test_injected_violations_same_on_both(seed_graph, injected):
    reference = shacl_problems(seed_graph, injected, engine="pyshacl")
    got = shacl_problems(seed_graph, injected, engine="pyrudof")
    assert got == reference
    text = "\n".join(p.message for p in got)
    for expected in ("apple (schema:name): An entity has exactly one", "alibaba (schema:name)", "huawei (schema:name)",
                     "xiaomi (schema:name)", "(rdfs:label): An entity has language-tagged labels", "(owl:sameAs)",
                     "status", "(rdf:object)", "(schema:url)", "qualcomm: The subject of"):
        assert expected in text, expected
    assert len(got) >= 10
    located = [p for p in got if p.file]
    assert len(located) == len(got) and all(p.line > 0 for p in located)


def test_unknown_engine(seed_graph):
    with pytest.raises(ValueError, match="unknown SHACL engine"):
        shacl_problems(seed_graph, to_rdflib(ntriples(seed_graph)), engine="nope")
