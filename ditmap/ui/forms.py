"""Forms that add or edit one person, relationship, pattern or link (enactment), shared by the pages.

Each form turns what was typed into one operation and sends it through `edits.apply`.
- Edit forms are keyed by the item's id only, so live updates never remount them and half-typed text
  stays. Each field keeps the stored value it started from (`field_sync`): a save writes only the
  fields this person changed, against the version they started from, and a field another device
  changed meanwhile says so beside itself (*Keep mine* / *Take theirs*).
- Add forms are fresh after a successful add and keep what was typed after a refused one.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Mapping
from typing import Any

import streamlit as st

from ditmap import client_facing
from ditmap.dates import DateError, parse_date
from ditmap.integrity import Problem
from ditmap.model import DitMap, Pattern, Person, Relationship
from ditmap.operations import AddItem, AgreePattern, Batch, RemoveItem, UpdateItem, new_id
from ditmap.ui import common, edits, field_sync, state
from ditmap.ui.texts import DIRECTION_WORDS, PACED_HELP, closeness_word, corner_word, label
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


def _L(field: str) -> str:
    """The label of a field in the current view (clinician or plain words)."""
    return label(field, state.client_view())


def corner_fmt() -> Any:
    """A format function for corners in the current view (bound now, not looked up when called)."""
    return functools.partial(corner_word, client_view=state.client_view())


def closeness_fmt() -> Any:
    return functools.partial(closeness_word, client_view=state.client_view())


def value_fmt(field: str) -> Any:
    """How a field's values read in the current view: plain words for the client (`client_facing.plain`)."""
    if state.client_view():
        return functools.partial(client_facing.plain, field)
    if field == "direction":
        return lambda d: DIRECTION_WORDS.get(d, d)
    return lambda v: v if v else "(none)" if field == "communication_style" else v


def form_defaults(fk: str, values: Mapping[str, Any]) -> None:
    """Start an add form's fields (once; afterwards they hold what is typed)."""
    for f, v in values.items():
        st.session_state.setdefault(f"{fk}:{f}", v)


def reset_form(fk: str, values: Mapping[str, Any]) -> None:
    """After a successful add: the form is fresh, nothing carries into the next item.

    The fields are forgotten rather than set here: `form_defaults` sets them in the run that draws the form
    (a form drawn in a dialog that closes after the add would otherwise keep a value its widget ignores).
    """
    for f in values:
        st.session_state.pop(f"{fk}:{f}", None)


def _as_widget(field: str, value: Any) -> Any:
    return list(value) if isinstance(value, (list, tuple)) else value


def _text(v: Any, default: str = "") -> str:
    return (v or default).strip() if isinstance(v, str) or v is None else str(v)


def remove_item(kind: str, item_id: str, where: str) -> None:
    edits.apply(RemoveItem(kind=kind, id=item_id, cascade=True), where=where)
    if st.session_state.get("selected") == (kind, item_id):
        st.session_state.pop("selected", None)


def _editable(kind: str, fields: tuple[str, ...]) -> tuple[str, ...]:
    """The fields an edit form shows: in the client view only what a client may see."""
    if not state.client_view():
        return fields
    return tuple(f for f in fields if client_facing.visible(kind, f) and f not in client_facing.THERAPIST_SETS)


# --- person -----------------------------------------------------------------------------------

PERSON_FIELDS = ("alias", "role", "alive", "paced", "notes")


def _person_values(fk: str, fields: tuple[str, ...]) -> dict[str, Any]:
    ss = st.session_state
    out: dict[str, Any] = {}
    for f in fields:
        v = ss.get(f"{fk}:{f}")
        out[f] = bool(v) if f in ("alive", "paced") else _text(v, "other") if f == "role" else \
            _text(v) if f == "alias" else (v or "")
    return out


def _stored_person(pid: str, fields: tuple[str, ...]) -> dict[str, Any] | None:
    opened = state.current(recheck=False)
    p = opened.map.people_by_id.get(pid) if opened is not None else None
    if p is None:
        return None
    d = p.model_dump(mode="json")
    return {f: d[f] for f in fields}


def _save_person(pid: str, fk: str, fields: tuple[str, ...]) -> None:
    field_sync.save("person", pid, fk, _person_values(fk, fields), where=f"person:{pid}",
                    stored_after=lambda: _stored_person(pid, fields), to_widget=_as_widget)


