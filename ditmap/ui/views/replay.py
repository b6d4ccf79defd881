"""Replay: the map as it was at the end of each session (and at each named snapshot), in the same drawing with
everyone where they are now, beside the scores up to that session and that session's edits as sentences."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from ditmap.store.diff import diff_maps
from ditmap.supervision import Stop, changes_drawing, replay_stops, stable_positions, stop_edits
from ditmap.ui import state
from ditmap.ui.network_view import network_view
from ditmap.ui.supervision_common import history, map_at, require_history

STOP = "replay_at"


def _step(delta: int, count: int) -> None:
    st.session_state[STOP] = max(0, min(count - 1, int(st.session_state.get(STOP, count - 1)) + delta))


def _slider_key(count: int) -> str:
    return f"replay_slider:{count}:{st.session_state[STOP]}"


def _slid(key: str, count: int) -> None:
    # A slider made for an earlier step may still report its old value once: only the current one counts.
    if key == _slider_key(count):
        st.session_state[STOP] = int(st.session_state[key])


def _scores(m, stop: Stop) -> None:
    rows = [{"session": s.number, "phase": s.phase, "PHQ-9": s.phq9, "GAD-7": s.gad7}
            for s in sorted(m.sessions, key=lambda s: s.number)]
    st.text(f"Scores up to {stop.label}")
    if not rows:
        st.caption("No sessions recorded yet at this point.")
        return
    df = pd.DataFrame(rows).astype({"PHQ-9": "Int64", "GAD-7": "Int64"})
    st.dataframe(df, hide_index=True, width="stretch", height=min(38 + 35 * len(rows), 300), key="replay_scores")


def main() -> None:
    opened = require_history()
    if opened is None:
        return
    st.title("Replay", anchor=False)
    edits = history(opened.id, opened.version)
    stops = replay_stops(edits, opened.map, opened.version, state.store().snapshots(opened.id))
    n = len(stops)
    at_start = [x for x in stops if x.session is not None and x.version == 0]
    if len(at_start) > 1:
        st.caption(f"This map was created or imported with sessions {at_start[0].session}–{at_start[-1].session} "
                   "already recorded, so they show as one map (version 0); sessions recorded in ditmap replay "
                   "one by one.")
    if st.session_state.get(STOP) is None or not 0 <= int(st.session_state[STOP]) < n:
        st.session_state[STOP] = n - 1

    c1, c2, c3 = st.columns([1, 6, 1], vertical_alignment="bottom")
    c1.button("◀ Previous", key="replay_prev", on_click=_step, args=(-1, n), disabled=st.session_state[STOP] == 0)
    # The slider is remade at each step (its key names the stop), so the buttons and the slider never
    # disagree about where the replay is: the stop lives in STOP alone.
    slider = _slider_key(n)
    c2.select_slider("Replay to the end of", options=list(range(n)), value=st.session_state[STOP],
                     format_func=lambda i: stops[i].label, key=slider, on_change=_slid, args=(slider, n))
    c3.button("Next ▶", key="replay_next", on_click=_step, args=(1, n), disabled=st.session_state[STOP] == n - 1)
    i = int(st.session_state[STOP])
    stop = stops[i]
    m = map_at(opened.id, stop.version)
    show_changes = st.toggle("Mark what changed since the stop before (+ added, − removed, ✎ changed)",
                             value=True, key="replay_marks")
    drawn, marks = m, None
    if show_changes and i > 0:
        before = map_at(opened.id, stops[i - 1].version)
        drawn, marks = changes_drawing(before, m, diff_maps(before, m))
    positions = stable_positions([drawn, opened.map])  # everyone where they are now; the departed where they were

    left, right = st.columns([3, 2], gap="medium")
    with left:
        st.caption(f"{stop.label} · version {stop.version} of {opened.version} · {len(m.people)} people · "
                   f"{len(m.relationships)} relationships · {len(m.patterns)} patterns")
        network_view(drawn, read_only=True, positions=positions, changes=marks, height=520, key="replay_map")
    with right:
        _scores(m, stop)
        done = stop_edits(edits, stop)
        st.text(f"Edits in {stop.label} ({len(done)})")
        if not done:
            st.caption("No edits in this stretch.")
        with st.container(height=300, border=False):
            for e in done:
                st.caption(f"{e.at:%Y-%m-%d %H:%M} · {e.author or 'someone'}")
                st.text(e.sentence)
