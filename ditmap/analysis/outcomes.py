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

`outcome_status(m)` is the one place that says what the scores *mean*, in clinician and in plain
client words: the letter, the summaries, the analysis, the Sessions page and the supervision views
all speak through it, so no two texts can disagree about the same scores.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

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


# --- what the scores mean: one voice for every text -------------------------------------------------

OutcomeKind = Literal["no scores", "too early", "reliable recovery", "recovery", "reliable improvement",
                      "reliable deterioration", "mixed", "no reliable change"]
"""The overall reading of the scores, machine-readable (`OutcomeStatus.status`)."""

MeasureKind = Literal["not recorded", "too early", "reliable improvement", "reliable deterioration",
                      "no reliable change"]

_MEASURES = {
    # key: (clinician name, client name, caseness threshold, reliable change)
    "phq9": ("PHQ-9", "Low mood (PHQ-9)", PHQ9_CASENESS, PHQ9_RELIABLE_CHANGE),
    "gad7": ("GAD-7", "Anxiety (GAD-7)", GAD7_CASENESS, GAD7_RELIABLE_CHANGE),
}
EVERYDAY = "everyday ups and downs"
"""The client-register words for measurement error, used by every client sentence about change."""


@dataclass(frozen=True, slots=True)
class MeasureStatus:
    """What one measure's course means, with its sentence in each register."""

    measure: str  # "phq9" | "gad7"
    status: MeasureKind
    course: MeasureCourse
    clinician: str
    client: str


@dataclass(frozen=True, slots=True)
class OutcomeStatus:
    """What the scores mean: `status` for code, `clinician` and `client` sentences for people.

    `measures` holds one `MeasureStatus` per measure that has at least one score (PHQ-9 first).
    `caseness_start` / `caseness_end` are as in `Outcomes` (None when not known).
    """

    status: OutcomeKind
    clinician: str
    client: str
    measures: tuple[MeasureStatus, ...]
    caseness_start: bool | None
    caseness_end: bool | None
    last_session: int | None  # the latest session with a score

    def sentences(self, client: bool) -> list[str]:
        """Every sentence about the scores in one register: each measure, then the overall reading."""
        return [ms.client if client else ms.clinician for ms in self.measures] + [
            self.client if client else self.clinician]


def _measure_status(c: MeasureCourse) -> MeasureStatus:
    name, plain, cut, reliable = _MEASURES[c.measure]
    if c.first is None:
        return MeasureStatus(c.measure, "not recorded", c, f"{name}: not recorded.", f"{plain}: no scores yet.")
    if c.last is None:
        where = "at caseness" if c.caseness_start else "below caseness"
        return MeasureStatus(
            c.measure, "too early", c,
            f"{name}: {c.first} at session {c.first_session} ({where}, ≥ {cut}); one score so far — too early "
            "to say whether it is changing.",
            f"{plain}: {c.first} at session {c.first_session}. With one score so far it is too early to say "
            "how it is changing.")
    change = c.last - c.first
    status: MeasureKind = ("reliable improvement" if c.reliable_improvement else
                           "reliable deterioration" if c.reliable_deterioration else "no reliable change")
    case = {(True, True): f"at caseness (≥ {cut}) at the start and still at the end",
            (True, False): f"at caseness (≥ {cut}) at the start, below it at the end",
            (False, True): f"below caseness (≥ {cut}) at the start, at caseness at the end",
            (False, False): f"below caseness (≥ {cut}) throughout"}[(bool(c.caseness_start), bool(c.caseness_end))]
    clinician = (f"{name}: {c.first} (session {c.first_session}) → {c.last} (session {c.last_session}), change "
                 f"{change:+d}: {status} (reliable change is {reliable} points or more); {case}.")
    said = f"{plain}: {c.first} at session {c.first_session}, {c.last} at session {c.last_session}"
    if status == "reliable improvement":
        client = f"{said}. That fall is bigger than {EVERYDAY}."
    elif status == "reliable deterioration":
        client = f"{said}. That rise is bigger than {EVERYDAY}, and something for us to talk about together."
    elif change == 0:
        client = f"{said}: about the same as at the start."
    else:
        way = "fall" if change < 0 else "rise"
        client = f"{said}. That {way} is small enough that it could be {EVERYDAY}."
    return MeasureStatus(c.measure, status, c, clinician, client)


