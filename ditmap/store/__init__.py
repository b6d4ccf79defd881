"""Saved maps: `open_store()` gives the store (SQLite by default) behind the `Store` interface.

The default file is `$DITMAP_DB` when set, else `$XDG_DATA_HOME/ditmap/ditmap.sqlite3`
(`~/.local/share/ditmap/ditmap.sqlite3` when XDG_DATA_HOME is unset); see docs/store.md.
"""

from __future__ import annotations

import os
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

__all__ = [
    "Applied", "Conflict", "Edit", "FieldChange", "ItemDiff", "MapDiff", "MapInfo", "MapNotFound", "Review", "Snapshot",
    "SqliteStore", "Store", "StoreError", "default_db_path", "open_store",
]


def default_db_path() -> Path:
    """Where the store lives unless told otherwise: `$DITMAP_DB`, else the per-user data folder (created)."""
    env = os.environ.get("DITMAP_DB", "").strip()
    if env:
        path = Path(env).expanduser()
    else:
        data_home = os.environ.get("XDG_DATA_HOME", "").strip()
        base = Path(data_home).expanduser() if data_home else Path.home() / ".local" / "share"
        path = base / "ditmap" / DB_FILE_NAME
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    return path


def open_store(path: str | Path | None = None) -> SqliteStore:
    """Open (creating or migrating if needed) the store at `path`, or at `default_db_path()`.

    Raises `StoreError` with a message for the user when the file cannot be used (not a ditmap store,
    made by a newer ditmap, unreadable).
    """
    if path is None:
        path = default_db_path()
    else:
        path = Path(path).expanduser()
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as err:
            raise StoreError(f"cannot create the folder for {path}: {err.strerror or err}") from None
    return SqliteStore(path)
