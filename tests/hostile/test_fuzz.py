"""Property-based fuzzing of the YAML loader with hypothesis: whatever the document, `graphkit
check` ends with exit code 0 or 1 (invalid data), one located line per problem, no traceback, in
bounded time and memory; a `build` that fails writes nothing.

Documents are graphkit-shaped (entities, sources, relations with values of every type, right
and wrong) dumped to YAML, then mutated as text with hostile snippets (aliases, tags, merge keys,
special floats, control characters, broken syntax). Derandomized: CI runs the same examples
every time; FUZZ_EXAMPLES raises the count for a longer local run.
"""
from __future__ import annotations

import os
import tracemalloc
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, event, given, settings, strategies as st

from hostile.helpers import cli

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "200"))
FUZZ = settings(max_examples=EXAMPLES, deadline=10_000, derandomize=True, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture,
                                       HealthCheck.data_too_large])

SCALARS = st.one_of(
    st.text(max_size=40), st.integers(), st.floats(allow_nan=True, allow_infinity=True), st.booleans(), st.none(),
    st.sampled_from(["apple", "alibaba", "Company", "AIModel", "partners-with", "develops", "confirmed", "rumored",
                     "2025-02", "2025-02-30", "https://example.org/a", "http://[::1", "Q312", "zh", "x" * 300]),
)
VALUES = st.recursive(SCALARS, lambda inner: st.one_of(st.lists(inner, max_size=4),
                                                       st.dictionaries(st.text(max_size=10), inner, max_size=4)),
                      max_leaves=12)
IDS = st.one_of(st.sampled_from(["apple", "alibaba", "qwen", "s1", "china"]), st.from_regex(r"[a-z][a-z0-9-]{0,8}",
                                                                                             fullmatch=True), SCALARS)
ENTITY = st.fixed_dictionaries(
    {"id": IDS, "type": st.one_of(st.sampled_from(["Company", "AIModel", "Market", "Person", "Startup"]), SCALARS),
     "name": st.one_of(st.text(max_size=30), SCALARS)},
    optional={"labels": st.dictionaries(st.sampled_from(["fr", "zh", "x", "zh-Hans"]), st.one_of(st.text(max_size=10),
                                                                                                 SCALARS), max_size=2),
              "aliases": st.lists(SCALARS, max_size=3),
              "wikidata": st.one_of(st.just("Q1"), SCALARS),
              "attributes": st.dictionaries(st.sampled_from(["parameters", "founded", "employees", "colour"]),
                                            VALUES, max_size=3),
              "colour": VALUES})
SOURCE = st.fixed_dictionaries(
    {"id": IDS, "title": st.one_of(st.text(max_size=20), SCALARS)},
    optional={"url": st.one_of(st.just("https://example.org/x"), SCALARS), "date": SCALARS,
              "language": SCALARS, "publisher": IDS, "cites": st.lists(IDS, max_size=2)})
RELATION = st.one_of(
    st.fixed_dictionaries({"fact": st.one_of(st.builds(lambda s, r, o: f"{s} {r} {o}", IDS, SCALARS, IDS), SCALARS),
                           "status": SCALARS}, optional={"source": IDS, "sources": st.lists(IDS, max_size=2),
                                                         "market": IDS, "since": SCALARS, "until": SCALARS,
                                                         "note": VALUES}),
    st.fixed_dictionaries({"subject": IDS, "relation": SCALARS, "object": IDS, "status": SCALARS},
                          optional={"source": IDS, "quote": VALUES}),
)
DOCUMENT = st.fixed_dictionaries({}, optional={
    "entities": st.one_of(st.lists(ENTITY, max_size=4), VALUES),
    "sources": st.lists(SOURCE, max_size=3),
    "relations": st.one_of(st.lists(RELATION, max_size=4), VALUES),
    "defaults": st.one_of(st.fixed_dictionaries({}, optional={"status": SCALARS, "source": IDS}), VALUES),
})
SNIPPETS = [
    "&a [*a]", "*undefined", "!!python/object/apply:os.system ['echo pwned']", "!!python/name:os.system", ".nan",
    ".inf", "-.Inf", "1e999", "0x1F", "0o17", "99999999999999999999999", "~", "yes", "<<: *base", "<<: [*a, *a]",
    "? [a, b]\n: c", "{", "]", "'unterminated", '"\\x01"', '"\\0"', "%YAML 1.1", "---", "...", "\t- tab", "🚀 \u2028",
    "!!binary aGVsbG8=", "!!timestamp 2020-13-45", "!!set {a, b}", "!!omap [a: 1]", "&base {type: Company}",
    "a: &a [x, x, x, x]\nb: &b [*a, *a, *a, *a]\nc: [*b, *b, *b, *b]", "- " * 30 + "x", "[" * 80 + "]" * 80,
    "\ufeff", "\x85", "key: value: more", "- {id: x, type: Company, name: X}", "name: " + "é" * 50,
]


