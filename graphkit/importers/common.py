"""What every importer shares: ids, row problems, the import report and writing graphkit YAML.

An importer reads one third-party dataset and returns an `ImportResult`: a KnowledgeGraph of
what it found (entities, one Source per dataset file, statements with status `imported`) and
an `ImportReport` that accounts for every row (used, or skipped with a reason). Entity
resolution against seed_data/ (graphkit.resolve) and writing happen afterwards, the same way
for every dataset.
"""
from __future__ import annotations

import csv
import hashlib
import io
import json
import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..model import Entity, KnowledgeGraph, Source, Statement, parse_partial_date, qualifier_fields, written_fields
from ..ontology import Ontology, load_ontology
from ..resolve import merge_into, same_value

#: Date the dataset copies were taken (CONTRIBUTING.md, "Datasets"): the `date` of every dataset Source.
SNAPSHOT_DATE = "2026-11-29"

#: Files written to the output directory of an import.
ENTITIES_FILE = "entities.yaml"
SOURCES_FILE = "sources.yaml"
RELATIONS_FILE = "relations.yaml"
REPORT_FILE = "import-report.json"


# ---------------------------------------------------------------------------------- ids and text

def slugify(text: str, *, fallback_prefix: str = "x") -> str:
    """A graphkit id for a name: lowercase ASCII letters, digits, '.', '-'.

    Accents are dropped (Zürich -> zurich), other letters are spelled by their Unicode name
    (PanGu-α -> pangu-alpha, PanGu-Σ -> pangu-sigma, so the two stay apart), ideographs by their
    code point; '+' becomes '-plus' (Snapdragon 865+ is not Snapdragon 865).
    """
    text = text.replace("+", " plus ").replace("&", " and ")
    parts = []
    for char in unicodedata.normalize("NFKD", text):
        if char.isascii():
            parts.append(char)
        elif unicodedata.category(char)[0] in "LN":
            name = unicodedata.name(char, "")
            if name.startswith("LATIN ") and " LETTER " in name:  # Ø -> o, ß -> ss, Æ -> ae: inline
                letter = name.split(" LETTER ", 1)[1].split(" WITH ")[0]
                parts.append("ss" if letter == "SHARP S" else letter.replace(" ", ""))
            elif " LETTER " in name:
                parts.append(" " + name.split(" LETTER ", 1)[1].split(" WITH ")[0].replace(" ", "") + " ")
            elif name.startswith("CJK UNIFIED IDEOGRAPH-") or not name:
                parts.append(f" u{ord(char):x} ")
            else:
                parts.append(" " + name.replace(" ", "") + " ")
    slug = re.sub(r"[^a-z0-9.]+", "-", "".join(parts).lower())
    slug = re.sub(r"\.{2,}", ".", slug)
    slug = re.sub(r"-?\.-?", ".", slug)  # "foo .bar" -> "foo.bar", not "foo-.bar"
    slug = re.sub(r"-{2,}", "-", slug).strip("-.")
    if not slug:
        return f"{fallback_prefix}-{hashlib.sha256(text.encode('utf-8')).hexdigest()[:8]}"
    return slug


def clean_text(value: Any) -> str:
    """A cell as stripped text ('' for None); collapses inner whitespace and newlines."""
    if value is None:
        return ""
    return re.sub(r"\s+", " ", str(value)).strip()


def kind_of(value: Any) -> str:
    """'a mapping', 'a list', 'a number'... for messages about values of the wrong kind."""
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, (list, tuple)):
        return "a list"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    return f"a {type(value).__name__}"


def parse_number(text: str) -> float | int | None:
    """'2400000000.0' -> 2400000000, '9.5e+22' -> 9.5e22, '' -> None; ValueError if not a number."""
    text = clean_text(text).replace(",", "")
    if not text:
        return None
    value = float(text)
    if value != value or value in (float("inf"), float("-inf")):
        raise ValueError(f"'{text}' is not a finite number")
    if value.is_integer() and abs(value) < 2**63:
        return int(value)
    return value


def parse_date(text: str) -> str | None:
    """A YYYY, YYYY-MM or YYYY-MM-DD date (also the date part of 'YYYY-MM-DD hh:mm'); ValueError otherwise."""
    text = clean_text(text)
    if not text:
        return None
    match = re.match(r"^(\d{4}(?:-\d{2}(?:-\d{2})?)?)(?:[ T]\d{2}:\d{2}.*)?$", text)
    if not match:
        raise ValueError(f"'{text}' is not a date")
    return parse_partial_date(match.group(1))


