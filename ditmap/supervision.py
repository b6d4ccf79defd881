"""Supervision use cases on one map: mark it reviewed, replay it session by session, draw what changed.

Pure over the store's interface: no Streamlit. The pages (Caseload, Replay, Changes) and the CLI call
these, so the rules are the same everywhere and tested without a browser.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

from ditmap.layout import place
from ditmap.model import DitMap
from ditmap.operations import AddItem, Batch, Operation
from ditmap.store.base import Edit, MapDiff, Review, Snapshot, Store
from ditmap.store.diff import diff_maps

# --- review sign-off ---------------------------------------------------------------------------------


def record_review(store: Store, map_id: str, *, reviewer: str, version: int | None = None) -> Review:
    """*Mark reviewed* in the store: the version reviewed, by whom, when; "changes since my last review" count
    from it. Faces go through `ditmap.services.maps.mark_reviewed`, which checks the permission and records
    the review in the audit trail too.
    """
    return store.record_review(map_id, reviewer=reviewer, version=version)


def last_review(store: Store, map_id: str, reviewer: str) -> Review | None:
    """This reviewer's latest review of the map (by version), or None."""
    mine = [r for r in store.reviews(map_id) if r.reviewer == reviewer]
    return max(mine, key=lambda r: (r.version, r.at)) if mine else None


# --- replay ------------------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Stop:
    """A point to replay the map to: the end of a session, or a named snapshot."""

    label: str
    version: int
    since: int  # the version of the stop before; this stop's edits are those in (since, version]
    session: int | None = None
    snapshot: str | None = None


def _sessions_added(op: Operation) -> list[int]:
    if isinstance(op, AddItem) and op.kind == "session":
        return [int(op.item["number"])]
    if isinstance(op, Batch):
        return [n for o in op.ops for n in _sessions_added(o)]
    return []


def session_ends(edits: Iterable[Edit], sessions: Iterable[int], current_version: int) -> dict[int, int]:
    """Session number → the version the map was at when that session ended.

    A session ends where a later session is first recorded (the version before that edit), or now for
    the latest. A session recorded in the map as created (or imported) starts at version 0.
    """
    added: dict[int, int] = {}
    later: list[tuple[int, int]] = []  # (version, number) of every session added by an edit
    for e in sorted(edits, key=lambda e: e.version):
        for n in _sessions_added(e.op):
            added.setdefault(n, e.version)
            later.append((e.version, n))
    ends = {}
    for n in sorted(set(sessions)):
        start = added.get(n, 0)
        nxt = [v for v, k in later if k > n and v > start]
        ends[n] = max(start, min(nxt) - 1) if nxt else current_version
    return ends


def replay_stops(edits: Iterable[Edit], m: DitMap, current_version: int,
                 snapshots: Sequence[Snapshot] = ()) -> list[Stop]:
    """The stops of the replay, in version order: each session's end and each snapshot (the latest map last)."""
    ends = session_ends(edits, (s.number for s in m.sessions), current_version)
    raw: list[tuple[int, int, str, int | None, str | None]] = [(v, 0, f"session {n}", n, None) for n, v in ends.items()]
    raw += [(s.version, 1, f"snapshot “{s.name}”", None, s.name) for s in snapshots]
    if not raw:
        raw.append((current_version, 0, "now", None, None))
    raw.sort(key=lambda t: (t[0], t[1], t[3] or 0))
    stops, since = [], 0
    for version, _order, label, number, snap in raw:
        stops.append(Stop(label=label, version=version, since=since, session=number, snapshot=snap))
        since = version
    return stops


def stop_edits(edits: Iterable[Edit], stop: Stop) -> list[Edit]:
    """The edits made in this stop's stretch of history, oldest first."""
    return sorted((e for e in edits if stop.since < e.version <= stop.version), key=lambda e: e.version)


def stable_positions(maps: Iterable[DitMap]) -> dict[str, object]:
    """One position per person across several versions of a map, so replaying them never moves anyone.

    The latest map's positions win (stored, else laid out); people gone by then keep where they were.
    """
    out: dict[str, object] = {}
    for m in maps:  # oldest first; later versions overwrite
        out.update({p.id: p.position for p in m.people if p.position is not None})
        missing = [p.id for p in m.people if p.position is None and p.id not in out]
        if missing:
            laid = place(m)
            out.update({pid: laid[pid] for pid in missing})
    return out


