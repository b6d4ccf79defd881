"""The layout of a ditmap store, written once for every back end, and the migrations that bring an older one up.

One description (`TABLES`, `INDEXES`), rendered for each database by its `Dialect`; the few
differences (SQLite's `WITHOUT ROWID`, where the schema version is kept, how a store is marked as
ditmap's) live in the dialect, not in copies of the DDL. A migration is a function of a connection
that runs `?`-placeholder SQL (the PostgreSQL connection translates the placeholders), so the same
migration serves both back ends. To add a table: add it to `TABLES` (and its indexes to `INDEXES`),
raise `SCHEMA_VERSION`, and register `add_tables("name", ...)` as the migration from the previous version.

A store made by an older ditmap is migrated when it is opened; a store made by a newer ditmap is
refused, because this code cannot know what the newer columns mean.

Schema history
  1  meta, maps (with the map as created in `initial_json` and the current map in `current_json`),
     edits (the applied operation, its inverse, its sentence, author, time, undo_of/redo_of),
     snapshots.  (SQLite only: PostgreSQL stores start at 2.)
  2  edits gain `touches_json` (the (kind, id, field) triples each edit wrote, so a stale edit is
     checked for collisions without replaying history), `undone` (this edit's effect was reversed
     by a later undo or redo: the undo/redo stacks become two indexed queries) and `merged`;
     a `checkpoints` table (the whole map every `CHECKPOINT_EVERY` versions, so an old version is
     rebuilt from a nearby checkpoint, not from version 0); partial indexes for the stacks.
  3  clinic mode (`CLINIC_TABLES`): accounts, sign_in_failures, sessions, shares, map_owners,
     supervision, settings, and the append-only `audit` table (the database refuses UPDATE and DELETE);
     account names compare case-insensitively (`Table.nocase`, rendered by the `Dialect`).
     Nothing else changes: a store without accounts stays in personal mode.
  4  `map_summaries` (each map's caseload summary, `ditmap.caseload.summarise`, rewritten in the same
     transaction as every edit, so the caseload page never reads whole maps; rebuilt for every map when
     `meta.summary_format` differs from `ditmap.caseload.SUMMARY_FORMAT`) and `reviews` (a supervisor's
     sign-off: map, version, reviewer, time; rows are only ever added).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

SCHEMA_VERSION = 4
APPLICATION_ID = 0x4449544D  # "DITM" (SQLite's PRAGMA application_id)
CHECKPOINT_EVERY = 50


class Connection(Protocol):
    """What the schema code needs of a connection: `execute` with `?` placeholders, returning a cursor."""

    def execute(self, sql: str, params: Any = ..., /) -> Any: ...
    def executemany(self, sql: str, rows: Any, /) -> Any: ...


@dataclass(frozen=True)
class Table:
    name: str
    columns: tuple[str, ...]  # "name TYPE [constraints]": TEXT and INTEGER only, which both databases read alike
    primary_key: tuple[str, ...]
    compact: bool = False  # SQLite: WITHOUT ROWID (the primary key is the table)
    nocase: tuple[str, ...] = ()  # columns holding account names, which compare case-insensitively
    append_only: bool = False  # rows are only ever added: the database refuses UPDATE, DELETE (and TRUNCATE)


@dataclass(frozen=True)
class Index:
    name: str
    table: str
    columns: tuple[str, ...]
    where: str = ""


TABLES: tuple[Table, ...] = (
    Table("meta", ("key TEXT NOT NULL", "value TEXT NOT NULL"), ("key",)),
    Table("maps", (
        "id TEXT NOT NULL",
        "name TEXT NOT NULL",
        "created_at TEXT NOT NULL",
        "updated_at TEXT NOT NULL",
        "archived INTEGER NOT NULL DEFAULT 0",
        "deleted INTEGER NOT NULL DEFAULT 0",
        "version INTEGER NOT NULL DEFAULT 0",
        "initial_json TEXT NOT NULL",
        "current_json TEXT NOT NULL",
    ), ("id",)),
    Table("edits", (
        "map_id TEXT NOT NULL REFERENCES maps(id) ON DELETE CASCADE",
        "version INTEGER NOT NULL",
        "op_json TEXT NOT NULL",
        "inverse_json TEXT NOT NULL",
        "touches_json TEXT NOT NULL",
        "sentence TEXT NOT NULL",
        "author TEXT NOT NULL DEFAULT ''",
        "at TEXT NOT NULL",
        "undo_of INTEGER",
        "redo_of INTEGER",
        "undone INTEGER NOT NULL DEFAULT 0",
        "merged INTEGER NOT NULL DEFAULT 0",
    ), ("map_id", "version"), compact=True),
    Table("snapshots", (
        "map_id TEXT NOT NULL REFERENCES maps(id) ON DELETE CASCADE",
        "name TEXT NOT NULL",
        "version INTEGER NOT NULL",
        "at TEXT NOT NULL",
        "author TEXT NOT NULL DEFAULT ''",
    ), ("map_id", "name")),
    Table("checkpoints", (
        "map_id TEXT NOT NULL REFERENCES maps(id) ON DELETE CASCADE",
        "version INTEGER NOT NULL",
        "map_json TEXT NOT NULL",
    ), ("map_id", "version"), compact=True),
    Table("map_summaries", (
        "map_id TEXT NOT NULL REFERENCES maps(id) ON DELETE CASCADE",
        "summary_json TEXT NOT NULL",
    ), ("map_id",), compact=True),
    Table("reviews", (
        "map_id TEXT NOT NULL REFERENCES maps(id) ON DELETE CASCADE",
        "version INTEGER NOT NULL",
        "reviewer TEXT NOT NULL",
        "at TEXT NOT NULL",
    ), ("map_id", "version", "reviewer", "at")),
    # clinic mode (schema 3): accounts and what hangs on them; see ditmap.accounts.clinic_store
    Table("accounts", (
        "name TEXT NOT NULL",
        "roles TEXT NOT NULL",
        "password_hash TEXT NOT NULL",
        "created_at TEXT NOT NULL",
        "password_changed_at TEXT NOT NULL",
        "disabled INTEGER NOT NULL DEFAULT 0",
        "totp_secret TEXT",
        "totp_last_step INTEGER NOT NULL DEFAULT 0",
        "recovery_json TEXT NOT NULL DEFAULT '[]'",
    ), ("name",), nocase=("name",)),
    Table("sign_in_failures", ("key TEXT NOT NULL", "at TEXT NOT NULL"), ()),
    Table("sessions", (
        "token_hash TEXT NOT NULL",
        "stage TEXT NOT NULL",
        "account TEXT",
        "share_id TEXT",
        "created_at TEXT NOT NULL",
        "last_active TEXT NOT NULL",
        "expires_at TEXT NOT NULL",
        "address TEXT NOT NULL DEFAULT ''",
        "pending_secret TEXT",
    ), ("token_hash",), compact=True, nocase=("account",)),
    Table("shares", (
        "id TEXT NOT NULL",
        "map_id TEXT NOT NULL",
        "created_by TEXT NOT NULL",
        "token_hash TEXT NOT NULL UNIQUE",
        "code_hash TEXT NOT NULL UNIQUE",
        "created_at TEXT NOT NULL",
        "redeem_by TEXT NOT NULL",
        "minutes INTEGER NOT NULL",
        "redeemed_at TEXT",
        "ends_at TEXT",
        "ended_at TEXT",
    ), ("id",)),
    Table("map_owners", ("map_id TEXT NOT NULL", "account TEXT NOT NULL"), ("map_id",), nocase=("account",)),
    Table("supervision", ("supervisor TEXT NOT NULL", "therapist TEXT NOT NULL"), ("supervisor", "therapist"),
          nocase=("supervisor", "therapist")),
    Table("settings", ("key TEXT NOT NULL", "value TEXT NOT NULL"), ("key",)),
    Table("audit", (
        "seq INTEGER NOT NULL",
        "at TEXT NOT NULL",
        "actor TEXT NOT NULL",
        "role TEXT NOT NULL",
        "address TEXT NOT NULL",
        "action TEXT NOT NULL",
        "map_id TEXT NOT NULL",
        "outcome TEXT NOT NULL",
        "detail TEXT NOT NULL",
        "prev_hash TEXT NOT NULL",
        "hash TEXT NOT NULL",
    ), ("seq",), append_only=True),
)

INDEXES: tuple[Index, ...] = (
    Index("edits_undoable", "edits", ("map_id", "version"), "undo_of IS NULL AND undone = 0"),
    Index("edits_redoable", "edits", ("map_id", "version"), "undo_of IS NOT NULL AND undone = 0"),
    Index("edits_plain", "edits", ("map_id", "version"), "undo_of IS NULL AND redo_of IS NULL"),
    Index("reviews_by_reviewer", "reviews", ("reviewer", "map_id", "version")),
    Index("sign_in_failures_key", "sign_in_failures", ("key", "at")),
    Index("sessions_account", "sessions", ("account",)),
    Index("sessions_share", "sessions", ("share_id",)),
    Index("shares_map", "shares", ("map_id",)),
    Index("audit_map", "audit", ("map_id",)),
)

CLINIC_TABLES: tuple[str, ...] = ("accounts", "sign_in_failures", "sessions", "shares", "map_owners", "supervision",
                                  "settings", "audit")
"""Clinic mode's tables (schema 3); a store without accounts stays in personal mode."""

