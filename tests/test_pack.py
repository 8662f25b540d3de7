"""The question-pack format shared by SPARQL and Cypher, and the lookup of shipped files."""
from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from graphkit.cypher import CYPHER_PACK, cypher_pack, pack_query
from graphkit.errors import GraphkitError, QueryError, ValidationError
from graphkit.pack import Pack, PackQuery, Param, parse_header, resource_dir
from graphkit.sparql import SPARQL_PACK, list_queries
from graphkit.sparql.text import query_variables

ROOT = Path(__file__).resolve().parents[1]


def cypher_variables(text: str) -> set[str]:
    return CYPHER_PACK.variables(text)


@pytest.mark.parametrize("comment, variables, body", [
    ("#", query_variables, "SELECT ?company ?market WHERE { ?company ?p ?market }"),
    ("//", cypher_variables, "MATCH (c {id: $company})-[r]-(m) WHERE r.market = $market RETURN c"),
])
def test_one_header_format_for_both_languages(comment, variables, body):
    text = (f"{comment} Partners of a company in a market\n"
            f"{comment} param company: entity = apple -- the company\n"
            f"{comment}param market: string = new york city -- a default with spaces\n"
            f"{comment} a note that is not the description\n\n{body}\n")
    description, params = parse_header(text, "q", comment=comment, variables=variables)
    assert description == "Partners of a company in a market"
    assert params == (Param("company", "entity", "apple", "the company"),
                      Param("market", "string", "new york city", "a default with spaces"))


def test_defaults_and_help_are_optional_and_dashes_inside_a_default_stay():
    text = "# q\n# param a: iri\n# param b: string = x--y\n# param c: integer -- only help\nSELECT ?a ?b ?c {}"
    _, params = parse_header(text, "q", variables=query_variables)
    assert params == (Param("a", "iri"), Param("b", "string", "x--y"), Param("c", "integer", None, "only help"))


@pytest.mark.parametrize("line, fragment", [
    ("# param x: colour = red", "unknown type 'colour'"),
    ("# param 2x: string = a", "'2x' is not a name"),
    ("# param x string", "bad parameter declaration (expected"),
    ("# param x: string =  -- help", "'=' without a default"),
])
def test_bad_declarations_name_the_file_and_line(line, fragment):
    with pytest.raises(QueryError, match="bad parameter declaration") as error:
        parse_header(f"# q\n{line}\nSELECT ?x {{}}", "q.rq", variables=query_variables)
    assert str(error.value).startswith("q.rq:2: ") and fragment in str(error.value)


def test_parameters_must_be_variables_of_the_query_in_either_language():
    with pytest.raises(GraphkitError, match="declared parameter is not a variable of the query: y"):
        parse_header("# q\n# param y: string = a\nSELECT ?x {}", "q.rq", variables=query_variables)
    # a $name in a comment or a string literal is not a use of the parameter
    cypher = "// q\n// param y: string = a\n// uses $y here\nMATCH (n) WHERE n.name = '$y' RETURN n"
    with pytest.raises(GraphkitError, match="declared parameter is not a variable of the query: y"):
        parse_header(cypher, "q.cypher", comment="//", variables=cypher_variables)
    assert cypher_variables("MATCH (n {id: $y}) // $z\nRETURN n, \"$w\", `$v`") == {"y"}


