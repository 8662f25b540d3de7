"""The answer to a query (`SparqlResult`) and its output formats.

A result keeps the terms its engine gave: pyoxigraph terms from the embedded store (no rdflib
object is built unless asked for), rdflib terms from remote JSON answers or rdflib's own stores.
The formats (table, SPARQL 1.1 CSV/TSV/JSON results, Turtle) are written from either kind.
`rows` and `graph` give rdflib terms, converted once on first access, for Python callers;
`raw_rows` and `triples` give the engine's terms without conversion.
"""
from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Mapping
from json.encoder import encode_basestring
from typing import Any

from ..errors import GraphkitError
from ..rdf import STANDARD_PREFIXES
from .formats import FORMATS
from .terms import Compactor, as_oxigraph, csv_value, json_term, nt, to_rdflib

_KINDS = ("select", "ask", "graph")


class SparqlResult:
    """The answer to one query: rows (SELECT), a boolean (ASK) or triples (CONSTRUCT/DESCRIBE)."""

    def __init__(self, kind: str, variables: list[str] | None = None, rows: Iterable[tuple] | None = None,
                 boolean: bool | None = None, graph: Any = None, prefixes: Mapping[str, str] | None = None,
                 seconds: float = 0.0, *, triples: Iterable[Any] | None = None):
        """rows: tuples of RDF terms (pyoxigraph or rdflib) or None for unbound; triples: the
        CONSTRUCT/DESCRIBE answer as pyoxigraph Triples (or `graph`, any iterable of rdflib
        triples such as an rdflib Graph)."""
        if kind not in _KINDS:
            raise ValueError(f"kind must be one of {', '.join(_KINDS)}, not {kind!r}")
        self.kind = kind
        self.variables = list(variables or [])
        self.raw_rows: list[tuple] = rows if isinstance(rows, list) else list(rows or [])
        self.boolean = boolean
        self.prefixes = dict(STANDARD_PREFIXES if prefixes is None else prefixes)
        self.seconds = seconds
        self._rows: list[tuple] | None = None
        self._graph = None
        if graph is not None and triples is None:
            # an rdflib Graph: kept as given; its triples in pyoxigraph form for the formats
            self._graph = graph
            triples = (as_oxigraph_triple(t) for t in graph)
        # the same triple twice is one triple of the answer graph
        self.triples: list[Any] = list(dict.fromkeys(triples)) if triples is not None else []

    def __repr__(self) -> str:
        size = {"select": f"{len(self.raw_rows)} rows", "ask": f"{self.boolean}",
                "graph": f"{len(self.triples)} triples"}[self.kind]
        return f"<SparqlResult {self.kind}: {size}>"

    def __len__(self) -> int:
        if self.kind == "graph":
            return len(self.triples)
        return len(self.raw_rows) if self.kind == "select" else 1

    @property
    def rows(self) -> list[tuple]:
        """Rows of rdflib terms (None for unbound), converted on first access."""
        if self._rows is None:
            self._rows = [tuple(to_rdflib(term) for term in row) for row in self.raw_rows]
        return self._rows

    @rows.setter
    def rows(self, rows: list[tuple]) -> None:
        self.raw_rows = list(rows)
        self._rows = None

    @property
    def graph(self):
        """The CONSTRUCT/DESCRIBE answer as an rdflib Graph with the prefixes bound (None otherwise)."""
        if self.kind != "graph":
            return None
        if self._graph is None:
            from rdflib import Graph, URIRef

            graph = Graph(bind_namespaces="none")
            for prefix, namespace in self.prefixes.items():
                graph.bind(prefix, URIRef(namespace))
            graph.addN((to_rdflib(t.subject), to_rdflib(t.predicate), to_rdflib(t.object), graph)
                       for t in self.triples)
            self._graph = graph
        return self._graph

    def _require(self, *kinds: str, fmt: str) -> None:
        if self.kind not in kinds:
            what = {"select": "SELECT", "ask": "ASK", "graph": "CONSTRUCT/DESCRIBE"}[self.kind]
            raise GraphkitError(f"--format {fmt} does not apply to {what} results "
                                f"({'use turtle' if self.kind == 'graph' else 'use table, csv, tsv or json'})")

    def text_rows(self) -> list[tuple[str, ...]]:
        """Rows as compact strings (what the table shows)."""
        compact = Compactor(self.prefixes)
        return [tuple(compact(v) for v in row) for row in self.raw_rows]

    def rich_table(self):
        """A rich Table of a SELECT answer, for terminals."""
        from rich.table import Table
        from rich.text import Text

        self._require("select", fmt="table")
        count = len(self.raw_rows)
        table = Table(*self.variables, caption=f"{count} row{'s' if count != 1 else ''}")
        for row in self.text_rows():
            # Text(), not str: cells are data, never rich markup ("[red]" in a name stays literal)
            table.add_row(*(Text(cell) for cell in row))
        return table

    def to_table(self, width: int = 200) -> str:
        """The table as plain text (no colours)."""
        from rich.console import Console

        if self.kind == "graph":
            return self.to_turtle()
        if self.kind == "ask":
            return ("true" if self.boolean else "false") + "\n"
        out = io.StringIO()
        console = Console(file=out, width=width, color_system=None, force_terminal=False)
        console.print(self.rich_table())
        return out.getvalue()

    def to_csv(self) -> str:
        """SPARQL 1.1 Query Results CSV (plain values, CRLF line ends)."""
        self._require("select", "ask", fmt="csv")
        if self.kind == "ask":
            return ("true" if self.boolean else "false") + "\r\n"
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(self.variables)
        writer.writerows([csv_value(v) for v in row] for row in self.raw_rows)
        return out.getvalue()

    def to_tsv(self) -> str:
        """SPARQL 1.1 Query Results TSV (terms in N-Triples syntax)."""
        self._require("select", "ask", fmt="tsv")
        if self.kind == "ask":
            return ("true" if self.boolean else "false") + "\n"
        lines = ["\t".join("?" + v for v in self.variables)]
        lines += ["\t".join("" if v is None else nt(v) for v in row) for row in self.raw_rows]
        return "\n".join(lines) + "\n"

    def to_json(self) -> str:
        """SPARQL 1.1 Query Results JSON (indented by two spaces)."""
        self._require("select", "ask", fmt="json")
        if self.kind == "ask":
            return json.dumps({"head": {}, "boolean": bool(self.boolean)}, indent=2) + "\n"
        return select_json(self.variables, self.raw_rows)

    def to_turtle(self) -> str:
        """CONSTRUCT/DESCRIBE results as Turtle, triples sorted (same answer -> same bytes)."""
        import pyoxigraph as ox

        self._require("graph", fmt="turtle")
        if not self.triples:
            return ""
        triples = sorted(self.triples, key=str)
        text = "\n".join(str(t) for t in triples)
        used = {prefix: namespace for prefix, namespace in sorted(self.prefixes.items())
                if "<" + namespace in text}
        body = ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes=used) or b""
        lines = body.decode("utf-8").split("\n")
        head = sorted(line for line in lines if line.startswith("@prefix "))
        rest = [line for line in lines if not line.startswith("@prefix ")]
        return "\n".join(head + ([""] if head else []) + rest).strip("\n") + "\n"

    def format(self, fmt: str) -> str:
        """The answer in one of FORMATS (a table of a graph answer is its Turtle)."""
        if fmt not in FORMATS:
            raise GraphkitError(f"unknown format '{fmt}' (known: {', '.join(FORMATS)})")
        if fmt == "turtle" or (fmt == "table" and self.kind == "graph"):
            return self.to_turtle()
        return getattr(self, f"to_{fmt}")()


