"""Entity resolution (graphkit.resolve) and the merge of all four datasets with seed_data."""
from __future__ import annotations

import pytest

from datasets import ALIASES, REPO, datasets_dir
from graphkit.errors import ValidationError
from graphkit.model import Entity, KnowledgeGraph, Source, Statement
from graphkit.resolve import (
    AliasGroup,
    AliasTable,
    KeepApart,
    Resolver,
    load_aliases,
    normalize_name,
    same_value,
    strip_suffixes,
    top_organization,
)

SUFFIXES = frozenset({"inc", "ltd", "group", "corporation"})


def graph(entities=(), statements=(), sources=("src",)) -> KnowledgeGraph:
    g = KnowledgeGraph()
    for e in entities:
        g.entities[e.id] = e
    for s in sources:
        g.sources[s] = Source(s, f"Source {s}")
    g.statements.extend(statements)
    return g


def org(id_, name, type_="Company", **kw) -> Entity:
    return Entity(id_, type_, name, **kw)


def model(id_, name, **kw) -> Entity:
    return Entity(id_, "AIModel", name, **kw)


def fact(s, r, o, status="imported", sources=("src",), note=None) -> Statement:
    return Statement(s, r, o, status, tuple(sources), note=note)


SEED = graph(
    [org("alibaba", "Alibaba", aliases=("Alibaba Group",), wikidata="Q1359568",
         attributes={"country": "China", "founded": "1999"}),
     org("alibaba-cloud", "Alibaba Cloud"),
     org("baidu", "Baidu, Inc."),
     model("qwen", "Qwen"),
     model("qwen2.5-max", "Qwen 2.5-Max", aliases=("Qwen2.5-Max",), attributes={"released": "2025-01-28"}),
     model("deepseek-v3", "DeepSeek-V3", attributes={"hf-id": "deepseek-ai/DeepSeek-V3"}),
     Entity("china", "Market", "China"),
     Entity("reuters", "Publisher", "Reuters")],
    [fact("alibaba", "develops", "qwen2.5-max", status="confirmed", sources=("seed-src",)),
     fact("alibaba", "develops", "qwen", status="denied", sources=("seed-src",))],
    sources=("seed-src",))


# ---------------------------------------------------------------------------------- names

def test_normalize_name_ignores_case_spaces_punctuation_and_hyphens():
    assert normalize_name("Qwen 2.5-Max") == normalize_name("Qwen2.5-Max") == "qwen25max"
    assert normalize_name("Zürich") == "zurich"
    assert normalize_name("Command R+") != normalize_name("Command R")
    assert normalize_name("阿里巴巴") == "阿里巴巴"


def test_strip_suffixes_only_removes_listed_trailing_words():
    assert strip_suffixes("Baidu, Inc.", SUFFIXES) == "baidu"
    assert strip_suffixes("Alibaba Group Holding", SUFFIXES | {"holding"}) == "alibaba"
    assert strip_suffixes("Inc", SUFFIXES) == "inc"  # never strips a name to nothing
    assert strip_suffixes("Alibaba Cloud", SUFFIXES) == "alibabacloud"  # 'cloud' is not listed


def test_same_value_tolerates_rounding_and_precision_but_not_real_differences():
    assert same_value(34_000_000_000, 34_389_000_000)
    assert not same_value(1_000_000_000, 1_500_000_000)
    assert same_value("2024-07", "2024-07-23") and not same_value("2024-07-23", "2024-07-24")
    assert same_value("Android", "Android 14") and same_value("BigCode OpenRail-M", "bigcode-openrail-m")
    assert not same_value(2011, 2004)


# ---------------------------------------------------------------------------------- rules

