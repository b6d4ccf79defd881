"""One hand-checked test per operation kind: the specific effect, the sentence, the refusal."""

from __future__ import annotations

import datetime as dt

import pytest

from ditmap.fileformat import dumps
from ditmap.model import DitMap, Position
from ditmap.operations import (
    AddItem,
    AgreePattern,
    Batch,
    MovePerson,
    OperationError,
    RemoveItem,
    SetPositions,
    UpdateClient,
    UpdateItem,
    dump_operation,
    parse_operation,
)


def _map() -> DitMap:
    return DitMap.model_validate({
        "client": {"pseudonym": "C-7", "therapist": "Dr K"},
        "people": [
            {"id": "self", "alias": "Me", "role": "self", "position": {"x": 0, "y": 0}},
            {"id": "mum", "alias": "Mum", "role": "mother"},
            {"id": "dad", "alias": "Dad", "role": "father"},
            {"id": "ana", "alias": "Ana", "role": "partner"},
            {"id": "th", "alias": "Dr K", "role": "therapist"},
        ],
        "relationships": [
            {"id": "r-mum", "source": "self", "target": "mum", "corner": "past", "intensity": 5},
            {"id": "r-dad", "source": "self", "target": "dad", "corner": "past"},
            {"id": "r-ana", "source": "self", "target": "ana", "corner": "current"},
            {"id": "r-th", "source": "self", "target": "th", "corner": "therapy"},
            {"id": "r-par", "source": "mum", "target": "dad", "corner": "past", "kind": "conflictual"},
        ],
        "patterns": [{"id": "pt1", "title": "Not good enough"}],
        "enactments": [
            {"id": "e1", "pattern": "pt1", "relationship": "r-mum", "strength": 3},
            {"id": "e2", "pattern": "pt1", "relationship": "r-ana", "strength": 2},
        ],
        "sessions": [{"id": "s1", "number": 1, "phq9": 18, "gad7": 12}, {"id": "s2", "number": 2}],
        "comments": [
            {"id": "c1", "anchor_kind": "person", "anchor": "mum", "text": "Check the age"},
            {"id": "c2", "anchor_kind": "relationship", "anchor": "r-mum", "text": "Any warmth here?"},
            {"id": "c3", "anchor_kind": "pattern", "anchor": "pt1", "text": "Shame, or fear?"},
        ],
    })


def _ids(items) -> list[str]:
    return [x.id for x in items]


def _undo_restores(m: DitMap, op) -> None:
    assert dumps(op.inverse(m).apply(op.apply(m))) == dumps(m)


# --- add ---------------------------------------------------------------------------------------

def test_add_person_appends_or_inserts_and_describes_itself() -> None:
    m = _map()
    op = AddItem(kind="person", item={"id": "gran", "alias": "Gran", "role": "grandparent"})
    after = op.apply(m)
    assert _ids(after.people) == ["self", "mum", "dad", "ana", "th", "gran"]
    assert after.people_by_id["gran"].alive is True  # defaults filled in
    assert op.describe(m) == "Added Gran (grandparent)"
    assert op.inverse(m) == RemoveItem(kind="person", id="gran")
    at_1 = AddItem(kind="person", item={"id": "gran", "alias": "Gran"}, index=1).apply(m)
    assert _ids(at_1.people) == ["self", "gran", "mum", "dad", "ana", "th"]
    _undo_restores(m, op)


def test_add_person_with_a_used_id_is_refused() -> None:
    m = _map()
    with pytest.raises(OperationError) as caught:
        AddItem(kind="person", item={"id": "mum", "alias": "Other mum"}).apply(m)
    assert str(caught.value) == 'people: id "mum" is already used'


