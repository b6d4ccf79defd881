"""Issue 11, "hard to leave": in personal mode the server holds the client view for a map until the
therapist switches it off with their PIN. A real browser tries every way out, and a therapist's notes
never reach the browser while the view is held."""

from __future__ import annotations

import re

import pytest
from e2e_ui import CLIENT_VIEW_PIN, all_frames_eval, client_view_on, goto, nav, record_frames, wait_for, wait_idle
from tests_paths import SAMPLE

from ditmap.fileformat import load
from ditmap.model import DitMap

pytestmark = pytest.mark.e2e
SLOW = 60_000
MARKER = "THERAPIST-NOTE-5b2e91"
CLIENT_PAGES = ("Our map", "People in your life", "Relationships", "The pattern we're working on",
                "How things are going")
THERAPIST_ONLY_LINKS = ("Maps", "Caseload", "History", "Replay", "Changes")


def _held_sample() -> DitMap:
    """The sample with MARKER in every note a therapist writes: process notes, people's and relationships'."""
    m = load(SAMPLE)
    mark = {"sessions": ("process_notes", m.sessions), "people": ("notes", m.people),
            "relationships": ("notes", m.relationships)}
    return m.model_copy(update={part: tuple(i.model_copy(update={f: f"{getattr(i, f)} {MARKER}"}) for i in items)
                                for part, (f, items) in mark.items()})


def heading(page) -> str:
    return page.locator("[data-testid=stMain] h1").first.inner_text()


def assert_client_view(page, frames: list[bytes], held_id: str, where: str) -> None:
    """The held client view: a client page's heading, the held map, no clinician pages or switch, and no
    therapist's note in the page, its frames or anything the server sent since `frames` was cleared."""
    assert heading(page) in CLIENT_PAGES, where
    nav_links = page.get_by_test_id("stSidebarNav")
    for link in THERAPIST_ONLY_LINKS:
        assert nav_links.get_by_role("link", name=link, exact=True).count() == 0, (where, link)
    assert page.get_by_text("Client view is on").count() == 1, where
    assert page.get_by_text("Client view", exact=True).count() == 0, where  # no clinician's switch
    assert page.get_by_role("dialog").count() == 0, where  # e.g. "Page not found", which leaves all inert
    assert re.search(rf"[?&]map={held_id}(&|$)", page.url), (where, page.url)
    assert MARKER not in page.content(), where
    assert all(MARKER not in str(html) for html in all_frames_eval(page, "document.documentElement.outerHTML"))
    assert not any(MARKER.encode() in f for f in frames), f"a therapist's note reached the client view: {where}"


def test_no_way_out_of_the_held_client_view_without_the_pin(context_factory, server):
    info = server.store().create_map("held", _held_sample())
    other_map = load(SAMPLE)
    other_map = other_map.model_copy(update={"client": other_map.client.model_copy(
        update={"pseudonym": "Someone Else Q."})})
    other = server.store().create_map("someone else", other_map)
    ctx = context_factory()
    page = ctx.new_page()
    page.set_default_timeout(SLOW)
    frames = record_frames(page)
    try:
        goto(page, f"{server.url}/sessions?map={info.id}", wait_until="domcontentloaded")
        # Personal mode without the client view: no PIN asked; the therapist's notes do reach the browser.
        assert page.get_by_label(re.compile("PIN")).count() == 0
        wait_for(lambda: any(MARKER.encode() in f for f in frames))
        therapist_tab = ctx.new_page()  # a tab already open in the clinician view when the client view goes on
        therapist_tab.set_default_timeout(SLOW)
        goto(therapist_tab, f"{server.url}/?map={info.id}", wait_until="domcontentloaded")
        assert heading(therapist_tab) == "Map"

        client_view_on(page)
        assert server.store().clinic().setting("client_view_hold") == info.id
        frames.clear()
        assert_client_view(page, frames, info.id, "switched on")
        wait_for(lambda: heading(therapist_tab) == "Our map", timeout=15)  # the open tab follows within seconds
        wait_idle(therapist_tab, SLOW)
        assert_client_view(therapist_tab, [], info.id, "the tab that was already open")
        therapist_tab.close()

        for way_out in (f"/?map={info.id}", f"/?map={info.id}&view=0", f"/?map={info.id}&as=therapist",
                        f"/sessions?map={info.id}&view=therapist&as=therapist", f"/history?map={info.id}",
                        "/", "/home", "/accounts", f"/?map={other.id}", f"/home?map={other.id}&as=therapist"):
            frames.clear()
            # the address without view=client, view=0, other pages and maps
            goto(page, server.url + way_out, wait_until="domcontentloaded")
            assert_client_view(page, frames, info.id, way_out)
            assert "Someone Else Q." not in page.content(), way_out

        tab = ctx.new_page()  # a new tab
        tab.set_default_timeout(SLOW)
        tab_frames = record_frames(tab)
        goto(tab, f"{server.url}/", wait_until="domcontentloaded")
        assert_client_view(tab, tab_frames, info.id, "a new tab")
        tab.close()

        for title in CLIENT_PAGES:  # another page through the sidebar
            frames.clear()
            nav(page, title)
            assert heading(page) == title
            assert_client_view(page, frames, info.id, f"sidebar: {title}")
        frames.clear()
        page.reload(wait_until="domcontentloaded")  # a refresh, no restart: the same page, still held
        page.wait_for_selector("[data-testid=stApp]")
        wait_idle(page, SLOW)
        assert heading(page) == "How things are going"
        assert_client_view(page, frames, info.id, "refresh")

        frames.clear()
        page.get_by_role("button", name="Therapist: switch off").click()
        page.get_by_label("Therapist's PIN").fill("1111")  # a wrong PIN
        page.get_by_role("button", name="Switch off").click()
        page.get_by_text("That PIN is not right; the client view stays on.").wait_for()
        wait_idle(page, SLOW)
        assert_client_view(page, frames, info.id, "a wrong PIN")
        assert server.store().clinic().setting("client_view_hold") == info.id
        page.get_by_role("button", name="Keep on").click()
        page.get_by_role("button", name="Therapist: switch off").wait_for()
        wait_idle(page, SLOW)
        assert_client_view(page, frames, info.id, "keep on")

        page.get_by_role("button", name="Therapist: switch off").click()
        page.get_by_label("Therapist's PIN").fill(CLIENT_VIEW_PIN)
        page.get_by_role("button", name="Switch off").click()
        page.get_by_text("Client view", exact=True).wait_for()  # the clinician's switch is back
        wait_idle(page, SLOW)
        assert server.store().clinic().setting("client_view_hold") is None
        assert heading(page) == "Sessions"  # the therapist's view of the same page
        assert page.get_by_test_id("stSidebarNav").get_by_role("link", name="History").count() == 1
        wait_for(lambda: any(MARKER.encode() in f for f in frames))  # the notes are the therapist's again
    finally:
        server.store().clinic().set_setting("client_view_hold", None)
