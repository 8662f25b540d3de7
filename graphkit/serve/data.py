"""What the server serves: the model, an on-disk Oxigraph store of it, and indexes for search
and neighbourhoods.

`open_served(paths)` is the one place that knows where the store comes from: YAML data is
served from the compiled store (graphkit.store: built or incrementally rebuilt first when
stale, then reused by every later start); RDF inputs, which the compiled store does not hold,
are bulk-loaded into a fresh on-disk Oxigraph store in a temporary folder. Either way the query
workers open the Oxigraph folder read-only. `signature(paths)` is the cheap trigger behind
--reload (sizes and modification times of every input file); the compiled store's own
freshness check then decides what to re-parse.
"""
from __future__ import annotations

import os
import shutil
import tempfile
import time
import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import GraphkitError
from ..model import Entity, KnowledgeGraph, Statement
from ..ontology import Ontology, load_ontology
from ..rdf import DEFAULT_BASE_IRI, IRIs

INPUT_SUFFIXES = (".yaml", ".yml", ".ttl", ".nt", ".trig", ".nq", ".jsonld")


def input_files(paths: Iterable[str | os.PathLike]) -> list[Path]:
    files: list[Path] = []
    for path in map(Path, paths):
        if path.is_dir():
            files.extend(p for p in sorted(path.rglob("*")) if p.is_file() and p.suffix.lower() in INPUT_SUFFIXES)
        elif path.exists():
            files.append(path)
    return files


def signature(paths: Iterable[str | os.PathLike]) -> tuple:
    """(path, size, mtime) of every input file: changes when a file is edited, added or removed."""
    out = []
    for path in input_files(paths):
        try:
            stat = path.stat()
        except OSError:
            continue
        out.append((str(path), stat.st_size, stat.st_mtime_ns))
    return tuple(out)


def fold(text: str) -> str:
    """Case- and accent-insensitive form for search."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


@dataclass
class ServedGraph:
    """The model and its store, with the indexes the pages and the explorer use."""

    kg: KnowledgeGraph
    ontology: Ontology
    store_path: Path
    base_iri: str
    paths: list[str]
    signature: tuple
    triples: int = 0
    loaded_at: float = field(default_factory=time.time)
    load_seconds: float = 0.0
    _about: dict[str, list[Statement]] = field(default_factory=dict, repr=False)
    _by_id: dict[str, Statement] = field(default_factory=dict, repr=False)
    _cited_by: dict[str, list[Statement]] = field(default_factory=dict, repr=False)
    _names: list[tuple[str, str, str]] = field(default_factory=list, repr=False)  # (folded, shown, entity id)
    _owner: Path | None = field(default=None, repr=False)  # folder to delete on close
    _compiled: Any = field(default=None, repr=False)  # graphkit.store.CompiledStore held open
    _model_key: str | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        about: dict[str, list[Statement]] = defaultdict(list)
        cited: dict[str, list[Statement]] = defaultdict(list)
        for statement in self.kg.sorted_statements():
            about[statement.subject].append(statement)
            if statement.object != statement.subject:
                about[statement.object].append(statement)
            if statement.market:
                about[statement.market].append(statement)
            for source in statement.sources:
                cited[source].append(statement)
            self._by_id[statement.id] = statement
        self._about = dict(about)
        self._cited_by = dict(cited)
        names = []
        for entity in self.kg.sorted_entities():
            for name in [entity.id, *entity.all_names()]:
                names.append((fold(name), name, entity.id))
        self._names = names

    @property
    def model_key(self) -> str:
        """Identifies the model's content (the embedded Cypher engine's key): the compiled
        store's digest, or a hash of the model computed once."""
        if self._model_key is None:
            if self._compiled is not None:
                self._model_key = str(self._compiled.digest)
            else:
                from ..cypher.falkordb import model_fingerprint

                self._model_key = model_fingerprint(self.kg)
        return self._model_key

    @property
    def iris(self) -> IRIs:
        return IRIs(self.base_iri)

    def statement(self, statement_id: str) -> Statement | None:
        return self._by_id.get(statement_id)

    def statements_about(self, entity_id: str) -> list[Statement]:
        return self._about.get(entity_id, [])

    def statements_citing(self, source_id: str) -> list[Statement]:
        return self._cited_by.get(source_id, [])

    def degree(self, entity_id: str) -> int:
        return len(self._about.get(entity_id, ()))

    def search(self, query: str, limit: int = 20) -> list[dict]:
        """Entities whose id, name, label or alias matches: exact first, then prefix, then
        substring; ties by name. Each hit says which name matched."""
        needle = fold(query.strip())
        if not needle:
            return []
        best: dict[str, tuple[int, str]] = {}
        for folded, shown, entity_id in self._names:
            if folded == needle:
                rank = 0
            elif folded.startswith(needle):
                rank = 1
            elif needle in folded:
                rank = 2
            else:
                continue
            if entity_id not in best or rank < best[entity_id][0]:
                best[entity_id] = (rank, shown)
        ordered = sorted(best.items(), key=lambda item: (item[1][0], fold(self.kg.entities[item[0]].name), item[0]))
        hits = []
        for entity_id, (_rank, shown) in ordered[:limit]:
            entity = self.kg.entities[entity_id]
            hit = {"id": entity_id, "name": entity.name, "type": entity.type, "degree": self.degree(entity_id)}
            if shown not in (entity.name, entity_id):
                hit["matched"] = shown
            hits.append(hit)
        return hits

    # -- the explorer's JSON
    def node_json(self, entity: Entity, lang: str = "en") -> dict:
        info = self.ontology.classes.get(entity.type)
        return {"id": entity.id, "label": entity.labels.get(lang) or entity.name, "name": entity.name,
                "type": entity.type, "type_label": info.label(lang) if info else entity.type,
                "degree": self.degree(entity.id)}

    def edge_json(self, statement: Statement, lang: str = "en") -> dict:
        relation = self.ontology.relations.get(statement.relation)
        edge = {"id": statement.id, "from": statement.subject, "to": statement.object,
                "relation": statement.relation, "label": relation.label(lang) if relation else statement.relation,
                "status": statement.status, "symmetric": bool(relation and relation.symmetric)}
        for key in ("market", "since", "until"):
            value = getattr(statement, key)
            if value:
                edge[key] = value
        return edge

    def neighbourhood(self, entity_id: str, *, limit: int = 200, lang: str = "en") -> dict:
        """The entity, its facts (as edges) and the entities at their other ends, at most `limit`
        edges (the rest is counted in `more`)."""
        entity = self.kg.entities.get(entity_id)
        if entity is None:
            raise KeyError(entity_id)
        statements = [s for s in self.statements_about(entity_id)
                      if s.subject in self.kg.entities and s.object in self.kg.entities]
        shown = statements[:limit]
        node_ids = {entity_id} | {s.subject for s in shown} | {s.object for s in shown}
        nodes = [self.node_json(self.kg.entities[n], lang) for n in sorted(node_ids)]
        return {"center": entity_id, "nodes": nodes, "edges": [self.edge_json(s, lang) for s in shown],
                "more": len(statements) - len(shown)}

    def summary(self) -> dict:
        return {**self.kg.summary(), "triples": self.triples}

    def close(self) -> None:
        if self._compiled is not None:
            self._compiled.close()  # releases the generation (a later build may then remove it)
            self._compiled = None
        if self._owner is not None:
            shutil.rmtree(self._owner, ignore_errors=True)
            self._owner = None


