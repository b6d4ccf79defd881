"""The print-ready formulation diagram (SVG, PNG, PDF): the map beside the IPAF drawn as on paper.

Left: the map with the self at the centre, closeness rings, the triangle-of-person sectors, each
relationship in its genogram line style (`ditmap.style`: parallel strokes, dashes, zigzag, arrow) and
corner colour, and the chosen pattern's relationships on a shaded band; a legend in words below.
Right: the pattern as DIT and CAT clinicians draw it — Other above Self, the affects on the arrow
between them, the defensive function below — and the pattern in one sentence.

Landscape A4 or Letter. Colour is never the only cue (line form, sector, labels), so the diagram
reads in greyscale. Text stays text in SVG (`svg.fonttype = none`) and PDF (TrueType), matplotlib
escapes it, and `parse_math=False` keeps a `$` in someone's words from being read as maths.
Built on `matplotlib.figure.Figure` with the Agg canvas, never pyplot: Streamlit runs scripts in
threads and pyplot's current-figure state is shared.
"""

from __future__ import annotations

import io
import math
import textwrap
import warnings
from dataclasses import dataclass

import matplotlib
from matplotlib.backends.backend_pdf import PdfPages
from matplotlib.collections import LineCollection, PolyCollection
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Circle, FancyArrowPatch, FancyBboxPatch

from ditmap import style
from ditmap.exports.pseudonym import client_label, positions, shorten
from ditmap.exports.registry import ExportOptions
from ditmap.exports.wording import chosen_pattern, corner_name, dateline, words
from ditmap.formulation import ipaf_sentence
from ditmap.layout import RING_RADIUS, SECTORS
from ditmap.model import DitMap, Pattern, Relationship

# Output settings read at save time. Set once, to the same values, by this module only: text as
# text in SVG and PDF, and no random ids, so the same map gives the same file.
matplotlib.rcParams.update({"svg.fonttype": "none", "pdf.fonttype": 42, "ps.fonttype": 42,
                            "svg.hashsalt": "ditmap"})

FONT = "DejaVu Sans"
DPI = 150
PAPER_MM: dict[str, tuple[float, float]] = {"a4": (297.0, 210.0), "letter": (279.4, 215.9)}  # landscape
MARKERS = {"star": "*", "box": "s", "hexagon": "h", "dot": "o"}
FIELD_LINES = 6  # lines of one free-text field shown on the diagram's first page (PDF: the rest follows)


def page_pixels(paper: str, dpi: int = DPI) -> tuple[int, int]:
    """Width and height in pixels of a landscape page at `dpi` (A4 at 150 dpi: 1754 × 1240)."""
    w, h = PAPER_MM[paper]
    return round(w / 25.4 * dpi), round(h / 25.4 * dpi)


CONTINUED = "… marks text shortened here: the pattern is written out in full on the next page."
SHORTENED = "… marks text shortened here: the formulation summary has it in full."


def build_figure(m: DitMap, opts: ExportOptions, *, continued: bool = False) -> Figure:
    """The whole diagram as a matplotlib Figure (no pyplot); `continued`: a PDF, where shortened text
    is written out in full on the pages that follow (`continuation_figures`)."""
    w_px, h_px = page_pixels(opts.paper)
    fig = Figure(figsize=(w_px / DPI, h_px / DPI), dpi=DPI, facecolor="white")
    w = words(opts.client)
    pattern = chosen_pattern(m, opts.pattern_id)
    _text(fig, 0.02, 0.965, f"{w['map_title']} — {shorten(client_label(m), 40)}", size=15, weight="bold", va="center")
    _text(fig, 0.98, 0.965, dateline(m, opts.session, opts.client), size=10.5, ha="right", va="center")
    _text(fig, 0.02, 0.012, w["footer"], size=7, color="#444444", va="bottom")

    map_ax = fig.add_axes((0.015, 0.235, 0.57, 0.695))
    legend_ax = fig.add_axes((0.015, 0.035, 0.57, 0.19))
    ipaf_ax = fig.add_axes((0.605, 0.035, 0.38, 0.895))
    for ax in (map_ax, legend_ax, ipaf_ax):
        ax.set_axis_off()
    lit = {e.relationship for e in m.enactments if pattern is not None and e.pattern == pattern.id}
    kinds = _draw_map(map_ax, m, lit, opts.client)
    _draw_legend(legend_ax, kinds, bool(lit), opts.client)
    cut: list[bool] = []
    _draw_ipaf(ipaf_ax, pattern, opts.client, cut)
    if cut:
        _text(ipaf_ax, 2, 2, CONTINUED if continued else SHORTENED, size=7.5, style="italic", va="bottom")
    fig.ditmap_cut = bool(cut)  # type: ignore[attr-defined]
    return fig


