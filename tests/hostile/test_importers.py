"""Importers given the wrong input refuse it (exit code 1) and never replace a good import with
an empty one; an import written inside seed_data/ does not make the next import load a file
twice."""
from __future__ import annotations

import shutil

import pytest

from hostile.helpers import ROOT, SEED, cli, snapshot

FIXTURES = ROOT / "tests" / "data" / "importers"


@pytest.fixture
def good_import(tmp_path):
    """A good devices (Qualcomm) import in tmp/imports/devices."""
    out = tmp_path / "imports" / "devices"
    run = cli("import", "qualcomm", str(FIXTURES / "devices" / "devices_and_chipsets.yaml"), "--out", str(out),
              "--no-merge", "-q")
    assert run.returncode == 0, run.stderr
    assert any(out.glob("*.yaml"))
    return out


@pytest.mark.parametrize("name, content, message", [
    ("seed.yaml", (SEED / "sources.yaml").read_bytes() if (SEED / "sources.yaml").exists() else
     b"entities:\n  - {id: x, type: Company, name: X}\n", "not the expected dataset (no 'devices' mapping"),
    ("list.yaml", b"- a\n- b\n", "not the expected dataset (no 'devices' mapping"),
    ("empty-devices.yaml", b"devices: {}\nchipsets: {}\n", "not the expected dataset (no 'devices' mapping"),
    ("broken.yaml", b"devices: {a: [\n", "cannot read broken.yaml: YAML syntax error"),
    ("latin1.yaml", "devices:\n  Caf\u00e9: {}\n".encode("latin-1"), "cannot read latin1.yaml: column"),
    ("empty.yaml", b"", "cannot read empty.yaml: empty file"),
])
def test_a_device_importer_refuses_a_file_that_is_not_the_dataset(tmp_path, good_import, name, content, message):
    before = snapshot(good_import)
    wrong = tmp_path / name
    wrong.write_bytes(content)
    run = cli("import", "qualcomm", str(wrong), "--out", str(good_import), "--no-merge", "-q")
    lines = run.error_lines()
    assert run.returncode == 1 and len(lines) == 1, run.stderr
    assert message in lines[0], lines[0]
    assert snapshot(good_import) == before  # the good import is untouched


def test_a_header_only_csv_does_not_replace_an_import(tmp_path):
    out = tmp_path / "imports" / "epoch"
    first = cli("import", "epoch", str(FIXTURES / "epoch" / "all_ai_models.csv"), "--out", str(out), "--no-merge",
                "-q")
    assert first.returncode == 0, first.stderr
    before = snapshot(out)
    header = (FIXTURES / "epoch" / "all_ai_models.csv").read_text(encoding="utf-8").splitlines()[0]
    (tmp_path / "all_ai_models.csv").write_text(header + "\n", encoding="utf-8")
    run = cli("import", "epoch", str(tmp_path / "all_ai_models.csv"), "--out", str(out), "--no-merge", "-q")
    assert run.returncode == 1 and "no rows to import" in run.stderr and "is kept as it was" in run.stderr
    assert snapshot(out) == before


def test_imports_written_inside_seed_data_do_not_load_twice(tmp_path):
    seed = tmp_path / "seed_data"
    shutil.copytree(SEED, seed, ignore=shutil.ignore_patterns(".graphkit"))
    for source, fixture in (("epoch", "epoch"), ("leaderboard", "leaderboard"), ("qualcomm", "devices")):
        out = seed / source
        run = cli("import", source, str(FIXTURES / fixture), "--out", str(out), "-q", cwd=tmp_path)
        assert run.returncode == 0, f"{source}: {run.stderr}"
    again = cli("import", "epoch", str(FIXTURES / "epoch"), "--out", str(seed / "epoch"), "-q", cwd=tmp_path)
    assert again.returncode == 0, again.stderr  # re-importing into seed_data/epoch: no "duplicate fact"
    check = cli("check", "--no-shacl", "seed_data", cwd=tmp_path)
    assert check.returncode == 0, check.stderr


def test_the_same_file_given_twice_is_loaded_once(tmp_path):
    run = cli("check", "--no-shacl", str(SEED), str(SEED / next(p.name for p in SEED.glob("*.yaml"))), str(SEED))
    assert run.returncode == 0, run.stderr
