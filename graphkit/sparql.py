"""SPARQL: the embedded store, remote SPARQL 1.1 servers, the question pack and pushes.

- `run_sparql(query, graph)` answers a query on the embedded store (rdflib on Oxigraph, built
  from a KnowledgeGraph or given as an rdflib Graph); `run_sparql(query, endpoint=URL)` sends it
  to a server with the SPARQL 1.1 Protocol. Both return a `SparqlResult` with formatters.
- The question pack lives in queries/*.rq: first line `# <description>`, then optional
  `# param NAME: TYPE = DEFAULT -- help` lines. Parameter values become RDF terms (validated
  IRIs, escaped literals) placed in a VALUES block by Oxigraph's serializer, never pasted as
  strings.
- `push_graph(...)` replaces a named graph on a server with the Graph Store HTTP Protocol (PUT the
  first chunk, POST the others), then checks the server's triple count.

The embedded engine never touches the network: SERVICE clauses are refused unless the caller
passes allow_service=True. This module never imports click.
"""
from __future__ import annotations

import csv
import io
import json
import os
import re
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Mapping

from .errors import GraphkitError
from .model import ID_PATTERN, KnowledgeGraph
from .rdf import DEFAULT_BASE_IRI, STANDARD_PREFIXES, IRIs, data_prefixes

DEFAULT_TIMEOUT = 60.0  # seconds, for every HTTP request to a server
DEFAULT_CHUNK_SIZE = 50_000  # triples per Graph Store request
XSD_INTEGER = "http://www.w3.org/2001/XMLSchema#integer"
XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
FORMATS = ("table", "csv", "tsv", "json", "turtle")


class SparqlSyntaxError(GraphkitError):
    """A query the parser rejects; the message names the line and column."""


class RemoteError(GraphkitError):
    """A server could not be reached, refused the request or answered something unexpected."""


# ---------------------------------------------------------------- lexical view of a query
# A small SPARQL lexer: enough to find keywords outside IRIs, strings and comments, which is
# what the SERVICE guard, the query-form detection and the VALUES injection need.

_PN_LOCAL_ESC = r"%[0-9A-Fa-f]{2}|\\[_~.\-!$&'()*+,;=/?#@%]"
_TOKEN = re.compile(
    r"""(?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
      | (?P<string>\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"|'''(?:[^'\\]|\\.|'(?!''))*'''
                   |"(?:[^"\\\n\r]|\\.)*"|'(?:[^'\\\n\r]|\\.)*')
      | (?P<comment>\#[^\n\r]*)
      | (?P<var>[?$][\w\u00B7-\uFFFF]+)
      | (?P<pname>(?:[A-Za-z\u00C0-\uFFFF](?:[\w.\-\u00B7-\uFFFF]*[\w\-\u00B7-\uFFFF])?)?:
                  (?:(?:[\w:\u00C0-\uFFFF]|""" + _PN_LOCAL_ESC + r""")
                     (?:(?:[\w.:\-\u00B7-\uFFFF]|""" + _PN_LOCAL_ESC + r""")*
                        (?:[\w:\-\u00B7-\uFFFF]|""" + _PN_LOCAL_ESC + r"""))?)?)
      | (?P<word>[A-Za-z_][A-Za-z0-9_]*)
      | (?P<space>\s+)
      | (?P<other>.)""",
    re.VERBOSE | re.DOTALL)

_UNICODE_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
_QUERY_FORMS = {"SELECT": "select", "ASK": "ask", "CONSTRUCT": "graph", "DESCRIBE": "graph"}


@dataclass(frozen=True)
class _Token:
    kind: str
    text: str
    start: int


def _tokens(query: str) -> Iterator[_Token]:
    for match in _TOKEN.finditer(query):
        kind = match.lastgroup
        if kind not in ("space", "comment"):
            yield _Token(kind, match.group(), match.start())


def _unescape_codepoints(query: str) -> str:
    """SPARQL 1.1 §19.2 lets \\uXXXX escapes appear anywhere; rdflib expands them before parsing."""
    def replace(match: re.Match) -> str:
        try:
            return chr(int(match.group(1) or match.group(2), 16))
        except (ValueError, OverflowError):
            return match.group()
    return _UNICODE_ESCAPE.sub(replace, query)


def _keywords(query: str) -> list[str]:
    return [t.text.upper() for t in _tokens(query) if t.kind == "word"]


def uses_service(query: str) -> bool:
    """True if the query has a SERVICE clause (checked on the raw and the unescaped text).

    Conservative by design: a false alarm only asks the user for --allow-service, a miss would
    let the embedded engine make network calls.
    """
    texts = {query, _unescape_codepoints(query)}
    return any("SERVICE" in _keywords(text) for text in texts)


def query_form(query: str) -> str:
    """'select', 'ask' or 'graph' (CONSTRUCT/DESCRIBE), from the first query-form keyword."""
    for keyword in _keywords(query):
        if keyword in _QUERY_FORMS:
            return _QUERY_FORMS[keyword]
    raise SparqlSyntaxError("not a SPARQL query: no SELECT, ASK, CONSTRUCT or DESCRIBE found "
                            "(updates are not run by graphkit sparql)")


def declared_prefixes(query: str) -> set[str]:
    tokens = list(_tokens(query))
    return {tokens[i + 1].text[:-1] for i, t in enumerate(tokens[:-1])
            if t.kind == "word" and t.text.upper() == "PREFIX" and tokens[i + 1].kind == "pname"
            and tokens[i + 1].text.endswith(":")}


def query_variables(query: str) -> set[str]:
    return {t.text[1:] for t in _tokens(query) if t.kind == "var"}


def _with_prefixes(query: str, prefixes: Mapping[str, str]) -> str:
    """Add the PREFIX declarations the query lacks in front of its first token, on the same line
    (after any leading comments), so line numbers in a server's error messages stay right."""
    missing = {p: ns for p, ns in prefixes.items() if p not in declared_prefixes(query)}
    if not missing:
        return query
    head = " ".join(f"PREFIX {p}: <{ns}>" for p, ns in sorted(missing.items()))
    first = next(_tokens(query), None)
    at = first.start if first is not None else len(query)
    return query[:at] + head + " " + query[at:]


