"""Ecosystem Graphs importer: a malformed copy (tests/data/importers/ecosystem) and the real dataset."""
from __future__ import annotations

import pytest
from click.testing import CliRunner

from datasets import ALIASES, DATASETS, REPO, SEED, datasets_dir, facts
from graphkit import api
from graphkit.cli import main
from graphkit.importers import run_import
from graphkit.importers.ecosystem import import_ecosystem

FIXTURE = REPO / "tests" / "data" / "importers" / "ecosystem"


# ---------------------------------------------------------------------------------- malformed copy

def test_malformed_files_and_assets_are_counted_and_reported():
    report = import_ecosystem(FIXTURE).report
    assert (report.rows_read, report.rows_used) == (11, 6)
    assert dict(report.skipped) == {"unreadable YAML file": 1, "not a list of assets": 1, "empty asset name": 1,
                                    "unknown asset type": 1, "asset is not a mapping": 1}
    problems = {(p.where, p.reason) for p in report.problems}
    assert ("assets/broken.yaml", "unreadable YAML file") in problems
    assert ("assets/odd.yaml line 7", "unknown asset type") in problems
    assert ("assets/odd.yaml asset 3", "asset is not a mapping") in problems
    assert ("assets/odd.yaml line 12", "bad created_date") in problems  # a list where a date belongs
    assert ("assets/odd.yaml line 12", "bad dependencies") in problems
    assert ("assets/acme.yaml line 13", "dependency is not an asset of the dataset") in problems
    broken = next(p for p in report.problems if p.where == "assets/broken.yaml")
    assert "line 5" in broken.detail or ":5:" in broken.detail


def test_assets_values_and_dependencies():
    graph = import_ecosystem(FIXTURE).graph
    lm = graph.entities["acme-lm"]
    assert lm.type == "AIModel"
    assert lm.attributes == {"accessibility": "open", "license": "Apache 2.0", "modality": "text; text",
                             "parameters": 7_000_000_000, "released": "2023-06-01"}
    assert graph.entities["acme-chat"].type == "AIProduct" and graph.entities["acme-corpus"].type == "Dataset"
    assert {("acme-lm", "depends-on", "acme-corpus"), ("acme-lm", "depends-on", "gpt-4o"),
            ("acme-chat", "depends-on", "acme-lm"), ("acme-ai-inc", "develops", "acme-lm")} <= facts(graph)
    chat = next(s for s in graph.statements if s.subject == "acme-chat" and s.relation == "depends-on")
    assert chat.sources == ("ecosystem-graphs-acme",) and chat.note == "assets/acme.yaml line 30"
    source = graph.sources["ecosystem-graphs-acme"]
    assert source.url == "https://github.com/stanford-crfm/ecosystem-graphs/blob/576655a5/assets/acme.yaml"
    assert source.publisher == "stanford-crfm"


def test_merged_with_seed(tmp_path):
    outcome = run_import("ecosystem", FIXTURE, tmp_path / "eco", reference_paths=[SEED], aliases=ALIASES)
    graph = api.load([SEED, tmp_path / "eco"])
    # ChatGPT and GPT-4o are the seed's; the dependency between them is new.
    assert ("chatgpt", "depends-on", "gpt-4o") in facts(graph)
    assert "chatgpt" not in outcome.graph.entities and "gpt-4o" not in outcome.graph.entities
    # "Acme AI, Inc." is "Acme AI" once the corporate suffix is removed.
    assert outcome.resolution.mapping["acme-ai-inc"] == "acme-ai"
    assert ("acme-ai", "develops", "acme-lm") in facts(graph)
    conflicts = {(c.subject, c.field) for c in outcome.resolution.conflicts}
    assert ("gpt-4o", "modality") in conflicts  # seed "text, image, audio" vs dataset "text; text"


def test_cli_reports_and_completes(tmp_path):
    result = CliRunner().invoke(main, ["import", "ecosystem", str(FIXTURE), "--out", str(tmp_path / "eco"),
                                       "--no-merge", "--aliases", str(ALIASES)])
    assert result.exit_code == 0, result.output
    assert "ecosystem: 11 rows read, 6 used, 5 skipped" in result.output
    assert (tmp_path / "eco" / "import-report.json").is_file()


