"""Build a map through the UI in a real browser: people, relationships, a pattern; find them on the map;
edit from the map; undo; positions survive a reload."""

from __future__ import annotations

import re

import pytest
from e2e_ui import click, fill, goto, nav, select, wait_for, wait_idle
from tests_paths import SAMPLE

from ditmap.fileformat import load

pytestmark = pytest.mark.e2e


def _add_person(page, alias: str, role: str | None = None, corner: str | None = None) -> None:
    """The drawing's Add person: its quick panel adds the person and their relationship with the client."""
    page.get_by_role("button", name="Add person").first.click()
    pop = page.locator("form.nv-panel")
    pop.wait_for(state="visible")
    pop.get_by_role("textbox", name="Name").fill(alias)
    if role:
        pop.get_by_label("Role").fill(role)
    if corner:
        pop.locator("label.nv-chip", has_text=corner).first.click()
    pop.get_by_role("button", name="Add", exact=True).click()
    pop.wait_for(state="hidden")
    wait_for(lambda: alias in page.locator(".nv").first.evaluate("el => el.ditmapView.data.people.map(p => p.a)"))
    wait_idle(page)


def test_build_a_map_find_it_on_the_drawing_edit_and_undo(page, server):
    goto(page, server.url)
    fill(page, "pseudonym", "E2E build")
    click(page, "Create map")
    map_id = wait_for(lambda: "map=" in page.url and page.url.split("map=")[1].split("&")[0], timeout=30)
    store = server.store()

    _add_person(page, "Mum", "mother", "past")
    _add_person(page, "Sam", "partner")
    wait_for(lambda: len(store.load(map_id)[0].people) == 3, timeout=5)
    m, _ = store.load(map_id)
    assert [(p.alias, p.role) for p in m.people] == [("Me", "self"), ("Mum", "mother"), ("Sam", "partner")]
    assert [r.corner for r in m.relationships] == ["past", "current"]

    nav(page, "Relationships")
    form = page.get_by_test_id("stForm").filter(has=page.get_by_role("button", name="Add relationship"))
    select(page, "source", "Mum", scope=form)
    select(page, "target", "Sam", scope=form)
    select(page, "kind", "conflictual", scope=form)
    form.get_by_role("button", name="Add relationship").click()
    wait_idle(page)
    wait_for(lambda: len(store.load(map_id)[0].relationships) == 3)
    m, _ = store.load(map_id)
    mum, sam = m.people[1].id, m.people[2].id
    assert [(r.source, r.target, r.kind) for r in m.relationships][-1] == (mum, sam, "conflictual")

    nav(page, "Patterns")
    new = page.get_by_test_id("stForm").filter(has=page.get_by_role("button", name="Add pattern"))
    fill(page, "title", "Pleasing to avoid being a burden", scope=new)
    new.get_by_role("textbox").nth(1).fill("a burden, not good enough")
    new.get_by_role("button", name="Add pattern").click()
    wait_idle(page)
    link = page.get_by_test_id("stForm").filter(has=page.get_by_role("button", name="Link", exact=True))
    select(page, "relationship", "Mum", scope=link, exact=False)
    link.get_by_role("textbox").last.fill("said it was fine, then didn't sleep")
    link.get_by_role("button", name="Link").click()
    wait_idle(page)
    m, _ = store.load(map_id)
    (pt,) = m.patterns
    assert (pt.title, pt.self_representation) == ("Pleasing to avoid being a burden", "a burden, not good enough")
    (e,) = m.enactments
    assert (e.pattern, e.example) == (pt.id, "said it was fine, then didn't sleep")

    # Find them on the drawing: every person and relationship is drawn and named in its accessible list.
    nav(page, "Map")
    drawing = page.locator(".nv").first
    for name in ("Me", "Mum", "Sam"):
        wait_for(lambda n=name: drawing.get_by_role("button", name=re.compile(rf"^{n}\b")).count() > 0)
    drawn = wait_for(lambda: drawing.evaluate("el => el.ditmapView.network && el.ditmapView.network.body.nodeIndices"))
    assert sorted(drawn) == sorted(p.id for p in m.people)

    # Select Mum with the keyboard from the drawing's list: her form opens beside the map; edit; undo.
    pick = drawing.get_by_role("button", name=re.compile(r"^Mum\b")).first
    pick.focus()
    pick.press("Enter")
    wait_idle(page)
    alias = page.get_by_role("textbox", name="alias").first
    wait_for(lambda: alias.input_value() == "Mum")
    alias.fill("Mother")
    page.get_by_role("button", name="Save", exact=True).first.click()
    wait_for(lambda: store.load(map_id)[0].people_by_id[mum].alias == "Mother", timeout=5)
    wait_idle(page)
    page.get_by_role("heading", name="Map").first.click()  # focus out of the form, as a person would
    page.keyboard.press("Alt+z")  # Undo's keyboard shortcut
    wait_for(lambda: store.load(map_id)[0].people_by_id[mum].alias == "Mum", timeout=5)
    wait_idle(page)
    click(page, "Redo", exact=False)  # its name also holds the icon and the shortcut
    wait_for(lambda: store.load(map_id)[0].people_by_id[mum].alias == "Mother", timeout=5)


