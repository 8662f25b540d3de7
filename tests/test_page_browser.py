"""The page in a real browser: Debian's Chromium driven by Playwright, network cut off.

Every request the page makes is recorded and every non-file request aborted; the tests check
that the only request is the page itself. Screenshots go to tests/artifacts/ (gitignored).
"""
from __future__ import annotations

from pathlib import Path

import pytest

from graphkit import api
from graphkit.page import select_subgraph, write_page
from plugins.chromium import ARTIFACTS, PageSession

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[1]
FIXTURE = ROOT / "tests" / "data" / "page"
XSS_NAME = "<img src=x onerror=alert(1)>"


@pytest.fixture(scope="module")
def seed_page(tmp_path_factory, seed_graph):
    path = tmp_path_factory.mktemp("page") / "seed.html"
    write_page(seed_graph, path)
    return path


@pytest.fixture(scope="module")
def fixture_page(tmp_path_factory):
    path = tmp_path_factory.mktemp("page") / "fixture.html"
    write_page(api.load(FIXTURE), path)
    return path


@pytest.fixture
def seed(browser, seed_page):
    session = PageSession(browser, seed_page)
    try:
        yield session
    finally:
        session.close()


def test_seed_page_loads_offline_and_draws_everything(seed, seed_graph):
    assert seed.requests == [seed.url], "the page fetched something besides itself"
    assert seed.errors == []
    assert seed.js("window.graphkit.nodes.length") == len(seed_graph.entities)
    assert seed.js("window.graphkit.edges.length") == len(seed_graph.statements)
    assert seed.visible_nodes() == set(seed_graph.entities)
    summary = seed_graph.summary()
    assert seed.page.locator("#gk-counts").inner_text() == (
        f"{summary['entities']} entities · {summary['statements']} relationships · {summary['sources']} sources")
    painted = seed.js("""() => { const c = document.querySelector('#gk-graph canvas');
        const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data; let n = 0;
        for (let i = 3; i < d.length; i += 4) if (d[i] > 0) n++; return n; }""")
    assert painted > 5_000, "the canvas is (nearly) empty"
    legend = seed.page.locator("#gk-types label").all_inner_texts()
    assert any(text.startswith("company") for text in legend)  # class labels from the ontology
    ARTIFACTS.mkdir(exist_ok=True)
    seed.page.screenshot(path=str(ARTIFACTS / "page-seed.png"))


@pytest.mark.parametrize("query, expected", [
    ("Apple", "apple"), ("苹果公司", "apple"), ("aliyun", "alibaba-cloud"), ("阿里巴巴集团", "alibaba"),
])
def test_search_focuses_the_entity(seed, query, expected):
    seed.search(query)
    assert seed.js("window.graphkit.selected") == expected
    assert seed.js("window.graphkit.network.getSelectedNodes()") == [expected]
    assert seed.js("document.getElementById('gk-panel-body').getAttribute('data-id')") == expected
    # the view is centred on it
    x, y = seed.dom_position(expected)
    box = seed.page.locator("#gk-graph").bounding_box()
    assert abs(x - (box["x"] + box["width"] / 2)) < 40 and abs(y - (box["y"] + box["height"] / 2)) < 40


def test_search_by_alias_and_labels_in_every_language(browser, fixture_page):
    session = PageSession(browser, fixture_page)
    try:
        for query in ("BetaCo", "Laboratoires Bêta", "贝塔实验室", "beta labs"):
            session.search(query)
            assert session.js("window.graphkit.selected") == "beta", query
        session.page.locator("#gk-search").fill("Ω-1")
        options = session.page.locator("#gk-search-results li").all_inner_texts()
        assert options and options[0].startswith("Omega 1")
    finally:
        session.close()


