"""How much room each person takes on the drawn map: the node and the name beneath it, as boxes.

One set of metrics for three users: the layout keeps these boxes apart when it places people, the
live drawing (`ui/netview_data.py`, `ui/assets/network.js`) draws names with exactly these lines and
never with a font larger than the boxes allow, and the tests check that no two boxes overlap (and, in
Chromium, that vis-network's own bounding box of each person lies inside the box computed here).

Coordinates are vis-network map pixels (x right, y down), as in `layout`. Widths are estimated from
the number of characters with a generous average advance (`CHAR_EM`), so the estimate is never
narrower than the text drawn in the browser's sans-serif font (checked by a browser test).
"""

from __future__ import annotations

import math
import textwrap
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from ditmap import style

FONT = 14
"""Font size of a person's name in the clinician view (map pixels at zoom 1); the self's is 2 larger."""
FONT_CLIENT = 22
"""The same in the client view (larger text for a client, often on a tablet)."""
FONT_MAX_FACTOR = 2.2
"""How much the drawing may enlarge names when the map is zoomed out, at most (if there is room)."""
SELF_EXTRA = 2
LINE_CHARS = 16
"""Characters per line of a drawn name: longer names wrap onto a second and third line."""
MAX_LINES = 3
CHAR_EM = 0.62
"""Average advance of one character, as a fraction of the font size (generous for sans-serif)."""
LINE_EM = 1.0
"""Height of one line of a name, as a fraction of the font size (vis-network's line height)."""
LABEL_GAP = 4.0
"""Space between a node and the top of its name."""
LABEL_STROKE = 4.0
"""The white outline drawn around names (vis-network `font.strokeWidth`), counted on each side."""
BOX_MARGIN = 8.0
BOX_EXTRA = 7.0
"""What vis-network adds around a box's text beyond its margin, above and below (measured in Chromium)."""
"""Inner margin of box-shaped people (the therapist): their name is drawn inside the box."""
PAD = 3.0
"""Air kept around every box: boxes closer than 2 × PAD count as touching."""
TITLE_FONT = 18
TITLE_FONT_CLIENT = 24
TITLE_EM = 0.66
"""Average advance for corner titles, which are drawn bold."""
TITLE_MAX_ZOOM_OUT = 2.5
"""Corner titles keep their size on screen when zoomed out, growing in map units up to this factor."""

SIZES: dict[str, float] = {"star": 22.0, "box": 16.0, "hexagon": 16.0, "dot": 13.0}
"""vis-network node size (radius) per shape; the self is drawn as a star."""


@dataclass(frozen=True, slots=True)
class Box:
    """An axis-aligned rectangle in map pixels."""

    x0: float
    y0: float
    x1: float
    y1: float

    def overlaps(self, other: Box) -> bool:
        return self.x0 < other.x1 and other.x0 < self.x1 and self.y0 < other.y1 and other.y0 < self.y1

    def padded(self, pad: float) -> Box:
        return Box(self.x0 - pad, self.y0 - pad, self.x1 + pad, self.y1 + pad)


@lru_cache(maxsize=8192)
def _wrapped(alias: str) -> tuple[str, ...]:
    return tuple(_wrap(alias))


def label_lines(alias: str) -> list[str]:
    """A name as drawn: wrapped at word boundaries to LINE_CHARS, at most MAX_LINES lines (… marks a cut).

    >>> label_lines("Previous counsellor (2023)")
    ['Previous', 'counsellor', '(2023)']
    >>> label_lines("Mum")
    ['Mum']
    """
    return list(_wrapped(alias))


def _wrap(alias: str) -> list[str]:
    flat = " ".join(alias.split()) or "?"
    lines = textwrap.wrap(flat, LINE_CHARS, break_long_words=True, break_on_hyphens=False) or [flat[:LINE_CHARS]]
    if len(lines) > MAX_LINES:
        last = lines[MAX_LINES - 1][: LINE_CHARS - 1].rstrip()
        lines = [*lines[: MAX_LINES - 1], last + "…"]
    return lines


def _advance(ch: str) -> float:
    """A generous advance for one character, in ems (DejaVu Sans and similar sans-serif fonts)."""
    if ch in _NARROW:
        return 0.4
    if ch in _WIDE or ord(ch) >= 0x1F000 or unicodedata.east_asian_width(ch) in "WF":
        return 1.25 if ord(ch) >= 0x1F000 else 1.05
    if ch.isupper():
        return 0.8
    return CHAR_EM


_NARROW = frozenset(" .,:;!|'ijlIft()[]-")
_WIDE = frozenset("MWmw@%…—")


def text_width(text: str, font: float, em: float = CHAR_EM) -> float:
    """A generous estimate of `text`'s drawn width (`em` scales the whole estimate: bold titles are wider)."""
    return (sum(_advance(ch) for ch in text) + 0.3) * font * em / CHAR_EM


def _name_width(line: str, font: float) -> float:
    """A name's line as vis-network sizes it: the text and its white outline on both sides."""
    return text_width(line, font) + 2 * LABEL_STROKE


