"""The explorer and the query page of graphkit serve in Chromium (Playwright), through the real
server: search, expand (click and double-click), SPARQL and Cypher with the result as a table
and as a graph; hostile names stay text. The merged-graph run is marked slow."""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from plugins.graphkit_server import start_graphkit_server

pytestmark = [pytest.mark.browser, pytest.mark.server]

ROOT = Path(__file__).resolve().parents[1]
XSS_NAME = "<img src=x onerror=alert(1)>"
XSS_ALIAS = "</script><script>alert(2)</script>"


class Tab:
    """A page on the server, recording dialogs, script errors and requests to other origins."""

    def __init__(self, browser, base: str, path: str):
        self.context = browser.new_context(viewport={"width": 1400, "height": 900})
        self.page = self.context.new_page()
        self.dialogs: list[str] = []
        self.errors: list[str] = []
        self.foreign: list[str] = []
        self.page.on("dialog", lambda dialog: (self.dialogs.append(dialog.message), dialog.dismiss()))
        self.page.on("pageerror", lambda exc: self.errors.append(str(exc)))
        self.page.on("request", lambda request: None if request.url.startswith(base) else
                     self.foreign.append(request.url))
        self.page.goto(base + path)

    def close(self):
        self.context.close()

    def clean(self) -> bool:
        return not self.dialogs and not self.errors and not self.foreign


def explore(tab: Tab, text: str, entity_id: str) -> None:
    page = tab.page
    page.fill("#gk-explore-search", text)
    page.wait_for_selector(f'#gk-explore-hits li[data-id="{entity_id}"]')
    page.click(f'#gk-explore-hits li[data-id="{entity_id}"]')
    page.wait_for_selector(f'#gk-explore-graph[data-last="{entity_id}"]', state="attached")


def double_click_node(tab: Tab, entity_id: str) -> None:
    page = tab.page
    position = page.evaluate(
        """(id) => { const n = window.gkExplorer.network; n.stopSimulation(); const p = n.getPositions([id])[id];
                     const dom = n.canvasToDOM(p); const box = document.querySelector('#gk-explore-graph canvas')
                     .getBoundingClientRect(); return {x: box.left + dom.x, y: box.top + dom.y}; }""", entity_id)
    page.mouse.dblclick(position["x"], position["y"])
    page.wait_for_selector(f'#gk-explore-graph[data-last="{entity_id}"]', state="attached")


def test_explorer_search_and_expand(browser, graphkit_server):
    base = graphkit_server.extra["base"]
    tab = Tab(browser, base, "/")
    try:
        explore(tab, "apple inc", "apple")
        nodes = tab.page.evaluate("window.gkExplorer.nodes.getIds()")
        assert {"apple", "alibaba", "openai"} <= set(nodes)
        assert "Apple" in tab.page.inner_text("#gk-explore-details")
        before = len(nodes)
        double_click_node(tab, "alibaba")
        after = tab.page.evaluate("window.gkExplorer.nodes.getIds()")
        assert len(after) > before
        assert tab.clean(), (tab.dialogs, tab.errors, tab.foreign)
    finally:
        tab.close()


def test_query_page_sparql_and_cypher_as_table_and_graph(browser, graphkit_server):
    base = graphkit_server.extra["base"]
    tab = Tab(browser, base, "/query")
    page = tab.page
    try:
        for language in ("sparql", "cypher"):
            page.click(f"#gk-tab-{language}")
            page.wait_for_selector('#gk-pack option[value="partners"]', state="attached")
            page.select_option("#gk-pack", "partners")
            page.click("#gk-run")
            page.wait_for_selector("#gk-result-table tbody tr")
            rows = page.locator("#gk-result-table tbody tr").count()
            assert rows >= 3, language
            assert "alibaba" in page.inner_text("#gk-result-table").lower()
            assert "row" in page.inner_text("#gk-query-status")
            page.click("#gk-show-graph")
            page.wait_for_selector("#gk-result-graph[data-nodes]", state="attached")
            graph = page.evaluate("window.gkQuery.graph")
            assert graph["nodes"] >= 3 and graph["edges"] >= 2, (language, graph)
            page.click("#gk-show-table")
            assert page.is_visible("#gk-result-table")
        page.click("#gk-tab-sparql")
        page.fill("#gk-editor", "SELECT * WHERE { ?s ?p ?o ")
        page.click("#gk-run")
        page.wait_for_selector("#gk-query-status.gk-error")
        assert "syntax error" in page.inner_text("#gk-query-status")
        assert tab.clean(), (tab.dialogs, tab.errors, tab.foreign)
    finally:
        tab.close()


