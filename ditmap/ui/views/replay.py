"""Replay: the map as it was at the end of each session (and at each named snapshot), in the same drawing with
everyone where they are now, beside the scores up to that session and that session's edits as sentences."""

from __future__ import annotations

import logging
import threading

import pyarrow as pa
import streamlit as st

from ditmap.model import DitMap
from ditmap.services import maps as map_services
from ditmap.services.permissions import Action
from ditmap.supervision import Replay, Stop
from ditmap.ui import state
from ditmap.ui.network_view import lib_urls, network_view, prepare
from ditmap.ui.shared_memo import SharedMemo
from ditmap.ui.supervision_common import require_history

STOP = "replay_at"
_log = logging.getLogger("ditmap.ui")


def _step(delta: int, count: int) -> None:
    """◀ Previous / Next ▶: one stop from where the slider is, for the slider and the page alike.

    Counted from the slider's value as this very rerun reports it, so a click sent before the page showed
    the last step (the browser still reporting the slider where it was) is one step from there: a click may
    be lost when clicks come faster than the page, but the replay never jumps back.
    """
    key = _slider_key(count)
    now = int(st.session_state.get(key, st.session_state.get(STOP, count - 1)))
    st.session_state[key] = st.session_state[STOP] = max(0, min(count - 1, now + delta))


def _slider_key(count: int) -> str:
    return f"replay_slider:{count}"


def _slid(key: str) -> None:
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


_REPLAYS: SharedMemo[Replay] = SharedMemo(4)
"""Each open map's replay, worked out once per content of the map (`Opened.key`) and shared by sessions. A few:
each holds the map at every stop visited and its drawing (about 1 MB and 0.4 MB at 200 people, so some 30 MB
for a 200-person map's 16 sessions; a tenth of that at 20 people); the least recently replayed goes first."""


_WARMED: SharedMemo[bool] = SharedMemo(64)
"""The replays (by content, and marks on or off) whose stops' drawings are prepared or being prepared."""
HEIGHT = 520


def _drawing_key(opened: state.Opened, i: int, marked: bool) -> tuple:
    """Names stop `i`'s drawing by content: the store, the map, what its current version holds, the stop."""
    return ("replay", state.db_key(), opened.id, opened.key, i, marked)


def _warm_up(opened: state.Opened, replay: Replay, i: int, marked: bool) -> None:
    """Prepare every other stop's drawing on a thread of its own, nearest to stop `i` first, once per content:
    a step then only sends what is ready (the replay's own cost is paid while the supervisor looks)."""
    key = (state.db_key(), opened.id, opened.key, marked)
    if _WARMED.get(key):
        return
    _WARMED.put(key, True)
    lib = lib_urls()
    order = sorted(range(len(replay.stops)), key=lambda j: (abs(j - i), j))[1:]
    keys = {j: _drawing_key(opened, j, marked) for j in order}

    def run() -> None:
        try:
            for j in order:
                f = replay.frame(j, marked=marked)
                prepare(f.drawn, content_key=keys[j], lib=lib, read_only=True, height=HEIGHT, changes=f.marks)
        except Exception as err:  # e.g. the map deleted meanwhile: the steps then build what they draw
            _log.info("replay warm-up stopped: %s", type(err).__name__)
            _WARMED.put(key, False)

    threading.Thread(target=run, name="ditmap-replay-warm-up", daemon=True).start()


def _replay(opened: state.Opened) -> Replay:
    """The map's replay for what its current version holds: the stops, the map at each, each stop's drawing.

    Built on the first visit of this content (one read of the history, one map from the store, the edits
    applied once); every later step and session reuses it. Called after the history permission check.
    """
    key = (state.db_key(), opened.id, opened.key)
    return _REPLAYS.get_or_make(key, lambda: Replay.of(state.store(), opened.id, opened.map, opened.version))


def main() -> None:
    opened = require_history()
    if opened is None:
        return
    st.title("Replay", anchor=False)
    replay = _replay(opened)
    at_start = [x for x in replay.stops if x.session is not None and x.version == 0]
    if len(at_start) > 1:
        st.caption(f"This map was created or imported with sessions {at_start[0].session}–{at_start[-1].session} "
                   "already recorded, so they show as one map (version 0); sessions recorded in ditmap replay "
                   "one by one.")
    _stepper(opened, replay)


@st.fragment
def _stepper(opened: state.Opened, replay: Replay) -> None:
    """The stepper, the drawing and what is beside it. A step reruns this fragment only: the sidebar and the
    page's frame are not rebuilt, on the server or in the browser, which is most of a step's cost. Another
    device's edit still reruns the whole page (the sidebar's live check), with the map's new content."""
    if not map_services.allowed(state.identity(), state.store(), Action.HISTORY, opened.id):
        st.rerun(scope="app")  # e.g. a supervision assignment ended: the whole page says so, and records it
    stops = replay.stops
    n = len(stops)
    if st.session_state.get(STOP) is None or not 0 <= int(st.session_state[STOP]) < n:
        st.session_state[STOP] = n - 1

    c1, c2, c3 = st.columns([1, 6, 1], vertical_alignment="bottom")
    c1.button("◀ Previous", key="replay_prev", on_click=_step, args=(-1, n), disabled=st.session_state[STOP] == 0)
    # One slider for the whole replay (a step reruns only this fragment, which must not remake it): the
    # buttons move it through its state, the slider moves STOP, what the rest of the page reads.
    slider = _slider_key(n)
    if st.session_state.get(slider) != st.session_state[STOP]:
        st.session_state[slider] = st.session_state[STOP]
    c2.select_slider("Replay to the end of", options=list(range(n)), format_func=lambda i: stops[i].label,
                     key=slider, on_change=_slid, args=(slider,))
    c3.button("Next ▶", key="replay_next", on_click=_step, args=(1, n), disabled=st.session_state[STOP] == n - 1)
    i = int(st.session_state[STOP])
    stop = stops[i]
    show_changes = st.toggle("Mark what changed since the stop before (+ added, − removed, ✎ changed)",
                             value=True, key="replay_marks")
    frame = replay.frame(i, marked=show_changes)
    m = frame.map

    left, right = st.columns([3, 2], gap="medium")
    with left:
        st.caption(f"{stop.label} · version {stop.version} of {opened.version} · {len(m.people)} people · "
                   f"{len(m.relationships)} relationships · {len(m.patterns)} patterns")
        network_view(frame.drawn, read_only=True, changes=frame.marks, height=HEIGHT, key="replay_map",
                     content_key=_drawing_key(opened, i, show_changes))
    with right:
        _scores(m, stop)
        done = replay.edits_in(i)
        st.text(f"Edits in {stop.label} ({len(done)})")
        if not done:
            st.caption("No edits in this stretch.")
        with st.container(height=300, border=False):
            for e in done:
                st.caption(f"{e.at:%Y-%m-%d %H:%M} · {e.author or 'someone'}")
                st.text(e.sentence)
    _warm_up(opened, replay, i, show_changes)