def test_a_pack_reports_every_problem_at_once(tmp_path):
    (tmp_path / "good.cypher").write_text("// fine\n// param who: entity = apple\nMATCH (n {id: $who}) RETURN n\n")
    (tmp_path / "twice.cypher").write_text("// twice\n// param a: string = x\n// param a: string = y\n"
                                           "MATCH (n {id: $a}) RETURN n\n")
    (tmp_path / "unused.cypher").write_text("// unused\n// param b: string = x\nMATCH (n) RETURN n\n")
    (tmp_path / "nodescription.cypher").write_text("MATCH (n) RETURN n\n")
    (tmp_path / "Bad_Name.cypher").write_text("// x\nMATCH (n) RETURN n\n")
    pack = Pack("cypher", str(tmp_path), ".cypher", "//", cypher_variables)
    with pytest.raises(ValidationError) as error:
        pack.load()
    messages = [p.message for p in error.value.problems]
    assert len(messages) == 4, messages
    assert any("parameter declared twice: a" in m for m in messages)
    assert any("not a variable of the query: b" in m for m in messages)
    assert any("starts with a '// description' line" in m for m in messages)
    assert any("file name is lowercase" in m for m in messages)


def test_a_cypher_default_with_a_space_is_kept(tmp_path):
    """The former Cypher parser dropped such a line (and with it the default) without a word."""
    (tmp_path / "city.cypher").write_text("// Companies in a city\n// param city: string = New York -- a city\n"
                                          "MATCH (c {city: $city}) RETURN c.id\n")
    pack = Pack("cypher", str(tmp_path), ".cypher", "//", cypher_variables)
    query = pack.get("city")
    assert isinstance(query, PackQuery) and query.defaults == {"city": "New York"}
    with pytest.raises(QueryError, match="no query named 'town' in the cypher pack"):
        pack.get("town")


def test_both_shipped_packs_parse_with_the_same_declarations():
    sparql = {q.name: q for q in list_queries()}
    cypher = cypher_pack()
    assert sorted(sparql) == sorted(cypher) and len(sparql) >= 10
    for name, query in sparql.items():
        # same names, types and defaults (the help differs: only SPARQL resolves entity names)
        assert [(p.name, p.type, p.default) for p in query.params] == \
            [(p.name, p.type, p.default) for p in cypher[name].params], name
        assert query.description and cypher[name].description
    text, values = pack_query("partners-in-market", {"market": "europe"})
    assert values == {"company": "apple", "market": "europe"} and "$company" in text


def test_shipped_files_are_found_in_a_source_checkout():
    assert resource_dir("ontology") == ROOT / "ontology"
    assert resource_dir("queries") == ROOT / "queries"
    assert SPARQL_PACK.directory() == ROOT / "queries"
    assert CYPHER_PACK.directory() == ROOT / "queries" / "cypher"
    with pytest.raises(GraphkitError, match="'nothing' folder is missing"):
        resource_dir("nothing")


def test_shipped_files_are_found_in_an_installed_wheel_layout(tmp_path):
    """The wheel holds graphkit/_ontology and graphkit/_queries (pyproject's force-include) and no
    top-level folders: the lookup must find them there."""
    site = tmp_path / "site-packages"
    shutil.copytree(ROOT / "graphkit", site / "graphkit", ignore=shutil.ignore_patterns("__pycache__", "assets"))
    shutil.copytree(ROOT / "graphkit" / "page" / "assets", site / "graphkit" / "page" / "assets")
    shutil.copytree(ROOT / "ontology", site / "graphkit" / "_ontology")
    shutil.copytree(ROOT / "queries", site / "graphkit" / "_queries")
    code = ("from graphkit.ontology import ontology_dir, load_ontology\n"
            "from graphkit.sparql import list_queries, pack_dir\n"
            "from graphkit.cypher import cypher_pack_dir, cypher_pack\n"
            "print(ontology_dir()); print(pack_dir()); print(cypher_pack_dir())\n"
            "print(len(list_queries()), len(cypher_pack()), len(load_ontology().classes) > 5)\n")
    done = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True,
                          env={"PYTHONPATH": str(site), "PATH": "/usr/bin:/bin"}, timeout=120)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[:3] == [str(site / "graphkit" / "_ontology"), str(site / "graphkit" / "_queries"),
                         str(site / "graphkit" / "_queries" / "cypher")]
    count = len(list_queries())
    assert lines[3] == f"{count} {count} True"
