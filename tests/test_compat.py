"""Private internals of dependencies are used in graphkit/_compat.py only, so an upgrade of
rdflib, oxrdflib or pyoxigraph touches one file (docs/architecture.md, "Modules and what each
may import")."""
from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "graphkit"
DEPENDENCIES = ("rdflib", "oxrdflib", "pyoxigraph")
#: Private attributes of those libraries' objects that graphkit needs (oxrdflib's Store wrapper).
PRIVATE_ATTRIBUTES = {"_inner", "_converter"}


def private_uses(path: Path) -> list[str]:
    """`import a._b`, `from a._b import c`, `from a import _b` for a dependency, and `x._inner`."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        modules: list[str] = []
        if isinstance(node, ast.Import):
            modules = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and not node.level and node.module:
            modules = [node.module] + [f"{node.module}.{alias.name}" for alias in node.names]
        for module in modules:
            parts = module.split(".")
            if parts[0] in DEPENDENCIES and any(part.startswith("_") for part in parts[1:]):
                found.append(f"{path.name}:{node.lineno}: {module}")
                break  # one finding per import statement
        if isinstance(node, ast.Attribute) and node.attr in PRIVATE_ATTRIBUTES:
            found.append(f"{path.name}:{node.lineno}: .{node.attr}")
    return found


def test_private_internals_only_in_compat():
    offenders = [use for path in sorted(PACKAGE.rglob("*.py")) if path.name != "_compat.py"
                 for use in private_uses(path)]
    assert offenders == [], "go through graphkit/_compat.py"
    assert private_uses(PACKAGE / "_compat.py"), "the check finds what _compat.py uses"


def test_the_check_sees_each_form(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text("import oxrdflib._converter\nfrom rdflib.plugins import _x\nfrom pyoxigraph import Store\n"
                      "def f(g):\n    from oxrdflib._converter import to_ox\n    return g.store._inner\n")
    assert private_uses(sample) == ["sample.py:1: oxrdflib._converter", "sample.py:2: rdflib.plugins._x",
                                    "sample.py:5: oxrdflib._converter", "sample.py:6: ._inner"]