#: Country spellings of the datasets -> the names seed_data uses.
COUNTRY_NAMES = {
    "usa": "United States", "us": "United States", "u.s.": "United States", "u.s.a.": "United States",
    "united states of america": "United States",
    "uk": "United Kingdom", "united kingdom of great britain and northern ireland": "United Kingdom",
    "korea (republic of)": "South Korea", "republic of korea": "South Korea", "korea": "South Korea",
    "russian federation": "Russia", "uae": "United Arab Emirates", "prc": "China",
}


def normalize_country(text: str) -> str:
    text = clean_text(text)
    return COUNTRY_NAMES.get(text.casefold(), text)


#: Name parts that end an organization's name rather than start a new one ("Kunlun, Inc.").
_SUFFIX_PARTS = re.compile(r"^(inc|inc\.|incorporated|ltd|ltd\.|limited|llc|l\.l\.c\.|corp|corp\.|co|co\.|"
                           r"gmbh|plc|ag|s\.a\.|sa|pbc|l\.p\.|lp)$", re.IGNORECASE)


def split_organizations(text: str) -> list[str]:
    """'Baidu, PengCheng Laboratory' -> two names; 'Kunlun, Inc.' stays one."""
    names: list[str] = []
    for part in (p.strip() for p in text.split(",")):
        if names and _SUFFIX_PARTS.match(part):
            names[-1] = f"{names[-1]}, {part}"
        else:
            names.append(part)
    return names


# ---------------------------------------------------------------------------------- report

@dataclass(frozen=True, order=True)
class RowProblem:
    """One row (or part of a row) that could not be used as is.

    `skipped` rows contribute nothing; a `warning` means the row was used without the part named.
    """

    where: str  # "all_ai_models.csv row 12" or "assets/openai.yaml line 40"
    kind: str  # "skipped" | "warning"
    reason: str  # short, stable category: "empty name", "bad date", ...
    detail: str = ""

    def as_dict(self) -> dict:
        return {"where": self.where, "kind": self.kind, "reason": self.reason, "detail": self.detail}


@dataclass
class ImportReport:
    """Every row accounted for: read = used + skipped (by reason); warnings for partial rows."""

    dataset: str
    files: list[str] = field(default_factory=list)
    rows_read: int = 0
    rows_used: int = 0
    problems: list[RowProblem] = field(default_factory=list)
    resolution: dict = field(default_factory=dict)  # filled by graphkit.resolve
    output: dict = field(default_factory=dict)  # counts of what was written

    def skip(self, where: str, reason: str, detail: str = "") -> None:
        self.problems.append(RowProblem(where, "skipped", reason, detail))

    def warn(self, where: str, reason: str, detail: str = "") -> None:
        self.problems.append(RowProblem(where, "warning", reason, detail))

    @property
    def skipped(self) -> Counter:
        return Counter(p.reason for p in self.problems if p.kind == "skipped")

    @property
    def warnings(self) -> Counter:
        return Counter(p.reason for p in self.problems if p.kind == "warning")

    def as_dict(self) -> dict:
        return {
            "dataset": self.dataset,
            "files": self.files,
            "rows": {"read": self.rows_read, "used": self.rows_used,
                     "skipped": sum(self.skipped.values())},
            "skipped_by_reason": dict(sorted(self.skipped.items())),
            "warnings_by_reason": dict(sorted(self.warnings.items())),
            "output": self.output,
            "resolution": self.resolution,
            "problems": [p.as_dict() for p in self.problems],
        }

    def summary_lines(self) -> list[str]:
        skipped = self.skipped
        lines = [f"{self.dataset}: {self.rows_read} rows read, {self.rows_used} used, "
                 f"{sum(skipped.values())} skipped"]
        for reason, count in sorted(skipped.items(), key=lambda kv: (-kv[1], kv[0])):
            lines.append(f"  skipped {count:>6}  {reason}")
        for reason, count in sorted(self.warnings.items(), key=lambda kv: (-kv[1], kv[0])):
            lines.append(f"  warning {count:>6}  {reason}")
        return lines


@dataclass
class ImportResult:
    """What an importer found, before entity resolution."""

    dataset: str  # "epoch", "ecosystem", ...
    graph: KnowledgeGraph
    report: ImportReport


# ---------------------------------------------------------------------------------- building

