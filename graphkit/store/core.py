"""The compiled store's folder, freshness check, locks and the open generation (see graphkit.store)."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import IO, TYPE_CHECKING

from ..errors import GraphkitError

if TYPE_CHECKING:
    from rdflib import Graph

    from ..model import KnowledgeGraph

#: Bump when the layout or any file format of the store changes: older stores are rebuilt.
STORE_FORMAT = 3  # 2: sources carry a note; 3: statements carry their status history
DEFAULT_DIR_NAME = ".graphkit"
ENV_VAR = "GRAPHKIT_STORE_DIR"
MANIFEST = "manifest.json"
MODEL = "model.jsonl"
ONTOLOGY = "ontology.json"
OXIGRAPH = "oxigraph"
FALKORDB = "falkordb"  # the FalkorDB snapshot of the property graph (graphkit.cypher.snapshot)

Step = Callable[[str], None]


def _noop(_name: str) -> None:
    return None


def graphkit_version() -> str:
    import sys

    return sys.modules["graphkit"].__version__  # the package is loaded before any of its modules


def sha256_file(path: str | os.PathLike) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def ontology_digest() -> str:
    """Hash of the ontology files, graphkit's version and the store format (small files: cheap)."""
    from ..ontology import ontology_dir

    digest = hashlib.sha256(f"{graphkit_version()}\x1f{STORE_FORMAT}".encode())
    folder = ontology_dir()
    for name in ("graphkit.ttl", "shapes.ttl", "context.jsonld"):
        path = folder / name
        digest.update(name.encode())
        digest.update(path.read_bytes() if path.is_file() else b"")
    return digest.hexdigest()


def cache_root(paths: Sequence[str | os.PathLike], cache_dir: str | os.PathLike | None = None) -> Path:
    """Where the cache folder is: `cache_dir`, else $GRAPHKIT_STORE_DIR, else `.graphkit/` in the
    folder that holds the data (the common parent of the given paths)."""
    if cache_dir:
        return Path(cache_dir)
    if os.environ.get(ENV_VAR):
        return Path(os.environ[ENV_VAR])
    parents = [str(Path(p).absolute().parent) for p in paths] or [os.getcwd()]
    return Path(os.path.commonpath(parents)) / DEFAULT_DIR_NAME


def is_storable(paths: Sequence[str | os.PathLike]) -> bool:
    """True if every path is YAML (a folder, .yaml/.yml): RDF inputs are read directly."""
    return all(Path(p).is_dir() or Path(p).suffix.lower() in (".yaml", ".yml") for p in paths)


def _display(path: Path) -> str:
    """The file name the loader shows in messages (graphkit.loader._display_path, without
    importing the loader and its YAML parser on the fast path)."""
    try:
        relative = os.path.relpath(path, os.getcwd())
    except ValueError:  # another drive on Windows
        return str(path)
    return str(path) if relative.startswith("..") else relative


def _yaml_files(paths: Sequence[Path]) -> list[Path]:
    """The YAML files the loader reads (graphkit.loader.yaml_files; same order)."""
    files: list[Path] = []
    for p in paths:
        if p.is_dir():
            files.extend(sorted(f for f in p.rglob("*") if f.suffix in (".yaml", ".yml") and f.is_file()))
        else:
            files.append(p)
    return files


class StaleStore(Exception):
    """Internal: the store cannot be used as it is (missing, stale, corrupt)."""


