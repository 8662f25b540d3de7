"""Page size and time-to-interactive in headless Chromium: graphkit's page vs pyvis's own output.

    python benchmarks/page_bench.py                 # seed, merged graph, 5,000 nodes / 15,000 relationships
    python benchmarks/page_bench.py --sizes 1000x3000 --repeat 5 --no-merged
    python benchmarks/page_bench.py --screenshot docs/page.png    # also refresh the docs screenshots
                                                                  # (page.png, page-overview.png, page-expanded.png)
    python benchmarks/page_bench.py --seed-against d18ddd2 main --loads 15   # the seed page: this version vs older ones

--seed-against REV... builds the seed page with the graphkit of each git revision REV (default
d18ddd2, the last commit before the page became an explorer: overview, expand, search any
entity) on its own seed_data, and with this version on the first REV's seed_data (the same
input) and on today's; render time is write_page's in a fresh interpreter (median of 3);
then loads the pages in turn (interleaved, so that a busy machine slows all of them alike)
and reports each page's ready time (median, quartiles, min-max) and the ratio of medians.

The merged graph is seed_data plus every dataset in ../shared/datasets, imported into a
temporary folder as `graphkit import all` does (about 25 s before the first page).

Measured per page (median of --repeat loads, network cut off, Debian's /usr/bin/chromium):
- render: Python time to build the HTML (selection, layout, pyvis, JSON);
- size: bytes of the single HTML file;
- ready: ms from navigation start until the graph is drawn and the page answers (graphkit:
  window.graphkit.readyAt; pyvis: first drawing after its stabilization, see _HOOK);
- search / filter / select: ms for a search that focuses an entity, for unticking a certainty
  status, and for selecting a node (neighbourhood highlight), each until the next two frames.
Baseline: pyvis 0.3.2's default page (Network + add_node/add_edge + write_html, in_line
resources) for the same graph, with its default physics, and with physics switched off.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--headless", "--disable-gpu", "--no-first-run", "--disable-background-networking"]
TIMEOUT_MS = 60_000

# Records when pyvis's vis.Network first draws and finishes stabilizing (it has no ready flag).
_HOOK = """
(() => {
  let visObject, Original;
  function Wrapped(...args) {
    const net = new Original(...args);
    window.__net = net;
    net.once('stabilizationIterationsDone', () => { window.__stabilizedAt = performance.now(); });
    net.on('afterDrawing', () => {
      if (!window.__firstDrawAt) window.__firstDrawAt = performance.now();
      if (window.__stabilizedAt && !window.__readyAt) window.__readyAt = performance.now();
    });
    return net;
  }
  Object.defineProperty(window, 'vis', { configurable: true, get: () => visObject, set: (value) => {
    visObject = value;
    Object.defineProperty(value, 'Network', { configurable: true, enumerable: true,
      get: () => Wrapped, set: (network) => { Original = network; } });
  } });
})();
"""

_FRAMES = "await new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)));"
_SEARCH = """async (name) => {
  const t0 = performance.now();
  const box = document.getElementById('gk-search');
  box.value = name;
  box.dispatchEvent(new Event('input'));
  box.dispatchEvent(new KeyboardEvent('keydown', {key: 'Enter'}));
  FRAMES
  return performance.now() - t0;
}""".replace("FRAMES", _FRAMES)
_FILTER = """async () => {
  const t0 = performance.now();
  document.querySelector('#gk-statuses input').click();
  FRAMES
  return performance.now() - t0;
}""".replace("FRAMES", _FRAMES)
_SELECT = """async (id) => {
  const t0 = performance.now();
  const net = window.graphkit.network;
  net.selectNodes([id]);
  net.body.emitter.emit('click', {nodes: [id], edges: [], pointer: {DOM: {x: 0, y: 0}, canvas: {x: 0, y: 0}}});
  FRAMES
  return performance.now() - t0;
}""".replace("FRAMES", _FRAMES)


def merged_graph(tmp: Path):
    """seed_data + every shared dataset, imported as `graphkit import all` does."""
    from graphkit import api
    from graphkit.importers import import_all

    datasets = ROOT.parent / "shared" / "datasets"
    outcomes = import_all(datasets, tmp / "imports", reference_paths=[ROOT / "seed_data"],
                          aliases=ROOT / "resolution" / "aliases.yaml")
    return api.load([ROOT / "seed_data"] + [o.out_dir for o in outcomes])


def _graphs(sizes: list[str], merged: bool, tmp: Path):
    from graphkit import api
    from graphkit.synthetic import generate

    yield "seed", api.load(ROOT / "seed_data")
    if merged:
        yield "merged", merged_graph(tmp)
    for size in sizes:
        entities, statements = (int(x) for x in size.lower().split("x"))
        yield f"synthetic {entities:,}/{statements:,}", generate(entities, statements)


def _pyvis_page(graph, path: Path, physics: bool) -> float:
    from pyvis.network import Network

    start = time.perf_counter()
    net = Network(directed=True, cdn_resources="in_line")
    for entity in graph.sorted_entities():
        net.add_node(entity.id, label=entity.name, title=entity.name)
    for st in graph.sorted_statements():
        net.add_edge(st.subject, st.object, title=st.relation)
    net.toggle_physics(physics)
    net.write_html(str(path))
    return time.perf_counter() - start


def _load(browser, path: Path, kind: str, interactions: bool = True) -> dict:
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    context = browser.new_context(viewport={"width": 1400, "height": 860})
    page = context.new_page()
    blocked = []

    def route(r):
        if r.request.url.startswith("file:"):
            r.continue_()
        else:
            blocked.append(r.request.url)
            r.abort()

    page.route("**/*", route)
    if kind != "graphkit":
        page.add_init_script(_HOOK)
    result = {"blocked": len(blocked)}
    cdp = context.new_cdp_session(page)
    cdp.send("Performance.enable")
    try:
        page.goto(path.resolve().as_uri(), timeout=TIMEOUT_MS)
        if kind == "graphkit":
            _wait(page, "window.graphkit && window.graphkit.ready", poll_ms=50 if interactions else 10)
            ready = page.evaluate("window.graphkit.readyAt")
            result["readyAt"] = ready
            # CPU time of the page's main thread so far: steadier than wall time on a busy machine
            metrics = {m["name"]: m["value"] for m in cdp.send("Performance.getMetrics")["metrics"]}
            result["cpu"] = metrics.get("ThreadTime", 0.0) * 1000
        else:
            _wait(page, "window.__net && window.__firstDrawAt && (window.__readyAt || !window.__net.physics.physicsEnabled)")
            ready = page.evaluate("window.__readyAt || window.__firstDrawAt")
        # The main thread must answer too (a page still simulating physics does not).
        result["ready"] = max(ready, page.evaluate("performance.now()"))
        if kind == "graphkit" and interactions:
            result.update(_interactions(page))
    except (TimeoutError, PlaywrightTimeout):  # a result here
        result["ready"] = None
    result["blocked"] = len(blocked)
    context.close()
    return result


def _wait(page, expression: str, poll_ms: int = 50) -> None:
    """Poll from outside: wait_for_function evals its predicate in the page, which CSP refuses."""
    deadline = time.monotonic() + TIMEOUT_MS / 1000
    while not page.evaluate(f"() => !!({expression})"):
        if time.monotonic() > deadline:
            raise TimeoutError(expression)
        page.wait_for_timeout(poll_ms)


def _interactions(page) -> dict:
    middle = page.evaluate("window.graphkit.data.entities[Math.floor(window.graphkit.data.entities.length / 2)]")
    timings = {"search": page.evaluate(_SEARCH, middle["id"])}
    page.keyboard.press("Escape")
    timings["filter"] = page.evaluate(_FILTER)
    timings["select"] = page.evaluate(_SELECT, middle["id"])
    timings["drawn"] = page.evaluate("window.graphkit.nodes.length")
    return timings


def _screenshot(browser, seed_page: Path, out: Path) -> None:
    """The docs picture: the seed graph with Apple's partnership with Alibaba selected."""
    context = browser.new_context(viewport={"width": 1500, "height": 900}, device_scale_factor=1)
    page = context.new_page()
    page.route("**/*", lambda r: r.continue_() if r.request.url.startswith("file:") else r.abort())
    page.goto(seed_page.resolve().as_uri())
    _wait(page, "window.graphkit && window.graphkit.ready")
    page.fill("#gk-search", "Apple")
    page.press("#gk-search", "Enter")
    _wait(page, "window.graphkit.focused === 'apple' && !window.graphkit.animating")
    page.locator("#gk-panel-body button.gk-link", has_text="partners with Alibaba").click()
    _wait(page, "!window.graphkit.animating")
    page.evaluate("window.graphkit.network.fit({animation: false})")
    _settle(page)
    out.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(out))
    context.close()