def test_merges_by_id_wikidata_hf_id_name_and_suffix():
    imported = graph([
        org("alibaba", "Alibaba", attributes={"country": "China"}),
        org("ali", "Ali Corp", wikidata="Q1359568"),
        model("ds3", "deepseek-ai/DeepSeek-V3", attributes={"hf-id": "deepseek-ai/DeepSeek-V3"}),
        model("qwen-2-5-max", "QWEN 2.5 MAX"),
        org("baidu-ltd", "Baidu Ltd"),
    ])
    result = Resolver(SEED, AliasTable(suffixes=SUFFIXES)).resolve(imported)
    rules = {m.imported: (m.into, m.rule, m.target) for m in result.merges}
    assert rules == {
        "alibaba": ("alibaba", "id", "reference"),
        "ali": ("alibaba", "wikidata", "reference"),
        "ds3": ("deepseek-v3", "hf-id", "reference"),
        "qwen-2-5-max": ("qwen2.5-max", "name", "reference"),
        "baidu-ltd": ("baidu", "name without suffix", "reference"),
    }
    assert result.graph.entities == {}  # all known: nothing is redefined


def test_alias_file_group_with_type_scope():
    aliases = AliasTable([AliasGroup("alibaba", ("Qwen",), type="Organization"),
                          AliasGroup("google-deepmind", ("DeepMind", "Google DeepMind"), type="Organization",
                                     name="Google DeepMind")])
    imported = graph([org("qwen", "Qwen", type_="Organization"), model("qwen-model", "Qwen"),
                      org("deepmind", "DeepMind"), org("gdm", "Google DeepMind", attributes={"country": "UK"})],
                     [fact("deepmind", "develops", "qwen-model"), fact("gdm", "develops", "qwen-model")])
    result = Resolver(SEED, aliases).resolve(imported)
    assert result.mapping["qwen"] == "alibaba"  # the Hugging Face account, an organization
    assert result.mapping["qwen-model"] == "qwen"  # the model keeps going to the model
    assert result.mapping["deepmind"] == result.mapping["gdm"] == "google-deepmind"
    created = result.graph.entities["google-deepmind"]
    assert created.name == "Google DeepMind" and "DeepMind" in created.aliases
    assert created.attributes == {"country": "UK"}
    # Both facts became one, citing its source once, remembering both notes.
    facts = [s for s in result.graph.statements if s.subject == "google-deepmind"]
    assert len(facts) == 1 and facts[0].object == "qwen"


def test_incompatible_types_are_not_merged_and_ids_do_not_clash():
    imported = graph([org("qwen", "Qwen", type_="Company")])  # an organization named like the seed's model
    result = Resolver(SEED).resolve(imported)
    assert result.merges == []
    assert list(result.graph.entities) == ["qwen-company"]
    assert result.mapping == {"qwen": "qwen-company"}


def test_same_name_years_apart_is_not_a_merge():
    reference = graph([Entity("nokia-c1-00", "Device", "Nokia C1-00", attributes={"year": 2010})])
    imported = graph([Entity("nokia-c100", "Device", "Nokia C100", attributes={"year": 2022})])
    result = Resolver(reference).resolve(imported)
    assert result.merges == [] and "nokia-c100" in result.graph.entities
    [candidate] = result.candidates
    assert candidate["into"] == "nokia-c1-00" and candidate["reasons"] == ["years apart (2022 vs 2010)"]


def test_two_reference_candidates_are_ambiguous():
    reference = graph([org("apple-a", "Apple"), org("apple-b", "apple")])
    result = Resolver(reference).resolve(graph([org("apple", "APPLE")]))
    assert result.ambiguous[0]["candidates"] == ["apple-a", "apple-b"]
    assert result.merges == [] and "apple" in result.graph.entities


def test_separate_names_are_never_merged_by_name():
    reference = graph([Entity("iphone", "Device", "iPhone")])
    imported = graph([Entity("apple-iphone", "Device", "iPhone")])
    assert Resolver(reference, AliasTable(separate=frozenset({"iphone"}))).resolve(imported).merges == []
    assert Resolver(reference).resolve(imported).merges[0].into == "iphone"


# ---------------------------------------------------------------------------------- seed wins

