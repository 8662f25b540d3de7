"""Synthetic graphs in graphkit's own model, for benchmarks and scale tests.

Deterministic for a given size and seed; every statement respects the ontology's domain and
range, cites 1-3 sources and carries a status, so the data goes through the same code paths
as real data.
"""
from __future__ import annotations

import random

from .model import AttributeValue, Entity, KnowledgeGraph, Source, Statement
from .ontology import Ontology, load_ontology

# Rough share of each class in a real AI-industry graph.
_CLASS_WEIGHTS = {"Company": 20, "ResearchLab": 4, "Publisher": 1, "Person": 6, "AIModel": 35,
                  "AIProduct": 12, "Device": 14, "Chipset": 3, "Dataset": 4, "Market": 1}
TRIPLES_PER_STATEMENT = 9.6  # asserted triple + statement node, measured on generated data
TRIPLES_PER_ENTITY = 4.5


def generate(entities: int, statements: int | None = None, *, seed: int = 42,
             ontology: Ontology | None = None) -> KnowledgeGraph:
    """A graph with `entities` entities and `statements` facts (default: 2 per entity)."""
    ontology = ontology or load_ontology()
    rng = random.Random(seed)
    statements = 2 * entities if statements is None else statements
    graph = KnowledgeGraph()
    classes = list(_CLASS_WEIGHTS)
    by_class: dict[str, list[str]] = {c: [] for c in classes}
    weights = list(_CLASS_WEIGHTS.values())
    for i in range(entities):
        cls = "Market" if i < 3 else rng.choices(classes, weights)[0]
        entity_id = f"{cls.lower()}-{i}"
        attributes: dict[str, AttributeValue] = {}
        if cls == "AIModel":
            attributes = {"parameters": rng.randrange(10**8, 10**12), "released": f"{rng.randint(2018, 2025)}"}
        elif cls in ("Company", "ResearchLab"):
            attributes = {"founded": f"{rng.randint(1950, 2024)}-{rng.randint(1, 12):02d}"}
        labels = {"fr": f"{cls} {i} (fr)"} if i % 3 == 0 else {}
        graph.entities[entity_id] = Entity(entity_id, cls, f"{cls} {i}", labels, (f"{cls[:3]}{i}",) if i % 5 == 0 else (),
                                           None, None, attributes)
        by_class[cls].append(entity_id)
    publishers = by_class["Publisher"] or [next(iter(graph.entities))]
    n_sources = max(1, statements // 20)
    for i in range(n_sources):
        source_id = f"source-{i}"
        graph.sources[source_id] = Source(source_id, f"Report {i}", rng.choice(publishers)
                                          if graph.entities[publishers[0]].type == "Publisher" else None,
                                          f"https://example.org/report/{i}", f"{rng.randint(2019, 2025)}-{rng.randint(1, 12):02d}", "en")
    relations = [r for r in ontology.relations.values()
                 if any(by_class.get(c) for c in _expand(ontology, r.domain))
                 and any(by_class.get(c) for c in _expand(ontology, r.range))]
    statuses = list(ontology.statuses)
    markets = by_class["Market"]
    seen: set[tuple] = set()
    attempts = 0
    while len(graph.statements) < statements and attempts < statements * 20:
        attempts += 1
        rel = rng.choice(relations)
        subject = rng.choice(_pool(by_class, _expand(ontology, rel.domain), rng))
        obj = rng.choice(_pool(by_class, _expand(ontology, rel.range), rng))
        if subject == obj:
            continue
        market = rng.choice(markets) if markets and rng.random() < 0.3 else None
        since = f"{rng.randint(2015, 2025)}" if rng.random() < 0.4 else None
        st = Statement(subject, rel.key, obj, rng.choices(statuses, [40, 30, 10, 8, 10, 2])[0],
                       tuple(sorted({f"source-{rng.randrange(n_sources)}" for _ in range(rng.randint(1, 3))})),
                       market, since, symmetric=rel.symmetric)
        if st.key() in seen:
            continue
        seen.add(st.key())
        graph.statements.append(st)
    return graph


def generate_for_triples(triples: int, *, seed: int = 42) -> KnowledgeGraph:
    """A graph whose RDF has roughly `triples` triples."""
    entities = max(10, int(triples / (TRIPLES_PER_ENTITY + 2 * TRIPLES_PER_STATEMENT)))
    return generate(entities, 2 * entities, seed=seed)


def _expand(ontology: Ontology, allowed: tuple[str, ...]) -> list[str]:
    return [c for c in ontology.classes if ontology.fits(c, allowed)]


def _pool(by_class: dict[str, list[str]], classes: list[str], rng: random.Random) -> list[str]:
    nonempty = [c for c in classes if by_class.get(c)]
    return by_class[rng.choice(nonempty)]
