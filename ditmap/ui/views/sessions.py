"""Sessions: each session's PHQ-9 and GAD-7, what was worked on, homework, private process notes; and a
chart of the course with caseness lines and the three DIT phases."""

from __future__ import annotations

import datetime as dt

import altair as alt
import pandas as pd
import streamlit as st

from ditmap.analysis.outcomes import outcome_status
from ditmap.dates import DateError, parse_date
from ditmap.exports.markdown import md
from ditmap.integrity import Problem
from ditmap.model import DitMap
from ditmap.operations import AddItem, RemoveItem, new_id
from ditmap.ui import common, edits, forms, state, tables, texts
from ditmap.vocab import GAD7_CASENESS, GAD7_MAX, PHQ9_CASENESS, PHQ9_MAX

PHASE_BANDS = (("initial", 0.5, 4.5), ("middle", 4.5, 12.5), ("ending", 12.5, 16.5))
PLAIN_PHASES = {"initial": "getting started", "middle": "working on it", "ending": "drawing together"}


def course_chart(m: DitMap, client_view: bool) -> alt.LayerChart | None:
    """PHQ-9 and GAD-7 by session, with caseness lines (PHQ-9 10, GAD-7 8) and phase bands (1–4, 5–12, 13–16)."""
    names = {"phq9": texts.label("phq9", client_view), "gad7": texts.label("gad7", client_view)}
    rows = [{"session": s.number, "measure": names[k], "score": getattr(s, k)}
            for s in sorted(m.sessions, key=lambda s: s.number) for k in ("phq9", "gad7")
            if getattr(s, k) is not None]
    if not rows:
        return None
    scores = pd.DataFrame(rows)
    last = max(16.5, float(scores["session"].max()) + 0.5)
    x = alt.X("session:Q", scale=alt.Scale(domain=[0.5, last], nice=False),
              axis=alt.Axis(tickMinStep=1, title="session"))
    bands = pd.DataFrame([{"phase": PLAIN_PHASES[p] if client_view else p, "start": a, "end": b}
                          for p, a, b in PHASE_BANDS])
    lines = pd.DataFrame([{"measure": names["phq9"], "score": PHQ9_CASENESS},
                          {"measure": names["gad7"], "score": GAD7_CASENESS}])
    colour = alt.Color("measure:N", scale=alt.Scale(range=["#0072B2", "#D55E00"]), title=None)
    band = alt.Chart(bands).mark_rect(opacity=0.12).encode(
        x=alt.X("start:Q", scale=alt.Scale(domain=[0.5, last], nice=False)), x2="end:Q",
        color=alt.Color("phase:N", scale=alt.Scale(range=["#999999", "#56B4E9", "#009E73"]), legend=None))
    band_text = alt.Chart(bands).mark_text(baseline="top", dy=4, color="#555555").encode(
        x=alt.X("mid:Q"), y=alt.value(0), text="phase:N").transform_calculate(mid="(datum.start + datum.end) / 2")
    rule = alt.Chart(lines).mark_rule(strokeDash=[6, 4]).encode(y="score:Q", color=colour)
    course = alt.Chart(scores).mark_line(point=True, strokeWidth=2.5).encode(
        x=x, y=alt.Y("score:Q", scale=alt.Scale(domain=[0, PHQ9_MAX]), title="score"), color=colour,
        strokeDash=alt.StrokeDash("measure:N", legend=None), tooltip=["session:Q", "measure:N", "score:Q"])
    # Independent colour scales: the phase bands must not share the measures' colours or legend.
    return alt.layer(band, band_text, alt.layer(rule, course)).resolve_scale(color="independent").properties(
        height=320)


def main() -> None:
    opened = common.require_map()
    cv = state.client_view()
    st.title(texts.page_title("sessions", cv), anchor=False)
    m = opened.map
    chart = course_chart(m, cv)
    if chart is None:
        st.caption("Scores will show here once sessions have them.")
    else:
        st.altair_chart(chart, width="stretch")
        st.caption(f"Dashed lines: caseness (PHQ-9 {PHQ9_CASENESS}, GAD-7 {GAD7_CASENESS}). Bands: initial "
                   "1–4, middle 5–12, ending 13–16." if not cv else
                   "The dashed lines show where scores usually count as a problem. Lower is better.")
    status = outcome_status(m)
    if status.status != "no scores":
        st.markdown("\n".join(f"- {md(line)}" for line in status.sentences(client=cv)),
                    help=None if cv else "Caseness, reliable change and recovery as NHS Talking Therapies "
                    "reads them; see docs/analysis.md.")
    if cv:
        st.subheader(texts.label("homework", True).capitalize(), anchor=False)
        shown = False
        for s in sorted(m.sessions, key=lambda s: s.number):
            if s.homework.strip():
                st.text(f"Session {s.number}: {s.homework}")
                shown = True
        if not shown:
            st.caption("Nothing written down yet.")
        return
    st.subheader("Sessions", anchor=False)
    st.caption("Process notes are private: never shown in the client view or in client exports.")
    if m.sessions:
        tables.editor(opened, "session")
    if not state.read_only():
        _add_or_remove(m)


def _session_defaults(m: DitMap) -> dict[str, object]:
    nxt = max((s.number for s in m.sessions), default=0) + 1
    return {"number": min(nxt, 99), "date": dt.date.today().isoformat(), "phq9": None, "gad7": None}


def _add_session() -> None:
    ss = st.session_state
    opened = state.current()
    if opened is None:
        return
    try:
        date = parse_date(ss.get("new_session:date"))
    except DateError as err:
        ss["_problems:add_session"] = [Problem("date", str(err))]
        return
    item = {"id": new_id(opened.map, "session"), "number": int(ss["new_session:number"]),
            "date": date.isoformat() if date else None}
    for k in ("phq9", "gad7"):
        if ss.get(f"new_session:{k}") is not None:
            item[k] = int(ss[f"new_session:{k}"])
    if edits.apply(AddItem(kind="session", item=item), where="add_session"):
        forms.reset_form("new_session", _session_defaults(state.current(recheck=False).map))  # type: ignore[union-attr]


def _remove_session() -> None:
    sid = st.session_state.get("remove_session")
    if sid:
        edits.apply(RemoveItem(kind="session", id=sid), where="add_session")


def _add_or_remove(m: DitMap) -> None:
    c1, c2 = st.columns([3, 2], gap="medium")
    forms.form_defaults("new_session", _session_defaults(m))
    with c1, st.form("new_session", border=True):
        a, b, c, d = st.columns(4)
        a.number_input("number", min_value=1, max_value=99, step=1, key="new_session:number")
        b.text_input("date", key="new_session:date", max_chars=10, placeholder="YYYY-MM-DD",
                     help="Year-month-day, e.g. 2026-11-08")
        c.number_input(texts.label("phq9", False), min_value=0, max_value=PHQ9_MAX, step=1, key="new_session:phq9")
        d.number_input(texts.label("gad7", False), min_value=0, max_value=GAD7_MAX, step=1, key="new_session:gad7")
        st.form_submit_button("Add session", on_click=_add_session, type="primary")
    edits.show_problems("add_session")
    if m.sessions:
        with c2.popover("Remove a session…", icon=":material/delete:"):
            labels = {s.id: f"Session {s.number}" for s in m.sessions}
            st.selectbox("Session", list(labels), format_func=labels.get, key="remove_session")
            st.button("Yes, remove", key="remove_session_go", on_click=_remove_session)
