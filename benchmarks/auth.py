"""Clinic mode's costs, each beside a baseline measured in the same run (medians, milliseconds):

- a sign-in's server time (`Accounts.sign_in`, argon2id at the shipped parameters) beside one bare
  argon2 verification: the sign-in adds only the throttle reads, the session row and the audit row;
- what the permission work adds to an unchanged rerun: reading the session behind the cookie (no write:
  activity is written at most every 5 s) and the open check plus eight quiet questions the frame and
  sidebar ask (History? Edit? Export? Share? …), beside the version read every rerun already does;
  once as a rerun usually finds it (the session and the map's owner read within the last 1–2 s are
  kept in memory) and once reading all of it from the store. Target ≤ 1 ms;
- one audit append (a serialised, hash-chained insert, `synchronous=FULL`), beside one map edit
  (`store.apply`, the write every change already makes). Target ≤ 2 ms.

Run: `python benchmarks/auth.py` (a few seconds; a fresh store in a temporary folder).
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from common import paired_median_ms

from ditmap.accounts.model import THERAPIST, Identity
from ditmap.accounts.policy import Policy
from ditmap.accounts.signin import Accounts
from ditmap.audit import AuditEntry
from ditmap.model import DitMap
from ditmap.operations import UpdateItem
from ditmap.services.permissions import Action, Gate
from ditmap.store import open_store

PASSWORD = "a long quiet river 42"


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        store = open_store(Path(tmp) / "bench.sqlite3")
        records = store.clinic()
        accounts = Accounts(records, policy=Policy())
        accounts.add("ann", PASSWORD, {THERAPIST})
        m = DitMap.model_validate({"client": {"pseudonym": "K."}, "people": [{"id": "p1", "alias": "Me",
                                                                              "role": "self"}]})
        map_id = store.create_map("K.", m).id
        records.set_owner(map_id, "ann")
        gate = Gate(records)
        token = accounts.sign_in("ann", PASSWORD).token
        stored_hash = records.account("ann").password_hash
        rows = []

        def sign_in() -> None:
            accounts.sign_in("ann", PASSWORD, "10.0.0.5")

        def argon2_only() -> None:
            accounts.hasher.verify(stored_hash, PASSWORD)

        rows.append(("sign-in (server time)", *paired_median_ms(sign_in, argon2_only, 9), "one argon2id verify"))

        live = accounts.live(token)
        ann = Identity("ann", frozenset({THERAPIST}))
        questions = (Action.HISTORY, Action.EDIT, Action.EDIT, Action.EXPORT_CLIENT, Action.SHARE,
                     Action.EXPORT_CLINICIAN, Action.COMMENT, Action.EDIT)

        def permission_work() -> None:
            accounts.touch(accounts.live(token) or live)
            gate.check(ann, Action.OPEN, map_id)
            for q in questions:
                gate.allowed(ann, q, map_id)

        def version_read() -> None:
            store.version(map_id)

        rows.append(("permission work per rerun", *paired_median_ms(permission_work, version_read, 200),
                     "the rerun's version read"))

        def permission_work_cold() -> None:  # the session not read in the last second: read from the store
            accounts._recent.clear()
            gate._known.clear()
            permission_work()

        rows.append(("… reading everything again", *paired_median_ms(permission_work_cold, version_read, 200),
                     "the rerun's version read"))

        entry = AuditEntry("ann", "therapist", "edit", map_id=map_id, detail="version 1 (update)")
        version = [store.version(map_id)]

        def append() -> None:
            records.append_audit(entry)

        def edit() -> None:
            applied = store.apply(map_id, UpdateItem(kind="person", id="p1", changes={"notes": str(version[0])}),
                                  base_version=version[0])
            version[0] = applied.version

        rows.append(("audit append", *paired_median_ms(append, edit, 100), "one map edit (store.apply)"))

    print(f"{'measure':<28} {'ms':>8} {'baseline ms':>12} {'ratio':>7}  baseline")
    for name, ms, base, what in rows:
        print(f"{name:<28} {ms:>8.3f} {base:>12.3f} {ms / base:>7.2f}  {what}")


if __name__ == "__main__":
    main()
