"""graphkit sparql on the embedded store: the question pack's exact answers on the seed data,
output formats, parameters, the SERVICE guard and clean errors. No server is started here
(tests/test_sparql_servers.py has the remote side)."""
import csv
import io
import json
import socket
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner
from rdflib import Literal, URIRef

from graphkit import sparql
from graphkit.cli import main
from graphkit.errors import GraphkitError
from graphkit.model import KnowledgeGraph, Statement
from graphkit.rdf import build_rdf

ROOT = Path(__file__).resolve().parents[1]
E = "https://w3id.org/graphkit/entity/"
# Columns made by GROUP_CONCAT: SPARQL leaves the order inside them unspecified.
CONCAT_COLUMNS = {"sources", "powers"}


@pytest.fixture(scope="module")
def seed_rdf(seed_graph):
    return build_rdf(seed_graph)


def answer(result):
    """Rows as compact text (e:apple, gk:confirmed...), GROUP_CONCAT parts sorted."""
    rows = []
    for row in result.text_rows():
        row = list(row)
        for i, var in enumerate(result.variables):
            if var in CONCAT_COLUMNS:
                row[i] = ", ".join(sorted(filter(None, row[i].split(", "))))
        rows.append(tuple(row))
    return rows


def parse_turtle(text: str) -> set:
    return {ox.Triple(q.subject, q.predicate, q.object) for q in ox.parse(text.encode(), ox.RdfFormat.TURTLE)}


def run(cli_args, **kwargs):
    return CliRunner().invoke(main, ["sparql", *cli_args], **kwargs)


# ----------------------------------------------------------------- the pack on the seed data

# The Apple-Alibaba partnership's status history, as the pack shows it: oldest first.
APPLE_ALIBABA_HISTORY = "reported 2025-02-11; confirmed 2025-02-13"

EXPECTED = {
    "partners": [
        ("e:alibaba", "e:apple", "gk:confirmed", "e:china", "2025-02", "", APPLE_ALIBABA_HISTORY,
         "bloomberg-2025-02-13-tsai-apple, digitaltrends-2025-02-apple-alibaba, reuters-2025-02-11-apple-alibaba"),
        ("e:apple", "e:openai", "gk:confirmed", "", "2024-06", "", "",
         "apple-2024-06-10-apple-intelligence, digitaltrends-2025-02-apple-alibaba, openai-2024-06-10-apple-partnership"),
        ("e:google", "e:samsung", "gk:confirmed", "", "2024-01", "", "", "samsung-2024-01-17-google-cloud"),
    ],
    "partners-in-market": [
        ("e:apple", "e:china", "e:alibaba", "gk:confirmed", "2025-02", "", APPLE_ALIBABA_HISTORY,
         "bloomberg-2025-02-13-tsai-apple, digitaltrends-2025-02-apple-alibaba, reuters-2025-02-11-apple-alibaba"),
    ],
    "deals-by-status": [
        ("gk:confirmed", "partnership", "e:alibaba", "e:apple", "e:china", "2025-02", "", APPLE_ALIBABA_HISTORY, "3"),
        ("gk:confirmed", "partnership", "e:apple", "e:openai", "", "2024-06", "", "", "3"),
        ("gk:confirmed", "partnership", "e:google", "e:samsung", "", "2024-01", "", "", "1"),
        ("gk:rumored", "talks", "e:apple", "e:baidu", "e:china", "", "", "", "2"),
        ("gk:rumored", "talks", "e:apple", "e:tencent", "e:china", "", "", "", "2"),
    ],
    "model-product-device": [  # the powers fact's market, since, until, history
        *(("e:apple", "e:apple-foundation-models", "e:apple-intelligence", device, "gk:confirmed", "gk:confirmed", "",
           "", "", "") for device in ("e:iphone", "e:iphone-16-plus", "e:mac")),
        *(("e:openai", "e:gpt-4o", "e:apple-intelligence", device, "gk:confirmed", "gk:confirmed", "", "", "", "")
          for device in ("e:iphone", "e:iphone-16-plus", "e:mac")),
        *(("e:alibaba", "e:qwen", "e:apple-intelligence", device, "gk:reported", "gk:confirmed", "e:china", "", "", "")
          for device in ("e:iphone", "e:iphone-16-plus", "e:mac")),
        ("e:openai", "e:gpt-4o", "e:chatgpt", "", "gk:confirmed", "", "", "2024-05", "", ""),
        ("e:google", "e:gemini", "e:galaxy-ai", "e:galaxy-s25-ultra", "gk:confirmed", "gk:confirmed", "", "2024-01", "",
         ""),
        ("e:deepseek", "e:deepseek-r1", "e:honor-yoyo", "", "gk:reported", "", "e:china", "", "", ""),
    ],
    "competitors-in-market": [
        ("e:china", "e:apple", "e:honor", "gk:reported", "", "", "", "canalys-2024-q2-china-smartphones"),
        ("e:china", "e:apple", "e:huawei", "gk:confirmed", "", "", "",
         "bloomberg-2025-02-13-tsai-apple, canalys-2024-q2-china-smartphones, digitaltrends-2025-02-apple-alibaba"),
        ("e:china", "e:apple", "e:oppo", "gk:reported", "", "", "",
         "canalys-2024-q2-china-smartphones, digitaltrends-2025-02-apple-alibaba"),
        ("e:china", "e:apple", "e:vivo", "gk:reported", "", "", "",
         "canalys-2024-q2-china-smartphones, digitaltrends-2025-02-apple-alibaba"),
        ("e:china", "e:apple", "e:xiaomi", "gk:reported", "", "", "",
         "canalys-2024-q2-china-smartphones, digitaltrends-2025-02-apple-alibaba"),
    ],
    "models-from": [
        ("e:china", "e:alibaba", "e:qwen", "", "Apple Intelligence"),
        ("e:china", "e:alibaba", "e:qwen2.5-max", "2025-01-28", ""),
        ("e:china", "e:deepseek", "e:deepseek-r1", "2025-01-20", "YOYO"),
        ("e:china", "e:deepseek", "e:deepseek-v3", "2024-12-26", ""),
    ],
    "chain": [
        ("e:alibaba", "e:iphone-16-plus", "1", "e:alibaba", "gk:develops", "e:qwen", "gk:confirmed", "", "", ""),
        ("e:alibaba", "e:iphone-16-plus", "3", "e:qwen", "gk:powers", "e:apple-intelligence", "gk:reported", "", "", ""),
        ("e:alibaba", "e:iphone-16-plus", "4", "e:apple-intelligence", "gk:runsOn", "e:iphone-16-plus",
         "gk:confirmed", "", "", ""),
    ],
    "sources-by-publisher": [
        ("e:digital-trends", "1", "64", "22"), ("e:apple", "3", "15", "6"), ("e:reuters", "2", "15", "1"),
        ("e:canalys", "2", "13", "1"), ("e:samsung", "2", "7", "4"), ("e:bloomberg", "1", "6", "0"),
        ("e:google", "1", "6", "4"), ("e:openai", "2", "6", "3"), ("e:alibaba", "1", "5", "1"),
        ("e:deepseek", "2", "4", "4"), ("e:scmp", "1", "4", "3"), ("e:meta", "1", "2", "2"),
        ("e:anthropic", "1", "1", "1"), ("e:cac", "1", "1", "0"),
    ],
}

