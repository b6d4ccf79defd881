"""Whole-store operations on real files: schema migrations, backup and restore, and the CLI commands."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from test_store_basic import rich_map

from ditmap.cli import main
from ditmap.fileformat import dump, dumps, load
from ditmap.model import DitMap
from ditmap.operations import AddItem, UpdateClient, UpdateItem, dump_operation
from ditmap.store import Conflict, StoreError, open_store

# --- migrations ----------------------------------------------------------------------------------

# The layout ditmap's first store used (schema 1), written out here independently of the code.
V1_DDL = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE maps (id TEXT PRIMARY KEY, name TEXT NOT NULL, created_at TEXT NOT NULL, updated_at TEXT NOT NULL,
                   archived INTEGER NOT NULL DEFAULT 0, deleted INTEGER NOT NULL DEFAULT 0,
                   version INTEGER NOT NULL DEFAULT 0, initial_json TEXT NOT NULL, current_json TEXT NOT NULL);
CREATE TABLE edits (map_id TEXT NOT NULL REFERENCES maps(id) ON DELETE CASCADE, version INTEGER NOT NULL,
                    op_json TEXT NOT NULL, inverse_json TEXT NOT NULL, sentence TEXT NOT NULL,
                    author TEXT NOT NULL DEFAULT '', at TEXT NOT NULL, undo_of INTEGER, redo_of INTEGER,
                    PRIMARY KEY (map_id, version)) WITHOUT ROWID;
CREATE TABLE snapshots (map_id TEXT NOT NULL REFERENCES maps(id) ON DELETE CASCADE, name TEXT NOT NULL,
                        version INTEGER NOT NULL, at TEXT NOT NULL, author TEXT NOT NULL DEFAULT '',
                        PRIMARY KEY (map_id, name));
PRAGMA application_id = 1145656397;
PRAGMA user_version = 1;
"""

ME = {"id": "self", "alias": "Me", "role": "self"}
MUM = {"id": "p1", "alias": "Mum", "role": "mother"}
DAD = {"id": "p2", "alias": "Dad", "role": "father"}


def _p(person: dict, **changes) -> dict:
    full = {"id": "", "alias": "", "role": "other", "alive": True, "notes": "", "position": None} | person
    return full | changes


# version, op, inverse, sentence, undo_of, redo_of: add Mum; notes "a"; undo that; add Dad; undo; redo.
V1_EDITS = [
    (1, {"op": "add", "kind": "person", "item": _p(MUM), "index": None},
     {"op": "remove", "kind": "person", "id": "p1", "cascade": False}, "Added Mum (mother)", None, None),
    (2, {"op": "update", "kind": "person", "id": "p1", "changes": {"notes": "a"}},
     {"op": "update", "kind": "person", "id": "p1", "changes": {"notes": ""}}, "Changed Mum: notes", None, None),
    (3, {"op": "update", "kind": "person", "id": "p1", "changes": {"notes": ""}},
     {"op": "update", "kind": "person", "id": "p1", "changes": {"notes": "a"}}, "Undid: Changed Mum: notes", 2, None),
    (4, {"op": "add", "kind": "person", "item": _p(DAD), "index": None},
     {"op": "remove", "kind": "person", "id": "p2", "cascade": False}, "Added Dad (father)", None, None),
    (5, {"op": "remove", "kind": "person", "id": "p2", "cascade": False},
     {"op": "add", "kind": "person", "item": _p(DAD), "index": 2}, "Undid: Added Dad (father)", 4, None),
    (6, {"op": "add", "kind": "person", "item": _p(DAD), "index": None},
     {"op": "remove", "kind": "person", "id": "p2", "cascade": False}, "Redid: Added Dad (father)", None, 4),
]


