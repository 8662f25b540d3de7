"""Importers of third-party datasets, one module each, and the pipeline that runs them.

`run_import("epoch", path, out_dir)` reads a dataset, resolves its entities against the
reference data (seed_data/ and earlier imports, see graphkit.resolve), and writes graphkit
YAML (entities.yaml, sources.yaml, relations.yaml) plus import-report.json to `out_dir`.
`import_all(datasets_dir)` runs the four datasets in a fixed order, each one resolved against
the seed and the imports before it, so that `graphkit build seed_data imports/*` loads.
"""
from __future__ import annotations

import importlib
import os
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from ..defaults import DEFAULT_DATA_DIR
from ..errors import GraphkitError
from ..model import KnowledgeGraph

if TYPE_CHECKING:
    from ..resolve import Resolution
    from .common import ImportReport

#: source name -> (module, function, keyword arguments)
IMPORTERS: dict[str, tuple[str, str, dict]] = {
    "epoch": ("graphkit.importers.epoch", "import_epoch", {}),
    "ecosystem": ("graphkit.importers.ecosystem", "import_ecosystem", {}),
    "leaderboard": ("graphkit.importers.leaderboard", "import_leaderboard", {}),
    "devices": ("graphkit.importers.devices", "import_devices", {}),
    "qualcomm": ("graphkit.importers.devices", "import_devices", {"only": "qualcomm"}),
    "gsmarena": ("graphkit.importers.devices", "import_devices", {"only": "gsmarena"}),
}
#: The order of `import all`: models and organizations first, then what refers to them.
ALL_SOURCES = ("epoch", "ecosystem", "leaderboard", "devices")
DEFAULT_OUT_ROOT = Path("imports")

HEADER = """Imported by `graphkit import {source}` from {files} (snapshot of {date}).
Origin: {origin}
Status `imported`: taken from a third-party dataset, not reviewed by an editor.
Ids that the reference data ({reference}) already defines are reused, not redefined here.
Re-running the import overwrites this file; record naming decisions in resolution/aliases.yaml.
import-report.json lists the rows that were skipped and every merge and conflict."""


def _origin(urls: list[str]) -> str:
    if len(urls) <= 2:
        return ", ".join(urls) or "unknown"
    prefix = os.path.commonprefix(urls)
    return f"{prefix[: prefix.rfind('/') + 1]}... (one source per file)"


@dataclass
class ImportOutcome:
    source: str
    out_dir: Path | None
    graph: KnowledgeGraph  # what was written (new entities, sources, facts)
    report: ImportReport
    resolution: Resolution
    files: list[Path] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=dict)


def read_dataset(source: str, path: str | os.PathLike, *, progress: Callable[[], None] | None = None):
    """Run one importer (no resolution): an ImportResult."""
    if source not in IMPORTERS:
        raise GraphkitError(f"unknown dataset '{source}' (known: {', '.join(IMPORTERS)}, all)")
    path = Path(path)
    if not path.exists():
        raise GraphkitError(f"no such file or directory: {path}")
    module, function, kwargs = IMPORTERS[source]
    reader = getattr(importlib.import_module(module), function)
    try:
        return reader(path, progress=progress, **kwargs)
    except OSError as exc:
        raise GraphkitError(f"cannot read {path}: {exc}") from None


#: Position of each dataset in the import order: an import resolves against the earlier ones.
ORDER = {"epoch": 0, "ecosystem": 1, "leaderboard": 2, "devices": 3, "qualcomm": 3, "gsmarena": 3}


def sibling_imports(out_dir: Path) -> list[tuple[str, Path]]:
    """(dataset, folder) of the other graphkit imports beside `out_dir` (folders with a report)."""
    import json

    found: list[tuple[str, Path]] = []
    parent = out_dir.parent
    if not parent.is_dir():
        return found
    for sibling in sorted(parent.iterdir()):
        report = sibling / "import-report.json"
        if sibling.resolve() == out_dir.resolve() or not report.is_file():
            continue
        try:
            dataset = json.loads(report.read_text(encoding="utf-8")).get("dataset", sibling.name)
        except (OSError, ValueError):
            continue
        found.append((dataset, sibling))
    return found


def default_reference_paths(out_dir: Path, source: str, seed: str | os.PathLike = DEFAULT_DATA_DIR) -> list[Path]:
    """seed_data/ (if present) and the imports of the datasets that come before `source`
    (epoch, ecosystem, leaderboard, devices): those are what an import may refer to."""
    rank = ORDER.get(source, len(ORDER))
    earlier = [folder for dataset, folder in sibling_imports(out_dir) if ORDER.get(dataset, len(ORDER)) < rank]
    return _seed_paths(Path(seed), out_dir) + earlier