def test_reference_wins_and_every_conflict_is_reported():
    imported = graph([org("alibaba", "Alibaba", type_="ResearchLab",
                          attributes={"country": "Singapore", "category": "Industry"}),
                      model("qwen2.5-max", "Qwen2.5-Max", attributes={"released": "2025-01", "parameters": 1e12})],
                     [fact("alibaba", "develops", "qwen2.5-max", note="row 1"),
                      fact("alibaba", "develops", "qwen", note="row 2")])
    result = Resolver(SEED).resolve(imported)
    conflicts = {(c.subject, c.field): (c.kept, c.dropped) for c in result.conflicts}
    assert conflicts[("alibaba", "type")] == ("Company", "ResearchLab")
    assert conflicts[("alibaba", "country")] == ("China", "Singapore")
    assert conflicts[("alibaba develops qwen", "status")] == ("denied", "imported")
    assert ("qwen2.5-max", "released") not in conflicts  # 2025-01 agrees with 2025-01-28
    unapplied = {(u["entity"], u["attribute"]) for u in result.unapplied}
    assert unapplied == {("alibaba", "category"), ("qwen2.5-max", "parameters")}
    assert result.corroborated == 1
    assert result.graph.statements == [] and result.graph.entities == {}
    reasons = sorted(d["reason"] for d in result.dropped)
    assert reasons == ["already in the reference data", "the reference data denies it"]


def test_a_more_precise_class_is_not_a_conflict():
    result = Resolver(SEED).resolve(graph([org("alibaba", "Alibaba", type_="Organization")]))
    assert result.conflicts == [] and result.merges[0].into == "alibaba"


def test_facts_that_no_longer_fit_the_ontology_are_dropped_and_reported():
    imported = graph([org("x", "Qwen 2.5 Max Lab", type_="Company"), model("m", "Some Model"),
                      org("alibaba-2", "Alibaba Group")],
                     [fact("m", "develops", "x"),  # a model cannot develop
                      fact("alibaba-2", "develops", "m"), fact("alibaba", "develops", "m")])
    result = Resolver(SEED).resolve(imported)
    [dropped] = result.dropped
    assert dropped["fact"] == "m develops x"
    assert "as subject, 'm' is a AIModel" in dropped["reason"] and "as object, 'x' is a Company" in dropped["reason"]
    kept = [(s.subject, s.relation, s.object) for s in result.graph.statements]
    assert kept == [("alibaba", "develops", "m")]  # two imported facts became one


def test_publisher_of_imported_source_is_mapped():
    imported = graph([org("reuters-org", "Reuters", type_="Organization")], sources=())
    imported.sources["d"] = Source("d", "A dataset", publisher="reuters-org")
    result = Resolver(SEED).resolve(imported)
    assert result.graph.sources["d"].publisher == "reuters"


# ---------------------------------------------------------------------------------- alias file

def test_the_project_alias_file_loads():
    table = load_aliases(ALIASES)
    assert any(g.id == "google-deepmind" and "DeepMind" in g.names for g in table.groups)
    assert "inc" in table.suffixes and "cloud" not in table.suffixes


@pytest.mark.parametrize("text, message", [
    ("same:\n  - id: Not An Id\n    names: [x]\n", "'Not An Id' is not a valid id"),
    ("same:\n  - id: a\n    type: Spaceship\n    names: [x]\n", "unknown type 'Spaceship'"),
    ("same:\n  - id: a\n    names: [x]\n  - id: b\n    names: [X]\n", "'X' is already listed for 'a'"),
    ("same:\n  - id: a\n    names: x\n", "'names' must be a list of names"),
    ("same:\n  - id: a\n    names: [x]\n    colour: red\n", "unknown key 'colour'"),
    ("aliases: []\n", "unknown key 'aliases'"),
    ("same: [\n", "YAML syntax error"),
    # keep-apart entries and units
    ("apart:\n  - ids: [a]\n    why: x\n", "needs two different ids"),
    ("apart:\n  - ids: [a, b]\n", "needs 'why'"),
    ("apart:\n  - ids: [a, Not Id]\n    why: x\n", "'Not Id' is not a valid id"),
    ("apart:\n  - ids: [a, b]\n    why: x\n  - ids: [b, a]\n    why: y\n", "already at line 2"),
    ("apart:\n  - ids: [a, b]\n    why: x\n    note: y\n", "unknown key 'note'"),
    ("same:\n  - id: a\n    names: [x]\n    part-of: a\n", "cannot be part of itself"),
])
def test_bad_alias_files_are_clear_errors(tmp_path, text, message):
    path = tmp_path / "aliases.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ValidationError) as info:
        load_aliases(path)
    assert message in str(info.value)
    assert str(path) in str(info.value)


