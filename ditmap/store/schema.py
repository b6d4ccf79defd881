"""The SQLite layout of a ditmap store, and the migrations that bring an older store up to date.

`PRAGMA user_version` holds the schema version and `PRAGMA application_id` marks the file as a ditmap
store, so a stray SQLite file is never mistaken for one. A store made by an older ditmap is migrated
when it is opened; a store made by a newer ditmap is refused, because this code cannot know what the
newer columns mean.

Schema history
  1  meta, maps (with the map as created in `initial_json` and the current map in `current_json`),
     edits (the applied operation, its inverse, its sentence, author, time, undo_of/redo_of),
     snapshots.
  2  edits gain `touches_json` (the (kind, id, field) triples each edit wrote, so a stale edit is
     checked for collisions without replaying history), `undone` (this edit's effect was reversed
     by a later undo or redo: the undo/redo stacks become two indexed queries) and `merged`;
     a `checkpoints` table (the whole map every `CHECKPOINT_EVERY` versions, so an old version is
     rebuilt from a nearby checkpoint, not from version 0); partial indexes for the stacks.
  3  `map_summaries` (each map's caseload summary, `ditmap.caseload.summarise`, rewritten in the same
     transaction as every edit, so the caseload page never reads whole maps; rebuilt for every map when
     `meta.summary_format` differs from `ditmap.caseload.SUMMARY_FORMAT`) and `reviews` (a supervisor's
     sign-off: map, version, reviewer, time; rows are only ever added).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable

SCHEMA_VERSION = 3
APPLICATION_ID = 0x4449544D  # "DITM"
CHECKPOINT_EVERY = 50

DDL = """
CREATE TABLE IF NOT EXISTS meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS maps (
    id           TEXT PRIMARY KEY,
    name         TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL,
    archived     INTEGER NOT NULL DEFAULT 0,
    deleted      INTEGER NOT NULL DEFAULT 0,
    version      INTEGER NOT NULL DEFAULT 0,
    initial_json TEXT NOT NULL,
    current_json TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS edits (
    map_id       TEXT NOT NULL REFERENCES maps(id) ON DELETE CASCADE,
    version      INTEGER NOT NULL,
    op_json      TEXT NOT NULL,
    inverse_json TEXT NOT NULL,
    touches_json TEXT NOT NULL,
    sentence     TEXT NOT NULL,
    author       TEXT NOT NULL DEFAULT '',
    at           TEXT NOT NULL,
    undo_of      INTEGER,
    redo_of      INTEGER,
    undone       INTEGER NOT NULL DEFAULT 0,
    merged       INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (map_id, version)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS edits_undoable ON edits(map_id, version) WHERE undo_of IS NULL AND undone = 0;
CREATE INDEX IF NOT EXISTS edits_redoable ON edits(map_id, version) WHERE undo_of IS NOT NULL AND undone = 0;
CREATE INDEX IF NOT EXISTS edits_plain ON edits(map_id, version) WHERE undo_of IS NULL AND redo_of IS NULL;
CREATE TABLE IF NOT EXISTS snapshots (
    map_id  TEXT NOT NULL REFERENCES maps(id) ON DELETE CASCADE,
    name    TEXT NOT NULL,
    version INTEGER NOT NULL,
    at      TEXT NOT NULL,
    author  TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (map_id, name)
);
CREATE TABLE IF NOT EXISTS map_summaries (
    map_id       TEXT PRIMARY KEY REFERENCES maps(id) ON DELETE CASCADE,
    summary_json TEXT NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS reviews (
    map_id   TEXT NOT NULL REFERENCES maps(id) ON DELETE CASCADE,
    version  INTEGER NOT NULL,
    reviewer TEXT NOT NULL,
    at       TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS reviews_by_reviewer ON reviews(reviewer, map_id, version);
CREATE INDEX IF NOT EXISTS reviews_by_map ON reviews(map_id, version);
CREATE TABLE IF NOT EXISTS checkpoints (
    map_id   TEXT NOT NULL REFERENCES maps(id) ON DELETE CASCADE,
    version  INTEGER NOT NULL,
    map_json TEXT NOT NULL,
    PRIMARY KEY (map_id, version)
) WITHOUT ROWID;
"""


class SchemaError(Exception):
    """The file is not a store this ditmap can open (the message says why and what to do)."""


def _migrate_1_to_2(conn: sqlite3.Connection, dumps_map: Callable[[object], str]) -> None:
    """Add touches/undone/merged to every edit and build checkpoints, by replaying each map once."""
    from ditmap.model import DitMap
    from ditmap.operations import parse_operation

    conn.execute("ALTER TABLE edits ADD COLUMN touches_json TEXT NOT NULL DEFAULT '[]'")
    conn.execute("ALTER TABLE edits ADD COLUMN undone INTEGER NOT NULL DEFAULT 0")
    conn.execute("ALTER TABLE edits ADD COLUMN merged INTEGER NOT NULL DEFAULT 0")
    for stmt in DDL.split(";"):
        if "checkpoints" in stmt or " ON edits(" in stmt:
            conn.execute(stmt)
    for (map_id, initial_json) in conn.execute("SELECT id, initial_json FROM maps").fetchall():
        m = DitMap.model_validate_json(initial_json)
        rows = conn.execute("SELECT version, op_json, undo_of, redo_of FROM edits WHERE map_id = ? ORDER BY version",
                            (map_id,)).fetchall()
        last_undo_of: dict[int, int] = {}  # edit undone -> the undo edit that undid it (not yet redone)
        for version, op_json, undo_of, redo_of in rows:
            op = parse_operation(op_json)
            touches = sorted(op.touches(m))
            m = op.apply(m)
            conn.execute("UPDATE edits SET touches_json = ? WHERE map_id = ? AND version = ?",
                         (json.dumps(touches), map_id, version))
            if undo_of is not None:
                conn.execute("UPDATE edits SET undone = 1 WHERE map_id = ? AND version = ?", (map_id, undo_of))
                last_undo_of[undo_of] = version
            if redo_of is not None and redo_of in last_undo_of:
                conn.execute("UPDATE edits SET undone = 1 WHERE map_id = ? AND version = ?",
                             (map_id, last_undo_of.pop(redo_of)))
            if version % CHECKPOINT_EVERY == 0:
                conn.execute("INSERT OR REPLACE INTO checkpoints (map_id, version, map_json) VALUES (?, ?, ?)",
                             (map_id, version, dumps_map(m)))


def build_summaries(conn: sqlite3.Connection) -> None:
    """(Re)write every map's caseload summary from its current content, and record the summary format."""
    from ditmap.caseload import SUMMARY_FORMAT, summarise
    from ditmap.model import DitMap

    for (map_id, current_json) in conn.execute("SELECT id, current_json FROM maps").fetchall():
        summary = summarise(DitMap.model_validate_json(current_json))
        conn.execute("INSERT OR REPLACE INTO map_summaries (map_id, summary_json) VALUES (?, ?)",
                     (map_id, json.dumps(summary.to_json())))
    conn.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('summary_format', ?)", (str(SUMMARY_FORMAT),))


def summaries_current(conn: sqlite3.Connection) -> bool:
    """Whether the stored summaries were made by this ditmap's `summarise`."""
    from ditmap.caseload import SUMMARY_FORMAT

    row = conn.execute("SELECT value FROM meta WHERE key = 'summary_format'").fetchone()
    return row is not None and row[0] == str(SUMMARY_FORMAT)


def _migrate_2_to_3(conn: sqlite3.Connection, dumps_map: Callable[[object], str]) -> None:
    """Add the caseload summaries (built for every map now) and the reviews table."""
    for stmt in DDL.split(";"):
        if "map_summaries" in stmt or "reviews" in stmt:
            conn.execute(stmt)
    build_summaries(conn)


MIGRATIONS: dict[int, Callable[[sqlite3.Connection, Callable[[object], str]], None]] = {
    1: _migrate_1_to_2, 2: _migrate_2_to_3}
"""from-version → the function that brings a store at that version to the next one (inside one transaction)."""


def _is_empty(conn: sqlite3.Connection) -> bool:
    return conn.execute("SELECT count(*) FROM sqlite_schema").fetchone()[0] == 0


def check_openable(conn: sqlite3.Connection, what: str) -> int:
    """The schema version of a ditmap store (0 for an empty file); raise SchemaError for anything else."""
    app_id = conn.execute("PRAGMA application_id").fetchone()[0]
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    if app_id == 0 and version == 0 and _is_empty(conn):
        return 0
    if app_id != APPLICATION_ID:
        raise SchemaError(f"{what} is not a ditmap store")
    if version > SCHEMA_VERSION:
        raise SchemaError(f"this database was made by a newer ditmap (schema {version}); "
                          f"this ditmap understands up to {SCHEMA_VERSION} — update ditmap")
    if version < 1:
        raise SchemaError(f"{what} is not a ditmap store (no schema version)")
    return version


def ensure_schema(conn: sqlite3.Connection, what: str, dumps_map: Callable[[object], str]) -> int:
    """Create the tables in an empty file or migrate an older store; returns the schema version found.

    Runs in one IMMEDIATE transaction so two processes opening a new store at once cannot both create it,
    and a migration interrupted half-way leaves the old store as it was.
    """
    version = check_openable(conn, what)
    if version == SCHEMA_VERSION:
        if not summaries_current(conn):
            conn.execute("BEGIN IMMEDIATE")
            try:
                if not summaries_current(conn):
                    build_summaries(conn)
                conn.execute("COMMIT")
            except BaseException:
                conn.execute("ROLLBACK")
                raise
        return version
    conn.execute("BEGIN IMMEDIATE")
    try:
        version = check_openable(conn, what)  # another process may have done it while we waited
        found = version
        if version == 0:
            for stmt in DDL.split(";"):
                if stmt.strip():
                    conn.execute(stmt)
            conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
            conn.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('application', 'ditmap')")
            build_summaries(conn)  # no maps yet: records the summary format
            version = SCHEMA_VERSION
        while version < SCHEMA_VERSION:
            try:
                MIGRATIONS[version](conn, dumps_map)
            except (sqlite3.Error, ValueError) as err:  # ValueError: OperationError, pydantic's ValidationError
                raise SchemaError(f"{what} could not be updated from schema {version} to {version + 1} ({err}); "
                                  "it was left as it was") from None
            version += 1
        conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        conn.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('schema_version', ?)", (str(SCHEMA_VERSION),))
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    return found