#: The ontology class whose sub-classes may all describe the same real organization (a dataset
#: says Organization, the seed Company): they share one id space in an import.
ORGANIZATION = "Organization"


def type_family(type_key: str, ontology: Ontology | None = None) -> str:
    """"Organization" for the ontology's Organization and every class that is_a Organization
    (Company, ResearchLab, Publisher...), else the class itself."""
    ontology = ontology or load_ontology()
    return ORGANIZATION if type_key in ontology.classes and ontology.is_a(type_key, ORGANIZATION) else type_key


class GraphBuilder:
    """Collects entities, sources and statements for one import, merging repeats by id.

    The first value of an attribute wins; a different later value is reported as a warning
    (the dataset contradicts itself) instead of silently overwriting.
    """

    def __init__(self, report: ImportReport, ontology: Ontology | None = None):
        self.ontology = ontology or load_ontology()
        self.graph = KnowledgeGraph()
        self.report = report
        self._statement_index: dict[tuple, int] = {}
        self._ids: dict[tuple[str, str], str] = {}  # (wanted id, type family) -> id used

    def find(self, entity_id: str, type_key: str) -> Entity | None:
        """The entity made for `entity_id` with a type of the same family, if any."""
        actual = self._ids.get((entity_id, type_family(type_key, self.ontology)))
        return self.graph.entities.get(actual) if actual else None

    def entity(self, entity_id: str, type_key: str, name: str, *, where: str = "", aliases=(),
               description: str | None = None, attributes: dict | None = None, wikidata: str | None = None) -> Entity:
        """Add or complete an entity; use the returned entity's id (a name shared by two kinds of
        things, e.g. an organization and a model, gets a suffixed id for the second one)."""
        family = type_family(type_key, self.ontology)
        attributes = {k: v for k, v in (attributes or {}).items() if v is not None and v != ""}
        existing = self.find(entity_id, type_key)
        if existing is None:
            wanted = entity_id
            suffix = 1
            while entity_id in self.graph.entities:
                suffix += 1
                entity_id = f"{wanted}-{family.lower()}" + (f"-{suffix}" if suffix > 2 else "")
            self._ids[(wanted, family)] = entity_id
            names = [a for a in dict.fromkeys(aliases) if a and a != name]
            entity = Entity(entity_id, type_key, name, {}, tuple(names), wikidata, description or None,
                            dict(sorted(attributes.items())))
            self.graph.entities[entity_id] = entity
            return entity
        new_aliases = [a for a in (name, *aliases) if a and a != existing.name and a not in existing.aliases]
        if new_aliases:
            existing.aliases = tuple(dict.fromkeys((*existing.aliases, *new_aliases)))
        for key, value in attributes.items():
            old = existing.attributes.get(key)
            if old is None:
                existing.attributes[key] = value
            elif not same_value(old, value):
                self.report.warn(where, f"conflicting {key} for the same {type_key.lower()}",
                                 f"{entity_id}: kept {old!r}, ignored {value!r}")
        existing.attributes = dict(sorted(existing.attributes.items()))
        if existing.description is None and description:
            existing.description = description
        if existing.wikidata is None and wikidata:
            existing.wikidata = wikidata
        return existing

    def source(self, source: Source) -> None:
        self.graph.sources.setdefault(source.id, source)

    def fact(self, subject: str, relation: str, obj: str, source_id: str, note: str) -> None:
        """Add `subject relation obj` (status imported); a repeat adds its source and note."""
        if subject == obj:
            return
        key = (subject, relation, obj)
        index = self._statement_index.get(key)
        if index is None:
            self._statement_index[key] = len(self.graph.statements)
            self.graph.statements.append(Statement(subject, relation, obj, "imported", (source_id,), note=note))
            return
        merge_into(self.graph.statements[index], (source_id,), note)


# ---------------------------------------------------------------------------------- reading CSV

