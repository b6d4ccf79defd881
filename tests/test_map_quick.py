"""Building the map at the speed of conversation: a person and how they are with the client in one edit,
and the events of the map's quick panel (checked like every other event from the browser)."""

from __future__ import annotations

import math

import pytest

from ditmap.fileformat import dumps
from ditmap.layout import SECTORS, place
from ditmap.model import DitMap
from ditmap.operations import AddRelatedPerson, OperationError, dump_operation, parse_operation
from ditmap.store import open_store
from ditmap.ui.netview_data import build_view, quick_choices
from ditmap.ui.network_view import checked_event


def _map() -> DitMap:
    return DitMap.model_validate({"people": [{"id": "me", "alias": "Me", "role": "self"}]})


def _op(m: DitMap, **kw: str) -> AddRelatedPerson:
    args = {"alias": "Mum", "role": "mother", "kind": "close-hostile/ambivalent", "corner": "past",
            "closeness": "inner"} | kw
    return AddRelatedPerson.with_client(m, **args)


def test_a_person_and_their_relationship_with_the_client_are_one_operation() -> None:
    m = _map()
    op = _op(m)
    after = op.apply(m)
    (mum,) = [p for p in after.people if p.alias == "Mum"]
    (rel,) = after.relationships
    assert (mum.role, rel.source, rel.target, rel.kind, rel.corner, rel.closeness) == (
        "mother", "me", mum.id, "close-hostile/ambivalent", "past", "inner")
    assert op.describe(m) == "Added Mum (mother): close-hostile/ambivalent, past, inner circle"
    assert dumps(op.inverse(m).apply(after)) == dumps(m)  # one undo removes both
    assert parse_operation(dump_operation(op)) == op


def test_one_history_entry_and_one_undo_in_the_store(tmp_path) -> None:
    store = open_store(tmp_path / "s.sqlite3")
    info = store.create_map("k", _map())
    m, v = store.load(info.id)
    applied = store.apply(info.id, _op(m), base_version=v)
    assert applied.version == v + 1
    assert store.history(info.id, limit=1)[0].sentence.startswith("Added Mum (mother)")
    store.undo(info.id)
    m2, _ = store.load(info.id)
    assert [p.alias for p in m2.people] == ["Me"] and m2.relationships == ()


def test_placed_in_the_sector_and_circle_chosen() -> None:
    m = _map()
    for corner in SECTORS:
        op = _op(m, alias=f"X {corner}", corner=corner, closeness="outer")
        after = op.apply(m)
        pos = place(after)[op.person["id"]]
        centre, half = SECTORS[corner]

        angle = math.degrees(math.atan2(-pos.y, pos.x)) % 360
        assert abs((angle - centre + 180) % 360 - 180) <= half, corner
        assert math.hypot(pos.x, pos.y) >= 400  # the outer circle


def test_refused_without_a_client_or_with_a_blank_name() -> None:
    empty = DitMap.model_validate({"people": [{"id": "mum", "alias": "Mum", "role": "mother"}]})
    with pytest.raises(OperationError, match="no client"):
        _op(empty)
    with pytest.raises(OperationError):
        _op(_map(), alias="")


PEOPLE, RELS, PATTERNS = {"me", "mum"}, {"r1"}, {"pt1"}


def test_quick_panel_events_are_checked_and_normalised() -> None:
    ok = {"type": "add_related", "alias": "  Aunt   Rosa ", "role": "", "kind": "", "corner": "past",
          "closeness": "outer", "seq": 3}
    assert checked_event(ok, PEOPLE, RELS, PATTERNS) == {
        "type": "add_related", "alias": "Aunt Rosa", "role": "other", "kind": "close", "corner": "past",
        "closeness": "outer", "seq": 3}
    link = {"type": "link", "relationship": "r1", "pattern": "pt1", "strength": 3, "example": " she left ", "seq": 4}
    assert checked_event(link, PEOPLE, RELS, PATTERNS) == {
        "type": "link", "relationship": "r1", "pattern": "pt1", "strength": 3, "example": "she left", "seq": 4}


@pytest.mark.parametrize("raw", [
    {"type": "add_related", "alias": "", "role": "", "kind": "", "corner": "past", "closeness": "outer", "seq": 1},
    {"type": "add_related", "alias": "A", "role": "", "kind": "", "corner": "future", "closeness": "outer", "seq": 1},
    {"type": "add_related", "alias": "A", "role": "", "kind": "", "corner": "past", "closeness": "far", "seq": 1},
    {"type": "add_related", "alias": "A" * 201, "corner": "past", "closeness": "outer", "seq": 1},
    {"type": "add_related", "alias": ["A"], "corner": "past", "closeness": "outer", "seq": 1},
    {"type": "link", "relationship": "ghost", "pattern": "pt1", "strength": 2, "example": "", "seq": 1},
    {"type": "link", "relationship": "r1", "pattern": "ghost", "strength": 2, "example": "", "seq": 1},
    {"type": "link", "relationship": "r1", "pattern": "pt1", "strength": 4, "example": "", "seq": 1},
    {"type": "link", "relationship": "r1", "pattern": "pt1", "strength": True, "example": "", "seq": 1},
    {"type": "link", "relationship": "r1", "pattern": "pt1", "strength": 2, "example": 5, "seq": 1},
])
def test_bad_quick_panel_events_are_dropped(raw) -> None:
    assert checked_event(raw, PEOPLE, RELS, PATTERNS) is None


def test_the_quick_panel_speaks_plain_words_in_the_client_view() -> None:
    words = " ".join(label for _, label in quick_choices(True)["kinds"] + quick_choices(True)["corners"])
    for jargon in ("ambivalent", "enmeshed", "corner", "circle"):
        assert jargon not in words
    view = build_view(_op(_map()).apply(_map()), client_view=True)
    assert view["words"]["kindLegend"] == "How things are with you"
