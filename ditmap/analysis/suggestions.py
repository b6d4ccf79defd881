"""Focus suggestions: a short ranked list of where the pair might look, each with its reasons.

The list reads in the order DIT works: the patterns that recur most widely (the candidate
focus), then the people who carry most, then the current relationships where the focal pattern
can be worked on now. Within a kind, suggestions are ordered by score (descending), then label,
then id, so equal scores always come out in the same order. Scores are comparable within a
kind only: a pattern's score is its recurrence, a person's their centrality score, a
relationship's its work-on-now score (all in [0, 1]).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from ditmap.analysis.explain import pattern_reasons, person_reasons, relationship_reasons
from ditmap.analysis.patterns import PatternFigures
from ditmap.analysis.people import PersonFigures
from ditmap.analysis.relationships import RelationshipFigures
from ditmap.model import DitMap

SuggestionKind = Literal["pattern", "person", "relationship"]
KIND_ORDER: tuple[str, ...] = ("pattern", "person", "relationship")
MAX_PER_KIND = 3


@dataclass(frozen=True, slots=True)
class Reasons:
    """Why an item is suggested: a clinician sentence and a plain-words client sentence."""

    clinician: str
    client: str


@dataclass(frozen=True, slots=True)
class Suggestion:
    kind: SuggestionKind
    id: str
    label: str
    score: float
    reasons: Reasons


def rank(suggestions: Sequence[Suggestion]) -> tuple[Suggestion, ...]:
    """Deterministic order: kind (pattern, person, relationship), score desc, label, id."""
    return tuple(sorted(suggestions, key=lambda s: (KIND_ORDER.index(s.kind), -s.score, s.label, s.id)))


def suggest(m: DitMap, me: str | None, patterns: Sequence[PatternFigures], people: Sequence[PersonFigures],
            relationships: Sequence[RelationshipFigures], focal: str | None,
            per_kind: int = MAX_PER_KIND) -> tuple[Suggestion, ...]:
    """Up to `per_kind` patterns (enacted at least once), people (score > 0, never the client or
    the therapist) and relationships to work on now, each with its reasons."""
    out: list[Suggestion] = []
    for pf in [p for p in patterns if p.enacting][:per_kind]:
        out.append(Suggestion("pattern", pf.id, pf.label, pf.recurrence, Reasons(*pattern_reasons(pf, m, me))))

    candidates = [p for p in people if p.score > 0]
    max_load = max((p.load for p in people if not p.is_self and p.role != "therapist"), default=0)
    candidates.sort(key=lambda p: (-p.score, p.label, p.id))
    for pf in candidates[:per_kind]:
        out.append(Suggestion("person", pf.id, pf.label, pf.score,
                              Reasons(*person_reasons(pf, m, me, pf.load == max_load))))

    focal_figures = next((p for p in patterns if p.id == focal), None)
    if focal_figures is not None:
        now = sorted((r for r in relationships if r.work_on_now), key=lambda r: (-r.score, r.label, r.id))
        for rf in now[:per_kind]:
            out.append(Suggestion("relationship", rf.id, rf.label, rf.score,
                                  Reasons(*relationship_reasons(rf, m, focal_figures))))
    return rank(out)