@dataclass(frozen=True, slots=True)
class Frame:
    """What the replay shows at one stop: the map then, and the map to draw (everyone placed where they are
    now, the departed where they were; with `marks`, those removed in this stop put back to show faded)."""

    map: DitMap
    drawn: DitMap
    marks: dict[tuple[str, str], str] | None


class Replay:
    """A map's replay, worked out once for one content of the map: its stops, and each stop's map and frame,
    read or made on first use and then kept (the store keeps a checkpoint at every session's end and
    snapshot, so reading a stop's map replays nothing). Pure: the faces decide where to keep it, keyed by
    the map's content (a version number alone can recur after a restore)."""

    def __init__(self, current: DitMap, edits: Sequence[Edit], stops: Sequence[Stop],
                 map_at: Callable[[int], DitMap]):
        self.current = current
        self.edits = list(edits)
        self.stops = list(stops)
        self._map_at = map_at
        self._maps: dict[int, DitMap] = {}
        self._frames: dict[tuple[int, bool], Frame] = {}

    @classmethod
    def of(cls, store: Store, map_id: str, current: DitMap, current_version: int) -> Replay:
        """The replay of a saved map at its current version: its history and snapshots read once."""
        edits = store.history(map_id)
        stops = replay_stops(edits, current, current_version, store.snapshots(map_id))
        return cls(current, edits, stops,
                   lambda v: current if v == current_version else store.map_at(map_id, v))

    def map(self, i: int) -> DitMap:
        """The map at the end of stop `i`."""
        version = self.stops[i].version
        known = self._maps.get(version)
        return known if known is not None else self._maps.setdefault(version, self._map_at(version))

    def edits_in(self, i: int) -> list[Edit]:
        """The edits of stop `i`'s stretch, oldest first."""
        return stop_edits(self.edits, self.stops[i])

    def frame(self, i: int, *, marked: bool) -> Frame:
        """Stop `i`'s frame; with `marked`, what changed since the stop before is marked on the drawing."""
        key = (i, marked and i > 0)
        known = self._frames.get(key)
        if known is not None:
            return known
        m = self.map(i)
        drawn, marks = m, None
        if key[1]:
            before = self.map(i - 1)
            drawn, marks = changes_drawing(before, m, diff_maps(before, m))
        positions = stable_positions([drawn, self.current])  # everyone where they are now; the departed where
        drawn = drawn.model_copy(update={"people": tuple(  # they were
            p.model_copy(update={"position": positions[p.id]}) for p in drawn.people)})
        return self._frames.setdefault(key, Frame(m, drawn, marks))  # two sessions may race: the first is kept


# --- changes drawn on the map ----------------------------------------------------------------------

DRAWN_KINDS = ("person", "relationship")


def changes_drawing(before: DitMap, after: DitMap, d: MapDiff) -> tuple[DitMap, dict[tuple[str, str], str]]:
    """The map to draw for a diff, and what changed on it.

    The map is `after` with the people and relationships removed since `before` put back (at their old
    positions), so they can be drawn faded and dashed; the dict maps ("person" | "relationship", id) to
    "added", "removed" or "changed".
    """
    marks = {(it.kind, it.id): it.change for it in d.items if it.kind in DRAWN_KINDS}
    gone_people = [p for p in before.people if marks.get(("person", p.id)) == "removed"]
    gone_rels = [r for r in before.relationships if marks.get(("relationship", r.id)) == "removed"]
    if not gone_people and not gone_rels:
        return after, marks
    laid = place(before) if any(p.position is None for p in gone_people) else {}
    gone_people = [p if p.position is not None else p.model_copy(update={"position": laid[p.id]})
                   for p in gone_people]
    drawn = after.model_copy(update={"people": after.people + tuple(gone_people),
                                     "relationships": after.relationships + tuple(gone_rels)})
    return drawn, marks


def change_counts(marks: Mapping[tuple[str, str], str]) -> dict[str, int]:
    """How many drawn items were added, removed, changed."""
    out = {"added": 0, "removed": 0, "changed": 0}
    for change in marks.values():
        out[change] += 1
    return out