def status_of(o: Outcomes) -> OutcomeStatus:
    """`outcome_status` from an already computed `Outcomes` (the analysis holds one)."""
    measures = tuple(_measure_status(c) for c in (o.phq9, o.gad7) if c.first is not None)
    scored = [s.number for s in o.sessions if s.phq9 is not None or s.gad7 is not None]
    last = max(scored) if scored else None
    courses = [ms for ms in measures if ms.status != "too early"]
    improved = [ms for ms in courses if ms.status == "reliable improvement"]
    worse = [ms for ms in courses if ms.status == "reliable deterioration"]
    both = len(measures) > 1
    if not measures:
        return OutcomeStatus("no scores", "No PHQ-9 or GAD-7 scores recorded yet.", "No questionnaire scores yet.",
                             (), None, None, None)
    if not courses:
        return OutcomeStatus(
            "too early", "Overall: one set of scores so far — too early to say whether anything has changed.",
            "With one set of questionnaire scores so far, it is too early to say how things are changing.",
            measures, o.caseness_start, None, last)
    end_case = ("; still at caseness at the end" if o.caseness_end else "")
    your = "Both scores are" if both else "Your score is"
    if o.recovery and o.reliable_improvement:
        status: OutcomeKind = "reliable recovery"
        clinician = ("Overall: reliable recovery — at caseness at the start, below caseness at the end, with "
                     "reliable improvement (NHS Talking Therapies definitions).")
        client = (f"{your} now below the level at which services would usually offer help, and the fall is "
                  f"bigger than {EVERYDAY}.")
    elif o.recovery:
        status = "recovery"
        clinician = ("Overall: recovery (at caseness at the start, below it at the end) without reliable "
                     "improvement — the change is within measurement error.")
        client = (f"{your} now below the level at which services would usually offer help, though the fall is "
                  f"small enough that it could partly be {EVERYDAY}.")
    elif o.reliable_improvement:
        status = "reliable improvement"
        clinician = ("Overall: reliable improvement"
                     + (", not recovery (below caseness at the start)" if not o.caseness_start else end_case) + ".")
        which = ("your score has" if len(courses) == 1 else "both your scores have" if len(improved) == 2
                 else "one of your scores has")
        client = (f"Overall, {which} come down by more than {EVERYDAY} would explain"
                  + (", though the scores are still at a level where services would usually offer help."
                     if o.caseness_end else "."))
    elif o.reliable_deterioration:
        status = "reliable deterioration"
        clinician = ("Overall: reliable deterioration" + end_case
                     + " — worth reviewing with the client and in supervision.")
        which = ("your score has" if len(courses) == 1 else "both your scores have" if len(worse) == 2
                 else "one of your scores has")
        client = (f"Overall, {which} gone up by more than {EVERYDAY}: "
                  "something for us to talk about together.")
    elif improved and worse:
        status = "mixed"
        clinician = (f"Overall: mixed — {_MEASURES[improved[0].measure][0]} reliably improved while "
                     f"{_MEASURES[worse[0].measure][0]} reliably deteriorated; neither reliable improvement nor "
                     "reliable deterioration by the combined rule.")
        client = (f"One score has come down and the other has gone up, each by more than {EVERYDAY}: "
                  "something to talk about together.")
    else:
        status = "no reliable change"
        clinician = "Overall: no reliable change" + end_case + "."
        client = (f"So far the changes in your scores are small enough that they could be {EVERYDAY}. "
                  "The numbers are only part of the story; how things feel to you matters just as much.")
    return OutcomeStatus(status, clinician, client, measures, o.caseness_start, o.caseness_end, last)


def outcome_status(m: DitMap) -> OutcomeStatus:
    """What a map's PHQ-9 / GAD-7 scores mean, in clinician and client words, and as a machine-readable status.

    The one function every text about scores speaks through (letter, summaries, analysis, Sessions
    page, supervision caseload), so they always agree. Statuses, in order of precedence:
    "no scores"; "too early" (no measure has two scores); "reliable recovery" (recovery with reliable
    improvement); "recovery"; "reliable improvement"; "reliable deterioration"; "mixed" (one measure
    reliably improved, the other reliably deteriorated); "no reliable change".

    >>> from ditmap.model import Session
    >>> m = DitMap(sessions=(Session(id="a", number=1, phq9=18), Session(id="b", number=3, phq9=13)))
    >>> s = outcome_status(m)
    >>> s.status, s.measures[0].status
    ('no reliable change', 'no reliable change')
    >>> "bigger than everyday ups and downs" in s.client
    False
    """
    return status_of(outcome_course(m))
