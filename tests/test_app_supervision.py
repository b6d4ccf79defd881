"""The supervision faces in AppTest: conversations, the caseload, replay, changes since a review, the pack."""

from __future__ import annotations

import pytest
from app_helpers import all_text, app, open_sample, page, store


@pytest.fixture(autouse=True)
def _db(tmp_path, monkeypatch):
    monkeypatch.setenv("DITMAP_DB", str(tmp_path / "app.sqlite3"))


def test_a_supervisor_comment_reaches_the_therapist_who_replies_and_the_supervisor_resolves():
    at = app()
    map_id = open_sample(at)
    m = store().load(map_id)[0]
    mum = next(p for p in m.people if p.role == "mother")
    sup = app(map=map_id, **{"as": "supervisor"})
    sup.session_state["selected"] = ("person", mum.id)
    page(sup, "map")
    fk = f"comment:person:{mum.id}"
    sup.text_area(key=f"{fk}:text").input("What did her criticism protect her from?")
    sup.button(key=f"FormSubmitter:{fk}-Add comment").click().run()
    c = store().load(map_id)[0].comments[-1]
    assert (c.author_role, c.reply_to, c.status) == ("supervisor", None, "open")

    # The therapist's next rerun: on the home row, and beside the item.
    page(at, "home")
    assert "1 new supervisor comment" in all_text(at)
    at.session_state["selected"] = ("person", mum.id)
    page(at, "map")
    text = all_text(at)
    assert "1 new supervisor comment on this" in text and "What did her criticism protect her from?" in text
    at.text_input(key=f"reply:{c.id}").input("Her own mother's coldness, perhaps.")
    at.button(key=f"reply:{c.id}:go").click().run()
    reply = store().load(map_id)[0].comments[-1]
    assert (reply.reply_to, reply.author_role, reply.anchor) == (c.id, "therapist", mum.id)
    page(at, "home")
    assert "new supervisor comment" not in all_text(at)  # answered: no longer awaiting the therapist

    page(sup, "history")
    sup.button(key=f"resolve:{c.id}").click().run()
    first = store().load(map_id)[0].comments_by_id[c.id]
    assert first.status == "resolved" and first.resolved_by == "supervisor"
    assert "Her own mother's coldness" not in all_text(sup)  # the filter shows open conversations
    sup.segmented_control(key="comments:filter").set_value("resolved").run()
    assert "Her own mother's coldness, perhaps." in all_text(sup)
    assert "resolved by supervisor" in all_text(sup)
