"""Editable tables (People, Relationships, Sessions) that never drop an edit.

`st.data_editor` loses every second edit when its returned frame is fed back as input (streamlit
#7749), and a remounted editor drops an edit made while the previous one is being saved. Here the
editor is always built from the store's map, keyed and with fixed rows (so its identity survives value
changes); its `on_change` reads the widget's `edited_rows`, keeps the cells that differ from the map,
turns them into operations (one `Batch`, one undo step) and sends them through the store. The editor is
remounted only when something else changed the map, or an edit failed. Invalid cells are reported by
row and column and nothing is changed. Rows are added and removed with the forms beside each table.
"""

from __future__ import annotations

import math
from typing import Any

import pandas as pd
import streamlit as st
from pydantic import ValidationError

from ditmap import client_facing
from ditmap.dates import DateError, parse_date
from ditmap.integrity import Problem
from ditmap.model import DitMap
from ditmap.operations import AddItem, Batch, Operation, OperationError, RemoveItem, UpdateItem, new_id
from ditmap.ui import common, edits, state
from ditmap.ui.texts import DIRECTION_WORDS, closeness_word, corner_word, label
from ditmap.vocab import (
    AFFECTS,
    CLOSENESS,
    COMMUNICATION_STYLES,
    CORNERS,
    DIRECTIONS,
    GAD7_MAX,
    PHQ9_MAX,
    RELATIONSHIP_KINDS,
    ROLES,
)

COLUMNS: dict[str, tuple[str, ...]] = {
    "person": ("alias", "role", "alive", "notes"),
    "relationship": ("source", "target", "corner", "kind", "direction", "intensity", "closeness", "feelings",
                     "communication_style", "notes"),
    "session": ("number", "date", "phq9", "gad7", "worked_on", "homework", "process_notes"),
}
TEXT_FIELDS = {"alias", "role", "notes", "kind", "communication_style", "worked_on", "homework", "process_notes"}
OPTIONAL_INTS = {"phq9", "gad7"}
FIELD_OF = {"person": "people", "relationship": "relationships", "session": "sessions"}


def columns(kind: str, client_view: bool) -> tuple[str, ...]:
    """The columns shown: in the client view only the fields a client may see (`client_facing`)."""
    cols = COLUMNS[kind]
    return tuple(c for c in cols if client_facing.visible(kind, c)) if client_view else cols


def frame(m: DitMap, kind: str, client_view: bool) -> tuple[pd.DataFrame, list[str]]:
    """The table of one collection, in map order, and the item id of each row."""
    items = getattr(m, FIELD_OF[kind])
    cols = columns(kind, client_view)
    rows = []
    for it in items:
        d = it.model_dump(mode="python")
        rows.append({c: (list(d[c]) if isinstance(d[c], tuple) else d[c]) for c in cols})
    df = pd.DataFrame(rows, columns=list(cols))
    if client_view:  # read-only in the client view, every value in plain words (`client_facing.plain`)
        for c in ("corner", "closeness", "kind", "direction", "communication_style"):
            if c in df.columns:
                df[c] = [client_facing.plain(c, v) for v in df[c]]
    if kind == "session" and not df.empty:
        # Dates as text in ISO form: typed as YYYY-MM-DD only, never guessed (see `ditmap.dates`).
        df["date"] = [d.isoformat() if d is not None else None for d in df["date"]]
        for c in ("phq9", "gad7"):
            df[c] = df[c].astype("Int64")
    return df.rename(columns=headers(kind, client_view)), [it.id for it in items]


def headers(kind: str, client_view: bool) -> dict[str, str]:
    """Field → column name: the field's label in the view (never a snake_case field name on screen)."""
    return {c: label(c, client_view) for c in columns(kind, client_view)}


def column_config(m: DitMap, kind: str, client_view: bool) -> dict[str, Any]:
    """Column settings, keyed by column name. The client view's tables are read-only text in plain words."""
    names = headers(kind, client_view)
    if client_view:
        people = common.person_options(m)
        return {names[f]: (st.column_config.SelectboxColumn(names[f], options=list(people), format_func=people.get)
                           if f in ("source", "target") else
                           st.column_config.CheckboxColumn(names[f]) if f == "alive" else
                           st.column_config.ListColumn(names[f]) if f == "feelings" else
                           st.column_config.Column(names[f]))
                for f in names}
    return {names[f]: cfg for f, cfg in _column_config(m, kind, client_view).items() if f in names}


