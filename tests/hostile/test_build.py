"""A build publishes all its outputs together or none: a failing writer, an unwritable output
folder and `kill -9` at any moment leave the old exports (or, once published, the new ones),
never a mix, and never a traceback."""
from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from hostile.helpers import ROOT, SEED, cli, snapshot


def seed_copy(tmp_path: Path, name: str, rename: str | None = None) -> Path:
    data = tmp_path / name
    shutil.copytree(SEED, data, ignore=shutil.ignore_patterns(".graphkit"))
    if rename:  # a visible change in every export
        path = next(p for p in sorted(data.rglob("*.yaml")) if "name: Apple\n" in p.read_text(encoding="utf-8"))
        path.write_text(path.read_text(encoding="utf-8").replace("name: Apple\n", f"name: {rename}\n", 1),
                        encoding="utf-8")
    return data


def exports_of(out: Path) -> dict[str, bytes]:
    return {k: v for k, v in snapshot(out).items() if not k.startswith(".")}


def staging_leftovers(parent: Path) -> list[str]:
    return [p.name for p in parent.iterdir() if ".staging-" in p.name]


def test_a_writer_that_fails_leaves_every_old_export(tmp_path, monkeypatch):
    from graphkit import api

    out = tmp_path / "exports"
    api.build(seed_copy(tmp_path, "a"), out, shacl=False)
    (out / "notes.txt").write_text("my own file")
    before = snapshot(out)

    def broken(graph, out_dir, base_iri):
        (Path(out_dir) / "graph.partial").write_text("half")
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(api, "build_writers", lambda: [broken])
    with pytest.raises(RuntimeError, match="disk on fire"):
        api.build(seed_copy(tmp_path, "b", rename="Apple Inc (changed)"), out, shacl=False)
    assert snapshot(out) == before
    assert staging_leftovers(tmp_path) == []


def test_a_successful_build_keeps_the_users_files_and_replaces_the_rest(tmp_path):
    from graphkit import api

    out = tmp_path / "exports"
    api.build(seed_copy(tmp_path, "a"), out, shacl=False)
    (out / "notes.txt").write_text("my own file")
    (out / "sub").mkdir()
    (out / "sub" / "more.txt").write_text("more")
    result = api.build(seed_copy(tmp_path, "b", rename="Apple Renamed"), out, shacl=False)
    assert (out / "notes.txt").read_text() == "my own file" and (out / "sub" / "more.txt").read_text() == "more"
    assert "Apple Renamed" in (out / "graph.ttl").read_text(encoding="utf-8")
    assert all(Path(p).parent == out for p in result.files), result.files  # reported where they are
    assert staging_leftovers(tmp_path) == []


@pytest.mark.parametrize("out", ["/proc/graphkit-exports", "{tmp}/a-file/exports"])
def test_an_unwritable_output_folder_is_one_line(tmp_path, out):
    (tmp_path / "a-file").write_text("not a folder")
    run = cli("build", str(SEED), "-o", out.format(tmp=tmp_path), "--no-shacl", "-q")
    lines = run.error_lines()
    assert run.returncode == 2 and len(lines) == 1, run.stderr
    assert lines[0].startswith("error: cannot write the exports to "), lines[0]


@pytest.mark.slow
def test_kill_9_during_a_build_leaves_old_or_new_exports_never_a_mix(tmp_path):
    old_data, new_data = seed_copy(tmp_path, "old"), seed_copy(tmp_path, "new", rename="Apple Killed")
    reference = {}
    for name, data in (("old", old_data), ("new", new_data)):
        ref = tmp_path / f"ref-{name}"
        subprocess.run([sys.executable, "-m", "graphkit", "build", str(data), "-o", str(ref), "-q", "--no-shacl"],
                       check=True, cwd=tmp_path, env={**os.environ, "PYTHONPATH": str(ROOT)})
        reference[name] = exports_of(ref)
    assert reference["old"] != reference["new"]
    out = tmp_path / "exports"
    shutil.copytree(tmp_path / "ref-old", out)
    seen = set()
    for delay in (0.2, 0.5, 0.8, 1.1, 1.4, 1.7, 2.0, 2.5, 3.0, 4.0):
        shutil.rmtree(new_data / ".graphkit", ignore_errors=True)  # every attempt does the whole work
        process = subprocess.Popen([sys.executable, "-m", "graphkit", "build", str(new_data), "-o", str(out), "-q",
                                    "--no-shacl"], cwd=tmp_path, env={**os.environ, "PYTHONPATH": str(ROOT)},
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(delay)
        process.send_signal(signal.SIGKILL)
        process.wait()
        now = exports_of(out)
        state = "old" if now == reference["old"] else "new" if now == reference["new"] else "mix"
        assert state != "mix", f"killed after {delay} s: {sorted(now)}"
        seen.add(state)
        if state == "new":
            shutil.rmtree(out)
            shutil.copytree(tmp_path / "ref-old", out)
    assert "old" in seen  # at least one kill came before the publish
    run = subprocess.run([sys.executable, "-m", "graphkit", "build", str(new_data), "-o", str(out), "-q",
                          "--no-shacl"], cwd=tmp_path, env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert run.returncode == 0 and exports_of(out) == reference["new"]
    assert staging_leftovers(tmp_path) == []  # what killed builds left is cleaned up