def _inject_values(query: str, bindings: Mapping[str, Any]) -> str:
    """Bind variables: a VALUES block of serialized RDF terms, placed first in the WHERE group
    of the query and of every sub-select that mentions them (a parameter means one value
    everywhere, like SEP-0007 substitution; engines then start from the bound values), or after
    the query when its group cannot take one.

    The terms are written by Oxigraph's N-Triples serializer (IRIs validated, literals escaped),
    so a value can never change the shape of the query.
    """
    if not bindings:
        return query
    from oxrdflib._converter import to_ox

    terms = {name: str(to_ox(term)) for name, term in bindings.items()}

    def block(names) -> str:
        names = sorted(names)
        return (f"VALUES ({' '.join('?' + n for n in names)}) "
                f"{{ ({' '.join(terms[n] for n in names)}) }}")

    tokens = list(_tokens(query))
    closing: dict[int, int] = {}  # index of "{" -> index of its "}"
    opened: list[int] = []
    for i, token in enumerate(tokens):
        if token.kind == "other" and token.text == "{":
            opened.append(i)
        elif token.kind == "other" and token.text == "}" and opened:
            closing[opened.pop()] = i
    inserts: list[tuple[int, str]] = []
    outer_seen = outer_done = False
    depth = 0
    pending: list[tuple[int, int, str]] = []  # (depth, token index, form) of queries awaiting their group
    for i, token in enumerate(tokens):
        upper = token.text.upper() if token.kind == "word" else ""
        if upper in _QUERY_FORMS and depth == 0 and not outer_seen:
            outer_seen = True
            pending.append((depth, i, upper))
        elif upper == "SELECT" and depth > 0:  # a sub-select
            pending.append((depth, i, upper))
        if token.kind == "other" and token.text == "{":
            if pending and pending[-1][0] == depth:
                form_depth, form_index, form = pending[-1]
                previous = tokens[i - 1].text.upper() if i else ""
                if previous == "WHERE" or form in ("SELECT", "ASK"):
                    pending.pop()
                    outer = form_depth == 0
                    mentioned = {t.text[1:] for t in tokens[form_index:closing.get(i, len(tokens))] if t.kind == "var"}
                    names = set(terms) if outer else set(terms) & mentioned
                    nxt = tokens[i + 1].text.upper() if i + 1 < len(tokens) else ""
                    if names and nxt != "SELECT":  # a sub-select must stay alone in its group
                        inserts.append((token.start + 1, " " + block(names) + " "))
                        outer_done = outer_done or outer
            depth += 1
        elif token.kind == "other" and token.text == "}":
            depth -= 1
    for position, text in sorted(inserts, reverse=True):
        query = query[:position] + text + query[position:]
    if not outer_done:
        query += "\n" + block(terms)
    return query


# ---------------------------------------------------------------- parameters and the pack

PARAM_TYPES = ("entity", "iri", "string", "integer")
_PARAM_LINE = re.compile(
    r"^#\s*param\s+(?P<name>[A-Za-z_]\w*)\s*:\s*(?P<type>\w+)\s*(?:=\s*(?P<default>.*?))?\s*(?:--\s*(?P<help>.*?))?\s*$")


@dataclass(frozen=True)
class Param:
    """A query variable the user may bind with --param NAME=VALUE."""

    name: str
    type: str  # one of PARAM_TYPES
    default: str | None = None
    help: str = ""


@dataclass(frozen=True)
class PackQuery:
    name: str
    description: str
    text: str
    path: Path
    params: tuple[Param, ...] = ()

    @property
    def form(self) -> str:
        return query_form(self.text)


def parse_header(text: str, origin: str = "query") -> tuple[str, tuple[Param, ...]]:
    """The description (first `# ` line) and the `# param` declarations of a query."""
    origin = origin or "query"
    description, params = "", []
    for number, line in enumerate(text.splitlines(), 1):
        stripped = line.strip()
        if not stripped.startswith("#"):
            if stripped:
                break
            continue
        if re.match(r"^#\s*param\b", stripped):
            match = _PARAM_LINE.match(stripped)
            if not match or match.group("type") not in PARAM_TYPES:
                raise GraphkitError(f"{origin}:{number}: bad parameter declaration (expected "
                                    f"'# param NAME: {'|'.join(PARAM_TYPES)} = DEFAULT -- help')")
            params.append(Param(match.group("name"), match.group("type"), match.group("default") or None,
                                match.group("help") or ""))
        elif not description:
            description = stripped.lstrip("#").strip()
    names = [p.name for p in params]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise GraphkitError(f"{origin}: parameter declared twice: {', '.join(duplicates)}")
    missing = sorted(set(names) - query_variables(text))
    if missing:
        raise GraphkitError(f"{origin}: declared parameter is not a variable of the query: {', '.join(missing)}")
    return description, tuple(params)


def pack_dir() -> Path:
    """queries/ shipped inside the wheel, or at the top of a source checkout."""
    packaged = Path(__file__).parent / "_queries"
    return packaged if packaged.is_dir() else Path(__file__).parent.parent / "queries"


def _load_pack() -> dict[str, PackQuery]:
    pack = {}
    for path in sorted(pack_dir().glob("*.rq"), key=lambda p: p.stem):
        text = path.read_text(encoding="utf-8")
        description, params = parse_header(text, str(path))
        pack[path.stem] = PackQuery(path.stem, description, text, path, params)
    return pack


_PACK: dict[str, PackQuery] | None = None


def list_queries() -> list[PackQuery]:
    """The question pack, sorted by name."""
    global _PACK
    if _PACK is None:
        _PACK = _load_pack()
    return list(_PACK.values())


