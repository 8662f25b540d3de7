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
    "render_page": "graphkit.page",
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
    from .api import BuildResult, build, check, export, load, validate
    from .errors import GraphkitError, Problem, ValidationError
    from .exports import serialize
    from .loader import load_yaml
    from .model import STATUSES, Entity, KnowledgeGraph, Source, Statement
    from .ontology import load_ontology
    from .rdf import build_rdf, load_turtle
