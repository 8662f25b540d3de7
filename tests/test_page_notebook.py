"""graphkit.show(): the page inline in a notebook, as a sandboxed <iframe srcdoc>, rendered in Chromium."""
from __future__ import annotations

import html
import re
from pathlib import Path

import pytest

import graphkit
from graphkit.page import PageView, render_page
from plugins.chromium import wait_until

ROOT = Path(__file__).resolve().parents[1]
FIXTURE = ROOT / "tests" / "data" / "page"


def test_show_wraps_the_whole_page_in_an_escaped_srcdoc(seed_graph):
    view = graphkit.show(seed_graph, focus="apple", height=500)
    assert isinstance(view, PageView) and view.html == render_page(seed_graph, focus="apple")
    out = view._repr_html_()
    assert out.startswith('<iframe class="graphkit-page" srcdoc="') and out.endswith("></iframe>")
    srcdoc = re.match(r'<iframe class="graphkit-page" srcdoc="([^"]*)"', out).group(1)
    assert html.unescape(srcdoc) == view.html  # nothing of the page can end the attribute
    assert 'sandbox="allow-scripts allow-popups allow-popups-to-escape-sandbox"' in out  # no allow-same-origin
    assert "height: 500px" in out
    with pytest.raises(ValueError, match="height"):
        PageView("<p></p>", height=10)


def test_show_loads_data_paths(seed_graph):
    view = graphkit.show(ROOT / "seed_data", lang="fr")
    assert view.html == render_page(seed_graph, lang="fr")


@pytest.mark.browser
def test_notebook_output_runs_in_chromium(tmp_path, browser):
    """A notebook-like document holding the output of two cells: both pages work, with their
    own CSP, and nothing runs in or reaches the outer document."""
    seed = graphkit.show(ROOT / "seed_data", height=600)
    hostile = graphkit.show(FIXTURE, height=600)
    outer = tmp_path / "notebook.html"
    outer.write_text("<!DOCTYPE html><html><head><meta charset='utf-8'><title>notebook</title></head><body>"
                     f"<div class='cell'>{seed._repr_html_()}</div><div class='cell'>{hostile._repr_html_()}</div>"
                     "</body></html>", encoding="utf-8")
    requests, dialogs, errors = [], [], []
    context = browser.new_context(viewport={"width": 1300, "height": 1400})
    try:
        page = context.new_page()
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        page.on("pageerror", lambda exc: errors.append(str(exc)))

        def route(r):
            requests.append(r.request.url)
            r.continue_() if r.request.url.startswith("file:") else r.abort()

        page.route("**/*", route)
        page.goto(outer.as_uri())
        frames = [f for f in page.frames if f != page.main_frame]
        assert len(frames) == 2
        for frame in frames:
            wait_until(frame, "window.graphkit && window.graphkit.ready")
        first, second = frames
        assert first.evaluate("window.graphkit.nodes.length") == len(graphkit.load(ROOT / "seed_data").entities)
        box = first.locator("#gk-search")
        box.fill("Alibaba")
        box.press("Enter")
        wait_until(first, "window.graphkit.selected === 'alibaba'", timeout=10)
        assert first.locator("#gk-panel-body h2").inner_text() == "Alibaba"
        # the hostile fixture shows its payloads as text, inside its own sandboxed document
        second.locator("#gk-search").fill("<img")
        assert second.locator("#gk-search-results li").first.inner_text().startswith("<img src=x onerror=alert(1)>")
        assert page.evaluate("window.graphkit") is None  # nothing leaked into the notebook
        assert page.evaluate("document.querySelectorAll('script').length") == 0
        # the CSP of the page holds inside the iframe: an injected inline script does not run
        second.evaluate("""() => { const s = document.createElement('script');
            s.textContent = 'window.__injected = 1'; document.body.appendChild(s); }""")
        assert second.evaluate("window.__injected") is None
    finally:
        context.close()
    assert dialogs == [] and errors == []
    assert requests == [outer.as_uri()]