def test_add_relationship_names_the_other_person_and_checks_references() -> None:
    m = _map()
    op = AddItem(kind="relationship", item={"id": "r-th2", "source": "th", "target": "self", "corner": "therapy"})
    assert op.describe(m) == "Added Dr K, therapy"
    assert _ids(op.apply(m).relationships)[-1] == "r-th2"
    with pytest.raises(OperationError) as caught:
        AddItem(kind="relationship", item={"id": "r-x", "source": "self", "target": "p99"}).apply(m)
    assert [str(p) for p in caught.value.problems] == ['relationships[5].target: no person with id "p99"']
    with pytest.raises(OperationError) as caught:
        AddItem(kind="relationship", item={"id": "r-x", "source": "mum", "target": "mum"}).apply(m)
    assert [str(p) for p in caught.value.problems] == [
        'relationships[5].target: a relationship needs two different people (both are "mum")']


def test_add_pattern_enactment_session_comment() -> None:
    m = _map()
    op = AddItem(kind="pattern", item={"id": "pt2", "title": "Pleasing"})
    assert op.describe(m) == "Added pattern “Pleasing”"
    assert op.apply(m).patterns[-1].status == "draft"

    op = AddItem(kind="enactment", item={"id": "e3", "pattern": "pt1", "relationship": "r-dad"})
    assert op.describe(m) == "Linked “Not good enough” to Dad (strength 2)"
    assert op.apply(m).enactments_by_id["e3"].relationship == "r-dad"

    op = AddItem(kind="session", item={"id": "s3", "number": 3, "phq9": 15})
    after = op.apply(m)
    assert op.describe(m) == "Added session 3"
    assert after.sessions_by_id["s3"].phase == "initial"
    with pytest.raises(OperationError, match="duplicate session number 2"):
        AddItem(kind="session", item={"id": "s9", "number": 2}).apply(m)

    op = AddItem(kind="comment", item={"id": "c4", "anchor_kind": "relationship", "anchor": "r-par", "text": "?"})
    assert op.describe(m) == "Added a comment on Mum – Dad"
    with pytest.raises(OperationError, match='no pattern with id "pt9"'):
        AddItem(kind="comment", item={"id": "c5", "anchor_kind": "pattern", "anchor": "pt9", "text": "?"}).apply(m)


# --- update ------------------------------------------------------------------------------------

def test_update_changes_only_the_named_fields_and_undoes() -> None:
    m = _map()
    op = UpdateItem(kind="relationship", id="r-mum", changes={"intensity": 2, "closeness": "outer"})
    after = op.apply(m)
    new, old = after.relationships_by_id["r-mum"], m.relationships_by_id["r-mum"]
    assert (new.intensity, new.closeness) == (2, "outer")
    assert new.model_dump(exclude={"intensity", "closeness"}) == old.model_dump(exclude={"intensity", "closeness"})
    assert op.describe(m) == "Changed the relationship with Mum: intensity, closeness"
    assert op.inverse(m) == UpdateItem(kind="relationship", id="r-mum", changes={"intensity": 5, "closeness": "middle"})
    assert op.touches(m) == {("relationship", "r-mum", "intensity"), ("relationship", "r-mum", "closeness")}
    _undo_restores(m, op)
    assert UpdateItem(kind="enactment", id="e2", changes={"strength": 1}).describe(m) == \
        "Changed link “Not good enough” in Ana: strength"
    assert UpdateItem(kind="comment", id="c1", changes={"status": "resolved"}).describe(m) == "Resolved a comment"


def test_update_out_of_range_or_unknown_value_is_refused_in_clinician_words() -> None:
    m = _map()
    with pytest.raises(OperationError) as caught:
        UpdateItem(kind="relationship", id="r-mum", changes={"intensity": 9, "corner": "future"}).apply(m)
    assert sorted(str(p) for p in caught.value.problems) == [
        'relationships[0].corner: must be one of past, current, therapy (got "future")',
        "relationships[0].intensity: must be a whole number from 1 to 5 (got 9)",
    ]
    with pytest.raises(OperationError, match=r"sessions\[0\]\.phq9: must be a whole number from 0 to 27"):
        UpdateItem(kind="session", id="s1", changes={"phq9": 28}).apply(m)
    with pytest.raises(OperationError, match='no session with id "s9"'):
        UpdateItem(kind="session", id="s9", changes={"phq9": 3}).apply(m)
    with pytest.raises(ValueError, match="person has no field shoe_size"):
        UpdateItem(kind="person", id="mum", changes={"shoe_size": 4})


