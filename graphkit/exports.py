"""Exports to exports/: Turtle (data and ontology), N-Triples, JSON-LD.

Every file is written to a temporary file in the same directory and renamed into place, so a
reader never sees half a file and a failed build leaves the previous exports intact.
"""
from __future__ import annotations

import io
import json
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import IO, cast

import pyoxigraph as ox

from .defaults import DEFAULT_BASE_IRI, DEFAULT_OUT_DIR
from .model import KnowledgeGraph
from .ontology import Ontology, load_ontology, ontology_dir
from .rdf import data_prefixes, rdf_triples

EXPORT_FORMATS = ("turtle", "ntriples", "jsonld")
FILE_NAMES = {"turtle": "graph.ttl", "ntriples": "graph.nt", "jsonld": "graph.jsonld"}


def atomic_write(path: str | os.PathLike, write: Callable[[io.BufferedWriter], None] | bytes | str) -> Path:
    """Write a file via a temporary sibling and an atomic rename."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            if callable(write):
                write(handle)
            else:
                handle.write(write.encode("utf-8") if isinstance(write, str) else write)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def jsonld_context() -> dict:
    """The JSON-LD context shipped in ontology/context.jsonld (never fetched from the web)."""
    return json.loads((ontology_dir() / "context.jsonld").read_text(encoding="utf-8"))


def serialize(graph: KnowledgeGraph, fmt: str = "turtle", base_iri: str = DEFAULT_BASE_IRI,
              ontology: Ontology | None = None) -> bytes:
    """The graph in one export format, as bytes (deterministic for the same input)."""
    triples = list(rdf_triples(graph, base_iri, ontology))
    if fmt == "turtle":
        body = ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes=data_prefixes(base_iri)) or b""
        # The serializer's prefix order is not specified: sort the @prefix block ourselves.
        lines = body.split(b"\n")
        prefixes = sorted(line for line in lines if line.startswith(b"@prefix "))
        rest = [line for line in lines if not line.startswith(b"@prefix ")]
        return _turtle_header() + b"\n".join(prefixes) + b"\n\n" + b"\n".join(rest)
    if fmt == "ntriples":
        # Sorted lines: N-Triples is for diffs and line tools, order by subject then predicate.
        # Split on "\n" only: str.splitlines() would also break lines at U+2028, U+0085... that
        # N-Triples keeps unescaped inside literals.
        lines = (ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b"").split(b"\n")
        return b"\n".join(sorted(line for line in lines if line)) + b"\n"
    if fmt == "jsonld":
        return _jsonld(triples)
    raise ValueError(f"unknown export format '{fmt}' (known: {', '.join(EXPORT_FORMATS)})")


def _turtle_header() -> bytes:
    return (b"# graphkit knowledge graph of the AI industry.\n"
            b"# Generated from YAML by `graphkit build`; edit the YAML, not this file.\n"
            b"# Vocabulary: ontology.ttl (https://w3id.org/graphkit/ontology#).\n\n")


def _jsonld(triples: list[ox.Triple]) -> bytes:
    """Compact JSON-LD with the shipped context inlined, one node object per subject, sorted."""
    from rdflib import Graph

    from ._compat import from_ox

    context = jsonld_context()
    memory = Graph(bind_namespaces="none")
    for t in triples:
        memory.add((from_ox(t.subject), from_ox(t.predicate), from_ox(t.object)))
    text = memory.serialize(format="json-ld", context=context["@context"], auto_compact=True)
    document = json.loads(text)
    nodes = document.get("@graph", [document] if "@id" in document else [])
    for node in nodes:
        for key, value in node.items():
            if isinstance(value, list):
                node[key] = sorted(value, key=lambda v: json.dumps(v, sort_keys=True, ensure_ascii=False))
    nodes.sort(key=lambda n: n.get("@id", ""))
    out = {"@context": context["@context"], "@graph": nodes}
    return (json.dumps(out, indent=2, ensure_ascii=False, sort_keys=True) + "\n").encode("utf-8")


def write_exports(graph: KnowledgeGraph, out_dir: str | os.PathLike = DEFAULT_OUT_DIR,
                  formats: tuple[str, ...] = EXPORT_FORMATS, base_iri: str = DEFAULT_BASE_IRI,
                  ontology: Ontology | None = None) -> list[Path]:
    """Write the data in each format, plus ontology.ttl and context.jsonld, atomically."""
    ontology = ontology or load_ontology()
    out_dir = Path(out_dir)
    written = []
    for fmt in formats:
        written.append(atomic_write(out_dir / FILE_NAMES[fmt], serialize(graph, fmt, base_iri, ontology)))
    for name in ("ontology.ttl", "context.jsonld"):
        source = ontology_dir() / ("graphkit.ttl" if name == "ontology.ttl" else name)
        written.append(atomic_write(out_dir / name, source.read_bytes()))
    return written


# ---------------------------------------------------------------------- streamed exports
# The same bytes as serialize(), without holding the triples or the text in memory: the model's
# N-Triples lines go through Oxigraph's parser and serializer in chunks.

#: N-Triples lines sorted in memory at a time; longer exports are merged from sorted runs on disk.
SORT_RUN_LINES = 2_000_000


def _triple_stream(graph: KnowledgeGraph, base_iri: str, ontology: Ontology | None):
    from .rdf import LineStream, ntriples_lines

    return ox.parse(io.BufferedReader(LineStream(ntriples_lines(graph, base_iri, ontology))), ox.RdfFormat.N_TRIPLES)


class _SkipPrefixes:
    """A writer that drops the serializer's own @prefix block (written sorted by us)."""

    def __init__(self, handle):
        self.handle = handle
        self.pending = b""
        self.started = False

    def write(self, data: bytes) -> int:
        if self.started:
            self.handle.write(data)
            return len(data)
        self.pending += data
        lines = self.pending.split(b"\n")
        for index, line in enumerate(lines[:-1]):
            if not line.startswith(b"@prefix "):
                self.started = True
                self.handle.write(b"\n".join(lines[index:]))
                self.pending = b""
                return len(data)
        self.pending = lines[-1]
        return len(data)

    def flush(self) -> None:
        if not self.started and self.pending:
            self.handle.write(self.pending)
            self.pending = b""


