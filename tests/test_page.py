"""The interactive HTML page: determinism, escaping, offline-ness, selection, CLI (no browser here;
tests/test_page_browser.py drives the page in Chromium)."""
from __future__ import annotations

import json
import os
import re
import stat
import subprocess
import sys
import time
from html.parser import HTMLParser
from pathlib import Path

import pytest
from click.testing import CliRunner

from graphkit import api
from graphkit.cli import main
from graphkit.errors import GraphkitError
from graphkit.model import Entity, KnowledgeGraph, Source, Statement
from graphkit.page import (
    PHYSICS_LIMIT,
    compute_layout,
    detect_query_language,
    json_for_script,
    make_selection,
    needs_rebuild,
    page_data,
    query_subgraph,
    render_page,
    select_subgraph,
    statement_window,
    write_page,
)

ROOT = Path(__file__).resolve().parents[1]
FIXTURE = ROOT / "tests" / "data" / "page"
PAYLOADS = ("<img src=x onerror=alert(1)>", "</script><script>window.__xss = 'alias'</script>",
            "<svg onload=alert(3)>", "<img src=x onerror=alert(5)> Acme and Beta team up",
            "<img src=x onerror=alert(6)> noted", "</script><img src=x onerror=alert(7)> said the CEO",
            "Newswire <img src=x onerror=alert(4)>")


@pytest.fixture(scope="module")
def fixture_graph():
    return api.load(FIXTURE)


def page_json(html: str) -> dict:
    match = re.search(r'<script type="application/json" id="gk-data">(.*?)</script>', html, re.S)
    assert match, "no data blob"
    return json.loads(match.group(1))


