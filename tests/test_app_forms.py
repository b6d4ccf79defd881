"""The forms beside the tables: fresh after an add, kept after a refusal, a duplicate asks first, the edit
picker stays where it was put, dates are ISO or refused, the client view shows what a client may see."""

from __future__ import annotations

import pytest
from app_helpers import all_text, app, client_view_on, edit_table, open_sample, page, store

from ditmap.style import LINE_STYLES
from ditmap.vocab import COMMUNICATION_STYLES


@pytest.fixture(autouse=True)
def _db(tmp_path, monkeypatch):
    monkeypatch.setenv("DITMAP_DB", str(tmp_path / "app.sqlite3"))


ADD = "FormSubmitter:rf:new-Add relationship"


def _fill_relationship(at, target: str, corner: str, *, notes: str = "typed notes") -> None:
    at.selectbox(key="rf:new:target").set_value(target)
    at.selectbox(key="rf:new:corner").set_value(corner)
    at.multiselect(key="rf:new:feelings").set_value(["shame", "envy"])
    at.selectbox(key="rf:new:communication_style").set_value("avoidant/withdrawn")
    at.text_area(key="rf:new:notes").input(notes)


def _unused_corner(m, a: str, b: str) -> str:
    used = {r.corner for r in m.relationships if {r.source, r.target} == {a, b}}
    return next(c for c in ("past", "current", "therapy") if c not in used)


def test_after_a_successful_add_the_relationship_form_is_fresh():
    at = app()
    map_id = open_sample(at)
    page(at, "relationships")
    m, _v = store().load(map_id)
    other = next(p for p in m.people if p.role not in ("self",))
    corner = _unused_corner(m, m.self_person.id, other.id)
    _fill_relationship(at, other.id, corner)
    at.button(key=ADD).click().run()
    assert not at.exception
    added = store().load(map_id)[0].relationships[-1]
    assert (added.target, added.corner, added.notes, added.feelings) == (other.id, corner, "typed notes",
                                                                         ("shame", "envy"))
    assert at.text_area(key="rf:new:notes").value == ""
    assert at.multiselect(key="rf:new:feelings").value == []
    assert at.selectbox(key="rf:new:communication_style").value == ""
    # and the next add carries nothing of the previous one
    third = next(p for p in m.people if p.id not in (other.id, m.self_person.id))
    at.selectbox(key="rf:new:target").set_value(third.id)
    at.selectbox(key="rf:new:corner").set_value(_unused_corner(m, m.self_person.id, third.id))
    at.button(key=ADD).click().run()
    nxt = store().load(map_id)[0].relationships[-1]
    assert (nxt.notes, nxt.feelings, nxt.communication_style) == ("", (), "")


def test_after_a_refused_add_what_was_typed_stays():
    at = app()
    map_id = open_sample(at)
    page(at, "relationships")
    m, v = store().load(map_id)
    _fill_relationship(at, m.self_person.id, "current")  # the client with themself: refused
    at.button(key=ADD).click().run()
    assert store().version(map_id) == v
    assert "choose two different people" in all_text(at)
    assert at.text_area(key="rf:new:notes").value == "typed notes"
    assert at.multiselect(key="rf:new:feelings").value == ["shame", "envy"]


def test_a_second_relationship_in_the_same_corner_asks_first():
    at = app()
    map_id = open_sample(at)
    page(at, "relationships")
    m, v = store().load(map_id)
    existing = next(r for r in m.relationships if m.self_person.id in (r.source, r.target))
    other = existing.target if existing.source == m.self_person.id else existing.source
    _fill_relationship(at, other, existing.corner, notes="a second one")
    at.button(key=ADD).click().run()
    assert store().version(map_id) == v  # asked, nothing added
    assert "already have a relationship" in all_text(at)
    at.button(key="dup:edit").click().run()
    assert at.session_state["selected"] == ("relationship", existing.id)
    assert at.selectbox(key="pick:relationship").value == existing.id  # the edit form shows the existing one
    assert at.text_area(key="rf:new:notes").value == "a second one"  # not added, so kept
    at.button(key=ADD).click().run()
    at.button(key="dup:add").click().run()
    assert store().version(map_id) == v + 1
    assert store().load(map_id)[0].relationships[-1].notes == "a second one"


def test_add_person_name_is_fresh_after_adding_and_input_kept_when_refused():
    at = app()
    map_id = open_sample(at)
    page(at, "people")
    at.selectbox(key="add_person:role").set_value("friend")
    at.selectbox(key="add_person:corner").set_value("past")
    at.button(key="FormSubmitter:add_person-Add person").click().run()  # no name: refused
    assert "a person needs a name" in all_text(at)
    assert at.selectbox(key="add_person:role").value == "friend"
    at.text_input(key="add_person:alias").input("Jo")
    at.button(key="FormSubmitter:add_person-Add person").click().run()
    m = store().load(map_id)[0]
    jo = next(p for p in m.people if p.alias == "Jo")
    assert jo.role == "friend" and next(r for r in m.relationships if jo.id in (r.source, r.target)).corner == "past"
    assert at.text_input(key="add_person:alias").value == ""  # fresh name; role and corner stay for a run


