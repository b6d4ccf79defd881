"""Every edit goes through the store as an operation: tables, forms, undo/redo, conflicts, positions, roles."""

from __future__ import annotations

import pytest
from app_helpers import (
    all_text,
    app,
    clinic_session,
    edit_table,
    focus_panel,
    new_map,
    open_sample,
    open_with_person,
    page,
    save,
    store,
)

from ditmap.operations import UpdateItem


@pytest.fixture(autouse=True)
def _db(tmp_path, monkeypatch):
    monkeypatch.setenv("DITMAP_DB", str(tmp_path / "app.sqlite3"))


def _add_people(at, *names: str) -> None:
    """Add people through the People page's form (rows are added with forms, not in the table)."""
    page(at, "people")
    for name in names:
        at.text_input(key="add_person:alias").input(name)
        at.button(key="FormSubmitter:add_person-Add person").click().run()


def test_people_table_edits_become_one_operation_in_the_store():
    at = app()
    map_id = open_sample(at)
    page(at, "people")
    m, v0 = store().load(map_id)
    edit_table(at, "person", {0: {"alias": "R. (client)"}, 2: {"notes": "works nights"}})
    assert not at.exception
    after, v = store().load(map_id)
    assert v == v0 + 1  # one Batch: one version, one undo step
    assert (after.people[0].alias, after.people[2].notes) == ("R. (client)", "works nights")
    assert [p.alias for p in after.people[1:]] == [p.alias for p in m.people[1:]]
    assert store().history(map_id, limit=1)[0].op.op == "batch"


def test_every_table_edit_lands_even_many_in_a_row():
    """#7749: feeding the editor's output back loses every second edit. The editor reports every edit
    since it was mounted; each lands once, and none is lost or applied twice."""
    at = app()
    map_id = open_sample(at)
    page(at, "people")
    v0 = store().version(map_id)
    key = at.session_state["_table_key:person"]
    cumulative: dict[int, dict[str, str]] = {}
    for row, name in ((1, "A"), (2, "B"), (3, "C"), (4, "D")):
        cumulative[row] = {"alias": name}
        edit_table(at, "person", dict(cumulative))
        assert at.session_state["_table_key:person"] == key  # the same editor: nothing to drop
    after, v = store().load(map_id)
    assert [p.alias for p in after.people[1:5]] == ["A", "B", "C", "D"]
    assert v == v0 + 4


def test_the_table_is_remounted_when_the_map_changes_elsewhere():
    at = app()
    map_id = open_sample(at)
    page(at, "people")
    key = at.session_state["_table_key:person"]
    m, v = store().load(map_id)
    store().apply(map_id, UpdateItem(kind="person", id=m.people[1].id, changes={"alias": "Mama"}), base_version=v)
    at.run()
    assert at.session_state["_table_key:person"] != key  # no stale value of another device stays on screen


def test_an_invalid_table_edit_changes_nothing_and_says_where_and_what():
    at = app()
    map_id = open_sample(at)
    page(at, "relationships")
    m, before = store().load(map_id)
    edit_table(at, "relationship", {0: {"intensity": 9}, 1: {"target": m.relationships[1].source}})
    assert store().version(map_id) == before
    errors = " ".join(e.value for e in at.error)
    assert "Nothing was changed" in errors
    assert "row 1, intensity" in errors
    assert "two different people" in errors


def test_removing_a_person_asks_and_takes_their_relationships():
    at = app()
    map_id = open_sample(at)
    m, _ = store().load(map_id)
    mum = next(p for p in m.people if p.role == "mother")
    n = sum(1 for r in m.relationships if mum.id in (r.source, r.target))
    assert n > 0
    at.session_state["selected"] = ("person", mum.id)
    at.run()
    at.button(key=f"rm:{mum.id}").click().run()
    after = store().load(map_id)[0]
    assert mum.id not in after.people_by_id
    assert len(after.relationships) == len(m.relationships) - n


