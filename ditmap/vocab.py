"""The vocabularies of a DIT map: roles, relationship kinds (genogram and ecomap conventions),
affects, defences by level of the DSM-IV Defensive Functioning Scale, communication styles, phases.

Closed vocabularies are `Literal` types: a value outside them is rejected. Open vocabularies
are tuples of suggestions: the UI offers them as choices, and any other short text is accepted,
because a clinician's or client's own word must always be allowed there (docs/format.md).
"""

from __future__ import annotations

from typing import Literal, get_args

# --- closed vocabularies -------------------------------------------------------------------

Corner = Literal["past", "current", "therapy"]
"""Malan's triangle of person: where a relationship sits."""

Closeness = Literal["inner", "middle", "outer"]
"""The closeness circle a relationship is drawn in."""

Direction = Literal["mutual", "source_to_target", "target_to_source"]
"""Direction of energy or support (Hartman's ecomap arrows); `mutual` when it does not matter."""

PatternStatus = Literal["draft", "agreed"]
CommentStatus = Literal["open", "resolved"]
AnchorKind = Literal["person", "relationship", "pattern", "version"]
"""What a comment is about; a `version` comment's anchor is the version number, as text."""
Role = Literal["therapist", "client", "supervisor"]
"""Who is at the keyboard (the sidebar's "I am"); written with each comment."""
Phase = Literal["initial", "middle", "ending", "follow-up"]

CORNERS: tuple[str, ...] = get_args(Corner)
CLOSENESS: tuple[str, ...] = get_args(Closeness)
DIRECTIONS: tuple[str, ...] = get_args(Direction)
PATTERN_STATUSES: tuple[str, ...] = get_args(PatternStatus)
COMMENT_STATUSES: tuple[str, ...] = get_args(CommentStatus)
ANCHOR_KINDS: tuple[str, ...] = get_args(AnchorKind)
ROLES_AT_KEYBOARD: tuple[str, ...] = get_args(Role)
PHASES: tuple[str, ...] = get_args(Phase)

# --- open vocabularies (suggestions; free text allowed) -------------------------------------

ROLES: tuple[str, ...] = (
    "self", "mother", "father", "parent figure", "sibling", "partner", "ex-partner", "child",
    "grandparent", "other relative", "friend", "colleague", "manager", "teacher/mentor",
    "therapist", "other professional", "group or institution", "other",
)

RELATIONSHIP_KINDS: tuple[str, ...] = (
    "close", "fused/enmeshed", "distant", "conflictual", "hostile", "close-hostile/ambivalent",
    "cut off", "controlling", "abusive (physical)", "abusive (emotional)", "abusive (sexual)",
    "neglectful", "supportive", "caring", "strong", "tenuous", "stressful",
)

AFFECTS: tuple[str, ...] = (
    "shame", "guilt", "anxiety/fear", "anger", "sadness/grief", "loneliness", "humiliation",
    "envy", "contempt", "helplessness", "emptiness", "warmth/love", "relief",
)

DEFENCE_LEVELS: dict[str, tuple[str, ...]] = {
    "high adaptive": (
        "anticipation", "affiliation", "altruism", "humour", "self-assertion",
        "self-observation", "sublimation", "suppression",
    ),
    "mental inhibitions": (
        "displacement", "dissociation", "intellectualisation", "isolation of affect",
        "reaction formation", "repression", "undoing",
    ),
    "minor image-distorting": ("devaluation", "idealisation", "omnipotence"),
    "disavowal": ("denial", "projection", "rationalisation"),
    "major image-distorting": ("projective identification", "splitting"),
    "action": ("acting out", "withdrawal", "help-rejecting complaining", "passive aggression"),
}
DEFENCES: tuple[str, ...] = tuple(d for level in DEFENCE_LEVELS.values() for d in level)

COMMUNICATION_STYLES: tuple[str, ...] = (
    "assertive", "passive/placating", "aggressive", "passive-aggressive", "avoidant/withdrawn",
)

# --- plain words for the client view ---------------------------------------------------------

CORNER_PLAIN: dict[str, str] = {
    "past": "earlier in life",
    "current": "in your life now",
    "therapy": "here in therapy",
}

CLOSENESS_PLAIN: dict[str, str] = {
    "inner": "very close",
    "middle": "fairly close",
    "outer": "more distant",
}


def phase_of(number: int) -> Phase:
    """The DIT phase a session number falls in: 1–4 initial, 5–12 middle, 13–16 ending, later follow-up."""
    if number <= 4:
        return "initial"
    if number <= 12:
        return "middle"
    if number <= 16:
        return "ending"
    return "follow-up"


# Outcome-measure thresholds (NHS Talking Therapies, as in DOMAIN.md).
PHQ9_MAX = 27
GAD7_MAX = 21
PHQ9_CASENESS = 10  # caseness when score >= this
GAD7_CASENESS = 8
PHQ9_RELIABLE_CHANGE = 6  # reliable improvement: fall of at least this
GAD7_RELIABLE_CHANGE = 4