def _save(m: DitMap, opts: ExportOptions, fmt: str) -> bytes:
    fig = build_figure(m, opts, continued=fmt == "pdf")
    buf = io.BytesIO()
    metadata = {"svg": {"Date": None, "Creator": "ditmap"}, "pdf": {"CreationDate": None, "Creator": "ditmap",
                                                                     "Producer": "ditmap"},
                "png": {"Software": "ditmap"}}[fmt]
    with warnings.catch_warnings():
        # "Glyph … missing from font" warnings would copy user text into the logs; the glyph is
        # drawn as a box either way.
        warnings.filterwarnings("ignore", message="Glyph .* missing from font", category=UserWarning)
        if fmt == "pdf" and fig.ditmap_cut:  # type: ignore[attr-defined]
            with PdfPages(buf, metadata=metadata) as pages:
                pages.savefig(fig, dpi=DPI)
                for more in continuation_figures(m, opts):
                    pages.savefig(more, dpi=DPI)
        else:
            fig.savefig(buf, format=fmt, dpi=DPI, metadata=metadata)
    return buf.getvalue()


def continuation_figures(m: DitMap, opts: ExportOptions) -> list[Figure]:
    """The featured pattern written out in full, field by field, on as many landscape pages as it takes."""
    w = words(opts.client)
    pattern = chosen_pattern(m, opts.pattern_id)
    if pattern is None:
        return []
    w_px, h_px = page_pixels(opts.paper)
    size, leading, chars = 9.0, 12.5, 135
    rows: list[tuple[str, str]] = [(line, "bold") for line in _wrap(f"{w['pattern_heading']}: {pattern.title}",
                                                                    110)]
    rows.append(("", "normal"))
    for label, value in _ipaf_fields(pattern, opts.client):
        rows.append((label, "bold"))
        rows += [(line, "normal") for line in _wrap(value, chars)]
        rows.append(("", "normal"))
    rows.append(("In one sentence:" if not opts.client else "Putting it together:", "bold"))
    rows += [(line, "italic") for line in _wrap(ipaf_sentence(pattern, plain=opts.client), chars)]
    per_page = int((h_px / DPI * 72 - 90) / leading)
    figures = []
    for start in range(0, len(rows), per_page):
        fig = Figure(figsize=(w_px / DPI, h_px / DPI), dpi=DPI, facecolor="white")
        ax = fig.add_axes((0.04, 0.06, 0.92, 0.86))
        ax.set_axis_off()
        _, h_pt = _points_axes(ax)
        _text(fig, 0.04, 0.965, f"{w['map_title']} — {shorten(client_label(m), 40)} — continued", size=13,
              weight="bold", va="center")
        _text(fig, 0.02, 0.012, w["footer"], size=7, color="#444444", va="bottom")
        y = h_pt
        for line, look in rows[start:start + per_page]:
            _text(ax, 0, y, line, size=size, va="top", weight="bold" if look == "bold" else "normal",
                  style="italic" if look == "italic" else "normal")
            y -= leading
        figures.append(fig)
    return figures


def _ipaf_fields(pattern: Pattern, client: bool) -> list[tuple[str, str]]:
    """(label, text) of every written field of the pattern, in the diagram's order and words."""
    w = words(client)
    fields = [(w["other"], pattern.other_representation), (w["affects"], ", ".join(pattern.affects)),
              (w["self"], pattern.self_representation), (w["defensive_function"], pattern.defensive_function)]
    if not client:
        fields.append((w["defences"], ", ".join(pattern.defences)))
    fields += [(w[f], getattr(pattern, f)) for f in ("reversal", "transference", "client_words",
                                                     "healthier_alternative")]
    return [(label, value) for label, value in fields if value.strip()]


def export_svg(m: DitMap, opts: ExportOptions) -> bytes:
    return _save(m, opts, "svg")


def export_png(m: DitMap, opts: ExportOptions) -> bytes:
    return _save(m, opts, "png")


def export_pdf(m: DitMap, opts: ExportOptions) -> bytes:
    return _save(m, opts, "pdf")


