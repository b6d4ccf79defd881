"""Supervision use cases in the core: review sign-off, replay stops, changes drawn, conversations."""

from __future__ import annotations

import pytest

from ditmap.conversations import awaiting_therapist, conversations
from ditmap.model import DitMap, empty_map
from ditmap.operations import AddItem, OperationError, RemoveItem, UpdateItem
from ditmap.store import open_store
from ditmap.supervision import (
    Replay,
    change_counts,
    changes_drawing,
    last_review,
    record_review,
    replay_stops,
    stable_positions,
    stop_edits,
)
from ditmap.ui.netview_data import build_view, pack, unpack


def person(pid: str, alias: str, x: float = 100) -> AddItem:
    return AddItem(kind="person", item={"id": pid, "alias": alias, "role": "friend", "position": {"x": x, "y": 0}})


def rel(rid: str, target: str) -> AddItem:
    return AddItem(kind="relationship", item={"id": rid, "source": "self", "target": target})


def session(n: int, phq: int) -> AddItem:
    return AddItem(kind="session", item={"id": f"s{n}", "number": n, "phq9": phq})


@pytest.fixture
def built(tmp_path):
    """A map built over three sessions: 1 adds Ann, 2 adds Bob, 3 removes Ann and renames Bob."""
    store = open_store(tmp_path / "s.sqlite3")
    mid = store.create_map("Case", empty_map("C-1", "Dr T")).id
    ops = [session(1, 15), person("ann", "Ann"), rel("r-ann", "ann"),
           session(2, 14), person("bob", "Bob", 200), rel("r-bob", "bob"),
           session(3, 12), RemoveItem(kind="person", id="ann", cascade=True),
           UpdateItem(kind="person", id="bob", changes={"alias": "Robert"})]
    for op in ops:
        store.apply(mid, op, base_version=store.version(mid))
    return store, mid


def test_replay_stops_end_each_session_where_the_next_is_recorded(built):
    store, mid = built
    store.snapshot(mid, "end of session 3")
    m, v = store.load(mid)
    edits = store.history(mid)
    stops = replay_stops(edits, m, v, store.snapshots(mid))
    assert [(s.label, s.version, s.since) for s in stops] == [
        ("session 1", 3, 0), ("session 2", 6, 3), ("session 3", 9, 6), ("snapshot “end of session 3”", 9, 9)]
    at_1 = store.map_at(mid, stops[0].version)
    assert [p.alias for p in at_1.people] == ["Me", "Ann"] and len(at_1.sessions) == 1
    assert [e.sentence for e in stop_edits(edits, stops[1])] == [
        "Added session 2", "Added Bob (friend)", "Added Bob, current"]


def test_a_map_imported_with_its_sessions_replays_from_version_0():
    m = DitMap.model_validate({"people": [{"id": "self", "alias": "Me", "role": "self"}],
                               "sessions": [{"id": "s1", "number": 1}, {"id": "s2", "number": 2}]})
    stops = replay_stops([], m, 0)
    assert [(s.label, s.version) for s in stops] == [("session 1", 0), ("session 2", 0)]
    assert [s.label for s in replay_stops([], empty_map(), 0)] == ["now"]


def test_positions_stay_stable_across_the_replay(built):
    store, mid = built
    maps = [store.map_at(mid, v) for v in (3, 6, 9)]
    pos = stable_positions(maps)
    assert pos["ann"].x == 100 and pos["bob"].x == 200 and set(pos) == {"self", "ann", "bob"}


def test_changes_drawing_keeps_removed_items_and_marks_each_change(built):
    store, mid = built
    a, b = store.map_at(mid, 3), store.map_at(mid, 9)
    drawn, marks = changes_drawing(a, b, store.diff(mid, 3, 9))
    assert marks == {("person", "ann"): "removed", ("relationship", "r-ann"): "removed",
                     ("person", "bob"): "added", ("relationship", "r-bob"): "added"}
    assert {p.id for p in drawn.people} == {"self", "ann", "bob"} and drawn.people_by_id["ann"].position.x == 100
    assert change_counts(marks) == {"added": 2, "removed": 2, "changed": 0}
    _drawn, marks = changes_drawing(store.map_at(mid, 6), b, store.diff(mid, 6, 9))
    assert marks[("person", "bob")] == "changed"


def test_the_drawing_data_carries_each_change_and_a_legend_of_its_marks(built):
    store, mid = built
    a, b = store.map_at(mid, 6), store.map_at(mid, 9)
    drawn, marks = changes_drawing(a, b, store.diff(mid, 6, 9))
    view = unpack(pack(build_view(drawn, changes=marks)))
    people = {p["id"]: p.get("cg") for p in view["people"]}
    rels = {r["id"]: r.get("cg") for r in view["rels"]}
    assert people == {"self": None, "bob": 3, "ann": 2} and rels == {"r-bob": None, "r-ann": 2}
    assert view["legend"]["changes"] == ["removed", "changed"]
    assert view["words"]["changeMarks"][2] == "−"
    plain = unpack(pack(build_view(b)))
    assert "changes" not in plain["legend"] and all("cg" not in p for p in plain["people"])


