"""The words on the screen: clinician labels (the model's field names) and plain words for the client view.

Clinician mode uses the model's field names as labels, so one concept has one name in code, UI,
file format and docs. The client view uses calm, everyday words and never the clinical terms in
`JARGON` (a test checks the client view for them).
"""

from __future__ import annotations

from ditmap.client_facing import HIDDEN_FIELDS, PLAIN_FIELD_NAMES
from ditmap.vocab import CLOSENESS_PLAIN, CORNER_PLAIN

PLAIN_LABELS: dict[str, str] = {
    # person
    "alias": "name",
    "role": "who they are to you",
    "alive": "living",
    "notes": "notes",
    # relationship
    "source": "from",
    "target": "to",
    "corner": "when",
    "kind": "what it is like",
    "direction": "which way it flows",
    "intensity": "how strong the feelings are (1–5)",
    "closeness": "how close it feels",
    "feelings": "feelings",
    "communication_style": "how you talk to each other",
    "paced": "at my own pace",
    # pattern
    "title": "name",
    "self_representation": "how I feel about myself",
    "other_representation": "how I feel the other person is with me",
    "affects": "feelings",
    "client_words": "in my own words",
    "healthier_alternative": "what I am working toward",
    **PLAIN_FIELD_NAMES,
    "status": "agreed together",
    "agreed_on": "agreed on",
    # enactment
    "strength": "how strongly it shows (1–3)",
    "example": "an example",
    "session": "session",
    # session
    "number": "session",
    "date": "date",
    "phq9": "mood score (PHQ-9)",
    "gad7": "worry score (GAD-7)",
    "homework": "things to try between sessions",
    # client
    "pseudonym": "name",
    "therapist": "therapist",
}

CLINICIAN_ONLY_FIELDS: frozenset[str] = frozenset().union(*HIDDEN_FIELDS.values())
"""Fields the client view never shows (the one rule: `ditmap.client_facing`)."""

CLINICIAN_LABELS: dict[str, str] = {
    "phq9": "PHQ-9",
    "gad7": "GAD-7",
    "process_notes": "process notes (private)",
    "paced": "at the client's own pace",
}
"""Clinician labels that are not simply the field's name with spaces: the measures' own names."""

JARGON: tuple[str, ...] = (
    "IPAF", "defensive function", "defences", "transference", "enactment", "enacts", "reversal",
    "process notes", "corner", "betweenness", "centrality",
)

DIRECTION_WORDS: dict[str, str] = {
    "mutual": "both ways", "source_to_target": "source → target", "target_to_source": "target → source"}
"""Directions in clinician words (the two people's fields are labelled "source" and "target")."""

PAGE_TITLES: dict[str, tuple[str, str]] = {
    "home": ("Maps", "Maps"),
    "map": ("Map", "Our map"),
    "people": ("People", "People in your life"),
    "relationships": ("Relationships", "Relationships"),
    "patterns": ("Patterns", "The pattern we're working on"),
    "sessions": ("Sessions", "How things are going"),
    "history": ("History", "History"),
    "accounts": ("Accounts", "Accounts"),
    "audit": ("Audit trail", "Audit trail"),
    "caseload": ("Caseload", "Caseload"),
    "replay": ("Replay", "Replay"),
    "changes": ("Changes", "Changes"),
}


PACED_HELP = ("At the client's own pace: texts for the client never invite exploring it, and the clinician's "
              "suggestions say it is paced.")


def label(field: str, client_view: bool) -> str:
    """The label for a model field: its own name for clinicians, plain words in the client view."""
    if client_view:
        return PLAIN_LABELS.get(field, field.replace("_", " "))
    return CLINICIAN_LABELS.get(field, field.replace("_", " "))


def worded_diff_row(row: dict[str, str]) -> dict[str, str]:
    """A row of `ditmap.store.diff.diff_rows` in the words of the pages: field labels, directions in words."""
    out = dict(row)
    if row.get("field") == "direction":
        out["before"] = DIRECTION_WORDS.get(row["before"], row["before"])
        out["after"] = DIRECTION_WORDS.get(row["after"], row["after"])
    if row.get("field"):
        out["field"] = label(row["field"], False)
    return out


def count(n: int, noun: str, plural: str | None = None) -> str:
    """"1 person", "2 people", "0 links": a number with its noun in the right number.

    >>> count(1, "person", "people"), count(3, "link")
    ('1 person', '3 links')
    """
    return f"{n} {noun if n == 1 else (plural or noun + 's')}"


def page_title(page: str, client_view: bool) -> str:
    clinician, plain = PAGE_TITLES[page]
    return plain if client_view else clinician


def corner_word(corner: str, client_view: bool) -> str:
    return CORNER_PLAIN.get(corner, corner) if client_view else corner


def closeness_word(closeness: str, client_view: bool) -> str:
    return CLOSENESS_PLAIN.get(closeness, closeness) if client_view else closeness


def status_word(status: str, client_view: bool) -> str:
    if not client_view:
        return status
    return {"agreed": "agreed together", "draft": "still thinking about it"}.get(status, status)


FOCUS_HEADING = ("Focus: where to look", "Things we might talk about")
FOCUS_NOTE = (
    "Suggestions from the map's structure — hypotheses to explore together, not conclusions.",
    "Ideas from the map to think about together. They are only suggestions.",
)
FOCUS_EMPTY = ("Add people, relationships and a pattern, and suggestions will appear here.",
               "As the map grows, ideas will appear here.")