@pytest.fixture(scope="module")
def hostile_server(tmp_path_factory):
    data = tmp_path_factory.mktemp("hostile-data")
    shutil.copytree(ROOT / "seed_data", data / "seed")
    (data / "seed" / "entities" / "hostile.yaml").write_text(
        "entities:\n"
        "  - id: hostile-co\n"
        "    type: Company\n"
        f"    name: '{XSS_NAME}'\n"
        f"    aliases: ['{XSS_ALIAS}']\n"
        "    description: '<b onmouseover=alert(3)>bold</b>'\n", encoding="utf-8")
    server = start_graphkit_server(tmp_path_factory.mktemp("hostile-serve"), [data / "seed"], "--no-cypher")
    try:
        yield server
    finally:
        server.stop()


def test_hostile_names_stay_text(browser, hostile_server):
    base = hostile_server.extra["base"]
    tab = Tab(browser, base, "/")
    try:
        explore(tab, "img src", "hostile-co")
        assert XSS_NAME in tab.page.inner_text("#gk-explore-details")
        tab.page.goto(base + "/entity/hostile-co")
        text = tab.page.inner_text("main")
        assert XSS_NAME in text and XSS_ALIAS in text and "<b onmouseover" in text
        tab.page.goto(base + "/search?q=script")
        assert XSS_ALIAS in tab.page.inner_text("main") or "hostile" in tab.page.inner_text("main")
        assert tab.clean(), (tab.dialogs, tab.errors, tab.foreign)
    finally:
        tab.close()


@pytest.fixture(scope="module")
def merged_server(tmp_path_factory):
    """graphkit serve on the merged graph: the seed and the four datasets, imported here."""
    from datasets import ALIASES, SEED, datasets_dir
    from graphkit.importers import import_all

    shared = os.environ.get("GRAPHKIT_SHARED_DATASETS")
    datasets = Path(shared) if shared else datasets_dir()
    imports = tmp_path_factory.mktemp("merged") / "imports"
    outcomes = import_all(datasets, imports, reference_paths=[SEED], aliases=ALIASES)
    paths = [SEED] + [o.out_dir for o in outcomes]
    server = start_graphkit_server(tmp_path_factory.mktemp("merged-serve"), paths, "--no-cypher", ready_timeout=600)
    try:
        yield server
    finally:
        server.stop()


@pytest.mark.slow
def test_explorer_on_the_merged_graph(browser, merged_server):
    import requests

    base = merged_server.extra["base"]
    health = requests.get(base + "/health").json()
    assert health["entities"] > 20_000 and health["triples"] > 400_000
    tab = Tab(browser, base, "/")
    try:
        hits = requests.get(base + "/search", params={"q": "google"}).json()["hits"]
        assert hits and hits[0]["id"] == "google"
        explore(tab, "google", "google")
        nodes = tab.page.evaluate("window.gkExplorer.nodes.length")
        assert nodes > 10
        neighbour = tab.page.evaluate(
            "window.gkExplorer.nodes.getIds().find((id) => id !== 'google')")
        double_click_node(tab, neighbour)
        assert tab.page.evaluate("window.gkExplorer.nodes.length") >= nodes
        assert tab.clean(), (tab.dialogs, tab.errors, tab.foreign)
    finally:
        tab.close()