APPEND_ONLY_MESSAGE = "the audit trail is append-only"
PG_NOCASE = "ditmap_nocase"  # PostgreSQL: a nondeterministic ICU collation comparing case-insensitively

TABLE_NAMES: tuple[str, ...] = tuple(t.name for t in TABLES)
"""Every table, parents before children (the order to copy or create them in)."""


class SchemaError(Exception):
    """The database is not a store this ditmap can open (the message says why and what to do)."""


@dataclass(frozen=True)
class Dialect:
    """The little that differs between the databases' DDL.

    Case-insensitive account names: SQLite's `COLLATE NOCASE` (ASCII letters); PostgreSQL's
    nondeterministic ICU collation `ditmap_nocase` (`und-u-ks-level2`: every script's upper and lower case
    compare equal, accents still count). Append-only tables: SQLite triggers that RAISE(ABORT);
    PostgreSQL one statement-level trigger (UPDATE, DELETE, TRUNCATE) calling a function that raises.
    """

    name: str  # "sqlite" or "postgres"

    def _column(self, t: Table, column: str) -> str:
        if column.split()[0] not in t.nocase:
            return column
        name, kind, *rest = column.split(" ", 2)
        collation = "NOCASE" if self.name == "sqlite" else PG_NOCASE
        return " ".join((name, kind, f"COLLATE {collation}", *rest))

    def create_table(self, t: Table) -> str:
        key = (f"PRIMARY KEY ({', '.join(t.primary_key)})",) if t.primary_key else ()
        body = ",\n    ".join((*(self._column(t, c) for c in t.columns), *key))
        tail = " WITHOUT ROWID" if t.compact and self.name == "sqlite" else ""
        return f"CREATE TABLE IF NOT EXISTS {t.name} (\n    {body}\n){tail}"

    @staticmethod
    def create_index(i: Index) -> str:
        where = f" WHERE {i.where}" if i.where else ""
        return f"CREATE INDEX IF NOT EXISTS {i.name} ON {i.table}({', '.join(i.columns)}){where}"

    def prelude(self, tables: tuple[Table, ...]) -> list[str]:
        """What the tables' DDL refers to and must exist first (PostgreSQL: the collation, the guard function)."""
        if self.name == "sqlite":
            return []
        out = []
        if any(t.nocase for t in tables):
            out.append(f"CREATE COLLATION IF NOT EXISTS {PG_NOCASE} "
                       "(provider = icu, locale = 'und-u-ks-level2', deterministic = false)")
        if any(t.append_only for t in tables):
            out.append("CREATE OR REPLACE FUNCTION ditmap_append_only() RETURNS trigger LANGUAGE plpgsql AS "
                       f"$$ BEGIN RAISE EXCEPTION '{APPEND_ONLY_MESSAGE}'; END $$")
        return out

    def guard(self, table: str) -> list[str]:
        """The statements that make an append-only table refuse UPDATE and DELETE (idempotent)."""
        if self.name == "sqlite":
            return [f"CREATE TRIGGER IF NOT EXISTS {table}_no_{verb.lower()} BEFORE {verb} ON {table} "
                    f"BEGIN SELECT RAISE(ABORT, '{APPEND_ONLY_MESSAGE}'); END" for verb in ("UPDATE", "DELETE")]
        return [f"CREATE OR REPLACE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON {table} "
                "FOR EACH STATEMENT EXECUTE FUNCTION ditmap_append_only()"]

    def unguard(self, table: str) -> list[str]:
        """Lift the guard inside one transaction (only a whole-store restore does; `guard` puts it back)."""
        if self.name == "sqlite":
            return [f"DROP TRIGGER IF EXISTS {table}_no_{verb}" for verb in ("update", "delete")]
        return [f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}"]

    def lock_table(self, table: str) -> str:
        """Inside a write transaction: make other writers to this table wait until commit (SQLite's
        `BEGIN IMMEDIATE` already does; PostgreSQL needs a lock that conflicts with itself, reads still pass)."""
        return "" if self.name == "sqlite" else f"LOCK TABLE {table} IN SHARE ROW EXCLUSIVE MODE"

    def ddl(self, tables: tuple[str, ...] = TABLE_NAMES) -> list[str]:
        """The statements that create these tables, their indexes and their guards."""
        chosen = tuple(t for t in TABLES if t.name in tables)
        return (self.prelude(chosen) + [self.create_table(t) for t in chosen]
                + [self.create_index(i) for i in INDEXES if i.table in tables]
                + [s for t in chosen if t.append_only for s in self.guard(t.name)])


