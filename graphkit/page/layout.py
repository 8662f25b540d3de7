"""Deterministic node positions for the page, computed in Python (no numpy needed).

The browser must not lay out a large graph itself (vis-network's physics freezes the tab for
minutes above ~1,500 nodes), so positions are precomputed here:

- ``force``: Fruchterman-Reingold with the grid approximation of the original paper (repulsion
  only between nodes closer than 2k, found through a grid of 2k cells), so one iteration costs
  O(nodes + edges) instead of O(nodes^2). Nodes start on a square spiral in breadth-first order
  (connected nodes start close together), which needs no random numbers and no trigonometry:
  the result only depends on the input, and only on basic float arithmetic.
- ``circle``: nodes on a circle grouped by class; instant, for very large graphs or quick looks.

Positions are rounded to whole pixels so that the page is byte-identical for the same input.
"""
from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Sequence

LAYOUTS = ("force", "circle")

#: Ideal distance between connected nodes, in vis-network canvas pixels.
SPACING = 130.0


def _schedule(n: int) -> tuple[int, float, float, float]:
    """(iterations, start temperature, maximum pull, gravity) in units of SPACING, by size.

    Tuned on the seed graph and on synthetic graphs (benchmarks/page_bench.py): large graphs
    start from their breadth-first spiral with a low temperature and weak, capped springs,
    which keeps nodes apart (no clumps) at about 30 iterations, 1-2 s for 5,000 nodes.
    """
    if n <= 200:
        return 300, max(3.0, math.sqrt(n) / 4.0), 3.0, 0.02
    if n <= 1000:
        return 100, 3.0, 2.0, 0.005
    return 30, 1.0, 0.4, 0.001


def compute_layout(nodes: Sequence[str], edges: Iterable[tuple[str, str]], layout: str = "force",
                   *, groups: dict[str, str] | None = None, labels: dict[str, str] | None = None,
                   iterations: int | None = None) -> dict[str, tuple[int, int]]:
    """Positions {node id: (x, y)} for `nodes` (their order does not matter).

    groups: node -> class, to keep classes together (circle, and the shelf of unlinked nodes);
    labels: node -> displayed text, so that shelved nodes leave room for their labels.
    """
    if layout not in LAYOUTS:
        raise ValueError(f"unknown layout '{layout}' (known: {', '.join(LAYOUTS)})")
    nodes = sorted(set(nodes))
    if not nodes:
        return {}
    index = {node: i for i, node in enumerate(nodes)}
    pairs = sorted({(min(index[a], index[b]), max(index[a], index[b]))
                    for a, b in edges if a in index and b in index and a != b})
    if layout == "circle":
        xs, ys = _circle(nodes, groups or {})
        return {node: (int(round(xs[i])), int(round(ys[i]))) for i, node in enumerate(nodes)}
    # Entities without relationships (publishers, say) would only float at the edge of the
    # drawing and shrink it when the view is fitted: lay out the others, then shelve these in
    # rows under the drawing, grouped by class.
    linked_set = {i for pair in pairs for i in pair}
    linked = sorted(linked_set)
    isolated = [i for i in range(len(nodes)) if i not in linked_set]
    local = {old: new for new, old in enumerate(linked)}
    xs, ys = _force(len(linked), [(local[a], local[b]) for a, b in pairs], iterations) if linked else ([], [])
    positions = {nodes[old]: (int(round(xs[new])), int(round(ys[new]))) for old, new in local.items()}
    if isolated:
        groups = groups or {}
        isolated.sort(key=lambda i: (groups.get(nodes[i], ""), nodes[i]))
        labels = labels or {}
        left = min((p[0] for p in positions.values()), default=0)
        right = max((p[0] for p in positions.values()), default=0)
        width = max(right - left, 6 * SPACING)
        x: float = left
        y: float = max((p[1] for p in positions.values()), default=-SPACING) + SPACING
        for i in isolated:
            # about 7 px per character at the page's label size, plus a gap
            step = max(SPACING * 0.8, 7.0 * len(labels.get(nodes[i], nodes[i])) + 24)
            if x > left and x + step > left + width:
                x, y = left, y + SPACING * 0.6
            positions[nodes[i]] = (int(round(x + step / 2)), int(round(y)))
            x += step
    return positions


def _neighbours(n: int, pairs: list[tuple[int, int]]) -> list[list[int]]:
    adjacency: list[list[int]] = [[] for _ in range(n)]
    for a, b in pairs:
        adjacency[a].append(b)
        adjacency[b].append(a)
    return adjacency


def _spiral(count: int) -> Iterable[tuple[int, int]]:
    """Integer points of a square spiral around the origin: (0,0), (1,0), (1,1), (0,1), ..."""
    x = y = 0
    dx, dy = 1, 0
    leg, walked, turns = 1, 0, 0
    for _ in range(count):
        yield x, y
        x, y = x + dx, y + dy
        walked += 1
        if walked == leg:
            walked = 0
            dx, dy = -dy, dx
            turns += 1
            if turns % 2 == 0:
                leg += 1


