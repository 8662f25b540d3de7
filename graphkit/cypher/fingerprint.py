"""The embedded engine's cache key: a hash of the model's content (not of its projection)."""
from __future__ import annotations

import hashlib
from typing import Any


def model_fingerprint(graph) -> str:
    """A hash of the model's content: equal for equal content, different when anything that
    reaches the property graph differs (the projection is a function of the model and the
    cached ontology). Built from every content field of the model's dataclasses
    (graphkit.model.content_fields: all but the source location), so a field added to the
    model is part of it: 4x cheaper than hashing the projected rows."""
    import gc
    from operator import attrgetter

    from ..model import content_fields

    getters: dict[type, Any] = {}

    def content(obj) -> str:
        getter = getters.get(type(obj))
        if getter is None:  # per class, so a subclass's own fields count too
            getter = getters[type(obj)] = attrgetter(*content_fields(type(obj)))
        return repr(getter(obj))

    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        parts = [content(graph.entities[key]) for key in sorted(graph.entities)]
        parts.append("\x1e")
        parts.extend(content(graph.sources[key]) for key in sorted(graph.sources))
        parts.append("\x1e")
        parts.extend(sorted(content(st) for st in graph.statements))
        data = "\n".join(parts).encode("utf-8", "surrogatepass")
    finally:
        if gc_was_enabled:
            gc.enable()
    return hashlib.sha256(data).hexdigest()
