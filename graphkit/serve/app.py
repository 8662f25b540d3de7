"""The ASGI application of `graphkit serve` (Starlette).

Routes:
    /sparql               SPARQL 1.1 Protocol (GET, POST form, POST application/sparql-query);
                          without a query: the service description
    /queries              the question pack (JSON); /queries/{name}?param=value runs one
    /cypher               POST JSON {query | name, parameters}: Cypher on the embedded FalkorDB
    /cypher/queries       the Cypher pack (JSON)
    /entity/{id}, /source/{id}, /statement/{id}
                          Linked Data: HTML, Turtle, N-Triples, JSON-LD by content negotiation
                          (or a .ttl/.nt/.jsonld suffix)
    /search?q=            entities by name, alias or id (JSON, or HTML for browsers)
    /api/neighbourhood/{id}  the explorer's data
    /                     the explorer; /query the query page; /health; /static/...

Read-only by construction: the store is opened read-only by the query workers, SPARQL updates
are refused before anything runs, Cypher runs as GRAPH.RO_QUERY.
"""
from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import re
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from ..errors import GraphkitError
from ..iri import iri_problem
from ..worker import (
    GRAPH_FORMATS,
    graph_body,
)
from . import pages
from .checks import (
    GRAPH_OFFERS,
    MAX_QUERY_CHARS,
    PAGE_OFFERS,
    SELECT_OFFERS,
    HttpError,
    LimitsMiddleware,
    check_query,
    chosen_format,
    error_response,
    read_form,
    split_suffix,
    status_of,
)
from .data import signature
from .negotiate import negotiate
from .service import GraphService, ServeConfig

log = logging.getLogger("graphkit.serve")
STATIC = Path(__file__).parent / "static"

__all__ = ["GraphService", "ServeConfig", "create_app", "run_server"]


# ---------------------------------------------------------------- helpers

async def _answer_sparql(request: Request, query: str, *, default_graph=(), named_graphs=()) -> Response:
    service: GraphService = request.app.state.service
    form = check_query(query)
    offers = GRAPH_OFFERS if form == "graph" else SELECT_OFFERS
    fmt = chosen_format(request, offers)
    for iri in (*default_graph, *named_graphs):
        if iri_problem(iri):
            raise HttpError(400, f"not an IRI: '{iri[:100]}'")
    try:
        result = await run_in_threadpool(service.run_sparql, query, select_format=fmt if form != "graph" else "json",
                                         graph_format=fmt if form == "graph" else "ntriples",
                                         default_graph=default_graph, named_graphs=named_graphs)
    except GraphkitError as exc:
        status, headers = status_of(exc)
        raise HttpError(status, str(exc), headers) from None
    media = result.media_type
    if media.startswith("text/") or media.endswith(("json", "xml", "triples")):
        media += "; charset=utf-8"
    return Response(result.body, media_type=media, headers={"Vary": "Accept"})


# ---------------------------------------------------------------- SPARQL protocol

async def sparql_endpoint(request: Request) -> Response:
    params = request.query_params
    default_graph = params.getlist("default-graph-uri")
    named_graphs = params.getlist("named-graph-uri")
    if request.method == "GET":
        if "update" in params:
            raise HttpError(403, "this endpoint is read-only: SPARQL updates are refused")
        query = params.get("query")
        if query is None:
            return await service_description(request)
        if len(params.getlist("query")) > 1:
            raise HttpError(400, "more than one query parameter")
        return await _answer_sparql(request, query, default_graph=default_graph, named_graphs=named_graphs)
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type == "application/x-www-form-urlencoded":
        form = await read_form(request)
        if "update" in form:
            raise HttpError(403, "this endpoint is read-only: SPARQL updates are refused")
        queries = form.get("query", [])
        if len(queries) != 1:
            raise HttpError(400, "a form POST needs exactly one 'query' field")
        default_graph = default_graph + form.get("default-graph-uri", [])
        named_graphs = named_graphs + form.get("named-graph-uri", [])
        return await _answer_sparql(request, str(queries[0]), default_graph=default_graph, named_graphs=named_graphs)
    if content_type == "application/sparql-query":
        body = await request.body()
        try:
            query = body.decode("utf-8")
        except UnicodeDecodeError:
            raise HttpError(400, "the query is not valid UTF-8") from None
        return await _answer_sparql(request, query, default_graph=default_graph, named_graphs=named_graphs)
    if content_type == "application/sparql-update":
        raise HttpError(403, "this endpoint is read-only: SPARQL updates are refused")
    raise HttpError(415, f"unsupported content type '{content_type[:80]}' (use application/x-www-form-urlencoded "
                         "or application/sparql-query)")


