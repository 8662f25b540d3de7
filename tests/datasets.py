"""Where the shared third-party datasets are, for the importer tests."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).parents[1]
DATASETS = REPO.parent / "shared" / "datasets"
SEED = REPO / "seed_data"
ALIASES = REPO / "resolution" / "aliases.yaml"
IMPORTER_FIXTURES = REPO / "tests" / "data" / "importers"


def datasets_dir() -> Path:
    """The datasets folder; skipped on a developer machine without it, a failure in CI."""
    if not DATASETS.is_dir():
        if os.environ.get("CI"):
            pytest.fail(f"the shared datasets are missing: {DATASETS}")
        pytest.skip(f"the shared datasets are not here: {DATASETS}")
    return DATASETS


def facts(graph) -> set[tuple[str, str, str]]:
    return {(s.subject, s.relation, s.object) for s in graph.statements}
