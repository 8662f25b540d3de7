"""Hostile YAML: bombs, values no export can write, broken encodings, misleading messages.

Each case runs the real `graphkit check` (or `build`) in a child process under a memory limit
and a time limit (helpers.graphkit): exit code 1 with located one-line problems, never a
traceback, a hang or a blow-up."""
from __future__ import annotations

import json

import pytest

from hostile.helpers import SEED, cli, graphkit, snapshot

ENTITY = "  - {{id: {id}, type: Company, name: {name}}}\n"


def laughs(levels: int = 9, width: int = 9, where: str = "description") -> str:
    """The "billion laughs" shape: each level lists the previous one `width` times."""
    text = f"entities:\n  - id: e0\n    type: Company\n    name: E\n    {where}: &a0 [{', '.join(['lol'] * width)}]\n"
    for level in range(1, levels + 1):
        refs = ", ".join([f"*a{level - 1}"] * width)
        text += f"  - id: e{level}\n    type: Company\n    name: E\n    {where}: &a{level} [{refs}]\n"
    return text


def strings(value) -> set[str]:
    """Every string inside a JSON value."""
    if isinstance(value, str):
        return {value}
    if isinstance(value, dict):
        value = list(value.values())
    return set().union(*map(strings, value)) if isinstance(value, list) else set()


def check(tmp_path, text: str | bytes, *extra: str, name: str = "hostile.yaml", isolated: bool = False):
    """`graphkit check` on one file: in a child process with memory and time limits when the
    input is built to blow them up (`isolated`), else in this process (fast)."""
    path = tmp_path / name
    path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    if isolated:
        return graphkit("check", "--no-shacl", str(path), *extra, cwd=tmp_path, timeout=60)
    return cli("check", "--no-shacl", name, *extra, cwd=tmp_path)


def one_problem(run, line: int | None = None) -> str:
    lines = run.error_lines()
    assert run.returncode == 1, run.stderr
    assert lines[0] == "error: 1 problem found:" and len(lines) == 2, run.stderr
    if line is not None:
        assert lines[1].startswith(f"hostile.yaml:{line}: "), lines[1]
    return lines[1]


# ------------------------------------------------------------------ 1. unbounded work from small input

BOMBS = {
    "laughs-in-values": laughs(),
    "laughs-in-mapping-keys": "a: &a [x, x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
                              "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\n"
                              "e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]\n? [*e, *e, *e, *e, *e, *e, *e, *e, *e, *e]\n: 1\n",
    "laughs-through-merge-keys": "entities:\n  - &a0 {id: x, type: Company, name: X, k0: 1, k1: 2}\n"
                                 + "".join(f"  - &a{i} {{<<: [{', '.join([f'*a{i - 1}'] * 8)}], k{i}: {i}}}\n"
                                           for i in range(1, 10)),
    "laughs-in-facts": "relations:\n  - &a0 {fact: a partners-with b, status: confirmed, source: [s, s, s, s, s, s, s, s]}\n"
                       + "".join(f"  - &a{i} {{fact: a partners-with b, status: confirmed, source: "
                                 f"[{', '.join([f'*a{i - 1}'] * 8)}]}}\n" for i in range(1, 10)),
}


def test_alias_bombs_are_refused_quickly_with_a_located_line(tmp_path):
    """All the bombs in one child process (memory and time limits: a regression fails this
    test, not the machine); every file gets its own located problem."""
    for name, text in BOMBS.items():
        assert len(text) < 2000  # a small file...
        (tmp_path / f"{name}.yaml").write_text(text)
    run = graphkit("check", "--no-shacl", *(f"{name}.yaml" for name in sorted(BOMBS)), cwd=tmp_path, timeout=60)
    lines = run.error_lines()
    assert run.returncode == 1 and lines[0] == f"error: {len(BOMBS)} problems found:", run.stderr
    for name, line in zip(sorted(BOMBS), lines[1:], strict=True):
        assert line.startswith(f"{name}.yaml:"), line
        assert line.endswith(': YAML aliases expand to more than 100,000 values (a "billion laughs" document?): '
                             "write the values out, or use fewer nested aliases"), line
    assert run.seconds < 30  # ... refused in bounded time and memory


