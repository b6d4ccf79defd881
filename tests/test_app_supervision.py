"""The supervision faces in AppTest, with real identities (clinic mode): conversations, the caseload, replay,
changes since a review, Mark reviewed, the pack; and the same pages for the local therapist of personal mode."""

from __future__ import annotations

import pytest
from app_helpers import all_text, app, clinic_session, page, signed_in, store
from apps.supervision_cases import build_case

from ditmap.fileformat import load

SAMPLE = "sample_data/depression-self-critical.ditmap.json"


@pytest.fixture(autouse=True)
def _db(tmp_path, monkeypatch):
    monkeypatch.setenv("DITMAP_DB", str(tmp_path / "app.sqlite3"))


def test_a_supervisor_comment_reaches_the_therapist_who_replies_and_the_supervisor_resolves(monkeypatch):
    map_id = store().create_map("K.", load(SAMPLE)).id
    sue = clinic_session(monkeypatch, "sue", {"supervisor"}, owns=map_id, supervises="ann")
    ann = clinic_session(monkeypatch, "ann", {"therapist"})
    at = app()
    m = store().load(map_id)[0]
    mum = next(p for p in m.people if p.role == "mother")
    signed_in(monkeypatch, sue)
    sup = app(map=map_id)
    sup.session_state["selected"] = ("person", mum.id)
    page(sup, "map")
    fk = f"comment:person:{mum.id}"
    sup.text_area(key=f"{fk}:text").input("What did her criticism protect her from?")
    sup.button(key=f"FormSubmitter:{fk}-Add comment").click().run()
    c = store().load(map_id)[0].comments[-1]
    assert (c.author, c.author_role, c.reply_to, c.status) == ("sue", "supervisor", None, "open")

    # The therapist's next rerun: on the home row, and beside the item.
    signed_in(monkeypatch, ann)
    page(at, "home")
    assert "1 new supervisor comment" in all_text(at)
    at.button(key=f"open_{map_id}").click().run()
    at.session_state["selected"] = ("person", mum.id)
    page(at, "map")
    text = all_text(at)
    assert "1 new supervisor comment on this" in text and "What did her criticism protect her from?" in text
    assert "new from your supervisor" in text
    at.text_input(key=f"reply:{c.id}").input("Her own mother's coldness, perhaps.")
    at.button(key=f"reply:{c.id}:go").click().run()
    reply = store().load(map_id)[0].comments[-1]
    assert (reply.reply_to, reply.author, reply.author_role, reply.anchor) == (c.id, "ann", "therapist", mum.id)
    page(at, "home")
    assert "new supervisor comment" not in all_text(at)  # answered: no longer awaiting the therapist

    signed_in(monkeypatch, sue)
    page(sup, "history")
    sup.button(key=f"resolve:{c.id}").click().run()
    first = store().load(map_id)[0].comments_by_id[c.id]
    assert first.status == "resolved" and first.resolved_by == "sue"
    assert "Her own mother's coldness" not in all_text(sup)  # the filter shows open conversations
    sup.segmented_control(key="comments:filter").set_value("resolved").run()
    assert "Her own mother's coldness, perhaps." in all_text(sup)
    assert "resolved by sue" in all_text(sup)
    assert [r.actor for r in store().clinic().audit_rows(map_id=map_id) if r.action == "comment"] == \
        ["sue", "ann", "sue"]


# --- caseload, replay, changes ------------------------------------------------------------------------

def drawing(at) -> dict:
    """What the map drawing on the page was given (netview_data's format)."""
    from ditmap.ui.netview_data import unpack

    for el in at.get("bidi_component"):
        if el.proto.component_name == "ditmap.network_view":
            return unpack(el.proto.bytes)
    raise AssertionError("no map drawn on this page")


def _cases() -> dict[str, str]:
    """Four cases built edit by edit: one deteriorating, one with no agreed focus, one going well, and one of a
    therapist nobody here supervises."""
    s = store()
    worse = build_case(s, "Worse", phq=[10, 11, 12, 12, 13, 14, 15, 16], gad=[8] * 8, sessions=8,
                       therapist="Dr A", pseudonym="W-1")
    unagreed = build_case(s, "Unagreed", sessions=6, agree_at=None, therapist="Dr B", pseudonym="U-1")
    fine = build_case(s, "Fine", sessions=8, therapist="Dr A", pseudonym="F-1")
    other = build_case(s, "Elsewhere", sessions=3, therapist="Dr C", pseudonym="E-1")
    return {"worse": worse, "unagreed": unagreed, "fine": fine, "other": other}


