"""The PostgreSQL store: the same rules as SQLite (`SqlStore`), for a clinic running several app processes.

Chosen by `DITMAP_DB=postgresql://…` (or `--db`). What differs from SQLite, and why:
- Connections come from a psycopg_pool pool (checked on checkout, so after a server restart a dead
  connection is replaced, not used): the store reconnects by itself.
- A write transaction locks the map's row first (`SELECT … FOR UPDATE`): writers to one map queue, writers
  to different maps do not wait for each other. Reads run in one REPEATABLE READ snapshot.
- Every write announces the map's new version with NOTIFY (`ditmap.store.pg_feed`); `version()` — the
  live poll — is answered from memory while the listener is connected.
- The schema is the one description in `ditmap.store.schema`; the schema version lives in the `meta`
  table; creating or migrating it holds an advisory lock, so two processes starting at once cannot race.
Errors never show a password; logs hold map ids and versions only.
"""

from __future__ import annotations

import functools
import os
import threading
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager, suppress
from pathlib import Path
from typing import Any

import psycopg
from psycopg import pq
from psycopg_pool import ConnectionPool, PoolTimeout

from ditmap.operations import Operation
from ditmap.store.base import Applied, StoreError
from ditmap.store.pg_feed import CHANNEL, RESET, VersionFeed
from ditmap.store.postgres_url import redact
from ditmap.store.schema import (
    APPLICATION_ID,
    POSTGRES,
    SCHEMA_VERSION,
    SchemaError,
    migrate,
    newer_message,
    summaries_current,
)
from ditmap.store.sql_store import SqlStore, dumps_map, log

POOL_MAX = 10  # connections per process; a unit of work holds one for milliseconds
POOL_TIMEOUT_S = 20.0  # how long a unit of work waits for a connection (covers a server restart) before failing
CONNECT_TIMEOUT_S = 5


@functools.lru_cache(maxsize=512)
def _pg_sql(sql: str) -> str:
    """`?` placeholders (the store's SQL, written once) as psycopg's `%s`."""
    return sql.replace("%", "%%").replace("?", "%s")


class _PgConn:
    """A psycopg connection speaking the store's `?`-placeholder SQL."""

    __slots__ = ("raw",)

    def __init__(self, raw: psycopg.Connection):
        self.raw = raw

    def execute(self, sql: str, params: Any = None, /) -> psycopg.Cursor:
        return self.raw.execute(_pg_sql(sql), params)

    def executemany(self, sql: str, rows: Any, /) -> None:
        with self.raw.cursor() as cur:
            cur.executemany(_pg_sql(sql), rows)


def _reason(err: BaseException) -> str:
    """A short, content-free reason (the server's primary message, never DETAIL lines with row values)."""
    diag = getattr(err, "diag", None)
    primary = getattr(diag, "message_primary", None) if diag is not None else None
    return (primary or str(err).split("\n", 1)[0] or type(err).__name__).strip()