def person_form(m: DitMap, p: Person, *, place: str = "map") -> None:
    """Edit one person. `place` (the page) is part of the widget keys: Streamlit ties a widget's state to its
    page, so the same key on two pages would hand a form a stale value."""
    where = f"person:{p.id}"
    fk = f"pf:{p.id}:{place}"
    ro = state.read_only()
    fields = _editable("person", PERSON_FIELDS)
    d = p.model_dump(mode="json")
    sync = field_sync.FieldSync(fk, {f: d[f] for f in fields}, to_widget=_as_widget)
    sync.prepare()
    ss = st.session_state
    with st.form(fk, border=True):
        st.text_input(_L("alias"), key=sync.key("alias"), max_chars=200)
        sync.notice("alias")
        roles = common.with_extra(ROLES, p.role, ss.get(sync.key("role")) or "", sync.conflicts().get("role") or "")
        st.selectbox(_L("role"), roles, key=sync.key("role"), accept_new_options=True)
        sync.notice("role")
        st.checkbox(_L("alive"), key=sync.key("alive"))
        sync.notice("alive")
        if "paced" in fields:
            st.checkbox(_L("paced"), key=sync.key("paced"), help=PACED_HELP)
            sync.notice("paced")
        if "notes" in fields:
            st.text_area(_L("notes"), key=sync.key("notes"), height=90, max_chars=20_000)
            sync.notice("notes")
        st.form_submit_button("Save", on_click=_save_person, args=(p.id, fk, fields), type="primary", disabled=ro)
    edits.show_problems(where)
    if not ro and p.role != "self":
        with st.popover("Remove…", icon=":material/delete:"):
            n = sum(1 for r in m.relationships if p.id in (r.source, r.target))
            st.text(f"Remove {p.alias}" + (f" and their {n} relationship{'s' if n != 1 else ''}?" if n else "?"))
            st.button("Yes, remove", key=f"rm:{p.id}", on_click=remove_item, args=("person", p.id, where))


def _add_person(fk: str, me_id: str | None) -> None:
    ss = st.session_state
    m = state.current().map  # type: ignore[union-attr]
    alias = _text(ss.get(f"{fk}:alias"))
    if not alias:
        st.session_state[f"_problems:{fk}"] = [Problem(_L("alias"), "a person needs a name")]
        return
    pid = new_id(m, "person")
    ops: list[Any] = [AddItem(kind="person", item={"id": pid, "alias": alias,
                                                   "role": _text(ss.get(f"{fk}:role"), "other")})]
    if me_id and ss.get(f"{fk}:link", True):
        rid = new_id(m, "relationship")
        ops.append(AddItem(kind="relationship", item={
            "id": rid, "source": me_id, "target": pid, "corner": ss[f"{fk}:corner"],
            "kind": _text(ss.get(f"{fk}:kind"), "close"), "closeness": ss[f"{fk}:closeness"],
            "intensity": int(ss[f"{fk}:intensity"])}))
    op = ops[0] if len(ops) == 1 else Batch(ops=tuple(ops), description=f"Added {alias}"[:200])
    if edits.apply(op, where=fk):
        ss[f"{fk}:alias"] = ""  # the name is fresh; role and corner stay, as people are often added in runs
        ss["selected"] = ("person", pid)
        ss["_added_person"] = True


def add_person_form(m: DitMap, *, key: str = "add_person") -> None:
    """Add a person and, in the same step, their relationship with the client.

    Drawn in the Map page's dialog too, so the fields take their defaults from the widgets themselves (a
    value set through session state is not taken by a widget drawn again after a run without it).
    """
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
            c1.selectbox(_L("kind"), RELATIONSHIP_KINDS, key=f"{fk}:kind", accept_new_options=True,
                         format_func=value_fmt("kind"))
            c2.slider(_L("intensity"), 1, 5, 3, key=f"{fk}:intensity")
        st.form_submit_button("Add person", on_click=_add_person, args=(fk, me.id if me else None),
                              type="primary", disabled=state.read_only(), icon=":material/person_add:")
    edits.show_problems(fk)


# --- relationship -----------------------------------------------------------------------------

RELATIONSHIP_FIELDS = ("source", "target", "corner", "closeness", "kind", "direction", "intensity", "paced",
                       "feelings", "communication_style", "notes")


def _rel_values(fk: str, fields: tuple[str, ...]) -> dict[str, Any]:
    ss = st.session_state
    out: dict[str, Any] = {}
    for f in fields:
        v = ss.get(f"{fk}:{f}")
        if f == "kind":
            out[f] = _text(v, "close")
        elif f == "communication_style":
            out[f] = _text(v)
        elif f == "intensity":
            out[f] = int(v)
        elif f == "paced":
            out[f] = bool(v)
        elif f == "feelings":
            out[f] = [x.strip() for x in (v or []) if x.strip()]
        else:
            out[f] = v if v is not None else ""
    return out


