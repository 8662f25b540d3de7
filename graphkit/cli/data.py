"""graphkit import / stats / path / rank / communities."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from ..defaults import DEFAULT_DATA_DIR
from .common import as_of_options, data_option, graph_as_of
from .filter_options import apply_filter, filter_options, ids_option, make_filter

IMPORT_SOURCES = ("epoch", "ecosystem", "leaderboard", "devices", "qualcomm", "gsmarena", "all")


def _console():
    from ..console import console

    return console(sys.stdout)


def _json(data) -> None:
    click.echo(json.dumps(data, indent=2, ensure_ascii=False))


def format_option(func):
    return click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True,
                        help="Output format.")(func)


def _load(data):
    from .common import load_model

    return load_model(data)


# ---------------------------------------------------------------------------------- import

@click.command("import")
@click.argument("source", type=click.Choice(IMPORT_SOURCES))
@click.argument("path", type=click.Path(exists=True))
@click.option("-o", "--out", "out_dir", type=click.Path(file_okay=False),
              help="Output folder (default imports/SOURCE; for 'all', the folder holding one per dataset: imports).")
@click.option("--merge-with", "merge_with", multiple=True, type=click.Path(exists=True),
              help="Reference data to resolve against (repeatable). Default: seed_data/ and the imports "
                   "of earlier datasets (epoch < ecosystem < leaderboard < devices) beside the output folder.")
@click.option("--no-merge", is_flag=True, help="Resolve against nothing (a stand-alone import).")
@click.option("--aliases", type=click.Path(exists=True, dir_okay=False),
              help="Alias file (default: resolution/aliases.yaml if present).")
@format_option
@click.option("-q", "--quiet", is_flag=True, help="No progress display and no summary.")
def import_command(source, path, out_dir, merge_with, no_merge, aliases, fmt, quiet):
    """Import a third-party dataset as graphkit YAML.

    SOURCE is epoch, ecosystem, leaderboard, devices (qualcomm + gsmarena), qualcomm, gsmarena
    or all; PATH is the dataset file or folder (for 'all': the folder holding the datasets
    in the layout CONTRIBUTING.md describes). Every entity the reference data already knows keeps its id;
    the rows that could not be used and every merge and conflict are listed in
    OUT/import-report.json.

    \b
    Examples:
      graphkit import epoch datasets/epoch-ai-models/all_ai_models.csv
      graphkit import all datasets
      graphkit build seed_data imports/epoch imports/ecosystem imports/leaderboard imports/devices
    """
    from .. import importers
    from ..progress import BarSequence

    if no_merge and merge_with:
        raise click.UsageError("give either --merge-with or --no-merge, not both")
    with BarSequence(quiet=quiet or fmt == "json") as bars:
        if source == "all":
            out_root = Path(out_dir or importers.DEFAULT_OUT_ROOT)
            default = [Path(DEFAULT_DATA_DIR)] if Path(DEFAULT_DATA_DIR).is_dir() else []
            references = [] if no_merge else (list(merge_with) or default)
            outcomes = importers.import_all(path, out_root, reference_paths=references, aliases=aliases,
                                            progress_for=lambda name: bars.start(f"{name}: rows"))
        else:
            out = Path(out_dir or importers.DEFAULT_OUT_ROOT / source)
            references = [] if no_merge else (list(merge_with) or importers.default_reference_paths(out, source))
            outcomes = [importers.run_import(source, path, out, reference_paths=references, aliases=aliases,
                                             progress=bars.start(f"{source}: rows"))]
    stale = [] if source == "all" else importers.later_imports(outcomes[0].out_dir, source)
    if stale:
        click.echo(f"note: {', '.join(map(str, stale))} {'comes' if len(stale) == 1 else 'come'} after {source} in "
                   f"the import order; re-import {'it' if len(stale) == 1 else 'them'} so that "
                   f"{'it refers' if len(stale) == 1 else 'they refer'} to this import (or use `graphkit import all`)",
                   err=True)
    if quiet:
        return
    if fmt == "json":
        _json([_outcome_summary(o, references) for o in outcomes])
        return
    click.echo(f"reference data: {', '.join(map(str, references)) or 'none'}")
    for outcome in outcomes:
        summary = _outcome_summary(outcome, references)
        click.echo("\n".join(outcome.report.summary_lines()))
        written = summary["written"]
        res = summary["resolution"]
        click.echo(f"  wrote {written['entities']} entities, {written['sources']} sources, "
                   f"{written['statements']} facts to {outcome.out_dir}/")
        click.echo(f"  resolution: {res['merges']} merges ({res['merges into reference']} into the reference data), "
                   f"{res['conflicts']} conflicts, {res['corroborated_statements']} facts already known, "
                   f"{res['dropped_statements'] - res['corroborated_statements']} facts dropped, "
                   f"{res['ambiguous']} ambiguous names, {res.get('candidates', 0)} merges stopped by a safeguard "
                   f"(candidates; see graphkit resolve --suggest)")
        click.echo(f"  details: {outcome.out_dir / 'import-report.json'}")


def _outcome_summary(outcome, references) -> dict:
    report = outcome.report
    resolution = outcome.resolution
    summary = resolution.summary()
    summary["merges into reference"] = sum(1 for m in resolution.merges if m.target == "reference")
    return {
        "source": outcome.source, "out": str(outcome.out_dir), "reference": [str(r) for r in references],
        "rows": {"read": report.rows_read, "used": report.rows_used, "skipped": sum(report.skipped.values())},
        "skipped_by_reason": dict(sorted(report.skipped.items())),
        "warnings_by_reason": dict(sorted(report.warnings.items())),
        "written": outcome.graph.summary(),
        "resolution": summary,
        "seconds": {k: round(v, 3) for k, v in outcome.seconds.items()},
    }


# ---------------------------------------------------------------------------------- stats

@click.command()
@data_option
@click.option("--top", default=15, show_default=True, type=click.IntRange(1),
              help="How many sources and publishers to list.")
@filter_options()
@ids_option
@as_of_options
@format_option
def stats(data, top, classes, without_classes, relations, statuses, origins, markets, show_ids, as_of, time, fmt):
    """Counts of entities by type and of facts by relation, status, source and publisher.

    The filters count one part of the graph: `--origin curated`, `--market china`, ...
    """
    from .. import analysis

    graph = graph_as_of(_load(data), as_of, time)
    view_filter = make_filter(classes, without_classes, relations, statuses, origins, markets)
    view = apply_filter(graph, view_filter)
    result = analysis.stats(view)
    if not view_filter.is_empty():
        result["filter"] = view_filter.describe()
    if fmt == "json":
        _json(result)
        return
    from rich.table import Table

    console = _console()
    if "filter" in result:
        console.print(f"filter: {result['filter']}", markup=False)
    console.print(f"{result['entities']} entities, {result['statements']} facts, {result['sources']} sources")
    for key, title, limit in (("by_type", "entity type", None), ("by_relation", "relation", None),
                              ("by_status", "status", None), ("by_source", "source", top),
                              ("by_publisher", "source publisher", top)):
        counts = result[key]
        table = Table(title, "count", box=None, pad_edge=False, title_justify="left")
        for name, count in list(counts.items())[:limit]:
            table.add_row(_label(graph, key, name, show_ids), str(count))
        if limit is not None and len(counts) > limit:
            table.add_row(f"... {len(counts) - limit} more", "")
        console.print()
        console.print(table)


# ---------------------------------------------------------------------------------- path

@click.command()
@click.argument("start")
@click.argument("end")
@data_option
@click.option("--limit", default=1, show_default=True, type=click.IntRange(1, 50),
              help="How many shortest paths to show.")
@click.option("--avoid", multiple=True, metavar="ENTITY",
              help="Never go through this entity (id, name or alias; repeatable).")
@click.option("--skip-hubs", is_flag=True,
              help="Never go through a market (China, Worldwide, ...): they connect everything.")
@filter_options()
@ids_option
@as_of_options
@format_option
def path(start, end, data, limit, avoid, skip_hubs, classes, without_classes, relations, statuses, origins,
         markets, show_ids, as_of, time, fmt):
    """How two entities are connected: the shortest chain of facts, with their sources.

    START and END are ids, names or aliases ("Apple", "qwen2.5-max"). Direction is ignored to
    find the path; each fact is shown as stated.
    """
    from .. import analysis

    graph = graph_as_of(_load(data), as_of, time)
    view_filter = make_filter(classes, without_classes, relations, statuses, origins, markets)
    if not view_filter.is_empty():
        from ..errors import GraphkitError

        ends = [analysis.find_entity(graph, start).id, analysis.find_entity(graph, end).id]
        try:
            graph = view_filter.apply(graph, keep=ends)
        except GraphkitError as exc:
            raise click.UsageError(str(exc)) from None
    found = analysis.paths(graph, start, end, limit=limit, avoid=avoid, skip_hubs=skip_hubs)
    if fmt == "json":
        _json([p.as_dict() for p in found])
        return
    if not found:
        click.echo(f"no path between '{start}' and '{end}'")
        return
    console = _console()
    for number, found_path in enumerate(found, 1):
        names = " - ".join(f"{e['name']} ({e['id']})" if show_ids else e["name"] for e in found_path.entities)
        console.print(f"path {number}, {found_path.length} hop{'s' if found_path.length != 1 else ''}: {names}",
                      markup=False)
        for hop in found_path.hops:
            for fact in hop.facts:
                sources = "; ".join(_source_text(s, show_ids) for s in fact.sources)
                subject, obj = (fact.subject, fact.object) if show_ids else (
                    graph.entities[fact.subject].name, graph.entities[fact.object].name)
                dates = f"  ({fact.dates})" if fact.dates else ""
                console.print(f"  {subject} {fact.relation} {obj}  [{fact.status}]{dates}", markup=False)
                if fact.history:
                    console.print(f"      history: {fact.history}", markup=False)
                console.print(f"      sources: {sources}", markup=False)
                if fact.note:
                    console.print(f"      note: {fact.note}", markup=False)


def _label(graph, key: str, name: str, show_ids: bool) -> str:
    """A stats row's label: the source's title or the publisher's name, with the id on --ids."""
    if key == "by_source" and name in graph.sources:
        title = graph.sources[name].title
    elif key == "by_publisher" and name in graph.entities:
        title = graph.entities[name].name
    else:
        return name
    return f"{title} ({name})" if show_ids else title


