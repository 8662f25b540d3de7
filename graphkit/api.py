"""The high-level Python API: load, validate, build, export. The CLI calls only these.

This is the top of the library: it may import any graphkit module, and no graphkit module
imports it (tests/test_imports.py keeps the module graph free of cycles).
"""
from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, ParamSpec, TypeVar

from .defaults import DEFAULT_BASE_IRI, DEFAULT_DATA_DIR, DEFAULT_OUT_DIR
from .errors import ValidationError
from .inputs import PathLike, load
from .model import KnowledgeGraph
from .rdf import build_rdf

if TYPE_CHECKING:
    from rdflib import Graph

    from .store import CompiledStore

__all__ = ["DEFAULT_BASE_IRI", "DEFAULT_DATA_DIR", "DEFAULT_OUT_DIR", "BuildResult", "BuildWriter", "PathLike",
           "build", "build_writers", "check", "export", "load", "validate"]

_P = ParamSpec("_P")
_T = TypeVar("_T")


def validate(graph: KnowledgeGraph, rdf_graph: Graph | None = None, *, base_iri: str = DEFAULT_BASE_IRI) -> None:
    """Check the built RDF against the SHACL shapes; raise ValidationError on violations."""
    from .shacl import shacl_problems

    problems = shacl_problems(graph, rdf_graph if rdf_graph is not None else build_rdf(graph, base_iri))
    if problems:
        raise ValidationError(problems)


def check(paths: PathLike | Iterable[PathLike] = DEFAULT_DATA_DIR, *, shacl: bool = True) -> KnowledgeGraph:
    """Load and validate without writing anything."""
    graph = load(paths)
    if shacl:
        validate(graph)
    return graph


class BuildResult:
    """What `build` did: the model, its RDF (an rdflib Graph on the Oxigraph store), the files it
    wrote, the exports already up to date and the seconds per step. From a compiled store, the
    model and the RDF view are only loaded when asked for (a no-change build needs neither)."""

    def __init__(self, graph: KnowledgeGraph | None, rdf: Graph | None, files: list[Path],
                 timings: dict[str, float] | None = None, unchanged: list[Path] | None = None,
                 store: CompiledStore | None = None):
        self._graph = graph
        self._rdf = rdf
        self.files = files
        self.timings = timings if timings is not None else {}  # step -> seconds
        self.unchanged = unchanged if unchanged is not None else []  # exports already up to date
        self.store = store  # the compiled store (graphkit.store.CompiledStore) when the data is YAML

    @property
    def graph(self) -> KnowledgeGraph:
        if self._graph is None:
            if self.store is None:
                raise ValueError("this BuildResult holds neither a model nor a compiled store")
            self._graph = self.store.model()
        return self._graph

    @property
    def rdf(self) -> Graph:
        if self._rdf is None:
            if self.store is None:
                raise ValueError("this BuildResult holds neither RDF nor a compiled store")
            self._rdf = self.store.rdf_graph()
        return self._rdf

    @property
    def triple_count(self) -> int:
        return self.store.triple_count if self.store is not None else len(self.rdf)

    def summary(self) -> dict[str, int]:
        """Entities, sources and statements (from the store's manifest when there is one)."""
        if self.store is not None:
            return dict(self.store.manifest["counts"])
        return self.graph.summary()

    def __repr__(self) -> str:
        return f"<BuildResult {self.summary()} files={len(self.files)} unchanged={len(self.unchanged)}>"


BuildWriter = Callable[[KnowledgeGraph, Path, str], list[Path]]


def build_writers() -> list[BuildWriter]:
    """The outputs `build` writes after the RDF exports, each called as writer(graph, out_dir,
    base_iri) and returning the paths it wrote. Declared here and nowhere else; the modules
    are imported when a build needs them, which keeps `import graphkit.api` fast."""
    from .page import html_page  # exports/graph.html
    from .propertygraph import write_property_graph_exports  # exports/graph.graphml, graph.cypher

    return [html_page, write_property_graph_exports]