@pytest.mark.parametrize("text, line", [
    ("entities:\n  - &e {id: x, type: Company, name: X, attributes: *e}\n", 2),
    ("entities: &l\n  - *l\n", 1),
])
def test_recursive_aliases_are_refused(tmp_path, text, line):
    assert "a YAML alias refers to a mapping or list that contains it" in one_problem(check(tmp_path, text), line)


@pytest.mark.parametrize("text", [
    "entities: " + "[" * 900 + "]" * 900 + "\n",
    "entities:\n" + "".join("  " * i + "- \n" for i in range(1, 200)) + "  " * 200 + "x\n",
    "entities: " + "{a: " * 500 + "1" + "}" * 500 + "\n",
])
def test_deep_nesting_is_refused(tmp_path, text):
    problem = one_problem(check(tmp_path, text), 1 if text.startswith("entities: ") else None)
    assert "nested deeper than 64 levels" in problem or "YAML syntax error" in problem


def test_legitimate_aliases_still_work(tmp_path):
    text = ("entities:\n  - &base {id: a, type: Company, name: A, description: shared text}\n"
            + "".join(f"  - {{<<: *base, id: c{i}, name: C{i}}}\n" for i in range(300)))
    run = check(tmp_path, text)
    assert run.returncode == 0, run.stderr
    assert run.stdout.startswith("ok: 301 entities")


@pytest.mark.parametrize("field, size", [("name", 2_000_000), ("id", 3_000_000), ("wikidata", 1_000_000)])
def test_huge_values_are_never_echoed_whole(tmp_path, field, size):
    value = "Q" * size if field == "wikidata" else "X" * size
    other = {"id": "big", "name": "Big", "wikidata": None}
    other[field] = value
    text = "entities:\n  - {" + ", ".join(f"{k}: {v}" for k, v in other.items() if v is not None) + \
        ", type: Company, colour" + "k" * 900 + ": [" + ", ".join(["long-item"] * 50_000) + "]}\n"
    run = check(tmp_path, text)
    lines = run.error_lines()
    assert run.returncode == 1
    assert len(run.stderr) < 3000, len(run.stderr)
    assert all(len(line) < 700 for line in lines)
    assert any("…" in line for line in lines)


def test_a_huge_list_where_text_is_expected_is_described_not_printed(tmp_path):
    items = ", ".join(f"item{i}" for i in range(50_000))
    run = check(tmp_path, f"entities:\n  - {{id: x, type: Company, name: X, description: [{items}]}}\n")
    assert one_problem(run, 2) == "hostile.yaml:2: 'description' must be text, not a list"


# ------------------------------------------------------------------ 2. values that pass validation and break later

@pytest.mark.parametrize("value, message", [
    (".nan", "'.nan' is not a finite number"),
    (".inf", "'.inf' is not a finite number"),
    ("-.Inf", "'-.Inf' is not a finite number"),
    ('"1e999"', "inf is not a finite number"),
    ("1180591620717411303424", "is out of the range of a 64-bit integer"),
])
def test_numbers_an_export_cannot_write_are_refused_at_check(tmp_path, value, message):
    text = f"entities:\n  - id: m\n    type: AIModel\n    name: M\n    attributes:\n      parameters: {value}\n"
    assert message in one_problem(check(tmp_path, text), 6)


@pytest.mark.parametrize("field, value, message", [
    ("url", "https://example.org/a#b#c", "is not an http(s) URL"),
    ("url", "http://[::1/x", "is not an http(s) URL"),
    ("url", "http://example.org/%zz", "is not an http(s) URL"),
    ("title", '"A\\x01B"', "control character U+0001"),
    ("title", '"nul\\0byte"', "control character U+0000"),
    ("language", "abcdefghijklmnopqrstuvwxyz", "is not a language tag"),
    ("date", '"2024-02-30"', "is not a valid date"),
])
def test_source_values_an_export_cannot_write_are_refused_at_check(tmp_path, field, value, message):
    fields = {"id": "s", "title": "T", field: value}
    text = "sources:\n  - " + "\n    ".join(f"{k}: {v}" for k, v in fields.items()) + "\n"
    assert message in one_problem(check(tmp_path, text))