@pytest.fixture
def cases(monkeypatch):
    """The cases in clinic mode: ann owns Worse and Fine, bea owns Unagreed, cal owns Elsewhere; sue supervises
    ann and bea (not cal) and is the one signed in. `cases["tokens"]` lets a test act as ann or cal."""
    made = _cases()
    tokens = {"cal": clinic_session(monkeypatch, "cal", {"therapist"}, owns=made["other"]),
              "bea": clinic_session(monkeypatch, "bea", {"therapist"}, owns=made["unagreed"]),
              "ann": clinic_session(monkeypatch, "ann", {"therapist"}, owns=made["worse"])}
    records = store().clinic()
    records.set_owner(made["fine"], "ann")
    records.assign("sue", "bea")
    tokens["sue"] = clinic_session(monkeypatch, "sue", {"supervisor"}, supervises="ann")
    return {**made, "tokens": tokens}


def test_caseload_lists_the_supervisees_maps_with_flags_in_words_sorts_filters_and_opens_a_case(cases):
    sup = app()
    page(sup, "caseload")
    assert not sup.exception
    df = sup.dataframe[0].value
    assert set(df["map"]) == {"Worse", "Unagreed", "Fine"}  # not Elsewhere: cal is not sue's supervisee
    flags = dict(zip(df["map"], df["flags"], strict=True))
    assert "⚑ reliable deterioration" in flags["Worse"] and "⚑ no agreed focus by session 5" in flags["Unagreed"]
    assert flags["Fine"] == ""
    row = df[df["map"] == "Worse"].iloc[0]
    assert (row["session"], row["PHQ-9"], row["PHQ-9 since first"], row["phase"]) == (8, 16, "up 6", "middle")
    assert row["versions since my review"].endswith("(never reviewed)")

    sup.selectbox(key="caseload_sort").set_value("deterioration first").run()
    assert next(iter(sup.dataframe[0].value["map"])) == "Worse"
    sup.pills(key="caseload_flag").set_value("no agreed focus by session 5").run()
    assert list(sup.dataframe[0].value["map"]) == ["Unagreed"]
    sup.pills(key="caseload_flag").set_value(None).run()
    sup.segmented_control(key="caseload_phase").set_value("initial").run()
    assert "No map matches these filters." in all_text(sup)  # every case is in the middle phase
    sup.segmented_control(key="caseload_phase").set_value(None).run()
    sup.multiselect(key="caseload_therapists").set_value(["Dr A"]).run()
    assert set(sup.dataframe[0].value["map"]) == {"Worse", "Fine"}

    sup.selectbox(key="caseload_case").set_value(cases["worse"]).run()
    sup.button(key="case_replay").click().run()
    assert sup.query_params["map"] == cases["worse"] and sup.title[0].value == "Replay"


def test_a_therapist_caseload_is_their_own_maps(cases, monkeypatch):
    signed_in(monkeypatch, cases["tokens"]["ann"])
    at = page(app(), "caseload")
    assert set(at.dataframe[0].value["map"]) == {"Worse", "Fine"}
    signed_in(monkeypatch, cases["tokens"]["cal"])
    at = page(app(), "caseload")
    assert list(at.dataframe[0].value["map"]) == ["Elsewhere"]


def test_replay_and_changes_of_a_map_not_open_to_you_are_refused(cases, monkeypatch):
    for name in ("replay", "changes"):
        sup = app(map=cases["other"])  # cal's map: sue does not supervise cal
        with pytest.raises(ValueError):  # no such page without a map open to her
            page(sup, name)
        assert "This map is not open to you." in [w.value for w in sup.warning]
    assert {r.outcome for r in store().clinic().audit_rows(actor="sue", map_id=cases["other"])} == {"refused"}
    assert "Elsewhere" not in str(store().clinic().audit_rows())