def test_filters_hide_what_they_should(seed, seed_graph):
    statements = {s.id: s for s in seed_graph.statements}
    every = set(statements)
    # certainty: untick "confirmed"
    seed.page.locator('#gk-statuses input[data-key="confirmed"]').uncheck()
    assert seed.visible_edges() == {i for i, s in statements.items() if s.status != "confirmed"}
    assert seed.page.locator("#gk-counts").inner_text().split(" · ")[1].startswith(
        f"{len(every) - sum(s.status == 'confirmed' for s in statements.values())} / {len(every)}")
    seed.page.locator('#gk-statuses input[data-key="confirmed"]').check()
    assert seed.visible_edges() == every
    # entity type: untick markets -> their nodes and every fact touching them disappear
    markets = {e.id for e in seed_graph.entities.values() if e.type == "Market"}
    seed.page.locator('#gk-types input[data-key="Market"]').uncheck()
    assert seed.visible_nodes() == set(seed_graph.entities) - markets
    assert seed.visible_edges() == {i for i, s in statements.items() if not {s.subject, s.object} & markets}
    seed.page.locator('#gk-types input[data-key="Market"]').check()
    # relation: "none" then only partners-with
    seed.page.locator('.gk-bulk[data-list="gk-relations"] button').nth(1).click()
    assert seed.visible_edges() == set()
    seed.page.locator('#gk-relations input[data-key="partners-with"]').check()
    assert seed.visible_edges() == {i for i, s in statements.items() if s.relation == "partners-with"}
    seed.page.locator('.gk-bulk[data-list="gk-relations"] button').nth(0).click()
    # market: untick China
    seed.page.locator('#gk-markets input[data-key="china"]').uncheck()
    assert seed.visible_edges() == {i for i, s in statements.items() if s.market != "china"}
    seed.page.locator('#gk-markets input[data-key="china"]').check()
    # date slider: the same rule as `graphkit render --as-of`
    dates = seed.js("window.graphkit.data.dates")
    for index in (0, len(dates) // 2, len(dates) - 1):
        seed.page.locator("#gk-date").evaluate(
            "(el, v) => { el.value = String(v); el.dispatchEvent(new Event('input')); }", index)
        expected = {s.id for s in select_subgraph(seed_graph, as_of=dates[index]).statements}
        assert seed.visible_edges() == expected, dates[index]
        assert seed.page.locator("#gk-date-label").inner_text() == dates[index]
    # hide entities left without relations
    seed.page.locator("#gk-isolated").check()
    shown = seed.visible_nodes()
    ends = {e for s in statements.values() if s.id in seed.visible_edges() for e in (s.subject, s.object)}
    assert shown == ends


def test_clicks_show_details_sources_and_highlight(seed, seed_graph):
    seed.search("Apple")
    seed.page.locator("#gk-fit").click()
    seed.settle()
    # click on the node itself
    seed.js("window.graphkit.network.unselectAll()")
    x, y = seed.dom_position("apple")
    seed.page.mouse.click(x, y)
    panel = seed.page.locator("#gk-panel-body")
    assert panel.get_attribute("data-kind") == "entity" and panel.get_attribute("data-id") == "apple"
    assert panel.locator("h2").inner_text() == "Apple"
    neighbours = {e for s in seed_graph.statements if "apple" in (s.subject, s.object) for e in (s.subject, s.object)}
    stranger = sorted(set(seed_graph.entities) - neighbours)[0]
    assert seed.opacity("node", stranger) < 0.5  # dimmed
    assert seed.opacity("node", "alibaba") == 1 and seed.opacity("node", "apple") == 1
    far_edge = next(s.id for s in seed_graph.statements if "apple" not in (s.subject, s.object))
    near_edge = next(s.id for s in seed_graph.statements if "apple" in (s.subject, s.object))
    assert seed.opacity("edge", far_edge) < 0.5 and seed.opacity("edge", near_edge) == 1
    assert panel.locator("a[href^='https://']").count() > 0  # its sources, as links
    # click on a relationship: zoom on it, then click the middle of the line
    statement = next(s for s in seed_graph.statements if (s.subject, s.relation, s.object) == ("apple", "partners-with", "alibaba"))
    seed.js("ids => window.graphkit.network.fit({nodes: ids})", [statement.subject, statement.object])
    seed.settle()
    (ax, ay), (bx, by) = seed.dom_position(statement.subject), seed.dom_position(statement.object)
    box = seed.page.locator("#gk-graph").bounding_box()
    # a point of the line that no node (nodes are sized by centrality) or other line covers
    for t in (0.5, 0.45, 0.55, 0.4, 0.6, 0.35, 0.65, 0.3, 0.7):
        x, y = ax + t * (bx - ax), ay + t * (by - ay)
        hit = seed.js("""([x, y]) => { const net = window.graphkit.network;
            return [net.getNodeAt({x, y}) || null, net.getEdgeAt({x, y}) || null]; }""",
                      [x - box["x"], y - box["y"]])
        if hit == [None, statement.id]:
            break
    else:
        raise AssertionError("no free point on the line")
    seed.page.mouse.click(x, y)
    assert panel.get_attribute("data-kind") == "statement" and panel.get_attribute("data-id") == statement.id
    links = panel.locator("ul.gk-sources a")
    expected = {seed_graph.sources[s].url for s in statement.sources}
    assert {links.nth(i).get_attribute("href") for i in range(links.count())} == expected
    for i in range(links.count()):
        assert links.nth(i).get_attribute("target") == "_blank"
        assert links.nth(i).get_attribute("rel") == "noopener noreferrer"
    first = seed_graph.sources[statement.sources[0]]
    assert first.title in panel.inner_text() and first.date in panel.inner_text()
    assert panel.locator("blockquote").inner_text() == statement.quote
    # clicking empty space clears the selection and the highlight
    seed.page.keyboard.press("Escape")
    assert seed.opacity("node", stranger) == 1 and seed.opacity("edge", far_edge) == 1
    assert seed.requests == [seed.url]


def test_language_switch(seed):
    seed.page.locator("#gk-lang").select_option("fr")
    assert seed.js("window.graphkit.nodes.get('alibaba').label") == "Alibaba Group"
    assert seed.page.locator("#gk-fit").inner_text() == "Recadrer"
    assert any(t.startswith("entreprise") for t in seed.page.locator("#gk-types label").all_inner_texts())
    seed.page.locator("#gk-lang").select_option("zh")
    assert seed.js("window.graphkit.nodes.get('apple').label") == "苹果公司"
    assert seed.js("document.documentElement.lang") == "zh"


@pytest.mark.parametrize("bypass_csp", [False, True], ids=["with-csp", "without-csp"])
def test_xss_payloads_show_as_text_and_run_nothing(browser, fixture_page, bypass_csp):
    # Without the CSP too: the page itself must not turn data into markup.
    session = PageSession(browser, fixture_page, bypass_csp=bypass_csp)
    page = session.page
    try:
        page.locator("#gk-search").fill("<img")
        assert page.locator("#gk-search-results li").first.inner_text().startswith(XSS_NAME)
        session.search("<img")
        assert session.js("window.graphkit.selected") == "acme"
        page.locator("#gk-lang").select_option("fr")  # the fr label carries a <script> payload too
        assert page.locator("#gk-panel-body h2").inner_text() == "Acmé <script>alert('fr')</script>"
        assert session.js("window.graphkit.nodes.get('acme').label") == "Acmé <script>alert('fr')</script>"
        page.locator("#gk-lang").select_option("en")
        panel = page.locator("#gk-panel-body")
        assert panel.locator("h2").inner_text() == XSS_NAME
        assert "<svg onload=alert(3)>" in panel.inner_text()
        assert "</script><script>window.__xss = 'alias'</script>" in panel.inner_text()
        # the relationship with the payload note and quote, opened from the panel
        panel.locator("button.gk-link", has_text="partners with Beta Labs").click()
        assert panel.locator("blockquote").inner_text() == "</script><img src=x onerror=alert(7)> said the CEO"
        assert "<img src=x onerror=alert(6)> noted" in panel.inner_text()
        assert "<img src=x onerror=alert(5)> Acme and Beta team up" in panel.locator("ul.gk-sources").inner_text()
        # the tooltip of the node
        page.keyboard.press("Escape")
        session.js("window.graphkit.network.fit()")
        session.settle()
        x, y = session.dom_position("acme")
        page.mouse.move(x, y)
        page.wait_for_selector("div.vis-tooltip", state="visible", timeout=5_000)
        assert page.locator("div.vis-tooltip").inner_text().startswith(XSS_NAME)
        session.settle()
        assert session.dialogs == []
        assert session.js("window.__xss") is None
        assert session.js("document.querySelectorAll('img, #gk-panel svg, #gk-panel script, b').length") == 0
        assert session.requests == [session.url]  # an <img src=x> would have requested file:///.../x
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"page-xss-{'nocsp' if bypass_csp else 'csp'}.png"))
    finally:
        session.close()


