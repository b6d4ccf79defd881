"""The PHQ-9 / GAD-7 course over the sessions, read the way NHS Talking Therapies reads it.

* Caseness at a session: PHQ-9 ≥ 10 (depression) or GAD-7 ≥ 8 (anxiety).
* Change on a measure: its last recorded score − its first recorded score (needs two sessions
  with that measure). Reliable improvement on the measure: a fall of at least 6 (PHQ-9) or
  4 (GAD-7); reliable deterioration: a rise of at least as much.
* Overall, as NHS Talking Therapies combines the pair: *reliable improvement* when at least one
  measure reliably improved and neither reliably deteriorated; *reliable deterioration* when at
  least one reliably deteriorated and neither reliably improved; *recovery* when the client was at
  caseness at the start (on either measure) and is below caseness at the end on every measure with
  two or more scores. None means "not enough scores to say".
Thresholds live in `ditmap.vocab`. These are service-level conventions, not a diagnosis.
"""

from __future__ import annotations

from dataclasses import dataclass

from ditmap.model import DitMap
from ditmap.vocab import (
    GAD7_CASENESS,
    GAD7_RELIABLE_CHANGE,
    PHQ9_CASENESS,
    PHQ9_RELIABLE_CHANGE,
    phase_of,
)


@dataclass(frozen=True, slots=True)
class SessionOutcome:
    """One session's scores and caseness flags (None where a score was not recorded)."""

    number: int
    phase: str
    date: str | None
    phq9: int | None
    gad7: int | None
    phq9_caseness: bool | None
    gad7_caseness: bool | None
    caseness: bool | None  # either measure at caseness; None when neither was recorded


@dataclass(frozen=True, slots=True)
class MeasureCourse:
    """One measure from its first to its last recorded session."""

    measure: str
    first: int | None
    last: int | None
    first_session: int | None
    last_session: int | None
    change: int | None  # last − first; None with fewer than two recorded sessions
    reliable_improvement: bool | None
    reliable_deterioration: bool | None
    caseness_start: bool | None
    caseness_end: bool | None


@dataclass(frozen=True, slots=True)
class Outcomes:
    """The whole course."""

    sessions: tuple[SessionOutcome, ...]
    phq9: MeasureCourse
    gad7: MeasureCourse
    caseness_start: bool | None
    caseness_end: bool | None
    reliable_improvement: bool | None
    reliable_deterioration: bool | None
    recovery: bool | None


def is_case(score: int | None, threshold: int) -> bool | None:
    """At or above the clinical cut-off; None when not recorded.

    >>> is_case(10, 10), is_case(9, 10), is_case(None, 10)
    (True, False, None)
    """
    return None if score is None else score >= threshold


def measure_course(measure: str, scores: list[tuple[int, int]], caseness: int, reliable: int) -> MeasureCourse:
    """First→last course of one measure from (session number, score) pairs sorted by session.

    >>> c = measure_course("phq9", [(1, 16), (16, 10)], 10, 6)
    >>> c.change, c.reliable_improvement, c.caseness_end
    (-6, True, True)
    """
    if not scores:
        return MeasureCourse(measure, None, None, None, None, None, None, None, None, None)
    (n0, first), (n1, last) = scores[0], scores[-1]
    if len(scores) < 2:
        return MeasureCourse(measure, first, None, n0, None, None, None, None, first >= caseness, None)
    change = last - first
    return MeasureCourse(measure, first, last, n0, n1, change, change <= -reliable, change >= reliable,
                         first >= caseness, last >= caseness)


def outcome_course(m: DitMap) -> Outcomes:
    """Per-session flags and the first→last course of PHQ-9 and GAD-7, combined as in NHS Talking Therapies."""
    sessions = sorted(m.sessions, key=lambda s: s.number)
    rows = []
    for s in sessions:
        pc, gc = is_case(s.phq9, PHQ9_CASENESS), is_case(s.gad7, GAD7_CASENESS)
        flags = [f for f in (pc, gc) if f is not None]
        rows.append(SessionOutcome(s.number, phase_of(s.number), s.date.isoformat() if s.date else None,
                                   s.phq9, s.gad7, pc, gc, any(flags) if flags else None))
    phq = measure_course("phq9", [(s.number, s.phq9) for s in sessions if s.phq9 is not None],
                         PHQ9_CASENESS, PHQ9_RELIABLE_CHANGE)
    gad = measure_course("gad7", [(s.number, s.gad7) for s in sessions if s.gad7 is not None],
                         GAD7_CASENESS, GAD7_RELIABLE_CHANGE)
    courses = [c for c in (phq, gad) if c.change is not None]
    if courses:
        improved = any(c.reliable_improvement for c in courses)
        worse = any(c.reliable_deterioration for c in courses)
        start = any(c.caseness_start for c in courses)
        end = any(c.caseness_end for c in courses)
        return Outcomes(tuple(rows), phq, gad, start, end, improved and not worse, worse and not improved,
                        start and not end)
    start_flags = [c.caseness_start for c in (phq, gad) if c.caseness_start is not None]
    return Outcomes(tuple(rows), phq, gad, any(start_flags) if start_flags else None, None, None, None, None)
