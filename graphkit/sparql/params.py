"""Query parameters: text given by the user -> validated RDF terms.

A query declares its parameters in its header (`# param NAME: TYPE = DEFAULT -- help`, see
graphkit.pack); values arrive as text (--param NAME=VALUE) or as RDF terms. Entities are
checked against the data, IRIs validated by Oxigraph, literals typed; the terms are then bound
in a VALUES block (graphkit.sparql.text.inject_values), never pasted into the query as strings.
"""
from __future__ import annotations

import re
import sys
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import pyoxigraph as ox

from ..errors import QueryError
from ..iri import iri_problem
from ..model import ID_PATTERN
from ..pack import Param, parse_header as parse_pack_header
from ..rdf import DEFAULT_BASE_IRI, IRIs, data_prefixes
from .terms import as_oxigraph, is_oxigraph_term, to_rdflib
from .text import per_text, query_variables

if TYPE_CHECKING:  # pragma: no cover
    from ..model import KnowledgeGraph

XSD_INTEGER = "http://www.w3.org/2001/XMLSchema#integer"


@per_text
def parse_header(text: str, origin: str = "query") -> tuple[str, tuple[Param, ...]]:
    """The description (first `# ` line) and the `# param` declarations of a SPARQL query."""
    return parse_pack_header(text, origin, comment="#", variables=query_variables)


def check_iri(iri: str, what: str) -> str:
    """`iri` if it is a valid absolute IRI, else GraphkitError("<what>: '<iri>' is not ...")."""
    problem = iri_problem(iri)
    if problem:
        raise QueryError(f"{what}: '{iri}' is {problem}")
    return iri


def _is_term(value: Any) -> bool:
    if is_oxigraph_term(value):
        return True
    rdflib_terms = sys.modules.get("rdflib.term")  # an rdflib term exists only if rdflib is loaded
    return rdflib_terms is not None and isinstance(value, rdflib_terms.Identifier)


def _guess_type(text: str, prefixes: Mapping[str, str]) -> str:
    if text.startswith("<") and text.endswith(">"):
        return "iri"
    if ":" in text and text.split(":", 1)[0] in prefixes:
        return "iri"
    if re.fullmatch(r"[+-]?\d+", text):
        return "integer"
    return "string"


def _expand_iri(name: str, text: str, prefixes: Mapping[str, str]) -> str:
    if text.startswith("<") and text.endswith(">"):
        iri = text[1:-1]
    elif ":" in text and text.split(":", 1)[0] in prefixes:
        prefix, local = text.split(":", 1)
        iri = prefixes[prefix] + local
    else:
        iri = text
    problem = iri_problem(iri)
    if problem:
        known = " or a known prefixed name" if problem == "not an absolute IRI" else ""
        raise QueryError(f"parameter {name}: '{text}' is {problem}{known}")
    return iri


def term_for(param: Param | None, name: str, value: Any, base_iri: str, prefixes: Mapping[str, str],
             kg: KnowledgeGraph | None = None):
    """The pyoxigraph term for a parameter value given as text (or already a term)."""
    if _is_term(value):
        return as_oxigraph(value)
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise QueryError(f"parameter {name}: unsupported value {value!r}")
    text = str(value)
    kind = param.type if param else _guess_type(text, prefixes)
    if kind == "entity":
        entity_id = text
        if kg is not None and text not in kg.entities:
            found = kg.find(text)
            if found is None:
                raise QueryError(f"parameter {name}: no entity '{text}' in the data")
            entity_id = found.id
        if not ID_PATTERN.match(entity_id):
            raise QueryError(f"parameter {name}: '{text}' is not an entity id "
                                "(lowercase letters, digits, '.', '_' and '-')")
        return ox.NamedNode(IRIs(base_iri).entity(entity_id))
    if kind == "iri":
        return ox.NamedNode(_expand_iri(name, text, prefixes))
    if kind == "integer":
        try:
            return ox.Literal(str(int(text)), datatype=ox.NamedNode(XSD_INTEGER))
        except ValueError:
            raise QueryError(f"parameter {name}: '{text}' is not an integer") from None
    return ox.Literal(text)


def resolve_bindings(query: str, params: Mapping[str, Any] | None, *, base_iri: str = DEFAULT_BASE_IRI,
                     prefixes: Mapping[str, str] | None = None, kg: KnowledgeGraph | None = None,
                     origin: str = "query") -> dict[str, Any]:
    """Variable name -> pyoxigraph term: declared defaults, overridden by `params` (text or terms)."""
    prefixes = prefixes or data_prefixes(base_iri)
    _, declared = parse_header(query, origin)
    by_name = {p.name: p for p in declared}
    params = dict(params or {})
    variables = query_variables(query)
    unknown = sorted(n for n in params if n not in by_name and n not in variables)
    if unknown:
        raise QueryError(f"parameter {', '.join(unknown)} is not a variable of the query")
    bindings = {}
    for name in sorted(set(by_name) | set(params)):
        value = params.get(name, by_name[name].default if name in by_name else None)
        if value is None:
            raise QueryError(f"parameter {name} needs a value: --param {name}=...")
        bindings[name] = term_for(by_name.get(name), name, value, base_iri, prefixes, kg)
    return bindings


def resolve_params(query: str, params: Mapping[str, Any] | None, *, base_iri: str = DEFAULT_BASE_IRI,
                   prefixes: Mapping[str, str] | None = None, kg: KnowledgeGraph | None = None,
                   origin: str = "query") -> dict[str, Any]:
    """Variable name -> rdflib term (resolve_bindings, as rdflib terms)."""
    bindings = resolve_bindings(query, params, base_iri=base_iri, prefixes=prefixes, kg=kg, origin=origin)
    return {name: to_rdflib(term) for name, term in bindings.items()}