def test_relations_are_styled_by_certainty(browser, fixture_page):
    graph = api.load(FIXTURE)
    session = PageSession(browser, fixture_page)
    try:
        def edge(subject, relation, obj):
            statement = next(s for s in graph.statements if (s.subject, s.relation, s.object) == (subject, relation, obj))
            return session.js("""id => { const e = window.graphkit.network.body.edges[id].options;
                return {dashes: e.dashes, color: e.color.color, to: e.arrows.to.enabled, middle: e.arrows.middle.enabled,
                        middleType: e.arrows.middle.type, width: e.width, label: e.label}; }""", statement.id)

        confirmed = edge("acme", "partners-with", "beta")
        denied = edge("acme", "competes-with", "gamma")
        rumored = edge("beta", "develops", "omega-model")
        claimed = edge("omega-model", "powers", "omega-app")
        imported = edge("delta", "ships", "phone-x")
        assert confirmed["dashes"] is False and confirmed["to"] is False  # symmetric: no arrow
        assert rumored["dashes"] and rumored["to"] is True
        assert claimed["dashes"] and imported["dashes"] and claimed["dashes"] != rumored["dashes"]
        assert denied["color"] == "#dc2626" and denied["middle"] is True and denied["middleType"] == "bar"
        assert denied["label"].startswith("✗")
        assert len({e["color"] for e in (confirmed, denied, rumored, claimed, imported)}) == 5
        legend = session.page.locator("#gk-statuses label").all_inner_texts()
        assert [t.split("\n")[0].strip() for t in legend] == ["confirmed", "reported", "imported", "claimed", "rumored", "denied"]
    finally:
        session.close()