def load_query(name: str) -> PackQuery:
    """A query of the pack by name (file name without .rq)."""
    pack = {q.name: q for q in list_queries()}
    if name not in pack:
        raise GraphkitError(f"no query named '{name}' in the pack (see graphkit sparql --list)")
    return pack[name]


def __getattr__(name: str):
    if name == "PACK":  # loaded on first use: name -> PackQuery
        return {q.name: q for q in list_queries()}
    raise AttributeError(name)


def _term_for(param: Param | None, name: str, value: Any, base_iri: str, prefixes: Mapping[str, str],
              kg: KnowledgeGraph | None):
    """An rdflib term for a parameter value given as text (or already a term)."""
    from rdflib import Literal, URIRef
    from rdflib.term import Identifier

    if isinstance(value, Identifier):
        return value
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise GraphkitError(f"parameter {name}: unsupported value {value!r}")
    text = str(value)
    kind = param.type if param else _guess_type(text, prefixes)
    if kind == "entity":
        entity_id = text
        if kg is not None and text not in kg.entities:
            found = kg.find(text)
            if found is None:
                raise GraphkitError(f"parameter {name}: no entity '{text}' in the data")
            entity_id = found.id
        if not ID_PATTERN.match(entity_id):
            raise GraphkitError(f"parameter {name}: '{text}' is not an entity id "
                                "(lowercase letters, digits, '.', '_' and '-')")
        return URIRef(IRIs(base_iri).entity(entity_id))
    if kind == "iri":
        return URIRef(_expand_iri(name, text, prefixes))
    if kind == "integer":
        try:
            return Literal(int(text))
        except ValueError:
            raise GraphkitError(f"parameter {name}: '{text}' is not an integer") from None
    return Literal(text)


def _guess_type(text: str, prefixes: Mapping[str, str]) -> str:
    if text.startswith("<") and text.endswith(">"):
        return "iri"
    if ":" in text and text.split(":", 1)[0] in prefixes:
        return "iri"
    if re.fullmatch(r"[+-]?\d+", text):
        return "integer"
    return "string"


def _expand_iri(name: str, text: str, prefixes: Mapping[str, str]) -> str:
    import pyoxigraph as ox

    if text.startswith("<") and text.endswith(">"):
        iri = text[1:-1]
    elif ":" in text and text.split(":", 1)[0] in prefixes:
        prefix, local = text.split(":", 1)
        iri = prefixes[prefix] + local
    else:
        iri = text
    try:
        ox.NamedNode(iri)
    except ValueError as exc:
        raise GraphkitError(f"parameter {name}: '{text}' is not an IRI ({exc})") from None
    if not re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:", iri):
        raise GraphkitError(f"parameter {name}: '{text}' is not an absolute IRI or a known prefixed name")
    return iri


def resolve_params(query: str, params: Mapping[str, Any] | None, *, base_iri: str = DEFAULT_BASE_IRI,
                   prefixes: Mapping[str, str] | None = None, kg: KnowledgeGraph | None = None,
                   origin: str = "query") -> dict[str, Any]:
    """Variable name -> rdflib term: declared defaults, overridden by `params` (text or terms)."""
    prefixes = prefixes or data_prefixes(base_iri)
    _, declared = parse_header(query, origin)
    by_name = {p.name: p for p in declared}
    params = dict(params or {})
    variables = query_variables(query)
    unknown = sorted(n for n in params if n not in by_name and n not in variables)
    if unknown:
        raise GraphkitError(f"parameter {', '.join(unknown)} is not a variable of the query")
    bindings = {}
    for name in sorted(set(by_name) | set(params)):
        value = params.get(name, by_name[name].default if name in by_name else None)
        if value is None:
            raise GraphkitError(f"parameter {name} needs a value: --param {name}=...")
        bindings[name] = _term_for(by_name.get(name), name, value, base_iri, prefixes, kg)
    return bindings


# ---------------------------------------------------------------- results

def _nt(term) -> str:
    """A term in N-Triples syntax (escaped by Oxigraph)."""
    from oxrdflib._converter import to_ox

    return str(to_ox(term))


def _json_term(term) -> dict:
    from rdflib import BNode, Literal, URIRef

    if isinstance(term, URIRef):
        return {"type": "uri", "value": str(term)}
    if isinstance(term, BNode):
        return {"type": "bnode", "value": str(term)}
    if isinstance(term, Literal):
        out = {"type": "literal", "value": str(term)}
        if term.language:
            out["xml:lang"] = term.language
        elif term.datatype is not None and str(term.datatype) != XSD_STRING:
            out["datatype"] = str(term.datatype)
        return out
    raise TypeError(f"not an RDF term: {term!r}")


def compact(term, prefixes: Mapping[str, str]) -> str:
    """A short, readable form of a term for tables: e:apple, "Apple Group"@fr, 2025-02."""
    from rdflib import BNode, Literal

    if term is None:
        return ""
    if isinstance(term, Literal):
        return f"{term}@{term.language}" if term.language else str(term)
    if isinstance(term, BNode):
        return f"_:{term}"
    iri = str(term)
    best = None
    for prefix, namespace in prefixes.items():
        if iri.startswith(namespace) and (best is None or len(namespace) > len(prefixes[best])):
            local = iri[len(namespace):]
            if local and re.fullmatch(r"[\w.\-]*[\w\-]", local):
                best = prefix
    return f"{best}:{iri[len(prefixes[best]):]}" if best is not None else f"<{iri}>"