ABOUT_APPLE_FACTS = [
    ("gk:affects", "in", "e:apple-china-share-decline", "gk:reported", "e:china", "", "", "",
     "digitaltrends-2025-02-apple-alibaba"),
    ("gk:competesWith", "both", "e:honor", "gk:reported", "e:china", "", "", "", "canalys-2024-q2-china-smartphones"),
    ("gk:competesWith", "both", "e:huawei", "gk:confirmed", "e:china", "", "", "",
     "bloomberg-2025-02-13-tsai-apple, canalys-2024-q2-china-smartphones, digitaltrends-2025-02-apple-alibaba"),
    ("gk:competesWith", "both", "e:oppo", "gk:reported", "e:china", "", "", "",
     "canalys-2024-q2-china-smartphones, digitaltrends-2025-02-apple-alibaba"),
    ("gk:competesWith", "both", "e:vivo", "gk:reported", "e:china", "", "", "",
     "canalys-2024-q2-china-smartphones, digitaltrends-2025-02-apple-alibaba"),
    ("gk:competesWith", "both", "e:xiaomi", "gk:reported", "e:china", "", "", "",
     "canalys-2024-q2-china-smartphones, digitaltrends-2025-02-apple-alibaba"),
    ("gk:develops", "out", "e:apple-a18", "gk:confirmed", "", "", "", "", "apple-2024-09-09-iphone-16"),
    ("gk:develops", "out", "e:apple-foundation-models", "gk:confirmed", "", "", "", "",
     "apple-2024-06-10-apple-intelligence"),
    ("gk:develops", "out", "e:apple-intelligence", "gk:confirmed", "", "", "", "",
     "apple-2024-06-10-apple-intelligence, digitaltrends-2025-02-apple-alibaba"),
    ("gk:headquarteredIn", "out", "e:united-states", "gk:confirmed", "", "", "", "", "apple-2024-06-10-apple-intelligence"),
    ("gk:inTalksWith", "both", "e:baidu", "gk:rumored", "e:china", "", "", "",
     "digitaltrends-2025-02-apple-alibaba, reuters-2025-02-11-apple-alibaba"),
    ("gk:inTalksWith", "both", "e:tencent", "gk:rumored", "e:china", "", "", "",
     "digitaltrends-2025-02-apple-alibaba, reuters-2025-02-11-apple-alibaba"),
    ("gk:involves", "in", "e:apple-china-share-decline", "gk:reported", "e:china", "", "", "",
     "digitaltrends-2025-02-apple-alibaba"),
    ("gk:manufacturesIn", "out", "e:china", "gk:confirmed", "", "", "", "", "digitaltrends-2025-02-apple-alibaba"),
    # "open to" Gemini and Claude is weaker than talks: not in-talks-with Google or Anthropic
    ("gk:openTo", "out", "e:claude", "gk:rumored", "", "", "", "", "digitaltrends-2025-02-apple-alibaba"),
    ("gk:openTo", "out", "e:gemini", "gk:rumored", "", "", "", "", "digitaltrends-2025-02-apple-alibaba"),
    ("gk:operatesIn", "out", "e:china", "gk:confirmed", "", "", "", "",
     "bloomberg-2025-02-13-tsai-apple, canalys-2024-q2-china-smartphones, digitaltrends-2025-02-apple-alibaba"),
    ("gk:partnersWith", "both", "e:alibaba", "gk:confirmed", "e:china", "2025-02", "", APPLE_ALIBABA_HISTORY,
     "bloomberg-2025-02-13-tsai-apple, digitaltrends-2025-02-apple-alibaba, reuters-2025-02-11-apple-alibaba"),
    ("gk:partnersWith", "both", "e:openai", "gk:confirmed", "", "2024-06", "", "",
     "apple-2024-06-10-apple-intelligence, digitaltrends-2025-02-apple-alibaba, openai-2024-06-10-apple-partnership"),
    ("gk:ships", "out", "e:iphone", "gk:confirmed", "", "", "", "", "apple-2024-09-09-iphone-16"),
    ("gk:ships", "out", "e:iphone-16-plus", "gk:confirmed", "", "2024-09", "", "",
     "apple-2024-09-09-iphone-16, digitaltrends-2025-02-apple-alibaba"),
    ("gk:ships", "out", "e:mac", "gk:confirmed", "", "", "", "", "apple-2024-06-10-apple-intelligence"),
]


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_pack_query_exact_answer(name, seed_rdf):
    assert answer(sparql.run_sparql(sparql.load_query(name), seed_rdf)) == EXPECTED[name]