def test_replay_steps_through_sessions_with_scores_and_that_sessions_edits(cases):
    sup = app(map=cases["fine"])
    page(sup, "replay")
    assert not sup.exception
    assert sup.session_state["replay_at"] == 7  # the latest session first
    sup.select_slider[0].set_value(3).run()  # session 4
    view = drawing(sup)
    m4 = store().map_at(cases["fine"], next(x for x in _stops(cases["fine"]) if x.label == "session 4").version)
    assert {p["id"] for p in view["people"] if p.get("cg") != 2} == set(m4.people_by_id)
    assert list(sup.dataframe[0].value["session"]) == [1, 2, 3, 4]
    text = all_text(sup)
    assert "Agreed pattern “Pleasing to stay safe” as a focus" in text and "Added session 4" in text
    assert "Added session 5" not in text
    # Positions are the same at every step: the drawing never jumps.
    before = {p["id"]: (p["x"], p["y"]) for p in view["people"]}
    sup.button(key="replay_prev").click().run()
    assert sup.session_state["replay_at"] == 2
    after = {p["id"]: (p["x"], p["y"]) for p in drawing(sup)["people"]}
    assert all(after[k] == v for k, v in before.items() if k in after)
    # What session 4 added is marked on the drawing.
    sup.button(key="replay_next").click().run()
    assert any(p.get("cg") == 1 for p in drawing(sup)["people"])


def _stops(map_id):
    from ditmap.supervision import replay_stops

    m, v = store().load(map_id)
    return replay_stops(store().history(map_id), m, v)


def test_changes_since_my_last_review_are_drawn_listed_selectable_and_reviewable(cases):
    map_id = cases["fine"]
    stops = _stops(map_id)
    store().record_review(map_id, reviewer="sue", version=stops[3].version)  # reviewed at session 4
    store().record_review(map_id, reviewer="bea", version=stops[6].version)  # someone else's review: not sue's
    sup = app(map=map_id)
    page(sup, "changes")
    assert not sup.exception
    text = all_text(sup)
    assert f"since your last review (version {stops[3].version}" in text
    view = drawing(sup)
    marks = {p["id"]: p.get("cg") for p in view["people"]}
    assert marks["p1"] == 2  # removed in session 6: drawn faded and dashed
    assert any(v == 1 for v in marks.values())
    assert "removed" in view["legend"]["changes"] and "added" in view["legend"]["changes"]
    assert "removed person Person 1" in text
    sup.button(key="show:person:p1").click().run()
    assert drawing(sup)["selected"] == {"kind": "person", "id": "p1"}
    assert "removed person Person 1  ← selected on the map" in all_text(sup)

    v = store().version(map_id)
    sup.text_area(key=f"comment:version:{v}:text").input("Good to see the pattern linked each week.")
    sup.button(key=f"FormSubmitter:comment:version:{v}-Add comment").click().run()
    last = store().load(map_id)[0].comments[-1]
    assert (last.anchor_kind, last.anchor, last.author_role) == ("version", str(v), "supervisor")
    assert "Read-only." not in text and not sup.get("download_button")  # reviewing is not editing
    sup.button(key="mark_reviewed").click().run()
    assert store().reviews(map_id)[-1].version == v + 1 and store().reviews(map_id)[-1].reviewer == "sue"
    assert "Marked reviewed: version" in all_text(sup)
    row = store().clinic().audit_rows(map_id=map_id)[-1]
    assert (row.actor, row.role, row.action, row.detail) == ("sue", "supervisor", "review", f"version {v + 1}")
    page(sup, "caseload")
    df = sup.dataframe[0].value
    assert df[df["map"] == "Fine"].iloc[0]["versions since my review"] == "0"


def test_a_review_shows_in_the_history_without_writing_a_version(cases):
    map_id = cases["unagreed"]
    v = store().version(map_id)
    store().record_review(map_id, reviewer="Dr S")
    sup = app(map=map_id)
    page(sup, "history")
    df = sup.dataframe[0].value
    assert (df.iloc[0]["what"], df.iloc[0]["who"], df.iloc[0]["version"]) == (f"Reviewed version {v}", "Dr S", v)
    assert store().version(map_id) == v


