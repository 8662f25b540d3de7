"""RDF terms in answers, whichever library made them, and their text forms.

The embedded engine answers with pyoxigraph terms and keeps them (building an rdflib object per
term cost most of a query's time); rdflib terms still come from rdflib's own stores, from remote
JSON answers and from library callers. Every function here takes either kind, checking for
pyoxigraph first so that answers of the embedded engine never import rdflib.

- `nt(term)`: N-Triples syntax (escaped by Oxigraph), for VALUES blocks and TSV;
- `json_term(term)` / `term_from_json(value)`: the SPARQL 1.1 Query Results JSON codecs;
- `compact(term, prefixes)`: the short form tables show (e:apple, "Apple Group"@fr);
- `csv_value(term)`: the plain value SPARQL CSV writes;
- `to_rdflib(term)`: the rdflib term (xsd:string literals as plain Literal("x"): the same term in
  RDF 1.1, so answers compare equal whatever the engine).
"""
from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import pyoxigraph as ox

from .._compat import from_ox, to_ox

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
_LOCAL_NAME = re.compile(r"[\w.\-]*[\w\-]")


def is_oxigraph_term(term: Any) -> bool:
    return isinstance(term, (ox.NamedNode, ox.BlankNode, ox.Literal, ox.Triple))


def as_oxigraph(term: Any):
    """The pyoxigraph form of a term (unchanged if it is one already)."""
    return term if is_oxigraph_term(term) else to_ox(term)


def parts(term: Any) -> tuple[str, str, str | None, str | None]:
    """(kind, value, language, datatype IRI) with kind 'uri', 'bnode' or 'literal'; the datatype
    is None for plain (xsd:string) and language-tagged literals."""
    if isinstance(term, ox.NamedNode):
        return "uri", term.value, None, None
    if isinstance(term, ox.Literal):
        if term.language:
            return "literal", term.value, term.language, None
        datatype = term.datatype.value
        return "literal", term.value, None, None if datatype == XSD_STRING else datatype
    if isinstance(term, ox.BlankNode):
        return "bnode", term.value, None, None
    from rdflib import BNode, Literal, URIRef

    if isinstance(term, URIRef):
        return "uri", str(term), None, None
    if isinstance(term, Literal):
        typed: str | None = str(term.datatype) if term.datatype is not None and not term.language else None
        return "literal", str(term), term.language or None, None if typed == XSD_STRING else typed
    if isinstance(term, BNode):
        return "bnode", str(term), None, None
    raise TypeError(f"not an RDF term: {term!r}")


_OX_TERMS = frozenset({ox.NamedNode, ox.Literal, ox.BlankNode, ox.Triple})
_VALUE_IS_CELL = frozenset({ox.NamedNode, ox.Literal})  # their CSV cell is their value


def nt(term: Any) -> str:
    """A term in N-Triples syntax (escaped by Oxigraph)."""
    return str(term) if type(term) in _OX_TERMS else str(as_oxigraph(term))


def json_term(term: Any) -> dict:
    kind, value, language, datatype = parts(term)
    out = {"type": kind, "value": value}
    if language:
        out["xml:lang"] = language
    elif datatype:
        out["datatype"] = datatype
    return out


def term_from_json(value: dict | None):
    """An rdflib term from one binding of SPARQL results JSON (None for unbound)."""
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


def csv_value(term: Any) -> str:
    if term is None:
        return ""
    if type(term) in _VALUE_IS_CELL:
        return term.value
    kind, value, _, _ = parts(term)
    return "_:" + value if kind == "bnode" else value


class Compactor:
    """compact() with the prefixes sorted once: longest namespace first."""

    def __init__(self, prefixes: Mapping[str, str]):
        self.namespaces = sorted(((ns, p) for p, ns in prefixes.items()), key=lambda pair: -len(pair[0]))
        self.cache: dict[str, str] = {}

    def __call__(self, term: Any) -> str:
        if term is None:
            return ""
        kind = type(term)
        if kind is ox.NamedNode:  # the common cases first, without parts()
            value = term.value
            found = self.cache.get(value)
            return found if found is not None else self._iri(value)
        if kind is ox.Literal:
            language = term.language
            return f"{term.value}@{language}" if language else term.value
        part_kind, value, language, _ = parts(term)
        if part_kind == "literal":
            return f"{value}@{language}" if language else value
        if part_kind == "bnode":
            return "_:" + value
        found = self.cache.get(value)
        return found if found is not None else self._iri(value)

    def _iri(self, value: str) -> str:
        found = f"<{value}>"
        for namespace, prefix in self.namespaces:
            if value.startswith(namespace) and _LOCAL_NAME.fullmatch(value, len(namespace)):
                found = f"{prefix}:{value[len(namespace):]}"
                break
        if len(self.cache) < 100_000:
            self.cache[value] = found
        return found


def compact(term: Any, prefixes: Mapping[str, str]) -> str:
    """A short, readable form of a term for tables: e:apple, "Apple Group"@fr, 2025-02."""
    return Compactor(prefixes)(term)


def to_rdflib(term: Any):
    """The rdflib form of a term (None stays None); xsd:string literals become plain."""
    if term is None:
        return None
    if is_oxigraph_term(term):
        if isinstance(term, ox.Literal) and not term.language and term.datatype.value == XSD_STRING:
            from rdflib import Literal

            return Literal(term.value)
        return from_ox(term)
    return plain(term)


def plain(term: Any):
    """An rdflib xsd:string literal as rdflib's plain Literal("x")."""
    from rdflib import Literal

    if isinstance(term, Literal) and term.datatype is not None and str(term.datatype) == XSD_STRING:
        return Literal(str(term))
    return term
