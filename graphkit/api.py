"""The high-level Python API: load, validate, build, export. The CLI calls only these."""
from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, ParamSpec, TypeVar

from .errors import GraphkitError, ValidationError
from .model import KnowledgeGraph
from .ontology import Ontology, load_ontology
from .rdf import DEFAULT_BASE_IRI, RDF_FORMATS, build_rdf, load_rdf_file

if TYPE_CHECKING:
    from rdflib import Graph

DEFAULT_DATA_DIR = "seed_data"
DEFAULT_OUT_DIR = "exports"

PathLike = str | os.PathLike[str]

_P = ParamSpec("_P")
_T = TypeVar("_T")


def load(paths: PathLike | Iterable[PathLike] = DEFAULT_DATA_DIR, *,
         ontology: Ontology | None = None) -> KnowledgeGraph:
    """Load YAML files/directories and graphkit RDF files (Turtle, N-Triples...) into one model.

    Raises ValidationError with every problem found (file, line, message).
    """
    from .loader import check_graph, load_yaml

    if isinstance(paths, (str, os.PathLike)):
        paths = [paths]
    files = [Path(p) for p in paths]
    missing = [p for p in files if not p.exists()]
    if missing:
        raise GraphkitError("no such file or directory: " + ", ".join(map(str, missing)))
    rdf_files = [p for p in files if p.is_file() and p.suffix.lower() in RDF_FORMATS]
    yaml_paths = [p for p in files if p not in rdf_files]
    ontology = ontology or load_ontology()
    graph = load_yaml(yaml_paths, ontology=ontology) if yaml_paths else KnowledgeGraph()
    for path in rdf_files:
        graph.merge(load_rdf_file(path, ontology))
    if rdf_files and (yaml_paths or len(rdf_files) > 1):
        problems = check_graph(graph, ontology)
        if problems:
            raise ValidationError(problems)
    return graph


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


@dataclass
class BuildResult:
    graph: KnowledgeGraph
    rdf: Graph  # rdflib.Graph on the Oxigraph store
    files: list[Path]
    timings: dict[str, float] = field(default_factory=dict)  # step -> seconds

    @property
    def triple_count(self) -> int:
        return len(self.rdf)


#: Extra outputs of `build` (the HTML page registers itself here), each called as
#: writer(graph, out_dir, base_iri) and returning the paths it wrote.
BUILD_WRITERS: list[Callable[[KnowledgeGraph, Path, str], list[Path]]] = []


def build(paths: PathLike | Iterable[PathLike] = DEFAULT_DATA_DIR, out_dir: PathLike | None = DEFAULT_OUT_DIR, *,
          base_iri: str = DEFAULT_BASE_IRI, formats: tuple[str, ...] | None = None, shacl: bool = True,
          extras: bool = True, on_step: Callable[[str], None] | None = None) -> BuildResult:
    """Load, validate, build the RDF graph and write the exports (out_dir=None writes nothing).

    `on_step(name)` is called as each step starts ("load", "rdf", "shacl", "exports", "extras"),
    for progress display.
    """
    from .exports import EXPORT_FORMATS, write_exports

    timings: dict[str, float] = {}
    step = on_step or (lambda _name: None)

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
        step("exports")
        files = timed("exports", write_exports, graph, out_dir, formats or EXPORT_FORMATS, base_iri)
        if extras:
            step("extras")
            for writer in _build_writers():
                files.extend(timed(getattr(writer, "__name__", "extra"), writer, graph, Path(out_dir), base_iri))
    return BuildResult(graph, rdf_graph, files, timings)


def _build_writers() -> list[Callable[[KnowledgeGraph, Path, str], list[Path]]]:
    """Writers registered by optional features (imported lazily to keep start-up fast)."""
    import importlib

    for module in ("graphkit.page", "graphkit.propertygraph"):
        try:
            importlib.import_module(module)
        except ModuleNotFoundError as exc:
            if exc.name != module:
                raise
    return BUILD_WRITERS


def export(graph: KnowledgeGraph, out_dir: PathLike = DEFAULT_OUT_DIR, *, formats: tuple[str, ...] | None = None,
           base_iri: str = DEFAULT_BASE_IRI) -> list[Path]:
    """Write the RDF exports of a graph (Turtle, N-Triples, JSON-LD, ontology) atomically."""
    from .exports import EXPORT_FORMATS, write_exports

    return write_exports(graph, out_dir, formats or EXPORT_FORMATS, base_iri)
