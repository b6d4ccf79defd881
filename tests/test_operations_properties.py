"""Property tests for edit operations: undo restores exactly, bad operations change nothing."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from mapgen import OPERATION_CHOICES, maps, valid_operations

from ditmap.fileformat import dumps, loads
from ditmap.integrity import dependents
from ditmap.model import DitMap
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

SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
PER_KIND = settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@pytest.mark.parametrize("choice", OPERATION_CHOICES)
@PER_KIND
@given(data=st.data())
def test_every_operation_then_its_inverse_gives_back_the_same_map(choice: str, data: st.DataObject) -> None:
    m = data.draw(maps(rich=True))
    op = data.draw(valid_operations(m, choice=choice))
    _check_undo(m, op)


@SETTINGS
@given(st.data())
def test_any_operation_on_any_map_then_its_inverse_gives_back_the_same_map(data: st.DataObject) -> None:
    m = data.draw(maps())
    _check_undo(m, data.draw(valid_operations(m)))


def _check_undo(m: DitMap, op: Any) -> None:
    before = dumps(m)
    after = op.apply(m)
    assert dumps(m) == before  # the input map is untouched
    assert loads(dumps(after)) == after  # an edited map is always a valid file
    undo = op.inverse(m)
    restored = undo.apply(after)
    assert dumps(restored) == before
    assert restored == m
    redo = undo.inverse(after)  # undoing the undo re-applies the edit
    assert dumps(redo.apply(restored)) == dumps(after)
    assert isinstance(op.describe(m), str) and op.describe(m)
    assert isinstance(op.touches(m), set)


@pytest.mark.parametrize("choice", OPERATION_CHOICES)
@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_operations_round_trip_through_json(choice: str, data: st.DataObject) -> None:
    m = data.draw(maps(rich=True))
    op = data.draw(valid_operations(m, choice=choice))
    dumped = dump_operation(op)
    text = json.dumps(dumped, ensure_ascii=False, allow_nan=False)
    assert parse_operation(dumped) == op
    assert parse_operation(text) == op
    assert parse_operation(text.encode("utf-8")) == op
    assert dump_operation(parse_operation(text)) == dumped
    # and the parsed operation does exactly what the original does
    assert dumps(parse_operation(text).apply(m)) == dumps(op.apply(m))


@st.composite
def invalid_operations(draw: st.DrawFn, m: DitMap) -> Any:
    """An operation that must be refused on `m`."""
    people = [p.id for p in m.people]
    options: list[Any] = [
        RemoveItem(kind="person", id="no-such-person"),
        UpdateItem(kind="relationship", id="no-such-rel", changes={"intensity": 2}),
        MovePerson(id="nobody", x=1, y=1),
        SetPositions(positions={"nobody": None}),
        AgreePattern(id="no-such-pattern", on="2026-02-03"),
        UpdateClient(changes={"pseudonym": ""}),
        AddItem(kind="enactment", item={"id": "e-new", "pattern": "ghost", "relationship": "ghost"}),
        AddItem(kind="comment", item={"id": "c-new", "anchor_kind": "person", "anchor": "ghost", "text": "t"}),
    ]
    if people:
        options += [
            AddItem(kind="person", item={"id": people[0], "alias": "Twin"}),
            AddItem(kind="relationship", item={"id": "r-new", "source": people[0], "target": "p99"}),
            AddItem(kind="relationship", item={"id": "r-new", "source": people[0], "target": people[0]}),
            UpdateItem(kind="person", id=people[0], changes={"alias": ""}),
        ]
        if not m.self_person:
            options.append(Batch(ops=[AddItem(kind="person", item={"id": "s1x", "alias": "A", "role": "self"}),
                                      AddItem(kind="person", item={"id": "s2x", "alias": "B", "role": "self"})]))
    for p in m.people:
        if dependents(m, "person", p.id):
            options.append(RemoveItem(kind="person", id=p.id, cascade=False))
    for r in m.relationships:
        options += [UpdateItem(kind="relationship", id=r.id, changes={"intensity": 9}),
                    UpdateItem(kind="relationship", id=r.id, changes={"corner": "future"}),
                    UpdateItem(kind="relationship", id=r.id, changes={"target": r.source}),
                    UpdateItem(kind="relationship", id=r.id, changes={"target": "p99"})]
    for s in m.sessions:
        options += [UpdateItem(kind="session", id=s.id, changes={"phq9": 28}),
                    UpdateItem(kind="session", id=s.id, changes={"gad7": -1})]
        others = [o.number for o in m.sessions if o.id != s.id]
        if others:
            options.append(UpdateItem(kind="session", id=s.id, changes={"number": others[0]}))
    for pt in m.patterns:
        options.append(UpdateItem(kind="pattern", id=pt.id, changes={"status": "agreed", "agreed_on": None}))
    for e in m.enactments:
        options.append(UpdateItem(kind="enactment", id=e.id, changes={"strength": 4}))
    bad = draw(st.sampled_from(options))
    if draw(st.booleans()):  # the same refusal from inside a batch, after a valid first step
        first = draw(valid_operations(m, depth=1))
        after_first = first.apply(m)
        try:
            bad.apply(after_first)
        except OperationError:
            return Batch(ops=[first, bad])
    return bad


@SETTINGS
@given(st.data())
def test_an_invalid_operation_raises_and_leaves_the_map_untouched(data: st.DataObject) -> None:
    m = data.draw(maps())
    copy = m.model_copy(deep=True)
    text = dumps(m)
    op = data.draw(invalid_operations(m))
    with pytest.raises(OperationError) as caught:
        op.apply(m)
    assert caught.value.problems and all(p.what for p in caught.value.problems)
    assert m == copy
    assert dumps(m) == text
