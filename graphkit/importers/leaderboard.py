"""Hugging Face Open LLM Leaderboard v2 (open-llm-leaderboard/*.csv).

One row per evaluated model (a model evaluated in two precisions has two rows): its Hub id
(`fullname`, "author/repo"), type, weight type, architecture, Hub licence, size, average score,
upload date and base model.

Produces: AIModel entities (name = the Hub id, attribute `hf-id`; official providers' models
also get the bare repo name as an alias, so "Qwen/Qwen2.5-72B" meets Epoch's "Qwen2.5-72B"),
one Organization per Hub author (the leaderboard does not say whether an account is a company
or a person), facts `AUTHOR develops MODEL` and the lineage to the base model:

- `adapter-of` when the weights are an adapter (Weight type = Adapter);
- `merged-from` for merges (Merged = True, or the 🤝 type);
- `quantized-from` when the repo name says so (GPTQ, AWQ, GGUF, bnb-4bit, 4bit/8bit, EXL2);
- `fine-tuned-from` for fine-tuned (🔶) and chat (💬) models;
- `based-on` otherwise (continued pre-training 🟩, multimodal 🌸, delta weights, pretrained).

A base model missing from the leaderboard becomes a model known by its Hub id only.
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from ..model import Source
from .common import (
    SNAPSHOT_DATE,
    GraphBuilder,
    ImportReport,
    ImportResult,
    clean_text,
    csv_header,
    guarded_row,
    parse_number,
    read_csv_rows,
    require_columns,
    slugify,
)

DATASET = "leaderboard"
PUBLISHER_ID = "hugging-face"
ORIGIN = "https://github.com/hlzhang109/causal-eval/blob/ca2a96bb/data/"
FILES = ("open_llm_leaderboard.csv", "open_llm_official.csv")
COLUMNS = ("fullname", "Type", "Weight type", "Architecture", "Hub License", "#Params (B)", "Merged",
           "Official Providers", "Base Model", "Average ⬆️")
HF_ID = re.compile(r"^[A-Za-z0-9][\w.-]*(/[\w.-]+)?$")
QUANTIZED = re.compile(r"(?i)(gptq|awq|gguf|exl2|bnb[-_]?4b|[-_.](4|8)bit\b)")
UNKNOWN_LICENSES = {"", "other", "unknown"}


def find_files(path: Path) -> list[Path]:
    if path.is_dir():
        for folder in (path, path / "open-llm-leaderboard"):
            files = [folder / name for name in FILES if (folder / name).is_file()]
            if files:
                return files
        from ..errors import GraphkitError
        raise GraphkitError(f"{path}: no {' or '.join(FILES)} in this folder")
    return [path]


def model_id(hf_id: str) -> str:
    """'Qwen/Qwen2.5-7B' -> 'qwen--qwen2.5-7b' (author and repo kept apart by '--')."""
    author, _, repo = hf_id.rpartition("/")
    return f"{slugify(author)}--{slugify(repo)}" if author else slugify(repo)


def lineage_relation(row: dict, repo: str) -> str:
    kind = clean_text(row["Type"])
    weight = clean_text(row["Weight type"]).lower()
    if weight == "adapter":
        return "adapter-of"
    if clean_text(row["Merged"]).lower() == "true" or kind.startswith("🤝"):
        return "merged-from"
    if QUANTIZED.search(repo):
        return "quantized-from"
    if kind.startswith(("🔶", "💬")) and weight != "delta":
        return "fine-tuned-from"
    return "based-on"


def import_leaderboard(path: str | Path, *, progress=None) -> ImportResult:
    """Read one or both leaderboard CSVs (one Source per file)."""
    files = find_files(Path(path))
    report = ImportReport(DATASET, files=[f.name for f in files])
    builder = GraphBuilder(report)
    first_row: dict[str, str] = {}  # model id -> where it was first seen
    official_authors: set[str] = set()
    lineage: list[tuple[str, str, str, str, str]] = []  # (model id, base hf id, relation, source id, where)

    def author_entity(author: str, where: str):
        return builder.entity(slugify(author), "Organization", author, where=where,
                              description=f"Author account on the Hugging Face Hub (https://huggingface.co/{author}).")

    for csv_path in files:
        display = csv_path.name
        require_columns(csv_header(csv_path), COLUMNS, display)
        source_id = "open-llm-leaderboard-" + slugify(csv_path.stem.replace("open_llm_", ""))
        builder.source(Source(source_id, f"Hugging Face Open LLM Leaderboard v2 ({display})", PUBLISHER_ID,
                              ORIGIN + display, SNAPSHOT_DATE, "en"))
        for _number, where, row in read_csv_rows(csv_path, display, report):
            with guarded_row(report, where, progress):
                hf_id = clean_text(row["fullname"])
                if not hf_id:
                    report.skip(where, "empty model id")
                    continue
                if not HF_ID.match(hf_id):
                    report.skip(where, "not a Hugging Face model id", repr(hf_id))
                    continue
                author, _, repo = hf_id.rpartition("/")
                official = clean_text(row["Official Providers"]).lower() == "true"
                attributes: dict[str, Any] = {"hf-id": hf_id, "architecture": clean_text(row["Architecture"]) or None,
                              "type-detail": re.sub(r"^\W+", "", clean_text(row["Type"])) or None}
                license_text = clean_text(row["Hub License"])
                if license_text.lower() not in UNKNOWN_LICENSES:
                    attributes["license"] = license_text
                # "Upload To Hub Date" is not used: for older models it is the date of a Hub
                # migration (2022-03-02 for GPT-J), not a release date.
                for column, key, parse, scale in (("#Params (B)", "parameters", parse_number, 1e9),
                                                  ("Average ⬆️", "score", parse_number, None)):
                    try:
                        value = parse(row[column])
                    except ValueError as exc:
                        report.warn(where, f"bad {column}", str(exc))
                        continue
                    if value is not None and scale:
                        if value <= 0:
                            continue  # the leaderboard writes 0 for an unknown size
                        value = int(round(value * scale))
                    if key == "score" and value is not None:
                        value = round(float(value), 4)
                    attributes[key] = value
                mid = model_id(hf_id)
                if mid in first_row:
                    report.warn(where, "model evaluated again (merged)", f"{hf_id} also at {first_row[mid]}")
                else:
                    first_row[mid] = where
                if official and author:
                    official_authors.add(author.casefold())
                entity = builder.entity(mid, "AIModel", hf_id, where=where, attributes=attributes,
                                        aliases=(repo,) if official else ())
                if author:
                    builder.fact(author_entity(author, where).id, "develops", entity.id, source_id, where)
                base = clean_text(row["Base Model"])
                if base.endswith("(Merge)"):  # the leaderboard's marker for "a merge of several models"
                    base = base[: -len("(Merge)")].strip()
                if base.lower() == "removed":
                    report.warn(where, "base model removed from the Hub")
                elif base and base != hf_id:
                    if HF_ID.match(base):
                        lineage.append((entity.id, base, lineage_relation(row, repo), source_id, where))
                    else:
                        report.warn(where, "base model is not a Hugging Face id", repr(base))
                report.rows_used += 1

    for mid, base, relation, source_id, where in lineage:
        base_entity = builder.find(model_id(base), "AIModel")
        if base_entity is None:
            author, _, repo = base.rpartition("/")
            official = author.casefold() in official_authors
            base_entity = builder.entity(model_id(base), "AIModel", base, where=where,
                                         aliases=(repo,) if official else (), attributes={"hf-id": base},
                                         description="Base model named by the Open LLM Leaderboard (not evaluated).")
            if author:
                builder.fact(author_entity(author, where).id, "develops", base_entity.id, source_id, where)
        builder.fact(mid, relation, base_entity.id, source_id, where)

    builder.entity(PUBLISHER_ID, "Company", "Hugging Face", attributes={"website": "https://huggingface.co"},
                   description="Runs the Hugging Face Hub and the Open LLM Leaderboard.")
    return ImportResult(DATASET, builder.graph, report)
