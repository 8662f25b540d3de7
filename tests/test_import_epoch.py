"""Epoch AI importer: a malformed copy (tests/data/importers/epoch) and the real dataset."""
from __future__ import annotations

import csv
import json

import pytest
import yaml
from click.testing import CliRunner

from datasets import ALIASES, DATASETS, REPO, SEED, datasets_dir, facts
from graphkit import api
from graphkit.cli import main
from graphkit.importers import run_import
from graphkit.importers.common import slugify
from graphkit.importers.epoch import import_epoch

FIXTURE = REPO / "tests" / "data" / "importers" / "epoch"


# ---------------------------------------------------------------------------------- malformed copy

def test_malformed_rows_are_counted_and_reported():
    result = import_epoch(FIXTURE)
    report = result.report
    assert (report.rows_read, report.rows_used) == (10, 7)
    assert dict(report.skipped) == {"wrong number of fields (truncated or shifted line)": 2, "empty model name": 1}
    problems = {(p.where, p.kind, p.reason) for p in report.problems}
    assert ("all_ai_models.csv row 4", "skipped", "wrong number of fields (truncated or shifted line)") in problems
    assert ("all_ai_models.csv row 5", "warning", "bad publication date") in problems
    assert ("all_ai_models.csv row 5", "warning", "bad parameters") in problems
    assert ("all_ai_models.csv row 5", "warning", "bad training compute (flop)") in problems
    assert ("all_ai_models.csv row 6", "skipped", "empty model name") in problems
    # The row with bad values is still used, without them.
    assert result.graph.entities["broken-types"].attributes == {"domain": "language"}
    # Two models named CaLM with different dates are two models.
    assert result.graph.entities["calm"].attributes["released"] == "2023-08-06"
    assert result.graph.entities["calm-2022"].attributes["released"] == "2022-12-19"


def test_values_and_facts_of_a_good_row():
    graph = import_epoch(FIXTURE).graph
    model = graph.entities["test-lm-7b"]
    assert model.attributes == {"accessibility": "Open weights (unrestricted)", "domain": "language, vision",
                                "parameters": 7_000_000_000, "released": "2024-03-05",
                                "training-compute-flop": 1.5e23}
    assert {("alibaba", "develops", "test-lm-7b"), ("zhejiang-university", "develops", "test-lm-7b"),
            ("test-lm-7b", "based-on", "test-lm-base")} <= facts(graph)
    assert graph.entities["alibaba"].type == "Company" and graph.entities["zhejiang-university"].type == "ResearchLab"
    assert graph.entities["deepmind"].attributes["country"] == "United Kingdom"  # normalized spelling
    statement = next(s for s in graph.statements if s.object == "test-lm-7b" and s.subject == "alibaba")
    assert statement.status == "imported" and statement.sources == ("epoch-ai-all-ai-models",)
    assert statement.note == "all_ai_models.csv row 2"
    source = graph.sources["epoch-ai-all-ai-models"]
    assert (source.publisher, source.date, source.language) == ("epoch-ai", "2026-11-29", "en")
    assert source.url.startswith("https://github.com/simsharmaa/INFSCI1520/")


def test_import_merged_with_seed_loads_and_refers_to_seed_ids(tmp_path):
    outcome = run_import("epoch", FIXTURE, tmp_path / "epoch", reference_paths=[SEED], aliases=ALIASES)
    graph = api.load([SEED, tmp_path / "epoch"])  # loads and validates together with the seed
    written = yaml.safe_load((tmp_path / "epoch" / "entities.yaml").read_text(encoding="utf-8"))
    ids = {e["id"] for e in written["entities"]}
    assert "alibaba" not in ids and "qwen2.5-max" not in ids  # seed entities are not redefined
    assert ("alibaba", "develops", "test-lm-7b") in facts(graph)
    # The seed already states "alibaba develops qwen2.5-max": corroborated, not repeated.
    assert outcome.resolution.corroborated == 1
    assert [s.status for s in graph.statements if (s.subject, s.object) == ("alibaba", "qwen2.5-max")] == ["confirmed"]
    # DeepMind and Google DeepMind are one node (alias file), named Google DeepMind.
    assert graph.entities["google-deepmind"].name == "Google DeepMind"
    assert {("google-deepmind", "develops", "test-lm-base"), ("google-deepmind", "develops", "broken-types")} <= facts(graph)
    assert "deepmind" not in graph.entities
    report = json.loads((tmp_path / "epoch" / "import-report.json").read_text(encoding="utf-8"))
    assert report["rows"] == {"read": 10, "used": 7, "skipped": 3}
    assert {"from": "alibaba", "into": "alibaba", "rule": "id", "matched": "alibaba",
            "target": "reference"} in report["resolution"]["merges"]
    assert {"subject": "qwen2.5-max", "field": "accessibility", "kept": "API (weights not released)",
            "dropped": "API access", "kept_from": "reference"} in report["resolution"]["conflicts"]


