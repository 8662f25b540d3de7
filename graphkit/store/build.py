"""Compiling the store: parse what changed, validate the whole model, load RDF in a stream, publish.

Called with the store's lock held (graphkit.store.ensure_store).
"""
from __future__ import annotations

import hashlib
import io
import json
import os
import re
import shutil
import signal
import tempfile
import threading
import time
from pathlib import Path

from .codec import dumps, entities_of, file_document, problems_of, sources_of, statements_of
from .core import (
    FALKORDB,
    MANIFEST,
    MODEL,
    ONTOLOGY,
    OXIGRAPH,
    STORE_FORMAT,
    CompiledStore,
    StaleStore,
    Step,
    StoreLocation,
    _display,
    graphkit_version,
    remove_generation,
    sha256_file,
    write_json_atomic,
)


class ParseCache:
    """Parsed YAML files by content hash (and ontology), as JSON documents in `.graphkit/parsed/`."""

    def __init__(self, directory: Path, ontology: str):
        self.directory = directory
        self.ontology = ontology
        self.parsed: list[str] = []  # displays of the files really parsed (for tests and the report)

    def _path(self, content: str) -> Path:
        key = hashlib.sha256(f"{content}\x1f{self.ontology}".encode()).hexdigest()
        return self.directory / key[:2] / f"{key}.json"

    def get(self, content: str, display: str) -> dict | None:
        path = self._path(content)
        try:
            document = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if not isinstance(document, dict) or "entities" not in document:
            return None
        old = document.get("file")
        document["file"] = display
        document["problems"] = [[display if f == old else f, line, message]
                                for f, line, message in document.get("problems", ())]
        return document

    def put(self, content: str, document: dict) -> None:
        path = self._path(content)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=".", suffix=".tmp", dir=path.parent)
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(dumps(document))
            os.replace(tmp, path)
        except OSError:
            pass  # a cache: failing to write it only costs a parse next time


def _inputs(location: StoreLocation, previous: dict | None) -> list[dict]:
    """Path, display, size, mtime_ns and sha256 of each input file; hashes only changed files."""
    recorded = {e["path"]: e for e in (previous or {}).get("files", [])}
    entries = []
    for path in location.input_files():
        absolute = str(path.absolute())
        try:
            stat = path.stat()
        except OSError:
            entries.append({"path": absolute, "display": _display(path), "size": -1, "mtime_ns": -1, "sha256": ""})
            continue
        old = recorded.get(absolute)
        if old and old["size"] == stat.st_size and old["mtime_ns"] == stat.st_mtime_ns and old.get("sha256"):
            digest = old["sha256"]
        else:
            digest = sha256_file(path)
        entries.append({"path": absolute, "display": _display(path), "size": stat.st_size,
                        "mtime_ns": stat.st_mtime_ns, "sha256": digest})
    return entries


