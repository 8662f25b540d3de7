"""graphkit render / open: the interactive HTML page."""
from __future__ import annotations

import re
from pathlib import Path

import click

from ..defaults import DEFAULT_OUT_DIR
from .common import as_of_options, base_iri_option, data_option, data_paths, load_model

LANGS = ("en", "fr", "zh")


def _read_query(text: str) -> str:
    """--query TEXT, or --query @FILE to read it from a file."""
    from ..errors import GraphkitError

    if text.startswith("@"):
        from pathlib import Path

        path = Path(text[1:])
        try:
            return path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise GraphkitError(f"cannot read query file {path}: {exc}") from None
    return text


@click.command()
@data_option
@click.option("-o", "--out", type=click.Path(dir_okay=False),
              help="HTML file to write [default: exports/graph.html for the whole graph, "
                   "exports/focus-ENTITY.html with --focus, exports/selection.html for other selections].")
@click.option("--focus", metavar="ENTITY", help="Show the neighbourhood of this entity (id, name, label or alias).")
@click.option("--depth", default=1, show_default=True, type=click.IntRange(min=0),
              help="How many relationships away from --focus.")
@click.option("--relation", "relations", multiple=True, metavar="RELATION",
              help="Only these relations (repeatable; sub-relations included, e.g. based-on).")
@click.option("--type", "types", multiple=True, metavar="CLASS",
              help="Only entities of these classes (repeatable; sub-classes included, e.g. Organization).")
@click.option("--status", "statuses", multiple=True, metavar="STATUS",
              help="Only facts with these statuses (repeatable: confirmed, reported, imported, claimed, rumored, denied).")
@click.option("--market", "markets", multiple=True, metavar="MARKET", help="Only facts about these markets (repeatable).")
@as_of_options
@click.option("--lang", default="en", show_default=True, type=click.Choice(LANGS),
              help="Default language of labels (switchable in the page).")
@click.option("--query", metavar="QUERY", help="Render what a SPARQL CONSTRUCT/SELECT or Cypher query returns "
                                               "(text, or @FILE).")
@click.option("--query-lang", type=click.Choice(["auto", "sparql", "cypher"]), default="auto", show_default=True,
              help="Language of --query.")
@click.option("--title", help="Page title, shown in the header (default: \"graphkit · AI industry knowledge graph\").")
@click.option("--layout", type=click.Choice(["force", "circle"]), default="force", show_default=True,
              help="Precomputed layout.")
@click.option("--physics/--no-physics", default=None,
              help="Let vis-network's physics move the nodes (default: only below 500 entities).")
@click.option("--open", "open_browser", is_flag=True, help="Open the page in the default browser afterwards.")
@base_iri_option
def render(data, out, focus, depth, relations, types, statuses, markets, as_of, time, lang, query, query_lang, title,
           layout, physics, open_browser, base_iri):
    """Write one self-contained HTML page of the graph (or of part of it).

    \b
    Examples:
      graphkit render --focus apple --depth 2          # writes exports/focus-apple.html
      graphkit render --status confirmed --as-of 2025-02 --lang fr
      graphkit render --as-of 2025-02-12 --time known   # as it was known on that day
      graphkit render --query 'MATCH (a {id: "apple"})-[r]-(b) RETURN a, r, b'
    The filters apply to the query's answer too.
    """
    from ..page import DEFAULT_TITLE, query_subgraph, write_page

    graph = load_model(data, base_iri)
    if query:
        language = None if query_lang == "auto" else query_lang
        graph_for_page = query_subgraph(graph, _read_query(query), language=language, base_iri=base_iri)
    else:
        graph_for_page = graph
    if out is None:
        selected = query or relations or types or statuses or markets or as_of
        out = default_page_path(focus, selected=bool(selected))
    path = write_page(graph_for_page, out, context=graph, focus=focus, depth=depth, relations=relations, types=types,
                      statuses=statuses, markets=markets, as_of=as_of, time=time, lang=lang, title=title or DEFAULT_TITLE,
                      layout=layout, physics=physics)
    click.echo(f"wrote {path}")
    if open_browser:
        _open(path)


@click.command(name="open")
@data_option
@click.option("--out-dir", default=DEFAULT_OUT_DIR, show_default=True, type=click.Path(file_okay=False),
              help="Where `graphkit build` writes its exports.")
@click.option("--print-only", is_flag=True, help="Build if needed and print the page's path; open no browser.")
@base_iri_option
def open_page(data, out_dir, print_only, base_iri):
    """Open the graph page in the default browser, building it first if it is missing or older than the data.

    The browser is the system default, or the command in the BROWSER environment variable.
    """
    from pathlib import Path

    from .. import api
    from ..page import PAGE_FILE_NAME, needs_rebuild

    paths = data_paths(data)
    page = Path(out_dir) / PAGE_FILE_NAME
    if needs_rebuild(page, paths):
        click.echo(f"building {page} ...", err=True)
        api.build(paths, out_dir, base_iri=base_iri)
    click.echo(str(page.resolve()))
    if not print_only:
        _open(page)


def default_page_path(focus: str | None, *, selected: bool) -> Path:
    """Where `render` writes without -o: never over the whole-graph page for a part of the graph."""
    from ..page import PAGE_FILE_NAME

    exports = Path(DEFAULT_OUT_DIR)
    if focus:
        slug = re.sub(r"[^a-z0-9._-]+", "-", focus.lower()).strip("-.") or "entity"
        return exports / f"focus-{slug}.html"
    return exports / ("selection.html" if selected else PAGE_FILE_NAME)


def _open(path) -> None:
    import webbrowser

    uri = Path(path).resolve().as_uri()
    if not webbrowser.open(uri):
        click.echo(f"could not start a browser: open {uri} yourself", err=True)


COMMANDS = (render, open_page)
