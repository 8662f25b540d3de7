"""SHACL on the compiled store, incremental after a small edit.

Each generation keeps a digest of every subject's triples and of its `rdf:type` triples
(`subjects.json`, computed while the N-Triples stream is bulk-loaded). When the previous
generation passed SHACL with the same ontology and shapes, the build compares the digests and
records which subjects changed (`shacl-delta.json`); SHACL then validates only the nodes whose
result can have changed, on the part of the graph those results depend on:

- changed: every subject whose triples changed, was added or was removed;
- focus: the changed subjects, every node they point to through a predicate some shape
  targets the objects of (`sh:targetObjectsOf`: a new triple may make it a target), and every
  node pointing to a subject whose types changed (its `sh:class` constraints read them);
- data: every triple of a focus node, every triple that makes one a target of a shape
  (through those predicates), and the `rdf:type` triples of every node the focus nodes point
  to; the ontology is merged as in a full run.

Violations outside the focus are dropped (the part may leave other nodes incomplete); the rest
of the graph passed before and none of what its results depend on changed. A larger change
(more than DELTA_SHARE of the subjects), a first build or another ontology validates the whole
graph. tests/test_store_incremental.py checks that injected violations are found both ways and
that an edit which makes unchanged facts invalid (an entity changing class) is caught.
"""
from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

SUBJECTS = "subjects.json"
DELTA = "shacl-delta.json"
#: above this share of changed subjects, the whole graph is validated
DELTA_SHARE = 0.2

_TYPE = " <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> "


class SubjectDigests:
    """Digests of each subject's N-Triples lines (all of them, and its rdf:type lines), taken
    from the line stream as it goes by (lines of one subject come in runs)."""

    def __init__(self) -> None:
        self.digests: dict[str, list[int]] = {}
        self._subject: str | None = None
        self._all = hashlib.blake2b(digest_size=8)
        self._types = hashlib.blake2b(digest_size=8)

    def watch(self, lines: Iterable[str]) -> Iterator[str]:
        for line in lines:
            subject = line[:line.find(" ")]
            if subject != self._subject:
                self._close()
                self._subject = subject
            encoded = line.encode("utf-8")
            self._all.update(encoded)
            if _TYPE in line:
                self._types.update(encoded)
            yield line
        self._close()

    def _close(self) -> None:
        if self._subject is None:
            return
        entry = self.digests.setdefault(self._subject, [0, 0])
        entry[0] = (entry[0] + int.from_bytes(self._all.digest(), "big")) & 0xFFFFFFFFFFFFFFFF
        entry[1] = (entry[1] + int.from_bytes(self._types.digest(), "big")) & 0xFFFFFFFFFFFFFFFF
        self._subject = None
        self._all = hashlib.blake2b(digest_size=8)
        self._types = hashlib.blake2b(digest_size=8)

    def write(self, path: Path) -> None:
        with open(path, "w", encoding="utf-8") as handle:
            json.dump(self.digests, handle, separators=(",", ":"), sort_keys=True)


def read_digests(path: Path) -> dict[str, list[int]] | None:
    try:
        with open(path, encoding="utf-8") as handle:
            data = json.load(handle)
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def shacl_delta(previous: dict[str, list[int]], current: dict[str, list[int]]) -> dict | None:
    """The subjects whose triples (changed) and whose types (retyped) differ, or None when
    too many did to validate a part (DELTA_SHARE)."""
    changed, retyped = [], []
    for subject in previous.keys() | current.keys():
        old, new = previous.get(subject), current.get(subject)
        if old == new:
            continue
        changed.append(subject)
        if old is None or new is None or old[1] != new[1]:
            retyped.append(subject)
    if len(changed) > DELTA_SHARE * max(len(current), 1):
        return None
    return {"changed": sorted(changed), "retyped": sorted(retyped)}


def _node(text: str):
    import pyoxigraph as ox

    return ox.NamedNode(text[1:-1])


