"""`graphkit serve`: the graph as a read-only web service.

A SPARQL 1.1 Protocol endpoint and a Cypher endpoint (queries run in killable workers with a
timeout, a row cap and a memory cap), Linked Data pages for every entity, source and statement,
search, the explorer and the query page. See docs/serve.md.

Starlette and uvicorn are an optional extra (`pip install graphkit[serve]`): this package
imports them only when an app is created.
"""
from __future__ import annotations

from .data import ServedGraph, open_served, signature

__all__ = ["ServeConfig", "ServedGraph", "create_app", "open_served", "run_server", "signature"]


def __getattr__(name: str):
    if name in ("ServeConfig", "create_app", "run_server", "GraphService"):
        try:
            from . import app
        except ModuleNotFoundError as exc:
            if exc.name in ("starlette", "uvicorn"):
                from ..errors import GraphkitError

                raise GraphkitError("graphkit serve needs Starlette and uvicorn: pip install 'graphkit[serve]'") from None
            raise
        return getattr(app, name)
    raise AttributeError(name)
