"""A supervision hour in a real browser, in clinic mode: the supervisor signs in (password and one-time code),
opens the caseload (their supervisee's maps only), sorts by deterioration, replays a case to session 4, sees
the changes since their last review drawn on the map, comments, marks it reviewed; the therapist, signed in on
another device, sees the comment on the map's row on their next rerun, opens the map, reads it beside what it
is about (this version: History's Comments), replies, and resolves it."""

from __future__ import annotations

import time
from dataclasses import replace

import pyotp
import pytest
from apps.supervision_cases import build_case
from e2e_ui import options, select, sign_in, wait_for

from ditmap.accounts.model import SUPERVISOR, THERAPIST
from ditmap.accounts.signin import Accounts
from ditmap.supervision import replay_stops

pytestmark = pytest.mark.e2e

COMMENT = "Session 6: what made it possible to let Person 1 go from the map?"
REPLY = "We talked about it in session 7; she chose to leave him off for now."
PASSWORD = "a long quiet river 42"
SECRET = pyotp.random_base32()


UI = 60.0
"""Seconds to wait for what a page shows. The waits are on what a person would see, not on the app being idle:
the polling fragments (live updates, the session check) keep the app "running" often, and on a busy machine
for many seconds at a time, so an idle moment may come before or long after the rerun a click asked for."""


def _drawing(page, expr: str):
    """Evaluate `expr` on the drawing's data (`d`: what Python sent, unpacked) once the map is drawn."""
    wait_for(lambda: page.locator(".nv").first.evaluate("el => !!(el.ditmapView && el.ditmapView.network)"), UI)
    return page.locator(".nv").first.evaluate(f"el => {{ const d = el.ditmapView.data; return {expr}; }}")


def _settled(read, ok, timeout: float = UI):
    """`read()`'s value once `ok` holds for it (the rerun a click asked for may still be on its way), or its
    last value after `timeout` seconds, for the caller's assert to show."""
    end = time.monotonic() + timeout
    while True:
        value = read()
        if ok(value) or time.monotonic() > end:
            return value
        time.sleep(0.2)


def _go(page, title: str, heading: str) -> None:
    """Go to a page through the sidebar, as a person does, and wait for its heading."""
    page.get_by_test_id("stSidebarNav").get_by_role("link", name=title, exact=True).click()
    page.get_by_role("heading", name=heading).wait_for()