def test_pack_about_apple(seed_rdf):
    rows = answer(sparql.run_sparql(sparql.load_query("about"), seed_rdf))
    assert {row[0] for row in rows} == {"e:apple"}
    properties = [row[1:4] for row in rows if not row[4]]
    assert properties == [
        ("rdf:type", "", "gk:Company"), ("rdfs:label", "", "Apple@en"), ("rdfs:label", "", "Apple@fr"),
        ("rdfs:label", "", "苹果公司@zh"), ("owl:sameAs", "", "wd:Q312"), ("skos:altLabel", "", "Apple Inc."),
        ("schema:description", "", "American technology company that makes the iPhone and develops Apple "
                                   "Intelligence."),
        ("schema:name", "", "Apple"), ("gk:country", "", "United States"), ("gk:founded", "", "1976-04-01"),
        ("gk:headquarters", "", "Cupertino, California"), ("gk:website", "", "https://www.apple.com"),
    ]
    assert [row[1:] for row in rows if row[4]] == ABOUT_APPLE_FACTS


def test_pack_single_source_claims(seed_rdf):
    rows = answer(sparql.run_sparql(sparql.load_query("single-source"), seed_rdf))
    assert len(rows) == 52
    # weakest certainty first: the rumours, then the reported facts, then the confirmed ones
    assert rows[:3] == [
        ("e:apple", "gk:openTo", "e:claude", "gk:rumored", "", "", "", "src:digitaltrends-2025-02-apple-alibaba",
         "e:digital-trends"),
        ("e:apple", "gk:openTo", "e:gemini", "gk:rumored", "", "", "", "src:digitaltrends-2025-02-apple-alibaba",
         "e:digital-trends"),
        ("e:apple", "gk:competesWith", "e:honor", "gk:reported", "", "", "", "src:canalys-2024-q2-china-smartphones",
         "e:canalys"),
    ]
    statuses = [row[3] for row in rows]
    order = ["gk:rumored", "gk:reported", "gk:confirmed"]
    assert statuses == sorted(statuses, key=order.index)
    assert statuses.count("gk:reported") == 15
    assert ("e:google", "gk:partnersWith", "e:samsung", "gk:confirmed", "2024-01", "", "",
            "src:samsung-2024-01-17-google-cloud", "e:samsung") in rows
    # an ended fact says so: Honor left Huawei in November 2020
    assert ("e:honor", "gk:subsidiaryOf", "e:huawei", "gk:confirmed", "", "2020-11", "", "src:scmp-2020-11-17-huawei-honor",
            "e:scmp") in rows


def test_single_source_claims_agree_with_the_model_and_the_publisher_counts(seed_graph, seed_rdf):
    single = [st for st in seed_graph.statements if len(set(st.sources)) == 1]
    rows = sparql.run_sparql(sparql.load_query("single-source"), seed_rdf).rows
    assert len(rows) == len(single)
    per_publisher = sparql.run_sparql(sparql.load_query("sources-by-publisher"), seed_rdf)
    assert sum(int(row[3]) for row in per_publisher.rows) == len(single)


def test_pack_linked_is_an_ask(seed_rdf):
    linked = sparql.load_query("linked")
    assert sparql.run_sparql(linked, seed_rdf).boolean is True
    assert sparql.run_sparql(linked, seed_rdf, params={"to": "honor-yoyo"}).boolean is False
    assert sparql.run_sparql(linked, seed_rdf, params={"from": "deepseek", "to": "honor-yoyo"}).boolean is True


def test_pack_neighborhood_is_turtle_of_apples_links(seed_rdf):
    result = sparql.run_sparql(sparql.load_query("neighborhood"), seed_rdf)
    assert result.kind == "graph"
    apple = URIRef(E + "apple")
    gk = "https://w3id.org/graphkit/ontology#"
    partners = {o for o in result.graph.objects(apple, URIRef(gk + "partnersWith"))}
    partners |= {s for s in result.graph.subjects(URIRef(gk + "partnersWith"), apple)}
    assert partners == {URIRef(E + "alibaba"), URIRef(E + "openai")}
    assert (URIRef(E + "huawei"), URIRef("https://schema.org/name"), Literal("Huawei")) in result.graph
    text = result.to_turtle()
    assert text == sparql.run_sparql(sparql.load_query("neighborhood"), seed_rdf).to_turtle()
    assert "@prefix e: <https://w3id.org/graphkit/entity/> ." in text
    assert parse_turtle(text) == {
        ox.Triple(*(ox.NamedNode(str(t)) if isinstance(t, URIRef) else ox.Literal(str(t)) for t in triple))
        for triple in result.graph}


def test_pack_parameters_change_the_answer(seed_rdf):
    rows = answer(sparql.run_sparql(sparql.load_query("partners-in-market"), seed_rdf,
                                    params={"company": "openai", "market": "china"}))
    assert rows == []
    rows = answer(sparql.run_sparql(sparql.load_query("chain"), seed_rdf, params={"from": "deepseek", "to": "honor-yoyo"}))
    assert [(r[2], r[3], r[4], r[5]) for r in rows] == [
        ("1", "e:deepseek", "gk:develops", "e:deepseek-r1"), ("3", "e:deepseek-r1", "gk:powers", "e:honor-yoyo")]
    rows = answer(sparql.run_sparql(sparql.load_query("chain"), seed_rdf, params={"from": "apple", "to": "apple-a18"}))
    assert [(r[2], r[3], r[4], r[5]) for r in rows] == [
        ("1", "e:apple", "gk:develops", "e:apple-a18"),
        ("1", "e:apple", "gk:develops", "e:apple-foundation-models"),
        ("1", "e:apple", "gk:develops", "e:apple-intelligence"),
        ("3", "e:apple-foundation-models", "gk:powers", "e:apple-intelligence"),
        ("4", "e:apple-intelligence", "gk:runsOn", "e:iphone-16-plus"),
        ("5", "e:apple", "gk:ships", "e:iphone-16-plus"),
        ("6", "e:iphone-16-plus", "gk:usesChipset", "e:apple-a18")]


