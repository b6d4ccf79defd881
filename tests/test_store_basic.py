"""The store on both back ends (a real SQLite file, a real PostgreSQL database): maps, history, undo/redo,
diff, conflicts and merges, snapshots; and choosing the back end from `DITMAP_DB`.

Expected values are written out by hand from the operations applied, never read back from the
store's own bookkeeping. The `store_db` fixture (tests/conftest.py) runs each test on both.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3

import pytest
from store_support import raw_execute

from ditmap.fileformat import dump, dumps, load
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
)
from ditmap.store import (
    Conflict,
    FieldChange,
    ItemDiff,
    MapNotFound,
    SqliteStore,
    StoreError,
    default_db_path,
    open_store,
)
from ditmap.store.schema import SCHEMA_VERSION


def rich_map() -> DitMap:
    """A small map with one of everything (written out by hand)."""
    return DitMap.model_validate({
        "client": {"pseudonym": "K.", "therapist": "Dr A", "start_date": "2026-01-05"},
        "people": [
            {"id": "self", "alias": "Me", "role": "self", "position": {"x": 0, "y": 0}},
            {"id": "p-mum", "alias": "Mum", "role": "mother", "alive": True, "notes": "critical", "position": None},
            {"id": "p-sam", "alias": "Sam", "role": "partner", "position": {"x": 120, "y": -40}},
            {"id": "p-th", "alias": "Therapist", "role": "therapist"},
        ],
        "relationships": [
            {"id": "r-mum", "source": "self", "target": "p-mum", "corner": "past", "kind": "conflictual",
             "intensity": 5, "closeness": "inner", "feelings": ["shame", "anger"]},
            {"id": "r-sam", "source": "self", "target": "p-sam", "corner": "current", "kind": "close"},
            {"id": "r-th", "source": "self", "target": "p-th", "corner": "therapy", "kind": "supportive"},
        ],
        "patterns": [
            {"id": "pt-1", "title": "Pleasing to avoid rejection", "self_representation": "a burden",
             "other_representation": "about to lose patience", "affects": ["anxiety/fear", "shame"]},
        ],
        "enactments": [
            {"id": "e-1", "pattern": "pt-1", "relationship": "r-mum", "strength": 3, "example": "never asked"},
            {"id": "e-2", "pattern": "pt-1", "relationship": "r-sam", "strength": 2},
        ],
        "sessions": [{"id": "s-1", "number": 1, "date": "2026-01-05", "phq9": 16, "gad7": 12,
                      "process_notes": "private"}],
        "comments": [{"id": "c-1", "anchor_kind": "relationship", "anchor": "r-mum", "author": "Sup",
                      "text": "Is this the focus?"}],
    })


@pytest.fixture
def store(store_db: str):
    s = open_store(store_db)
    yield s
    s.close()


@pytest.fixture
def mid(store) -> str:
    return store.create_map("K. — DIT", rich_map()).id


# --- location and opening ---------------------------------------------------------------------------

def test_default_path_prefers_env_then_xdg_and_creates_the_folder(tmp_path, monkeypatch):
    monkeypatch.setenv("DITMAP_DB", str(tmp_path / "a" / "b" / "x.sqlite3"))
    assert default_db_path() == tmp_path / "a" / "b" / "x.sqlite3"
    assert (tmp_path / "a" / "b").is_dir()
    monkeypatch.delenv("DITMAP_DB")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    assert default_db_path() == tmp_path / "xdg" / "ditmap" / "ditmap.sqlite3"
    assert (tmp_path / "xdg" / "ditmap").is_dir()
    monkeypatch.delenv("XDG_DATA_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert default_db_path() == tmp_path / "home" / ".local" / "share" / "ditmap" / "ditmap.sqlite3"


@pytest.mark.parametrize("value", ["mysql://root@127.0.0.1/ditmap", "sqlite:///tmp/x.db", "https://example.org/db",
                                   "postgresql:ditmap", "redis://localhost"])
def test_a_database_url_ditmap_cannot_use_is_refused_and_creates_nothing(tmp_path, monkeypatch, capsys, value):
    from ditmap.cli import main

    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DITMAP_DB", value)
    with pytest.raises(StoreError, match=r"cannot use the database .*a SQLite file .*postgresql://"):
        open_store()
    with pytest.raises(StoreError, match="cannot use the database"):
        open_store(value)
    assert main(["db", "init"]) == 1
    assert "cannot use the database" in capsys.readouterr().err
    monkeypatch.delenv("DITMAP_DB")
    assert main(["db", "init", "--db", value]) == 1
    assert list(tmp_path.iterdir()) == []  # no folder named "mysql:" or anything else


def test_a_password_in_a_refused_or_unreachable_url_is_never_shown(tmp_path, monkeypatch):
    with pytest.raises(StoreError) as exc:
        open_store("mysql://clinic:s3cret-pw@127.0.0.1/ditmap")
    assert "s3cret-pw" not in str(exc.value) and "clinic:***@" in str(exc.value)
    with pytest.raises(StoreError, match="cannot connect to the database") as exc:
        open_store("postgresql://clinic:s3cret-pw@127.0.0.1:1/ditmap?connect_timeout=2")
    assert "s3cret-pw" not in str(exc.value)


def test_ditmap_db_chooses_the_back_end_by_its_value(tmp_path, monkeypatch, pg_cluster, capsys):
    from ditmap.cli import main
    from ditmap.store.postgres import PostgresStore

    monkeypatch.chdir(tmp_path)
    url = pg_cluster.new_database()
    monkeypatch.setenv("DITMAP_DB", url)
    with open_store() as s:
        assert isinstance(s, PostgresStore) and s.location == url
    assert main(["db", "init"]) == 0
    assert capsys.readouterr().out.strip() == f"store ready: {url}"
    monkeypatch.setenv("DITMAP_DB", str(tmp_path / "file.sqlite3"))
    assert isinstance(open_store(), SqliteStore)
    assert isinstance(open_store(url.replace("postgresql://", "postgres://")), PostgresStore)
    assert main(["db", "init", "--db", url]) == 0
    assert [p.name for p in tmp_path.iterdir() if not p.name.startswith("file.sqlite3")] == []


def test_new_store_uses_wal_and_the_pragmas(tmp_path):
    s = open_store(tmp_path / "s.db")
    conn = sqlite3.connect(tmp_path / "s.db")
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    conn.close()
    with s._connect() as c:
        assert c.execute("PRAGMA foreign_keys").fetchone()[0] == 1
        assert c.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
        assert c.execute("PRAGMA busy_timeout").fetchone()[0] == 10_000


def test_store_and_backup_files_are_private_to_their_owner(tmp_path):
    s = open_store(tmp_path / "s.db")
    s.create_map("A", rich_map())
    assert (tmp_path / "s.db").stat().st_mode & 0o777 == 0o600
    assert (tmp_path / "s.db-wal").stat().st_mode & 0o777 == 0o600
    assert s.backup(tmp_path / "b.db").stat().st_mode & 0o777 == 0o600


def test_a_non_ditmap_database_is_refused(tmp_path):
    other = tmp_path / "other.db"
    conn = sqlite3.connect(other)
    conn.execute("CREATE TABLE t (x)")
    conn.commit()
    conn.close()
    with pytest.raises(StoreError, match="is not a ditmap store"):
        open_store(other)
    text = tmp_path / "notes.txt"
    text.write_text("hello, this is not a database at all " * 50)
    with pytest.raises(StoreError, match="is not a ditmap store"):
        open_store(text)


# --- maps --------------------------------------------------------------------------------------------

def test_create_load_list_rename_archive_delete_restore(store):
    a = store.create_map("First", rich_map())
    b = store.create_map("Second", DitMap())
    assert a.version == 0 and a.name == "First"
    m, v = store.load(a.id)
    assert v == 0 and m == rich_map()
    assert {i.id for i in store.list_maps()} == {a.id, b.id}

    assert store.rename(a.id, "  Renamed  ").name == "Renamed"
    assert store.info(a.id).name == "Renamed"
    with pytest.raises(StoreError, match="needs a name"):
        store.rename(a.id, "   ")

    store.set_archived(a.id, True)
    assert [i.id for i in store.list_maps()] == [b.id]
    assert {i.id for i in store.list_maps(include_archived=True)} == {a.id, b.id}
    store.set_archived(a.id, False)

    store.set_deleted(b.id, True)
    assert [i.id for i in store.list_maps()] == [a.id]
    assert store.info(b.id).deleted
    assert [i.id for i in store.list_maps(include_deleted=True) if i.deleted] == [b.id]
    with pytest.raises(StoreError, match="deleted"):
        store.apply(b.id, UpdateClient(changes={"therapist": "X"}), base_version=0)
    store.set_deleted(b.id, False)
    assert {i.id for i in store.list_maps()} == {a.id, b.id}
    store.apply(b.id, UpdateClient(changes={"therapist": "X"}), base_version=0)
    assert store.load(b.id)[0].client.therapist == "X"

    with pytest.raises(MapNotFound):
        store.load("m-nope")
    with pytest.raises(MapNotFound):
        store.rename("m-nope", "x")
    with pytest.raises(MapNotFound):
        store.version("m-nope")


def test_duplicate_copies_the_current_map_with_a_fresh_history(store, mid):
    store.apply(mid, UpdateItem(kind="person", id="p-mum", changes={"alias": "Mother"}), base_version=0)
    copy = store.duplicate(mid, "Copy")
    assert copy.id != mid and copy.version == 0 and copy.name == "Copy"
    m, _ = store.load(copy.id)
    assert m.people_by_id["p-mum"].alias == "Mother"
    assert store.history(copy.id) == []
    assert store.map_at(copy.id, 0) == m
    store.apply(copy.id, UpdateItem(kind="person", id="p-mum", changes={"alias": "M"}), base_version=0)
    assert store.load(mid)[0].people_by_id["p-mum"].alias == "Mother"  # the original is untouched


def test_create_refuses_an_inconsistent_map(store):
    bad = DitMap.model_validate({"people": [{"id": "a", "alias": "A"}],
                                 "relationships": [{"id": "r", "source": "a", "target": "ghost"}]})
    with pytest.raises(StoreError, match='no person with id "ghost"'):
        store.create_map("Bad", bad)
    assert store.list_maps() == []


# --- apply, history, change feed -----------------------------------------------------------------------

def test_apply_records_who_when_what_and_the_feed_follows(store, mid):
    before = dt.datetime.now(dt.UTC)
    add_dad = AddItem(kind="person", item={"id": "p-dad", "alias": "Dad", "role": "father"})
    closer = UpdateItem(kind="relationship", id="r-sam", changes={"intensity": 4})
    a1 = store.apply(mid, add_dad, base_version=0, author="therapist")
    a2 = store.apply(mid, closer, base_version=1, author="client")
    assert (a1.version, a2.version) == (1, 2)
    assert not a1.merged and not a2.merged
    assert store.version(mid) == 2
    assert store.load(mid)[0] == a2.map
    hist = store.history(mid)
    assert [e.version for e in hist] == [2, 1]
    assert [e.author for e in hist] == ["client", "therapist"]
    # The operation's own sentence (its wording belongs to ditmap.operations), taken on the map before it.
    assert hist[1].sentence == add_dad.describe(rich_map()) and "Dad" in hist[1].sentence
    assert hist[0].sentence == closer.describe(a1.map) and "Sam" in hist[0].sentence
    assert before <= hist[1].at <= hist[0].at <= dt.datetime.now(dt.UTC)
    assert [e.version for e in store.history(mid, limit=1)] == [2]
    assert [e.version for e in store.edits_since(mid, 0)] == [1, 2]
    assert [e.version for e in store.edits_since(mid, 1)] == [2]
    assert store.edits_since(mid, 2) == []
    assert store.edits_since(mid, 0)[1].op == UpdateItem(kind="relationship", id="r-sam", changes={"intensity": 4})


def test_an_invalid_operation_writes_nothing(store, mid):
    with pytest.raises(OperationError):
        store.apply(mid, RemoveItem(kind="person", id="p-mum"), base_version=0)  # has relationships, no cascade
    with pytest.raises(OperationError):
        store.apply(mid, UpdateItem(kind="relationship", id="r-mum", changes={"target": "self"}), base_version=0)
    assert store.version(mid) == 0 and store.history(mid) == []
    assert store.load(mid)[0] == rich_map()
    with pytest.raises(StoreError, match="no version 5"):
        store.apply(mid, UpdateClient(changes={"therapist": "B"}), base_version=5)


# --- two devices: conflict or merge ---------------------------------------------------------------------

def test_same_field_from_a_stale_view_is_a_conflict_and_nothing_is_written(store, mid):
    # Both devices loaded version 0. The laptop writes Mum's notes first.
    laptop = store.apply(mid, UpdateItem(kind="person", id="p-mum", changes={"notes": "laptop"}), base_version=0)
    with pytest.raises(Conflict) as exc:
        store.apply(mid, UpdateItem(kind="person", id="p-mum", changes={"notes": "tablet"}), base_version=0)
    assert exc.value.base_version == 0 and exc.value.current_version == 1
    assert [e.version for e in exc.value.theirs] == [1]
    assert exc.value.theirs[0].op == laptop.edit.op
    assert store.version(mid) == 1
    assert store.load(mid)[0].people_by_id["p-mum"].notes == "laptop"


def test_different_fields_from_a_stale_view_merge(store, mid):
    store.apply(mid, UpdateItem(kind="person", id="p-mum", changes={"notes": "laptop"}), base_version=0)
    store.apply(mid, AddItem(kind="person", item={"id": "p-x", "alias": "X"}), base_version=1)
    tablet = store.apply(mid, UpdateItem(kind="person", id="p-mum", changes={"alias": "Mother"}), base_version=0)
    assert tablet.merged and tablet.version == 3 and tablet.edit.merged
    mum = store.load(mid)[0].people_by_id["p-mum"]
    assert (mum.alias, mum.notes) == ("Mother", "laptop")
    assert "p-x" in store.load(mid)[0].people_by_id
    assert store.history(mid)[0].merged and not store.history(mid)[1].merged


def test_removing_what_the_other_device_changed_is_a_conflict_both_ways(store, mid):
    store.apply(mid, UpdateItem(kind="relationship", id="r-sam", changes={"notes": "new"}), base_version=0)
    with pytest.raises(Conflict):  # removing r-sam would silently drop the other device's note
        store.apply(mid, RemoveItem(kind="relationship", id="r-sam", cascade=True), base_version=0)
    store.apply(mid, RemoveItem(kind="person", id="p-th", cascade=True), base_version=1)
    with pytest.raises(Conflict):  # changing the therapist's relationship, removed (cascade) meanwhile
        store.apply(mid, UpdateItem(kind="relationship", id="r-th", changes={"intensity": 1}), base_version=1)
    assert store.version(mid) == 2


def test_a_merge_that_cannot_apply_raises_and_writes_nothing(store, mid):
    store.apply(mid, RemoveItem(kind="relationship", id="r-th"), base_version=0)
    link = AddItem(kind="enactment", item={"id": "e-9", "pattern": "pt-1", "relationship": "r-th"})
    with pytest.raises(OperationError, match='no relationship with id "r-th"'):
        store.apply(mid, link, base_version=0)
    assert store.version(mid) == 1


# --- undo / redo ------------------------------------------------------------------------------------

OPS_OF_EVERY_KIND = [
    AddItem(kind="person", item={"id": "p-new", "alias": "Gran", "role": "grandparent"}, index=1),
    AddItem(kind="comment", item={"id": "c-2", "anchor_kind": "pattern", "anchor": "pt-1", "text": "Good"}),
    UpdateItem(kind="relationship", id="r-mum", changes={"intensity": 2, "feelings": ["guilt"]}),
    UpdateItem(kind="session", id="s-1", changes={"phq9": None, "process_notes": "changed"}),
    RemoveItem(kind="person", id="p-mum", cascade=True),  # takes r-mum, e-1 and c-1 with it
    RemoveItem(kind="enactment", id="e-2"),
    MovePerson(id="p-mum", x=10.5, y=-3),  # from no position
    MovePerson(id="p-sam", x=1, y=2),
    SetPositions(positions={"p-sam": None, "p-th": {"x": 5, "y": 5}}),
    AgreePattern(id="pt-1", on=dt.date(2026, 2, 1)),
    UpdateClient(changes={"pseudonym": "K2", "start_date": None}),
    Batch(ops=(UpdateItem(kind="pattern", id="pt-1", changes={"title": "T"}),
               RemoveItem(kind="relationship", id="r-sam", cascade=True)), description="Tidy"),
]


@pytest.mark.parametrize("op", OPS_OF_EVERY_KIND, ids=lambda o: o.op + ":" + getattr(o, "kind", ""))
def test_undo_restores_the_previous_map_exactly_and_redo_reapplies(store, mid, op):
    before = dumps(store.load(mid)[0])
    applied = store.apply(mid, op, base_version=0)
    after = dumps(applied.map)
    assert after != before
    undone = store.undo(mid, author="me")
    assert undone is not None and undone.version == 2 and undone.edit.undo_of == 1
    assert undone.edit.sentence == f"Undid: {applied.edit.sentence}"
    assert dumps(store.load(mid)[0]) == before
    assert store.can_redo(mid) and not store.can_undo(mid)
    redone = store.redo(mid)
    assert redone is not None and redone.edit.redo_of == 1
    assert dumps(store.load(mid)[0]) == after
    assert store.undo(mid) is not None
    assert dumps(store.load(mid)[0]) == before


def test_undo_redo_stack_is_linear_and_a_new_edit_clears_redo(store, mid):
    def notes() -> str:
        return store.load(mid)[0].people_by_id["p-sam"].notes

    assert store.undo(mid) is None and store.redo(mid) is None
    assert not store.can_undo(mid) and not store.can_redo(mid)
    for i, text in enumerate(["a", "b", "c"]):
        store.apply(mid, UpdateItem(kind="person", id="p-sam", changes={"notes": text}), base_version=i)
    assert store.next_undo(mid).version == 3 and store.next_redo(mid) is None
    store.undo(mid)
    store.undo(mid)
    assert notes() == "a"
    assert store.next_undo(mid).version == 1 and store.next_redo(mid).version == 2
    store.redo(mid)
    assert notes() == "b"
    assert store.next_redo(mid).version == 3
    assert store.next_undo(mid).sentence == f"Redid: {store.history(mid)[-2].sentence}"
    assert store.next_undo(mid).redo_of == 2
    store.undo(mid)  # undoes the redo
    assert notes() == "a"
    store.redo(mid)
    store.redo(mid)
    assert notes() == "c"
    assert store.redo(mid) is None
    store.undo(mid)
    store.undo(mid)
    assert notes() == "a"
    v = store.version(mid)
    store.apply(mid, UpdateItem(kind="person", id="p-sam", changes={"alias": "S"}), base_version=v)
    assert not store.can_redo(mid) and store.redo(mid) is None  # the new edit cleared the redo stack
    assert store.next_redo(mid) is None
    store.undo(mid)  # the alias change
    store.undo(mid)  # "a"
    assert notes() == "" and store.load(mid)[0].people_by_id["p-sam"].alias == "Sam"
    assert store.undo(mid) is None
    assert store.load(mid)[0] == rich_map()
    notes_sentence = UpdateItem(kind="person", id="p-sam", changes={"notes": "a"}).describe(rich_map())
    alias_sentence = UpdateItem(kind="person", id="p-sam", changes={"alias": "S"}).describe(rich_map())
    assert [e.sentence for e in store.history(mid, limit=2)] == [f"Undid: {notes_sentence}",
                                                                  f"Undid: {alias_sentence}"]


def test_undo_is_refused_clearly_when_the_inverse_no_longer_applies(store, mid, store_db):
    store.apply(mid, UpdateItem(kind="person", id="p-th", changes={"notes": "x"}), base_version=0)
    # Simulate a later edit the stack does not know about (written by another program): p-th removed.
    m = store.load(mid)[0]
    gone = RemoveItem(kind="person", id="p-th", cascade=True).apply(m)
    raw_execute(store_db, [
        ("UPDATE maps SET current_json = ?, version = 2 WHERE id = ?", (dumps(gone), mid)),
        ("INSERT INTO edits (map_id, version, op_json, inverse_json, touches_json, sentence, at, undo_of)"
         " VALUES (?, 2, ?, ?, ?, 'Removed Therapist', '2026-01-01T00:00:00+00:00', 1)",
         (mid, json.dumps({"op": "remove", "kind": "person", "id": "p-th", "cascade": True}),
          json.dumps({"op": "add", "kind": "person", "item": {"id": "p-th", "alias": "Therapist"}}),
          json.dumps([["person", "p-th", "*"]]))),
        ("UPDATE edits SET undone = 0 WHERE map_id = ?", (mid,)),
    ])
    with pytest.raises(Conflict, match="Cannot undo version 1"):
        store.undo(mid)
    assert store.version(mid) == 2


# --- history: map_at, diff, snapshots -------------------------------------------------------------------

def test_map_at_every_version_matches_the_maps_seen_while_editing(store, mid):
    """450 edits cross two checkpoints; every version is rebuilt exactly (forward and backward paths)."""
    seen = [rich_map()]
    v = 0
    for i in range(450):
        if i % 3 == 0:
            op = MovePerson(id="p-sam", x=i, y=-i)
        elif i % 3 == 1:
            op = UpdateItem(kind="relationship", id="r-sam", changes={"intensity": 1 + i % 5, "notes": f"n{i}"})
        else:
            op = (AddItem(kind="comment", item={"id": f"c-x{i}", "anchor_kind": "person", "anchor": "p-sam",
                                                "text": f"t{i}"}) if i % 2 else
                  RemoveItem(kind="comment", id=f"c-x{i - 3}") if i > 5 and (i - 3) % 2 else
                  UpdateClient(changes={"therapist": f"T{i}"}))
        a = store.apply(mid, op, base_version=v)
        v = a.version
        seen.append(a.map)
    for version in (0, 1, 2, 150, 199, 200, 201, 260, 340, 399, 400, 401, 420, 449, 450):
        assert dumps(store.map_at(mid, version)) == dumps(seen[version]), version
    with pytest.raises(StoreError, match="no version 451"):
        store.map_at(mid, 451)


def test_diff_of_a_version_with_itself_is_empty(store, mid):
    store.apply(mid, UpdateClient(changes={"therapist": "Dr B"}), base_version=0)
    assert store.diff(mid, 0, 0).empty
    assert store.diff(mid, 1, 1).empty


def test_diff_between_two_versions_lists_exactly_what_changed(store, mid):
    store.apply(mid, AddItem(kind="person", item={"id": "p-dad", "alias": "Dad", "role": "father"}), base_version=0)
    store.apply(mid, UpdateItem(kind="relationship", id="r-mum", changes={"intensity": 4, "notes": "softer"}),
                base_version=1)
    store.apply(mid, RemoveItem(kind="enactment", id="e-2"), base_version=2)
    store.apply(mid, UpdateClient(changes={"therapist": "Dr B"}), base_version=3)
    store.apply(mid, MovePerson(id="p-sam", x=120, y=-40), base_version=4)  # same place: no change
    d = store.diff(mid, 0, 5)
    assert (d.from_version, d.to_version) == (0, 5)
    assert d.items == (
        ItemDiff("client", "client", "K.", "changed", (FieldChange("therapist", "Dr A", "Dr B"),)),
        ItemDiff("person", "p-dad", "Dad", "added"),
        ItemDiff("relationship", "r-mum", "Me – Mum", "changed",
                 (FieldChange("intensity", 5, 4), FieldChange("notes", "", "softer"))),
        ItemDiff("enactment", "e-2", "Pleasing to avoid rejection in Me – Sam", "removed"),
    )
    back = store.diff(mid, 5, 0)
    assert [(i.kind, i.id, i.change) for i in back.items] == [
        ("client", "client", "changed"), ("person", "p-dad", "removed"),
        ("relationship", "r-mum", "changed"), ("enactment", "e-2", "added")]
    assert [(i.id, [f.field for f in i.fields]) for i in store.diff(mid, 1, 2).items] == [
        ("r-mum", ["intensity", "notes"])]


def test_snapshots_name_versions(store, mid):
    store.apply(mid, UpdateClient(changes={"therapist": "Dr B"}), base_version=0)
    s1 = store.snapshot(mid, "end of session 1", author="therapist")
    store.apply(mid, UpdateClient(changes={"therapist": "Dr C"}), base_version=1)
    s2 = store.snapshot(mid, "end of session 2")
    assert (s1.version, s2.version) == (1, 2)
    assert [(s.name, s.version, s.author) for s in store.snapshots(mid)] == [
        ("end of session 1", 1, "therapist"), ("end of session 2", 2, "")]
    with pytest.raises(StoreError, match="already has a snapshot"):
        store.snapshot(mid, "end of session 1")
    assert store.map_at(mid, s1.version).client.therapist == "Dr B"


# --- files ------------------------------------------------------------------------------------------

def test_import_edit_export_import_gives_the_same_map(store, tmp_path):
    src = tmp_path / "k.ditmap.json"
    dump(rich_map(), src)
    info = store.import_map(src)
    assert info.name == "k"
    store.apply(info.id, UpdateItem(kind="person", id="p-mum", changes={"alias": "Mother"}), base_version=0)
    store.apply(info.id, AddItem(kind="session", item={"id": "s-2", "number": 2, "phq9": 12}), base_version=1)
    out = tmp_path / "out.ditmap.json"
    store.export_map(info.id, out)
    exported = load(out)
    assert exported.people_by_id["p-mum"].alias == "Mother"
    assert [s.number for s in exported.sessions] == [1, 2]
    again = store.import_map(out, name="Again")
    assert again.name == "Again"
    assert store.load(again.id)[0] == store.load(info.id)[0] == exported
    assert out.read_text(encoding="utf-8") == dumps(exported)


@pytest.mark.parametrize("mine, theirs, expected", [
    ({("person", "a", "notes")}, [("person", "a", "notes")], True),
    ({("person", "a", "notes")}, [("person", "a", "alias")], False),
    ({("person", "a", "notes")}, [("person", "b", "notes")], False),
    ({("person", "a", "notes")}, [("person", "a", "*")], True),  # they removed (or added) the item
    ({("person", "a", "*")}, [("person", "a", "position")], True),  # I remove what they moved
    ({("client", "client", "therapist")}, [("client", "client", "pseudonym")], False),
    ({("relationship", "a", "notes")}, [("person", "a", "notes")], False),  # same id, other kind
    (set(), [("person", "a", "*")], False),
])
def test_collision_rule(mine, theirs, expected):
    from ditmap.store.merge import collides

    assert collides(mine, theirs) is expected


def test_a_nul_character_in_text_is_kept_in_the_map_and_stored_on_both_back_ends(store):
    """PostgreSQL's text cannot hold NUL: the map (JSON) keeps it exactly; sentences and names show U+FFFD."""
    mid = store.create_map("K.\x00", DitMap()).id
    a = store.apply(mid, AddItem(kind="pattern", item={"id": "pt", "title": "null\x00byte"}), base_version=0,
                    author="T\x00")
    assert store.load(mid)[0].patterns_by_id["pt"].title == "null\x00byte"
    assert "\x00" not in a.edit.sentence and "null\ufffdbyte" in a.edit.sentence
    assert store.history(mid)[0] == a.edit and a.edit.author == "T\ufffd"
    assert store.info(mid).name == "K.\ufffd"
    store.snapshot(mid, "end\x00")
    assert [s.name for s in store.snapshots(mid)] == ["end\ufffd"]
