"""graphkit diff / graphkit timeline: how the graph and its stories changed over time."""
from __future__ import annotations

import click

from .common import data_option, data_paths, load_model


@click.command()
@click.argument("old")
@click.argument("new", required=False, default=None)
@data_option
@click.option("--format", "fmt", type=click.Choice(["table", "json", "markdown"]), default="table",
              show_default=True, help="Output: plain text, JSON, or Markdown for a newsletter or changelog.")
@click.option("--repo", default=".", show_default=True, type=click.Path(file_okay=False),
              help="The git repository OLD and NEW are revisions of.")
def diff(old, new, data, fmt, repo):
    """What changed from OLD to NEW: status transitions first, then facts and entities.

    OLD and NEW are data folders, or git revisions of the repository (HEAD~5, a tag, a branch);
    for a revision the data is -d DATA (default seed_data/) as it was in that commit. Without
    NEW, OLD is compared with the data as it is now.

    \b
    Examples:
      graphkit diff HEAD~5                      # seed_data/ five commits ago vs now
      graphkit diff v0.1.0 HEAD --format markdown
      graphkit diff old_data/ seed_data/ --format json
    """
    from ..api import load
    from ..diff import diff_graphs, format_diff, load_version

    paths = tuple(data_paths(data))
    old_graph = load_version(old, paths, repo=repo)
    new_graph = load_version(new, paths, repo=repo) if new is not None else load(list(paths))
    result = diff_graphs(old_graph, new_graph)
    click.echo(format_diff(result, fmt, old_label=old, new_label=new or "the working tree"), nl=False)


@click.command()
@click.argument("entity")
@data_option
@click.option("--format", "fmt", type=click.Choice(["table", "json", "markdown"]), default="table",
              show_default=True, help="Output format.")
def timeline(entity, data, fmt):
    """The story so far of ENTITY (id, name or alias): every dated fact about it, by valid
    date (when facts hold) and by report date (when they became known, with sources)."""
    from ..analysis import find_entity
    from ..timeline import format_timeline, timeline as build_timeline

    graph = load_model(data)
    found = find_entity(graph, entity)
    click.echo(format_timeline(build_timeline(graph, found.id), fmt), nl=False)


COMMANDS = (diff, timeline)