def _merged_screenshots(browser, page_path: Path, out_dir: Path) -> None:
    """The docs pictures of the merged graph: its overview as it opens (on its most central
    entities) and the neighbourhood of Llama 3.1-8B found by search, with the group of its
    46 fine-tunes opened."""
    context = browser.new_context(viewport={"width": 1500, "height": 900}, device_scale_factor=1)
    page = context.new_page()
    page.route("**/*", lambda r: r.continue_() if r.request.url.startswith("file:") else r.abort())
    page.goto(page_path.resolve().as_uri())
    _wait(page, "window.graphkit && window.graphkit.ready")
    _settle(page)
    page.screenshot(path=str(out_dir / "page-overview.png"))
    page.fill("#gk-search", "Llama 3.1-8B")
    page.press("#gk-search", "Enter")
    _wait(page, "window.graphkit.focused === 'llama-3.1-8b' && !window.graphkit.animating && !window.graphkit.busy")
    page.evaluate("window.graphkit.openCluster('cluster:in:fine-tuned-from:llama-3.1-8b').then(() => null)")
    _wait(page, "!window.graphkit.busy")
    page.evaluate("""() => { const g = window.graphkit; g.focusEntity('llama-3.1-8b');
        g.network.moveTo({position: g.network.getPositions(['llama-3.1-8b'])['llama-3.1-8b'], scale: 1.0}); }""")
    _wait(page, "window.graphkit.focused === 'llama-3.1-8b' && !window.graphkit.animating")
    page.evaluate("""() => { const g = window.graphkit;
        g.network.moveTo({position: g.network.getPositions(['llama-3.1-8b'])['llama-3.1-8b'], scale: 1.0}); }""")
    _settle(page)
    page.screenshot(path=str(out_dir / "page-expanded.png"))
    context.close()


