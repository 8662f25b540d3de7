"""Incremental builds: one edited file rewrites only the exports that depend on it, with the
same bytes as a full build; SHACL re-validates only what changed and finds what a full run
finds; the fast writers (JSON-LD, GraphML) write the same bytes as the libraries they replace."""
import shutil
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest

from graphkit import api
from graphkit.exports import jsonld_context, jsonld_via_rdflib
from graphkit.jsonld import jsonld_bytes
from graphkit.propertygraph import to_graphml, to_graphml_networkx
from graphkit.rdf import rdf_triples

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "seed_data"
FACT = """
  - fact: apple partners-with baidu
    status: rumored
    market: china
    source: reuters-2025-02-11-apple-alibaba
    note: an edit
"""

ODD = """entities:
  - id: odd-co
    type: Company
    name: "A & B <\\"quoted\\"> \\t tab"
    description: "line one\\nline two \\u2028 separator, 中文, emoji 🙂"
    aliases: ["Zeta", "alpha", "Ä", "\\"q\\""]
    labels: {fr: "Société & <Cie>", zh: "公司"}
  - id: odd-model
    type: AIModel
    name: Odd Model
relations:
  - fact: odd-co develops odd-model
    status: reported
    source: odd-source
    note: "a note with 'quotes' and a backslash \\\\ and a CR \\r here"
sources:
  - id: odd-source
    title: "Odd & <source>"
    url: https://example.org/a?b=1&c=2
    date: 2024-02
"""


@pytest.fixture
def data(tmp_path):
    folder = tmp_path / "data"
    shutil.copytree(SEED, folder)
    return folder


def _relations_file(folder: Path) -> Path:
    return folder / "relations" / "apple-china.yaml"


def test_one_file_edit_rewrites_the_data_exports_only_with_a_full_builds_bytes(data, tmp_path, monkeypatch):
    out = tmp_path / "out"
    first = api.build([data], out, shacl=True)
    assert first.store.manifest["shacl_mode"] == "full"
    with open(_relations_file(data), "a", encoding="utf-8") as handle:
        handle.write(FACT)
    second = api.build([data], out, shacl=True)
    written = {p.name for p in second.files}
    assert written == {"graph.ttl", "graph.nt", "graph.jsonld", "graph.html", "graph.graphml", "graph.cypher"}
    assert {p.name for p in second.unchanged} == {"ontology.ttl", "context.jsonld"}  # the ontology did not change
    assert second.store.manifest["shacl"] and second.store.manifest["shacl_mode"] == "delta"
    assert second.store.manifest["parsed"] == [str(_relations_file(data).relative_to(Path.cwd()))
                                              if _relations_file(data).is_relative_to(Path.cwd())
                                              else str(_relations_file(data))]
    # a full build of the same data, from an empty cache and in one process (the page and the
    # property-graph exports are otherwise written by a forked child), writes the same bytes
    monkeypatch.setenv("GRAPHKIT_BUILD_JOBS", "1")
    fresh = tmp_path / "fresh"
    full = api.build([data], fresh, shacl=True, cache_dir=tmp_path / "other-cache")
    assert full.store.manifest["shacl_mode"] == "full"
    names = sorted(p.name for p in out.iterdir())
    assert names == sorted(p.name for p in fresh.iterdir())
    for name in names:
        assert (out / name).read_bytes() == (fresh / name).read_bytes(), name
    assert (b"<https://w3id.org/graphkit/entity/apple> <https://w3id.org/graphkit/ontology#partnersWith> "
            b"<https://w3id.org/graphkit/entity/baidu> .") in (out / "graph.nt").read_bytes()


def test_an_edit_with_a_violation_fails_the_incremental_build_and_publishes_nothing(data, tmp_path):
    out = tmp_path / "out"
    api.build([data], out, shacl=True)
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    with open(_relations_file(data), "a", encoding="utf-8") as handle:
        handle.write(FACT.replace("apple partners-with baidu", "apple partners-with nowhere-inc"))
    from graphkit.errors import ValidationError

    with pytest.raises(ValidationError) as error:
        api.build([data], out, shacl=True)
    assert "nowhere-inc" in str(error.value)
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before


# ------------------------------------------------------------------ SHACL on a part of the graph

def _tampered(store, tmp_path: Path, edit) -> object:
    """A copy of the store's generation with its Oxigraph triples edited by `edit(ox.Store)`."""
    from graphkit.store.core import CompiledStore

    copy = tmp_path / "gen-copy"
    shutil.copytree(store.directory, copy, ignore=shutil.ignore_patterns(".inuse"))
    writable = ox.Store(str(copy / "oxigraph"))
    edit(writable)
    writable.flush()
    del writable
    return CompiledStore(copy, dict(store.manifest), store.key_dir)


def _full_problems(store) -> set[str]:
    from graphkit.shacl import shacl_problems

    text = (store.rdf_store().dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph()) or b"").decode()
    return {p.message for p in shacl_problems(store.model(), text)}