class CompiledStore:
    """A complete, fresh generation of the store, open for reading.

    model(), ontology(), rdf_store() and rdf_graph() load lazily; `digest` identifies the
    model's content (inputs + ontology + base IRI).
    """

    def __init__(self, directory: Path, manifest: dict, key_dir: Path):
        self.directory = directory
        self.manifest = manifest
        self.key_dir = key_dir
        self.digest: str = manifest["digest"]
        self.base_iri: str = manifest["base_iri"]
        self._model: KnowledgeGraph | None = None
        self._ontology = None
        self._rdf = None
        self._inuse, held = _hold_shared(directory)
        #: False when a builder deleted (or is deleting) this generation between reading CURRENT
        #: and taking the lock: the caller reads CURRENT again (StoreLocation.fresh returns None).
        self.intact: bool = held and (directory / MANIFEST).is_file()

    def __repr__(self) -> str:
        counts = self.manifest.get("counts", {})
        return (f"<CompiledStore {self.directory} entities={counts.get('entities')} "
                f"statements={counts.get('statements')} triples={self.manifest.get('triples')}>")

    @property
    def triple_count(self) -> int:
        return int(self.manifest["triples"])

    @property
    def files(self) -> list[str]:
        return [entry["display"] for entry in self.manifest["files"]]

    def ontology(self):
        """The ontology, read from the store's JSON copy (and made load_ontology()'s answer)."""
        if self._ontology is None:
            from ..ontology import use_ontology
            from .ontology_json import read_ontology

            self._ontology = read_ontology(self.directory / ONTOLOGY)
            use_ontology(self._ontology)
        return self._ontology

    def model(self) -> KnowledgeGraph:
        """The KnowledgeGraph (validated when the store was built)."""
        if self._model is None:
            from .codec import read_model

            self.ontology()
            with open(self.directory / MODEL, encoding="utf-8") as handle:
                self._model = read_model(handle)
        return self._model

    def rdf_store(self):
        """The pyoxigraph Store (read-only) holding the graph's triples in its default graph."""
        if self._rdf is None:
            import pyoxigraph as ox

            try:
                self._rdf = ox.Store.read_only(str(self.directory / OXIGRAPH))
            except OSError as exc:
                raise GraphkitError(f"the compiled store {self.directory} is damaged ({exc}): delete "
                                    f"{self.key_dir.parent.parent} and run the command again") from None
        return self._rdf

    def rdf_graph(self) -> Graph:
        """The triples as an rdflib Graph over the same on-disk store (no copy)."""
        from oxrdflib import OxigraphStore
        from rdflib import Graph, URIRef
        from rdflib.graph import DATASET_DEFAULT_GRAPH_ID

        from ..rdf import data_prefixes

        graph = Graph(store=OxigraphStore(store=self.rdf_store()), identifier=DATASET_DEFAULT_GRAPH_ID,
                      bind_namespaces="none")
        for prefix, namespace in data_prefixes(self.base_iri).items():
            graph.bind(prefix, URIRef(namespace))
        return graph

    def close(self) -> None:
        self._rdf = None
        if self._inuse is not None:
            self._inuse.close()
            self._inuse = None

    def __enter__(self) -> CompiledStore:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def _hold_shared(directory: Path):
    """A shared lock on the generation while it is open: the builder never deletes it then.
    (handle or None, held): held is False when the generation is gone or a builder holds its
    lock to delete it."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - not POSIX: no clean-up of open generations either
        return None, True
    try:
        handle = open(directory / ".inuse", "a+b")
    except FileNotFoundError:
        return None, False  # deleted since CURRENT was read
    except OSError:
        return None, True  # a read-only store: nobody deletes it either
    try:
        fcntl.flock(handle, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except OSError:
        handle.close()
        return None, False  # a builder is deleting it
    return handle, True


class _Lock:
    """An exclusive flock on a file (POSIX); builders of one store take turns."""

    def __init__(self, path: Path):
        self.path = path
        self.handle: IO[bytes] | None = None

    def __enter__(self) -> _Lock:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.handle = handle = open(self.path, "a+b")
        try:
            import fcntl
        except ImportError:  # pragma: no cover
            return self
        fcntl.flock(handle, fcntl.LOCK_EX)
        return self

    def __exit__(self, *exc) -> None:
        if self.handle is not None:
            self.handle.close()  # releases the lock
            self.handle = None


def _read_json(path: Path) -> dict:
    try:
        with open(path, encoding="utf-8") as handle:
            data = json.load(handle)
    except (OSError, ValueError) as exc:
        raise StaleStore(f"{path}: {exc}") from None
    if not isinstance(data, dict):
        raise StaleStore(f"{path}: not a JSON object")
    return data


def write_json_atomic(path: Path, data, *, fsync: bool = True) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with open(tmp, "w", encoding="utf-8") as handle:
        json.dump(data, handle, ensure_ascii=False, separators=(",", ":"))
        if fsync:
            handle.flush()
            os.fsync(handle.fileno())
    os.replace(tmp, path)


class StoreLocation:
    """Where the store of one data selection lives, and how fresh it is."""

    def __init__(self, paths: Sequence[str | os.PathLike], *, base_iri: str, cache_dir=None):
        self.paths = [Path(p) for p in paths]
        self.base_iri = base_iri
        self.root = cache_root(self.paths, cache_dir)
        key = hashlib.sha256(json.dumps([[str(p.absolute()) for p in self.paths], base_iri]).encode()).hexdigest()
        self.key_dir = self.root / "stores" / key[:16]
        self.parsed_dir = self.root / "parsed"

    # ---------------------------------------------------------------- freshness
    def input_files(self) -> list[Path]:
        missing = [p for p in self.paths if not p.exists()]
        if missing:
            raise GraphkitError("no such file or directory: " + ", ".join(map(str, missing)))
        return _yaml_files(self.paths)

    def current(self) -> tuple[Path, dict]:
        """The published generation and its manifest; StaleStore if there is none or it is damaged."""
        try:
            name = (self.key_dir / "CURRENT").read_text(encoding="utf-8").strip()
        except OSError:
            raise StaleStore("no store") from None
        directory = self.key_dir / name
        manifest = _read_json(directory / MANIFEST)
        if manifest.get("format") != STORE_FORMAT or not manifest.get("complete"):
            raise StaleStore("old or incomplete store")
        for relative, size in manifest.get("integrity", {}).items():
            try:
                if os.stat(directory / relative).st_size != size:
                    raise StaleStore(f"{relative} changed size")
            except OSError:
                raise StaleStore(f"{relative} is missing") from None
        return directory, manifest

    def check(self, manifest: dict, files: list[Path], ontology: str) -> list[str]:
        """Why the manifest does not describe `files` (empty: fresh). Hashes only files whose size
        or modification time changed, and refreshes their recorded times when the content did not."""
        reasons = []
        if manifest.get("ontology") != ontology:
            reasons.append("the ontology or graphkit changed")
        if manifest.get("base_iri") != self.base_iri:
            reasons.append("another base IRI")
        recorded = {entry["path"]: entry for entry in manifest.get("files", [])}
        if [str(f.absolute()) for f in files] != [entry["path"] for entry in manifest.get("files", [])]:
            reasons.append("files were added, removed or renamed")
            return reasons
        touched = []
        for path in files:
            entry = recorded[str(path.absolute())]
            try:
                stat = path.stat()
            except OSError:
                reasons.append(f"{path} cannot be read")
                continue
            if entry["display"] != _display(path):
                reasons.append("run from another folder (file names in messages change)")
            if stat.st_size == entry["size"] and stat.st_mtime_ns == entry["mtime_ns"]:
                continue
            if stat.st_size == entry["size"] and sha256_file(path) == entry["sha256"]:
                touched.append((entry, stat.st_mtime_ns))  # same content, new time (touch, checkout)
                continue
            reasons.append(f"{path} changed")
        if touched and not reasons:
            for entry, mtime_ns in touched:
                entry["mtime_ns"] = mtime_ns
            self._rewrite_manifest(manifest)
        return reasons

    def _rewrite_manifest(self, manifest: dict) -> None:
        """Best effort: record new modification times so the next call does not hash again."""
        try:
            directory, current = self.current()
            if current.get("generation") == manifest.get("generation"):
                write_json_atomic(directory / MANIFEST, manifest, fsync=False)
        except (StaleStore, OSError):
            pass

    def fresh(self, ontology: str | None = None) -> CompiledStore | None:
        """The store if it is complete and describes the current inputs, else None."""
        try:
            directory, manifest = self.current()
            files = self.input_files()
            if self.check(manifest, files, ontology or ontology_digest()):
                return None
            store = CompiledStore(directory, manifest, self.key_dir)
            if not store.intact:  # replaced and deleted by another process meanwhile
                store.close()
                return None
            return store
        except StaleStore:
            return None


def remove_generation(directory: Path) -> bool:
    """Delete a generation nobody has open (True if deleted)."""
    try:
        import fcntl as locking
    except ImportError:  # pragma: no cover
        locking = None  # type: ignore[assignment]  # no flock on this platform: nobody can hold it
    inuse = directory / ".inuse"
    handle = None
    try:
        if locking is not None and inuse.exists():
            handle = open(inuse, "a+b")
            try:
                locking.flock(handle, locking.LOCK_EX | locking.LOCK_NB)
            except OSError:
                return False
        shutil.rmtree(directory, ignore_errors=True)
        return True
    finally:
        if handle is not None:
            handle.close()
