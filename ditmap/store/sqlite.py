"""The SQLite store: maps, every edit applied to them, snapshots, and a change feed, in one file.

The rules (history, undo/redo, merge-or-conflict) are `ditmap.store.sql_store.SqlStore`'s; this module
gives SQLite connections and the whole-file operations. Why it is built this way (see ../../docs/store.md):
- A short-lived connection per unit of work, never shared: the object holds a path (and one idle
  connection, never used for work), so one store can serve every Streamlit thread and several
  processes at once.
- WAL, `synchronous=FULL`, `foreign_keys=ON`, a busy timeout, and `BEGIN IMMEDIATE` for every
  read-then-write, so writers queue instead of failing, and an acknowledged edit survives a crash.
"""

from __future__ import annotations

import os
import sqlite3
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from ditmap.store.backup_file import BackupFileError, private_copy
from ditmap.store.base import StoreError
from ditmap.store.schema import SQLITE, SchemaError, check_openable, ensure_schema
from ditmap.store.sql_store import SqlStore, dumps_map, log

BUSY_TIMEOUT_MS = 10_000
SYNCHRONOUS = "FULL"  # an acknowledged edit survives power loss; only benchmarks building test data lower it


def _create_private(path: Path) -> None:
    """Create a new store file readable by its owner only (SQLite gives its -wal/-shm files the same mode)."""
    try:
        os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
    except FileExistsError:
        pass
    except OSError as err:
        raise StoreError(f"cannot create the store {path}: {err.strerror or err}") from None


class SqliteStore(SqlStore):
    """A ditmap store in one SQLite file. Safe to share across threads; open one per process (not across fork)."""

    DIALECT = SQLITE

    def __init__(self, path: str | Path):
        super().__init__()
        self.path = Path(path)
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

    @property
    def location(self) -> str:
        return str(self.path)

    def close(self) -> None:
        """Release the idle connection. The store stays usable (each call opens its own connection)."""
        self._keepalive.close()

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
    def _tx(self, *, write: bool = True) -> Iterator[sqlite3.Connection]:
        """A transaction: IMMEDIATE (the write lock up front) for every read-then-write, DEFERRED for reads."""
        with self._connect() as conn:
            conn.execute("BEGIN IMMEDIATE" if write else "BEGIN DEFERRED")
            try:
                yield conn
            except BaseException:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")

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
            with private_copy(src_path) as src:
                try:
                    check_openable(src, str(src_path))
                    status = [r[0] for r in src.execute("PRAGMA integrity_check")]
                    tables = {r[0] for r in src.execute("SELECT name FROM sqlite_schema WHERE type = 'table'")}
                except SchemaError as err:
                    raise StoreError(str(err)) from None
                except sqlite3.DatabaseError as err:
                    raise StoreError(f"{src_path} is damaged: SQLite cannot read it ({err}); "
                                     "nothing was restored") from None
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
        except BackupFileError as err:
            raise StoreError(str(err)) from None
        log.info("restored the store from a backup")
