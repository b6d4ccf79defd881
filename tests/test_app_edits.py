"""Every edit goes through the store as an operation: tables, forms, undo/redo, conflicts, positions, roles."""

from __future__ import annotations

import pytest
from app_helpers import all_text, app, edit_table, focus_panel, new_map, open_sample, page, store

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
    edit_table(at, "session", {0: {"phq9": 15, "process_notes": "private"}})
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
    map_id = open_sample(at)
    m, _ = store().load(map_id)
    mum = next(p for p in m.people if p.role == "mother")
    at.session_state["selected"] = ("person", mum.id)
    at.run()
    alias = next(t for t in at.text_input if t.key.startswith(f"pf:{mum.id}:") and t.key.endswith(":alias"))
    alias.input("Mother (M.)")
    next(b for b in at.button if b.label == "Save").click().run()
    assert store().load(map_id)[0].people_by_id[mum.id].alias == "Mother (M.)"


def test_a_conflict_keeps_my_change_and_shows_theirs():
    at = app()
    map_id = open_sample(at)
    m, v = store().load(map_id)
    mum = next(p for p in m.people if p.role == "mother")
    at.session_state["selected"] = ("person", mum.id)
    at.run()
    # Another device renames her meanwhile.
    store().apply(map_id, UpdateItem(kind="person", id=mum.id, changes={"alias": "Mama"}), base_version=v,
                  author="other device")
    alias = next(t for t in at.text_input if t.key.startswith(f"pf:{mum.id}:") and t.key.endswith(":alias"))
    alias.input("Mother")
    next(b for b in at.button if b.label == "Save").click().run()
    assert store().load(map_id)[0].people_by_id[mum.id].alias == "Mama"  # nothing written over theirs
    text = all_text(at)
    assert "other device" in text and "Your change is kept" in text
    at.button(key="conflict_apply").click().run()
    assert store().load(map_id)[0].people_by_id[mum.id].alias == "Mother"
    assert "conflict_apply" not in [b.key for b in at.button]


def test_a_conflict_can_be_discarded():
    at = app()
    map_id = open_sample(at)
    m, v = store().load(map_id)
    mum = next(p for p in m.people if p.role == "mother")
    at.session_state["selected"] = ("person", mum.id)
    at.run()
    store().apply(map_id, UpdateItem(kind="person", id=mum.id, changes={"alias": "Mama"}), base_version=v)
    alias = next(t for t in at.text_input if t.key.startswith(f"pf:{mum.id}:") and t.key.endswith(":alias"))
    alias.input("Mother")
    next(b for b in at.button if b.label == "Save").click().run()
    at.button(key="conflict_discard").click().run()
    assert store().load(map_id)[0].people_by_id[mum.id].alias == "Mama"
    assert "conflict_apply" not in [b.key for b in at.button]


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


def test_supervisor_is_read_only_but_can_comment_and_resolve():
    at = app()
    map_id = open_sample(at)
    sup = app(map=map_id, **{"as": "supervisor"})
    v = store().version(map_id)
    page(sup, "people")
    edit_table(sup, "person", {0: {"alias": "changed"}})
    assert store().version(map_id) == v
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


def test_supervisor_comments_on_the_item_selected_on_the_map():
    at = app()
    map_id = open_sample(at)
    sup = app(map=map_id, **{"as": "supervisor"})
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


def test_a_comment_on_a_pattern_from_the_patterns_page():
    at = app()
    map_id = open_sample(at)
    sup = app(map=map_id, **{"as": "supervisor"})
    page(sup, "patterns")
    pt = store().load(map_id)[0].patterns[1]
    fk = f"comment:pattern:{pt.id}"
    sup.text_area(key=f"{fk}:text").input("Is this a second focus or part of the first?")
    sup.button(key=f"FormSubmitter:{fk}-Add comment").click().run()
    last = store().load(map_id)[0].comments[-1]
    assert (last.anchor_kind, last.anchor, last.text) == (
        "pattern", pt.id, "Is this a second focus or part of the first?")