def test_the_supervision_pack_is_prepared_from_the_changes_page_and_recorded(cases):
    sup = app(map=cases["fine"])
    page(sup, "changes")
    sup.button(key="pack_prepare").click().run()
    assert not sup.exception
    (_key, data, name, mime) = sup.session_state["_supervision_pack"]
    assert data.startswith(b"%PDF") and name == "F-1-supervision-pack.pdf" and mime == "application/pdf"
    assert sup.get("download_button")
    row = store().clinic().audit_rows(map_id=cases["fine"])[-1]
    version = store().version(cases["fine"])
    assert (row.actor, row.action, row.detail) == ("sue", "export", f"supervision-pdf clinician version {version}")


def test_personal_mode_the_local_therapist_has_the_caseload_replay_and_changes():
    made = _cases()
    at = page(app(), "caseload")
    assert set(at.dataframe[0].value["map"]) == {"Worse", "Unagreed", "Fine", "Elsewhere"}
    at.selectbox(key="caseload_case").set_value(made["fine"]).run()
    at.button(key="case_replay").click().run()
    assert at.title[0].value == "Replay" and not at.exception
    at.button(key="replay_prev").click().run()
    assert at.session_state["replay_at"] == 6
    page(at, "changes")
    v = store().version(made["fine"])
    at.button(key="mark_reviewed").click().run()
    review = store().reviews(made["fine"])[-1]
    assert (review.version, review.reviewer) == (v, "therapist")
    assert store().clinic().audit_rows() == []  # personal mode keeps no trail


def test_the_replay_worked_out_once_is_never_given_for_other_content_after_a_restore(tmp_path):
    """Replay keeps each map's stops and drawings for the next steps and sessions, keyed by what the map holds:
    after a restore from an older backup the same version number can hold another map, and the replay shows
    that one."""
    from ditmap.model import empty_map
    from ditmap.operations import AddItem

    s = store()
    map_id = s.create_map("R.", empty_map("R-1", "Dr T")).id

    def add(*ops) -> None:
        for op in ops:
            s.apply(map_id, op, base_version=s.version(map_id))

    def person(pid: str, alias: str) -> AddItem:
        return AddItem(kind="person", item={"id": pid, "alias": alias, "role": "friend",
                                            "position": {"x": 100, "y": 50}})

    add(AddItem(kind="session", item={"id": "s1", "number": 1, "phq9": 12}), person("ann", "Ann"))
    s.backup(tmp_path / "older.sqlite3")
    add(AddItem(kind="session", item={"id": "s2", "number": 2, "phq9": 11}), person("bob", "Bob"))
    at = page(app(map=map_id), "replay")
    assert not at.exception and {p["id"] for p in drawing(at)["people"]} == {"self", "ann", "bob"}
    version = s.version(map_id)

    s.restore(tmp_path / "older.sqlite3")
    add(AddItem(kind="session", item={"id": "s2", "number": 2, "phq9": 11}), person("cal", "Cal"))
    assert s.version(map_id) == version  # the same number, other content
    again = page(app(map=map_id), "replay")
    assert not again.exception
    assert {p["id"] for p in drawing(again)["people"]} == {"self", "ann", "cal"}
    again.button(key="replay_prev").click().run()
    assert {p["id"] for p in drawing(again)["people"]} == {"self", "ann"}
    edits = [t.value for t in again.main.text]
    assert "Edits in session 1 (2)" in edits and "Added Cal (friend)" not in edits
    again.button(key="replay_next").click().run()
    edits = [t.value for t in again.main.text]
    assert "Added Cal (friend)" in edits and "Added Bob (friend)" not in edits


def test_the_replay_buttons_step_from_where_the_slider_is_reported_never_back_past_it():
    map_id = build_case(store(), "Steps", sessions=8)
    at = page(app(map=map_id), "replay")
    assert at.session_state["replay_at"] == 7 and at.select_slider[0].value == 7
    at.button(key="replay_prev").click().run()
    assert (at.session_state["replay_at"], at.select_slider[0].value) == (6, 6)
    # A second click sent before the page showed the first step: the browser still reports the slider at 7.
    at.select_slider[0].set_value(7)
    at.button(key="replay_prev").click().run()
    assert (at.session_state["replay_at"], at.select_slider[0].value) == (6, 6)
    at.select_slider[0].set_value(2).run()  # the slider itself
    assert at.session_state["replay_at"] == 2 and "Edits in session 3" in [t.value.split(" (")[0]
                                                                           for t in at.main.text]
    at.button(key="replay_next").click().run()
    assert (at.session_state["replay_at"], at.select_slider[0].value) == (3, 3)
