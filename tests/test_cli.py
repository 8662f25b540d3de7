"""The command line: exit codes, clean errors, documented commands."""
from pathlib import Path

from click.testing import CliRunner

from graphkit.cli import main

ROOT = Path(__file__).resolve().parents[1]


def test_check_ok_on_seed_data():
    result = CliRunner().invoke(main, ["check", str(ROOT / "seed_data")])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("ok: ")


def test_missing_path_is_a_clean_error(tmp_path):
    result = CliRunner().invoke(main, ["check", str(tmp_path / "nope")])
    assert result.exit_code == 2
    assert "no such file or directory" in result.output


def test_every_command_is_documented_in_the_readme():
    readme = (ROOT / "README.md").read_text()

    def walk(group, prefix):
        for name, command in group.commands.items():
            yield f"{prefix} {name}".strip()
            if hasattr(command, "commands"):
                yield from walk(command, f"{prefix} {name}")

    missing = [c for c in walk(main, "graphkit") if f"`{c}" not in readme]
    assert missing == []


def test_library_never_imports_click():
    offenders = [str(p.relative_to(ROOT)) for p in (ROOT / "graphkit").rglob("*.py")
                 if "cli" not in p.relative_to(ROOT / "graphkit").parts
                 and ("import click" in p.read_text() or "from click" in p.read_text())]
    assert offenders == []


def test_build_and_check_take_data_as_option_or_argument(tmp_path):
    seed = str(ROOT / "seed_data")
    for args in (["-d", seed], [seed]):  # -d like every other command; arguments, the older form
        result = CliRunner().invoke(main, ["check", "--no-shacl", *args])
        assert result.exit_code == 0, result.output
    result = CliRunner().invoke(main, ["build", "-d", seed, "-o", str(tmp_path / "a")])
    assert result.exit_code == 0, result.output
    assert "entities" in result.output and "triples" in result.output  # the summary (not -q)
    result = CliRunner().invoke(main, ["build", seed, "-o", str(tmp_path / "b"), "-q"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "a" / "graph.ttl").read_bytes() == (tmp_path / "b" / "graph.ttl").read_bytes()
    result = CliRunner().invoke(main, ["check", "-d", str(tmp_path / "nope")])
    assert result.exit_code != 0 and "no such file or directory" in result.output


def test_render_writes_pages_into_exports_by_default(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    data = str(ROOT / "seed_data")
    cases = [([], "exports/graph.html"), (["--focus", "Alibaba", "--depth", "2"], "exports/focus-alibaba.html"),
             (["--status", "confirmed"], "exports/selection.html")]
    for args, expected in cases:
        result = CliRunner().invoke(main, ["render", "-d", data, *args])
        assert result.exit_code == 0, result.output
        assert result.output == f"wrote {expected}\n"
        assert (tmp_path / expected).read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["exports"]  # nothing in the current folder
