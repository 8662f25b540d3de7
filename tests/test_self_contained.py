"""The repository is self-contained: nothing points to a file outside it, and every relative
link of the Markdown documentation leads to a file (and heading) that exists."""
from __future__ import annotations

import re
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TEXT_SUFFIXES = {".py", ".md", ".toml", ".sh", ".rq", ".cypher", ".ttl", ".yaml", ".yml", ".json", ".jsonld",
                 ".html", ".js", ".css", ".txt", ".cfg", ".ini", ""}
SKIP_DIRS = {".git", ".venv", "__pycache__", ".pytest_cache", ".mypy_cache", ".ruff_cache", ".graphkit",
             ".graphkit-cache", "build", "dist", "imports"}
#: Tests and benchmarks may read the shared datasets beside the repository (../shared/datasets).
MAY_READ_SHARED = ("tests/", "benchmarks/")


def repository_files() -> list[Path]:
    """Tracked files when this is a git checkout, else every file outside build and cache folders."""
    try:
        listed = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True).stdout
        files = [ROOT / name for name in listed.decode("utf-8").split("\0") if name]
    except (OSError, subprocess.CalledProcessError):
        files = [p for p in ROOT.rglob("*") if not SKIP_DIRS & set(p.relative_to(ROOT).parts)]
    return sorted(p for p in files if p.is_file() and p.suffix in TEXT_SUFFIXES)


#: the design notes file of the first round, kept outside the repository (spelled in two parts so
#: that this test does not name it)
OUTSIDE_DOC = "DESIGN" + ".md"


def read(path: Path) -> str:
    return path.read_text(encoding="utf-8", errors="replace")


def test_nothing_refers_to_a_design_file_outside_the_repository():
    offenders = [str(p.relative_to(ROOT)) for p in repository_files()
                 if p != Path(__file__) and OUTSIDE_DOC in read(p)]
    assert offenders == [], "design knowledge lives in docs/architecture.md"


def test_only_tests_and_benchmarks_reach_outside():
    outside = re.compile(r"\.\./shared|/work/")
    offenders = [f"{p.relative_to(ROOT)}:{n}" for p in repository_files()
                 if p != Path(__file__) and not str(p.relative_to(ROOT)).startswith(MAY_READ_SHARED)
                 for n, line in enumerate(read(p).splitlines(), 1) if outside.search(line)]
    assert offenders == []


def heading_anchors(markdown: str) -> set[str]:
    """GitHub's anchors: lowercase, punctuation dropped, spaces to hyphens."""
    anchors = set()
    for line in markdown.splitlines():
        match = re.match(r"#{1,6}\s+(.*)", line)
        if match:
            text = re.sub(r"[^\w\- ]", "", match.group(1).strip().lower())
            anchors.add(text.replace(" ", "-"))
    return anchors


def test_relative_links_in_the_documentation_resolve():
    pages = [p for p in repository_files() if p.suffix == ".md"]
    assert ROOT / "docs" / "architecture.md" in pages and ROOT / "CONTRIBUTING.md" in pages
    broken = []
    for page in pages:
        text = re.sub(r"```.*?```", "", read(page), flags=re.S)  # links inside code blocks are examples
        for target in re.findall(r"\]\(([^)\s]+)\)", text):
            if re.match(r"[a-z]+:", target):
                continue  # https:, mailto:
            path_part, _, anchor = target.partition("#")
            linked = (page.parent / path_part).resolve() if path_part else page
            if not linked.exists():
                broken.append(f"{page.relative_to(ROOT)}: {target} (no such file)")
            elif anchor and linked.suffix == ".md" and anchor not in heading_anchors(read(linked)):
                broken.append(f"{page.relative_to(ROOT)}: {target} (no such heading)")
    assert broken == []
