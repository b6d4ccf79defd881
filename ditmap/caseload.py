"""A supervisor's caseload: one summary per map, kept by the store, and the rows and flags built from it.

Why summaries: the caseload page lists every map on every rerun. Reading 200 whole maps (and their
sessions) each time is too slow, so the store keeps a small `MapSummary` per map, rewritten in the
same transaction as each edit (`summarise`), and the page reads only those. Whatever depends on the
clock (a comment's age) or on who is looking (their last review) is applied when the rows are built
(`caseload_rows`), never stored.

Flags are the things a supervisor would want to see first, as words (never colour alone):
- **reliable deterioration**: PHQ-9 rose by ≥ 6 or GAD-7 by ≥ 4 from the first score to the latest;
- **no agreed focus by session 5**: session 5 or later reached and no pattern agreed;
- **comments open over two weeks**: a conversation still open whose first comment is older than 14 days;
- **rise in PHQ-9**: the latest PHQ-9 is at least `PHQ9_RISE` points above the one before it;
- **no change in scores**: at least `NO_CHANGE_SESSIONS` sessions scored, no reliable change on either
  measure, and still at caseness at the latest score.
Each is a prompt to look, not a judgement of the therapist or the client.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

from ditmap.conversations import conversations
from ditmap.model import DitMap
from ditmap.vocab import phase_of

SUMMARY_FORMAT = 1
"""Bump when `MapSummary` or `summarise` changes: the store then rebuilds every summary when opened."""

FOCUS_BY_SESSION = 5
COMMENT_AGE = dt.timedelta(days=14)
PHQ9_RISE = 3
"""A session-to-session PHQ-9 rise worth a look: half the reliable change (6), so noticed before it is reliable."""
NO_CHANGE_SESSIONS = 6

FLAG_DETERIORATION = "reliable deterioration"
FLAG_NO_FOCUS = f"no agreed focus by session {FOCUS_BY_SESSION}"
FLAG_OLD_COMMENTS = "comments open over two weeks"
FLAG_PHQ9_RISE = "rise in PHQ-9"
FLAG_NO_CHANGE = "no change in scores"
FLAGS: tuple[str, ...] = (FLAG_DETERIORATION, FLAG_NO_FOCUS, FLAG_OLD_COMMENTS, FLAG_PHQ9_RISE, FLAG_NO_CHANGE)
"""Every flag, most urgent first (the order rows list them in)."""


@dataclass(frozen=True, slots=True)
class MapSummary:
    """What the caseload needs to know about one map, independent of the clock and of who is looking."""

    pseudonym: str = ""
    therapist: str = ""
    session: int | None = None  # the highest session number recorded
    phq9: int | None = None  # latest recorded
    phq9_previous: int | None = None  # the one recorded before the latest
    phq9_change: int | None = None  # latest − first
    gad7: int | None = None
    gad7_change: int | None = None
    scored_sessions: int = 0
    outcome: str = "not enough scores"
    deterioration: bool = False  # either measure reliably deteriorated
    no_change: bool = False
    focus_since: int | None = None  # the session the first agreed pattern was agreed in (0: before session 1)
    focus_agreed: bool = False
    open_comments: int = 0  # open conversations
    oldest_open: str | None = None  # ISO time of the oldest open conversation's first comment
    awaiting_therapist: int = 0  # open conversations whose latest comment is a supervisor's

    @property
    def phase(self) -> str | None:
        return phase_of(self.session) if self.session else None

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> MapSummary:
        known = cls.__dataclass_fields__
        return cls(**{k: v for k, v in data.items() if k in known})


# --- what the scores say: the one place this module reads the outcomes code --------------------

@dataclass(frozen=True, slots=True)
class _Scores:
    outcome: str
    deterioration: bool
    no_change: bool
    phq9_change: int | None
    gad7_change: int | None


def _scores(m: DitMap) -> _Scores:
    """The course of PHQ-9/GAD-7 in the caseload's words (NHS Talking Therapies rules, docs/analysis.md).

    Isolated so the project's single wording of outcomes can replace it in one place.
    """
    from ditmap.analysis.outcomes import outcome_course

    o = outcome_course(m)
    if o.recovery:
        outcome = "recovery"
    elif o.reliable_improvement:
        outcome = "reliable improvement"
    elif o.reliable_deterioration:
        outcome = "reliable deterioration"
    elif o.caseness_end is not None:
        outcome = "at caseness" if o.caseness_end else "below caseness"
    elif o.caseness_start is not None:
        outcome = "at caseness" if o.caseness_start else "below caseness"
    else:
        outcome = "not enough scores"
    courses = [c for c in (o.phq9, o.gad7) if c.change is not None]
    deterioration = any(c.reliable_deterioration for c in courses)
    scored = sum(1 for s in o.sessions if s.phq9 is not None or s.gad7 is not None)
    no_change = (scored >= NO_CHANGE_SESSIONS and bool(courses)
                 and not any(c.reliable_improvement or c.reliable_deterioration for c in courses)
                 and any(c.caseness_end for c in courses))
    return _Scores(outcome, deterioration, no_change, o.phq9.change, o.gad7.change)


# --- the summary the store keeps ---------------------------------------------------------------------

def _utc(t: dt.datetime) -> dt.datetime:
    return t.replace(tzinfo=dt.UTC) if t.tzinfo is None else t.astimezone(dt.UTC)


def _focus_since(m: DitMap, previous: MapSummary | None, session: int | None) -> int | None:
    """The session the focus was agreed in: from the agreed date and the session dates when both are known,
    else remembered from the summary before (the session reached when the store first saw it agreed)."""
    agreed = [p.agreed_on for p in m.agreed_patterns if p.agreed_on is not None]
    if not agreed:
        return None
    first = min(agreed)
    dated = sorted((s.date, s.number) for s in m.sessions if s.date is not None)
    if dated:
        on_or_before = [n for d, n in dated if d <= first]
        return max(on_or_before) if on_or_before else 0
    if previous is not None and previous.focus_agreed and previous.focus_since is not None:
        return previous.focus_since
    return session or 0


def summarise(m: DitMap, previous: MapSummary | None = None) -> MapSummary:
    """The caseload's summary of a map (`previous`: the summary before this edit, if any)."""
    sessions = sorted(m.sessions, key=lambda s: s.number)
    session = sessions[-1].number if sessions else None
    phq = [s.phq9 for s in sessions if s.phq9 is not None]
    gad = [s.gad7 for s in sessions if s.gad7 is not None]
    sc = _scores(m)
    threads = conversations(m)
    open_threads = [t for t in threads if t.status == "open"]
    created = [_utc(t.first.created) for t in open_threads if t.first.created is not None]
    return MapSummary(
        pseudonym=m.client.pseudonym, therapist=m.client.therapist, session=session,
        phq9=phq[-1] if phq else None, phq9_previous=phq[-2] if len(phq) > 1 else None,
        phq9_change=sc.phq9_change, gad7=gad[-1] if gad else None, gad7_change=sc.gad7_change,
        scored_sessions=sum(1 for s in sessions if s.phq9 is not None or s.gad7 is not None),
        outcome=sc.outcome, deterioration=sc.deterioration, no_change=sc.no_change,
        focus_agreed=bool(m.agreed_patterns), focus_since=_focus_since(m, previous, session),
        open_comments=len(open_threads),
        oldest_open=min(created).isoformat() if created else None,
        awaiting_therapist=sum(1 for t in open_threads if t.last.author_role == "supervisor"),
    )


