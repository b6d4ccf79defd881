"""Checking a backup file before a restore: say what is wrong with the file, in words, before anything changes.

A backup is read from a private copy in a temporary folder, never in place: opening an SQLite file
can create `-shm`/`-wal` files beside it (and fails with "attempt to write a readonly database" where
that folder is read-only), and a restore must not touch the backup it reads.
"""

from __future__ import annotations

import shutil
import sqlite3
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

HEADER = b"SQLite format 3\x00"


class BackupFileError(ValueError):
    """The file cannot be restored from; the message says why, naming the file."""


def _size(n: int) -> str:
    return f"{n:,}".replace(",", " ")


def check_header(path: Path) -> None:
    """Refuse a file that is not an SQLite database, or one shorter than its own header says (cut short)."""
    try:
        with path.open("rb") as f:
            head = f.read(100)
        size = path.stat().st_size
    except OSError as err:
        raise BackupFileError(f"{path} cannot be read: {err.strerror or err}") from None
    if size == 0:
        raise BackupFileError(f"{path} is empty; it is not a ditmap store")
    if not head.startswith(HEADER) or len(head) < 100:
        raise BackupFileError(f"{path} is not a ditmap store: it is not an SQLite database file")
    page_size = int.from_bytes(head[16:18], "big")
    page_size = 65536 if page_size == 1 else page_size
    pages = int.from_bytes(head[28:32], "big")
    expected = page_size * pages
    if pages and size < expected:
        raise BackupFileError(
            f"{path} is incomplete: the file has {_size(size)} bytes but its header says {_size(expected)} "
            "(a copy or download cut short?); nothing was restored — use a complete backup")
    if size % page_size:
        raise BackupFileError(f"{path} is incomplete: its size is not a whole number of database pages "
                              "(a copy cut short?); nothing was restored")


@contextmanager
def private_copy(path: Path) -> Iterator[sqlite3.Connection]:
    """A connection to a copy of the backup (with its `-wal` file, if one lies beside it)."""
    check_header(path)
    with tempfile.TemporaryDirectory(prefix="ditmap-restore-") as tmp:
        copy = Path(tmp) / "backup.sqlite3"
        shutil.copyfile(path, copy)
        wal = path.with_name(path.name + "-wal")
        if wal.is_file() and wal.stat().st_size:
            shutil.copyfile(wal, copy.with_name(copy.name + "-wal"))
        conn = sqlite3.connect(copy)
        try:
            yield conn
        finally:
            conn.close()
