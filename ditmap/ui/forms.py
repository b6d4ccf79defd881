"""Forms that add or edit one person, relationship, pattern or link (enactment), shared by the pages.

Each form turns what was typed into one operation and sends it through `edits.apply`. A form's key
includes a digest of the item as stored, so a change made on another device to *this* item shows at
once, while half-typed text in any other form survives the live reruns.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
from typing import Any

import streamlit as st

from ditmap.integrity import Problem
from ditmap.model import DitMap, Pattern, Person, Relationship
from ditmap.operations import AddItem, AgreePattern, Batch, RemoveItem, UpdateItem, new_id
from ditmap.ui import common, edits, state
from ditmap.ui.texts import PACED_HELP, closeness_word, corner_word, label
from ditmap.vocab import (
    AFFECTS,
    CLOSENESS,
    COMMUNICATION_STYLES,
    CORNERS,
    DEFENCE_LEVELS,
    DIRECTIONS,
    RELATIONSHIP_KINDS,
    ROLES,
)


def _digest(item: Any) -> str:
    return hashlib.blake2s(item.model_dump_json().encode(), digest_size=5).hexdigest()


def _changes(item: Any, values: dict[str, Any]) -> dict[str, Any]:
    """Only the fields whose value differs from the stored item (JSON form)."""
    old = item.model_dump(mode="json")
    return {k: v for k, v in values.items() if old.get(k, getattr(item, k, None)) != v}


def _L(field: str) -> str:
    """The label of a field in the current view (clinician or plain words)."""
    return label(field, state.client_view())


def corner_fmt() -> Any:
    """A format function for corners in the current view (bound now, not looked up when called)."""
    return functools.partial(corner_word, client_view=state.client_view())


def closeness_fmt() -> Any:
    return functools.partial(closeness_word, client_view=state.client_view())


DIRECTION_WORDS = {"mutual": "both ways", "source_to_target": "from → to", "target_to_source": "to → from"}


# --- person -----------------------------------------------------------------------------------

def _save_person(p: Person, fk: str) -> None:
    ss = st.session_state
    values = {"alias": ss[f"{fk}:alias"].strip(), "role": (ss[f"{fk}:role"] or "other").strip(),
              "alive": bool(ss[f"{fk}:alive"]), "notes": ss[f"{fk}:notes"], "paced": bool(ss[f"{fk}:paced"])}
    changes = _changes(p, values)
    if changes:
        edits.apply(UpdateItem(kind="person", id=p.id, changes=changes), where=f"person:{p.id}")


def remove_item(kind: str, item_id: str, where: str) -> None:
    edits.apply(RemoveItem(kind=kind, id=item_id, cascade=True), where=where)
    if st.session_state.get("selected") == (kind, item_id):
        st.session_state.pop("selected", None)


def person_form(m: DitMap, p: Person) -> None:
    where = f"person:{p.id}"
    fk = f"pf:{p.id}:{_digest(p)}"
    ro = state.read_only()
    with st.form(fk, border=True):
        st.text_input(_L("alias"), value=p.alias, key=f"{fk}:alias", max_chars=200)
        st.selectbox(_L("role"), common.with_extra(ROLES, p.role), index=common.with_extra(ROLES, p.role).index(p.role),
                     key=f"{fk}:role", accept_new_options=True)
        st.checkbox(_L("alive"), value=p.alive, key=f"{fk}:alive")
        st.checkbox(_L("paced"), value=p.paced, key=f"{fk}:paced", help=PACED_HELP)
        st.text_area(_L("notes"), value=p.notes, key=f"{fk}:notes", height=90, max_chars=20_000)
        st.form_submit_button("Save", on_click=_save_person, args=(p, fk), type="primary", disabled=ro)
    edits.show_problems(where)
    if not ro and p.role != "self":
        with st.popover("Remove…", icon=":material/delete:"):
            n = sum(1 for r in m.relationships if p.id in (r.source, r.target))
            st.text(f"Remove {p.alias}" + (f" and their {n} relationship{'s' if n != 1 else ''}?" if n else "?"))
            st.button("Yes, remove", key=f"rm:{p.id}", on_click=remove_item, args=("person", p.id, where))


def _add_person(fk: str, me_id: str | None) -> None:
    ss = st.session_state
    m = state.current().map  # type: ignore[union-attr]
    alias = ss[f"{fk}:alias"].strip()
    if not alias:
        st.session_state["_problems:add_person"] = [Problem(_L("alias"), "a person needs a name")]
        return
    pid = new_id(m, "person")
    ops: list[Any] = [AddItem(kind="person", item={"id": pid, "alias": alias,
                                                   "role": (ss[f"{fk}:role"] or "other").strip()})]
    if me_id and ss.get(f"{fk}:link", True):
        rid = new_id(m, "relationship")
        ops.append(AddItem(kind="relationship", item={
            "id": rid, "source": me_id, "target": pid, "corner": ss[f"{fk}:corner"],
            "kind": (ss[f"{fk}:kind"] or "close").strip(), "closeness": ss[f"{fk}:closeness"],
            "intensity": int(ss[f"{fk}:intensity"])}))
    op = ops[0] if len(ops) == 1 else Batch(ops=tuple(ops), description=f"Added {alias}"[:200])
    if edits.apply(op, where="add_person"):
        ss[f"{fk}:alias"] = ""
        ss["selected"] = ("person", pid)
        ss["_added_person"] = True


def add_person_form(m: DitMap, *, key: str = "add_person") -> None:
    """Add a person and, in the same step, their relationship with the client."""
    me = m.self_person
    fk = key
    with st.form(fk, border=True, clear_on_submit=False):
        st.text_input(_L("alias"), key=f"{fk}:alias", max_chars=200, placeholder="initials or a name")
        st.selectbox(_L("role"), ROLES[1:], key=f"{fk}:role", accept_new_options=True, index=0)
        if me is not None:
            st.checkbox(f"Relationship with {me.alias}", value=True, key=f"{fk}:link")
            c1, c2 = st.columns(2)
            c1.selectbox(_L("corner"), CORNERS, key=f"{fk}:corner", index=1, format_func=corner_fmt())
            c2.selectbox(_L("closeness"), CLOSENESS, key=f"{fk}:closeness", index=1, format_func=closeness_fmt())
            c1.selectbox(_L("kind"), RELATIONSHIP_KINDS, key=f"{fk}:kind", accept_new_options=True)
            c2.slider(_L("intensity"), 1, 5, 3, key=f"{fk}:intensity")
        st.form_submit_button("Add person", on_click=_add_person, args=(fk, me.id if me else None),
                              type="primary", disabled=state.read_only(), icon=":material/person_add:")
    edits.show_problems("add_person")


# --- relationship -----------------------------------------------------------------------------

def _rel_values(fk: str) -> dict[str, Any]:
    ss = st.session_state
    return {"source": ss[f"{fk}:source"], "target": ss[f"{fk}:target"], "corner": ss[f"{fk}:corner"],
            "kind": (ss[f"{fk}:kind"] or "close").strip(), "direction": ss[f"{fk}:direction"],
            "intensity": int(ss[f"{fk}:intensity"]), "closeness": ss[f"{fk}:closeness"],
            "feelings": [f.strip() for f in ss[f"{fk}:feelings"] if f.strip()],
            "communication_style": (ss[f"{fk}:communication_style"] or "").strip(), "notes": ss[f"{fk}:notes"],
            "paced": bool(ss[f"{fk}:paced"])}


def _save_relationship(r: Relationship | None, fk: str) -> None:
    values = _rel_values(fk)
    if r is None:
        m = state.current().map  # type: ignore[union-attr]
        rid = new_id(m, "relationship")
        if edits.apply(AddItem(kind="relationship", item={"id": rid, **values}), where="add_relationship"):
            st.session_state["selected"] = ("relationship", rid)
        return
    changes = _changes(r, values)
    if changes:
        edits.apply(UpdateItem(kind="relationship", id=r.id, changes=changes), where=f"relationship:{r.id}")


def relationship_form(m: DitMap, r: Relationship | None) -> None:
    """Edit a relationship, or (r is None) add one."""
    where = f"relationship:{r.id}" if r else "add_relationship"
    fk = f"rf:{r.id}:{_digest(r)}" if r else "rf:new"
    people = common.person_options(m)
    ids = list(people)
    me = m.self_person
    ro = state.read_only()
    with st.form(fk, border=True):
        c1, c2 = st.columns(2)
        src = r.source if r else (me.id if me else ids[0] if ids else None)
        tgt = r.target if r else next((i for i in ids if i != src), None)
        c1.selectbox(_L("source"), ids, index=ids.index(src) if src in ids else 0, key=f"{fk}:source",
                     format_func=people.get)
        c2.selectbox(_L("target"), ids, index=ids.index(tgt) if tgt in ids else 0, key=f"{fk}:target",
                     format_func=people.get)
        corner = r.corner if r else "current"
        c1.selectbox(_L("corner"), CORNERS, index=CORNERS.index(corner), key=f"{fk}:corner", format_func=corner_fmt())
        closeness = r.closeness if r else "middle"
        c2.selectbox(_L("closeness"), CLOSENESS, index=CLOSENESS.index(closeness), key=f"{fk}:closeness",
                     format_func=closeness_fmt())
        kinds = common.with_extra(RELATIONSHIP_KINDS, r.kind if r else "")
        c1.selectbox(_L("kind"), kinds, index=kinds.index(r.kind) if r else 0, key=f"{fk}:kind",
                     accept_new_options=True)
        direction = r.direction if r else "mutual"
        c2.selectbox(_L("direction"), DIRECTIONS, index=DIRECTIONS.index(direction), key=f"{fk}:direction",
                     format_func=DIRECTION_WORDS.get)
        st.slider(_L("intensity"), 1, 5, r.intensity if r else 3, key=f"{fk}:intensity")
        st.checkbox(_L("paced"), value=r.paced if r else False, key=f"{fk}:paced", help=PACED_HELP)
        feelings = list(r.feelings) if r else []
        st.multiselect(_L("feelings"), common.with_extra(AFFECTS, *feelings), default=feelings,
                       key=f"{fk}:feelings", accept_new_options=True)
        styles = common.with_extra(("", *COMMUNICATION_STYLES), r.communication_style if r else "")
        st.selectbox(_L("communication_style"), styles, index=styles.index(r.communication_style) if r else 0,
                     key=f"{fk}:communication_style", accept_new_options=True)
        st.text_area(_L("notes"), value=r.notes if r else "", key=f"{fk}:notes", height=80, max_chars=20_000)
        st.form_submit_button("Save" if r else "Add relationship", on_click=_save_relationship, args=(r, fk),
                              type="primary", disabled=ro)
    edits.show_problems(where)
    if r is not None and not ro:
        with st.popover("Remove…", icon=":material/delete:"):
            st.text(f"Remove the relationship {m.label_of('relationship', r.id)}?")
            st.button("Yes, remove", key=f"rm:{r.id}", on_click=remove_item, args=("relationship", r.id, where))


# --- pattern (the guided IPAF builder) -----------------------------------------------------------

_DEFENCE_OPTIONS = [d for level in DEFENCE_LEVELS.values() for d in level]
_DEFENCE_LEVEL = {d: level for level, ds in DEFENCE_LEVELS.items() for d in ds}

PATTERN_STEPS: tuple[tuple[str, str, str], ...] = (
    ("self_representation", "How does the client experience themself with others?", "a burden, not good enough"),
    ("other_representation", "How do they experience the other?", "critical, about to lose patience"),
    ("defensive_function", "What does relating this way protect them from feeling?",
     "by pleasing and never asking, I avoid the rage of feeling let down"),
    ("reversal", "Do they sometimes take the other role?", "becomes the critical one with their own child"),
    ("transference", "How does it show with the therapist?", "apologises for taking up time"),
    ("client_words", "The client's own words for it", "“I always end up last in the queue”"),
    ("healthier_alternative", "What are they working toward?", "saying what I need, even if it disappoints"),
)
_PLAIN_STEPS = ("self_representation", "other_representation", "client_words", "healthier_alternative")


def _save_pattern(pt: Pattern | None, fk: str) -> None:
    ss = st.session_state
    cv = state.client_view()
    values: dict[str, Any] = {"title": ss[f"{fk}:title"].strip()}
    for fld, _q, _e in PATTERN_STEPS:
        if (not cv or fld in _PLAIN_STEPS) and f"{fk}:{fld}" in ss:
            values[fld] = ss[f"{fk}:{fld}"]
    values["affects"] = [a.strip() for a in ss[f"{fk}:affects"] if a.strip()]
    if not cv:
        values["defences"] = [d.strip() for d in ss[f"{fk}:defences"] if d.strip()]
    where = f"pattern:{pt.id}" if pt else "add_pattern"
    if not values["title"]:
        st.session_state[f"_problems:{where}"] = [Problem(_L("title"), "a pattern needs a title")]
        return
    if pt is None:
        m = state.current().map  # type: ignore[union-attr]
        pid = new_id(m, "pattern")
        if edits.apply(AddItem(kind="pattern", item={"id": pid, **values}), where=where):
            st.session_state["open_pattern"] = pid
        return
    changes = _changes(pt, values)
    if changes:
        edits.apply(UpdateItem(kind="pattern", id=pt.id, changes=changes), where=where)


def pattern_form(m: DitMap, pt: Pattern | None) -> None:
    """The guided IPAF builder: one question per field, in the order a formulation is written."""
    cv = state.client_view()
    where = f"pattern:{pt.id}" if pt else "add_pattern"
    fk = f"ptf:{pt.id}:{_digest(pt)}" if pt else "ptf:new"
    with st.form(fk, border=not bool(pt)):
        st.text_input(_L("title"), value=pt.title if pt else "", key=f"{fk}:title", max_chars=200,
                      placeholder="e.g. Pleasing to avoid being a burden")
        for fld, question, example in PATTERN_STEPS:
            if cv and fld not in _PLAIN_STEPS:
                continue
            st.text_area(f"{_L(fld)} — {question}" if not cv else _L(fld), value=getattr(pt, fld) if pt else "",
                         key=f"{fk}:{fld}", height=68, max_chars=20_000, placeholder=example)
            if fld == "other_representation":
                affects = list(pt.affects) if pt else []
                st.multiselect(_L("affects") + ("" if cv else " — the feelings linking self and other"),
                               common.with_extra(AFFECTS, *affects), default=affects, key=f"{fk}:affects",
                               accept_new_options=True)
            if fld == "defensive_function" and not cv:
                defences = list(pt.defences) if pt else []
                st.multiselect("defences — grouped by level of the Defensive Functioning Scale",
                               common.with_extra(tuple(_DEFENCE_OPTIONS), *defences), default=defences,
                               key=f"{fk}:defences", accept_new_options=True,
                               format_func=lambda d: f"{d} · {_DEFENCE_LEVEL[d]}" if d in _DEFENCE_LEVEL else d)
        st.form_submit_button("Save" if pt else "Add pattern", on_click=_save_pattern, args=(pt, fk),
                              type="primary", disabled=state.read_only())
    edits.show_problems(where)


def _agree(pt: Pattern, fk: str) -> None:
    on = st.session_state.get(f"{fk}:on") or dt.date.today()
    edits.apply(AgreePattern(id=pt.id, on=on), where=f"status:{pt.id}")


def _draft(pt: Pattern) -> None:
    edits.apply(UpdateItem(kind="pattern", id=pt.id, changes={"status": "draft", "agreed_on": None}),
                where=f"status:{pt.id}")


def pattern_status(pt: Pattern) -> None:
    """Agree a pattern as the focus (with a date), or return it to draft."""
    cv = state.client_view()
    ro = state.read_only()
    fk = f"agree:{pt.id}"
    if pt.status == "agreed":
        st.success(f"{'Agreed together' if cv else 'agreed'} on {pt.agreed_on:%d %b %Y}" if pt.agreed_on
                   else "agreed", icon=":material/handshake:")
        if not cv:
            st.button("Back to draft", key=f"{fk}:draft", on_click=_draft, args=(pt,), disabled=ro)
    else:
        c1, c2 = st.columns([2, 1], vertical_alignment="bottom")
        c1.date_input("agreed on", value=dt.date.today(), key=f"{fk}:on", format="YYYY-MM-DD")
        c2.button("Agree as focus" if not cv else "Agree together", key=f"{fk}:go", on_click=_agree,
                  args=(pt, fk), disabled=ro, type="primary")
    edits.show_problems(f"status:{pt.id}")


def _add_comment(m: DitMap, fk: str, anchor: tuple[str, str] | None) -> None:
    ss = st.session_state
    text = (ss.get(f"{fk}:text") or "").strip()
    anchor = anchor or ss.get(f"{fk}:anchor")
    if not text or not anchor:
        ss[f"_problems:{fk}"] = [Problem("comment", "choose what it is about and write the comment")]
        return
    kind, item_id = anchor
    item = {"id": new_id(m, "comment"), "anchor_kind": kind, "anchor": item_id, "author": state.author(),
            "author_role": state.acting_role(), "text": text,
            "created": dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()}
    if edits.apply(AddItem(kind="comment", item=item), where=fk):
        ss[f"{fk}:text"] = ""


def comment_form(m: DitMap, *, key: str, anchor: tuple[str, str] | None = None) -> None:
    """A supervision comment: about `anchor` if given, else the person, relationship or pattern chosen.

    Open to supervisors too (their only write); never shown in the client view.
    """
    with st.form(key, border=True):
        if anchor is None:
            anchors: dict[tuple[str, str], str] = {}
            for pid, name in common.person_options(m).items():
                anchors[("person", pid)] = f"person · {name}"
            for rid, name in common.relationship_options(m).items():
                anchors[("relationship", rid)] = f"relationship · {name}"
            for p in m.patterns:
                anchors[("pattern", p.id)] = f"pattern · {p.title}"
            st.selectbox("About", list(anchors), format_func=anchors.get, key=f"{key}:anchor", index=None,
                         placeholder="a person, relationship or pattern")
        st.text_area("Comment", key=f"{key}:text", max_chars=20_000, height=90)
        st.form_submit_button("Add comment", on_click=_add_comment, args=(m, key, anchor), type="primary")
    edits.show_problems(key)
