"""Relationships: who is related to whom, on which corner of the triangle, how it feels."""

from __future__ import annotations

import streamlit as st

from ditmap.ui import common, forms, state, tables, texts


def main() -> None:
    opened = common.require_map()
    cv = state.client_view()
    st.title(texts.page_title("relationships", cv), anchor=False)
    m = opened.map
    if len(m.people) < 2:
        st.info("Add at least one more person first (People page or Map page).")
        return
    st.caption("Edit cells directly; each change is saved at once." if not state.read_only() else "Read-only.")
    tables.editor(opened, "relationship")
    left, right = st.columns(2, gap="medium")
    with left:
        if not state.read_only():
            st.subheader("Add a relationship", anchor=False)
            forms.add_relationship_form(m)
    with right:
        rels = common.relationship_options(m, cv)
        if rels:
            st.subheader("Edit one relationship", anchor=False)
            rid = common.pick_selected("relationship", rels, "Relationship")
            if rid is not None:
                forms.relationship_form(m, m.relationships_by_id[rid], place="relationships")
