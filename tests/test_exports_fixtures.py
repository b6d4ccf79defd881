"""Maps the export tests share: a full worked example, and the same with hostile text everywhere.

Built here, by hand, so the tests know every value they expect without asking the code under test.
"""

from __future__ import annotations

import datetime as dt

from ditmap.model import (
    Client,
    Comment,
    DitMap,
    Enactment,
    Pattern,
    Person,
    Position,
    Relationship,
    Session,
)

PRIVATE = "PRIVATE-MARKER-7f3a"
"""Put in every process note and comment: no client export may contain it."""

PAYLOADS = (
    '<script>window.__pwned=1</script>',
    '<img src=x onerror="window.__pwned=1">',
    'javascript:window.__pwned=1',
    '"><svg onload=window.__pwned=1>',
    "=HYPERLINK(\"http://x\")",
    "[link](javascript:alert(1)) *bold* _it_ # h | a \\ `c`",
    "\u2028\u2029 </script><!-- $x$ & &amp;",
)

PHQ9 = (18, 17, 16, 15, 14, 13, 12, 12, 11, 10, 9, 9, 8, 8, 7, 7)
GAD7 = (14, 13, 13, 12, 11, 11, 10, 9, 9, 8, 8, 7, 7, 6, 6, 5)


def rich_map(private: str = PRIVATE) -> DitMap:
    """Seven people across the three corners, two patterns (one agreed), 16 sessions, comments."""
    people = (
        Person(id="self", alias="Sam", role="self", position=Position(x=0, y=0)),
        Person(id="mum", alias="M", role="mother", alive=False, notes=f"note on mum {private}"),
        Person(id="dad", alias="D", role="father"),
        Person(id="partner", alias="J", role="partner"),
        Person(id="friend", alias="K", role="friend"),
        Person(id="boss", alias="Boss", role="manager"),
        Person(id="therapist", alias="Therapist", role="therapist"),
    )
    rels = (
        Relationship(id="r-mum", source="self", target="mum", corner="past", kind="close-hostile/ambivalent",
                     intensity=5, closeness="inner", feelings=("shame", "anger"), notes=f"rel note {private}"),
        Relationship(id="r-dad", source="self", target="dad", corner="past", kind="distant", intensity=3,
                     closeness="outer", direction="target_to_source"),
        Relationship(id="r-partner", source="self", target="partner", corner="current", kind="close",
                     intensity=4, closeness="inner", feelings=("warmth/love", "anxiety/fear"),
                     communication_style="passive/placating"),
        Relationship(id="r-friend", source="self", target="friend", corner="current", kind="supportive",
                     intensity=2, closeness="middle"),
        Relationship(id="r-boss", source="self", target="boss", corner="current", kind="conflictual",
                     intensity=4, closeness="middle", direction="target_to_source"),
        Relationship(id="r-ther", source="self", target="therapist", corner="therapy", kind="caring",
                     intensity=3, closeness="middle"),
        Relationship(id="r-parents", source="mum", target="dad", corner="past", kind="cut off", intensity=2,
                     closeness="outer"),
    )
    patterns = (
        Pattern(id="pt-burden", title="Being a burden", self_representation="a burden, not good enough",
                other_representation="critical, about to lose patience", affects=("shame", "anxiety/fear"),
                defensive_function="by pleasing and never asking, I avoid the rage of feeling let down",
                defences=("reaction formation", "withdrawal"), reversal="becomes critical of the partner",
                transference="apologises for taking up the therapist's time", status="agreed",
                agreed_on=dt.date(2026, 2, 2), client_words="I'm too much for people",
                healthier_alternative="asking for what I need and seeing what happens"),
        Pattern(id="pt-alone", title="Going it alone", self_representation="self-sufficient",
                other_representation="unreliable", affects=("loneliness",)),
    )
    enactments = (
        Enactment(id="e1", pattern="pt-burden", relationship="r-mum", strength=3,
                  example="when she was ill I kept quiet about school", session=1),
        Enactment(id="e2", pattern="pt-burden", relationship="r-partner", strength=3,
                  example="when J cancelled lunch I said it was fine and didn't sleep", session=2),
        Enactment(id="e3", pattern="pt-burden", relationship="r-boss", strength=2,
                  example="stayed late rather than say the deadline was impossible", session=3),
        Enactment(id="e4", pattern="pt-burden", relationship="r-ther", strength=2,
                  example="apologised for being two minutes late", session=4),
        Enactment(id="e5", pattern="pt-burden", relationship="r-partner", strength=1,
                  example="asked J to come to the appointment", session=14),
        Enactment(id="e6", pattern="pt-alone", relationship="r-friend", strength=2,
                  example="didn't tell K about the move", session=5),
    )
    sessions = tuple(
        Session(id=f"s{n}", number=n, date=dt.date(2026, 1, 5) + dt.timedelta(weeks=n - 1),
                phq9=PHQ9[n - 1], gad7=GAD7[n - 1], worked_on=f"worked on the pattern, week {n}",
                process_notes=f"session {n} {private}")
        for n in range(1, 17)
    )
    comments = (
        Comment(id="c1", anchor_kind="pattern", anchor="pt-burden", author="Supervisor",
                text=f"check transference {private}"),
        Comment(id="c2", anchor_kind="person", anchor="mum", text=f"grief? {private}", status="resolved"),
    )
    return DitMap(client=Client(pseudonym="Client S", therapist="Dr T", start_date=dt.date(2026, 1, 5)),
                  people=people, relationships=rels, patterns=patterns, enactments=enactments,
                  sessions=sessions, comments=comments)


def payload_map() -> DitMap:
    """The rich map with a script payload in every free-text field (and private markers kept)."""
    m = rich_map()
    k = iter(range(10_000))

    def p() -> str:
        return f"{PAYLOADS[next(k) % len(PAYLOADS)]} {PAYLOADS[0]}"

    return m.model_copy(update={
        "client": m.client.model_copy(update={"pseudonym": p(), "therapist": p()}),
        "people": tuple(x.model_copy(update={"alias": p(), "notes": p() + PRIVATE, "role": p()[:80]})
                        for x in m.people if x.role != "self")
        + tuple(x.model_copy(update={"alias": p()}) for x in m.people if x.role == "self"),
        "relationships": tuple(r.model_copy(update={"kind": p()[:80], "notes": p(), "feelings": (p()[:80],),
                                                    "communication_style": p()[:200]}) for r in m.relationships),
        "patterns": tuple(x.model_copy(update={f: p() for f in (
            "title", "self_representation", "other_representation", "defensive_function", "reversal",
            "transference", "client_words", "healthier_alternative")} | {"affects": (p()[:80],)})
            for x in m.patterns),
        "enactments": tuple(e.model_copy(update={"example": p()}) for e in m.enactments),
        "sessions": tuple(s.model_copy(update={"worked_on": p(), "homework": p()}) for s in m.sessions),
        "comments": tuple(c.model_copy(update={"text": p() + PRIVATE}) for c in m.comments),
    })


def test_fixtures_are_consistent_maps():
    from ditmap.integrity import check_map

    assert check_map(rich_map()) == []
    assert check_map(payload_map()) == []