#: The last commit before issue 12's page work (overview, expand on demand, search any entity).
SEED_BASELINE = "d18ddd2"
_BUILD_SEED = """
import sys, time
wall, cpu = time.perf_counter(), time.process_time()
from graphkit import api
from graphkit.page import write_page
graph = api.load(sys.argv[1])
wall, cpu = time.perf_counter(), time.process_time()  # render = write_page in a fresh interpreter (its imports included)
write_page(graph, sys.argv[2])
print(time.perf_counter() - wall, time.process_time() - cpu)
"""


def _build_with(code_dir: Path, data_dir: Path, out: Path, repeat: int = 3) -> tuple[float, float]:
    """Build the page of data_dir with the graphkit in code_dir, `repeat` times, each in a fresh
    interpreter; the median (wall, CPU) seconds of write_page."""
    import os
    import subprocess

    env = dict(os.environ, PYTHONPATH=str(code_dir))
    runs = []
    for _ in range(repeat):
        done = subprocess.run([sys.executable, "-c", _BUILD_SEED, str(data_dir), str(out)], cwd=code_dir, env=env,
                              capture_output=True, text=True, check=True)
        runs.append(tuple(float(v) for v in done.stdout.split()[-2:]))
    return statistics.median(r[0] for r in runs), statistics.median(r[1] for r in runs)


def _checkout(revision: str, into: Path) -> Path:
    import subprocess

    into.mkdir(parents=True)
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", revision], capture_output=True, check=True).stdout
    subprocess.run(["tar", "-x", "-C", str(into)], input=archive, check=True)
    return into


def seed_against(revisions: list[str], loads: int) -> None:
    """The seed page (render time, ready time): this version against graphkit at `revisions`,
    each on its own seed_data, and this version on the first revision's seed_data too (the
    same input). All pages are loaded in turn, `loads` times, after one warm-up load each."""
    from playwright.sync_api import sync_playwright
    from rich.console import Console
    from rich.table import Table

    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as playwright:
        tmp = Path(tmp)
        pages = []  # (label, html, (render wall s, render CPU s))
        for number, revision in enumerate(revisions):
            code = _checkout(revision, tmp / f"rev{number}")
            pages.append((f"{revision}, its seed_data", tmp / f"rev{number}.html"))
            pages[-1] += (_build_with(code, code / "seed_data", pages[-1][1]),)
        first = tmp / "rev0" / "seed_data"
        pages.append((f"this version, {revisions[0]}'s seed_data", tmp / "same.html"))
        pages[-1] += (_build_with(ROOT, first, pages[-1][1]),)
        pages.append(("this version, seed_data", tmp / "this.html"))
        pages[-1] += (_build_with(ROOT, ROOT / "seed_data", pages[-1][1]),)
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        ready: dict[str, list[float]] = {label: [] for label, *_ in pages}
        answers: dict[str, list[float]] = {label: [] for label, *_ in pages}
        cpu: dict[str, list[float]] = {label: [] for label, *_ in pages}
        try:
            for _label, path, _render in pages:  # one warm-up load each, not counted
                _load(browser, path, "graphkit", interactions=False)
            for _ in range(loads):
                for label, path, _render in pages:
                    result = _load(browser, path, "graphkit", interactions=False)
                    if result["ready"] is None:
                        raise SystemExit(f"{label}: not ready within {TIMEOUT_MS:,} ms")
                    ready[label].append(result["readyAt"])
                    answers[label].append(result["ready"])
                    cpu[label].append(result["cpu"])
        finally:
            browser.close()
        table = Table(title=f"seed page in headless Chromium, {loads} interleaved loads each (ms; ready: the page's "
                            "own mark; answers: first poll answered after it; CPU: main thread's, then)")
        for column in ("page", "render s (CPU s)", "size", "ready: median", "q1-q3", "min-max",
                       "vs " + revisions[0], "answers: median", "main-thread CPU: median", "vs " + revisions[0]):
            table.add_column(column, justify="left" if column == "page" else "right")
        base = statistics.median(ready[pages[0][0]])
        base_cpu = statistics.median(cpu[pages[0][0]])
        for label, path, (wall, render_cpu) in pages:
            q1, median, q3 = statistics.quantiles(ready[label], n=4, method="inclusive")
            table.add_row(label, f"{wall:.2f} ({render_cpu:.2f})", f"{path.stat().st_size / 1e6:.2f} MB", f"{median:,.0f}",
                          f"{q1:,.0f}-{q3:,.0f}", f"{min(ready[label]):,.0f}-{max(ready[label]):,.0f}",
                          f"{median / base:.2f}x", f"{statistics.median(answers[label]):,.0f}",
                          f"{statistics.median(cpu[label]):,.0f}", f"{statistics.median(cpu[label]) / base_cpu:.2f}x")
        Console(width=170).print(table)