def _delta_problems(store, changed: list[str], retyped: list[str]) -> set[str]:
    from graphkit.shacl import shacl_problems
    from graphkit.store.validate import delta_data

    text, focus = delta_data(store, {"changed": changed, "retyped": retyped})
    return {p.message for p in shacl_problems(store.model(), text, focus=focus)}


E = "https://w3id.org/graphkit/entity/"
GK = "https://w3id.org/graphkit/ontology#"
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")


@pytest.mark.parametrize("case", ["retyped", "new-target", "bad-status"])
def test_shacl_on_the_changed_part_finds_what_a_full_run_finds(tmp_path, case):
    from graphkit.store import ensure_store

    store = ensure_store([SEED], cache_dir=tmp_path / "cache")
    apple = ox.NamedNode(E + "apple")
    if case == "retyped":  # apple becomes a model: facts that did not change now break ranges
        def edit(s):
            s.remove(ox.Quad(apple, RDF_TYPE, ox.NamedNode(GK + "Company"), ox.DefaultGraph()))
            s.add(ox.Quad(apple, RDF_TYPE, ox.NamedNode(GK + "AIModel"), ox.DefaultGraph()))
        changed, retyped = [f"<{E}apple>"], [f"<{E}apple>"]
    elif case == "new-target":  # a new triple makes a model the object of partners-with
        def edit(s):
            s.add(ox.Quad(apple, ox.NamedNode(GK + "partnersWith"), ox.NamedNode(E + "qwen"), ox.DefaultGraph()))
        changed, retyped = [f"<{E}apple>"], []
    else:  # a statement's status outside the list
        statement = next(iter(store.rdf_store().quads_for_pattern(
            None, ox.NamedNode(GK + "status"), None, ox.DefaultGraph())))
        def edit(s):
            s.remove(statement)
            s.add(ox.Quad(statement.subject, statement.predicate, ox.NamedNode(GK + "maybe"), ox.DefaultGraph()))
        changed, retyped = [str(statement.subject)], []
    tampered = _tampered(store, tmp_path, edit)
    full = _full_problems(tampered)
    assert full, "the edit must break a shape"
    assert _delta_problems(tampered, changed, retyped) == full


def test_shacl_delta_lists_changed_and_retyped_subjects():
    from graphkit.store.validate import DELTA_SHARE, shacl_delta

    old = {"<a>": [1, 1], "<b>": [2, 2], "<c>": [3, 3], **{f"<x{i}>": [i, i] for i in range(20)}}
    new = {**old, "<a>": [9, 1], "<b>": [9, 9], "<d>": [4, 4]}
    del new["<c>"]
    assert shacl_delta(old, new) == {"changed": ["<a>", "<b>", "<c>", "<d>"], "retyped": ["<b>", "<c>", "<d>"]}
    many = {key: [0, 0] for key in old}
    assert shacl_delta(old, many) is None and DELTA_SHARE < 1  # most changed: validate everything


# ------------------------------------------------------------------ the fast writers

@pytest.fixture(scope="module")
def odd_graph(tmp_path_factory):
    folder = tmp_path_factory.mktemp("odd")
    shutil.copytree(SEED, folder / "seed")
    (folder / "seed" / "odd.yaml").write_text(ODD, encoding="utf-8")
    return api.load(folder / "seed")


@pytest.mark.parametrize("which", ["seed", "odd"])
def test_jsonld_writer_matches_rdflib(seed_graph, odd_graph, which):
    graph = seed_graph if which == "seed" else odd_graph
    triples = rdf_triples(graph)
    assert jsonld_bytes(triples, jsonld_context()["@context"]) == jsonld_via_rdflib(triples)


def test_jsonld_writer_matches_rdflib_on_unusual_terms():
    s = ox.NamedNode("https://w3id.org/graphkit/entity/a")
    triples = [
        ox.Triple(s, ox.NamedNode("https://schema.org/name"), ox.Literal("x \"q\" \\ \n é 中")),
        ox.Triple(s, ox.NamedNode("https://w3id.org/graphkit/ontology#n"), ox.Literal("1e16", datatype=ox.NamedNode(
            "http://www.w3.org/2001/XMLSchema#double"))),
        ox.Triple(s, ox.NamedNode("https://w3id.org/graphkit/ontology#n"), ox.Literal("-7", datatype=ox.NamedNode(
            "http://www.w3.org/2001/XMLSchema#integer"))),
        ox.Triple(s, ox.NamedNode("https://w3id.org/graphkit/ontology#b"), ox.Literal(True)),
        ox.Triple(s, ox.NamedNode("https://w3id.org/graphkit/ontology#d"), ox.Literal("2024-02-01", datatype=ox.NamedNode(
            "http://www.w3.org/2001/XMLSchema#date"))),
        ox.Triple(s, ox.NamedNode("http://example.org/other#p"), ox.Literal("hors", language="fr")),
        ox.Triple(s, ox.NamedNode("http://example.org/other#p"), ox.Literal("out", language="en")),
        ox.Triple(s, ox.NamedNode("https://w3id.org/graphkit/ontology#t"), ox.Literal("v", datatype=ox.NamedNode(
            "http://example.org/dt/custom"))),
        ox.Triple(s, ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"),
                  ox.NamedNode("https://w3id.org/graphkit/ontology#Company")),
        ox.Triple(s, ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"),
                  ox.NamedNode("http://example.org/Thing")),
        ox.Triple(s, ox.NamedNode("https://w3id.org/graphkit/ontology#x"),
                  ox.NamedNode("https://w3id.org/graphkit/entity/with/slash")),
        ox.Triple(s, ox.NamedNode("https://w3id.org/graphkit/ontology#x"),
                  ox.NamedNode("https://w3id.org/graphkit/statement/s1/history/1")),
        ox.Triple(ox.NamedNode("https://w3id.org/graphkit/entity/b#frag"), ox.NamedNode("https://schema.org/name"),
                  ox.Literal("b")),
        ox.Triple(ox.NamedNode("urn:x:y"), ox.NamedNode("https://schema.org/name"), ox.Literal("urn")),
    ]
    triples.append(triples[0])  # a repeated triple is one value
    context = jsonld_context()["@context"]
    assert jsonld_bytes(triples, context) == jsonld_via_rdflib(triples)


