"""The article fully modelled: a sample of docs/article-claims.md asserted through SPARQL and Cypher."""
import re
from pathlib import Path

import pytest

from graphkit import sparql
from graphkit.cypher import run_cypher
from graphkit.rdf import build_rdf

ROOT = Path(__file__).resolve().parents[1]
PREFIXES = """PREFIX gk: <https://w3id.org/graphkit/ontology#>
PREFIX e: <https://w3id.org/graphkit/entity/>
PREFIX src: <https://w3id.org/graphkit/source/>
PREFIX schema: <https://schema.org/>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX dcterms: <http://purl.org/dc/terms/>
"""


@pytest.fixture(scope="module")
def rdf(seed_graph):
    return build_rdf(seed_graph)


def select(rdf, body):
    return [tuple(row) for row in sparql.run_sparql(PREFIXES + body, rdf).text_rows()]


def cypher(graph, query):
    return run_cypher(query, graph=graph).rows


def test_canalys_figure_is_an_observation_with_its_own_source(seed_graph, rdf):
    rows = select(rdf, """
        SELECT ?value ?unit ?start ?end ?about ?source WHERE {
          ?o a gk:Observation ; gk:value ?value ; gk:unit ?unit ; gk:periodStart ?start ; gk:periodEnd ?end .
          ?st rdf:subject ?o ; rdf:predicate gk:observationAbout ; rdf:object ?about ;
              prov:wasDerivedFrom ?source .
          ?source dcterms:publisher e:canalys .
        }""")
    assert rows == [("591", "percent", "2024-07-01", "2024-09-30", "e:china",
                     "src:canalys-2024-q3-china-ai-smartphones")]
    assert cypher(seed_graph, """
        MATCH (o:Observation)-[r:OBSERVATION_ABOUT]->(m:Market)
        WHERE 'canalys-2024-q3-china-ai-smartphones' IN r.sources
        RETURN o.value, o.unit, o.period_start, o.period_end, m.id""") == [
        [591, "percent", "2024-07-01", "2024-09-30", "china"]]


def test_the_quoted_canalys_source_is_not_the_q2_report(seed_graph):
    article = seed_graph.sources["digitaltrends-2025-02-apple-alibaba"]
    assert "canalys-2024-q3-china-ai-smartphones" in article.cites
    assert "canalys-2024-q2-china-smartphones" not in article.cites


def test_unverified_sources_say_so(seed_graph, rdf):
    """A source without a URL or date says why, in RDF and in the property graph alike."""
    rows = select(rdf, """
        SELECT ?s WHERE { ?s a gk:Source . FILTER NOT EXISTS { ?s schema:url ?u }
                          FILTER NOT EXISTS { ?s rdfs:comment ?note } }""")
    assert rows == []
    notes = cypher(seed_graph, "MATCH (s:Source) WHERE s.note IS NOT NULL RETURN s.id ORDER BY s.id")
    assert ["canalys-2024-q3-china-ai-smartphones"] in notes
    assert ["bloomberg-2025-02-13-tsai-apple"] in notes


def test_deepseek_sell_off_is_an_event(seed_graph, rdf):
    rows = select(rdf, """
        SELECT ?date ?affected ?magnitude WHERE {
          ?ev a gk:Event ; gk:occurred ?date ; gk:involves e:deepseek ; gk:affects ?affected .
          OPTIONAL { ?ev gk:magnitude ?magnitude } } ORDER BY ?date""")
    assert rows == [("2024", "e:china", ""),  # Chinese smartphone makers adopting AI, DeepSeek the example
                    ("2025-01-27", "e:united-states", "billions of US dollars of market value wiped off in one day")]
    assert cypher(seed_graph, """
        MATCH (d {id: 'deepseek'})<-[:INVOLVES]-(ev:Event)-[a:AFFECTS]->(m:Market)
        RETURN ev.id, ev.occurred, m.id, a.status ORDER BY ev.occurred""") == [
        ["china-smartphone-ai-adoption", "2024", "china", "reported"],
        ["deepseek-market-selloff-2025-01", "2025-01-27", "united-states", "confirmed"]]


def test_apple_intelligence_unavailable_in_china_until_the_deal(seed_graph, rdf):
    rows = select(rdf, """
        SELECT ?status ?until WHERE {
          ?st rdf:subject e:apple-intelligence ; rdf:predicate gk:unavailableIn ; rdf:object e:china ;
              gk:status ?status ; schema:endDate ?until }""")
    assert rows == [("gk:confirmed", "2025-02")]
    assert cypher(seed_graph, """
        MATCH (:AIProduct {id: 'apple-intelligence'})-[r:UNAVAILABLE_IN]->(m:Market)
        RETURN m.id, r.until""") == [["china", "2025-02"]]


def test_open_to_is_weaker_than_talks(seed_graph, rdf):
    """Apple is "open to" Gemini and Claude: not in talks with Google or Anthropic."""
    rows = select(rdf, """
        SELECT ?model ?maker ?status WHERE {
          ?st rdf:subject e:apple ; rdf:predicate gk:openTo ; rdf:object ?model ; gk:status ?status .
          ?maker gk:develops ?model } ORDER BY ?model""")
    assert rows == [("e:claude", "e:anthropic", "gk:rumored"), ("e:gemini", "e:google", "gk:rumored")]
    talks = select(rdf, "SELECT ?o WHERE { e:apple gk:inTalksWith|^gk:inTalksWith ?o } ORDER BY ?o")
    assert talks == [("e:baidu",), ("e:tencent",)]
    assert cypher(seed_graph, """
        MATCH (:Company {id: 'apple'})-[:IN_TALKS_WITH]-(o) RETURN o.id ORDER BY o.id""") == [
        ["baidu"], ["tencent"]]


def test_every_product_and_device_has_a_maker(seed_graph):
    """Each product's link to its maker: every AI product, model, device and chipset is developed
    or shipped by someone in the seed."""
    made = {st.object for st in seed_graph.statements if st.relation in ("develops", "ships")}
    things = {e.id for e in seed_graph.entities.values()
              if e.type in ("AIProduct", "AIModel", "Device", "Chipset")}
    assert things - made == set()
    rows = cypher(seed_graph, """
        MATCH (p) WHERE (p:AIProduct OR p:AIModel OR p:Device OR p:Chipset)
          AND NOT ()-[:DEVELOPS|SHIPS]->(p) RETURN p.id""")
    assert rows == []


def test_honor_adopted_deepseek(seed_graph):
    assert cypher(seed_graph, """
        MATCH (h:Company {id: 'honor'})-[a:ADOPTS]->(m:AIModel)<-[:DEVELOPS]-(d)
        RETURN m.id, d.id, a.status, a.market""") == [["deepseek-r1", "deepseek", "reported", "china"]]


def test_the_claims_table_counts_what_it_lists():
    """docs/article-claims.md: at least 90% of the factual claims are modelled, and the count
    written under the table is the table's."""
    text = (ROOT / "docs" / "article-claims.md").read_text(encoding="utf-8")
    rows = [line.split("|") for line in text.splitlines() if re.match(r"^\| \d+ \|", line)]
    kinds = [row[3].strip() for row in rows]
    modelled = sum(kind != "not modelled" for kind in kinds)
    assert f"**Count**: {len(rows)} factual claims; {modelled} modelled" in text
    assert modelled / len(rows) >= 0.9