SQLITE = Dialect("sqlite")
POSTGRES = Dialect("postgres")

Migration = Callable[[Connection, Dialect, Callable[[object], str]], None]
"""(connection, dialect, dumps_map) → brings a store at version N to N + 1, inside the caller's transaction."""


def add_tables(*names: str) -> Migration:
    """A migration that creates new tables (and their indexes) from `TABLES`: the usual way to grow the schema."""
    def migrate(conn: Connection, dialect: Dialect, _dumps: Callable[[object], str]) -> None:
        for stmt in dialect.ddl(names):
            conn.execute(stmt)
    return migrate


def _migrate_1_to_2(conn: Connection, dialect: Dialect, dumps_map: Callable[[object], str]) -> None:
    """Add touches/undone/merged to every edit and build checkpoints, by replaying each map once."""
    from ditmap.model import DitMap
    from ditmap.operations import parse_operation

    conn.execute("ALTER TABLE edits ADD COLUMN touches_json TEXT NOT NULL DEFAULT '[]'")
    conn.execute("ALTER TABLE edits ADD COLUMN undone INTEGER NOT NULL DEFAULT 0")
    conn.execute("ALTER TABLE edits ADD COLUMN merged INTEGER NOT NULL DEFAULT 0")
    for stmt in dialect.ddl(("checkpoints", "edits")):
        if "checkpoints" in stmt or "CREATE INDEX" in stmt:
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
                conn.execute("INSERT INTO checkpoints (map_id, version, map_json) VALUES (?, ?, ?)"
                             " ON CONFLICT (map_id, version) DO UPDATE SET map_json = excluded.map_json",
                             (map_id, version, dumps_map(m)))


