"""Central people: load from the client's own relationships, bridging without the self, enactments, the score.
Expected values are worked out by hand in each test."""

from __future__ import annotations

import networkx as nx
import pytest

from ditmap.analysis import analyze
from ditmap.analysis.people import bridging_betweenness, own_load, relationship_load
from ditmap.model import DitMap, Enactment, Pattern, Person, Relationship


def build(people, rels, patterns=(), enactments=()) -> DitMap:
    return DitMap(
        people=tuple(Person(id=i, alias=i.capitalize(), role=r) for i, r in people),
        relationships=tuple(Relationship(id=i, source=s, target=t, corner=c, intensity=n)
                            for i, s, t, c, n in rels),
        patterns=tuple(Pattern(id=i, title=t) for i, t in patterns),
        enactments=tuple(Enactment(id=i, pattern=p, relationship=r, strength=s) for i, p, r, s in enactments),
    )


def test_star_centre_has_betweenness_one_and_leaves_zero():
    # star with centre c and leaves 1..4: every pair of leaves (6 pairs) passes through c.
    # normalised by (n-1)(n-2)/2 = 4*3/2 = 6 -> 1.0
    g = nx.Graph([("c", 1), ("c", 2), ("c", 3), ("c", 4)])
    b = bridging_betweenness(g)
    assert b["c"] == pytest.approx(1.0)
    assert [b[i] for i in (1, 2, 3, 4)] == [0.0] * 4


def test_self_is_removed_before_betweenness():
    # self linked to everyone; mum also linked to dad and nan; nan only through mum (and self).
    # without self: path dad - mum - nan, plus sam alone. n = 4 others: norm = (3*2)/2 = 3.
    # mum lies on the one dad-nan path -> 1/3. With the self present (n = 5, norm 6) the self takes
    # sam-mum, sam-dad, sam-nan and half of dad-nan (3.5/6) and mum only the other half (0.5/6).
    g = nx.Graph([("self", "mum"), ("self", "dad"), ("self", "nan"), ("self", "sam"),
                  ("mum", "dad"), ("mum", "nan")])
    b = bridging_betweenness(g, "self")
    assert b["mum"] == pytest.approx(1 / 3)
    assert b["self"] == 0.0 and b["dad"] == 0.0 and b["sam"] == 0.0
    with_self = nx.betweenness_centrality(g)  # why the self must go
    assert with_self["mum"] == pytest.approx(0.5 / 6) and with_self["self"] == pytest.approx(3.5 / 6)


def test_betweenness_on_disconnected_groups_is_normalised_over_everyone():
    # path a-b-c and separate pair d-e: b lies on the a-c path only; n = 5 -> norm 4*3/2 = 6 -> 1/6
    g = nx.Graph([("a", "b"), ("b", "c"), ("d", "e")])
    b = bridging_betweenness(g)
    assert b == pytest.approx({"a": 0.0, "b": 1 / 6, "c": 0.0, "d": 0.0, "e": 0.0})


def test_path_betweenness_by_hand():
    # a-b-c-d: b is on a-c and a-d (2 of 3 pairs' paths), c on b-d and a-d; norm (3*2)/2 = 3
    b = bridging_betweenness(nx.path_graph(["a", "b", "c", "d"]))
    assert b == pytest.approx({"a": 0.0, "b": 2 / 3, "c": 2 / 3, "d": 0.0})


def test_sampled_betweenness_is_repeatable_and_exact_when_every_source_is_sampled():
    g = nx.connected_watts_strogatz_graph(60, 4, 0.2, seed=3)
    exact = bridging_betweenness(g)
    assert bridging_betweenness(g, exact_limit=10, samples=60) == pytest.approx(exact)
    first = bridging_betweenness(g, exact_limit=10, samples=15)
    assert bridging_betweenness(g, exact_limit=10, samples=15) == first


def test_load_is_the_clients_own_relationships_by_intensity_kind_and_closeness():
    # self–mum twice (past 5, current 2), self–dad distant 3; mum–dad 4 is context, not load
    m = DitMap(people=(Person(id="self", alias="Me", role="self"), Person(id="mum", alias="Mum"),
                       Person(id="dad", alias="Dad")),
               relationships=(Relationship(id="a", source="self", target="mum", intensity=5, closeness="inner"),
                              Relationship(id="b", source="mum", target="self", intensity=2, closeness="outer"),
                              Relationship(id="c", source="self", target="dad", kind="distant", intensity=3),
                              Relationship(id="d", source="mum", target="dad", kind="conflictual", intensity=4)))
    assert relationship_load(m.relationships[2]) == 1.2  # 3 × 0.5 (distant) × 0.8 (middle)
    assert own_load(m, "self") == {"self": 7.4, "mum": 6.2, "dad": 1.2}  # mum 5·1 + 2·0.6
    assert own_load(m, None) == {"self": 0.0, "mum": 0.0, "dad": 0.0}
    dad = analyze(m).person("dad")
    assert (dad.load, dad.context, dad.context_intensity) == (1.2, ("d",), 4)


