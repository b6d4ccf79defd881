"""The formulation summary, in Markdown and PDF, in a clinician and a client version.

Sections: the IPAF statement(s); the key relationships by corner of the triangle of person with
example episodes; the focus suggestions with their reasons (clinician or client sentence); the
PHQ-9/GAD-7 course (a chart in the PDF, a table in both) with caseness and reliable change; and,
in the clinician version with `private_notes`, the session process notes. The client version uses
plain words throughout (`wording`) and never holds notes of any kind (the map it gets is redacted).
"""

from __future__ import annotations

from ditmap import style
from ditmap.analysis import Analysis, analyze
from ditmap.analysis.explain import plural
from ditmap.analysis.outcomes import Outcomes, status_of
from ditmap.analysis.timeline import MIN_SESSIONS_PER_HALF, TOO_EARLY
from ditmap.client_facing import plain
from ditmap.exports.chart import course_png
from ditmap.exports.document import Doc, Run, to_markdown, to_pdf
from ditmap.exports.pseudonym import client_label
from ditmap.exports.registry import ExportOptions
from ditmap.exports.wording import closeness_name, corner_name, dateline, focal_patterns, words
from ditmap.formulation import ipaf_sentence
from ditmap.model import DitMap, Pattern, Relationship

KEY_PER_CORNER = 6
EXAMPLES_PER_RELATIONSHIP = 3


def build(m: DitMap, opts: ExportOptions, analysis: Analysis | None = None) -> Doc:
    """The summary as a document (rendered by `export_markdown` / `export_pdf`)."""
    client = opts.client
    a = analysis if analysis is not None else analyze(m)
    w = words(client)
    title = (f"Our work together — {client_label(m)}" if client
             else f"Formulation summary — {client_label(m)}")
    doc = Doc(title)
    who = dateline(m, opts.session, client)
    if not client and m.client.therapist:
        who += f" · therapist: {m.client.therapist}"
    doc.p((who, "i"))
    doc.note(w["footer"])

    patterns = focal_patterns(m, opts.pattern_id)
    doc.h2(w["pattern_heading"] if client else "Interpersonal-Affective Focus (IPAF)")
    if not patterns:
        doc.p(w["no_pattern"])
    for p in patterns:
        _pattern_section(doc, p, client)

    doc.h2("Where it shows up in your relationships" if client
           else "Key relationships by corner of the triangle of person")
    _relationships_section(doc, m, client)

    suggestions_section(doc, a, client)
    change_section(doc, a, client)
    outcomes_section(doc, m, a.outcomes, client)

    if opts.private_notes and not client:
        noted = [s for s in sorted(m.sessions, key=lambda s: s.number) if s.process_notes.strip()]
        if noted:
            doc.h2("Process notes (private: therapist only)")
            doc.bullets([[(f"Session {s.number}: ", "b"), s.process_notes] for s in noted])
    return doc


def _pattern_section(doc: Doc, p: Pattern, client: bool) -> None:
    w = words(client)
    status = "" if client else (f" (agreed {p.agreed_on.isoformat()})" if p.agreed_on else " (draft)")
    doc.h3(p.title + status)
    doc.p((ipaf_sentence(p, plain=client), "i"))
    items: list[list[Run | str]] = []
    fields = [("self", p.self_representation), ("other", p.other_representation),
              ("affects", ", ".join(p.affects)), ("defensive_function", p.defensive_function)]
    if not client:
        fields.append(("defences", ", ".join(p.defences)))
    fields += [("reversal", p.reversal), ("transference", p.transference), ("client_words", p.client_words),
               ("healthier_alternative", p.healthier_alternative)]
    for key, value in fields:
        if value.strip():
            items.append([(f"{w[key]}: ", "b"), (value, "q") if key == "client_words" else value])
    doc.bullets(items)


def _kind_words(r: Relationship, client: bool) -> str:
    if client:
        return plain("kind", r.kind)
    return style.LINE_STYLES[r.kind].label if r.kind in style.LINE_STYLES else r.kind


