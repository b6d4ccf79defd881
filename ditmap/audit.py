"""The audit trail: who did what to which record, when, from where, and with what outcome.

Append-only and tamper-evident: each row carries the SHA-256 of its own fields and of the row before
(`seal`), so a changed, deleted or reordered row breaks the chain from that row on, and `verify` names
the first bad row. The store serialises appends (the chain needs the previous row) and refuses UPDATE
and DELETE on the table. Rows hold no clinical text, no tokens, no passwords: `detail` is built by code
from fixed words, versions and format names, never from what a person typed.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from dataclasses import dataclass, replace

GENESIS = "0" * 64
OK, REFUSED, FAILED, LOCKED = "ok", "refused", "failed", "locked"
_SAFE_ID = re.compile(r"[^A-Za-z0-9._@:() -]")


def safe_id(value: object, limit: int = 64) -> str:
    """An id or name as it may appear in a row: plain characters only, bounded (addresses come from URLs)."""
    return _SAFE_ID.sub("?", str(value or ""))[:limit]


@dataclass(frozen=True, slots=True)
class AuditEntry:
    """What to record. `actor` is an account name, "client", the local therapist, or "(unknown name)"."""

    actor: str
    role: str
    action: str  # e.g. sign-in, sign-out, timeout, open, edit, export, share-create, refused …
    outcome: str = OK
    map_id: str = ""
    address: str = ""
    detail: str = ""
    at: dt.datetime | None = None


@dataclass(frozen=True, slots=True)
class AuditRow:
    seq: int
    at: dt.datetime
    actor: str
    role: str
    address: str
    action: str
    map_id: str
    outcome: str
    detail: str
    prev_hash: str
    hash: str

    def fields(self) -> list[object]:
        return [self.seq, self.at.isoformat(), self.actor, self.role, self.address, self.action, self.map_id,
                self.outcome, self.detail]


def seal(seq: int, entry: AuditEntry, at: dt.datetime, prev_hash: str) -> AuditRow:
    """The row for `entry` at position `seq` after a row whose hash is `prev_hash`."""
    row = AuditRow(seq, at, safe_id(entry.actor), safe_id(entry.role, 40), safe_id(entry.address, 64),
                   safe_id(entry.action, 40), safe_id(entry.map_id), safe_id(entry.outcome, 20),
                   entry.detail[:200], prev_hash, "")
    return replace(row, hash=row_hash(row, prev_hash))


def row_hash(row: AuditRow, prev_hash: str) -> str:
    payload = json.dumps([prev_hash, *row.fields()], ensure_ascii=True, separators=(",", ":"))
    return hashlib.sha256(payload.encode()).hexdigest()


@dataclass(frozen=True, slots=True)
class Verdict:
    ok: bool
    rows: int
    message: str
    bad_seq: int | None = None


def verify(rows: list[AuditRow], head: tuple[int, str] | None = None) -> Verdict:
    """Check the chain over all rows (oldest first) and, if given, the recorded head (count, last hash)."""
    prev = GENESIS
    for i, row in enumerate(rows, start=1):
        if row.seq != i:
            return Verdict(False, len(rows), f"row {row.seq}: out of place (expected row {i}): a row before it was "
                                             "deleted or rows were reordered", row.seq)
        if row.prev_hash != prev:
            return Verdict(False, len(rows), f"row {row.seq}: does not follow the row before it: a row was "
                                             "deleted, inserted or reordered", row.seq)
        if row_hash(row, prev) != row.hash:
            return Verdict(False, len(rows), f"row {row.seq}: its content was changed after it was written", row.seq)
        prev = row.hash
    if head is not None and head != (len(rows), prev):
        return Verdict(False, len(rows), f"the trail ends at row {len(rows)} but {head[0]} rows were written: "
                                         "rows were removed from the end", len(rows) + 1)
    return Verdict(True, len(rows), f"{len(rows)} rows, chain intact")
