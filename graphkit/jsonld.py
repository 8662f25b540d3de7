"""The JSON-LD export written directly from RDF triples (no rdflib, no JSON-LD processor).

The document is the one graphkit has always written (rdflib's JSON-LD serializer with the
shipped context and auto-compaction, then sorted): compact JSON-LD with the context inlined,
one node object per subject sorted by `@id`, keys sorted, list values sorted by their JSON
text, two-space indentation. This module builds that document from `pyoxigraph` triples in
one pass and formats it itself (the standard library indents JSON in pure Python, which was
most of the export's time on a large graph). tests/test_jsonld.py checks it byte for byte
against the rdflib route (graphkit.exports.jsonld_via_rdflib) on the seed, on unusual values
and on the merged graph (benchmarks/build_bench.py).

Compaction rules (rdflib's, for the context graphkit ships: prefixes only, no terms):
- an IRI becomes `prefix:local` when its part up to the last `#` (else `/`, else `:`) is a
  namespace of the context, else it stays whole;
- `rdf:type` values go to `@type` as compacted IRIs; other IRIs are `{"@id": ...}`;
- xsd:string, xsd:integer, xsd:boolean and xsd:double literals become JSON strings, numbers
  and booleans; language-tagged ones `{"@language", "@value"}`; other typed ones
  `{"@type", "@value"}`;
- one value is written alone, several as a list.
Graphs this writer does not compact the same way (blank nodes, RDF lists, a single subject)
raise NeedsRdflib, and the caller goes through rdflib.
"""
from __future__ import annotations

import json
import math
from collections.abc import Iterable, Mapping
from typing import Any

import pyoxigraph as ox

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
RDF_FIRST = "http://www.w3.org/1999/02/22-rdf-syntax-ns#first"
XSD = "http://www.w3.org/2001/XMLSchema#"
_encode = json.encoder.encode_basestring  # (C) json.dumps(str, ensure_ascii=False)

#: A value: its JSON text as json.dumps(value, sort_keys=True) writes it (the sort key of list
#: values), then as written alone under a key (indented 6) and in a list (indented 8).
Value = tuple[str, str, str]


class NeedsRdflib(Exception):
    """The triples hold something this writer does not compact as rdflib does."""


def split_iri(iri: str) -> tuple[str, str | None]:
    """rdflib's split of an IRI into namespace and local name (last '#', else '/', else ':')."""
    for delim in ("#", "/", ":"):
        at = iri.rfind(delim)
        if at > -1:
            return iri[:at + 1], iri[at + 1:]
    return iri, None


def _double(text: str) -> str:
    value = float(text)
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "Infinity" if value > 0 else "-Infinity"
    return float.__repr__(value)


class _Compactor:
    def __init__(self, context: Mapping[str, Any]):
        self.prefixes = {ns: name for name, ns in context.items()
                         if isinstance(ns, str) and ns.endswith((":", "/", "?", "#", "[", "]", "@"))}
        self._shrunk: dict[str, str] = {}

    def shrink(self, iri: str) -> str:
        try:
            return self._shrunk[iri]
        except KeyError:
            pass
        ns, name = split_iri(iri)
        prefix = self.prefixes.get(ns)
        out = f"{prefix}:{name}" if prefix else iri
        self._shrunk[iri] = out
        return out


def _scalar(text: str) -> Value:
    return text, text, text


def _object(*pairs: tuple[str, str]) -> Value:
    return ("{" + ", ".join(f"{k}: {v}" for k, v in pairs) + "}",
            "{" + ",".join(f"\n        {k}: {v}" for k, v in pairs) + "\n      }",
            "{" + ",".join(f"\n          {k}: {v}" for k, v in pairs) + "\n        }")


def _literal(literal: ox.Literal, shrink) -> Value:
    value = literal.value
    language = literal.language
    if language:
        return _object(('"@language"', _encode(language)), ('"@value"', _encode(value)))
    datatype = literal.datatype.value
    if datatype.startswith(XSD):
        local = datatype[len(XSD):]
        try:
            if local == "string":
                return _scalar(_encode(value))
            if local == "integer":
                return _scalar(int.__repr__(int(value)))
            if local == "double":
                return _scalar(_double(value))
        except ValueError:  # ill-typed: rdflib keeps the text
            return _scalar(_encode(value))
        if local == "boolean":
            return _scalar("true" if value.lower() in ("true", "1") else "false")
    return _object(('"@type"', _encode(shrink(datatype))), ('"@value"', _encode(value)))


def jsonld_bytes(triples: Iterable[ox.Triple], context: Mapping[str, Any]) -> bytes:
    """The JSON-LD document of `triples` with `context` (the "@context" object) inlined."""
    compact = _Compactor(context)
    shrink = compact.shrink
    nodes: dict[str, dict[str, set[Value]]] = {}
    named, literal_type = ox.NamedNode, ox.Literal
    literals: dict[ox.Literal, Value] = {}
    iris: dict[str, Value] = {}
    types: dict[str, Value] = {}
    for triple in triples:
        subject, predicate, obj = triple.subject, triple.predicate, triple.object
        if type(subject) is not named:
            raise NeedsRdflib("a blank node subject")
        node = nodes.get(subject.value)
        if node is None:
            node = nodes[subject.value] = {}
        p = predicate.value
        if type(obj) is named:
            iri = obj.value
            if p == RDF_TYPE:
                key = "@type"
                value = types.get(iri)
                if value is None:
                    value = types[iri] = _scalar(_encode(shrink(iri)))
            elif p == RDF_FIRST:
                raise NeedsRdflib("an RDF list")
            else:
                key = shrink(p)
                value = iris.get(iri)
                if value is None:
                    value = iris[iri] = _object(('"@id"', _encode(shrink(iri))))
        elif type(obj) is literal_type:
            key = shrink(p)
            value = literals.get(obj)
            if value is None:
                value = literals[obj] = _literal(obj, shrink)
        else:
            raise NeedsRdflib("a blank node object")
        values = node.get(key)
        if values is None:
            node[key] = {value}
        else:
            values.add(value)  # a graph holds each triple once
    if len(nodes) < 2 or not all(isinstance(v, str) for v in context.values()):
        raise NeedsRdflib("one subject or none")  # rdflib writes such a graph as one object
    del literals, iris, types
    ids = {shrink(iri): iri for iri in nodes}
    out = ['{\n  "@context": {',
           ",".join(f"\n    {_encode(name)}: {_encode(value)}"
                    for name, value in sorted(context.items())),
           '\n  },\n  "@graph": [']
    separator = "\n    {"
    keys: dict[str, str] = {}
    for node_id in sorted(ids):
        node = nodes[ids[node_id]]
        node["@id"] = {_scalar(_encode(node_id))}
        parts = []
        for key in sorted(node):
            values = node[key]
            name = keys.get(key)
            if name is None:
                name = keys[key] = _encode(key)
            if len(values) == 1:
                parts.append(f"\n      {name}: {next(iter(values))[1]}")
            else:
                items = ",".join(f"\n        {v[2]}" for v in sorted(values))
                parts.append(f"\n      {name}: [{items}\n      ]")
        out.append(separator + ",".join(parts) + "\n    }")
        separator = ",\n    {"
    out.append("\n  ]\n}\n")
    return "".join(out).encode("utf-8")