@dataclass
class SparqlResult:
    """The answer to one query: rows (SELECT), a boolean (ASK) or a graph (CONSTRUCT/DESCRIBE)."""

    kind: str  # "select" | "ask" | "graph"
    variables: list[str] = field(default_factory=list)
    rows: list[tuple] = field(default_factory=list)  # tuples of rdflib terms or None (unbound)
    boolean: bool | None = None
    graph: Any = None  # rdflib.Graph for CONSTRUCT/DESCRIBE
    prefixes: dict[str, str] = field(default_factory=lambda: dict(STANDARD_PREFIXES))
    seconds: float = 0.0

    def __len__(self) -> int:
        if self.kind == "graph":
            return len(self.graph)
        return len(self.rows) if self.kind == "select" else 1

    def _require(self, *kinds: str, fmt: str) -> None:
        if self.kind not in kinds:
            what = {"select": "SELECT", "ask": "ASK", "graph": "CONSTRUCT/DESCRIBE"}[self.kind]
            raise GraphkitError(f"--format {fmt} does not apply to {what} results "
                                f"({'use turtle' if self.kind == 'graph' else 'use table, csv, tsv or json'})")

    def text_rows(self) -> list[tuple[str, ...]]:
        """Rows as compact strings (what the table shows)."""
        return [tuple(compact(v, self.prefixes) for v in row) for row in self.rows]

    def rich_table(self):
        """A rich Table of a SELECT answer, for terminals."""
        from rich.table import Table

        self._require("select", fmt="table")
        count = len(self.rows)
        table = Table(*self.variables, caption=f"{count} row{'s' if count != 1 else ''}")
        for row in self.text_rows():
            table.add_row(*row)
        return table

    def to_table(self, width: int = 200) -> str:
        """The table as plain text (no colours)."""
        from rich.console import Console

        if self.kind == "graph":
            return self.to_turtle()
        if self.kind == "ask":
            return ("true" if self.boolean else "false") + "\n"
        console = Console(file=io.StringIO(), width=width, color_system=None, force_terminal=False)
        console.print(self.rich_table())
        return console.file.getvalue()

    def to_csv(self) -> str:
        """SPARQL 1.1 Query Results CSV (plain values, CRLF line ends)."""
        self._require("select", "ask", fmt="csv")
        if self.kind == "ask":
            return ("true" if self.boolean else "false") + "\r\n"
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(self.variables)
        from rdflib import BNode

        for row in self.rows:
            writer.writerow(["" if v is None else (f"_:{v}" if isinstance(v, BNode) else str(v)) for v in row])
        return out.getvalue()

    def to_tsv(self) -> str:
        """SPARQL 1.1 Query Results TSV (terms in N-Triples syntax)."""
        self._require("select", "ask", fmt="tsv")
        if self.kind == "ask":
            return ("true" if self.boolean else "false") + "\n"
        lines = ["\t".join("?" + v for v in self.variables)]
        lines += ["\t".join("" if v is None else _nt(v) for v in row) for row in self.rows]
        return "\n".join(lines) + "\n"

    def to_json(self) -> str:
        """SPARQL 1.1 Query Results JSON."""
        self._require("select", "ask", fmt="json")
        if self.kind == "ask":
            document = {"head": {}, "boolean": bool(self.boolean)}
        else:
            document = {"head": {"vars": list(self.variables)},
                        "results": {"bindings": [{var: _json_term(value) for var, value in zip(self.variables, row)
                                                  if value is not None} for row in self.rows]}}
        return json.dumps(document, indent=2, ensure_ascii=False) + "\n"

    def to_turtle(self) -> str:
        """CONSTRUCT/DESCRIBE results as Turtle, triples sorted (same answer -> same bytes)."""
        import pyoxigraph as ox
        from oxrdflib._converter import to_ox

        self._require("graph", fmt="turtle")
        triples = sorted((ox.Triple(to_ox(s), to_ox(p), to_ox(o)) for s, p, o in self.graph), key=str)
        used = {}
        text = "\n".join(str(t) for t in triples)
        for prefix, namespace in sorted(self.prefixes.items()):
            if "<" + namespace in text:
                used[prefix] = namespace
        body = ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes=used) if triples else b""
        lines = body.decode("utf-8").split("\n")
        head = sorted(line for line in lines if line.startswith("@prefix "))
        rest = [line for line in lines if not line.startswith("@prefix ")]
        return "\n".join(head + ([""] if head else []) + rest).strip("\n") + "\n" if triples else ""

    def format(self, fmt: str) -> str:
        if fmt not in FORMATS:
            raise GraphkitError(f"unknown format '{fmt}' (known: {', '.join(FORMATS)})")
        if fmt == "turtle" or (fmt == "table" and self.kind == "graph"):
            return self.to_turtle()
        return getattr(self, f"to_{fmt}")()


# ---------------------------------------------------------------- the embedded store

def load_rdf_graph(path: str | os.PathLike, base_iri: str = DEFAULT_BASE_IRI):
    """Any RDF file (Turtle, N-Triples, TriG...) as an rdflib Graph on the Oxigraph store.

    Unlike graphkit.rdf.load_rdf_file this does not rebuild the model: foreign RDF is fine.
    """
    import pyoxigraph as ox

    from .rdf import RDF_FORMATS, new_rdflib_graph

    path = Path(path)
    fmt = RDF_FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise GraphkitError(f"{path}: unknown RDF file extension (known: {', '.join(RDF_FORMATS)})")
    graph = new_rdflib_graph()
    from rdflib import URIRef

    for prefix, namespace in data_prefixes(base_iri).items():
        graph.bind(prefix, URIRef(namespace))
    try:
        with path.open("rb") as handle:
            default = ox.DefaultGraph()
            # into the default graph: the graphs of a dataset file (TriG, N-Quads) are queried as one
            graph.store._inner.extend(ox.Quad(q.subject, q.predicate, q.object, default)
                                      for q in ox.parse(handle, fmt, base_iri=path.resolve().as_uri()))
    except OSError as exc:
        raise GraphkitError(f"{path}: cannot read: {exc.strerror or exc}") from None
    except SyntaxError as exc:
        raise GraphkitError(f"{path}: RDF syntax error: {exc}") from None
    return graph


def _where(origin: str) -> str:
    return f"{origin}: " if origin else ""