def _bfs_order(n: int, adjacency: list[list[int]]) -> list[int]:
    """Breadth-first order, hubs first: components by size, each from its best-connected node."""
    degree = [len(a) for a in adjacency]
    order: list[int] = []
    seen = [False] * n
    for start in sorted(range(n), key=lambda i: (-degree[i], i)):
        if seen[start]:
            continue
        seen[start] = True
        queue = [start]
        head = 0
        while head < len(queue):
            node = queue[head]
            head += 1
            for nxt in sorted(adjacency[node], key=lambda i: (-degree[i], i)):
                if not seen[nxt]:
                    seen[nxt] = True
                    queue.append(nxt)
        order.extend(queue)
    return order


def _force(n: int, pairs: list[tuple[int, int]], iterations: int | None) -> tuple[list[float], list[float]]:
    k = SPACING
    adjacency = _neighbours(n, pairs)
    xs = [0.0] * n
    ys = [0.0] * n
    for node, (gx, gy) in zip(_bfs_order(n, adjacency), _spiral(n), strict=True):
        xs[node] = gx * k
        ys[node] = gy * k
    if n == 1:
        return xs, ys
    default_iterations, start, pull, gravity = _schedule(n)
    iterations = default_iterations if iterations is None else iterations
    # Denser graphs need stronger repulsion, or the short-range repulsion lets them clump.
    k2 = k * k * max(1.0, len(pairs) / n)
    cell = 2.0 * k
    max_pull = pull * k
    radius2 = cell * cell
    # Geometric cooling from T0 to k/20: big moves first, then a calm finish without jitter.
    temperature = start * k
    cooling = (k / 20.0 / temperature) ** (1.0 / max(1, iterations - 1))
    offsets = [(dx, dy) for dx in (-1, 0, 1) for dy in (-1, 0, 1)]
    for _ in range(iterations):
        fx = [0.0] * n
        fy = [0.0] * n
        # Repulsion k^2/d between nodes closer than 2k, found through a grid of 2k cells.
        grid: dict[tuple[int, int], list[int]] = defaultdict(list)
        for i in range(n):
            grid[(int(xs[i] // cell), int(ys[i] // cell))].append(i)
        for (cx, cy), members in grid.items():
            near: list[int] = []
            for dx, dy in offsets:
                other = grid.get((cx + dx, cy + dy))
                if other:
                    near.extend(other)
            points = [(j, xs[j], ys[j]) for j in near]
            for i in members:
                xi, yi = xs[i], ys[i]
                sx = sy = 0.0
                for j, xj, yj in points:
                    if j == i:
                        continue
                    ddx = xi - xj
                    ddy = yi - yj
                    d2 = ddx * ddx + ddy * ddy
                    if d2 >= radius2:
                        continue
                    if d2 < 1e-6:  # same spot: push apart along a direction fixed by the indices
                        ddx, ddy, d2 = (1.0 if i < j else -1.0), 0.0, 1.0
                    factor = k2 / d2
                    sx += ddx * factor
                    sy += ddy * factor
                fx[i] += sx
                fy[i] += sy
        # Attraction d^2/k along edges.
        for a, b in pairs:
            ddx = xs[a] - xs[b]
            ddy = ys[a] - ys[b]
            d = math.sqrt(ddx * ddx + ddy * ddy)
            if d == 0.0:
                continue
            # Capped pull: in graphs that cannot be drawn with short edges (random-like ones),
            # uncapped d^2/k springs drag everything into one dense clump.
            factor = min(d, max_pull) / k
            ddx *= factor
            ddy *= factor
            fx[a] -= ddx
            fy[a] -= ddy
            fx[b] += ddx
            fy[b] += ddy
        # A weak pull to the centre keeps components from drifting apart.
        for i in range(n):
            fx[i] -= gravity * xs[i]
            fy[i] -= gravity * ys[i]
            length = math.sqrt(fx[i] * fx[i] + fy[i] * fy[i])
            if length > 0.0:
                step = min(length, temperature) / length
                xs[i] += fx[i] * step
                ys[i] += fy[i] * step
        temperature *= cooling
    mean_x = sum(xs) / n
    mean_y = sum(ys) / n
    return [x - mean_x for x in xs], [y - mean_y for y in ys]


def _circle(nodes: list[str], groups: dict[str, str]) -> tuple[list[float], list[float]]:
    ordered = sorted(range(len(nodes)), key=lambda i: (groups.get(nodes[i], ""), nodes[i]))
    n = len(nodes)
    radius = max(SPACING, n * SPACING / (2 * math.pi) / 2)
    xs = [0.0] * n
    ys = [0.0] * n
    if n == 1:
        return xs, ys
    for position, i in enumerate(ordered):
        angle = 2 * math.pi * position / n
        xs[i] = radius * math.cos(angle)
        ys[i] = radius * math.sin(angle)
    return xs, ys