def test_sessions_are_added_and_scored():
    at = app()
    map_id = new_map(at)
    page(at, "sessions")
    at.number_input(key="new_session:phq9").set_value(17)
    at.number_input(key="new_session:gad7").set_value(12)
    at.button(key="FormSubmitter:new_session-Add session").click().run()
    edit_table(at, "session", {0: {"PHQ-9": 15, "process notes (private)": "private"}})  # columns are labels
    m, _ = store().load(map_id)
    assert [(s.number, s.phq9, s.gad7, s.process_notes) for s in m.sessions] == [(1, 15, 12, "private")]
    assert at.get("vega_lite_chart"), "the course chart is drawn once a session has scores"
    at.button(key="remove_session_go").click().run()
    assert store().load(map_id)[0].sessions == ()


def test_undo_and_redo_from_the_sidebar_name_what_they_do():
    at = app()
    map_id = new_map(at)
    _add_people(at, "Mum")
    at.run()
    assert "Added Mum" in at.button(key="undo").help
    at.button(key="undo").click().run()
    assert [p.alias for p in store().load(map_id)[0].people] == ["Me"]
    assert "Added Mum" in at.button(key="redo").help
    at.button(key="redo").click().run()
    assert [p.alias for p in store().load(map_id)[0].people] == ["Me", "Mum"]


def test_opening_the_map_after_adding_people_elsewhere_writes_no_edit():
    """Placing a person is not an edit: the Map page draws them where the layout puts them, and the
    history and Undo still name the last thing someone did (issue 11, item 4)."""
    at = app()
    map_id = new_map(at)
    _add_people(at, "A", "B")
    assert all(p.position is None for p in store().load(map_id)[0].people[1:])
    v = store().version(map_id)
    last = store().history(map_id, limit=1)[0].sentence
    page(at, "map")
    at.run()
    page(at, "map")
    assert store().version(map_id) == v
    assert store().history(map_id, limit=1)[0].sentence == last
    assert "Re-arranged" not in at.button(key="undo").help


def test_selecting_a_person_opens_its_form_and_saving_updates_the_store():
    at = app()
    map_id, mum, _ = open_with_person(at, "mother")
    alias = next(t for t in at.text_input if t.key.startswith(f"pf:{mum.id}:") and t.key.endswith(":alias"))
    alias.input("Mother (M.)")
    save(at)
    assert store().load(map_id)[0].people_by_id[mum.id].alias == "Mother (M.)"


def _person_field(at, pid: str, field: str):
    kind = "text_area" if field == "notes" else "text_input"
    return getattr(at, kind)(key=f"pf:{pid}:map:{field}")


def test_a_conflict_keeps_my_change_and_shows_theirs_beside_the_field():
    """Changed in this field meanwhile: the store refuses the stale save; the field says what it is now;
    *Keep mine* then Save writes mine on top (deliberately changed from the page-wide conflict panel)."""
    at = app()
    map_id, mum, v = open_with_person(at, "mother")
    # Another device renames her meanwhile.
    store().apply(map_id, UpdateItem(kind="person", id=mum.id, changes={"alias": "Mama"}), base_version=v,
                  author="other device")
    _person_field(at, mum.id, "alias").input("Mother")
    save(at)
    assert store().load(map_id)[0].people_by_id[mum.id].alias == "Mama"  # nothing written over theirs
    text = all_text(at)
    assert "Changed on the other device to “Mama”" in text and "Not saved" in text
    assert _person_field(at, mum.id, "alias").value == "Mother"  # mine is kept in the field
    at.button(key=f"pf:{mum.id}:map:alias:keep").click().run()
    assert store().load(map_id)[0].people_by_id[mum.id].alias == "Mama"  # keeping is not saving
    save(at)
    assert store().load(map_id)[0].people_by_id[mum.id].alias == "Mother"
    assert "Changed on the other device" not in all_text(at)


def test_take_theirs_puts_the_other_devices_value_in_the_field():
    at = app()
    map_id, mum, v = open_with_person(at, "mother")
    store().apply(map_id, UpdateItem(kind="person", id=mum.id, changes={"alias": "Mama"}), base_version=v)
    at.run()  # the live update
    assert "Changed on the other device to “Mama”" in all_text(at)
    at.button(key=f"pf:{mum.id}:map:alias:take").click().run()
    assert _person_field(at, mum.id, "alias").value == "Mama"
    assert "Changed on the other device" not in all_text(at)
    save(at)
    assert store().version(map_id) == v + 1  # nothing to save: the field holds what is stored


