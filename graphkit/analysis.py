"""Analytics on the property graph (networkx): statistics, paths, centrality, communities.

Everything starts from graphkit.propertygraph.to_property_graph (a MultiDiGraph, one edge per
statement). Paths, centrality and communities look at the *entity* graph: source nodes are left
out (a dataset cited by 20,000 facts would otherwise connect everything), and facts count in
both directions for connectivity while each fact keeps its real direction in the answers.
"""
from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from itertools import islice, pairwise

from .asof import describe_dates, describe_history, has_ended
from .errors import GraphkitError, show
from .model import Entity, KnowledgeGraph

#: Centrality measures `rank` knows, with the description printed next to the scores.
MEASURES = {
    "pagerank": "PageRank (damping 0.85) on the undirected entity graph, edges weighted by the number of facts",
    "degree": "degree centrality: share of the other entities linked by at least one fact",
    "betweenness": "betweenness centrality: share of shortest paths passing through the entity "
                   "(estimated from 200 sampled sources, seed 42, on graphs over 2,000 entities)",
}
#: Entity groups ranked by default: the most central organizations and the most central models.
RANK_GROUPS = ("Organization", "AIModel")


# ---------------------------------------------------------------------------------- stats

def stats(graph: KnowledgeGraph) -> dict:
    """Counts by entity type, relation, status and source (a fact counts once per source it cites)."""
    by_source = Counter(source for st in graph.statements for source in st.sources)
    return {
        "entities": len(graph.entities),
        "statements": len(graph.statements),
        "sources": len(graph.sources),
        "by_type": _sorted_counts(Counter(e.type for e in graph.entities.values())),
        "by_relation": _sorted_counts(Counter(st.relation for st in graph.statements)),
        "by_status": _sorted_counts(Counter(st.status for st in graph.statements)),
        "by_source": _sorted_counts(by_source),
        "by_publisher": _sorted_counts(Counter(
            (graph.sources[s].publisher or "(none)") if s in graph.sources else "(unknown)"
            for st in graph.statements for s in st.sources)),
    }


def _sorted_counts(counter: Counter) -> dict[str, int]:
    return dict(sorted(counter.items(), key=lambda kv: (-kv[1], kv[0])))


# ---------------------------------------------------------------------------------- entity graph

def entity_graph(pg):
    """Undirected simple graph of entities; edge weight = number of facts between the two."""
    import networkx as nx

    from .propertygraph import SOURCE_PREFIX

    simple = nx.Graph()
    simple.add_nodes_from((n, d) for n, d in pg.nodes(data=True) if not str(n).startswith(SOURCE_PREFIX))
    for u, v in pg.edges():
        if u == v:
            continue
        if simple.has_edge(u, v):
            simple[u][v]["weight"] += 1
        else:
            simple.add_edge(u, v, weight=1)
    return simple


def model_entity_graph(graph: KnowledgeGraph, *, same_order: bool = False):
    """entity_graph() straight from the model, without the property graph (same nodes in the same
    order, same edges and weights): what paths, rank and communities need.

    same_order=True also adds the edges in entity_graph()'s order (Louvain's result depends on
    it; PageRank, betweenness and shortest paths do not), at the cost of the statement ids."""
    import networkx as nx

    if same_order:
        out: dict[str, dict[str, int]] = {}
        for st in sorted(graph.statements, key=lambda st: st.id):
            targets = out.setdefault(st.subject, {})
            targets[st.object] = targets.get(st.object, 0) + 1
        ordered = nx.Graph()
        ordered.add_nodes_from(sorted(graph.entities))
        for u in sorted(graph.entities):
            for v, count in out.get(u, {}).items():
                if u == v or v not in graph.entities:
                    continue
                if ordered.has_edge(u, v):
                    ordered[u][v]["weight"] += count
                else:
                    ordered.add_edge(u, v, weight=count)
        return ordered
    weights = _edge_weights(graph)
    simple = nx.Graph()
    simple.add_nodes_from(sorted(graph.entities))
    simple.add_weighted_edges_from((u, v, w) for (u, v), w in sorted(weights.items()))
    return simple


def _edge_weights(graph: KnowledgeGraph, origin_weights: dict[str, float] | None = None,
                  ) -> dict[tuple[str, str], float]:
    """(entity, entity) in sorted order -> number of facts between the two (self-facts left out),
    each fact counted with the weight of its origin when `origin_weights` is given
    (graphkit.filters.origin_of: curated, or the dataset; missing origins weigh 1)."""
    from .filters import origin_of

    weights: dict[tuple[str, str], float] = defaultdict(float)
    for st in graph.statements:
        if st.subject != st.object:
            w: float = 1 if origin_weights is None else origin_weights.get(origin_of(st), 1.0)
            weights[(st.subject, st.object) if st.subject < st.object else (st.object, st.subject)] += w
    return weights


