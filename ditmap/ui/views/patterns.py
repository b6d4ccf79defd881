"""Patterns: the guided IPAF builder, and where each pattern shows up (links to relationships)."""

from __future__ import annotations

import streamlit as st

from ditmap.conversations import conversations
from ditmap.integrity import Problem
from ditmap.model import DitMap, Pattern
from ditmap.operations import AddItem, RemoveItem, new_id
from ditmap.ui import common, conversation_view, edits, forms, state, texts
from ditmap.ui.edits import escape_md as md


def _link(pt: Pattern, fk: str) -> None:
    ss = st.session_state
    opened = state.current()
    if opened is None:
        return
    rel = ss.get(f"{fk}:relationship")
    if not rel:
        ss[f"_problems:link:{pt.id}"] = [Problem("relationship", "choose a relationship")]
        return
    session = ss.get(f"{fk}:session")
    item = {"id": new_id(opened.map, "enactment"), "pattern": pt.id, "relationship": rel,
            "strength": int(ss[f"{fk}:strength"]), "example": ss.get(f"{fk}:example", "") or "",
            "session": int(session) if session else None}
    if edits.apply(AddItem(kind="enactment", item=item), where=f"link:{pt.id}"):
        forms.reset_form(fk, LINK_DEFAULTS)


LINK_DEFAULTS = {"relationship": None, "strength": 2, "session": None, "example": ""}


def _unlink(pattern_id: str, enactment_id: str) -> None:
    edits.apply(RemoveItem(kind="enactment", id=enactment_id), where=f"link:{pattern_id}")


def _links(m: DitMap, pt: Pattern, cv: bool) -> None:
    rels = common.relationship_options(m, cv)
    st.markdown("**" + ("Where it shows up" if cv else "enactments — where this pattern shows up") + "**")
    found = [e for e in m.enactments if e.pattern == pt.id]
    if not found:
        st.caption("Not linked to any relationship yet.")
    for e in found:
        c1, c2 = st.columns([5, 1], vertical_alignment="center")
        where = rels.get(e.relationship, "a relationship no longer on the map")
        line = f"{where} · {texts.label('strength', cv)}: {e.strength}"
        line += f" · session {e.session}" if e.session else ""
        c1.text(line + (f"\n“{e.example}”" if e.example else ""))
        c2.button("Remove", key=f"unlink:{e.id}", on_click=_unlink, args=(pt.id, e.id), disabled=state.read_only(),
                  type="tertiary")
    if state.read_only() or not rels:
        return
    fk = f"linkf:{pt.id}"
    forms.form_defaults(fk, LINK_DEFAULTS)
    if st.session_state.get(f"{fk}:relationship") not in (None, *rels):  # a relationship removed meanwhile
        st.session_state[f"{fk}:relationship"] = None
    with st.form(fk, border=True):
        st.selectbox("relationship", list(rels), format_func=rels.get, key=f"{fk}:relationship",
                     placeholder="Choose a relationship", label_visibility="visible")
        c1, c2 = st.columns(2)
        c1.slider(texts.label("strength", cv), 1, 3, key=f"{fk}:strength")
        c2.number_input(texts.label("session", cv), min_value=1, max_value=99, step=1,
                        key=f"{fk}:session", placeholder="optional")
        st.text_area(texts.label("example", cv), key=f"{fk}:example", height=68, max_chars=20_000,
                     placeholder="“when she cancelled lunch I said it was fine and then didn't sleep”")
        st.form_submit_button("Link" if not cv else "Add", on_click=_link, args=(pt, fk), type="primary")
    edits.show_problems(f"link:{pt.id}")


def main() -> None:
    opened = common.require_map()
    cv = state.client_view()
    st.title(texts.page_title("patterns", cv), anchor=False)
    m = opened.map
    if not cv:
        st.caption("Build each candidate focus (IPAF) step by step: self, other, the feelings between them, what "
                   "relating this way protects from, and where it shows up. Agree one or two as the focus.")
    patterns = sorted(m.patterns, key=lambda p: p.status != "agreed") if cv else list(m.patterns)
    opened_pattern = st.session_state.get("open_pattern")
    for pt in patterns:
        status = texts.status_word(pt.status, cv)
        with st.expander(md(f"{pt.title} · {status}"), expanded=(pt.id == opened_pattern or len(patterns) == 1)):
            forms.pattern_status(pt)
            forms.pattern_form(m, pt)
            _links(m, pt, cv)
            if not cv:  # supervision comments: supervisors' one kind of edit; never in the client view
                conversation_view.awaiting_note(m, ("pattern", pt.id))
                open_here = len(conversations(m, status="open", anchor=("pattern", pt.id)))
                with st.popover(f"Comments ({open_here} open)…", icon=":material/comment:"):
                    conversation_view.conversations_panel(m, key=f"conv:pattern:{pt.id}", anchor=("pattern", pt.id),
                                                          form_key=f"comment:pattern:{pt.id}")
            if not state.read_only() and not cv:
                with st.popover("Remove pattern…", icon=":material/delete:"):
                    st.text(f"Remove the pattern “{pt.title}” and its links?")
                    st.button("Yes, remove", key=f"rm:{pt.id}", on_click=forms.remove_item,
                              args=("pattern", pt.id, f"pattern:{pt.id}"))
    if not patterns:
        st.caption("No patterns yet." if not cv else "No pattern written down yet.")
    if not state.read_only():
        st.subheader("New pattern" if not cv else "Write down a pattern", anchor=False)
        forms.pattern_form(m, None)