# --- text ------------------------------------------------------------------------------------------

def _text(target, x, y, s, *, size=9.0, **kw):
    """Text that is only ever text: no maths parsing, DejaVu Sans for any script."""
    kw.setdefault("color", style.TEXT)
    return target.text(x, y, s, fontsize=size, fontfamily=FONT, parse_math=False, usetex=False, **kw)


def _wrap(s: str, width: int, max_lines: int | None = None, cut: list[bool] | None = None) -> list[str]:
    """Wrapped lines, broken between words (a word longer than a whole line is the only thing split).

    When cut to `max_lines`, the last line keeps whole words and ends with an ellipsis, and `cut`
    (if given) records that something was shortened, so the PDF can continue on the next page.
    """
    s = " ".join(s.split())
    lines = textwrap.wrap(s, width=width, break_long_words=True, break_on_hyphens=False) or [""]
    if max_lines is not None and len(lines) > max_lines:
        lines = lines[:max(max_lines, 1)]
        words = lines[-1].split(" ")
        while len(words) > 1 and len(" ".join(words)) + 2 > width:
            words.pop()
        lines[-1] = " ".join(words) + " …"
        if cut is not None:
            cut.append(True)
    return lines


# --- the map ---------------------------------------------------------------------------------------

class _Batch:
    """Strokes and arrowheads gathered by look and drawn as one collection each.

    A 200-person map has ~600 strokes; one matplotlib artist per stroke made the diagram take
    seconds, one collection per look takes a fraction of that.
    """

    def __init__(self) -> None:
        self.lines: dict[tuple, list] = {}
        self.polys: dict[tuple, list] = {}

    def line(self, xs, ys, *, colour: str, width: float, dashes=(), alpha: float = 1.0, cap: str = "butt",
             zorder: float = 2) -> None:
        key = (colour, round(width, 2), tuple(dashes), alpha, cap, zorder)
        self.lines.setdefault(key, []).append(list(zip(xs, ys, strict=True)))

    def poly(self, points, *, colour: str, zorder: float = 2.1) -> None:
        self.polys.setdefault((colour, zorder), []).append(points)

    def draw(self, ax) -> None:
        for (colour, width, dashes, alpha, cap, zorder), segs in self.lines.items():
            lc = LineCollection(segs, colors=colour, linewidths=width, alpha=alpha, zorder=zorder,
                                linestyles=(0, dashes) if dashes else "solid", capstyle=cap, joinstyle="miter")
            ax.add_collection(lc, autolim=False)
        for (colour, zorder), polys in self.polys.items():
            ax.add_collection(PolyCollection(polys, facecolors=colour, edgecolors=colour, linewidths=0.5,
                                             zorder=zorder), autolim=False)


@dataclass(frozen=True, slots=True)
class _Scale:
    upp: float  # data units per typographic point

    def pt(self, points: float) -> float:
        return points * self.upp


def _fit(ax, xs: list[float], ys: list[float], margin: float) -> _Scale:
    """Equal-aspect limits holding every point; returns data units per point for offsets in points."""
    fig = ax.figure
    bbox = ax.get_position()
    w_pt = bbox.width * fig.get_figwidth() * 72
    h_pt = bbox.height * fig.get_figheight() * 72
    x0, x1 = min(xs) - margin, max(xs) + margin
    y0, y1 = min(ys) - margin, max(ys) + margin
    upp = max((x1 - x0) / w_pt, (y1 - y0) / h_pt)
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    ax.set_xlim(cx - upp * w_pt / 2, cx + upp * w_pt / 2)
    ax.set_ylim(cy - upp * h_pt / 2, cy + upp * h_pt / 2)
    return _Scale(upp)


