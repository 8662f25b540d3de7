"""Loading YAML: the format, and every kind of broken input located by file and line."""
from pathlib import Path

import pytest

from graphkit.errors import ValidationError
from graphkit.loader import load_yaml

DATA = Path(__file__).parent / "data"
INVALID = DATA / "invalid"


def problems_of(*names):
    with pytest.raises(ValidationError) as info:
        load_yaml([INVALID / n for n in names], base_dir=DATA)
    return [str(p) for p in info.value.problems]


def test_valid_file_loads_with_short_and_long_forms():
    graph = load_yaml(DATA / "valid" / "small.yaml")
    assert graph.summary() == {"entities": 6, "sources": 1, "statements": 3}
    apple = graph.entities["apple"]
    assert apple.labels == {"fr": "Apple", "zh": "苹果公司"}
    assert apple.aliases == ("Apple Inc.",) and apple.wikidata == "Q312"
    assert apple.attributes == {"employees": 164000, "founded": "1976-04-01"}
    assert graph.entities["qwen"].attributes["parameters"] == 150_000_000_000
    deal = next(s for s in graph.statements if s.relation == "partners-with")
    assert (deal.subject, deal.object, deal.market, deal.since) == ("alibaba", "apple", "china", "2025-02")
    assert deal.sources == ("reuters-1",)  # from the file's defaults
    denied = next(s for s in graph.statements if s.relation == "in-talks-with")
    assert (denied.status, denied.until) == ("denied", "2024")
    assert deal.location.line == 23


def test_symmetric_statement_id_ignores_direction():
    graph = load_yaml(DATA / "valid" / "small.yaml")
    deal = next(s for s in graph.statements if s.relation == "partners-with")
    from graphkit.model import statement_id

    assert deal.id == statement_id("apple", "partners-with", "alibaba", "china", "2025-02", symmetric=True)
    assert deal.id.startswith("s-") and len(deal.id) == 18


@pytest.mark.parametrize("name, line, text", [
    ("syntax.yaml", 5, "YAML syntax error"),
    ("unknown_type.yaml", 3, "unknown entity type 'Compnay'"),
    ("unknown_relation.yaml", 7, "unknown relation 'befriends'"),
    ("dangling.yaml", 6, "unknown entity 'alibabba' as object of partners-with"),
    ("dangling.yaml", 4, "unknown publisher 'nobody'"),
    ("bad_dates.yaml", 2, "'1976-02-30' is not a valid date"),
    ("bad_dates.yaml", 5, "'2025-13-01' is not a valid date"),
    ("bad_dates.yaml", 10, "'last year' is not a date"),
    ("domain_range.yaml", 8, "the subject of powers must be AIModel, but 'apple' is Company"),
    ("domain_range.yaml", 8, "the object of powers must be AIProduct, but 'qwen' is AIModel"),
    ("domain_range.yaml", 11, "market 'apple' is a Company, not a Market"),
    ("no_source.yaml", 5, "a relation needs at least one source"),
    ("unknown_source.yaml", 7, "unknown source 's2'"),
    ("unknown_status.yaml", 8, "unknown status 'probable'"),
    ("duplicate_fact.yaml", 11, "duplicate fact 'alibaba partners-with apple'"),
])
def test_broken_input_is_located(name, line, text):
    problems = problems_of(name)
    expected = f"invalid/{name}:{line}: "
    assert any(p.startswith(expected) and text in p for p in problems), problems


def test_duplicate_ids_across_files_name_both_places():
    problems = problems_of("duplicate_a.yaml", "duplicate_b.yaml")
    assert problems == ["invalid/duplicate_b.yaml:3: duplicate entity id 'apple' "
                        "(first defined at invalid/duplicate_a.yaml:2)"]


def test_all_problems_are_reported_at_once():
    problems = problems_of("many.yaml")
    assert [p.split(":")[1] for p in problems] == ["2", "3", "4", "5", "7", "7", "8"]
    assert "unknown key 'colour'" in problems[2]
    assert "expected a number, got 'many'" in problems[3]
    # the fact's status is wrong, and its unknown object is reported all the same
    assert "unknown entity 'nothing' as object of powers" in problems[5]


def test_duplicate_yaml_keys_are_reported(tmp_path):
    bad = tmp_path / "dup.yaml"
    bad.write_text("entities:\n  - id: apple\n    type: Company\n    name: Apple\n    name: Apple Inc.\n")
    with pytest.raises(ValidationError) as info:
        load_yaml(bad)
    assert str(info.value.problems[0]).endswith("dup.yaml:5: duplicate key 'name'")


def test_not_a_mapping_and_wrong_shapes(tmp_path):
    bad = tmp_path / "list.yaml"
    bad.write_text("- just\n- a list\n")
    other = tmp_path / "shapes.yaml"
    other.write_text("entities: {id: apple}\nrelations:\n  - just a string\n")
    with pytest.raises(ValidationError) as info:
        load_yaml(tmp_path)
    messages = [p.message for p in info.value.problems]
    assert any("is a mapping" in m for m in messages)
    assert "'entities' must be a list" in messages
    assert any("each item of 'relations' must be a mapping" in m for m in messages)


def test_empty_directory_is_an_error(tmp_path):
    with pytest.raises(ValidationError, match="no YAML files found"):
        load_yaml(tmp_path)


def test_seed_data_is_valid():
    graph = load_yaml(Path(__file__).parents[1] / "seed_data")
    assert len(graph.entities) >= 40 and len(graph.statements) >= 50
    required = ["apple", "alibaba", "openai", "huawei", "honor", "tencent", "baidu", "deepseek", "china",
                "reuters", "bloomberg", "canalys", "joseph-tsai", "apple-intelligence", "galaxy-ai"]
    assert [r for r in required if r not in graph.entities] == []
