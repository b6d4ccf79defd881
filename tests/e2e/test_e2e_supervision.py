"""A supervision hour in a real browser: the caseload sorted by deterioration, a case replayed to session 4,
the changes since the last review drawn on the map, a comment, Mark reviewed; the therapist sees the
comment on their next rerun."""

from __future__ import annotations

import pytest
from apps.supervision_cases import build_case
from e2e_ui import options, select, wait_for, wait_idle

from ditmap.supervision import replay_stops

pytestmark = pytest.mark.e2e

COMMENT = "Session 6: what made it possible to let Person 1 go from the map?"


SLOW = 45_000
"""ms to wait for a run to finish: this test shares a machine with other test runs."""


def until(predicate):
    return wait_for(predicate, timeout=SLOW / 1000)


def click(page, name: str, *, scope=None) -> None:
    (scope or page).get_by_role("button", name=name, exact=True).first.click()
    wait_idle(page, SLOW)


def nav(page, title: str) -> None:
    page.get_by_test_id("stSidebarNav").get_by_role("link", name=title, exact=True).click()
    wait_idle(page, SLOW)


def _drawing(page, expr: str):
    """Evaluate `expr` on the drawing's data (`d`: what Python sent, unpacked) once the map is drawn."""
    until(lambda: page.locator(".nv").first.evaluate("el => !!(el.ditmapView && el.ditmapView.network)"))
    return page.locator(".nv").first.evaluate(f"el => {{ const d = el.ditmapView.data; return {expr}; }}")


def test_a_supervisor_reviews_a_case_and_the_therapist_sees_the_comment(context_factory, server):
    store = server.store()
    fine = build_case(store, "Fine", sessions=8, therapist="Dr A", pseudonym="F-1")
    worse = build_case(store, "Worse", sessions=8, phq=[10, 11, 12, 12, 13, 14, 15, 16], gad=[8] * 8,
                       therapist="Dr B", pseudonym="W-1")
    build_case(store, "Unagreed", sessions=6, agree_at=None, therapist="Dr A", pseudonym="U-1")
    m, v = store.load(worse)
    stops = replay_stops(store.history(worse), m, v)
    store.record_review(worse, reviewer="supervisor", version=stops[3].version)  # last reviewed after session 4
    assert fine != worse

    therapist = context_factory().new_page()
    therapist.set_default_timeout(SLOW)
    therapist.set_default_navigation_timeout(60_000)
    therapist.goto(server.url)  # the therapist's Maps page, open before the supervisor comments
    wait_idle(therapist, SLOW)  # a fresh server's first run (imports) on a shared machine
    assert therapist.get_by_text("new supervisor comment").count() == 0

    sup = context_factory().new_page()
    sup.set_default_timeout(SLOW)
    sup.set_default_navigation_timeout(60_000)
    sup.goto(f"{server.url}/caseload?as=supervisor")
    wait_idle(sup, SLOW)
    sup.get_by_role("heading", name="Caseload").wait_for(timeout=SLOW)
    select(sup, "Sort by", "deterioration first")
    wait_idle(sup, SLOW)
    first = options(sup, "Case")[0]
    assert first.startswith("Worse") and "reliable deterioration" in first
    select(sup, "Case", first)
    wait_idle(sup, SLOW)
    click(sup, "Replay session by session")
    sup.get_by_role("heading", name="Replay").wait_for(timeout=SLOW)
    assert "map=" + worse in sup.url

    thumb = sup.get_by_test_id("stSliderThumbValue")
    until(lambda: thumb.all_inner_texts() == ["session 8"])
    for n in (7, 6, 5, 4):  # step back from the latest session, as a person would, watching the slider
        click(sup, "◀ Previous")
        until(lambda n=n: thumb.all_inner_texts() == [f"session {n}"])
    sup.get_by_text("Edits in session 4", exact=False).wait_for(timeout=SLOW)
    at_4 = store.map_at(worse, stops[3].version)
    drawn = _drawing(sup, "d.people.filter(p => p.cg !== 2).map(p => p.id).sort()")
    assert drawn == sorted(at_4.people_by_id)
    assert sup.get_by_text("Agreed pattern “Pleasing to stay safe” as a focus").count() == 1

    nav(sup, "Changes")
    sup.get_by_text(f"since your last review (version {stops[3].version}", exact=False).wait_for(timeout=SLOW)
    marks = _drawing(sup, "[d.people.filter(p => p.cg === 1).length, d.people.filter(p => p.cg === 2).map(p => p.id)]")
    assert marks[0] > 0 and marks[1] == ["p1"]  # added since, and Person 1, removed in session 6
    legend = sup.locator(".nv-changes").inner_text()
    assert "+ added" in legend and "− removed (faded, dashed)" in legend
    click(sup, "removed person Person 1")
    until(lambda: _drawing(sup, "d.selected") == {"kind": "person", "id": "p1"})
    until(lambda: sup.locator(".nv").first.evaluate("el => el.ditmapView.network.getSelectedNodes()") == ["p1"])

    version = store.version(worse)
    sup.get_by_role("textbox", name="Comment").last.fill(COMMENT)
    click(sup, "Add comment")
    c = until(lambda: store.load(worse)[0].comments and store.load(worse)[0].comments[-1])
    assert (c.text, c.author_role, c.anchor_kind) == (COMMENT, "supervisor", "version")  # Person 1 is gone now
    click(sup, f"Mark reviewed (version {version + 1})")
    sup.get_by_text("Marked reviewed").wait_for(timeout=SLOW)
    assert store.reviews(worse)[-1].version == version + 1

    therapist.keyboard.press("r")  # the therapist's next rerun
    wait_idle(therapist, SLOW)
    therapist.get_by_text("1 new supervisor comment").wait_for(timeout=SLOW)
    row = therapist.locator(f".st-key-map-row-{worse}")
    assert "1 new supervisor comment" in row.inner_text()
    click(therapist, "Open", scope=row)
    nav(therapist, "History")
    therapist.get_by_role("tab", name="Comments").click()
    therapist.get_by_text(COMMENT).wait_for(timeout=SLOW)