@pytest.mark.parametrize("key", ["since", "until"])
def test_a_multi_line_date_stays_on_one_line(tmp_path, key):
    """Found by the fuzzer: a quoted date spanning lines ('0\n\n    0') was echoed as is, so the
    problem took two lines of stderr."""
    text = ("entities:\n  - {id: a, type: Company, name: A}\n  - {id: b, type: Company, name: B}\n"
            "sources:\n  - {id: s, title: S}\nrelations:\n  - fact: a partners-with b\n    status: confirmed\n"
            f"    source: s\n    {key}: '0\n\n      0'\n")
    problem = one_problem(check(tmp_path, text), 10)
    assert f"bad date in '{key}'" in problem and "\n" not in problem


NAN_MODEL = "entities:\n  - {id: m, type: AIModel, name: M, attributes: {parameters: .nan}}\n"


@pytest.mark.slow
def test_a_failed_build_writes_nothing_and_leaves_old_exports(tmp_path):
    good = tmp_path / "good.yaml"
    good.write_text("entities:\n  - {id: m, type: AIModel, name: M, attributes: {parameters: 7}}\n")
    out = tmp_path / "exports"
    first = graphkit("build", "--no-shacl", "-q", str(good), "-o", str(out), cwd=tmp_path, timeout=120)
    assert first.returncode == 0, first.stderr
    before = snapshot(out)
    assert "graph.ttl" in before and "graph.html" in before
    (tmp_path / "bad.yaml").write_text(NAN_MODEL.replace("id: m", "id: n"))
    run = graphkit("build", "--no-shacl", "-q", str(good), str(tmp_path / "bad.yaml"), "-o", str(out),
                   cwd=tmp_path, timeout=120)
    assert run.returncode == 1 and "bad.yaml:2: '.nan' is not a finite number" in run.stderr
    assert snapshot(out) == before


def test_render_refuses_nan_instead_of_writing_a_broken_page(tmp_path):
    (tmp_path / "bad.yaml").write_text(NAN_MODEL)
    run = cli("render", "-d", str(tmp_path / "bad.yaml"), "-o", str(tmp_path / "page.html"), cwd=tmp_path)
    assert run.returncode == 1 and "is not a finite number" in run.stderr
    assert not (tmp_path / "page.html").exists()


@pytest.mark.slow
def test_strange_but_valid_text_reaches_every_export_intact(tmp_path):
    """Quotes, backslashes, markup, emoji, right-to-left text, line and paragraph separators."""
    name = "Q\"uo'te \\ <b>&amp;</b> 🚀 עברית \u2028 \u2029 \u00a0 ${x} {{y}}"
    import yaml

    document = {"entities": [{"id": "odd", "type": "Company", "name": name,
                              "attributes": {"employees": 9223372036854775807}}]}
    (tmp_path / "odd.yaml").write_text(yaml.safe_dump(document, allow_unicode=True), encoding="utf-8")
    out = tmp_path / "exports"
    run = graphkit("build", "-q", str(tmp_path / "odd.yaml"), "-o", str(out), cwd=tmp_path, timeout=120)
    assert run.returncode == 0, run.stderr
    import pyoxigraph
    from rdflib import Graph

    triples = list(pyoxigraph.parse(path=str(out / "graph.nt"), format=pyoxigraph.RdfFormat.N_TRIPLES))
    assert any(getattr(t.object, "value", None) == name for t in triples)
    jsonld = Graph().parse(out / "graph.jsonld", format="json-ld")
    assert any(str(o) == name for o in jsonld.objects())
    page = (out / "graph.html").read_text(encoding="utf-8")
    blob = page.split('<script type="application/json" id="gk-data">', 1)[1].split("</script>", 1)[0]
    assert "<" not in blob and ">" not in blob  # markup cannot leave the page's data
    data = json.loads(blob)  # the page's data parses, and holds the name unchanged
    assert name in strings(data)
    assert "9223372036854775807" in (out / "graph.cypher").read_text(encoding="utf-8")


# ------------------------------------------------------------------ 4. imprecise or misleading messages

