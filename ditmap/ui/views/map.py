"""Map: the network drawing with the focus panel beside it; click a person or relationship to edit it."""

from __future__ import annotations

from typing import Any

import streamlit as st

from ditmap.conversations import conversations
from ditmap.layout import place
from ditmap.model import DitMap
from ditmap.operations import (
    AddItem,
    AddRelatedPerson,
    Batch,
    MovePerson,
    Operation,
    OperationError,
    SetPositions,
    new_id,
)
from ditmap.ui import common, conversation_view, edits, forms, state, texts
from ditmap.ui import network_view as network_views
from ditmap.ui.edits import escape_md as md
from ditmap.ui.focus_view import focus_view
from ditmap.ui.network_view import network_view

SELECTED = "selected"
HIGHLIGHT = "highlight_pattern"


def _rearrange() -> None:
    opened = state.current()
    if opened is not None:
        edits.apply(SetPositions(positions=place(opened.map, relayout=True)), where="rearrange")


def _move(person_id: str, x: float, y: float) -> None:
    """Save a drag. People drawn where the layout put them (never stored: placing is not an edit) are
    stored where they are drawn in the same step, so that nobody else shifts once this person moved."""
    opened = state.current()
    move = MovePerson(id=person_id, x=x, y=y)
    op: Operation = move
    if opened is not None:
        unplaced = [p.id for p in opened.map.people if p.position is None and p.id != person_id]
        if unplaced:
            drawn = common.ensure_positions(opened)
            op = Batch(ops=(SetPositions(positions={pid: drawn.people_by_id[pid].position for pid in unplaced}),
                            move), description=move.describe(opened.map))
    edits.apply(op, where="move")
    st.session_state.pop(edits.NOTICE, None)  # a drag needs no toast


def _add_related(event: dict[str, Any]) -> None:
    """The quick panel: a person and how they are with the client, as one edit (one Undo removes both)."""
    opened = state.current()
    if opened is None:
        return
    try:
        op = AddRelatedPerson.with_client(opened.map, alias=event["alias"], role=event["role"], kind=event["kind"],
                                          corner=event["corner"], closeness=event["closeness"])
    except OperationError as err:
        edits.record_problems("quick", err.problems)
        return
    edits.apply(op, where="quick")


def _link(event: dict[str, Any]) -> None:
    """"This pattern shows here": the lit pattern linked to the relationship clicked, in one step."""
    opened = state.current()
    if opened is None:
        return
    item = {"id": new_id(opened.map, "enactment"), "pattern": event["pattern"],
            "relationship": event["relationship"], "strength": event["strength"], "example": event["example"]}
    edits.apply(AddItem(kind="enactment", item=item), where="quick")


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
        _move(event["id"], float(event["x"]), float(event["y"]))
    elif kind == "rearrange":
        _rearrange()
    elif kind == "add_related":
        _add_related(event)
    elif kind == "link":
        _link(event)


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
    edits.show_problems("quick")
    edits.show_problems("rearrange")
    edits.show_problems("move")

    if cv:  # shown to the client, often on a tablet: the whole width for the map, the ideas below it
        _drawing(m, cv, st.session_state.get(HIGHLIGHT), st.session_state.get(SELECTED))
        _editor(m, cv)
        _focus(opened, m, cv)
        return
    # Side by side on a wide screen; on a narrow one (a tablet) the editor and focus panel go under the
    # drawing instead of squeezing it (network_view.MAP_CSS keys on this container).
    with st.container(key=network_views.SPLIT_KEY):
        left, right = st.columns([3, 2], gap="medium")
        with left, st.container(key=network_views.DRAWING_KEY):
            _drawing(m, cv, st.session_state.get(HIGHLIGHT), st.session_state.get(SELECTED))
        with right:
            _editor(m, cv)
            _focus(opened, m, cv)
