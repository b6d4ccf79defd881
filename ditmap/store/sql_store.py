"""What every SQL back end shares: maps, every edit applied to them, snapshots, undo/redo, merge-or-conflict.

The rules live here once; a back end (`SqliteStore`, `PostgresStore`) supplies only connections and
transactions (`_connect`, `_tx`), how a write transaction locks a map (`_LOCK`), and its whole-store
operations (backup, restore, integrity). All SQL here uses `?` placeholders and the SQL both databases
understand alike (`INSERT … ON CONFLICT`, partial indexes, TEXT and INTEGER columns).

Why it is built this way (see ../../docs/store.md):
- Each map keeps its current JSON (opening is one read), the map as created (`initial_json`), every
  edit's operation and inverse (history, undo, replay), and a checkpoint every 50 versions (an old
  version is rebuilt from a nearby checkpoint, not from version 0).
- Every read-then-write runs in one transaction that first locks the map (SQLite: `BEGIN IMMEDIATE`;
  PostgreSQL: `SELECT … FOR UPDATE` on the map's row), so writers to one map queue instead of failing.
- Optimistic concurrency: an edit names the version it was made against. If others wrote since, it
  lands only when it writes none of the fields they wrote (then `merged=True`); otherwise `Conflict`,
  and nothing is written.
Logs hold ids and versions only, never map content or sentences.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import secrets
from abc import abstractmethod
from collections.abc import Iterable, Sequence
from contextlib import AbstractContextManager, nullcontext
from typing import TYPE_CHECKING

from ditmap.caseload import MapSummary, summarise
from ditmap.integrity import check_map
from ditmap.model import DitMap
from ditmap.operations import AddItem, Batch, Operation, OperationError, Touch, dump_operation, parse_operation
from ditmap.store.base import (
    Applied,
    Conflict,
    Edit,
    MapDiff,
    MapInfo,
    MapNotFound,
    Review,
    Snapshot,
    Store,
    StoreError,
)
from ditmap.store.diff import diff_maps
from ditmap.store.merge import collides
from ditmap.store.schema import CHECKPOINT_EVERY, Connection, Dialect

if TYPE_CHECKING:
    from ditmap.store.clinic_sql import SqlClinic

log = logging.getLogger("ditmap.store")

NAME_MAX = 200

_MAP_COLS = "id, name, version, created_at, updated_at, archived, deleted"
_EDIT_COLS = "version, op_json, inverse_json, sentence, author, at, undo_of, redo_of, merged"

Conn = Connection  # a back end's connection: execute("… ? …", params) → a cursor (fetchone, fetchall, rowcount)


def dumps_map(m: DitMap) -> str:
    """The map as stored: compact JSON in model field order, items in stored order (pydantic's serializer).

    Same content as the file format's canonical text (`ditmap.fileformat.dumps`, used for exports),
    without the indentation, which Python can only write with its slow pure-Python encoder: 0.16 ms
    instead of 2.7 ms for a full 16-session map, on every edit.
    """
    return m.model_dump_json()


def loads_map(text: str) -> DitMap:
    # Our own canonical JSON, written by this store: field validation only, no size/depth guards needed.
    return DitMap.model_validate_json(text)


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="microseconds")


def _time(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text)


def _info(row: Sequence) -> MapInfo:
    return MapInfo(id=row[0], name=row[1], version=row[2], created_at=_time(row[3]), updated_at=_time(row[4]),
                   archived=bool(row[5]), deleted=bool(row[6]))


def _edit(row: Sequence) -> Edit:
    return Edit(version=row[0], op=parse_operation(row[1]), inverse=parse_operation(row[2]), sentence=row[3],
                author=row[4], at=_time(row[5]), undo_of=row[6], redo_of=row[7], merged=bool(row[8]))


def plain_text(text: str) -> str:
    """Text as every back end stores it: NUL (which PostgreSQL's text cannot hold) shown as U+FFFD.

    Only for the store's own columns (sentences, authors, names); map content travels as JSON, where
    NUL is escaped and kept exactly.
    """
    return text.replace("\x00", "\ufffd")


def _records_session(op: Operation) -> bool:
    """Whether an operation records a new session (directly or inside a batch)."""
    if isinstance(op, AddItem):
        return op.kind == "session"
    return isinstance(op, Batch) and any(_records_session(o) for o in op.ops)


def clean_name(name: str) -> str:
    if not isinstance(name, str) or not name.strip():
        raise StoreError("a map needs a name")
    name = plain_text(name.strip())
    if len(name) > NAME_MAX:
        raise StoreError(f"a name can be at most {NAME_MAX} characters (this one has {len(name)})")
    return name


class SqlStore(Store):
    """The store's rules over any SQL database; subclasses give connections and transactions."""

    _LOCK = ""  # appended to the map-row SELECT in a write transaction (PostgreSQL: " FOR UPDATE")
    DIALECT: Dialect  # how this database spells the few things that differ (`ditmap.store.schema`)
    _ANNOUNCE = ""  # appended to the UPDATE that moves a map's version (PostgreSQL: RETURNING pg_notify(…))

    def __init__(self) -> None:
        self._clinic: SqlClinic | None = None
        self._parsed: dict[str, tuple[str, DitMap]] = {}  # map id → (current text, parsed map); maps are frozen
        self._summaries: dict[str, tuple[str, MapSummary]] = {}  # map id → (summary text, parsed), likewise
        # map id → (version, map text, summary) as this process last wrote them: the next edit's "previous
        # summary" without a read, when the map it locks is still exactly that one (version and content).
        self._wrote_summary: dict[str, tuple[int, str, MapSummary]] = {}

    @property
    @abstractmethod
    def location(self) -> str:
        """Where the store is, for messages (never with a password)."""

    @abstractmethod
    def _connect(self) -> AbstractContextManager[Conn]:
        """One connection for one unit of work (no transaction of its own); database errors → StoreError."""

    @abstractmethod
    def _tx(self, *, write: bool = True) -> AbstractContextManager[Conn]:
        """A transaction: a write one (then `_map_row(lock=True)` queues writers per map) or a consistent read."""

    @abstractmethod
    def integrity_check(self) -> list[str]:
        """["ok"] when the database is sound, else one line per problem."""

    def clinic(self) -> SqlClinic:
        """Clinic mode's records (accounts, shares, audit trail…), kept in this same database (schema 3)."""
        if self._clinic is None:
            from ditmap.store.clinic_sql import SqlClinic

            self._clinic = SqlClinic(self)
        return self._clinic

    def _current(self, map_id: str, text: str) -> DitMap:
        """The current map parsed from its stored text, reusing the last parse when the text is identical.

        Keyed by the text itself (not the version), so a restore or another process can never make it stale.
        """
        hit = self._parsed.get(map_id)
        if hit is not None and hit[0] == text:
            return hit[1]
        m = loads_map(text)
        self._parsed[map_id] = (text, m)
        return m

    def __enter__(self) -> SqlStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.location!r})"

    def _map_row(self, conn: Conn, map_id: str, *, lock: bool = False) -> tuple:
        sql = "SELECT version, current_json, deleted FROM maps WHERE id = ?" + (self._LOCK if lock else "")
        row = conn.execute(sql, (map_id,)).fetchone()
        if row is None:
            raise MapNotFound(f'no map with id "{map_id}"')
        return row

    def _require(self, conn: Conn, map_id: str) -> MapInfo:
        row = conn.execute(f"SELECT {_MAP_COLS} FROM maps WHERE id = ?", (map_id,)).fetchone()
        if row is None:
            raise MapNotFound(f'no map with id "{map_id}"')
        return _info(row)

    # --- maps ----------------------------------------------------------------------------------

    def list_maps(self, *, include_archived: bool = False, include_deleted: bool = False) -> list[MapInfo]:
        where = []
        if not include_archived:
            where.append("archived = 0")
        if not include_deleted:
            where.append("deleted = 0")
        sql = f"SELECT {_MAP_COLS} FROM maps" + (f" WHERE {' AND '.join(where)}" if where else "")
        with self._connect() as conn:
            return [_info(r) for r in conn.execute(sql + " ORDER BY updated_at DESC, id")]

    def _insert_map(self, conn: Conn, name: str, m: DitMap) -> MapInfo:
        problems = check_map(m)
        if problems:
            raise StoreError("the map is inconsistent: " + "; ".join(str(p) for p in problems))
        text = dumps_map(m)
        now = _now()
        for _ in range(10):
            map_id = f"m-{secrets.token_hex(4)}"
            cur = conn.execute("INSERT INTO maps (id, name, created_at, updated_at, version, initial_json,"
                               " current_json) VALUES (?, ?, ?, ?, 0, ?, ?) ON CONFLICT (id) DO NOTHING",
                               (map_id, name, now, now, text, text))
            if cur.rowcount == 1:
                break
        else:  # pragma: no cover - 10 collisions of 32 random bits
            raise StoreError("could not pick a fresh map id")
        self._write_summary(conn, map_id, m, previous=None)
        log.info("created map %s", map_id)
        return self._require(conn, map_id)

    @staticmethod
    def _write_summary(conn: Conn, map_id: str, m: DitMap, *, previous: MapSummary | None) -> MapSummary:
        """Keep the caseload's summary of this map in step, inside the caller's transaction."""
        summary = summarise(m, previous)
        conn.execute("INSERT INTO map_summaries (map_id, summary_json) VALUES (?, ?)"
                     " ON CONFLICT (map_id) DO UPDATE SET summary_json = excluded.summary_json",
                     (map_id, json.dumps(summary.to_json())))
        return summary

    def _batch(self, conn: Conn) -> AbstractContextManager[object]:
        """Statements whose results are not read until the block ends (PostgreSQL: one round trip for all)."""
        return nullcontext()

    @staticmethod
    def _summary(conn: Conn, map_id: str) -> MapSummary | None:
        row = conn.execute("SELECT summary_json FROM map_summaries WHERE map_id = ?", (map_id,)).fetchone()
        return None if row is None else MapSummary.from_json(json.loads(row[0]))

    def create_map(self, name: str, m: DitMap, *, author: str = "") -> MapInfo:
        name = clean_name(name)
        with self._tx() as conn:
            return self._insert_map(conn, name, m)

    def info(self, map_id: str) -> MapInfo:
        with self._connect() as conn:
            return self._require(conn, map_id)

    def _set(self, map_id: str, column: str, value: object) -> MapInfo:
        with self._tx() as conn:
            cur = conn.execute(f"UPDATE maps SET {column} = ?, updated_at = ? WHERE id = ?", (value, _now(), map_id))
            if cur.rowcount != 1:
                raise MapNotFound(f'no map with id "{map_id}"')
            return self._require(conn, map_id)

    def rename(self, map_id: str, name: str) -> MapInfo:
        return self._set(map_id, "name", clean_name(name))

    def duplicate(self, map_id: str, name: str) -> MapInfo:
        """A new map holding this map's current content, with a fresh history (the copy is its version 0)."""
        name = clean_name(name)
        with self._tx() as conn:
            _version, text, _deleted = self._map_row(conn, map_id, lock=True)
            return self._insert_map(conn, name, loads_map(text))

    def set_archived(self, map_id: str, archived: bool) -> MapInfo:
        return self._set(map_id, "archived", int(bool(archived)))

    def set_deleted(self, map_id: str, deleted: bool) -> MapInfo:
        """Soft delete (hidden from `list_maps`, kept with its history) or restore."""
        return self._set(map_id, "deleted", int(bool(deleted)))

    # --- reading ---------------------------------------------------------------------------------

    def load(self, map_id: str) -> tuple[DitMap, int]:
        with self._connect() as conn:
            version, text, _deleted = self._map_row(conn, map_id)
        return self._current(map_id, text), version

    def version(self, map_id: str) -> int:
        with self._connect() as conn:
            row = conn.execute("SELECT version FROM maps WHERE id = ?", (map_id,)).fetchone()
        if row is None:
            raise MapNotFound(f'no map with id "{map_id}"')
        return row[0]

    def edits_since(self, map_id: str, version: int) -> list[Edit]:
        """The edits after `version`, oldest first: what a co-editor polling the version needs to catch up."""
        with self._tx(write=False) as conn:
            self._map_row(conn, map_id)
            rows = conn.execute(f"SELECT {_EDIT_COLS} FROM edits WHERE map_id = ? AND version > ? ORDER BY version",
                                (map_id, version)).fetchall()
        return [_edit(r) for r in rows]

    def history(self, map_id: str, *, limit: int | None = None) -> list[Edit]:
        """The edits, newest first (all of them, or the latest `limit`)."""
        with self._tx(write=False) as conn:
            self._map_row(conn, map_id)
            sql = f"SELECT {_EDIT_COLS} FROM edits WHERE map_id = ? ORDER BY version DESC"
            rows = (conn.execute(sql, (map_id,)) if limit is None else
                    conn.execute(sql + " LIMIT ?", (map_id, max(0, limit)))).fetchall()
        return [_edit(r) for r in rows]

    def _map_at(self, conn: Conn, map_id: str, version: int) -> DitMap:
        current_version, current_json, _deleted = self._map_row(conn, map_id)
        if not 0 <= version <= current_version:
            raise StoreError(f"this map has versions 0 to {current_version}; there is no version {version}")
        if version == current_version:
            return self._current(map_id, current_json)
        lo = conn.execute("SELECT version, map_json FROM checkpoints WHERE map_id = ? AND version <= ?"
                          " ORDER BY version DESC LIMIT 1", (map_id, version)).fetchone()
        if lo is None:
            lo = (0, conn.execute("SELECT initial_json FROM maps WHERE id = ?", (map_id,)).fetchone()[0])
        hi = conn.execute("SELECT version, map_json FROM checkpoints WHERE map_id = ? AND version >= ?"
                          " ORDER BY version LIMIT 1", (map_id, version)).fetchone() or (current_version, current_json)
        if version - lo[0] <= hi[0] - version:  # replay forward from the nearer base …
            m = loads_map(lo[1])
            for (op_json,) in conn.execute("SELECT op_json FROM edits WHERE map_id = ? AND version > ? AND version <= ?"
                                           " ORDER BY version", (map_id, lo[0], version)):
                m = parse_operation(op_json).apply(m)
            return m
        m = loads_map(hi[1])  # … or apply inverses backwards
        for (inv_json,) in conn.execute("SELECT inverse_json FROM edits WHERE map_id = ? AND version > ?"
                                        " AND version <= ? ORDER BY version DESC", (map_id, version, hi[0])):
            m = parse_operation(inv_json).apply(m)
        return m

    def map_at(self, map_id: str, version: int) -> DitMap:
        with self._tx(write=False) as conn:
            return self._map_at(conn, map_id, version)

    def diff(self, map_id: str, from_version: int, to_version: int) -> MapDiff:
        with self._tx(write=False) as conn:
            a = self._map_at(conn, map_id, from_version)
            b = a if from_version == to_version else self._map_at(conn, map_id, to_version)
        return diff_maps(a, b, from_version=from_version, to_version=to_version)

    # --- writing ---------------------------------------------------------------------------------

    def _previous_summary(self, conn: Conn, map_id: str, version: int, text: str) -> MapSummary | None:
        """The stored summary of the locked map at (`version`, `text`): remembered if this process wrote it."""
        wrote = self._wrote_summary.get(map_id)
        if wrote is not None and wrote[0] == version and wrote[1] == text:
            return wrote[2]
        return self._summary(conn, map_id)

    def _write(self, conn: Conn, map_id: str, current_version: int, current_text: str, new_map: DitMap,
               op: Operation, inverse: Operation, touches: Iterable[Touch], sentence: str, author: str, *,
               undo_of: int | None = None, redo_of: int | None = None, merged: bool = False) -> Applied:
        now = _now()
        sentence, author = plain_text(sentence), plain_text(author)
        text = dumps_map(new_map)
        version = current_version + 1
        op_json = json.dumps(dump_operation(op), ensure_ascii=False)
        inverse_json = json.dumps(dump_operation(inverse), ensure_ascii=False)
        previous = self._previous_summary(conn, map_id, current_version, current_text)
        self._wrote_summary.pop(map_id, None)  # until this transaction has written the new one
        with self._batch(conn):
            cur = conn.execute("UPDATE maps SET version = version + 1, current_json = ?, updated_at = ?"
                               " WHERE id = ? AND version = ?" + self._ANNOUNCE, (text, now, map_id, current_version))
            conn.execute(f"INSERT INTO edits (map_id, {_EDIT_COLS}, touches_json) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?,"
                         " ?, ?)", (map_id, version, op_json, inverse_json, sentence, author, now, undo_of, redo_of,
                                    int(merged), json.dumps(sorted(touches))))
            summary = self._write_summary(conn, map_id, new_map, previous=previous)
            if version % CHECKPOINT_EVERY == 0:
                conn.execute("INSERT INTO checkpoints (map_id, version, map_json) VALUES (?, ?, ?)"
                             " ON CONFLICT (map_id, version) DO UPDATE SET map_json = excluded.map_json",
                             (map_id, version, text))
        if cur.rowcount != 1:  # cannot happen under the map's lock; never ignore it if it does
            raise StoreError("the map changed while this edit was being saved; nothing was written — try again")
        self._parsed[map_id] = (text, new_map)
        # Remembered before COMMIT: if the COMMIT fails, the map stays at (current_version, current_text),
        # which this entry does not match, so it is never used for a version that was not written.
        self._wrote_summary[map_id] = (version, text, summary)
        log.debug("map %s: wrote version %d%s", map_id, version, " (merged)" if merged else "")
        edit = Edit(version=version, op=op, inverse=inverse, sentence=sentence, author=author, at=_time(now),
                    undo_of=undo_of, redo_of=redo_of, merged=merged)
        return Applied(version=version, map=new_map, edit=edit, merged=merged)

    @staticmethod
    def _writable(map_id: str, deleted: int) -> None:
        if deleted:
            raise StoreError("this map is deleted; restore it before editing")

    def apply(self, map_id: str, op: Operation, *, base_version: int, author: str = "") -> Applied:
        """Apply one operation in one transaction (see the module docstring for the merge rule).

        Raises `Conflict` when edits since `base_version` wrote any field this one writes, or
        `OperationError` when it cannot apply to the current map; in both cases nothing is written.
        """
        with self._tx() as conn:
            current_version, text, deleted = self._map_row(conn, map_id, lock=True)
            self._writable(map_id, deleted)
            if not 0 <= base_version <= current_version:
                raise StoreError(f"this map is at version {current_version}; there is no version {base_version}")
            m = self._current(map_id, text)
            merged = base_version != current_version
            if merged:
                try:
                    mine = op.touches(m)
                except OperationError:  # e.g. the item is gone now: what it wrote on the map it was made on
                    mine = op.touches(self._map_at(conn, map_id, base_version))
                theirs = conn.execute(f"SELECT {_EDIT_COLS}, touches_json FROM edits WHERE map_id = ? AND version > ?"
                                      " ORDER BY version", (map_id, base_version)).fetchall()
                clashes = tuple(_edit(r) for r in theirs if collides(mine, json.loads(r[-1])))
                if clashes:
                    log.info("map %s: conflict, base %d, current %d", map_id, base_version, current_version)
                    raise Conflict(f"Not saved: since version {base_version} this map was changed in the same place "
                                   f"({len(clashes)} edit{'s' if len(clashes) > 1 else ''}, latest version "
                                   f"{clashes[-1].version}). Look at the change and decide.",
                                   base_version, current_version, clashes)
            new_map = op.apply(m)
            touches = op.touches(m)
            if _records_session(op):  # the map as the previous session ended: a replay opens it in one read
                self._checkpoint(conn, map_id, current_version, text)
            return self._write(conn, map_id, current_version, text, new_map, op, op.inverse(m), touches,
                               op.describe(m), author, merged=merged)

    def undo(self, map_id: str, *, author: str = "") -> Applied | None:
        """Undo the latest edit not yet undone (one stack per map, shared by every device); None if none."""
        with self._tx() as conn:
            current_version, text, deleted = self._map_row(conn, map_id, lock=True)
            self._writable(map_id, deleted)
            target = conn.execute("SELECT version, inverse_json, sentence, touches_json FROM edits"
                                  " WHERE map_id = ? AND undo_of IS NULL AND undone = 0 ORDER BY version DESC LIMIT 1",
                                  (map_id,)).fetchone()
            if target is None:
                return None
            version, inverse_json, sentence, touches_json = target
            m = self._current(map_id, text)
            inverse = parse_operation(inverse_json)
            try:
                new_map = inverse.apply(m)
            except OperationError as err:
                later = conn.execute(f"SELECT {_EDIT_COLS}, touches_json FROM edits WHERE map_id = ? AND version > ?"
                                     " ORDER BY version", (map_id, version)).fetchall()
                clashes = tuple(_edit(r) for r in later if collides(json.loads(touches_json), json.loads(r[-1])))
                raise Conflict(f"Cannot undo version {version}: later edits changed what it changed ({err}).",
                               version, current_version, clashes) from None
            applied = self._write(conn, map_id, current_version, text, new_map, inverse, inverse.inverse(m),
                                  inverse.touches(m), f"Undid: {sentence}", author, undo_of=version)
            conn.execute("UPDATE edits SET undone = 1 WHERE map_id = ? AND version = ?", (map_id, version))
            return applied

    _REDO_TARGET = ("SELECT version, undo_of FROM edits WHERE map_id = ? AND undo_of IS NOT NULL AND undone = 0"
                    " AND version > (SELECT coalesce(max(version), 0) FROM edits"
                    "                WHERE map_id = ? AND undo_of IS NULL AND redo_of IS NULL)"
                    " ORDER BY version DESC LIMIT 1")

    def redo(self, map_id: str, *, author: str = "") -> Applied | None:
        """Re-apply the most recently undone edit; None if nothing to redo (a new edit empties the redo stack)."""
        with self._tx() as conn:
            current_version, text, deleted = self._map_row(conn, map_id, lock=True)
            self._writable(map_id, deleted)
            row = conn.execute(self._REDO_TARGET, (map_id, map_id)).fetchone()
            if row is None:
                return None
            undo_version, original = row
            op_json, sentence = conn.execute("SELECT op_json, sentence FROM edits WHERE map_id = ? AND version = ?",
                                             (map_id, original)).fetchone()
            m = self._current(map_id, text)
            op = parse_operation(op_json)
            try:
                new_map = op.apply(m)
            except OperationError as err:
                raise Conflict(f"Cannot redo version {original}: {err}", original, current_version, ()) from None
            applied = self._write(conn, map_id, current_version, text, new_map, op, op.inverse(m), op.touches(m),
                                  f"Redid: {sentence.removeprefix('Redid: ')}", author, redo_of=original)
            conn.execute("UPDATE edits SET undone = 1 WHERE map_id = ? AND version = ?", (map_id, undo_version))
            return applied

    def next_undo(self, map_id: str) -> Edit | None:
        """The edit Undo would reverse now (for a button label: "Undo: <its sentence>"), or None."""
        with self._tx(write=False) as conn:
            self._map_row(conn, map_id)
            row = conn.execute(f"SELECT {_EDIT_COLS} FROM edits WHERE map_id = ? AND undo_of IS NULL AND undone = 0"
                               " ORDER BY version DESC LIMIT 1", (map_id,)).fetchone()
        return None if row is None else _edit(row)

    def next_redo(self, map_id: str) -> Edit | None:
        """The edit Redo would re-apply now (its sentence says what it does), or None."""
        with self._tx(write=False) as conn:
            self._map_row(conn, map_id)
            target = conn.execute(self._REDO_TARGET, (map_id, map_id)).fetchone()
            if target is None:
                return None
            row = conn.execute(f"SELECT {_EDIT_COLS} FROM edits WHERE map_id = ? AND version = ?",
                               (map_id, target[1])).fetchone()
        return _edit(row)

    def can_undo(self, map_id: str) -> bool:
        with self._tx(write=False) as conn:
            self._map_row(conn, map_id)
            return conn.execute("SELECT 1 FROM edits WHERE map_id = ? AND undo_of IS NULL AND undone = 0 LIMIT 1",
                                (map_id,)).fetchone() is not None

    def can_redo(self, map_id: str) -> bool:
        with self._tx(write=False) as conn:
            self._map_row(conn, map_id)
            return conn.execute(self._REDO_TARGET, (map_id, map_id)).fetchone() is not None

    # --- snapshots -------------------------------------------------------------------------------

    def snapshot(self, map_id: str, name: str, *, author: str = "") -> Snapshot:
        """Name the current version ("end of session 5"); names are unique within a map."""
        name, author = clean_name(name), plain_text(author)
        with self._tx() as conn:
            version, text, _deleted = self._map_row(conn, map_id, lock=True)
            now = _now()
            cur = conn.execute("INSERT INTO snapshots (map_id, name, version, at, author) VALUES (?, ?, ?, ?, ?)"
                               " ON CONFLICT (map_id, name) DO NOTHING", (map_id, name, version, now, author))
            if cur.rowcount != 1:
                raise StoreError(f"this map already has a snapshot named “{name}”")
            self._checkpoint(conn, map_id, version, text)  # a replay stop opens in one read
        return Snapshot(name=name, version=version, at=_time(now), author=author)

    @staticmethod
    def _checkpoint(conn: Conn, map_id: str, version: int, text: str) -> None:
        conn.execute("INSERT INTO checkpoints (map_id, version, map_json) VALUES (?, ?, ?)"
                     " ON CONFLICT (map_id, version) DO NOTHING", (map_id, version, text))

    def snapshots(self, map_id: str) -> list[Snapshot]:
        with self._tx(write=False) as conn:
            self._map_row(conn, map_id)
            rows = conn.execute("SELECT name, version, at, author FROM snapshots WHERE map_id = ? ORDER BY version, at",
                                (map_id,)).fetchall()
        return [Snapshot(name=r[0], version=r[1], at=_time(r[2]), author=r[3]) for r in rows]

    # --- supervision: summaries and reviews ------------------------------------------------------

    def summaries(self, *, include_archived: bool = False) -> list[tuple[MapInfo, MapSummary]]:
        """Every listed map with its caseload summary, in one query (no map is read in full)."""
        where = "m.deleted = 0" + ("" if include_archived else " AND m.archived = 0")
        cols = ", ".join(f"m.{c.strip()}" for c in _MAP_COLS.split(","))
        with self._connect() as conn:
            rows = conn.execute(f"SELECT {cols}, s.summary_json FROM maps m JOIN map_summaries s ON s.map_id = m.id"
                                f" WHERE {where} ORDER BY m.updated_at DESC, m.id").fetchall()
        return [(_info(r), self._parsed_summary(r[0], r[-1])) for r in rows]

    def _parsed_summary(self, map_id: str, text: str) -> MapSummary:
        """A summary parsed from its stored text, reusing the last parse when the text is identical."""
        hit = self._summaries.get(map_id)
        if hit is not None and hit[0] == text:
            return hit[1]
        summary = MapSummary.from_json(json.loads(text))
        self._summaries[map_id] = (text, summary)
        return summary

    def record_review(self, map_id: str, *, reviewer: str, version: int | None = None) -> Review:
        """Record a sign-off of `version` (default: the current one) by `reviewer`; reviews are only added."""
        reviewer = plain_text((reviewer or "").strip())
        if not reviewer:
            raise StoreError("a review needs the reviewer's name or role")
        with self._tx() as conn:
            current, _text, _deleted = self._map_row(conn, map_id, lock=True)
            version = current if version is None else version
            if not 0 <= version <= current:
                raise StoreError(f"this map has versions 0 to {current}; there is no version {version}")
            now = _now()
            conn.execute("INSERT INTO reviews (map_id, version, reviewer, at) VALUES (?, ?, ?, ?)",
                         (map_id, version, reviewer[:NAME_MAX], now))
        log.info("map %s: reviewed at version %d", map_id, version)
        return Review(version=version, reviewer=reviewer[:NAME_MAX], at=_time(now))

    def reviews(self, map_id: str) -> list[Review]:
        with self._tx(write=False) as conn:
            self._map_row(conn, map_id)
            rows = conn.execute("SELECT version, reviewer, at FROM reviews WHERE map_id = ? ORDER BY at, version",
                                (map_id,)).fetchall()
        return [Review(version=r[0], reviewer=r[1], at=_time(r[2])) for r in rows]

    def last_reviewed(self, reviewer: str) -> dict[str, int]:
        with self._connect() as conn:
            rows = conn.execute("SELECT map_id, max(version) FROM reviews WHERE reviewer = ? GROUP BY map_id",
                                (reviewer,)).fetchall()
        return {r[0]: r[1] for r in rows}
