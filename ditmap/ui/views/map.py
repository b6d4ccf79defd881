"""Map: the network drawing with the focus panel beside it; click a person or relationship to edit it."""

from __future__ import annotations

from typing import Any

import streamlit as st

from ditmap.conversations import conversations
from ditmap.layout import place
from ditmap.model import DitMap
from ditmap.operations import MovePerson, SetPositions
from ditmap.ui import common, conversation_view, edits, forms, state, texts
from ditmap.ui.edits import escape_md as md
from ditmap.ui.focus_view import focus_view
from ditmap.ui.network_view import network_view

SELECTED = "selected"
HIGHLIGHT = "highlight_pattern"
_ADD_PERSON = "_add_person_open"


@st.dialog("Add a person")
def _add_person_dialog(m: DitMap) -> None:
    """Only drawn when asked for, so the Map page's reruns do not pay for the form."""
    forms.add_person_form(m, key="map_add_person")
    if st.session_state.pop("_added_person", False):
        st.rerun()


def _rearrange() -> None:
    opened = state.current()
    if opened is not None:
        edits.apply(SetPositions(positions=place(opened.map, relayout=True)), where="rearrange")


def _select(kind: str, item_id: str) -> None:
    st.session_state[SELECTED] = (kind, item_id)


def _highlight(pattern_id: str) -> None:
    st.session_state[HIGHLIGHT] = pattern_id


def _deselect() -> None:
    st.session_state.pop(SELECTED, None)


def _handle(event: dict[str, Any] | None) -> None:
    """The drawing's events (checked by network_view), before the rerun they caused."""
    if not event:
        return
    kind = event.get("type")
    if kind == "select" and event.get("kind") in ("person", "relationship"):
        st.session_state[SELECTED] = (event["kind"], event["id"])
    elif kind == "deselect":
        st.session_state.pop(SELECTED, None)
    elif kind == "highlight":
        st.session_state[HIGHLIGHT] = event["pattern"]
    elif state.read_only():
        return
    elif kind == "move":
        edits.apply(MovePerson(id=event["id"], x=float(event["x"]), y=float(event["y"])), where="move")
        st.session_state.pop(edits.NOTICE, None)  # a drag needs no toast
    elif kind == "rearrange":
        _rearrange()
    elif kind == "add_person":
        st.session_state[_ADD_PERSON] = True  # the dialog opens in the script body, below


def _drawing(m: DitMap, cv: bool, highlight: str | None, selected: tuple[str, str] | None) -> None:
    # Events are handled in a callback, before the rerun: the sidebar (undo) already shows their result.
    # The map's own controls (pattern chooser, Re-arrange, Add person) live in the drawing's toolbar:
    # plain HTML there, instead of Streamlit widgets that every rerun of this page would pay for.
    network_view(m, highlight_pattern=highlight, selected=selected, client_view=cv, read_only=state.read_only(),
                 height=560, actions=True, key="map", on_event=_handle)


def _editor(m: DitMap, cv: bool) -> None:
    sel = st.session_state.get(SELECTED)
    if not sel:
        return
    kind, item_id = sel
    if kind == "person" and item_id in m.people_by_id:
        p = m.people_by_id[item_id]
        head = f"{p.alias}"
    elif kind == "relationship" and item_id in m.relationships_by_id:
        head = m.label_of("relationship", item_id)
    else:
        st.session_state.pop(SELECTED, None)
        return
    c1, c2 = st.columns([4, 1], vertical_alignment="center")
    c1.subheader(md(head), anchor=False)
    c2.button("Close", key="deselect", on_click=_deselect, icon=":material/close:")
    if kind == "person":
        forms.person_form(m, m.people_by_id[item_id])
    else:
        forms.relationship_form(m, m.relationships_by_id[item_id])
    if not cv:  # supervision comments on this item (never in the client view)
        conversation_view.awaiting_note(m, (kind, item_id))
        open_here = len(conversations(m, status="open", anchor=(kind, item_id)))
        with st.expander(f"Comments ({open_here} open)", expanded=state.read_only() or open_here > 0):
            conversation_view.conversations_panel(m, key=f"conv:{kind}:{item_id}", anchor=(kind, item_id),
                                                  form_key=f"comment:{kind}:{item_id}")


def _show_suggestion(kind: str, item_id: str) -> None:
    """Light up the chosen pattern, or select the chosen person or relationship beside the map."""
    if kind == "pattern":
        _highlight(item_id)
    else:
        _select(kind, item_id)


def _focus(opened: state.Opened, m: DitMap, cv: bool) -> None:
    """The analysis's suggestions with their reasons, following every edit (one element: focus_view)."""
    analysis = common.analysis_for(state.db_key(), opened.id, opened.key, m)
    focus_view(analysis.suggestions, client_view=cv, key="focus", on_pick=_show_suggestion)


def main() -> None:
    opened = common.require_map()
    m = common.ensure_positions(opened)
    opened = state.current(recheck=False) or opened
    cv = state.client_view()
    st.title(texts.page_title("map", cv), anchor=False)

    if st.session_state.get(HIGHLIGHT) not in m.patterns_by_id:
        st.session_state[HIGHLIGHT] = None
    if st.session_state.pop(_ADD_PERSON, False) and not state.read_only():
        _add_person_dialog(m)
    edits.show_problems("rearrange")
    edits.show_problems("move")

    if cv:  # shown to the client, often on a tablet: the whole width for the map, the ideas below it
        _drawing(m, cv, st.session_state.get(HIGHLIGHT), st.session_state.get(SELECTED))
        _editor(m, cv)
        _focus(opened, m, cv)
        return
    left, right = st.columns([3, 2], gap="medium")
    with left:
        _drawing(m, cv, st.session_state.get(HIGHLIGHT), st.session_state.get(SELECTED))
    with right:
        _editor(m, cv)
        _focus(opened, m, cv)
