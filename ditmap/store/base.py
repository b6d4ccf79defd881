"""The store's interface: what callers (the dashboard, the CLI) may rely on, whatever database is behind it.

Two implementations share their rules (`ditmap.store.sql_store.SqlStore`): `SqliteStore` (one file,
the embedded default) and `PostgresStore` (a clinic's server database); callers cannot tell them apart.
Every write is one edit operation (`ditmap.operations`), so history, undo/redo, diff and co-editing all
come from one mechanism.
"""

from __future__ import annotations

import datetime as dt
from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from ditmap.caseload import MapSummary, summarise
from ditmap.model import DitMap
from ditmap.operations import Operation

if TYPE_CHECKING:
    from ditmap.accounts.clinic_store import ClinicStore


@dataclass(frozen=True, slots=True)
class MapInfo:
    """A saved map as listed on the home page."""

    id: str
    name: str
    version: int
    created_at: dt.datetime
    updated_at: dt.datetime
    archived: bool = False
    deleted: bool = False


@dataclass(frozen=True, slots=True)
class Edit:
    """One applied operation in a map's history."""

    version: int  # the version this edit produced
    op: Operation
    inverse: Operation
    sentence: str  # the operation's describe() sentence
    author: str
    at: dt.datetime
    undo_of: int | None = None  # set when this edit undid the edit that produced that version
    redo_of: int | None = None
    merged: bool = False  # made against a stale version and merged (it touched other fields than the edits since)


@dataclass(frozen=True, slots=True)
class Applied:
    """The result of a successful write."""

    version: int
    map: DitMap
    edit: Edit
    merged: bool = False  # True when it was made against a stale version and merged safely


@dataclass(frozen=True, slots=True)
class Snapshot:
    name: str
    version: int
    at: dt.datetime
    author: str = ""


@dataclass(frozen=True, slots=True)
class Review:
    """A supervisor's sign-off: this version of the map was reviewed, by whom, when."""

    version: int
    reviewer: str
    at: dt.datetime


@dataclass(frozen=True, slots=True)
class FieldChange:
    field: str
    before: object
    after: object


@dataclass(frozen=True, slots=True)
class ItemDiff:
    kind: str  # person, relationship, pattern, enactment, session, comment, client
    id: str
    label: str
    change: str  # "added", "removed" or "changed"
    fields: tuple[FieldChange, ...] = ()


@dataclass(frozen=True, slots=True)
class MapDiff:
    from_version: int
    to_version: int
    items: tuple[ItemDiff, ...] = field(default_factory=tuple)

    @property
    def empty(self) -> bool:
        return not self.items


class StoreError(Exception):
    """A store operation that cannot be done, with a message for the user."""


class MapNotFound(StoreError):
    pass


class Conflict(StoreError):
    """An edit made against a stale view collided with someone else's edit to the same field.

    Nothing was written. `theirs` are the edits since `base_version` that touched the same fields,
    so the UI can show what the other person changed and let this person decide.
    """

    def __init__(self, message: str, base_version: int, current_version: int, theirs: tuple[Edit, ...]):
        super().__init__(message)
        self.base_version = base_version
        self.current_version = current_version
        self.theirs = theirs