@st.composite
def yaml_texts(draw) -> bytes:
    document = draw(DOCUMENT)
    try:
        text = yaml.safe_dump(document, allow_unicode=draw(st.booleans()), sort_keys=False,
                              default_flow_style=draw(st.sampled_from([None, True, False])))
    except yaml.YAMLError:
        text = "{}\n"
    lines = text.splitlines()
    for _ in range(draw(st.sampled_from([0, 0, 0, 1, 1, 2, 4]))):  # half the documents unmutated
        snippet = draw(st.sampled_from(SNIPPETS))
        position = draw(st.integers(0, len(lines)))
        indent = " " * draw(st.sampled_from([0, 2, 4]))
        prefix = draw(st.sampled_from(["", "- ", "key: ", "name: ", "id: "]))
        lines.insert(position, indent + prefix + snippet)
    data = ("\n".join(lines) + "\n").encode("utf-8", "surrogatepass")
    encoding = draw(st.sampled_from(["utf-8"] * 8 + ["latin-1", "utf-16"]))
    if encoding != "utf-8":
        data = data.decode("utf-8", "replace").encode(encoding, "replace")
    return data


def check_file(folder: Path, data: bytes):
    path = folder / "fuzz.yaml"
    path.write_bytes(data)
    tracemalloc.start()
    try:
        run = cli("check", "--no-shacl", "fuzz.yaml", cwd=folder)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    return run, peak


def assert_clean(run, peak: int) -> None:
    assert run.returncode in (0, 1), (run.returncode, run.stderr[-2000:])
    assert "Traceback" not in run.stderr and "internal error" not in run.stderr, run.stderr[-2000:]
    assert peak < 300 * 1024 * 1024, f"{peak / 1e6:.0f} MB"
    if run.returncode == 1:
        head, *problems = run.stderr.splitlines()
        assert head.startswith("error: ") and head.endswith(("problem found:", "problems found:")), head
        assert problems and all(p.startswith("fuzz.yaml") for p in problems), run.stderr[-2000:]
        assert all(len(p) < 2200 for p in problems)
    else:
        assert run.stdout.startswith("ok: ") and run.stderr == ""


def check_any_yaml(tmp_path_factory, data):
    folder = tmp_path_factory.mktemp("fuzz")
    run, peak = check_file(folder, data)
    assert_clean(run, peak)
    event("valid" if run.returncode == 0 else run.stderr.splitlines()[1].split(": ", 1)[-1][:30])
    assert run.seconds < 10


# The fast suite tries the first quarter of the examples; the slow run (CI) tries all of them.
test_check_on_any_yaml_is_ok_or_invalid_data = settings(FUZZ, max_examples=max(20, EXAMPLES // 4))(
    given(data=yaml_texts())(check_any_yaml))
test_check_on_any_yaml_every_example = pytest.mark.slow(FUZZ(given(data=yaml_texts())(check_any_yaml)))


@pytest.mark.slow
@settings(FUZZ, max_examples=max(20, EXAMPLES // 10))
@given(data=yaml_texts())
def test_a_build_that_fails_writes_nothing(tmp_path_factory, data):
    folder = tmp_path_factory.mktemp("fuzz-build")
    (folder / "fuzz.yaml").write_bytes(data)
    run = cli("build", "fuzz.yaml", "-o", "out", "--no-shacl", "-q", cwd=folder)
    assert run.returncode in (0, 1), (run.returncode, run.stderr[-2000:])
    assert "Traceback" not in run.stderr and "internal error" not in run.stderr
    if run.returncode != 0:
        assert not (folder / "out").exists()
        assert not [p for p in folder.iterdir() if ".staging-" in p.name]
    else:
        assert (folder / "out" / "graph.ttl").exists()
