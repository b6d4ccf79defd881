"""Change over time: per-session counts and strengths of each pattern, and the trend, by hand."""

from __future__ import annotations

import pytest

from ditmap.analysis import analyze
from ditmap.model import DitMap, Enactment, Pattern, Person, Relationship, Session


def build(enactments, sessions=()):
    return DitMap(
        people=(Person(id="self", alias="Me", role="self"), Person(id="x", alias="X")),
        relationships=(Relationship(id="r1", source="self", target="x"),
                       Relationship(id="r2", source="x", target="self", corner="past")),
        patterns=(Pattern(id="a", title="A"), Pattern(id="b", title="B")),
        enactments=tuple(Enactment(id=f"e{i}", pattern=p, relationship=r, strength=s, session=n)
                         for i, (p, r, s, n) in enumerate(enactments)),
        sessions=tuple(Session(id=f"s{n}", number=n) for n in sessions),
    )


def test_counts_means_halves_slope_and_trend_by_hand():
    m = build([("a", "r1", 3, 2), ("a", "r2", 3, 2), ("a", "r1", 2, 6), ("a", "r1", 1, 12), ("a", "r1", 1, None),
               ("b", "r1", 1, 3), ("b", "r2", 3, 14)],
              sessions=range(1, 17))
    t = analyze(m).timeline
    assert t.sessions == tuple(range(1, 17))
    assert t.midpoint == 8.5
    a, b = t.patterns
    assert [(p.session, p.count, p.mean_strength) for p in a.points] == [(2, 2, 3.0), (6, 1, 2.0), (12, 1, 1.0)]
    assert a.undated == 1
    # early (<= 8.5): 3, 3, 2 -> 3 notes, mean 8/3; late: 1 -> 1 note, mean 1
    assert (a.early_count, a.early_mean, a.late_count, a.late_mean) == (3, pytest.approx(8 / 3), 1, 1.0)
    # slope of (2,3),(2,3),(6,2),(12,1): mean x 5.5, mean y 2.25; sxy = -3.5*.75*2 + .5*-.25 + 6.5*-1.25 = -13.5
    # sxx = 12.25*2 + .25 + 42.25 = 67 -> -13.5/67
    assert a.slope == pytest.approx(-13.5 / 67)
    # lighter later, but noted in only one session after the midpoint: too early to name a trend
    assert a.trend == "too early to say"
    assert (b.early_count, b.late_count, b.trend) == (1, 1, "too early to say")


def test_steady_and_too_early_to_say():
    t = analyze(build([("a", "r1", 2, 1), ("a", "r1", 2, 3), ("a", "r1", 2, 14), ("a", "r1", 2, 16),
                       ("b", "r1", 2, 4)])).timeline
    a, b = t.patterns
    assert a.trend == "steady" and a.slope == 0.0
    assert b.trend == "too early to say" and b.slope is None
    assert t.sessions == (1, 3, 4, 14, 16)  # no sessions logged: the span comes from the enactments


def test_no_sessions_at_all():
    t = analyze(build([("a", "r1", 2, None)])).timeline
    assert t.sessions == () and t.midpoint is None
    assert t.patterns[0].points == () and t.patterns[0].undated == 1
    assert t.patterns[0].trend == "too early to say"
