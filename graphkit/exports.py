"""Exports to exports/: Turtle (data and ontology), N-Triples, JSON-LD.

Every file is written to a temporary file in the same directory and renamed into place, so a
reader never sees half a file. A build writes all its outputs into a staging folder beside the
output folder and publishes them together (`staged_output`): a failed or killed build leaves
every old export untouched, and a reader sees the old set or the new set, never a mix.
"""
from __future__ import annotations

import contextlib
import io
import json
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, cast

import pyoxigraph as ox

from .defaults import DEFAULT_BASE_IRI, DEFAULT_OUT_DIR
from .model import KnowledgeGraph
from .ontology import Ontology, load_ontology, ontology_dir
from .processes import pid_alive
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


_STAGING = ".staging-"


@contextlib.contextmanager
def staged_output(out_dir: str | os.PathLike) -> Iterator[Path]:
    """A staging folder for everything a build writes to `out_dir`, published as one change.

    Writers write into the yielded folder (a sibling of `out_dir`, on the same file system).
    When the block ends without an error, files of `out_dir` the build did not write (unchanged
    exports, the user's own files) are hard-linked into the staging folder, and the two folders
    are swapped with one atomic rename (Linux renameat2 RENAME_EXCHANGE; elsewhere two renames).
    On an error, or if the process is killed, `out_dir` is untouched; a staging folder left by a
    killed build is removed by the next one. An output folder that cannot be written is a
    GraphkitError (one line), raised before anything is written.
    """
    from .errors import GraphkitError

    out_dir = Path(out_dir)
    if out_dir.is_symlink():
        out_dir = out_dir.resolve()
    target = out_dir.absolute()
    parent = target.parent
    if target.exists() and not target.is_dir():
        raise GraphkitError(f"cannot write the exports to {out_dir}: it is a file, not a folder")
    try:
        parent.mkdir(parents=True, exist_ok=True)
        if target.exists() and not os.access(target, os.W_OK | os.X_OK):
            raise PermissionError(13, "Permission denied")
        _remove_stale_staging(parent, target.name)
        stage = Path(tempfile.mkdtemp(prefix=f".{target.name}{_STAGING}{os.getpid()}-", dir=parent))
    except OSError as exc:
        raise GraphkitError(f"cannot write the exports to {out_dir}: {exc.strerror or exc}") from None
    try:
        yield stage
        _publish(stage, target)
    except OSError as exc:
        shutil.rmtree(stage, ignore_errors=True)
        raise GraphkitError(f"cannot write the exports to {out_dir}: {exc.strerror or exc}"
                            f"{' (' + str(exc.filename) + ')' if exc.filename else ''}") from None
    except BaseException:
        shutil.rmtree(stage, ignore_errors=True)
        raise


def published_path(path: Path, stage: Path, out_dir: str | os.PathLike) -> Path:
    """Where a file written into the staging folder lives once published."""
    try:
        return Path(out_dir) / Path(path).relative_to(stage)
    except ValueError:
        return Path(path)


def _publish(stage: Path, target: Path) -> None:
    mode = target.stat().st_mode & 0o7777 if target.exists() else 0o777 & ~_umask()
    os.chmod(stage, mode)
    if not target.exists():
        os.rename(stage, target)
        return
    for old in sorted(target.rglob("*")):  # what this build did not write stays as it was
        new = stage / old.relative_to(target)
        if old.is_dir() and not old.is_symlink():
            new.mkdir(exist_ok=True)
        elif not new.exists() and not new.is_symlink():
            try:
                os.link(old, new, follow_symlinks=False)
            except OSError:
                shutil.copy2(old, new, follow_symlinks=False)
    if not _exchange(stage, target):
        old_dir = stage.with_name(stage.name + "-old")
        os.rename(target, old_dir)
        os.rename(stage, target)
        stage = old_dir
    shutil.rmtree(stage, ignore_errors=True)  # the old exports, now at the staging path


def _exchange(a: Path, b: Path) -> bool:
    """Swap two directories in one atomic step (Linux renameat2 RENAME_EXCHANGE); False if
    the system cannot."""
    import sys

    if not sys.platform.startswith("linux"):
        return False
    import ctypes

    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd, rename_exchange = -100, 2
    if renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0:
        return True
    error = ctypes.get_errno()
    if error in (22, 38, 95):  # EINVAL, ENOSYS, EOPNOTSUPP: not on this file system
        return False
    raise OSError(error, os.strerror(error), str(b))


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _remove_stale_staging(parent: Path, name: str) -> None:
    """Staging folders of builds that were killed (their process is gone)."""
    prefix = f".{name}{_STAGING}"
    for child in parent.glob(f"{prefix}*"):
        pid = child.name[len(prefix):].split("-", 1)[0]
        if pid.isdigit() and not pid_alive(int(pid)):
            shutil.rmtree(child, ignore_errors=True)


def jsonld_context() -> dict:
    """The JSON-LD context shipped in ontology/context.jsonld (never fetched from the web)."""
    return json.loads((ontology_dir() / "context.jsonld").read_text(encoding="utf-8"))


def serialize(graph: KnowledgeGraph, fmt: str = "turtle", base_iri: str = DEFAULT_BASE_IRI,
              ontology: Ontology | None = None) -> bytes:
    """The graph in one export format, as bytes (deterministic for the same input)."""
    return serialize_triples(list(rdf_triples(graph, base_iri, ontology)), fmt, base_iri)


def serialize_triples(triples: list[ox.Triple], fmt: str = "turtle", base_iri: str = DEFAULT_BASE_IRI) -> bytes:
    """serialize() of the graph's triples (as graphkit.rdf.rdf_triples lists them, in canonical order)."""
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
    """Compact JSON-LD with the shipped context inlined, one node object per subject, sorted
    (graphkit.jsonld; through rdflib for the graphs it does not handle)."""
    from .jsonld import NeedsRdflib, jsonld_bytes

    try:
        return jsonld_bytes(triples, jsonld_context()["@context"])
    except NeedsRdflib:
        return jsonld_via_rdflib(triples)


def jsonld_via_rdflib(triples: list[ox.Triple]) -> bytes:
    """The JSON-LD export through rdflib's serializer (the reference for graphkit.jsonld)."""
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
