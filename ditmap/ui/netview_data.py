"""What the live map draws, as plain JSON-ready data: a map and view options in, people, relationships,
legend and backdrop out. Pure (no Streamlit), so every drawing rule is testable in milliseconds.

All wording is chosen here, in clinician or plain client words (the browser only assembles the chosen
words into tooltip lines, places them with `textContent` or as a vis-network string `title`, shown as
text). User text travels as JSON strings and stays text. The client view never carries notes.

Compact on purpose: the whole structure is sent to the browser on every edit, and the budget is
< 50 KB per edit at 200 people. So keys are short, repeated words go in tables referenced by index,
colours are derived in the browser from the corner and the highlight state, and notes are clipped to
a shared budget (a tooltip is a glance; the editor beside the map holds the full text).

People: {"id", "a": alias, "x", "y", "r": role, "sh": shape (absent = dot), "me": 1 for the self,
         "dead": 1, "hl": 1 involved in the lit pattern / 2 dimmed, "nt": notes (clinician only),
         "lb": the name as drawn, wrapped onto lines (absent when it is the alias itself),
         "cg": a change between two versions, 1 added / 2 removed / 3 changed (only when `changes` is given)}
Also "lf": the largest font for names that keeps them clear of each other (`labels`), and per corner
title in the backdrop "far" and "reach" (where it sits: `labels.title_centre_radius`).
Relationships: {"id", "f": source, "t": target, "k": index in "kinds", "c": index in CORNERS,
         "w": line width, "n": intensity, "o": index in CLOSENESS, "ar": arrow 1 to target / 2 to source /
         3 both, "b": bend (parallels), "hl": 1 lit / 2 dimmed, "s": strength of the lit pattern (1–3),
         "fe": feelings, "cs": communication style (clinician only), "p": indices in "patterns"
         (clinician only), "nt": notes (clinician only), "cg": as for people}
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Mapping
from typing import Any, NamedTuple

from ditmap import labels, style
from ditmap.layout import RING_RADIUS, SECTORS, place
from ditmap.model import DitMap, Position, Relationship
from ditmap.vocab import CLOSENESS_PLAIN, CORNER_PLAIN, ROLES

CORNERS = ("past", "current", "therapy")
CLOSENESS = ("inner", "middle", "outer")
ARROW_CODES = {"to": 1, "from": 2, "both": 3}
CHANGE_CODES = {"added": 1, "removed": 2, "changed": 3}

LABEL_MAX = 40
"""Characters of an alias drawn on the canvas (the tooltip and the list show up to TEXT_MAX)."""
TEXT_MAX = 200
"""Characters of any other user text sent (aliases, roles, feelings, pattern titles; all ≤ 200 in the model
except notes)."""
NOTES_MAX = 160
"""Most characters of one item's notes in a clinician tooltip."""
NOTES_MIN = 40
"""Fewer than this and notes are left out of tooltips altogether (a 40-character stub says nothing)."""
NOTES_BUDGET = 6000
"""Characters of notes sent in total; shared equally by every item that has notes."""

FONT_CLINICIAN = labels.FONT
FONT_CLIENT = labels.FONT_CLIENT
BEND_STEP = 0.22
"""Roundness between parallel relationships joining the same two people, so each stays clickable."""

SHAPE_WORDS: dict[str, tuple[str, str]] = {
    # vis-network shape → (clinician words, client words)
    "star": ("the client (self)", "you"),
    "box": ("therapist", "your therapist"),
    "hexagon": ("group or institution", "a group or organisation"),
    "dot": ("person", "a person"),
}


def clip(text: str, limit: int) -> str:
    """`text` on one line, at most `limit` characters (an ellipsis marks a cut)."""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"


def arrow_of(r: Relationship) -> str | None:
    """Where arrowheads go: `style.arrow_ends`, the one rule shared with every export."""
    return style.arrow_ends(r.kind, r.direction)


def lit_strengths(m: DitMap, pattern_id: str | None) -> dict[str, int]:
    """Relationship id → the strongest enactment of the pattern in it (empty for no or unknown pattern)."""
    if not pattern_id or pattern_id not in m.patterns_by_id:
        return {}
    out: dict[str, int] = {}
    for e in m.enactments:
        if e.pattern == pattern_id and e.relationship in m.relationships_by_id:
            out[e.relationship] = max(out.get(e.relationship, 0), e.strength)
    return out


