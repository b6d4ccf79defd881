"""People: everyone significant to the client, as a table and one at a time."""

from __future__ import annotations

import streamlit as st

from ditmap.ui import common, forms, state, tables, texts
from ditmap.ui.edits import escape_md as md


def main() -> None:
    opened = common.require_map()
    cv = state.client_view()
    st.title(texts.page_title("people", cv), anchor=False)
    m = opened.map
    left, right = st.columns([3, 2], gap="medium")
    with left:
        st.caption("Edit cells directly; each change is saved at once. Add or remove people with the forms."
                   if not state.read_only() else "Read-only.")
        tables.editor(opened, "person")
    with right:
        if not state.read_only():
            st.subheader("Add a person", anchor=False)
            forms.add_person_form(m)
        people = common.person_options(m)
        if people:
            st.subheader("Edit one person", anchor=False)
            pid = common.pick_selected("person", people, "Person")
            if pid is not None:
                st.caption(md(f"Relationships: {sum(1 for r in m.relationships if pid in (r.source, r.target))}"))
                forms.person_form(m, m.people_by_id[pid], place="people")
