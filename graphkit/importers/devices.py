"""Devices and chipsets: Qualcomm AI Hub's device list and the GSMArena phone table.

- qualcomm-ai-hub-devices/devices_and_chipsets.yaml: devices (name -> chipset id, OS,
  form factor, vendor) and chipsets (id -> marketing name, part-number aliases).
- gsmarena-dataset-2023/gsmarena_dataset.csv: one phone per row; the `Model` text holds the
  brand, the name and the kind ("Apple iPhone 14 Pro smartphone"), `RAW` the announcement
  month and the chipset ("... Announced Sep 2022. Features ..., Apple A16 Bionic chipset, ...").

Produces: Device and Chipset entities, the makers as Organizations, and the facts
`MAKER ships DEVICE`, `DEVICE uses-chipset CHIPSET` and `DESIGNER develops CHIPSET` (the chip
designer guessed from the chipset's name: Snapdragon -> Qualcomm, Helio/Dimensity/MTxxxx ->
MediaTek, Exynos -> Samsung, Kirin -> HiSilicon...). The same phone in both files becomes one
device whose facts cite both sources.

A Qualcomm device whose vendor contradicts its own name (the file lists "Xiaomi Redmi Note 10
5G" with vendor oneplus) keeps its chipset but gets no `ships` fact; the contradiction is
reported.
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from ..errors import InvalidDataError
from ..model import Source
from .common import (
    SNAPSHOT_DATE,
    GraphBuilder,
    ImportReport,
    ImportResult,
    clean_text,
    csv_header,
    guarded_row,
    read_csv_rows,
    require_columns,
    slugify,
)

DATASET = "devices"
QUALCOMM_FILE = "devices_and_chipsets.yaml"
GSMARENA_FILE = "gsmarena_dataset.csv"
QUALCOMM_SOURCE = "qualcomm-ai-hub-devices"
GSMARENA_SOURCE = "gsmarena-dataset-2023"
QUALCOMM_URL = "https://github.com/quic/ai-hub-models/blob/52c080d2/qai_hub_models/devices_and_chipsets.yaml"
GSMARENA_URL = "https://github.com/AyushmanMalla/Smartphone-Data-Analysis/tree/ef5c24b9"
GSMARENA_COLUMNS = ("RAW", "Model", "Year")

#: Display names of Qualcomm's lowercase vendor keys (others are capitalized).
VENDOR_NAMES = {"oneplus": "OnePlus", "google": "Google", "samsung": "Samsung", "xiaomi": "Xiaomi",
                "qualcomm": "Qualcomm"}
#: Brands written with two words in GSMArena's model names.
TWO_WORD_BRANDS = ("Sony Ericsson",)

#: Chip designer by the first word of a chipset name (regular expressions, first match wins).
CHIP_DESIGNERS = (
    (r"^(snapdragon|qualcomm|msm\d|qsc|qsd|apq\d|esm\d|qcs|qcm|sa\d)", "Qualcomm"),
    (r"^(mt\d|mtk|helio|dimensity|kompanio|mediatek)", "MediaTek"),
    (r"^(exynos|hummingbird)", "Samsung"),
    (r"^(kirin|hisilicon|huawei)", "HiSilicon"),
    (r"^(unisoc|sc\d)", "Unisoc"),
    (r"^spreadtrum", "Spreadtrum"),
    (r"^ti\b", "Texas Instruments"),
    (r"^apple", "Apple"),
    (r"^nvidia", "Nvidia"),
    (r"^intel", "Intel"),
    (r"^(broadcom|bcm)", "Broadcom"),
    (r"^(rockchip|rochip)", "Rockchip"),
    (r"^marvell", "Marvell"),
    (r"^novathor", "ST-Ericsson"),
    (r"^google", "Google"),
    (r"^realtek", "Realtek"),
    (r"^allwinner", "Allwinner"),
    (r"^infineon", "Infineon"),
    (r"^xiaomi", "Xiaomi"),
)

KIND = re.compile(r"^(?P<name>.+?)\s+(?:(?P<os>Android|Symbian|Windows Mobile|Windows Phone|Windows|Tizen|Bada|"
                  r"webOS|Firefox OS|Sailfish|BlackBerry OS)\s+)?(?P<kind>smartphone|phone|tablet|watch)$")
ANNOUNCED = re.compile(r"Announced (?:(?P<month>Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)\w* )?(?P<year>\d{4})")
MONTHS = {m: i for i, m in enumerate(("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct",
                                      "Nov", "Dec"), 1)}


def chip_designer(chipset: str) -> str | None:
    lowered = chipset.lower()
    for pattern, designer in CHIP_DESIGNERS:
        if re.match(pattern, lowered):
            return designer
    return None


def clean_marketing_name(name: str) -> str:
    """'Snapdragon® 8 Gen 1 Mobile' -> 'Snapdragon 8 Gen 1' (the platform suffix is not part of the chip's name)."""
    name = clean_text(name.replace("®", "").replace("™", ""))
    return re.sub(r"\s+Mobile$", "", name)


def find_files(path: Path) -> tuple[Path | None, Path | None]:
    """(Qualcomm YAML, GSMArena CSV) under a folder, or the one file given."""
    if path.is_file():
        if path.suffix.lower() in (".yaml", ".yml"):
            return path, None
        return None, path
    qualcomm = next((p for p in (path / QUALCOMM_FILE, path / "qualcomm-ai-hub-devices" / QUALCOMM_FILE)
                     if p.is_file()), None)
    gsmarena = next((p for p in (path / GSMARENA_FILE, path / "gsmarena-dataset-2023" / GSMARENA_FILE)
                     if p.is_file()), None)
    if qualcomm is None and gsmarena is None:
        from ..errors import GraphkitError
        raise GraphkitError(f"{path}: neither {QUALCOMM_FILE} nor {GSMARENA_FILE} found here")
    return qualcomm, gsmarena


class _Devices:
    def __init__(self, report: ImportReport):
        self.report = report
        self.builder = GraphBuilder(report)

    def organization(self, name: str, where: str):
        return self.builder.entity(slugify(name), "Organization", name, where=where)

    def chipset(self, name: str, source_id: str, where: str, aliases=()):
        chip = self.builder.find(slugify(name), "Chipset") or self.builder.entity(
            slugify(name), "Chipset", name, where=where, aliases=aliases)
        if aliases:
            self.builder.entity(chip.id, "Chipset", name, where=where, aliases=aliases)
        designer = chip_designer(name)
        if designer:
            self.builder.fact(self.organization(designer, where).id, "develops", chip.id, source_id, where)
        return chip

    # ------------------------------------------------------------------ Qualcomm AI Hub
    def qualcomm(self, path: Path, progress=None) -> None:
        from ..loader import LineDict, read_yaml

        report, builder = self.report, self.builder
        display = path.name
        report.files.append(display)
        builder.source(Source(QUALCOMM_SOURCE, f"Qualcomm AI Hub Models: devices and chipsets ({display})",
                              "qualcomm", QUALCOMM_URL, SNAPSHOT_DATE, "en"))
        self.organization("Qualcomm", display)
        data, problems = read_yaml(path, display)
        # A file that is not the device list (or cannot be read) is refused, as the CSV importers
        # refuse a table without their columns: an empty import must not replace a good one.
        if data is None:
            raise InvalidDataError(f"cannot read {display}: {problems[0].message if problems else 'empty file'}")
        if not isinstance(data, dict) or not _mapping(data.get("devices")):
            raise InvalidDataError(f"{display}: not the expected dataset (no 'devices' mapping of device names; "
                                   f"expected Qualcomm AI Hub's {QUALCOMM_FILE})")
        chipsets = _mapping(data.get("chipsets"))
        devices = _mapping(data.get("devices"))
        chip_ids: dict[str, str] = {}
        for key, info in chipsets.items():
            line = chipsets.line_of(key) if isinstance(chipsets, LineDict) else 0
            where = f"{display} line {line}"
            report.rows_read += 1

            with guarded_row(report, where):
                if not isinstance(info, dict):
                    report.skip(where, "chipset is not a mapping", repr(info)[:80])
                    continue
                marketing = clean_text(info.get("marketing_name"))
                name = clean_marketing_name(marketing) if marketing else clean_text(key)
                if not name:
                    report.skip(where, "empty chipset name")
                    continue
                raw_aliases = info.get("aliases") or []
                if not isinstance(raw_aliases, list):
                    report.warn(where, "bad chipset aliases", repr(raw_aliases)[:80])
                    raw_aliases = []
                aliases = [clean_text(a) for a in (key, *raw_aliases, marketing) if clean_text(a)]
                chip = self.chipset(name, QUALCOMM_SOURCE, where, aliases)
                chip_ids[str(key)] = chip.id
                report.rows_used += 1
        known_vendors = {clean_text(d.get("vendor")).lower() for d in devices.values() if isinstance(d, dict)}
        for name, info in devices.items():
            line = devices.line_of(name) if isinstance(devices, LineDict) else 0
            where = f"{display} line {line}"
            report.rows_read += 1

            with guarded_row(report, where, progress):
                device_name = clean_text(name)
                if not device_name:
                    report.skip(where, "empty device name")
                    continue
                if not isinstance(info, dict):
                    report.skip(where, "device is not a mapping", repr(info)[:80])
                    continue
                attributes: dict[str, Any] = {}
                os_info = info.get("os")
                if isinstance(os_info, dict):
                    attributes["os"] = clean_text(f"{clean_text(os_info.get('ostype'))} {clean_text(os_info.get('version'))}")
                elif os_info is not None:
                    report.warn(where, "bad os", repr(os_info)[:80])
                form_factor = clean_text(info.get("form_factor"))
                factors = _mapping(data.get("form_factors"))
                display_factor = _mapping(factors.get(form_factor))
                attributes["form-factor"] = clean_text(display_factor.get("display_name") or form_factor).lower() or None
                device = self.builder.entity(slugify(device_name), "Device", device_name, where=where,
                                             attributes=attributes)
                chip_key = clean_text(info.get("chipset"))
                if chip_key in chip_ids:
                    self.builder.fact(device.id, "uses-chipset", chip_ids[chip_key], QUALCOMM_SOURCE, where)
                elif chip_key:
                    report.warn(where, "unknown chipset id", repr(chip_key))
                else:
                    report.warn(where, "no chipset")
                vendor = clean_text(info.get("vendor")).lower()
                named_vendor = device_name.split()[0].lower()
                if not vendor:
                    report.warn(where, "no vendor")
                elif named_vendor in known_vendors and named_vendor != vendor:
                    report.warn(where, "vendor contradicts the device name (no ships fact)",
                                f"vendor '{vendor}' for '{device_name}'")
                else:
                    maker = self.organization(VENDOR_NAMES.get(vendor, vendor.capitalize()), where)
                    self.builder.fact(maker.id, "ships", device.id, QUALCOMM_SOURCE, where)
                report.rows_used += 1

    # ------------------------------------------------------------------ GSMArena
    def gsmarena(self, path: Path, progress=None) -> None:
        report, builder = self.report, self.builder
        display = path.name
        require_columns(csv_header(path), GSMARENA_COLUMNS, display)
        report.files.append(display)
        builder.source(Source(GSMARENA_SOURCE, f"GSMArena phone specifications, 2023 snapshot ({display})",
                              "gsmarena", GSMARENA_URL, SNAPSHOT_DATE, "en"))
        builder.entity("gsmarena", "Publisher", "GSMArena", attributes={"website": "https://www.gsmarena.com"},
                       description="Mobile phone specifications website; source of the GSMArena dataset.")
        first_row: dict[str, int] = {}
        for number, where, row in read_csv_rows(path, display, report):
            with guarded_row(report, where, progress):
                model_text = clean_text(row["Model"])
                if not model_text:
                    report.skip(where, "empty model name")
                    continue
                match = KIND.match(model_text)
                if match is None:  # some rows hold the whole description in `Model`: use its first sentence
                    first = re.match(r"^(.+?(?:smartphone|phone|tablet|watch))\.(?:\s|$)", model_text)
                    match = KIND.match(first.group(1)) if first else None
                if match is None:
                    report.skip(where, "model name without a device kind", repr(model_text[:80]))
                    continue
                name = match.group("name")
                brand = next((b for b in TWO_WORD_BRANDS if name.startswith(b + " ")), name.split()[0])
                if name == brand:
                    report.skip(where, "model name holds only the brand", repr(model_text))
                    continue
                kind = match.group("kind")
                attributes: dict[str, Any] = {"form-factor": "phone" if kind in ("smartphone", "phone") else kind,
                              "os": match.group("os")}
                raw = clean_text(row["RAW"])
                announced = ANNOUNCED.search(raw)
                if announced:
                    year = int(announced.group("year"))
                    month = announced.group("month")
                    attributes["year"] = year
                    attributes["released"] = f"{year}-{MONTHS[month]:02d}" if month else str(year)
                else:
                    column_year = _year_column(clean_text(row["Year"]))
                    if column_year:
                        attributes["year"] = column_year
                device_id = slugify(name)
                if device_id in first_row:
                    report.warn(where, "phone listed twice (merged)", f"'{name}' also in row {first_row[device_id]}")
                else:
                    first_row[device_id] = number
                # No alias without the brand: "A10" is a phone of Amoi, Blackview and Celkon alike.
                device = builder.entity(device_id, "Device", name, where=where, attributes=attributes)
                maker = self.organization(brand, where)
                builder.fact(maker.id, "ships", device.id, GSMARENA_SOURCE, where)
                features = raw.split("Features ", 1)[1] if "Features " in raw else ""
                chips = [p.strip()[: -len("chipset")].strip() for p in features.split(",")
                         if p.strip().endswith(" chipset")]
                if chips and chips[0]:
                    chip = self.chipset(chips[0].replace("®", "").strip(), GSMARENA_SOURCE, where)
                    builder.fact(device.id, "uses-chipset", chip.id, GSMARENA_SOURCE, where)
                report.rows_used += 1


def _mapping(value: Any) -> dict[Any, Any]:
    """`value` if it is a mapping (a LineDict keeps its line numbers), else an empty one."""
    return value if isinstance(value, dict) else {}


def _year_column(text: str) -> int | None:
    """GSMArena's Year column: '2011', 'Q1 2005', 'Sep-14'."""
    match = re.search(r"\b(19|20)\d{2}\b", text)
    if match:
        return int(match.group(0))
    match = re.match(r"^[A-Za-z]{3}-(\d{2})$", text)
    if match:
        return 2000 + int(match.group(1))
    return None


def import_devices(path: str | Path, *, progress=None, only: str | None = None) -> ImportResult:
    """Read the Qualcomm device list and/or the GSMArena table (`only`: 'qualcomm' or 'gsmarena')."""
    from ..errors import GraphkitError

    qualcomm, gsmarena = find_files(Path(path))
    if only == "qualcomm":
        gsmarena = None
    elif only == "gsmarena":
        qualcomm = None
    if qualcomm is None and gsmarena is None:
        raise GraphkitError(f"{path}: no {only} file found here")
    report = ImportReport(DATASET)
    devices = _Devices(report)
    if qualcomm is not None:
        devices.qualcomm(qualcomm, progress)
    if gsmarena is not None:
        devices.gsmarena(gsmarena, progress)
    return ImportResult(DATASET, devices.builder.graph, report)