def check_openable(conn: _PgConn, what: str) -> int:
    """The schema version of a ditmap store in this database (0 when it holds no tables); else SchemaError."""
    tables = {r[0] for r in conn.execute(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()")}
    if not tables:
        return 0
    if "meta" not in tables:
        raise SchemaError(f"{what} is not a ditmap store (it holds other tables)")
    meta = dict(conn.execute("SELECT key, value FROM meta").fetchall())
    if meta.get("application") != "ditmap":
        raise SchemaError(f"{what} is not a ditmap store")
    version = int(meta.get("schema_version") or 0)
    if version > SCHEMA_VERSION:
        raise SchemaError(newer_message(version))
    if version < 1:
        raise SchemaError(f"{what} is not a ditmap store (no schema version)")
    return version


def _read_versions(conn: psycopg.Connection, map_ids: list[str]) -> dict[str, int]:
    return dict(conn.execute("SELECT id, version FROM maps WHERE id = ANY(%s)", (map_ids,)).fetchall())


class PostgresStore(SqlStore):
    """A ditmap store in a PostgreSQL database. Safe to share across threads; reopened by itself after a fork."""

    _LOCK = " FOR UPDATE"
    DIALECT = POSTGRES
    # The announcement rides on the UPDATE that moves the version (no extra round trip); NOTIFY is
    # transactional, so it is delivered at commit, and never for an edit rolled back.
    _ANNOUNCE = f" RETURNING pg_notify('{CHANNEL}', id || ' ' || version)"

    def __init__(self, url: str):
        super().__init__()
        self.url = url
        self._where = redact(url)
        self._guard = threading.Lock()
        self._pid = os.getpid()
        self._pool_obj: ConnectionPool | None = None
        self._feed_obj: VersionFeed | None = None
        self._inherited: list[object] = []
        try:
            raw = psycopg.connect(url, autocommit=True, connect_timeout=CONNECT_TIMEOUT_S, application_name="ditmap")
        except psycopg.Error as err:
            raise StoreError(f"cannot connect to the database {self._where}: {_reason(err)}") from None
        with raw:
            conn = _PgConn(raw)
            try:
                if check_openable(conn, self._where) != SCHEMA_VERSION or not summaries_current(conn):
                    conn.execute("BEGIN")
                    conn.execute("SELECT pg_advisory_xact_lock(?)", (APPLICATION_ID,))  # one creator at a time
                    found = check_openable(conn, self._where)
                    if found != SCHEMA_VERSION or not summaries_current(conn):
                        migrate(conn, POSTGRES, found, self._where, dumps_map, (psycopg.Error,))
                    conn.execute("COMMIT")
            except SchemaError as err:
                raise StoreError(str(err)) from None
            except psycopg.Error as err:
                raise StoreError(f"database {self._where}: {_reason(err)}") from None

    @property
    def location(self) -> str:
        return self._where

    # --- connections -------------------------------------------------------------------------------

    def _forked(self) -> bool:
        """After a fork the parent's pool and listener are not ours: start fresh ones, and never close theirs.

        Their objects are kept alive (`_inherited`), not dropped: freeing an inherited connection would
        send the server a goodbye on the parent's socket and cut the parent off.
        """
        if self._pid != os.getpid():
            self._pid = os.getpid()
            self._inherited.extend(x for x in (self._pool_obj, self._feed_obj) if x is not None)
            self._pool_obj = None
            self._feed_obj = None
            return True
        return False

    def _pool(self) -> ConnectionPool:
        pool = self._pool_obj
        if pool is not None and self._pid == os.getpid():
            return pool
        with self._guard:
            self._forked()
            if self._pool_obj is None:
                self._pool_obj = ConnectionPool(
                    self.url, min_size=1, max_size=POOL_MAX, timeout=POOL_TIMEOUT_S, name="ditmap",
                    kwargs={"autocommit": True, "connect_timeout": CONNECT_TIMEOUT_S, "application_name": "ditmap"},
                    check=ConnectionPool.check_connection, open=True)
            return self._pool_obj

    def _feed(self) -> VersionFeed:
        feed = self._feed_obj
        if feed is not None and self._pid == os.getpid():
            return feed
        with self._guard:
            self._forked()
            if self._feed_obj is None:
                self._feed_obj = VersionFeed(self.url, _read_versions)
            return self._feed_obj

    @contextmanager
    def _connect(self) -> Iterator[_PgConn]:
        """One pooled connection for one unit of work; database errors become a StoreError (no password)."""
        try:
            with self._pool().connection() as raw:
                yield _PgConn(raw)
        except PoolTimeout:
            raise StoreError(f"cannot reach the database {self._where} (no connection within "
                             f"{POOL_TIMEOUT_S:.0f} s); nothing was written — try again") from None
        except psycopg.OperationalError as err:
            raise StoreError(f"lost the connection to the database {self._where} ({_reason(err)}); "
                             "nothing was written — try again") from None
        except psycopg.Error as err:
            raise StoreError(f"database {self._where}: {_reason(err)}") from None

    @contextmanager
    def _tx(self, *, write: bool = True) -> Iterator[_PgConn]:
        """A write transaction (the map row is locked by `_map_row(lock=True)`) or a REPEATABLE READ snapshot."""
        with self._connect() as conn:
            conn.execute("BEGIN" if write else "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
            try:
                yield conn
            except BaseException:
                if not conn.raw.closed and conn.raw.info.transaction_status != pq.TransactionStatus.IDLE:
                    with suppress(psycopg.Error):  # the pool discards a broken connection
                        conn.execute("ROLLBACK")
                raise
            try:
                conn.execute("COMMIT")
            except psycopg.OperationalError as err:
                # The COMMIT may or may not have reached the server: never claim either.
                raise StoreError(f"lost the connection to the database {self._where} while saving "
                                 f"({_reason(err)}); reload the map to see whether this change was saved") from None

    def _batch(self, conn: _PgConn) -> AbstractContextManager[object]:
        return conn.raw.pipeline()

    def close(self) -> None:
        """Close the pool and stop the listener. The store stays usable: the next call opens new ones."""
        with self._guard:
            pool, feed = self._pool_obj, self._feed_obj
            self._pool_obj = self._feed_obj = None
        if feed is not None:
            feed.close()
        if pool is not None and self._pid == os.getpid():
            pool.close()

    # --- the live feed -----------------------------------------------------------------------------

    def version(self, map_id: str) -> int:
        """The map's current version: from memory while the listener is connected, else one indexed query."""
        feed = self._feed()
        generation, cached = feed.lookup(map_id)
        if cached is not None:
            return cached
        version = super().version(map_id)
        feed.remember(map_id, version, generation)
        return version

    def _written(self, applied: Applied | None, map_id: str) -> Applied | None:
        if applied is not None and self._feed_obj is not None:
            feed = self._feed_obj
            feed.remember(map_id, applied.version, feed.lookup(map_id)[0])
        return applied

    def apply(self, map_id: str, op: Operation, *, base_version: int, author: str = "") -> Applied:
        return self._written(super().apply(map_id, op, base_version=base_version, author=author), map_id)

    def undo(self, map_id: str, *, author: str = "") -> Applied | None:
        return self._written(super().undo(map_id, author=author), map_id)

    def redo(self, map_id: str, *, author: str = "") -> Applied | None:
        return self._written(super().redo(map_id, author=author), map_id)

    # --- whole-store operations --------------------------------------------------------------------

    def integrity_check(self) -> list[str]:
        """The store's own invariants, checked in one snapshot: ["ok"], else one line per problem (ids only)."""
        problems: list[str] = []
        with self._tx(write=False) as conn:
            for map_id, version, n, top in conn.execute(
                    "SELECT m.id, m.version, count(e.version), coalesce(max(e.version), 0) FROM maps m"
                    " LEFT JOIN edits e ON e.map_id = m.id GROUP BY m.id, m.version"
                    " HAVING count(e.version) <> m.version OR coalesce(max(e.version), 0) <> m.version"):
                problems.append(f"map {map_id}: version {version} but {n} edits (latest {top})")
            for map_id, version in conn.execute(
                    "SELECT c.map_id, c.version FROM checkpoints c JOIN maps m ON m.id = c.map_id"
                    " WHERE c.version > m.version"):  # (also at each session's end and snapshot, not only every 50)
                problems.append(f"map {map_id}: checkpoint at version {version} does not belong there")
        return problems or ["ok"]

    def announce_reset(self) -> None:
        """Tell every process's feed that any map's version may have changed (after replacing the whole store)."""
        with self._connect() as conn:
            conn.execute("SELECT pg_notify(?, ?)", (CHANNEL, RESET))

    def backup(self, path: str | Path) -> Path:
        """Copy every map with its whole history into a new SQLite file (checked; see `ditmap.store.copy`)."""
        from ditmap.store.copy import backup_to_file

        out = backup_to_file(self, Path(path))
        log.info("backed up the store")
        return out

    def restore(self, path: str | Path) -> None:
        """Replace every map with a backup file's (checked first; one transaction; a bad file changes nothing)."""
        from ditmap.store.copy import restore_from_file

        restore_from_file(self, Path(path))
        self._parsed.clear()
        log.info("restored the store from a backup")
