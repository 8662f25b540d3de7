"""`graphkit cypher QUERY` and `graphkit push neo4j`."""
from __future__ import annotations

import sys

import click

from .common import as_of_options, data_option, data_paths, graph_as_of

#: graphkit.cypher.output.OUTPUT_FORMATS, written here so that starting the CLI does not import
#: the Cypher package (tests/test_incremental_build.py keeps the two equal)
OUTPUT_FORMATS = ("table", "csv", "json")


def _server_options(func):
    """--uri/--user/--password/--database, with Neo4j's standard environment variables."""
    func = click.option("--database", envvar="NEO4J_DATABASE", default=None,
                        help="Database on the server (default: the server's default; env NEO4J_DATABASE).")(func)
    func = click.option("--password", envvar="NEO4J_PASSWORD", default=None,
                        help="Password (env NEO4J_PASSWORD).")(func)
    func = click.option("--user", envvar="NEO4J_USERNAME", default=None,
                        help="User name (env NEO4J_USERNAME; default neo4j when a password is given).")(func)
    return func


def _auth(user: str | None, password: str | None):
    if password is None and user is None:
        return None
    return (user or "neo4j", password or "")


@click.command("cypher")
@click.argument("query", required=False)
@click.option("--list", "list_pack", is_flag=True, help="List the question pack (queries/cypher/*.cypher) and exit.")
@click.option("--param", "params", multiple=True, metavar="NAME=VALUE",
              help="Query parameter $NAME (repeatable); VALUE is read as JSON when valid (42, true, "
                   "[\"a\",\"b\"]), else as text.")
@click.option("--format", "fmt", type=click.Choice(OUTPUT_FORMATS), default="table", show_default=True,
              help="Output format.")
@data_option
@click.option("--uri", envvar="NEO4J_URI", default=None,
              help="Query this Neo4j server (bolt://HOST:7687, neo4j://...) instead of the embedded engine "
                   "(env NEO4J_URI).")
@_server_options
@click.option("--embedded", is_flag=True, help="Use the embedded engine even if NEO4J_URI is set.")
@click.option("--write", is_flag=True, help="Allow a query that writes (only on a server given with --uri).")
@click.option("--timeout", type=click.FloatRange(min=0.001), default=60.0, show_default=True, metavar="SECONDS",
              help="Stop the query after this time (exit code 4).")
@click.option("--max-rows", type=click.IntRange(min=1), default=1_000_000, show_default=True, metavar="N",
              help="Stop a query whose answer has more rows than N (exit code 4).")
@as_of_options
def cypher(query, list_pack, params, fmt, data, uri, user, password, database, embedded, write, timeout, max_rows,
           as_of, time):
    """Run a Cypher QUERY on the graph.

    QUERY is Cypher text, or the name of a query in the pack (see --list). By default it runs
    on the embedded engine (FalkorDB, started by graphkit and loaded with the YAML data); with
    --uri on a Neo4j server. Symmetric relations need an undirected pattern:
    (a)-[:PARTNERS_WITH]-(b).

    \b
      graphkit cypher "MATCH (a:Company {name:'Apple'})-[r:PARTNERS_WITH]-(b) RETURN b.name, r.status"
      graphkit cypher "MATCH (n {id: \\$id}) RETURN n.name" --param id=apple --format json
      graphkit cypher partners-in-market --param company=apple --param market=china
      graphkit cypher partners-in-market --param company=apple --as-of 2025-02-12 --time known
    """
    from ..cypher import PACK_NAME, cypher_pack, format_result, pack_query, parse_params, run_cypher
    from ..errors import GraphkitError

    if list_pack:
        for name, entry in cypher_pack().items():
            defaults = " ".join(f"{k}={v}" for k, v in entry.defaults.items())
            click.echo(f"{name:24} {entry.description}" + (f" [{defaults}]" if defaults else ""))
        return
    if not query:
        raise GraphkitError("give a Cypher query or the name of a pack query (see graphkit cypher --list)")
    values = parse_params(params)
    pack = bool(PACK_NAME.match(query))
    if pack:
        query, values = pack_query(query, values)
    if embedded:
        uri = None
    if uri and as_of:
        raise GraphkitError("--as-of runs on the embedded engine: it cannot filter a Neo4j server (drop --uri)")
    if uri:
        result = run_cypher(query, values, uri=uri, auth=_auth(user, password), database=database,
                            timeout=timeout, write=write, max_rows=max_rows)
    else:
        from .common import compiled_store

        store = compiled_store(data)
        if store is None:
            from ..api import load

            store = load(data_paths(data))
        if not pack:  # the embedded graph's names are graphkit's (a server may hold others)
            from ..vocabulary import cypher_warnings

            # the store's ontology is its JSON copy: no Turtle parsing (0.3-0.7 s) on a warm call
            ontology = store.ontology() if hasattr(store, "digest") else None
            for warning in cypher_warnings(query, ontology):
                click.echo(f"warning: {warning}", err=True)
        if as_of:  # the query runs on the graph as it was (a graph of its own in the engine)
            store = graph_as_of(store.model() if hasattr(store, "model") else store, as_of, time)
        from ..cypher.falkordb import embedded_engine

        embedded_engine().one_shot = True  # one question, then exit (see EmbeddedEngine)
        result = run_cypher(query, values, graph=store, timeout=timeout, write=write, max_rows=max_rows)
    width = None if sys.stdout.isatty() else 200
    click.echo(format_result(result, fmt, width=width), nl=False)


