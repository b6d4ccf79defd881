"""Replay: the map as it was at the end of each session (and at each named snapshot), in the same drawing with
everyone where they are now, beside the scores up to that session and that session's edits as sentences."""

from __future__ import annotations

import pyarrow as pa
import streamlit as st

from ditmap.model import DitMap
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


def _scores(m: DitMap, stop: Stop) -> None:
    sessions = sorted(m.sessions, key=lambda s: s.number)
    st.text(f"Scores up to {stop.label}")
    if not sessions:
        st.caption("No sessions recorded yet at this point.")
        return
    table = pa.table({"session": [s.number for s in sessions], "phase": [s.phase for s in sessions],
                      "PHQ-9": pa.array([s.phq9 for s in sessions], pa.int64()),
                      "GAD-7": pa.array([s.gad7 for s in sessions], pa.int64())})
    st.dataframe(table, hide_index=True, width="stretch", height=min(38 + 35 * len(sessions), 300),
                 key="replay_scores")


_DRAWN = "_replay_drawn"


def _drawing(opened: state.Opened, stops: list[Stop], i: int, marked: bool) -> tuple[DitMap, dict | None]:
    """The map to draw at stop `i` (everyone placed where they are now) and its change marks.

    Kept per browser session for this stop, so an unchanged rerun passes the very same map object and the
    drawing's own memo sends nothing new.
    """
    key = (opened.id, opened.version, stops[i].version, stops[i - 1].version if i else None, marked)
    known = st.session_state.get(_DRAWN)
    if known is not None and known[0] == key:
        return known[1], known[2]
    m = map_at(opened.id, stops[i].version)
    drawn, marks = m, None
    if marked and i > 0:
        before = map_at(opened.id, stops[i - 1].version)
        drawn, marks = changes_drawing(before, m, diff_maps(before, m))
    positions = stable_positions([drawn, opened.map])  # everyone where they are now; the departed where they were
    drawn = drawn.model_copy(update={"people": tuple(p.model_copy(update={"position": positions[p.id]})
                                                     for p in drawn.people)})
    st.session_state[_DRAWN] = (key, drawn, marks)
    return drawn, marks


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
    drawn, marks = _drawing(opened, stops, i, show_changes)

    left, right = st.columns([3, 2], gap="medium")
    with left:
        st.caption(f"{stop.label} · version {stop.version} of {opened.version} · {len(m.people)} people · "
                   f"{len(m.relationships)} relationships · {len(m.patterns)} patterns")
        network_view(drawn, read_only=True, changes=marks, height=520, key="replay_map")
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
