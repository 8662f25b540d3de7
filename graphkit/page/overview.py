"""What a large page opens on: centrality, communities and the overview (see docs/page.md).

Above OVERVIEW_LIMIT entities the page does not draw everything. It opens on the most central
entities, curated facts first: entities ranked by PageRank over the curated facts (any status
but `imported`), then the others by PageRank over every fact. Every neighbour of an overview
entity that is not itself in the overview is drawn directly when its group is small, or folded
into a cluster node per (entity, relation, direction): "Apple ships +113". The page's JS finds
a cluster's members by the same rule (the group's neighbours that the initial view does not
draw), so the file holds no member lists.

Everything here is deterministic: nodes and edges are sorted before networkx sees them, and
scores are rounded, so that the page stays byte-identical for the same input.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

#: Above this many entities the page opens on an overview instead of drawing everything.
OVERVIEW_LIMIT = 400
#: How many central entities the overview starts from.
OVERVIEW_SIZE = 150
#: The most nodes (entities and clusters) the overview draws.
OVERVIEW_BUDGET = 480
#: Rank at which an entity's size score is half the first one's.
RANK_SCALE = 20
#: A group of at most this many neighbours is drawn directly; a larger one becomes a cluster.
SMALL_GROUP = 2
#: Colours of communities, largest community first; the rest share the last colour.
COMMUNITY_COLOURS = ("#2563eb", "#dc2626", "#16a34a", "#9333ea", "#ea580c", "#0891b2", "#ca8a04", "#db2777",
                     "#4f46e5", "#65a30d", "#0d9488", "#b45309", "#7c3aed", "#be185d", "#475569", "#94a3b8")


#: Up to this many links PageRank runs in plain Python (a few ms on the seed); above, with numpy
#: (0.2 s on the merged graph's 29,500 links, where plain Python takes 4 s).
PAGERANK_PLAIN_LIMIT = 5_000
PAGERANK_ALPHA = 0.85
PAGERANK_TOL = 1e-9
PAGERANK_MAX_ITER = 200


def _pagerank(nodes: list[str], edges: list[tuple[str, str]]) -> dict[str, float]:
    """PageRank of the undirected graph (nodes, edges): networkx's `pagerank` (alpha 0.85,
    uniform teleport, dangling nodes spread uniformly, stop when the L1 change is below
    len(nodes) * 1e-9), without importing networkx's scipy variant (a second of imports for
    a 50-node page). Matches networkx to about 1e-15 (tests/test_page.py checks it)."""
    if not edges:
        return dict.fromkeys(nodes, 0.0)
    index = {node: i for i, node in enumerate(nodes)}
    pairs = [(index[a], index[b]) for a, b in edges]
    if len(pairs) <= PAGERANK_PLAIN_LIMIT:
        values = _pagerank_plain(len(nodes), pairs)
    else:
        values = _pagerank_numpy(len(nodes), pairs)
    return dict(zip(nodes, values, strict=True))


def _pagerank_plain(n: int, pairs: list[tuple[int, int]]) -> list[float]:
    neighbours: list[list[int]] = [[] for _ in range(n)]
    for i, j in pairs:
        neighbours[i].append(j)
        neighbours[j].append(i)
    inverse = [1.0 / len(nb) if nb else 0.0 for nb in neighbours]
    dangling = [i for i in range(n) if not neighbours[i]]
    alpha = PAGERANK_ALPHA
    x = [1.0 / n] * n
    for _ in range(PAGERANK_MAX_ITER):
        share = [xi * w for xi, w in zip(x, inverse, strict=True)]
        base = (alpha * sum(x[i] for i in dangling) + (1 - alpha)) / n
        new = [base + alpha * sum([share[j] for j in nb]) for nb in neighbours]
        change = sum(abs(a - b) for a, b in zip(new, x, strict=True))
        x = new
        if change < n * PAGERANK_TOL:
            return x
    raise ArithmeticError(f"PageRank did not converge in {PAGERANK_MAX_ITER} iterations")


def _pagerank_numpy(n: int, pairs: list[tuple[int, int]]) -> list[float]:
    import numpy as np

    one = np.array(pairs, dtype=np.int64)
    source = np.concatenate([one[:, 0], one[:, 1]])
    target = np.concatenate([one[:, 1], one[:, 0]])
    degree = np.bincount(source, minlength=n).astype(float)
    inverse = np.zeros(n)
    inverse[degree > 0] = 1.0 / degree[degree > 0]
    dangling = degree == 0
    alpha = PAGERANK_ALPHA
    x = np.full(n, 1.0 / n)
    for _ in range(PAGERANK_MAX_ITER):
        new = (alpha * np.bincount(target, weights=(x * inverse)[source], minlength=n)
               + (alpha * x[dangling].sum() + (1 - alpha)) / n)
        change = np.abs(new - x).sum()
        x = new
        if change < n * PAGERANK_TOL:
            return [float(v) for v in x]
    raise ArithmeticError(f"PageRank did not converge in {PAGERANK_MAX_ITER} iterations")


def centrality(entity_ids: list[str], statements) -> tuple[dict[str, float], list[str]]:
    """(score in 0..1 by rank, entities ranked curated-first: by PageRank over the curated facts,
    then by PageRank over every fact)."""
    ids = sorted(entity_ids)
    all_edges = sorted({tuple(sorted((s.subject, s.object))) for s in statements if s.subject != s.object})
    curated_edges = sorted({tuple(sorted((s.subject, s.object))) for s in statements
                            if s.subject != s.object and s.status != "imported"})
    overall = _pagerank(ids, all_edges)
    curated_nodes = sorted({n for pair in curated_edges for n in pair})
    curated = _pagerank(curated_nodes, curated_edges) if curated_nodes else {}
    top = max(overall.values(), default=0.0) or 1.0
    # Rounded to 4 significant digits: stable across platforms, and all the page needs.
    pagerank = {n: float(f"{overall[n] / top:.4g}") for n in ids}
    ranked = sorted(ids, key=lambda n: (-round(curated.get(n, 0.0), 9), -pagerank[n], n))
    # The score the page sizes and labels by follows the rank (1 for the first, 0.5 for the
    # 21st, 0.1 for the 181st...), so that the curated entities the overview opens on are as
    # visible as the imported hubs with many more (imported) links.
    score = {n: float(f"{1 / (1 + i / RANK_SCALE):.4g}") for i, n in enumerate(ranked)}
    return score, ranked


def communities(entity_ids: list[str], statements) -> dict[str, int]:
    """Community index per entity (0 = the largest community), by Louvain with a fixed seed."""
    import networkx as nx

    graph = nx.Graph()
    graph.add_nodes_from(sorted(entity_ids))
    graph.add_edges_from(sorted({tuple(sorted((s.subject, s.object))) for s in statements if s.subject != s.object}))
    if graph.number_of_edges() == 0:
        return {n: 0 for n in graph.nodes}
    parts = nx.community.louvain_communities(graph, seed=7)
    parts = sorted((sorted(p) for p in parts), key=lambda p: (-len(p), p[0]))
    return {n: index for index, part in enumerate(parts) for n in part}


@dataclass
class Overview:
    """The entities the page opens on, and the cluster nodes standing for the rest."""

    entities: list[str]
    #: (hub, relation, direction "out"/"in", member count), in drawing order
    clusters: list[tuple[str, str, str, int]] = field(default_factory=list)

    def cluster_id(self, hub: str, relation: str, direction: str) -> str:
        return cluster_key(hub, relation, direction)


def cluster_key(hub: str, relation: str, direction: str) -> str:
    return f"cluster:{direction}:{relation}:{hub}"


def overview(ranked: list[str], statements, *, size: int = OVERVIEW_SIZE, budget: int = OVERVIEW_BUDGET) -> Overview:
    """The overview of a large graph: the `size` best-ranked entities, their small groups of
    neighbours, and one cluster per larger group (within `budget` nodes)."""
    core = ranked[:size]
    core_set = set(core)
    # (hub, relation, direction) -> neighbour ids, from the hub's side
    groups: dict[tuple[str, str, str], set[str]] = defaultdict(set)
    for s in statements:
        if s.subject in core_set and s.object not in core_set:
            groups[(s.subject, s.relation, "out")].add(s.object)
        if s.object in core_set and s.subject not in core_set:
            groups[(s.object, s.relation, "in")].add(s.subject)
    order = {n: i for i, n in enumerate(ranked)}
    keys = sorted(groups, key=lambda k: (order[k[0]], k[1], k[2]))
    big = [k for k in keys if len(groups[k]) > SMALL_GROUP]
    drawn = list(core)
    drawn_set = set(core)
    # Room for one cluster per large group first, then small groups are drawn as they are.
    room = budget - len(core) - len(big)
    for key in keys:
        if len(groups[key]) > SMALL_GROUP:
            continue
        new = sorted(groups[key] - drawn_set, key=lambda n: (order.get(n, len(order)), n))
        if new and len(new) <= room:
            drawn.extend(new)
            drawn_set.update(new)
            room -= len(new)
        elif new:
            big.append(key)
    clusters: list[tuple[str, str, str, int]] = []
    for hub, relation, direction in sorted(big, key=lambda k: (order[k[0]], k[1], k[2])):
        members = groups[(hub, relation, direction)] - drawn_set
        if members and len(drawn) + len(clusters) < budget:
            clusters.append((hub, relation, direction, len(members)))
    return Overview(drawn, clusters)