# --- remove ------------------------------------------------------------------------------------

def test_remove_person_with_relationships_is_refused_without_cascade() -> None:
    m = _map()
    with pytest.raises(OperationError) as caught:
        RemoveItem(kind="person", id="mum").apply(m)
    # Mum has r-mum and r-par; r-mum carries e1 and comment c2; Mum herself has comment c1.
    assert str(caught.value) == ("person Mum: still has 1 enactment, 2 comments, 2 relationships; "
                                 "remove them too (cascade) or remove those first")


def test_remove_person_with_cascade_takes_relationships_enactments_and_comments() -> None:
    m = _map()
    op = RemoveItem(kind="person", id="mum", cascade=True)
    after = op.apply(m)
    assert _ids(after.people) == ["self", "dad", "ana", "th"]
    assert _ids(after.relationships) == ["r-dad", "r-ana", "r-th"]
    assert _ids(after.enactments) == ["e2"]
    assert _ids(after.comments) == ["c3"]
    assert op.describe(m) == "Removed Mum (and 5 linked items)"
    assert op.touches(m) == {("person", "mum", "*"), ("relationship", "r-mum", "*"), ("relationship", "r-par", "*"),
                             ("enactment", "e1", "*"), ("comment", "c1", "*"), ("comment", "c2", "*")}
    undo = op.inverse(m)
    assert undo.op == "batch" and undo.describe(after) == "Restored Mum"
    _undo_restores(m, op)


def test_remove_pattern_relationship_enactment_session_comment() -> None:
    m = _map()
    after = RemoveItem(kind="pattern", id="pt1", cascade=True).apply(m)
    assert (after.patterns, after.enactments, _ids(after.comments)) == ((), (), ["c1", "c2"])
    with pytest.raises(OperationError, match="still has 1 enactment;"):
        RemoveItem(kind="relationship", id="r-ana").apply(m)
    op = RemoveItem(kind="enactment", id="e2")
    assert _ids(op.apply(m).enactments) == ["e1"]
    assert op.describe(m) == "Removed link “Not good enough” in Ana"
    op = RemoveItem(kind="session", id="s1")
    assert _ids(op.apply(m).sessions) == ["s2"] and op.describe(m) == "Removed session 1"
    op = RemoveItem(kind="comment", id="c2")
    assert _ids(op.apply(m).comments) == ["c1", "c3"] and op.describe(m) == "Removed a comment"
    with pytest.raises(OperationError, match='no comment with id "c9"'):
        RemoveItem(kind="comment", id="c9").apply(m)
    for kind, item_id in [("pattern", "pt1"), ("relationship", "r-mum"), ("session", "s1"), ("comment", "c2")]:
        _undo_restores(m, RemoveItem(kind=kind, id=item_id, cascade=True))


# --- move, positions, agree, client, batch ------------------------------------------------------

def test_move_person_sets_position_and_undo_clears_it_again() -> None:
    m = _map()
    op = MovePerson(id="mum", x=-120.5, y=80)
    after = op.apply(m)
    assert after.people_by_id["mum"].position == Position(x=-120.5, y=80)
    assert op.describe(m) == "Moved Mum"
    assert op.inverse(m) == UpdateItem(kind="person", id="mum", changes={"position": None})
    assert op.inverse(m).apply(after).people_by_id["mum"].position is None
    back = MovePerson(id="self", x=5, y=5).inverse(m)
    assert back == MovePerson(id="self", x=0, y=0)
    with pytest.raises(OperationError, match='no person with id "ghost"'):
        MovePerson(id="ghost", x=0, y=0).apply(m)