# ---------------------------------------------------------------------------------- all four datasets

@pytest.mark.slow
def test_all_four_datasets_merge_with_the_seed_build_validate_and_export(tmp_path):
    """The done-when of the issue: import everything, merge with seed_data, build with SHACL, export."""
    from graphkit import api
    from graphkit.importers import import_all
    from graphkit.propertygraph import to_property_graph

    outcomes = import_all(datasets_dir(), tmp_path / "imports", reference_paths=[REPO / "seed_data"],
                          aliases=ALIASES)
    assert [o.source for o in outcomes] == ["epoch", "ecosystem", "leaderboard", "devices"]
    paths = [REPO / "seed_data"] + [o.out_dir for o in outcomes]
    result = api.build(paths, tmp_path / "exports", formats=("turtle", "ntriples"), extras=False, shacl=True)
    graph_ = result.graph
    assert len(graph_.entities) > 20_000 and len(graph_.statements) > 25_000 and len(result.rdf) > 350_000
    assert (tmp_path / "exports" / "graph.ttl").stat().st_size > 1_000_000

    # One Alibaba node: the seed's facts and the imported ones meet on it.
    pg = to_property_graph(graph_)
    alibaba_facts = [d for _, _, d in pg.out_edges("alibaba", data=True)]
    assert {d["status"] for d in alibaba_facts} >= {"confirmed", "imported"}
    assert not [e for e in graph_.entities.values() if e.name == "Alibaba" and e.id != "alibaba"]
    epoch_merges = outcomes[0].resolution.merges
    assert any(m.imported == "alibaba" and m.into == "alibaba" and m.target == "reference" for m in epoch_merges)
    # A later dataset resolves against an earlier one: the leaderboard's official Qwen repository
    # is Epoch's Qwen2.5-72B, and the fine-tune's base-model link lands on it; the instruct model
    # (Epoch's "Qwen2.5 Instruct (72B)", the Hub's Qwen/Qwen2.5-72B-Instruct) is one node.
    assert any(s.subject == "qwen2.5-instruct-72b" and s.relation == "fine-tuned-from"
               and s.object == "qwen2.5-72b" for s in graph_.statements)
    assert "qwen--qwen2.5-72b-instruct" not in graph_.entities
    assert graph_.entities["qwen2.5-72b"].name == "Qwen2.5-72B"
    # Every dataset produced merges; conflicts are reported, not silently resolved.
    assert all(o.resolution.merges for o in outcomes)
    assert sum(len(o.resolution.conflicts) for o in outcomes) > 0


# ---------------------------------------------------------------------------------- safeguards

def _two_models(a_attrs, b_attrs, a_dev="acme", b_dev="acme"):
    reference = graph([org(a_dev, a_dev.title()), model("m1", "Model X", attributes=a_attrs)],
                      [fact(a_dev, "develops", "m1")])
    imported = graph([org(b_dev, b_dev.title()), model("m2", "Model-X", attributes=b_attrs)],
                     [fact(b_dev, "develops", "m2")])
    return Resolver(reference).resolve(imported)


@pytest.mark.parametrize("a_attrs, b_attrs, b_dev, reason", [
    ({}, {}, "other-lab", "different developers (other-lab vs acme)"),
    ({"domain": "robotics"}, {"domain": "biology"}, "acme", "different domains (biology vs robotics)"),
    ({"parameters": 1_000_000_000}, {"parameters": 1_500_000_000}, "acme", "parameters differ (1.5B vs 1B)"),
    ({"released": "2019-05"}, {"released": "2023-01"}, "acme", "years apart (2023 vs 2019)"),
    ({"hf-id": "acme/model-x"}, {"hf-id": "copier/model-x"}, "acme", "different Hugging Face ids"),
])
def test_a_merge_violating_a_safeguard_is_a_candidate(a_attrs, b_attrs, b_dev, reason):
    result = _two_models(a_attrs, b_attrs, b_dev=b_dev)
    assert result.mapping["m2"] == "m2" and "m2" in result.graph.entities
    [candidate] = [c for c in result.candidates if c["entity"] == "m2"]
    assert candidate["into"] == "m1" and any(r.startswith(reason) for r in candidate["reasons"])


