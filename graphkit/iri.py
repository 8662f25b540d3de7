"""IRI validation, written once: is a text an absolute IRI, and is it an http(s) URL that every
export can write.

Oxigraph's IRI parser (RFC 3987) decides validity; the loader (source URLs, `uri` attributes),
the page and the served pages (which URLs become links), query parameters and the named graphs
of a SPARQL request all ask here.
"""
from __future__ import annotations

import re

import pyoxigraph

#: RFC 3986 scheme: a letter, then letters, digits, `+`, `-` or `.`, then `:`.
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:")
#: Characters an IRI may not hold unescaped in Turtle, N-Triples, HTML attributes or Cypher text.
_NEEDS_ESCAPING = frozenset(' <>"{}|\\^`\n\t')
#: Longer URLs are refused (a source URL is a citation, not a document).
MAX_URL_LENGTH = 4000


def iri_problem(iri: str) -> str | None:
    """Why `iri` is not a valid absolute IRI, or None if it is one.

    "not an absolute IRI" when it has no scheme (a relative reference, a bare word), else
    "not an IRI (<Oxigraph's reason>)" for what Oxigraph's parser refuses.
    """
    if not _SCHEME.match(iri):
        return "not an absolute IRI"
    try:
        pyoxigraph.NamedNode(iri)
    except ValueError as exc:
        return f"not an IRI ({exc})"
    return None


def is_http_url(text: str) -> bool:
    """An absolute http(s) URL that every export can write: a valid IRI, scheme `http` or
    `https` (lower case), at most MAX_URL_LENGTH characters, nothing that needs escaping."""
    if not text.startswith(("http://", "https://")) or len(text) > MAX_URL_LENGTH:
        return False
    if not _NEEDS_ESCAPING.isdisjoint(text):
        return False
    return iri_problem(text) is None