def locate_syntax_error(query: str) -> tuple[int, int, str] | None:
    """(line, column, what was found) of the first token the SPARQL grammar rejects, or None.

    Oxigraph reports the furthest position its parser looked at, which is often the end of the
    query; rdflib's parser stops at the token that breaks the grammar, so it is asked for the
    position when a query fails.
    """
    from rdflib.plugins.sparql.parser import parseQuery

    try:
        parseQuery(query)
    except Exception as exc:  # pyparsing's ParseException and friends
        line, column = getattr(exc, "lineno", None), getattr(exc, "col", None)
        if not line or not column:
            return None
        found = re.search(r"found (end of text|'[^']*')", str(exc))
        if found and found.group(1) == "end of text":
            return line, column, "unexpected end of query"
        return line, column, f"near {found.group(1)}" if found else "here"
    return None


def _syntax_message(exc: Exception, origin: str, query: str) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    located = locate_syntax_error(query)
    if located:
        line, column, found = located
        return f"{_where(origin)}SPARQL syntax error at line {line}, column {column}: {found}"
    match = re.match(r"error at (\d+):(\d+):\s*(.*)", text)  # Oxigraph
    if match:
        return (f"{_where(origin)}SPARQL syntax error at line {match.group(1)}, column {match.group(2)}: "
                f"{match.group(3)}")
    return f"{_where(origin)}SPARQL syntax error: {text}"


def _is_oxigraph(rdf_graph) -> bool:
    return type(rdf_graph.store).__name__ == "OxigraphStore"


def _query_text(query) -> tuple[str, str]:
    if isinstance(query, PackQuery):
        return query.text, str(query.path)
    if not isinstance(query, str):
        raise TypeError("query must be a string or a PackQuery")
    return query, ""


def run_sparql(query: str | PackQuery, graph=None, *, endpoint: str | None = None,
               default_graph: str | None = None, params: Mapping[str, Any] | None = None,
               timeout: float = DEFAULT_TIMEOUT, auth=None, allow_service: bool = False,
               base_iri: str = DEFAULT_BASE_IRI, origin: str | None = None) -> SparqlResult:
    """Answer a SPARQL query on `graph` (KnowledgeGraph or rdflib Graph) or on a server.

    params: variable -> value (text, converted per the query's `# param` declarations, or an
    rdflib term); declared defaults apply. Raises GraphkitError (SparqlSyntaxError, RemoteError)
    with a one-line message.
    """
    text, where = _query_text(query)
    origin = origin or where
    if endpoint is not None:
        if graph is not None:
            raise GraphkitError("give either a graph or an endpoint, not both")
        prefixes = data_prefixes(base_iri)
        bindings = resolve_params(text, params, base_iri=base_iri, prefixes=prefixes, origin=origin)
        return remote_query(text, endpoint, default_graph=default_graph, bindings=bindings,
                            timeout=timeout, auth=auth, prefixes=prefixes)
    if graph is None:
        raise GraphkitError("nothing to query: give a graph or an endpoint")
    if default_graph is not None:
        raise GraphkitError("a default graph (--graph) only applies to a remote endpoint")
    kg = graph if isinstance(graph, KnowledgeGraph) else None
    if kg is not None:
        from .rdf import build_rdf

        graph = build_rdf(kg, base_iri)
    prefixes = {str(p): str(ns) for p, ns in graph.namespaces()} or data_prefixes(base_iri)
    prefixes = {**data_prefixes(base_iri), **prefixes}
    if not allow_service and uses_service(text):
        raise GraphkitError(f"{_where(origin)}SERVICE clauses are refused on the embedded store (they make "
                            "network calls); pass --allow-service (allow_service=True) to run them")
    if not _is_oxigraph(graph) and "FROM" in _keywords(text):
        raise GraphkitError(f"{_where(origin)}FROM is refused on rdflib's in-memory store (it loads graphs "
                            "from the web)")
    bindings = resolve_params(text, params, base_iri=base_iri, prefixes=prefixes, kg=kg, origin=origin)
    if kg is None:
        for name, term in bindings.items():
            if str(term).startswith(IRIs(base_iri).entity("")) and (term, None, None) not in graph:
                raise GraphkitError(f"parameter {name}: no entity <{term}> in the data")
    form = query_form(text)
    start = time.perf_counter()
    try:
        # Parameters travel as a VALUES block of serialized terms, as on servers, rather than as
        # initBindings: Oxigraph plans a substituted constant badly (`chain` at 100k triples:
        # 0.8 s with substitutions, 5 ms with VALUES), and both stores then see the same query.
        result = graph.query(_inject_values(text, bindings), initNs=prefixes)
        out = _from_rdflib_result(result, form, prefixes)
    except SyntaxError as exc:
        raise SparqlSyntaxError(_syntax_message(exc, origin, text)) from None
    except GraphkitError:
        raise
    except Exception as exc:  # engine errors (Oxigraph: OSError/RuntimeError; rdflib: plain Exception)
        if type(exc).__name__ in ("ParseException", "ParseFatalException"):
            raise SparqlSyntaxError(_syntax_message(exc, origin, text)) from None
        message = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise GraphkitError(f"{_where(origin)}query failed: {message}") from None
    out.seconds = time.perf_counter() - start
    return out


def _from_rdflib_result(result, form: str, prefixes: Mapping[str, str]) -> SparqlResult:
    if result.type == "ASK":
        return SparqlResult("ask", boolean=bool(result.askAnswer), prefixes=dict(prefixes))
    if result.type in ("CONSTRUCT", "DESCRIBE"):
        return SparqlResult("graph", graph=_prefixed_graph(result.graph, prefixes), prefixes=dict(prefixes))
    variables = [str(v) for v in result.vars]
    rows = [tuple(_plain(binding.get(v)) for v in result.vars) for binding in result.bindings]
    return SparqlResult("select", variables, rows, prefixes=dict(prefixes))


