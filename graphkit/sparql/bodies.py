"""SPARQL answers as bytes, written straight from pyoxigraph terms: SPARQL 1.1 JSON, XML, CSV and
TSV results for SELECT/ASK, and RDF formats for CONSTRUCT/DESCRIBE. Used by the killable query
workers (graphkit.worker), where answers must cross a process boundary as bytes.
"""
from __future__ import annotations

import io
import json
from collections.abc import Mapping, Sequence

SELECT_FORMATS = {  # name -> media type (SPARQL 1.1 Query Results formats)
    "json": "application/sparql-results+json",
    "xml": "application/sparql-results+xml",
    "csv": "text/csv",
    "tsv": "text/tab-separated-values",
}
GRAPH_FORMATS = {  # name -> media type (RDF formats for CONSTRUCT/DESCRIBE)
    "turtle": "text/turtle",
    "ntriples": "application/n-triples",
    "jsonld": "application/ld+json",
    "rdfxml": "application/rdf+xml",
}
XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


def _json_term(term) -> dict:
    import pyoxigraph as ox

    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Literal):
        out = {"type": "literal", "value": term.value}
        if term.language:
            out["xml:lang"] = term.language
        elif term.datatype.value != XSD_STRING:
            out["datatype"] = term.datatype.value
        return out
    return {"type": "triple", "value": {"subject": _json_term(term.subject),
                                        "predicate": _json_term(term.predicate), "object": _json_term(term.object)}}


def _xml_escape(text: str) -> str:
    return (text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;"))


def _xml_term(term) -> str:
    import pyoxigraph as ox

    if isinstance(term, ox.NamedNode):
        return f"<uri>{_xml_escape(term.value)}</uri>"
    if isinstance(term, ox.BlankNode):
        return f"<bnode>{_xml_escape(term.value)}</bnode>"
    if isinstance(term, ox.Literal):
        if term.language:
            return f'<literal xml:lang="{_xml_escape(term.language)}">{_xml_escape(term.value)}</literal>'
        if term.datatype.value != XSD_STRING:
            return f'<literal datatype="{_xml_escape(term.datatype.value)}">{_xml_escape(term.value)}</literal>'
        return f"<literal>{_xml_escape(term.value)}</literal>"
    return (f"<triple><subject>{_xml_term(term.subject)}</subject><predicate>{_xml_term(term.predicate)}"
            f"</predicate><object>{_xml_term(term.object)}</object></triple>")


_XML_HEAD = '<?xml version="1.0"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#">\n'


def ask_body(answer: bool, fmt: str) -> bytes:
    word = "true" if answer else "false"
    if fmt == "json":
        return json.dumps({"head": {}, "boolean": answer}).encode()
    if fmt == "xml":
        return (_XML_HEAD + f"<head></head>\n<boolean>{word}</boolean>\n</sparql>\n").encode()
    return (word + ("\r\n" if fmt == "csv" else "\n")).encode()


def select_body(variables: list[str], rows: list[tuple], fmt: str) -> bytes:
    """SPARQL 1.1 Query Results in JSON, XML, CSV or TSV."""
    import pyoxigraph as ox

    if fmt == "json":
        bindings = [{v: _json_term(t) for v, t in zip(variables, row, strict=True) if t is not None} for row in rows]
        return json.dumps({"head": {"vars": variables}, "results": {"bindings": bindings}},
                          ensure_ascii=False).encode("utf-8")
    if fmt == "xml":
        out = [_XML_HEAD, "<head>", *(f'<variable name="{_xml_escape(v)}"/>' for v in variables), "</head>\n<results>\n"]
        for row in rows:
            out.append("<result>")
            out.extend(f'<binding name="{_xml_escape(v)}">{_xml_term(t)}</binding>'
                       for v, t in zip(variables, row, strict=True) if t is not None)
            out.append("</result>\n")
        out.append("</results>\n</sparql>\n")
        return "".join(out).encode("utf-8")
    if fmt == "csv":
        import csv

        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\r\n")
        writer.writerow(variables)

        def plain(term) -> str:
            if term is None:
                return ""
            if isinstance(term, ox.BlankNode):
                return f"_:{term.value}"
            return term.value if hasattr(term, "value") else str(term)

        for row in rows:
            writer.writerow([plain(t) for t in row])
        return buffer.getvalue().encode("utf-8")
    if fmt == "tsv":
        lines = ["\t".join("?" + v for v in variables)]
        lines.extend("\t".join("" if t is None else str(t) for t in row) for row in rows)
        return ("\n".join(lines) + "\n").encode("utf-8")
    raise ValueError(f"unknown results format {fmt!r}")


def graph_body(triples: Sequence, fmt: str, prefixes: Mapping[str, str] | None = None) -> bytes:
    """Triples in an RDF format, sorted (same answer -> same bytes); Turtle with the prefixes used."""
    import pyoxigraph as ox

    triples = sorted(triples, key=str)
    if not triples:
        return b"" if fmt != "jsonld" else b"[]"
    if fmt == "ntriples":
        return ("".join(f"{t} .\n" for t in triples)).encode("utf-8")
    if fmt == "turtle":
        text = "\n".join(str(t) for t in triples)
        used = {p: ns for p, ns in sorted((prefixes or {}).items()) if "<" + ns in text}
        lines = (ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes=used) or b"").decode("utf-8").split("\n")
        head = sorted(line for line in lines if line.startswith("@prefix "))  # the engine's order varies
        rest = [line for line in lines if not line.startswith("@prefix ")]
        return "\n".join(head + rest).encode("utf-8")
    if fmt == "jsonld":
        return ox.serialize(triples, format=ox.RdfFormat.JSON_LD) or b""
    if fmt == "rdfxml":
        return ox.serialize(triples, format=ox.RdfFormat.RDF_XML) or b""
    raise ValueError(f"unknown RDF format {fmt!r}")


# ---------------------------------------------------------------- the child process
