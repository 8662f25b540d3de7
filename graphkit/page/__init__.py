"""The interactive graph page: one self-contained, offline HTML file (see docs/page.md).

    from graphkit.page import render_page, write_page
    html = render_page(graph, focus="apple", depth=2, statuses=["confirmed"], lang="fr")
    write_page(graph, "apple.html", focus="apple")

`graphkit build` writes exports/graph.html with html_page (declared in graphkit.api.build_writers).
"""
from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from ..model import KnowledgeGraph
from ..ontology import Ontology, load_ontology
from .layout import LAYOUTS, compute_layout
from .notebook import DEFAULT_HEIGHT, PageView
from .query import QUERY_LANGUAGES, detect_query_language, query_subgraph
from .render import DEFAULT_TITLE, PHYSICS_LIMIT, json_for_script, page_data, render_data
from .select import Selection, applies_at, make_selection, select_subgraph, statement_window, subgraph
from .style import LANGUAGES

__all__ = [
    "DEFAULT_TITLE", "LANGUAGES", "LAYOUTS", "PAGE_FILE_NAME", "PHYSICS_LIMIT", "QUERY_LANGUAGES", "Selection",
    "applies_at", "compute_layout", "detect_query_language", "json_for_script", "make_selection", "needs_rebuild",
    "page_data", "PageView", "show",
    "query_subgraph", "render_page", "select_subgraph", "statement_window", "subgraph", "write_page",
]

PAGE_FILE_NAME = "graph.html"


def render_page(graph: KnowledgeGraph, *, focus: str | None = None, depth: int = 1, relations=None, types=None,
                statuses=None, markets=None, as_of: str | None = None, time: str = "valid", lang: str = "en",
                title: str = DEFAULT_TITLE, layout: str = "force", physics: bool | None = None,
                context: KnowledgeGraph | None = None, ontology: Ontology | None = None) -> str:
    """The HTML page of `graph`, or of the part the filters select (see graphkit.page.select).

    lang: default language of labels (en, fr, zh; switchable in the page). layout: "force"
    (default) or "circle". physics: None = on below PHYSICS_LIMIT entities (then frozen once
    settled), off above. context: the graph `graph` was cut from (e.g. by a query), used to
    name publishers and markets that are not shown. Raises GraphkitError on unknown options
    or entities.
    """
    ontology = ontology or load_ontology()
    selection = make_selection(graph, focus=focus, depth=depth, relations=relations, types=types,
                               statuses=statuses, markets=markets, as_of=as_of, time=time,
                               ontology=ontology)
    shown = select_subgraph(graph, selection, ontology=ontology)
    data = page_data(shown, context=context or graph, lang=lang, title=title, layout=layout, physics=physics,
                     selection=selection, ontology=ontology)
    return render_data(data)


def show(graph: KnowledgeGraph | str | os.PathLike | Iterable[str | os.PathLike], *, height: int = DEFAULT_HEIGHT,
         **options) -> PageView:
    """The page of `graph` (a KnowledgeGraph, or data paths to load) for a notebook cell: its
    `_repr_html_` is the page in a sandboxed <iframe srcdoc> (see graphkit.page.notebook).

    Options are those of render_page (focus=, depth=, statuses=, lang=, ...).
    """
    if not isinstance(graph, KnowledgeGraph):
        from ..inputs import load

        graph = load(graph)
    return PageView(render_page(graph, **options), height=height)


def write_page(graph: KnowledgeGraph, path: str | os.PathLike, **options) -> Path:
    """Render the page (options as for render_page) and write it atomically to `path`."""
    from ..exports import atomic_write

    html = render_page(graph, **options)
    return atomic_write(path, html.encode("utf-8"))


def needs_rebuild(page: str | os.PathLike, data_paths) -> bool:
    """True if the page is missing or older than any data file (or the ontology)."""
    from ..loader import yaml_files
    from ..ontology import ontology_dir

    page = Path(page)
    if not page.is_file():
        return True
    paths = [Path(p) for p in ([data_paths] if isinstance(data_paths, (str, os.PathLike)) else data_paths)]
    if any(not p.exists() for p in paths):
        return True  # let the build report the missing path
    files = yaml_files(p for p in paths if p.is_dir() or p.suffix.lower() in (".yaml", ".yml"))
    files += [p for p in paths if p.is_file() and p.suffix.lower() not in (".yaml", ".yml")]
    files += [ontology_dir() / "graphkit.ttl"]
    built = page.stat().st_mtime
    return any(f.stat().st_mtime > built for f in files if f.exists())


def html_page(graph: KnowledgeGraph, out_dir: Path, base_iri: str) -> list[Path]:
    """Build writer: exports/graph.html with the whole graph."""
    return [write_page(graph, Path(out_dir) / PAGE_FILE_NAME)]
