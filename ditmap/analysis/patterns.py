"""Pattern recurrence: how widely, in which corners and how strongly each pattern is enacted.

DIT looks for the pattern that repeats across Malan's triangle of person — past relationships,
current relationships and the therapy relationship — and Luborsky's CCRT calls the share of a
client's relationship episodes that show a theme its *pervasiveness*. The measures here count
*distinct relationships* (a pattern noted five times in one relationship is one relationship),
over the relationships a pattern could show in (`eligible_relationships`).
See docs/analysis.md for the formulas and their limits.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from ditmap.analysis.graphs import Links
from ditmap.model import DitMap
from ditmap.vocab import CORNERS

MAX_STRENGTH = 3


@dataclass(frozen=True, slots=True)
class CornerFigures:
    """One corner of the triangle for one pattern: `enacting` of `eligible` relationships."""

    corner: str
    enacting: int
    eligible: int
    pervasiveness: float | None  # enacting / eligible; None when the corner has no eligible relationship
    strength: int  # strongest strength noted in this corner, 0 when absent


@dataclass(frozen=True, slots=True)
class CoOccurrence:
    """Another pattern enacted in some of the same relationships."""

    pattern: str
    label: str
    shared: int  # relationships enacting both
    jaccard: float  # shared / relationships enacting either


@dataclass(frozen=True, slots=True)
class PatternFigures:
    """Everything the analysis says about one pattern."""

    id: str
    label: str
    status: str
    agreed: bool  # shown in the reasons; never part of the recurrence score
    relationships: tuple[str, ...]  # ids of the relationships enacting it, in map order
    enacting: int  # how many distinct relationships enact it
    eligible: int  # relationships it could show in (denominator of pervasiveness)
    pervasiveness: float | None
    weighted_pervasiveness: float
    corners: tuple[CornerFigures, ...]  # past, current, therapy
    corners_covered: tuple[str, ...]
    corners_available: tuple[str, ...]
    coverage: float
    in_therapy: bool
    mean_strength: float | None
    enactments: int  # enactment records (notings), counting repeats
    co_occurrence: tuple[CoOccurrence, ...]
    recurrence: float
    rank: int


def eligible_relationships(m: DitMap, by_relationship: Links, me: str | None) -> list[str]:
    """The relationships a pattern of the client's could show in: the denominator of pervasiveness.

    These are the client's own relationships (those that involve the self), plus any relationship
    between two other people that has been linked to at least one pattern (the client's parents'
    marriage, when the pair saw the pattern there). A relationship between others that no pattern
    is linked to is context, not a missed occurrence: counting it would make a pattern look less
    pervasive just because the family was drawn in more detail. Without a self node every
    relationship is eligible.

    >>> # self–mum, self–dad, mum–dad (no pattern): 2 eligible; if mum–dad enacts a pattern: 3.
    """
    out = []
    for r in m.relationships:
        if me is None or me in (r.source, r.target) or r.id in by_relationship:
            out.append(r.id)
    return out


def pervasiveness(enacting_ids: Iterable[str], eligible_ids: Iterable[str]) -> float | None:
    """CCRT-style pervasiveness: share of eligible relationships enacting the pattern.

    Luborsky & Crits-Christoph 1998. None when nothing is eligible.

    >>> pervasiveness({"r1", "r2"}, {"r1", "r2", "r3", "r4"})
    0.5
    """
    eligible = set(eligible_ids)
    if not eligible:
        return None
    return len(eligible.intersection(enacting_ids)) / len(eligible)


def weighted_pervasiveness(strengths: Mapping[str, int], eligible_ids: Iterable[str]) -> float:
    """Strength-weighted pervasiveness: Σ (strength / 3) over enacting relationships, / eligible.

    Equals pervasiveness × mean strength / 3; 1.0 means every eligible relationship enacts the
    pattern at full strength.

    >>> weighted_pervasiveness({"r1": 3, "r2": 1}, ["r1", "r2", "r3", "r4"])
    0.3333333333333333
    """
    eligible = set(eligible_ids)
    if not eligible:
        return 0.0
    return sum(s for r, s in strengths.items() if r in eligible) / MAX_STRENGTH / len(eligible)


def corner_coverage(corner_strengths: Mapping[str, int], corners_available: Iterable[str]) -> float:
    """Strength-weighted share of the triangle's corners the pattern reaches.

    Σ over available corners of (strongest strength in that corner / 3), / number of available
    corners. A corner is *available* when the map has an eligible relationship in it (a map with no
    therapy relationship yet is not held against any pattern). Malan 1979: recurrence in all three
    corners is the strongest evidence that a pattern is central.

    >>> corner_coverage({"past": 3, "current": 2, "therapy": 0}, ["past", "current", "therapy"])
    0.5555555555555556
    """
    available = list(corners_available)
    if not available:
        return 0.0
    return sum(corner_strengths.get(c, 0) for c in available) / MAX_STRENGTH / len(available)


def recurrence_score(weighted_perv: float, coverage: float) -> float:
    """The recurrence score used to rank patterns: the mean of the two kinds of breadth.

    recurrence = ½ · weighted pervasiveness (across relationships, CCRT) + ½ · corner coverage
    (across the triangle of person, Malan). In [0, 1]. Agreement is deliberately not part of it.

    >>> recurrence_score(0.5, 1.0)
    0.75
    """
    return (weighted_perv + coverage) / 2


def jaccard(a: set[str], b: set[str]) -> float:
    """|a ∩ b| / |a ∪ b|: how much two patterns live in the same relationships (0 when both empty).

    >>> jaccard({"r1", "r2"}, {"r2", "r3"})
    0.3333333333333333
    """
    union = len(a | b)
    return len(a & b) / union if union else 0.0


def co_occurrence(by_relationship: Links) -> dict[str, dict[str, int]]:
    """Pattern id → {other pattern id: number of relationships enacting both}.

    Walks each relationship's patterns (Σ deg² work, on the pattern graph), so many patterns stay cheap.

    >>> co_occurrence({"r1": {"a": {}, "b": {}}, "r2": {"a": {}, "b": {}}, "r3": {"a": {}}})
    {'a': {'b': 2}, 'b': {'a': 2}}
    """
    shared: dict[str, dict[str, int]] = {}
    for pats in by_relationship.values():
        if len(pats) < 2:
            continue
        ids = list(pats)
        for a in ids:
            row = shared.setdefault(a, {})
            for b in ids:
                if a != b:
                    row[b] = row.get(b, 0) + 1
    return shared


def pattern_figures(m: DitMap, by_pattern: Links, by_relationship: Links,
                    me: str | None) -> tuple[PatternFigures, ...]:
    """Figures for every pattern, ranked by recurrence (then title, then id)."""
    rel_by_id = m.relationships_by_id
    eligible = eligible_relationships(m, by_relationship, me)
    eligible_set = set(eligible)
    eligible_by_corner = {c: 0 for c in CORNERS}
    for rid in eligible:
        eligible_by_corner[rel_by_id[rid].corner] += 1
    available = tuple(c for c in CORNERS if eligible_by_corner[c])
    order = {r.id: i for i, r in enumerate(m.relationships)}
    shared = co_occurrence(by_relationship)
    strengths_of = {p.id: {r: d["weight"] for r, d in by_pattern.get(p.id, {}).items()} for p in m.patterns}

    rows = []
    for p in m.patterns:
        strengths = {r: s for r, s in strengths_of[p.id].items() if r in eligible_set}
        per_corner_n = {c: 0 for c in CORNERS}
        per_corner_s = {c: 0 for c in CORNERS}
        for rid, s in strengths.items():
            c = rel_by_id[rid].corner
            per_corner_n[c] += 1
            per_corner_s[c] = max(per_corner_s[c], s)
        corners = tuple(
            CornerFigures(c, per_corner_n[c], eligible_by_corner[c],
                          per_corner_n[c] / eligible_by_corner[c] if eligible_by_corner[c] else None,
                          per_corner_s[c])
            for c in CORNERS)
        wp = weighted_pervasiveness(strengths, eligible_set)
        cov = corner_coverage(per_corner_s, available)
        mine = set(strengths)
        co = []
        for other, n in shared.get(p.id, {}).items():
            theirs = set(strengths_of.get(other, {}))
            co.append(CoOccurrence(other, m.label_of("pattern", other), n, jaccard(mine, theirs)))
        co.sort(key=lambda c: (-c.jaccard, -c.shared, c.label, c.pattern))
        records = sum(d["enactments"] for d in by_pattern.get(p.id, {}).values())
        rows.append(dict(
            id=p.id, label=p.title, status=p.status, agreed=p.status == "agreed",
            relationships=tuple(sorted(strengths, key=order.__getitem__)),
            enacting=len(strengths), eligible=len(eligible),
            pervasiveness=len(strengths) / len(eligible) if eligible else None,
            weighted_pervasiveness=wp, corners=corners,
            corners_covered=tuple(c for c in CORNERS if per_corner_n[c]),
            corners_available=available, coverage=cov,
            in_therapy=per_corner_n["therapy"] > 0,
            mean_strength=sum(strengths.values()) / len(strengths) if strengths else None,
            enactments=records, co_occurrence=tuple(co),
            recurrence=round(recurrence_score(wp, cov), 12),  # rounded: equal evidence, equal score
        ))
    rows.sort(key=lambda r: (-r["recurrence"], r["label"], r["id"]))
    return tuple(PatternFigures(rank=i + 1, **row) for i, row in enumerate(rows))