def bends(rels: tuple[Relationship, ...]) -> dict[str, float]:
    """A signed roundness per relationship: 0 for a lone line, fanned out for parallels.

    The sign is taken relative to the pair in sorted order, so A→B and B→A fan to opposite sides
    (vis-network's curvedCW bends relative to the from→to direction).
    """
    groups: dict[tuple[str, str], list[Relationship]] = defaultdict(list)
    for r in rels:
        groups[(min(r.source, r.target), max(r.source, r.target))].append(r)
    out: dict[str, float] = {}
    for (a, _b), group in groups.items():
        n = len(group)
        for i, r in enumerate(group):
            offset = (i - (n - 1) / 2) * BEND_STEP
            out[r.id] = round(offset if r.source == a else -offset, 3) + 0.0
    return out


def notes_limit(m: DitMap) -> int:
    """Characters of notes each item may send: NOTES_BUDGET shared by all items with notes, capped."""
    count = sum(1 for p in m.people if p.notes.strip()) + sum(1 for r in m.relationships if r.notes.strip())
    limit = min(NOTES_MAX, NOTES_BUDGET // max(count, 1))
    return limit if limit >= NOTES_MIN else 0


class _XY(NamedTuple):
    """A drawn position in whole pixels (a plain pair: no validation needed for what the layout made)."""

    x: int
    y: int


def _positions(m: DitMap, positions: dict[str, Position] | None) -> dict[str, Position]:
    placed = dict(positions) if positions is not None else {}
    for p in m.people:
        if p.id not in placed and p.position is not None:
            placed[p.id] = p.position
    if any(p.id not in placed for p in m.people):
        for pid, pos in place(m).items():
            placed.setdefault(pid, pos)
    return placed


def build_view(
    m: DitMap,
    *,
    highlight_pattern: str | None = None,
    selected: tuple[str, str] | None = None,
    client_view: bool = False,
    positions: dict[str, Position] | None = None,
    changes: Mapping[tuple[str, str], str] | None = None,
) -> dict[str, Any]:
    """The drawing of `m` as JSON-ready data for `assets/network.js` (format in the module docstring).

    `positions` overrides person positions (default: each person's stored position, and `layout.place(m)`
    for anyone without one). `selected` is ("person" | "relationship", id); an unknown id is dropped.
    `changes` marks items changed between two versions: ("person" | "relationship", id) → "added",
    "removed" or "changed" (`ditmap.supervision.changes_drawing`); each is drawn with a marker, not colour alone.
    """
    changes = changes or {}
    # Whole pixels, as sent: the names' geometry is computed on exactly what the browser draws.
    placed = {pid: _XY(round(pos.x), round(pos.y)) for pid, pos in _positions(m, positions).items()}
    geo = geometry(m, placed, client_view)
    lit = lit_strengths(m, highlight_pattern)
    lit_people = {x for rid in lit for x in (m.relationships_by_id[rid].source, m.relationships_by_id[rid].target)}
    me = m.self_person
    notes = 0 if client_view else notes_limit(m)

    people = []
    shapes_used: set[str] = set()
    for p in m.people:
        pos = placed[p.id]
        node: dict[str, Any] = {"id": p.id, "a": clip(p.alias, TEXT_MAX), "x": round(pos.x), "y": round(pos.y),
                                "r": clip(p.role, TEXT_MAX)}
        shape = style.node_shape(p.role)
        shapes_used.add(shape)
        if shape != "dot":
            node["sh"] = shape
        if me is not None and p.id == me.id:
            node["me"] = 1
        if not p.alive:
            node["dead"] = 1
        if lit:
            node["hl"] = 1 if p.id in lit_people else 2
        if notes and p.notes.strip():
            node["nt"] = clip(p.notes, notes)
        if ("person", p.id) in changes:
            node["cg"] = CHANGE_CODES[changes[("person", p.id)]]
        drawn_label = "\n".join(geo.lines[p.id])
        if drawn_label != node["a"]:
            node["lb"] = drawn_label
        people.append(node)

    # Pattern titles the tooltips may name: all in the clinician view, none in the client view (a draft
    # pattern is the therapist's hypothesis until it is agreed and talked through).
    pattern_index = {} if client_view else {pt.id: i for i, pt in enumerate(m.patterns)}
    enacted: dict[str, set[int]] = defaultdict(set)
    for e in m.enactments:
        if e.pattern in pattern_index:
            enacted[e.relationship].add(pattern_index[e.pattern])

    bend = bends(m.relationships)
    kinds: list[str] = []
    rels = []
    for r in m.relationships:
        if r.kind not in kinds:
            kinds.append(r.kind)
        width = style.edge_width(r.kind, r.intensity)
        edge: dict[str, Any] = {"id": r.id, "f": r.source, "t": r.target, "k": kinds.index(r.kind),
                                "c": CORNERS.index(r.corner), "w": width, "n": r.intensity,
                                "o": CLOSENESS.index(r.closeness)}
        arrow = arrow_of(r)
        if arrow:
            edge["ar"] = ARROW_CODES[arrow]
        if bend[r.id]:
            edge["b"] = bend[r.id]
        if lit:
            if r.id in lit:
                edge["hl"] = 1
                edge["s"] = lit[r.id]
                edge["w"] = round(width * 1.5 + lit[r.id], 2)
            else:
                edge["hl"] = 2
        if r.feelings:
            edge["fe"] = [clip(f, TEXT_MAX) for f in r.feelings]
        if not client_view and r.communication_style.strip():
            edge["cs"] = clip(r.communication_style, TEXT_MAX)
        if enacted.get(r.id):
            edge["p"] = sorted(enacted[r.id])
        if notes and r.notes.strip():
            edge["nt"] = clip(r.notes, notes)
        if ("relationship", r.id) in changes:
            edge["cg"] = CHANGE_CODES[changes[("relationship", r.id)]]
        rels.append(edge)

    return {
        "people": people,
        "rels": rels,
        "kinds": [_kind_style(k, client_view) for k in kinds],
        "patterns": [clip(pt.title, TEXT_MAX) for pt in m.patterns] if not client_view else [],
        # The chooser above the map lists every pattern, as the Patterns page does in both views.
        "choices": [[pt.id, clip(pt.title, TEXT_MAX)] for pt in m.patterns],
        "hp": highlight_pattern if highlight_pattern in m.patterns_by_id else None,
        "legend": _legend(m, kinds, shapes_used, lit, highlight_pattern, client_view, changes),
        "backdrop": _backdrop(m, placed, client_view, geo),
        "lf": geo.font,
        "selected": _selected(m, selected),
        "client": client_view,
        "font": FONT_CLIENT if client_view else FONT_CLINICIAN,
        "colours": {"corners": [style.CORNER_COLOURS[c] for c in CORNERS], "text": style.TEXT,
                    "self": style.SELF_FILL, "fill": style.PERSON_FILL, "border": style.PERSON_BORDER,
                    "dead": style.DECEASED_BORDER, "highlight": style.HIGHLIGHT, "dimmed": style.DIMMED},
        "aria": aria_label(m),
        "words": words(client_view),
        "quick": quick_choices(client_view),
    }


def aria_label(m: DitMap) -> str:
    n, k = len(m.people), len(m.relationships)
    return (f"Relationship map with {n} {'person' if n == 1 else 'people'}"
            f" and {k} relationship{'' if k == 1 else 's'}")


def _kind_style(kind: str, client_view: bool) -> dict[str, Any]:
    ls = style.line_style(kind)
    if kind in style.LINE_STYLES:
        label = ls.plain if client_view else ls.label
    else:
        label = f"{clip(kind, 80)} ({'your words' if client_view else 'own words'})"
    return {"label": label, "lines": ls.lines, "dashes": list(ls.dashes), "zigzag": ls.zigzag, "arrow": ls.arrow}


def _legend(m: DitMap, kinds: list[str], shapes_used: set[str], lit: dict[str, int],
            highlight_pattern: str | None, client_view: bool,
            changes: Mapping[tuple[str, str], str]) -> dict[str, Any]:
    order = list(style.LINE_STYLES)
    kind_order = sorted(range(len(kinds)), key=lambda i: (order.index(kinds[i]) if kinds[i] in order
                                                          else len(order), kinds[i]))
    corners_used = {r.corner for r in m.relationships}
    corner_words = CORNER_PLAIN if client_view else style.CORNER_LABELS
    legend: dict[str, Any] = {
        "kinds": kind_order,
        "corners": [{"label": corner_words[c], "colour": style.CORNER_COLOURS[c]}
                    for c in CORNERS if c in corners_used],
        "shapes": [{"shape": s, "label": SHAPE_WORDS[s][1 if client_view else 0]}
                   for s in ("star", "box", "hexagon", "dot") if s in shapes_used],
        "dead": any(not p.alive for p in m.people),
        "highlight": None,
    }
    if changes:
        legend["changes"] = [c for c in CHANGE_CODES if c in set(changes.values())]
    if highlight_pattern and highlight_pattern in m.patterns_by_id:
        legend["highlight"] = {"label": clip(m.label_of("pattern", highlight_pattern), TEXT_MAX),
                               "count": len(lit)}
    return legend


def _centre(m: DitMap, placed: dict[str, Any]) -> tuple[float, float]:
    me = m.self_person
    return (round(placed[me.id].x), round(placed[me.id].y)) if me is not None else (0, 0)


def geometry(m: DitMap, placed: dict[str, Any], client_view: bool) -> labels.Drawn:
    """The names' lines, the largest font at which they stay clear of each other, and where each
    corner's title sits clear of everyone (`labels`): the drawing uses exactly these."""
    me = m.self_person
    corner_words = CORNER_PLAIN if client_view else style.CORNER_LABELS
    return labels.drawn([(p.id, p.role, me is not None and p.id == me.id, p.alias) for p in m.people], placed,
                        _centre(m, placed), {c: (SECTORS[c][0], corner_words[c]) for c in CORNERS},
                        RING_RADIUS["middle"], client_view)


def _backdrop(m: DitMap, placed: dict[str, Any], client_view: bool, geo: labels.Drawn) -> dict[str, Any]:
    corner_words = CORNER_PLAIN if client_view else style.CORNER_LABELS
    return {
        "centre": list(_centre(m, placed)),
        "rings": [RING_RADIUS[c] for c in CLOSENESS],
        "sectors": [{"label": corner_words[c], "angle": SECTORS[c][0], "half": SECTORS[c][1],
                     "colour": style.CORNER_COLOURS[c], "far": geo.title_far[c],
                     "reach": round(labels.title_reach(corner_words[c], client_view), 1)} for c in CORNERS],
    }


def _selected(m: DitMap, selected: tuple[str, str] | None) -> dict[str, str] | None:
    if selected is None:
        return None
    kind, item_id = selected
    if (kind == "person" and item_id in m.people_by_id) or (
            kind == "relationship" and item_id in m.relationships_by_id):
        return {"kind": kind, "id": item_id}
    return None


QUICK_KINDS = ("close", "supportive", "caring", "distant", "conflictual", "close-hostile/ambivalent", "hostile",
               "controlling", "fused/enmeshed", "cut off")
"""The relationship kinds offered in the map's quick panel, one click each (the full form offers every kind
and the client's own words)."""


def quick_choices(client_view: bool) -> dict[str, Any]:
    """The choices of the map's quick panel, as [value, words] pairs in clinician or plain client words."""
    cv = int(client_view)
    corner_words = CORNER_PLAIN if client_view else style.CORNER_LABELS
    return {
        "roles": [r for r in ROLES if r != "self"],
        "kinds": [[k, (style.LINE_STYLES[k].plain, style.LINE_STYLES[k].label)[1 - cv]] for k in QUICK_KINDS],
        "corners": [[c, corner_words[c]] for c in CORNERS],
        "closeness": [[c, CLOSENESS_PLAIN[c] if client_view else f"{c} circle"] for c in CLOSENESS],
        "strengths": [["1", "a little"], ["2", "clearly"], ["3", "strongly"]] if client_view
        else [["1", "1 weak"], ["2", "2 clear"], ["3", "3 strong"]],
        "corner": "current",
        "closenessDefault": "middle",
    }


def words(client_view: bool) -> dict[str, Any]:
    """Fixed interface text (never user text): buttons, headings, and the pieces of tooltip lines."""
    if client_view:
        return {
            "fit": "Show whole map", "legend": "Key", "lines": "Lines", "corners": "Colours", "shapes": "Shapes",
            "dead": "no longer alive (dashed outline)", "deadTip": "no longer alive",
            "list": "People and relationships on the map (as a list)", "people": "People",
            "rels": "Relationships", "lit": "Pattern shown", "strength": "number = how strongly it shows (1–3)",
            "litTip": "part of the pattern shown, strength {s} of 3",
            "hint": "Drag to move a person · pinch or scroll to zoom · F to fit",
            "hintReadOnly": "Pinch or scroll to zoom · F to fit",
            "corner": [CORNER_PLAIN[c] for c in CORNERS],
            "closeness": [CLOSENESS_PLAIN[c] for c in CLOSENESS],
            "role": "", "intensity": "", "feelings": "feelings: ", "communication": "", "patterns": "",
            "notes": "", "from": "from ",
            "choose": "Show where this pattern appears", "none": "(none)", "rearrange": "Re-arrange",
            "rearrangeTip": "Place everyone again, neatly (Undo puts them back).", "add": "Add person",
            **_panel_words(True),
        }
    return {
        "fit": "Show whole map", "legend": "Legend", "lines": "Relationship kinds", "corners": "Corners (colour)",
        "shapes": "Shapes", "dead": "deceased (dashed outline)", "deadTip": "deceased",
        "list": "People and relationships on the map (as a list)", "people": "People", "rels": "Relationships",
        "lit": "Lit pattern", "strength": "number = strength 1–3",
        "litTip": "enacts the lit pattern, strength {s} of 3",
        "hint": "Drag to move a person · scroll or +/− to zoom · F to fit",
        "hintReadOnly": "Read-only: scroll or +/− to zoom · F to fit",
        "corner": [style.CORNER_LABELS[c] for c in CORNERS],
        "closeness": [f"{c} circle" for c in CLOSENESS],
        "role": "role: ", "intensity": "intensity {n}/5", "feelings": "feelings: ",
        "communication": "communication: ", "patterns": "patterns: ", "notes": "notes: ", "from": "direction: ",
        "choose": "Light up pattern", "none": "(none)", "rearrange": "Re-arrange",
        "rearrangeTip": "Place everyone again by closeness and corner (one step; Undo puts them back).",
        "add": "Add person", **_panel_words(False),
        **CHANGE_WORDS,
    }


CHANGE_WORDS: dict[str, Any] = {
    "changes": "Changes between the two versions",
    "change": ["", "added", "removed", "changed"],  # by "cg" code: tooltip line and legend
    "changeMarks": ["", "+", "−", "✎"],  # drawn beside a name and on a line's middle
    "changeLegend": {"added": "+ added (thick outline)", "removed": "− removed (faded, dashed)",
                     "changed": "✎ changed"},
}
"""Words for changes drawn on the map (supervision; clinician words only: the client view never shows a diff)."""


def _panel_words(client_view: bool) -> dict[str, Any]:
    """The quick panel's fixed words (never user text)."""
    return {
        "addTitle": "Add a person", "name": "Name", "namePlaceholder": "a name or initials",
        "nameMissing": "Please give a name or initials.",
        "role": "Who they are" if client_view else "Role",
        "rolePlaceholder": "e.g. mother, friend, manager",
        "kindLegend": "How things are with you" if client_view else "How they are with the client",
        "cornerLegend": "When" if client_view else "Corner",
        "closenessLegend": "How close" if client_view else "Closeness",
        "addOk": "Add", "cancel": "Cancel",
        "linkTitle": "This pattern shows here",
        "strengthLegend": "How strongly" if client_view else "Strength",
        "example": "An example (optional)" if client_view else "Example episode (optional)",
        "examplePlaceholder": "what happened, in a few words",
        "linkOk": "Link",
    }


PERSON_FIELDS = ("id", "a", "x", "y", "r", "sh", "me", "dead", "hl", "nt", "lb", "cg")
RELATIONSHIP_FIELDS = ("id", "f", "t", "k", "c", "w", "n", "o", "ar", "b", "hl", "s", "fe", "cs", "p", "nt", "cg")

_JSON_IN_HTML = str.maketrans({"<": "\\u003c", ">": "\\u003e", "&": "\\u0026",
                               "\u2028": "\\u2028", "\u2029": "\\u2029"})


def _rows(items: list[dict[str, Any]], fields: tuple[str, ...]) -> list[list[Any]]:
    rows = []
    for item in items:
        row = [item.get(f) for f in fields]
        while row and row[-1] is None:
            row.pop()
        rows.append(row)
    return rows


def pack(view: dict[str, Any]) -> bytes:
    """`view` as the bytes sent to the browser: people and relationships as rows (field names once, in
    "pf"/"rf"), compact JSON, UTF-8. `<`, `>`, `&`, U+2028 and U+2029 are escaped as \\uXXXX, so the
    text is also safe inside an HTML <script> block, should it ever be put in one.
    """
    out = dict(view)
    out["pf"], out["people"] = list(PERSON_FIELDS), _rows(view["people"], PERSON_FIELDS)
    out["rf"], out["rels"] = list(RELATIONSHIP_FIELDS), _rows(view["rels"], RELATIONSHIP_FIELDS)
    text = json.dumps(out, separators=(",", ":"), ensure_ascii=False, allow_nan=False)
    if any(ch in text for ch in "<>&\u2028\u2029"):  # rare; translate() alone costs ms at 200 people
        text = text.translate(_JSON_IN_HTML)
    return text.encode("utf-8")


def unpack(data: bytes) -> dict[str, Any]:
    """The inverse of `pack` (what `network.js` does on arrival); for tests and tools."""
    view = json.loads(data.decode("utf-8"))
    for key, fields in (("people", view.pop("pf")), ("rels", view.pop("rf"))):
        view[key] = [{f: v for f, v in zip(fields, row, strict=False) if v is not None} for row in view[key]]
    return view