@click.command("neo4j")
@data_option
@click.option("--uri", envvar="NEO4J_URI", required=True,
              help="The Neo4j server: bolt://HOST:7687 or neo4j://... (env NEO4J_URI).")
@_server_options
@click.option("--graph-name", default="graphkit", show_default=True,
              help="Name that marks this graph's nodes (several graphs can share a database).")
@click.option("--batch-size", type=click.IntRange(1), default=1000, show_default=True,
              help="Rows per UNWIND batch.")
@click.option("--mode", type=click.Choice(["stream", "sync"]), default="stream", show_default=True,
              help="stream: write every row in batches, resumable, in bounded memory; sync: read what the "
                   "database holds first and write only the differences (exact created/updated counts).")
@click.option("--restart", is_flag=True,
              help="Start over even if an interrupted push of the same data can continue (stream mode).")
@click.option("--dry-run", is_flag=True, help="Only report what would change (sync mode).")
def push_neo4j(data, uri, user, password, database, graph_name, batch_size, mode, restart, dry_run):
    """Push the graph into a Neo4j database.

    Creates the constraints and indexes it needs, writes the graph in batches, deletes the
    nodes and relationships graphkit wrote that are no longer in the YAML, and never touches
    nodes it did not create. Pushing twice leaves the same database.

    In stream mode (the default) the rows come from the compiled store one batch at a time;
    each acknowledged batch is checkpointed in the store's folder, so after a failure or an
    interruption the same command continues where it stopped (changed data starts over).
    """
    from ..cypher import push_neo4j as push
    from .common import compiled_store

    if dry_run:
        mode = "sync"
    store = compiled_store(data)
    if store is None:
        from ..api import load

        graph = load(data_paths(data))
    else:
        graph = store.model()
    target = uri + (f" (database {database})" if database else "")
    if mode == "sync":
        result = push(graph, uri, _auth(user, password), database, graph_name=graph_name, batch_size=batch_size,
                      dry_run=dry_run)
        click.echo(f"{'dry run, nothing written to' if dry_run else 'pushed to'} {target}: {result.summary()}")
        return
    from ..cypher.push_stream import push_neo4j_stream
    from ..progress import progress_bar

    options = {"generation": store.digest, "checkpoint_dir": store.key_dir} if store is not None else {}
    total = len(graph.entities) + len(graph.sources) + len(graph.statements)
    with progress_bar("pushing rows", total) as advance:
        shown = [0]

        def progress(rows: int, _total: int) -> None:
            advance(rows - shown[0])
            shown[0] = rows

        result = push_neo4j_stream(graph, uri, _auth(user, password), database, graph_name=graph_name,
                                   batch_size=batch_size, restart=restart, progress=progress, **options)
    if result.restarted:
        click.echo(f"note: started over ({result.restarted})", err=True)
    click.echo(f"pushed to {target}: {result.summary()}")


COMMANDS = (cypher,)
PUSH_COMMANDS = (push_neo4j,)
