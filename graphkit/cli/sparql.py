"""graphkit sparql / graphkit push sparql: parse options, call graphkit.sparql, print."""
from __future__ import annotations

import sys

import click

from ..sparql.formats import FORMATS
from .common import as_of_options, base_iri_option, data_option, data_paths, graph_as_of, is_interactive


def _remote_options(func):
    """--timeout, --user, --password, --auth: shared by the query and the push command."""
    options = [
        click.option("--timeout", type=click.FloatRange(min=0.1), default=60.0, show_default=True, metavar="S",
                     help="Total seconds a query (or each request to a server) may take; the embedded "
                          "engine's query is stopped then (exit code 4)."),
        click.option("--user", envvar="GRAPHKIT_SPARQL_USER", show_envvar=True,
                     help="User name for the remote server."),
        click.option("--password", envvar="GRAPHKIT_SPARQL_PASSWORD", show_envvar=True,
                     help="Password for the remote server (prefer the environment variable: "
                          "command lines are visible to other users). Never printed."),
        click.option("--auth", "auth_scheme", type=click.Choice(["basic", "digest"]), default="basic",
                     show_default=True, help="HTTP authentication scheme (Virtuoso's *-auth endpoints: digest)."),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def _console(err: bool = False):
    from ..console import console

    return console(sys.stderr if err else sys.stdout)


def _embedded_graph(data, turtle, base_iri):
    """(rdflib graph or KnowledgeGraph) for the embedded store."""
    if turtle and data:
        raise click.UsageError("give either -d/--data or --turtle, not both")
    from .. import sparql

    if turtle:
        return sparql.load_rdf_graph(turtle, base_iri)
    from .common import compiled_store

    store = compiled_store(data, base_iri)
    if store is not None:
        return store
    from .. import api

    return api.load(data_paths(data))


class _WorkerRunner:
    """Runs the embedded engine's query in a killable worker process (graphkit.worker): stopped
    at `timeout`, refused over `max_rows`, and under a memory cap. The worker opens the store
    itself: the on-disk compiled store read-only, or (forked) the in-memory store of the data."""

    def __init__(self, opener, context: str, timeout: float, max_rows: int, memory_mb: int):
        from ..worker import QueryWorker

        self.worker = QueryWorker(opener, memory_mb=memory_mb, context=context)
        self.timeout, self.max_rows = timeout, max_rows

    def __call__(self, text: str, prefixes: dict[str, str]):
        from ..errors import SparqlSyntaxError
        from ..worker import SparqlRequest

        request = SparqlRequest(text, select_format="terms", graph_format="terms", max_rows=self.max_rows,
                                prefixes=prefixes, allow_service=True)  # SERVICE was checked before
        try:
            answer = self.worker.sparql(request, timeout=self.timeout)
        except SparqlSyntaxError as exc:  # the engine's own error: located in the user's text by the backend
            raise SyntaxError(str(exc).removeprefix("SPARQL syntax error: ")) from None
        return answer.to_sparql_result(prefixes)


def _stoppable(backend, directory: str | None, timeout: float, max_rows: int, memory_mb: int):
    """A runner for `backend` (an EmbeddedBackend) that can stop its queries, or None for an
    rdflib store. `directory`: the on-disk Oxigraph store the backend reads, if any."""
    if backend.store is None:
        return None
    if directory is not None:
        from ..worker import StoreOpener

        return _WorkerRunner(StoreOpener(directory), "spawn", timeout, max_rows, memory_mb)
    store = backend.store
    return _WorkerRunner(lambda: store, "fork", timeout, max_rows, memory_mb)


def _parse_params(values: tuple[str, ...]) -> dict[str, str]:
    params = {}
    for value in values:
        name, sep, text = value.partition("=")
        if not sep or not name.strip():
            raise click.BadParameter(f"'{value}' is not NAME=VALUE", param_hint="--param")
        params[name.strip().lstrip("?$")] = text
    return params


def _print_list() -> None:
    from rich.table import Table

    from .. import sparql

    table = Table("name", "form", "parameters (default)", "question", box=None, pad_edge=False)
    for query in sparql.list_queries():
        params = ", ".join(f"{p.name}={p.default}" if p.default else p.name for p in query.params)
        table.add_row(query.name, query.form.upper().replace("GRAPH", "CONSTRUCT"), params, query.description)
    _console().print(table)


@click.command()
@click.argument("query", required=False)
@click.option("-f", "--file", "query_file", type=click.Path(dir_okay=False, allow_dash=True),
              help="Read the query from a .rq file ('-' for stdin).")
@click.option("--list", "list_pack", is_flag=True, help="List the question pack (queries/*.rq) and exit.")
@click.option("-p", "--param", "params", multiple=True, metavar="NAME=VALUE",
              help="Bind a query variable (repeatable), e.g. -p entity=apple. Values are bound as RDF "
                   "terms, never pasted into the query.")
@data_option
@click.option("--turtle", type=click.Path(exists=True, dir_okay=False),
              help="Query this RDF file (Turtle, N-Triples, TriG...) instead of YAML data.")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="table", show_default=True,
              help="Output: a table, SPARQL 1.1 CSV/TSV/JSON results, or Turtle (CONSTRUCT/DESCRIBE).")
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Write the answer to a file.")
@click.option("--endpoint", metavar="URL", help="Query this SPARQL 1.1 endpoint instead of the embedded store.")
@click.option("--graph", "graph_iri", metavar="IRI",
              help="With --endpoint: the named graph to query (sent as default-graph-uri).")