def _relationships_section(doc: Doc, m: DitMap, client: bool) -> None:
    by_rel: dict[str, list] = {}
    for e in m.enactments:
        by_rel.setdefault(e.relationship, []).append(e)
    me = m.self_person
    any_shown = False
    for corner in ("past", "current", "therapy"):
        rels = [r for r in m.relationships if r.corner == corner
                and (r.id in by_rel or (me is not None and me.id in (r.source, r.target)))]
        rels.sort(key=lambda r: (-len(by_rel.get(r.id, [])), -r.intensity, r.id))
        if not rels:
            continue
        any_shown = True
        doc.h3(corner_name(corner, client).capitalize() if client else f"{corner.capitalize()} relationships")
        items = []
        for r in rels[:KEY_PER_CORNER]:
            other = r.target if me is not None and r.source == me.id else r.source
            p = m.people_by_id.get(other)
            who = m.label_of("person", other) if me is not None and me.id in (r.source, r.target) \
                else m.label_of("relationship", r.id)
            role = f" ({p.role})" if p is not None and p.role not in ("other", "self") and "(" not in p.alias \
                and p.role.lower() not in p.alias.lower() and me is not None and me.id in (r.source, r.target) else ""
            if client and m.is_paced(r.id):  # named, never described or quoted: the client sets the pace
                items.append([(who + role, "b"), " — we will come to this only if and when you choose."])
                continue
            desc = _kind_words(r, client)
            if not client and m.is_paced(r.id):
                desc = "at the client's own pace; " + desc
            if client:
                desc += f", {closeness_name(r.closeness, True)}"
            else:
                desc += f", intensity {r.intensity}/5, {r.closeness} circle"
            if r.feelings:
                desc += "; feelings: " + ", ".join(r.feelings)
            item: list[Run | str] = [(who + role, "b"), f" — {desc}."]
            for e in sorted(by_rel.get(r.id, []), key=lambda e: (e.session or 0))[:EXAMPLES_PER_RELATIONSHIP]:
                title = m.label_of("pattern", e.pattern)
                when = f", session {e.session}" if e.session else ""
                if client:
                    item += [" ", (e.example, "q")] if e.example else [f" (“{title}”)"]
                else:
                    item += [f" Enacts ‘{title}’ (strength {e.strength}/3{when})"]
                    item += [": ", (e.example, "q"), "."] if e.example else ["."]
            items.append(item)
        doc.bullets(items)
    if not any_shown:
        doc.p("No relationships on the map yet." if not client else "We haven't added relationships yet.")


def suggestions_section(doc: Doc, a: Analysis, client: bool) -> None:
    """The ranked focus suggestions with their reasons — a function of the Analysis only."""
    doc.h2("Things we might think about together" if client else "Focus suggestions")
    if not a.suggestions:
        doc.p("Nothing stands out yet: add relationships and note where a pattern shows up."
              if not client else "Nothing stands out yet.")
        return
    if not client:
        doc.p(("Hypotheses to explore with the client, ranked by the analysis; not a verdict.", "i"))
    kind_words = {"pattern": "pattern", "person": "person", "relationship": "relationship"}
    doc.bullets([[(s.label, "b"), f" ({kind_words.get(s.kind, s.kind)}" + ("" if client else f", score {s.score:.2f}")
                  + "): ", s.reasons.client if client else s.reasons.clinician] for s in a.suggestions])


def change_section(doc: Doc, a: Analysis, client: bool) -> None:
    """How often and how strongly each pattern was noted early and late in the sessions.

    A trend is named only with enough noted sessions (`timeline.MIN_SESSIONS_PER_HALF` in each
    half); a pattern noted in dated sessions but not yet enough says "too early to say".
    """
    courses = [c for c in a.timeline.patterns if c.points]
    if not courses:
        return
    doc.h2("How the patterns changed" if client else "Change over time")
    items: list[list[Run | str]] = []
    for c in courses:
        if client:
            words = {"easing": "showed up less often or less strongly in our later sessions",
                     "growing": "showed up more in our later sessions — something to keep thinking about",
                     "steady": "showed up about as much later on as at the start",
                     TOO_EARLY: "— it is too early to say whether this is changing"}[c.trend]
            items.append([(c.label, "q"), f" {words}."])
            continue
        early = f"{plural(c.early_count, 'episode')} noted" + (
            f" (mean strength {c.early_mean:.1f})" if c.early_mean is not None else "")
        late = f"{plural(c.late_count, 'episode')} noted" + (
            f" (mean strength {c.late_mean:.1f})" if c.late_mean is not None else "")
        verdict = c.trend if c.trend != TOO_EARLY else (
            f"too early to say (a trend needs episodes from at least {MIN_SESSIONS_PER_HALF} sessions in each half)")
        items.append([(c.label, "b"), f": first half of the sessions {early}, second half {late} — {verdict}."])
    doc.bullets(items)


def outcomes_section(doc: Doc, m: DitMap, o: Outcomes, client: bool) -> None:
    """The scores' course; what they mean is said by `outcome_status`, word for word as everywhere else."""
    doc.h2("How you've been feeling (the questionnaires)" if client else "Outcome measures: PHQ-9 and GAD-7")
    if not any(s.phq9 is not None or s.gad7 is not None for s in o.sessions):
        doc.p("No scores recorded yet.")
        return
    doc.image(course_png(m, client=client), "PHQ-9 and GAD-7 by session")
    status = status_of(o)
    doc.bullets([[ms.client if client else ms.clinician] for ms in status.measures])
    doc.p(status.client if client else status.clinician)
    header = ["Session", "PHQ-9", "GAD-7"] if not client else ["Session", "Low mood (PHQ-9)", "Anxiety (GAD-7)"]
    doc.table(header, [[str(s.number), "—" if s.phq9 is None else str(s.phq9),
                        "—" if s.gad7 is None else str(s.gad7)] for s in o.sessions])


def export_markdown(m: DitMap, opts: ExportOptions) -> bytes:
    return to_markdown(build(m, opts)).encode("utf-8")


def export_pdf(m: DitMap, opts: ExportOptions) -> bytes:
    return to_pdf(build(m, opts), paper=opts.paper, footer=words(opts.client)["footer"])
