"""graphkit.open_store(): the compiled store as a Python object for notebooks and scripts.

    store = graphkit.open_store(["seed_data", "imports/epoch"])
    store.sparql("partners").to_df()
    store.cypher("MATCH (a:Company)-[r:PARTNERS_WITH]-(b) RETURN a.name, b.name").to_df()
    store.stats()["by_type"]
    store.path("apple", "alibaba")
    store.rank().to_df()

Every call checks freshness (one stat per YAML file) and rebuilds the store first when a file
changed, so answers never come from stale data. DataFrames need pandas (`pip install
graphkit[pandas]`).
"""
from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..errors import GraphkitError


def _pandas():
    try:
        import pandas
    except ImportError:
        raise GraphkitError("to_df() needs pandas: pip install 'graphkit[pandas]' (or pip install pandas)") from None
    return pandas


@dataclass
class Table:
    """Rows with named columns, convertible to a pandas DataFrame."""

    columns: list[str]
    rows: list[tuple] = field(default_factory=list)
    raw: Any = None  # the library's own result (SparqlResult, CypherResult, dict...)

    def __len__(self) -> int:
        return len(self.rows)

    def __iter__(self):
        return iter(self.rows)

    def records(self) -> list[dict[str, Any]]:
        return [dict(zip(self.columns, row, strict=True)) for row in self.rows]

    def to_df(self):
        """The rows as a pandas DataFrame (one column per variable or returned expression)."""
        return _pandas().DataFrame.from_records(list(self.rows), columns=list(self.columns))


_XSD = "http://www.w3.org/2001/XMLSchema#"
_NUMBERS = {_XSD + "integer": int, _XSD + "int": int, _XSD + "long": int, _XSD + "decimal": float,
            _XSD + "double": float, _XSD + "float": float}


def _sparql_value(term) -> Any:
    """An RDF term (pyoxigraph) as a plain Python value: IRIs and texts as strings, numbers and
    booleans as Python numbers and booleans, dates as their ISO text."""
    import pyoxigraph as ox

    if term is None:
        return None
    if isinstance(term, ox.Literal):
        datatype = term.datatype.value if term.datatype is not None else ""
        if datatype in _NUMBERS:
            try:
                return _NUMBERS[datatype](term.value)
            except ValueError:
                return term.value
        if datatype == _XSD + "boolean":
            return term.value in ("true", "1")
        return term.value
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    return getattr(term, "value", str(term))


def resolve_entity_params(query: str, params: Mapping[str, Any], store) -> dict[str, Any]:
    """Entity parameters given by name, label or alias ("Apple") -> their id, as graphkit.sparql
    does on a model; an unknown entity is a GraphkitError naming it.

    Only parameters the query declares as entities are touched; an id found in the RDF store
    passes without loading the model."""
    import pyoxigraph as ox

    from ..model import ID_PATTERN
    from ..rdf import IRIs
    from ..sparql import parse_header

    params = dict(params)
    _, declared = parse_header(query)
    iris = IRIs(store.base_iri)
    for param in declared:
        value = params.get(param.name)
        if param.type != "entity" or not isinstance(value, str):
            continue
        if ID_PATTERN.match(value) and next(iter(store.rdf_store().quads_for_pattern(
                ox.NamedNode(iris.entity(value)), None, None)), None) is not None:
            continue
        found = store.model().find(value)
        if found is None:
            raise GraphkitError(f"parameter {param.name}: no entity '{value}' in the data")
        params[param.name] = found.id
    return params


