"""A FalkorDB server kept running between processes, for graphs too big to restore per command.

Restoring a snapshot costs about 10 s per million entities (decoding the dump), so on a big
graph every `graphkit cypher` would pay it. For such a graph the engine starts a keeper instead:
this module run as a detached process (`python -m graphkit.cypher.keeper ...`), which starts
the embedded server from the snapshot, checks it holds what the snapshot says, writes the
socket's path in its folder, creates the indexes, and stays until the server has run no graph
command for the idle time, or the store's generation is gone (the data changed and was
rebuilt), or it is told to stop (SIGTERM). Later processes find the socket and query the
running server: no start, no load.

    <cache>/falkordb/kept-<digest>/    one per content (cache: graphkit.cypher.server.cache_dir)
      lock                             flock'ed by the keeper while it lives (one keeper per content)
      keeper.pid                       the keeper's process id
      socket                           the server's socket path, written once it is ready
      <pid>-…/                         the server's private working directory

When: $GRAPHKIT_CYPHER_KEEP = seconds of idle time before the keeper stops (0: never keep);
unset, graphs whose snapshot is at least AUTO_KEEP_BYTES (about 300,000 entities) are kept for
AUTO_KEEP_SECONDS. The server listens on a Unix socket only (mode 0700), read-only queries as
the per-process engine; it dies with its keeper.
"""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

KEEP_ENV = "GRAPHKIT_CYPHER_KEEP"
AUTO_KEEP_BYTES = 64_000_000
AUTO_KEEP_SECONDS = 600
SOCKET = "socket"
PID = "keeper.pid"
LOCK = "lock"


def keep_seconds(dump_size: int) -> float:
    """How long a kept server of a snapshot of `dump_size` bytes waits idle (0: not kept)."""
    value = os.environ.get(KEEP_ENV, "").strip()
    if not value:
        return AUTO_KEEP_SECONDS if dump_size >= AUTO_KEEP_BYTES else 0
    try:
        return max(0.0, float(value))
    except ValueError:
        return 0


def kept_folder(digest: str) -> Path:
    from .server import cache_dir

    return cache_dir() / "falkordb" / f"kept-{digest[:24]}"


def kept_socket(digest: str) -> Path | None:
    """The socket of a running kept server for this content, if one has published it."""
    try:
        path = Path((kept_folder(digest) / SOCKET).read_text(encoding="utf-8").strip())
    except OSError:
        return None
    return path if path.is_socket() else None


def spawn(digest: str, dump: Path, generation: Path, idle: float) -> None:
    """Start a keeper for this content in the background (it exits at once if one runs)."""
    folder = kept_folder(digest)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return
    package_root = str(Path(__file__).resolve().parents[2])
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [package_root, os.environ.get("PYTHONPATH")]))}
    subprocess.Popen([sys.executable, "-m", "graphkit.cypher.keeper", str(folder), str(dump), str(generation),
                      str(idle)], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                     cwd=folder, env=env, start_new_session=True)


def wait_for_socket(digest: str, timeout: float) -> Path | None:
    """The kept server's socket once its keeper has published it (None if the keeper stopped)."""
    folder = kept_folder(digest)
    deadline = time.monotonic() + timeout
    delay = 0.01
    while time.monotonic() < deadline:
        socket = kept_socket(digest)
        if socket is not None:
            return socket
        if not _keeper_alive(folder) and time.monotonic() > deadline - timeout + 2.0:
            return None
        time.sleep(delay)
        delay = min(delay * 2, 0.25)
    return None


def _keeper_alive(folder: Path) -> bool:
    from ..processes import pid_alive

    try:
        return pid_alive(int((folder / PID).read_text().strip()))
    except (OSError, ValueError):
        return False


def _graph_calls(client) -> int:
    """How many graph commands the server ran (its own INFO polls do not count)."""
    stats = client.connection.info("commandstats")
    return sum(int(v.get("calls", 0)) for k, v in stats.items() if k.lower().startswith("cmdstat_graph."))


def main(argv: list[str]) -> int:
    import fcntl

    from .dialect import FALKORDB, schema_statements
    from .server import FalkorDBServer
    from .snapshot import graph_counts

    folder, dump, generation, idle = Path(argv[0]), Path(argv[1]), Path(argv[2]), float(argv[3])
    lock = open(folder / LOCK, "a+b")
    try:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return 0  # another keeper serves this content
    (folder / SOCKET).unlink(missing_ok=True)
    (folder / PID).write_text(str(os.getpid()))
    stopping = []
    signal.signal(signal.SIGTERM, lambda *_: stopping.append(True))
    try:
        info = json.loads((dump.parent / "snapshot.json").read_text(encoding="utf-8"))
        server = FalkorDBServer(folder, snapshot=dump).start()
    except Exception:  # noqa: BLE001 - no snapshot, or it does not load: nothing to keep
        return 1
    try:
        client = server.client()
        graph = server.graph(info.get("graph"))
        if info.get("graph") not in client.list_graphs() or graph_counts(graph) != (
                info.get("nodes"), info.get("relationships")):
            return 1
        tmp = folder / f".{SOCKET}.tmp"
        tmp.write_text(str(server.socket), encoding="utf-8")
        os.replace(tmp, folder / SOCKET)
        if not info.get("indexed"):  # built in the background; queries use each once it is ready
            for statement in schema_statements(FALKORDB, info.get("labels", ()), info.get("types", ()), managed=False):
                graph.query(statement)
        poll = max(0.2, min(5.0, idle / 4))
        calls, last_use = _graph_calls(client), time.monotonic()
        while not stopping and server.alive() and generation.is_dir():
            time.sleep(poll)
            now = _graph_calls(client)
            if now != calls:
                calls, last_use = now, time.monotonic()
            elif time.monotonic() - last_use > idle:
                break
    finally:
        (folder / SOCKET).unlink(missing_ok=True)
        server.stop()
        (folder / PID).unlink(missing_ok=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