@_remote_options
@click.option("--allow-service", is_flag=True,
              help="Let the embedded engine run SERVICE clauses (they make network calls).")
@click.option("--max-rows", type=click.IntRange(min=1), default=1_000_000, show_default=True, metavar="N",
              help="Embedded engine: stop a query whose answer has more rows (or triples) than N (exit code 4).")
@click.option("--max-memory", "max_memory", type=click.IntRange(min=64), default=2048, show_default=True,
              metavar="MB", help="Embedded engine: memory a query may use before it is stopped (exit code 4).")
@as_of_options
@base_iri_option
def sparql(query, query_file, list_pack, params, data, turtle, fmt, output, endpoint, graph_iri, timeout,
           user, password, auth_scheme, allow_service, max_rows, max_memory, as_of, time, base_iri):
    """Answer a SPARQL query on the graph (or on a remote SPARQL endpoint).

    QUERY is the query text, or the name of a query in the pack (see --list). The embedded
    store is built from seed_data/ (or -d DATA, or --turtle FILE); common prefixes (gk:, e:,
    src:, st:, schema:, rdfs:, ...) are predeclared.

    \b
    Examples:
      graphkit sparql --list
      graphkit sparql partners-in-market -p company=apple -p market=china
      graphkit sparql 'SELECT ?m WHERE { e:alibaba gk:develops ?m }' --format csv
      graphkit sparql partners-in-market -p company=apple -p market=china --as-of 2025-02-12 --time known
      graphkit sparql about --endpoint http://127.0.0.1:7878/query --graph https://example.org/g
    """
    from .. import sparql as lib
    from ..errors import GraphkitError

    if list_pack:
        _print_list()
        return
    if query_file and query:
        raise click.UsageError("give either QUERY or --file, not both")
    origin = "query"
    if query_file:
        try:
            text = sys.stdin.read() if query_file == "-" else open(query_file, encoding="utf-8").read()
        except (OSError, UnicodeDecodeError) as exc:
            raise GraphkitError(f"{query_file}: cannot read: {getattr(exc, 'strerror', None) or exc}") from None
        origin = "stdin" if query_file == "-" else query_file
        query_obj = text
    elif query:
        names = {q.name for q in lib.list_queries()}
        if query in names:
            query_obj = lib.load_query(query)
        elif query.endswith((".rq", ".sparql")) and " " not in query:
            raise GraphkitError(f"'{query}' looks like a file: use --file {query}")
        elif not any(c.isspace() or c in "{}" for c in query.strip()):
            raise GraphkitError(f"no query named '{query}' in the pack (see graphkit sparql --list)")
        else:
            query_obj = query
    else:
        raise click.UsageError("give a QUERY, --file F.rq or --list")

    from ..vocabulary import sparql_warnings

    for warning in sparql_warnings(query_obj.text if hasattr(query_obj, "text") else query_obj):
        click.echo(f"warning: {warning}", err=True)
    bound = _parse_params(params)
    auth = lib.make_auth(user, password, auth_scheme)
    if endpoint:
        if data or turtle or as_of:
            raise click.UsageError("--endpoint queries the server: drop -d/--data, --turtle and --as-of")
        backend = lib.RemoteBackend(endpoint, default_graph=graph_iri, timeout=timeout, auth=auth,
                                    base_iri=base_iri)
    else:
        if graph_iri:
            raise click.UsageError("--graph applies to --endpoint")
        source = _embedded_graph(data, turtle, base_iri)
        directory = None
        runner = None
        if as_of:  # the query runs on the graph as it was: a store of the as-of view
            if turtle:
                raise click.UsageError("--as-of needs the graphkit data (-d), not --turtle")
            source = graph_as_of(source.model() if hasattr(source, "model") else source, as_of, time)
        elif hasattr(source, "rdf_store"):  # the compiled store: query its on-disk Oxigraph store
            from ..store.core import OXIGRAPH
            from ..store.handle import resolve_entity_params
            from ..worker import StoreOpener

            directory = str(source.directory / OXIGRAPH)
            # the worker is forked before this process opens the store (no engine threads to
            # inherit yet): it starts without a new interpreter and opens the store itself
            runner = _WorkerRunner(StoreOpener(directory), "fork", timeout, max_rows, max_memory)
            try:
                text = query_obj.text if hasattr(query_obj, "text") else query_obj
                bound = resolve_entity_params(text, bound, source)
                source = source.rdf_store()
            except BaseException:
                # a user error (an unknown entity): the worker must not outlive the command when
                # it runs in-process (a notebook, click's CliRunner), holding the caller's pipes
                runner.worker.close()
                raise
        backend = lib.EmbeddedBackend(source, allow_service=allow_service, base_iri=base_iri)
        backend.runner = runner if runner is not None else _stoppable(backend, directory, timeout, max_rows,
                                                                      max_memory)
    try:
        with backend:
            result = backend.run(query_obj, bound, origin=None if origin == "query" else origin)
    finally:
        worker = getattr(getattr(backend, "runner", None), "worker", None)
        if worker is not None:
            worker.close()

    if output:
        from ..exports import atomic_write

        text = result.to_table(width=1000) if fmt == "table" else result.format(fmt)
        atomic_write(output, text)
        return
    if fmt == "table" and result.kind == "select":
        _console().print(result.rich_table())
        return
    click.echo(result.format(fmt), nl=False)


