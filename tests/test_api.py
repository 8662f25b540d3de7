"""The public Python API."""
import subprocess
import sys
from pathlib import Path

import pytest

import graphkit

ROOT = Path(__file__).resolve().parents[1]


def test_public_names_are_pinned():
    # Exactly these names: adding or removing a public name is a decision, so update this list
    # (and CHANGELOG.md) in the same commit.
    assert graphkit.__all__ == [
        "BuildResult", "Entity", "GraphkitError", "KnowledgeGraph", "Problem", "STATUSES", "Source", "Statement",
        "ValidationError", "build", "build_rdf", "check", "export", "load", "load_ontology", "load_turtle",
        "load_yaml", "open_store", "render_page", "run_cypher", "run_sparql", "serialize", "show", "validate",
        "write_page",
    ]
    for name in graphkit.__all__:
        assert getattr(graphkit, name) is not None
    assert sorted(dir(graphkit)) == dir(graphkit) and set(graphkit.__all__) <= set(dir(graphkit))


def test_type_checkers_see_every_public_name_where_it_is_defined():
    """The `if TYPE_CHECKING:` imports of graphkit/__init__.py name the same objects as the lazy table."""
    import ast

    tree = ast.parse((ROOT / "graphkit" / "__init__.py").read_text(encoding="utf-8"))
    block = next(node for node in tree.body if isinstance(node, ast.If) and getattr(node.test, "id", "") == "TYPE_CHECKING")
    eager = {alias.asname or alias.name: f"graphkit.{node.module}" for node in block.body
             if isinstance(node, ast.ImportFrom) for alias in node.names}
    assert eager == {name: graphkit._EXPORTS[name] for name in graphkit.__all__}


def test_unknown_name_is_an_attribute_error():
    with pytest.raises(AttributeError, match="no attribute 'no_such_name'"):
        graphkit.no_such_name  # noqa: B018


def test_one_version_number():
    assert graphkit.__version__ == "0.2.0"
    result = subprocess.run([sys.executable, "-m", "graphkit", "--version"], capture_output=True, text=True,
                            cwd=ROOT, check=True)
    assert result.stdout.strip() == f"graphkit, version {graphkit.__version__}"
    pyproject = (ROOT / "pyproject.toml").read_text()
    assert 'dynamic = ["version"]' in pyproject and 'path = "graphkit/__init__.py"' in pyproject


def test_load_build_export_from_python(tmp_path):
    graph = graphkit.load("seed_data")
    graphkit.validate(graph)
    files = graphkit.export(graph, tmp_path)
    assert (tmp_path / "graph.ttl") in files
    again = graphkit.load(tmp_path / "graph.ttl")
    assert again.summary() == graph.summary()
