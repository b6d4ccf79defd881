"""Where people sit on the drawn map: the self at the centre, the triangle of person around it.

The layout carries meaning so that past, current and therapy are readable at a glance without
colour: people related to the client are placed on closeness rings (inner, middle, outer circles
of an ecomap) in the sector of their corner — past upper-left, current upper-right, therapy at the
bottom, as Malan's triangle of person is usually drawn. People not related to the client directly
(a grandparent known only through the mother) are placed by a spring layout with everyone else
held fixed. Positions are computed in Python, deterministically (vis-network physics stays off):
people without a stored position are drawn where `place` puts them, which is not an edit; a drag or
*Re-arrange* stores positions. Nobody is placed on top of anyone else, names included: the room each
person takes is `labels.person_box`, and each newcomer goes where that room is free, so people added
later never move those placed before them.

Coordinates are vis-network pixels: x grows right, y grows *down*.
"""

from __future__ import annotations

import math
from collections import defaultdict

import networkx as nx

from ditmap import labels
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


def _ring_positions(members: list[str], corner: str, closeness: str, widest: float) -> dict[str, Position]:
    """Members spread evenly across their corner's sector on a closeness ring (grown if crowded)."""
    centre, half = SECTORS[corner]
    radius = RING_RADIUS[closeness]
    n = len(members)
    span = math.radians(2 * half)
    gap = max(MIN_GAP, widest)
    # Grow the radius when the sector arc cannot hold everyone a name's width apart.
    if n > 1 and radius * span / (n - 1) < gap:
        radius = gap * (n - 1) / span
    out: dict[str, Position] = {}
    for i, pid in enumerate(members):
        frac = 0.5 if n == 1 else i / (n - 1)
        # Past runs top→bottom-left, current top→bottom-right: order around the sector from the top.
        sign = -1 if corner == "current" else 1
        angle = math.radians(centre + sign * (frac - 0.5) * 2 * half)
        out[pid] = _at(radius * math.cos(angle), -radius * math.sin(angle))
    return out


class _Room:
    """The room people already placed take (their boxes, from `labels`), to place the next one clear of it."""

    def __init__(self, m: DitMap, centre: Position) -> None:
        me = m.self_person
        self.me = me.id if me is not None else None
        self.centre = centre
        self.lines = {p.id: labels.label_lines(p.alias) for p in m.people}
        self.shapes = {p.id: labels.shape_of(p.role, p.id == self.me) for p in m.people}
        self.grid = labels.Grid()
        self.points = labels.Grid(cell=NEAR)

    def box(self, pid: str, x: float, y: float) -> labels.Box:
        font = labels.person_font(False, pid == self.me)
        return labels.person_box(x, y, self.lines[pid], self.shapes[pid], font).padded(labels.PAD)

    def free(self, pid: str, x: float, y: float) -> bool:
        return not self.grid.hits(self.box(pid, x, y))

    def take(self, pid: str, pos: Position) -> None:
        self.grid.add(self.box(pid, pos.x, pos.y))
        self.points.add(labels.Box(pos.x, pos.y, pos.x, pos.y))

    def gap(self, x: float, y: float) -> float:
        """Distance to the nearest person placed (NEAR when nobody is that close)."""
        near = self.points._keys(labels.Box(x - NEAR, y - NEAR, x + NEAR, y + NEAR))
        return min((math.hypot(x - b.x0, y - b.y0) for k in near for b in self.points.cells.get(k, ())),
                   default=NEAR)

    def settle(self, pid: str, pos: Position) -> Position:
        """`pos`, or the first point straight outward from the centre where the person's box is clear."""
        dx, dy = pos.x - self.centre.x, pos.y - self.centre.y
        r = math.hypot(dx, dy)
        ux, uy = (dx / r, dy / r) if r > 1e-6 else (0.0, 1.0)
        for step in range(2000):
            at = _at(pos.x + ux * SETTLE_STEP * step, pos.y + uy * SETTLE_STEP * step)
            if self.free(pid, at.x, at.y):
                break
        return at


def _at(x: float, y: float) -> Position:
    """A position in whole pixels, as the drawing receives it (so the room checked is the room drawn)."""
    return Position(x=float(round(x)), y=float(round(y)))


NEAR = 400.0
SETTLE_STEP = 12.0