def test_rounding_and_close_dates_do_not_stop_a_merge():
    result = _two_models({"parameters": 7_000_000_000, "released": "2023-12", "domain": "language"},
                         {"parameters": 7_616_000_000, "released": "2024-01-05", "domain": "multimodal, language"})
    assert result.mapping["m2"] == "m1" and result.candidates == []


def test_a_unit_counts_as_its_organization():
    aliases = AliasTable([AliasGroup("lab", ("Big Lab",), type="Organization", part_of="acme")])
    reference = graph([org("acme", "Acme"), org("lab", "Big Lab"), model("m1", "Model X")], [fact("lab", "develops", "m1")])
    imported = graph([org("acme", "Acme"), model("m2", "Model X")], [fact("acme", "develops", "m2")])
    assert Resolver(reference, aliases).resolve(imported).mapping["m2"] == "m1"
    assert Resolver(reference).resolve(imported).mapping["m2"] == "m2"


def test_words_in_another_order_merge_only_with_the_same_known_developer():
    reference = graph([org("alibaba", "Alibaba"), model("q", "Qwen2.5 Instruct (72B)")], [fact("alibaba", "develops", "q")])
    official = graph([org("alibaba", "Alibaba"), model("h", "Qwen/Qwen2.5-72B-Instruct")], [fact("alibaba", "develops", "h")])
    copy = graph([org("someone", "Someone"), model("c", "someone/Qwen2.5-72B-Instruct")], [fact("someone", "develops", "c")])
    merges = {m.imported: m for m in Resolver(reference).resolve(official).merges}
    assert merges["h"].into == "q" and merges["h"].rule == "name, words reordered"
    assert Resolver(reference).resolve(copy).mapping["c"] == "c"


def test_keep_apart_entries_are_never_merged():
    aliases = AliasTable(apart=[KeepApart(("m1", "m2"), "two models", 3)])
    reference = graph([model("m1", "Model X")])
    result = Resolver(reference, aliases).resolve(graph([model("m2", "Model X")]))
    assert result.mapping["m2"] == "m2" and "kept apart by the alias file (line 3)" in result.candidates[0]["reasons"]


def test_parenthesized_acronyms_only():
    reference = graph([org("cmu", "Carnegie Mellon University (CMU)"), org("neu", "Northeastern University (China)")])
    result = Resolver(reference).resolve(graph([org("c", "CMU"), org("n", "Northeastern University")]))
    assert result.mapping == {"c": "cmu", "n": "n"}


def test_the_project_alias_file_keeps_calm_apart_and_knows_units():
    table = load_aliases(ALIASES)
    assert table.kept_apart("calm", "calm-2022") and table.parents()["google-deepmind"] == "google"


# ---------------------------------------------------------------------------------- suggestions

def test_suggestions_list_evidence_and_paste_ready_yaml():
    import yaml

    from graphkit.resolve_suggest import suggest

    g = graph([org("acme", "Acme"), org("acme-ai", "Acme AI"), org("north", "University of North Carolina"),
               org("south", "University of South Carolina"),
               model("m1", "Widget 7B", attributes={"parameters": 7e9, "released": "2024-01"}),
               model("m2", "Widget-7B", attributes={"parameters": 7.2e9, "released": "2024-02"}),
               model("m3", "Widget 70B", attributes={"parameters": 7e10})],
              [fact("acme", "develops", "m1"), fact("acme", "develops", "m2"), fact("acme", "develops", "m3")])
    found, stats = suggest(g, AliasTable(suffixes=frozenset({"ai"})), min_score=0.5)
    pairs = {(s.a, s.b): s for s in found}
    assert ("m1", "m2") in pairs and ("m1", "m3") not in pairs and ("north", "south") not in pairs
    widget = pairs[("m1", "m2")]
    assert widget.decision == "merge" and "same developer (acme)" in widget.evidence
    snippet = yaml.safe_load(widget.yaml_snippet())
    assert snippet == {"same": [{"id": "m1", "type": "AIModel", "names": ["Widget-7B"], "why": snippet["same"][0]["why"]}]}
    assert stats["pairs compared"] < len(g.entities) ** 2