PEOPLE = [("self", "self"), ("mum", "mother"), ("dad", "father"), ("sam", "partner"), ("t", "therapist")]
RELS = [
    ("r1", "self", "mum", "past", 5),
    ("r2", "self", "mum", "current", 2),
    ("r3", "self", "dad", "past", 3),
    ("r4", "mum", "dad", "past", 4),
    ("r5", "self", "sam", "current", 4),
    ("r6", "self", "t", "therapy", 5),
]


def test_person_figures_and_score_by_hand():
    m = build(PEOPLE, RELS, [("a", "Alpha"), ("b", "Beta")],
              [("e1", "a", "r1", 3), ("e2", "a", "r1", 1), ("e3", "b", "r5", 2), ("e4", "a", "r5", 1),
               ("e5", "a", "r6", 3)])
    an = analyze(m)
    mum, dad, sam, t, me = (an.person(i) for i in ("mum", "dad", "sam", "t", "self"))
    # loads, the client's own relationships only (close, middle circle: × 0.8): mum (5+2)·0.8 = 5.6 (mum–dad
    # is context); dad 3·0.8; sam 4·0.8; therapist 5·0.8; self (5+2+3+4+5)·0.8 = 15.2
    assert (mum.load, dad.load, sam.load, t.load, me.load) == (5.6, 2.4, 3.2, 4.0, 15.2)
    assert (mum.context, dad.context, sam.context) == (("r4",), ("r4",), ())
    assert (mum.relationships, dad.relationships, me.relationships) == (3, 2, 5)
    # enactments carried: mum's r1 has two notings of A (strongest 3); sam's r5 has B 2 and A 1
    assert (mum.enactments, mum.links, mum.enactment_load, mum.patterns) == (2, 1, 3, ("a",))
    assert (sam.enactments, sam.links, sam.enactment_load, sam.patterns) == (2, 2, 3, ("a", "b"))
    assert (dad.enactments, dad.links) == (0, 0)
    # without self: mum - dad only (sam, t isolated): nobody lies between two others
    assert {p.id: p.betweenness for p in an.people} == dict.fromkeys(("self", "mum", "dad", "sam", "t"), 0.0)
    # score = 0.4 load/max + 0.4 e_load/max + 0.2 b/max over candidates mum, dad, sam (max load 5.6, max e 3)
    assert mum.score == pytest.approx(0.4 * 5.6 / 5.6 + 0.4 * 3 / 3)
    assert dad.score == pytest.approx(0.4 * 2.4 / 5.6)
    assert sam.score == pytest.approx(0.4 * 3.2 / 5.6 + 0.4 * 3 / 3)
    assert me.score == 0.0 and t.score == 0.0  # never suggested
    people = [s.id for s in an.suggestions if s.kind == "person"]
    assert people == ["mum", "sam", "dad"]


def test_bridging_counts_in_the_score():
    # self - a, b, c, d; plus a-b and b-c: without self, b bridges a and c (1 of 6 pairs among 4 others)
    people = [("self", "self"), ("a", "friend"), ("b", "friend"), ("c", "friend"), ("d", "friend")]
    rels = [("r1", "self", "a", "current", 3), ("r2", "self", "b", "current", 3), ("r3", "self", "c", "current", 3),
            ("r4", "self", "d", "current", 3), ("r5", "a", "b", "current", 1), ("r6", "b", "c", "current", 1)]
    an = analyze(build(people, rels))
    b = an.person("b")
    assert b.betweenness == pytest.approx(1 / 3)  # 1 pair of 3*2/2 = 3
    # loads (own relationships only) all 3 · 0.8; no enactments; b is the only bridge
    assert b.score == pytest.approx(0.4 * 1 + 0.2 * 1)
    assert an.person("d").score == pytest.approx(0.4 * 1)
    assert "bridge" not in b.label  # sanity: label is the alias
    reasons = next(s.reasons for s in an.suggestions if s.id == "b")
    assert "otherwise meet only through the client (33% of the pairs of other people" in reasons.clinician
    assert "betweenness" not in reasons.clinician
    assert "connect different parts of your life" in reasons.client


@pytest.mark.parametrize("seed", range(5))
def test_betweenness_agrees_with_networkx_on_random_graphs_without_the_self(seed):
    # networkx's own Brandes implementation as the independent reader
    g = nx.gnm_random_graph(40, 45 + 10 * seed, seed=seed)
    g.add_edges_from((99, v) for v in range(40))  # 99 plays the self, linked to everyone
    expected = nx.betweenness_centrality(g.subgraph(range(40)), normalized=True)
    got = bridging_betweenness(g, 99)
    assert got.pop(99) == 0.0
    assert got == pytest.approx(expected)
