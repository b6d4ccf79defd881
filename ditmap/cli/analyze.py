"""`ditmap analyze FILE [--json]`: the focus analysis of a map, as readable text or one JSON object.

The text shows the ranked suggestions with both sentences, the per-pattern table, the people who
carry most and the outcome course. Nothing from the therapist's private notes is ever read.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import TYPE_CHECKING

from ditmap.fileformat import load
from ditmap.model import DitMap

if TYPE_CHECKING:  # networkx is imported only when the command runs: keeps `ditmap validate` quick
    from ditmap.analysis import Analysis

PEOPLE_SHOWN = 10
LABEL_WIDTH = 28


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "analyze", help="focus analysis: recurring patterns, central people, relationships to work on, outcomes",
        description="Analyse a map file: ranked focus suggestions with reasons (clinician and client words), "
                    "pattern recurrence across the triangle of person, central people and the PHQ-9/GAD-7 "
                    "course. Suggestions are hypotheses to explore together, never a verdict.")
    p.add_argument("file", metavar="FILE", type=Path)
    p.add_argument("--json", action="store_true", help="print one JSON object instead of text")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    m = load(args.file)
    from ditmap.analysis import analyze

    a = analyze(m)
    if args.json:
        print(json.dumps(a.to_dict(), ensure_ascii=False, indent=2))
    else:
        print("\n".join(text_lines(m, a)))
    return 0


def _cut(text: str, width: int = LABEL_WIDTH) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


def _pct(x: float | None) -> str:
    return "—" if x is None else f"{x:.0%}"


def _yes(flag: bool | None) -> str:
    return "not enough scores" if flag is None else ("yes" if flag else "no")


def text_lines(m: DitMap, a: Analysis) -> list[str]:
    """The readable report, line by line."""
    out = [f"Focus analysis for {m.client.pseudonym}: {len(m.people)} people, {len(m.relationships)} relationships, "
           f"{len(m.patterns)} patterns, {len(m.sessions)} sessions.",
           "Each suggestion is a hypothesis to explore together, not a conclusion.", "", "Suggestions"]
    if not a.suggestions:
        out.append("  (none yet: link patterns to relationships to see where they recur)")
    for i, s in enumerate(a.suggestions, 1):
        out.append(f"{i:3}. [{s.kind}] {s.label} (score {s.score:.2f})")
        out.append(f"     Clinician: {s.reasons.clinician}")
        out.append(f"     Client:    {s.reasons.client}")

    out += ["", "Patterns, ranked by recurrence"]
    if not a.patterns:
        out.append("  (no patterns yet)")
    else:
        trends = {c.pattern: c.trend for c in a.timeline.patterns}
        out.append(f"  {'#':>2} {'pattern':<{LABEL_WIDTH}} {'status':<7} {'enacting':>9} {'past':>5} {'current':>7} "
                   f"{'therapy':>7} {'strength':>8} {'recurrence':>10}  trend")
        for p in a.patterns:
            c = {cf.corner: cf.pervasiveness for cf in p.corners}
            strength = "—" if p.mean_strength is None else f"{p.mean_strength:.1f}"
            out.append(f"  {p.rank:>2} {_cut(p.label):<{LABEL_WIDTH}} {p.status:<7} {f'{p.enacting}/{p.eligible}':>9} "
                       f"{_pct(c['past']):>5} {_pct(c['current']):>7} {_pct(c['therapy']):>7} {strength:>8} "
                       f"{p.recurrence:>10.2f}  {trends.get(p.id, '')}")
        if a.focal_pattern:
            out.append(f"  Focal pattern: {m.label_of('pattern', a.focal_pattern)}")

    out += ["", "People (not the client), by score: load = how charged the client's relationships with them are; "
                "bridging = share of pairs of other people they link"]
    people = sorted((p for p in a.people if not p.is_self), key=lambda p: (-p.score, p.label, p.id))[:PEOPLE_SHOWN]
    if not people:
        out.append("  (no one yet besides the client)")
    else:
        out.append(f"  {'person':<{LABEL_WIDTH}} {'role':<14} {'load':>5} {'bridging':>11} {'episodes':>8} "
                   f"{'score':>6}")
        for p in people:
            out.append(f"  {_cut(p.label):<{LABEL_WIDTH}} {_cut(p.role, 14):<14} {p.load:>5.1f} {p.betweenness:>11.3f} "
                       f"{p.enactments:>8} {p.score:>6.2f}")

    o = a.outcomes
    out += ["", "Outcomes (PHQ-9 / GAD-7)"]
    if not o.sessions:
        out.append("  (no sessions logged)")
    for c, name in ((o.phq9, "PHQ-9"), (o.gad7, "GAD-7")):
        if c.first is None:
            out.append(f"  {name}: no scores")
        elif c.change is None:
            out.append(f"  {name}: {c.first} (session {c.first_session}); one score only")
        else:
            flag = ("reliable improvement" if c.reliable_improvement else
                    "reliable deterioration" if c.reliable_deterioration else "no reliable change")
            out.append(f"  {name}: {c.first} (session {c.first_session}) → {c.last} (session {c.last_session}), "
                       f"change {c.change:+d}: {flag}")
    if o.sessions:
        from ditmap.analysis.outcomes import status_of

        out.append(f"  {status_of(o).clinician}")
        out.append(f"  Caseness at start: {_yes(o.caseness_start)}; at end: {_yes(o.caseness_end)}. "
                   f"Reliable improvement: {_yes(o.reliable_improvement)}; reliable deterioration: "
                   f"{_yes(o.reliable_deterioration)}; recovery: {_yes(o.recovery)}.")
    return out