def _on_screen(page, person_id: str) -> tuple[float, float]:
    """Where a person is drawn, in page pixels (through the drawing's test hook, `.nv`.ditmapView)."""
    xy = page.locator(".nv").first.evaluate(
        """(el, id) => { const net = el.ditmapView.network; const p = net.canvasToDOM(net.getPositions([id])[id]);
                         const r = net.canvas.frame.canvas.getBoundingClientRect();
                         return [r.left + p.x, r.top + p.y]; }""", person_id)
    return xy[0], xy[1]


def _drawn_at(page, person_id: str) -> tuple[float, float]:
    xy = page.locator(".nv").first.evaluate(
        "(el, id) => { const p = el.ditmapView.network.getPositions([id])[id]; return [p.x, p.y]; }", person_id)
    return xy[0], xy[1]


def _wait_drawn(page) -> None:
    wait_for(lambda: page.evaluate("() => window.__ditmapMapReadyAt !== undefined"))
    wait_for(lambda: page.locator(".nv").first.evaluate("el => !!(el.ditmapView && el.ditmapView.network)"))


def test_drag_a_person_reload_and_click_to_edit(page, server):
    store = server.store()
    info = store.create_map("drag", load(SAMPLE))
    goto(page, f"{server.url}/?map={info.id}")
    _wait_drawn(page)
    m, _ = store.load(info.id)
    mum = next(p for p in m.people if p.role == "mother")
    x, y = _on_screen(page, mum.id)
    page.mouse.move(x, y)
    page.mouse.down()
    for i in range(1, 11):
        page.mouse.move(x + 9 * i, y + 6 * i)
    page.mouse.up()
    wait_idle(page)
    moved = wait_for(lambda: (p := server.store().load(info.id)[0].people_by_id[mum.id].position) != mum.position and p)
    dropped = _drawn_at(page, mum.id)
    assert abs(moved.x - dropped[0]) < 1 and abs(moved.y - dropped[1]) < 1
    assert moved.x > mum.position.x + 20 and moved.y > mum.position.y + 10  # moved right and down

    page.reload()
    wait_idle(page)
    _wait_drawn(page)
    after = _drawn_at(page, mum.id)
    assert abs(after[0] - moved.x) < 1 and abs(after[1] - moved.y) < 1
    # vis-network was started by the page's preload and reused by the drawing: loaded once, and the
    # preload's element takes no room on the page.
    assert page.evaluate("document.querySelectorAll('script[data-ditmap]').length") == 1
    assert page.locator("[data-testid=stElementContainer]:has(script[data-ditmap-preload])").evaluate(
        "el => getComputedStyle(el).display") == "none"

    # Click her on the drawing: her form opens beside the map.
    x, y = _on_screen(page, mum.id)
    page.mouse.click(x, y)
    wait_idle(page)
    alias = page.get_by_role("textbox", name="alias").first
    wait_for(lambda: alias.input_value() == mum.alias)
    alias.fill("Mum (J.)")
    page.get_by_role("button", name="Save", exact=True).first.click()
    wait_idle(page)
    assert server.store().load(info.id)[0].people_by_id[mum.id].alias == "Mum (J.)"


