"""Saved maps: `open_store()` gives the store behind the `Store` interface — SQLite by default, or PostgreSQL.

Which database is chosen by one value (`$DITMAP_DB`, or `--db` on the command line; see docs/store.md):
nothing → the per-user SQLite file (`$XDG_DATA_HOME/ditmap/ditmap.sqlite3`, else
`~/.local/share/ditmap/ditmap.sqlite3`); a path → that SQLite file; a `postgresql://…` (or `postgres://…`)
URL → that PostgreSQL database. Anything else that looks like a URL is refused with a message, never
turned into a file name.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from ditmap.store.base import (
    Applied,
    Conflict,
    Edit,
    FieldChange,
    ItemDiff,
    MapDiff,
    MapInfo,
    MapNotFound,
    Review,
    Snapshot,
    Store,
    StoreError,
)
from ditmap.store.sqlite import SqliteStore

DB_FILE_NAME = "ditmap.sqlite3"
POSTGRES_SCHEMES = ("postgresql", "postgres")

__all__ = [
    "Applied", "Conflict", "Edit", "FieldChange", "ItemDiff", "MapDiff", "MapInfo", "MapNotFound", "Review", "Snapshot",
    "SqliteStore", "Store", "StoreError", "db_target", "default_db_path", "open_store",
]

# "scheme://…", or a bare "scheme:" naming a database or web scheme (a file may contain ':' otherwise).
_URL = re.compile(r"^([A-Za-z][A-Za-z0-9+.\-]+):(//)?")
_KNOWN_SCHEMES = {"sqlite", "sqlite3", "mysql", "mariadb", "mssql", "oracle", "redis", "mongodb", "http", "https",
                  "file", "jdbc", *POSTGRES_SCHEMES}


def db_target(value: str | os.PathLike[str] | None) -> str | Path:
    """What a `DITMAP_DB`/`--db` value names: a PostgreSQL URL (str) or a SQLite file (Path).

    Raises `StoreError` for a URL of a kind ditmap cannot use (the message names the accepted forms and
    hides any password).
    """
    if isinstance(value, os.PathLike):
        return Path(value).expanduser()
    text = (value or "").strip()
    match = _URL.match(text)
    if match and (match.group(2) or match.group(1).lower() in _KNOWN_SCHEMES):
        scheme = match.group(1).lower()
        if scheme in POSTGRES_SCHEMES and match.group(2):
            return text
        from ditmap.store.postgres_url import redact

        raise StoreError(f"cannot use the database {redact(text)!r}: ditmap stores maps in a SQLite file "
                         "(give a file path) or in PostgreSQL (give a postgresql://user@host:port/dbname URL)")
    return Path(text).expanduser()


def default_db_path() -> Path:
    """Where the SQLite store lives unless told otherwise: `$DITMAP_DB`, else the per-user data folder (created)."""
    env = os.environ.get("DITMAP_DB", "").strip()
    if env:
        target = db_target(env)
        if isinstance(target, str):
            raise StoreError("DITMAP_DB names a PostgreSQL database, not a file")
        path = target
    else:
        data_home = os.environ.get("XDG_DATA_HOME", "").strip()
        base = Path(data_home).expanduser() if data_home else Path.home() / ".local" / "share"
        path = base / "ditmap" / DB_FILE_NAME
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    return path


def open_store(target: str | os.PathLike[str] | None = None) -> Store:
    """Open (creating or migrating if needed) the store named by `target`, else by `$DITMAP_DB`, else the default.

    Raises `StoreError` with a message for the user when the database cannot be used (not a ditmap store,
    made by a newer ditmap, unreadable, unreachable, or a URL of a kind ditmap does not use).
    """
    if target is None or (isinstance(target, str) and not target.strip()):
        target = os.environ.get("DITMAP_DB", "").strip() or None
    if target is None:
        return SqliteStore(default_db_path())  # the per-user folder, created private
    chosen = db_target(target)
    if isinstance(chosen, str):
        from ditmap.store.postgres import PostgresStore

        return PostgresStore(chosen)
    try:
        chosen.parent.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise StoreError(f"cannot create the folder for {chosen}: {err.strerror or err}") from None
    return SqliteStore(chosen)