def test_different_fields_of_one_person_both_land_and_typed_text_survives():
    at = app()
    map_id, mum, v = open_with_person(at, "mother")
    store().apply(map_id, UpdateItem(kind="person", id=mum.id, changes={"alias": "Mama"}), base_version=v)
    at.run()  # the live update: the form is not remounted (its key is the person's id, not a digest)
    assert "Changed on the other device to “Mama”" in all_text(at)
    _person_field(at, mum.id, "notes").input("typed here")  # typed on the stale view (the browser test types
    save(at)  # through live updates; AppTest holds form input only until the submit)
    stored = store().load(map_id)[0].people_by_id[mum.id]
    assert (stored.alias, stored.notes) == ("Mama", "typed here")
    assert _person_field(at, mum.id, "alias").value == "Mama"  # untouched: follows the store after saving
    assert store().history(map_id, limit=1)[0].op.changes == {"notes": "typed here"}  # only what I changed


def test_my_own_table_edit_updates_the_form_without_asking():  # on the People page
    at = app()
    map_id = open_sample(at)
    m, _ = store().load(map_id)
    row = next(i for i, p in enumerate(m.people) if p.role == "mother")
    mum = m.people[row]
    page(at, "people")
    at.session_state["selected"] = ("person", mum.id)
    at.run()
    edit_table(at, "person", {row: {"alias": "Mum (M.)"}})
    assert store().load(map_id)[0].people_by_id[mum.id].alias == "Mum (M.)"
    at.run()
    assert at.text_input(key=f"pf:{mum.id}:people:alias").value == "Mum (M.)"
    assert "Changed on the other device" not in all_text(at)


def test_the_same_relationship_edited_on_two_devices():
    at = app()
    map_id = open_sample(at)
    m, v = store().load(map_id)
    r = m.relationships[0]
    page(at, "relationships")
    at.session_state["selected"] = ("relationship", r.id)
    at.run()
    theirs, mine = (1, 3) if r.intensity != 1 else (2, 3)
    store().apply(map_id, UpdateItem(kind="relationship", id=r.id, changes={"intensity": theirs}), base_version=v)
    at.slider(key=f"rf:{r.id}:relationships:intensity").set_value(mine)
    at.text_area(key=f"rf:{r.id}:relationships:notes").input("mine")
    next(b for b in at.button if b.key == f"FormSubmitter:rf:{r.id}:relationships-Save").click().run()
    stored = store().load(map_id)[0].relationships_by_id[r.id]
    assert (stored.intensity, stored.notes) == (theirs, r.notes)  # refused as a whole: one edit, one decision
    assert "Changed on the other device to" in all_text(at)
    at.button(key=f"rf:{r.id}:relationships:intensity:keep").click().run()
    next(b for b in at.button if b.key == f"FormSubmitter:rf:{r.id}:relationships-Save").click().run()
    stored = store().load(map_id)[0].relationships_by_id[r.id]
    assert (stored.intensity, stored.notes) == (mine, "mine")


def test_pattern_builder_adds_links_and_agrees_a_pattern():
    at = app()
    map_id = new_map(at)
    _add_people(at, "Mum")  # with a relationship to the client, from the same form
    page(at, "patterns")
    at.text_input(key="ptf:new:title").input("Pleasing to avoid being a burden")
    at.text_area(key="ptf:new:self_representation").input("a burden")
    at.multiselect(key="ptf:new:affects").set_value(["shame", "anger"])
    at.multiselect(key="ptf:new:defences").set_value(["reaction formation"])
    at.button(key="FormSubmitter:ptf:new-Add pattern").click().run()
    m = store().load(map_id)[0]
    (pt,) = m.patterns
    assert (pt.title, pt.self_representation, pt.affects, pt.defences) == (
        "Pleasing to avoid being a burden", "a burden", ("shame", "anger"), ("reaction formation",))
    fk = f"linkf:{pt.id}"
    at.selectbox(key=f"{fk}:relationship").set_value(m.relationships[0].id)
    at.slider(key=f"{fk}:strength").set_value(3)
    at.number_input(key=f"{fk}:session").set_value(2)
    at.text_area(key=f"{fk}:example").input("said it was fine")
    at.button(key=f"FormSubmitter:{fk}-Link").click().run()
    (e,) = store().load(map_id)[0].enactments
    assert (e.pattern, e.relationship, e.strength, e.session, e.example) == (
        pt.id, m.relationships[0].id, 3, 2, "said it was fine")
    at.button(key=f"agree:{pt.id}:go").click().run()
    assert store().load(map_id)[0].patterns[0].status == "agreed"


