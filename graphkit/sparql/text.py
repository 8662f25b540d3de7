"""Query text: a small SPARQL lexer and what graphkit does with it.

Enough of the grammar to find keywords outside IRIs, strings and comments: the SERVICE guard,
the query form, declared prefixes and variables, the prefixes graphkit predeclares, VALUES
injection for parameters, and locating a syntax error in the user's own text.
"""
from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

from ..errors import SparqlSyntaxError
from .terms import nt

__all__ = ["SparqlSyntaxError", "declared_prefixes", "inject_values", "keywords", "locate_syntax_error", "query_form",
           "query_variables", "syntax_message", "unescape_codepoints", "uses_service", "where", "with_prefixes"]


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


_CACHED_TEXT = 100_000  # characters: longer queries are analysed again rather than kept
_T = TypeVar("_T")


def per_text(func: Callable[..., _T]) -> Callable[..., _T]:
    """Remember what a pure function of a query text answers: a query is read by several checks
    (SERVICE, form, variables, prefixes, VALUES placement) and a pack query is run again and
    again, so each text is analysed once, not once per check and run."""
    cached = functools.lru_cache(maxsize=256)(func)

    @functools.wraps(func)
    def wrapper(query: str, *args: Any) -> _T:
        return func(query, *args) if len(query) > _CACHED_TEXT else cached(query, *args)
    return wrapper


@per_text
def _tokens(query: str) -> tuple[_Token, ...]:
    """The tokens of a query, spaces and comments left out."""
    return tuple(_Token(match.lastgroup or "other", match.group(), match.start())
                 for match in _TOKEN.finditer(query) if match.lastgroup not in ("space", "comment"))


def unescape_codepoints(query: str) -> str:
    """SPARQL 1.1 §19.2 lets \\uXXXX escapes appear anywhere; rdflib expands them before parsing."""
    def replace(match: re.Match) -> str:
        try:
            return chr(int(match.group(1) or match.group(2), 16))
        except (ValueError, OverflowError):
            return match.group()
    return _UNICODE_ESCAPE.sub(replace, query)


@per_text
def keywords(query: str) -> tuple[str, ...]:
    """The keywords (and other bare words) of a query, upper case, in order."""
    return tuple(t.text.upper() for t in _tokens(query) if t.kind == "word")


@per_text
def uses_service(query: str) -> bool:
    """True if the query has a SERVICE clause (checked on the raw and the unescaped text).

    Conservative by design: a false alarm only asks the user for --allow-service, a miss would
    let the embedded engine make network calls.
    """
    texts = {query, unescape_codepoints(query)}
    return any("SERVICE" in keywords(text) for text in texts)


def query_form(query: str) -> str:
    """'select', 'ask' or 'graph' (CONSTRUCT/DESCRIBE), from the first query-form keyword."""
    for keyword in keywords(query):
        if keyword in _QUERY_FORMS:
            return _QUERY_FORMS[keyword]
    raise SparqlSyntaxError("not a SPARQL query: no SELECT, ASK, CONSTRUCT or DESCRIBE found "
                            "(updates are not run by graphkit sparql)")


@per_text
def declared_prefixes(query: str) -> frozenset[str]:
    tokens = _tokens(query)
    return frozenset(tokens[i + 1].text[:-1] for i, t in enumerate(tokens[:-1])
                     if t.kind == "word" and t.text.upper() == "PREFIX" and tokens[i + 1].kind == "pname"
                     and tokens[i + 1].text.endswith(":"))


@per_text
def query_variables(query: str) -> frozenset[str]:
    return frozenset(t.text[1:] for t in _tokens(query) if t.kind == "var")


def with_prefixes(query: str, prefixes: Mapping[str, str]) -> str:
    """Add the PREFIX declarations the query lacks in front of its first token, on the same line
    (after any leading comments), so line numbers in a server's error messages stay right."""
    declared = declared_prefixes(query)
    missing = {p: ns for p, ns in prefixes.items() if p not in declared}
    if not missing:
        return query
    head = " ".join(f"PREFIX {p}: <{ns}>" for p, ns in sorted(missing.items()))
    first = next(iter(_tokens(query)), None)
    at = first.start if first is not None else len(query)
    return query[:at] + head + " " + query[at:]


def inject_values(query: str, bindings: Mapping[str, Any]) -> str:
    """Bind variables: a VALUES block of serialized RDF terms, placed first in the WHERE group
    of the query and of every sub-select that mentions them (a parameter means one value
    everywhere, like SEP-0007 substitution; engines then start from the bound values), or after
    the query when its group cannot take one.

    The terms are written by Oxigraph's N-Triples serializer (IRIs validated, literals escaped),
    so a value can never change the shape of the query.
    """
    if not bindings:
        return query
    terms = {name: nt(term) for name, term in bindings.items()}

    def block(names: Iterable[str]) -> str:
        ordered = sorted(names)
        return (f"VALUES ({' '.join('?' + n for n in ordered)}) "
                f"{{ ({' '.join(terms[n] for n in ordered)}) }}")

    inserts, outer_done = _values_plan(query, frozenset(terms))
    for position, names in reversed(inserts):
        query = query[:position] + " " + block(names) + " " + query[position:]
    if not outer_done:
        query += "\n" + block(terms)
    return query


@per_text
def _values_plan(query: str, bound: frozenset[str]) -> tuple[tuple[tuple[int, frozenset[str]], ...], bool]:
    """Where inject_values puts VALUES blocks for the variables `bound`: (offset, names) in
    text order, and whether the outer query's group got one."""
    tokens = _tokens(query)
    closing: dict[int, int] = {}  # index of "{" -> index of its "}"
    opened: list[int] = []
    for i, token in enumerate(tokens):
        if token.kind == "other" and token.text == "{":
            opened.append(i)
        elif token.kind == "other" and token.text == "}" and opened:
            closing[opened.pop()] = i
    inserts: list[tuple[int, frozenset[str]]] = []
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
                    names = bound if outer else bound & mentioned
                    nxt = tokens[i + 1].text.upper() if i + 1 < len(tokens) else ""
                    if names and nxt != "SELECT":  # a sub-select must stay alone in its group
                        inserts.append((token.start + 1, frozenset(names)))
                        outer_done = outer_done or outer
            depth += 1
        elif token.kind == "other" and token.text == "}":
            depth -= 1
    return tuple(inserts), outer_done


def where(origin: str) -> str:
    """'origin: ' in front of a message, or nothing."""
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


def syntax_message(exc: Exception, origin: str, query: str) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    located = locate_syntax_error(query)
    if located:
        line, column, found = located
        return f"{where(origin)}SPARQL syntax error at line {line}, column {column}: {found}"
    match = re.match(r"error at (\d+):(\d+):\s*(.*)", text)  # Oxigraph
    if match:
        return (f"{where(origin)}SPARQL syntax error at line {match.group(1)}, column {match.group(2)}: "
                f"{match.group(3)}")
    return f"{where(origin)}SPARQL syntax error: {text}"
