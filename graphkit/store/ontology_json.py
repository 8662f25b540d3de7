"""The ontology as JSON, so a warm command rebuilds it without parsing Turtle (or importing rdflib)."""
from __future__ import annotations

import dataclasses
import json
from pathlib import Path

from ..ontology import AttributeInfo, ClassInfo, Ontology, RelationInfo, StatusInfo


def ontology_document(ontology: Ontology) -> dict:
    def rows(table: dict) -> list:
        return [dataclasses.asdict(info) for info in table.values()]

    return {"classes": rows(ontology.classes), "relations": rows(ontology.relations),
            "attributes": rows(ontology.attributes), "statuses": rows(ontology.statuses)}


def write_ontology(ontology: Ontology, path: Path) -> None:
    path.write_text(json.dumps(ontology_document(ontology), ensure_ascii=False), encoding="utf-8")


def read_ontology(path: Path) -> Ontology:
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    classes = {c["key"]: ClassInfo(c["key"], c["iri"], c["labels"], c["comments"], tuple(c["ancestors"]))
               for c in data["classes"]}
    relations = {r["key"]: RelationInfo(r["key"], r["iri"], r["local"], r["symmetric"], tuple(r["domain"]),
                                        tuple(r["range"]), tuple(r["parents"]), r["labels"], r["comments"])
                 for r in data["relations"]}
    attributes = {a["key"]: AttributeInfo(a["key"], a["iri"], a["value_type"], a["labels"])
                  for a in data["attributes"]}
    statuses = {s["key"]: StatusInfo(s["key"], s["iri"], s["rank"], s["labels"]) for s in data["statuses"]}
    return Ontology(classes, relations, attributes, statuses)