def _stored_rel(rid: str, fields: tuple[str, ...]) -> dict[str, Any] | None:
    opened = state.current(recheck=False)
    r = opened.map.relationships_by_id.get(rid) if opened is not None else None
    if r is None:
        return None
    d = r.model_dump(mode="json")
    return {f: d[f] for f in fields}


def _save_relationship(rid: str, fk: str, fields: tuple[str, ...]) -> None:
    field_sync.save("relationship", rid, fk, _rel_values(fk, fields), where=f"relationship:{rid}",
                    stored_after=lambda: _stored_rel(rid, fields), to_widget=_as_widget)


def _relationship_fields(m: DitMap, fk: str, current: Mapping[str, Any], sync: field_sync.FieldSync | None) -> None:
    """The widgets of a relationship form (add or edit), each keyed `fk:field`, values from session state."""
    people = common.person_options(m)
    ids = list(people)
    fields = _editable("relationship", RELATIONSHIP_FIELDS)
    extra = sync.conflicts() if sync is not None else {}

    def note(f: str, shown: Any = None) -> None:
        if sync is not None:
            sync.notice(f, shown)

    for f in ("source", "target"):
        field_sync.keep_choice(f"{fk}:{f}", people.get(st.session_state.get(f"{fk}:{f}")))
    c1, c2 = st.columns(2)
    with c1:
        st.selectbox(_L("source"), ids, key=f"{fk}:source", format_func=people.get)
        note("source", people.get)
    with c2:
        st.selectbox(_L("target"), ids, key=f"{fk}:target", format_func=people.get)
        note("target", people.get)
    c1, c2 = st.columns(2)
    with c1:
        st.selectbox(_L("corner"), CORNERS, key=f"{fk}:corner", format_func=corner_fmt())
        note("corner", corner_fmt())
        kinds = common.with_extra(RELATIONSHIP_KINDS, current.get("kind") or "", extra.get("kind") or "")
        st.selectbox(_L("kind"), kinds, key=f"{fk}:kind", accept_new_options=True, format_func=value_fmt("kind"))
        note("kind", value_fmt("kind"))
    with c2:
        st.selectbox(_L("closeness"), CLOSENESS, key=f"{fk}:closeness", format_func=closeness_fmt())
        note("closeness", closeness_fmt())
        st.selectbox(_L("direction"), DIRECTIONS, key=f"{fk}:direction", format_func=value_fmt("direction"))
        note("direction", value_fmt("direction"))
    st.slider(_L("intensity"), 1, 5, key=f"{fk}:intensity")
    note("intensity")
    if "paced" in fields:
        st.checkbox(_L("paced"), key=f"{fk}:paced", help=PACED_HELP)
        note("paced")
    feelings = common.with_extra(AFFECTS, *(current.get("feelings") or ()), *(extra.get("feelings") or ()))
    st.multiselect(_L("feelings"), feelings, key=f"{fk}:feelings", accept_new_options=True, select_all=False)
    note("feelings")
    styles = common.with_extra(("", *COMMUNICATION_STYLES), current.get("communication_style") or "",
                               extra.get("communication_style") or "")
    st.selectbox(_L("communication_style"), styles, key=f"{fk}:communication_style", accept_new_options=True,
                 format_func=value_fmt("communication_style"))
    note("communication_style", value_fmt("communication_style"))
    if "notes" in fields:
        st.text_area(_L("notes"), key=f"{fk}:notes", height=80, max_chars=20_000)
        note("notes")


def relationship_form(m: DitMap, r: Relationship | None, *, place: str = "map") -> None:
    """Edit a relationship, or (r is None) add one; `place` as in `person_form`."""
    if r is None:
        add_relationship_form(m)
        return
    where = f"relationship:{r.id}"
    fk = f"rf:{r.id}:{place}"
    ro = state.read_only()
    fields = _editable("relationship", RELATIONSHIP_FIELDS)
    d = r.model_dump(mode="json")
    sync = field_sync.FieldSync(fk, {f: d[f] for f in fields}, to_widget=_as_widget)
    sync.prepare()
    ss = st.session_state
    with st.form(fk, border=True):
        _relationship_fields(m, fk, {f: ss.get(f"{fk}:{f}") for f in fields}, sync)
        st.form_submit_button("Save", on_click=_save_relationship, args=(r.id, fk, fields), type="primary",
                              disabled=ro)
    edits.show_problems(where)
    if not ro:
        with st.popover("Remove…", icon=":material/delete:"):
            st.text(f"Remove the relationship {m.label_of('relationship', r.id)}?")
            st.button("Yes, remove", key=f"rm:{r.id}", on_click=remove_item, args=("relationship", r.id, where))


