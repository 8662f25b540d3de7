"""Epoch AI "All AI Models" (epoch-ai-models/all_ai_models.csv).

One row per model: its developing organizations (comma-separated, with a categorization and
country list that are *not* always aligned with the organizations), publication date,
parameters, training compute, accessibility, domain and base model(s).

Produces: AIModel entities; Organization entities (Company for "Industry", ResearchLab for
"Academia", Organization otherwise, by majority over all rows); facts `ORG develops MODEL` and
`MODEL based-on BASE` (Epoch's "Base model" column does not say whether the derivation was a
fine-tune, a distillation or a composition, so the generic relation is used).
"""
from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
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
    normalize_country,
    parse_date,
    parse_number,
    read_csv_rows,
    require_columns,
    slugify,
    split_organizations,
)

DATASET = "epoch"
FILE_NAME = "all_ai_models.csv"
SOURCE_ID = "epoch-ai-all-ai-models"
PUBLISHER_ID = "epoch-ai"
ORIGIN_URL = "https://github.com/simsharmaa/INFSCI1520/blob/291adcd7/all_ai_models.csv"
COLUMNS = ("Model", "Organization", "Organization categorization", "Publication date", "Parameters",
           "Training compute (FLOP)", "Model accessibility", "Country (from Organization)", "Base model", "Domain")

#: Epoch's organization categories -> graphkit classes.
CATEGORY_TYPES = {"industry": "Company", "academia": "ResearchLab"}


def find_file(path: Path) -> Path:
    """The CSV itself, or a folder holding it (the dataset folder or the datasets root)."""
    if path.is_dir():
        for candidate in (path / FILE_NAME, path / "epoch-ai-models" / FILE_NAME):
            if candidate.is_file():
                return candidate
        from ..errors import GraphkitError
        raise GraphkitError(f"{path}: no {FILE_NAME} in this folder")
    return path


def _split(text: str) -> list[str]:
    return [part.strip() for part in text.split(",")] if text.strip() else []


def _aligned(names: list[str], values: list[str]) -> Sequence[str | None]:
    """Per-organization values when Epoch's lists line up; one shared value when they all agree."""
    if len(values) == len(names):
        return values
    distinct = set(v for v in values if v)
    if len(distinct) == 1:
        return [distinct.pop()] * len(names)
    return [None] * len(names)


def import_epoch(path: str | Path, *, progress=None) -> ImportResult:
    """Read the Epoch CSV into an ImportResult (nothing resolved or written yet)."""
    csv_path = find_file(Path(path))
    display = csv_path.name
    require_columns(csv_header(csv_path), COLUMNS, display)
    report = ImportReport(DATASET, files=[display])
    builder = GraphBuilder(report)
    source = Source(SOURCE_ID, "Epoch AI: All AI Models (all_ai_models.csv)", PUBLISHER_ID, ORIGIN_URL,
                    SNAPSHOT_DATE, "en")

    model_rows: dict[str, tuple[int, str]] = {}  # slug of the name -> (first row, model id)
    org_votes: dict[str, Counter] = defaultdict(Counter)  # org id -> categorization votes
    country_votes: dict[str, Counter] = defaultdict(Counter)
    bases: list[tuple[str, str, str]] = []  # (model id, base name, where)

    for number, where, row in read_csv_rows(csv_path, display, report):
        with guarded_row(report, where, progress):
            name = clean_text(row["Model"])
            if not name:
                report.skip(where, "empty model name")
                continue
            model_id = slugify(name)
            attributes: dict[str, Any] = {}
            for column, key, parse in (("Publication date", "released", parse_date),
                                       ("Parameters", "parameters", parse_number),
                                       ("Training compute (FLOP)", "training-compute-flop", parse_number)):
                try:
                    value = parse(row[column])
                except ValueError as exc:
                    report.warn(where, f"bad {column.lower()}", str(exc))
                    continue
                if isinstance(value, (int, float)) and value <= 0:  # sizes and compute, not dates
                    report.warn(where, f"bad {column.lower()}", f"{value} is not positive")
                    continue
                attributes[key] = value
            attributes["accessibility"] = clean_text(row["Model accessibility"])
            attributes["domain"] = ", ".join(d.lower() for d in _split(row["Domain"]))
            first = model_rows.get(model_id)
            if first is not None:
                first_date = builder.graph.entities[first[1]].attributes.get("released")
                if attributes.get("released") and first_date and attributes["released"] != first_date:
                    # Same name, another date: another model (two different "CaLM"s exist).
                    report.warn(where, "model name reused for another model (kept apart)",
                                f"'{name}' also in row {first[0]} with date {first_date}")
                    model_id = f"{model_id}-{attributes['released'][:4]}"
                else:
                    report.warn(where, "duplicate model name (merged)", f"'{name}' also in row {first[0]}")
            model_id = builder.entity(model_id, "AIModel", name, where=where, attributes=attributes).id
            model_rows.setdefault(slugify(name), (number, model_id))

            orgs = split_organizations(row["Organization"]) if row["Organization"].strip() else []
            categories = _aligned(orgs, _split(row["Organization categorization"]))
            countries = _aligned(orgs, _split(row["Country (from Organization)"]))
            if not orgs:
                report.warn(where, "no organization")
            for org, category, country in zip(orgs, categories, countries, strict=True):
                if not org:
                    report.warn(where, "empty organization name")
                    continue
                org_id = builder.entity(slugify(org), "Organization", org, where=where).id
                if category:
                    org_votes[org_id][category] += 1
                if country:
                    country_votes[org_id][country] += 1
                builder.fact(org_id, "develops", model_id, SOURCE_ID, where)
            for base in _split(row["Base model"]):
                bases.append((model_id, base, where))
            report.rows_used += 1

    # Organization classes and countries by majority over every row that names them.
    for org_id, votes in org_votes.items():
        entity = builder.graph.entities[org_id]
        category = sorted(votes.items(), key=lambda kv: (-kv[1], kv[0]))[0][0]
        entity.type = CATEGORY_TYPES.get(category.lower(), "Organization")
        entity.attributes["category"] = category
    for org_id, votes in country_votes.items():
        entity = builder.graph.entities[org_id]
        entity.attributes["country"] = normalize_country(sorted(votes.items(), key=lambda kv: (-kv[1], kv[0]))[0][0])
        entity.attributes = dict(sorted(entity.attributes.items()))

    # Base models: another row of the dataset when the name matches, else a model known only by name.
    for model_id, base, where in bases:
        entity = builder.find(slugify(base), "AIModel") or builder.entity(
            slugify(base), "AIModel", base, where=where,
            description="Named as a base model in Epoch AI's dataset (no row of its own).")
        builder.fact(model_id, "based-on", entity.id, SOURCE_ID, where)

    builder.entity(PUBLISHER_ID, "ResearchLab", "Epoch AI", attributes={"website": "https://epoch.ai"},
                   description="Research institute that tracks trends in AI; publishes the All AI Models dataset.")
    builder.source(source)
    return ImportResult(DATASET, builder.graph, report)