async def service_description(request: Request) -> Response:
    import pyoxigraph as ox

    if negotiate(request.headers.get("accept"), [("text/html", "html")] + GRAPH_OFFERS) == "html" and \
            "text/html" in request.headers.get("accept", ""):
        return RedirectResponse("/query", status_code=303)
    fmt = chosen_format(request, GRAPH_OFFERS)
    service: GraphService = request.app.state.service
    sd = "http://www.w3.org/ns/sparql-service-description#"
    formats = "http://www.w3.org/ns/formats/"
    rdf_type = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
    endpoint = ox.NamedNode(str(request.url.replace(query="", fragment="")))
    dataset, default = ox.BlankNode("dataset"), ox.BlankNode("default")
    triples = [ox.Triple(endpoint, rdf_type, ox.NamedNode(sd + "Service")),
               ox.Triple(endpoint, ox.NamedNode(sd + "endpoint"), endpoint),
               ox.Triple(endpoint, ox.NamedNode(sd + "supportedLanguage"), ox.NamedNode(sd + "SPARQL11Query")),
               ox.Triple(endpoint, ox.NamedNode(sd + "defaultDataset"), dataset),
               ox.Triple(dataset, rdf_type, ox.NamedNode(sd + "Dataset")),
               ox.Triple(dataset, ox.NamedNode(sd + "defaultGraph"), default),
               ox.Triple(default, rdf_type, ox.NamedNode(sd + "Graph")),
               ox.Triple(default, ox.NamedNode("http://rdfs.org/ns/void#triples"),
                         ox.Literal(str(service.graph.triples),
                                    datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")))]
    for name in ("SPARQL_Results_JSON", "SPARQL_Results_XML", "SPARQL_Results_CSV", "SPARQL_Results_TSV",
                 "Turtle", "N-Triples", "JSON-LD", "RDF_XML"):
        triples.append(ox.Triple(endpoint, ox.NamedNode(sd + "resultFormat"), ox.NamedNode(formats + name)))
    body = graph_body(triples, fmt, {"sd": sd, "void": "http://rdfs.org/ns/void#"})
    return Response(body, media_type=GRAPH_FORMATS[fmt] + "; charset=utf-8", headers={"Vary": "Accept"})


# ---------------------------------------------------------------- the pack

async def pack_list(request: Request) -> Response:
    from .. import sparql

    queries = []
    for query in sparql.list_queries():
        queries.append({"name": query.name, "description": query.description, "form": query.form,
                        "text": query.text,
                        "params": [{"name": p.name, "type": p.type, "default": p.default, "help": p.help}
                                   for p in query.params]})
    return JSONResponse({"queries": queries})


async def pack_run(request: Request) -> Response:
    from .. import sparql

    service: GraphService = request.app.state.service
    name = request.path_params["name"]
    try:
        query = sparql.load_query(name)
    except GraphkitError:
        raise HttpError(404, f"no query named '{name[:80]}' in the pack (see /queries)") from None
    values = {k: v for k, v in request.query_params.items() if k != "format"}
    if request.method == "POST":
        content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if content_type == "application/json":
            try:
                body = json.loads(await request.body() or b"{}")
            except ValueError:
                raise HttpError(400, "the body is not valid JSON") from None
            if not isinstance(body, dict) or not all(isinstance(v, (str, int)) and not isinstance(v, bool)
                                                     for v in body.values()):
                raise HttpError(400, "the body must be a JSON object of parameter -> text or integer")
            values.update({str(k): v for k, v in body.items()})
        elif content_type == "application/x-www-form-urlencoded":
            values.update({k: v[-1] for k, v in (await read_form(request)).items()})
    try:
        bindings = sparql.resolve_params(query.text, values, base_iri=service.config.base_iri,
                                         prefixes=service.prefixes, kg=service.graph.kg, origin=name)
        inject = getattr(sparql, "inject_values", None) or sparql._inject_values
        text = inject(query.text, bindings)
    except GraphkitError as exc:
        raise HttpError(400, str(exc)) from None
    return await _answer_sparql(request, text)


async def cypher_pack_list(request: Request) -> Response:
    from ..cypher import cypher_pack

    return JSONResponse({"queries": [{"name": q.name, "description": q.description, "text": q.text,
                                      "params": [{"name": k, "default": v} for k, v in q.defaults.items()]}
                                     for q in cypher_pack().values()]})


async def cypher_endpoint(request: Request) -> Response:
    from ..cypher import PACK_NAME, check_params, pack_query

    service: GraphService = request.app.state.service
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type != "application/json":
        raise HttpError(415, "POST a JSON object {\"query\": ..., \"parameters\": {...}} as application/json")
    try:
        body = json.loads(await request.body())
    except ValueError:
        raise HttpError(400, "the body is not valid JSON") from None
    if not isinstance(body, dict):
        raise HttpError(400, "the body must be a JSON object {\"query\": ..., \"parameters\": {...}}")
    unknown = sorted(set(body) - {"query", "name", "parameters"})
    if unknown:
        raise HttpError(400, f"unknown field(s): {', '.join(k[:40] for k in unknown)}")
    params = body.get("parameters") or {}
    try:
        params = check_params(params)
    except GraphkitError as exc:
        raise HttpError(400, str(exc)) from None
    query, name = body.get("query"), body.get("name")
    if (query is None) == (name is None):
        raise HttpError(400, "give either 'query' (Cypher text) or 'name' (a pack query)")
    if name is not None:
        if not isinstance(name, str) or not PACK_NAME.match(name):
            raise HttpError(400, "'name' must be the name of a Cypher pack query (see /cypher/queries)")
        try:
            query, params = pack_query(name, params)
        except GraphkitError as exc:
            raise HttpError(404, str(exc)) from None
    if not isinstance(query, str) or not query.strip():
        raise HttpError(400, "'query' must be non-empty Cypher text")
    if len(query) > MAX_QUERY_CHARS:
        raise HttpError(413, f"the query is longer than {MAX_QUERY_CHARS:,} characters")
    if not service.config.cypher:
        raise HttpError(503, "the Cypher engine is off on this server (--no-cypher)")
    if service._cypher_error and not service._cypher_ready:
        raise HttpError(503, f"the Cypher engine is not available: {service._cypher_error}")
    try:
        answer = await run_in_threadpool(service.run_cypher, query, params)
    except GraphkitError as exc:
        status, headers = status_of(exc)
        message = str(exc)
        if status == 400 and re.search(r"\b(write|read-only|readonly)\b", message, re.I):
            status = 403
            message = "this endpoint is read-only: the query writes (" + message + ")"
        raise HttpError(status, message, headers) from None
    return JSONResponse(answer)


# ---------------------------------------------------------------- Linked Data

async def _resource(request: Request, kind: str) -> Response:
    service: GraphService = request.app.state.service
    graph = service.graph
    key, suffix = split_suffix(request.path_params["key"])
    fmt = chosen_format(request, PAGE_OFFERS, suffix=suffix)
    item: Any
    if kind == "entity":
        item = graph.kg.entities.get(key)
    elif kind == "source":
        item = graph.kg.sources.get(key)
    else:
        item = graph.statement(key)
    if item is None:
        hits: list[dict] = []
        if kind == "entity":
            hits = graph.search(key, limit=5) or [graph.node_json(graph.kg.entities[i])
                                                  for i in graph.kg.suggest(key, limit=5)]
        message = f"no {kind} '{key}' in the graph"
        if fmt == "html":
            return HTMLResponse(pages.not_found_page(kind, key, hits), status_code=404)
        raise HttpError(404, message)
    if fmt == "html":
        if kind == "entity":
            html = pages.entity_page(graph, item)
        elif kind == "source":
            html = pages.source_page(graph, item)
        else:
            html = pages.statement_page(graph, item)
        return HTMLResponse(html, headers={"Vary": "Accept"})
    iri = getattr(graph.iris, kind)(key)
    try:
        result = await run_in_threadpool(service.run_sparql, f"DESCRIBE <{iri}>", select_format="json",
                                         graph_format=fmt)
    except GraphkitError as exc:
        status, headers = status_of(exc)
        raise HttpError(status, str(exc), headers) from None
    return Response(result.body, media_type=result.media_type + "; charset=utf-8", headers={"Vary": "Accept"})


async def entity_resource(request: Request) -> Response:
    return await _resource(request, "entity")


async def source_resource(request: Request) -> Response:
    return await _resource(request, "source")


async def statement_resource(request: Request) -> Response:
    return await _resource(request, "statement")


async def search(request: Request) -> Response:
    service: GraphService = request.app.state.service
    query = request.query_params.get("q", "")
    try:
        limit = max(1, min(100, int(request.query_params.get("limit", "20"))))
    except ValueError:
        raise HttpError(400, "limit must be an integer") from None
    if len(query) > 200:
        raise HttpError(400, "the search text is longer than 200 characters")
    hits = service.graph.search(query, limit=limit)
    if chosen_format(request, [("application/json", "json"), ("text/html", "html")]) == "html":
        return HTMLResponse(pages.search_page(service.graph, query, hits))
    return JSONResponse({"query": query, "hits": hits})


async def neighbourhood(request: Request) -> Response:
    service: GraphService = request.app.state.service
    try:
        limit = max(1, min(1000, int(request.query_params.get("limit", "200"))))
    except ValueError:
        raise HttpError(400, "limit must be an integer") from None
    try:
        return JSONResponse(service.graph.neighbourhood(request.path_params["key"], limit=limit))
    except KeyError:
        raise HttpError(404, f"no entity '{request.path_params['key'][:80]}' in the graph") from None


# ---------------------------------------------------------------- pages, static files, health

async def explorer(request: Request) -> Response:
    return HTMLResponse(pages.explorer_page())


async def query_page(request: Request) -> Response:
    return HTMLResponse(pages.query_page())


STATIC_TYPES = {".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8"}


async def static(request: Request) -> Response:
    name = request.path_params["name"]
    if name == "vis-network.js":
        from ..page.render import vis_network_js

        body = vis_network_js()
    else:
        path = STATIC / name
        if "/" in name or path.suffix not in STATIC_TYPES or not path.is_file():
            raise HttpError(404, "no such file")
        body = path.read_text(encoding="utf-8")
    return Response(body, media_type=STATIC_TYPES[Path(name).suffix], headers={"Cache-Control": "max-age=300"})


async def health(request: Request) -> Response:
    service: GraphService = request.app.state.service
    graph = service.graph
    return JSONResponse({"status": "ok", **graph.summary(), "workers": service.pool.size,
                         "worker_restarts": service.pool.restarts, "answers": dict(service.pool.answers),
                         "loaded_at": round(graph.loaded_at, 3),
                         "reloads": service.reloads, "last_reload_error": service.last_reload_error,
                         "cypher": "off" if not service.config.cypher else "ready" if service._cypher_ready else (
                             "unavailable" if service._cypher_error else "loading"),
                         "cypher_processes": service._cypher.size if service._cypher else 0,
                         "cypher_ready_processes": service._cypher.ready if service._cypher else 0,
                         "cypher_kills": service._cypher.kills if service._cypher else 0,
                         "timeout": service.config.timeout, "max_rows": service.config.max_rows})


# ---------------------------------------------------------------- middleware

async def _http_error(request: Request, exc: HttpError) -> Response:
    return error_response(exc.status, exc.message, exc.headers)


async def _starlette_http_error(request: Request, exc) -> Response:
    from starlette.exceptions import HTTPException

    if isinstance(exc, HTTPException):
        detail = {404: "no such page", 405: f"method {request.method} not allowed here"}.get(exc.status_code,
                                                                                              str(exc.detail))
        return error_response(exc.status_code, detail, dict(exc.headers or {}))
    return error_response(500, "internal error")


async def _internal_error(request: Request, exc: Exception) -> Response:
    log.exception("internal error on %s %s", request.method, request.url.path)
    return error_response(500, f"internal error ({type(exc).__name__}); see the server log")


# ---------------------------------------------------------------- the app

async def _watch(service: GraphService) -> None:
    """--reload: poll the inputs' sizes and times; load the new data beside the old, then swap."""
    while True:
        await asyncio.sleep(service.config.reload_interval)
        try:
            current = await run_in_threadpool(signature, service.config.paths)
        except Exception:  # noqa: BLE001 - a folder being rewritten: try again later
            continue
        if current == service.graph.signature:
            continue
        log.info("the data changed: reloading")
        try:
            await run_in_threadpool(service.load)
        except GraphkitError as exc:
            service.last_reload_error = " ".join(str(exc).split())[:500]
            service.graph.signature = current  # do not retry until the files change again
            log.error("reload failed, still serving the previous data: %s", service.last_reload_error)
            continue
        service.reloads += 1
        service.last_reload_error = None


def create_app(config: ServeConfig, service: GraphService | None = None) -> Starlette:
    """The ASGI app. The data is loaded when the app starts (lifespan), not here, unless a
    loaded `service` is given."""
    from starlette.exceptions import HTTPException
    from starlette.middleware import Middleware

    owned = service is None
    service = service or GraphService(config)

    @contextlib.asynccontextmanager
    async def lifespan(app):
        import anyio.to_thread

        # requests waiting for a worker each hold a thread of the pool (blocked, idle): enough
        # threads that those waiting in line never keep a fast-lane request from starting
        limiter = anyio.to_thread.current_default_thread_limiter()
        limiter.total_tokens = max(limiter.total_tokens, 200)
        if not service.loaded:
            await run_in_threadpool(service.load)
        app.state.service = service
        loop = asyncio.get_running_loop()
        if config.cypher:
            loop.run_in_executor(None, service.warm_cypher)
        watcher = asyncio.create_task(_watch(service)) if config.reload else None
        try:
            yield
        finally:
            if watcher is not None:
                watcher.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await watcher
            if owned:
                service.close()

    routes = [
        Route("/", explorer),
        Route("/query", query_page),
        Route("/sparql", sparql_endpoint, methods=["GET", "POST"]),
        Route("/queries", pack_list),
        Route("/queries/{name}", pack_run, methods=["GET", "POST"]),
        Route("/cypher", cypher_endpoint, methods=["POST"]),
        Route("/cypher/queries", cypher_pack_list),
        Route("/entity/{key:path}", entity_resource),
        Route("/source/{key:path}", source_resource),
        Route("/statement/{key:path}", statement_resource),
        Route("/search", search),
        Route("/api/neighbourhood/{key:path}", neighbourhood),
        Route("/health", health),
        Route("/static/{name}", static),
    ]
    middleware = [Middleware(LimitsMiddleware, max_body=config.max_body)]
    if config.cors_origins:
        from starlette.middleware.cors import CORSMiddleware

        middleware.insert(0, Middleware(CORSMiddleware, allow_origins=config.cors_origins,
                                        allow_methods=["GET", "POST"], allow_headers=["Content-Type", "Accept"]))
    handlers: dict[Any, Any] = {HttpError: _http_error, HTTPException: _starlette_http_error,
                                Exception: _internal_error}
    app = Starlette(routes=routes, middleware=middleware, lifespan=lifespan, exception_handlers=handlers)
    if service.loaded:
        app.state.service = service
    return app


def run_server(config: ServeConfig, *, host: str = "127.0.0.1", port: int = 8000, access_log: bool = True,
               log_level: str = "info", on_ready: Any = None) -> None:
    """Load the data, then serve until SIGINT/SIGTERM (in-flight requests finish first)."""
    import uvicorn

    if not log.handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(levelname)s:     %(message)s"))
        log.addHandler(handler)
        log.setLevel(logging.INFO)
    app = create_app(config)
    uvicorn.run(app, host=host, port=port, access_log=access_log, log_level=log_level,
                timeout_graceful_shutdown=max(5, int(config.timeout) + 5), server_header=False,
                proxy_headers=False)