# --- flags and rows ----------------------------------------------------------------------------------

def flags(s: MapSummary, now: dt.datetime) -> tuple[str, ...]:
    """The flags this summary raises at time `now`, in `FLAGS` order."""
    out = []
    if s.deterioration:
        out.append(FLAG_DETERIORATION)
    if not s.focus_agreed and (s.session or 0) >= FOCUS_BY_SESSION:
        out.append(FLAG_NO_FOCUS)
    if s.oldest_open is not None and _utc(now) - dt.datetime.fromisoformat(s.oldest_open) > COMMENT_AGE:
        out.append(FLAG_OLD_COMMENTS)
    if s.phq9 is not None and s.phq9_previous is not None and s.phq9 - s.phq9_previous >= PHQ9_RISE:
        out.append(FLAG_PHQ9_RISE)
    if s.no_change:
        out.append(FLAG_NO_CHANGE)
    return tuple(out)


def direction(change: int | None) -> str:
    """A score's change since the first one, in words: "down 7", "up 2", "same", or "" (one score or none).

    >>> direction(-7), direction(2), direction(0), direction(None)
    ('down 7', 'up 2', 'same', '')
    """
    if change is None:
        return ""
    return "same" if change == 0 else f"{'down' if change < 0 else 'up'} {abs(change)}"


