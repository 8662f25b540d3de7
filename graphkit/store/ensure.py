"""ensure_store(): the compiled store of some YAML data, built or rebuilt first when needed."""
from __future__ import annotations

import errno
import os
from collections.abc import Sequence

from ..errors import GraphkitError
from .build import compile_store, run_shacl
from .core import ENV_VAR, CompiledStore, Step, StoreLocation, _Lock, _noop, is_storable, ontology_digest


def ensure_store(paths: Sequence[str | os.PathLike] | str | os.PathLike, *, base_iri: str | None = None,
                 cache_dir: str | os.PathLike | None = None, shacl: bool = False, on_step: Step | None = None,
                 force: bool = False) -> CompiledStore:
    """The compiled store of the YAML `paths`, built (incrementally) first if it is missing or stale.

    shacl=True also runs the SHACL shapes once on this content (recorded in the manifest).
    Raises ValidationError with every problem of the input, as graphkit.load does.
    """
    from ..rdf import DEFAULT_BASE_IRI

    if isinstance(paths, (str, os.PathLike)):
        paths = [paths]
    if not is_storable(paths):
        raise GraphkitError("the compiled store holds YAML data only (RDF files are read directly)")
    location = StoreLocation(paths, base_iri=base_iri or DEFAULT_BASE_IRI, cache_dir=cache_dir)
    ontology = ontology_digest()
    step = on_step or _noop
    store = None if force else location.fresh(ontology)
    if store is None:
        try:
            with _Lock(location.key_dir / "lock"):
                store = None if force else location.fresh(ontology)  # another process may have built it
                if store is None:
                    compile_store(location, ontology, step)
                    directory, manifest = location.current()
                    store = CompiledStore(directory, manifest, location.key_dir)
        except OSError as exc:
            if exc.errno in (errno.EACCES, errno.EROFS, errno.ENOSPC):
                raise GraphkitError(f"cannot write the compiled store in {location.root}: {exc.strerror} "
                                    f"(choose another folder with --store or ${ENV_VAR})") from None
            raise
    if shacl and not store.manifest.get("shacl"):
        step("shacl")
        with _Lock(location.key_dir / "lock"):
            run_shacl(store)
    return store