def _seed_paths(seed: Path, out_dir: Path) -> list[Path]:
    """The seed as reference data, without the imports written inside it (seed_data/epoch...):
    those are the output itself or sibling imports, taken on their own terms (earlier ones only),
    never loaded twice."""
    if not seed.is_dir():
        return []
    inside = {report.parent.resolve() for report in seed.rglob("import-report.json")}
    out = out_dir.resolve()
    if out.is_relative_to(seed.resolve()):
        inside.add(out)
    if not inside:
        return [seed]
    from ..loader import yaml_files

    return [path for path in yaml_files([seed])
            if not any(path.resolve().is_relative_to(folder) for folder in inside)]


def later_imports(out_dir: Path, source: str) -> list[Path]:
    """Imports beside `out_dir` that were resolved against this dataset and may need re-importing."""
    rank = ORDER.get(source, len(ORDER))
    return [folder for dataset, folder in sibling_imports(out_dir) if ORDER.get(dataset, -1) > rank]


def run_import(source: str, path: str | os.PathLike, out_dir: str | os.PathLike | None = None, *,
               reference: KnowledgeGraph | None = None, reference_paths: Iterable[str | os.PathLike] | None = None,
               aliases=None, progress: Callable[[], None] | None = None, write: bool = True,
               reference_label: str | None = None) -> ImportOutcome:
    """Import one dataset, resolve it against the reference and write it (unless write=False).

    `reference` (a graph) or `reference_paths` (YAML/Turtle paths, loaded and validated) is the
    data the import must not contradict or duplicate; None means no reference. `aliases` is an
    AliasTable or a path to an alias file (None: resolution/aliases.yaml if present).
    """
    from ..resolve import AliasTable, Resolver, load_aliases, load_reference
    from .common import write_import

    seconds: dict[str, float] = {}
    start = time.perf_counter()
    if reference is None:
        paths = list(reference_paths or [])
        reference = load_reference(paths) if paths else KnowledgeGraph()
        reference_label = reference_label or ", ".join(str(p) for p in paths) or "none"
    table = aliases if isinstance(aliases, AliasTable) else load_aliases(aliases)
    seconds["reference"] = time.perf_counter() - start

    start = time.perf_counter()
    result = read_dataset(source, path, progress=progress)
    seconds["read"] = time.perf_counter() - start
    if result.report.rows_read == 0 and not result.graph.statements:
        from ..errors import InvalidDataError

        kept = f"; the import in {out_dir} is kept as it was" if out_dir is not None else ""
        raise InvalidDataError(f"{path}: no rows to import (an empty or header-only dataset){kept}")

    start = time.perf_counter()
    resolution = Resolver(reference, table).resolve(result.graph)
    seconds["resolve"] = time.perf_counter() - start
    report = result.report
    report.resolution = resolution.as_dict()

    files: list[Path] = []
    out = Path(out_dir) if out_dir is not None else DEFAULT_OUT_ROOT / source
    if write:
        start = time.perf_counter()
        from .common import SNAPSHOT_DATE

        origins = sorted({s.url for s in result.graph.sources.values() if s.url})
        files_text = ", ".join(report.files) if len(report.files) <= 3 else f"{len(report.files)} files"
        header = HEADER.format(source=source, files=files_text, origin=_origin(origins), date=SNAPSHOT_DATE,
                               reference=reference_label or "given by the caller")
        files = write_import(resolution.graph, report, out, header)
        seconds["write"] = time.perf_counter() - start
    return ImportOutcome(source, out if write else None, resolution.graph, report, resolution, files, seconds)


def import_all(datasets_dir: str | os.PathLike, out_root: str | os.PathLike = DEFAULT_OUT_ROOT, *,
               reference_paths: Iterable[str | os.PathLike] | None = None, aliases=None,
               progress_for: Callable[[str], Callable[[], None] | None] | None = None,
               sources: Iterable[str] = ALL_SOURCES) -> list[ImportOutcome]:
    """Import every dataset into out_root/<source>/, each resolved against the seed and the
    imports before it (in memory: stale folders from an earlier run are not used)."""
    from ..resolve import AliasTable, load_aliases, load_reference

    datasets_dir = Path(datasets_dir)
    paths = list(reference_paths or [])
    reference = load_reference(paths) if paths else KnowledgeGraph()
    table = aliases if isinstance(aliases, AliasTable) else load_aliases(aliases)
    outcomes = []
    done: list[str] = [str(p) for p in paths]
    for source in sources:
        outcome = run_import(source, datasets_dir, Path(out_root) / source, reference=reference, aliases=table,
                             progress=progress_for(source) if progress_for else None,
                             reference_label=", ".join(done) or "none")
        done.append(str(Path(out_root) / source))
        reference = _merged(reference, outcome.graph)
        outcomes.append(outcome)
    return outcomes


def _merged(reference: KnowledgeGraph, addition: KnowledgeGraph) -> KnowledgeGraph:
    merged = KnowledgeGraph(dict(reference.entities), dict(reference.sources), list(reference.statements))
    merged.merge(addition)
    return merged
