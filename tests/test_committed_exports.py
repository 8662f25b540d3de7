"""The committed exports/ folder is what a fresh `graphkit build` writes, byte for byte (the
session's `seed_build`: every output, built from an empty store).

If this fails after a change to the seed data, the ontology or any writer, rebuild and commit:
`.venv/bin/graphkit build` (from the repository root), then `git add exports/`.
"""
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
COMMITTED = ROOT / "exports"


def test_committed_exports_match_a_fresh_build(seed_build):
    result, out = seed_build
    fresh = {path.name for path in result.files}
    assert fresh == {path.name for path in out.iterdir()}  # build lists all it writes
    committed = {path.name for path in COMMITTED.iterdir()}
    assert committed == fresh, ("exports/ holds other files than `graphkit build` writes: "
                                f"missing {sorted(fresh - committed)}, extra {sorted(committed - fresh)}")
    stale = sorted(name for name in fresh
                   if (COMMITTED / name).read_bytes() != (out / name).read_bytes())
    assert stale == [], f"stale committed exports {stale}: run `graphkit build` and commit exports/"
