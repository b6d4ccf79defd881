"""History: supervision review — every edit with who and when, the map at any version or snapshot, what
changed between two versions, snapshots, and comments (open / resolved)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from ditmap.layout import place
from ditmap.model import DitMap
from ditmap.operations import SetPositions
from ditmap.store.diff import diff_rows
from ditmap.ui import common, conversation_view, state, tables, texts
from ditmap.ui.network_view import network_view


def _snapshot(map_id: str) -> None:
    name = (st.session_state.get("snapshot_name") or "").strip()
    if not name:
        return
    state.store().snapshot(map_id, name[:200], author=state.author())
    st.session_state["snapshot_name"] = ""


def _edits_table(opened: state.Opened) -> list[int]:
    history = state.store().history(opened.id, limit=500)
    if not history:
        st.caption("No edits yet: this is the map as it was created or imported (version 0).")
        return [0]
    rows = [{"version": e.version, "what": e.sentence, "who": e.author, "at": e.at} for e in history]
    # Reviews sit in the history too: a sign-off of a version, not an edit (it writes no new version).
    rows += [{"version": r.version, "what": f"Reviewed version {r.version}", "who": r.reviewer, "at": r.at}
             for r in state.store().reviews(opened.id)]
    rows.sort(key=lambda r: (r["at"], r["version"]), reverse=True)
    st.dataframe(pd.DataFrame([{"version": r["version"], "what": r["what"], "who": r["who"],
                                "when": r["at"].strftime("%Y-%m-%d %H:%M")} for r in rows]),
                 hide_index=True, width="stretch", height=260)
    return [e.version for e in history] + [0]


def _map_summary(m: DitMap) -> None:
    st.caption(" · ".join((texts.count(len(m.people), "person", "people"),
                           texts.count(len(m.relationships), "relationship"), texts.count(len(m.patterns), "pattern"),
                           texts.count(len(m.enactments), "link"), texts.count(len(m.sessions), "session"))))
    for kind, title in (("person", "People"), ("relationship", "Relationships")):
        df, _ = tables.frame(m, kind, False)
        if kind == "relationship":
            people = common.person_options(m)
            for f in ("source", "target"):
                df[texts.label(f, False)] = df[texts.label(f, False)].map(people)
            df[texts.label("direction", False)] = df[texts.label("direction", False)].map(
                lambda d: texts.DIRECTION_WORDS.get(d, d))
        st.text(title)
        st.dataframe(df, hide_index=True, width="stretch")
    if m.patterns:
        st.text("Patterns")
        st.dataframe(pd.DataFrame([{"title": p.title, "status": p.status,
                                    "links": sum(1 for e in m.enactments if e.pattern == p.id)}
                                   for p in m.patterns]), hide_index=True, width="stretch")


def _at_version(opened: state.Opened, versions: list[int]) -> None:
    snaps = state.store().snapshots(opened.id)
    choices: dict[str, int] = {f"snapshot “{s.name}” (version {s.version})": s.version for s in snaps}
    choices |= {f"version {v}": v for v in versions}
    pick = st.selectbox("Show the map at", list(choices), key="history_at")
    if pick is None:
        return
    m = state.store().map_at(opened.id, choices[pick])
    if any(p.position is None for p in m.people):
        m = SetPositions(positions=place(m)).apply(m)
    network_view(m, highlight_pattern=None, selected=None, client_view=False, read_only=True, height=420,
                 key=f"history_map:{choices[pick]}")
    _map_summary(m)


def _diff(opened: state.Opened, versions: list[int]) -> None:
    c1, c2 = st.columns(2)
    a = c1.selectbox("From version", sorted(versions), index=0, key="diff_from")
    b = c2.selectbox("To version", sorted(versions), index=len(versions) - 1, key="diff_to")
    if a is None or b is None or a == b:
        st.caption("Choose two different versions.")
        return
    d = state.store().diff(opened.id, min(a, b), max(a, b))
    if d.empty:
        st.caption("No differences.")
        return
    rows = [texts.worded_diff_row(r) for r in diff_rows(d)]
    st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")


def main() -> None:
    opened = common.require_map()
    if state.client_view():
        st.info("This page is not part of the client view.")
        return
    st.title("History", anchor=False)
    tabs = st.tabs(["Edits", "Map at a version", "Compare versions", "Snapshots", "Comments"])
    with tabs[0]:
        versions = _edits_table(opened)
    with tabs[1]:
        _at_version(opened, versions)
    with tabs[2]:
        _diff(opened, versions)
    with tabs[3]:
        for s in state.store().snapshots(opened.id):
            st.text(f"{s.name} · version {s.version} · {s.at:%Y-%m-%d %H:%M} · {s.author}")
        if not state.read_only():
            with st.form("snapshot_form", border=True):
                st.text_input("Snapshot name", key="snapshot_name", max_chars=200, placeholder="end of session 4")
                st.form_submit_button("Take snapshot", on_click=_snapshot, args=(opened.id,))
    with tabs[4]:
        conversation_view.conversations_panel(opened.map, key="comments", form_key="comment_form")