def _object_targets() -> list:
    """The predicates whose objects a shape targets (sh:targetObjectsOf), from the shapes."""
    import pyoxigraph as ox

    from ..ontology import ontology_dir

    with open(ontology_dir() / "shapes.ttl", "rb") as handle:
        return sorted({t.object for t in ox.parse(handle, ox.RdfFormat.TURTLE)
                       if t.predicate.value == "http://www.w3.org/ns/shacl#targetObjectsOf"
                       and isinstance(t.object, ox.NamedNode)}, key=str)


def delta_data(store, delta: dict) -> tuple[str, set[str]]:
    """(the N-Triples text to validate, the IRIs of the focus nodes) for a delta."""
    import pyoxigraph as ox

    rdf = store.rdf_store()
    graph = ox.DefaultGraph()
    rdf_type = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
    targeted = _object_targets()
    targeted_set = set(targeted)
    focus: set = set()
    for text in delta["changed"]:
        node = _node(text)
        focus.add(node)
        for quad in rdf.quads_for_pattern(node, None, None, graph):
            if quad.predicate in targeted_set:  # the object may be a new target
                focus.add(quad.object)
    for text in delta["retyped"]:  # whoever points to a node reads its types (sh:class)
        for quad in rdf.quads_for_pattern(None, None, _node(text), graph):
            focus.add(quad.subject)
    triples: set = set()
    mentioned: set = set()
    for node in focus:
        for quad in rdf.quads_for_pattern(node, None, None, graph):
            triples.add(quad.triple)
            if isinstance(quad.object, ox.NamedNode):
                mentioned.add(quad.object)
        for predicate in targeted:  # what makes the node a target of a shape
            for quad in rdf.quads_for_pattern(None, predicate, node, graph):
                triples.add(quad.triple)
    for node in mentioned - focus:
        for quad in rdf.quads_for_pattern(node, rdf_type, None, graph):
            triples.add(quad.triple)
    text = (ox.serialize(sorted(triples, key=str), format=ox.RdfFormat.N_TRIPLES) or b"").decode("utf-8")
    return text, {node.value for node in focus if isinstance(node, ox.NamedNode)}


class Validation:
    """run_shacl(store) in a thread, started at once: the build writes its exports meanwhile
    (pyrudof releases the GIL while it reads and validates). The model is loaded first, in the
    caller's thread, so the two do not both load it."""

    def __init__(self, store: Any) -> None:
        import threading

        store.model()
        self.store = store
        self._error: BaseException | None = None
        self._seconds = 0.0
        self._thread = threading.Thread(target=self._run, name="graphkit-shacl", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        import time

        start = time.perf_counter()
        try:
            from .core import _Lock

            run_shacl(self.store, lock=lambda: _Lock(self.store.key_dir / "lock"))
        except BaseException as exc:  # handed to the caller's thread by wait()
            self._error = exc
        self._seconds = time.perf_counter() - start

    def wait(self, timings: dict | None = None) -> None:
        """Wait for the result; raise what the validation raised (ValidationError)."""
        self._thread.join()
        if timings is not None:
            timings["shacl"] = self._seconds
        if self._error is not None:
            error, self._error = self._error, None
            raise error


def run_shacl(store, lock=None) -> str:
    """Validate the store's graph (a part of it when the generation has a delta); raise
    ValidationError on violations, else record success in the manifest (under `lock()` when
    given). Returns "delta" or "full" (what was validated)."""
    from ..errors import ValidationError
    from ..rdf import ntriples_lines
    from ..shacl import shacl_problems
    from .core import MANIFEST, write_json_atomic

    delta = None
    try:
        delta = json.loads((store.directory / DELTA).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        pass
    graph = store.model()
    if isinstance(delta, dict) and isinstance(delta.get("changed"), list):
        data, focus = delta_data(store, delta)
        problems = shacl_problems(graph, data, focus=focus)
        mode = "delta"
    else:
        data = "\n".join(ntriples_lines(graph, store.base_iri, store.ontology())) + "\n"
        problems = shacl_problems(graph, data)
        mode = "full"
    del data
    if problems:
        raise ValidationError(problems)
    store.manifest["shacl"] = True
    store.manifest["shacl_mode"] = mode
    if lock is None:
        write_json_atomic(store.directory / MANIFEST, store.manifest)
    else:
        with lock():
            write_json_atomic(store.directory / MANIFEST, store.manifest)
    return mode