def pagerank_and_degree(graph: KnowledgeGraph, alpha: float = 0.85, max_iter: int = 100,
                        tol: float = 1.0e-6, origin_weights: dict[str, float] | None = None,
                        ) -> tuple[dict[str, float], dict[str, int]]:
    """networkx's PageRank (scipy variant) on the weighted entity graph, computed from the model
    with numpy/scipy directly (no networkx graph: 4-10x faster on the merged graph), plus each
    entity's number of facts. `origin_weights` weighs each fact by its origin (see _edge_weights)."""
    import numpy as np
    from scipy import sparse

    nodes = sorted(graph.entities)
    count = len(nodes)
    degree = dict.fromkeys(nodes, 0)
    if count == 0:
        return {}, degree
    index = {node: i for i, node in enumerate(nodes)}
    weights = _edge_weights(graph, origin_weights)
    counts = _edge_weights(graph) if origin_weights is not None else weights  # facts, not weights
    rows = np.empty(2 * len(weights), dtype=np.int64)
    cols = np.empty(2 * len(weights), dtype=np.int64)
    data = np.empty(2 * len(weights), dtype=float)
    for k, ((u, v), w) in enumerate(weights.items()):
        i, j = index[u], index[v]
        rows[2 * k], cols[2 * k], rows[2 * k + 1], cols[2 * k + 1] = i, j, j, i
        data[2 * k] = data[2 * k + 1] = w
        degree[u] += int(counts[(u, v)])
        degree[v] += int(counts[(u, v)])
    matrix = sparse.csr_array((data, (rows, cols)), shape=(count, count))
    sums = matrix.sum(axis=1)
    sums[sums != 0] = 1.0 / sums[sums != 0]
    matrix = sparse.dia_array((sums.T, 0), shape=matrix.shape).tocsr() @ matrix
    x = np.repeat(1.0 / count, count)
    p = np.repeat(1.0 / count, count)
    dangling = np.where(sums == 0)[0]
    for _ in range(max_iter):
        last = x
        x = alpha * (x @ matrix + sum(x[dangling]) * p) + (1 - alpha) * p
        if np.absolute(x - last).sum() < count * tol:
            return dict(zip(nodes, map(float, x), strict=True)), degree
    raise GraphkitError(f"PageRank did not converge in {max_iter} iterations")


def find_entity(graph: KnowledgeGraph, text: str) -> Entity:
    """An entity by id, name, label or alias; a GraphkitError naming close matches otherwise."""
    entity = graph.find(text)
    if entity is not None:
        return entity
    raise GraphkitError(f"no entity {show(text)}{entity_hint(graph, text)}")


def entity_hint(graph: KnowledgeGraph, text: str) -> str:
    """' (did you mean: apple (Apple), ...?)' for a name that matches no entity, or ''."""
    close = graph.suggest(text)
    if not close:
        return ""
    named = [f"{i} ({graph.entities[i].name})" if graph.entities[i].name != i else i for i in close]
    return f" (did you mean: {', '.join(named)}?)"


# ---------------------------------------------------------------------------------- paths

@dataclass
class Fact:
    statement_id: str
    subject: str
    relation: str
    object: str
    status: str
    sources: list[dict]  # {id, title, url, publisher}
    note: str | None = None
    since: str | None = None  # valid time
    until: str | None = None
    ended: bool = False  # `until` has passed: the fact no longer holds
    dates: str = ""  # "since 2020-11", "until 2020-11 (ended)"
    history: str = ""  # "reported 2025-02-11 (reuters) -> confirmed 2025-02-13 (bloomberg)"

    def as_dict(self) -> dict:
        return {"statement_id": self.statement_id, "subject": self.subject, "relation": self.relation,
                "object": self.object, "status": self.status, "sources": self.sources, "note": self.note,
                "since": self.since, "until": self.until, "ended": self.ended, "history": self.history}


@dataclass
class Hop:
    start: str
    end: str
    facts: list[Fact] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {"from": self.start, "to": self.end, "facts": [f.as_dict() for f in self.facts]}


