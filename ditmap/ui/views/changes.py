"""Changes: what changed on the map between two versions (by default since my last review), drawn on the map —
added marked "+", removed faded and dashed "−", changed "✎", never colour alone — with the same changes listed
field by field in the History page's words; clicking a change selects it on the drawing. Comment here, and
*Mark reviewed*."""

from __future__ import annotations

from typing import Any

import streamlit as st

from ditmap.exports import ExportError, export_bytes
from ditmap.services import maps as map_services
from ditmap.services.permissions import Action, Refused
from ditmap.store.base import MapDiff
from ditmap.store.diff import diff_rows
from ditmap.supervision import DRAWN_KINDS, change_counts, changes_drawing, last_review
from ditmap.ui import conversation_view, state
from ditmap.ui.edits import escape_md as md
from ditmap.ui.network_view import network_view
from ditmap.ui.supervision_common import map_at, require_history

SELECTED = "changes_selected"
LIST_MAX = 150
"""Changed items listed at most (the drawing shows them all)."""


def _select(kind: str, item_id: str) -> None:
    st.session_state[SELECTED] = (kind, item_id)


def _on_event(event: dict[str, Any]) -> None:
    if event["type"] == "select":
        st.session_state[SELECTED] = (event["kind"], event["id"])
    elif event["type"] == "deselect":
        st.session_state.pop(SELECTED, None)


def _review(map_id: str, version: int) -> None:
    try:
        r = map_services.mark_reviewed(state.identity(), state.store(), map_id, reviewer=state.author(),
                                       version=version)
    except Refused as refused:
        st.session_state["_reviewed_notice"] = ("refused", str(refused))
        return
    st.session_state["_reviewed_notice"] = ("ok", f"Marked reviewed: version {r.version}, by {r.reviewer}.")


def _version_names(opened: state.Opened, mine_version: int | None) -> dict[int, str]:
    names = {v: f"version {v}" for v in range(opened.version, -1, -1)}
    for s in state.store().snapshots(opened.id):
        names[s.version] += f" · snapshot “{s.name}”"
    if mine_version is not None:
        names[mine_version] += " · my last review"
    names[opened.version] += " · now"
    return names


def _change_list(d: MapDiff, selected: tuple[str, str] | None) -> None:
    st.text(f"Changes, field by field ({len(d.items)})")
    with st.container(height=460, border=False):
        for it in d.items[:LIST_MAX]:
            with st.container(border=True, key=f"change-{it.kind}-{it.id}"):
                here = selected == (it.kind, it.id)
                head = f"{it.change} {it.kind} {it.label}" + ("  ← selected on the map" if here else "")
                if it.kind in DRAWN_KINDS:
                    st.button(head, key=f"show:{it.kind}:{it.id}", on_click=_select, args=(it.kind, it.id),
                              type="tertiary", help="Show it on the map")
                else:
                    st.text(head)
                for row in diff_rows(MapDiff(d.from_version, d.to_version, (it,)), limit=160):
                    if row["field"]:
                        st.caption(md(f"{row['field']}: {row['before'] or '(empty)'} → {row['after'] or '(empty)'}"))
        if len(d.items) > LIST_MAX:
            st.caption(f"… and {len(d.items) - LIST_MAX} more (choose a shorter span of versions to list them).")


def _reviews(opened: state.Opened) -> None:
    notice = st.session_state.pop("_reviewed_notice", None)
    if notice:
        (st.success if notice[0] == "ok" else st.warning)(md(notice[1]))
    if state.may(Action.REVIEW, opened.id):
        st.button(f"Mark reviewed (version {opened.version})", key="mark_reviewed", on_click=_review,
                  args=(opened.id, opened.version), type="primary")
    for r in reversed(state.store().reviews(opened.id)[-5:]):
        st.caption(md(f"Reviewed version {r.version} by {r.reviewer} · {r.at:%Y-%m-%d %H:%M}"))


def _pack(opened: state.Opened, a: int, since: str) -> None:
    """Prepare the supervision pack (PDF) for these versions, then offer it to download."""
    key = (opened.id, a, opened.version)
    if not state.may(Action.EXPORT_SUPERVISION, opened.id):
        return
    if st.button("Prepare supervision pack (PDF)", key="pack_prepare"):
        try:
            map_services.export(state.identity(), state.store(), opened.id, map_services.SUPERVISION_PACK,
                                client=False, version=opened.version)
        except Refused as refused:
            st.warning(md(str(refused)), icon=":material/block:")
            return
        try:
            data, name, mime = export_bytes(opened.map, map_services.SUPERVISION_PACK, since=map_at(opened, a),
                                            since_label=since)
        except ExportError as err:
            st.error(md(str(err)))
            return
        st.session_state[_PACK] = (key, data, name, mime)
    ready = st.session_state.get(_PACK)
    if ready is not None and ready[0] == key:
        st.download_button("Download supervision pack", ready[1], file_name=ready[2], mime=ready[3],
                           key="pack_download", icon=":material/download:")


_PACK = "_supervision_pack"


def main() -> None:
    opened = require_history()
    if opened is None:
        return
    st.title("Changes on the map", anchor=False)
    mine = last_review(state.store(), opened.id, state.author())
    names = _version_names(opened, mine.version if mine else None)
    versions = list(names)  # newest first
    c1, c2 = st.columns(2)
    default_from = mine.version if mine is not None else 0
    a = c1.selectbox("From", versions, index=versions.index(default_from), format_func=names.get,
                     key=f"changes_from:{opened.id}")
    b = c2.selectbox("To", versions, index=0, format_func=names.get, key=f"changes_to:{opened.id}")
    a, b = (0 if a is None else a), (opened.version if b is None else b)
    a, b = min(a, b), max(a, b)
    since = (f"since your last review (version {mine.version}, {mine.at:%Y-%m-%d})" if mine and a == mine.version
             else f"from version {a} to version {b}")
    before, after = map_at(opened, a), map_at(opened, b)
    d = state.store().diff(opened.id, a, b)
    drawn, marks = changes_drawing(before, after, d)
    counts = change_counts(marks)
    other = sum(1 for it in d.items if it.kind not in DRAWN_KINDS)
    st.text(f"Changes {since}: {counts['added']} added, {counts['removed']} removed, {counts['changed']} changed "
            f"on the map; {other} other change{'s' if other != 1 else ''} (patterns, links, sessions, comments).")

    sel = st.session_state.get(SELECTED)
    if sel is not None and not ((sel[0] == "person" and sel[1] in drawn.people_by_id)
                                or (sel[0] == "relationship" and sel[1] in drawn.relationships_by_id)):
        sel = None
    left, right = st.columns([3, 2], gap="medium")
    with left:
        network_view(drawn, read_only=True, changes=marks, selected=sel, height=520, key="changes_map",
                     on_event=_on_event)
    with right:
        if d.empty:
            st.caption("No changes between these versions.")
        else:
            _change_list(d, sel)
    st.divider()
    r1, r2 = st.columns([2, 3], gap="large")
    with r1:
        st.subheader("Review", anchor=False)
        _reviews(opened)
        _pack(opened, a, since)
    with r2:
        current = opened.map
        anchor = sel if sel is not None and sel[1] in (current.people_by_id if sel[0] == "person"
                                                        else current.relationships_by_id) else ("version", str(b))
        st.subheader(md(f"Comments on {current.label_of(*anchor)}"), anchor=False)
        conversation_view.conversations_panel(current, key=f"conv:{anchor[0]}:{anchor[1]}", anchor=anchor,
                                              form_key=f"comment:{anchor[0]}:{anchor[1]}")
