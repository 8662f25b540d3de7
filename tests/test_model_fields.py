"""One source of truth for the model's fields: the loader's keys, the importers' YAML writer,
the property graph and the embedded engine's freshness fingerprint all follow the dataclasses
of graphkit.model."""
from __future__ import annotations

import dataclasses

import pytest

from graphkit import loader
from graphkit.cypher.falkordb import model_fingerprint
from graphkit.importers.common import (
    ImportReport,
    dump_yaml,
    entity_item,
    guarded_row,
    source_item,
    statement_item,
    type_family,
)
from graphkit.model import (
    Entity,
    KnowledgeGraph,
    Location,
    Source,
    Statement,
    StatusStep,
    annotation_fields,
    content_fields,
    field_names,
    optional_fields,
    qualifier_fields,
    written_fields,
)
from graphkit.ontology import ClassInfo, Ontology, load_ontology
from graphkit.property_rows import entity_properties, source_properties, statement_properties


def full_graph() -> KnowledgeGraph:
    """Every field of every model class set to a non-default value."""
    graph = KnowledgeGraph()
    graph.entities["acme"] = Entity("acme", "Company", "Acme", {"fr": "Acmé"}, ("ACME Corp",), "Q1", "A company.",
                                    {"employees": 10, "country": "France"}, Location("a.yaml", 3))
    graph.entities["widget"] = Entity("widget", "AIModel", "Widget", attributes={"parameters": 7})
    graph.entities["china"] = Entity("china", "Market", "China")
    graph.sources["news"] = Source("news", "Acme releases Widget", "acme", "https://example.org/news", "2025-01-02",
                                   "en", ("older",), "Date not verified.", Location("a.yaml", 9))
    graph.sources["older"] = Source("older", "An older story")
    graph.statements.append(Statement("acme", "develops", "widget", "confirmed", ("news", "older"), "china",
                                      "2025-01", "2026", "A note.", "A quote.", False, Location("a.yaml", 12),
                                      (StatusStep("rumored", "2024-12", ("older",)),
                                       StatusStep("confirmed", "2025-01-02", ("news",)))))
    return graph


def test_loader_keys_are_the_model_fields():
    assert loader.ENTITY_KEYS == set(field_names(Entity)) == {
        "id", "type", "name", "labels", "aliases", "wikidata", "description", "attributes"}
    assert loader.SOURCE_KEYS == set(field_names(Source)) == {
        "id", "title", "publisher", "url", "date", "language", "cites", "note"}
    assert qualifier_fields() == ("status", "sources", "market", "since", "until", "note", "quote", "history")
    assert loader.RELATION_KEYS == {"fact", "subject", "relation", "object", "source", *qualifier_fields()}
    assert loader.DEFAULT_KEYS == loader.QUALIFIER_KEYS - {"note", "quote", "history"}
    assert annotation_fields(Statement) == ("note", "quote", "history")
    assert loader.HISTORY_STEP_KEYS == {"status", "date", "sources", "source"}


def test_field_roles():
    assert "location" not in content_fields(Statement) and "symmetric" in content_fields(Statement)
    assert "symmetric" not in field_names(Statement)  # derived from the ontology, never written
    assert optional_fields(Source) == ("publisher", "url", "date", "language", "note")
    assert optional_fields(Entity) == ("wikidata", "description")


def test_importer_yaml_round_trips_every_field(tmp_path):
    """What the importers write is what the loader reads back, field for field."""
    graph = full_graph()
    (tmp_path / "e.yaml").write_bytes(dump_yaml({"entities": [entity_item(e) for e in graph.sorted_entities()]}, "t"))
    (tmp_path / "s.yaml").write_bytes(dump_yaml({"sources": [source_item(s) for s in graph.sorted_sources()]}, "t"))
    (tmp_path / "r.yaml").write_bytes(dump_yaml({"relations": [statement_item(s) for s in graph.statements]}, "t"))
    back = loader.load_yaml(tmp_path)
    assert back.entities == graph.entities and back.sources == graph.sources
    assert back.statements == graph.statements
    assert set(statement_item(graph.statements[0])) == {"fact", *qualifier_fields()}


