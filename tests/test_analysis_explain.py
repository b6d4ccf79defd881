"""The reasons: right counts, right people in the right corners, plain words, framed as exploration."""

from __future__ import annotations

import datetime as dt
import json
import re

from ditmap.analysis import analyze
from ditmap.analysis.explain import join, person_phrase
from ditmap.model import Client, DitMap, Enactment, Pattern, Person, Relationship, Session

PEOPLE = (
    Person(id="self", alias="R.", role="self"),
    Person(id="dad", alias="Dad", role="father"),
    Person(id="mum", alias="Mum", role="mother"),
    Person(id="j", alias="J", role="partner"),
    Person(id="k", alias="K", role="manager"),
    Person(id="fi", alias="Fi", role="friend"),
    Person(id="t", alias="Dr T", role="therapist"),
)
RELS = (
    Relationship(id="r1", source="self", target="dad", corner="past", intensity=5),
    Relationship(id="r2", source="mum", target="self", corner="past", intensity=4),
    Relationship(id="r3", source="self", target="j", corner="current", intensity=5, closeness="inner"),
    Relationship(id="r4", source="self", target="k", corner="current", intensity=4),
    Relationship(id="r5", source="self", target="fi", corner="current", intensity=2),
    Relationship(id="r6", source="self", target="t", corner="therapy", intensity=3),
    Relationship(id="r7", source="self", target="j", corner="past", intensity=3),
)


def sample_map(client_words: str = "") -> DitMap:
    return DitMap(
        client=Client(pseudonym="R."),
        people=PEOPLE, relationships=RELS,
        patterns=(Pattern(id="p", title="Not good enough", status="agreed", agreed_on=dt.date(2026, 1, 9),
                          client_words=client_words),
                  Pattern(id="q", title="Angry withdrawal")),
        enactments=(Enactment(id="e1", pattern="p", relationship="r1", strength=3),
                    Enactment(id="e2", pattern="p", relationship="r3", strength=3),
                    Enactment(id="e3", pattern="p", relationship="r4", strength=2),
                    Enactment(id="e4", pattern="p", relationship="r6", strength=2),
                    Enactment(id="e5", pattern="p", relationship="r3", strength=1),
                    Enactment(id="e6", pattern="q", relationship="r5", strength=2)),
        sessions=(Session(id="s1", number=1, phq9=15, process_notes="PRIVATE-NOTE-XYZ felt defensive"),),
    )


def test_pattern_reasons_quote_the_counts_and_name_people_by_corner():
    an = analyze(sample_map())
    top = an.suggestions[0]
    assert (top.kind, top.id) == ("pattern", "p")
    # p is in r1 r3 r4 r6: 4 distinct relationships of the 7 (all involve the client)
    assert "enacted in 4 of 7 relationships" in top.reasons.clinician
    assert "across the past, current and therapy corners" in top.reasons.clinician
    assert "mean strength 2.5 of 3" in top.reasons.clinician  # (3 + 3 + 2 + 2) / 4
    assert "therapy relationship" in top.reasons.clinician and "agreed focus" in top.reasons.clinician
    assert top.reasons.client == (
        "This way of feeling and relating (“Not good enough”) shows up in 4 of your 7 important relationships"
        " — with your father (Dad) earlier in life, with your partner (J) and your manager (K) now, and here"
        " in therapy. It could be worth exploring together.")
    second = an.suggestions[1]
    assert second.id == "q"
    assert "enacted in 1 of 7 relationships, in the current corner only" in second.reasons.clinician
    assert "not yet noted in the past and therapy corners" in second.reasons.clinician


def test_client_words_are_used_when_recorded():
    an = analyze(sample_map(client_words="I always let people down"))
    assert an.suggestions[0].reasons.client.startswith(
        "This way of relating — in your words, “I always let people down” — shows up in 4 of your 7 important "
        "relationships")


def test_every_sentence_is_an_invitation_not_a_verdict():
    an = analyze(sample_map())
    banned = re.compile(r"diagnos|disorder|patholog|dysfunction|symptom|abnormal|you are |must |should ", re.I)
    assert {s.kind for s in an.suggestions} == {"pattern", "person", "relationship"}
    for s in an.suggestions:
        for text in (s.reasons.clinician, s.reasons.client):
            assert "together" in text or "explore" in text or "worth exploring" in text, text
            assert not banned.search(text), text
            assert "<" not in text and "\n" not in text


def test_private_process_notes_never_reach_the_analysis():
    data = json.dumps(analyze(sample_map()).to_dict(), ensure_ascii=False)
    assert "PRIVATE-NOTE-XYZ" not in data


def test_person_reason_counts():
    an = analyze(sample_map())
    j = next(s for s in an.suggestions if s.kind == "person" and s.id == "j")
    # J: r3 (5, inner) + r7 (3 · 0.8) = 7.4, the highest; r3 carries p (two episodes noted)
    assert ("the client's relationship with them is among the most emotionally charged on the map (close, "
            "intensity 5 of 5, inner circle; 2 relationships in all)") in j.reasons.clinician
    assert "1 pattern (‘Not good enough’) is enacted in their relationships (2 episodes noted)" in j.reasons.clinician
    assert j.reasons.client.startswith("Your relationships with your partner (J) carry a lot of feeling")


def test_relationship_reason():
    an = analyze(sample_map())
    r3 = next(s for s in an.suggestions if s.kind == "relationship" and s.id == "r3")
    # focal p strengths per relationship: 3 (r1), 3 (r3), 2 (r4), 2 (r6): r3 has 3/10 = 30%
    assert "at strength 3 of 3 — 30% of that pattern's enactment strength" in r3.reasons.clinician
    assert "inner circle" in r3.reasons.clinician and "intensity 5 of 5" in r3.reasons.clinician
    assert "your partner (J)" in r3.reasons.client and "very close" in r3.reasons.client


def test_phrases():
    assert join([]) == "" and join(["a", "b", "c"]) == "a, b and c"
    assert person_phrase(Person(id="a", alias="Lee (partner)", role="partner")) == "Lee (partner)"
    assert person_phrase(Person(id="a", alias="Mother", role="mother")) == "your mother"
    assert person_phrase(Person(id="a", alias="Q", role="neighbour")) == "Q"
    assert person_phrase(Person(id="a", alias="Dr T", role="therapist")) == "your therapist"


def test_long_lists_are_capped():
    people = (Person(id="self", alias="Me", role="self"),
              *(Person(id=f"f{i}", alias=f"F{i}", role="friend") for i in range(5)))
    rels = tuple(Relationship(id=f"r{i}", source="self", target=f"f{i}") for i in range(5))
    m = DitMap(people=people, relationships=rels, patterns=(Pattern(id="p", title="P"),),
               enactments=tuple(Enactment(id=f"e{i}", pattern="p", relationship=f"r{i}") for i in range(5)))
    client = analyze(m).suggestions[0].reasons.client
    assert "shows up in all 5 of your important relationships" in client
    assert "with your friend (F0), your friend (F1), your friend (F2) and 2 more now" in client
