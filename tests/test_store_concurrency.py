"""Several OS processes edit one map at once; nothing acknowledged is lost or silently overwritten.

Each worker mostly edits its own people, relationships, links and comments (add, update, move,
remove), and sometimes a few shared fields (Sam's notes, the pattern's title, the client's
therapist), always against the version it last saw — so shared edits collide and own edits merge.
Each worker records which edits were acknowledged (with the version returned) and which conflicted.
The checks below use only those records and the operations' own fields, not the store's bookkeeping.
Both back ends, the same size: 8 processes × 500 edits.
"""

from __future__ import annotations

import json
import multiprocessing as mp
import random
import time
from pathlib import Path
from typing import Any

from ditmap.fileformat import dumps
from ditmap.model import DitMap
from ditmap.operations import (
    AddItem,
    MovePerson,
    Operation,
    OperationError,
    RemoveItem,
    UpdateClient,
    UpdateItem,
    dump_operation,
    parse_operation,
)
from ditmap.store import Conflict, StoreError, open_store

WORKERS = 8
EDITS = 500


def initial_map() -> DitMap:
    return DitMap.model_validate({
        "people": [{"id": "self", "alias": "Me", "role": "self"}, {"id": "p-sam", "alias": "Sam"}],
        "relationships": [{"id": "r-sam", "source": "self", "target": "p-sam"}],
        "patterns": [{"id": "pt-1", "title": "Pleasing"}],
    })


def random_edit(m: DitMap, w: str, n: int, rng: random.Random) -> Operation:
    """An edit by worker `w` (its n-th), chosen from what it currently sees; values are unique per edit."""
    tag = f"{w}-{n}"
    mine_p = [p.id for p in m.people if p.id.startswith(f"{w}-p")]
    mine_r = [r.id for r in m.relationships if r.id.startswith(f"{w}-r")]
    mine_c = [c.id for c in m.comments if c.id.startswith(f"{w}-c")]
    roll = rng.random()
    if roll < 0.15:
        return UpdateItem(kind="person", id="p-sam", changes={"notes": tag})
    if roll < 0.20:
        return UpdateClient(changes={"therapist": tag})
    if roll < 0.25:
        return UpdateItem(kind="pattern", id="pt-1", changes={"title": tag})
    if roll < 0.40 or not mine_p:
        return AddItem(kind="person", item={"id": f"{w}-p{n}", "alias": tag, "role": rng.choice(["friend", "sibling"])})
    if roll < 0.52:
        return AddItem(kind="relationship", item={"id": f"{w}-r{n}", "source": "self", "target": rng.choice(mine_p),
                                                  "intensity": rng.randint(1, 5), "notes": tag})
    if roll < 0.57 and mine_r:
        return AddItem(kind="enactment", item={"id": f"{w}-e{n}", "pattern": "pt-1", "relationship": rng.choice(mine_r),
                                               "example": tag})
    if roll < 0.62:
        return AddItem(kind="comment", item={"id": f"{w}-c{n}", "anchor_kind": "person", "anchor": rng.choice(mine_p),
                                             "text": tag})
    if roll < 0.75:
        return UpdateItem(kind="person", id=rng.choice(mine_p), changes={rng.choice(["alias", "notes"]): tag})
    if roll < 0.82 and mine_r:
        return UpdateItem(kind="relationship", id=rng.choice(mine_r),
                          changes={"notes": tag, "intensity": rng.randint(1, 5)})
    if roll < 0.90:
        return MovePerson(id=rng.choice(mine_p), x=rng.uniform(-500, 500), y=rng.uniform(-500, 500))
    if roll < 0.93 and mine_c:
        return RemoveItem(kind="comment", id=rng.choice(mine_c))
    if roll < 0.96 and mine_r:
        return RemoveItem(kind="relationship", id=rng.choice(mine_r), cascade=True)
    return RemoveItem(kind="person", id=rng.choice(mine_p), cascade=True)


def worker(path: str, map_id: str, w: str, seed: int, edits: int, out: str) -> None:
    rng = random.Random(seed)
    store = open_store(path)
    m, v = store.load(map_id)
    acked: list[tuple[int, dict[str, Any], bool]] = []
    conflicts = rejected = failed = 0
    for n in range(edits):
        op = random_edit(m, w, n, rng)
        try:
            a = store.apply(map_id, op, base_version=v, author=w)
        except Conflict:
            conflicts += 1
            m, v = store.load(map_id)  # what the UI does: show theirs, reload
            continue
        except OperationError:
            rejected += 1
            m, v = store.load(map_id)
            continue
        except StoreError:  # e.g. the database busy or unreachable for a moment: not acknowledged, try again
            failed += 1
            time.sleep(0.05)
            m, v = store.load(map_id)
            continue
        acked.append((a.version, dump_operation(op), a.merged))
        m, v = a.map, a.version
        time.sleep(rng.uniform(0, 0.004))  # a moment between edits, so the writers interleave
    store.close()
    Path(out).write_text(json.dumps({"acked": acked, "conflicts": conflicts, "rejected": rejected, "failed": failed}))


