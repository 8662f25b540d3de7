"""Private internals of dependencies are used in graphkit/_compat.py only (an upgrade of rdflib,
oxrdflib or pyoxigraph then touches one file), and what it offers works."""
from __future__ import annotations

import ast
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph, Literal, URIRef

from graphkit import _compat
from graphkit.rdf import new_rdflib_graph

PACKAGE = Path(__file__).resolve().parents[1] / "graphkit"
DEPENDENCIES = ("rdflib", "oxrdflib", "pyoxigraph")
# private attributes of dependency objects that graphkit has needed (store._inner...)
PRIVATE_ATTRIBUTES = {"_inner", "_converter", "_namespace_for_prefix"}


def private_uses(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] in DEPENDENCIES:
            if any(part.startswith("_") for part in node.module.split(".")) or \
                    any(alias.name.startswith("_") for alias in node.names):
                found.append(f"{path.name}:{node.lineno}: from {node.module} import ...")
        elif isinstance(node, ast.Import):
            for alias in node.names:
                parts = alias.name.split(".")
                if parts[0] in DEPENDENCIES and any(p.startswith("_") for p in parts):
                    found.append(f"{path.name}:{node.lineno}: import {alias.name}")
        elif isinstance(node, ast.Attribute) and node.attr in PRIVATE_ATTRIBUTES:
            found.append(f"{path.name}:{node.lineno}: .{node.attr}")
    return found


def test_only_compat_touches_private_internals():
    offenders = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if path != PACKAGE / "_compat.py":
            offenders += private_uses(path)
    assert offenders == []
    assert private_uses(PACKAGE / "_compat.py"), "the scan finds nothing even where the internals are used"


def test_compat_converts_terms_and_reaches_the_store():
    for term in (URIRef("https://example.org/a"), Literal("x", lang="fr"), Literal(3)):
        assert _compat.from_ox(_compat.to_ox(term)) == term
    graph = new_rdflib_graph()
    store = _compat.oxigraph_store(graph)
    assert isinstance(store, ox.Store) and _compat.is_oxigraph_graph(graph)
    store.add(ox.Quad(ox.NamedNode("https://example.org/a"), ox.NamedNode("https://example.org/p"), ox.Literal("x"),
                      ox.DefaultGraph()))
    assert len(graph) == 1  # the rdflib Graph sees what was added to its store
    assert _compat.oxigraph_query_graph(graph) == {"default_graph": ox.DefaultGraph()}
    assert _compat.oxigraph_store(Graph()) is None and not _compat.is_oxigraph_graph(Graph())
