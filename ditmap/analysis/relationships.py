"""Relationships: how loaded each is, how much of the focal pattern it carries, and which
current relationships are where the pair could work on the focus now.

The *focal pattern* is the focus the pair works on: the agreed pattern (the agreed one with the
highest recurrence if several are agreed), or, before any is agreed, the pattern with the highest
recurrence that is enacted at all. Agreement chooses which pattern is followed here; it never
changes a pattern's recurrence rank.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ditmap.analysis.graphs import Links
from ditmap.analysis.patterns import MAX_STRENGTH, PatternFigures
from ditmap.model import DitMap

MAX_INTENSITY = 5
WORK_ON_NOW_MIN_INTENSITY = 3
"""'Intense' for a relationship to work on now: at least the middle of the 1–5 scale."""


@dataclass(frozen=True, slots=True)
class RelationshipFigures:
    """Everything the analysis says about one relationship."""

    id: str
    label: str
    source: str
    target: str
    other: str | None  # the person who is not the client, when the client is one end
    corner: str
    kind: str
    intensity: int
    closeness: str
    involves_self: bool
    alive: bool  # both people alive
    patterns: tuple[str, ...]  # patterns enacted in it
    enactments: int  # enactment records
    load: float  # intensity / 5
    focal_strength: int  # strongest strength of the focal pattern here, 0 if not enacted
    focal_share: float  # this relationship's share of the focal pattern's Σ strengths
    work_on_now: bool
    score: float  # 'work on now' score in [0, 1]; 0 unless work_on_now


def focal_pattern(patterns: Sequence[PatternFigures]) -> str | None:
    """The pattern the pair is following: the best-ranked agreed pattern, else the best-ranked enacted one.

    `patterns` must be in rank order (as `pattern_figures` returns them).
    """
    agreed = [p for p in patterns if p.status == "agreed"]
    if agreed:
        return agreed[0].id
    enacted = [p for p in patterns if p.enacting]
    return enacted[0].id if enacted else None


def work_on_now_score(intensity: int, focal_strength: int) -> float:
    """Mean of intensity / 5 and focal strength / 3: how loaded, and how strongly the focus shows.

    >>> work_on_now_score(5, 3), work_on_now_score(3, 1)
    (1.0, 0.4666666666666667)
    """
    return (intensity / MAX_INTENSITY + focal_strength / MAX_STRENGTH) / 2


def relationship_figures(m: DitMap, by_relationship: Links, me: str | None,
                         focal: str | None) -> tuple[RelationshipFigures, ...]:
    """Figures for every relationship, in map order.

    A relationship is one to *work on now* when it is in the current corner, involves the client
    (when the map has a self), both people are alive, its intensity is at least 3 of 5, and the
    focal pattern is enacted in it: where the pattern is live and change can be tried.
    """
    people = m.people_by_id
    empty: dict[str, dict] = {}
    focal_total = sum(ps[focal]["weight"] for ps in by_relationship.values() if focal in ps) if focal else 0
    pattern_order = {p.id: i for i, p in enumerate(m.patterns)}
    out = []
    for r in m.relationships:
        ps = by_relationship.get(r.id, empty)
        involves_self = me is not None and me in (r.source, r.target)
        other = (r.target if r.source == me else r.source) if involves_self else None
        a, b = people.get(r.source), people.get(r.target)
        alive = (a is None or a.alive) and (b is None or b.alive)
        fs = ps[focal]["weight"] if focal in ps else 0
        now = (r.corner == "current" and (me is None or involves_self) and alive
               and r.intensity >= WORK_ON_NOW_MIN_INTENSITY and fs > 0)
        records = sum(d["enactments"] for d in ps.values())
        out.append(RelationshipFigures(
            id=r.id, label=m.label_of("relationship", r.id), source=r.source, target=r.target,
            other=other, corner=r.corner, kind=r.kind, intensity=r.intensity, closeness=r.closeness,
            involves_self=involves_self, alive=alive,
            patterns=tuple(sorted(ps, key=pattern_order.__getitem__)) if ps else (), enactments=records,
            load=r.intensity / MAX_INTENSITY, focal_strength=fs,
            focal_share=fs / focal_total if focal_total else 0.0,
            work_on_now=now, score=round(work_on_now_score(r.intensity, fs), 12) if now else 0.0))
    return tuple(out)
