"""What only the PostgreSQL store has: surviving a server crash-restart mid-burst, and the live version feed.

The server is the session's throwaway cluster (tests/pg_support.py), restarted here with
`pg_ctl restart -m immediate` — a stop without a clean shutdown, as in a crash — while three processes
are writing. Every acknowledged edit must be in the history afterwards, and each writer's store must
carry on by itself (no new store object, no manual reconnect).
"""

from __future__ import annotations

import contextlib
import json
import multiprocessing as mp
import time
from pathlib import Path

import psycopg
import pytest

from ditmap.fileformat import dumps
from ditmap.model import DitMap
from ditmap.operations import AddItem, UpdateItem, dump_operation, parse_operation
from ditmap.store import StoreError, open_store
from ditmap.store.pg_feed import CHANNEL
from ditmap.store.schema import SCHEMA_VERSION

WRITERS = 3
EDITS = 120


def start() -> DitMap:
    return DitMap.model_validate({"people": [{"id": "self", "alias": "Me", "role": "self"}]})


def burst_writer(url: str, map_id: str, w: str, out: str) -> None:
    """Add people until EDITS were acknowledged, retrying (with the same store object) whatever failed."""
    store = open_store(url)
    acked: list[tuple[int, dict]] = []
    failed = 0
    v = store.load(map_id)[1]
    n = 0
    deadline = time.monotonic() + 600
    while len(acked) < EDITS and time.monotonic() < deadline:
        n += 1
        op = AddItem(kind="person", item={"id": f"{w}-p{n}", "alias": f"{w} {n}"})
        try:
            a = store.apply(map_id, op, base_version=v)  # stale after others wrote: merges (own items only)
        except StoreError:  # the server is restarting: not acknowledged; the store reconnects on its own
            failed += 1
            time.sleep(0.05)
            with contextlib.suppress(StoreError):
                v = store.load(map_id)[1]
            continue
        acked.append((a.version, dump_operation(op)))
        v = a.version
        time.sleep(0.005)
    store.close()
    Path(out).write_text(json.dumps({"acked": acked, "failed": failed}))


def test_a_server_crash_restart_mid_burst_loses_no_acknowledged_edit_and_writers_carry_on(pg_cluster, tmp_path):
    url = pg_cluster.new_database()
    store = open_store(url)
    map_id = store.create_map("Burst", start()).id
    pg_cluster.checkpoint()  # so recovery replays the burst, not everything the session wrote before it
    ctx = mp.get_context("spawn")
    outs = [str(tmp_path / f"w{i}.json") for i in range(WRITERS)]
    procs = [ctx.Process(target=burst_writer, args=(url, map_id, f"w{i}", outs[i])) for i in range(WRITERS)]
    for p in procs:
        p.start()
    deadline = time.monotonic() + 120
    while store.version(map_id) < WRITERS * EDITS // 4:  # a quarter of the burst written: crash the server
        assert time.monotonic() < deadline, "the writers did not start writing"
        time.sleep(0.05)
    restarted_at = store.version(map_id)
    pg_cluster.restart_immediate()
    for p in procs:
        p.join(timeout=700)
        assert p.exitcode == 0
    results = [json.loads(Path(o).read_text()) for o in outs]
    assert sum(r["failed"] for r in results) > 0, "the restart did not interrupt the burst"
    assert all(len(r["acked"]) == EDITS for r in results), "a writer did not carry on after the restart"

    acked = {v: parse_operation(op) for r in results for v, op in r["acked"]}
    assert len(acked) == WRITERS * EDITS, "two edits acknowledged with the same version"
    history = store.edits_since(map_id, 0)  # this store object, too, reconnected by itself
    final, version = store.load(map_id)
    assert [e.version for e in history] == list(range(1, version + 1))
    for v, op in acked.items():
        assert history[v - 1].op == op
    assert max(acked) > restarted_at  # edits were acknowledged after the restart
    m = start()
    for e in history:
        m = e.op.apply(m)
    assert dumps(m) == dumps(final)
    assert {p.id for p in final.people} >= {op.item["id"] for op in acked.values()}
    assert store.integrity_check() == ["ok"]
    store.close()


# --- the live version feed ---------------------------------------------------------------------------

