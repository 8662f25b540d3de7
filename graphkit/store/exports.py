"""Writing the exports of a compiled store, skipping those already written from the same model.

`exports.json` beside the store's generations records, per output folder and per output, the
model digest it was written from and the size and modification time of each file; an output
is written again only if the model changed or one of its files was touched or removed.
"""
from __future__ import annotations

import json
import os
import threading
from collections.abc import Callable, Sequence
from pathlib import Path

from .core import CompiledStore, Step, write_json_atomic

RECORD = "exports.json"
#: up to this many triples, the RDF exports share one list of parsed triples (parsing is most of
#: their time); above it each is streamed on its own so memory stays bounded
SHARED_TRIPLES = 2_000_000


def _stat(path: Path) -> list[int] | None:
    try:
        stat = path.stat()
    except OSError:
        return None
    return [stat.st_size, stat.st_mtime_ns]


#: Build writers, or a function that lists them (called only when an extra output is stale).
Extras = Sequence[Callable[..., list[Path]]] | Callable[[], Sequence[Callable[..., list[Path]]]]


def store_outputs(store: CompiledStore, formats: tuple[str, ...], extras: Extras) -> list[tuple[str, str, Callable]]:
    """(name, input key, write(out_dir) -> paths) for each export of a build: the data exports
    depend on the model's digest, the vocabulary files on the ontology only."""
    from ..exports import FILE_NAMES, atomic_write, serialize, serialize_triples, write_ntriples, write_turtle
    from ..ontology import ontology_dir

    base_iri = store.base_iri
    streamed = {"turtle": write_turtle, "ntriples": write_ntriples}
    shared: list = []  # the triples, parsed once for all the RDF exports of this build

    def data_writer(fmt: str):
        def write(out_dir: Path) -> list[Path]:
            graph, ontology = store.model(), store.ontology()  # loaded only when something is written
            if store.triple_count <= SHARED_TRIPLES:
                if not shared:
                    from ..rdf import rdf_triples

                    shared.append(rdf_triples(graph, base_iri, ontology))
                return [atomic_write(out_dir / FILE_NAMES[fmt], serialize_triples(shared[0], fmt, base_iri))]
            if fmt in streamed:  # bounded memory at any size
                return [atomic_write(out_dir / FILE_NAMES[fmt], lambda h: streamed[fmt](graph, h, base_iri, ontology))]
            return [atomic_write(out_dir / FILE_NAMES[fmt], serialize(graph, fmt, base_iri, ontology))]
        return write

    def vocabulary(out_dir: Path) -> list[Path]:
        return [atomic_write(out_dir / name, (ontology_dir() / ("graphkit.ttl" if name == "ontology.ttl" else name))
                             .read_bytes()) for name in ("ontology.ttl", "context.jsonld")]

    outputs: list[tuple[str, str, Callable]] = [(fmt, store.digest, data_writer(fmt)) for fmt in formats]
    outputs.append(("vocabulary", store.manifest["ontology"], vocabulary))
    for writer in (extras() if callable(extras) else extras):
        name = f"extra:{getattr(writer, '__module__', '')}.{getattr(writer, '__qualname__', 'extra')}"
        outputs.append((name, store.digest, lambda out_dir, w=writer: list(w(store.model(), out_dir, base_iri))))
    return outputs