def _previous_manifest(location: StoreLocation) -> dict | None:
    try:
        return location.current()[1]
    except StaleStore:
        pass
    try:  # a damaged store still tells which hashes it had
        name = (location.key_dir / "CURRENT").read_text(encoding="utf-8").strip()
        return json.loads((location.key_dir / name / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def compile_store(location: StoreLocation, ontology_hash: str, step: Step) -> None:
    """Build a new generation from the inputs and publish it (the lock is held by the caller)."""
    from ..loader import FileItems, load_yaml, parse_file
    from ..ontology import load_ontology

    timings: dict[str, float] = {}
    started = time.perf_counter()
    location.key_dir.mkdir(parents=True, exist_ok=True)
    _remove_leftovers(location.key_dir)
    previous = _previous_manifest(location)
    step("parse")
    entries = _inputs(location, previous)
    by_path = {e["path"]: e for e in entries}
    cache = ParseCache(location.parsed_dir, ontology_hash)
    documents: list[dict] = []
    ontology = load_ontology()

    def parse(path: Path, display: str, ontology_) -> FileItems:
        entry = by_path.get(str(Path(path).absolute()))
        if entry is None:  # a file the loader lists and the store does not: parse it, cache nothing
            items = parse_file(path, display, ontology_)
            cache.parsed.append(display)
            documents.append(file_document(display, items.entities, items.sources, items.statements))
            return items
        document = cache.get(entry["sha256"], display) if entry["sha256"] else None
        if document is None:
            items = parse_file(path, display, ontology_)
            cache.parsed.append(display)
            document = file_document(display, items.entities, items.sources, items.statements, items.problems)
            try:
                unchanged = os.stat(path).st_mtime_ns == entry["mtime_ns"] and entry["sha256"]
            except OSError:
                unchanged = False
            if unchanged and not items.problems:  # a file with problems is parsed again (they are shown in full)
                cache.put(entry["sha256"], document)
            else:  # edited while we read it: do not cache, and make the next check look again
                entry["mtime_ns"] = -1
            documents.append(document)
            return items
        documents.append(document)
        return FileItems(list(entities_of(document)), list(sources_of(document)), list(statements_of(document)),
                         problems_of(document))

    _parse_ahead(cache, entries, ontology)
    graph = load_yaml(location.paths, ontology=ontology, parse=parse)  # raises ValidationError
    timings["parse+validate"] = time.perf_counter() - started

    step("rdf")
    start = time.perf_counter()
    tmp = Path(tempfile.mkdtemp(prefix=f"tmp-{os.getpid()}-", dir=location.key_dir))
    try:
        from .validate import DELTA, SUBJECTS, SubjectDigests, read_digests, shacl_delta

        subjects = SubjectDigests()
        triples = load_oxigraph(graph, tmp / OXIGRAPH, location.base_iri, ontology, watch=subjects.watch)
        subjects.write(tmp / SUBJECTS)
        if previous and previous.get("shacl") and previous.get("ontology") == ontology_hash and _intact(location):
            # what changed since a generation that passed SHACL: the next SHACL run checks only that
            old = read_digests(location.key_dir / previous.get("generation", "") / SUBJECTS)
            delta = shacl_delta(old, subjects.digests) if old is not None else None
            if delta is not None:
                write_json_atomic(tmp / DELTA, delta, fsync=False)
        del subjects
        timings["rdf"] = time.perf_counter() - start

        step("store")
        start = time.perf_counter()
        with open(tmp / MODEL, "w", encoding="utf-8") as handle:
            for document in documents:
                handle.write(dumps({k: v for k, v in document.items() if k != "problems"}))
                handle.write("\n")
            handle.flush()
            os.fsync(handle.fileno())
        from .ontology_json import write_ontology

        write_ontology(ontology, tmp / ONTOLOGY)
        (tmp / FALKORDB).mkdir()
        digest = model_digest(entries, ontology_hash, location.base_iri)
        generation = f"gen-{digest[:12]}-{time.time_ns():x}"
        manifest = {
            "format": STORE_FORMAT, "graphkit": graphkit_version(), "ontology": ontology_hash,
            "base_iri": location.base_iri, "paths": [str(p.absolute()) for p in location.paths],
            "files": entries, "digest": digest, "generation": generation,
            "counts": graph.summary(), "triples": triples, "shacl": False,
            "parsed": cache.parsed, "timings": timings, "built": time.time(),
            "integrity": _integrity(tmp), "complete": True,
        }
        timings["store"] = time.perf_counter() - start
        timings["total"] = time.perf_counter() - started
        write_json_atomic(tmp / MANIFEST, manifest)
        os.replace(tmp, location.key_dir / generation)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    publish(location.key_dir, generation)


def publish(key_dir: Path, generation: str) -> None:
    """Point CURRENT at the new generation (atomic rename), then delete unused older ones."""
    pointer = key_dir / f".CURRENT.{os.getpid()}.tmp"
    with open(pointer, "w", encoding="utf-8") as handle:
        handle.write(generation + "\n")
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(pointer, key_dir / "CURRENT")
    try:
        fd = os.open(key_dir, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
    except OSError:
        pass
    for child in key_dir.iterdir():
        if child.is_dir() and child.name.startswith("gen-") and child.name != generation:
            remove_generation(child)


#: parse ahead in parallel when this many bytes of YAML are not in the parse cache
PARALLEL_PARSE_BYTES = 4 << 20
_AHEAD: dict = {}  # what a forked parser works with (set before the fork)


def _parse_ahead(cache: ParseCache, entries: list[dict], ontology) -> None:
    """Parse the files missing from the parse cache in forked processes (one per CPU, up to
    2x fewer seconds on a cold build); the files go to the cache, where the loader finds them.
    Files with problems are not cached: the loader parses them again and reports them."""
    misses = [e for e in entries if e["sha256"] and e["size"] > 0 and not cache._path(e["sha256"]).exists()]
    jobs = min(os.cpu_count() or 1, len(misses))
    # Only from the main thread: a process that builds from another thread (graphkit serve loads
    # the store in a worker thread beside its event loop) may hold locks a forked child would
    # inherit taken; there the loader parses the files itself.
    if (jobs < 2 or sum(e["size"] for e in misses) < PARALLEL_PARSE_BYTES or not hasattr(os, "fork")
            or os.environ.get("GRAPHKIT_BUILD_JOBS") == "1"
            or threading.current_thread() is not threading.main_thread()):
        return
    import multiprocessing

    _AHEAD.update(cache=cache, ontology=ontology)
    try:
        with multiprocessing.get_context("fork").Pool(jobs, initializer=_parser_defaults) as pool:
            done = pool.map(_parse_one, [(e["path"], e["display"], e["sha256"], e["mtime_ns"])
                                         for e in sorted(misses, key=lambda e: -e["size"])], chunksize=1)
            # let the workers leave on their own: the pool's exit terminates them with SIGTERM,
            # and a worker that inherited a handler for it (a server's graceful shutdown) would
            # not die, leaving the join to wait forever
            pool.close()
            pool.join()
    except (OSError, multiprocessing.ProcessError):
        return  # the loader parses them itself
    finally:
        _AHEAD.clear()
    cache.parsed.extend(sorted(display for display in done if display))


def _parser_defaults() -> None:
    """A forked parser dies on SIGTERM whatever handler its parent had installed."""
    signal.signal(signal.SIGTERM, signal.SIG_DFL)


def _parse_one(job: tuple[str, str, str, int]) -> str | None:
    from ..loader import parse_file

    path, display, content, mtime_ns = job
    cache, ontology = _AHEAD["cache"], _AHEAD["ontology"]
    try:
        items = parse_file(Path(path), display, ontology)
        if items.problems or os.stat(path).st_mtime_ns != mtime_ns:
            return None
        cache.put(content, file_document(display, items.entities, items.sources, items.statements, items.problems))
    except Exception:  # the loader parses it again and reports what is wrong
        return None
    return display


def _intact(location: StoreLocation) -> bool:
    """True if the published generation passes its integrity check (its files can be trusted)."""
    try:
        location.current()
    except StaleStore:
        return False
    return True


def _remove_leftovers(key_dir: Path) -> None:
    """Temporary folders of builds that were killed (we hold the lock: nobody else is building)."""
    for child in key_dir.iterdir():
        if child.name.startswith("tmp-") and child.is_dir():
            shutil.rmtree(child, ignore_errors=True)
        elif re.match(r"^\.CURRENT\.\d+\.tmp$", child.name):
            child.unlink(missing_ok=True)


def _integrity(directory: Path) -> dict[str, int]:
    """Size of every file of a generation (checked by stat on each open; manifest excluded)."""
    sizes = {}
    for path in sorted(directory.rglob("*")):
        if path.is_file() and path.name not in (MANIFEST, ".inuse") and not path.name.endswith(".tmp"):
            sizes[str(path.relative_to(directory))] = path.stat().st_size
    return sizes


def model_digest(entries: list[dict], ontology_hash: str, base_iri: str) -> str:
    digest = hashlib.sha256(f"{ontology_hash}\x1f{base_iri}".encode())
    for entry in entries:
        digest.update(f"\x1e{entry['display']}\x1f{entry['sha256']}".encode())
    return digest.hexdigest()


def load_oxigraph(graph, path: Path, base_iri: str, ontology=None, watch=None) -> int:
    """Bulk-load the graph's triples into a new on-disk Oxigraph store, streaming the N-Triples
    text in chunks (memory does not grow with it). Returns the number of triples.
    watch: a function the line stream goes through (graphkit.store.validate.SubjectDigests)."""
    import pyoxigraph as ox

    from ..rdf import LineStream, ntriples_lines

    lines = ntriples_lines(graph, base_iri, ontology)
    stream = LineStream(watch(lines) if watch is not None else lines)
    store = ox.Store(str(path))
    store.bulk_load(io.BufferedReader(stream, 8 << 20), ox.RdfFormat.N_TRIPLES, to_graph=ox.DefaultGraph())
    store.flush()
    count = len(store)  # the text may repeat a triple; the store holds each once
    del store
    return count


def run_shacl(store: CompiledStore) -> None:
    """Run the SHACL shapes on the store's triples (only what changed since the last generation
    that passed, when that is small: graphkit.store.validate); record success in the manifest."""
    from .validate import run_shacl as validate

    validate(store)