def _settle(page) -> None:
    drawn = page.evaluate("window.graphkit.drawn")
    page.evaluate("window.graphkit.network.redraw()")
    _wait(page, f"window.graphkit.drawn > {drawn} && !window.graphkit.busy")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", nargs="*", default=["5000x15000"], help="synthetic graphs ENTITIESxRELATIONSHIPS")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--no-baseline", action="store_true", help="skip pyvis's pages")
    parser.add_argument("--no-merged", action="store_true", help="skip the merged graph (seed + shared datasets)")
    parser.add_argument("--screenshot", type=Path, help="write a screenshot of the seed page here")
    parser.add_argument("--seed-against", metavar="REV", nargs="*",
                        help=f"only compare the seed page with graphkit at these git revisions (default {SEED_BASELINE})")
    parser.add_argument("--loads", type=int, default=15, help="loads of each page for --seed-against")
    args = parser.parse_args()
    if args.seed_against is not None:
        seed_against(args.seed_against or [SEED_BASELINE], args.loads)
        return

    from playwright.sync_api import sync_playwright
    from rich.console import Console
    from rich.table import Table

    from graphkit.page import write_page

    table = Table(title=f"graph page in headless Chromium (median of {args.repeat} loads; ms)")
    for column in ("graph", "page", "render (s)", "size", "ready", "search", "filter", "select", "drawn",
                   "blocked requests"):
        table.add_column(column, justify="left" if column in ("graph", "page") else "right")

    def ms(values):
        if any(v is None for v in values):
            return f"> {TIMEOUT_MS:,}"
        return f"{statistics.median(values):,.0f}"

    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as playwright:
        tmp = Path(tmp)
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            for name, graph in _graphs(args.sizes, not args.no_merged, tmp):
                pages = []
                path = tmp / f"graphkit-{len(graph.entities)}.html"
                start = time.perf_counter()
                write_page(graph, path)
                pages.append(("graphkit", "graphkit", path, time.perf_counter() - start))
                if name == "seed" and args.screenshot:
                    _screenshot(browser, path, args.screenshot)
                if name == "merged" and args.screenshot:
                    _merged_screenshots(browser, path, args.screenshot.parent)
                if not args.no_baseline and name != "merged":  # pyvis's page of 21,000 nodes never gets ready
                    import os

                    cwd = os.getcwd()
                    os.chdir(tmp)  # pyvis may write lib/ next to the page: keep it in the temp dir
                    try:
                        for physics in (True, False):
                            base = tmp / f"pyvis-{physics}-{len(graph.entities)}.html"
                            seconds = _pyvis_page(graph, base, physics)
                            pages.append(("pyvis", f"pyvis default{'' if physics else ', physics off'}", base, seconds))
                    finally:
                        os.chdir(cwd)
                for kind, label, page_path, seconds in pages:
                    runs = [_load(browser, page_path, kind)]
                    if runs[0]["ready"] is not None:  # a page that timed out would only time out again
                        runs += [_load(browser, page_path, kind) for _ in range(args.repeat - 1)]
                    table.add_row(name, label, f"{seconds:.2f}", f"{page_path.stat().st_size / 1e6:.2f} MB",
                                  ms([r["ready"] for r in runs]),
                                  *(ms([r.get(k) for r in runs]) if kind == "graphkit" else "-" for k in ("search", "filter", "select")),
                                  str(runs[0].get("drawn", "-")),
                                  str(max(r["blocked"] for r in runs)))
        finally:
            browser.close()
    Console(width=160).print(table)


if __name__ == "__main__":
    main()