class _Tags(HTMLParser):
    """Every start tag and its attributes, as a browser's tokenizer would see them."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def tags_of(html: str) -> list[tuple[str, dict]]:
    parser = _Tags()
    parser.feed(html)
    parser.close()
    return parser.tags


def pairs(graph: KnowledgeGraph) -> set[tuple[str, str, str]]:
    return {(s.subject, s.relation, s.object) for s in graph.statements}


# ------------------------------------------------------------------ determinism

def test_page_is_byte_identical_for_the_same_input(seed_graph):
    first = render_page(seed_graph)
    second = render_page(seed_graph)
    assert first == second


def test_page_does_not_depend_on_load_order(fixture_graph):
    shuffled = KnowledgeGraph(entities=dict(reversed(list(fixture_graph.entities.items()))),
                              sources=dict(reversed(list(fixture_graph.sources.items()))),
                              statements=list(reversed(fixture_graph.statements)))
    assert render_page(shuffled) == render_page(fixture_graph)


def test_page_has_no_timestamp_or_randomness(fixture_graph, monkeypatch):
    first = render_page(fixture_graph)
    monkeypatch.setattr(time, "time", lambda: 2_000_000_000.0)
    assert render_page(fixture_graph) == first


def test_layout_is_deterministic_and_covers_every_node():
    nodes = [f"n{i}" for i in range(60)] + ["alone-a", "alone-b"]
    edges = [(f"n{i}", f"n{(i * 7 + 3) % 60}") for i in range(60)]
    one = compute_layout(nodes, edges)
    assert one == compute_layout(list(reversed(nodes)), list(reversed(edges)))
    assert set(one) == set(nodes)
    assert all(isinstance(v, int) for xy in one.values() for v in xy)
    assert len(set(one.values())) == len(nodes), "two nodes share a position"
    # isolated nodes are shelved under the drawing
    lowest_linked = max(one[n][1] for n in nodes if n.startswith("n"))
    assert one["alone-a"][1] > lowest_linked and one["alone-b"][1] > lowest_linked
    circle = compute_layout(nodes, edges, "circle")
    assert set(circle) == set(nodes)
    with pytest.raises(ValueError, match="unknown layout"):
        compute_layout(nodes, edges, "spiral")


# ------------------------------------------------------------------ safety

def test_untrusted_text_stays_inert_in_the_html(fixture_graph):
    html = render_page(fixture_graph)
    tags = [tag for tag, _ in tags_of(html)]
    # Only the template's own elements: no <img>, <svg>, <b> or extra <script> from the data.
    assert "img" not in tags and "svg" not in tags and "b" not in tags
    assert tags.count("script") == 3
    blob = re.search(r'<script type="application/json" id="gk-data">(.*?)</script>', html, re.S).group(1)
    assert "<" not in blob and ">" not in blob and "&" not in blob
    assert "<!--" not in html.split('id="gk-data">', 1)[1].split("</script>", 1)[0]
    # ...and the JSON still carries the exact text, to be shown with textContent.
    data = page_json(html)
    acme = next(e for e in data["entities"] if e["id"] == "acme")
    assert acme["name"] == PAYLOADS[0]
    assert PAYLOADS[1] in acme["aliases"]
    assert acme["attributes"]["country"] == PAYLOADS[2]
    statement = next(s for s in data["statements"] if s.get("quote"))
    assert statement["note"] == PAYLOADS[4] and statement["quote"] == PAYLOADS[5]
    assert data["sources"]["src-early"]["title"] == PAYLOADS[3]
    assert data["sources"]["src-early"]["publisher_name"] == PAYLOADS[6]


def test_page_javascript_never_uses_html_sinks():
    code = (ROOT / "graphkit" / "page" / "page.js").read_text(encoding="utf-8")
    code = re.sub(r"/\*.*?\*/", "", code, flags=re.S)  # the header comment names them
    for sink in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(", "new Function"):
        assert sink not in code, sink


def test_json_for_script_escapes_markup():
    text = json_for_script({"a": "</script><!-- & >", "b": "\u2028"})
    assert "<" not in text and ">" not in text and "&" not in text and "\u2028" not in text
    assert json.loads(text) == {"a": "</script><!-- & >", "b": "\u2028"}


def test_title_is_escaped(fixture_graph):
    html = render_page(fixture_graph, title="<script>alert(1)</script> & co")
    assert "<title>&lt;script&gt;alert(1)&lt;/script&gt; &amp; co</title>" in html
    assert "<script>alert(1)" not in html


def test_only_http_links_and_wikidata_ids_survive():
    graph = KnowledgeGraph(
        entities={"a": Entity("a", "Company", "A", wikidata="Q1\"><script>"),
                  "b": Entity("b", "Company", "B", wikidata="Q312")},
        sources={"s1": Source("s1", "bad", url="javascript:alert(1)"),
                 "s2": Source("s2", "good", url="https://example.org/x")},
        statements=[Statement("a", "partners-with", "b", "confirmed", ("s1", "s2"), symmetric=True)])
    data = page_data(graph)
    assert "url" not in data["sources"]["s1"]
    assert data["sources"]["s2"]["url"] == "https://example.org/x"
    wikidata = {e["id"]: e.get("wikidata") for e in data["entities"]}
    assert wikidata == {"a": None, "b": "Q312"}


def test_page_is_self_contained_and_fetches_nothing(seed_graph):
    html = render_page(seed_graph)
    for tag, attrs in tags_of(html):
        assert "src" not in attrs, f"<{tag} src=...> would load a file"
        if "href" in attrs:
            assert not re.match(r"(https?:)?//", attrs["href"]), attrs["href"]
        assert tag not in ("link", "iframe", "img", "object", "embed", "base"), tag
    # No CDN, no source map, no pyvis template leftovers.
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", html)
    assert "sourceMappingURL" not in html
    assert not re.search(r"jsdelivr|cdnjs|unpkg|lib/bindings|tom-select", html)
    csp = next(attrs["content"] for tag, attrs in tags_of(html)
               if tag == "meta" and attrs.get("http-equiv") == "Content-Security-Policy")
    assert "default-src 'none'" in csp and "script-src 'sha256-" in csp and "unsafe-inline" not in csp.split("style-src")[0]


def test_nothing_is_written_next_to_the_page(tmp_path, seed_graph, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write_page(seed_graph, tmp_path / "out" / "page.html")
    assert sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*")) == ["out", "out/page.html"]


# ------------------------------------------------------------------ what the page shows

def test_page_data_styles_classes_statuses_and_symmetry(fixture_graph):
    data = page_data(fixture_graph, lang="fr")
    classes = {c["key"]: c for c in data["classes"]}
    assert set(classes) == {e.type for e in fixture_graph.entities.values()}
    assert classes["Company"]["labels"]["fr"] == "entreprise"  # from the ontology
    assert len({(c["shape"], c["color"]) for c in classes.values()}) == len(classes)
    statuses = {s["key"]: s for s in data["statuses"]}
    assert set(statuses) == {"confirmed", "reported", "imported", "claimed", "rumored", "denied"}
    styles = {k: (s["style"]["color"], json.dumps(s["style"]["dashes"]), s["style"]["width"]) for k, s in statuses.items()}
    assert len(set(styles.values())) == len(styles), "two statuses look the same"
    assert statuses["confirmed"]["style"]["dashes"] is False and statuses["rumored"]["style"]["dashes"]
    assert statuses["denied"]["style"]["strike"] is True
    rows = {(s["subject"], s["relation"], s["object"]): s for s in data["statements"]}
    assert rows[("acme", "competes-with", "gamma")]["symmetric"] is True
    assert "symmetric" not in rows[("beta", "develops", "omega-model")]
    assert rows[("acme", "partners-with", "beta")]["start"] == "2024-03-01"  # valid time: since 2024-03
    assert rows[("acme", "partners-with", "beta")]["known"] == "2024-03-05"  # known time: its source's date
    assert {(e["from"], e["to"]) for e in data["vis"]["edges"]} == {(s.subject, s.object) for s in fixture_graph.statements}
    nodes = {n["id"]: n for n in data["vis"]["nodes"]}
    assert nodes["beta"]["color"] == classes["Company"]["color"] and nodes["beta"]["shape"] == classes["Company"]["shape"]
    assert nodes["beta"]["label"] == "Laboratoires Bêta"  # --lang fr
    assert nodes["gamma"]["label"] == "Gamma Systems"  # no fr label: the name
    assert all(isinstance(n["x"], int) and isinstance(n["y"], int) for n in nodes.values())
    assert data["meta"]["physics"] is True
    assert data["markets"][0]["key"] == "wonderland" and data["markets"][-1]["key"] == ""


def test_parallel_facts_get_separate_curves():
    graph = KnowledgeGraph(
        entities={"a": Entity("a", "Company", "A"), "b": Entity("b", "Company", "B")},
        statements=[Statement("a", "partners-with", "b", "confirmed", (), symmetric=True),
                    Statement("a", "competes-with", "b", "reported", (), symmetric=True),
                    Statement("b", "in-talks-with", "a", "rumored", (), symmetric=True)])
    edges = page_data(graph)["vis"]["edges"]
    flip = {"curvedCW": "curvedCCW", "curvedCCW": "curvedCW"}

    def drawn(edge):  # the curve as seen on screen: CW from b to a is CCW from a to b
        smooth = edge.get("smooth")
        if not smooth:
            return None
        side = smooth["type"] if edge["from"] <= edge["to"] else flip[smooth["type"]]
        return side, smooth["roundness"]

    assert sorted(map(str, map(drawn, edges))) == sorted(map(str, [None, ("curvedCW", 0.2), ("curvedCCW", 0.2)]))


def test_large_graphs_start_without_physics():
    from graphkit.synthetic import generate

    graph = generate(PHYSICS_LIMIT + 20, PHYSICS_LIMIT)
    data = page_data(graph, layout="circle")
    assert data["meta"]["physics"] is False and data["meta"]["large"] is True
    assert data["vis"]["options"]["physics"]["enabled"] is False
    assert data["vis"]["options"]["interaction"]["hideEdgesOnDrag"] is True
    assert page_data(generate(30, 40))["vis"]["options"]["physics"]["enabled"] is True


def test_pagerank_matches_networkx():
    """The page's PageRank (plain Python for small graphs, numpy above) is networkx's."""
    import networkx as nx

    from graphkit.page.overview import _pagerank, _pagerank_numpy, _pagerank_plain
    from graphkit.synthetic import generate

    for graph in (api.load(ROOT / "seed_data"), generate(2_000, 6_000)):
        nodes = sorted(graph.entities)
        edges = sorted({tuple(sorted((s.subject, s.object))) for s in graph.statements if s.subject != s.object})
        reference = nx.Graph()
        reference.add_nodes_from(nodes)
        reference.add_edges_from(edges)
        expected = nx.pagerank(reference, alpha=0.85, tol=1e-9, max_iter=200)
        index = {n: i for i, n in enumerate(nodes)}
        pairs = [(index[a], index[b]) for a, b in edges]
        for values in (_pagerank_plain(len(nodes), pairs), _pagerank_numpy(len(nodes), pairs),
                       list(_pagerank(nodes, edges).values())):
            assert all(abs(v - expected[n]) <= 1e-12 for n, v in zip(nodes, values, strict=True))
    assert _pagerank(["a", "b"], []) == {"a": 0.0, "b": 0.0}


def test_seed_page_renders_without_scipy():
    """Building the seed's page imports neither scipy nor networkx's scipy PageRank (a second of
    imports for a 56-entity page)."""
    code = ("import sys; from graphkit import api; from graphkit.page import render_page; "
            "render_page(api.load('seed_data')); print(sorted(m for m in sys.modules if m.split('.')[0] == 'scipy'))")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert done.stdout.strip() == "[]"


def test_overview_fisheye_spreads_the_centre_and_keeps_the_rim():
    from graphkit.page.render import fisheye

    points = {"c": (0, 0), "near": (100, 0), "left": (-100, 0), "mid": (0, -500), "down": (0, 500), "rim": (1000, 0),
              "other": (-1000, 0)}
    spread = fisheye(points, 0.55)
    assert spread == fisheye(dict(reversed(points.items())), 0.55)  # order does not matter
    assert spread["c"] == (0, 0) and spread["rim"] == (1000, 0) and spread["other"] == (-1000, 0)
    assert spread["near"][0] > 250 and spread["mid"][1] < -500  # the centre opens up, in the same direction
    assert all(isinstance(v, int) for xy in spread.values() for v in xy)
    assert fisheye({}, 0.55) == {} and fisheye({"a": (3, 4)}, 0.55) == {"a": (3, 4)}


def test_empty_and_unlinked_graphs_render(fixture_graph):
    empty = page_data(KnowledgeGraph())
    assert empty["meta"]["counts"] == {"entities": 0, "relationships": 0, "sources": 0}
    assert empty["vis"]["nodes"] == [] and empty["meta"]["physics"] is False  # nothing to simulate
    assert "gk-data" in render_page(KnowledgeGraph())
    alone = page_json(render_page(fixture_graph, focus="lonely", depth=3))
    assert [e["id"] for e in alone["entities"]] == ["lonely"] and alone["statements"] == []
    assert alone["meta"]["physics"] is False


def test_bad_options_are_clear_errors(fixture_graph):
    with pytest.raises(ValueError, match="unknown language 'de'"):
        render_page(fixture_graph, lang="de")
    with pytest.raises(GraphkitError, match="unknown relation 'partner-with'.*partners-with"):
        render_page(fixture_graph, relations=["partner-with"])
    with pytest.raises(GraphkitError, match="unknown entity type 'Compny'"):
        render_page(fixture_graph, types=["Compny"])
    with pytest.raises(GraphkitError, match="unknown status 'sure'"):
        render_page(fixture_graph, statuses=["sure"])
    with pytest.raises(GraphkitError, match="no entity matches 'nobody'"):
        render_page(fixture_graph, focus="nobody")
    with pytest.raises(GraphkitError, match="depth must be 0 or more"):
        render_page(fixture_graph, focus="acme", depth=-1)
    with pytest.raises(GraphkitError, match="--as-of"):
        render_page(fixture_graph, as_of="2025-02-30")
    with pytest.raises(GraphkitError, match="type filter"):
        render_page(fixture_graph, focus="omega-model", types=["Company"])


# ------------------------------------------------------------------ selection

def test_focus_and_depth(fixture_graph):
    one = select_subgraph(fixture_graph, focus="acme", depth=1)
    assert set(one.entities) == {"acme", "beta", "gamma", "delta"}
    assert pairs(one) == {("acme", "partners-with", "beta"), ("acme", "competes-with", "gamma"),
                          ("acme", "partners-with", "delta"), ("beta", "in-talks-with", "delta")}
    assert set(select_subgraph(fixture_graph, focus="acme", depth=0).entities) == {"acme"}
    # by label or alias, and through relations in either direction
    two = select_subgraph(fixture_graph, focus="Omega Assistant", depth=2)
    assert set(two.entities) == {"omega-app", "omega-model", "beta"}
    assert set(select_subgraph(fixture_graph, focus="贝塔实验室", depth=0).entities) == {"beta"}
    # sources of the kept facts come along, with the sources they cite
    assert set(one.sources) == {"src-early", "src-mid"}


def test_relation_type_status_and_market_filters(fixture_graph):
    partners = select_subgraph(fixture_graph, relations=["partners-with"])
    assert pairs(partners) == {("acme", "partners-with", "beta"), ("acme", "partners-with", "delta")}
    assert set(partners.entities) == {"acme", "beta", "delta"}
    organizations = select_subgraph(fixture_graph, types=["Organization"])
    assert set(organizations.entities) == {"acme", "beta", "gamma", "delta", "newswire", "lonely"}
    assert all(s.relation in ("partners-with", "competes-with", "in-talks-with") for s in organizations.statements)
    confirmed = select_subgraph(fixture_graph, statuses=["confirmed"])
    assert {s.status for s in confirmed.statements} == {"confirmed"} and len(confirmed.statements) == 2
    market = select_subgraph(fixture_graph, markets=["Wonderland"])
    assert pairs(market) == {("acme", "partners-with", "beta")}
    both = select_subgraph(fixture_graph, statuses=["reported", "denied"], types=["Company"])
    assert pairs(both) == {("acme", "competes-with", "gamma"), ("beta", "in-talks-with", "delta")}


def test_relation_filter_includes_sub_relations():
    graph = KnowledgeGraph(
        entities={k: Entity(k, "AIModel", k.upper()) for k in ("m1", "m2", "m3")},
        statements=[Statement("m2", "fine-tuned-from", "m1", "confirmed", ()),
                    Statement("m3", "outperforms", "m1", "claimed", ())])
    assert pairs(select_subgraph(graph, relations=["based-on"])) == {("m2", "fine-tuned-from", "m1")}


def test_as_of_rule(fixture_graph):
    """The page selects with graphkit.asof: valid time by default, known time on request."""
    def at(day, time="valid"):
        return {(s.subject, s.object) for s in select_subgraph(fixture_graph, as_of=day, time=time).statements}

    undated = {("omega-model", "omega-app"), ("delta", "phone-x")}  # only undated sources
    no_since = undated | {("acme", "gamma"), ("beta", "omega-model"), ("gamma", "phone-x"), ("beta", "delta")}
    # valid time: a fact without dates holds; `since` starts it, `until` (exclusive) ends it
    assert at("2023-12-31") == no_since
    assert at("2024-02") == no_since | {("acme", "delta")}  # since 2024
    assert at("2024-03") == no_since | {("acme", "delta"), ("acme", "beta")}  # since 2024-03
    assert at("2025-06") == (no_since | {("acme", "delta"), ("acme", "beta")}) - {("gamma", "phone-x")}
    # known time: from the first source's date (a month stands for its last day)
    assert at("2024-03-04", "known") == undated
    march = undated | {("acme", "beta"), ("acme", "gamma"), ("acme", "delta")}
    assert at("2024-03", "known") == march  # src-early (03-05) counts
    january = march | {("beta", "omega-model"), ("gamma", "phone-x"), ("beta", "delta")}
    assert at("2025-01", "known") == january  # src-mid is dated 2025-01: known by the month's end
    assert at("2025-01-15", "known") == march
    assert at("2025-06", "known") == january  # an ended fact is still known
    st = next(s for s in fixture_graph.statements if s.relation == "partners-with" and s.object == "beta")
    assert statement_window(st, fixture_graph) == ("2024-03-01", None)


def test_make_selection_normalises(fixture_graph):
    selection = make_selection(fixture_graph, focus="Acme Corp", depth="2", as_of="2025", markets="wonderland")
    assert (selection.focus, selection.depth, selection.as_of, selection.markets) == ("acme", 2, "2025-12-31", ("wonderland",))
    assert "focus acme" in selection.describe()


# ------------------------------------------------------------------ queries

def test_detect_query_language():
    assert detect_query_language("# comment\nPREFIX gk: <x#>\nCONSTRUCT {} WHERE {}") == "sparql"
    assert detect_query_language("construct { ?s ?p ?o } where { ?s ?p ?o }") == "sparql"
    assert detect_query_language("// hello\nMATCH (n) RETURN n") == "cypher"
    with pytest.raises(GraphkitError, match="--query-lang"):
        detect_query_language("DELETE everything")


def test_sparql_construct_selects_facts_and_entities(fixture_graph):
    query = """PREFIX gk: <https://w3id.org/graphkit/ontology#>
               CONSTRUCT { ?a gk:partnersWith ?b } WHERE { ?a gk:partnersWith ?b }"""
    shown = query_subgraph(fixture_graph, query)
    assert pairs(shown) == {("acme", "partners-with", "beta"), ("acme", "partners-with", "delta")}
    assert set(shown.entities) == {"acme", "beta", "delta"}
    # statement nodes map back to their facts (denied facts have no asserted triple)
    denied = query_subgraph(fixture_graph, """
        PREFIX gk: <https://w3id.org/graphkit/ontology#>
        PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
        CONSTRUCT { ?st rdf:subject ?s } WHERE { ?st gk:status gk:denied ; rdf:subject ?s }""")
    assert pairs(denied) == {("acme", "competes-with", "gamma")}
    select = query_subgraph(fixture_graph, """PREFIX gk: <https://w3id.org/graphkit/ontology#>
        SELECT ?m WHERE { ?m a gk:AIModel }""", language="sparql")
    assert set(select.entities) == {"omega-model"} and not select.statements


@pytest.mark.server
def test_cypher_query_selects_nodes_and_relationships(fixture_graph, isolated_cache):
    shown = query_subgraph(fixture_graph, "MATCH (a {id: $id})-[r]-(b) RETURN a, r, b".replace("$id", "'beta'"))
    assert pairs(shown) == {("acme", "partners-with", "beta"), ("beta", "develops", "omega-model"),
                            ("beta", "in-talks-with", "delta")}
    path = query_subgraph(fixture_graph, "MATCH p = (:Company {id: 'gamma'})-[*1..2]-(:Company {id: 'delta'}) RETURN p",
                          language="cypher")
    assert ("gamma", "ships", "phone-x") in pairs(path) and ("delta", "ships", "phone-x") in pairs(path)


# ------------------------------------------------------------------ build and CLI

def test_build_writes_the_page(tmp_path):
    result = api.build(FIXTURE, tmp_path / "exports")
    page = tmp_path / "exports" / "graph.html"
    assert page in result.files
    assert page_json(page.read_text(encoding="utf-8"))["meta"]["counts"]["entities"] == 10
    import graphkit.page  # noqa: F401 - importing again must not register twice

    assert sum(getattr(w, "__name__", "") == "html_page" for w in api.build_writers()) == 1


def test_cli_render_with_filters(tmp_path):
    out = tmp_path / "acme.html"
    result = CliRunner().invoke(main, ["render", "-d", str(FIXTURE), "-o", str(out), "--focus", "acme",
                                       "--depth", "1", "--status", "confirmed", "--lang", "zh"])
    assert result.exit_code == 0, result.output
    assert f"wrote {out}" in result.output
    data = page_json(out.read_text(encoding="utf-8"))
    assert {e["id"] for e in data["entities"]} == {"acme", "beta", "delta"}
    assert data["meta"]["lang"] == "zh" and "focus acme" in data["meta"]["selection"]


def test_cli_render_query(tmp_path):
    query_file = tmp_path / "q.rq"
    query_file.write_text("PREFIX gk: <https://w3id.org/graphkit/ontology#>\n"
                          "CONSTRUCT { ?a gk:ships ?b } WHERE { ?a gk:ships ?b }\n", encoding="utf-8")
    out = tmp_path / "q.html"
    result = CliRunner().invoke(main, ["render", "-d", str(FIXTURE), "-o", str(out), "--query", f"@{query_file}"])
    assert result.exit_code == 0, result.output
    data = page_json(out.read_text(encoding="utf-8"))
    assert {(s["subject"], s["object"]) for s in data["statements"]} == {("gamma", "phone-x"), ("delta", "phone-x")}
    # publishers are named from the whole graph even though they are not shown
    assert data["sources"]["src-mid"]["publisher_name"].startswith("Newswire")


@pytest.mark.parametrize("args, message", [
    (["--focus", "nobody"], "error: no entity matches 'nobody'"),
    (["--as-of", "2025-13"], "error: --as-of: '2025-13' is not a valid date"),
    (["--relation", "likes"], "error: unknown relation 'likes'"),
    (["--query", "DROP ALL"], "error: cannot tell whether the query is SPARQL or Cypher"),
    (["--query", "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p"], "error: "),
])
def test_cli_render_errors_are_one_line(tmp_path, args, message):
    # in this process: the one error handler is the same (tests/test_errors.py runs it in a child)
    result = CliRunner().invoke(main, ["render", "-d", str(FIXTURE), "-o", str(tmp_path / "x.html"), *args])
    assert result.exit_code == 2, result.stderr
    assert result.stderr.startswith(message) and result.stderr.count("\n") == 1, result.stderr
    assert "Traceback" not in result.stderr and result.stdout == ""
    assert not (tmp_path / "x.html").exists()


def test_needs_rebuild(tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    (data / "g.yaml").write_text((FIXTURE / "graph.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    page = tmp_path / "graph.html"
    assert needs_rebuild(page, [data])
    page.write_text("x", encoding="utf-8")
    os.utime(data / "g.yaml", (1_000_000_000, 1_000_000_000))
    assert not needs_rebuild(page, [data])
    os.utime(data / "g.yaml", None)
    os.utime(page, (1_000_000_000, 1_000_000_000))
    assert needs_rebuild(page, [data])


def test_cli_open_builds_once_then_opens_with_browser_env(tmp_path):
    record = tmp_path / "opened.txt"
    browser = tmp_path / "fake-browser"
    browser.write_text(f"#!/bin/sh\necho \"$1\" >> '{record}'\n", encoding="utf-8")
    browser.chmod(browser.stat().st_mode | stat.S_IXUSR)
    env = {**os.environ, "BROWSER": str(browser)}
    out_dir = tmp_path / "exports"
    command = [sys.executable, "-m", "graphkit", "open", "-d", str(FIXTURE), "--out-dir", str(out_dir)]
    first = subprocess.run(command, capture_output=True, text=True, env=env, cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    page = out_dir / "graph.html"
    assert "building" in first.stderr and first.stdout.strip() == str(page.resolve())
    assert record.read_text(encoding="utf-8").strip() == page.resolve().as_uri()
    built = page.stat().st_mtime_ns
    # --print-only opens nothing: it can run in this process (webbrowser reads BROWSER only once per process)
    second = CliRunner().invoke(main, [*command[3:], "--print-only"])
    assert second.exit_code == 0 and "building" not in second.stderr and second.stdout.strip() == str(page.resolve())
    assert page.stat().st_mtime_ns == built
    assert len(record.read_text(encoding="utf-8").splitlines()) == 1  # --print-only opened nothing