def test_entity_parameters_take_names_and_aliases(seed_graph):
    by_name = sparql.run_sparql(sparql.load_query("about"), seed_graph, params={"entity": "Apple Intelligence"})
    assert {row[0] for row in by_name.rows} == {URIRef(E + "apple-intelligence")}
    with pytest.raises(GraphkitError, match="parameter entity: no entity 'Appel' in the data"):
        sparql.run_sparql(sparql.load_query("about"), seed_graph, params={"entity": "Appel"})


def _flip_symmetric(graph: KnowledgeGraph) -> KnowledgeGraph:
    """The same facts with every symmetric relation written the other way round."""
    flipped = KnowledgeGraph(dict(graph.entities), dict(graph.sources), [])
    for st in graph.statements:
        if st.symmetric:
            st = Statement(st.object, st.relation, st.subject, st.status, st.sources, st.market, st.since,
                           st.until, st.note, st.quote, symmetric=True, history=st.history)
        flipped.statements.append(st)
    return flipped


def test_pack_answers_do_not_depend_on_the_written_direction(seed_graph, seed_rdf):
    flipped = build_rdf(_flip_symmetric(seed_graph))
    assert set(flipped) != set(seed_rdf)  # the RDF really differs (rdf:subject/rdf:object swapped)
    for query in sparql.list_queries():
        original, other = sparql.run_sparql(query, seed_rdf), sparql.run_sparql(query, flipped)
        if query.form == "graph":
            assert query.name == "neighborhood"  # its asserted triples keep the written direction
            continue
        if query.form == "ask":
            assert original.boolean == other.boolean, query.name
        else:
            assert answer(original) == answer(other), query.name


def test_every_pack_query_is_described_and_tested():
    queries = sparql.list_queries()
    names = [q.name for q in queries]
    assert len(names) >= 10 and names == sorted(names)
    for query in queries:
        assert query.text.startswith("# "), query.name
        assert query.description and len(query.description.splitlines()) == 1, query.name
        for param in query.params:
            assert param.default and param.help, (query.name, param.name)
    tested = set(EXPECTED) | {"about", "single-source", "linked", "neighborhood"}
    assert set(names) == tested


def test_symmetric_relations_listed_in_the_pack_match_the_ontology():
    from graphkit.ontology import load_ontology

    symmetric = {f"gk:{r.local}" for r in load_ontology().relations.values() if r.symmetric}
    for name in ("about", "single-source"):
        text = sparql.load_query(name).text
        listed = set(text.split("IN (", 1)[1].split(")", 1)[0].replace(",", " ").split())
        assert listed == symmetric, name


# ----------------------------------------------------------------- the command

def test_list_shows_every_pack_query():
    result = run(["--list"])
    assert result.exit_code == 0, result.output
    for query in sparql.list_queries():
        assert query.name in result.output and query.description in result.output
    assert "company=apple, market=china" in result.output