# ---------------------------------------------------------------------------------- the real dataset

@pytest.fixture(scope="module")
def real(tmp_path_factory):
    out = tmp_path_factory.mktemp("imports") / "ecosystem"
    return run_import("ecosystem", datasets_dir() / "ecosystem-graphs", out, reference_paths=[SEED], aliases=ALIASES)


@pytest.mark.slow  # the whole real dataset
def test_real_dataset_application_dependency(real):
    statement = next(s for s in real.graph.statements
                     if (s.subject, s.relation, s.object) == ("chatgpt", "depends-on", "gpt-3.5-turbo"))
    assert statement.sources == ("ecosystem-graphs-openai",) and statement.status == "imported"
    # The note points at the asset in the file: its block holds "name: ChatGPT".
    line = int(statement.note.rsplit(" ", 1)[1])
    lines = (DATASETS / "ecosystem-graphs" / "assets_yaml" / "openai.yaml").read_text(encoding="utf-8").splitlines()
    block = []
    for text in lines[line - 1:]:
        if block and text.startswith("- "):
            break
        block.append(text)
    assert "  name: ChatGPT" in block
    assert ("bedrock", "depends-on", "claude") in facts(real.graph)  # Amazon Bedrock serves the seed's Claude
    assert "claude" not in real.graph.entities


@pytest.mark.slow  # the whole real dataset
def test_real_dataset_rows_and_merges(real):
    report = real.report
    assert report.rows_read == 639 and report.rows_used == 639
    assert len(report.files) == len(list((DATASETS / "ecosystem-graphs" / "assets_yaml").glob("*.yaml")))
    merges = {(m.imported, m.into, m.rule) for m in real.resolution.merges}
    assert ("google-deepmind", "google-deepmind", "alias file") not in merges  # not in the seed: created
    assert real.graph.entities["google-deepmind"].name == "Google DeepMind"
    assert ("qwen-team", "alibaba", "alias file") in merges
    assert ("openai", "openai", "id") in merges


@pytest.mark.slow  # the whole real dataset
def test_real_csv_gives_the_same_assets_as_the_yaml_files(real):
    from_csv = import_ecosystem(datasets_dir() / "ecosystem-graphs" / "all_assets.csv")
    assert from_csv.report.rows_read == 639
    yaml_graph = import_ecosystem(datasets_dir() / "ecosystem-graphs").graph
    assert set(from_csv.graph.entities) == set(yaml_graph.entities)
    assert facts(from_csv.graph) == facts(yaml_graph)
    assert list(from_csv.graph.sources) == ["ecosystem-graphs-all-assets"]


def test_imports_made_one_by_one_build_together(tmp_path, monkeypatch):
    """Default reference: seed_data plus the imports of earlier datasets beside the output folder."""
    import shutil

    shutil.copytree(SEED, tmp_path / "seed_data")
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    epoch_fixture = REPO / "tests" / "data" / "importers" / "epoch"
    ecosystem = runner.invoke(main, ["import", "ecosystem", str(FIXTURE), "--aliases", str(ALIASES)])
    assert ecosystem.exit_code == 0 and "reference data: seed_data\n" in ecosystem.output
    epoch = runner.invoke(main, ["import", "epoch", str(epoch_fixture), "--aliases", str(ALIASES)])
    assert epoch.exit_code == 0, epoch.output
    assert "reference data: seed_data\n" in epoch.output  # ecosystem comes later: not a reference
    assert "imports/ecosystem comes after epoch in the import order" in epoch.output
    again = runner.invoke(main, ["import", "ecosystem", str(FIXTURE), "--aliases", str(ALIASES)])
    assert "reference data: seed_data, imports/epoch\n" in again.output
    graph = api.load(["seed_data", "imports/epoch", "imports/ecosystem"])
    assert ("alibaba", "develops", "test-lm-7b") in facts(graph) and ("acme-lm", "depends-on", "acme-corpus") in facts(graph)
