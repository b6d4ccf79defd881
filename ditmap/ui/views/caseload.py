"""Caseload: every map at a glance — session, scores, focus, comments, changes since my review, and flags in
words — sortable and filterable; open a case to replay it or see what changed.

Reads the summaries the store keeps (`Store.summaries`), never whole maps, through `services.maps.caseload`,
which decides who sees which maps (a supervisor their supervisees', a therapist their own, personal mode all).
"""

from __future__ import annotations

import datetime as dt

import pyarrow as pa
import streamlit as st

from ditmap.caseload import FLAGS, SORTS, CaseloadRow, caseload_rows, filter_rows, sort_rows
from ditmap.services import maps as map_services
from ditmap.services.permissions import Refused
from ditmap.ui import state
from ditmap.ui.edits import escape_md as md
from ditmap.ui.supervision_common import open_case


def _table(rows: list[CaseloadRow]) -> pa.Table:
    """The table as an Arrow table built from plain lists: whole numbers stay whole, a gap stays empty.

    (Built straight in Arrow: a pandas frame of 200 rows cost ten times as much on every rerun.)
    """
    return pa.table({
        "map": [r.name for r in rows], "therapist": [r.therapist for r in rows],
        "client": [r.pseudonym for r in rows], "session": pa.array([r.session for r in rows], pa.int64()),
        "phase": [r.phase or "" for r in rows], "PHQ-9": pa.array([r.phq9 for r in rows], pa.int64()),
        "PHQ-9 since first": [r.phq9_direction for r in rows], "GAD-7": pa.array([r.gad7 for r in rows], pa.int64()),
        "GAD-7 since first": [r.gad7_direction for r in rows], "outcome": [r.outcome for r in rows],
        "focus": [r.focus for r in rows], "open comments": pa.array([r.open_comments for r in rows], pa.int64()),
        "versions since my review": [f"{r.changed_since_review}" + (
            "" if r.last_reviewed is not None else " (never reviewed)") for r in rows],
        "flags": ["; ".join(f"⚑ {f}" for f in r.flags) for r in rows],
    })


def main() -> None:
    if state.client_view():
        st.info("This page is not part of the client view.")
        return
    st.title("Caseload", anchor=False)
    reviewer = state.author()  # the signed-in account's name (clinic mode): changes count from their reviews
    try:
        summaries = map_services.caseload(state.identity(), state.store())
    except Refused as refused:
        st.warning(md(str(refused)), icon=":material/block:")
        return
    rows = caseload_rows([(i.id, i.name, i.version, s) for i, s in summaries],
                         state.store().last_reviewed(reviewer), dt.datetime.now(dt.UTC))
    st.caption(f"{len(rows)} map{'s' if len(rows) != 1 else ''} · changes are counted since the last review by "
               f"“{reviewer}” · flags are prompts to look, not judgements")

    c1, c2, c3 = st.columns([2, 3, 2])
    order = c1.selectbox("Sort by", list(SORTS), key="caseload_sort")
    therapists = sorted({r.therapist for r in rows if r.therapist})
    chosen = c2.multiselect("Therapists", therapists, key="caseload_therapists", placeholder="all")
    text = c3.text_input("Search", key="caseload_search", placeholder="map or client")
    c4, c5 = st.columns([3, 2])
    flag = c4.pills("Only with flag", FLAGS, key="caseload_flag")
    phase = c5.segmented_control("Phase", ["initial", "middle", "ending", "follow-up"], key="caseload_phase")
    shown = filter_rows(rows, flag=flag, phase=phase, text=text or "")
    if chosen:
        shown = [r for r in shown if r.therapist in chosen]
    shown = sort_rows(shown, order or "needs attention first")
    if not rows:
        st.caption("No saved maps yet.")
        return
    if not shown:
        st.caption("No map matches these filters.")
        return
    flagged = sum(1 for r in shown if r.flags)
    st.text(f"{len(shown)} shown · {flagged} with a flag")
    st.dataframe(_table(shown), hide_index=True, width="stretch", key="caseload_table",
                 height=min(38 + 35 * len(shown), 520))

    st.subheader("Open a case", anchor=False)
    labels = {r.map_id: f"{r.name} · {r.therapist or 'no therapist'} · session {r.session or '–'}"
              + (f" · {', '.join(r.flags)}" if r.flags else "") for r in shown}
    pick = st.selectbox("Case", list(labels), format_func=labels.get, key="caseload_case")
    if pick is None:
        return
    b1, b2, b3, b4 = st.columns(4)
    b1.button("Changes since my review", key="case_changes", on_click=open_case, args=(pick, "changes"),
              type="primary")
    b2.button("Replay session by session", key="case_replay", on_click=open_case, args=(pick, "replay"))
    b3.button("Map", key="case_map", on_click=open_case, args=(pick, "map"))
    b4.button("History", key="case_history", on_click=open_case, args=(pick, "history"))
