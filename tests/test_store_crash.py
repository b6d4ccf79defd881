"""A writer killed with SIGKILL at random moments, 200 times: the store always opens, sound and whole.

On both back ends. The writer is a forked child (forking the already-imported test process costs
milliseconds, so hundreds of kills stay fast). It opens the store, applies edits, undoes and redoes in a
loop and writes each acknowledged version to a pipe right after the store returned it. The parent kills
it at a random moment: one time in five 5–50 ms after it started (often while it is still opening the
store), otherwise 0–10 ms after it has acknowledged 0–3 edits (counted in edits rather than milliseconds,
so a busy machine or a slower back end still has kills land mid-burst).
After each kill: the database passes its integrity check, every acknowledged version is there, the
history has no gap, and the stored map equals replaying the history (no half-applied edit).
"""

from __future__ import annotations

import os
import random
import select
import signal
import time

from ditmap.fileformat import dumps
from ditmap.model import DitMap
from ditmap.operations import AddItem, MovePerson, RemoveItem, UpdateItem
from ditmap.store import open_store

KILLS = 200


def start() -> DitMap:
    return DitMap.model_validate({"people": [{"id": "self", "alias": "Me", "role": "self"}]})


def writer(path: str, map_id: str, seed: int, fd: int) -> None:
    """Edit until killed; report each acknowledged version on `fd` (one line, written unbuffered)."""
    rng = random.Random(seed)
    store = open_store(path)
    m, v = store.load(map_id)
    os.write(fd, b"ready\n")
    n = 0
    while True:
        n += 1
        others = [p.id for p in m.people if p.id != "self"]
        roll = rng.random()
        if roll < 0.08 and store.can_undo(map_id):
            a = store.undo(map_id)
        elif roll < 0.12:
            a = store.redo(map_id)
        elif roll < 0.4 or not others:
            pid = f"p-{seed}-{n}"
            op = AddItem(kind="person", item={"id": pid, "alias": f"A{n}", "notes": "x" * rng.randint(0, 3000)})
            a = store.apply(map_id, op, base_version=v)
        elif roll < 0.6:
            op = AddItem(kind="relationship", item={"id": f"r-{seed}-{n}", "source": "self",
                                                    "target": rng.choice(others)})
            a = store.apply(map_id, op, base_version=v)
        elif roll < 0.8:
            a = store.apply(map_id, UpdateItem(kind="person", id=rng.choice(others), changes={"notes": f"n{n}"}),
                            base_version=v)
        elif roll < 0.9:
            a = store.apply(map_id, MovePerson(id=rng.choice(others), x=n, y=-n), base_version=v)
        else:
            a = store.apply(map_id, RemoveItem(kind="person", id=rng.choice(others), cascade=True), base_version=v)
        if a is None:
            continue
        os.write(fd, f"{a.version}\n".encode())
        m, v = a.map, a.version


def test_sigkill_never_loses_an_acknowledged_edit_or_half_applies_one(store_db):
    path = store_db
    with open_store(path) as store:
        map_id = store.create_map("Crash", start()).id
    rng = random.Random(7)
    acked: set[int] = set()
    replayed, replayed_version = start(), 0
    for cycle in range(KILLS):
        read_fd, write_fd = os.pipe()
        pid = os.fork()
        if pid == 0:  # the child: never returns into pytest
            os.close(read_fd)
            try:
                writer(path, map_id, cycle, write_fd)
            finally:
                os._exit(0)
        os.close(write_fd)
        data = b""
        if rng.random() < 0.8:
            # Wait until it is ready and has acknowledged 0–3 edits (counted in edits, not milliseconds, so a
            # busy machine cannot turn the test into kills before any write), then kill it a moment later.
            wanted = 1 + rng.randint(0, 3)  # "ready" plus that many acknowledged versions
            while data.count(b"\n") < wanted and select.select([read_fd], [], [], 30)[0]:
                chunk = os.read(read_fd, 65536)
                if not chunk:
                    break
                data += chunk
            time.sleep(rng.uniform(0, 0.010))
        else:  # while it is still opening the store, or a few ms into its burst
            time.sleep(rng.uniform(0.005, 0.050))
        os.kill(pid, signal.SIGKILL)
        _, status = os.waitpid(pid, 0)
        assert os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL, "the writer died on its own"
        while chunk := os.read(read_fd, 65536):
            data += chunk
        os.close(read_fd)
        lines = data.decode().split("\n")
        acked |= {int(x) for x in lines[:-1] if x != "ready"}  # the last piece is empty or a half-written line

        # A fresh store each time, closed before the next fork: a child must not inherit an open SQLite
        # connection (SQLite keeps per-process lock bookkeeping that a forked child would wrongly share).
        with open_store(path) as store:
            assert store.integrity_check() == ["ok"], cycle
            version = store.version(map_id)
            assert not acked or max(acked) <= version, "an acknowledged edit is missing"
            new = store.edits_since(map_id, replayed_version)
            assert [e.version for e in new] == list(range(replayed_version + 1, version + 1)), "a gap in history"
            for e in new:
                replayed = e.op.apply(replayed)
            replayed_version = version
            current, v = store.load(map_id)
            assert v == version
            assert dumps(current) == dumps(replayed), f"cycle {cycle}: stored map differs from its history"

    store = open_store(path)
    history = store.edits_since(map_id, 0)
    assert {e.version for e in history} >= acked
    assert history[-1].version == store.version(map_id)
    m = start()
    for e in history:
        m = e.op.apply(m)
    assert dumps(m) == dumps(store.load(map_id)[0])
    assert len(acked) >= KILLS // 2  # the writer really wrote between kills (about two edits per run here)
    assert store.integrity_check() == ["ok"]
    store.close()
