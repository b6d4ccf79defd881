"""SQLite and PostgreSQL side by side: edits with a long history, many writers at once, idle sessions' polls.

Run: `python benchmarks/store_backends.py [--edits 10000] [--runs 3] [--pg postgresql://…]`. Without
`--pg` it starts a throwaway PostgreSQL cluster (tests/pg_support.py; Debian's postgresql package, see
scripts/install-postgres.sh) on loopback and removes it afterwards. Prints one table:

- apply an edit to a map with `--edits` edits of history: median and p95 (target p95 ≤ 15 ms on PG),
  beside each database's bare durable INSERT + COMMIT on an open connection (the floor for a write);
- 50 writers on 50 maps at once (threads sharing one store object, as one app process serves its
  sessions): edits per second and p95 per edit;
- 200 idle sessions polling their map's version once a second for 5 s: database queries per second
  (units of work the store opened, plus the PostgreSQL listener's own heartbeats; target ≤ 5 on PG).

The history is built once in SQLite (fsync off while building) and copied into PostgreSQL with
`ditmap.store.copy.copy_store`, so both measure the same map and history.
"""

from __future__ import annotations

import argparse
import os
import random
import sqlite3
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import psycopg  # noqa: E402
from common import measure, percentile  # noqa: E402
from store import random_edit, realistic_map  # noqa: E402

import ditmap.store.sqlite as store_sqlite  # noqa: E402
from ditmap.model import DitMap  # noqa: E402
from ditmap.operations import AddItem  # noqa: E402
from ditmap.store import StoreError, open_store  # noqa: E402
from ditmap.store.copy import copy_store  # noqa: E402


@contextmanager
def postgres(url: str | None):
    if url:
        yield url
        return
    from pg_support import INSTALL_HINT, Cluster, pg_bin

    bin_dir = pg_bin()
    if bin_dir is None:
        raise SystemExit(INSTALL_HINT)
    cluster = Cluster(bin_dir).start()
    try:
        yield cluster.new_database()
    finally:
        cluster.stop()


def sqlite_baseline(folder: Path) -> Callable[[], None]:
    base = sqlite3.connect(folder / "baseline.sqlite3", isolation_level=None, check_same_thread=False)
    base.execute("PRAGMA journal_mode = WAL")
    base.execute("PRAGMA synchronous = FULL")
    base.execute("CREATE TABLE t (k INTEGER PRIMARY KEY, v TEXT)")

    def run() -> None:
        base.execute("BEGIN IMMEDIATE")
        base.execute("INSERT INTO t (v) VALUES (?)", ("x" * 400,))
        base.execute("COMMIT")
    return run


def pg_baseline(url: str) -> Callable[[], None]:
    conn = psycopg.connect(url, autocommit=True)
    conn.execute("CREATE TABLE IF NOT EXISTS bench_baseline (k serial PRIMARY KEY, v text)")

    def run() -> None:
        conn.execute("BEGIN")
        conn.execute("INSERT INTO bench_baseline (v) VALUES (%s)", ("x" * 400,))
        conn.execute("COMMIT")
    return run


def apply_latency(store, map_id: str, n: int, runs: int, rng: random.Random) -> tuple[float, float]:
    m, v = store.load(map_id)
    state = {"m": m, "v": v, "i": 10**6}

    def one() -> None:
        state["i"] += 1
        a = store.apply(map_id, random_edit(state["m"], state["i"], rng), base_version=state["v"])
        state["m"], state["v"] = a.map, a.version
    return measure(one, n, runs)


def writers(store, n_writers: int, edits: int) -> tuple[float, float, int]:
    """(edits per second, p95 ms per edit, edits refused) with `n_writers` threads, each editing its own map.

    An edit refused by the store (SQLite: still busy after its 10 s timeout) counts as failed, not retried.
    """
    maps = [store.create_map(f"W{i}", DitMap.model_validate({"people": [{"id": "self", "alias": "Me",
                                                                         "role": "self"}]})).id
            for i in range(n_writers)]
    lat: list[float] = []
    failed = [0]
    lock = threading.Lock()
    go = threading.Barrier(n_writers + 1)

    def work(map_id: str, w: int) -> None:
        go.wait()
        v, mine, lost = 0, [], 0
        for k in range(edits):
            t = time.perf_counter()
            try:
                v = store.apply(map_id, AddItem(kind="person", item={"id": f"p{w}-{k}", "alias": f"P{k}"}),
                                base_version=v).version
            except StoreError:
                lost += 1
                continue
            mine.append((time.perf_counter() - t) * 1000)
        with lock:
            lat.extend(mine)
            failed[0] += lost

    threads = [threading.Thread(target=work, args=(m, i)) for i, m in enumerate(maps)]
    for t in threads:
        t.start()
    go.wait()
    t0 = time.perf_counter()
    for t in threads:
        t.join()
    return len(lat) / (time.perf_counter() - t0), percentile(lat, 0.95), failed[0]