def test_a_supervisor_reviews_a_case_and_the_therapist_sees_the_comment(context_factory, server):
    store = server.store()
    records = store.clinic()
    accounts = Accounts(records)
    for name in ("ann", "bob"):
        accounts.add(name, PASSWORD, {THERAPIST})
    accounts.add("sue", PASSWORD, {SUPERVISOR})
    records.save_account(replace(records.account("sue"), totp_secret=SECRET))  # her code app is set up
    accounts.assign("ann", "sue")  # sue supervises ann, not bob
    fine = build_case(store, "Fine", sessions=8, therapist="Dr A", pseudonym="F-1")
    worse = build_case(store, "Worse", sessions=8, phq=[10, 11, 12, 12, 13, 14, 15, 16], gad=[8] * 8,
                       therapist="Dr A", pseudonym="W-1")
    unagreed = build_case(store, "Unagreed", sessions=6, agree_at=None, therapist="Dr A", pseudonym="U-1")
    elsewhere = build_case(store, "Elsewhere", sessions=8, phq=[10, 12, 14, 16, 18, 20, 22, 24], gad=[8] * 8,
                           therapist="Dr B", pseudonym="E-1")  # deteriorating too, but not sue's to see
    for map_id in (fine, worse, unagreed):
        records.set_owner(map_id, "ann")
    records.set_owner(elsewhere, "bob")
    m, v = store.load(worse)
    stops = replay_stops(store.history(worse), m, v)
    store.record_review(worse, reviewer="sue", version=stops[3].version)  # sue last reviewed it after session 4

    therapist = context_factory().new_page()
    sign_in(therapist, server.url, "ann", PASSWORD)  # ann's Maps page, open before the supervisor comments
    therapist.get_by_text("Worse", exact=True).wait_for()
    assert therapist.get_by_text("new supervisor comment").count() == 0

    sup = context_factory().new_page()
    sign_in(sup, server.url, "sue", PASSWORD, code_secret=SECRET)
    sup.goto(f"{server.url}/caseload")  # (a first page load on a busy machine can take many seconds)
    sup.get_by_role("heading", name="Caseload").wait_for()
    select(sup, "Sort by", "deterioration first")
    cases = _settled(lambda: options(sup, "Case"), lambda cs: bool(cs) and cs[0].startswith("Worse"))
    assert not any(c.startswith("Elsewhere") for c in cases) and len(cases) == 3  # bob's map is not in it
    first = cases[0]
    assert first.startswith("Worse") and "reliable deterioration" in first
    select(sup, "Case", first)  # (the click below carries the choice, even if its own rerun is still running)
    sup.get_by_role("button", name="Replay session by session", exact=True).click()
    sup.get_by_role("heading", name="Replay").wait_for()
    assert "map=" + worse in sup.url

    thumb = sup.get_by_test_id("stSliderThumbValue")
    wait_for(lambda: thumb.all_inner_texts() == ["session 8"], UI)
    for n in (7, 6, 5, 4):  # step back from the latest session, as a person would, watching the slider
        sup.get_by_role("button", name="◀ Previous", exact=True).click()
        wait_for(lambda n=n: thumb.all_inner_texts() == [f"session {n}"], UI)
    sup.get_by_text("Edits in session 4", exact=False).wait_for()
    at_4 = sorted(store.map_at(worse, stops[3].version).people_by_id)
    drawn = _settled(lambda: _drawing(sup, "d.people.filter(p => p.cg !== 2).map(p => p.id).sort()"),
                     lambda d: d == at_4)
    assert drawn == at_4
    assert sup.get_by_text("Agreed pattern “Pleasing to stay safe” as a focus").count() == 1

    _go(sup, "Changes", "Changes on the map")
    sup.get_by_text(f"since your last review (version {stops[3].version}", exact=False).wait_for()
    marks = _settled(lambda: _drawing(sup, "[d.people.filter(p => p.cg === 1).length,"
                                           " d.people.filter(p => p.cg === 2).map(p => p.id)]"),
                     lambda mk: mk[1] == ["p1"])
    assert marks[0] > 0 and marks[1] == ["p1"]  # added since, and Person 1, removed in session 6
    legend = sup.locator(".nv-changes").inner_text()
    assert "+ added" in legend and "− removed (faded, dashed)" in legend
    sup.get_by_role("button", name="removed person Person 1", exact=True).click()
    wait_for(lambda: _drawing(sup, "d.selected") == {"kind": "person", "id": "p1"}, UI)
    wait_for(lambda: sup.locator(".nv").first.evaluate("el => el.ditmapView.network.getSelectedNodes()") == ["p1"],
             UI)

    version = store.version(worse)
    sup.get_by_role("textbox", name="Comment").last.fill(COMMENT)
    sup.get_by_role("button", name="Add comment", exact=True).click()
    c = wait_for(lambda: store.load(worse)[0].comments and store.load(worse)[0].comments[-1], UI)
    assert (c.text, c.author, c.author_role, c.anchor_kind) == (COMMENT, "sue", "supervisor", "version")
    sup.get_by_role("button", name=f"Mark reviewed (version {version + 1})").click()  # (Person 1 is gone now)
    sup.get_by_text("Marked reviewed").wait_for()
    assert (store.reviews(worse)[-1].version, store.reviews(worse)[-1].reviewer) == (version + 1, "sue")
    trail = [(r.actor, r.action, r.outcome) for r in records.audit_rows(map_id=worse)]
    assert ("sue", "comment", "ok") in trail and trail[-1] == ("sue", "review", "ok")
    assert COMMENT not in str(records.audit_rows())  # no clinical text in the trail

    therapist.keyboard.press("r")  # the therapist's next rerun
    therapist.get_by_text("1 new supervisor comment").wait_for()
    row = therapist.locator(f".st-key-map-row-{worse}")
    assert "1 new supervisor comment" in row.inner_text()
    # Opening the map goes to its Map page: wait for it there (a click on History while the switch to the Map
    # page is still on its way is overtaken by it), then read the comment beside the item it is about (this
    # version: History's Comments), reply, and resolve it.
    row.get_by_role("button", name="Open", exact=True).click()
    _drawing(therapist, "true")
    _go(therapist, "History", "History")
    therapist.get_by_role("tab", name="Comments").click()
    thread = therapist.locator(f".st-key-conversation-{c.id}")
    thread.get_by_text(COMMENT).wait_for()
    assert "new from your supervisor" in thread.inner_text() and "sue (supervisor)" in thread.inner_text()
    thread.get_by_role("textbox", name="Reply").fill(REPLY)
    thread.get_by_role("textbox", name="Reply").press("Enter")  # the value is the widget's once entered
    thread.get_by_role("button", name="Reply", exact=True).click()
    reply = wait_for(lambda: next((x for x in store.load(worse)[0].comments if x.reply_to == c.id), None), UI)
    assert (reply.text, reply.author, reply.author_role) == (REPLY, "ann", "therapist")
    thread.get_by_text(REPLY).wait_for()
    assert "new from your supervisor" not in thread.inner_text()  # answered
    thread.get_by_role("button", name="Resolve", exact=True).click()
    wait_for(lambda: store.load(worse)[0].comments_by_id[c.id].status == "resolved", UI)
    assert store.load(worse)[0].comments_by_id[c.id].resolved_by == "ann"
    assert ("ann", "comment", "ok") in [(r.actor, r.action, r.outcome) for r in records.audit_rows(map_id=worse)]
