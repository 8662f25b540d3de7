"""graphkit: a knowledge graph of the AI industry, authored as YAML, published as RDF,
property graph, Cypher and an interactive page.

The names below are imported lazily, so `import graphkit` (and the CLI's start-up) stays fast.
"""
from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

__version__ = "0.2.0"

# public name -> module that defines it
_EXPORTS = {
    "BuildResult": "graphkit.api",
    "Entity": "graphkit.model",
    "GraphkitError": "graphkit.errors",
    "KnowledgeGraph": "graphkit.model",
    "Problem": "graphkit.errors",
    "STATUSES": "graphkit.model",
    "Source": "graphkit.model",
    "Statement": "graphkit.model",
    "ValidationError": "graphkit.errors",
    "build": "graphkit.api",
    "build_rdf": "graphkit.rdf",
    "check": "graphkit.api",
    "export": "graphkit.api",
    "load": "graphkit.api",
    "load_ontology": "graphkit.ontology",
    "load_turtle": "graphkit.rdf",
    "load_yaml": "graphkit.loader",
    "open_store": "graphkit.store",
    "render_page": "graphkit.page",
    "show": "graphkit.page",
    "run_cypher": "graphkit.cypher",
    "run_sparql": "graphkit.sparql",
    "serialize": "graphkit.exports",
    "validate": "graphkit.api",
    "write_page": "graphkit.page",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str):
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'graphkit' has no attribute '{name}'")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__():
    return sorted(set(globals()) | set(__all__))


if TYPE_CHECKING:  # pragma: no cover
    # For type checkers and editors: the same names, imported eagerly (`name as name` marks a re-export).
    from .api import (
        BuildResult as BuildResult,
        build as build,
        check as check,
        export as export,
        load as load,
        validate as validate,
    )
    from .cypher import run_cypher as run_cypher
    from .errors import GraphkitError as GraphkitError, Problem as Problem, ValidationError as ValidationError
    from .exports import serialize as serialize
    from .loader import load_yaml as load_yaml
    from .model import (
        STATUSES as STATUSES,
        Entity as Entity,
        KnowledgeGraph as KnowledgeGraph,
        Source as Source,
        Statement as Statement,
    )
    from .ontology import load_ontology as load_ontology
    from .page import render_page as render_page, show as show, write_page as write_page
    from .rdf import build_rdf as build_rdf, load_turtle as load_turtle
    from .sparql import run_sparql as run_sparql
    from .store import open_store as open_store
