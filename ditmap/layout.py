"""Where people sit on the drawn map: the self at the centre, the triangle of person around it.

The layout carries meaning so that past, current and therapy are readable at a glance without
colour: people related to the client are placed on closeness rings (inner, middle, outer circles
of an ecomap) in the sector of their corner — past upper-left, current upper-right, therapy at the
bottom, as Malan's triangle of person is usually drawn. People not related to the client directly
(a grandparent known only through the mother) are placed by a spring layout with everyone else
held fixed. Positions are computed in Python, once, and stored in the map, so the drawing never
jumps between reruns (vis-network physics stays off).

Coordinates are vis-network pixels: x grows right, y grows *down*.
"""

from __future__ import annotations

import math
from collections import defaultdict

import networkx as nx

from ditmap.model import DitMap, Position, Relationship

RING_RADIUS: dict[str, float] = {"inner": 190.0, "middle": 330.0, "outer": 470.0}
MIN_GAP = 95.0
"""Least arc length between two people on a ring, in pixels; a crowded ring grows outward."""

# Sector centre (degrees, mathematical convention: 0 = right, 90 = up) and half-width per corner.
SECTORS: dict[str, tuple[float, float]] = {
    "past": (150.0, 58.0),
    "current": (30.0, 58.0),
    "therapy": (270.0, 40.0),
}
CORNER_ORDER = ("past", "current", "therapy")
CLOSENESS_ORDER = ("inner", "middle", "outer")


def _anchor(relationships: list[Relationship]) -> Relationship:
    """The relationship that places a person: therapy first, then the most intense, then the closest."""
    return min(relationships, key=lambda r: (r.corner != "therapy", -r.intensity,
                                             CLOSENESS_ORDER.index(r.closeness), r.id))


def _ring_positions(members: list[str], corner: str, closeness: str) -> dict[str, Position]:
    centre, half = SECTORS[corner]
    radius = RING_RADIUS[closeness]
    n = len(members)
    span = math.radians(2 * half)
    # Grow the radius when the sector arc cannot hold everyone at MIN_GAP apart.
    if n > 1 and radius * span / (n - 1) < MIN_GAP:
        radius = MIN_GAP * (n - 1) / span
    out: dict[str, Position] = {}
    for i, pid in enumerate(members):
        frac = 0.5 if n == 1 else i / (n - 1)
        # Past runs top→bottom-left, current top→bottom-right: order around the sector from the top.
        sign = 1 if corner == "past" else -1
        angle = math.radians(centre + sign * (frac - 0.5) * 2 * half * (1 if n > 1 else 0))
        if corner == "therapy":
            angle = math.radians(centre + (frac - 0.5) * 2 * half)
        out[pid] = Position(x=round(radius * math.cos(angle), 1), y=round(-radius * math.sin(angle), 1))
    return out


def _free_spot(corner: str, closeness: str, placed: dict[str, Position]) -> Position:
    """The point of a corner's sector on a closeness ring farthest from everyone already placed."""
    centre, half = SECTORS[corner]
    best: tuple[float, Position] | None = None
    for step in range(4):  # the ring, then a little further out if the ring is full
        radius = RING_RADIUS[closeness] + step * MIN_GAP * 0.6
        for i in range(25):  # from the sector's centre outward, so ties go to the centre
            offset = half * ((i + 1) // 2) / 12 * (1 if i % 2 else -1)
            angle = math.radians(centre + offset)
            cand = Position(x=round(radius * math.cos(angle), 1), y=round(-radius * math.sin(angle), 1))
            gap = min((math.hypot(cand.x - q.x, cand.y - q.y) for q in placed.values()), default=math.inf)
            if best is None or gap > best[0] + 1e-9:
                best = (gap, cand)
        if best[0] >= MIN_GAP:
            break
    assert best is not None
    return best[1]


def place(m: DitMap, *, relayout: bool = False, seed: int = 7) -> dict[str, Position]:
    """A position for every person. Existing positions are kept unless `relayout` is true.

    Deterministic for a given map and seed, so two devices computing a layout agree.
    """
    kept = {} if relayout else {p.id: p.position for p in m.people if p.position is not None}
    missing = [p for p in m.people if p.id not in kept]
    if not missing:
        return dict(kept)

    me = m.self_person
    placed: dict[str, Position] = dict(kept)
    if me is not None and me.id not in placed:
        placed[me.id] = Position(x=0.0, y=0.0)

    # People related to the client: group by (corner, closeness) ring, order within each ring.
    to_self: dict[str, list[Relationship]] = defaultdict(list)
    if me is not None:
        for r in m.relationships:
            if me.id in (r.source, r.target):
                to_self[r.target if r.source == me.id else r.source].append(r)
    rings: dict[tuple[str, str], list[str]] = defaultdict(list)
    order = {p.id: i for i, p in enumerate(m.people)}
    for p in missing:
        if p.id in placed or p.id not in to_self:
            continue
        a = _anchor(to_self[p.id])
        rings[(a.corner, a.closeness)].append(p.id)
    for (corner, closeness), members in rings.items():
        members = sorted(members, key=order.__getitem__)
        if relayout or not (kept.keys() - {me.id if me else ""}):
            placed.update(_ring_positions(members, corner, closeness))
        else:
            # Existing people never move: each newcomer takes the freest spot on their ring.
            for pid in members:
                placed[pid] = _free_spot(corner, closeness, placed)

    # Everyone else: spring layout around the fixed ones.
    rest = [p.id for p in missing if p.id not in placed]
    if rest:
        placed.update(_spring(m, placed, rest, seed))
    return placed


def _spring(m: DitMap, fixed: dict[str, Position], free: list[str], seed: int) -> dict[str, Position]:
    g = nx.Graph()
    g.add_nodes_from(p.id for p in m.people)
    g.add_edges_from((r.source, r.target) for r in m.relationships)
    if not fixed:
        raw = nx.spring_layout(g.subgraph(free), seed=seed, scale=RING_RADIUS["middle"])
        return {n: Position(x=round(float(x), 1), y=round(float(y), 1)) for n, (x, y) in raw.items()}
    # Unconnected newcomers would drift to the middle of the map: start them on an outer ring.
    start = {pid: (pos.x, pos.y) for pid, pos in fixed.items()}
    outer = RING_RADIUS["outer"] + MIN_GAP
    for i, pid in enumerate(free):
        angle = 2 * math.pi * i / max(len(free), 1) + 0.3
        start[pid] = (outer * math.cos(angle), outer * math.sin(angle))
    sub = g.subgraph(list(start))
    raw = nx.spring_layout(sub, pos=start, fixed=list(fixed), seed=seed, k=MIN_GAP * 1.5, iterations=60)
    # Spring steps scale with the spread of the fixed people, so one person dragged far away could
    # fling newcomers off the map: keep them within the box the starting positions span.
    xs, ys = [x for x, _ in start.values()], [y for _, y in start.values()]
    box = (min(xs) - MIN_GAP, max(xs) + MIN_GAP, min(ys) - MIN_GAP, max(ys) + MIN_GAP)

    def clamp(v: float, lo: float, hi: float) -> float:
        return round(min(max(float(v), lo), hi), 1)

    return {pid: Position(x=clamp(raw[pid][0], box[0], box[1]), y=clamp(raw[pid][1], box[2], box[3]))
            for pid in free}
