"""The audit trail: append-only, hash-chained; `verify` names the first changed, deleted or reordered row."""

from __future__ import annotations

import multiprocessing
import sqlite3
import threading

import psycopg
import pytest
from store_support import raw_execute

from ditmap.accounts.model import THERAPIST
from ditmap.audit import AuditEntry, verify
from ditmap.model import DitMap
from ditmap.store import open_store
from ditmap.store.base import StoreError
from ditmap.store.schema import CLINIC_TABLES
from tests.clinic_support import PASSWORD, World


@pytest.fixture
def w(store_db):
    w = World(store_db)
    for i in range(6):
        w.records.append_audit(AuditEntry("ann", "therapist", "edit", map_id="m-1", detail=f"version {i + 1}"))
    return w


def _tamper(w, *sql: str) -> None:
    w.tamper(*sql)


def _append_many(store_db: str, n: int, count: int) -> None:
    """One process appending on its own store object (its own connections)."""
    records = open_store(store_db).clinic()
    for i in range(count):
        records.append_audit(AuditEntry(f"p{n}", "therapist", "open", map_id=f"m-{i}"))


def _verdict(w):
    return verify(w.records.audit_rows(), w.records.audit_head())


def test_an_intact_trail_verifies(w):
    v = _verdict(w)
    assert v.ok and v.rows == 6


@pytest.mark.parametrize("sql", ["UPDATE audit SET actor = 'eve' WHERE seq = 2", "DELETE FROM audit WHERE seq = 2",
                                 "DELETE FROM audit"])
def test_rows_cannot_be_updated_or_deleted_through_the_database(w, sql):
    with pytest.raises((sqlite3.IntegrityError, psycopg.Error), match="append-only"):
        raw_execute(w.db, [(sql, ())])
    assert [r.actor for r in w.records.audit_rows()] == ["ann"] * 6 and _verdict(w).ok


def test_postgres_refuses_truncate_too(pg_cluster):
    w = World(pg_cluster.new_database())
    w.records.append_audit(AuditEntry("ann", "therapist", "open", map_id="m-1"))
    with pytest.raises(psycopg.Error, match="append-only"):
        raw_execute(w.db, [("TRUNCATE audit", ())])
    assert len(w.records.audit_rows()) == 1


def test_appends_from_several_processes_keep_one_chain(w):
    ctx = multiprocessing.get_context("spawn")
    procs = [ctx.Process(target=_append_many, args=(w.db, n, 20)) for n in range(3)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(120)
        assert p.exitcode == 0
    v = _verdict(w)
    assert v.ok and v.rows == 6 + 60
    assert [r.seq for r in w.records.audit_rows()] == list(range(1, 67))


def test_a_changed_row_is_named(w):
    _tamper(w, "UPDATE audit SET actor = 'eve' WHERE seq = 3")
    v = _verdict(w)
    assert not v.ok and v.bad_seq == 3 and "changed" in v.message


def test_a_deleted_row_is_found(w):
    _tamper(w, "DELETE FROM audit WHERE seq = 4")
    v = _verdict(w)
    assert not v.ok and v.bad_seq == 5


def test_reordered_rows_are_found(w):
    _tamper(w, "UPDATE audit SET seq = 100 WHERE seq = 2", "UPDATE audit SET seq = 2 WHERE seq = 3",
            "UPDATE audit SET seq = 3 WHERE seq = 100")
    v = _verdict(w)
    assert not v.ok and v.bad_seq == 2


def test_rows_removed_from_the_end_are_found(w):
    _tamper(w, "DELETE FROM audit WHERE seq = 6")
    v = _verdict(w)
    assert not v.ok and "end" in v.message


def test_concurrent_appends_keep_one_chain(w):
    def work(n: int) -> None:
        for i in range(15):
            w.records.append_audit(AuditEntry(f"t{n}", "therapist", "open", map_id=f"m-{i}"))

    threads = [threading.Thread(target=work, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    v = _verdict(w)
    assert v.ok and v.rows == 6 + 60


def test_free_text_cannot_smuggle_characters_into_ids(w):
    row = w.records.append_audit(AuditEntry("ann\nFAKE ROW", "therapist", "open", map_id="m-1;<script>"))
    assert "\n" not in row.actor and "<" not in row.map_id


def test_the_store_refuses_reads_of_a_file_that_is_not_a_store(tmp_path):
    bad = tmp_path / "x.sqlite3"
    bad.write_bytes(b"not a database at all" * 100)
    with pytest.raises(StoreError):
        World(bad)


def test_a_schema_2_store_gains_the_clinic_tables_with_their_guard(store_db):
    """Clinic mode's tables arrive by migration 2→3 on both back ends (then 3→4 adds summaries and reviews)."""
    store = open_store(store_db)
    map_id = store.create_map("Case", DitMap()).id
    store.close()
    drop = [(f"DROP TABLE {t}", ()) for t in (*CLINIC_TABLES, "map_summaries", "reviews")]
    if store_db.startswith("postgresql://"):
        back = [("UPDATE meta SET value = '2' WHERE key = 'schema_version'", ())]
    else:
        back = [("PRAGMA user_version = 2", ())]
    raw_execute(store_db, [*drop, ("DELETE FROM meta WHERE key = 'summary_format'", ()), *back])
    w = World(store_db)
    assert not w.records.has_accounts() and [i.id for i, _ in w.store.summaries()] == [map_id]
    w.accounts.add("Ann", PASSWORD, {THERAPIST})
    assert w.records.account("ANN") is not None
    with pytest.raises((sqlite3.IntegrityError, psycopg.Error), match="append-only"):
        raw_execute(store_db, [("DELETE FROM audit", ())])
    assert _verdict(w).ok and _verdict(w).rows == 1
