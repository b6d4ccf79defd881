"""Relationships to work on now and the focal pattern, on hand-built maps (values by hand)."""

from __future__ import annotations

import datetime as dt

import pytest

from ditmap.analysis import analyze
from ditmap.model import DitMap, Enactment, Pattern, Person, Relationship


def build(people, rels, patterns=(), enactments=()) -> DitMap:
    """people: (id, role, alive); rels: (id, source, target, corner, intensity, closeness)."""
    return DitMap(
        people=tuple(Person(id=i, alias=i.capitalize(), role=r, alive=a) for i, r, a in people),
        relationships=tuple(Relationship(id=i, source=s, target=t, corner=c, intensity=n, closeness=cl)
                            for i, s, t, c, n, cl in rels),
        patterns=tuple(Pattern(id=i, title=t, status=st, agreed_on=dt.date(2026, 2, 1) if st == "agreed" else None)
                       for i, t, st in patterns),
        enactments=tuple(Enactment(id=i, pattern=p, relationship=r, strength=s) for i, p, r, s in enactments),
    )


PEOPLE = [("self", "self", True), ("mum", "mother", True), ("sam", "partner", True), ("boss", "manager", True),
          ("pal", "friend", True), ("gran", "grandparent", False), ("dad", "father", True)]
RELS = [
    ("r1", "self", "mum", "past", 5, "inner"),
    ("r2", "self", "sam", "current", 5, "inner"),
    ("r3", "self", "boss", "current", 4, "middle"),
    ("r4", "self", "pal", "current", 2, "outer"),      # not intense enough
    ("r5", "self", "gran", "current", 4, "middle"),    # gran has died: not a place to try something now
    ("r6", "mum", "dad", "current", 5, "inner"),       # the client is not in it
]


def test_relationships_to_work_on_now_by_hand():
    m = build(PEOPLE, RELS, [("a", "Alpha", "draft")],
              [("e1", "a", "r1", 3), ("e2", "a", "r2", 2), ("e3", "a", "r3", 3), ("e4", "a", "r4", 3),
               ("e5", "a", "r5", 3), ("e6", "a", "r6", 3)])
    an = analyze(m)
    assert an.focal_pattern == "a"
    now = {r.id for r in an.relationships if r.work_on_now}
    assert now == {"r2", "r3"}
    r2, r3 = an.relationship("r2"), an.relationship("r3")
    # score = (intensity/5 + strength/3) / 2
    assert r2.score == pytest.approx((5 / 5 + 2 / 3) / 2)
    assert r3.score == pytest.approx((4 / 5 + 3 / 3) / 2)
    # share of the focal pattern's Σ strongest strengths: 3+2+3+3+3+3 = 17
    assert r2.focal_share == pytest.approx(2 / 17) and r3.focal_share == pytest.approx(3 / 17)
    assert (r2.other, r2.involves_self, r2.load) == ("sam", True, pytest.approx(1.0))
    assert an.relationship("r6").other is None and not an.relationship("r6").involves_self
    assert not an.relationship("r5").alive
    rel_suggestions = [s for s in an.suggestions if s.kind == "relationship"]
    assert [s.id for s in rel_suggestions] == ["r3", "r2"]  # 0.9 before 0.8333
    assert "strength 3 of 3" in rel_suggestions[0].reasons.clinician
    assert "18%" in rel_suggestions[0].reasons.clinician  # 3/17 = 17.6%
    assert "your manager (Boss)" in rel_suggestions[0].reasons.client


def test_focal_pattern_is_the_agreed_one_even_when_another_recurs_more():
    m = build(PEOPLE, RELS, [("a", "Alpha", "draft"), ("b", "Beta", "agreed")],
              [("e1", "a", "r1", 3), ("e2", "a", "r2", 3), ("e3", "a", "r3", 3), ("e4", "b", "r3", 1)])
    an = analyze(m)
    assert an.patterns[0].id == "a"  # recurrence is untouched by agreement
    assert an.focal_pattern == "b"
    assert {r.id for r in an.relationships if r.work_on_now} == {"r3"}
    assert an.relationship("r3").focal_strength == 1 and an.relationship("r2").focal_strength == 0


def test_no_enacted_pattern_means_no_focal_pattern_and_no_relationship_suggestions():
    m = build(PEOPLE, RELS, [("a", "Alpha", "draft")])
    an = analyze(m)
    assert an.focal_pattern is None
    assert not any(r.work_on_now for r in an.relationships)
    assert not [s for s in an.suggestions if s.kind == "relationship"]
