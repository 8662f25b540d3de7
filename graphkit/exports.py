"""Exports to exports/: Turtle (data and ontology), N-Triples, JSON-LD.

Every file is written to a temporary file in the same directory and renamed into place, so a
reader never sees half a file and a failed build leaves the previous exports intact.
"""
from __future__ import annotations

import io
import json
import os
import tempfile
from pathlib import Path
from typing import Callable

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
        body = ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes=data_prefixes(base_iri))
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
