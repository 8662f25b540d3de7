"""The defaults every entry point shares (the CLI, the Python API, the page and query helpers).

Defined once here; graphkit.api and graphkit.cli read them from this module.
"""
from __future__ import annotations

#: Where `graphkit` reads the YAML facts when no data is given.
DEFAULT_DATA_DIR = "seed_data"
#: Where `graphkit build` writes its exports.
DEFAULT_OUT_DIR = "exports"
#: Base IRI of entities, sources and statements (entity/<id>, source/<id>, statement/<id>).
DEFAULT_BASE_IRI = "https://w3id.org/graphkit/"