def test_graphml_writer_matches_networkx(seed_graph, odd_graph):
    assert to_graphml(seed_graph) == to_graphml_networkx(seed_graph)
    assert to_graphml(odd_graph) == to_graphml_networkx(odd_graph)


def test_shacl_in_the_background_hands_its_violations_to_the_build(tmp_path):
    from graphkit.errors import ValidationError
    from graphkit.store import ensure_store
    from graphkit.store.validate import Validation

    store = ensure_store([SEED], cache_dir=tmp_path / "cache")
    apple = ox.NamedNode(E + "apple")
    tampered = _tampered(store, tmp_path, lambda s: s.remove(
        ox.Quad(apple, RDF_TYPE, ox.NamedNode(GK + "Company"), ox.DefaultGraph())))
    tampered.manifest["shacl"] = False
    (tampered.directory / "shacl-delta.json").write_text(f'{{"changed": ["<{E}apple>"], "retyped": ["<{E}apple>"]}}')
    timings: dict = {}
    with pytest.raises(ValidationError) as error:
        Validation(tampered).wait(timings)
    assert "SHACL: apple" in str(error.value) and timings["shacl"] > 0
    assert not tampered.manifest["shacl"]
    Validation(store).wait()  # the untouched store passes and says so
    assert store.manifest["shacl"] and store.manifest["shacl_mode"] == "full"


def test_starting_the_cli_does_not_import_the_cypher_package():
    import subprocess
    import sys

    from graphkit.cli.cypher import OUTPUT_FORMATS
    from graphkit.cypher.output import OUTPUT_FORMATS as LIBRARY_FORMATS

    assert OUTPUT_FORMATS == LIBRARY_FORMATS
    code = "import sys, graphkit.cli; print(sorted(m for m in sys.modules if m.startswith('graphkit.cypher')))"
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                            env={**__import__("os").environ, "PYTHONPATH": str(ROOT)}).stdout.strip()
    assert loaded == "[]"


def test_parsing_ahead_in_parallel_gives_the_same_store(tmp_path, monkeypatch):
    from graphkit.store import build, ensure_store

    monkeypatch.setattr(build, "PARALLEL_PARSE_BYTES", 0)  # the seed is small: parse it ahead anyway
    parallel = ensure_store([SEED], cache_dir=tmp_path / "parallel")
    assert len(parallel.manifest["parsed"]) == len(parallel.manifest["files"])
    monkeypatch.setenv("GRAPHKIT_BUILD_JOBS", "1")
    serial = ensure_store([SEED], cache_dir=tmp_path / "serial")
    assert parallel.digest == serial.digest
    assert (parallel.directory / "model.jsonl").read_bytes() == (serial.directory / "model.jsonl").read_bytes()
    assert sorted(parallel.manifest["parsed"]) == sorted(serial.manifest["parsed"])


def test_parsing_ahead_ends_under_a_server_sigterm_handler_and_off_the_main_thread(tmp_path):
    """graphkit serve builds a stale store in a worker thread of a process whose SIGTERM handler
    is uvicorn's graceful shutdown (a CI run hung there on the merged graph): off the main thread
    nothing is forked (a child could inherit another thread's lock taken), and on it the pool's
    workers leave on their own even when they inherited a handler that ignores SIGTERM."""
    code = f"""
import os, signal, sys, threading
sys.path.insert(0, {str(ROOT)!r})
from graphkit.store import build, ensure_store
signal.signal(signal.SIGTERM, lambda *_: None)  # a server's handler: the workers inherit it
build.PARALLEL_PARSE_BYTES = 0
forks = []
os.register_at_fork(before=lambda: forks.append(threading.current_thread().name))
main = ensure_store([{str(SEED)!r}], cache_dir={str(tmp_path / 'main')!r})
assert forks and set(forks) == {{"MainThread"}}, forks
forks.clear()
done = []
thread = threading.Thread(target=lambda: done.append(ensure_store([{str(SEED)!r}], cache_dir={str(tmp_path / 'thread')!r})))
thread.start()
thread.join()
assert done[0].digest == main.digest
assert forks == [], forks
print("ok")
"""
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == "ok"
