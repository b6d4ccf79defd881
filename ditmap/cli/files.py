"""`ditmap validate FILE...` and `ditmap info FILE`: check map files and summarise one.

Problems go to stderr, one line each, prefixed by the file name, so they can be grepped and
counted; nothing clinical is printed by `validate`. `info` prints the summary a clinician needs to
recognise a map — never the therapist's private process notes.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ditmap.fileformat import MapFileError, load
from ditmap.formulation import ipaf_sentence
from ditmap.model import DitMap


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("validate", help="check map files; exit 1 if any has a problem",
                              description="Check *.ditmap.json files. Prints 'FILE: ok' for each valid file; "
                                          "each problem goes to stderr as 'FILE: where: what'. "
                                          "Exit 0 when all are valid, 1 when any is not.")
    p.add_argument("files", nargs="+", metavar="FILE", type=Path)
    p.set_defaults(func=validate)

    p = subparsers.add_parser("info", help="summarise a map: client, counts, phase, scores, agreed focus",
                              description="Summarise a map file: client, counts, phase reached, latest "
                                          "PHQ-9/GAD-7 and the agreed focus (IPAF) in one sentence.")
    p.add_argument("file", metavar="FILE", type=Path)
    p.set_defaults(func=info)


def validate(args: argparse.Namespace) -> int:
    status = 0
    for path in args.files:
        try:
            load(path)
        except MapFileError as err:  # report it and go on to the next file
            print("\n".join(err.lines()), file=sys.stderr)
            status = 1
        else:
            print(f"{path}: ok")
    return status


def info(args: argparse.Namespace) -> int:
    print("\n".join(summary_lines(load(args.file))))
    return 0


def _plural(n: int, word: str, many: str | None = None) -> str:
    return f"{n} {word if n == 1 else (many or word + 's')}"


def summary_lines(m: DitMap) -> list[str]:
    """The lines `ditmap info` prints for a map."""
    c = m.client
    client = f"Client: {c.pseudonym}"
    extra = [f"therapist {c.therapist}"] if c.therapist else []
    if c.start_date:
        extra.append(f"started {c.start_date.isoformat()}")
    if extra:
        client += f" ({', '.join(extra)})"
    agreed = len(m.agreed_patterns)
    lines = [
        client,
        ", ".join([
            _plural(len(m.people), "person", "people"),
            _plural(len(m.relationships), "relationship"),
            _plural(len(m.patterns), "pattern") + (f" ({agreed} agreed)" if m.patterns else ""),
            _plural(len(m.enactments), "enactment"),
            _plural(len(m.sessions), "session"),
            _plural(len(m.comments), "comment") + (
                f" ({sum(1 for x in m.comments if x.status == 'open')} open)" if m.comments else ""),
        ]),
    ]
    if m.sessions:
        last = max(m.sessions, key=lambda s: s.number)
        lines.append(f"Phase reached: {last.phase} (session {last.number})")
        scored = sorted((s for s in m.sessions if s.phq9 is not None or s.gad7 is not None),
                        key=lambda s: s.number)
        phq = next((s for s in reversed(scored) if s.phq9 is not None), None)
        gad = next((s for s in reversed(scored) if s.gad7 is not None), None)
        scores = []
        if phq:
            scores.append(f"PHQ-9 {phq.phq9} (session {phq.number})")
        if gad:
            scores.append(f"GAD-7 {gad.gad7} (session {gad.number})")
        lines.append("Latest scores: " + (", ".join(scores) if scores else "none recorded"))
        if scores:
            from ditmap.analysis.outcomes import outcome_status  # the one voice on what scores mean

            lines.append(outcome_status(m).clinician)
    else:
        lines.append("Phase reached: not started (no sessions yet)")
    if not m.agreed_patterns:
        lines.append(f"Focus: not agreed yet ({_plural(len(m.patterns), 'candidate pattern')})")
    for p in m.agreed_patterns:
        when = f"agreed {p.agreed_on.isoformat()}" if p.agreed_on else "agreed"
        lines.append(f"Focus “{p.title}” ({when}): {ipaf_sentence(p)}")
    return lines