def _plain(term):
    """xsd:string literals as rdflib's plain Literal("x") (the same term in RDF 1.1), so
    answers compare equal whatever the engine: Oxigraph's converter adds the datatype."""
    from rdflib import Literal

    if isinstance(term, Literal) and term.datatype is not None and str(term.datatype) == XSD_STRING:
        return Literal(str(term))
    return term


def _prefixed_graph(triples, prefixes: Mapping[str, str]):
    from rdflib import Graph, URIRef

    graph = Graph(bind_namespaces="none")
    for prefix, namespace in prefixes.items():
        graph.bind(prefix, URIRef(namespace))
    graph.addN((s, p, _plain(o), graph) for s, p, o in triples)
    return graph


# ---------------------------------------------------------------- remote servers (HTTP)

def make_auth(user: str | None, password: str | None, scheme: str = "basic"):
    """A requests auth object for Basic or Digest (Virtuoso's *-auth endpoints take Digest only)."""
    if not user and not password:
        return None
    if not user or password is None:
        raise GraphkitError("authentication needs both a user and a password "
                            "(--user/--password or GRAPHKIT_SPARQL_USER/GRAPHKIT_SPARQL_PASSWORD)")
    from requests.auth import HTTPBasicAuth, HTTPDigestAuth

    if scheme == "basic":
        return HTTPBasicAuth(user, password)
    if scheme == "digest":
        return HTTPDigestAuth(user, password)
    raise GraphkitError(f"unknown authentication scheme '{scheme}' (basic or digest)")


def _normalize_auth(auth):
    if isinstance(auth, tuple):
        return make_auth(auth[0], auth[1], auth[2] if len(auth) > 2 else "basic")
    return auth


def _secrets(auth) -> list[str]:
    secrets = [getattr(auth, "password", None), getattr(auth, "username", None)]
    return [s for s in secrets if isinstance(s, str) and len(s) >= 3]


def public_url(url: str) -> str:
    """The URL without user:password@ (never print credentials)."""
    from urllib.parse import urlsplit, urlunsplit

    parts = urlsplit(url)
    if "@" not in parts.netloc:
        return url
    return urlunsplit(parts._replace(netloc=parts.netloc.rsplit("@", 1)[1]))


def _redact(text: str, auth) -> str:
    for secret in _secrets(auth):
        text = text.replace(secret, "***")
    return text


def _check_url(url: str, what: str = "endpoint") -> str:
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise GraphkitError(f"{what} must be an http(s) URL, got '{public_url(url)}'")
    return url


def _server_message(response) -> str:
    """The useful line of an error page (Virtuoso answers HTML, Oxigraph plain text)."""
    text = response.text or ""
    if "<" in text and ">" in text:
        for tag in ("xmp", "pre", "h3", "title"):
            found = re.search(rf"<{tag}[^>]*>(.*?)</{tag}>", text, re.S | re.I)
            if found and found.group(1).strip():
                text = found.group(1)
                break
        text = re.sub(r"<[^>]+>", " ", text)
    text = text.split("SPARQL query:")[0]
    text = " ".join(text.split())
    return text[:300] + ("..." if len(text) > 300 else "")


def _http(session, method: str, url: str, *, what: str, timeout: float, auth=None, **kwargs):
    """One HTTP request; every failure becomes a one-line RemoteError without credentials."""
    import requests

    shown = public_url(url)
    try:
        # one timeout for connecting, sending and each read: a server busy replacing a big graph
        # may not read the next request body for a while
        response = session.request(method, url, timeout=timeout, **kwargs)
    except requests.exceptions.ConnectTimeout:
        raise RemoteError(f"cannot reach {shown}: connection timed out") from None
    except requests.exceptions.ReadTimeout:
        raise RemoteError(f"{shown} did not answer within {timeout:g} s ({what}); raise --timeout") from None
    except requests.exceptions.ConnectionError as exc:
        reason = "connection refused" if "refused" in str(exc).lower() else _redact(_short(exc), auth)
        raise RemoteError(f"cannot reach {shown}: {reason}") from None
    except requests.exceptions.RequestException as exc:
        raise RemoteError(f"{what} at {shown} failed: {_redact(_short(exc), auth)}") from None
    if response.status_code == 401:
        challenge = response.headers.get("WWW-Authenticate", "").split(" ", 1)[0].lower()
        ours = "digest" if type(auth).__name__ == "HTTPDigestAuth" else "basic"
        other = "basic" if ours == "digest" else "digest"
        if auth is None:
            hint = "; the server wants credentials (--user/--password)"
        elif challenge == other:
            hint = f"; the server asks for {other.capitalize()} authentication: use --auth {other}"
        elif not challenge:  # Virtuoso answers a Basic attempt on a Digest endpoint with no challenge
            hint = f"; check the user and password (or the scheme: --auth {other})"
        else:
            hint = "; check the user and password"
        raise RemoteError(f"{what} at {shown}: authentication failed (HTTP 401){hint}")
    if response.status_code >= 400:
        message = _redact(_server_message(response), auth)
        raise RemoteError(f"{what} at {shown} was refused (HTTP {response.status_code}"
                          f"{' ' + response.reason if response.reason else ''}){': ' + message if message else ''}")
    return response


def _short(exc: Exception) -> str:
    text = " ".join(str(exc).split())
    return text[:200]


def _session(auth, url: str):
    import requests
    from urllib.parse import urlsplit

    session = requests.Session()
    session.auth = auth
    # A server on this machine is reached directly, whatever HTTP(S)_PROXY says; others follow
    # the environment (proxies, CA bundles) like any requests client.
    session.trust_env = urlsplit(url).hostname not in ("127.0.0.1", "localhost", "::1")
    session.headers["User-Agent"] = "graphkit-sparql"
    return session