def test_large_graph_opens_on_an_overview_and_details_edges_when_zoomed_in(browser, tmp_path):
    from graphkit.page import PHYSICS_LIMIT
    from graphkit.page.overview import OVERVIEW_BUDGET
    from graphkit.synthetic import generate

    graph = generate(PHYSICS_LIMIT + 100, 3 * (PHYSICS_LIMIT + 100))
    path = tmp_path / "large.html"
    write_page(graph, path)
    session = PageSession(browser, path)
    try:
        assert session.js("window.graphkit.network.physics.physicsEnabled") is False
        assert session.page.locator("#gk-physics").is_checked() is False
        drawn = session.js("window.graphkit.drawnEntityIds()")
        clusters = session.js("window.graphkit.clusters()")
        assert 0 < len(drawn) < len(graph.entities) and len(drawn) + len(clusters) <= OVERVIEW_BUDGET
        assert session.js("window.graphkit.nodes.length") == len(drawn) + len(clusters)
        session.js("() => { const net = window.graphkit.network;"  # zoomed out: plain edges
                   " net.moveTo({scale: 0.1}); net.emit('zoom', {}); }")
        session.wait_for("window.graphkit.detailed === 0", timeout=5)
        drawn_set = set(drawn)
        rumored = [s.id for s in graph.statements if s.status == "rumored" and {s.subject, s.object} <= drawn_set]
        assert rumored
        assert session.js("id => window.graphkit.network.body.edges[id].options.dashes", rumored[0]) is False
        subject = next(s.subject for s in graph.statements if s.id == rumored[0])
        session.search(subject)  # focusing zooms in on one end of the rumored fact
        box = session.page.locator("#gk-graph").bounding_box()
        session.page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        session.page.mouse.wheel(0, -300)
        session.wait_for("window.graphkit.detailed > 0", timeout=5)
        session.wait_for(f"Array.isArray(window.graphkit.network.body.edges[{rumored[0]!r}].options.dashes)", timeout=5)
        assert session.requests == [session.url] and session.errors == []
    finally:
        session.close()