def _source_text(source: dict, show_ids: bool = False) -> str:
    parts = [source.get("title") or source["id"]]
    if show_ids and source.get("title"):
        parts.append(source["id"])
    if source.get("date"):
        parts.append(source["date"])
    if source.get("url"):
        parts.append(source["url"])
    return ", ".join(parts)


# ---------------------------------------------------------------------------------- rank

@click.command()
@data_option
@click.option("--measure", type=click.Choice(["pagerank", "degree", "betweenness"]), default="pagerank",
              show_default=True, help="Centrality measure.")
@click.option("--top", default=10, show_default=True, type=click.IntRange(1), help="Entities per group.")
@click.option("--class", "classes", multiple=True,
              help="Entity class to rank (repeatable; default: Organization and AIModel).")
@click.option("--weighting", type=click.Choice(["evidence", "plain"]), default="evidence", show_default=True,
              help="evidence: curated facts weigh more, and entities that several origins (curated, each "
                   "dataset) write about rank higher; plain: every fact weighs 1.")
@click.option("--curated-weight", default=5.0, show_default=True, type=click.FloatRange(0, min_open=True),
              help="With --weighting evidence: how many imported facts a curated fact weighs.")
@filter_options(with_class=False)
@ids_option
@as_of_options
@format_option
def rank(data, measure, top, classes, weighting, curated_weight, without_classes, relations, statuses, origins,
         markets, show_ids, as_of, time, fmt):
    """The most central organizations and models, with the measure and the weighting named.

    Devices and chipsets are left out by default (GSMArena's 12,000 phones would put phone makers
    first): give --without-class to choose yourself, or --class Device to rank them.
    """
    from .. import analysis

    groups = tuple(classes) or analysis.RANK_GROUPS
    if not without_classes and not {"Device", "Chipset"} & set(groups):
        without_classes = ("Device", "Chipset")
    view_filter = make_filter((), without_classes, relations, statuses, origins, markets)
    view = apply_filter(graph_as_of(_load(data), as_of, time), view_filter)
    result = analysis.rank(view, measure=measure, top=top, groups=groups, weighting=weighting,
                           curated_weight=curated_weight)
    result["filter"] = view_filter.describe()
    if fmt == "json":
        _json(result)
        return
    from rich.table import Table

    console = _console()
    console.print(f"measure: {result['description']}", markup=False)
    console.print(f"weighting: {result['weighting_description']}", markup=False)
    if result["filter"]:
        console.print(f"filter: {result['filter']}", markup=False)
    for group, rows in result["groups"].items():
        columns = ["#", *(["id"] if show_ids else []), "name", "type", measure, "facts"]
        if weighting == "evidence":
            columns.append("origins")
        table = Table(*columns, box=None, pad_edge=False, title=f"most central: {group}", title_justify="left")
        for row in rows:
            cells = [str(row["rank"]), *([row["id"]] if show_ids else []), row["name"], row["type"],
                     f"{row['score']:.6f}", str(row["facts"])]
            if weighting == "evidence":
                cells.append(", ".join(row["origins"]))
            table.add_row(*cells)
        console.print()
        console.print(table)