@dataclass
class Path:
    entities: list[dict]  # {id, name, type}
    hops: list[Hop]

    @property
    def length(self) -> int:
        return len(self.hops)

    def as_dict(self) -> dict:
        return {"length": self.length, "entities": self.entities, "hops": [h.as_dict() for h in self.hops]}


def paths(graph: KnowledgeGraph, start: str, end: str, *, limit: int = 1, avoid: tuple[str, ...] = (),
          skip_hubs: bool = False) -> list[Path]:
    """Up to `limit` shortest paths between two entities (ids, names or aliases), in a stable order.

    The search ignores direction; each fact on the way is reported as stated (subject, relation,
    object), with its status, sources, valid dates (an ended fact says so) and status history. An empty list means the two are not connected.
    """
    import networkx as nx

    a, b = find_entity(graph, start), find_entity(graph, end)
    if a.id == b.id:
        raise GraphkitError(f"'{start}' and '{end}' are the same entity ({a.id})")
    if avoid or skip_hubs:  # never through these entities (the two ends stay)
        from .filters import Filter, hubs

        for name in avoid:
            find_entity(graph, name)
        graph = Filter(avoid=tuple(avoid) + (hubs(graph) if skip_hubs else ())).apply(graph, keep=(a.id, b.id))
    simple = model_entity_graph(graph)
    try:
        found = list(islice(nx.all_shortest_paths(simple, a.id, b.id), max(limit, 1) * 50))
    except nx.NetworkXNoPath:
        return []
    found.sort()  # all_shortest_paths' order depends on insertion order; sort for stable output
    on_paths = {(u, v) for nodes in found[:limit] for u, v in pairwise(nodes)}
    on_paths |= {(v, u) for u, v in on_paths}
    between: dict[tuple[str, str], list] = {}
    for st in graph.statements:
        if (st.subject, st.object) in on_paths:
            between.setdefault((st.subject, st.object), []).append(st)
    result = []
    for nodes in found[:limit]:
        hops = []
        for u, v in pairwise(nodes):
            facts = []
            for x, y in ((u, v), (v, u)):
                for st in sorted(between.get((x, y), ()), key=lambda st: st.id):
                    facts.append(Fact(st.id, x, st.relation, y, st.status,
                                      [_source_info(graph, s) for s in st.sources], st.note,
                                      st.since, st.until, has_ended(st), describe_dates(st),
                                      describe_history(st, graph.sources, graph.entities)))
            hops.append(Hop(u, v, facts))
        entities = [{"id": n, "name": graph.entities[n].name, "type": graph.entities[n].type} for n in nodes]
        result.append(Path(entities, hops))
    return result


def _source_info(graph: KnowledgeGraph, source_id: str) -> dict:
    source = graph.sources.get(source_id)
    if source is None:
        return {"id": source_id}
    return {"id": source.id, "title": source.title, "url": source.url, "publisher": source.publisher,
            "date": source.date}


# ---------------------------------------------------------------------------------- rank

#: `rank`'s default weighting: a curated fact weighs this many imported ones.
CURATED_WEIGHT = 5.0
WEIGHTINGS = {
    "plain": "every fact weighs 1",
    "evidence": "curated facts weigh {curated:g}, imported facts 1; each score is multiplied by the square "
                "of the number of origins (curated, and each dataset) that have facts about the entity",
}


def rank(graph: KnowledgeGraph, *, measure: str = "pagerank", top: int = 10,
         groups: tuple[str, ...] = RANK_GROUPS, weighting: str = "plain",
         curated_weight: float = CURATED_WEIGHT) -> dict:
    """The `top` entities of each group (a class and its sub-classes) by a centrality measure.

    weighting="evidence" weighs curated facts `curated_weight` times an imported one (PageRank's
    edge weights) and multiplies every score by the square of the entity's number of origins
    (graphkit.filters.origin_of): an account known from one dataset only ranks below an
    organization that several datasets and the editors write about. The result's `weighting`
    says what was done."""
    from .filters import origin_of
    from .ontology import load_ontology

    if weighting not in WEIGHTINGS:
        raise ValueError(f"unknown weighting '{weighting}' (known: {', '.join(WEIGHTINGS)})")
    weights = {"curated": curated_weight} if weighting == "evidence" else None
    origins: dict[str, set[str]] = {}
    if weighting == "evidence":
        for st in graph.statements:
            origin = origin_of(st)
            origins.setdefault(st.subject, set()).add(origin)
            origins.setdefault(st.object, set()).add(origin)
    factor = {entity: len(found) ** 2 for entity, found in origins.items()} if weights is not None else None
    result = _rank(graph, load_ontology(), measure, top, groups, weights, factor)
    if weighting == "evidence":
        for rows in result["groups"].values():
            for row in rows:
                row["origins"] = sorted(origins.get(row["id"], ()))
    result["weighting"] = weighting
    result["weighting_description"] = WEIGHTINGS[weighting].format(curated=curated_weight)
    return result