def make_v1_store(path: Path) -> None:
    initial = DitMap.model_validate({"people": [ME]})
    current = DitMap.model_validate({"people": [ME, MUM, DAD]})
    conn = sqlite3.connect(path)
    conn.executescript(V1_DDL)
    conn.execute("INSERT INTO meta VALUES ('application', 'ditmap')")
    conn.execute("INSERT INTO maps (id, name, created_at, updated_at, version, initial_json, current_json)"
                 " VALUES ('m-old', 'Old map', '2025-01-01T10:00:00+00:00', '2025-01-02T10:00:00+00:00', 6, ?, ?)",
                 (dumps(initial), dumps(current)))
    for v, op, inv, sentence, undo_of, redo_of in V1_EDITS:
        conn.execute("INSERT INTO edits VALUES ('m-old', ?, ?, ?, ?, 'therapist', '2025-01-01T10:00:00+00:00', ?, ?)",
                     (v, json.dumps(op), json.dumps(inv), sentence, undo_of, redo_of))
    conn.execute("INSERT INTO snapshots VALUES ('m-old', 'end of session 1', 2, '2025-01-01T11:00:00+00:00', '')")
    conn.commit()
    conn.close()


def _layout(path: Path) -> dict[str, list[str]]:
    conn = sqlite3.connect(path)
    out = {name: sorted(r[1] for r in conn.execute(f"PRAGMA table_info({name})"))
           for (name,) in conn.execute("SELECT name FROM sqlite_schema WHERE type = 'table'")}
    out["indexes"] = sorted(r[0] for r in conn.execute("SELECT name FROM sqlite_schema WHERE type = 'index'"
                                                       " AND name NOT LIKE 'sqlite_autoindex%'"))
    conn.close()
    return out


def test_a_store_made_by_an_older_ditmap_is_migrated_on_open(tmp_path):
    old = tmp_path / "old.sqlite3"
    make_v1_store(old)
    store = open_store(old)
    conn = sqlite3.connect(old)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == 3
    conn.close()
    assert _layout(old) == _layout(open_store(tmp_path / "fresh.sqlite3").path)

    m, v = store.load("m-old")
    assert v == 6 and [p.alias for p in m.people] == ["Me", "Mum", "Dad"]
    assert [e.sentence for e in store.history("m-old", limit=2)] == ["Redid: Added Dad (father)",
                                                                      "Undid: Added Dad (father)"]
    assert store.map_at("m-old", 2).people_by_id["p1"].notes == "a"
    assert [s.name for s in store.snapshots("m-old")] == ["end of session 1"]
    # The undo stack was rebuilt from undo_of/redo_of: 2 and 4 were undone, the undo of 4 was redone.
    assert not store.can_redo("m-old")
    assert store.undo("m-old").edit.undo_of == 6
    assert store.undo("m-old").edit.undo_of == 1
    assert store.load("m-old")[0] == DitMap.model_validate({"people": [ME]})
    assert store.undo("m-old") is None
    assert store.redo("m-old").edit.redo_of == 1
    assert store.redo("m-old").edit.redo_of == 6
    assert store.redo("m-old") is None
    # What each old edit wrote was recovered: a stale edit meets its collision, a disjoint one merges.
    assert store.version("m-old") == 10
    with pytest.raises(Conflict):
        store.apply("m-old", UpdateItem(kind="person", id="p1", changes={"notes": "b"}), base_version=1)
    assert store.apply("m-old", UpdateItem(kind="person", id="p1", changes={"alias": "Mother"}), base_version=9).merged


def test_a_migration_that_fails_leaves_the_old_store_as_it_was(tmp_path):
    old = tmp_path / "old.sqlite3"
    make_v1_store(old)
    conn = sqlite3.connect(old)  # a history that cannot replay: edit 2 changes a person who is not there
    conn.execute("UPDATE edits SET op_json = ? WHERE version = 2",
                 (json.dumps({"op": "update", "kind": "person", "id": "ghost", "changes": {"notes": "a"}}),))
    conn.commit()
    before = [r for r in conn.execute("SELECT * FROM edits ORDER BY version")]
    conn.close()
    with pytest.raises(StoreError, match="could not be updated from schema 1 to 2"):
        open_store(old)
    conn = sqlite3.connect(old)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == 1
    assert [r for r in conn.execute("SELECT * FROM edits ORDER BY version")] == before  # no column added
    conn.close()


