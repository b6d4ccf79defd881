"""How a map is drawn, shared by the live map (vis-network) and the static exports (matplotlib).

Relationship kinds follow the genogram line conventions (McGoldrick, Gerson & Petry): double line
for close, triple for fused, dotted for distant, zigzag for conflict, a broken line for cut off.
Corners of the triangle of person get colours from the Okabe–Ito palette, which stays distinct for
the common colour-vision deficiencies; colour is never the only cue — the line form, the layout
sector and the labels carry the same information, so the drawing also works in greyscale.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class LineStyle:
    """A genogram line: `lines` parallel strokes (1–3), an optional dash pattern, optionally zigzag."""

    label: str  # legend text, clinician words
    plain: str  # the same in plain words, for the client view
    lines: int = 1
    dashes: tuple[float, ...] = ()  # on/off lengths in pixels (vis-network) or points (matplotlib); () is solid
    zigzag: bool = False
    width: float = 1.6
    arrow: bool = False  # drawn towards the person on the receiving end (controlling, abusive)


LINE_STYLES: dict[str, LineStyle] = {
    "close": LineStyle("close", "close", lines=2),
    "fused/enmeshed": LineStyle("fused / enmeshed", "very tangled up together", lines=3),
    "distant": LineStyle("distant", "distant", dashes=(2, 6)),
    "conflictual": LineStyle("conflictual", "a lot of conflict", zigzag=True),
    "hostile": LineStyle("hostile", "hostile", zigzag=True, width=2.6),
    "close-hostile/ambivalent": LineStyle("close–hostile / ambivalent", "close but painful", lines=2, zigzag=True),
    "cut off": LineStyle("cut off", "cut off, no contact", dashes=(10, 8)),
    "controlling": LineStyle("controlling", "controlling", dashes=(12, 4, 3, 4), arrow=True),
    "abusive (physical)": LineStyle("abusive (physical)", "hurtful", width=3.2, zigzag=True, arrow=True),
    "abusive (emotional)": LineStyle("abusive (emotional)", "hurtful", width=3.2, dashes=(12, 4), arrow=True),
    "abusive (sexual)": LineStyle("abusive (sexual)", "hurtful", width=3.2, dashes=(3, 3), arrow=True),
    "neglectful": LineStyle("neglectful", "not looked after", dashes=(2, 10), width=2.2, arrow=True),
    "supportive": LineStyle("supportive", "supportive", width=2.4),
    "caring": LineStyle("caring", "caring", width=2.0),
    "strong": LineStyle("strong (ecomap)", "strong", width=3.4),
    "tenuous": LineStyle("tenuous (ecomap)", "fragile", dashes=(5, 5), width=1.2),
    "stressful": LineStyle("stressful (ecomap)", "stressful", zigzag=True, width=1.2),
}
OTHER_KIND = LineStyle("other (own words)", "other", width=1.6)


def arrow_ends(kind: str, direction: str) -> str | None:
    """Where arrowheads go — "to" (the target), "from" (the source), "both" or None — for the app and every export.

    The direction of energy (Hartman's ecomap) is drawn for every kind; kinds whose genogram line
    carries an arrow (controlling, abusive, neglectful) get one at both ends when mutual. This is the
    one rule: the live map (`ui.netview_data`), the interactive page and the diagram all call it.

    >>> arrow_ends("close", "source_to_target"), arrow_ends("controlling", "mutual"), arrow_ends("close", "mutual")
    ('to', 'both', None)
    """
    if direction == "source_to_target":
        return "to"
    if direction == "target_to_source":
        return "from"
    return "both" if line_style(kind).arrow else None


def line_style(kind: str) -> LineStyle:
    """The drawing for a relationship kind; a free-text kind is drawn as a plain single line."""
    return LINE_STYLES.get(kind, OTHER_KIND)


# Okabe & Ito (2008) colour-universal palette.
CORNER_COLOURS: dict[str, str] = {
    "past": "#0072B2",  # blue
    "current": "#D55E00",  # vermillion
    "therapy": "#009E73",  # bluish green
}
CORNER_LABELS: dict[str, str] = {"past": "past", "current": "current", "therapy": "therapy"}
HIGHLIGHT = "#CC79A7"  # reddish purple: the pattern lit up across the map
DIMMED = "#C9CED1"  # relationships not enacting the lit pattern
SELF_FILL = "#2F6F73"
PERSON_FILL = "#FFFFFF"
PERSON_BORDER = "#1F2A2E"
DECEASED_BORDER = "#7A7F82"
TEXT = "#1F2A2E"

INTENSITY_WIDTH = {1: 0.7, 2: 0.85, 3: 1.0, 4: 1.2, 5: 1.4}
"""Multiplier on a line's width by intensity (1–5), so emotional load reads as weight."""


def edge_width(kind: str, intensity: int) -> float:
    return round(line_style(kind).width * INTENSITY_WIDTH.get(intensity, 1.0), 2)


NODE_SHAPES: dict[str, str] = {
    "self": "star",
    "therapist": "box",
    "group or institution": "hexagon",
}
"""vis-network shape per role (everyone else is a dot); genograms' sex symbols are not used: ditmap
records roles, not sex or gender."""


def node_shape(role: str) -> str:
    return NODE_SHAPES.get(role, "dot")
