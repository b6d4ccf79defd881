"""A goodbye-letter draft for the ending phase (Markdown), for the therapist to finish.

DIT ends with the therapist writing to the client (Lemma, Target & Fonagy 2011): what we worked on,
the pattern in the client's own words where they gave them, what changed and what did not, what to
watch for, and the healthier alternative. This drafts that letter from the map and the sessions:

- every field is introduced, never pasted into a sentence it may not fit ("the words we found for
  how you can see yourself: “…”"), so any phrasing of a field reads grammatically;
- it is built from the client-redacted map, so nothing private is in it, and it quotes only what
  is not a note *about* the client (`ditmap.voice`): examples only in the client's own words;
- relationships and people marked *at the client's own pace* are left out;
- what the scores mean comes from `outcome_status`, word for word as in the summaries;
- places only the therapist can write are marked "[Therapist: …]", and the draft says so at the top.
"""

from __future__ import annotations

from ditmap.analysis import analyze
from ditmap.analysis.explain import person_phrase
from ditmap.analysis.outcomes import status_of
from ditmap.exports.document import Doc, Run, to_markdown
from ditmap.exports.pseudonym import client_label, redact
from ditmap.exports.registry import ExportOptions
from ditmap.exports.wording import chosen_pattern
from ditmap.model import DitMap, Enactment, Pattern

PLANNED_SESSIONS = 16
MARK = "Therapist: "
"""How a place the therapist must write begins, inside square brackets."""


def _clean(text: str) -> str:
    return " ".join(text.split()).rstrip(" ;,")


def _todo(what: str) -> Run:
    return (f"[{MARK}{what}]", "b")


def _who(m: DitMap, e: Enactment) -> str:
    """'with your mother (Mum)', 'here, between us', or '' when the client is not in the relationship."""
    r = m.relationships_by_id.get(e.relationship)
    me = m.self_person
    if r is None or me is None or me.id not in (r.source, r.target):
        return ""
    other = m.people_by_id.get(r.target if r.source == me.id else r.source)
    if other is None:
        return ""
    return "here, between us" if other.role == "therapist" else f"with {person_phrase(other)}"


def _opening(m: DitMap) -> tuple[str, str]:
    """The letter's first sentence and the draft note's line about when it was drafted."""
    last = max((s.number for s in m.sessions), default=None)
    if last is None:
        return ("As we come towards the end of our work together, I wanted to write down some of what we "
                "have understood together, so that you have something to keep and come back to."), \
            "No sessions are logged yet."
    if last >= PLANNED_SESSIONS:
        return (f"Now that we have reached the end of our {last} sessions, I wanted to write down some of what "
                "we have understood together, so that you have something to keep and come back to."), \
            f"Drafted after session {last}."
    return ("As we come towards the end of the sixteen sessions we planned, I wanted to write down some of "
            "what we have understood together, so that you have something to keep and come back to."), \
        (f"Drafted after session {last} of the sixteen planned: the scores and examples are those of sessions "
         f"up to {last}.")


