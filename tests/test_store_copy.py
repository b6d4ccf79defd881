"""Moving a practice between back ends (`ditmap db copy`), and backup and restore of a PostgreSQL store.

Both directions (SQLite → PostgreSQL, PostgreSQL → SQLite) are checked with `_state`, which reads
everything a user can see through the Store interface, independently of the copy's own check.
"""

from __future__ import annotations

import sqlite3
import time

import psycopg
import pytest
from store_support import raw_execute, raw_query
from test_store_admin import _fill, _state
from test_store_basic import rich_map

from ditmap.accounts.model import SUPERVISOR, THERAPIST
from ditmap.accounts.signin import SIGNED_IN
from ditmap.audit import AuditEntry, verify
from ditmap.cli import main
from ditmap.model import DitMap
from ditmap.operations import AddItem, UpdateItem
from ditmap.services.permissions import Identity
from ditmap.store import StoreError, open_store
from ditmap.store.copy import copy_store, verify_copy
from tests.clinic_support import PASSWORD, World, empty_map


def _fill_more(store) -> None:
    """`_fill` plus a long history (checkpoints), comments, a deleted map and a redo-able undo."""
    _fill(store)
    c = store.create_map("C", rich_map()).id
    v = 0
    for i in range(120):
        v = store.apply(c, UpdateItem(kind="person", id="p-sam", changes={"notes": f"n{i}"}), base_version=v,
                        author="therapist").version
        if i == 60:
            store.snapshot(c, "end of session 3", author="supervisor")
    v = store.apply(c, AddItem(kind="comment", item={"id": "c-9", "anchor_kind": "person", "anchor": "p-sam",
                                                     "text": "Worth exploring?"}), base_version=v).version
    store.undo(c)
    store.set_deleted(store.create_map("Gone", DitMap()).id, True)


@pytest.mark.parametrize("direction", ["sqlite-to-postgres", "postgres-to-sqlite"])
def test_copy_moves_every_map_with_its_history_and_checks_it(pg_cluster, tmp_path, direction):
    file, url = str(tmp_path / "practice.sqlite3"), pg_cluster.new_database()
    src_db, dest_db = (file, url) if direction == "sqlite-to-postgres" else (url, file)
    with open_store(src_db) as source, open_store(dest_db) as target:
        _fill_more(source)
        before = _state(source)
        report = copy_store(source, target)
        assert (report.maps, report.snapshots) == (4, 2)
        assert report.edits == sum(len(m["history"]) for m in before.values())
        assert _state(target) == before
        assert verify_copy(source, target) == []
        # The copy is a working store: it goes on from where the source was.
        c = next(i.id for i in target.list_maps() if i.name == "C")
        assert target.redo(c).edit.sentence.startswith("Redid: ")
        assert target.map_at(c, 61).people_by_id["p-sam"].notes == "n60"


def test_copy_refuses_a_target_that_holds_maps_and_changes_nothing(pg_cluster, tmp_path):
    url = pg_cluster.new_database()
    with open_store(tmp_path / "a.sqlite3") as source, open_store(url) as target:
        _fill(source)
        target.create_map("Someone else's map", DitMap())
        before = _state(target)
        with pytest.raises(StoreError, match="already holds 1 map; ditmap copies only into an empty store"):
            copy_store(source, target)
        assert _state(target) == before


def test_the_check_finds_a_copy_that_differs(pg_cluster, tmp_path):
    url = pg_cluster.new_database()
    with open_store(tmp_path / "a.sqlite3") as source, open_store(url) as target:
        _fill(source)
        copy_store(source, target)
        a = next(i.id for i in target.list_maps() if i.name == "A")
        raw_execute(url, [("UPDATE edits SET author = 'someone' WHERE map_id = ? AND version = 2", (a,))])
        assert verify_copy(source, target) == [f"map {a}: the history differs"]


