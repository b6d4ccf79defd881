"""Issue 11, "hard to leave": in personal mode the server holds the client view for a map until the
therapist switches it off with their PIN. A browser tries every way out."""

from __future__ import annotations

import pytest
from e2e_ui import CLIENT_VIEW_PIN, client_view_on, wait_idle
from tests_paths import SAMPLE

from ditmap.fileformat import load

pytestmark = pytest.mark.e2e
SLOW = 60_000


def goto(page, url: str) -> None:
    page.goto(url, wait_until="domcontentloaded")  # "load" also waits for the drawing's frame
    page.wait_for_selector("[data-testid=stApp]")
    wait_idle(page, SLOW)


def in_client_view(page) -> bool:
    return (page.get_by_role("heading", name="Our map").count() == 1
            and page.get_by_test_id("stSidebarNav").get_by_role("link", name="History").count() == 0
            and page.get_by_test_id("stSidebarNav").get_by_role("link", name="Maps").count() == 0)


def test_no_way_out_of_the_held_client_view_without_the_pin(context_factory, server):
    info = server.store().create_map("held", load(SAMPLE))
    other = server.store().create_map("someone else", load(SAMPLE))
    ctx = context_factory()
    page = ctx.new_page()
    page.set_default_timeout(SLOW)
    goto(page, f"{server.url}/?map={info.id}")
    client_view_on(page)
    assert in_client_view(page)
    try:
        for way_out in (f"/?map={info.id}", f"/?map={info.id}&view=0", f"/history?map={info.id}", "/",
                        f"/?map={other.id}", f"/home?map={other.id}&as=therapist"):
            goto(page, server.url + way_out)  # the address without view=client, view=0, other pages and maps
            assert in_client_view(page), way_out
            assert page.get_by_text("someone else").count() == 0, way_out
        tab = ctx.new_page()  # a new tab
        tab.set_default_timeout(SLOW)
        goto(tab, f"{server.url}/")
        assert in_client_view(tab)
        tab.close()
        page.get_by_role("button", name="Therapist: switch off").click()  # without the PIN
        wait_idle(page, SLOW)
        page.get_by_label("Therapist's PIN").fill("1111")
        page.get_by_role("button", name="Switch off").click()
        wait_idle(page, SLOW)
        assert in_client_view(page) and page.get_by_text("That PIN is not right").count() == 1
        page.get_by_role("button", name="Keep on").click()
        wait_idle(page, SLOW)
        assert in_client_view(page)
        page.get_by_role("button", name="Therapist: switch off").click()
        wait_idle(page, SLOW)
        page.get_by_label("Therapist's PIN").fill(CLIENT_VIEW_PIN)
        page.get_by_role("button", name="Switch off").click()
        wait_idle(page, SLOW)
        assert page.get_by_role("heading", name="Map").count() == 1  # the therapist's view again
        assert page.get_by_test_id("stSidebarNav").get_by_role("link", name="History").count() == 1
    finally:
        server.store().clinic().set_setting("client_view_hold", None)
