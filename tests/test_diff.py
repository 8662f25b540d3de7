"""graphkit diff: two git revisions of a repository made here, exact changes, stable Markdown."""
from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from graphkit.cli import main
from graphkit.diff import diff_graphs, format_diff, load_version

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="needs git")

BEFORE = """
entities:
  - {id: apple, type: Company, name: Apple}
  - {id: alibaba, type: Company, name: Alibaba}
  - {id: baidu, type: Company, name: Baidu}
  - {id: tencent, type: Company, name: Tencent}
  - {id: reuters, type: Publisher, name: Reuters}
  - {id: bloomberg, type: Publisher, name: Bloomberg}
sources:
  - {id: r1, title: "Apple partners with Alibaba, The Information reports", publisher: reuters, date: "2025-02-11"}
  - {id: b1, title: "Tsai says Apple will use Alibaba's AI", publisher: bloomberg, date: "2025-02-13"}
relations:
  - fact: apple partners-with alibaba
    status: rumored
    source: r1
  - fact: apple in-talks-with baidu
    status: rumored
    source: r1
    since: "2024"
"""

AFTER = """
entities:
  - {id: apple, type: Company, name: Apple Inc.}
  - {id: alibaba, type: Company, name: Alibaba}
  - {id: baidu, type: Company, name: Baidu}
  - {id: tencent-holdings, type: Company, name: Tencent}
  - {id: reuters, type: Publisher, name: Reuters}
  - {id: bloomberg, type: Publisher, name: Bloomberg}
sources:
  - {id: r1, title: "Apple partners with Alibaba, The Information reports", publisher: reuters, date: "2025-02-11"}
  - {id: b1, title: "Tsai says Apple will use Alibaba's AI", publisher: bloomberg, date: "2025-02-13"}
relations:
  - fact: apple partners-with alibaba
    history:
      - {status: rumored, date: "2025-02-11", source: r1}
      - {status: confirmed, date: "2025-02-13", source: b1}
  - fact: apple in-talks-with baidu
    status: rumored
    sources: [r1, b1]
    since: "2024-06"
  - fact: apple in-talks-with tencent-holdings
    status: rumored
    source: r1
"""

EXPECTED_MARKDOWN = """# Changes from HEAD~1 to HEAD

## Status transitions (1)

- apple partners-with alibaba: rumored -> confirmed (Bloomberg, 2025-02-13)

## Facts added (1)

- apple in-talks-with tencent-holdings [rumored]

## Facts changed (1)

- apple in-talks-with baidu; sources added: b1; since: 2024 -> 2024-06

## Entities renamed (2)

- apple: Apple -> Apple Inc.
- tencent -> tencent-holdings (Tencent)
"""


def git(repo: Path, *args: str) -> None:
    subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True,
                   env={"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org", "GIT_COMMITTER_NAME": "t",
                        "GIT_COMMITTER_EMAIL": "t@example.org", "PATH": "/usr/bin:/bin", "HOME": str(repo)})


@pytest.fixture()
def repo(tmp_path):
    root = tmp_path / "repo"
    (root / "data").mkdir(parents=True)
    git(root, "init", "-q")
    (root / "data" / "graph.yaml").write_text(BEFORE, encoding="utf-8")
    git(root, "add", ".")
    git(root, "commit", "-q", "-m", "before")
    (root / "data" / "graph.yaml").write_text(AFTER, encoding="utf-8")
    git(root, "commit", "-q", "-am", "after")
    return root


def test_diff_between_revisions(repo):
    old = load_version("HEAD~1", ("data",), repo=repo)
    new = load_version("HEAD", ("data",), repo=repo)
    result = diff_graphs(old, new)
    assert [c.text() for c in result.transitions] == [
        "apple partners-with alibaba: rumored -> confirmed (Bloomberg, 2025-02-13)"]
    assert [c.fact for c in result.added] == ["apple in-talks-with tencent-holdings"]
    assert result.removed == []  # the Tencent fact moved to the new id: an added fact and a renamed entity
    assert [c.details for c in result.changed] == [["sources added: b1", "since: 2024 -> 2024-06"]]
    assert result.entities_renamed == [{"id": "apple", "old": "Apple", "new": "Apple Inc."},
                                       {"old_id": "tencent", "new_id": "tencent-holdings", "name": "Tencent"}]
    assert result.entities_added == [] and result.entities_removed == []


def test_markdown_is_byte_stable(repo):
    outputs = []
    for _ in range(2):
        cli = CliRunner().invoke(main, ["diff", "HEAD~1", "HEAD", "--repo", str(repo), "-d", "data",
                                        "--format", "markdown"])
        assert cli.exit_code == 0, cli.output
        outputs.append(cli.output)
    assert outputs[0] == outputs[1] == EXPECTED_MARKDOWN


def test_removed_facts_and_json(repo, tmp_path):
    old = tmp_path / "old"
    new = tmp_path / "new"
    old.mkdir()
    new.mkdir()
    (old / "g.yaml").write_text(AFTER, encoding="utf-8")
    (new / "g.yaml").write_text(BEFORE, encoding="utf-8")
    cli = CliRunner().invoke(main, ["diff", str(old), str(new), "--format", "json"])
    assert cli.exit_code == 0, cli.output
    data = json.loads(cli.output)
    assert [c["fact"] for c in data["facts_removed"]] == ["apple in-talks-with tencent-holdings"]
    assert data["transitions"][0]["old_status"] == "confirmed" and data["transitions"][0]["new_status"] == "rumored"


def test_no_changes_and_unknown_revision(repo):
    same = diff_graphs(load_version("HEAD", ("data",), repo=repo), load_version("HEAD", ("data",), repo=repo))
    assert same.empty and format_diff(same, "table").endswith("no changes\n")
    cli = CliRunner().invoke(main, ["diff", "no-such-rev", "HEAD", "--repo", str(repo), "-d", "data"])
    assert cli.exit_code == 2
    assert "neither a data folder nor a git revision" in cli.output
