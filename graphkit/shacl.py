"""SHACL validation of the built RDF with pyshacl, against ontology/shapes.ttl."""
from __future__ import annotations

from .errors import Problem
from .model import Entity, KnowledgeGraph, Source, Statement
from .ontology import ontology_dir


def shacl_problems(graph: KnowledgeGraph, rdf_graph) -> list[Problem]:
    """Run the SHACL shapes on `rdf_graph`; each violation located at the YAML it came from."""
    import pyshacl
    from rdflib import Graph, URIRef
    from rdflib.namespace import SH

    data = Graph(bind_namespaces="none")
    for triple in rdf_graph:  # pyshacl is much faster on rdflib's memory store than through a plug-in
        data.add(triple)
    shapes = Graph(bind_namespaces="none").parse(ontology_dir() / "shapes.ttl")
    ontology = Graph(bind_namespaces="none").parse(ontology_dir() / "graphkit.ttl")
    conforms, report, _text = pyshacl.validate(data, shacl_graph=shapes, ont_graph=ontology,
                                               inference="none", advanced=False, allow_warnings=True,
                                               inplace=True)  # data is our own throw-away copy
    if conforms:
        return []
    where = _locations(graph)
    problems = []
    for result in report.subjects(URIRef(str(SH) + "resultSeverity"), SH.Violation):
        focus = report.value(result, SH.focusNode)
        path = report.value(result, SH.resultPath)
        message = report.value(result, SH.resultMessage) or "violates a SHACL shape"
        file, line = where.get(str(focus).rsplit("/", 1)[-1], ("", 0))
        subject = str(focus).rsplit("/", 1)[-1]
        on = f" ({path.n3(report.namespace_manager)})" if path is not None and isinstance(path, URIRef) else ""
        problems.append(Problem(file, line, f"SHACL: {subject}{on}: {message}"))
    return sorted(problems)


def _locations(graph: KnowledgeGraph) -> dict[str, tuple[str, int]]:
    out = {}
    items: list[Entity | Source | Statement] = [*graph.entities.values(), *graph.sources.values(), *graph.statements]
    for item in items:
        if item.location is not None:
            out[item.id] = (item.location.file, item.location.line)
    return out