def test_a_store_made_by_a_newer_ditmap_is_refused_clearly_and_left_alone(tmp_path):
    path = tmp_path / "new.sqlite3"
    open_store(path)
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA user_version = 4")
    conn.commit()
    conn.close()
    with pytest.raises(StoreError) as exc:
        open_store(path)
    assert str(exc.value) == ("this database was made by a newer ditmap (schema 4); "
                              "this ditmap understands up to 3 — update ditmap")
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == 4
    conn.close()


# --- backup and restore ---------------------------------------------------------------------------

def _state(store) -> dict:
    """Everything a user can see in a store, as plain data."""
    out = {}
    for info in store.list_maps(include_archived=True, include_deleted=True):
        out[info.id] = {
            "info": (info.name, info.version, info.archived, info.deleted, info.created_at, info.updated_at),
            "map": dumps(store.load(info.id)[0]),
            "history": [(e.version, dump_operation(e.op), dump_operation(e.inverse), e.sentence, e.author, e.at,
                         e.undo_of, e.redo_of, e.merged) for e in store.history(info.id)],
            "snapshots": store.snapshots(info.id),
            "can": (store.can_undo(info.id), store.can_redo(info.id)),
        }
    return out


def _fill(store) -> None:
    a = store.create_map("A", rich_map()).id
    for i in range(5):
        store.apply(a, UpdateClient(changes={"therapist": f"T{i}"}), base_version=i, author="t")
    store.undo(a)
    store.snapshot(a, "end of session 1")
    b = store.create_map("B", DitMap()).id
    store.apply(b, AddItem(kind="person", item={"id": "x", "alias": "X"}), base_version=0)
    store.set_archived(b, True)


def test_backup_then_restore_gives_back_the_same_store(tmp_path):
    store = open_store(tmp_path / "live.sqlite3")
    _fill(store)
    before = _state(store)
    backup = store.backup(tmp_path / "backup.sqlite3")
    assert not (tmp_path / "backup.sqlite3-wal").exists()  # one self-contained file
    conn = sqlite3.connect(backup)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    conn.close()
    with pytest.raises(StoreError, match="already exists"):
        store.backup(backup)

    a = next(i.id for i in store.list_maps() if i.name == "A")
    store.apply(a, UpdateItem(kind="person", id="p-mum", changes={"alias": "Mother"}), base_version=5)
    store.create_map("C", DitMap())
    store.set_deleted(a, True)
    assert _state(store) != before

    store.restore(backup)
    assert _state(store) == before
    assert _state(open_store(tmp_path / "live.sqlite3")) == before
    assert store.integrity_check() == ["ok"]
    store.apply(a, UpdateClient(changes={"pseudonym": "Z"}), base_version=5)  # the restored store works


def test_restore_refuses_a_bad_file_and_changes_nothing(tmp_path):
    store = open_store(tmp_path / "live.sqlite3")
    _fill(store)
    before = _state(store)

    text = tmp_path / "notes.txt"
    text.write_text("not a database\n" * 100)
    other = tmp_path / "other.db"
    conn = sqlite3.connect(other)
    conn.execute("CREATE TABLE t (x)")
    conn.commit()
    conn.close()
    newer = store.backup(tmp_path / "newer.sqlite3")
    conn = sqlite3.connect(newer)
    conn.execute("PRAGMA user_version = 9")
    conn.commit()
    conn.close()
    damaged = store.backup(tmp_path / "damaged.sqlite3")
    data = bytearray(damaged.read_bytes())
    assert len(data) >= 4 * 4096
    for offset in range(2 * 4096 + 16, 4 * 4096, 7):  # scribble over two pages after the schema page
        data[offset] = 0xA5
    damaged.write_bytes(bytes(data))

    for bad, message in ((tmp_path / "missing.db", "no such file"), (text, "not a ditmap store"),
                         (other, "not a ditmap store"), (newer, "newer ditmap"),
                         (damaged, "is damaged|not a ditmap store|malformed")):
        with pytest.raises(StoreError, match=message):
            store.restore(bad)
        assert _state(store) == before, bad.name
    assert store.integrity_check() == ["ok"]


