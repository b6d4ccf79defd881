"""`analyze(m)`: every measure of a map in one frozen result, and its JSON-ready form."""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass
from typing import Any

from ditmap.analysis.graphs import enactment_index, pattern_graph, self_id, social_graph
from ditmap.analysis.outcomes import Outcomes, outcome_course
from ditmap.analysis.patterns import PatternFigures, pattern_figures
from ditmap.analysis.people import PersonFigures, person_figures
from ditmap.analysis.relationships import RelationshipFigures, focal_pattern, relationship_figures
from ditmap.analysis.suggestions import Suggestion, suggest
from ditmap.analysis.timeline import Timeline, pattern_timeline
from ditmap.model import DitMap


@dataclass(frozen=True, slots=True)
class Analysis:
    """The analysis of one map. Patterns are in rank order; people and relationships in map order."""

    suggestions: tuple[Suggestion, ...]
    focal_pattern: str | None
    patterns: tuple[PatternFigures, ...]
    people: tuple[PersonFigures, ...]
    relationships: tuple[RelationshipFigures, ...]
    outcomes: Outcomes
    timeline: Timeline

    def pattern(self, pattern_id: str) -> PatternFigures | None:
        return next((p for p in self.patterns if p.id == pattern_id), None)

    def person(self, person_id: str) -> PersonFigures | None:
        return next((p for p in self.people if p.id == person_id), None)

    def relationship(self, relationship_id: str) -> RelationshipFigures | None:
        return next((r for r in self.relationships if r.id == relationship_id), None)

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready data (dicts, lists, str, int, float rounded to 6 places, bool, None)."""
        return _plain(self)


def _plain(value: Any) -> Any:
    if dataclasses.is_dataclass(value):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, tuple | list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, float):
        return round(value, 6) if math.isfinite(value) else None
    return value


def analyze(m: DitMap) -> Analysis:
    """Analyse a map: pattern recurrence, central people, relationships to work on now, change over
    time, outcome course, and ranked focus suggestions with reasons. Pure; never raises on a valid
    map (any shape, including empty)."""
    me = self_id(m)
    g = social_graph(m)
    by_pattern, by_relationship = enactment_index(pattern_graph(m))
    patterns = pattern_figures(m, by_pattern, by_relationship, me)
    focal = focal_pattern(patterns)
    people = person_figures(m, g, by_relationship, me)
    relationships = relationship_figures(m, by_relationship, me, focal)
    return Analysis(
        suggestions=suggest(m, me, patterns, people, relationships, focal),
        focal_pattern=focal,
        patterns=patterns,
        people=people,
        relationships=relationships,
        outcomes=outcome_course(m),
        timeline=pattern_timeline(m),
    )
