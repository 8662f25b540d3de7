"""Shared fixtures: the seed graph and its exports. Each real server the tests start has its own
pytest plugin in tests/plugins/ (FalkorDB, Oxigraph server, Virtuoso, graphkit serve), and so has
the headless Chromium of the browser tests (plugins/chromium.py); all are registered here."""
from pathlib import Path

import pytest

pytest_plugins = ["plugins.falkordb", "plugins.oxigraph_server", "plugins.virtuoso", "plugins.graphkit_server",
                  "plugins.chromium"]

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


@pytest.fixture(scope="session")
def seed_build(tmp_path_factory):
    """`graphkit build` of the seed data (every output, SHACL on) from an empty store, once per
    test session: (BuildResult, the exports folder). Tests read it, never write into it."""
    from graphkit import api

    folder = tmp_path_factory.mktemp("seed-build")
    result = api.build(SEED, folder / "exports", cache_dir=folder / "cache")
    return result, folder / "exports"
