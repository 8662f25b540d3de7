"""The README's five-minute tour stays true: every `$ graphkit ...` command in its console blocks
runs, and prints exactly the output shown under it (trailing spaces aside)."""
from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
TOUR_HEADING = "## A five-minute tour"


def tour_section(readme: str) -> str:
    start = readme.index(TOUR_HEADING)
    end = readme.find("\n## ", start + len(TOUR_HEADING))
    return readme[start:end if end >= 0 else len(readme)]


def tour_steps(readme: str) -> list[tuple[str, list[str], str]]:
    """(command text, argv, expected output) for each `$ ` command of the tour's console blocks.

    A command goes on over the next lines until its quotes close (as in a shell); the lines after
    it, up to the next `$ ` line or the end of the block, are its output.
    """
    steps = []
    for block in re.findall(r"```console\n(.*?)```", tour_section(readme), flags=re.S):
        lines = block.splitlines()
        i = 0
        while i < len(lines):
            if not lines[i].startswith("$ "):
                raise AssertionError(f"output without a command in the tour: {lines[i]!r}")
            command = lines[i][2:]
            i += 1
            while True:
                try:
                    argv = shlex.split(command)
                    break
                except ValueError:  # an open quote: the command goes on
                    if i >= len(lines):
                        raise AssertionError(f"unclosed quote in the tour: {command!r}") from None
                    command += "\n" + lines[i]
                    i += 1
            output = []
            while i < len(lines) and not lines[i].startswith("$ "):
                output.append(lines[i])
                i += 1
            steps.append((command, argv, "\n".join(output)))
    return steps


def normalise(text: str) -> str:
    return "\n".join(line.rstrip() for line in text.strip("\n").splitlines())


STEPS = tour_steps((ROOT / "README.md").read_text(encoding="utf-8"))


def test_the_tour_has_its_steps():
    commands = [argv[:2] for _, argv, _ in STEPS]
    assert ["graphkit", "sparql"] in commands and ["graphkit", "cypher"] in commands
    assert ["graphkit", "path"] in commands and ["graphkit", "render"] in commands
    assert all(output for _, _, output in STEPS), "every tour command shows its output"


def test_the_parser_reads_multi_line_commands_and_their_output():
    readme = (f"{TOUR_HEADING}\n\n```console\n$ graphkit sparql 'SELECT ?x\nWHERE {{ }}'\n| x |\n"
              "$ graphkit check\nok\n```\n\n## Next\n```console\n$ graphkit never\n```\n")
    assert tour_steps(readme) == [("graphkit sparql 'SELECT ?x\nWHERE { }'", ["graphkit", "sparql", "SELECT ?x\nWHERE { }"],
                                   "| x |"),
                                  ("graphkit check", ["graphkit", "check"], "ok")]


@pytest.fixture(scope="module")
def tour_dir(tmp_path_factory):
    """A folder like the repository's top one (seed_data/ in it), so written pages land in its
    exports/ and not in the committed one."""
    folder = tmp_path_factory.mktemp("tour")
    (folder / "seed_data").symlink_to(ROOT / "seed_data", target_is_directory=True)
    return folder


@pytest.mark.parametrize("command, argv, expected", [
    pytest.param(*step, id=" ".join(step[1][:2]) + f"-{i}",
                 marks=[pytest.mark.server] if step[1][1:2] == ["cypher"] else [])
    for i, step in enumerate(STEPS)])
def test_tour_command_prints_what_the_readme_shows(command, argv, expected, tour_dir):
    assert argv[0] == "graphkit", f"the tour runs graphkit commands only: {command!r}"
    env = dict(os.environ, GRAPHKIT_CACHE_DIR=str(tour_dir / "cache"),
               PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])))
    for name in ("NEO4J_URI", "NEO4J_USERNAME", "NEO4J_PASSWORD", "NEO4J_DATABASE"):
        env.pop(name, None)
    result = subprocess.run([sys.executable, "-m", "graphkit", *argv[1:]], capture_output=True, text=True,
                            cwd=tour_dir, env=env, timeout=120)
    assert result.returncode == 0, result.stderr
    assert normalise(result.stdout) == normalise(expected), (
        f"README tour is stale for `{command}`: it now prints\n{result.stdout}")
    if argv[1] == "render":
        written = tour_dir / expected.removeprefix("wrote ").strip()
        assert written.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
