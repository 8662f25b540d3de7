"""Dates in the question pack's answers: every pack query that shows facts shows when they hold
(`since`, `until`) and their status history (`history`, oldest first: "reported 2025-02-11;
confirmed 2025-02-13"), in SPARQL (queries/*.rq) and in Cypher (queries/cypher/*.cypher) alike.
The seed's two time stories: Honor left Huawei in November 2020 (an ended fact), and the
Apple-Alibaba partnership was reported on 2025-02-11, then confirmed on 2025-02-13."""
from __future__ import annotations

from pathlib import Path

import pytest

from graphkit.api import load
from graphkit.asof import as_of

ROOT = Path(__file__).resolve().parents[1]
HISTORY = "reported 2025-02-11; confirmed 2025-02-13"
#: the pack queries whose rows are facts (the others count, test a path or return triples)
FACT_QUERIES = ("about", "chain", "competitors-in-market", "deals-by-status", "model-product-device", "partners",
                "partners-in-market", "single-source")
#: (query, parameters, the row's identifying columns) -> the dates the row must show
CASES = [
    ("partners", {}, {"company": "alibaba", "partner": "apple"}, {"since": "2025-02", "until": None, "history": HISTORY}),
    ("partners-in-market", {}, {"partner": "alibaba"}, {"since": "2025-02", "until": None, "history": HISTORY}),
    ("deals-by-status", {}, {"company": "alibaba", "counterpart": "apple"},
     {"status": "confirmed", "since": "2025-02", "until": None, "history": HISTORY}),
    ("about", {"entity": "apple"}, {"property": "partners-with", "value": "alibaba"},
     {"direction": "both", "since": "2025-02", "until": None, "history": HISTORY}),
    ("about", {"entity": "alibaba"}, {"property": "partners-with", "value": "apple"},
     {"since": "2025-02", "until": None, "history": HISTORY}),
    ("about", {"entity": "honor"}, {"property": "subsidiary-of", "value": "huawei"},
     {"direction": "out", "since": None, "until": "2020-11", "history": None}),
    ("about", {"entity": "huawei"}, {"property": "subsidiary-of", "value": "honor"},
     {"direction": "in", "until": "2020-11"}),
    ("single-source", {}, {"subject": "honor", "relation": "subsidiary-of", "object": "huawei"},
     {"status": "confirmed", "since": None, "until": "2020-11", "history": None,
      "source": "scmp-2020-11-17-huawei-honor"}),
    ("single-source", {}, {"subject": "honor", "relation": "spun-off-from", "object": "huawei"},
     {"since": "2020-11", "until": None}),
]


def plain(term) -> str | None:
    """A SPARQL answer's term as the plain value the Cypher twin returns (ids and keys)."""
    from rdflib import URIRef

    from graphkit.ontology import load_ontology

    if term is None:
        return None
    text = str(term)
    if isinstance(term, URIRef):
        ontology = load_ontology()
        for table in (ontology.status_by_iri, ontology.relation_by_iri):
            if text in table:
                return table[text].key
        return text.rsplit("/", 1)[-1]
    return text


def sparql_rows(graph, name, params) -> list[dict]:
    from graphkit.sparql import load_query, run_sparql

    result = run_sparql(load_query(name), graph, params=params or None)
    return [dict(zip(result.variables, map(plain, row), strict=True)) for row in result.rows]


def cypher_rows(engine, graph, name, params) -> list[dict]:
    from graphkit.cypher import pack_query

    text, values = pack_query(name, params)
    result = engine.run(graph, text, values)
    return [dict(zip(result.columns, row, strict=True)) for row in result.rows]


def the_row(rows: list[dict], key: dict) -> dict:
    found = [row for row in rows if all(row.get(k) == v for k, v in key.items())]
    assert len(found) == 1, (key, found)
    return found[0]


@pytest.fixture(scope="module")
def seed():
    return load(ROOT / "seed_data")


@pytest.fixture(scope="module")
def engine(tmp_path_factory):
    from graphkit.cypher.falkordb import EmbeddedEngine

    engine = EmbeddedEngine(tmp_path_factory.mktemp("pack-time-cache"))
    try:
        yield engine
    finally:
        engine.stop()


def test_every_fact_query_shows_since_until_and_history():
    from graphkit.sparql import list_queries
    from graphkit.sparql.text import query_variables

    for query in list_queries():
        if query.name in FACT_QUERIES:
            header = query.text.split("WHERE", 1)[0]
            assert {"since", "until", "history"} <= query_variables(header), query.name


@pytest.mark.parametrize("name, params, key, expected", CASES, ids=[f"{c[0]}-{'-'.join(c[2].values())}" for c in CASES])
def test_sparql_pack_shows_the_dates(seed, name, params, key, expected):
    row = the_row(sparql_rows(seed, name, params), key)
    assert {k: row[k] for k in expected} == expected


@pytest.mark.server
@pytest.mark.parametrize("name, params, key, expected", CASES, ids=[f"{c[0]}-{'-'.join(c[2].values())}" for c in CASES])
def test_cypher_pack_shows_the_dates(seed, engine, name, params, key, expected):
    row = the_row(cypher_rows(engine, seed, name, params), key)
    assert {k: row[k] for k in expected} == expected


@pytest.mark.server
def test_every_fact_query_returns_until_and_history_in_cypher(seed, engine):
    from graphkit.cypher import pack_query

    for name in FACT_QUERIES:
        text, values = pack_query(name)
        columns = engine.run(seed, text, values).columns
        assert {"since", "until", "history"} <= set(columns), name


def test_known_time_shows_the_history_so_far(seed):
    """As of 2025-02-12, as it could have been written then: reported, one step of history."""
    view = as_of(seed, "2025-02-12", "known")
    row = the_row(sparql_rows(view, "partners-in-market", {}), {"partner": "alibaba"})
    assert (row["status"], row["history"]) == ("reported", "reported 2025-02-11")
    assert row["sources"] == "reuters-2025-02-11-apple-alibaba"


@pytest.mark.server
def test_known_time_shows_the_history_so_far_in_cypher(seed, engine):
    view = as_of(seed, "2025-02-12", "known")
    row = the_row(cypher_rows(engine, view, "partners-in-market", {}), {"partner": "alibaba"})
    assert (row["status"], row["history"], row["sources"]) == ("reported", "reported 2025-02-11",
                                                               ["reuters-2025-02-11-apple-alibaba"])


def test_the_history_is_ordered_by_date_not_by_the_store(tmp_path):
    """Three steps, two of them on the same day, dates of mixed precision: oldest first, then in
    the written order; the same whatever the engine's index order (the sub-select orders them)."""
    graph = load(ROOT / "tests" / "data" / "cypher" / "parity.yaml")
    row = the_row(sparql_rows(graph, "partners", {}), {"company": "alibaba", "partner": "apple"})
    assert row["history"] == "rumored 2025-02; reported 2025-02-11; confirmed 2025-02-11"
    row = the_row(sparql_rows(graph, "competitors-in-market", {}), {"company": "alibaba", "competitor": "huawei"})
    assert (row["until"], row["history"]) == ("2025-03", "rumored 2025-01; reported 2025-03")