class StoreHandle:
    """The compiled store of some YAML data, rebuilt when the data changes."""

    def __init__(self, paths: Sequence[str | os.PathLike] | str | os.PathLike = "seed_data", *,
                 base_iri: str | None = None, cache_dir: str | os.PathLike | None = None):
        self.paths = [paths] if isinstance(paths, (str, os.PathLike)) else list(paths)
        self.base_iri = base_iri
        self.cache_dir = cache_dir
        self._store = None

    def store(self):
        """The fresh CompiledStore (rebuilt first if an input changed since the last call)."""
        from ..rdf import DEFAULT_BASE_IRI
        from .core import StoreLocation, ontology_digest
        from .ensure import ensure_store

        if self._store is not None:
            location = StoreLocation(self.paths, base_iri=self.base_iri or DEFAULT_BASE_IRI, cache_dir=self.cache_dir)
            if location.check(self._store.manifest, location.input_files(), ontology_digest()):
                self._store.close()
                self._store = None
        if self._store is None:
            self._store = ensure_store(self.paths, base_iri=self.base_iri, cache_dir=self.cache_dir)
        return self._store

    def model(self):
        return self.store().model()

    def sparql(self, query: str, **params) -> Table:
        """A SPARQL SELECT (or the name of a pack query) on the store; values as plain Python."""
        from .. import sparql as lib

        store = self.store()
        names = {q.name for q in lib.list_queries()}
        query_obj = lib.load_query(query) if query in names else query
        text = query_obj.text if hasattr(query_obj, "text") else query_obj
        params = resolve_entity_params(text, params, store)
        result = lib.run_sparql(query_obj, store.rdf_store(), params=params, base_iri=store.base_iri)
        if result.kind == "ask":
            return Table(["answer"], [(result.boolean,)], result)
        if result.kind == "graph":
            return Table(["subject", "predicate", "object"],
                         [(_sparql_value(t.subject), _sparql_value(t.predicate), _sparql_value(t.object))
                          for t in result.triples], result)
        return Table(list(result.variables), [tuple(_sparql_value(v) for v in row) for row in result.raw_rows],
                     result)

    def cypher(self, query: str, params: Mapping[str, Any] | None = None, **kwargs) -> Table:
        """A Cypher query (or the name of a pack query) on the embedded engine."""
        from ..cypher import PACK_NAME, pack_query, run_cypher

        values = dict(params or {}, **kwargs)
        if PACK_NAME.match(query):
            query, values = pack_query(query, values)
        result = run_cypher(query, values, graph=self.store())
        return Table(list(result.columns), [tuple(row) for row in result.rows], result)

    def stats(self) -> dict:
        """Counts by type, relation, status, source and publisher (graphkit.analysis.stats)."""
        from .. import analysis

        return analysis.stats(self.model())

    def path(self, start: str, end: str, *, limit: int = 1) -> Table:
        """Shortest paths between two entities: one row per fact on the way."""
        from .. import analysis

        found = analysis.paths(self.model(), start, end, limit=limit)
        rows = []
        for number, path in enumerate(found, 1):
            for hop, step in enumerate(path.hops, 1):
                for fact in step.facts:
                    rows.append((number, hop, fact.subject, fact.relation, fact.object, fact.status,
                                 [s["id"] for s in fact.sources], fact.statement_id))
        return Table(["path", "hop", "subject", "relation", "object", "status", "sources", "statement_id"],
                     rows, found)

    def rank(self, *, measure: str = "pagerank", top: int = 10, groups: tuple[str, ...] | None = None) -> Table:
        """The most central entities of each group (graphkit.analysis.rank), one row per entity."""
        from .. import analysis

        result = analysis.rank(self.model(), measure=measure, top=top, groups=groups or analysis.RANK_GROUPS)
        rows = [(group, row["rank"], row["id"], row["name"], row["type"], row["score"], row["facts"])
                for group, members in result["groups"].items() for row in members]
        return Table(["group", "rank", "id", "name", "type", "score", "facts"], rows, result)

    def close(self) -> None:
        if self._store is not None:
            self._store.close()
            self._store = None

    def __enter__(self) -> StoreHandle:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"<StoreHandle {', '.join(map(str, self.paths))}>"


def open_store(paths: Sequence[str | os.PathLike] | str | os.PathLike = "seed_data", *,
               base_iri: str | None = None, cache_dir: str | os.PathLike | None = None):
    """A handle on the compiled store of `paths` (built first if needed) for notebooks and scripts:
    sparql(), cypher(), stats(), path(), rank(), each result convertible with .to_df()."""
    return StoreHandle(paths, base_iri=base_iri, cache_dir=cache_dir)
