"""Hostile page text in Chromium: payloads in names, labels, aliases, notes, quotes, source
titles and URLs show as text and run nothing, with and without the page's CSP (marked browser).

These payloads complement tests/test_page_browser.py's: template placeholders, JavaScript line
terminators, upper-case and spaced closing tags, iframes, quote-breaking URLs, a huge name."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from hostile.helpers import cli
from plugins.chromium import PageSession

pytestmark = pytest.mark.browser

NAME = "{{APP_JS}} </SCRIPT ><script>window.__xss='name'</script> {{DATA}}"
PAYLOADS = {
    "name": NAME,
    "fr": "\u2028</script\t><iframe srcdoc='<script>parent.__xss=1</script>'></iframe>\u2029",
    "alias": "<a href=\"javascript:window.__xss='alias'\">click</a>",
    "description": "<style>*{display:none}</style><img src=x onerror=\"window.__xss='img'\">",
    "note": "${window.__xss='template'} `backtick` <details open ontoggle=\"window.__xss='toggle'\">",
    "quote": "'; window.__xss='quote'; '\" --><svg><script>window.__xss='svg'</script></svg>",
    "title": "<math><mtext><table><mglyph><style><img src=x onerror=\"window.__xss='mxss'\">",
}


@pytest.fixture(scope="module")
def hostile_page(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("hostile-page")
    document = {
        "entities": [
            {"id": "evil", "type": "Company", "name": PAYLOADS["name"], "labels": {"fr": PAYLOADS["fr"]},
             "aliases": [PAYLOADS["alias"]], "description": PAYLOADS["description"]},
            {"id": "other", "type": "Company", "name": "Other " + "x" * 50_000},
        ],
        "sources": [{"id": "s", "title": PAYLOADS["title"],
                     "url": "https://example.org/'onmouseover='window.__xss=1'"}],
        "relations": [{"fact": "evil partners-with other", "status": "rumored", "source": "s",
                       "note": PAYLOADS["note"], "quote": PAYLOADS["quote"]}],
    }
    (folder / "evil.yaml").write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    run = cli("render", "-d", str(folder / "evil.yaml"), "-o", str(folder / "evil.html"))
    assert run.returncode == 0, run.stderr
    return folder / "evil.html"


def test_template_placeholders_in_data_are_not_expanded(hostile_page):
    html = hostile_page.read_text(encoding="utf-8")
    data = html.split('<script type="application/json" id="gk-data">', 1)[1].split("</script>", 1)[0]
    assert "<" not in data and ">" not in data
    for placeholder in ("{{APP_JS}}", "{{DATA}}"):  # only inside the data: never expanded
        assert html.count(placeholder) == data.count(placeholder) > 0


@pytest.mark.parametrize("bypass_csp", [False, True], ids=["with-csp", "without-csp"])
def test_hostile_text_shows_as_text_and_runs_nothing(browser, hostile_page, bypass_csp):
    session = PageSession(browser, hostile_page, bypass_csp=bypass_csp)
    page = session.page
    try:
        session.search("evil")
        panel = page.locator("#gk-panel-body")
        assert panel.locator("h2").inner_text() == NAME
        text = panel.inner_text()
        assert PAYLOADS["alias"] in text and "<style>*{display:none}</style>" in text
        panel.locator("button.gk-link", has_text="partners with Other").first.click()
        text = panel.inner_text()
        assert PAYLOADS["note"].split(" <details")[0] in text
        assert panel.locator("blockquote").inner_text() == PAYLOADS["quote"]
        assert PAYLOADS["title"] in panel.locator("ul.gk-sources").inner_text()
        page.locator("#gk-lang").select_option("fr")
        assert session.js("window.graphkit.nodes.get('evil').label") == PAYLOADS["fr"].strip()
        session.settle()
        assert session.dialogs == []
        assert session.js("window.__xss") is None
        assert session.js("document.querySelectorAll('iframe, img, details, math, #gk-panel script, "
                          "#gk-panel style, #gk-panel a[href^=\"javascript\"]').length") == 0
        assert session.requests == [session.url]  # nothing fetched: no <img src=x>, no iframe
        assert session.errors == [], session.errors
    finally:
        session.close()