def remote_query(query: str, endpoint: str, *, default_graph: str | None = None,
                 bindings: Mapping[str, Any] | None = None, timeout: float = DEFAULT_TIMEOUT, auth=None,
                 prefixes: Mapping[str, str] | None = None, session=None) -> SparqlResult:
    """Send a query with the SPARQL 1.1 Protocol (URL-encoded POST) and parse the answer.

    default_graph goes in the protocol's default-graph-uri parameter, not into the query text.
    """
    _check_url(endpoint)
    auth = _normalize_auth(auth)
    prefixes = dict(prefixes or data_prefixes())
    form = query_form(query)
    text = _inject_values(_with_prefixes(query, prefixes), bindings or {})
    data = {"query": text}
    if default_graph:
        _check_iri(default_graph, "--graph")
        data["default-graph-uri"] = default_graph
    accept = ("application/sparql-results+json" if form != "graph"
              else "application/n-triples, text/turtle;q=0.9")
    session = session or _session(auth, endpoint)
    start = time.perf_counter()
    try:
        response = _http(session, "POST", endpoint, what="query", timeout=timeout, auth=auth, data=data,
                         headers={"Accept": accept})
    except RemoteError as exc:
        located = locate_syntax_error(query) if "(HTTP 400" in str(exc) else None
        if located:  # say where, in the user's own text (the server also saw the added prefixes)
            raise RemoteError(f"{exc} [line {located[0]}, column {located[1]}: {located[2]}]") from None
        raise
    result = _parse_remote(response, form, prefixes, endpoint)
    result.seconds = time.perf_counter() - start
    return result


def _check_iri(iri: str, what: str) -> str:
    import pyoxigraph as ox

    try:
        ox.NamedNode(iri)
    except ValueError as exc:
        raise GraphkitError(f"{what}: '{iri}' is not a valid IRI ({exc})") from None
    if not re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:", iri):
        raise GraphkitError(f"{what}: '{iri}' is not an absolute IRI")
    return iri


def _parse_remote(response, form: str, prefixes: Mapping[str, str], endpoint: str) -> SparqlResult:
    content_type = response.headers.get("Content-Type", "").split(";")[0].strip().lower()
    shown = public_url(endpoint)
    if form == "graph":
        import pyoxigraph as ox
        from oxrdflib._converter import from_ox

        fmt = ox.RdfFormat.from_media_type(content_type) if content_type else None
        if fmt is None:
            raise RemoteError(f"{shown} answered a CONSTRUCT/DESCRIBE with '{content_type}', not RDF")
        try:
            triples = list(ox.parse(response.content, fmt))
        except SyntaxError as exc:
            raise RemoteError(f"{shown} answered RDF that does not parse: {exc}") from None
        return SparqlResult("graph", graph=_prefixed_graph(
            ((from_ox(t.subject), from_ox(t.predicate), from_ox(t.object)) for t in triples), prefixes),
            prefixes=dict(prefixes))
    try:
        document = response.json()
    except ValueError:
        raise RemoteError(f"{shown} did not answer SPARQL results JSON (got '{content_type or 'nothing'}')") from None
    if "boolean" in document:
        return SparqlResult("ask", boolean=bool(document["boolean"]), prefixes=dict(prefixes))
    if form == "ask":
        # Virtuoso 7 answers ASK with a result set: one row {__ASK_RETVAL: 1} for true, none for false.
        try:
            rows = document["results"]["bindings"]
            answer = any(str(v.get("value")) not in ("0", "false") for row in rows for v in row.values())
        except (KeyError, TypeError, AttributeError):
            raise RemoteError(f"{shown} answered an ASK query without a boolean") from None
        return SparqlResult("ask", boolean=answer, prefixes=dict(prefixes))
    try:
        variables = list(document["head"]["vars"])
        rows = [tuple(_term_from_json(binding.get(v)) for v in variables)
                for binding in document["results"]["bindings"]]
    except (KeyError, TypeError, ValueError) as exc:
        raise RemoteError(f"{shown} answered malformed SPARQL results JSON ({exc})") from None
    return SparqlResult("select", variables, rows, prefixes=dict(prefixes))


def _term_from_json(value: dict | None):
    from rdflib import BNode, Literal, URIRef

    if value is None:
        return None
    kind = value["type"]
    if kind == "uri":
        return URIRef(value["value"])
    if kind == "bnode":
        return BNode(value["value"])
    if kind in ("literal", "typed-literal"):  # typed-literal: the 2008 format Virtuoso still answers
        if value.get("xml:lang"):
            return Literal(value["value"], lang=value["xml:lang"])
        datatype = value.get("datatype")
        if datatype and datatype != XSD_STRING:
            return Literal(value["value"], datatype=URIRef(datatype), normalize=False)
        return Literal(value["value"])
    raise ValueError(f"unknown term type '{kind}'")


# ---------------------------------------------------------------- push (Graph Store Protocol)

def graph_store_url(endpoint: str, authenticated: bool = False) -> str:
    """The Graph Store endpoint next to a query endpoint, for the layouts graphkit knows.

    Oxigraph server: /query -> /store. Virtuoso: /sparql -> /sparql-graph-crud (or
    /sparql-graph-crud-auth with credentials; /sparql-auth -> /sparql-graph-crud-auth).
    Fuseki: /<dataset>/sparql or /<dataset>/query -> /<dataset>/data. Otherwise pass it explicitly.
    """
    from urllib.parse import urlsplit, urlunsplit

    parts = urlsplit(endpoint)
    path = parts.path.rstrip("/")
    if path == "/query":
        new = "/store"
    elif path == "/sparql":
        new = "/sparql-graph-crud-auth" if authenticated else "/sparql-graph-crud"
    elif path == "/sparql-auth":
        new = "/sparql-graph-crud-auth"
    elif re.fullmatch(r"/[^/]+/(sparql|query)", path):
        new = path.rsplit("/", 1)[0] + "/data"
    else:
        raise GraphkitError(f"cannot tell the Graph Store endpoint of {public_url(endpoint)}: "
                            "give it with --store URL")
    return urlunsplit(parts._replace(path=new, query="", fragment=""))