def build(m: DitMap, opts: ExportOptions) -> Doc:
    m = redact(m, client=True, private_notes=False)
    pattern = chosen_pattern(m, opts.pattern_id)
    opening, drafted = _opening(m)
    doc = Doc(f"Goodbye letter — DRAFT — {client_label(m)}")
    doc.note(("Draft for the therapist to finish. ", "b"),
             f"{drafted} ditmap wrote this from the map and the session scores. Write the places marked "
             f"[{MARK}…], change anything that does not sound like you or like the work you did together, and "
             "remove this box. Nothing here is sent anywhere.")
    doc.p("Dear ", _todo("the client's name"), ",")
    doc.p(opening)

    doc.h2("What we worked on")
    doc.p("When we began, ", _todo("in a sentence or two, what brought the client to therapy, as they put it"),
          ".")
    if pattern is None:
        doc.p(_todo("we did not put a pattern into words on the map: write here what you came to understand "
                    "together"), ".")
        _ending(doc, m)
        return doc
    _pattern_paragraphs(doc, pattern)

    doc.h2("Where we saw it")
    a = analyze(m)
    ens = sorted((e for e in m.enactments if e.pattern == pattern.id and not m.is_paced(e.relationship)),
                 key=lambda e: (e.session or 0, e.id))
    shown = False
    for corner, opener in (("past", "Earlier in life"), ("current", "In your life now"),
                           ("therapy", "In therapy")):
        here = [e for e in ens if (r := m.relationships_by_id.get(e.relationship)) is not None and r.corner == corner
                and _who(m, e)]
        if not here:
            continue
        shown = True
        told = [e for e in here if e.example.strip()]
        e = max(told or here, key=lambda e: (e.strength, -(e.session or 0)))
        who = _who(m, e)
        lead = "And here, between us" if who == "here, between us" else f"{opener}, {who}"
        if e.example.strip():
            doc.p(f"{lead}, in your words: ", (_clean(e.example), "q"))
        else:
            doc.p(f"{lead}, we saw it too.")
    if not shown:
        doc.p(_todo("an example or two of where you both saw the pattern, in words the client would recognise"),
              ".")

    doc.h2("What changed, and what has not yet")
    status = status_of(a.outcomes)
    if status.status != "no scores":
        doc.p("The questionnaires you filled in at our sessions tell part of the story.")
        doc.p(" ".join(status.sentences(client=True)))
    course = next((c for c in a.timeline.patterns if c.pattern == pattern.id), None)
    if course is not None and course.trend == "easing":
        doc.p("In our later sessions we noticed the pattern less often, or less strongly, than at the start.")
    elif course is not None and course.trend == "growing":
        doc.p("The pattern was still very present in our later sessions, which is something to keep being "
              "curious about, gently.")
    doc.p(_todo("what you both noticed changing, in the client's life and between you"), ".")
    doc.p("Some things have not changed, or not yet: ",
          _todo("what remains, said kindly and without blame"), ".")

    doc.h2("What to watch for")
    names = []
    me_id = m.self_person.id if m.self_person else None
    for s in a.suggestions:
        r = m.relationships_by_id.get(s.id) if s.kind == "relationship" else None
        if r is None or m.is_paced(r.id) or len(names) == 2:
            continue
        names.append(person_phrase(m.people_by_id.get(r.target if r.source == me_id else r.source)))
    doc.p("The old pattern is likely to pull again at times, especially when you feel under pressure"
          + (" — perhaps with " + " or ".join(names) if names else "") + ". That is not a failure: noticing it "
          "is already doing something different.")
    if pattern.healthier_alternative.strip():
        doc.p("What you have been working toward, in the words we found together: ",
              (_clean(pattern.healthier_alternative), "q"),
              " I hope you keep trying it, and keep being kind to yourself when it is hard.")
    else:
        doc.p(_todo("the healthier alternative the client has been working toward"), ".")
    _ending(doc, m)
    return doc


def _pattern_paragraphs(doc: Doc, p: Pattern) -> None:
    """The pattern, each field introduced by words it fits after whatever its phrasing."""
    doc.p("Together we came to focus on a pattern we called ", (_clean(p.title), "q"), ".")
    if p.client_words.strip():
        doc.p("In your words: ", (_clean(p.client_words), "q"))
    me, other = _clean(p.self_representation), _clean(p.other_representation)
    if me:
        doc.p("The words we found for how you can come to see yourself when it takes hold: ", (me, "q"))
    if other:
        doc.p("And for how other people can then seem: ", (other, "q"))
    affects = [_clean(a.replace("/", " or ")) for a in p.affects if _clean(a)]
    if affects:
        doc.p("The feelings that come with it: " + (", ".join(affects[:-1]) + " and " + affects[-1]
                                                     if len(affects) > 1 else affects[0]) + ".")
    if p.defensive_function.strip():  # kept by redact only when written in the client's own voice
        doc.p("What relating this way may have protected you from, as you put it: ",
              (_clean(p.defensive_function), "q"))
    else:
        doc.p("We wondered together whether relating this way has protected you from something painful: ",
              _todo("say what, as a hypothesis you explored together, speaking to the client"), ".")


def _ending(doc: Doc, m: DitMap) -> None:
    doc.p("It has been a privilege to work with you.")
    doc.p("With warm wishes,")
    doc.p(m.client.therapist or "[your name]")


def export_letter(m: DitMap, opts: ExportOptions) -> bytes:
    return to_markdown(build(m, opts)).encode("utf-8")
