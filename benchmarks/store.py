"""Store speed on a map with 10 000 edits of history: apply, open, poll, diff, rebuild an old version.

Run: `python benchmarks/store.py [--edits 10000] [--runs 5]`. Prints a table: median of the runs'
medians, p95 over all samples, and the ratio to a baseline measured in the same process — a bare
`sqlite3` INSERT + COMMIT with the store's pragmas (WAL, synchronous=FULL) on an open connection,
i.e. the cost of one durable commit on this disk, below which no store write can go.
"""

from __future__ import annotations

import argparse
import random
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from common import measure

import ditmap.store.sqlite as store_sqlite
from ditmap.model import DitMap
from ditmap.operations import AddItem, MovePerson, Operation, RemoveItem, UpdateClient, UpdateItem
from ditmap.store import open_store
from ditmap.store.schema import CHECKPOINT_EVERY


def realistic_map() -> DitMap:
    """About the size of a full 16-session map: 30 people, 40 relationships, 4 patterns, 40 links, 16 sessions."""
    rng = random.Random(1)
    people = [{"id": "self", "alias": "Me", "role": "self", "position": {"x": 0, "y": 0}}]
    people += [{"id": f"p{i}", "alias": f"Person {i}", "role": "friend", "notes": "some notes " * 5,
                "position": {"x": rng.uniform(-400, 400), "y": rng.uniform(-400, 400)}} for i in range(29)]
    rels = [{"id": f"r{i}", "source": "self", "target": f"p{i % 29}", "corner": rng.choice(["past", "current"]),
             "intensity": rng.randint(1, 5), "feelings": ["shame", "anger"], "notes": "how it feels " * 5}
            for i in range(40)]
    pats = [{"id": f"pt{i}", "title": f"Pattern {i}", "self_representation": "a burden " * 10,
             "other_representation": "critical " * 10, "affects": ["shame"]} for i in range(4)]
    ens = [{"id": f"e{i}", "pattern": f"pt{i % 4}", "relationship": f"r{i}", "strength": 2,
            "example": "an episode " * 8} for i in range(40)]
    sessions = [{"id": f"s{i}", "number": i, "phq9": 20 - i, "gad7": 15 - i // 2, "worked_on": "the focus " * 6}
                for i in range(1, 17)]
    return DitMap.model_validate({"people": people, "relationships": rels, "patterns": pats,
                                  "enactments": ens, "sessions": sessions})


def random_edit(m: DitMap, i: int, rng: random.Random) -> Operation:
    roll = rng.random()
    if roll < 0.3:
        return MovePerson(id=rng.choice(m.people).id, x=rng.uniform(-500, 500), y=rng.uniform(-500, 500))
    if roll < 0.6:
        return UpdateItem(kind="relationship", id=rng.choice(m.relationships).id,
                          changes={"intensity": rng.randint(1, 5), "notes": f"note {i}"})
    if roll < 0.7:
        return UpdateItem(kind="pattern", id=rng.choice(m.patterns).id, changes={"client_words": f"words {i}"})
    if roll < 0.8:
        return UpdateClient(changes={"therapist": f"T{i}"})
    if roll < 0.9 or not m.comments:
        return AddItem(kind="comment", item={"id": f"c{i}", "anchor_kind": "person",
                                             "anchor": rng.choice(m.people).id, "text": f"comment {i}"})
    return RemoveItem(kind="comment", id=rng.choice(m.comments).id)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--edits", type=int, default=10_000)
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()
    rng = random.Random(7)
    with tempfile.TemporaryDirectory() as d:
        store = open_store(Path(d) / "bench.sqlite3")
        mid = store.create_map("Bench", realistic_map()).id
        t0 = time.perf_counter()
        m, v = store.load(mid)
        store_sqlite.SYNCHRONOUS = "OFF"  # building the history only: no fsync per edit
        for i in range(args.edits):
            a = store.apply(mid, random_edit(m, i, rng), base_version=v)
            m, v = a.map, a.version
        store_sqlite.SYNCHRONOUS = "FULL"  # everything measured below runs as in use
        build_s = time.perf_counter() - t0
        print(f"built a map with {v} edits of history in {build_s:.1f} s "
              f"({len(store.load(mid)[0].people)} people, {len(m.comments)} comments now)\n")

        base = sqlite3.connect(Path(d) / "baseline.sqlite3", isolation_level=None)
        base.execute("PRAGMA journal_mode = WAL")
        base.execute("PRAGMA synchronous = FULL")
        base.execute("CREATE TABLE t (k INTEGER PRIMARY KEY, v TEXT)")
        payload = "x" * 400

        def baseline() -> None:
            base.execute("BEGIN IMMEDIATE")
            base.execute("INSERT INTO t (v) VALUES (?)", (payload,))
            base.execute("COMMIT")

        state = {"m": m, "v": v, "i": args.edits}

        def apply_one() -> None:
            state["i"] += 1
            a = store.apply(mid, random_edit(state["m"], state["i"], rng), base_version=state["v"])
            state["m"], state["v"] = a.map, a.version

        def stale_merge() -> None:  # an edit made 3 versions ago on other fields: the merge path
            state["i"] += 1
            op = UpdateItem(kind="session", id=f"s{state['i'] % 16 + 1}", changes={"homework": f"h{state['i']}"})
            a = store.apply(mid, op, base_version=state["v"] - 3)
            state["m"], state["v"] = a.map, a.version

        rows = [("bare sqlite3 INSERT+COMMIT (baseline)", *measure(baseline, 100, args.runs))]
        rows.append(("apply an edit (10k history)", *measure(apply_one, 100, args.runs)))
        rows.append(("apply a stale edit (merge)", *measure(stale_merge, 50, args.runs)))
        rows.append(("undo + redo", *measure(lambda: (store.undo(mid), store.redo(mid)), 20, args.runs)))
        rows.append(("open a map: load()", *measure(lambda: store.load(mid), 50, args.runs)))
        rows.append(("poll: version()", *measure(lambda: store.version(mid), 500, args.runs)))
        current = store.version(mid)  # undo/redo above moved it
        rows.append(("edits_since(current - 5)", *measure(lambda: store.edits_since(mid, current - 5), 50,
                                                          args.runs)))
        rows.append(("history(limit=50)", *measure(lambda: store.history(mid, limit=50), 20, args.runs)))
        rows.append(("map_at(100)", *measure(lambda: store.map_at(mid, 100), 10, args.runs)))
        every = CHECKPOINT_EVERY
        mid_v = args.edits // 2 // every * every + every // 2  # half-way, as far from a checkpoint as can be
        rows.append((f"map_at({mid_v}) (farthest from a checkpoint)",
                     *measure(lambda: store.map_at(mid, mid_v), 10, args.runs)))
        far = args.edits - 100
        rows.append((f"diff(v100, v{far})", *measure(lambda: store.diff(mid, 100, far), 10, args.runs)))
        a, b = every + every // 2, far - every // 2
        rows.append((f"diff(v{a}, v{b}) (both far from checkpoints)",
                     *measure(lambda: store.diff(mid, a, b), 10, args.runs)))
        base.close()

    ref = rows[0][1]
    print(f"{'operation':<44} {'median ms':>10} {'p95 ms':>9} {'× baseline':>11}")
    for name, med, p95 in rows:
        print(f"{name:<44} {med:>10.3f} {p95:>9.3f} {med / ref:>11.1f}")


if __name__ == "__main__":
    main()
