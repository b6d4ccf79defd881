"""The supervision pack (PDF): what a supervisor needs on paper for one case.

The current diagram, the changes since the last review (field by field, in the History page's words),
the PHQ-9/GAD-7 chart and table, the open comments with their replies, and the agreed focus in IPAF form.
Pseudonymised like every export (aliases and the client's pseudonym only); a clinician export with no
client version. Free-text notes on people and relationships are never printed: a change to them is
listed as changed, without the text.
"""

from __future__ import annotations

import datetime as dt

from ditmap.conversations import conversations
from ditmap.exports.document import Doc, Run, to_pdf
from ditmap.exports.pseudonym import client_label
from ditmap.exports.registry import ExportOptions
from ditmap.exports.summary import outcomes_section
from ditmap.exports.wording import dateline
from ditmap.formulation import ipaf_sentence
from ditmap.model import DitMap, Pattern
from ditmap.store.diff import diff_maps, diff_rows

FOOTER = "Pseudonymised supervision pack (aliases only) · for supervision, not for the client"
HIDDEN_FIELDS = frozenset({"notes", "process_notes"})
"""Fields whose text a pack never prints (a change to them is listed without the words)."""
CHANGES_MAX = 120
VALUE_MAX = 120


def _ipaf(doc: Doc, p: Pattern) -> None:
    doc.h3(p.title + (f" (agreed {p.agreed_on.isoformat()})" if p.agreed_on else " (draft)"))
    doc.p((ipaf_sentence(p), "i"))
    items: list[list[Run | str]] = []
    for label, value in (("self representation", p.self_representation),
                         ("other representation", p.other_representation), ("affects", ", ".join(p.affects)),
                         ("defensive function", p.defensive_function), ("defences", ", ".join(p.defences)),
                         ("reversal", p.reversal), ("transference", p.transference),
                         ("client's words", p.client_words), ("healthier alternative", p.healthier_alternative)):
        if value.strip():
            items.append([(f"{label}: ", "b"), (value, "q") if label == "client's words" else value])
    doc.bullets(items)


def _changes(doc: Doc, m: DitMap, since: DitMap | None, since_label: str) -> None:
    doc.h2("Changes since the last review")
    if since is None:
        doc.p("No earlier version was given, so no changes are listed. (From the dashboard the pack lists "
              "the changes since your last review; on the command line, pass --since an earlier map file.)")
        return
    d = diff_maps(since, m)
    doc.p((f"Compared with {since_label or 'the earlier version'}: ", "b"),
          "no changes." if d.empty else f"{len(d.items)} item{'s' if len(d.items) != 1 else ''} changed.")
    rows = []
    for row in diff_rows(d, limit=VALUE_MAX):
        hidden = row["field"] in HIDDEN_FIELDS
        rows.append([row["item"], row["change"], row["field"],
                     "(not printed)" if hidden and row["before"] else row["before"],
                     "(not printed)" if hidden and row["after"] else row["after"]])
    if rows:
        doc.table(["item", "change", "field", "before", "after"], rows[:CHANGES_MAX])
    if len(rows) > CHANGES_MAX:
        doc.note(f"… and {len(rows) - CHANGES_MAX} more changed fields (see the Changes page).")


def _comments(doc: Doc, m: DitMap) -> None:
    doc.h2("Open comments")
    open_ = conversations(m, status="open")
    if not open_:
        doc.p("No open comments.")
        return
    for conv in open_:
        kind, anchor = conv.anchor
        items: list[list[Run | str]] = []
        for c in conv.comments:
            who = c.author or c.author_role or "someone"
            when = f", {c.created:%Y-%m-%d}" if c.created else ""
            items.append([(f"{who}{when}: ", "b"), c.text])
        doc.h3(f"On {kind} {m.label_of(kind, anchor)}")
        doc.bullets(items)


def build(m: DitMap, opts: ExportOptions) -> Doc:
    """The pack as a document; `opts.since` is the version the changes are counted from."""
    from ditmap.analysis.outcomes import outcome_course
    from ditmap.exports.diagram import export_png

    doc = Doc(f"Supervision pack — {client_label(m)}")
    who = dateline(m, opts.session, False)
    if m.client.therapist:
        who += f" · therapist: {m.client.therapist}"
    doc.p((f"{who} · prepared {dt.date.today().isoformat()}", "i"))
    doc.note(FOOTER)

    doc.h2("Agreed focus (IPAF)")
    agreed = m.agreed_patterns
    if not agreed:
        doc.p("No pattern is agreed as the focus yet." + (
            f" Candidates: {'; '.join(p.title for p in m.patterns)}." if m.patterns else ""))
    for p in agreed:
        _ipaf(doc, p)

    doc.h2("The map now")
    doc.image(export_png(m, ExportOptions(paper=opts.paper, pattern_id=opts.pattern_id, session=opts.session)),
              "The formulation diagram")

    _changes(doc, m, opts.since, opts.since_label)
    outcomes_section(doc, m, outcome_course(m), False)  # the outcome chart, the course in words, the scores
    _comments(doc, m)
    return doc


def export_pdf(m: DitMap, opts: ExportOptions) -> bytes:
    return to_pdf(build(m, opts), paper=opts.paper, footer=FOOTER)