@dataclass(frozen=True, slots=True)
class CaseloadRow:
    """One map on the caseload page, as this viewer sees it now."""

    map_id: str
    name: str
    therapist: str
    pseudonym: str
    session: int | None
    phase: str | None
    phq9: int | None
    phq9_direction: str
    gad7: int | None
    gad7_direction: str
    outcome: str
    focus: str
    open_comments: int
    version: int
    last_reviewed: int | None  # the version this viewer last reviewed, None: never
    flags: tuple[str, ...] = field(default_factory=tuple)
    summary: MapSummary = field(default_factory=MapSummary)

    @property
    def changed_since_review(self) -> int:
        """Versions written since this viewer's last review (every version if never reviewed)."""
        return self.version - (self.last_reviewed or 0)


def focus_words(s: MapSummary) -> str:
    if not s.focus_agreed:
        return "not yet agreed"
    if s.focus_since:
        return f"agreed since session {s.focus_since}"
    return "agreed" if s.focus_since is None else "agreed before session 1"


def caseload_rows(maps: Iterable[tuple[str, str, int, MapSummary]], last_reviewed: Mapping[str, int],
                  now: dt.datetime) -> list[CaseloadRow]:
    """Rows from (map id, name, version, summary) and this viewer's last reviewed version per map id."""
    rows = []
    for map_id, name, version, s in maps:
        rows.append(CaseloadRow(
            map_id=map_id, name=name, therapist=s.therapist, pseudonym=s.pseudonym, session=s.session,
            phase=s.phase, phq9=s.phq9, phq9_direction=direction(s.phq9_change), gad7=s.gad7,
            gad7_direction=direction(s.gad7_change), outcome=s.outcome, focus=focus_words(s),
            open_comments=s.open_comments, version=version, last_reviewed=last_reviewed.get(map_id),
            flags=flags(s, now), summary=s))
    return rows


def _none_last(value: int | None, descending: bool = True) -> tuple[int, int]:
    if value is None:
        return (1, 0)
    return (0, -value if descending else value)


SORTS: dict[str, Any] = {
    "needs attention first": lambda r: (-len(r.flags), [FLAGS.index(f) for f in r.flags], r.name.lower()),
    "deterioration first": lambda r: (not r.summary.deterioration, _none_last(r.summary.phq9_change),
                                      _none_last(r.summary.gad7_change), r.name.lower()),
    "session reached": lambda r: (_none_last(r.session), r.name.lower()),
    "latest PHQ-9": lambda r: (_none_last(r.phq9), r.name.lower()),
    "latest GAD-7": lambda r: (_none_last(r.gad7), r.name.lower()),
    "open comments": lambda r: (-r.open_comments, r.name.lower()),
    "changed since my review": lambda r: (-r.changed_since_review, r.name.lower()),
    "therapist": lambda r: (r.therapist.lower(), r.name.lower()),
    "name": lambda r: r.name.lower(),
}
"""Named orders for the caseload (the table's own column headers sort too)."""


def sort_rows(rows: Iterable[CaseloadRow], order: str) -> list[CaseloadRow]:
    """Rows in one of the `SORTS` orders; raises KeyError for an unknown one."""
    return sorted(rows, key=SORTS[order])


def filter_rows(rows: Iterable[CaseloadRow], *, flag: str | None = None, therapist: str | None = None,
                phase: str | None = None, text: str = "") -> list[CaseloadRow]:
    """Rows raising `flag`, of `therapist`, in `phase`, whose name or pseudonym contains `text`."""
    needle = text.strip().lower()
    return [r for r in rows
            if (flag is None or flag in r.flags)
            and (therapist is None or r.therapist == therapist)
            and (phase is None or r.phase == phase)
            and (not needle or needle in r.name.lower() or needle in r.pseudonym.lower())]
