"""IRI validation (graphkit.iri), the one place that decides what an IRI and a writable http(s)
URL are, and the callers that ask it: the loader, query parameters, the page's links."""
from __future__ import annotations

import pytest

from graphkit import sparql
from graphkit.errors import QueryError, ValidationError
from graphkit.iri import MAX_URL_LENGTH, iri_problem, is_http_url


@pytest.mark.parametrize("iri", [
    "http://example.org/a", "https://example.org/a?b=c#d", "urn:isbn:0451450523", "mailto:someone@example.org",
    "ex:thing", "file:///tmp/a", "http://[::1]/a", "http://example.org/caf\u00e9", "http://example.org/%41",
    "x+y.z-w:rest",
])
def test_valid_absolute_iris(iri):
    assert iri_problem(iri) is None


@pytest.mark.parametrize("iri", ["foo", "relative/path", "//example.org/a", ":x", "1abc:x", "-a:b", "", "#frag"])
def test_no_scheme_is_not_an_absolute_iri(iri):
    assert iri_problem(iri) == "not an absolute IRI"


@pytest.mark.parametrize(("iri", "reason"), [
    ("http://exa mple.org/", "' '"), ("http://example.org/%zz", "percent"), ("http://example.org/{a}", "'{'"),
    ("http://example.org/#a#b", "'#'"), ("http://example.org/a\x00b", "code point"),
])
def test_oxigraphs_reason_is_given(iri, reason):
    problem = iri_problem(iri)
    assert problem is not None and problem.startswith("not an IRI (") and reason in problem


@pytest.mark.parametrize("url", [
    "http://example.org/", "https://example.org/a?b=c", "https://example.org/caf\u00e9",
    "https://example.org/" + "a" * (MAX_URL_LENGTH - len("https://example.org/")),
])
def test_writable_http_urls(url):
    assert is_http_url(url)


@pytest.mark.parametrize("url", [
    "ftp://example.org/", "urn:isbn:1", "HTTP://example.org/", "example.org", "http:/example.org",
    "https://example.org/a b", "https://example.org/a\tb", "https://example.org/a\nb", 'https://example.org/"x"',
    "https://example.org/<x>", "https://example.org/a|b", "https://example.org/a^b", "https://example.org/a`b",
    "https://example.org/a\\b", "https://example.org/%zz",
    "https://example.org/" + "a" * (MAX_URL_LENGTH + 1 - len("https://example.org/")),
])
def test_not_writable_urls(url):
    assert not is_http_url(url)


def test_the_loader_refuses_a_source_url_that_is_not_writable(tmp_path):
    from graphkit.loader import load_yaml

    (tmp_path / "data.yaml").write_text(
        "entities:\n  - {id: a, type: Company, name: A}\n"
        "sources:\n  - {id: s, title: T, url: 'https://example.org/a b'}\n", encoding="utf-8")
    with pytest.raises(ValidationError, match=r"data\.yaml:4: .https://example.org/a b. is not an http\(s\) URL"):
        load_yaml(tmp_path)


def test_a_parameter_without_a_scheme_hints_at_prefixed_names():
    with pytest.raises(QueryError, match=r"'<foo>' is not an absolute IRI or a known prefixed name"):
        sparql.resolve_params("SELECT ?x WHERE { ?x ?p ?o }", {"x": "<foo>"})
    with pytest.raises(QueryError, match=r"is not an IRI \(Invalid IRI code point"):
        sparql.resolve_params("SELECT ?x WHERE { ?x ?p ?o }", {"x": "<http://a/{b}>"})


def test_only_http_urls_become_links():
    from graphkit.serve.pages import external_link

    assert external_link("https://example.org/a").startswith('<a href="https://example.org/a"')
    assert external_link("javascript:alert(1)") == "javascript:alert(1)"
    assert "<a" not in external_link('https://example.org/"onmouseover="x')