_ADD_REL = "rf:new"
_DUPLICATE = "_duplicate:add_relationship"


def _add_rel_defaults(m: DitMap) -> dict[str, Any]:
    ids = [p.id for p in m.people]
    me = m.self_person
    src = me.id if me is not None else (ids[0] if ids else None)
    tgt = next((i for i in ids if i != src), src)
    return {"source": src, "target": tgt, "corner": "current", "closeness": "middle",
            "kind": RELATIONSHIP_KINDS[0], "direction": "mutual", "intensity": 3, "paced": False, "feelings": [],
            "communication_style": "", "notes": ""}


def duplicate_of(m: DitMap, values: Mapping[str, Any]) -> Relationship | None:
    """An existing relationship between the same two people (either way round) in the same corner."""
    pair = {values.get("source"), values.get("target")}
    return next((r for r in m.relationships if {r.source, r.target} == pair and r.corner == values.get("corner")),
                None)


def _add_relationship(*, anyway: bool = False) -> None:
    ss = st.session_state
    opened = state.current()
    if opened is None:
        return
    m = opened.map
    fields = _editable("relationship", RELATIONSHIP_FIELDS)
    values = _rel_values(_ADD_REL, fields)
    if values["source"] == values["target"]:
        ss["_problems:add_relationship"] = [Problem(_L("target"), "choose two different people")]
        return
    existing = duplicate_of(m, values)
    if existing is not None and not anyway:
        ss[_DUPLICATE] = existing.id
        return
    ss.pop(_DUPLICATE, None)
    rid = new_id(m, "relationship")
    if edits.apply(AddItem(kind="relationship", item={"id": rid, **values}), where="add_relationship"):
        reset_form(_ADD_REL, _add_rel_defaults(state.current(recheck=False).map))  # type: ignore[union-attr]
        ss["selected"] = ("relationship", rid)


def _edit_existing(rid: str) -> None:
    st.session_state.pop(_DUPLICATE, None)
    st.session_state["selected"] = ("relationship", rid)


def add_relationship_form(m: DitMap) -> None:
    """Add a relationship; a second one between the same two people in the same corner asks first."""
    fk = _ADD_REL
    ss = st.session_state
    defaults = _add_rel_defaults(m)
    if ss.get(f"{fk}:source") not in m.people_by_id or ss.get(f"{fk}:target") not in m.people_by_id:
        reset_form(fk, {"source": defaults["source"], "target": defaults["target"]})
    form_defaults(fk, defaults)
    fields = _editable("relationship", RELATIONSHIP_FIELDS)
    with st.form(fk, border=True):
        _relationship_fields(m, fk, {f: ss.get(f"{fk}:{f}") for f in fields}, None)
        st.form_submit_button("Add relationship", on_click=_add_relationship, type="primary",
                              disabled=state.read_only())
    dup = m.relationships_by_id.get(ss.get(_DUPLICATE) or "")
    if dup is not None:
        with st.container(border=True):
            st.text(f"{m.label_of('relationship', dup.id)} already have a relationship "
                    f"({corner_word(dup.corner, state.client_view())}). Add another one anyway, or edit that one?")
            c1, c2 = st.columns(2)
            c1.button("Add anyway", key="dup:add", on_click=_add_relationship, kwargs={"anyway": True})
            c2.button("Edit the existing one", key="dup:edit", on_click=_edit_existing, args=(dup.id,),
                      type="primary")
    edits.show_problems("add_relationship")


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
PATTERN_FIELDS = ("title", "self_representation", "other_representation", "affects", "defensive_function",
                  "defences", "reversal", "transference", "client_words", "healthier_alternative")


def _pattern_values(fk: str, fields: tuple[str, ...]) -> dict[str, Any]:
    ss = st.session_state
    out: dict[str, Any] = {}
    for f in fields:
        v = ss.get(f"{fk}:{f}")
        if f in ("affects", "defences"):
            out[f] = [x.strip() for x in (v or []) if x.strip()]
        elif f == "title":
            out[f] = _text(v)
        else:
            out[f] = v or ""
    return out


