"""Where each node of the network graph sits, worked out at build time (pure).

Why here and not in the browser: a layout run by the graph library (Cytoscape's `cose`) starts
from random positions, so every load drew a different picture, and at 5,000 notes it kept the
phone busy for seconds. Positions computed from the graph alone make the same vault draw the
same picture on every load and every machine, and the browser only draws them (a `preset`
layout).

Why this layout: a radial tree per connected part of the graph, the parts packed in rows. The
network is mostly trees already (each person has at most one introducer; a company is a star
of the people who work there), so a tree drawn in rings reads as "who came through whom", it
costs O(n log n) (no force simulation, whose cost grows with the square of the nodes or needs
many passes), and it can promise a least distance between neighbours on a ring, which is room
for their labels. An edge outside the spanning tree (two colleagues introduced by different
people) is still drawn, across the rings.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable, Mapping, Sequence

# Model units are pixels at zoom 1, where a label is drawn at 12 px.
SPACING = 150.0  # the least distance between two nodes on one ring: a label of ~20 characters
RING = 150.0     # the least distance from one ring to the next
MARGIN = 90.0    # around each part when packing: half a label's width, so no two parts touch
ASPECT = 1.6     # rows of parts about this much wider than tall (a screen, not a phone)
# Rings drawn as ellipses this much wider than tall: labels are written across, so neighbours
# side by side need more room than neighbours one above the other (stretching only moves
# nodes apart, so the least distances above still hold).
STRETCH = 1.4

Point = tuple[float, float]


def layout(nodes: Sequence[str], edges: Iterable[tuple[str, str]],
           weight: Mapping[str, int] | None = None) -> dict[str, Point]:
    """A position for each of `nodes` (ids), a function of the graph alone: the same nodes and
    edges (in any order) give the same positions. No two nodes share a point, every coordinate
    is finite, and the time is O(n log n) in nodes and edges. The node of highest `weight`
    (default: its degree; ties by id) is the centre of its part."""
    ids = sorted(set(nodes))
    present = set(ids)
    neighbours: dict[str, set[str]] = {node: set() for node in ids}
    for source, target in edges:
        if source in present and target in present and source != target:
            neighbours[source].add(target)
            neighbours[target].add(source)
    rank = weight if weight is not None else {n: len(neighbours[n]) for n in ids}

    def priority(node: str) -> tuple[int, str]:
        return (-rank.get(node, 0), node)

    # Each neighbour list once, in priority order: the tree's children come out in that order.
    ordered = {node: sorted(neighbours[node], key=priority) for node in ids}
    placed: set[str] = set()
    parts: list[dict[str, Point]] = []
    for root in sorted(ids, key=priority):
        if root not in placed:
            parts.append(_radial_tree(root, ordered, placed))
    return _pack(parts)


def _radial_tree(root: str, ordered: Mapping[str, list[str]], placed: set[str]
                 ) -> dict[str, Point]:
    """The part of the graph reachable from `root`, as a breadth-first spanning tree drawn in
    rings around it; adds its nodes to `placed`."""
    placed.add(root)
    order = [root]
    children: dict[str, list[str]] = {}
    depth = {root: 0}
    for node in order:  # grows while it is read: a breadth-first walk
        kids = [n for n in ordered[node] if n not in placed]
        placed.update(kids)
        children[node] = kids
        for kid in kids:
            depth[kid] = depth[node] + 1
        order.extend(kids)
    leaves: dict[str, int] = {}
    for node in reversed(order):
        leaves[node] = sum(leaves[k] for k in children[node]) or 1
    # Each node gets a wedge of angle in proportion to its leaves and sits in its middle; its
    # children share its wedge, at most a half-turn of it (so a chain does not wrap back
    # around the centre), starting from the top.
    angle = {root: -math.pi / 2}
    wedge = {root: (-math.pi / 2 - math.pi, 2 * math.pi)}  # (start, width)
    for node in order:
        start, width = wedge[node]
        if node != root and width > math.pi:
            start, width = angle[node] - math.pi / 2, math.pi
        for kid in children[node]:
            share = width * leaves[kid] / leaves[node]
            wedge[kid] = (start, share)
            angle[kid] = start + share / 2
            start += share
    radius = _ring_radii(order, depth, angle)
    return {node: (STRETCH * radius[depth[node]] * math.cos(angle[node]),
                   radius[depth[node]] * math.sin(angle[node])) for node in order}


def _ring_radii(order: Sequence[str], depth: Mapping[str, int], angle: Mapping[str, float]
                ) -> list[float]:
    """Each ring's radius: at least `RING` beyond the one inside it, and wide enough that
    neighbours on it are `SPACING` apart (the chord between the two closest)."""
    rings: list[list[float]] = [[] for _ in range(max(depth.values()) + 1)]
    for node in order:
        rings[depth[node]].append(angle[node])
    radius = [0.0]
    for ring in rings[1:]:
        ring.sort()
        gaps = [b - a for a, b in itertools.pairwise(ring)] + [ring[0] + 2 * math.pi - ring[-1]]
        closest = min(min(gaps), math.pi)
        # Wedges are never empty, but a float sum of many tiny shares can round two angles
        # together: keep the ring finite and let the next one carry on.
        needed = SPACING / (2 * math.sin(closest / 2)) if closest > 1e-9 else 0.0
        radius.append(max(radius[-1] + RING, needed))
    return radius


def _pack(parts: Sequence[dict[str, Point]]) -> dict[str, Point]:
    """The parts side by side in rows (largest first, as they come), each in its own box with
    `MARGIN` around it, rows about `ASPECT` times wider than the whole is tall."""
    boxes = []
    for part in parts:
        xs = [p[0] for p in part.values()]
        ys = [p[1] for p in part.values()]
        boxes.append((min(xs) - MARGIN, min(ys) - MARGIN, max(xs) + MARGIN, max(ys) + MARGIN))
    area = sum((x1 - x0) * (y1 - y0) for x0, y0, x1, y1 in boxes)
    row_width = max([math.sqrt(area * ASPECT)] + [x1 - x0 for x0, _, x1, _ in boxes])
    positions: dict[str, Point] = {}
    x = y = row_height = 0.0
    for part, (x0, y0, x1, y1) in zip(parts, boxes, strict=True):
        if x > 0 and x + (x1 - x0) > row_width:
            x, y, row_height = 0.0, y + row_height, 0.0
        dx, dy = x - x0, y - y0
        for node, (px, py) in part.items():
            positions[node] = (round(px + dx, 1), round(py + dy, 1))
        x += x1 - x0
        row_height = max(row_height, y1 - y0)
    return positions
