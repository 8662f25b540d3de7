"""Shared fixtures. Feature-specific server fixtures live in delimited sections below."""
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "seed_data"


@pytest.fixture(scope="session")
def seed_graph():
    from graphkit.loader import load_yaml

    return load_yaml(SEED)


@pytest.fixture(scope="session")
def seed_exports(tmp_path_factory, seed_graph):
    """The seed data built and exported once per test session."""
    from graphkit.exports import write_exports

    out = tmp_path_factory.mktemp("exports")
    write_exports(seed_graph, out)
    return out