def test_the_edit_picker_keeps_the_choice():
    at = app()
    map_id = open_sample(at)
    m = store().load(map_id)[0]
    for kind, name, items in (("person", "people", m.people), ("relationship", "relationships", m.relationships)):
        page(at, name)
        chosen = items[2].id
        at.selectbox(key=f"pick:{kind}").set_value(chosen).run()
        assert at.selectbox(key=f"pick:{kind}").value == chosen
        at.run()  # a live update or any other rerun
        assert at.selectbox(key=f"pick:{kind}").value == chosen
        prefix = "pf" if kind == "person" else "rf"
        assert any(w.key and w.key.startswith(f"{prefix}:{chosen}:{name}:") for w in at.selectbox)


def test_the_defences_picker_offers_no_bulk_choice():
    at = app()
    open_sample(at)
    page(at, "patterns")
    pickers = [w for w in at.multiselect if w.key and (w.key.endswith(":defences") or w.key.endswith(":affects"))]
    assert pickers
    assert all(w.proto.select_all == 0 for w in pickers)  # no "Select all" / "Select N matches"


@pytest.mark.parametrize("typed", ["2026/11/08", "08/11/2026"])
def test_a_session_date_is_iso_or_refused(typed):
    at = app()
    map_id = open_sample(at)
    page(at, "sessions")
    _, v = store().load(map_id)
    at.number_input(key="new_session:number").set_value(40)
    at.text_input(key="new_session:date").input(typed)
    at.button(key="FormSubmitter:new_session-Add session").click().run()
    assert store().version(map_id) == v
    assert "year-month-day, e.g. 2026-11-08" in all_text(at)
    at.text_input(key="new_session:date").input("2026-11-08")
    at.button(key="FormSubmitter:new_session-Add session").click().run()
    added = next(s for s in store().load(map_id)[0].sessions if s.number == 40)
    assert added.date.isoformat() == "2026-11-08"
    assert at.number_input(key="new_session:number").value == 41  # fresh: the next number


def test_a_table_date_is_iso_or_refused():
    at = app()
    map_id = open_sample(at)
    page(at, "sessions")
    _m, v = store().load(map_id)
    edit_table(at, "session", {0: {"date": "2026/11/08"}})
    assert store().version(map_id) == v
    assert "row 1, date: “2026/11/08” is not a date" in all_text(at)
    at.run()  # the refused edit remounted the table
    edit_table(at, "session", {0: {"date": "2026-11-08"}})
    assert store().load(map_id)[0].sessions[0].date.isoformat() == "2026-11-08"


def test_a_duplicate_session_number_is_said_in_the_words_of_the_page():
    at = app()
    map_id = open_sample(at)
    page(at, "sessions")
    m, _ = store().load(map_id)
    at.number_input(key="new_session:number").set_value(m.sessions[0].number)
    at.button(key="FormSubmitter:new_session-Add session").click().run()
    text = all_text(at)
    assert "the new session, number" in text and "sessions[" not in text


CLIENT_PAGES = ("people", "relationships", "patterns")


def sent(at) -> str:
    """What the server sends the browser: every element's message (AppTest's `.value` of a selectbox is the
    Python value, which the browser never receives: it gets the option's formatted words)."""
    out: list[str] = []

    def walk(node) -> None:
        proto = getattr(node, "proto", None)
        if proto is not None:
            out.append(str(proto))
        for c in getattr(node, "children", {}).values():
            walk(c)

    walk(at._tree)
    return "\n".join(out)


def test_the_client_view_shows_no_notes_and_only_plain_words():
    at = app()
    map_id = open_sample(at, "complex-trauma-abandonment")
    m = store().load(map_id)[0]
    notes = [p.notes for p in m.people if p.notes] + [r.notes for r in m.relationships if r.notes]
    raw = [k for k in {r.kind for r in m.relationships} if k in LINE_STYLES and k not in LINE_STYLES[k].plain]
    own = {r.communication_style for r in m.relationships} - set(COMMUNICATION_STYLES)  # the pair's own words
    raw += [c for c in {r.communication_style for r in m.relationships} if c in COMMUNICATION_STYLES
            and not any(c in o for o in own)]
    assert notes and raw
    at.session_state["selected"] = ("relationship", m.relationships[0].id)
    client_view_on(at)
    for name in CLIENT_PAGES:
        page(at, name)
        assert not at.exception, (name, at.exception)
        text = all_text(at)
        shown = [n[:40] for n in notes if n[:40] in text]
        assert not shown, (name, shown)
        words = [w for w in raw if w in sent(at)]
        assert not words, (name, words)
    page(at, "relationships")
    assert LINE_STYLES[m.relationships_by_id["r-mum"].kind].plain in all_text(at)