def build(paths: PathLike | Iterable[PathLike] = DEFAULT_DATA_DIR, out_dir: PathLike | None = DEFAULT_OUT_DIR, *,
          base_iri: str = DEFAULT_BASE_IRI, formats: tuple[str, ...] | None = None, shacl: bool = True,
          extras: bool = True, on_step: Callable[[str], None] | None = None,
          cache_dir: PathLike | None = None) -> BuildResult:
    """Load, validate, build the RDF graph and write the exports (out_dir=None writes nothing).

    YAML data goes through the compiled store (graphkit.store, in `cache_dir`, default
    `.graphkit/` beside the data): only changed files are parsed again and only exports whose
    model changed are written. `on_step(name)` is called as each step starts ("parse", "rdf",
    "store", "shacl", then each export), for progress display.
    """
    from .exports import EXPORT_FORMATS, published_path, staged_output, write_exports
    from .store import ensure_store, is_storable

    timings: dict[str, float] = {}
    step = on_step or (lambda _name: None)
    path_list = [paths] if isinstance(paths, (str, os.PathLike)) else list(paths)
    if is_storable(path_list):
        from .store.exports import write_store_exports
        from .store.validate import Validation

        start = time.perf_counter()
        store = ensure_store(path_list, base_iri=base_iri, cache_dir=cache_dir, on_step=step)
        timings["store"] = time.perf_counter() - start
        # SHACL runs in a thread beside the exports (pyrudof releases the GIL while it validates);
        # its violations stop the build before anything is published
        validation = None
        if shacl and not store.manifest.get("shacl"):
            step("shacl")
            validation = Validation(store)
        written: list[Path] = []
        unchanged: list[Path] = []
        if out_dir is not None:
            with staged_output(out_dir) as stage:  # all outputs published together, or none
                written, unchanged = write_store_exports(store, out_dir, formats or EXPORT_FORMATS,
                                                         extras=build_writers if extras else [], timings=timings,
                                                         on_step=step, stage=stage)
                if validation is not None:
                    validation.wait(timings)  # raises ValidationError: the staged exports are dropped
        if validation is not None:
            validation.wait(timings)
        return BuildResult(None, None, written, timings, unchanged, store)

    def timed(name: str, func: Callable[_P, _T], *args: _P.args, **kwargs: _P.kwargs) -> _T:
        start = time.perf_counter()
        value = func(*args, **kwargs)
        timings[name] = time.perf_counter() - start
        return value

    step("load")
    graph = timed("load", load, paths)
    step("rdf")
    rdf_graph = timed("rdf", build_rdf, graph, base_iri)
    if shacl:
        step("shacl")
        timed("shacl", validate, graph, rdf_graph)
    files: list[Path] = []
    if out_dir is not None:
        with staged_output(out_dir) as stage:  # all outputs published together, or none
            step("exports")
            files = timed("exports", write_exports, graph, stage, formats or EXPORT_FORMATS, base_iri)
            if extras:
                step("extras")
                for writer in build_writers():
                    files.extend(timed(getattr(writer, "__name__", "extra"), writer, graph, stage, base_iri))
        files = [published_path(p, stage, out_dir) for p in files]
    return BuildResult(graph, rdf_graph, files, timings)


def export(graph: KnowledgeGraph, out_dir: PathLike = DEFAULT_OUT_DIR, *, formats: tuple[str, ...] | None = None,
           base_iri: str = DEFAULT_BASE_IRI) -> list[Path]:
    """Write the RDF exports of a graph (Turtle, N-Triples, JSON-LD, ontology), published together."""
    from .exports import EXPORT_FORMATS, published_path, staged_output, write_exports

    with staged_output(out_dir) as stage:
        files = write_exports(graph, stage, formats or EXPORT_FORMATS, base_iri)
    return [published_path(p, stage, out_dir) for p in files]