def _migrate_2_to_3(conn: Connection, dialect: Dialect, dumps_map: Callable[[object], str]) -> None:
    """Add clinic mode's tables; maps and their history are untouched."""
    add_tables(*CLINIC_TABLES)(conn, dialect, dumps_map)


def build_summaries(conn: Connection) -> None:
    """(Re)write every map's caseload summary from its current content, and record the summary format."""
    from ditmap.caseload import SUMMARY_FORMAT, summarise
    from ditmap.model import DitMap

    for (map_id, current_json) in conn.execute("SELECT id, current_json FROM maps").fetchall():
        summary = summarise(DitMap.model_validate_json(current_json))
        conn.execute("INSERT INTO map_summaries (map_id, summary_json) VALUES (?, ?)"
                     " ON CONFLICT (map_id) DO UPDATE SET summary_json = excluded.summary_json",
                     (map_id, json.dumps(summary.to_json())))
    conn.execute("INSERT INTO meta (key, value) VALUES ('summary_format', ?)"
                 " ON CONFLICT (key) DO UPDATE SET value = excluded.value", (str(SUMMARY_FORMAT),))


def summaries_current(conn: Connection) -> bool:
    """Whether the stored summaries were made by this ditmap's `summarise`."""
    from ditmap.caseload import SUMMARY_FORMAT

    row = conn.execute("SELECT value FROM meta WHERE key = 'summary_format'").fetchone()
    return row is not None and row[0] == str(SUMMARY_FORMAT)