class Store(ABC):
    """Saved maps, their full edit history, snapshots, and a change feed for live co-editing."""

    # maps
    @abstractmethod
    def list_maps(self, *, include_archived: bool = False, include_deleted: bool = False) -> list[MapInfo]: ...
    @abstractmethod
    def create_map(self, name: str, m: DitMap, *, author: str = "") -> MapInfo: ...
    @abstractmethod
    def info(self, map_id: str) -> MapInfo: ...
    @abstractmethod
    def rename(self, map_id: str, name: str) -> MapInfo: ...
    @abstractmethod
    def duplicate(self, map_id: str, name: str) -> MapInfo: ...
    @abstractmethod
    def set_archived(self, map_id: str, archived: bool) -> MapInfo: ...
    @abstractmethod
    def set_deleted(self, map_id: str, deleted: bool) -> MapInfo: ...  # soft delete / restore

    # reading
    @abstractmethod
    def load(self, map_id: str) -> tuple[DitMap, int]: ...  # (current map, its version)
    @abstractmethod
    def version(self, map_id: str) -> int: ...  # cheap: for polling every second
    @abstractmethod
    def edits_since(self, map_id: str, version: int) -> list[Edit]: ...  # the change feed
    @abstractmethod
    def history(self, map_id: str, *, limit: int | None = None) -> list[Edit]: ...  # newest first
    @abstractmethod
    def map_at(self, map_id: str, version: int) -> DitMap: ...
    @abstractmethod
    def diff(self, map_id: str, from_version: int, to_version: int) -> MapDiff: ...

    # writing
    @abstractmethod
    def apply(self, map_id: str, op: Operation, *, base_version: int, author: str = "") -> Applied:
        """Apply one operation in one transaction. Raises `Conflict` (nothing written) or OperationError."""
    @abstractmethod
    def undo(self, map_id: str, *, author: str = "") -> Applied | None: ...  # None: nothing to undo
    @abstractmethod
    def redo(self, map_id: str, *, author: str = "") -> Applied | None: ...
    @abstractmethod
    def can_undo(self, map_id: str) -> bool: ...
    @abstractmethod
    def can_redo(self, map_id: str) -> bool: ...
    @abstractmethod
    def next_undo(self, map_id: str) -> Edit | None: ...  # the edit Undo would reverse now
    @abstractmethod
    def next_redo(self, map_id: str) -> Edit | None: ...  # the edit Redo would re-apply now

    # snapshots
    @abstractmethod
    def snapshot(self, map_id: str, name: str, *, author: str = "") -> Snapshot: ...
    @abstractmethod
    def snapshots(self, map_id: str) -> list[Snapshot]: ...

    # supervision: summaries for the caseload, reviews
    def summaries(self, *, include_archived: bool = False) -> list[tuple[MapInfo, MapSummary]]:
        """Every listed map with its caseload summary.

        This default reads each map in full; a store should keep summaries up to date on every write
        (as `SqliteStore` does in the edit's own transaction) and override it.
        """
        return [(info, summarise(self.load(info.id)[0])) for info in self.list_maps(include_archived=include_archived)]

    def record_review(self, map_id: str, *, reviewer: str, version: int | None = None) -> Review:
        """Record that `reviewer` reviewed the map at `version` (default: the current one)."""
        raise NotImplementedError(f"{type(self).__name__} does not keep reviews")

    def reviews(self, map_id: str) -> list[Review]:
        """The map's reviews, oldest first."""
        raise NotImplementedError(f"{type(self).__name__} does not keep reviews")

    def last_reviewed(self, reviewer: str) -> dict[str, int]:
        """Map id → the latest version `reviewer` reviewed, for every map they reviewed."""
        raise NotImplementedError(f"{type(self).__name__} does not keep reviews")

    # files (the same for every backend: through the file format)
    def import_map(self, path: str | Path, *, name: str | None = None, author: str = "") -> MapInfo:
        """Create a map from a `.ditmap.json` file; raises `ditmap.fileformat.MapFileError` for a bad file."""
        from ditmap.fileformat import SUFFIX, load

        p = Path(path)
        m = load(p)
        return self.create_map(name or p.name.removesuffix(SUFFIX).removesuffix(".json") or m.client.pseudonym,
                               m, author=author)

    def export_map(self, map_id: str, path: str | Path) -> Path:
        """Write a saved map's current content to a `.ditmap.json` file (written atomically)."""
        from ditmap.fileformat import dump

        m, _version = self.load(map_id)
        dump(m, Path(path))
        return Path(path)

    def clinic(self) -> ClinicStore | None:
        """Clinic mode's records (accounts, sessions, shares, ownership, audit) beside the maps, or None when
        this backend keeps none (then only personal mode is possible)."""
        return None

    def close(self) -> None:
        """Release whatever the store holds open (nothing by default); it stays usable."""
        return None
