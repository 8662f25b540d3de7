"""No import cycles inside graphkit/.

Every `import` and `from ... import` of a module is read with `ast` (at module level, inside
functions and under `if TYPE_CHECKING:` alike: a lazy import still ties the two modules
together), and so is `importlib.import_module("a.literal.name")`; the module graph is built and its strongly connected components are listed. A
package's `__init__` is the module named like the package; importing a submodule does not
count as importing its package (Python runs the package first, but that is not a dependency
the code chose). `from . import name` counts as importing the submodule `name` when there is
one, else the package.
"""
from __future__ import annotations

import ast
import textwrap
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "graphkit"


def module_names(root: Path) -> dict[str, Path]:
    """Dotted module name -> file, for every .py file of the package at `root`."""
    modules = {}
    for path in sorted(root.rglob("*.py")):
        parts = path.relative_to(root.parent).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        modules[".".join(parts)] = path
    return modules


def imported_modules(name: str, path: Path, modules: dict[str, Path]) -> set[str]:
    """The modules of `modules` that `name` (the module in `path`) imports anywhere in its code."""
    is_package = path.name == "__init__.py"
    package = name if is_package else name.rpartition(".")[0]
    found: set[str] = set()

    def add(target: str) -> None:
        # `import a.b.c` needs a.b.c; an unknown tail (an attribute) falls back to its module
        while target and target not in modules:
            target = target.rpartition(".")[0]
        if target and target != name:
            found.add(target)

    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                and node.func.attr == "import_module" and node.args
                and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)):
            add(node.args[0].value)  # importlib.import_module("graphkit.page"): an import all the same
        elif isinstance(node, ast.Import):
            for alias in node.names:
                add(alias.name)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[:len(base) - (node.level - 1)] if node.level > 1 else base
                origin = ".".join(base + ([node.module] if node.module else []))
            else:
                origin = node.module or ""
            for alias in node.names:
                submodule = f"{origin}.{alias.name}"
                add(submodule if submodule in modules else origin)
    return found


def import_graph(root: Path) -> dict[str, set[str]]:
    modules = module_names(root)
    return {name: imported_modules(name, path, modules) for name, path in modules.items()}


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan), sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        # iterative Tarjan: deep module graphs must not hit the recursion limit
        work = [(node, iter(sorted(graph[node])))]
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        while work:
            current, children = work[-1]
            for child in children:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph[child]))))
                    break
                if child in on_stack:
                    low[current] = min(low[current], index[child])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[current])
                if low[current] == index[current]:
                    component = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component.append(member)
                        if member == current:
                            break
                    if len(component) > 1:
                        found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return sorted(found)


def describe(graph: dict[str, set[str]], component: list[str]) -> str:
    members = set(component)
    edges = [f"{a} -> {b}" for a in component for b in sorted(graph[a] & members)]
    return "; ".join(edges)


def test_graphkit_has_no_import_cycles():
    graph = import_graph(PACKAGE)
    assert len(graph) > 30, "the package was not found or not read"
    found = cycles(graph)
    assert not found, "import cycles in graphkit/: " + " | ".join(describe(graph, c) for c in found)


def test_the_graph_sees_lazy_and_relative_imports():
    """The graph holds edges that only a careful reader sees: function-level and relative."""
    graph = import_graph(PACKAGE)
    assert "graphkit.model" in graph["graphkit.loader"]
    assert "graphkit.cypher.falkordb" in graph["graphkit.cypher"]  # imported inside run_cypher
    assert "graphkit.ontology" in graph["graphkit.cypher.dialect"]  # from ..ontology import ...


def _package(tmp_path: Path, files: dict[str, str]) -> Path:
    root = tmp_path / "pkg"
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
    return root


def test_a_cycle_through_a_function_level_import_is_found(tmp_path):
    root = _package(tmp_path, {
        "__init__.py": "",
        "a.py": "from .b import f\n",
        "b.py": "def f():\n    from . import a\n    return a\n",
        "c.py": "import pkg.a\n",
        "d.py": "import importlib\ndef load():\n    return importlib.import_module('pkg.e')\n",
        "e.py": "from .d import load\n",
    })
    graph = import_graph(root)
    assert graph["pkg.b"] == {"pkg.a"} and graph["pkg.c"] == {"pkg.a"} and graph["pkg.d"] == {"pkg.e"}
    assert cycles(graph) == [["pkg.a", "pkg.b"], ["pkg.d", "pkg.e"]]


def test_cycles_through_packages_and_type_checking_imports_are_found(tmp_path):
    root = _package(tmp_path, {
        "__init__.py": "",
        "sub/__init__.py": "from .impl import run\n",
        "sub/impl.py": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from ..top import X\n",
        "top.py": "from .sub import run\nX = 1\n",
        "leaf.py": "from .sub.impl import run\n",  # imports a submodule: no edge to the package
    })
    graph = import_graph(root)
    assert graph["pkg.leaf"] == {"pkg.sub.impl"}
    assert cycles(graph) == [["pkg.sub", "pkg.sub.impl", "pkg.top"]]


def test_a_package_without_cycles_passes(tmp_path):
    root = _package(tmp_path, {
        "__init__.py": "from .a import f\n",
        "a.py": "from . import b\ndef f():\n    from .c import g\n    return g\n",
        "b.py": "import os\n",
        "c.py": "from .b import os\n",
    })
    graph = import_graph(root)
    assert graph["pkg.a"] == {"pkg.b", "pkg.c"}
    assert cycles(graph) == []