def _migrate_3_to_4(conn: Connection, dialect: Dialect, dumps_map: Callable[[object], str]) -> None:
    """Add the caseload summaries (built for every map now) and the reviews table."""
    add_tables("map_summaries", "reviews")(conn, dialect, dumps_map)
    build_summaries(conn)


MIGRATIONS: dict[int, Migration] = {1: _migrate_1_to_2, 2: _migrate_2_to_3, 3: _migrate_3_to_4}
"""from-version → the migration that brings a store at that version to the next one (inside one transaction)."""


def newer_message(version: int) -> str:
    return (f"this database was made by a newer ditmap (schema {version}); "
            f"this ditmap understands up to {SCHEMA_VERSION} — update ditmap")


def migrate(conn: Connection, dialect: Dialect, found: int, what: str, dumps_map: Callable[[object], str],
            errors: tuple[type[BaseException], ...]) -> None:
    """Create every table (found 0: an empty database) or run the migrations from `found` up to `SCHEMA_VERSION`.

    The caller holds a transaction (and the database's lock for schema changes), records the new version,
    and rolls back on any error, so a migration interrupted half-way leaves the old store as it was.
    """
    version = found
    if version == 0:
        for stmt in dialect.ddl():
            conn.execute(stmt)
        conn.execute("INSERT INTO meta (key, value) VALUES ('application', 'ditmap')"
                     " ON CONFLICT (key) DO UPDATE SET value = excluded.value")
        version = SCHEMA_VERSION
    while version < SCHEMA_VERSION:
        try:
            MIGRATIONS[version](conn, dialect, dumps_map)
        except (*errors, ValueError) as err:  # ValueError: OperationError, pydantic's ValidationError
            raise SchemaError(f"{what} could not be updated from schema {version} to {version + 1} ({err}); "
                              "it was left as it was") from None
        version += 1
    if not summaries_current(conn):  # a new store, or summaries made by another ditmap's `summarise`
        build_summaries(conn)
    conn.execute("INSERT INTO meta (key, value) VALUES ('schema_version', ?)"
                 " ON CONFLICT (key) DO UPDATE SET value = excluded.value", (str(SCHEMA_VERSION),))


# --- SQLite: the version in PRAGMA user_version, the mark in PRAGMA application_id ---------------------

def _sqlite_is_empty(conn: Connection) -> bool:
    return conn.execute("SELECT count(*) FROM sqlite_schema").fetchone()[0] == 0


def check_openable(conn: Connection, what: str) -> int:
    """The schema version of a SQLite ditmap store (0 for an empty file); raise SchemaError for anything else."""
    app_id = conn.execute("PRAGMA application_id").fetchone()[0]
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    if app_id == 0 and version == 0 and _sqlite_is_empty(conn):
        return 0
    if app_id != APPLICATION_ID:
        raise SchemaError(f"{what} is not a ditmap store")
    if version > SCHEMA_VERSION:
        raise SchemaError(newer_message(version))
    if version < 1:
        raise SchemaError(f"{what} is not a ditmap store (no schema version)")
    return version


def ensure_schema(conn: Connection, what: str, dumps_map: Callable[[object], str]) -> int:
    """SQLite: create the tables in an empty file or migrate an older store; returns the schema version found.

    Runs in one IMMEDIATE transaction so two processes opening a new store at once cannot both create it.
    """
    import sqlite3

    version = check_openable(conn, what)
    if version == SCHEMA_VERSION and summaries_current(conn):
        return version
    conn.execute("BEGIN IMMEDIATE")
    try:
        found = check_openable(conn, what)  # another process may have done it while we waited
        if found != SCHEMA_VERSION or not summaries_current(conn):
            migrate(conn, SQLITE, found, what, dumps_map, (sqlite3.Error,))
            if found == 0:
                conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
            conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    return found
