"""graphkit's modules follow the layers of docs/architecture.md: each top-level module or package
of graphkit/ has a layer in the table "Modules and what each may import", and imports only
modules of its own layer or below. (tests/test_imports.py forbids cycles; this forbids imports
that point up, which is how cycles start.)"""
from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "graphkit"
ARCHITECTURE = ROOT / "docs" / "architecture.md"
#: The package itself (lazy re-exports and __version__) and `python -m graphkit` sit outside the layers.
OUTSIDE_LAYERS = {"__init__", "__main__"}


def documented_layers(markdown: str) -> dict[str, int]:
    """Top-level module or package name -> layer, from the table's rows `| N | `a`, `b/` | ...`."""
    layers: dict[str, int] = {}
    for match in re.finditer(r"^\| (\d+) \| ([^|]+) \|", markdown, flags=re.M):
        for name in re.findall(r"`([\w]+)/?`", match.group(2)):
            assert name not in layers, f"{name} is in two rows of the layer table"
            layers[name] = int(match.group(1))
    return layers


def top_level_units(package: Path) -> set[str]:
    """Module files and sub-packages directly under graphkit/."""
    units = {p.stem for p in package.glob("*.py")} | {p.name for p in package.iterdir() if (p / "__init__.py").exists()}
    return units - OUTSIDE_LAYERS


def unit_imports(package: Path) -> dict[str, set[str]]:
    """Top-level unit -> the other top-level units it imports anywhere (lazy imports included)."""
    edges: dict[str, set[str]] = {}
    for path in sorted(package.rglob("*.py")):
        parts = path.relative_to(package.parent).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        unit = parts[1] if len(parts) > 1 else "__init__"
        module_package = list(parts if path.name == "__init__.py" else parts[:-1])
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
            targets: list[str] = []
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                if node.level:
                    base = module_package[:len(module_package) - (node.level - 1)]
                    origin = ".".join(base + ([node.module] if node.module else []))
                else:
                    origin = node.module or ""
                targets = [f"{origin}.{alias.name}" if origin == "graphkit" else origin for alias in node.names]
            for target in targets:
                names = target.split(".")
                if names[0] == "graphkit" and len(names) > 1 and names[1] != unit:
                    edges.setdefault(unit, set()).add(names[1])
    return edges


def test_every_module_has_a_documented_layer():
    layers = documented_layers(ARCHITECTURE.read_text(encoding="utf-8"))
    units = top_level_units(PACKAGE)
    assert sorted(units - set(layers)) == [], "add these to the layer table of docs/architecture.md"
    assert sorted(set(layers) - units) == [], "the layer table of docs/architecture.md names modules that are gone"


def test_imports_point_down():
    layers = documented_layers(ARCHITECTURE.read_text(encoding="utf-8"))
    upward = sorted(f"graphkit.{unit} (layer {layers[unit]}) imports graphkit.{target} (layer {layers[target]})"
                    for unit, targets in unit_imports(PACKAGE).items() if unit in layers
                    for target in targets if target in layers and layers[target] > layers[unit])
    assert upward == [], "imports must point down the layers of docs/architecture.md"


def test_the_checks_see_lazy_and_relative_imports(tmp_path):
    package = tmp_path / "graphkit"
    (package / "low").mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "low" / "__init__.py").write_text("def f():\n    from ..high import g\n")
    (package / "high.py").write_text("from .low import f\nfrom graphkit import __version__\n")
    assert unit_imports(package) == {"low": {"high"}, "high": {"low", "__version__"}}
    assert top_level_units(package) == {"low", "high"}
    table = "| layer | modules |\n|---|---|\n| 0 | `low/` | x |\n| 1 | `high` | y |\n"
    assert documented_layers(table) == {"low": 0, "high": 1}