@click.command("sparql")
@click.option("--endpoint", required=True, metavar="URL",
              help="The server's SPARQL query endpoint (used to count triples before and after).")
@click.option("--graph", "graph_iri", required=True, metavar="IRI", help="Named graph to replace.")
@click.option("--store", "store_url", metavar="URL",
              help="Graph Store endpoint, or Update endpoint with --method update (default: guessed for "
                   "Oxigraph, Virtuoso and Fuseki layouts).")
@data_option
@click.option("--turtle", type=click.Path(exists=True, dir_okay=False),
              help="Push this RDF file instead of the graph built from YAML (read in memory, not resumable).")
@base_iri_option
@click.option("--chunk-size", type=click.IntRange(min=1), default=None, metavar="N",
              help="Triples per request (the first replaces the graph, the others add to it); default "
                   "50,000, or 1,000 with --method update.")
@click.option("--method", type=click.Choice(["gsp", "update"]), default="gsp", show_default=True,
              help="gsp: Graph Store Protocol (PUT, then POST); update: SPARQL Update (CLEAR + INSERT DATA), "
                   "for servers without the Graph Store Protocol.")
@click.option("--restart", is_flag=True,
              help="Start over even if an interrupted push of the same data to the same graph can continue.")
@_remote_options
def push_sparql(endpoint, graph_iri, store_url, data, turtle, base_iri, chunk_size, method, restart, timeout, user,
                password, auth_scheme):
    """Replace a named graph on a SPARQL server with the built graph.

    The compiled store (built first if stale) is streamed in chunks: memory stays bounded
    whatever the size. Each acknowledged chunk is checkpointed in the store's folder: after a
    failure or an interruption, the same command continues where it stopped (a changed graph
    starts over). After the push the server's triple count for the graph is checked; a
    mismatch is an error.
    """
    from .. import sparql as lib

    auth = lib.make_auth(user, password, auth_scheme)
    source = _embedded_graph(data, turtle, base_iri)
    compiled = hasattr(source, "rdf_store")
    if not compiled and (method != "gsp" or restart):
        raise click.UsageError("--method update and --restart push the compiled store of YAML data (-d), "
                               "not --turtle or RDF files")
    progress_bar = None
    if is_interactive():
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

        progress_bar = Progress(TextColumn("pushing"), BarColumn(), MofNCompleteColumn(), TextColumn("triples"),
                                TimeElapsedColumn(), TextColumn("{task.fields[rate]}"), console=_console(err=True),
                                transient=True)

    def push(progress=None):
        if compiled:
            from ..sparql.push_stream import push_compiled

            return push_compiled(source, endpoint, graph_iri, target_url=store_url, auth=auth, method=method,
                                 chunk_size=chunk_size, timeout=timeout, restart=restart, progress=progress)
        return lib.push_graph(source, endpoint, graph_iri, store_endpoint=store_url, auth=auth,
                              chunk_size=chunk_size or lib.DEFAULT_CHUNK_SIZE, timeout=timeout, base_iri=base_iri,
                              progress=progress)

    if progress_bar is None:
        result = push()
    else:
        import time

        with progress_bar:
            task = progress_bar.add_task("push", total=None, rate="")
            began: list = []

            def progress(sent: int, total: int) -> None:
                if not began:
                    began.append((time.perf_counter(), sent))
                    rate = ""
                else:
                    seconds = time.perf_counter() - began[0][0]
                    rate = f"{(sent - began[0][1]) / seconds:,.0f} triples/s" if seconds > 0 else ""
                progress_bar.update(task, completed=sent, total=total, rate=rate)

            result = push(progress)
    if getattr(result, "restarted", None):
        click.echo(f"note: started over ({result.restarted})", err=True)
    chunks = f"{result.chunks} chunk{'s' if result.chunks != 1 else ''}"
    resumed = getattr(result, "resumed_from", 0)
    resumed_text = f"; continued after {resumed} triples sent earlier" if resumed else ""
    click.echo(f"pushed {result.triples} triples to <{result.graph_iri}> in {result.seconds:.2f} s ({chunks}"
               f"{resumed_text}); the server holds {result.remote_count} triples in that graph")


COMMANDS = (sparql,)
PUSH_COMMANDS = (push_sparql,)
