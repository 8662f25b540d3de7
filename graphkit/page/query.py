"""Render what a query returns: SPARQL CONSTRUCT/DESCRIBE/SELECT or Cypher -> a subgraph.

- SPARQL: every entity IRI `<base>entity/<id>` in the answer becomes a node, every statement
  IRI `<base>statement/<id>` a relationship, and an asserted triple `e:a gk:rel e:b` the
  (non-denied) facts it stands for, in either direction for symmetric relations.
- Cypher: every node (properties["id"]) and relationship (properties["statement_id"]) in the
  rows, also inside lists, maps and paths.
The ends of every relationship are always shown.
"""
from __future__ import annotations

import re
from typing import Any

from ..errors import QueryError
from ..model import KnowledgeGraph, Statement
from ..ontology import Ontology, load_ontology
from ..rdf import DEFAULT_BASE_IRI, IRIs
from .select import subgraph

QUERY_LANGUAGES = ("sparql", "cypher")

_SPARQL_START = {"PREFIX", "BASE", "SELECT", "CONSTRUCT", "DESCRIBE", "ASK"}
_CYPHER_START = {"MATCH", "OPTIONAL", "WITH", "UNWIND", "CALL", "RETURN", "USE"}
_COMMENT = re.compile(r"^\s*(#|//)[^\n]*$", re.MULTILINE)


def detect_query_language(query: str) -> str:
    """'sparql' or 'cypher' from the first keyword (comments skipped); GraphkitError if unclear."""
    text = _COMMENT.sub("", query).lstrip()
    match = re.match(r"[A-Za-z]+", text)
    word = match.group(0).upper() if match else ""
    if word in _SPARQL_START:
        return "sparql"
    if word in _CYPHER_START:
        return "cypher"
    raise QueryError("cannot tell whether the query is SPARQL or Cypher (it should start with "
                        "PREFIX/CONSTRUCT/SELECT... or MATCH/WITH/UNWIND...): pass --query-lang")


def query_subgraph(graph: KnowledgeGraph, query: str, *, language: str | None = None,
                   base_iri: str = DEFAULT_BASE_IRI, ontology: Ontology | None = None) -> KnowledgeGraph:
    """The entities and facts a query returns, as a graph ready for render_page."""
    ontology = ontology or load_ontology()
    language = (language or detect_query_language(query)).lower()
    if language not in QUERY_LANGUAGES:
        raise ValueError(f"unknown query language '{language}' (known: {', '.join(QUERY_LANGUAGES)})")
    if language == "sparql":
        entity_ids, statements = _from_sparql(graph, query, base_iri, ontology)
    else:
        entity_ids, statements = _from_cypher(graph, query)
    return subgraph(graph, entity_ids, statements)


def _from_sparql(graph: KnowledgeGraph, query: str, base_iri: str,
                 ontology: Ontology) -> tuple[set[str], list[Statement]]:
    from ..sparql import run_sparql

    result = run_sparql(query, graph, base_iri=base_iri)
    iris = IRIs(base_iri)
    entity_prefix, statement_prefix = iris.entity(""), iris.statement("")
    by_id = {st.id: st for st in graph.statements}
    asserted: dict[tuple[str, str, str], list[Statement]] = {}
    for st in graph.statements:
        if st.status == "denied":  # denied facts have no asserted triple in the RDF
            continue
        iri = ontology.relations[st.relation].iri
        asserted.setdefault((st.subject, iri, st.object), []).append(st)
        if ontology.relations[st.relation].symmetric:
            asserted.setdefault((st.object, iri, st.subject), []).append(st)

    entity_ids: set[str] = set()
    statements: dict[str, Statement] = {}

    def entity_of(term) -> str | None:
        text = str(term) if term is not None else ""
        if text.startswith(entity_prefix):
            entity_id = text[len(entity_prefix):]
            if entity_id in graph.entities:
                return entity_id
        return None

    def visit(term) -> None:
        text = str(term) if term is not None else ""
        entity_id = entity_of(term)
        if entity_id:
            entity_ids.add(entity_id)
        elif text.startswith(statement_prefix) and text[len(statement_prefix):] in by_id:
            statements[text[len(statement_prefix):]] = by_id[text[len(statement_prefix):]]

    if result.kind == "graph":
        for s, p, o in result.graph:
            subject, obj = entity_of(s), entity_of(o)
            if subject and obj:
                for st in asserted.get((subject, str(p), obj), ()):
                    statements[st.id] = st
            for term in (s, o):
                visit(term)
    elif result.kind == "select":
        for row in result.rows:
            for term in row:
                visit(term)
    else:
        raise QueryError("an ASK query returns no graph to render: use CONSTRUCT (or SELECT)")
    return entity_ids, list(statements.values())


def _from_cypher(graph: KnowledgeGraph, query: str) -> tuple[set[str], list[Statement]]:
    from ..cypher import GraphNode, GraphPath, GraphRelationship, run_cypher

    result = run_cypher(query, graph=graph)
    by_id = {st.id: st for st in graph.statements}
    entity_ids: set[str] = set()
    statements: dict[str, Statement] = {}

    def walk(value: Any) -> None:
        if isinstance(value, GraphNode):
            node_id = value.properties.get("id")
            if node_id in graph.entities:  # source nodes are shown in the panels, not as nodes
                entity_ids.add(node_id)
        elif isinstance(value, GraphRelationship):
            statement_id = value.properties.get("statement_id")
            if statement_id in by_id:
                statements[statement_id] = by_id[statement_id]
        elif isinstance(value, GraphPath):
            for item in (*value.nodes, *value.relationships):
                walk(item)
        elif isinstance(value, dict):
            for item in value.values():
                walk(item)
        elif isinstance(value, (list, tuple)):
            for item in value:
                walk(item)

    for row in result.rows:
        walk(row)
    return entity_ids, list(statements.values())