def test_set_positions_places_many_people_as_one_step() -> None:
    m = _map()
    op = SetPositions(positions={"mum": Position(x=1, y=2), "dad": Position(x=3, y=4), "self": None})
    after = op.apply(m)
    assert [p.position for p in after.people] == [None, Position(x=1, y=2), Position(x=3, y=4), None, None]
    assert op.describe(m) == "Re-arranged the map (3 people)"
    assert op.inverse(m) == SetPositions(positions={"mum": None, "dad": None, "self": Position(x=0, y=0)})
    _undo_restores(m, op)
    with pytest.raises(OperationError) as caught:
        SetPositions(positions={"mum": None, "ghost": None}).apply(m)
    assert str(caught.value) == 'positions: no person with id "ghost"'


def test_agree_pattern_sets_status_and_date() -> None:
    m = _map()
    op = AgreePattern(id="pt1", on=dt.date(2026, 2, 3))
    p = op.apply(m).patterns_by_id["pt1"]
    assert (p.status, p.agreed_on) == ("agreed", dt.date(2026, 2, 3))
    assert op.describe(m) == "Agreed pattern “Not good enough” as a focus"
    assert op.inverse(m) == UpdateItem(kind="pattern", id="pt1", changes={"status": "draft", "agreed_on": None})
    _undo_restores(m, op)
    with pytest.raises(OperationError, match='no pattern with id "pt2"'):
        AgreePattern(id="pt2", on=dt.date(2026, 2, 3)).apply(m)


def test_update_client() -> None:
    m = _map()
    op = UpdateClient(changes={"pseudonym": "C-8", "start_date": "2026-01-06"})
    after = op.apply(m)
    assert (after.client.pseudonym, after.client.start_date, after.client.therapist) == (
        "C-8", dt.date(2026, 1, 6), "Dr K")
    assert op.describe(m) == "Changed client details: pseudonym, start date"
    _undo_restores(m, op)
    with pytest.raises(OperationError) as caught:
        UpdateClient(changes={"pseudonym": ""}).apply(m)
    assert str(caught.value) == "client.pseudonym: must not be empty"


def test_batch_applies_in_order_is_one_undo_and_refuses_as_a_whole() -> None:
    m = _map()
    op = Batch(ops=[AddItem(kind="person", item={"id": "gran", "alias": "Gran", "role": "grandparent"}),
                    AddItem(kind="relationship", item={"id": "r-gran", "source": "self", "target": "gran",
                                                       "corner": "past"})])
    after = op.apply(m)
    assert _ids(after.people)[-1] == "gran" and _ids(after.relationships)[-1] == "r-gran"
    assert op.describe(m) == "Added Gran (grandparent) and 1 more"
    assert Batch(ops=op.ops, description="Added Gran").describe(m) == "Added Gran"
    undo = op.inverse(m)
    assert [o.op for o in undo.ops] == ["remove", "remove"] and undo.ops[0].kind == "relationship"
    _undo_restores(m, op)
    bad = Batch(ops=[op.ops[0], AddItem(kind="relationship", item={"id": "r-x", "source": "self", "target": "zz"})])
    with pytest.raises(OperationError) as caught:
        bad.apply(m)
    assert str(caught.value) == 'ops[1] relationships[5].target: no person with id "zz"'
    assert dumps(m) == dumps(_map())


def test_every_kind_serialises_with_its_op_name() -> None:
    ops = [AddItem(kind="session", item={"id": "s3", "number": 3}), UpdateItem(kind="person", id="mum", changes={}),
           RemoveItem(kind="comment", id="c1"), MovePerson(id="mum", x=1, y=2),
           SetPositions(positions={"mum": None}), AgreePattern(id="pt1", on=dt.date(2026, 2, 3)),
           UpdateClient(changes={"therapist": "Dr J"}), Batch(ops=[RemoveItem(kind="comment", id="c1")])]
    assert [dump_operation(o)["op"] for o in ops] == ["add", "update", "remove", "move_person", "set_positions",
                                                      "agree_pattern", "update_client", "batch"]
    assert dump_operation(ops[5]) == {"op": "agree_pattern", "id": "pt1", "on": "2026-02-03"}
    assert all(parse_operation(dump_operation(o)) == o for o in ops)