def test_header_controls_title_numbers_and_directions(seed, seed_graph):
    page = seed.page
    # the date slider lives in the header, next to the other controls
    assert page.locator("#gk-header #gk-date").count() == 1 and page.locator("#gk-sidebar #gk-date").count() == 0
    # the default title is translated with the rest of the page
    assert page.locator("#gk-title").inner_text() == "graphkit · AI industry knowledge graph"
    page.locator("#gk-lang").select_option("fr")
    assert page.locator("#gk-title").inner_text().startswith("graphkit · graphe de connaissances")
    assert seed.js("document.title") == page.locator("#gk-title").inner_text()
    assert seed.js("window.graphkit.formatNumber(72700000000)") == "72,7\u00a0Md"
    page.locator("#gk-lang").select_option("en")
    # numbers read as numbers; years stay years
    assert seed.js("[72700000000, 7.8e24, 2016, 123456].map(window.graphkit.formatNumber)") == [
        "72.7 B", "7.8 × 10²⁴", "2016", "123.5 K"]
    # every fact in the panel reads subject first: "A relation B"
    seed.search("Alibaba")
    facts = page.locator("#gk-panel-body ul.gk-facts button.gk-link").all_inner_texts()
    names = {e.id: e.name for e in seed_graph.entities.values()}
    expected = {f"{names[s.subject]} {s.relation.replace('-', ' ')} {names[s.object]}"
                for s in seed_graph.statements if "alibaba" in (s.subject, s.object)}
    assert set(facts) == expected


def test_legend_counts_follow_the_filters_and_colour_by_community(seed, seed_graph):
    page = seed.page

    def count(dimension, key):
        return int(page.locator(f'.gk-count[data-dimension="{dimension}"][data-key="{key}"]').inner_text())

    statements = seed_graph.statements
    assert count("statuses", "confirmed") == sum(s.status == "confirmed" for s in statements)
    assert count("relations", "partners-with") == sum(s.relation == "partners-with" for s in statements)
    page.locator('#gk-statuses input[data-key="confirmed"]').uncheck()
    # the other filters' counts follow; the unticked one keeps what it would show
    assert count("relations", "partners-with") == sum(s.relation == "partners-with" and s.status != "confirmed"
                                                       for s in statements)
    assert count("statuses", "confirmed") == sum(s.status == "confirmed" for s in statements)
    page.locator('#gk-statuses input[data-key="confirmed"]').check()
    # colour by community: nodes take their community's colour, and a legend names the communities
    before = seed.js("window.graphkit.nodes.get('apple').color.background")
    page.locator("#gk-colour").select_option("community")
    community = seed.js("window.graphkit.store.entities.get('apple').c")
    palette = seed.js("window.graphkit.data.communityColours")
    assert seed.js("window.graphkit.nodes.get('apple').color.background") == palette[min(community, len(palette) - 1)]
    assert page.locator("#gk-communities-section").is_visible()
    legend = page.locator("#gk-communities li")
    assert legend.count() >= 2
    assert sum(int(t) for t in page.locator("#gk-communities .gk-count").all_inner_texts()) == len(seed_graph.entities)
    page.locator("#gk-colour").select_option("class")
    assert seed.js("window.graphkit.nodes.get('apple').color.background") == before
    assert not page.locator("#gk-communities-section").is_visible()


def test_seed_page_starts_with_one_drawing_and_few_fonts(seed):
    """What made the seed page slower to start than before the explorer: drawings of the graph
    while vis-network was still settling it (each batch of the start lifted vis-network's own
    block on drawing), and one font per label size (nodes sized by centrality), each resolved
    and measured by the browser. Now: one drawing, once settled; label sizes in ten steps."""
    assert seed.js("window.graphkit.timings.drawings") == 1
    sizes = seed.js("""() => Array.from(new Set(Object.values(window.graphkit.network.body.nodes)
        .map(n => n.labelModule.fontOptions.size)))""")
    assert 3 <= len(sizes) <= 10, sizes
    assert seed.js("window.graphkit.network.body.nodes['apple'].options.size") > \
        seed.js("window.graphkit.network.body.nodes['reuters'].options.size")


def test_sizes_follow_centrality_and_labels_depend_on_zoom(seed):
    values = seed.js("""() => { const g = window.graphkit;
        return g.nodes.getIds().map(id => [g.store.entities.get(id).r, g.nodes.get(id).value]); }""")
    ranked = sorted(values)
    assert ranked[-1][1] > ranked[0][1] and all(abs(v - r) <= 0.0005 + 1e-9 for r, v in values)
    # labels are drawn from 7 px on screen: a leaf's label disappears first when zooming out
    options = seed.js("window.graphkit.network.body.nodes['apple'].options.scaling.label.drawThreshold")
    assert options == 7
    assert seed.js("window.graphkit.network.body.edges[window.graphkit.edges.getIds()[0]]"
                   ".options.scaling.label.drawThreshold") == 9