def test_cli_copy_both_ways_and_refusal(pg_cluster, tmp_path, capsys):
    file, url = tmp_path / "practice.sqlite3", pg_cluster.new_database()
    with open_store(file) as s:
        _fill(s)
        before = _state(s)
    assert main(["db", "copy", "--from", str(file), "--to", url]) == 0
    out = capsys.readouterr().out
    assert "copied 2 maps, 7 edits, 1 snapshot" in out and "checked" in out
    with open_store(url) as s:
        assert _state(s) == before
    back = tmp_path / "back.sqlite3"
    assert main(["db", "copy", "--from", url, "--to", str(back)]) == 0
    with open_store(back) as s:
        assert _state(s) == before
    assert main(["db", "copy", "--from", str(file), "--to", url]) == 1
    assert "already holds 2 maps" in capsys.readouterr().err


def test_postgres_backup_then_restore_gives_back_the_same_store(pg_cluster, tmp_path, capsys):
    url = pg_cluster.new_database()
    other = open_store(url)  # another app process, with a live poll on a map
    store = open_store(url)
    _fill_more(store)
    before = _state(store)
    a = next(i.id for i in store.list_maps() if i.name == "A")
    assert other._feed().wait_live(10) and other.version(a) == 6
    assert main(["db", "backup", str(tmp_path / "b.sqlite3"), "--db", url]) == 0
    backup = tmp_path / "b.sqlite3"
    assert not (tmp_path / "b.sqlite3-wal").exists()  # one self-contained file
    conn = sqlite3.connect(backup)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    conn.close()
    with pytest.raises(StoreError, match="already exists"):
        store.backup(backup)

    store.apply(a, UpdateItem(kind="person", id="p-mum", changes={"alias": "Mother"}), base_version=6)
    store.create_map("D", DitMap())
    assert _state(store) != before
    assert main(["db", "restore", str(backup), "--db", url]) == 0
    assert "(3 maps)" in capsys.readouterr().out  # deleted maps are not counted
    assert _state(store) == before
    assert store.integrity_check() == ["ok"]
    # The other process's live poll learns that the version went back (the restore's announcement).
    deadline = time.monotonic() + 5
    while other.version(a) != 6 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert other.version(a) == 6
    store.apply(a, UpdateItem(kind="person", id="p-mum", changes={"notes": "x"}), base_version=6)
    store.close()
    other.close()


def test_postgres_restore_refuses_a_bad_file_and_changes_nothing(pg_cluster, tmp_path):
    url = pg_cluster.new_database()
    with open_store(url) as store:
        _fill(store)
        before = _state(store)
        text = tmp_path / "notes.txt"
        text.write_text("not a database\n" * 100)
        newer = store.backup(tmp_path / "newer.sqlite3")
        conn = sqlite3.connect(newer)
        conn.execute("PRAGMA user_version = 9")
        conn.commit()
        conn.close()
        for bad, message in ((tmp_path / "missing.sqlite3", "no such file"), (text, "not a ditmap store"),
                             (newer, "newer ditmap")):
            with pytest.raises(StoreError, match=message):
                store.restore(bad)
            assert _state(store) == before, bad.name
        with pytest.raises(StoreError) as exc:
            store.restore(text)
        assert str(exc.value).startswith(f"{text} is not a ditmap store")  # names the file given, not a copy


def _clinic_practice(db: str) -> tuple[World, str]:
    """A practice in clinic mode: accounts, an assignment, an owned map with a pending share, a signed-in
    session, a failed sign-in, a setting, and an audit trail written by all of that."""
    w = World(db)
    w.accounts.add("Ann", PASSWORD, {THERAPIST})
    w.accounts.add("sue", PASSWORD, {SUPERVISOR})
    w.accounts.assign("Ann", "sue")
    map_id = w.store.create_map("K.", empty_map()).id
    w.records.set_owner(map_id, "Ann")
    w.records.set_setting("client_view_pin", "argon2-hash-of-a-pin")
    assert w.accounts.sign_in("ann", PASSWORD, address="10.0.0.5").stage == SIGNED_IN
    assert w.accounts.sign_in("sue", "not her password", address="10.0.0.6").stage == "refused"
    w.shares.create(Identity("Ann", frozenset({THERAPIST})), map_id)
    for i in range(3):
        w.records.append_audit(AuditEntry("Ann", THERAPIST, "open", map_id=map_id, detail=f"visit {i}"))
    return w, map_id


