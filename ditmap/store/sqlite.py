"""The SQLite store: maps, every edit applied to them, snapshots, and a change feed, in one file.

Why it is built this way (see ../../docs/store.md):
- A short-lived connection per unit of work, never shared: the object holds a path (and one idle
  connection, never used for work), so one store can serve every Streamlit thread and several
  processes at once.
- WAL, `synchronous=FULL`, `foreign_keys=ON`, a busy timeout, and `BEGIN IMMEDIATE` for every
  read-then-write, so writers queue instead of failing, and an acknowledged edit survives a crash.
- Each map keeps its current JSON (opening is one read), the map as created (`initial_json`), every
  edit's operation and inverse (history, undo, replay), and a checkpoint every 50 versions (an old
  version is rebuilt from a nearby checkpoint, not from version 0), at each session's end (the version
  before the next session is recorded) and at each snapshot, so a replay opens them in one read.
- Optimistic concurrency: an edit names the version it was made against. If others wrote since, it
  lands only when it writes none of the fields they wrote (then `merged=True`); otherwise `Conflict`,
  and nothing is written.
Logs hold ids and versions only, never map content or sentences.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import secrets
import sqlite3
import weakref
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

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
from ditmap.store.schema import CHECKPOINT_EVERY, SchemaError, check_openable, ensure_schema

log = logging.getLogger(__name__)

BUSY_TIMEOUT_MS = 10_000
SYNCHRONOUS = "FULL"  # an acknowledged edit survives power loss; only benchmarks building test data lower it
NAME_MAX = 200

_MAP_COLS = "id, name, version, created_at, updated_at, archived, deleted"
_EDIT_COLS = "version, op_json, inverse_json, sentence, author, at, undo_of, redo_of, merged"


def dumps_map(m: DitMap) -> str:
    """The map as stored: compact JSON in model field order, items in stored order (pydantic's serializer).

    Same content as the file format's canonical text (`ditmap.fileformat.dumps`, used for exports),
    without the indentation, which Python can only write with its slow pure-Python encoder: 0.16 ms
    instead of 2.7 ms for a full 16-session map, on every edit.
    """
    return m.model_dump_json()


def _loads_map(text: str) -> DitMap:
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


def _records_session(op: Operation) -> bool:
    """Whether an operation records a new session (directly or inside a batch)."""
    if isinstance(op, AddItem):
        return op.kind == "session"
    return isinstance(op, Batch) and any(_records_session(o) for o in op.ops)


def _clean_name(name: str) -> str:
    if not isinstance(name, str) or not name.strip():
        raise StoreError("a map needs a name")
    name = name.strip()
    if len(name) > NAME_MAX:
        raise StoreError(f"a name can be at most {NAME_MAX} characters (this one has {len(name)})")
    return name


def _create_private(path: Path) -> None:
    """Create a new store file readable by its owner only (SQLite gives its -wal/-shm files the same mode)."""
    try:
        os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
    except FileExistsError:
        pass
    except OSError as err:
        raise StoreError(f"cannot create the store {path}: {err.strerror or err}") from None


class SqliteStore(Store):
    """A ditmap store in one SQLite file. Safe to share across threads; open one per process (not across fork)."""

    def __init__(self, path: str | Path):
        self.path = Path(path)
        self._parsed: dict[str, tuple[str, DitMap]] = {}  # map id → (current text, parsed map); maps are frozen
        self._summaries: dict[str, tuple[str, MapSummary]] = {}  # map id → (summary text, parsed), likewise
        if self.path.is_dir():
            raise StoreError(f"{self.path} is a folder, not a store file")
        _create_private(self.path)
        with self._connect() as conn:
            try:
                if check_openable(conn, str(self.path)) == 0:
                    conn.execute("PRAGMA journal_mode = WAL")
                ensure_schema(conn, str(self.path), dumps_map)
            except SchemaError as err:
                raise StoreError(str(err)) from None
            except sqlite3.DatabaseError as err:
                if isinstance(err, sqlite3.OperationalError):
                    raise
                raise StoreError(f"{self.path} is not a ditmap store ({err})") from None
            if conn.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
                conn.execute("PRAGMA journal_mode = WAL")
        # An idle connection held open, never used for work: without it each unit of work's connection
        # is the last to close, and SQLite then checkpoints and deletes the WAL on every edit (~20 ms).
        # (fetchall: a statement left unfinished would pin a read snapshot and let the WAL grow forever.)
        self._keepalive = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
        self._keepalive.execute("SELECT count(*) FROM meta").fetchall()  # opens the WAL index and keeps it
        weakref.finalize(self, self._keepalive.close)

    def _current(self, map_id: str, text: str) -> DitMap:
        """The current map parsed from its stored text, reusing the last parse when the text is identical.

        Keyed by the text itself (not the version), so a restore or another process can never make it stale.
        """
        hit = self._parsed.get(map_id)
        if hit is not None and hit[0] == text:
            return hit[1]
        m = _loads_map(text)
        self._parsed[map_id] = (text, m)
        return m

    def close(self) -> None:
        """Release the idle connection. The store stays usable (each call opens its own connection)."""
        self._keepalive.close()

    def __enter__(self) -> SqliteStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"SqliteStore({str(self.path)!r})"

    # --- connections -----------------------------------------------------------------------

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        """One connection for one unit of work; SQLite errors become a StoreError naming the file."""
        try:
            conn = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
        except sqlite3.Error as err:
            raise StoreError(f"cannot open the store {self.path}: {err}") from None
        try:
            conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            conn.execute(f"PRAGMA synchronous = {SYNCHRONOUS}")
            conn.execute("PRAGMA foreign_keys = ON")
            yield conn
        except sqlite3.OperationalError as err:
            if "locked" in str(err) or "busy" in str(err):
                raise StoreError(f"the store {self.path} is busy (another program is holding it); "
                                 "nothing was written — try again") from None
            raise StoreError(f"store {self.path}: {err}") from None
        except sqlite3.DatabaseError as err:
            if "not a database" in str(err):
                raise StoreError(f"{self.path} is not a ditmap store ({err})") from None
            raise StoreError(f"store {self.path}: {err}") from None
        finally:
            conn.close()

    @contextmanager
    def _tx(self, mode: str = "IMMEDIATE") -> Iterator[sqlite3.Connection]:
        """A transaction: IMMEDIATE (the write lock up front) for every read-then-write, DEFERRED for reads."""
        with self._connect() as conn:
            conn.execute(f"BEGIN {mode}")
            try:
                yield conn
            except BaseException:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")

    @staticmethod
    def _map_row(conn: sqlite3.Connection, map_id: str) -> tuple:
        row = conn.execute("SELECT version, current_json, deleted FROM maps WHERE id = ?", (map_id,)).fetchone()
        if row is None:
            raise MapNotFound(f'no map with id "{map_id}"')
        return row

    def _require(self, conn: sqlite3.Connection, map_id: str) -> MapInfo:
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

    def _insert_map(self, conn: sqlite3.Connection, name: str, m: DitMap) -> MapInfo:
        problems = check_map(m)
        if problems:
            raise StoreError("the map is inconsistent: " + "; ".join(str(p) for p in problems))
        text = dumps_map(m)
        now = _now()
        for _ in range(10):
            map_id = f"m-{secrets.token_hex(4)}"
            try:
                conn.execute("INSERT INTO maps (id, name, created_at, updated_at, version, initial_json, current_json)"
                             " VALUES (?, ?, ?, ?, 0, ?, ?)", (map_id, name, now, now, text, text))
                break
            except sqlite3.IntegrityError:
                continue
        else:  # pragma: no cover - 10 collisions of 32 random bits
            raise StoreError("could not pick a fresh map id")
        self._write_summary(conn, map_id, m, previous=None)
        log.info("created map %s", map_id)
        return self._require(conn, map_id)

    @staticmethod
    def _write_summary(conn: sqlite3.Connection, map_id: str, m: DitMap, *, previous: MapSummary | None) -> None:
        """Keep the caseload's summary of this map in step, inside the caller's transaction."""
        conn.execute("INSERT OR REPLACE INTO map_summaries (map_id, summary_json) VALUES (?, ?)",
                     (map_id, json.dumps(summarise(m, previous).to_json())))

    @staticmethod
    def _summary(conn: sqlite3.Connection, map_id: str) -> MapSummary | None:
        row = conn.execute("SELECT summary_json FROM map_summaries WHERE map_id = ?", (map_id,)).fetchone()
        return None if row is None else MapSummary.from_json(json.loads(row[0]))

    def create_map(self, name: str, m: DitMap, *, author: str = "") -> MapInfo:
        name = _clean_name(name)
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
        return self._set(map_id, "name", _clean_name(name))

    def duplicate(self, map_id: str, name: str) -> MapInfo:
        """A new map holding this map's current content, with a fresh history (the copy is its version 0)."""
        name = _clean_name(name)
        with self._tx() as conn:
            _version, text, _deleted = self._map_row(conn, map_id)
            return self._insert_map(conn, name, _loads_map(text))

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
        with self._tx("DEFERRED") as conn:
            self._map_row(conn, map_id)
            rows = conn.execute(f"SELECT {_EDIT_COLS} FROM edits WHERE map_id = ? AND version > ? ORDER BY version",
                                (map_id, version)).fetchall()
        return [_edit(r) for r in rows]

    def history(self, map_id: str, *, limit: int | None = None) -> list[Edit]:
        """The edits, newest first (all of them, or the latest `limit`)."""
        with self._tx("DEFERRED") as conn:
            self._map_row(conn, map_id)
            rows = conn.execute(f"SELECT {_EDIT_COLS} FROM edits WHERE map_id = ? ORDER BY version DESC LIMIT ?",
                                (map_id, -1 if limit is None else max(0, limit))).fetchall()
        return [_edit(r) for r in rows]

    def _map_at(self, conn: sqlite3.Connection, map_id: str, version: int) -> DitMap:
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
            m = _loads_map(lo[1])
            for (op_json,) in conn.execute("SELECT op_json FROM edits WHERE map_id = ? AND version > ? AND version <= ?"
                                           " ORDER BY version", (map_id, lo[0], version)):
                m = parse_operation(op_json).apply(m)
            return m
        m = _loads_map(hi[1])  # … or apply inverses backwards
        for (inv_json,) in conn.execute("SELECT inverse_json FROM edits WHERE map_id = ? AND version > ?"
                                        " AND version <= ? ORDER BY version DESC", (map_id, version, hi[0])):
            m = parse_operation(inv_json).apply(m)
        return m

    def map_at(self, map_id: str, version: int) -> DitMap:
        with self._tx("DEFERRED") as conn:
            return self._map_at(conn, map_id, version)

    def diff(self, map_id: str, from_version: int, to_version: int) -> MapDiff:
        with self._tx("DEFERRED") as conn:
            a = self._map_at(conn, map_id, from_version)
            b = a if from_version == to_version else self._map_at(conn, map_id, to_version)
        return diff_maps(a, b, from_version=from_version, to_version=to_version)

    # --- writing ---------------------------------------------------------------------------------

    def _write(self, conn: sqlite3.Connection, map_id: str, current_version: int, new_map: DitMap, op: Operation,
               inverse: Operation, touches: Iterable[Touch], sentence: str, author: str, *,
               undo_of: int | None = None, redo_of: int | None = None, merged: bool = False) -> Applied:
        now = _now()
        text = dumps_map(new_map)
        cur = conn.execute("UPDATE maps SET version = version + 1, current_json = ?, updated_at = ?"
                           " WHERE id = ? AND version = ?", (text, now, map_id, current_version))
        if cur.rowcount != 1:  # cannot happen under BEGIN IMMEDIATE; never ignore it if it does
            raise StoreError("the map changed while this edit was being saved; nothing was written — try again")
        version = current_version + 1
        op_json = json.dumps(dump_operation(op), ensure_ascii=False)
        inverse_json = json.dumps(dump_operation(inverse), ensure_ascii=False)
        conn.execute(f"INSERT INTO edits (map_id, {_EDIT_COLS}, touches_json) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                     (map_id, version, op_json, inverse_json, sentence, author, now, undo_of, redo_of, int(merged),
                      json.dumps(sorted(touches))))
        self._parsed[map_id] = (text, new_map)
        self._write_summary(conn, map_id, new_map, previous=self._summary(conn, map_id))
        if version % CHECKPOINT_EVERY == 0:
            conn.execute("INSERT OR REPLACE INTO checkpoints (map_id, version, map_json) VALUES (?, ?, ?)",
                         (map_id, version, text))
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
            current_version, text, deleted = self._map_row(conn, map_id)
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
            if _records_session(op):  # the map as the previous session ended: replay opens it in one read
                conn.execute("INSERT OR IGNORE INTO checkpoints (map_id, version, map_json) VALUES (?, ?, ?)",
                             (map_id, current_version, text))
            return self._write(conn, map_id, current_version, new_map, op, op.inverse(m), touches,
                               op.describe(m), author, merged=merged)

    def undo(self, map_id: str, *, author: str = "") -> Applied | None:
        """Undo the latest edit not yet undone (one stack per map, shared by every device); None if none."""
        with self._tx() as conn:
            current_version, text, deleted = self._map_row(conn, map_id)
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
            applied = self._write(conn, map_id, current_version, new_map, inverse, inverse.inverse(m),
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
            current_version, text, deleted = self._map_row(conn, map_id)
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
            applied = self._write(conn, map_id, current_version, new_map, op, op.inverse(m), op.touches(m),
                                  f"Redid: {sentence.removeprefix('Redid: ')}", author, redo_of=original)
            conn.execute("UPDATE edits SET undone = 1 WHERE map_id = ? AND version = ?", (map_id, undo_version))
            return applied

    def next_undo(self, map_id: str) -> Edit | None:
        """The edit Undo would reverse now (for a button label: "Undo: <its sentence>"), or None."""
        with self._tx("DEFERRED") as conn:
            self._map_row(conn, map_id)
            row = conn.execute(f"SELECT {_EDIT_COLS} FROM edits WHERE map_id = ? AND undo_of IS NULL AND undone = 0"
                               " ORDER BY version DESC LIMIT 1", (map_id,)).fetchone()
        return None if row is None else _edit(row)

    def next_redo(self, map_id: str) -> Edit | None:
        """The edit Redo would re-apply now (its sentence says what it does), or None."""
        with self._tx("DEFERRED") as conn:
            self._map_row(conn, map_id)
            target = conn.execute(self._REDO_TARGET, (map_id, map_id)).fetchone()
            if target is None:
                return None
            row = conn.execute(f"SELECT {_EDIT_COLS} FROM edits WHERE map_id = ? AND version = ?",
                               (map_id, target[1])).fetchone()
        return _edit(row)

    def can_undo(self, map_id: str) -> bool:
        with self._tx("DEFERRED") as conn:
            self._map_row(conn, map_id)
            return conn.execute("SELECT 1 FROM edits WHERE map_id = ? AND undo_of IS NULL AND undone = 0 LIMIT 1",
                                (map_id,)).fetchone() is not None

    def can_redo(self, map_id: str) -> bool:
        with self._tx("DEFERRED") as conn:
            self._map_row(conn, map_id)
            return conn.execute(self._REDO_TARGET, (map_id, map_id)).fetchone() is not None

    # --- snapshots -------------------------------------------------------------------------------

    def snapshot(self, map_id: str, name: str, *, author: str = "") -> Snapshot:
        """Name the current version ("end of session 5"); names are unique within a map."""
        name = _clean_name(name)
        with self._tx() as conn:
            version, text, _deleted = self._map_row(conn, map_id)
            now = _now()
            try:
                conn.execute("INSERT INTO snapshots (map_id, name, version, at, author) VALUES (?, ?, ?, ?, ?)",
                             (map_id, name, version, now, author))
            except sqlite3.IntegrityError:
                raise StoreError(f"this map already has a snapshot named “{name}”") from None
            conn.execute("INSERT OR IGNORE INTO checkpoints (map_id, version, map_json) VALUES (?, ?, ?)",
                         (map_id, version, text))  # a snapshot opens in one read too
        return Snapshot(name=name, version=version, at=_time(now), author=author)

    def snapshots(self, map_id: str) -> list[Snapshot]:
        with self._tx("DEFERRED") as conn:
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
        reviewer = (reviewer or "").strip()
        if not reviewer:
            raise StoreError("a review needs the reviewer's name or role")
        with self._tx() as conn:
            current, _text, _deleted = self._map_row(conn, map_id)
            version = current if version is None else version
            if not 0 <= version <= current:
                raise StoreError(f"this map has versions 0 to {current}; there is no version {version}")
            now = _now()
            conn.execute("INSERT INTO reviews (map_id, version, reviewer, at) VALUES (?, ?, ?, ?)",
                         (map_id, version, reviewer[:NAME_MAX], now))
        log.info("map %s: reviewed at version %d", map_id, version)
        return Review(version=version, reviewer=reviewer[:NAME_MAX], at=_time(now))

    def reviews(self, map_id: str) -> list[Review]:
        with self._tx("DEFERRED") as conn:
            self._map_row(conn, map_id)
            rows = conn.execute("SELECT version, reviewer, at FROM reviews WHERE map_id = ? ORDER BY at, version",
                                (map_id,)).fetchall()
        return [Review(version=r[0], reviewer=r[1], at=_time(r[2])) for r in rows]

    def last_reviewed(self, reviewer: str) -> dict[str, int]:
        with self._connect() as conn:
            rows = conn.execute("SELECT map_id, max(version) FROM reviews WHERE reviewer = ? GROUP BY map_id",
                                (reviewer,)).fetchall()
        return {r[0]: r[1] for r in rows}

    # --- whole-store operations ------------------------------------------------------------------

    def integrity_check(self) -> list[str]:
        """SQLite's `PRAGMA integrity_check` lines (["ok"] when the file is sound)."""
        with self._connect() as conn:
            return [r[0] for r in conn.execute("PRAGMA integrity_check")]

    def backup(self, path: str | Path) -> Path:
        """Copy the whole store to a new file with SQLite's backup API (consistent even while others write)."""
        dest_path = Path(path)
        if dest_path.exists() and (dest_path.is_dir() or dest_path.stat().st_size > 0):
            raise StoreError(f"{dest_path} already exists; choose a new file name")
        try:
            _create_private(dest_path)
            with self._connect() as src:
                dest = sqlite3.connect(dest_path)
                try:
                    src.backup(dest)
                    dest.execute("PRAGMA journal_mode = DELETE")  # one self-contained file
                finally:
                    dest.close()
        except (sqlite3.Error, OSError, StoreError) as err:
            dest_path.unlink(missing_ok=True)
            raise StoreError(f"backup to {dest_path} failed: {err}") from None
        log.info("backed up the store")
        return dest_path

    def restore(self, path: str | Path) -> None:
        """Replace the whole store with a backup (backup API), after checking the backup; else change nothing."""
        src_path = Path(path)
        if not src_path.is_file():
            raise StoreError(f"{src_path}: no such file")
        try:
            src = sqlite3.connect(f"{src_path.resolve().as_uri()}?mode=ro", uri=True)
        except sqlite3.Error as err:
            raise StoreError(f"{src_path} cannot be opened: {err}") from None
        try:
            try:
                check_openable(src, str(src_path))
                status = [r[0] for r in src.execute("PRAGMA integrity_check")]
                tables = {r[0] for r in src.execute("SELECT name FROM sqlite_schema WHERE type = 'table'")}
            except SchemaError as err:
                raise StoreError(str(err)) from None
            except sqlite3.DatabaseError as err:
                raise StoreError(f"{src_path} is not a ditmap store ({err})") from None
            if status != ["ok"]:
                found = [x for r in status for x in r.splitlines() if x.strip() and not x.startswith("***")]
                raise StoreError(f"{src_path} is damaged (integrity check: {(found or status)[0]}); "
                                 "nothing was restored")
            if not {"meta", "maps", "edits", "snapshots"} <= tables:
                raise StoreError(f"{src_path} is not a ditmap store (tables missing)")
            with self._connect() as dest:
                src.backup(dest)
                dest.execute("PRAGMA journal_mode = WAL")
                ensure_schema(dest, str(self.path), dumps_map)  # a backup from an older ditmap is migrated
        finally:
            src.close()
        log.info("restored the store from a backup")
