"""Stanford CRFM Ecosystem Graphs (ecosystem-graphs/: assets_yaml/*.yaml or all_assets.csv).

Each asset is a model, a dataset or an application with its organization(s), creation date,
licence, modality, access, size and the names of the assets it depends on.

Produces: AIModel / Dataset / AIProduct entities (application -> AIProduct), Organization
entities, facts `ORG develops ASSET` and `ASSET depends-on ASSET`. A dependency that names no
asset of the dataset cannot be typed (model? dataset?) and is reported instead of guessed.

The YAML files are preferred (they keep line numbers for notes, and one Source per file links
to the file in the origin repository); all_assets.csv (the same assets in one table) is read
when it is the path given or the only thing in the folder.
"""
from __future__ import annotations

import datetime
import re
from collections.abc import Iterator
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
    kind_of,
    normalize_country,
    parse_date,
    read_csv_rows,
    require_columns,
    slugify,
    split_organizations,
)

DATASET = "ecosystem"
PUBLISHER_ID = "stanford-crfm"
ORIGIN = "https://github.com/stanford-crfm/ecosystem-graphs/blob/576655a5/"
TYPES = {"model": "AIModel", "dataset": "Dataset", "application": "AIProduct"}
NOT_KNOWN = {"", "unknown", "none", "n/a", "na", "unknokwn", "?"}
CSV_COLUMNS = ("type", "name", "organization", "created_date", "dependencies")


def _value(field: Any) -> Any:
    """Ecosystem Graphs writes some fields as {value: ..., explanation: ...}."""
    if isinstance(field, dict):
        return field.get("value")
    return field


def _text(field: Any) -> str:
    value = _value(field)
    if isinstance(value, (list, dict)):
        raise ValueError(f"expected text, got {kind_of(value)}")
    return clean_text(value)


def _known(text: str) -> str | None:
    return None if text.casefold() in NOT_KNOWN else text


def _date(field: Any) -> str | None:
    value = _value(field)
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, int) and not isinstance(value, bool) and 1900 < value < 2100:
        return str(value)
    text = clean_text(value)
    return parse_date(text) if _known(text) else None


_SIZE = re.compile(r"^\s*([\d.]+)\s*([KMBT])\b[^;]*param", re.IGNORECASE)
_SCALE = {"k": 1e3, "m": 1e6, "b": 1e9, "t": 1e12}


def _parameters(size: str) -> int | None:
    match = _SIZE.match(size)
    if not match:
        return None
    return int(round(float(match.group(1)) * _SCALE[match.group(2).lower()]))


def _dependencies(field: Any) -> list[str]:
    value = _value(field)
    if value is None:
        return []
    if isinstance(value, str):
        text = value.strip()
        if text.startswith("[") and text.endswith("]"):  # the CSV writes Python list literals
            import ast

            try:
                value = ast.literal_eval(text)
            except (ValueError, SyntaxError):
                raise ValueError(f"unreadable dependency list {text[:60]!r}") from None
        else:
            value = [text] if text else []
    if not isinstance(value, list):
        raise ValueError(f"dependencies must be a list, got {kind_of(value)}")
    return [clean_text(_value(v)) for v in value if clean_text(_value(v))]


def _organizations(text: str) -> list[str]:
    names = []
    for part in split_organizations(text):
        part = re.sub(r"^(and|&)\s+", "", part.strip()).strip(" .")
        if _known(part):
            names.append(part)
    return names


def _assets_from_yaml(files: list[Path], report: ImportReport) -> Iterator[tuple[str, str, int, dict]]:
    """(file stem, where, line, asset) for each asset of each YAML file."""
    from ..loader import read_yaml

    for path in files:
        display = f"assets/{path.name}"
        report.files.append(display)
        data, problems = read_yaml(path, display)
        if data is None or problems and not isinstance(data, list):
            report.rows_read += 1
            report.skip(display, "unreadable YAML file", "; ".join(str(p) for p in problems) or "empty file")
            continue
        if not isinstance(data, list):
            report.rows_read += 1
            report.skip(display, "not a list of assets", f"got {kind_of(data)}")
            continue
        for index, asset in enumerate(data):
            line = getattr(asset, "line", 0)
            where = f"{display} line {line}" if line else f"{display} asset {index + 1}"
            report.rows_read += 1
            if not isinstance(asset, dict):
                report.skip(where, "asset is not a mapping", repr(asset)[:80])
                continue
            yield path.stem, where, line, asset


def _assets_from_csv(path: Path, report: ImportReport) -> Iterator[tuple[str, str, int, dict]]:
    display = path.name
    require_columns(csv_header(path), CSV_COLUMNS, display)
    report.files.append(f"resources/{display}")
    for number, _where, row in read_csv_rows(path, display, report):
        yield "", f"resources/{display} row {number}", number, row