# ---------------------------------------------------------------------------------- the command

def _cli_data(tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    (data / "entities.yaml").write_text("""entities:
  - {id: acme, type: Company, name: Acme}
  - {id: widget-7b, type: AIModel, name: Widget 7B, attributes: {parameters: 7000000000, released: "2024-01"}}
  - {id: widget-7b-hub, type: AIModel, name: acme/widget-7b, attributes: {hf-id: acme/widget-7b, parameters: 7200000000}}
  - {id: calm, type: AIModel, name: CALM, attributes: {domain: robotics, released: "2023-08-06"}}
  - {id: calm-2022, type: AIModel, name: CaLM, attributes: {domain: biology, released: "2022-12-19"}}
""", encoding="utf-8")
    (data / "sources.yaml").write_text("sources:\n  - {id: s, title: A source}\n", encoding="utf-8")
    (data / "relations.yaml").write_text("""relations:
  - {fact: acme develops widget-7b, status: imported, sources: [s]}
  - {fact: acme develops widget-7b-hub, status: imported, sources: [s]}
""", encoding="utf-8")
    return data


def test_resolve_suggest_prints_paste_ready_yaml(tmp_path):
    import yaml
    from click.testing import CliRunner

    from graphkit.cli import main

    data = _cli_data(tmp_path)
    aliases = tmp_path / "aliases.yaml"
    aliases.write_text("same: []\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["resolve", "--suggest", "-d", str(data), "--aliases", str(aliases),
                                       "--format", "yaml", "--min-score", "0.5"])
    assert result.exit_code == 0, result.output
    document = yaml.safe_load(result.output)
    assert {"id": "widget-7b", "type": "AIModel", "names": ["acme/widget-7b"]}.items() <= document["same"][0].items()
    assert document["apart"][0]["ids"] == ["calm", "calm-2022"]
    assert "different domains (robotics vs biology)" in document["apart"][0]["why"]
    # A keep-apart decision in the alias file silences the pair.
    aliases.write_text("apart:\n  - ids: [calm, calm-2022]\n    why: two models\n", encoding="utf-8")
    again = CliRunner().invoke(main, ["resolve", "--suggest", "-d", str(data), "--aliases", str(aliases),
                                      "--format", "json", "--min-score", "0.5"])
    pairs = [(s["a"], s["b"]) for s in __import__("json").loads(again.output)["suggestions"]]
    assert ("calm", "calm-2022") not in pairs and ("widget-7b", "widget-7b-hub") in pairs


def test_resolve_without_suggest_or_with_a_bad_alias_file_is_a_clear_error(tmp_path):
    from click.testing import CliRunner

    from graphkit.cli import main

    data = _cli_data(tmp_path)
    result = CliRunner().invoke(main, ["resolve", "-d", str(data)])
    assert result.exit_code == 2 and "give --suggest" in result.output
    bad = tmp_path / "aliases.yaml"
    bad.write_text("apart:\n  - ids: [calm]\n    why: x\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["resolve", "--suggest", "-d", str(data), "--aliases", str(bad)])
    # Invalid data (here the alias file) exits 1, with the file and line.
    assert result.exit_code == 1 and "needs two different ids" in result.output and "Traceback" not in result.output
    assert f"{bad}:2" in result.output


def test_top_organization_follows_parents_and_stops_on_a_cycle():
    parents = {"google-deepmind": "google", "google": "alphabet", "a": "b", "b": "a"}
    assert top_organization(parents, "google-deepmind") == "alphabet"
    assert top_organization(parents, "alphabet") == "alphabet"
    assert top_organization(parents, "openai") == "openai"
    assert top_organization(parents, "a") == "b" and top_organization(parents, "b") == "a"