@dataclass
class PushResult:
    graph_iri: str
    triples: int  # distinct triples sent
    chunks: int
    remote_count: int  # triples the server reports in the graph afterwards
    seconds: float


def count_triples(endpoint: str, graph_iri: str, *, auth=None, timeout: float = DEFAULT_TIMEOUT,
                  session=None) -> int:
    """Triples in a named graph on a server (the graph goes in default-graph-uri)."""
    result = remote_query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", endpoint, default_graph=graph_iri,
                          timeout=timeout, auth=auth, prefixes={}, session=session)
    try:
        return int(result.rows[0][0])
    except (IndexError, TypeError, ValueError):
        raise RemoteError(f"{public_url(endpoint)} did not answer a triple count for <{graph_iri}>") from None


def _ntriples_of(data, base_iri: str) -> list[str]:
    """Distinct N-Triples lines (without the final dot) of a KnowledgeGraph, an rdflib Graph or
    an iterable of pyoxigraph Triples."""
    import pyoxigraph as ox

    if isinstance(data, KnowledgeGraph):
        from .rdf import ntriples_lines

        lines = (line[:-2] for line in ntriples_lines(data, base_iri))  # drop " ."
    elif hasattr(data, "store") and _is_oxigraph(data):
        lines = (str(q.triple) for q in data.store._inner.quads_for_pattern(None, None, None, ox.DefaultGraph()))
    elif hasattr(data, "store") and hasattr(data, "triples"):
        from oxrdflib._converter import to_ox

        lines = (str(ox.Triple(to_ox(s), to_ox(p), to_ox(o))) for s, p, o in data)
    else:
        lines = (str(t) for t in data)
    return list(dict.fromkeys(lines))  # the same asserted triple can come from two statements


def _has_bnode(line: str) -> bool:
    # subject and predicate hold no spaces (IRIs or blank node labels); the object is the rest
    return line.startswith("_:") or line.split(" ", 2)[2].startswith("_:")


def _chunks(lines: list[str], size: int) -> list[list[str]]:
    """Fixed-size chunks; triples with blank nodes all go in the first one (a blank node label
    only names the same node within one request)."""
    with_bnodes = [line for line in lines if _has_bnode(line)]
    if with_bnodes:
        others = [line for line in lines if not _has_bnode(line)]
        first = with_bnodes + others[:max(0, size - len(with_bnodes))]
        rest = others[len(first) - len(with_bnodes):]
        return [first] + [rest[i:i + size] for i in range(0, len(rest), size)]
    return [lines[i:i + size] for i in range(0, len(lines), size)] or [[]]


def push_graph(data, endpoint: str, graph_iri: str, *, store_endpoint: str | None = None, auth=None,
               chunk_size: int = DEFAULT_CHUNK_SIZE, progress: Callable[[int, int], None] | None = None,
               timeout: float = DEFAULT_TIMEOUT, base_iri: str = DEFAULT_BASE_IRI) -> PushResult:
    """Replace the named graph `graph_iri` on a server with `data`, then verify the triple count.

    data: KnowledgeGraph, rdflib Graph or iterable of pyoxigraph Triples. The first chunk is PUT
    (replacing the graph), the following ones are POSTed (added). On failure the error says what
    the remote graph now holds. progress(sent, total) is called after each chunk.
    """
    _check_url(endpoint)
    _check_iri(graph_iri, "--graph")
    if chunk_size < 1:
        raise GraphkitError("chunk size must be at least 1")
    auth = _normalize_auth(auth)
    store = _check_url(store_endpoint, "--store") if store_endpoint else graph_store_url(endpoint, auth is not None)
    lines = _ntriples_of(data, base_iri)
    total = len(lines)
    chunks = _chunks(lines, chunk_size)
    session = _session(auth, endpoint)
    start = time.perf_counter()
    before = count_triples(endpoint, graph_iri, auth=auth, timeout=timeout, session=session)
    sent = 0
    for index, chunk in enumerate(chunks):
        body = ("".join(line + " .\n" for line in chunk)).encode("utf-8")
        method = "PUT" if index == 0 else "POST"
        try:
            # N-Triples is also Turtle: every Graph Store implementation parses text/turtle.
            _http(session, method, store, what=f"{method} of chunk {index + 1}/{len(chunks)}", timeout=timeout,
                  auth=auth, params={"graph": graph_iri}, data=body,
                  headers={"Content-Type": "text/turtle; charset=utf-8"})
        except RemoteError as exc:
            state = _remote_state(endpoint, graph_iri, auth, timeout, session, index, len(chunks), total, before)
            raise RemoteError(f"{exc}; {state}") from None
        sent += len(chunk)
        if progress is not None:
            progress(sent, total)
    after = count_triples(endpoint, graph_iri, auth=auth, timeout=timeout, session=session)
    if after != total:
        raise RemoteError(f"push to <{graph_iri}> at {public_url(store)} does not check out: the server holds "
                          f"{after} triples, {total} were sent (it dropped some, or another client wrote "
                          "to the graph meanwhile)")
    return PushResult(graph_iri, total, len(chunks), after, time.perf_counter() - start)


def _remote_state(endpoint, graph_iri, auth, timeout, session, index, n_chunks, total, before) -> str:
    """What the remote graph holds after a failed chunk, counted on the server when possible."""
    try:
        now = count_triples(endpoint, graph_iri, auth=auth, timeout=min(timeout, 30.0), session=session)
    except RemoteError as exc:
        return f"the state of remote graph <{graph_iri}> is unknown (counting failed: {exc})"
    if index == 0:
        if now == before:
            return f"remote graph <{graph_iri}> was not replaced (it still holds {now} triples)"
        return (f"remote graph <{graph_iri}> was damaged by the failed replace: it holds {now} triples "
                f"(before: {before}; expected {total}); push again")
    return (f"remote graph <{graph_iri}> now holds a partial copy: {index} of {n_chunks} chunks "
            f"({now} of {total} triples); push again to replace it")
