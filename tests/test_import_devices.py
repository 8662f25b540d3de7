"""Devices importer (Qualcomm AI Hub + GSMArena): malformed copies and the real datasets."""
from __future__ import annotations

import pytest

from datasets import ALIASES, REPO, SEED, datasets_dir, facts
from graphkit import api
from graphkit.importers import run_import
from graphkit.importers.devices import chip_designer, clean_marketing_name, import_devices

FIXTURE = REPO / "tests" / "data" / "importers" / "devices"


# ---------------------------------------------------------------------------------- malformed copies

def test_malformed_entries_and_rows_are_counted_and_reported():
    report = import_devices(FIXTURE).report
    assert (report.rows_read, report.rows_used) == (23, 16)
    assert dict(report.skipped) == {
        "chipset is not a mapping": 1, "device is not a mapping": 1, "empty device name": 1,
        "empty model name": 1, "model name holds only the brand": 1, "model name without a device kind": 1,
        "wrong number of fields (truncated or shifted line)": 1}
    problems = {(p.where, p.reason) for p in report.problems}
    assert ("devices_and_chipsets.yaml line 24", "vendor contradicts the device name (no ships fact)") in problems
    assert ("devices_and_chipsets.yaml line 36", "unknown chipset id") in problems
    assert ("gsmarena_dataset.csv row 4", "wrong number of fields (truncated or shifted line)") in problems


def test_phone_chipset_from_both_files():
    graph = import_devices(FIXTURE).graph
    pixel = next(s for s in graph.statements if s.subject == "google-pixel-4" and s.relation == "uses-chipset")
    assert pixel.object == "snapdragon-855"
    assert pixel.sources == ("qualcomm-ai-hub-devices", "gsmarena-dataset-2023")
    assert pixel.note == "devices_and_chipsets.yaml line 10; gsmarena_dataset.csv row 1"
    chip = graph.entities["snapdragon-855"]
    assert chip.name == "Snapdragon 855" and "sm8150" in chip.aliases
    assert {("qualcomm", "develops", "snapdragon-855"), ("apple", "develops", "apple-a16-bionic"),
            ("apple-iphone-14-pro-max", "uses-chipset", "apple-a16-bionic"),
            ("apple", "ships", "apple-iphone-14-pro-max"), ("mediatek", "develops", "mt6761-helio-a22"),
            ("xiaomi", "ships", "xiaomi-12")} <= facts(graph)
    # The Qualcomm file's vendor error: the device keeps its chipset, gets no maker.
    assert ("xiaomi-redmi-note-10-5g", "uses-chipset", "snapdragon-678") in facts(graph)
    assert not [f for f in facts(graph) if f[1] == "ships" and f[2] == "xiaomi-redmi-note-10-5g"]
    iphone = graph.entities["apple-iphone-14-pro-max"]
    assert iphone.attributes == {"form-factor": "phone", "released": "2022-09", "year": 2022}
    # The row whose Model column holds the whole description is read from its first sentence.
    assert graph.entities["alcatel-view"].attributes["os"] == "Windows Mobile"
    # Same name once hyphens are removed, twelve years apart: two phones.
    assert {"nokia-c1-00", "nokia-c100"} <= set(graph.entities)


def test_one_file_only():
    only_qualcomm = import_devices(FIXTURE, only="qualcomm")
    assert list(only_qualcomm.graph.sources) == ["qualcomm-ai-hub-devices"]
    only_gsmarena = import_devices(FIXTURE / "gsmarena_dataset.csv")
    assert list(only_gsmarena.graph.sources) == ["gsmarena-dataset-2023"]


def test_chip_designers_and_names():
    assert chip_designer("MT6762 Helio P22") == "MediaTek" and chip_designer("Exynos 2200") == "Samsung"
    assert chip_designer("Kirin 9000") == "HiSilicon" and chip_designer("Snapdragon 8 Gen 2") == "Qualcomm"
    assert chip_designer("Mystery 1") is None
    assert clean_marketing_name("Snapdragon® 8 Elite For Galaxy Mobile") == "Snapdragon 8 Elite For Galaxy"


def test_merged_with_seed(tmp_path):
    outcome = run_import("devices", FIXTURE, tmp_path / "dev", reference_paths=[SEED], aliases=ALIASES)
    graph = api.load([SEED, tmp_path / "dev"])
    mapping = outcome.resolution.mapping
    assert mapping["samsung-galaxy-s25-ultra"] == "galaxy-s25-ultra"  # the seed's alias "Samsung Galaxy S25 Ultra"
    assert mapping["snapdragon-8-elite-for-galaxy"] == "snapdragon-8-elite-for-galaxy"
    dropped = {d["fact"]: d["reason"] for d in outcome.resolution.dropped}
    assert dropped["samsung-galaxy-s25-ultra uses-chipset snapdragon-8-elite-for-galaxy"] == "already in the reference data"
    assert ("google-pixel-4", "uses-chipset", "snapdragon-855") in facts(graph)


# ---------------------------------------------------------------------------------- the real datasets

@pytest.fixture(scope="module")
def real(tmp_path_factory):
    out = tmp_path_factory.mktemp("imports") / "devices"
    return run_import("devices", datasets_dir(), out, reference_paths=[SEED], aliases=ALIASES)


@pytest.mark.slow  # the whole real dataset
def test_real_phone_chipsets(real):
    graph = real.graph
    pixel = next(s for s in graph.statements if s.subject == "google-pixel-4" and s.relation == "uses-chipset")
    assert pixel.object == "snapdragon-855" and set(pixel.sources) == {"qualcomm-ai-hub-devices",
                                                                       "gsmarena-dataset-2023"}
    assert ("apple-iphone-14-pro-max", "uses-chipset", "apple-a16-bionic") in facts(graph)
    assert ("samsung-galaxy-s23-ultra", "uses-chipset", "snapdragon-8-gen-2") in facts(graph)
    assert ("samsung", "ships", "samsung-galaxy-s23-ultra") in facts(graph)  # the seed's Samsung


@pytest.mark.slow  # the whole real dataset
def test_real_rows_and_the_known_vendor_error(real):
    report = real.report
    assert report.rows_read == 46 + 29 + 12261
    assert report.rows_used + sum(report.skipped.values()) == report.rows_read
    [vendor] = [p for p in report.problems if p.reason.startswith("vendor contradicts")]
    assert "Xiaomi Redmi Note 10 5G" in vendor.detail and "oneplus" in vendor.detail