# --- the CLI --------------------------------------------------------------------------------------

@pytest.fixture
def db(tmp_path, monkeypatch) -> Path:
    path = tmp_path / "cli.sqlite3"
    monkeypatch.setenv("DITMAP_DB", str(path))
    return path


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_cli_init_import_list_export(db, tmp_path, capsys):
    code, out, _ = run(capsys, "db", "init")
    assert code == 0 and str(db) in out and db.exists()
    src = tmp_path / "k.ditmap.json"
    dump(rich_map(), src)
    code, out, _ = run(capsys, "import", str(src), "--name", "Client K")
    map_id = out.strip()
    assert code == 0 and map_id.startswith("m-")
    code, out, _ = run(capsys, "db", "list")
    lines = out.splitlines()
    assert code == 0 and lines[0].split() == ["ID", "NAME", "VERSION", "UPDATED"]
    assert lines[1].split()[:4] == [map_id, "Client", "K", "0"]
    dest = tmp_path / "out.ditmap.json"
    code, out, _ = run(capsys, "export-map", map_id, "-o", str(dest))
    assert code == 0 and load(dest) == rich_map()
    # --db overrides the environment
    other = tmp_path / "other.sqlite3"
    code, out, _ = run(capsys, "import", str(src), "--db", str(other))
    assert code == 0 and [i.id for i in open_store(other).list_maps()] == [out.strip()]
    assert len(open_store(db).list_maps()) == 1


def test_cli_import_converts_foreign_formats(db, tmp_path, capsys):
    from ditmap.exports.csv_tables import zip_bytes

    tables = tmp_path / "k.zip"
    tables.write_bytes(zip_bytes(rich_map()))
    out_file = tmp_path / "converted.ditmap.json"
    code, out, err = run(capsys, "import", str(tables), "--from", "csv", "-o", str(out_file))
    assert code == 0, err
    assert [p.alias for p in load(out_file).people] == ["Me", "Mum", "Sam", "Therapist"]
    assert not db.exists()  # -o writes a file, not the store
    code, out, err = run(capsys, "import", str(tables), "--from", "csv")
    assert code == 0, err
    assert [p.alias for p in open_store(db).load(out.strip())[0].people] == ["Me", "Mum", "Sam", "Therapist"]


def test_cli_backup_and_restore(db, tmp_path, capsys):
    store = open_store(db)
    _fill(store)
    before = _state(store)
    backup = tmp_path / "b.sqlite3"
    assert run(capsys, "db", "backup", str(backup))[0] == 0
    store.create_map("Later", DitMap())
    code, out, _ = run(capsys, "db", "restore", str(backup))
    assert code == 0 and "2 maps" in out
    assert _state(store) == before


@pytest.mark.parametrize("argv, message", [
    (("export-map", "m-nope", "-o", "x.ditmap.json"), 'no map with id "m-nope"'),
    (("import", "missing.ditmap.json"), "missing.ditmap.json: no such file"),
    (("db", "restore", "missing.sqlite3"), "missing.sqlite3: no such file"),
    (("import", "missing.json", "--from", "kumu"), "no such file"),
])
def test_cli_errors_are_one_line_and_exit_1(db, tmp_path, capsys, monkeypatch, argv, message):
    monkeypatch.chdir(tmp_path)
    code, _, err = run(capsys, *argv)
    assert code == 1
    assert message in err and len(err.strip().splitlines()) == 1 and "Traceback" not in err


def test_cli_refuses_a_newer_store(db, capsys):
    open_store(db)
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA user_version = 4")
    conn.commit()
    conn.close()
    code, _, err = run(capsys, "db", "list")
    assert code == 1 and err.strip() == ("ditmap: this database was made by a newer ditmap (schema 4); "
                                         "this ditmap understands up to 3 — update ditmap")
