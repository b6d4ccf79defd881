"""Every shape of map: empty, only the self, no patterns, never-enacted patterns, no self,
disconnected groups, dangling ids, big maps, and random valid maps (hypothesis)."""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from mapgen import maps

from ditmap.analysis import analyze
from ditmap.model import DitMap, Enactment, Pattern, Person, Relationship, empty_map


def check(an) -> dict:
    """Invariants that hold for any analysis; returns the JSON form."""
    data = json.loads(json.dumps(an.to_dict(), allow_nan=False))
    for s in data["suggestions"]:
        assert set(s) == {"kind", "id", "label", "score", "reasons"}
        assert set(s["reasons"]) == {"clinician", "client"}
        assert 0.0 <= s["score"] <= 1.0
    kinds = [s.kind for s in an.suggestions]
    assert kinds == sorted(kinds, key=("pattern", "person", "relationship").index)
    for p in an.patterns:
        assert 0.0 <= p.recurrence <= 1.0
    for p in an.people:
        assert 0.0 <= p.betweenness <= 1.0 + 1e-9 and 0.0 <= p.score <= 1.0
    return data


def test_empty_map():
    an = analyze(DitMap())
    data = check(an)
    assert an.suggestions == () and an.patterns == () and an.people == () and an.focal_pattern is None
    assert data["outcomes"]["sessions"] == [] and data["timeline"]["patterns"] == []


def test_only_the_self():
    an = analyze(empty_map())
    check(an)
    assert an.suggestions == ()
    (me,) = an.people
    assert me.is_self and me.load == 0 and me.score == 0.0


def test_people_but_no_patterns():
    m = DitMap(people=(Person(id="self", alias="Me", role="self"), Person(id="a", alias="A", role="friend")),
               relationships=(Relationship(id="r", source="self", target="a", intensity=4),))
    an = analyze(m)
    check(an)
    assert [(s.kind, s.id) for s in an.suggestions] == [("person", "a")]


def test_patterns_never_enacted():
    m = empty_map().model_copy(update={"patterns": (Pattern(id="p", title="P"), Pattern(id="q", title="Q"))})
    an = analyze(m)
    check(an)
    assert [p.enacting for p in an.patterns] == [0, 0] and an.suggestions == ()
    assert [p.id for p in an.patterns] == ["p", "q"]  # tie on 0: by title


def test_no_self_only_relationships_between_others_and_disconnected_groups():
    people = tuple(Person(id=i, alias=i.upper()) for i in "abcdef")
    rels = (Relationship(id="r1", source="a", target="b"), Relationship(id="r2", source="b", target="c"),
            Relationship(id="r3", source="d", target="e"))  # f is alone
    m = DitMap(people=people, relationships=rels, patterns=(Pattern(id="p", title="P"),),
               enactments=(Enactment(id="e", pattern="p", relationship="r2"),))
    an = analyze(m)
    check(an)
    assert an.pattern("p").eligible == 3  # no self: every relationship counts
    assert an.person("b").betweenness == pytest.approx(1 / 10)  # a-c of (6-1)(6-2)/2 = 10 pairs
    rel = next(s for s in an.suggestions if s.kind == "pattern")
    assert "1 of 3" in rel.reasons.clinician
    assert "between B and C now" in rel.reasons.client
    assert an.relationship("r2").work_on_now  # without a self, any current relationship may be worked on


def test_dangling_references_are_ignored_not_fatal():
    m = DitMap(people=(Person(id="self", alias="Me", role="self"),),
               relationships=(Relationship(id="r", source="self", target="ghost"),),
               patterns=(Pattern(id="p", title="P"),),
               enactments=(Enactment(id="e1", pattern="p", relationship="nope"),
                           Enactment(id="e2", pattern="nope", relationship="r"),
                           Enactment(id="e3", pattern="p", relationship="r")))
    an = analyze(m)
    check(an)
    assert an.pattern("p").enacting == 1


def _big(n: int, component: int = 0) -> DitMap:
    """n people around the client; `component` of them also in one long chain among themselves."""
    people = [Person(id="self", alias="Me", role="self")] + [Person(id=f"p{i}", alias=f"P{i}") for i in range(n)]
    rels = [Relationship(id=f"r{i}", source="self", target=f"p{i}", corner=("past", "current", "therapy")[i % 3],
                         intensity=1 + i % 5) for i in range(n)]
    rels += [Relationship(id=f"c{i}", source=f"p{i}", target=f"p{i + 1}") for i in range(component - 1)]
    pats = tuple(Pattern(id=f"t{k}", title=f"T{k}") for k in range(4))
    enact = tuple(Enactment(id=f"e{i}", pattern=f"t{i % 4}", relationship=f"r{i}", strength=1 + i % 3,
                            session=1 + i % 16) for i in range(0, n, 2))
    return DitMap(people=tuple(people), relationships=tuple(rels), patterns=pats, enactments=enact)


def test_big_map_with_a_component_above_the_exact_betweenness_limit():
    m = _big(1500, component=700)  # 700 > EXACT_BETWEENNESS_LIMIT: sampled, seeded
    first = analyze(m)
    check(first)
    assert len(first.people) == 1501
    assert [s.id for s in first.suggestions] == [s.id for s in analyze(m).suggestions]
    assert first.person("p350").betweenness > first.person("p1").betweenness > 0  # a chain's middle bridges most
    assert first.person("p1000").betweenness == 0.0


def test_same_map_same_answer():
    m = _big(60, component=20)
    assert analyze(m).to_dict() == analyze(m).to_dict()


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(maps(max_items=8, rich=True))
def test_any_valid_map(m):
    an = analyze(m)
    check(an)
    me = next((p.id for p in m.people if p.role == "self"), None)
    linked = {e.relationship for e in m.enactments}
    eligible = [r.id for r in m.relationships if me is None or me in (r.source, r.target) or r.id in linked]
    for s in an.suggestions:
        if s.kind != "pattern":
            continue
        n = len({e.relationship for e in m.enactments if e.pattern == s.id and e.relationship in eligible})
        assert f"enacted in {n} of {len(eligible)} relationship" in s.reasons.clinician


def test_ties_between_people_and_relationships_are_ordered_by_label_then_id():
    # two friends with identical figures; their relationships tie too
    people = (Person(id="self", alias="Me", role="self"), Person(id="z", alias="Bea", role="friend"),
              Person(id="y", alias="Al", role="friend"), Person(id="x", alias="Al", role="friend"))
    rels = tuple(Relationship(id=f"r{p}", source="self", target=p, intensity=4) for p in ("z", "y", "x"))
    m = DitMap(people=people, relationships=rels, patterns=(Pattern(id="p", title="P"),),
               enactments=tuple(Enactment(id=f"e{p}", pattern="p", relationship=f"r{p}") for p in ("z", "y", "x")))
    an = analyze(m)
    assert len({s.score for s in an.suggestions if s.kind == "person"}) == 1
    assert [(s.kind, s.id) for s in an.suggestions] == [
        ("pattern", "p"),
        ("person", "x"), ("person", "y"), ("person", "z"),  # Al (x), Al (y), Bea
        ("relationship", "rx"), ("relationship", "ry"), ("relationship", "rz"),  # "Me – Al" ×2, "Me – Bea"
    ]