def test_the_maps_toolbar_lights_a_pattern_and_rearranges_in_one_step(page, server):
    store = server.store()
    m = load(SAMPLE)
    info = store.create_map("toolbar", m)
    goto(page, f"{server.url}/?map={info.id}")
    _wait_drawn(page)
    wait_idle(page)
    agreed = next(p for p in m.patterns if p.status == "agreed")
    chooser = page.get_by_label("Light up pattern")
    chooser.select_option(label=agreed.title)
    wait_idle(page)
    legend = page.locator(".nv-legend").first
    wait_for(lambda: agreed.title in legend.inner_text())
    lit = page.locator(".nv").first.evaluate("el => el.ditmapView.data.rels.filter(r => r.hl === 1).length")
    assert lit == len({e.relationship for e in m.enactments if e.pattern == agreed.id})

    v = store.version(info.id)
    page.get_by_role("button", name="Re-arrange").click()
    wait_for(lambda: store.version(info.id) == v + 1)  # one step, so one Undo puts everyone back
    assert store.history(info.id, limit=1)[0].op.op == "set_positions"
    wait_idle(page)
    assert chooser.input_value() == agreed.id  # the pattern stays lit


def test_the_focus_panel_shows_a_suggestion_on_the_map(page, server):
    m = load(SAMPLE)
    info = server.store().create_map("focus", m)
    goto(page, f"{server.url}/?map={info.id}")
    _wait_drawn(page)
    wait_idle(page)
    panel = page.locator("section.fp")
    assert "Focus: where to look" in panel.inner_text()
    agreed = next(p for p in m.patterns if p.status == "agreed")
    mum = next(p for p in m.people if p.role == "mother")
    page.get_by_role("button", name=f"Show on the map: {agreed.title}").click()  # a pattern lights up
    wait_idle(page)
    wait_for(lambda: page.get_by_label("Light up pattern").input_value() == agreed.id)
    page.get_by_role("button", name=f"Show on the map: {mum.alias}").click()  # a person opens beside the map
    wait_idle(page)
    wait_for(lambda: page.get_by_role("textbox", name="alias").first.input_value() == mum.alias)


def test_table_edits_in_a_row_all_land(page, server):
    """The #7749 pitfall (every second data_editor edit lost) does not happen: three edits, three saves."""
    store = server.store()
    info = store.create_map("table", load(SAMPLE))
    m, v = store.load(info.id)
    goto(page, f"{server.url}/people?map={info.id}")
    grid = page.get_by_test_id("stDataFrame").first
    box = grid.bounding_box()
    row_h, alias_x = 35, box["x"] + 32 + 60  # the grid's row height; the alias column after the row markers
    renamed = ["Mother", "Father", "Grandmother"]
    for i, name in enumerate(renamed, start=1):  # rows 1–3 after the client's own row; no pause between:
        page.mouse.dblclick(alias_x, box["y"] + row_h * (i + 1) + row_h / 2)  # a quick typist's pace
        editor = page.locator("#portal textarea")
        editor.fill(name)
        editor.press("Enter")
    wait_for(lambda: [p.alias for p in store.load(info.id)[0].people[1:4]] == renamed, timeout=10)
    wait_idle(page)
    after, version = store.load(info.id)
    assert [p.alias for p in after.people[4:]] == [p.alias for p in m.people[4:]]
    # Each edit saved once; edits that reach the server together are saved together, as one step.
    assert v + 1 <= version <= v + 3
    assert [p.alias for p in store.load(info.id)[0].people[1:4]] == renamed