def _draw_map(ax, m: DitMap, lit: set[str], client: bool) -> list[str]:
    pos = {pid: (p.x, -p.y) for pid, p in positions(m).items()}  # vis-network y grows down
    me = m.self_person
    centre = pos.get(me.id, (0.0, 0.0)) if me else (0.0, 0.0)
    ring_max = max(RING_RADIUS.values())
    xs = [x for x, _ in pos.values()] + [centre[0] - ring_max, centre[0] + ring_max]
    ys = [y for _, y in pos.values()] + [centre[1] - ring_max, centre[1] + ring_max]
    sc = _fit(ax, xs, ys, margin=70.0)

    for radius in RING_RADIUS.values():  # closeness rings: inner, middle, outer
        ax.add_patch(Circle(centre, radius, fill=False, lw=0.6, ls=(0, (1, 3)), ec="#9AA3A7", zorder=0))
    for corner, (angle, _half) in SECTORS.items():
        r = ring_max + 38
        a = math.radians(angle)
        _text(ax, centre[0] + r * math.cos(a), centre[1] + r * math.sin(a), corner_name(corner, client).upper(),
              size=9, weight="bold", color=style.CORNER_COLOURS[corner], ha="center", va="center", zorder=1)

    node_r = {pid: sc.pt(11 if (pid == (me.id if me else None)) else 7.5) for pid in pos}
    kinds: list[str] = []
    batch = _Batch()
    for r in m.relationships:
        if r.source not in pos or r.target not in pos:
            continue
        if r.kind not in kinds:
            kinds.append(r.kind)
        _draw_relationship(batch, r, pos, node_r, sc, r.id in lit)
    batch.draw(ax)
    markers: dict[tuple, list[tuple[float, float]]] = {}
    crosses: list = []
    boxed = len(m.people) <= 60  # label backgrounds keep small maps legible; large maps skip them for speed

    for p in m.people:
        if p.id not in pos:
            continue
        x, y = pos[p.id]
        shape = style.node_shape(p.role)
        is_self = me is not None and p.id == me.id
        look = (MARKERS.get(shape, "o"), 22 if is_self else 13, style.SELF_FILL if is_self else style.PERSON_FILL,
                style.PERSON_BORDER if p.alive else style.DECEASED_BORDER)
        markers.setdefault(look, []).append((x, y))
        if not p.alive:  # genogram convention: a cross through a person who has died
            d = sc.pt(5)
            crosses += [[(x - d, y - d), (x + d, y + d)], [(x - d, y + d), (x + d, y - d)]]
        _text(ax, x, y - node_r[p.id] - sc.pt(3), shorten(p.alias, 24), size=8 if not is_self else 9,
              weight="bold" if is_self else "normal", ha="center", va="top", zorder=7,
              bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none", "alpha": 0.85} if boxed else None)
    for (marker, size, fill, edge), xy in markers.items():
        xs, ys = zip(*xy, strict=True)
        ax.plot(xs, ys, marker=marker, ms=size, mfc=fill, mec=edge, mew=1.3, ls="none", zorder=5)
    if crosses:
        ax.add_collection(LineCollection(crosses, colors=style.DECEASED_BORDER, linewidths=1, zorder=6),
                          autolim=False)
    return kinds


def _draw_relationship(batch: _Batch, r: Relationship, pos, node_r, sc: _Scale, lit: bool) -> None:
    (x0, y0), (x1, y1) = pos[r.source], pos[r.target]
    length = math.hypot(x1 - x0, y1 - y0)
    if length < 1e-6:
        return
    dx, dy = (x1 - x0) / length, (y1 - y0) / length
    a = (x0 + dx * node_r[r.source], y0 + dy * node_r[r.source])
    b = (x1 - dx * node_r[r.target], y1 - dy * node_r[r.target])
    if math.hypot(b[0] - a[0], b[1] - a[1]) < sc.pt(4):
        return
    ends = style.arrow_ends(r.kind, r.direction)
    if ends == "from":
        a, b = b, a
    _genogram_line(batch, a, b, style.line_style(r.kind), style.CORNER_COLOURS.get(r.corner, style.TEXT),
                   style.edge_width(r.kind, r.intensity), sc, halo=lit, arrow=ends is not None,
                   both=ends == "both")


def _genogram_line(batch: _Batch, a, b, ls: style.LineStyle, colour: str, width: float, sc: _Scale, *,
                   halo: bool = False, arrow: bool = False, both: bool = False, zorder: float = 2) -> None:
    """Draw one relationship from a to b (data units) in its genogram style; `arrow` puts a head at b,
    `both` at a as well (`style.arrow_ends`)."""
    length = math.hypot(b[0] - a[0], b[1] - a[1])
    ux, uy = (b[0] - a[0]) / length, (b[1] - a[1]) / length
    nx_, ny_ = -uy, ux
    gap = width + 2.2  # points between parallel strokes
    if halo:
        batch.line([a[0], b[0]], [a[1], b[1]], colour=style.HIGHLIGHT, width=gap * ls.lines + 9, alpha=0.38,
                   cap="round", zorder=zorder - 0.5)
    for i in range(ls.lines):
        off = sc.pt((i - (ls.lines - 1) / 2) * gap)
        p0 = (a[0] + nx_ * off, a[1] + ny_ * off)
        if ls.zigzag:
            xs, ys = _zigzag(p0, length, (ux, uy), (nx_, ny_), sc)
        else:
            xs, ys = [p0[0], p0[0] + ux * length], [p0[1], p0[1] + uy * length]
        batch.line(xs, ys, colour=colour, width=width, dashes=ls.dashes, zorder=zorder)
    if arrow:
        size = sc.pt(3 + 0.8 * width)
        for tip, (dx, dy) in ([(b, (ux, uy)), (a, (-ux, -uy))] if both else [(b, (ux, uy))]):
            base = (tip[0] - dx * size * 1.6, tip[1] - dy * size * 1.6)
            batch.poly([tip, (base[0] - dy * size, base[1] + dx * size), (base[0] + dy * size, base[1] - dx * size)],
                       colour=colour, zorder=zorder + 0.1)


def _zigzag(p0, length, u, n, sc: _Scale) -> tuple[list[float], list[float]]:
    amp, half = sc.pt(3.2), sc.pt(4.5)
    lead = min(sc.pt(6), length / 4)
    xs, ys = [p0[0]], [p0[1]]
    t, sign = lead, 1
    while t < length - lead:
        xs.append(p0[0] + u[0] * t + n[0] * amp * sign)
        ys.append(p0[1] + u[1] * t + n[1] * amp * sign)
        t += half
        sign = -sign
    xs.append(p0[0] + u[0] * length)
    ys.append(p0[1] + u[1] * length)
    return xs, ys


def _points_axes(ax) -> tuple[float, float]:
    """Make an axes' data units typographic points, so text panels lay out in print sizes; its size."""
    bbox = ax.get_position()
    w_pt = bbox.width * ax.figure.get_figwidth() * 72
    h_pt = bbox.height * ax.figure.get_figheight() * 72
    ax.set_xlim(0, w_pt)
    ax.set_ylim(0, h_pt)
    return w_pt, h_pt


# --- the legend --------------------------------------------------------------------------------------

def _draw_legend(ax, kinds: list[str], any_lit: bool, client: bool) -> None:
    """Every cue in words: each line style used, each corner's colour, the highlight, the shapes."""
    w = words(client)
    w_pt, h_pt = _points_axes(ax)
    sc = _Scale(1.0)
    _text(ax, 0, h_pt - 2, "Key" if not client else "What the lines mean", size=9, weight="bold", va="top")
    entries: list[tuple[str, object]] = []
    for kind in kinds:
        ls = style.line_style(kind)
        label = ls.plain if client else (ls.label if kind in style.LINE_STYLES else kind)
        entries.append((label, ("line", kind)))
    for corner, colour in style.CORNER_COLOURS.items():
        entries.append((f"{corner_name(corner, client)} (colour)", ("corner", colour)))
    if any_lit:
        entries.append((w["highlight"], ("halo", None)))
    entries.append((w["you"], ("marker", "*", style.SELF_FILL)))
    entries.append((w["therapist"], ("marker", "s", style.PERSON_FILL)))
    entries.append(("no longer alive (cross)", ("dead", None)))
    cols = 3
    batch = _Batch()
    rows = math.ceil(len(entries) / cols)
    row_h = min(15.0, (h_pt - 18) / max(rows, 1))
    col_w = w_pt / cols
    for i, (label, (what, *arg)) in enumerate(entries):
        col, row = divmod(i, rows)
        x, y = col * col_w, h_pt - 20 - row * row_h - row_h / 2
        if what == "line":
            kind = arg[0]
            _genogram_line(batch, (x + 2, y), (x + 40, y), style.line_style(kind), style.TEXT,
                           style.edge_width(kind, 3), sc, arrow=style.line_style(kind).arrow)  # as the app's key
        elif what == "corner":
            ax.add_line(Line2D([x + 2, x + 40], [y, y], lw=3, color=arg[0]))
        elif what == "halo":
            _genogram_line(batch, (x + 2, y), (x + 40, y), style.line_style("close"), style.TEXT, 1.6, sc, halo=True)
        elif what == "marker":
            ax.plot([x + 21], [y], marker=arg[0], ms=9, mfc=arg[1], mec=style.PERSON_BORDER, ls="none")
        elif what == "dead":
            ax.plot([x + 21], [y], marker="o", ms=9, mfc="white", mec=style.DECEASED_BORDER, ls="none")
            ax.plot([x + 17, x + 25], [y - 4, y + 4], color=style.DECEASED_BORDER, lw=1)
            ax.plot([x + 17, x + 25], [y + 4, y - 4], color=style.DECEASED_BORDER, lw=1)
        _text(ax, x + 50, y, shorten(label, 34), size=7.5, va="center")
    batch.draw(ax)


# --- the IPAF, as drawn on paper -----------------------------------------------------------------------

def _draw_ipaf(ax, pattern: Pattern | None, client: bool, cut: list[bool]) -> None:
    """The pattern as drawn on paper; anything shortened to fit is recorded in `cut`."""
    w = words(client)
    w_pt, h_pt = _points_axes(ax)
    y = h_pt
    _text(ax, 0, y, w["pattern_heading"], size=12, weight="bold", va="top")
    y -= 19
    if pattern is None:
        _text(ax, 0, y, w["no_pattern"], size=10, va="top")
        return
    status = "" if client else (f"  (agreed {pattern.agreed_on.isoformat()})" if pattern.agreed_on else "  (draft)")
    for line in _wrap(pattern.title + status, 52, 3, cut):
        _text(ax, 0, y, line, size=10.5, weight="bold", va="top")
        y -= 14
    y -= 6
    chars = int((w_pt - 20) / (8.5 * 0.55))

    def box(label: str, body: str, y: float, fill: str) -> float:
        lines = _wrap(body or "—", chars, FIELD_LINES, cut)
        height = 16 + 11.5 * len(lines) + 6
        ax.add_patch(FancyBboxPatch((2, y - height), w_pt - 4, height, boxstyle="round,pad=0,rounding_size=6",
                                    fc=fill, ec=style.PERSON_BORDER, lw=1.1))
        _text(ax, 10, y - 4, label.upper() if not client else label, size=7.5, weight="bold", va="top",
              color="#333333")
        for i, line in enumerate(lines):
            _text(ax, 10, y - 17 - 11.5 * i, line, size=8.5, va="top")
        return y - height

    def arrow(y_from: float, y_to: float, both: bool, label: str = "") -> None:
        x = w_pt * 0.3
        ax.add_patch(FancyArrowPatch((x, y_from), (x, y_to), arrowstyle="<|-|>" if both else "-|>",
                                     mutation_scale=12, lw=1.4, color=style.PERSON_BORDER))
        if label:
            lines = _wrap(label, int(chars * 0.62), 3, cut)
            mid = (y_from + y_to) / 2 + 5.5 * (len(lines) - 1)
            for i, line in enumerate(lines):
                _text(ax, x + 12, mid - 11 * i, line, size=8.5, va="center", style="italic")

    y = box(w["other"], pattern.other_representation, y, "#F3F4F4")
    affects = ", ".join(pattern.affects) if pattern.affects else "—"
    arrow(y - 2, y - 40, True, f"{w['affects']}: {affects}")
    y = box(w["self"], pattern.self_representation, y - 42, "#E4EEEE")
    arrow(y - 2, y - 22, False)
    y = box(w["defensive_function"], pattern.defensive_function, y - 24, "#F3F4F4")
    y -= 10
    extra: list[tuple[str, str]] = []
    if not client and pattern.defences:
        extra.append((w["defences"], ", ".join(pattern.defences)))
    for field in ("reversal", "transference", "client_words", "healthier_alternative"):
        value = getattr(pattern, field)
        if value:
            extra.append((w[field], f"“{value}”" if field == "client_words" else value))
    for i, (label, value) in enumerate(extra):
        lines = _wrap(f"{label}: {value}", chars + 4, 4, cut)
        if y - 11 * len(lines) < 80:
            cut.append(bool(extra[i:]))
            break
        for line in lines:
            _text(ax, 2, y, line, size=8, va="top")
            y -= 11
        y -= 4
    y -= 6
    lines = _wrap(ipaf_sentence(pattern, plain=client), chars + 4, max(int((y - 16) / 11) - 1, 1), cut)
    _text(ax, 2, y, "In one sentence:" if not client else "Putting it together:", size=8, weight="bold", va="top")
    y -= 12
    for line in lines:
        _text(ax, 2, y, line, size=8, va="top", style="italic")
        y -= 11