@lru_cache(maxsize=8192)
def _ems(alias: str) -> tuple[float, int]:
    """The widest line of a drawn name in ems (width = ems × font + outline), and its number of lines."""
    lines = _wrapped(alias)
    return max(text_width(line, 1.0) for line in lines), len(lines)


def _box_of(x: float, y: float, ems: float, n: int, shape: str, font: float, pad: float = 0.0) -> Box:
    """`person_box` from a name's measure (`_ems`) rather than its text (the same numbers, faster), padded."""
    width = ems * font + 2 * LABEL_STROKE
    height = n * font * LINE_EM
    if shape == "box":
        half_w, half_h = width / 2 + BOX_MARGIN + pad, height / 2 + BOX_MARGIN + BOX_EXTRA + pad
        return Box(x - half_w, y - half_h, x + half_w, y + half_h)
    size = SIZES.get(shape, SIZES["dot"])
    half_w = max(size, width / 2) + pad
    return Box(x - half_w, y - size - pad, x + half_w, y + size + LABEL_GAP + height + pad)


def person_font(client_view: bool, is_self: bool) -> float:
    return (FONT_CLIENT if client_view else FONT) + (SELF_EXTRA if is_self else 0)


def person_box(x: float, y: float, lines: list[str], shape: str, font: float) -> Box:
    """The room a person takes: the node and the name beneath it (a box-shaped person holds the name inside)."""
    width = max(_name_width(line, font) for line in lines)
    height = len(lines) * font * LINE_EM
    if shape == "box":
        half_w, half_h = width / 2 + BOX_MARGIN, height / 2 + BOX_MARGIN + BOX_EXTRA
        return Box(x - half_w, y - half_h, x + half_w, y + half_h)
    size = SIZES.get(shape, SIZES["dot"])
    half_w = max(size, width / 2)
    return Box(x - half_w, y - size, x + half_w, y + size + LABEL_GAP + height)


def shape_of(role: str, is_self: bool) -> str:
    return "star" if is_self else style.node_shape(role)


def title_reach(label: str, client_view: bool) -> float:
    """Half the diagonal of a corner title at zoom 1: the title fits in a circle of this radius."""
    font = TITLE_FONT_CLIENT if client_view else TITLE_FONT
    half_w = text_width(label, font, TITLE_EM) / 2 + 12
    return math.hypot(half_w, font * 1.1)


def title_centre_radius(far: float, reach: float, zoom_out: float) -> float:
    """Distance from the map's centre to a corner title's centre, `zoom_out` ≥ 1 (the drawing's rule)."""
    return far + (reach + 6) * zoom_out


def title_far(boxes: list[Box], centre: tuple[float, float], angle_deg: float, reach: float,
              least: float) -> float:
    """How far out along its corner's direction a title must start so that it clears every person.

    The title sits on the ray from `centre` at `angle_deg` (0 = right, 90 = up), in a circle of
    radius reach × zoom-out; every box reaching into the strip that circle can sweep is behind it.
    """
    a = math.radians(angle_deg)
    ux, uy = math.cos(a), -math.sin(a)  # y grows down
    half = reach * TITLE_MAX_ZOOM_OUT
    far = least
    cx, cy = centre
    for b in boxes:
        corners = [(b.x0 - cx, b.y0 - cy), (b.x1 - cx, b.y0 - cy), (b.x0 - cx, b.y1 - cy), (b.x1 - cx, b.y1 - cy)]
        perps = [px * -uy + py * ux for px, py in corners]
        if min(perps) > half or max(perps) < -half:
            continue
        far = max(far, max(px * ux + py * uy for px, py in corners))
    return far


def title_box(centre: tuple[float, float], angle_deg: float, far: float, label: str, client_view: bool,
              zoom_out: float) -> Box:
    """A corner title's box in map pixels at a zoom-out factor (as the drawing places it)."""
    font = (TITLE_FONT_CLIENT if client_view else TITLE_FONT) * zoom_out
    r = title_centre_radius(far, title_reach(label, client_view), zoom_out)
    a = math.radians(angle_deg)
    x, y = centre[0] + r * math.cos(a), centre[1] - r * math.sin(a)
    half_w = text_width(label, font / zoom_out, TITLE_EM) * zoom_out / 2
    return Box(x - half_w, y - font * 0.6, x + half_w, y + font * 0.6)


def overlapping_pairs(boxes: list[Box], pad: float = 0.0) -> list[tuple[int, int]]:
    """Index pairs of boxes that overlap (after padding each by `pad`), by a sweep along x."""
    padded = [b.padded(pad) for b in boxes] if pad else boxes
    order = sorted(range(len(padded)), key=lambda i: padded[i].x0)
    out: list[tuple[int, int]] = []
    for k, i in enumerate(order):
        b = padded[i]
        for j in order[k + 1:]:
            o = padded[j]
            if o.x0 >= b.x1:
                break
            if b.y0 < o.y1 and o.y0 < b.y1 and b.x0 < o.x1:
                out.append((min(i, j), max(i, j)))
    return out