def as_oxigraph_triple(triple: Any):
    """A pyoxigraph Triple from one (s, p, o) of rdflib terms (or a Triple already)."""
    import pyoxigraph as ox

    if isinstance(triple, ox.Triple):
        return triple
    s, p, o = triple
    return ox.Triple(as_oxigraph(s), as_oxigraph(p), as_oxigraph(o))


def select_json(variables: list[str], rows: Iterable[tuple]) -> str:
    """SELECT results as SPARQL results JSON: the bytes json.dumps(document, indent=2,
    ensure_ascii=False) writes, built directly (json.dumps is pure Python once it indents:
    about 6x slower), each distinct term encoded once."""
    quote = encode_basestring
    blocks: dict[Any, str] = {}

    def block(term: Any) -> str:
        found = blocks.get(term)
        if found is None:
            found = "{\n" + ",\n".join(f"          {quote(k)}: {quote(v)}" for k, v in json_term(term).items()) \
                + "\n        }"
            if len(blocks) < 100_000:
                blocks[term] = found
        return found

    names = [quote(v) for v in variables]
    head = ("[\n" + ",\n".join("      " + n for n in names) + "\n    ]") if names else "[]"
    bindings = []
    for row in rows:
        cells = [f"        {name}: {block(term)}" for name, term in zip(names, row, strict=True) if term is not None]
        bindings.append("      {\n" + ",\n".join(cells) + "\n      }" if cells else "      {}")
    body = ("[\n" + ",\n".join(bindings) + "\n    ]") if bindings else "[]"
    return f'{{\n  "head": {{\n    "vars": {head}\n  }},\n  "results": {{\n    "bindings": {body}\n  }}\n}}\n'