def default_cache_dir() -> Path:
    """Where temporary stores of RDF inputs go (YAML data uses the compiled store's folder)."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "graphkit" / "serve"


def open_served(paths: Iterable[str | os.PathLike], *, base_iri: str = DEFAULT_BASE_IRI,
                cache_dir: str | os.PathLike | None = None, ontology: Ontology | None = None) -> ServedGraph:
    """The data and its on-disk store. YAML: the compiled store (graphkit.store.ensure_store,
    in `cache_dir` or its default `.graphkit/` beside the data); RDF files: a fresh store in a
    temporary folder under `cache_dir`, removed by close(). Raises ValidationError/GraphkitError
    on bad data."""
    from ..store import ensure_store, is_storable

    names = [str(p) for p in paths]
    start = time.perf_counter()
    before = signature(names)
    if is_storable(names):
        compiled = ensure_store(names, base_iri=base_iri, cache_dir=cache_dir)
        try:
            served = ServedGraph(compiled.model(), compiled.ontology(), compiled.directory / "oxigraph", base_iri,
                                 names, before, triples=compiled.triple_count)
        except BaseException:
            compiled.close()
            raise
        served._compiled = compiled
        served.load_seconds = time.perf_counter() - start
        return served
    return _temporary_store(names, before, base_iri, cache_dir, ontology, start)


def _temporary_store(names: list[str], before: tuple, base_iri: str, cache_dir, ontology: Ontology | None,
                     start: float) -> ServedGraph:
    import pyoxigraph as ox

    from ..api import load
    from ..rdf import ntriples

    ontology = ontology or load_ontology()
    kg = load(names, ontology=ontology)
    root = Path(cache_dir) if cache_dir else Path(os.environ.get("GRAPHKIT_STORE_DIR") or default_cache_dir())
    root.mkdir(parents=True, exist_ok=True)
    owner = Path(tempfile.mkdtemp(prefix="store-", dir=root))
    try:
        store = ox.Store(str(owner / "oxigraph"))
        store.bulk_load(ntriples(kg, base_iri, ontology), format=ox.RdfFormat.N_TRIPLES)
        store.flush()
        triples = len(store)
        del store
    except OSError as exc:
        shutil.rmtree(owner, ignore_errors=True)
        raise GraphkitError(f"cannot write the store in {owner}: {exc}") from None
    except BaseException:
        shutil.rmtree(owner, ignore_errors=True)
        raise
    served = ServedGraph(kg, ontology, owner / "oxigraph", base_iri, names, before, triples=triples)
    served._owner = owner
    served.load_seconds = time.perf_counter() - start
    return served
