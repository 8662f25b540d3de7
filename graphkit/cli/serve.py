"""`graphkit serve`: the graph as a read-only web service (see docs/serve.md)."""
from __future__ import annotations

import click


@click.command("serve")
@click.argument("data", nargs=-1, type=click.Path())
@click.option("-d", "--data", "data_options", multiple=True, type=click.Path(),
              help="YAML file or directory (repeatable; default: seed_data). DATA arguments work too.")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Interface to listen on (0.0.0.0 exposes the server to the network).")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True, help="TCP port.")
@click.option("--workers", type=click.IntRange(1, 64), default=None,
              help="SPARQL worker processes, i.e. queries running at once (default: the number of cores, at least 2).")
@click.option("--timeout", type=click.FloatRange(0.1, 3600), default=30.0, show_default=True, metavar="SECONDS",
              help="Stop any query after this time (SPARQL: the worker is killed and replaced).")
@click.option("--fast-lane-ms", type=click.FloatRange(0, 10_000), default=100.0, show_default=True, metavar="MS",
              help="Answer a query in the server's threads, not a worker, when the same query last took at most "
                   "this much CPU (0: every query in a worker).")
@click.option("--max-rows", type=click.IntRange(1), default=100_000, show_default=True,
              help="Refuse answers with more rows (SELECT, Cypher) or triples (CONSTRUCT/DESCRIBE).")
@click.option("--memory-mb", type=click.IntRange(0), default=2048, show_default=True,
              help="Memory one SPARQL query may use (0: no limit).")
@click.option("--max-body", type=click.IntRange(1024), default=1_000_000, show_default=True,
              help="Largest request body, in bytes.")
@click.option("--cors", "cors", multiple=True, metavar="ORIGIN",
              help="Allow cross-origin requests from ORIGIN (repeatable; '*' for any). Off by default.")
@click.option("--reload", is_flag=True, help="Reload when the data files change.")
@click.option("--reload-interval", type=click.FloatRange(0.2, 3600), default=2.0, show_default=True,
              metavar="SECONDS", help="How often --reload looks at the data files.")
@click.option("--store", "--cache-dir", "cache_dir", type=click.Path(file_okay=False), default=None,
              help="Cache folder of the compiled store (default: $GRAPHKIT_STORE_DIR, else .graphkit/ beside "
                   "the data); RDF inputs get a temporary store there.")
@click.option("--base-iri", default="https://w3id.org/graphkit/", show_default=True,
              help="Base IRI of entities, sources and statements.")
@click.option("--cypher-workers", type=click.IntRange(1, 16), default=2, show_default=True,
              help="FalkorDB processes, i.e. Cypher queries running at once (one is killed and replaced when "
                   "its query overruns the timeout).")
@click.option("--no-cypher", is_flag=True, help="Do not start the embedded Cypher engine.")
@click.option("--access-log/--no-access-log", default=True, show_default=True, help="Log every request on stderr.")
def serve(data, data_options, host, port, workers, timeout, fast_lane_ms, max_rows, memory_mb, max_body, cors, reload, reload_interval, cache_dir, base_iri,
          cypher_workers, no_cypher, access_log):
    """Serve the graph in DATA (YAML folders/files; default seed_data) over HTTP, read-only.

    \b
    /sparql          SPARQL 1.1 Protocol endpoint (JSON, XML, CSV, TSV; Turtle, N-Triples, JSON-LD)
    /queries/NAME    the question pack, parameters in the query string
    /cypher          POST {"query": ..., "parameters": {...}}
    /entity/ID       Linked Data pages (HTML, or RDF by content negotiation)
    /                the explorer; /query the query page; /health
    """
    import os

    from ..serve import ServeConfig, run_server

    paths = list(data_options) + list(data) or ["seed_data"]
    workers = workers or max(2, os.cpu_count() or 2)
    config = ServeConfig(paths=paths, base_iri=base_iri, workers=workers, timeout=timeout, max_rows=max_rows,
                         memory_mb=memory_mb or None, max_body=max_body, cors_origins=list(cors), reload=reload,
                         reload_interval=reload_interval,
                         cache_dir=cache_dir, cypher=not no_cypher, cypher_workers=cypher_workers,
                         fast_lane_ms=fast_lane_ms)
    if host not in ("127.0.0.1", "localhost", "::1"):
        click.echo(f"warning: listening on {host}: the graph is readable by anyone who can reach this machine",
                   err=True)
    run_server(config, host=host, port=port, access_log=access_log)


COMMANDS = (serve,)