def _column_config(m: DitMap, kind: str, client_view: bool) -> dict[str, Any]:
    L = lambda f: label(f, client_view)  # noqa: E731
    cc = st.column_config
    corner_fmt = (lambda c: corner_word(c, True)) if client_view else None
    closeness_fmt = (lambda c: closeness_word(c, True)) if client_view else None

    def words(field: str) -> Any:
        if client_view:
            return lambda v: client_facing.plain(field, v)
        return (lambda d: DIRECTION_WORDS.get(d, d)) if field == "direction" else None
    if kind == "person":
        return {"alias": cc.TextColumn(L("alias"), required=True, max_chars=200),
                "role": cc.SelectboxColumn(L("role"), options=common.with_extra(ROLES, *(p.role for p in m.people)),
                                           default="other"),
                "alive": cc.CheckboxColumn(L("alive"), default=True),
                "notes": cc.TextColumn(L("notes"), max_chars=20_000, width="large")}
    if kind == "relationship":
        people = common.person_options(m)
        return {"source": cc.SelectboxColumn(L("source"), options=list(people), format_func=people.get,
                                             required=True),
                "target": cc.SelectboxColumn(L("target"), options=list(people), format_func=people.get,
                                             required=True),
                "corner": cc.SelectboxColumn(L("corner"), options=CORNERS, default="current", required=True,
                                             format_func=corner_fmt),
                "kind": cc.SelectboxColumn(L("kind"), default="close", options=common.with_extra(
                    RELATIONSHIP_KINDS, *(r.kind for r in m.relationships)), format_func=words("kind")),
                "direction": cc.SelectboxColumn(L("direction"), options=DIRECTIONS, default="mutual",
                                                format_func=words("direction")),
                "intensity": cc.NumberColumn(L("intensity"), min_value=1, max_value=5, step=1, default=3),
                "closeness": cc.SelectboxColumn(L("closeness"), options=CLOSENESS, default="middle",
                                                format_func=closeness_fmt),
                "feelings": cc.MultiselectColumn(L("feelings"), options=list(AFFECTS), accept_new_options=True),
                "communication_style": cc.SelectboxColumn(L("communication_style"), options=common.with_extra(
                    ("", *COMMUNICATION_STYLES), *(r.communication_style for r in m.relationships)),
                    format_func=words("communication_style")),
                "notes": cc.TextColumn(L("notes"), max_chars=20_000)}
    return {"number": cc.NumberColumn(L("number"), min_value=1, max_value=99, step=1, required=True),
            "date": cc.TextColumn(L("date") + " (YYYY-MM-DD)", max_chars=10),
            "phq9": cc.NumberColumn(L("phq9"), min_value=0, max_value=PHQ9_MAX, step=1),
            "gad7": cc.NumberColumn(L("gad7"), min_value=0, max_value=GAD7_MAX, step=1),
            "worked_on": cc.TextColumn(L("worked_on"), max_chars=20_000),
            "homework": cc.TextColumn(L("homework"), max_chars=20_000),
            "process_notes": cc.TextColumn(L("process_notes"), max_chars=20_000)}


