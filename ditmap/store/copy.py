"""Moving a practice between back ends: copy a whole store, check the copy; PostgreSQL backup and restore.

`copy_store(source, target)` copies every map with its whole history, snapshots and checkpoints, row for
row (the schema is one description, so the rows mean the same on both back ends), in one read snapshot of
the source and one transaction on the target: a copy that fails half-way leaves the target empty. It
refuses a target that already holds maps or clinic records. Then it checks the copy through the `Store`
interface, not by comparing rows: for every map the same name, flags, times and version, the same current
map, the same history (every edit: operation, inverse, sentence, author, time, undo/redo links), the same
snapshots and the same map at every snapshot, and the same undo/redo state.

Clinic mode's lasting records go too: accounts (password hashes, second factors), who owns which map,
supervision assignments, settings and the audit trail, row for row, so every audit row keeps its seq and
hash; the check compares them and verifies the audit chain on the target. Sessions, pending shares and
the sign-in failure counts are NOT copied (`SHORT_LIVED`): they last minutes to hours, a session token
tied to one server should not start working on another, and everyone simply signs in again on the new one.

A PostgreSQL store's `backup(path)` is a copy into a new SQLite file (one self-contained file, readable
by any ditmap, restorable into either back end); `restore(path)` checks that file and replaces the whole
PostgreSQL store with it in one transaction. For a whole-cluster backup use PostgreSQL's own tools
(`pg_dump -Fc DBNAME > ditmap.dump`, `pg_restore -d DBNAME ditmap.dump`) — see docs/store.md.
"""

from __future__ import annotations

import shutil
import sqlite3
import tempfile
from dataclasses import dataclass
from pathlib import Path

from ditmap.audit import verify
from ditmap.fileformat import dumps
from ditmap.operations import dump_operation
from ditmap.store.base import StoreError
from ditmap.store.schema import CLINIC_TABLES, TABLES, Table
from ditmap.store.sql_store import SqlStore

SHORT_LIVED = ("sessions", "shares", "sign_in_failures")
"""Clinic records that are not copied: they expire within hours, and a copy means signing in again."""

COPIED: tuple[Table, ...] = tuple(t for t in TABLES if t.name != "meta" and t.name not in SHORT_LIVED)
"""Parents before children; `meta` describes each store itself and is never copied."""

CLINIC_COPIED: tuple[Table, ...] = tuple(t for t in COPIED if t.name in CLINIC_TABLES)


@dataclass(frozen=True)
class CopyReport:
    maps: int
    edits: int
    snapshots: int
    accounts: int = 0
    audit_rows: int = 0

    def __str__(self) -> str:
        text = (f"{self.maps} map{'s' * (self.maps != 1)}, {self.edits} edit{'s' * (self.edits != 1)}, "
                f"{self.snapshots} snapshot{'s' * (self.snapshots != 1)}")
        if self.accounts or self.audit_rows:
            text += (f", {self.accounts} account{'s' * (self.accounts != 1)}, "
                     f"{self.audit_rows} audit row{'s' * (self.audit_rows != 1)}")
        return text


def _columns(t: Table) -> list[str]:
    return [c.split()[0] for c in t.columns]


def _count(store: SqlStore) -> int:
    with store._tx(write=False) as conn:
        return conn.execute("SELECT count(*) FROM maps").fetchone()[0]


def _transfer(source: SqlStore, target: SqlStore, *, replace: bool) -> CopyReport:
    counts: dict[str, int] = {}
    dialect = target.DIALECT
    with source._tx(write=False) as src, target._tx() as dest:
        if replace:  # a whole-store restore: the one place rows leave the audit trail (as a SQLite restore does)
            for stmt in dialect.unguard("audit"):
                dest.execute(stmt)
            for t in reversed(TABLES):
                if t.name != "meta":
                    dest.execute(f"DELETE FROM {t.name}")
            for stmt in dialect.guard("audit"):
                dest.execute(stmt)
        else:
            held = dest.execute("SELECT count(*) FROM maps").fetchone()[0]
            if held:
                raise StoreError(f"{target.location} already holds {held} map{'s' * (held != 1)}; "
                                 "ditmap copies only into an empty store — nothing was copied")
            for t in CLINIC_COPIED:
                if dest.execute(f"SELECT 1 FROM {t.name} LIMIT 1").fetchone() is not None:
                    raise StoreError(f"{target.location} already holds clinic records ({t.name}); "
                                     "ditmap copies only into an empty store — nothing was copied")
        for t in COPIED:
            cols = _columns(t)
            rows = src.execute(f"SELECT {', '.join(cols)} FROM {t.name} ORDER BY {', '.join(t.primary_key)}")
            insert = f"INSERT INTO {t.name} ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})"
            n = 0
            while batch := rows.fetchmany(500):
                dest.executemany(insert, batch)
                n += len(batch)
            counts[t.name] = n
    return CopyReport(maps=counts["maps"], edits=counts["edits"], snapshots=counts["snapshots"],
                      accounts=counts["accounts"], audit_rows=counts["audit"])