@pytest.mark.parametrize("data, line, message", [
    ("entities:\n  - {id: x, type: Company, name: Soci\u00e9t\u00e9}\n".encode("latin-1"), 2,
     "column 38: byte 0xE9 is not UTF-8 (a file in Latin-1 or Windows-1252?)"),
    ("entities:\n  - {id: x, type: Company, name: X}\n".encode("utf-16"), 1, "the file is UTF-16 text"),
    ("entities:\n  - {id: x, type: Company, name: X}\n".encode("utf-16-le"), 1, "looks like UTF-16 text"),
    ("entities:\n  - {id: x, type: Company, name: X}\n".encode("utf-32"), 1, "the file is UTF-32 text"),
    (b"entities:\n  - {id: x, type: Company,\n     name: X\x00}\n", 3, "column 13: a NUL byte"),
    (b"entities:\n  - {id: x, type: Company, name: a\x07b}\n", 2, "the character U+0007 is not allowed in YAML"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", 3, "column 1: a NUL byte (is this a binary file?)"),
])
def test_encoding_problems_are_one_located_line(tmp_path, data, line, message):
    problem = one_problem(check(tmp_path, data), line)
    assert message in problem, problem


def test_a_utf8_byte_order_mark_is_fine(tmp_path):
    run = check(tmp_path, "\ufeffentities:\n  - {id: x, type: Company, name: X}\n".encode("utf-8"))
    assert run.returncode == 0, run.stderr


def test_merge_keys_that_override_are_not_duplicates(tmp_path):
    text = ("entities:\n  - &base {id: a, type: Company, name: Base, description: shared}\n"
            "  - <<: *base\n    id: x\n    name: Overridden\n"
            "  - {<<: [*base], id: y, description: own}\n")
    run = check(tmp_path, text)
    assert run.returncode == 0, run.stderr
    duplicate = check(tmp_path, "entities:\n  - {id: a, type: Company, name: A, name: B}\n")
    assert "duplicate key 'name'" in one_problem(duplicate, 2)


def test_every_problem_of_a_fact_is_reported_at_once(tmp_path):
    text = ("entities:\n  - {id: x, type: Company, name: X}\n"
            "sources: [{id: s, title: S}]\n"
            "relations:\n"
            "  - {fact: x partners-with nobody, status: surely, source: s}\n"
            "  - {fact: x partner-with somebody, status: confirmed, sources: [nope]}\n")
    run = check(tmp_path, text)
    lines = run.error_lines()
    assert run.returncode == 1 and lines[0] == "error: 5 problems found:"
    assert lines[1:] == [
        "hostile.yaml:5: unknown entity 'nobody' as object of partners-with",
        "hostile.yaml:5: unknown status 'surely' (known: confirmed, reported, imported, claimed, rumored, denied)",
        "hostile.yaml:6: unknown entity 'somebody' as object of the fact",
        lines[4],
        "hostile.yaml:6: unknown source 'nope'",
    ]
    assert lines[4].startswith("hostile.yaml:6: unknown relation 'partner-with' (did you mean 'partners-with'?)")


def test_unknown_names_in_commands_get_suggestions(tmp_path):
    path = cli("path", "Aple", "alibaba", "-d", str(SEED))
    assert path.returncode == 2
    assert path.error_lines() == ["error: no entity 'Aple' (did you mean: apple (Apple), apple-intelligence "
                                  "(Apple Intelligence), apple-a18 (Apple A18)?)"]
    render = cli("render", "--focus", "Alibabba", "-d", str(SEED), "-o", str(tmp_path / "p.html"))
    assert render.returncode == 2 and "did you mean: alibaba (Alibaba)" in render.stderr
    assert not (tmp_path / "p.html").exists()


@pytest.mark.parametrize("text, message", [
    ("- just\n- a list\n", "a graphkit YAML file is a mapping"),
    ("just text\n", "a graphkit YAML file is a mapping"),
    ("entities: 42\n", "'entities' must be a list"),
    ("entities:\n  - 42\n", "each item of 'entities' must be a mapping, got 42"),
    ("---\nentities: []\n---\nentities: []\n", "expected a single document"),
])
def test_wrong_shapes_are_located(tmp_path, text, message):
    assert message in one_problem(check(tmp_path, text))
