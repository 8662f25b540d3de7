"""Reading the data a command is given: YAML files and directories, and graphkit RDF files.

graphkit.api.load is this module's `load`; modules below the API (the Cypher and SPARQL
engines, resolution) use it from here, so that nothing imports graphkit.api.
"""
from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from .defaults import DEFAULT_DATA_DIR
from .errors import GraphkitError, ValidationError
from .model import KnowledgeGraph
from .ontology import Ontology, load_ontology

PathLike = str | os.PathLike[str]


def load(paths: PathLike | Iterable[PathLike] = DEFAULT_DATA_DIR, *,
         ontology: Ontology | None = None) -> KnowledgeGraph:
    """Load YAML files/directories and graphkit RDF files (Turtle, N-Triples...) into one model.

    Raises ValidationError with every problem found (file, line, message).
    """
    from .loader import check_graph, load_yaml
    from .rdf import RDF_FORMATS, load_rdf_file

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