def _rows(store: SqlStore, t: Table) -> list[tuple]:
    """A clinic table's rows, in Python's order (the back ends sort case-insensitive names differently)."""
    with store._tx(write=False) as conn:
        return sorted(tuple(r) for r in conn.execute(f"SELECT {', '.join(_columns(t))} FROM {t.name}"))


def verify_clinic_copy(source: SqlStore, target: SqlStore) -> list[str]:
    """What differs between two stores' lasting clinic records, and whether the target's audit chain holds."""
    problems = [f"the {t.name} records differ" for t in CLINIC_COPIED if _rows(source, t) != _rows(target, t)]
    records = target.clinic()
    verdict = verify(records.audit_rows(), records.audit_head())
    if not verdict.ok:
        problems.append(f"the copy's audit trail does not verify: {verdict.message}")
    return problems


def _edits(store: SqlStore, map_id: str) -> list[tuple]:
    return [(e.version, dump_operation(e.op), dump_operation(e.inverse), e.sentence, e.author, e.at, e.undo_of,
             e.redo_of, e.merged) for e in store.history(map_id)]


def verify_copy(source: SqlStore, target: SqlStore) -> list[str]:
    """What differs between two stores, through the Store interface (empty when the copy is faithful)."""
    problems: list[str] = []
    theirs = {i.id: i for i in target.list_maps(include_archived=True, include_deleted=True)}
    for info in source.list_maps(include_archived=True, include_deleted=True):
        other = theirs.pop(info.id, None)
        if other is None:
            problems.append(f"map {info.id} is missing from the copy")
            continue
        if other != info:
            problems.append(f"map {info.id}: name, flags, times or version differ")
            continue
        if dumps(source.load(info.id)[0]) != dumps(target.load(info.id)[0]):
            problems.append(f"map {info.id}: the current map differs")
        if _edits(source, info.id) != _edits(target, info.id):
            problems.append(f"map {info.id}: the history differs")
        snaps = source.snapshots(info.id)
        if snaps != target.snapshots(info.id):
            problems.append(f"map {info.id}: the snapshots differ")
        for s in snaps:
            if dumps(source.map_at(info.id, s.version)) != dumps(target.map_at(info.id, s.version)):
                problems.append(f"map {info.id}: the map at snapshot version {s.version} differs")
        for step in ("next_undo", "next_redo"):
            if getattr(source, step)(info.id) != getattr(target, step)(info.id):
                problems.append(f"map {info.id}: what {step.removeprefix('next_')} would do differs")
    problems += [f"map {map_id} is in the copy but not in the source" for map_id in theirs]
    problems += verify_clinic_copy(source, target)
    if target.integrity_check() != ["ok"]:
        problems.append("the copy fails its integrity check")
    return problems


def copy_store(source: SqlStore, target: SqlStore) -> CopyReport:
    """Copy every map with its whole history into an empty store, then check the copy (StoreError if it differs)."""
    if source.location == target.location:
        raise StoreError("the source and the target are the same store")
    report = _transfer(source, target, replace=False)
    problems = verify_copy(source, target)
    if problems:
        raise StoreError(f"the copy in {target.location} does not match its source: {problems[0]}"
                         + (f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""))
    return report


def backup_to_file(store: SqlStore, path: Path) -> Path:
    """A PostgreSQL store's backup: a new SQLite file holding a checked copy of every map (refuses to overwrite)."""
    from ditmap.store.sqlite import SqliteStore

    if path.exists() and (path.is_dir() or path.stat().st_size > 0):
        raise StoreError(f"{path} already exists; choose a new file name")
    try:
        with SqliteStore(path) as dest:
            copy_store(store, dest)
        conn = sqlite3.connect(path)  # the store closed (its idle connection too): now the only connection
        try:
            conn.execute("PRAGMA journal_mode = DELETE")  # one self-contained file
        finally:
            conn.close()
    except BaseException:
        for leftover in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
            leftover.unlink(missing_ok=True)
        raise
    return path


def restore_from_file(store: SqlStore, path: Path) -> CopyReport:
    """Replace a (PostgreSQL) store's every map with a backup file's, in one transaction; a bad file changes nothing.

    The file is opened from a private temporary copy, so checking (and migrating a backup from an older
    ditmap) never modifies it.
    """
    from ditmap.store.sqlite import SqliteStore

    if not path.is_file():
        raise StoreError(f"{path}: no such file")
    with tempfile.TemporaryDirectory(prefix="ditmap-restore-") as tmp:
        work = Path(tmp) / "backup.sqlite3"
        shutil.copyfile(path, work)
        try:
            source = SqliteStore(work)
        except StoreError as err:
            raise StoreError(str(err).replace(str(work), str(path))) from None
        with source:
            status = source.integrity_check()
            if status != ["ok"]:
                raise StoreError(f"{path} is damaged (integrity check: {status[0]}); nothing was restored")
            report = _transfer(source, store, replace=True)
            problems = verify_copy(source, store)
    announce = getattr(store, "announce_reset", None)
    if announce is not None:
        announce()  # every process forgets the versions it knew: they may have gone down
    if problems:
        raise StoreError(f"the restored store does not match {path}: {problems[0]}")
    return report