def _rank(graph: KnowledgeGraph, ontology, measure: str, top: int, groups: tuple[str, ...],
          weights: dict[str, float] | None, factor: dict[str, int] | None) -> dict:
    if measure not in MEASURES:
        raise ValueError(f"unknown measure '{measure}' (known: {', '.join(MEASURES)})")
    for group in groups:
        if group not in ontology.classes:
            raise GraphkitError(f"unknown class '{group}' (known: {', '.join(ontology.classes)})")
    if measure == "pagerank":  # no networkx graph needed (the common case, and the slow one to build)
        scores, degree = pagerank_and_degree(graph, origin_weights=weights)
        return _ranked(graph, ontology, measure, groups, top, _times(scores, factor), degree)
    import networkx as nx

    simple = model_entity_graph(graph)
    if simple.number_of_nodes() == 0:
        scores = {}
    elif measure == "degree":
        scores = nx.degree_centrality(simple)
    else:
        n = simple.number_of_nodes()
        scores = nx.betweenness_centrality(simple, k=200 if n > 2000 else None, seed=42)
    # degree and betweenness are unweighted: the evidence factor is what weighting changes
    return _ranked(graph, ontology, measure, groups, top, _times(scores, factor),
                   dict(simple.degree(weight="weight")))


def _times(scores: dict[str, float], factor: dict[str, int] | None) -> dict[str, float]:
    if factor is None:
        return scores
    return {entity: score * factor.get(entity, 0) for entity, score in scores.items()}


def _ranked(graph: KnowledgeGraph, ontology, measure: str, groups: tuple[str, ...], top: int, scores: dict,
            degree: dict) -> dict:
    result: dict = {"measure": measure, "description": MEASURES[measure], "groups": {}}
    for group in groups:
        members = [e for e in graph.entities.values() if ontology.is_a(e.type, group)]
        ordered = sorted(members, key=lambda e: (-scores.get(e.id, 0.0), e.id))[:top]
        result["groups"][group] = [{"rank": i, "id": e.id, "name": e.name, "type": e.type,
                                    "score": round(scores.get(e.id, 0.0), 6), "facts": degree.get(e.id, 0)}
                                   for i, e in enumerate(ordered, 1)]
    return result


# ---------------------------------------------------------------------------------- communities

def communities(graph: KnowledgeGraph, *, method: str = "louvain", seed: int = 42, resolution: float = 1.0,
                top: int = 10, members: int = 8) -> dict:
    """Groups of densely connected entities (Louvain with a fixed seed, or greedy modularity).

    Returns the `top` largest communities, each with its size, classes and its best-connected
    members, plus the modularity of the whole partition.
    """
    from networkx.algorithms import community as nx_community

    simple = model_entity_graph(graph, same_order=True)
    simple.remove_nodes_from([n for n, d in list(simple.degree()) if d == 0])
    if simple.number_of_edges() == 0:
        return {"method": method, "seed": seed, "modularity": 0.0, "count": 0, "communities": []}
    if method == "louvain":
        parts = nx_community.louvain_communities(simple, weight="weight", resolution=resolution, seed=seed)
    elif method == "greedy":
        parts = nx_community.greedy_modularity_communities(simple, weight="weight", resolution=resolution)
    else:
        raise ValueError(f"unknown method '{method}' (known: louvain, greedy)")
    modularity = nx_community.modularity(simple, parts, weight="weight", resolution=resolution)
    parts = sorted((sorted(p) for p in parts), key=lambda p: (-len(p), p[0]))
    degree = dict(simple.degree(weight="weight"))
    out = []
    for index, part in enumerate(parts[:top], 1):
        best = sorted(part, key=lambda n: (-degree[n], n))[:members]
        out.append({"community": index, "size": len(part),
                    "types": _sorted_counts(Counter(graph.entities[n].type for n in part)),
                    "members": [{"id": n, "name": graph.entities[n].name, "type": graph.entities[n].type,
                                 "facts": degree[n]} for n in best]})
    return {"method": method, "seed": seed if method == "louvain" else None, "resolution": resolution,
            "modularity": round(modularity, 4), "count": len(parts), "communities": out}