class Grid:
    """Boxes bucketed by cell, for quick "does this box hit anything placed so far?" checks."""

    def __init__(self, cell: float = 160.0) -> None:
        self.cell = cell
        self.cells: dict[tuple[int, int], list[Box]] = {}

    def _keys(self, b: Box) -> list[tuple[int, int]]:
        c = self.cell
        return [(i, j) for i in range(math.floor(b.x0 / c), math.floor(b.x1 / c) + 1)
                for j in range(math.floor(b.y0 / c), math.floor(b.y1 / c) + 1)]

    def add(self, b: Box) -> None:
        for k in self._keys(b):
            self.cells.setdefault(k, []).append(b)

    def hits(self, b: Box) -> bool:
        return any(o.overlaps(b) for k in self._keys(b) for o in self.cells.get(k, ()))


@dataclass(frozen=True, slots=True)
class Drawn:
    """What the drawing needs from the metrics: each name's lines, the largest clear font, corner titles."""

    lines: dict[str, list[str]]
    font: float
    """The largest font for names (the self's is SELF_EXTRA larger) at which no names collide that did not
    already collide at FONT (people dragged onto each other stay where they were put)."""
    title_far: dict[str, float]
    """Per corner: where along its direction the title starts (`title_centre_radius`)."""


def people_boxes(people: list[tuple[str, str, bool]], placed: dict[str, Any], lines: dict[str, list[str]],
                 font: float) -> list[Box]:
    """Boxes of (id, role, is_self) people at positions `placed` (objects with x and y), names at `font`."""
    return [person_box(placed[pid].x, placed[pid].y, lines[pid], shape_of(role, is_self),
                       font + (SELF_EXTRA if is_self else 0)) for pid, role, is_self in people]


_Sized = tuple[float, float, float, int, str, float]
"""(x, y, ems, lines, shape, font extra) of one person: everything their box depends on but the font."""


def _boxes(sized: list[_Sized], font: float, pad: float = PAD) -> list[Box]:
    return [_box_of(x, y, ems, n, shape, font + extra, pad) for x, y, ems, n, shape, extra in sized]


def _largest_clear_font(sized: list[_Sized], wanted: float) -> float:
    hi = wanted * FONT_MAX_FACTOR
    pairs = overlapping_pairs(_boxes(sized, hi))
    best = hi
    for i, j in pairs:
        a, b = sized[i], sized[j]

        def clash(f: float, a: _Sized = a, b: _Sized = b) -> bool:
            return _box_of(*a[:5], f + a[5], PAD).overlaps(_box_of(*b[:5], f + b[5], PAD))

        if not clash(best) or clash(FONT):  # clear up to `best` already; or put there by someone's drag
            continue
        lo, top = float(FONT), best
        for _ in range(10):
            mid = (lo + top) / 2
            lo, top = (lo, mid) if clash(mid) else (mid, top)
        best = lo
    return max(float(FONT), math.floor(best * 10) / 10)


def largest_clear_font(people: list[tuple[str, str, bool, str]], placed: dict[str, Any], wanted: float) -> float:
    """The largest font ≤ wanted × FONT_MAX_FACTOR (and ≥ FONT) at which no two padded boxes of
    (id, role, is_self, alias) people overlap, ignoring pairs that already overlap at FONT."""
    return _largest_clear_font(_sized(people, placed), wanted)


def _sized(people: list[tuple[str, str, bool, str]], placed: dict[str, Any]) -> list[_Sized]:
    out = []
    for pid, role, me, alias in people:
        ems, n = _ems(alias)
        out.append((placed[pid].x, placed[pid].y, ems, n, shape_of(role, me), SELF_EXTRA if me else 0))
    return out


def drawn(people: list[tuple[str, str, bool, str]], placed: dict[str, Any], centre: tuple[float, float],
          sectors: dict[str, tuple[float, str]], least: float, client_view: bool) -> Drawn:
    """The drawing's label geometry. `people`: (id, role, is_self, alias); `sectors`: corner → (angle, title).

    Kept for the last few drawings (it depends only on names, shapes and positions, not on what is lit
    or selected, so a rerun that lights a pattern reuses it)."""
    key = (tuple((pid, role, me, alias, placed[pid].x, placed[pid].y) for pid, role, me, alias in people),
           centre, tuple(sorted(sectors.items())), least, client_view)
    return _drawn(key)


@lru_cache(maxsize=16)
def _drawn(key: tuple[Any, ...]) -> Drawn:
    who, centre, sectors, least, client_view = key
    people = [(pid, role, me, alias) for pid, role, me, alias, _, _ in who]
    sized = [(x, y, *_ems(alias), shape_of(role, me), SELF_EXTRA if me else 0) for _, role, me, alias, x, y in who]
    font = _largest_clear_font(sized, FONT_CLIENT if client_view else FONT)
    boxes = _boxes(sized, font)
    far = {c: round(title_far(boxes, centre, angle, title_reach(title, client_view), least), 1)
           for c, (angle, title) in sectors}
    return Drawn({pid: label_lines(alias) for pid, _, _, alias in people}, font, far)