def test_the_projection_carries_every_written_field():
    graph = full_graph()
    ontology = load_ontology()
    source = graph.sources["news"]
    assert source_properties(source) == written_fields(source)
    assert set(source_properties(source)) == set(field_names(Source))
    props = statement_properties(graph.statements[0], ontology)
    # the history is projected as three parallel lists (property values cannot be nested)
    history = {"history_statuses", "history_dates", "history_sources"}
    assert set(props) == {"statement_id", "relation", "symmetric", *history, *qualifier_fields()} - {"history"}
    entity = entity_properties(graph.entities["acme"])
    assert {"aliases", "wikidata", "description", "name_fr", "employees"} <= set(entity)


def _other(value):
    """A different value of the same kind."""
    if isinstance(value, bool):
        return not value
    if isinstance(value, str):
        return value + "x"
    if isinstance(value, tuple):
        return (*value, "x")
    if isinstance(value, dict):
        return {**value, "zz": "x"}
    return "x" if value is None else value + 1


@pytest.mark.parametrize("cls, key", [("entities", "acme"), ("sources", "news"), ("statements", 0)])
def test_fingerprint_changes_with_every_content_field(cls, key):
    """Every content field counts, also those without a repr (Statement.symmetric)."""
    base = model_fingerprint(full_graph())
    obj = getattr(full_graph(), cls)[key]
    for name in content_fields(type(obj)):
        graph = full_graph()
        target = getattr(graph, cls)[key]
        value = getattr(target, name)
        setattr(target, name, _other(value))
        assert model_fingerprint(graph) != base, f"{type(obj).__name__}.{name} is not in the fingerprint"
    graph = full_graph()
    getattr(graph, cls)[key].location = Location("elsewhere.yaml", 99)
    assert model_fingerprint(graph) == base  # where a fact was written is not what it says
    assert any(not f.repr for f in dataclasses.fields(Statement) if f.name == "symmetric")


def test_fingerprint_counts_a_field_without_repr():
    """A field added with repr=False (as Statement.symmetric is) still changes the fingerprint:
    it is built from the dataclass fields, not from reprs."""

    @dataclasses.dataclass(slots=True)
    class RankedStatement(Statement):
        rank: int = dataclasses.field(default=0, repr=False, compare=False)

    def graph_with(rank: int) -> KnowledgeGraph:
        graph = full_graph()
        st = graph.statements[0]
        graph.statements[0] = RankedStatement(*(getattr(st, f.name) for f in dataclasses.fields(Statement)), rank=rank)
        return graph

    assert "rank" not in repr(graph_with(1).statements[0])
    assert model_fingerprint(graph_with(1)) != model_fingerprint(graph_with(2))


def test_organization_family_comes_from_the_ontology():
    ontology = load_ontology()
    for key in ontology.classes:
        assert (type_family(key) == "Organization") == ontology.is_a(key, "Organization")
    assert type_family("Regulator") == "Organization" and type_family("AIModel") == "AIModel"
    # a class added to the ontology under Organization joins the family without code changes
    startup = ClassInfo("Startup", "https://w3id.org/graphkit/ontology#Startup", {}, {}, ("Company", "Organization"))
    extended = Ontology({**ontology.classes, "Startup": startup}, ontology.relations, ontology.attributes,
                        ontology.statuses)
    assert type_family("Startup", extended) == "Organization"
    assert type_family("Unknown") == "Unknown"


def test_guarded_row_skips_a_failing_row_and_always_ticks_progress():
    report = ImportReport("test")
    ticks = []
    done = []
    for number in range(4):
        with guarded_row(report, f"row {number}", lambda: ticks.append(1)):
            if number == 1:
                continue
            if number == 2:
                raise KeyError("column")
            done.append(number)
    assert done == [0, 3] and len(ticks) == 4
    assert [(p.where, p.reason, p.detail) for p in report.problems] == [("row 2", "unexpected value",
                                                                          "KeyError: 'column'")]
    with pytest.raises(KeyboardInterrupt), guarded_row(report, "row 9"):
        raise KeyboardInterrupt
