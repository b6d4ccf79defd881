"""PHQ-9 / GAD-7 course at the threshold edges (DOMAIN.md: caseness PHQ-9 >= 10 or GAD-7 >= 8;
reliable improvement PHQ-9 fall >= 6 or GAD-7 fall >= 4; recovery: case at start, not at end)."""

from __future__ import annotations

import pytest

from ditmap.analysis import analyze
from ditmap.model import DitMap, Session


def course(*scores):
    """scores: (number, phq9, gad7) triples."""
    m = DitMap(sessions=tuple(Session(id=f"s{n}", number=n, phq9=p, gad7=g) for n, p, g in scores))
    return analyze(m).outcomes


@pytest.mark.parametrize(("phq9", "gad7", "pc", "gc", "case"), [
    (10, 0, True, False, True),
    (9, 7, False, False, False),
    (9, 8, False, True, True),
    (27, 21, True, True, True),
    (None, 7, None, False, False),
    (None, None, None, None, None),
])
def test_caseness_per_session_at_the_edges(phq9, gad7, pc, gc, case):
    (s,) = course((1, phq9, gad7)).sessions
    assert (s.phq9_caseness, s.gad7_caseness, s.caseness) == (pc, gc, case)


def test_fall_of_exactly_six_is_reliable_improvement_and_ten_to_nine_is_recovery():
    o = course((1, 15, 5), (8, 12, 5), (16, 9, 5))
    assert (o.phq9.first, o.phq9.last, o.phq9.change) == (15, 9, -6)
    assert o.phq9.reliable_improvement and not o.phq9.reliable_deterioration
    assert o.reliable_improvement is True and o.reliable_deterioration is False
    assert (o.caseness_start, o.caseness_end, o.recovery) == (True, False, True)


def test_fall_of_five_is_not_reliable_and_ending_at_ten_is_not_recovery():
    o = course((1, 15, 3), (16, 10, 3))
    assert o.phq9.change == -5
    assert o.phq9.reliable_improvement is False and o.reliable_improvement is False
    assert (o.caseness_start, o.caseness_end, o.recovery) == (True, True, False)


def test_gad7_fall_of_four_is_reliable_improvement_three_is_not():
    assert course((1, 3, 11), (16, 3, 7)).reliable_improvement is True
    o = course((1, 3, 11), (16, 3, 8))
    assert o.gad7.change == -3 and o.reliable_improvement is False


def test_rise_of_exactly_six_is_reliable_deterioration():
    o = course((1, 4, 2), (16, 10, 2))
    assert o.phq9.reliable_deterioration is True
    assert o.reliable_deterioration is True and o.reliable_improvement is False
    assert o.recovery is False  # not a case at the start
    assert course((1, 4, 2), (16, 9, 2)).reliable_deterioration is False


def test_gad7_rise_of_four_is_reliable_deterioration():
    assert course((1, 2, 3), (16, 2, 7)).reliable_deterioration is True
    assert course((1, 2, 3), (16, 2, 6)).reliable_deterioration is False


def test_improving_on_one_measure_while_deteriorating_on_the_other_is_neither():
    o = course((1, 16, 3), (16, 10, 7))  # PHQ-9 -6, GAD-7 +4
    assert o.phq9.reliable_improvement and o.gad7.reliable_deterioration
    assert (o.reliable_improvement, o.reliable_deterioration) == (False, False)


def test_recovery_needs_every_measure_below_caseness_at_the_end():
    o = course((1, 14, 12), (16, 6, 9))  # PHQ-9 recovered, GAD-7 still at caseness (9 >= 8)
    assert (o.caseness_start, o.caseness_end, o.recovery) == (True, True, False)
    o = course((1, 14, 12), (16, 6, 7))
    assert o.recovery is True


def test_first_and_last_are_by_session_number_not_map_order():
    m = DitMap(sessions=(Session(id="b", number=16, phq9=8), Session(id="a", number=1, phq9=18),
                         Session(id="c", number=5, phq9=14)))
    o = analyze(m).outcomes
    assert [s.number for s in o.sessions] == [1, 5, 16]
    assert (o.phq9.first_session, o.phq9.last_session, o.phq9.change) == (1, 16, -10)
    assert o.gad7.first is None and o.gad7.change is None


def test_missing_scores_are_skipped_and_one_score_is_not_enough():
    o = course((1, 18, None), (2, None, 9), (3, 11, None))
    assert (o.phq9.first, o.phq9.last, o.phq9.change) == (18, 11, -7)
    assert o.gad7.change is None and o.gad7.first == 9
    assert o.reliable_improvement is True
    o = course((1, 18, 12))
    assert (o.reliable_improvement, o.reliable_deterioration, o.recovery) == (None, None, None)
    assert o.caseness_start is True
    empty = analyze(DitMap()).outcomes
    assert empty.sessions == () and empty.recovery is None and empty.caseness_start is None