def read_csv_rows(path: Path, display: str, report: ImportReport) -> Iterator[tuple[int, str, dict]]:
    """Yield (row number, where, {column: text}) for every well-formed data row of a CSV file;
    `where` names the row in reports ("all_ai_models.csv row 12").

    Row numbers count data rows from 1 (the header is row 0). Rows with the wrong number of
    fields (truncated or shifted lines), undecodable bytes or CSV syntax errors are counted as
    read and reported as skipped, never raised.
    """
    raw = path.read_bytes()
    try:
        text, lossy = raw.decode("utf-8-sig"), False
    except UnicodeDecodeError as exc:
        text, lossy = raw.decode("utf-8-sig", errors="replace"), True
        report.warn(display, "file is not valid UTF-8 (bad bytes replaced)", str(exc))
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
    except (StopIteration, csv.Error):
        return
    header = [h.strip() for h in header]
    number = 0
    while True:
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            number += 1
            report.rows_read += 1
            report.skip(f"{display} row {number}", "unreadable CSV line", str(exc))
            continue
        number += 1
        if not row or all(not cell.strip() for cell in row):
            continue  # blank line: not a row
        report.rows_read += 1
        where = f"{display} row {number}"
        if len(row) != len(header):
            report.skip(where, "wrong number of fields (truncated or shifted line)",
                        f"{len(row)} fields, header has {len(header)}")
            continue
        if lossy and any("\ufffd" in cell for cell in row):
            report.warn(where, "invalid UTF-8 replaced")
        yield number, where, dict(zip(header, row, strict=True))


def require_columns(columns: set[str], needed: tuple[str, ...], display: str) -> None:
    from ..errors import InvalidDataError

    missing = [c for c in needed if c not in columns]
    if missing:
        raise InvalidDataError(f"{display}: not the expected dataset (missing column(s): {', '.join(missing)})")


def csv_header(path: Path) -> set[str]:
    with path.open("r", encoding="utf-8-sig", errors="replace", newline="") as handle:
        try:
            return {h.strip() for h in next(csv.reader(handle))}
        except (StopIteration, csv.Error):
            return set()


@contextmanager
def guarded_row(report: ImportReport, where: str, progress: Callable[[], Any] | None = None) -> Iterator[None]:
    """The block that reads one row: an unexpected error skips the row (reported), never the
    import; `progress()` is called when the row is done, however it ends (`continue` included).

        for number, where, row in read_csv_rows(path, display, report):
            with guarded_row(report, where, progress):
                ...
    """
    try:
        yield
    except Exception as exc:  # noqa: BLE001 - one bad row must not stop an import
        report.skip(where, "unexpected value", f"{type(exc).__name__}: {exc}")
    finally:
        if progress:
            progress()


# ---------------------------------------------------------------------------------- writing YAML

def _dumper():
    import yaml

    return getattr(yaml, "CSafeDumper", yaml.SafeDumper)


def entity_item(entity: Entity) -> dict:
    """An entity as a graphkit YAML item: its written fields (graphkit.model.field_names)."""
    return written_fields(entity)


def source_item(source: Source) -> dict:
    return written_fields(source)


def statement_item(statement: Statement) -> dict:
    """`fact: "subject relation object"`, then status, sources and the qualifiers that are set."""
    return {"fact": f"{statement.subject} {statement.relation} {statement.object}",
            **written_fields(statement, qualifier_fields())}


def dump_yaml(data: dict, header: str) -> bytes:
    """graphkit YAML: keys in the order given, Unicode kept, a comment header on top."""
    import yaml

    body = yaml.dump(data, Dumper=_dumper(), sort_keys=False, allow_unicode=True, width=100,
                     default_flow_style=False)
    comment = "".join(f"# {line}\n" if line else "#\n" for line in header.splitlines())
    return (comment + "\n" + body).encode("utf-8")


def write_import(graph: KnowledgeGraph, report: ImportReport, out_dir: str | Path, header: str) -> list[Path]:
    """Write entities.yaml, sources.yaml, relations.yaml and import-report.json atomically.

    Entities and sources are sorted by id, relations by (subject, relation, object): the same
    input always gives byte-identical files.
    """
    from ..exports import atomic_write

    out = Path(out_dir)
    statements = sorted(graph.statements, key=lambda s: (s.subject, s.relation, s.object, s.id))
    report.output = {"entities": len(graph.entities), "sources": len(graph.sources),
                     "statements": len(statements)}
    files = [
        atomic_write(out / SOURCES_FILE, dump_yaml({"sources": [source_item(s) for s in graph.sorted_sources()]},
                                                   header)),
        atomic_write(out / ENTITIES_FILE, dump_yaml({"entities": [entity_item(e) for e in graph.sorted_entities()]},
                                                    header)),
        atomic_write(out / RELATIONS_FILE, dump_yaml({"relations": [statement_item(s) for s in statements]}, header)),
        atomic_write(out / REPORT_FILE,
                     (json.dumps(report.as_dict(), indent=1, ensure_ascii=False) + "\n").encode("utf-8")),
    ]
    return files
