"""`graphkit build` on real data: cold (with SHACL), no change, one file edited; optionally side by
side with another revision of graphkit in the same run.

    python benchmarks/build_bench.py DATA...            e.g. seed_data imports/epoch imports/ecosystem ...
    python benchmarks/build_bench.py DATA... --baseline main~3   # the same steps with that revision too

Each build runs in a fresh process (`graphkit.api.build`, as the CLI calls it) on a private copy
of the data, with an empty cache for the cold build. For each build it prints the wall time, the
CPU seconds of the process (user + sys: on a shared machine the wall time is inflated by other
work, CPU much less), peak memory, the seconds of each step (store = parse + RDF + SHACL, then
each export) and how SHACL ran (full or on the changed part). The edits append one fact to the
largest relations file; a second edit follows the first, so it shows the steady state.
The load average is printed with each row: seconds are upper bounds, ratios are side by side.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PYTHON = sys.executable

BUILD = """
import json, resource, sys, time
start = time.perf_counter()
from graphkit import api
paths, out, cache, shacl = json.loads(sys.argv[1])
result = api.build(paths, out, shacl=shacl, cache_dir=cache)
usage = resource.getrusage(resource.RUSAGE_SELF)
manifest = result.store.manifest if result.store is not None else {}
print(json.dumps({"wall_s": round(time.perf_counter() - start, 2), "cpu_s": round(usage.ru_utime + usage.ru_stime, 2),
                  "peak_mb": usage.ru_maxrss // 1024, "written": len(result.files), "unchanged": len(result.unchanged),
                  "shacl": manifest.get("shacl_mode", "full" if manifest.get("shacl") else None),
                  "steps": {k.rsplit(".", 1)[-1]: round(v, 2) for k, v in result.timings.items()},
                  "store_steps": {k: round(v, 2) for k, v in manifest.get("timings", {}).items()}}))
"""

FACT = """
- fact: apple partners-with {partner}
  status: rumored
  market: china
  source: reuters-2025-02-11-apple-alibaba
  note: benchmark edit
"""


def run_build(code_root: Path, paths: list[str], out: Path, cache: Path, cwd: Path, shacl: bool = True) -> dict:
    env = {**os.environ, "PYTHONPATH": str(code_root)}
    start = time.perf_counter()
    run = subprocess.run([PYTHON, "-c", BUILD, json.dumps([paths, str(out), str(cache), shacl])], env=env, cwd=cwd,
                         capture_output=True, text=True)
    if run.returncode != 0:
        raise SystemExit(f"build failed ({code_root}): {run.stderr[-1500:]}")
    report = json.loads(run.stdout.strip().splitlines()[-1])
    report["process_wall_s"] = round(time.perf_counter() - start, 2)  # with the interpreter's start
    report["load"] = round(os.getloadavg()[0], 1)
    return report


def copy_data(data: list[str], target: Path) -> list[str]:
    copies = []
    for d in data:
        dest = target / Path(d).name
        if Path(d).is_dir():
            shutil.copytree(d, dest, dirs_exist_ok=True)
        else:
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(d, dest)
        copies.append(str(dest))
    return copies


def series(code_root: Path, data: list[str], tmp: Path, label: str) -> dict:
    work = tmp / label
    copies = copy_data(data, work / "data")
    out, cache = work / "out", work / "cache"
    rows = {}
    rows["cold (empty cache, SHACL, every export)"] = run_build(code_root, copies, out, cache, work)
    print(label, "cold", rows["cold (empty cache, SHACL, every export)"], flush=True)
    rows["no change"] = run_build(code_root, copies, out, cache, work)
    print(label, "no change", rows["no change"], flush=True)
    biggest = max((p for c in copies for p in Path(c).rglob("relations.yaml")), key=lambda p: p.stat().st_size)
    for number, partner in enumerate(("baidu", "tencent"), 1):
        with open(biggest, "a", encoding="utf-8") as handle:
            handle.write(FACT.format(partner=partner))
        name = f"one file edited #{number} ({biggest.parent.name}/{biggest.name})"
        rows[name] = run_build(code_root, copies, out, cache, work)
        print(label, name, rows[name], flush=True)
    rows["_outputs"] = {p.name: hashlib.sha256(p.read_bytes()).hexdigest()[:16] for p in sorted(out.iterdir())}
    return rows


def checkout(revision: str, tmp: Path) -> Path:
    target = tmp / f"graphkit-{revision.replace('/', '_')}"
    subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", str(target), revision], check=True,
                   capture_output=True)
    return target


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("data", nargs="+")
    parser.add_argument("--baseline", help="another git revision to run the same builds with, side by side")
    args = parser.parse_args()
    data = [str(Path(d).absolute()) for d in args.data]
    report: dict = {}
    with tempfile.TemporaryDirectory(prefix="graphkit-build-bench-") as tmp_name:
        tmp = Path(tmp_name)
        report["this"] = series(ROOT, data, tmp, "this")
        if args.baseline:
            baseline = checkout(args.baseline, tmp)
            try:
                report[args.baseline] = series(baseline, data, tmp, args.baseline)
            finally:
                subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(baseline)],
                               capture_output=True)
            ratios = {}
            for step, row in report["this"].items():
                old = report[args.baseline].get(step)
                if step.startswith("_") or not old:
                    continue
                ratios[step] = {"wall": round(old["wall_s"] / max(row["wall_s"], 1e-9), 1),
                                "cpu": round(old["cpu_s"] / max(row["cpu_s"], 1e-9), 1)}
            report["speed-up (baseline / this)"] = ratios
            this_out, old_out = report["this"]["_outputs"], report[args.baseline]["_outputs"]
            report["byte-identical exports"] = {name: this_out.get(name) == old_out.get(name)
                                                for name in sorted(this_out.keys() | old_out.keys())}
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
