"""The layout carries the triangle of person: corner by sector, closeness by ring, the self at the centre."""

from __future__ import annotations

import math

from ditmap.layout import RING_RADIUS, place
from ditmap.model import DitMap, Person, Position, Relationship


def _map(spec: list[tuple[str, str, str]], extra: list[Relationship] = ()) -> DitMap:
    """spec: (person id, corner, closeness) for people related to the client."""
    people = [Person(id="self", alias="Me", role="self", position=Position(x=0, y=0))]
    rels = []
    for pid, corner, closeness in spec:
        people.append(Person(id=pid, alias=pid.upper()))
        rels.append(Relationship(id=f"r-{pid}", source="self", target=pid, corner=corner, closeness=closeness))
    for r in extra:
        for pid in (r.source, r.target):
            if pid not in {p.id for p in people}:
                people.append(Person(id=pid, alias=pid.upper()))
    return DitMap(people=tuple(people), relationships=tuple(rels) + tuple(extra))


SPEC = [("mum", "past", "inner"), ("dad", "past", "outer"), ("gran", "past", "middle"),
        ("partner", "current", "inner"), ("boss", "current", "middle"), ("friend", "current", "outer"),
        ("friend2", "current", "outer"), ("therapist", "therapy", "middle")]


def test_self_at_centre_and_corners_in_their_sectors() -> None:
    pos = place(_map(SPEC))
    assert (pos["self"].x, pos["self"].y) == (0, 0)
    for pid, corner, _ in SPEC:
        p = pos[pid]
        if corner == "past":
            assert p.x < 0, pid  # left
        elif corner == "current":
            assert p.x > 0, pid  # right
        else:
            assert p.y > 0 and abs(p.x) < p.y, pid  # bottom (screen y grows down)


def test_closer_relationships_sit_closer_to_the_self() -> None:
    pos = place(_map(SPEC))
    r = {pid: math.hypot(pos[pid].x, pos[pid].y) for pid, _, _ in SPEC}
    assert r["mum"] < r["gran"] < r["dad"]
    assert r["partner"] < r["boss"] < r["friend"]
    assert math.isclose(r["mum"], RING_RADIUS["inner"], abs_tol=1)


def test_existing_positions_are_kept_and_relayout_recomputes() -> None:
    m = _map(SPEC)
    people = tuple(p.model_copy(update={"position": Position(x=999, y=999)}) if p.id == "mum" else p
                   for p in m.people)
    m = m.model_copy(update={"people": people})
    assert place(m)["mum"] == Position(x=999, y=999)
    assert place(m, relayout=True)["mum"] != Position(x=999, y=999)


def test_deterministic_and_complete_with_people_not_related_to_the_client() -> None:
    extra = [Relationship(id="r-gm", source="mum", target="grandma", corner="past")]
    m = _map(SPEC, extra)
    a, b = place(m), place(m)
    assert a == b
    assert set(a) == {p.id for p in m.people}
    assert all(math.isfinite(p.x) and math.isfinite(p.y) for p in a.values())


def test_people_do_not_overlap_even_on_a_crowded_ring() -> None:
    spec = [(f"f{i}", "current", "inner") for i in range(12)] + [(f"p{i}", "past", "middle") for i in range(6)]
    pos = place(_map(spec))
    pts = list(pos.values())
    closest = min(math.hypot(a.x - b.x, a.y - b.y) for i, a in enumerate(pts) for b in pts[i + 1:])
    assert closest >= 90


def test_a_newcomer_takes_a_free_spot_without_moving_anyone() -> None:
    m = _map(SPEC)
    placed = place(m)
    m = m.model_copy(update={"people": tuple(p.model_copy(update={"position": placed[p.id]}) for p in m.people)})
    m = m.model_copy(update={
        "people": (*m.people, Person(id="sis", alias="Sis")),
        "relationships": (*m.relationships, Relationship(id="r-sis", source="self", target="sis",
                                                         corner="current", closeness="inner")),
    })
    after = place(m)
    assert all(after[pid] == placed[pid] for pid in placed)
    new = after["sis"]
    assert new.x > 0
    assert min(math.hypot(new.x - q.x, new.y - q.y) for q in placed.values()) >= 90


def test_empty_and_self_only_maps() -> None:
    assert place(DitMap()) == {}
    only = DitMap(people=(Person(id="self", alias="Me", role="self"),))
    assert place(only) == {"self": Position(x=0, y=0)}


def test_newcomers_stay_on_the_map_when_someone_was_dragged_far_away() -> None:
    # Found by the export tests: the spring step grew with the spread of fixed people and flung
    # unplaced people beyond the model's coordinate range.
    m = DitMap(people=(Person(id="far", alias="Far", position=Position(x=0, y=344604)),
                       Person(id="a", alias="A"), Person(id="b", alias="B")),
               relationships=(Relationship(id="r1", source="a", target="b"),))
    pos = place(m)
    assert set(pos) == {"far", "a", "b"}
    for p in pos.values():
        assert -1e6 <= p.x <= 1e6 and -1e6 <= p.y <= 1e6
