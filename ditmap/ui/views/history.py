"""History: supervision review — every edit with who and when, the map at any version or snapshot, what
changed between two versions, snapshots, and comments (open / resolved)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from ditmap.layout import place
from ditmap.model import DitMap
from ditmap.operations import SetPositions, UpdateItem
from ditmap.ui import common, edits, forms, state, tables, texts
from ditmap.ui.edits import escape_md as md
from ditmap.ui.network_view import network_view


def _snapshot(map_id: str) -> None:
    name = (st.session_state.get("snapshot_name") or "").strip()
    if not name:
        return
    state.store().snapshot(map_id, name[:200], author=state.author())
    st.session_state["snapshot_name"] = ""


def _set_status(comment_id: str, status: str) -> None:
    edits.apply(UpdateItem(kind="comment", id=comment_id, changes={"status": status}), where="comment")


def _edits_table(opened: state.Opened) -> list[int]:
    history = state.store().history(opened.id, limit=500)
    if not history:
        st.caption("No edits yet: this is the map as it was created or imported (version 0).")
        return [0]
    st.dataframe(pd.DataFrame([{"version": e.version, "what": e.sentence, "who": e.author,
                                "when": e.at.strftime("%Y-%m-%d %H:%M")} for e in history]),
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
    rows = []
    for it in d.items:
        if not it.fields:
            rows.append({"item": f"{it.kind} {it.label}", "change": it.change, "field": "", "before": "",
                         "after": ""})
        for f in it.fields:
            rows.append({"item": f"{it.kind} {it.label}", "change": it.change, "field": texts.label(f.field, False),
                         "before": _value_words(f.field, f.before), "after": _value_words(f.field, f.after)})
    st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")


def _value_words(field: str, value: object) -> str:
    """A changed value as the pages write it (directions in words, lists as a list), cut to 300 characters."""
    if value is None:
        return ""
    if field == "direction":
        return texts.DIRECTION_WORDS.get(str(value), str(value))
    if isinstance(value, (list, tuple)):
        return ", ".join(str(v) for v in value)[:300]
    return str(value)[:300]


def _comments(opened: state.Opened) -> None:
    m = opened.map
    show = st.segmented_control("Show", ["open", "resolved", "all"], default="open", key="comment_filter")
    for c in m.comments:
        if show != "all" and c.status != show:
            continue
        with st.container(border=True):
            when = f" · {c.created:%Y-%m-%d %H:%M}" if c.created else ""
            st.caption(md(f"On {c.anchor_kind} {m.label_of(c.anchor_kind, c.anchor)} · {c.author or 'someone'}"
                          f"{when} · {c.status}"))
            st.text(c.text)
            if c.status == "open":
                st.button("Resolve", key=f"resolve:{c.id}", on_click=_set_status, args=(c.id, "resolved"))
            else:
                st.button("Reopen", key=f"reopen:{c.id}", on_click=_set_status, args=(c.id, "open"),
                          type="tertiary")
    forms.comment_form(m, key="comment_form")


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
        _comments(opened)