def _free_spot(pid: str, corner: str, closeness: str, room: _Room) -> Position:
    """The point of a corner's sector on a closeness ring (or a little further out) where the person's box
    is clear of everyone's, farthest from the people placed; ties go to the sector's centre."""
    centre, half = SECTORS[corner]
    cx, cy = room.centre.x, room.centre.y
    best: tuple[float, Position] | None = None
    for step in range(12):  # the ring, then a little further out while the ring is full
        radius = RING_RADIUS[closeness] + step * MIN_GAP * 0.6
        for i in range(25):  # from the sector's centre outward, so ties go to the centre
            offset = half * ((i + 1) // 2) / 12 * (1 if i % 2 else -1)
            angle = math.radians(centre + offset)
            x, y = float(round(cx + radius * math.cos(angle))), float(round(cy - radius * math.sin(angle)))
            if not room.free(pid, x, y):
                continue
            gap = room.gap(x, y)
            if best is None or gap > best[0] + 1.0:  # whole pixels: nearly equal is a tie
                best = (gap, Position(x=x, y=y))
        if best is not None and best[0] >= MIN_GAP:
            return best[1]
    if best is not None:
        return best[1]
    angle = math.radians(centre)
    return room.settle(pid, _at(cx + RING_RADIUS[closeness] * math.cos(angle),
                                cy - RING_RADIUS[closeness] * math.sin(angle)))


def place(m: DitMap, *, relayout: bool = False, seed: int = 7) -> dict[str, Position]:
    """A position for every person. Existing positions are kept unless `relayout` is true.

    Deterministic for a given map and seed, so two devices computing a layout agree. Nobody newly
    placed overlaps anyone else, names included (`labels`): a newcomer takes the freest clear spot
    on their ring, one after another in the map's order, so people added later never move those
    placed before them.
    """
    kept = {} if relayout else {p.id: p.position for p in m.people if p.position is not None}
    missing = [p for p in m.people if p.id not in kept]
    if not missing:
        return dict(kept)

    me = m.self_person
    placed: dict[str, Position] = dict(kept)
    if me is not None and me.id not in placed:
        placed[me.id] = Position(x=0.0, y=0.0)
    room = _Room(m, placed[me.id] if me is not None else Position(x=0.0, y=0.0))
    for pid, pos in placed.items():
        room.take(pid, pos)

    # People related to the client: group by (corner, closeness) ring, order within each ring.
    to_self: dict[str, list[Relationship]] = defaultdict(list)
    if me is not None:
        for r in m.relationships:
            if me.id in (r.source, r.target):
                to_self[r.target if r.source == me.id else r.source].append(r)
    ring_of: dict[str, tuple[str, str]] = {}
    for p in missing:
        if p.id in placed or p.id not in to_self:
            continue
        a = _anchor(to_self[p.id])
        ring_of[p.id] = (a.corner, a.closeness)
    if relayout:
        rings: dict[tuple[str, str], list[str]] = defaultdict(list)
        for pid, ring in ring_of.items():
            rings[ring].append(pid)
        for (corner, closeness), members in sorted(rings.items(), key=lambda kv: (
                CORNER_ORDER.index(kv[0][0]), CLOSENESS_ORDER.index(kv[0][1]))):
            widest = max(room.box(pid, 0, 0).x1 - room.box(pid, 0, 0).x0 for pid in members)
            for pid, pos in _ring_positions(members, corner, closeness, widest).items():
                placed[pid] = room.settle(pid, _at(pos.x + room.centre.x, pos.y + room.centre.y))
                room.take(pid, placed[pid])
    else:
        # Existing people never move: each newcomer, in the map's order, takes the freest clear spot.
        for pid, (corner, closeness) in ring_of.items():
            placed[pid] = _free_spot(pid, corner, closeness, room)
            room.take(pid, placed[pid])

    # Everyone else: spring layout around the fixed ones, then each moved clear of the rest.
    rest = [p.id for p in missing if p.id not in placed]
    if rest:
        for pid, pos in _spring(m, placed, rest, seed).items():
            placed[pid] = room.settle(pid, pos)
            room.take(pid, placed[pid])
    return placed


def _spring(m: DitMap, fixed: dict[str, Position], free: list[str], seed: int) -> dict[str, Position]:
    g = nx.Graph()
    g.add_nodes_from(p.id for p in m.people)
    g.add_edges_from((r.source, r.target) for r in m.relationships)
    if not fixed:
        raw = nx.spring_layout(g.subgraph(free), seed=seed, scale=RING_RADIUS["middle"], method="force")
        return {n: _at(float(x), float(y)) for n, (x, y) in raw.items()}
    # Unconnected newcomers would drift to the middle of the map: start them on an outer ring.
    start = {pid: (pos.x, pos.y) for pid, pos in fixed.items()}
    outer = RING_RADIUS["outer"] + MIN_GAP
    for i, pid in enumerate(free):
        angle = 2 * math.pi * i / max(len(free), 1) + 0.3
        start[pid] = (outer * math.cos(angle), outer * math.sin(angle))
    # Only people with relationships have anything to pull them: the unconnected keep their ring spot (and
    # a map of many unconnected people costs nothing). "force" is networkx's own numpy method: its "auto"
    # switches to a scipy-only one at 500 people, and scipy is not a dependency.
    moving = [pid for pid in free if g.degree(pid) > 0]
    if not moving:
        return {pid: _at(*start[pid]) for pid in free}
    sub = g.subgraph([*fixed, *moving])
    raw = nx.spring_layout(sub, pos={pid: start[pid] for pid in sub}, fixed=list(fixed), seed=seed,
                           k=MIN_GAP * 1.5, iterations=60, method="force")
    raw = {**{pid: start[pid] for pid in free}, **raw}
    # Spring steps scale with the spread of the fixed people, so one person dragged far away could
    # fling newcomers off the map: keep them within the box the starting positions span.
    xs, ys = [x for x, _ in start.values()], [y for _, y in start.values()]
    box = (min(xs) - MIN_GAP, max(xs) + MIN_GAP, min(ys) - MIN_GAP, max(ys) + MIN_GAP)

    def clamp(v: float, lo: float, hi: float) -> float:
        return float(round(min(max(float(v), lo), hi)))

    return {pid: Position(x=clamp(raw[pid][0], box[0], box[1]), y=clamp(raw[pid][1], box[2], box[3]))
            for pid in free}
