"""The PHQ-9 / GAD-7 course chart (PNG) for the summary: scores by session, caseness lines.

Readable in greyscale: PHQ-9 is a solid line with circles, GAD-7 a dashed line with squares, and
each caseness line is labelled in words. Figure/Agg only, never pyplot (thread safety).
"""

from __future__ import annotations

import io

from matplotlib.figure import Figure

from ditmap.model import DitMap
from ditmap.vocab import GAD7_CASENESS, GAD7_MAX, PHQ9_CASENESS, PHQ9_MAX

FONT = "DejaVu Sans"


def course_png(m: DitMap, *, client: bool = False, width_in: float = 6.4, height_in: float = 2.9,
               dpi: int = 150) -> bytes | None:
    """The chart as PNG bytes, or None when no session has a score."""
    sessions = sorted(m.sessions, key=lambda s: s.number)
    phq = [(s.number, s.phq9) for s in sessions if s.phq9 is not None]
    gad = [(s.number, s.gad7) for s in sessions if s.gad7 is not None]
    if not phq and not gad:
        return None
    fig = Figure(figsize=(width_in, height_in), dpi=dpi, facecolor="white")
    ax = fig.add_axes((0.08, 0.17, 0.56, 0.75))
    phq_name = "low mood (PHQ-9)" if client else "PHQ-9"
    gad_name = "anxiety (GAD-7)" if client else "GAD-7"
    if phq:
        ax.plot(*zip(*phq, strict=True), marker="o", ms=4, lw=1.8, color="#0072B2", ls="-", label=phq_name)
    if gad:
        ax.plot(*zip(*gad, strict=True), marker="s", ms=4, lw=1.8, color="#D55E00", ls="--", label=gad_name)
    cut = "help threshold" if client else "caseness"
    ax.axhline(PHQ9_CASENESS, color="#0072B2", lw=0.9, ls=":", label=f"{cut}, PHQ-9 ≥ {PHQ9_CASENESS}")
    ax.axhline(GAD7_CASENESS, color="#D55E00", lw=0.9, ls="-.", label=f"{cut}, GAD-7 ≥ {GAD7_CASENESS}")
    numbers = [n for n, _ in phq + gad]
    right = max(numbers) + 0.4
    ax.set_xlim(min(numbers) - 0.5, right + 0.1)
    ax.set_ylim(0, max(PHQ9_MAX if phq else GAD7_MAX, 1))
    ax.set_xlabel("session", fontsize=8, fontfamily=FONT)
    ax.set_ylabel("score", fontsize=8, fontfamily=FONT)
    ax.tick_params(labelsize=7)
    ax.grid(True, lw=0.3, color="#dddddd")
    ax.legend(loc="upper left", bbox_to_anchor=(1.02, 1.0), fontsize=7.5, frameon=False)
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi, metadata={"Software": "ditmap"})
    return buf.getvalue()