def write_store_exports(store: CompiledStore, out_dir: str | os.PathLike, formats: tuple[str, ...], *,
                        extras: Extras = (), timings: dict | None = None,
                        on_step: Step | None = None,
                        stage: str | os.PathLike | None = None) -> tuple[list[Path], list[Path]]:
    """Write the exports whose model changed (or whose files were touched); (written, unchanged).

    extras: more writers, each called as writer(graph, out_dir, base_iri) -> paths
    (graphkit.api.build_writers). stage: the folder the files are written to, published to
    out_dir afterwards (graphkit.exports.staged_output); paths are recorded and returned as
    they will be in out_dir."""
    import time

    from ..exports import published_path

    out_dir = Path(out_dir)
    record_path = store.key_dir / RECORD
    try:
        record = json.loads(record_path.read_text(encoding="utf-8"))
        if not isinstance(record, dict):
            record = {}
    except (OSError, ValueError):
        record = {}
    folder = record.setdefault(str(out_dir.absolute()), {})
    written: list[Path] = []
    unchanged: list[Path] = []

    def fresh(name: str, key: str) -> bool:
        previous = folder.get(name)
        return bool(previous and previous.get("digest") == key
                    and all(_stat(Path(p)) == s for p, s in previous.get("files", {}).items()))

    if callable(extras):
        names = folder.get("extras", {}).get(store.digest)
        if names is not None and all(fresh(name, store.digest) for name in names):
            for name in names:
                unchanged.extend(Path(p) for p in folder[name]["files"])
            extras = ()  # all up to date: the writers' modules are not even imported
    stale = []
    for name, key, write in store_outputs(store, formats, extras):
        if fresh(name, key):
            unchanged.extend(Path(p) for p in folder[name]["files"])
        else:
            stale.append((name, key, write))
    target = Path(stage) if stage is not None else out_dir
    aside = [output for output in stale if output[0].startswith("extra:")]
    child = _fork_writers(store, aside, target) if aside and len(aside) < len(stale) else None
    if child is None:
        aside = []
    results: list[tuple[str, str, list[Path], float]] = []
    for name, key, write in stale:
        if any(name == other[0] for other in aside):
            continue
        if on_step is not None:
            on_step(name.rsplit(".", 1)[-1])
        start = time.perf_counter()
        results.append((name, key, write(target), time.perf_counter() - start))
    if child is not None:
        done = _join_writers(child)
        for name, key, write in aside:
            if on_step is not None:
                on_step(name.rsplit(".", 1)[-1])
            if name in done:
                results.append((name, key, [Path(p) for p in done[name][0]], done[name][1]))
            else:  # the child failed: write it here (an error is raised here, with its own type)
                start = time.perf_counter()
                results.append((name, key, write(target), time.perf_counter() - start))
    for name, key, staged, seconds in results:
        if timings is not None:
            timings[name] = seconds
        paths = [published_path(p, Path(stage), out_dir) if stage is not None else p for p in staged]
        written.extend(paths)
        # a published file is the staged one (renamed or linked): same size and time
        folder[name] = {"digest": key, "files": {str(p.absolute()): _stat(s) for p, s in zip(paths, staged,
                                                                                              strict=True)}}
        write_json_atomic(record_path, record, fsync=False)
    extra_names = [name for name in folder if name.startswith("extra:") and folder[name].get("digest") == store.digest]
    if extra_names and extras != ():
        folder["extras"] = {store.digest: sorted(extra_names)}
        write_json_atomic(record_path, record, fsync=False)
    return written, unchanged


def _fork_writers(store: CompiledStore, outputs: list, target: Path):
    """Run these writers (the page, the property-graph exports: pure Python, so a thread would
    not help) in a forked child while this process writes the RDF exports; (pid, pipe) or None
    where there is no fork, one CPU, or GRAPHKIT_BUILD_JOBS=1. The model is loaded first, so
    the child shares it instead of reading it again."""
    if (not hasattr(os, "fork") or (os.cpu_count() or 1) < 2 or os.environ.get("GRAPHKIT_BUILD_JOBS") == "1"
            or threading.current_thread() is not threading.main_thread()):
        return None  # off the main thread (a server, a notebook's worker), as store.build's parse
    import time

    store.model()
    read_end, write_end = os.pipe()
    try:
        pid = os.fork()
    except OSError:
        os.close(read_end)
        os.close(write_end)
        return None
    if pid == 0:  # the child: write, report the paths, leave without running the parent's exit code
        status = 1
        try:
            os.close(read_end)
            done = {}
            for name, _key, write in outputs:
                start = time.perf_counter()
                done[name] = [[str(p) for p in write(target)], time.perf_counter() - start]
            with os.fdopen(write_end, "w", encoding="utf-8") as pipe:
                json.dump(done, pipe)
            status = 0
        except BaseException:  # noqa: B036 - the parent writes these outputs itself and reports the error
            pass
        finally:
            os._exit(status)
    os.close(write_end)
    return pid, read_end


def _join_writers(child) -> dict:
    """What the child wrote ({name: [paths, seconds]}); empty if it failed."""
    pid, read_end = child
    with os.fdopen(read_end, encoding="utf-8") as pipe:
        text = pipe.read()
    _, status = os.waitpid(pid, 0)
    if status != 0:
        return {}
    try:
        done = json.loads(text)
    except ValueError:
        return {}
    return done if isinstance(done, dict) else {}
