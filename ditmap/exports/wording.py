"""The words each export uses, in clinician and client versions, in one table.

Client versions say what a clinician term means in everyday words ("what it protects you from
feeling", never "defensive function"); `tests/test_exports_privacy.py` checks that no client export
uses the clinical terms in `CLINICAL_TERMS`.
"""

from __future__ import annotations

import datetime as dt

from ditmap.client_facing import PLAIN_FIELD_NAMES, plain
from ditmap.model import DitMap, Pattern, Session
from ditmap.style import CORNER_LABELS

CLINICAL_TERMS: tuple[str, ...] = (
    "IPAF", "Interpersonal-Affective", "defensive function", "transference", "defences", "reversal",
    "enactment", "caseness", "psychodynamic", "process notes", "supervision",
)
"""Words a client version never prints."""

_CLINICIAN = {
    "pattern_heading": "Interpersonal-Affective Focus (IPAF)",
    "self": "Self",
    "other": "Other",
    "affects": "Affects",
    "defensive_function": "Defensive function",
    "defences": "Defences",
    "reversal": "Reversal",
    "transference": "Transference",
    "client_words": "Client's own words",
    "healthier_alternative": "Healthier alternative",
    "no_pattern": "No pattern written yet.",
    "map_title": "Formulation diagram",
    "page_title": "Relationship map",
    "highlight": "shaded: enacts the pattern",
    "footer": "Pseudonymised: people are shown by alias only. A working formulation to explore with the "
              "client: a hypothesis, not a diagnosis.",
    "you": "self (client)",
    "therapist": "therapist",
}
_CLIENT = {
    "pattern_heading": "The pattern we've been working on",
    "self": "How you can feel about yourself",
    "other": "How others can seem to you",
    "affects": "What you feel between you",
    "defensive_function": PLAIN_FIELD_NAMES["defensive_function"].capitalize(),
    "defences": "",
    "reversal": PLAIN_FIELD_NAMES["reversal"].capitalize(),
    "transference": PLAIN_FIELD_NAMES["transference"].capitalize(),
    "client_words": "In your own words",
    "healthier_alternative": "What you're working toward",
    "no_pattern": "We haven't put the pattern into words yet.",
    "map_title": "Your relationship map",
    "page_title": "Your relationship map",
    "highlight": "shaded: the pattern shows up",
    "footer": "Made together in our sessions. These are ideas to think about together, not a verdict.",
    "you": "you",
    "therapist": "your therapist",
}


def words(client: bool) -> dict[str, str]:
    return _CLIENT if client else _CLINICIAN


def corner_name(corner: str, client: bool) -> str:
    return plain("corner", corner) if client else CORNER_LABELS.get(corner, corner)


def closeness_name(closeness: str, client: bool) -> str:
    return plain("closeness", closeness) if client else closeness


def chosen_pattern(m: DitMap, pattern_id: str | None) -> Pattern | None:
    """The pattern an export features: the one asked for, else the first agreed, else the first."""
    if pattern_id is not None:
        return m.patterns_by_id.get(pattern_id)
    return next(iter(m.agreed_patterns), None) or (m.patterns[0] if m.patterns else None)


def focal_patterns(m: DitMap, pattern_id: str | None) -> tuple[Pattern, ...]:
    """The patterns a summary states: the one asked for, else every agreed one, else every pattern."""
    if pattern_id is not None:
        return tuple(p for p in m.patterns if p.id == pattern_id)
    return m.agreed_patterns or m.patterns


def session_of(m: DitMap, number: int | None) -> Session | None:
    """The session an export is dated by: the one asked for, else the latest."""
    if not m.sessions:
        return None
    if number is not None:
        return next((s for s in m.sessions if s.number == number), None)
    return max(m.sessions, key=lambda s: s.number)


def dateline(m: DitMap, number: int | None, client: bool) -> str:
    """"Session 6 · 2026-03-09": the session (asked for, else latest) and its date, else today's."""
    s = session_of(m, number)
    date = (s.date if s is not None and s.date else None) or dt.date.today()
    if s is None:
        n = f"session {number}" if number is not None else ("no sessions yet" if client else "no sessions logged")
        return f"{n[0].upper()}{n[1:]} · {date.isoformat()}"
    return f"Session {s.number} · {date.isoformat()}"
