"""Pattern recurrence on small hand-built maps; every expected value is worked out by hand below."""

from __future__ import annotations

import datetime as dt

import pytest

from ditmap.analysis import analyze
from ditmap.model import DitMap, Enactment, Pattern, Person, Relationship


def build(people, rels, patterns=(), enactments=()) -> DitMap:
    """people: (id, role); rels: (id, source, target, corner, intensity);
    patterns: (id, title, status); enactments: (id, pattern, relationship, strength, session)."""
    return DitMap(
        people=tuple(Person(id=i, alias=i.capitalize(), role=r) for i, r in people),
        relationships=tuple(Relationship(id=i, source=s, target=t, corner=c, intensity=n)
                            for i, s, t, c, n in rels),
        patterns=tuple(Pattern(id=i, title=t, status=st, agreed_on=dt.date(2026, 1, 5) if st == "agreed" else None)
                       for i, t, st in patterns),
        enactments=tuple(Enactment(id=i, pattern=p, relationship=r, strength=s, session=n)
                         for i, p, r, s, n in enactments),
    )


PEOPLE = [("self", "self"), ("mum", "mother"), ("dad", "father"), ("sam", "partner"), ("boss", "manager")]
RELS = [
    ("r1", "self", "mum", "past", 5),
    ("r2", "self", "dad", "past", 3),
    ("r3", "self", "sam", "current", 4),
    ("r4", "self", "boss", "current", 4),
    ("r5", "mum", "dad", "past", 4),  # between two other people
]


def test_pattern_in_three_of_four_client_relationships_across_two_corners():
    # A in r1 (3), r3 (2, then 1 later: max 2), r4 (1). r5 enacts nothing, so it is context:
    # eligible = r1..r4 = 4 (2 past, 2 current, no therapy relationship at all).
    m = build(PEOPLE, RELS, [("a", "Alpha", "draft")],
              [("e1", "a", "r1", 3, 1), ("e2", "a", "r3", 2, 2), ("e3", "a", "r3", 1, 9), ("e4", "a", "r4", 1, 3)])
    p = analyze(m).pattern("a")
    assert (p.enacting, p.eligible) == (3, 4)
    assert p.relationships == ("r1", "r3", "r4")
    assert p.pervasiveness == pytest.approx(3 / 4)
    corners = {c.corner: c for c in p.corners}
    assert (corners["past"].enacting, corners["past"].eligible, corners["past"].pervasiveness) == (1, 2, 0.5)
    assert (corners["current"].enacting, corners["current"].eligible, corners["current"].pervasiveness) == (2, 2, 1.0)
    assert corners["therapy"].pervasiveness is None and corners["therapy"].eligible == 0
    assert p.corners_covered == ("past", "current")
    assert p.corners_available == ("past", "current")
    assert not p.in_therapy
    assert p.mean_strength == pytest.approx((3 + 2 + 1) / 3)  # strongest per relationship
    assert p.enactments == 4
    # weighted pervasiveness = (3+2+1)/3 / 4 = 0.5; coverage = (3/3 + 2/3) / 2 = 5/6
    assert p.weighted_pervasiveness == pytest.approx(0.5)
    assert p.coverage == pytest.approx(5 / 6)
    assert p.recurrence == pytest.approx((0.5 + 5 / 6) / 2)


def test_relationship_between_others_counts_once_linked_to_a_pattern():
    # B in r2 (2) and in the parents' relationship r5 (3): r5 becomes eligible for every pattern.
    # eligible = 5 (past r1 r2 r5, current r3 r4).
    m = build(PEOPLE, RELS, [("a", "Alpha", "draft"), ("b", "Beta", "draft"), ("c", "Gamma", "draft")],
              [("e1", "a", "r1", 3, 1), ("e2", "a", "r3", 2, 2), ("e4", "a", "r4", 1, 3),
               ("e5", "b", "r2", 2, 1), ("e6", "b", "r5", 3, 2),
               ("e7", "c", "r3", 1, 4), ("e8", "c", "r4", 1, 4)])
    an = analyze(m)
    a, b, c = an.pattern("a"), an.pattern("b"), an.pattern("c")
    assert (a.enacting, a.eligible) == (3, 5)
    assert {x.corner: x.pervasiveness for x in a.corners}["past"] == pytest.approx(1 / 3)
    # A: wp = 6/3/5 = 0.4; coverage = (1 + 2/3)/2 = 5/6 -> (0.4 + 5/6)/2
    assert a.recurrence == pytest.approx((0.4 + 5 / 6) / 2)
    # B: past 2 of 3, current 0 of 2; wp = 5/3/5 = 1/3; coverage = (1 + 0)/2 = 0.5
    assert (b.enacting, b.pervasiveness) == (2, pytest.approx(0.4))
    assert {x.corner: x.pervasiveness for x in b.corners}["past"] == pytest.approx(2 / 3)
    assert b.recurrence == pytest.approx((1 / 3 + 0.5) / 2)
    # C: r3 r4 at 1; wp = 2/3/5; coverage = (0 + 1/3)/2
    assert c.recurrence == pytest.approx((2 / 15 + 1 / 6) / 2)
    assert [p.id for p in an.patterns] == ["a", "b", "c"]
    assert [p.rank for p in an.patterns] == [1, 2, 3]
    # co-occurrence: A and C share r3 and r4; A has {r1,r3,r4}, C {r3,r4}: Jaccard 2/3; B shares nothing
    (co,) = a.co_occurrence
    assert (co.pattern, co.shared, co.jaccard) == ("c", 2, pytest.approx(2 / 3))
    assert b.co_occurrence == ()


