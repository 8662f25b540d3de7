"""Exports: determinism, round trip, atomic writes, formats."""
import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import rdflib
import rdflib.compare

from graphkit import api
from graphkit.errors import ValidationError
from graphkit.exports import atomic_write, serialize
from graphkit.rdf import load_turtle

ROOT = Path(__file__).resolve().parents[1]


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_two_builds_are_byte_identical(tmp_path, seed_build):
    """`graphkit build` in another process, with another hash seed (so other dict and set
    orders) and its own empty store, writes the same bytes as the session's build."""
    _, ours = seed_build
    seed = "2" if os.environ.get("PYTHONHASHSEED") == "1" else "1"
    out = tmp_path / "out"
    subprocess.run([sys.executable, "-m", "graphkit.cli", "--store", str(tmp_path / "store"), "build",
                    str(ROOT / "seed_data"), "-o", str(out), "-q"],
                   check=True, env=dict(os.environ, PYTHONHASHSEED=seed), cwd=tmp_path)
    files = sorted(p.name for p in out.iterdir())
    assert {"graph.ttl", "graph.nt", "graph.jsonld", "ontology.ttl", "context.jsonld", "graph.html"} <= set(files)
    assert files == sorted(p.name for p in ours.iterdir())
    for name in files:
        assert digest(out / name) == digest(ours / name), name
    assert list((tmp_path / "store").glob("stores/*/gen-*"))  # it compiled its own store


def test_turtle_round_trip_loses_no_fact(seed_graph, seed_exports):
    back = load_turtle(seed_exports / "graph.ttl")
    assert back.entities == seed_graph.entities
    assert back.sources == seed_graph.sources
    assert sorted(s.id for s in back.statements) == sorted(s.id for s in seed_graph.statements)
    by_id = {s.id: s for s in seed_graph.statements}
    for st in back.statements:
        original = by_id[st.id]
        assert (st.status, sorted(st.sources), st.market, st.since, st.until, st.note, st.quote) == \
               (original.status, sorted(original.sources), original.market, original.since, original.until,
                original.note, original.quote)
    # and exporting the reloaded model gives the same bytes
    assert serialize(back, "turtle") == (seed_exports / "graph.ttl").read_bytes()


def test_build_accepts_exported_turtle(tmp_path, seed_exports):
    result = api.build([seed_exports / "graph.ttl"], tmp_path / "again", shacl=False, extras=False)
    assert (tmp_path / "again" / "graph.ttl").read_bytes() == (seed_exports / "graph.ttl").read_bytes()
    assert result.triple_count == len(rdflib.Graph().parse(seed_exports / "graph.nt"))


def test_ntriples_and_jsonld_hold_the_same_graph(seed_exports):
    turtle = rdflib.Graph().parse(seed_exports / "graph.ttl")
    ntriples = rdflib.Graph().parse(seed_exports / "graph.nt")
    jsonld = rdflib.Graph().parse(seed_exports / "graph.jsonld", format="json-ld")
    assert len(turtle) == len(ntriples) == len(jsonld)
    assert rdflib.compare.isomorphic(turtle, ntriples)
    assert rdflib.compare.isomorphic(turtle, jsonld)


def test_jsonld_context_is_inlined_not_fetched(seed_exports):
    document = json.loads((seed_exports / "graph.jsonld").read_text())
    shipped = json.loads((ROOT / "ontology" / "context.jsonld").read_text())
    assert document["@context"] == shipped["@context"]  # a dict, not a URL to fetch


def test_turtle_is_prefixed_and_readable(seed_exports):
    text = (seed_exports / "graph.ttl").read_text()
    assert "@prefix gk: <https://w3id.org/graphkit/ontology#> ." in text
    assert "e:apple a gk:Company ;" in text
    assert "brick:" not in text and "<https://w3id.org/graphkit/entity/apple>" not in text


def test_atomic_write_leaves_old_file_on_failure(tmp_path):
    target = tmp_path / "graph.ttl"
    target.write_text("old")

    def explode(handle):
        handle.write(b"half of a fi")
        raise RuntimeError("disk full")

    with pytest.raises(RuntimeError):
        atomic_write(target, explode)
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["graph.ttl"]  # no temp file left behind


def test_failed_build_writes_nothing(tmp_path):
    out = tmp_path / "exports"
    with pytest.raises(ValidationError):
        api.build([ROOT / "tests" / "data" / "invalid" / "unknown_type.yaml"], out)
    assert not out.exists()


def test_base_iri_is_configurable(seed_graph):
    text = serialize(seed_graph, "ntriples", base_iri="https://kg.example.com/ai").decode()
    assert "<https://kg.example.com/ai/entity/apple>" in text
    assert "w3id.org/graphkit/entity" not in text
