"""Open LLM Leaderboard importer: a malformed copy (tests/data/importers/leaderboard) and the real dataset."""
from __future__ import annotations

import csv

import pytest

from datasets import ALIASES, DATASETS, REPO, SEED, datasets_dir, facts
from graphkit import api
from graphkit.importers import run_import
from graphkit.importers.leaderboard import import_leaderboard, lineage_relation, model_id

FIXTURE = REPO / "tests" / "data" / "importers" / "leaderboard"


# ---------------------------------------------------------------------------------- malformed copy

def test_malformed_rows_are_counted_and_reported():
    report = import_leaderboard(FIXTURE).report
    assert (report.rows_read, report.rows_used) == (12, 9)
    assert dict(report.skipped) == {"empty model id": 1, "not a Hugging Face model id": 1,
                                    "wrong number of fields (truncated or shifted line)": 1}
    warnings = {(p.where, p.reason) for p in report.problems if p.kind == "warning"}
    assert warnings == {("open_llm_leaderboard.csv row 3", "model evaluated again (merged)"),
                        ("open_llm_leaderboard.csv row 7", "bad #Params (B)"),
                        ("open_llm_leaderboard.csv row 8", "base model removed from the Hub")}


def test_lineage_relations_follow_type_weight_and_name():
    graph = import_leaderboard(FIXTURE).graph
    assert {("alice--base-7b-chat", "fine-tuned-from", "acme--base-7b"),
            ("bob--base-7b-lora", "adapter-of", "acme--base-7b"),
            ("dave--base-7b-gptq", "quantized-from", "acme--base-7b"),
            ("erin--uses-missing-base", "fine-tuned-from", "meta-llama--meta-llama-3.1-8b"),
            ("qwen--qwen2.5-7b-instruct", "fine-tuned-from", "qwen--qwen2.5-7b"),
            ("acme", "develops", "acme--base-7b"), ("meta-llama", "develops", "meta-llama--meta-llama-3.1-8b")
            } <= facts(graph)
    # A merge whose base is itself ("... (Merge)") has no lineage fact.
    assert not [f for f in facts(graph) if f[0] == "carol--franken-merge-7b" and f[1] != "develops"]
    base = graph.entities["acme--base-7b"]
    assert base.name == "acme/base-7b" and base.aliases == ("base-7b",)  # an official provider's repo
    assert base.attributes["parameters"] == 7_241_000_000 and base.attributes["hf-id"] == "acme/base-7b"
    chat = next(s for s in graph.statements if s.subject == "alice--base-7b-chat" and s.relation == "fine-tuned-from")
    assert chat.note == "open_llm_leaderboard.csv row 2; open_llm_leaderboard.csv row 3"
    assert "license" not in graph.entities["qwen--qwen2.5-7b-instruct"].attributes  # "other" says nothing
    stub = graph.entities["meta-llama--meta-llama-3.1-8b"]
    assert stub.attributes == {"hf-id": "meta-llama/Meta-Llama-3.1-8B"}


def test_lineage_relation_rules():
    row = {"Type": "🔶 fine-tuned on domain-specific datasets", "Weight type": "Original", "Merged": "False"}
    assert lineage_relation(row, "model") == "fine-tuned-from"
    assert lineage_relation({**row, "Weight type": "Adapter"}, "model") == "adapter-of"
    assert lineage_relation({**row, "Merged": "True"}, "model") == "merged-from"
    assert lineage_relation(row, "Model-AWQ") == "quantized-from"
    assert lineage_relation({**row, "Type": "🟩 continuously pretrained"}, "model") == "based-on"
    assert model_id("Qwen/Qwen2.5-7B") == "qwen--qwen2.5-7b" and model_id("gpt2") == "gpt2"


def test_merged_with_seed_uses_alias_file(tmp_path):
    outcome = run_import("leaderboard", FIXTURE, tmp_path / "lb", reference_paths=[SEED], aliases=ALIASES)
    graph = api.load([SEED, tmp_path / "lb"])
    # The "Qwen" account is Alibaba (alias file); "meta-llama" is Meta; the alias file names
    # the repository meta-llama/Meta-Llama-3.1-8B by its Hub id: the model Epoch calls Llama 3.1-8B.
    assert ("alibaba", "develops", "qwen--qwen2.5-7b-instruct") in facts(graph)
    assert ("meta", "develops", "llama-3.1-8b") in facts(graph)
    assert "hugging-face" not in graph.entities and graph.sources["open-llm-leaderboard-leaderboard"].publisher == "huggingface"
    assert {m.imported for m in outcome.resolution.merges} >= {"qwen", "meta-llama", "hugging-face"}


# ---------------------------------------------------------------------------------- the real dataset

@pytest.fixture(scope="module")
def real(tmp_path_factory):
    out = tmp_path_factory.mktemp("imports") / "leaderboard"
    return run_import("leaderboard", datasets_dir() / "open-llm-leaderboard", out, reference_paths=[SEED],
                      aliases=ALIASES)


@pytest.mark.slow  # the whole real dataset
def test_real_dataset_fine_tune_base_model(real):
    graph = real.graph
    statement = next(s for s in graph.statements
                     if s.subject == "qwen--qwen2.5-72b-instruct" and s.relation == "fine-tuned-from")
    assert statement.object == "qwen--qwen2.5-72b"
    assert set(statement.sources) == {"open-llm-leaderboard-leaderboard", "open-llm-leaderboard-official"}
    rows = list(csv.DictReader((DATASETS / "open-llm-leaderboard" / "open_llm_leaderboard.csv").open(encoding="utf-8")))
    row = rows[int(statement.note.split(";")[0].rsplit(" ", 1)[1]) - 1]
    assert (row["fullname"], row["Base Model"]) == ("Qwen/Qwen2.5-72B-Instruct", "Qwen/Qwen2.5-72B")
    assert ("alibaba", "develops", "qwen--qwen2.5-72b-instruct") in facts(graph)
    assert graph.entities["qwen--qwen2.5-72b-instruct"].attributes["hf-id"] == "Qwen/Qwen2.5-72B-Instruct"


@pytest.mark.slow  # the whole real dataset
def test_real_dataset_rows(real):
    report = real.report
    assert report.rows_read == 3827 + 459
    assert report.rows_used + sum(report.skipped.values()) == report.rows_read
    relations = {s.relation for s in real.graph.statements}
    assert relations >= {"develops", "fine-tuned-from", "merged-from", "adapter-of", "quantized-from", "based-on"}