def test_output_is_deterministic(tmp_path):
    for name in ("a", "b"):
        run_import("epoch", FIXTURE, tmp_path / name, reference_paths=[SEED], aliases=ALIASES,
                   reference_label="seed_data")
    for file in ("entities.yaml", "sources.yaml", "relations.yaml", "import-report.json"):
        assert (tmp_path / "a" / file).read_bytes() == (tmp_path / "b" / file).read_bytes()


def test_slugify_makes_valid_distinct_ids():
    from graphkit.model import ID_PATTERN

    names = ["PanGu-α", "PanGu-Σ", "Snapdragon 865+", "Snapdragon 865", "通义千问", "Qwen2.5-Max", "---"]
    ids = [slugify(n) for n in names]
    assert all(ID_PATTERN.match(i) for i in ids) and len(set(ids)) == len(ids)
    assert slugify("Llama 3.1-405B") == "llama-3.1-405b"


# ---------------------------------------------------------------------------------- CLI

def test_cli_import_writes_files_and_a_summary(tmp_path):
    out = tmp_path / "epoch"
    result = CliRunner().invoke(main, ["import", "epoch", str(FIXTURE / "all_ai_models.csv"), "--out", str(out),
                                       "--merge-with", str(SEED), "--aliases", str(ALIASES)])
    assert result.exit_code == 0, result.output
    assert "epoch: 10 rows read, 7 used, 3 skipped" in result.output
    assert "skipped      2  wrong number of fields (truncated or shifted line)" in result.output
    assert sorted(p.name for p in out.iterdir()) == ["entities.yaml", "import-report.json", "relations.yaml",
                                                     "sources.yaml"]
    as_json = CliRunner().invoke(main, ["import", "epoch", str(FIXTURE), "--out", str(out), "--no-merge",
                                        "--format", "json"])
    assert as_json.exit_code == 0, as_json.output
    [summary] = json.loads(as_json.output)
    assert summary["rows"] == {"read": 10, "used": 7, "skipped": 3} and summary["reference"] == []


def test_cli_rejects_a_file_of_another_dataset(tmp_path):
    other = tmp_path / "other.csv"
    other.write_text("a,b\n1,2\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["import", "epoch", str(other), "--out", str(tmp_path / "o"), "--no-merge"])
    assert result.exit_code == 1  # invalid data
    assert "error: other.csv: not the expected dataset (missing column(s): Model" in result.output
    assert not (tmp_path / "o").exists()


# ---------------------------------------------------------------------------------- the real dataset

@pytest.fixture(scope="module")
def real(tmp_path_factory):
    out = tmp_path_factory.mktemp("imports") / "epoch"
    return run_import("epoch", datasets_dir() / "epoch-ai-models", out, reference_paths=[SEED], aliases=ALIASES)


@pytest.mark.slow  # the whole real dataset
def test_real_dataset_every_row_accounted_for(real):
    report = real.report
    rows = list(csv.DictReader((DATASETS / "epoch-ai-models" / "all_ai_models.csv").open(encoding="utf-8")))
    assert report.rows_read == len(rows) == 2228
    assert report.rows_used + sum(report.skipped.values()) == report.rows_read
    assert report.skipped["empty model name"] == 3


@pytest.mark.slow  # the whole real dataset
def test_real_dataset_model_developer_and_date(real):
    graph = real.graph
    gpt4o_mini = graph.entities["gpt-4o-mini"]
    assert gpt4o_mini.name == "GPT-4o mini" and gpt4o_mini.attributes["released"] == "2024-07-18"
    statement = next(s for s in graph.statements if s.object == "gpt-4o-mini" and s.relation == "develops")
    assert statement.subject == "openai"  # the seed's OpenAI
    row = int(statement.note.rsplit(" ", 1)[1])
    rows = list(csv.DictReader((DATASETS / "epoch-ai-models" / "all_ai_models.csv").open(encoding="utf-8")))
    assert rows[row - 1]["Model"] == "GPT-4o mini" and rows[row - 1]["Organization"] == "OpenAI"


@pytest.mark.slow  # the whole real dataset
def test_real_dataset_alibaba_is_the_seed_entity(real):
    graph = real.graph
    assert "alibaba" not in graph.entities and not [e for e in graph.entities.values() if e.name == "Alibaba"]
    assert ("alibaba", "develops", "qwen2.5-72b") in facts(graph)
    merges = {(m.imported, m.into, m.rule) for m in real.resolution.merges}
    assert ("alibaba", "alibaba", "id") in merges
    assert ("meta-ai", "meta", "alias file") in merges  # Epoch's "Meta AI" is the seed's Meta
    assert ("qwen2.5-max", "qwen2.5-max", "id") in merges
    assert ("llama-3.1-405b", "llama-3.1-405b", "id") in merges
    dropped = {d["fact"]: d["reason"] for d in real.resolution.dropped}
    assert dropped["alibaba develops qwen2.5-max"] == "already in the reference data"
    assert dropped["meta-ai develops llama-3.1-405b"] == "already in the reference data"
