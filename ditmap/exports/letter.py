"""A goodbye-letter draft for the ending phase (Markdown), for the therapist to edit.

DIT ends with the therapist writing to the client: the pattern, how it showed up, what changed and
what remains to watch for. This drafts that letter from the map and the sessions, warmly and in
the second person, in the client's own words where the map has them. It is only ever a draft: it
is marked as one at the top, ditmap never sends it anywhere, and it is built from a client-redacted
map, so nothing private (process notes, supervision comments, notes on people) can be in it.
"""

from __future__ import annotations

from ditmap.analysis import analyze
from ditmap.exports.document import Doc, Run, to_markdown
from ditmap.exports.pseudonym import client_label, redact
from ditmap.exports.registry import ExportOptions
from ditmap.exports.wording import chosen_pattern, corner_name
from ditmap.model import DitMap, Enactment


def _clean(text: str) -> str:
    return " ".join(text.split()).rstrip(" .;,")


def _who(m: DitMap, e: Enactment) -> str:
    r = m.relationships_by_id.get(e.relationship)
    me = m.self_person
    if r is None:
        return ""
    if me is not None and me.id in (r.source, r.target):
        other = m.people_by_id.get(r.target if r.source == me.id else r.source)
        if other is None:
            return ""
        if other.role == "therapist":
            return "me"
        role = f"your {other.role}, " if other.role not in ("other", "self") else ""
        return f"{role}{other.alias}" if role else other.alias
    return m.label_of("relationship", r.id)


def build(m: DitMap, opts: ExportOptions) -> Doc:
    m = redact(m, client=True, private_notes=False)
    pattern = chosen_pattern(m, opts.pattern_id)
    doc = Doc(f"Goodbye letter — DRAFT — {client_label(m)}")
    doc.note(("Draft for the therapist to edit. ", "b"),
             "ditmap wrote this from the map and the session scores; read it, change anything that does not "
             "sound like you or like the work you did together, and remove this box. It is not sent anywhere.")
    n_sessions = len(m.sessions)
    doc.p(f"Dear {client_label(m)},")
    doc.p("As we come to the end of our ", f"{n_sessions} sessions" if n_sessions else "time",
          " together, I wanted to write down some of what we have understood together, so that you have "
          "something to keep and come back to.")
    if pattern is None:
        doc.p("[We did not put a pattern into words on the map: write here what you came to understand together.]")
        _ending(doc, m)
        return doc

    doc.h2("The pattern we worked on")
    runs: list[Run | str] = []
    if pattern.client_words.strip():
        runs += ["In your own words: ", (_clean(pattern.client_words), "q"), ". "]
    me, other = _clean(pattern.self_representation), _clean(pattern.other_representation)
    if me and other:
        runs.append(f"We came to see how often you can feel {me}, with people who seem {other}")
    elif me:
        runs.append(f"We came to see how often you can feel {me}")
    elif other:
        runs.append(f"We came to see how often others can seem {other} to you")
    else:
        runs.append(f"We came to call it “{_clean(pattern.title)}”")
    affects = [_clean(a.replace("/", " or ")) for a in pattern.affects if _clean(a)]
    if affects:
        runs.append(", and how much " + (", ".join(affects[:-1]) + " and " + affects[-1] if len(affects) > 1
                                           else affects[0]) + " this can bring")
    runs.append(".")
    if pattern.defensive_function.strip():
        runs += [" We wondered together whether relating this way has protected you from something "
                 "painful: ", (_clean(pattern.defensive_function), "q"), "."]
    doc.p(*runs)

    doc.h2("How it showed up")
    ens = sorted((e for e in m.enactments if e.pattern == pattern.id), key=lambda e: (e.session or 0, e.id))
    shown = False
    for corner, opener in (("past", "Earlier in life"), ("current", "In your life now"),
                           ("therapy", "And here, between us")):
        here = [e for e in ens if (r := m.relationships_by_id.get(e.relationship)) is not None and r.corner == corner]
        if not here:
            continue
        shown = True
        e = max(here, key=lambda e: (e.strength, -(e.session or 0)))
        who = _who(m, e)
        line: list[Run | str] = [f"{opener}" + (f", with {who}" if who and who != "me" else "") + ": "]
        line += [(_clean(e.example), "q"), "."] if e.example.strip() else [
            f"it showed up {corner_name(corner, True)}."]
        doc.p(*line)
    if not shown:
        doc.p("[Add an example or two of where you both saw the pattern.]")

    doc.h2("What changed")
    a = analyze(m)
    o = a.outcomes
    changes: list[str] = []
    if o.phq9.first is not None and o.phq9.last is not None:
        changes.append(f"your low-mood score (PHQ-9) went from {o.phq9.first} to {o.phq9.last}")
    if o.gad7.first is not None and o.gad7.last is not None:
        changes.append(f"your anxiety score (GAD-7) went from {o.gad7.first} to {o.gad7.last}")
    if changes:
        doc.p("Over our sessions " + " and ".join(changes) + ".",
              " That is a real change, more than everyday ups and downs." if o.reliable_improvement else
              " Numbers only tell part of the story, and what matters is how things feel to you.")
    course = next((c for c in a.timeline.patterns if c.pattern == pattern.id), None)
    if course is not None and course.trend == "easing":
        later = [e for e in ens if e.session and a.timeline.midpoint and e.session > a.timeline.midpoint]
        runs = ["In our later sessions we noticed the pattern less often and less strongly than at the start."]
        if later and later[-1].example.strip():
            runs += [" For example: ", (_clean(later[-1].example), "q"), "."]
        doc.p(*runs)
    elif course is not None and course.trend == "growing":
        doc.p("The pattern was still very present in our later sessions, which is something to keep being "
              "curious about, gently.")
    if not changes and (course is None or course.trend not in ("easing", "growing")):
        doc.p("[Write here what you both noticed changing.]")

    doc.h2("What to watch for")
    work = [s for s in a.suggestions if s.kind == "relationship"]
    names = []
    for s in work[:2]:
        r = m.relationships_by_id.get(s.id)
        if r is None:
            continue
        me_id = m.self_person.id if m.self_person else None
        other_id = r.target if r.source == me_id else r.source
        names.append(m.label_of("person", other_id))
    watch = ("The old pattern is likely to pull again at times, especially when you feel under pressure"
             + (" — perhaps with " + " or ".join(names) if names else "") + ". That is not a failure: noticing it "
             "is already doing something different.")
    doc.p(watch)
    if pattern.healthier_alternative.strip():
        doc.p("You have been working toward ", (_clean(pattern.healthier_alternative), "q"),
              ". I hope you keep trying it, and keep being kind to yourself when it is hard.")
    _ending(doc, m)
    return doc


def _ending(doc: Doc, m: DitMap) -> None:
    doc.p("It has been a privilege to work with you.")
    doc.p("With warm wishes,")
    doc.p(m.client.therapist or "[your name]")


def export_letter(m: DitMap, opts: ExportOptions) -> bytes:
    return to_markdown(build(m, opts)).encode("utf-8")


