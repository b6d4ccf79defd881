"""Change over time: how often and how strongly each pattern was noted, session by session.

Every enactment may carry the session it was noted in. For each pattern, per session number:
the number of notings and their mean strength. The course is summarised two ways:

* early vs late: the map's session span [first, last] (sessions logged and sessions named on
  enactments) is cut at its midpoint; early = sessions ≤ midpoint, late = after it. Each half
  gets a count and a mean strength, and their product, the *weight* Σ strength of the notings.
  trend = "easing" when the late weight is lower (noted less often or less strongly),
  "growing" when higher, "steady" when equal — but only with enough notes: the pattern noted in
  at least `MIN_SESSIONS_PER_HALF` (2) different sessions in each half, so at least four noted
  sessions in all. Before that the trend is "too early to say": a change read off one or two
  sessions a side is as likely to be which episodes happened to be told as a change in the client.
* slope: least-squares slope of strength against session number over the dated notings
  (strength points per session; None with fewer than two distinct sessions).

Enactments without a session are counted as `undated` and left out of the course.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from ditmap.model import DitMap

MIN_SESSIONS_PER_HALF = 2
"""Different noted sessions needed in each half of the course before a trend is named."""
TOO_EARLY = "too early to say"


@dataclass(frozen=True, slots=True)
class SessionPoint:
    session: int
    count: int
    mean_strength: float


@dataclass(frozen=True, slots=True)
class PatternCourse:
    pattern: str
    label: str
    points: tuple[SessionPoint, ...]
    undated: int
    early_count: int
    early_mean: float | None
    late_count: int
    late_mean: float | None
    slope: float | None
    trend: str  # "easing" | "growing" | "steady" | "too early to say"


@dataclass(frozen=True, slots=True)
class Timeline:
    sessions: tuple[int, ...]  # every session number the map mentions, ascending
    midpoint: float | None
    patterns: tuple[PatternCourse, ...]  # in map order


def slope(xs: list[float], ys: list[float]) -> float | None:
    """Least-squares slope of ys on xs; None when xs has fewer than two distinct values.

    >>> slope([1, 2, 3], [3, 2, 1])
    -1.0
    """
    if len(set(xs)) < 2:
        return None
    n = len(xs)
    mx, my = sum(xs) / n, sum(ys) / n
    sxx = sum((x - mx) ** 2 for x in xs)
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / sxx


def trend(early_weight: int, late_weight: int, early_sessions: int, late_sessions: int) -> str:
    """Compare the Σ strength noted in the early and the late half of the sessions.

    A trend is named only when the pattern was noted in at least `MIN_SESSIONS_PER_HALF` different
    sessions in each half; before that it is "too early to say".

    >>> trend(6, 2, 2, 2), trend(2, 6, 3, 2), trend(3, 3, 2, 2), trend(6, 2, 2, 1)
    ('easing', 'growing', 'steady', 'too early to say')
    """
    if min(early_sessions, late_sessions) < MIN_SESSIONS_PER_HALF:
        return TOO_EARLY
    if late_weight < early_weight:
        return "easing"
    if late_weight > early_weight:
        return "growing"
    return "steady"


def pattern_timeline(m: DitMap) -> Timeline:
    """Per pattern, per session: count and mean strength of notings, with the early/late trend."""
    known = {p.id for p in m.patterns}
    known_rel = {r.id for r in m.relationships}
    numbers = {s.number for s in m.sessions}
    dated: dict[str, list[tuple[int, int]]] = defaultdict(list)
    undated: dict[str, int] = defaultdict(int)
    for e in m.enactments:
        if e.pattern not in known or e.relationship not in known_rel:
            continue
        if e.session is None:
            undated[e.pattern] += 1
        else:
            dated[e.pattern].append((e.session, e.strength))
            numbers.add(e.session)
    mid = (min(numbers) + max(numbers)) / 2 if numbers else None
    courses = []
    seen: set[str] = set()
    for p in m.patterns:
        if p.id in seen:
            continue
        seen.add(p.id)
        notes = sorted(dated.get(p.id, ()))
        by_session: dict[int, list[int]] = defaultdict(list)
        for s, st in notes:
            by_session[s].append(st)
        points = tuple(SessionPoint(s, len(v), sum(v) / len(v)) for s, v in sorted(by_session.items()))
        early = [st for s, st in notes if mid is not None and s <= mid]
        late = [st for s, st in notes if mid is not None and s > mid]
        courses.append(PatternCourse(
            pattern=p.id, label=p.title, points=points, undated=undated.get(p.id, 0),
            early_count=len(early), early_mean=sum(early) / len(early) if early else None,
            late_count=len(late), late_mean=sum(late) / len(late) if late else None,
            slope=slope([s for s, _ in notes], [st for _, st in notes]),
            trend=trend(sum(early), sum(late), len({s for s in by_session if s <= mid}) if mid is not None else 0,
                        len({s for s in by_session if s > mid}) if mid is not None else 0)))
    return Timeline(tuple(sorted(numbers)), mid, tuple(courses))