def _supervisor(monkeypatch, map_id):
    """A supervisor assigned to the map's therapist, signed in (clinic mode; `?as=` grants nothing now)."""
    clinic_session(monkeypatch, "sue", {"supervisor"}, owns=map_id, supervises="ann")
    return app(map=map_id)


def test_supervisor_is_read_only_but_can_comment_and_resolve(monkeypatch):
    at = app()
    map_id = open_sample(at)
    sup = _supervisor(monkeypatch, map_id)
    v = store().version(map_id)
    page(sup, "people")
    edit_table(sup, "person", {0: {"alias": "changed"}})
    assert store().version(map_id) == v
    widened = app(map=map_id, **{"as": "therapist"})  # the old role switch in the address grants nothing
    page(widened, "people")
    edit_table(widened, "person", {0: {"alias": "changed"}})
    assert store().version(map_id) == v and "undo" not in [b.key for b in widened.sidebar.button]
    page(sup, "history")
    m = store().load(map_id)[0]
    sup.selectbox(key="comment_form:anchor").set_value(("pattern", m.patterns[0].id))
    sup.text_area(key="comment_form:text").input("Is the therapy corner evidence strong enough?")
    sup.button(key="FormSubmitter:comment_form-Add comment").click().run()
    comments = store().load(map_id)[0].comments
    assert [(c.anchor, c.text, c.status) for c in comments][-1] == (
        m.patterns[0].id, "Is the therapy corner evidence strong enough?", "open")
    sup.button(key=f"resolve:{comments[-1].id}").click().run()
    assert store().load(map_id)[0].comments[-1].status == "resolved"


def test_supervisor_comments_on_the_item_selected_on_the_map(monkeypatch):
    at = app()
    map_id = open_sample(at)
    sup = _supervisor(monkeypatch, map_id)
    m = store().load(map_id)[0]
    mum = next(p for p in m.people if p.role == "mother")
    sup.session_state["selected"] = ("person", mum.id)
    page(sup, "map")
    fk = f"comment:person:{mum.id}"
    sup.text_area(key=f"{fk}:text").input("What did Mum's criticism protect her from?")
    sup.button(key=f"FormSubmitter:{fk}-Add comment").click().run()
    last = store().load(map_id)[0].comments[-1]
    assert (last.anchor_kind, last.anchor, last.text, last.status) == (
        "person", mum.id, "What did Mum's criticism protect her from?", "open")
    assert len(store().load(map_id)[0].comments) == len(m.comments) + 1


def test_the_focus_panel_follows_the_map_as_it_changes():
    at = app()
    map_id = open_sample(at)
    page(at, "map")
    m, v = store().load(map_id)
    agreed = next(p for p in m.patterns if p.status == "agreed")
    panel = focus_panel(at)
    assert panel["heading"] == "Focus: where to look"
    assert panel["items"][0]["label"] == agreed.title and panel["items"][0]["kind"] == "pattern"
    assert all(item["reason"] for item in panel["items"])  # every suggestion says why
    store().apply(map_id, UpdateItem(kind="pattern", id=agreed.id, changes={"title": "Never quite enough"}),
                  base_version=v)
    at.run()  # another device's edit: the panel follows
    assert [i["label"] for i in focus_panel(at)["items"] if i["id"] == agreed.id] == ["Never quite enough"]


def test_a_comment_on_a_pattern_from_the_patterns_page(monkeypatch):
    at = app()
    map_id = open_sample(at)
    sup = _supervisor(monkeypatch, map_id)
    page(sup, "patterns")
    pt = store().load(map_id)[0].patterns[1]
    fk = f"comment:pattern:{pt.id}"
    sup.text_area(key=f"{fk}:text").input("Is this a second focus or part of the first?")
    sup.button(key=f"FormSubmitter:{fk}-Add comment").click().run()
    last = store().load(map_id)[0].comments[-1]
    assert (last.anchor_kind, last.anchor, last.text) == (
        "pattern", pt.id, "Is this a second focus or part of the first?")
