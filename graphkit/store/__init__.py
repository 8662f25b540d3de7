"""The compiled store: the graph built once, on disk, reused by every reading command.

`graphkit build` (and any reading command that finds it missing or stale) compiles the YAML
into a folder of the project's cache (default `.graphkit/` beside the data; `--store DIR` or
$GRAPHKIT_STORE_DIR to move it):

    .graphkit/
      parsed/<content hash>.json     one parsed YAML file (the parse cache, shared by all stores)
      stores/<key>/                  one store per data selection (paths + base IRI)
        lock                         flock'ed by whoever builds
        CURRENT                      name of the complete generation (replaced atomically)
        exports.json                 which exports were written from which model
        gen-<digest>-<n>/            a complete generation, never modified once published
          manifest.json              inputs (path, size, mtime_ns, sha256), ontology hash, version, counts
          model.jsonl                the model, one JSON document per YAML file
          ontology.json              the ontology, so warm commands do not parse Turtle
          oxigraph/                  on-disk Oxigraph store (SPARQL)
          falkordb/                  the FalkorDB snapshot (graphkit.cypher.snapshot), made by the first cypher call

Freshness costs one stat per YAML file; only a file whose size or modification time changed
is hashed. A generation is built in a temporary folder and published by replacing CURRENT,
so a killed build leaves the previous generation (or nothing) and a later command rebuilds;
two builders serialise on the lock; deleting `.graphkit/` is always safe.
"""
from __future__ import annotations

from .core import (
                   DEFAULT_DIR_NAME,
                   ENV_VAR,
                   STORE_FORMAT,
                   CompiledStore,
                   StoreLocation,
                   cache_root,
                   is_storable,
                   ontology_digest,
)
from .ensure import ensure_store
from .handle import StoreHandle, open_store

__all__ = ["CompiledStore", "DEFAULT_DIR_NAME", "ENV_VAR", "STORE_FORMAT", "StoreHandle", "StoreLocation",
           "cache_root", "ensure_store", "is_storable", "ontology_digest", "open_store"]