def test_all_three_corners_beats_more_relationships_in_one_corner():
    # Malan's triangle: W is in one relationship per corner at strength 2; X in three current ones at 3.
    people = [("self", "self"), ("mum", "mother"), ("a", "friend"), ("b", "friend"), ("c", "colleague"),
              ("t", "therapist")]
    rels = [("r1", "self", "mum", "past", 4), ("r2", "self", "a", "current", 3), ("r3", "self", "b", "current", 3),
            ("r4", "self", "c", "current", 3), ("r5", "self", "t", "therapy", 3)]
    m = build(people, rels, [("w", "Wide", "draft"), ("x", "Narrow", "draft")],
              [("e1", "w", "r1", 2, 1), ("e2", "w", "r2", 2, 2), ("e3", "w", "r5", 2, 3),
               ("e4", "x", "r2", 3, 1), ("e5", "x", "r3", 3, 2), ("e6", "x", "r4", 3, 3)])
    an = analyze(m)
    # W: wp = 6/3/5 = 0.4, coverage = 6/3/3 = 2/3 -> 0.5333; X: wp = 9/3/5 = 0.6, coverage = 1/3 -> 0.4667
    assert an.pattern("w").recurrence == pytest.approx((0.4 + 2 / 3) / 2)
    assert an.pattern("x").recurrence == pytest.approx((0.6 + 1 / 3) / 2)
    assert an.patterns[0].id == "w"
    assert an.pattern("w").in_therapy and not an.pattern("x").in_therapy


def test_agreement_gives_no_bonus_in_the_ranking():
    rels_enact = [("e1", "a", "r1", 3, 1), ("e2", "a", "r3", 3, 2), ("e3", "b", "r4", 1, 2)]
    draft = analyze(build(PEOPLE, RELS, [("a", "Alpha", "draft"), ("b", "Beta", "draft")], rels_enact))
    agreed = analyze(build(PEOPLE, RELS, [("a", "Alpha", "draft"), ("b", "Beta", "agreed")], rels_enact))
    assert [p.id for p in agreed.patterns] == [p.id for p in draft.patterns] == ["a", "b"]
    assert agreed.pattern("b").recurrence == draft.pattern("b").recurrence
    top = next(s for s in agreed.suggestions if s.kind == "pattern")
    assert top.id == "a"
    # agreement may be mentioned in the reasons of the agreed pattern, and only there
    reasons = {s.id: s.reasons.clinician for s in agreed.suggestions if s.kind == "pattern"}
    assert "agreed focus" in reasons["b"] and "agreed focus" not in reasons["a"]


def test_ties_are_ordered_by_title_then_id():
    # three patterns with identical evidence (each in one current relationship at strength 2)
    m = build(PEOPLE, RELS, [("z2", "Same", "draft"), ("z1", "Same", "draft"), ("y", "Earlier title", "draft")],
              [("e1", "z2", "r3", 2, 1), ("e2", "z1", "r4", 2, 1), ("e3", "y", "r3", 2, 1)])
    an = analyze(m)
    assert len({p.recurrence for p in an.patterns}) == 1
    assert [p.id for p in an.patterns] == ["y", "z1", "z2"]
    assert [s.id for s in an.suggestions if s.kind == "pattern"] == ["y", "z1", "z2"]


def test_pattern_never_enacted_has_zero_figures_and_no_suggestion():
    m = build(PEOPLE, RELS, [("a", "Alpha", "draft"), ("n", "Never", "draft")], [("e1", "a", "r1", 2, 1)])
    an = analyze(m)
    n = an.pattern("n")
    assert (n.enacting, n.pervasiveness, n.recurrence, n.mean_strength, n.corners_covered) == (0, 0.0, 0.0, None, ())
    assert n.rank == 2
    assert "n" not in {s.id for s in an.suggestions}


def test_repeated_notings_in_one_relationship_count_once():
    m = build(PEOPLE, RELS, [("a", "Alpha", "draft")],
              [(f"e{i}", "a", "r3", 1 + i % 3, i + 1) for i in range(6)])
    p = analyze(m).pattern("a")
    assert (p.enacting, p.enactments, p.mean_strength) == (1, 6, 3.0)


def test_map_without_a_self_counts_every_relationship():
    people = [("mum", "mother"), ("dad", "father"), ("sis", "sibling")]
    rels = [("r1", "mum", "dad", "past", 3), ("r2", "dad", "sis", "current", 3), ("r3", "mum", "sis", "current", 3)]
    p = analyze(build(people, rels, [("a", "Alpha", "draft")], [("e1", "a", "r2", 3, None)])).pattern("a")
    assert (p.enacting, p.eligible) == (1, 3)