def last_writes(ops: list[Operation]) -> tuple[dict[tuple[str, str, str], Any], set[tuple[str, str]]]:
    """(kind, id, field) → the value the last acknowledged edit wrote; and the items removed directly."""
    last: dict[tuple[str, str, str], Any] = {}
    removed: set[tuple[str, str]] = set()
    for op in ops:
        if isinstance(op, AddItem):
            for f, value in op.item.items():
                last[(op.kind, op.item["id"], f)] = value
        elif isinstance(op, UpdateItem):
            for f, value in op.changes.items():
                last[(op.kind, op.id, f)] = value
        elif isinstance(op, UpdateClient):
            for f, value in op.changes.items():
                last[("client", "client", f)] = value
        elif isinstance(op, MovePerson):
            last[("person", op.id, "position")] = {"x": op.x, "y": op.y}
        elif isinstance(op, RemoveItem):
            removed.add((op.kind, op.id))
    return last, removed


def test_processes_editing_one_map_lose_nothing(tmp_path, store_db):
    path = store_db
    store = open_store(path)
    map_id = store.create_map("Shared", initial_map()).id
    ctx = mp.get_context("spawn")
    outs = [str(tmp_path / f"w{i}.json") for i in range(WORKERS)]
    procs = [ctx.Process(target=worker, args=(path, map_id, f"w{i}", 1000 + i, EDITS, outs[i]))
             for i in range(WORKERS)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(timeout=600)
        assert p.exitcode == 0
    results = [json.loads(Path(o).read_text()) for o in outs]
    acked = {v: (parse_operation(op), merged) for r in results for v, op, merged in r["acked"]}
    assert len(acked) == sum(len(r["acked"]) for r in results), "two edits acknowledged with the same version"

    # The test provoked what it means to test: collisions refused, disjoint stale edits merged.
    assert sum(r["conflicts"] for r in results) > 0
    assert sum(1 for _, merged in acked.values() if merged) > 0

    # Every acknowledged edit is in the history with its version, and nothing else is.
    history = store.edits_since(map_id, 0)
    final, version = store.load(map_id)
    assert [e.version for e in history] == list(range(1, version + 1))
    assert set(acked) == {e.version for e in history}
    for e in history:
        assert e.op == acked[e.version][0]

    # Replaying the history from the initial map gives the final map exactly.
    m = initial_map()
    for e in history:
        m = e.op.apply(m)
    assert dumps(m) == dumps(final)

    # No acknowledged write was silently overwritten: each field holds the last acknowledged write to it.
    last, removed = last_writes([acked[v][0] for v in sorted(acked)])
    collections = {"person": final.people_by_id, "relationship": final.relationships_by_id,
                   "pattern": final.patterns_by_id, "enactment": final.enactments_by_id,
                   "comment": final.comments_by_id}
    checked = 0
    for (kind, item_id, f), value in last.items():
        if kind == "client":
            assert final.client.model_dump(mode="json")[f] == value, f
            checked += 1
            continue
        item = collections[kind].get(item_id)
        if item is None:
            continue  # removed (directly or with the person it belonged to)
        assert (kind, item_id) not in removed
        assert item.model_dump(mode="json")[f] == value, (kind, item_id, f)
        checked += 1
    assert checked > 100
    # Every item in the final map was in the initial map or added by an acknowledged edit.
    added = {(op.kind, op.item["id"]) for op, _ in acked.values() if isinstance(op, AddItem)}
    start = initial_map()
    initial = {(k, i.id) for k, coll in (("person", start.people), ("relationship", start.relationships),
                                          ("pattern", start.patterns)) for i in coll}
    for kind, coll in collections.items():
        for item_id in coll:
            assert (kind, item_id) in added | initial

    assert store.integrity_check() == ["ok"]
    store.close()


def test_threads_sharing_one_store_object_lose_nothing(store_db):
    """The dashboard shares one store object across Streamlit's threads (st.cache_resource)."""
    import threading

    store = open_store(store_db)
    map_id = store.create_map("Shared", initial_map()).id
    acked: list[int] = []
    errors: list[BaseException] = []

    def edit(w: str) -> None:
        try:
            v = 0
            for n in range(40):
                op = AddItem(kind="person", item={"id": f"{w}-p{n}", "alias": f"{w} {n}"})
                a = store.apply(map_id, op, base_version=v)  # stale after others wrote: merges
                acked.append(a.version)
                v = a.version
        except BaseException as err:  # report it in the main thread
            errors.append(err)

    threads = [threading.Thread(target=edit, args=(f"t{i}",)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert sorted(acked) == list(range(1, 161))
    m, v = store.load(map_id)
    assert v == 160 and len(m.people) == 2 + 160
    store.close()