def _stored_pattern(pid: str, fields: tuple[str, ...]) -> dict[str, Any] | None:
    opened = state.current(recheck=False)
    pt = opened.map.patterns_by_id.get(pid) if opened is not None else None
    if pt is None:
        return None
    d = pt.model_dump(mode="json")
    return {f: d[f] for f in fields}


_ADD_PATTERN = "ptf:new"


def _save_pattern(pid: str | None, fk: str, fields: tuple[str, ...]) -> None:
    ss = st.session_state
    values = _pattern_values(fk, fields)
    where = f"pattern:{pid}" if pid else "add_pattern"
    if not values["title"]:
        ss[f"_problems:{where}"] = [Problem(_L("title"), "a pattern needs a title")]
        return
    if pid is None:
        m = state.current().map  # type: ignore[union-attr]
        new = new_id(m, "pattern")
        if edits.apply(AddItem(kind="pattern", item={"id": new, **values}), where=where):
            reset_form(fk, {f: [] if f in ("affects", "defences") else "" for f in fields})
            ss["open_pattern"] = new
        return
    field_sync.save("pattern", pid, fk, values, where=where, stored_after=lambda: _stored_pattern(pid, fields),
                    to_widget=_as_widget)


def pattern_form(m: DitMap, pt: Pattern | None) -> None:
    """The guided IPAF builder: one question per field, in the order a formulation is written.

    In the client view only what a client may see, each in plain words (`client_facing`).
    """
    cv = state.client_view()
    where = f"pattern:{pt.id}" if pt else "add_pattern"
    fields = _editable("pattern", PATTERN_FIELDS)
    sync: field_sync.FieldSync | None = None
    if pt is not None:
        fk = f"ptf:{pt.id}"
        d = pt.model_dump(mode="json")
        sync = field_sync.FieldSync(fk, {f: d[f] for f in fields}, to_widget=_as_widget)
        sync.prepare()
    else:
        fk = _ADD_PATTERN
        form_defaults(fk, {f: [] if f in ("affects", "defences") else "" for f in fields})
    ss = st.session_state
    conflicts = sync.conflicts() if sync is not None else {}

    def note(f: str) -> None:
        if sync is not None:
            sync.notice(f)

    with st.form(fk, border=not bool(pt)):
        st.text_input(_L("title"), key=f"{fk}:title", max_chars=200,
                      placeholder="e.g. Pleasing to avoid being a burden")
        note("title")
        for fld, question, example in PATTERN_STEPS:
            if fld not in fields:
                continue
            st.text_area(f"{_L(fld)} — {question}" if not cv else _L(fld), key=f"{fk}:{fld}", height=68,
                         max_chars=20_000, placeholder=example)
            note(fld)
            if fld == "other_representation":
                affects = common.with_extra(AFFECTS, *(ss.get(f"{fk}:affects") or ()),
                                            *(conflicts.get("affects") or ()))
                st.multiselect(_L("affects") + ("" if cv else " — the feelings linking self and other"),
                               affects, key=f"{fk}:affects", accept_new_options=True, select_all=False)
                note("affects")
            if fld == "defensive_function" and "defences" in fields:
                defences = common.with_extra(tuple(_DEFENCE_OPTIONS), *(ss.get(f"{fk}:defences") or ()),
                                             *(conflicts.get("defences") or ()))
                st.multiselect("defences — grouped by level of the Defensive Functioning Scale", defences,
                               key=f"{fk}:defences", accept_new_options=True, select_all=False,
                               format_func=_defence_label)
                note("defences")
        st.form_submit_button("Save" if pt else "Add pattern", on_click=_save_pattern,
                              args=(pt.id if pt else None, fk, fields), type="primary", disabled=state.read_only())
    edits.show_problems(where)


def _defence_label(d: str) -> str:
    return f"{d} · {_DEFENCE_LEVEL[d]}" if d in _DEFENCE_LEVEL else d


def _agree(pt: Pattern, fk: str) -> None:
    try:
        on = parse_date(st.session_state.get(f"{fk}:on")) or dt.date.today()
    except DateError as err:
        st.session_state[f"_problems:status:{pt.id}"] = [Problem(_L("agreed_on"), str(err))]
        return
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
        st.session_state.setdefault(f"{fk}:on", dt.date.today().isoformat())
        c1.text_input(_L("agreed_on"), key=f"{fk}:on", max_chars=10, placeholder="YYYY-MM-DD",
                      help="Year-month-day, e.g. 2026-11-08")
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