def _clean(field: str, value: Any) -> Any:
    """A cell value as the model wants it (empty text cells come back as None or NaN)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        if field in TEXT_FIELDS:
            return ""
        return None
    if field in ("intensity", "number", *OPTIONAL_INTS) and isinstance(value, float) and value.is_integer():
        return int(value)
    if field == "feelings":
        return [str(v).strip() for v in value if str(v).strip()] if isinstance(value, (list, tuple)) else []
    if field == "date" and hasattr(value, "isoformat"):
        return value.isoformat()[:10]
    if isinstance(value, str) and field == "date":
        parsed = parse_date(value)  # raises DateError (a ValueError, reported by row) unless YYYY-MM-DD
        return parsed.isoformat() if parsed else None
    return value


def _differs(stored: Any, value: Any) -> bool:
    if isinstance(stored, list) and isinstance(value, (list, tuple)):
        return list(stored) != list(value)
    if isinstance(stored, (int, float)) and isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(stored) != float(value)
    return stored != value


def _row_problems(err: Exception, row: int, prefix: str) -> list[Problem]:
    if isinstance(err, OperationError):
        return [Problem(f"row {row}" + (f", {_column_of(p.where, prefix)}" if p.where else ""), p.what)
                for p in err.problems]
    if isinstance(err, ValidationError):
        out = []
        for e in err.errors():
            loc = ", ".join(label(str(x), False) for x in e["loc"] if not isinstance(x, int))
            out.append(Problem(f"row {row}" + (f", {loc}" if loc else ""), e["msg"]))
        return out
    return [Problem(f"row {row}", str(err))]


def _column_of(where: str, prefix: str) -> str:
    """`people[3].alias` → `alias` (the row is already named)."""
    if where.startswith(prefix) and "." in where:
        return label(where.split(".", 1)[1].split(".")[0], False)
    return edits.where_words(where)


def to_operations(m: DitMap, kind: str, ids: list[str], edited: dict[str, Any], client_view: bool
                  ) -> tuple[list[Operation], list[Problem]]:
    """The operations a data_editor's state asks for, each checked against the map as it will be.

    Rows are numbered from 1 as the user sees them; added rows continue after the last row.
    """
    field = FIELD_OF[kind]
    cols = columns(kind, client_view)
    field_of = {h: f for f, h in headers(kind, client_view).items()}
    edited = {"edited_rows": {i: {field_of.get(c, c): v for c, v in row.items()}
                              for i, row in edited.get("edited_rows", {}).items()},
              "added_rows": [{field_of.get(c, c): v for c, v in row.items()} for row in edited.get("added_rows", [])],
              "deleted_rows": edited.get("deleted_rows", [])}
    ops: list[Operation] = []
    problems: list[Problem] = []
    running = m

    def attempt(make: Any, row: int) -> None:
        nonlocal running
        try:
            op = make()
            running = op.apply(running)
            ops.append(op)
        except (OperationError, ValidationError, ValueError) as err:
            problems.extend(_row_problems(err, row, field))

    items = getattr(m, field)
    by_id = {it.id: it for it in items}
    for idx, changes in sorted(((int(i), c) for i, c in edited.get("edited_rows", {}).items())):
        if idx >= len(ids) or ids[idx] not in by_id:
            continue
        stored = by_id[ids[idx]].model_dump(mode="json")
        # The editor reports every edit since it was mounted: keep only cells that differ from the map.
        try:
            clean = {c: v for c, v in ((c, _clean(c, v)) for c, v in changes.items() if c in cols)
                     if _differs(stored.get(c), v)}
        except DateError as err:
            problems.append(Problem(f"row {idx + 1}, {label('date', client_view)}", str(err)))
            continue
        if clean:
            attempt(lambda i=idx, ch=clean: UpdateItem(kind=kind, id=ids[i], changes=ch), idx + 1)
    for n, row in enumerate(edited.get("added_rows", [])):
        try:
            item = {c: _clean(c, v) for c, v in row.items() if c in cols}
        except DateError as err:
            problems.append(Problem(f"row {len(ids) + n + 1}, {label('date', client_view)}", str(err)))
            continue
        item = {k: v for k, v in item.items() if v is not None}
        if kind == "session" and "number" not in item:
            item["number"] = max((s.number for s in running.sessions), default=0) + 1
        attempt(lambda it=item: AddItem(kind=kind, item={"id": new_id(running, kind), **it}), len(ids) + n + 1)
    for idx in sorted(int(i) for i in edited.get("deleted_rows", [])):
        if idx >= len(ids):
            continue
        if kind == "person" and m.people_by_id.get(ids[idx]) is not None and m.people_by_id[ids[idx]].role == "self":
            problems.append(Problem(f"row {idx + 1}", "the client's own node stays on the map"))
            continue
        attempt(lambda i=idx: RemoveItem(kind=kind, id=ids[i]), idx + 1)
    return ops, problems


_MOUNT = "_table_mount:"  # the mounted editor's generation
_SEEN = "_table_seen:"  # the map version the editor last showed
_OWN = "_table_own:"  # versions produced by this editor's own saves


def _remount(kind: str) -> None:
    """Start a fresh editor (no edit overlay): after a failed edit, or when the map changed elsewhere."""
    st.session_state[_MOUNT + kind] = st.session_state.get(_MOUNT + kind, 0) + 1
    st.session_state[_OWN + kind] = set()


def current_key(opened: state.Opened, kind: str) -> str:
    """The editor's widget key: stable across this editor's own saves, new when anything else changed the map.

    A keyed fixed-rows `st.data_editor` keeps its identity (and the person's edits) across value changes,
    so a second edit made while the first is being saved is never lost. When the map changed anywhere
    else (another device, a form, undo), the editor is remounted so no stale value stays on screen.
    """
    ss = st.session_state
    seen, own = ss.get(_SEEN + kind), ss.get(_OWN + kind, set())
    if _MOUNT + kind not in ss or ss.get(f"_table_map:{kind}") != opened.id or (
            opened.version != seen and opened.version not in own):
        _remount(kind)
    ss[_SEEN + kind] = opened.version
    ss[f"_table_map:{kind}"] = opened.id
    return f"table:{kind}:{ss[_MOUNT + kind]}"


def _on_change(kind: str, key: str, ids: list[str]) -> None:
    where = f"table:{kind}"
    edited = st.session_state.get(key) or {}
    opened = state.current()
    if opened is None:
        return
    ops, problems = to_operations(opened.map, kind, ids, edited, state.client_view())
    if problems:
        st.session_state[f"_problems:{where}"] = problems
        _remount(kind)  # nothing was changed: show the table as stored
        return
    if not ops:
        return
    op = ops[0] if len(ops) == 1 else Batch(ops=tuple(ops), description=_describe(opened.map, ops))
    if edits.apply(op, where=where):
        st.session_state.setdefault(_OWN + kind, set()).add(state.seen_version())
    else:
        _remount(kind)


def _has_edits(value: Any) -> bool:
    return isinstance(value, dict) and any(value.get(k) for k in ("edited_rows", "added_rows", "deleted_rows"))


def _describe(m: DitMap, ops: list[Operation]) -> str:
    first = ops[0].describe(m)
    return (first + (f" and {len(ops) - 1} more change{'s' if len(ops) > 2 else ''}" if len(ops) > 1 else ""))[:200]


@st.cache_data(show_spinner=False, max_entries=64)
def _cached_frame(db: str, map_id: str, key: tuple[int, int], kind: str, client_view: bool, _m: DitMap
                  ) -> tuple[pd.DataFrame, list[str]]:
    """Keyed by view too: the client-view table has no private columns, and is cached apart."""
    return frame(_m, kind, client_view)


def editor(opened: state.Opened, kind: str, *, height: int | str = "auto") -> None:
    """The editable table of one collection, wired to the store."""
    cv = state.client_view()
    df, ids = _cached_frame(state.db_key(), opened.id, opened.key, kind, cv, opened.map)
    key = current_key(opened, kind)
    st.session_state[f"_table_key:{kind}"] = key  # for tests
    if _has_edits(st.session_state.get(key)):
        # Edits no callback took (a test seeding the widget state): take them the same way. Edits already
        # saved are skipped (each cell is compared with the map), so this is idempotent.
        _on_change(kind, key, ids)
        opened = state.current(recheck=False) or opened
        df, ids = _cached_frame(state.db_key(), opened.id, opened.key, kind, cv, opened.map)
        key = current_key(opened, kind)
    ro = state.read_only() or cv  # the client view's tables show plain words; edits go through the forms
    st.data_editor(df, key=key, hide_index=True, num_rows="fixed", disabled=ro,
                   column_config=column_config(opened.map, kind, cv), on_change=_on_change, args=(kind, key, ids),
                   width="stretch", height=height)
    edits.show_problems(f"table:{kind}")
