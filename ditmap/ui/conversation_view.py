"""Supervision comments as conversations: each with its replies, resolved or reopened by therapist or
supervisor, filtered by open or resolved. Shown on the History page, beside an item on the Map and
Patterns pages, and on the Changes page; never in the client view. Comment text is shown as text."""

from __future__ import annotations

import datetime as dt

import streamlit as st

from ditmap.conversations import Conversation, conversations
from ditmap.model import Comment, DitMap
from ditmap.operations import AddItem, UpdateItem, new_id
from ditmap.ui import edits, forms, state
from ditmap.ui.edits import escape_md as md

FILTERS = ("open", "resolved", "all")


def _now() -> str:
    return dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()


def _set_status(conv_id: str, status: str) -> None:
    changes = {"status": status, "resolved_by": state.author() if status == "resolved" else ""}
    edits.apply(UpdateItem(kind="comment", id=conv_id, changes=changes), where=f"conv:{conv_id}")


def _reply(m: DitMap, conv: Conversation, key: str) -> None:
    text = (st.session_state.get(key) or "").strip()
    if not text:
        return
    kind, anchor = conv.anchor
    item = {"id": new_id(m, "comment"), "anchor_kind": kind, "anchor": anchor, "reply_to": conv.id,
            "author": state.author(), "author_role": state.acting_role(), "text": text, "created": _now()}
    if edits.apply(AddItem(kind="comment", item=item), where=f"conv:{conv.id}"):
        st.session_state[key] = ""


def _byline(m: DitMap, c: Comment, *, about: bool) -> str:
    who = c.author or c.author_role or "someone"
    if c.author_role and c.author and c.author != c.author_role:
        who += f" ({c.author_role})"
    when = f" · {c.created:%Y-%m-%d %H:%M}" if c.created else ""
    where = f"On {c.anchor_kind} {m.label_of(c.anchor_kind, c.anchor)} · " if about else ""
    return f"{where}{who}{when}"


def conversation(m: DitMap, conv: Conversation, *, about: bool = True) -> None:
    """One conversation: its comments, a reply box, and Resolve / Reopen (a conversation is shown once a page)."""
    with st.container(border=True, key=f"conversation-{conv.id}"):
        status = conv.status if conv.status == "open" else f"resolved by {conv.first.resolved_by or 'someone'}"
        new = " · new from your supervisor" if conv.awaiting_therapist and state.acting_role() == "therapist" else ""
        st.caption(md(f"{_byline(m, conv.first, about=about)} · {status}{new}"))
        st.text(conv.first.text)
        for r in conv.replies:
            st.caption(md(f"↳ reply · {_byline(m, r, about=False)}"))
            st.text(r.text)
        reply_key = f"reply:{conv.id}"
        c1, c2 = st.columns([4, 1], vertical_alignment="bottom")
        c1.text_input("Reply", key=reply_key, max_chars=20_000, placeholder="Write a reply…")
        c2.button("Reply", key=f"{reply_key}:go", on_click=_reply, args=(m, conv, reply_key))
        if conv.status == "open":
            st.button("Resolve", key=f"resolve:{conv.id}", on_click=_set_status, args=(conv.id, "resolved"))
        else:
            st.button("Reopen", key=f"reopen:{conv.id}", on_click=_set_status, args=(conv.id, "open"),
                      type="tertiary")
        edits.show_problems(f"conv:{conv.id}")


def conversations_panel(m: DitMap, *, key: str, anchor: tuple[str, str] | None = None,
                        default: str = "open", form_key: str | None = None) -> None:
    """Conversations (about `anchor`, or all), a filter by open/resolved, and a form (`form_key`) to start one."""
    show = st.segmented_control("Show", FILTERS, default=default, key=f"{key}:filter") or default
    convs = conversations(m, status=None if show == "all" else show, anchor=anchor)
    if not convs:
        st.caption(f"No {'' if show == 'all' else show + ' '}comments.")
    for conv in convs:
        conversation(m, conv, about=anchor is None)
    if form_key:
        forms.comment_form(m, key=form_key, anchor=anchor)


def awaiting_note(m: DitMap, anchor: tuple[str, str]) -> None:
    """Beside an item, for the therapist: how many supervisor comments on it await their reply."""
    n = sum(1 for c in conversations(m, status="open", anchor=anchor) if c.awaiting_therapist)
    if n and state.acting_role() != "supervisor":
        st.info(f"{n} new supervisor comment{'s' if n != 1 else ''} on this — see below.",
                icon=":material/comment:")