def _publisher(builder: GraphBuilder) -> None:
    builder.entity(PUBLISHER_ID, "ResearchLab", "Stanford CRFM",
                   aliases=("Stanford Center for Research on Foundation Models",),
                   attributes={"website": "https://crfm.stanford.edu"},
                   description="Stanford's Center for Research on Foundation Models; maintains Ecosystem Graphs.")


def import_ecosystem(path: str | Path, *, progress=None) -> ImportResult:
    """Read Ecosystem Graphs (a folder of asset YAML files, or all_assets.csv)."""
    from ..errors import GraphkitError

    path = Path(path)
    report = ImportReport(DATASET)
    builder = GraphBuilder(report)
    if path.is_dir():
        folder = next((p for p in (path / "assets_yaml", path / "assets", path / "ecosystem-graphs" / "assets_yaml")
                       if p.is_dir()), None)
        if folder is None and any(path.glob("*.yaml")):
            folder = path
        csv_path = next((p for p in (path / "all_assets.csv", path / "ecosystem-graphs" / "all_assets.csv")
                         if p.is_file()), None)
        if folder is not None:
            assets = _assets_from_yaml(sorted(folder.glob("*.yaml")), report)
        elif csv_path is not None:
            assets = _assets_from_csv(csv_path, report)
        else:
            raise GraphkitError(f"{path}: no assets_yaml/ folder or all_assets.csv here")
    elif path.suffix.lower() == ".csv":
        assets = _assets_from_csv(path, report)
    else:
        assets = _assets_from_yaml([path], report)

    pending: list[tuple[str, str, list[str], str]] = []  # (asset id, its type, dependency names, where)
    names: dict[str, str] = {}  # asset name (casefolded) -> asset id
    for stem, where, _line, asset in assets:
        source_id = f"ecosystem-graphs-{slugify(stem)}" if stem else "ecosystem-graphs-all-assets"
        if source_id not in builder.graph.sources:
            file_path = f"assets/{stem}.yaml" if stem else "resources/all_assets.csv"
            builder.source(Source(source_id, f"Stanford CRFM Ecosystem Graphs: {file_path}", PUBLISHER_ID,
                                  ORIGIN + file_path, SNAPSHOT_DATE, "en"))

        with guarded_row(report, where, progress):
            name = _text(asset.get("name"))
            if not name:
                report.skip(where, "empty asset name")
                continue
            kind = _text(asset.get("type")).lower()
            if kind not in TYPES:
                report.skip(where, "unknown asset type", repr(kind))
                continue
            type_key = TYPES[kind]
            attributes: dict[str, Any] = {}
            for key, column, parse in (("released", "created_date", _date),
                                       ("license", "license", lambda f: _known(_text(f))),
                                       ("accessibility", "access", lambda f: _known(_text(f).lower())),
                                       ("modality", "modality", lambda f: _known(_text(f)))):
                try:
                    attributes[key] = parse(asset.get(column))
                except ValueError as exc:
                    report.warn(where, f"bad {column}", str(exc))
            if type_key == "AIModel":
                try:
                    attributes["parameters"] = _parameters(_text(asset.get("size")))
                except ValueError as exc:
                    report.warn(where, "bad size", str(exc))
            description = _known(_text(asset.get("description")))
            if description and len(description) > 500:
                description = description[:497].rstrip() + "..."
            asset_id = slugify(name)
            existing = builder.find(asset_id, type_key)
            if existing is not None:
                report.warn(where, "asset listed twice (merged)", f"'{name}'")
            entity = builder.entity(asset_id, type_key, name, where=where, attributes=attributes,
                                    description=description)
            names.setdefault(name.casefold(), entity.id)
            note = where
            nationality = _known(_text(asset.get("nationality")))
            nationality = normalize_country(nationality) if nationality else None
            organizations = _organizations(_text(asset.get("organization")))
            if not organizations:
                report.warn(where, "no organization")
            for org in organizations:
                org_entity = builder.entity(slugify(org), "Organization", org, where=where)
                if nationality and len(organizations) == 1:
                    org_entity.attributes.setdefault("country", nationality)
                builder.fact(org_entity.id, "develops", entity.id, source_id, note)
            try:
                pending.append((entity.id, source_id, _dependencies(asset.get("dependencies")), where))
            except ValueError as exc:
                report.warn(where, "bad dependencies", str(exc))
            report.rows_used += 1

    # Dependencies name other assets; match them exactly, then ignoring case, spacing and punctuation.
    from ..resolve import normalize_name

    normalized: dict[str, str] = {}
    for name, asset_id in names.items():
        normalized.setdefault(normalize_name(name), asset_id)
    for asset_id, source_id, dependencies, where in pending:
        for dependency in dependencies:
            target = names.get(dependency.casefold()) or normalized.get(normalize_name(dependency))
            if target is None:
                report.warn(where, "dependency is not an asset of the dataset", repr(dependency))
                continue
            builder.fact(asset_id, "depends-on", target, source_id, where)
    _publisher(builder)
    return ImportResult(DATASET, builder.graph, report)
