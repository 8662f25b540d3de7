"""Cypher results as text: a table (rich), CSV or JSON; one cell in Cypher's own notation."""
from __future__ import annotations

import json
from typing import Any

from .backend import CypherResult, GraphNode, GraphPath, GraphRelationship, json_value

#: The formats of format_result (and of `graphkit cypher --format`).
OUTPUT_FORMATS = ("table", "csv", "json")


def _cypher_literal(value: Any) -> str:
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_cypher_literal(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {_cypher_literal(v)}" for k, v in value.items()) + "}"
    return json.dumps(json_value(value), ensure_ascii=False)


def render_value(value: Any) -> str:
    """One cell of a table or CSV: text as is, graph objects in Cypher's own notation."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, GraphNode):
        labels = "".join(f":{label}" for label in value.labels)
        return f"({labels} {_cypher_literal(value.properties)})"
    if isinstance(value, GraphRelationship):
        return f"({value.start_id})-[:{value.type} {_cypher_literal(value.properties)}]->({value.end_id})"
    if isinstance(value, GraphPath):
        parts = [f"({value.nodes[0].id})"] if value.nodes else []
        for previous, rel, node in zip(value.nodes, value.relationships, value.nodes[1:], strict=False):
            forward = rel.start_id == previous.id
            parts.append(f"{'-' if forward else '<-'}[:{rel.type}]{'->' if forward else '-'}({node.id})")
        return "".join(parts)
    if isinstance(value, (list, tuple, dict)):
        return json.dumps(json_value(value), ensure_ascii=False)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def format_result(result: CypherResult, fmt: str = "table", *, width: int | None = None) -> str:
    """The result as text: a table (rich), CSV (header + rows) or JSON (a list of objects)."""
    if fmt == "json":
        return json.dumps([{c: json_value(v) for c, v in zip(result.columns, row, strict=True)} for row in result.rows],
                          ensure_ascii=False, indent=2) + "\n"
    if fmt == "csv":
        import csv
        import io

        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(result.columns)
        for row in result.rows:
            writer.writerow([render_value(v) for v in row])
        return out.getvalue()
    if fmt == "table":
        import io

        from rich.console import Console
        from rich.table import Table
        from rich.text import Text

        table = Table(show_lines=False, highlight=False)
        for column in result.columns:
            table.add_column(Text(column))
        for row in result.rows:
            # Text(), not str: cells are data, never rich markup ("[red]" in a name stays literal)
            table.add_row(*(Text(render_value(v)) for v in row))
        out = io.StringIO()
        console = Console(file=out, width=width or 160, color_system=None, highlight=False, emoji=False,
                          markup=False)
        console.print(table)
        count = len(result.rows)
        console.print(f"{count} row{'s' if count != 1 else ''}")
        return out.getvalue()
    raise ValueError(f"unknown output format '{fmt}' (known: {', '.join(OUTPUT_FORMATS)})")