def idle_polls(store, map_id: str, sessions: int, seconds: int) -> float:
    """Database queries per second while `sessions` idle sessions poll `version()` once a second."""
    opened = [0]
    real = store._connect

    def counting():
        opened[0] += 1
        return real()
    store._connect = counting
    feed = getattr(store, "_feed", None)
    if feed is not None:
        feed().wait_live(10)
        store.version(map_id)  # the first ask, before the idle period
    beats0 = feed().heartbeats if feed is not None else 0
    opened[0] = 0
    t0 = time.monotonic()
    for second in range(seconds):
        for _ in range(sessions):
            store.version(map_id)
        time.sleep(max(0.0, t0 + second + 1 - time.monotonic()))
    elapsed = time.monotonic() - t0
    del store._connect
    beats = (feed().heartbeats - beats0) if feed is not None else 0
    return (opened[0] + beats) / elapsed


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--edits", type=int, default=10_000, help="edits of history on the measured map")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--pg", help="an empty PostgreSQL database to use (default: a throwaway cluster)")
    ap.add_argument("--writers", type=int, default=50)
    ap.add_argument("--sessions", type=int, default=200)
    args = ap.parse_args()
    rng = random.Random(7)
    with tempfile.TemporaryDirectory() as d, postgres(args.pg) as url:
        folder = Path(d)
        lite = open_store(folder / "bench.sqlite3")
        mid = lite.create_map("Bench", realistic_map()).id
        t0 = time.perf_counter()
        m, v = lite.load(mid)
        store_sqlite.SYNCHRONOUS = "OFF"  # building the history only
        for i in range(args.edits):
            a = lite.apply(mid, random_edit(m, i, rng), base_version=v)
            m, v = a.map, a.version
        store_sqlite.SYNCHRONOUS = "FULL"
        pg = open_store(url)
        copy_store(lite, pg)
        print(f"built {v} edits of history in SQLite and copied them to PostgreSQL in "
              f"{time.perf_counter() - t0:.1f} s\n", flush=True)

        rows: list[tuple[str, str, str]] = []

        def row(name: str, a: str, b: str) -> None:
            rows.append((name, a, b))
            print(f"  {name}: sqlite {a} | postgres {b}", flush=True)

        bl, bp = measure(sqlite_baseline(folder), 100, args.runs), measure(pg_baseline(url), 100, args.runs)
        row("bare INSERT + COMMIT: median / p95 ms", f"{bl[0]:.2f} / {bl[1]:.2f}", f"{bp[0]:.2f} / {bp[1]:.2f}")
        al = apply_latency(lite, mid, 100, args.runs, rng)
        ap_ = apply_latency(pg, mid, 100, args.runs, rng)
        row(f"apply an edit ({args.edits} history): median / p95 ms", f"{al[0]:.2f} / {al[1]:.2f}",
            f"{ap_[0]:.2f} / {ap_[1]:.2f}")
        row("  × its database's bare commit (median)", f"{al[0] / bl[0]:.1f}", f"{ap_[0] / bp[0]:.1f}")
        wl, wp = writers(lite, args.writers, 20), writers(pg, args.writers, 20)
        row(f"{args.writers} writers on {args.writers} maps: edits/s, p95 ms", f"{wl[0]:.0f}, {wl[1]:.1f}",
            f"{wp[0]:.0f}, {wp[1]:.1f}")
        row("  edits refused (busy), of " + str(args.writers * 20), str(wl[2]), str(wp[2]))
        ql, qp = idle_polls(lite, mid, args.sessions, 5), idle_polls(pg, mid, args.sessions, 5)
        row(f"{args.sessions} idle sessions polling each second: queries/s", f"{ql:.1f}", f"{qp:.1f}")
        lite.close()
        pg.close()

    print()
    print("load average (1, 5, 15 min): " + ", ".join(f"{x:.1f}" for x in os.getloadavg())
          + f" on {os.cpu_count()} cores")
    print(f"{'measure':<52} {'SQLite':>16} {'PostgreSQL':>16}")
    for name, a, b in rows:
        print(f"{name:<52} {a:>16} {b:>16}")


if __name__ == "__main__":
    main()