def write_turtle(graph: KnowledgeGraph, handle, base_iri: str = DEFAULT_BASE_IRI,
                 ontology: Ontology | None = None) -> None:
    """serialize(graph, "turtle") written to `handle` as a stream."""
    prefixes = data_prefixes(base_iri)
    handle.write(_turtle_header())
    handle.write(b"\n".join(sorted(f"@prefix {p}: <{ns}> .".encode() for p, ns in prefixes.items())))
    handle.write(b"\n\n")
    body = _SkipPrefixes(handle)
    ox.serialize(_triple_stream(graph, base_iri, ontology), cast(IO[bytes], body), ox.RdfFormat.TURTLE,
                 prefixes=prefixes)
    body.flush()


def write_ntriples(graph: KnowledgeGraph, handle, base_iri: str = DEFAULT_BASE_IRI,
                   ontology: Ontology | None = None, run_lines: int = SORT_RUN_LINES) -> None:
    """serialize(graph, "ntriples") (sorted lines) written to `handle`; beyond `run_lines` lines
    the sort runs on disk (sorted runs, then a merge), so memory stays bounded."""
    import heapq
    import itertools

    triples = _triple_stream(graph, base_iri, ontology)
    runs: list = []
    try:
        while True:
            batch = list(itertools.islice(triples, run_lines))
            if not batch:
                break
            lines = (ox.serialize(batch, format=ox.RdfFormat.N_TRIPLES) or b"").splitlines(keepends=True)
            del batch
            lines.sort()
            if not runs and len(lines) < run_lines:
                handle.write(b"".join(lines))
                return
            run = tempfile.TemporaryFile()
            run.writelines(lines)
            run.seek(0)
            runs.append(run)
        for line in heapq.merge(*runs):
            handle.write(line)
    finally:
        for run in runs:
            run.close()
