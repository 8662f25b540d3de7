"""Time and truth: valid time vs known time, status history, --as-of on every reading command."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from graphkit.api import load
from graphkit.asof import as_of, first_known, has_ended, parse_as_of, status_at, valid_at
from graphkit.cli import main
from graphkit.errors import GraphkitError, ValidationError
from graphkit.model import StatusStep

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "seed_data"


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory):
    """A private copy of the seed, so the compiled store of these tests lives in a temp folder."""
    folder = tmp_path_factory.mktemp("time") / "seed_data"
    shutil.copytree(SEED, folder)
    return folder


def run(*args: str) -> str:
    result = CliRunner().invoke(main, list(args))
    assert result.exit_code == 0, result.output
    return result.output


def partnership(graph):
    found = [st for st in graph.statements
             if {st.subject, st.object} == {"apple", "alibaba"} and st.relation == "partners-with"]
    return found[0] if found else None


# ----------------------------------------------------------------------------- the library

def test_the_seed_has_the_deals_history(seed_graph):
    st = partnership(seed_graph)
    assert st.status == "confirmed"
    assert st.history == (StatusStep("reported", "2025-02-11", ("reuters-2025-02-11-apple-alibaba",)),
                          StatusStep("confirmed", "2025-02-13", ("bloomberg-2025-02-13-tsai-apple",)))


def test_valid_time_keeps_facts_without_dates(seed_graph):
    view = as_of(seed_graph, "2024-12-31", "valid")
    about_alibaba = {(st.subject, st.relation, st.object) for st in view.statements if "alibaba" in (st.subject, st.object)}
    assert ("alibaba", "headquartered-in", "china") in about_alibaba
    assert ("alibaba", "develops", "qwen") in about_alibaba
    assert ("joseph-tsai", "leads", "alibaba") in about_alibaba
    assert partnership(view) is None  # since 2025-02


def test_known_time_gives_the_status_of_the_day(seed_graph):
    st = partnership(as_of(seed_graph, "2025-02-12", "known"))
    assert st.status == "reported"
    assert st.sources == ("reuters-2025-02-11-apple-alibaba",)
    assert [step.status for step in st.history] == ["reported"]
    assert partnership(as_of(seed_graph, "2025-02-13", "known")).status == "confirmed"
    assert partnership(as_of(seed_graph, "2025-02-10", "known")) is None
    # the statement keeps its id whatever the day
    assert partnership(as_of(seed_graph, "2025-02-12", "known")).id == partnership(seed_graph).id


def test_partial_dates():
    assert parse_as_of("2025-02") == "2025-02-28"
    assert parse_as_of("2024") == "2024-12-31"
    with pytest.raises(GraphkitError, match="--as-of"):
        parse_as_of("2025-13")


def test_rules_on_hand_made_facts(seed_graph):
    st = partnership(seed_graph)
    assert valid_at(st, "2025-02-01") and not valid_at(st, "2025-01-31")
    assert status_at(st, "2025-02-12") == "reported" and status_at(st, "2025-03-01") == "confirmed"
    assert first_known(st, seed_graph.sources) == "2025-02-11"
    honor = next(s for s in seed_graph.statements if s.subject == "honor" and s.relation == "subsidiary-of")
    assert has_ended(honor, "2021-01-01") and not has_ended(honor, "2020-10-31")


# ----------------------------------------------------------------------------- the loader

BAD_HISTORY = """
entities:
  - {{id: a, type: Company, name: A}}
  - {{id: b, type: Company, name: B}}
  - {{id: pub, type: Publisher, name: Pub}}
sources:
  - {{id: s1, title: One, publisher: pub, date: "2025-01-01"}}
  - {{id: s2, title: Two, publisher: pub, date: "2025-02-01"}}