# ---------------------------------------------------------------------------------- communities

@click.command()
@data_option
@click.option("--method", type=click.Choice(["louvain", "greedy"]), default="louvain", show_default=True,
              help="Louvain (fixed seed) or greedy modularity.")
@click.option("--seed", default=42, show_default=True, help="Random seed of the Louvain method.")
@click.option("--resolution", default=1.0, show_default=True, type=click.FloatRange(0, min_open=True),
              help="Higher gives more, smaller communities.")
@click.option("--top", default=10, show_default=True, type=click.IntRange(1), help="Communities to show.")
@click.option("--members", default=8, show_default=True, type=click.IntRange(1),
              help="Best-connected members shown per community.")
@filter_options()
@ids_option
@as_of_options
@format_option
def communities(data, method, seed, resolution, top, members, classes, without_classes, relations, statuses,
                origins, markets, show_ids, as_of, time, fmt):
    """Groups of densely connected entities (community detection on the entity graph)."""
    from .. import analysis

    view_filter = make_filter(classes, without_classes, relations, statuses, origins, markets)
    result = analysis.communities(apply_filter(graph_as_of(_load(data), as_of, time), view_filter), method=method, seed=seed,
                                  resolution=resolution, top=top, members=members)
    if not view_filter.is_empty():
        result["filter"] = view_filter.describe()
    if fmt == "json":
        _json(result)
        return
    from rich.table import Table

    console = _console()
    console.print(f"{result['count']} communities ({method}"
                  f"{', seed ' + str(seed) if method == 'louvain' else ''}), modularity {result['modularity']}")
    table = Table("#", "size", "types", "best-connected members", box=None, pad_edge=False)
    for community in result["communities"]:
        types = ", ".join(f"{k} {v}" for k, v in community["types"].items())
        names = ", ".join(f"{m['name']} ({m['id']})" if show_ids else m["name"] for m in community["members"])
        table.add_row(str(community["community"]), str(community["size"]), types, names)
    console.print(table)


COMMANDS = (import_command, stats, path, rank, communities)