@pytest.fixture
def two_processes(pg_cluster):
    """Two store objects on one database, each with its own pool and listener: two app processes."""
    url = pg_cluster.new_database()
    a, b = open_store(url), open_store(url)
    yield url, a, b
    a.close()
    b.close()


def _no_database(*_args, **_kwargs):
    raise AssertionError("the poll reached the database")


def _wait(predicate, timeout: float = 5.0) -> bool:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if predicate():
            return True
        time.sleep(0.02)
    return predicate()


def test_an_idle_poll_is_answered_from_memory_and_sees_the_other_process_within_two_seconds(two_processes,
                                                                                              monkeypatch):
    _url, a, b = two_processes
    mid = a.create_map("Shared", start()).id
    assert a._feed().wait_live(10)
    assert a.version(mid) == 0  # first ask: one query, then remembered
    monkeypatch.setattr(a, "_connect", _no_database)  # from now on any query by `a` fails the test
    for _ in range(1000):
        assert a.version(mid) == 0
    t0 = time.monotonic()
    b.apply(mid, UpdateItem(kind="person", id="self", changes={"notes": "private words"}), base_version=0)
    assert _wait(lambda: a.version(mid) == 1, 2.0), "the other process's edit did not arrive within 2 s"
    assert time.monotonic() - t0 < 2.0
    b.undo(mid)
    assert _wait(lambda: a.version(mid) == 2, 2.0)


def test_the_announcement_carries_the_map_id_and_version_only(two_processes):
    url, a, _b = two_processes
    mid = a.create_map("K.", start()).id
    with psycopg.connect(url, autocommit=True) as listener:
        listener.execute(f"LISTEN {CHANNEL}")
        a.apply(mid, UpdateItem(kind="person", id="self", changes={"notes": "she felt ashamed"}), base_version=0)
        a.snapshot(mid, "end of session 1")  # not a new version: no announcement
        a.rename(mid, "Renamed")
        got = [n.payload for n in listener.notifies(timeout=1.0)]
    assert got == [f"{mid} 1"]


def test_after_losing_its_listener_connection_a_process_reconnects_and_rereads_versions(two_processes,
                                                                                         pg_cluster):
    url, a, b = two_processes
    mid = a.create_map("Shared", start()).id
    feed = a._feed()
    assert feed.wait_live(10)
    assert a.version(mid) == 0
    with psycopg.connect(pg_cluster.admin_url, autocommit=True) as admin:
        killed = admin.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                               " WHERE application_name = 'ditmap-feed' AND datname = %s",
                               (url.rsplit("/", 1)[1],)).fetchall()
    assert killed
    # Written while the listener is gone: its announcement is lost, so the version must be re-read.
    b.apply(mid, UpdateItem(kind="person", id="self", changes={"alias": "I"}), base_version=0)
    # Until it notices, the process may answer the old version; then it asks the database, then re-reads.
    assert _wait(lambda: a.version(mid) == 1, 2.0)
    assert _wait(lambda: feed.connects >= 2, 10), "the listener did not reconnect"
    assert a.version(mid) == 1
    b.apply(mid, UpdateItem(kind="person", id="self", changes={"notes": "n"}), base_version=1)
    assert _wait(lambda: a.version(mid) == 2, 2.0)


def test_a_non_ditmap_database_and_a_newer_store_are_refused(pg_cluster):
    url = pg_cluster.new_database()
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("CREATE TABLE invoices (id int)")
    with pytest.raises(StoreError, match="is not a ditmap store"):
        open_store(url)
    url = pg_cluster.new_database()
    open_store(url).close()
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("UPDATE meta SET value = %s WHERE key = 'schema_version'",
                     (str(SCHEMA_VERSION + 1),))
    with pytest.raises(StoreError) as exc:
        open_store(url)
    assert str(exc.value) == (f"this database was made by a newer ditmap (schema {SCHEMA_VERSION + 1}); "
                              f"this ditmap understands up to {SCHEMA_VERSION} — update ditmap")


def test_two_processes_creating_the_store_at_once_both_succeed(pg_cluster):
    url = pg_cluster.new_database()
    ctx = mp.get_context("spawn")
    procs = [ctx.Process(target=open_store, args=(url,)) for _ in range(3)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(timeout=120)
        assert p.exitcode == 0
    with open_store(url) as s:
        assert s.list_maps() == [] and s.integrity_check() == ["ok"]
