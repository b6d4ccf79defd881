"""Property tests: any sequence of valid operations, stored, replays, rebuilds and undoes exactly (both back ends)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from mapgen import maps, valid_operations

from ditmap.fileformat import dumps
from ditmap.model import COLLECTIONS, DitMap
from ditmap.store import open_store
from ditmap.store.diff import diff_maps

SETTINGS = settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def start_and_ops(draw: st.DrawFn) -> tuple[DitMap, list]:
    start = draw(maps(max_items=4))
    m, ops = start, []
    for _ in range(draw(st.integers(1, 6))):
        op = draw(valid_operations(m))
        ops.append(op)
        m = op.apply(m)
    return start, ops


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
def store(request, tmp_path_factory) -> Iterator:
    """One store per back end for the module; every example makes its own map in it (maps are independent)."""
    if request.param == "sqlite":
        s = open_store(tmp_path_factory.mktemp("props") / "p.sqlite3")
    else:
        s = open_store(request.getfixturevalue("pg_cluster").new_database())
    yield s
    s.close()


@SETTINGS
@given(case=start_and_ops())
def test_stored_history_rebuilds_every_version_and_undoes_to_the_start(store, case) -> None:
    start, ops = case
    mid = store.create_map("P", start).id
    expected = [dumps(start)]
    m = start
    for i, op in enumerate(ops):
        m = op.apply(m)  # what the operation alone does, outside the store
        a = store.apply(mid, op, base_version=i)
        assert dumps(a.map) == dumps(m)
        expected.append(dumps(m))
    for v, text in enumerate(expected):
        assert dumps(store.map_at(mid, v)) == text
        assert store.diff(mid, v, v).empty
    for v in range(len(ops), 0, -1):
        assert store.undo(mid) is not None
        assert dumps(store.load(mid)[0]) == expected[v - 1]
    assert store.undo(mid) is None
    for v in range(1, len(ops) + 1):
        store.redo(mid)
        assert dumps(store.load(mid)[0]) == expected[v]


def _by_id(m: DitMap) -> dict:
    items = {kind: {x.id: x for x in getattr(m, field)} for kind, (field, _) in COLLECTIONS.items()}
    return {"client": m.client, **items}


@SETTINGS
@given(maps(max_items=4), maps(max_items=4))
def test_diff_is_empty_exactly_when_the_maps_hold_the_same_items(a: DitMap, b: DitMap) -> None:
    assert diff_maps(a, a).empty
    assert diff_maps(a, b).empty == (_by_id(a) == _by_id(b))
    changed = {(i.kind, i.id, i.change) for i in diff_maps(a, b).items}
    for kind, (field, _) in COLLECTIONS.items():
        old = {x.id for x in getattr(a, field)}
        new = {x.id for x in getattr(b, field)}
        assert {i for k, i, c in changed if k == kind and c == "added"} == new - old
        assert {i for k, i, c in changed if k == kind and c == "removed"} == old - new