def _short_lived(db: str) -> list[int]:
    """How many sessions, shares and failed sign-ins the database holds."""
    return [raw_query(db, f"SELECT count(*) FROM {t}")[0][0] for t in ("sessions", "shares", "sign_in_failures")]


@pytest.mark.parametrize("direction", ["sqlite-to-postgres", "postgres-to-sqlite"])
def test_copy_moves_accounts_owners_supervision_settings_and_the_audit_trail(pg_cluster, tmp_path, direction):
    file, url = str(tmp_path / "practice.sqlite3"), pg_cluster.new_database()
    src_db, dest_db = (file, url) if direction == "sqlite-to-postgres" else (url, file)
    w, map_id = _clinic_practice(src_db)
    source = w.records
    trail = source.audit_rows()
    assert len(trail) >= 8 and _short_lived(src_db) == [1, 1, 2]  # the failure counts per name and per address
    with open_store(dest_db) as target:
        report = copy_store(w.store, target)
        assert (report.accounts, report.audit_rows) == (2, len(trail))
        copied = target.clinic()
        assert [a.name for a in copied.accounts()] == ["Ann", "sue"]
        assert copied.accounts() == source.accounts()  # password hashes, roles, second factors
        assert copied.owner(map_id) == "Ann" and copied.supervises("SUE", "ann")
        assert copied.setting("client_view_pin") == "argon2-hash-of-a-pin"
        assert copied.audit_rows() == trail and copied.audit_head() == source.audit_head()
        assert verify(copied.audit_rows(), copied.audit_head()).ok
        assert _short_lived(dest_db) == [0, 0, 0]  # short-lived: everyone signs in again
        # The copy is a working clinic: Ann signs in with the same password, and the chain goes on.
        moved = World(dest_db)
        moved.clock.now = w.clock.now
        assert moved.accounts.sign_in("Ann", PASSWORD).stage == SIGNED_IN
        rows = copied.audit_rows()
        assert rows[-1].seq == len(trail) + 1 and rows[-1].prev_hash == trail[-1].hash
        assert verify(rows, copied.audit_head()).ok


def test_copy_refuses_a_target_with_accounts_and_checks_the_audit_chain(pg_cluster, tmp_path):
    url = pg_cluster.new_database()
    w, _ = _clinic_practice(str(tmp_path / "a.sqlite3"))
    other = World(url)
    other.accounts.add("root", PASSWORD, {THERAPIST})
    with pytest.raises(StoreError, match=r"already holds clinic records \(accounts\)"):
        copy_store(w.store, other.store)
    assert [a.name for a in other.records.accounts()] == ["root"]
    # A source whose trail was rewritten is copied row for row, and the check on the target says so.
    w.tamper("UPDATE audit SET actor = 'eve' WHERE seq = 2")
    with open_store(pg_cluster.new_database()) as target, pytest.raises(StoreError, match="does not verify"):
        copy_store(w.store, target)


def test_postgres_restore_brings_back_the_clinic_records_with_the_guard_in_place(pg_cluster, tmp_path, capsys):
    url = pg_cluster.new_database()
    w, _ = _clinic_practice(url)
    trail, accounts = w.records.audit_rows(), w.records.accounts()
    backup = tmp_path / "b.sqlite3"
    assert main(["db", "backup", str(backup), "--db", url]) == 0
    w.accounts.add("later", PASSWORD, {THERAPIST})
    assert main(["db", "restore", str(backup), "--db", url]) == 0
    assert w.records.accounts() == accounts and w.records.audit_rows() == trail
    assert _short_lived(url) == [0, 0, 0]
    with pytest.raises(psycopg.Error, match="append-only"):
        raw_execute(url, [("DELETE FROM audit WHERE seq = 1", ())])
