"""Focus analysis: the central dynamics of a map, each explained in clinician and client words.

Pure Python over networkx (no Streamlit). `analyze(m)` is the entry point; the measures are pure
functions in the modules below, documented in docs/analysis.md.
"""

from ditmap.analysis.outcomes import MeasureCourse, Outcomes, SessionOutcome
from ditmap.analysis.patterns import CoOccurrence, CornerFigures, PatternFigures
from ditmap.analysis.people import PersonFigures
from ditmap.analysis.relationships import RelationshipFigures
from ditmap.analysis.result import Analysis, analyze
from ditmap.analysis.suggestions import Reasons, Suggestion
from ditmap.analysis.timeline import PatternCourse, SessionPoint, Timeline

__all__ = [
    "Analysis",
    "CoOccurrence",
    "CornerFigures",
    "MeasureCourse",
    "Outcomes",
    "PatternCourse",
    "PatternFigures",
    "PersonFigures",
    "Reasons",
    "RelationshipFigures",
    "SessionOutcome",
    "SessionPoint",
    "Suggestion",
    "Timeline",
    "analyze",
]