relations:
  - fact: a partners-with b
    status: {status}
    history:
{steps}
"""


@pytest.mark.parametrize("status, steps, message", [
    ("confirmed", '      - {status: rumored, date: "2025-02-01", source: s2}\n'
                  '      - {status: confirmed, date: "2025-01-01", source: s1}', "history steps must be in date order"),
    ("confirmed", '      - {status: confirmed, date: "2025-01-01", source: nope}', "unknown source 'nope'"),
    ("confirmed", '      - {status: rumored, date: "2025-01-01", source: s1}', "the last step of 'history' is rumored"),
    ("confirmed", '      - {status: confirmed, source: s1}', "missing 'date' in a history step"),
    ("confirmed", '      - {status: sure, date: "2025-01-01", source: s1}', "unknown status 'sure'"),
])
def test_bad_history_is_a_located_error(tmp_path, status, steps, message):
    path = tmp_path / "bad.yaml"
    path.write_text(BAD_HISTORY.format(status=status, steps=steps), encoding="utf-8")
    with pytest.raises(ValidationError) as info:
        load(path)
    lines = [str(p) for p in info.value.problems]
    assert any(message in line and "bad.yaml:" in line for line in lines), lines
    result = CliRunner().invoke(main, ["check", str(path)])
    assert result.exit_code == 1
    assert "Traceback" not in result.output


def test_history_alone_sets_the_status(tmp_path):
    path = tmp_path / "ok.yaml"
    path.write_text(BAD_HISTORY.format(status="rumored", steps='      - {status: rumored, date: "2025-01-01", source: s1}\n'
                                                           '      - {status: denied, date: "2025-02-01", source: s2}')
                    .replace("    status: rumored\n", ""), encoding="utf-8")
    graph = load(path)
    (st,) = graph.statements
    assert st.status == "denied" and st.sources == ("s1", "s2")


# ----------------------------------------------------------------------------- RDF and property graph

def test_history_in_rdf_and_round_trip(seed_graph, tmp_path):
    from graphkit.exports import serialize
    from graphkit.rdf import load_turtle

    turtle = serialize(seed_graph, "turtle")
    text = turtle.decode() if isinstance(turtle, bytes) else turtle
    assert "gk:statusHistory" in text and "gk:StatusChange" in text and "gk:firstReported" in text
    path = tmp_path / "g.ttl"
    path.write_text(text, encoding="utf-8")
    back = load_turtle(path)
    assert partnership(back).history == partnership(seed_graph).history


def test_history_in_the_property_graph(seed_graph):
    from graphkit.ontology import load_ontology
    from graphkit.property_rows import statement_properties

    props = statement_properties(partnership(seed_graph), load_ontology(), sources=seed_graph.sources)
    assert props["history_statuses"] == ["reported", "confirmed"]
    assert props["history_dates"] == ["2025-02-11", "2025-02-13"]
    assert props["history_sources"] == ["reuters-2025-02-11-apple-alibaba", "bloomberg-2025-02-13-tsai-apple"]
    assert props["first_reported"] == "2025-02-11"


# ----------------------------------------------------------------------------- every command

SPARQL_PARTNERS = ("SELECT ?status WHERE { ?st rdf:subject ?a ; rdf:predicate gk:partnersWith ; "
                   "rdf:object ?b ; gk:status ?status . "
                   "FILTER((?a = e:apple && ?b = e:alibaba) || (?a = e:alibaba && ?b = e:apple)) }")
CYPHER_PARTNERS = ("MATCH (a {id: 'apple'})-[r:PARTNERS_WITH]-(b {id: 'alibaba'}) RETURN b.id AS partner, r.status AS status")


def sparql_rows(data_dir, *options):
    out = run("sparql", SPARQL_PARTNERS, "-d", str(data_dir), "--format", "json", *options)
    return sorted(b["status"]["value"].rsplit("#", 1)[-1] for b in json.loads(out)["results"]["bindings"])


def cypher_rows(data_dir, *options):
    out = run("cypher", CYPHER_PARTNERS, "-d", str(data_dir), "--format", "json", *options)
    return sorted(row["status"] for row in json.loads(out))


@pytest.mark.server
def test_sparql_and_cypher_agree_as_of(data_dir):
    assert sparql_rows(data_dir) == cypher_rows(data_dir) == ["confirmed"]
    valid = ("--as-of", "2024-12-31")
    assert sparql_rows(data_dir, *valid) == cypher_rows(data_dir, *valid) == []
    known = ("--as-of", "2025-02-12", "--time", "known")
    assert sparql_rows(data_dir, *known) == cypher_rows(data_dir, *known) == ["reported"]
    hq = "SELECT ?c WHERE { e:alibaba gk:headquarteredIn ?c }"
    assert "china" in run("sparql", hq, "-d", str(data_dir), "--as-of", "2024-12-31", "--format", "csv")


def test_stats_as_of(data_dir):
    from collections import Counter

    graph = load(data_dir)
    now = json.loads(run("stats", "-d", str(data_dir), "--format", "json"))
    for options, view in ((("--as-of", "2024-12-31"), as_of(graph, "2024-12-31", "valid")),
                          (("--as-of", "2025-02-12", "--time", "known"), as_of(graph, "2025-02-12", "known"))):
        counted = json.loads(run("stats", "-d", str(data_dir), "--format", "json", *options))
        assert counted["statements"] == len(view.statements) < now["statements"]
        assert counted["by_status"] == dict(Counter(st.status for st in view.statements))
        assert counted["entities"] == now["entities"]  # entities have no time of their own
    known = as_of(graph, "2025-02-12", "known")
    assert partnership(known).status == "reported"


def test_path_as_of_and_dates(data_dir):
    out = run("path", "apple", "alibaba", "-d", str(data_dir), "--as-of", "2025-02-12", "--time", "known")
    assert "[reported]" in out and "history: reported 2025-02-11" in out
    out = run("path", "apple", "alibaba", "-d", str(data_dir), "--as-of", "2024-12-31", "--format", "json")
    hops = json.loads(out)
    assert all(f["relation"] != "partners-with" for p in hops for h in p["hops"] for f in h["facts"])
    out = run("path", "honor", "huawei", "-d", str(data_dir))
    assert "Honor subsidiary-of Huawei  [confirmed]  (until 2020-11 (ended))" in out  # names; ids with --ids


def test_rank_and_communities_as_of(data_dir):
    before = json.loads(run("rank", "-d", str(data_dir), "--format", "json", "--as-of", "2024-12-31",
                            "--measure", "degree"))
    after = json.loads(run("rank", "-d", str(data_dir), "--format", "json", "--measure", "degree"))

    def facts(result, entity):
        return next((r["facts"] for rows in result["groups"].values() for r in rows if r["id"] == entity), 0)
    assert facts(before, "alibaba") < facts(after, "alibaba")
    assert facts(before, "alibaba") > 0  # Alibaba is still there in 2024
    out = json.loads(run("communities", "-d", str(data_dir), "--format", "json", "--as-of", "2025-02-12",
                         "--time", "known"))
    assert out["count"] >= 1


def test_render_as_of_keeps_alibaba(data_dir, tmp_path):
    from graphkit.page import render_page

    graph = load(data_dir)
    html = render_page(graph, as_of="2024-12-31")
    assert '"alibaba"' in html
    out = run("render", "-d", str(data_dir), "--as-of", "2025-02-12", "--time", "known", "-o", str(tmp_path / "p.html"))
    assert "wrote" in out and (tmp_path / "p.html").exists()


def test_bad_time_option_is_a_usage_error(data_dir):
    result = CliRunner().invoke(main, ["stats", "-d", str(data_dir), "--as-of", "yesterday"])
    assert result.exit_code == 2
    assert "--as-of" in result.output
