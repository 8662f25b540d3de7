"""SHACL validation of the built RDF against ontology/shapes.ttl, with the ontology as the class
hierarchy.

Two engines report the same violations: pyrudof (Rust, the default when installed) and pyshacl
(the reference, kept as the fallback and compared with pyrudof by tests/test_shacl.py). Each
violation is located at the YAML line of its focus node. A result whose focus is a literal is
the detail of a nested shape (a date that matches none of gks:DateLike's forms): pyshacl lists
it besides the statement's own result, pyrudof does not; it has no YAML line and is dropped.
shacl-rust was measured and rejected: it refuses `sh:node` on literal values (136 false
violations on the seed).
"""
from __future__ import annotations

from .errors import Problem
from .model import Entity, KnowledgeGraph, Source, Statement
from .ontology import ontology_dir

ENGINES = ("pyrudof", "pyshacl")
#: (focus IRI, path IRI or None, constraint component IRI, message or None, named shape IRI or None)
Violation = tuple[str, str | None, str, str | None, str | None]


def default_engine() -> str:
    try:
        import pyrudof  # noqa: F401
    except ImportError:
        return "pyshacl"
    return "pyrudof"


def shacl_problems(graph: KnowledgeGraph, rdf_graph, *, engine: str | None = None,
                   focus: set[str] | None = None) -> list[Problem]:
    """Run the SHACL shapes on `rdf_graph` (an rdflib Graph, or the data as N-Triples text);
    each violation located at the YAML it came from. engine: "pyrudof" or "pyshacl" (default:
    pyrudof when installed). focus: keep only the violations of these node IRIs (an
    incremental check validates a part of the graph, see graphkit.store.shacl)."""
    engine = engine or default_engine()
    if engine not in ENGINES:
        raise ValueError(f"unknown SHACL engine {engine!r} (known: {', '.join(ENGINES)})")
    violations = _pyrudof_violations(rdf_graph) if engine == "pyrudof" else _pyshacl_violations(rdf_graph)
    if focus is not None:
        violations = [v for v in violations if v[0] in focus]
    if not violations:
        return []
    from rdflib import Graph, URIRef

    names = Graph().namespace_manager
    authored, by_shape, by_constraint = _shape_messages()
    where = _locations(graph)
    problems = set()
    for node, path, component, message, shape in violations:
        if message not in authored:  # pyrudof leaves out some shapes' sh:message: the shapes' own
            message = by_shape.get(shape or "") or by_constraint.get((path, component.rsplit("#", 1)[-1]))
        subject = node.rsplit("/", 1)[-1]
        file, line = where.get(subject, ("", 0))
        on = f" ({URIRef(path).n3(names)})" if path else ""
        # the shape's own sh:message; else the constraint, named alike by both engines
        text = message if message in authored else f"violates {component.rsplit('#', 1)[-1]}"
        problems.add((file, line, f"SHACL: {subject}{on}: {text}"))
    return [Problem(*p) for p in sorted(problems)]


def _shape_messages() -> tuple[set[str], dict[str, str], dict[tuple[str | None, str], str]]:
    """The authored sh:message texts; by named shape; by (path, constraint component) where
    only one shape with a message has that pair."""
    from rdflib import Graph, URIRef
    from rdflib.namespace import SH

    shapes = Graph(bind_namespaces="none").parse(ontology_dir() / "shapes.ttl")
    by_shape: dict[str, str] = {}
    pairs: dict[tuple[str | None, str], set[str]] = {}
    for shape, message in shapes.subject_objects(SH.message):
        if isinstance(shape, URIRef):
            by_shape[str(shape)] = str(message)
        path = shapes.value(shape, SH.path)
        for parameter in set(shapes.predicates(shape, None)):
            name = str(parameter).rsplit("#", 1)[-1]
            if str(parameter).startswith(str(SH)) and name not in ("path", "message", "targetClass",
                                                                   "targetSubjectsOf", "targetObjectsOf"):
                component = ("MinCount" if name == "minCount" else name[0].upper() + name[1:]) + "ConstraintComponent"
                pairs.setdefault((str(path) if path is not None else None, component), set()).add(str(message))
    by_constraint = {pair: next(iter(found)) for pair, found in pairs.items() if len(found) == 1}
    return {str(m) for m in shapes.objects(None, SH.message)}, by_shape, by_constraint


def _pyshacl_violations(rdf_graph) -> list[Violation]:
    import pyshacl
    from rdflib import BNode, Graph, Literal, URIRef
    from rdflib.namespace import SH

    data = Graph(bind_namespaces="none")
    if isinstance(rdf_graph, str):
        data.parse(data=rdf_graph, format="nt")
    else:
        for triple in rdf_graph:  # pyshacl is much faster on rdflib's memory store than through a plug-in
            data.add(triple)
    shapes = Graph(bind_namespaces="none").parse(ontology_dir() / "shapes.ttl")
    ontology = Graph(bind_namespaces="none").parse(ontology_dir() / "graphkit.ttl")
    conforms, report, _text = pyshacl.validate(data, shacl_graph=shapes, ont_graph=ontology,
                                               inference="none", advanced=False, allow_warnings=True,
                                               inplace=True)  # data is our own throw-away copy
    if conforms:
        return []
    out: list[Violation] = []
    for result in report.subjects(URIRef(str(SH) + "resultSeverity"), SH.Violation):
        focus = report.value(result, SH.focusNode)
        if isinstance(focus, (Literal, BNode)) or focus is None:
            continue
        path = report.value(result, SH.resultPath)
        message = report.value(result, SH.resultMessage)
        shape = report.value(result, SH.sourceShape)
        out.append((str(focus), str(path) if isinstance(path, URIRef) else None,
                    str(report.value(result, SH.sourceConstraintComponent)),
                    str(message) if message is not None else None, str(shape) if isinstance(shape, URIRef) else None))
    return out


def _pyrudof_violations(rdf_graph) -> list[Violation]:
    import pyrudof

    if isinstance(rdf_graph, str):
        data = rdf_graph
    else:
        data = rdf_graph.serialize(format="nt", encoding="utf-8").decode("utf-8")
    if not data.strip():
        return []  # no triples, no focus node (pyrudof refuses an empty input)
    rudof = pyrudof.Rudof(pyrudof.RudofConfig())
    rudof.read_data(data, format=pyrudof.RDFFormat.NTriples)
    rudof.read_data(str(ontology_dir() / "graphkit.ttl"), merge=True)
    rudof.read_shacl(str(ontology_dir() / "shapes.ttl"))
    out: list[Violation] = []
    for entry in rudof.validate_shacl():
        if "Violation" not in str(entry.severity):
            continue
        focus = str(entry.focus_node)
        if not focus.startswith(("http://", "https://")):  # literal or blank focus: a nested detail
            continue
        path = entry.path
        message = entry.message
        if message is not None:
            message = _unquote(str(message))
        shape = str(entry.source_shape or "").strip("<>")
        out.append((focus, str(path).strip("<>") if path else None, str(entry.constraint_component).strip("<>"),
                    message, shape if shape.startswith(("http://", "https://")) else None))
    return out


def _unquote(text: str) -> str:
    if len(text) >= 2 and text[0] == text[-1] == '"':
        import json

        try:
            return json.loads(text)
        except ValueError:
            return text[1:-1]
    return text


def _locations(graph: KnowledgeGraph) -> dict[str, tuple[str, int]]:
    out = {}
    items: list[Entity | Source | Statement] = [*graph.entities.values(), *graph.sources.values(), *graph.statements]
    for item in items:
        if item.location is not None:
            out[item.id] = (item.location.file, item.location.line)
    return out