def test_mark_reviewed_records_version_reviewer_and_time(built):
    store, mid = built
    r = record_review(store, mid, reviewer="Dr S")
    assert (r.version, r.reviewer) == (9, "Dr S") and r.at is not None
    record_review(store, mid, reviewer="Dr S", version=3)
    assert last_review(store, mid, "Dr S").version == 9 and last_review(store, mid, "Dr Q") is None


# --- conversations --------------------------------------------------------------------------------

def _talk() -> DitMap:
    m = AddItem(kind="pattern", item={"id": "pt1", "title": "Pleasing"}).apply(empty_map())
    for c in [{"id": "c1", "author_role": "supervisor", "created": "2026-01-02T10:00:00Z"},
              {"id": "c2", "author_role": "therapist", "reply_to": "c1", "created": "2026-01-03T10:00:00Z"},
              {"id": "c3", "author_role": "supervisor", "reply_to": "c1", "created": "2026-01-04T10:00:00Z"},
              {"id": "c4", "author_role": "supervisor", "status": "resolved", "resolved_by": "Dr T"}]:
        m = AddItem(kind="comment", item={"anchor_kind": "pattern", "anchor": "pt1", "text": "?", **c}).apply(m)
    return m


def test_conversations_group_replies_and_filter_by_status():
    m = _talk()
    convs = conversations(m)
    assert [(c.id, [r.id for r in c.replies]) for c in convs] == [("c1", ["c2", "c3"]), ("c4", [])]
    assert [c.id for c in conversations(m, status="resolved")] == ["c4"]
    assert [c.id for c in awaiting_therapist(m)] == ["c1"]
    m = AddItem(kind="comment", item={"id": "c5", "anchor_kind": "pattern", "anchor": "pt1", "text": "ok",
                                      "author_role": "therapist", "reply_to": "c1",
                                      "created": "2026-01-05T10:00:00Z"}).apply(m)
    assert awaiting_therapist(m) == []


def test_a_reply_must_answer_a_first_comment_about_the_same_item():
    m = _talk()
    with pytest.raises(OperationError, match="not another reply"):
        AddItem(kind="comment", item={"id": "c9", "anchor_kind": "pattern", "anchor": "pt1", "text": "?",
                                      "reply_to": "c2"}).apply(m)
    with pytest.raises(OperationError, match="no other comment"):
        AddItem(kind="comment", item={"id": "c9", "anchor_kind": "pattern", "anchor": "pt1", "text": "?",
                                      "reply_to": "zz"}).apply(m)
    m2 = AddItem(kind="person", item={"id": "p1", "alias": "A"}).apply(m)
    with pytest.raises(OperationError, match="same item"):
        AddItem(kind="comment", item={"id": "c9", "anchor_kind": "person", "anchor": "p1", "text": "?",
                                      "reply_to": "c1"}).apply(m2)


def test_removing_a_first_comment_takes_its_replies_and_undo_brings_them_back():
    m = _talk()
    op = RemoveItem(kind="comment", id="c1", cascade=True)
    after = op.apply(m)
    assert [c.id for c in after.comments] == ["c4"]
    assert op.inverse(m).apply(after) == m


def test_a_comment_on_a_version_names_its_number():
    m = AddItem(kind="comment", item={"id": "v1", "anchor_kind": "version", "anchor": "12", "text": "?"}).apply(
        empty_map())
    assert m.label_of("version", "12") == "version 12"
    with pytest.raises(OperationError, match="version number"):
        AddItem(kind="comment", item={"id": "v2", "anchor_kind": "version", "anchor": "v12", "text": "?"}).apply(m)


def test_each_session_end_and_snapshot_is_a_checkpoint_so_replay_reads_it_without_replaying(built, monkeypatch):
    import ditmap.store.sql_store as sq

    store, mid = built
    store.snapshot(mid, "mid-way")
    m, v = store.load(mid)
    stops = replay_stops(store.history(mid), m, v, store.snapshots(mid))
    expected = {s.version: store.map_at(mid, s.version) for s in stops}
    monkeypatch.setattr(sq, "parse_operation", lambda _text: pytest.fail("an edit was replayed"))
    for version, at in expected.items():
        assert store.map_at(mid, version) == at


def test_a_replay_gives_each_stop_the_stored_map_and_is_worked_out_once(built, monkeypatch):
    store, mid = built
    store.snapshot(mid, "mid-way")
    m, v = store.load(mid)
    replay = Replay.of(store, mid, m, v)
    assert [s.label for s in replay.stops] == [s.label for s in replay_stops(store.history(mid), m, v,
                                                                              store.snapshots(mid))]
    for i, stop in enumerate(replay.stops):
        assert replay.map(i) == store.map_at(mid, stop.version)
    assert [e.sentence for e in replay.edits_in(1)] == ["Added session 2", "Added Bob (friend)", "Added Bob, current"]
    first = replay.frame(2, marked=True)
    assert first.marks == {("person", "ann"): "removed", ("relationship", "r-ann"): "removed",
                           ("person", "bob"): "changed"}
    assert {p.id for p in first.drawn.people} == {"self", "ann", "bob"} and first.map is replay.map(2)
    assert replay.frame(2, marked=False).marks is None and replay.frame(0, marked=True).marks is None
    monkeypatch.setattr(store, "map_at", lambda *_a: pytest.fail("read again"))
    assert replay.frame(2, marked=True) is first  # kept: a step back and forth builds nothing again
