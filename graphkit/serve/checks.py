"""What the server checks before it answers: formats offered and chosen (content negotiation,
`?format=`, file suffixes), forms, the query guard (read-only, no SERVICE, size), and the
one-line error answers with their HTTP status."""
from __future__ import annotations

from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response

from ..errors import FalkorDBError, GraphkitError, QueryTimeout, ResourceLimitError, TooManyRows
from ..worker import QueryOutOfMemory, WorkerCrashed, WorkersBusy
from .cypher_pool import CyphersBusy
from .negotiate import negotiate

SELECT_OFFERS = [("application/sparql-results+json", "json"), ("application/json", "json"),
                 ("application/sparql-results+xml", "xml"), ("application/xml", "xml"), ("text/xml", "xml"),
                 ("text/csv", "csv"), ("text/tab-separated-values", "tsv"), ("text/plain", "tsv")]
GRAPH_OFFERS = [("text/turtle", "turtle"), ("application/x-turtle", "turtle"),
                ("application/n-triples", "ntriples"), ("text/plain", "ntriples"),
                ("application/ld+json", "jsonld"), ("application/json", "jsonld"),
                ("application/rdf+xml", "rdfxml")]
PAGE_OFFERS = [("text/html", "html"), ("application/xhtml+xml", "html")] + GRAPH_OFFERS
FORMAT_ALIASES = {"json": "json", "xml": "xml", "csv": "csv", "tsv": "tsv", "turtle": "turtle", "ttl": "turtle",
                  "ntriples": "ntriples", "nt": "ntriples", "jsonld": "jsonld", "json-ld": "jsonld",
                  "rdfxml": "rdfxml", "rdf": "rdfxml", "html": "html"}
SUFFIXES = {".ttl": "turtle", ".nt": "ntriples", ".jsonld": "jsonld", ".rdf": "rdfxml", ".html": "html"}
UPDATE_KEYWORDS = {"INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY", "WITH"}
HTML_CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
            "base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
MAX_QUERY_CHARS = 100_000


class HttpError(Exception):
    """An answer with a status and a one-line message."""

    def __init__(self, status: int, message: str, headers: dict | None = None):
        super().__init__(message)
        self.status = status
        self.message = " ".join(str(message).split())
        self.headers = headers or {}


def error_response(status: int, message: str, headers: dict | None = None) -> Response:
    return PlainTextResponse(f"error: {' '.join(message.split())}\n", status_code=status, headers=headers)


def status_of(exc: GraphkitError) -> tuple[int, dict]:
    if isinstance(exc, (WorkersBusy, CyphersBusy)):
        return 503, {"Retry-After": "5"}
    if isinstance(exc, (QueryTimeout, QueryOutOfMemory)):
        return 503, {}
    if isinstance(exc, TooManyRows):
        return 422, {}
    if isinstance(exc, ResourceLimitError):
        return 503, {}
    if isinstance(exc, (WorkerCrashed, FalkorDBError)):
        return 500, {}
    return 400, {}


def chosen_format(request: Request, offers, *, suffix: str | None = None) -> str:
    explicit = suffix or request.query_params.get("format")
    if explicit:
        name = FORMAT_ALIASES.get(explicit.lower())
        if name is None or name not in {n for _, n in offers}:
            raise HttpError(400, f"unknown format '{explicit[:40]}' (known: {', '.join(sorted({n for _, n in offers}))})")
        return name
    name = negotiate(request.headers.get("accept"), offers)
    if name is None:
        kinds = ", ".join(dict.fromkeys(m for m, _ in offers))
        raise HttpError(406, f"cannot answer in the requested types (Accept: {request.headers.get('accept', '')[:100]}); "
                             f"available: {kinds}")
    return name


async def read_form(request: Request) -> dict[str, list[str]]:
    """An application/x-www-form-urlencoded body (parsed here: no multipart dependency)."""
    from urllib.parse import parse_qs

    body = await request.body()
    try:
        return parse_qs(body.decode("utf-8"), keep_blank_values=True, strict_parsing=False, max_num_fields=1000)
    except UnicodeDecodeError:
        raise HttpError(400, "the form is not valid UTF-8") from None
    except ValueError as exc:
        raise HttpError(400, f"malformed form: {exc}") from None


def query_keywords(query: str) -> list[str]:
    from .. import sparql

    return sparql._keywords(query)


def check_query(query: str) -> str:
    """The query form ('select', 'ask', 'graph'), or HttpError: update 403, SERVICE 403, malformed 400."""
    from .. import sparql

    if not query.strip():
        raise HttpError(400, "empty query")
    if len(query) > MAX_QUERY_CHARS:
        raise HttpError(413, f"the query is longer than {MAX_QUERY_CHARS:,} characters")
    if sparql.uses_service(query):
        raise HttpError(403, "SERVICE clauses are refused: this endpoint never makes network calls")
    try:
        return sparql.query_form(query)
    except GraphkitError:
        words = [w for w in query_keywords(query) if w not in ("PREFIX", "BASE")]
        if words and words[0] in UPDATE_KEYWORDS:
            raise HttpError(403, "this endpoint is read-only: SPARQL updates are refused") from None
        raise HttpError(400, "not a SPARQL query: no SELECT, ASK, CONSTRUCT or DESCRIBE found") from None


def split_suffix(key: str) -> tuple[str, str | None]:
    for suffix, fmt in SUFFIXES.items():
        if key.endswith(suffix):
            return key[: -len(suffix)], fmt
    return key, None


class LimitsMiddleware:
    """Request-size limits, errors as one-line answers, security headers on every answer."""

    def __init__(self, app, max_body: int, max_url: int = 16_384):
        self.app = app
        self.max_body = max_body
        self.max_url = max_url

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        if len(scope.get("query_string", b"")) + len(scope.get("raw_path", b"") or b"") > self.max_url:
            return await error_response(414, f"the URL is longer than {self.max_url:,} bytes")(scope, receive, send)
        headers = dict(scope.get("headers") or [])
        length = headers.get(b"content-length")
        if length is not None:
            try:
                too_big = int(length) > self.max_body
            except ValueError:
                return await error_response(400, "bad Content-Length")(scope, receive, send)
            if too_big:
                return await error_response(413, f"the request body is larger than {self.max_body:,} bytes")(
                    scope, receive, send)
        received = 0

        async def limited_receive():
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_body:
                    raise HttpError(413, f"the request body is larger than {self.max_body:,} bytes")
            return message

        async def send_with_headers(message):
            if message["type"] == "http.response.start":
                extra = [(b"x-content-type-options", b"nosniff"), (b"referrer-policy", b"no-referrer")]
                content_type = dict(message.get("headers") or []).get(b"content-type", b"")
                if content_type.startswith(b"text/html"):
                    extra += [(b"content-security-policy", HTML_CSP.encode()), (b"x-frame-options", b"DENY")]
                message = {**message, "headers": list(message.get("headers") or []) + extra}
            await send(message)

        try:
            await self.app(scope, limited_receive, send_with_headers)
        except HttpError as exc:
            await error_response(exc.status, exc.message, exc.headers)(scope, receive, send_with_headers)
