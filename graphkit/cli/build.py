"""graphkit build / check."""
from __future__ import annotations

import time

import click

from ..defaults import DEFAULT_OUT_DIR
from .common import base_iri_option, data_option, data_paths, store_dir


@click.command()
@data_option
@click.argument("more_data", nargs=-1, type=click.Path(), metavar="[DATA]...")
@click.option("-o", "--out", "out_dir", default=DEFAULT_OUT_DIR, show_default=True, type=click.Path(file_okay=False),
              help="Directory for the exports.")
@base_iri_option
@click.option("--no-shacl", is_flag=True, help="Skip SHACL validation (faster on very large graphs).")
@click.option("-q", "--quiet", is_flag=True, help="Print nothing on success.")
def build(data, more_data, out_dir, base_iri, no_shacl, quiet):
    """Validate the data (default seed_data/) and write exports/ (Turtle, N-Triples, JSON-LD, page).

    The data (-d/--data, repeatable, like every other command; or as arguments, the older form)
    may be YAML files or directories, or Turtle written by graphkit.
    """
    from .. import api
    from ..progress import build_steps

    start = time.perf_counter()
    steps = ["parse", "rdf", "store", *([] if no_shacl else ["shacl"]), "turtle", "ntriples", "jsonld", "vocabulary",
             "page", "property graph"]
    with build_steps(steps, quiet=quiet) as on_step:
        result = api.build(data_paths(data + more_data), out_dir, base_iri=base_iri, shacl=not no_shacl,
                           on_step=on_step, cache_dir=store_dir())
    if quiet:
        return
    summary = result.summary()
    click.echo(f"{summary['entities']} entities, {summary['statements']} statements, "
               f"{summary['sources']} sources, {result.triple_count} triples "
               f"in {time.perf_counter() - start:.2f} s")
    for path in result.files:
        click.echo(f"  wrote {path}")
    if result.unchanged:
        click.echo(f"  {len(result.unchanged)} export{'s' if len(result.unchanged) != 1 else ''} already up to date")


@click.command()
@data_option
@click.argument("more_data", nargs=-1, type=click.Path(), metavar="[DATA]...")
@click.option("--no-shacl", is_flag=True, help="Skip SHACL validation.")
def check(data, more_data, no_shacl):
    """Validate the data (-d/--data or arguments; default seed_data/) without writing anything."""
    from .. import api

    graph = api.check(data_paths(data + more_data), shacl=not no_shacl)
    summary = graph.summary()
    click.echo(f"ok: {summary['entities']} entities, {summary['statements']} statements, "
               f"{summary['sources']} sources")


COMMANDS = (build, check)
