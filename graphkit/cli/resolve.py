"""graphkit resolve --suggest: likely duplicates for the alias file."""
from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import click

from .common import data_option


def _default_data() -> list[str]:
    """seed_data/ and the imports beside it (imports/*/ folders holding an import-report.json)."""
    paths = ["seed_data"] if Path("seed_data").is_dir() else []
    root = Path("imports")
    if root.is_dir():
        paths += [str(p) for p in sorted(root.iterdir()) if (p / "import-report.json").is_file()]
    return paths


@click.command("resolve")
@click.option("--suggest", is_flag=True, help="List likely duplicates with their evidence (required).")
@data_option
@click.option("--aliases", type=click.Path(exists=True, dir_okay=False),
              help="Alias file (default: resolution/aliases.yaml if present).")
@click.option("--kind", "kinds", multiple=True, type=click.Choice(["Organization", "model", "Device", "Chipset"]),
              help="Kinds of entities to compare (repeatable; default: Organization and model).")
@click.option("--min-score", type=float, default=0.85, show_default=True, help="Lowest score listed (0..1).")
@click.option("--limit", type=int, default=50, show_default=True, help="At most this many suggestions (0: all).")
@click.option("--format", "fmt", type=click.Choice(["yaml", "table", "json"]),
              help="Output: YAML snippets for the alias file (default off a terminal), a table (default on one), JSON.")
def resolve_command(suggest, data, aliases, kinds, min_score, limit, fmt):
    """Find likely duplicates that the resolution rules did not merge.

    Compares entities of the same kind whose names share a word (blocked, never all pairs),
    scores them (rapidfuzz name similarity, shared Hugging Face id, same developer, dates,
    sizes, domains, the safeguard that stopped an import) and prints each as a `same` (merge)
    or `apart` (keep-apart) entry ready to paste into resolution/aliases.yaml.

    \b
    Examples:
      graphkit resolve --suggest                       # seed_data + imports/*
      graphkit resolve --suggest -d seed_data -d imports/epoch --format yaml > review.yaml
    """
    from .. import api
    from ..resolve import load_aliases
    from ..resolve_suggest import load_candidates, suggest as find, suggestions_yaml

    if not suggest:
        raise click.UsageError("nothing to do: give --suggest")
    paths = list(data) or _default_data()
    if not paths:
        raise click.UsageError("no data: give -d/--data (seed_data and imports/* are the default)")
    start = time.perf_counter()
    graph = api.load(paths)
    table = load_aliases(aliases)
    loaded = time.perf_counter()
    suggestions, stats = find(graph, table, min_score=min_score, limit=None,
                              stopped=load_candidates(paths))
    wanted = set(kinds or ("Organization", "model"))
    suggestions = [s for s in suggestions if s.kind in wanted]
    suggestions = suggestions[:limit] if limit else suggestions
    stats.update({"listed": len(suggestions), "load seconds": round(loaded - start, 2),
                  "suggest seconds": round(time.perf_counter() - loaded, 2)})
    fmt = fmt or ("table" if sys.stdout.isatty() else "yaml")
    if fmt == "json":
        click.echo(json.dumps({"statistics": stats, "suggestions": [s.as_dict() for s in suggestions]},
                              indent=2, ensure_ascii=False))
        return
    if fmt == "yaml":
        click.echo(f"# graphkit resolve --suggest: {len(suggestions)} suggestions from {stats['entities']} entities, "
                   f"{stats['pairs compared']} pairs compared in {stats['suggest seconds']} s.")
        click.echo("# Review each one, then move it into resolution/aliases.yaml (same: merges, apart: keep-apart).")
        text = suggestions_yaml(suggestions)
        if text:
            click.echo(text.rstrip("\n"))
        return
    from rich.console import Console
    from rich.table import Table

    out = Table(title=f"{len(suggestions)} likely duplicates ({stats['pairs compared']} pairs compared, "
                      f"{stats['suggest seconds']} s)")
    for column in ("score", "decision", "a", "b", "evidence", "against"):
        out.add_column(column, overflow="fold")
    for s in suggestions:
        out.add_row(f"{s.score:.2f}", s.decision, f"{s.a_name} ({s.a})", f"{s.b_name} ({s.b})",
                    "; ".join(s.evidence), "; ".join(s.against))
    Console(file=sys.stdout, highlight=False).print(out)


COMMANDS = [resolve_command]