def test_pack_query_by_name_prints_a_table():
    result = run(["partners-in-market"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert any("e:apple" in line and "e:alibaba" in line and "gk:confirmed" in line and "2025-02" in line
               for line in lines)
    assert "1 row" in result.output


def test_inline_query_with_predeclared_prefixes_as_csv():
    result = run(["SELECT ?model WHERE { e:alibaba gk:develops ?model } ORDER BY ?model", "--format", "csv"])
    assert result.exit_code == 0, result.output
    assert result.stdout_bytes.decode() == f"model\r\n{E}qwen\r\n{E}qwen2.5-max\r\n"


def test_params_on_the_command_line():
    result = run(["partners-in-market", "-p", "company=OpenAI", "-p", "market=china", "--format", "json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["results"]["bindings"] == []
    result = run(["about", "-p", "entity=qwen", "--format", "csv"])
    rows = list(csv.reader(io.StringIO(result.output)))
    assert rows[0][:4] == ["entity", "property", "direction", "value"]
    assert [E + "alibaba", "both"] not in [r[3:2:-1] for r in rows]
    assert [E + "qwen", "https://w3id.org/graphkit/ontology#develops", "in", E + "alibaba"] in [r[:4] for r in rows]


@pytest.mark.parametrize("args, message", [
    (["about", "-p", "entity"], "'entity' is not NAME=VALUE"),
    (["about", "-p", "nothing=1"], "parameter nothing is not a variable of the query"),
    (["about", "-p", "entity=no-such-thing"], "parameter entity: no entity 'no-such-thing' in the data"),
    (["nosuchquery"], "no query named 'nosuchquery' in the pack"),
    (["partners.rq"], "looks like a file: use --file partners.rq"),
    (["neighborhood", "--format", "csv"], "--format csv does not apply to CONSTRUCT/DESCRIBE results"),
    (["ASK { ?s ?p ?o }", "--graph", "https://example.org/g"], "--graph applies to --endpoint"),
    (["DELETE WHERE { ?s ?p ?o }"], "not a SPARQL query"),
])
def test_user_errors_exit_2(args, message):
    import multiprocessing

    result = run(args)
    assert result.exit_code == 2, result.output
    assert message in result.output
    assert "Traceback" not in result.output
    # run in-process, a command must not leave its query worker behind (a leaked worker held
    # the test process's pipes, so the browser driver never saw its end and CI hung)
    assert multiprocessing.active_children() == []


def test_syntax_error_names_line_and_column_without_traceback():
    query = "SELECT ?m WHERE {\n  e:alibaba gk:develops ?m\n  FILTER( }"
    result = run([query, "-d", str(ROOT / "seed_data")])
    assert result.exit_code == 2
    assert result.stderr == "error: SPARQL syntax error at line 3, column 3: near 'FILTER'\n"
    assert result.stdout == ""


def test_syntax_error_in_a_file_names_the_file(tmp_path):
    bad = tmp_path / "bad.rq"
    bad.write_text("# a broken query\nSELECT * WHERE { ?s ?p ?o FILTER(?s = ) }\n")
    result = run(["--file", str(bad)])
    assert result.exit_code == 2
    assert result.output == f"error: {bad}: SPARQL syntax error at line 2, column 27: near 'FILTER'\n"


@pytest.mark.parametrize("query, where", [
    ("SELECT * WHER { ?s ?p ?o }", "line 1, column 10: near 'WHER'"),
    ("SELECT * WHERE {\n  ?s ?p ?o .\n  ?a ?b ?c ]\n}", "line 3, column 12: near ']'"),
    ("SELECT * WHERE { ?s ?p ?o", "line 1, column 26: unexpected end of query"),
])
def test_syntax_errors_point_at_the_offending_token(query, where, seed_rdf):
    with pytest.raises(sparql.SparqlSyntaxError) as error:
        sparql.run_sparql(query, seed_rdf)
    assert str(error.value) == f"SPARQL syntax error at {where}"


def test_query_from_file_and_stdin(tmp_path):
    query = tmp_path / "q.rq"
    query.write_text("# Alibaba's models\nSELECT ?m WHERE { e:alibaba gk:develops ?m } ORDER BY ?m\n")
    from_file = run(["--file", str(query), "--format", "tsv"])
    from_stdin = run(["--file", "-", "--format", "tsv"], input=query.read_text())
    assert from_file.exit_code == from_stdin.exit_code == 0
    assert from_file.output == from_stdin.output == f"?m\n<{E}qwen>\n<{E}qwen2.5-max>\n"


def test_declared_params_in_a_users_file(tmp_path):
    query = tmp_path / "q.rq"
    query.write_text("# What an organization develops\n# param org: entity = google -- the developer\n"
                     "SELECT ?org ?m WHERE { ?org gk:develops ?m } ORDER BY ?m\n")
    default = run(["--file", str(query), "--format", "csv"])
    assert default.output.splitlines()[1:] == [f"{E}google,{E}gemini", f"{E}google,{E}gemini-nano"]
    other = run(["--file", str(query), "-p", "org=Meta", "--format", "csv"])
    assert other.output.splitlines()[1:] == [f"{E}meta,{E}llama-3.1-405b"]


def test_ask_prints_true_or_false():
    assert run(["ASK { e:apple gk:partnersWith e:alibaba }"]).output == "true\n"
    assert run(["ASK { e:apple gk:partnersWith e:tencent }"]).output == "false\n"
    assert json.loads(run(["ASK { ?s ?p ?o }", "--format", "json"]).output) == {"head": {}, "boolean": True}


def test_construct_prints_turtle_and_writes_files_atomically(tmp_path):
    out = tmp_path / "n.ttl"
    result = run(["neighborhood", "-p", "entity=qwen", "-o", str(out)])
    assert result.exit_code == 0 and result.output == ""
    text = out.read_text()
    assert text == run(["neighborhood", "-p", "entity=qwen"]).output
    triples = parse_turtle(text)
    assert ox.Triple(ox.NamedNode(E + "alibaba"), ox.NamedNode("https://w3id.org/graphkit/ontology#develops"),
                     ox.NamedNode(E + "qwen")) in triples
    assert [p.name for p in tmp_path.iterdir()] == ["n.ttl"]  # no temporary file left behind


def test_query_a_turtle_file(seed_exports):
    from_turtle = run(["deals-by-status", "--turtle", str(seed_exports / "graph.ttl"), "--format", "csv"])
    from_yaml = run(["deals-by-status", "--format", "csv"])
    assert from_turtle.exit_code == 0, from_turtle.output
    assert from_turtle.output == from_yaml.output
    assert len(from_yaml.output.splitlines()) == 6


def test_turtle_file_errors_are_located(tmp_path):
    bad = tmp_path / "bad.ttl"
    bad.write_text("<https://example.org/a> <https://example.org/p> .\n")
    result = run(["ASK { ?s ?p ?o }", "--turtle", str(bad)])
    assert result.exit_code == 1  # invalid data (graphkit.errors.EXIT_INVALID_DATA)
    assert f"{bad}: RDF syntax error" in result.output


# ----------------------------------------------------------------- result formats

def test_formats_follow_the_sparql_result_specs(seed_rdf):
    query = ('SELECT ?label ?n ?x ?none WHERE { VALUES (?label ?n) { ("tab\\there"@fr 42) } '
             'BIND(e:apple AS ?x) OPTIONAL { ?x gk:nothing ?none } }')
    result = sparql.run_sparql(query, seed_rdf)
    document = json.loads(result.to_json())
    assert document == {"head": {"vars": ["label", "n", "x", "none"]}, "results": {"bindings": [{
        "label": {"type": "literal", "value": "tab\there", "xml:lang": "fr"},
        "n": {"type": "literal", "value": "42", "datatype": "http://www.w3.org/2001/XMLSchema#integer"},
        "x": {"type": "uri", "value": E + "apple"}}]}}
    assert result.to_csv() == f"label,n,x,none\r\ntab\there,42,{E}apple,\r\n"
    assert result.to_tsv() == (f'?label\t?n\t?x\t?none\n"tab\\there"@fr\t'
                               f'"42"^^<http://www.w3.org/2001/XMLSchema#integer>\t<{E}apple>\t\n')
    assert "e:apple" in result.to_table() and "1 row" in result.to_table()


def test_csv_quotes_commas_and_quotes(seed_rdf):
    result = sparql.run_sparql('SELECT ?v WHERE { BIND("a, \\"b\\"" AS ?v) }', seed_rdf)
    assert list(csv.reader(io.StringIO(result.to_csv()))) == [["v"], ['a, "b"']]


def test_output_is_deterministic():
    first = run(["about", "--format", "json"]).output
    assert first == run(["about", "--format", "json"]).output


# ----------------------------------------------------------------- the SERVICE guard

@pytest.mark.parametrize("query, uses", [
    ("SELECT * WHERE { SERVICE <http://127.0.0.1:1/sparql> { ?s ?p ?o } }", True),
    ("select * where { service silent <http://x/> { ?s ?p ?o } }", True),
    ("SELECT * { \\u0053ERVICE <http://x/> { ?s ?p ?o } }", True),
    ("SELECT * WHERE {?a ?b ?c FILTER(?a<?b)SERVICE<http://x>{?s ?p ?o}}", True),
    ("SELECT ?service WHERE { ?service ex:SERVICE 'SERVICE' . # SERVICE\n <http://x/SERVICE> ?p ?o }", False),
    ('SELECT * WHERE { ?s ?p """a " SERVICE <x> {} """ }', False),
    ("PREFIX SERVICE: <http://x/> SELECT * WHERE { ?s SERVICE:p ?o }", False),
])
def test_service_detection(query, uses):
    assert sparql.uses_service(query) is uses


def test_service_is_refused_without_any_network_call(seed_rdf):
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(1)
        listener.setblocking(False)
        port = listener.getsockname()[1]
        query = f"SELECT * WHERE {{ SERVICE <http://127.0.0.1:{port}/sparql> {{ ?s ?p ?o }} }}"
        with pytest.raises(GraphkitError, match="SERVICE clauses are refused on the embedded store"):
            sparql.run_sparql(query, seed_rdf)
        with pytest.raises(BlockingIOError):
            listener.accept()  # nobody knocked
    result = run([query])
    assert result.exit_code == 2 and "--allow-service" in result.output


def test_from_is_refused_on_rdflibs_memory_store(seed_graph):
    memory = build_rdf(seed_graph, store="default")
    with pytest.raises(GraphkitError, match="FROM is refused"):
        sparql.run_sparql("SELECT * FROM <http://127.0.0.1:1/g.ttl> WHERE { ?s ?p ?o }", memory)


# ----------------------------------------------------------------- library details

def test_run_sparql_takes_a_knowledge_graph_or_an_rdflib_graph(seed_graph, seed_rdf):
    query = sparql.load_query("partners")
    assert sparql.run_sparql(query, seed_graph).rows == sparql.run_sparql(query, seed_rdf).rows
    with pytest.raises(ValueError, match="nothing to query"):
        sparql.run_sparql("ASK {}")


def test_rdflib_memory_store_gives_the_same_pack_answers(seed_graph, seed_rdf):
    memory = build_rdf(seed_graph, store="default")
    # not `about`: rdflib 7 puts an error text ("Non-literal passes as string: NotBoundError")
    # into GROUP_CONCAT for rows where the aggregated variable is unbound
    for name in ("partners", "deals-by-status", "model-product-device", "single-source", "chain"):
        query = sparql.load_query(name)
        assert answer(sparql.run_sparql(query, memory)) == answer(sparql.run_sparql(query, seed_rdf)), name


def test_values_injection_serializes_terms_safely():
    evil = Literal('x" } } ; DROP ALL ; SELECT * { "')
    text = sparql._inject_values("SELECT ?v ?x WHERE { ?x ?p ?v }", {"v": evil, "x": URIRef(E + "apple")})
    assert text == ('SELECT ?v ?x WHERE { VALUES (?v ?x) { ("x\\" } } ; DROP ALL ; SELECT * { \\"" '
                    f'<{E}apple>) }}  ?x ?p ?v }}')
    store = ox.Store()
    store.add(ox.Quad(ox.NamedNode(E + "apple"), ox.NamedNode("http://p"), ox.Literal(str(evil))))
    assert len(list(store.query(text))) == 1  # still one query, the value matched as a value
    with pytest.raises(GraphkitError, match="not an IRI"):
        sparql.resolve_params("SELECT ?x WHERE { ?x ?p ?o }", {"x": "<http://a> } DROP ALL {>"})


@pytest.mark.parametrize("query, expected", [
    ("CONSTRUCT { ?x ?p ?o } WHERE { ?x ?p ?o }", "CONSTRUCT { ?x ?p ?o } WHERE { VALUES (?x) { (<u>) }  ?x ?p ?o }"),
    ("DESCRIBE ?x", "DESCRIBE ?x\nVALUES (?x) { (<u>) }"),
    ("ASK { ?x ?p ?o }", "ASK { VALUES (?x) { (<u>) }  ?x ?p ?o }"),
    ("SELECT * WHERE { SELECT ?x WHERE { ?x ?p ?o } }",
     "SELECT * WHERE { SELECT ?x WHERE { VALUES (?x) { (<u>) }  ?x ?p ?o } }\nVALUES (?x) { (<u>) }"),
    ("SELECT ?x ?n WHERE { { SELECT ?y WHERE { ?y ?p ?o } } { SELECT ?x (COUNT(*) AS ?n) { ?x ?q ?y } GROUP BY ?x } }",
     "SELECT ?x ?n WHERE { VALUES (?x) { (<u>) }  { SELECT ?y WHERE { ?y ?p ?o } } "
     "{ SELECT ?x (COUNT(*) AS ?n) { VALUES (?x) { (<u>) }  ?x ?q ?y } GROUP BY ?x } }"),
    ("CONSTRUCT { ?x ?p ?o } WHERE { { SELECT ?x ?p ?o WHERE { ?x ?p ?o } } }",
     "CONSTRUCT { ?x ?p ?o } WHERE { VALUES (?x) { (<u>) }  { SELECT ?x ?p ?o WHERE { VALUES (?x) { (<u>) }  "
     "?x ?p ?o } } }"),
])
def test_values_injection_placement(query, expected):
    assert sparql._inject_values(query, {"x": URIRef("http://u")}) == expected.replace("<u>", "<http://u>")


def test_prefixes_are_added_only_when_missing_and_keep_line_numbers():
    text = sparql._with_prefixes("PREFIX e: <http://other/> SELECT * WHERE {\n ?s ?p ?o }",
                                 {"e": E, "gk": "https://w3id.org/graphkit/ontology#"})
    assert text.startswith("PREFIX gk: <https://w3id.org/graphkit/ontology#> PREFIX e: <http://other/>")
    assert text.count("\n") == 1
    commented = sparql._with_prefixes("# about\n# more\nSELECT * {}", {"e": E})
    assert commented == f"# about\n# more\nPREFIX e: <{E}> SELECT * {{}}"


def test_graph_store_url_for_known_layouts():
    assert sparql.graph_store_url("http://127.0.0.1:7878/query") == "http://127.0.0.1:7878/store"
    assert sparql.graph_store_url("http://h:8890/sparql") == "http://h:8890/sparql-graph-crud"
    assert sparql.graph_store_url("http://h:8890/sparql", authenticated=True) == "http://h:8890/sparql-graph-crud-auth"
    assert sparql.graph_store_url("http://h:8890/sparql-auth") == "http://h:8890/sparql-graph-crud-auth"
    assert sparql.graph_store_url("http://h:3030/ds/sparql") == "http://h:3030/ds/data"
    with pytest.raises(GraphkitError, match="give it with --store"):
        sparql.graph_store_url("http://h/anything")


def test_credentials_in_urls_are_never_shown():
    assert sparql.public_url("http://alice:s3cret@127.0.0.1:1/sparql") == "http://127.0.0.1:1/sparql"
    with pytest.raises(GraphkitError) as error:
        sparql.run_sparql("ASK {}", endpoint="ftp://alice:s3cret@host/sparql")
    assert "s3cret" not in str(error.value)


def test_parameter_declarations_are_checked(tmp_path):
    with pytest.raises(GraphkitError, match="bad parameter declaration"):
        sparql.parse_header("# q\n# param x: colour = red\nSELECT ?x {}", "q.rq")
    with pytest.raises(GraphkitError, match="declared parameter is not a variable of the query: y"):
        sparql.parse_header("# q\n# param y: string = a\nSELECT ?x {}", "q.rq")
    assert sparql.resolve_params("# q\n# param n: integer = 3\nSELECT ?n {}", None) == {"n": Literal(3)}
    with pytest.raises(GraphkitError, match="'three' is not an integer"):
        sparql.resolve_params("# q\n# param n: integer = 3\nSELECT ?n {}", {"n": "three"})


# ----------------------------------------------------------------- backends

def test_every_embedded_source_gives_the_same_answers(seed_graph, seed_rdf):
    """A KnowledgeGraph, an rdflib Graph on Oxigraph and a pyoxigraph Store answer every pack
    query with the same bytes in every format (and the same table cells), and so does the answer rebuilt from rdflib terms
    (the formats are written from either kind of term; rdflib's own engine is compared in
    test_rdflib_memory_store_gives_the_same_pack_answers)."""
    store = sparql.model_store(seed_graph)
    backends = {label: sparql.EmbeddedBackend(source) for label, source in
                {"model": seed_graph, "rdflib on oxigraph": seed_rdf, "pyoxigraph store": store}.items()}
    for query in sparql.list_queries():
        outputs = {}
        for label, backend in backends.items():
            result = backend.run(query)
            formats = ("turtle",) if result.kind == "graph" else ("csv", "tsv", "json")
            outputs[label] = [result.format(fmt) for fmt in formats] + [result.text_rows()]
        if result.kind == "graph":
            rebuilt = sparql.SparqlResult("graph", graph=result.graph, prefixes=result.prefixes)
        else:
            rebuilt = sparql.SparqlResult(result.kind, result.variables, result.rows, result.boolean,
                                          prefixes=result.prefixes)
        outputs["from rdflib terms"] = [rebuilt.format(fmt) for fmt in formats] + [rebuilt.text_rows()]
        assert all(v == outputs["model"] for v in outputs.values()), query.name


def test_embedded_answers_keep_oxigraph_terms_and_convert_on_demand(seed_graph, seed_rdf):
    result = sparql.EmbeddedBackend(sparql.model_store(seed_graph)).run(sparql.load_query("partners"))
    assert result.raw_rows and all(isinstance(v, (ox.NamedNode, ox.Literal)) for row in result.raw_rows
                                   for v in row if v is not None)
    via_rdflib = seed_rdf.query(sparql.inject_values(sparql.load_query("partners").text, {}),
                                initNs=sparql.data_prefixes())
    expected = [tuple(sparql._plain(b.get(v)) for v in via_rdflib.vars) for b in via_rdflib.bindings]
    assert result.rows == expected  # rdflib terms, xsd:string literals plain, as before
    graph = sparql.EmbeddedBackend(seed_rdf).run(sparql.load_query("neighborhood"))
    assert all(isinstance(t, ox.Triple) for t in graph.triples)
    assert len(graph.graph) == len(graph.triples) and ("e", URIRef(E)) in set(graph.graph.namespaces())


def test_answering_on_a_store_never_imports_rdflib(tmp_path):
    """The compiled-store path: a pyoxigraph Store in, formatted answers out, no rdflib at all."""
    code = f"""
import sys
import pyoxigraph as ox
from graphkit.sparql import EmbeddedBackend, load_query
store = ox.Store()
store.bulk_load(path={str(ROOT / "exports" / "graph.nt")!r}, format=ox.RdfFormat.N_TRIPLES)
with EmbeddedBackend(store) as backend:
    result = backend.run(load_query("partners-in-market"), {{"company": "apple", "market": "china"}})
    text = result.to_csv() + result.to_json() + result.to_tsv() + result.to_table()
    graph = backend.run(load_query("neighborhood"), {{"entity": "alibaba"}}).to_turtle()
assert "e:alibaba" in text and "e:alibaba" in graph, text
print(len(result), "rdflib" in sys.modules)
"""
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    rows, imported = done.stdout.split()
    assert int(rows) >= 1 and imported == "False"


def test_a_store_backend_sees_the_default_graph_or_the_union():
    store = ox.Store()
    named = ox.NamedNode("https://example.org/g")
    store.add(ox.Quad(ox.NamedNode(E + "a"), ox.NamedNode("https://example.org/p"), ox.Literal("x"), named))
    assert len(sparql.EmbeddedBackend(store).run("SELECT * WHERE { ?s ?p ?o }")) == 0
    union = sparql.EmbeddedBackend(store, union_default_graph=True)
    assert union.run("SELECT ?o WHERE { ?s ?p ?o }").text_rows() == [("x",)]
    # entity parameters are checked where the query looks
    assert union.run("ASK { ?s ?p ?o }", {"s": "<" + E + "a>"}).boolean is True
    with pytest.raises(GraphkitError, match="no entity"):
        union.run("ASK { ?s ?p ?o }", {"s": "<" + E + "b>"})


class RecordingBackend(sparql.SparqlBackend):
    """The smallest backend: what the interface asks of an implementation."""

    name = "recording"

    def __init__(self):
        super().__init__()
        self.calls = []
        self.closed = False

    def query(self, text, params=None, *, origin=""):
        self.calls.append((text, params, origin))
        return sparql.SparqlResult("ask", boolean=True, prefixes=self.prefixes)

    def close(self):
        self.closed = True


def test_the_backend_interface():
    with RecordingBackend() as backend:
        pack = sparql.load_query("about")
        assert backend.run(pack, {"entity": "apple"}).boolean is True
        backend.run("ASK {}", origin="mine.rq")
        with pytest.raises(TypeError):
            backend.run(42)
    assert backend.closed
    assert backend.calls == [(pack.text, {"entity": "apple"}, str(pack.path)), ("ASK {}", None, "mine.rq")]
    assert backend.prefixes["e"] == E


def test_backend_for_picks_the_backend_and_refuses_misuse(seed_graph):
    assert isinstance(sparql.backend_for(seed_graph), sparql.EmbeddedBackend)
    with sparql.backend_for(endpoint="http://127.0.0.1:9/sparql", default_graph="https://example.org/g") as remote:
        assert isinstance(remote, sparql.RemoteBackend) and remote.name == "http://127.0.0.1:9/sparql"
        with pytest.raises(sparql.RemoteError, match="connection refused"):
            remote.run("ASK {}")
        assert remote.session is not None  # one session for all the queries of the backend
    assert remote.session is None
    with pytest.raises(ValueError, match="not both"):
        sparql.backend_for(seed_graph, endpoint="http://127.0.0.1:9/sparql")
    with pytest.raises(ValueError, match="only applies to a remote endpoint"):
        sparql.backend_for(seed_graph, default_graph="https://example.org/g")
    with pytest.raises(TypeError, match="pyoxigraph.Store, an rdflib Graph or a KnowledgeGraph"):
        sparql.EmbeddedBackend("seed_data")
    with pytest.raises(GraphkitError, match="'not an iri' is not an absolute IRI"):
        sparql.RemoteBackend("http://127.0.0.1:9/sparql", default_graph="not an iri")


def test_old_names_still_import():
    import importlib

    for name in sparql.__all__:
        assert getattr(sparql, name) is not None, name
    for name in ("_inject_values", "_with_prefixes", "_nt", "_ntriples_of", "_plain", "_term_from_json"):
        assert callable(getattr(sparql, name)), name
    assert issubclass(sparql.SparqlSyntaxError, GraphkitError) and issubclass(sparql.RemoteError, GraphkitError)
    assert importlib.import_module("graphkit").run_sparql is sparql.run_sparql
    with pytest.raises(AttributeError):
        sparql.no_such_name  # noqa: B018


def test_json_results_are_the_bytes_of_json_dumps():
    """to_json writes SPARQL results JSON directly (json.dumps is slow once it indents): the
    bytes must stay those of json.dumps(document, indent=2, ensure_ascii=False)."""
    xsd_integer = ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")
    cases = [
        ([], []), (["a"], []), (["a", "b"], [(None, None)]),
        (["a", "b"], [(ox.NamedNode("http://x/é"), ox.Literal('tab\there "q" \u2028 \\ \n', language="fr")),
                      (ox.Literal("3", datatype=xsd_integer), ox.BlankNode("b1")),
                      (ox.NamedNode("http://x/é"), None)]),
        (["x"], [(URIRef("http://y"),), (Literal("z"),), (Literal("1", datatype=URIRef("http://d")),)]),
    ]
    for variables, rows in cases:
        document = {"head": {"vars": variables},
                    "results": {"bindings": [{v: sparql._json_term(t) for v, t in zip(variables, row, strict=True)
                                              if t is not None} for row in rows]}}
        expected = json.dumps(document, indent=2, ensure_ascii=False) + "\n"
        assert sparql.SparqlResult("select", variables, rows).to_json() == expected
