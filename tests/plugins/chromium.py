"""Headless Chromium for the browser tests: Debian's Chromium (/usr/bin/chromium, or
$GRAPHKIT_CHROMIUM) driven by Playwright, launched once per test session (`browser` fixture).
Each test opens its own browser context, so tests share no page, cookie or storage.

`wait_until` polls a JavaScript expression from outside the page (Playwright's wait_for_function
compiles its predicate with eval inside the page, which the page's Content-Security-Policy
refuses); `PageSession` is one local page (file: URL) with its requests, dialogs and script
errors recorded and every non-file request aborted.
"""
from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("GRAPHKIT_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--headless", "--disable-gpu", "--no-first-run", "--disable-background-networking"]
ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"  # screenshots (gitignored)


@pytest.fixture(scope="session")
def browser():
    """One headless Chromium for the whole test session."""
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}: run `bash scripts/setup.sh test` (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    manager = sync_playwright().start()
    try:
        chromium = manager.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()
    finally:
        manager.stop()


def wait_until(target, expression: str, timeout: float = 30.0) -> None:
    """Wait until `expression` is truthy in `target` (a Playwright Page or Frame): polled from
    outside every 50 ms, AssertionError after `timeout` seconds. No fixed sleeps."""
    deadline = time.monotonic() + timeout
    while not target.evaluate(f"() => !!({expression})"):
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {expression}")
        getattr(target, "page", target).wait_for_timeout(50)  # a Frame waits through its Page


class PageSession:
    """One graphkit page opened from a file, with its recorded requests, dialogs and errors;
    ready once the page says so (window.graphkit.ready)."""

    def __init__(self, browser, path: Path, *, bypass_csp: bool = False):
        self.context = browser.new_context(viewport={"width": 1400, "height": 860}, bypass_csp=bypass_csp)
        self.page = self.context.new_page()
        self.url = path.resolve().as_uri()
        self.requests: list[str] = []
        self.dialogs: list[str] = []
        self.errors: list[str] = []
        self.page.on("dialog", self._dialog)
        self.page.on("pageerror", lambda exc: self.errors.append(str(exc)))
        self.page.on("console", lambda msg: self.errors.append(msg.text) if msg.type == "error" else None)
        self.page.route("**/*", self._route)
        self.page.goto(self.url)
        self.wait_for("window.graphkit && window.graphkit.ready === true")

    def wait_for(self, expression: str, timeout: float = 30.0) -> None:
        wait_until(self.page, expression, timeout)

    def _route(self, route):
        self.requests.append(route.request.url)
        if route.request.url.startswith("file:"):
            route.continue_()
        else:
            route.abort()

    def _dialog(self, dialog):
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def js(self, expression: str, arg=None):
        return self.page.evaluate(expression, arg)

    def visible_edges(self) -> set[str]:
        return set(self.js("window.graphkit.visibleEdgeIds()"))

    def visible_nodes(self) -> set[str]:
        return set(self.js("window.graphkit.visibleNodeIds()"))

    def dom_position(self, node_id: str) -> tuple[float, float]:
        """Where a node is on the screen (page coordinates)."""
        x, y = self.js("""id => { const net = window.graphkit.network;
            const p = net.canvasToDOM(net.getPositions([id])[id]);
            const box = document.getElementById('gk-graph').getBoundingClientRect();
            return [p.x + box.left, p.y + box.top]; }""", node_id)
        return x, y

    def opacity(self, kind: str, item_id: str) -> float:
        """The opacity vis-network draws an item with (its own, or the global one)."""
        return self.js("""([kind, id]) => { const body = window.graphkit.network.body;
            const item = kind === 'node' ? body.nodes[id] : body.edges[id];
            return kind === 'node' ? item.options.opacity : item.options.color.opacity; }""", [kind, item_id])

    def settle(self) -> None:
        """Wait until camera animations are over and the canvas has been drawn again since now
        (the page counts its drawings in window.graphkit.drawn): no fixed sleeps."""
        self.wait_for("!window.graphkit.animating && !window.graphkit.busy")
        drawn = self.js("window.graphkit.drawn")
        self.js("window.graphkit.network.redraw()")
        self.wait_for(f"window.graphkit.drawn > {drawn}")

    def search(self, text: str) -> None:
        box = self.page.locator("#gk-search")
        box.fill(text)
        box.press("Enter")
        self.wait_for("window.graphkit.focused === window.graphkit.selected")  # the zoom animation is over

    def close(self) -> None:
        self.context.close()
