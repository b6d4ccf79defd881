"""The network view in a real headless Chromium against a real Streamlit server (tests/apps/netview_app.py,
which mounts only the component): offline drawing, events back to Python, stability across reruns,
keyboard access, and no script from user text — in the page or any frame."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from urllib.parse import urlparse

import pytest
from browser_support import ROOT, Offline, StreamlitServer
from playwright.sync_api import Page

from ditmap.fileformat import load
from ditmap.operations import AddItem
from tests.apps.netview_maps import PAYLOADS, hostile

pytestmark = pytest.mark.e2e

APP = ROOT / "tests" / "apps" / "netview_app.py"
HOST = "document.querySelector('[data-testid=stBidiComponentIsolated]')"
VIEW = f"{HOST}.shadowRoot.querySelector('.nv').ditmapView"


@pytest.fixture(scope="module")
def sample_server() -> Iterator[StreamlitServer]:
    s = StreamlitServer(APP)
    yield s
    s.stop()


@pytest.fixture(scope="module")
def hostile_server(tmp_path_factory) -> Iterator[StreamlitServer]:
    path = tmp_path_factory.mktemp("netview") / "hostile.ditmap.json"
    path.write_text(hostile().model_dump_json(), encoding="utf-8")
    s = StreamlitServer(APP, {"NETVIEW_MAP": str(path)})
    yield s
    s.stop()


@pytest.fixture(scope="module")
def parallel_server(tmp_path_factory) -> Iterator[StreamlitServer]:
    """The sample with three relationships between the client and her mother: drawn as fanned curves."""
    m = load(ROOT / "sample_data" / "depression-self-critical.ditmap.json")
    mum = next(p for p in m.people if p.role == "mother")
    for i, kind in enumerate(("conflictual", "close", "controlling")):
        m = AddItem(kind="relationship", item={"id": f"r-par{i}", "source": m.self_person.id, "target": mum.id,
                                               "kind": kind, "corner": "past"}).apply(m)
    path = tmp_path_factory.mktemp("netview") / "parallel.ditmap.json"
    path.write_text(m.model_dump_json(), encoding="utf-8")
    s = StreamlitServer(APP, {"NETVIEW_MAP": str(path)})
    yield s
    s.stop()


@pytest.fixture
def page(browser) -> Iterator[tuple[Page, list[str]]]:
    """A fresh context whose every request is checked: anything beyond loopback is blocked and recorded."""
    context = browser.new_context(viewport={"width": 1200, "height": 1100})
    offline = Offline()
    context.route("**/*", offline.route)
    pg = context.new_page()
    yield pg, offline.external
    context.close()
    assert offline.external == [], f"requests beyond loopback: {offline.external}"


def idle(pg: Page) -> None:
    pg.wait_for_timeout(200)
    pg.wait_for_selector("[data-testid=stApp][data-test-script-state=notRunning]", timeout=30_000)


def open_map(pg: Page, server: StreamlitServer) -> None:
    pg.goto(server.url)
    pg.wait_for_function("() => window.__ditmapMapReadyAt !== undefined", timeout=30_000)
    idle(pg)


def events(pg: Page, which: str = "events") -> list[dict]:
    text = pg.get_by_text(f"{which}: ").inner_text()
    return json.loads(text.split(f"{which}: ", 1)[1])


def wait_events(pg: Page, n: int) -> list[dict]:
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        idle(pg)
        got = events(pg)
        if len(got) >= n:
            return got
        pg.wait_for_timeout(200)
    raise AssertionError(f"expected {n} events, got {events(pg)}")


def screen(pg: Page, person: str) -> dict:
    return pg.evaluate(f"{VIEW}.screenPosition({json.dumps(person)})")


@pytest.fixture
def sample_page(page, sample_server):
    pg, outside = page
    open_map(pg, sample_server)
    return pg, outside


def test_map_is_drawn_offline_from_pyvis_copy(sample_page):
    pg, _ = sample_page
    scripts = pg.evaluate("[...document.querySelectorAll('script[src]')].map(s => s.src)")
    vis = [s for s in scripts if s.endswith("vis-network.min.js")]
    assert len(vis) == 1 and urlparse(vis[0]).path.startswith("/component/")
    assert pg.evaluate(f"{VIEW}.network.body.data.nodes.length") == 12
    # Reruns (an unchanged one, then an edit) fetch nothing again: the library came once per page load.
    pg.get_by_text("Rerun", exact=True).click()
    idle(pg)
    pg.get_by_text("Rename first other person").click()
    idle(pg)
    fetched = pg.evaluate("performance.getEntriesByType('resource').map(e => new URL(e.name).pathname)")
    assert sum(1 for f in fetched if f.endswith("/vis-network.min.js")) == 1
    assert sum(1 for f in fetched if f.endswith("/network.js")) == 1
    assert pg.evaluate("document.querySelectorAll('script[data-ditmap]').length") == 1


def test_click_selects_drag_moves_and_reruns_do_not_move_or_rezoom(sample_page):
    pg, _ = sample_page
    mum = screen(pg, "mum")
    pg.mouse.click(mum["x"], mum["y"])
    got = wait_events(pg, 1)
    assert {k: got[0][k] for k in ("type", "kind", "id")} == {"type": "select", "kind": "person", "id": "mum"}

    # Drag Dad 80 px right and 50 px down (in screen pixels), in small steps like a hand would.
    dad = screen(pg, "dad")
    scale = pg.evaluate(f"{VIEW}.network.getScale()")
    before = pg.evaluate(f"{VIEW}.network.getPositions(['dad']).dad")
    pg.mouse.move(dad["x"], dad["y"])
    pg.mouse.down()
    for i in range(1, 11):
        pg.mouse.move(dad["x"] + 8 * i, dad["y"] + 5 * i)
    pg.mouse.up()
    got = wait_events(pg, 2)
    move = got[1]
    assert move["type"] == "move" and move["id"] == "dad"
    assert move["x"] == pytest.approx(before["x"] + 80 / scale, abs=1.0)
    assert move["y"] == pytest.approx(before["y"] + 50 / scale, abs=1.0)
    assert got[0]["seq"] != move["seq"]

    # An edit elsewhere (a rename) reruns the app: nobody moves, the zoom and pan stay as they were.
    view_before = pg.evaluate(f"[{VIEW}.network.getScale(), {VIEW}.network.getViewPosition()]")
    after_drop = screen(pg, "dad")
    pg.get_by_text("Rename first other person").click()
    idle(pg)
    pg.wait_for_function(f"{VIEW}.network.body.data.nodes.get('mum').label === 'Mum*'", timeout=10_000)
    assert pg.evaluate(f"[{VIEW}.network.getScale(), {VIEW}.network.getViewPosition()]") == view_before
    assert screen(pg, "dad") == after_drop
    assert pg.evaluate(f"{VIEW}.network.getPositions(['dad']).dad") == {"x": round(move["x"]),
                                                                         "y": round(move["y"])}
    assert len(events(pg)) == 2  # the rerun did not replay the move
    assert events(pg, "returned") == []  # with on_event, events arrive in the callback, not as returns


def test_selection_survives_reruns_and_shows_in_the_list(sample_page):
    pg, _ = sample_page
    # Select a relationship through the accessible list (as a keyboard or screen-reader user would).
    pg.evaluate(f"{HOST}.shadowRoot.querySelector('button.nv-pick[data-id=\"r-dad\"]').click()")
    got = wait_events(pg, 1)
    assert {k: got[0][k] for k in ("type", "kind", "id")} == {"type": "select", "kind": "relationship", "id": "r-dad"}
    # on_event ran before the page: the run that reported the click already drew it selected.
    assert pg.evaluate(f"{VIEW}.data.selected") == {"kind": "relationship", "id": "r-dad"}
    pg.get_by_text("Rename first other person").click()
    idle(pg)
    assert pg.evaluate(f"{VIEW}.network.getSelectedEdges()") == ["r-dad"]
    assert pg.evaluate(f"{HOST}.shadowRoot.querySelector('button.nv-pick[data-id=\"r-dad\"]')"
                       ".getAttribute('aria-pressed')") == "true"


def test_keyboard_reaches_the_map_and_the_list(sample_page):
    pg, _ = sample_page
    frame = pg.locator("[data-testid=stBidiComponentIsolated] .vis-network")
    assert frame.get_attribute("role") == "img"
    assert frame.get_attribute("aria-label") == "Relationship map with 12 people and 13 relationships"
    frame.focus()
    outline = pg.evaluate(f"getComputedStyle({HOST}.shadowRoot.querySelector('.vis-network')).outlineStyle")
    assert outline == "solid"
    # F fits the whole map: the zoom changes back after zooming in with "+" (vis-network's keyboard).
    fitted = pg.evaluate(f"{VIEW}.network.getScale()")
    pg.keyboard.down("+")
    pg.wait_for_timeout(300)
    pg.keyboard.up("+")
    assert pg.evaluate(f"{VIEW}.network.getScale()") > fitted
    pg.keyboard.press("f")
    assert pg.evaluate(f"{VIEW}.network.getScale()") == pytest.approx(fitted, rel=1e-6)
    # Tab on into the list fallback: it becomes visible, and Enter selects.
    first = pg.locator("[data-testid=stBidiComponentIsolated] button.nv-pick").first
    first.focus()
    assert first.bounding_box()["width"] > 20
    pg.keyboard.press("Enter")
    got = wait_events(pg, 1)
    assert got[0]["type"] == "select" and got[0]["kind"] == "person" and got[0]["id"] == "self"


def tooltip_text(pg: Page, kind: str, item_id: str) -> str:
    """Hover over a person or the middle of a relationship and read the tooltip vis-network shows."""
    if kind == "person":
        at = screen(pg, item_id)
    else:
        at = pg.evaluate(f"""(() => {{ const v = {VIEW}; const e = v.network.body.edges[{json.dumps(item_id)}];
            const p = e.edgeType.getPoint(0.5); const d = v.network.canvasToDOM(p);
            const r = v.canvasBox.getBoundingClientRect(); return {{x: r.left + d.x, y: r.top + d.y}}; }})()""")
    pg.mouse.move(at["x"] + 1, at["y"] + 1)
    pg.mouse.move(at["x"], at["y"])
    pg.wait_for_function(f"(() => {{ const t = {HOST}.shadowRoot.querySelector('.vis-tooltip');"
                         " return t && t.style.visibility !== 'hidden' && t.textContent.length > 0; })()",
                         timeout=5_000)
    text = pg.evaluate(f"{HOST}.shadowRoot.querySelector('.vis-tooltip').innerText")
    pg.mouse.move(5, 5)
    pg.wait_for_timeout(100)
    return text


def pwned_anywhere(pg: Page) -> list[str]:
    return [f.url for f in pg.frames if f.evaluate("typeof window.__pwned") != "undefined"]


def test_hostile_text_is_shown_as_text_and_never_runs(page, hostile_server):
    pg, _ = page
    dialogs: list[str] = []
    pg.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    open_map(pg, hostile_server)
    root = f"{HOST}.shadowRoot"
    # User text is on screen as text: the legend shows the free-text kind literally.
    assert PAYLOADS[1] in pg.evaluate(f"{root}.querySelector('.nv-legend').textContent")
    assert PAYLOADS[0] in pg.evaluate(f"{root}.querySelector('.nv-list').textContent")
    # Tooltips (clinician view, with notes) are text too.
    assert PAYLOADS[1] in tooltip_text(pg, "person", "a")
    assert PAYLOADS[3] in tooltip_text(pg, "relationship", "r1")
    # Light the pattern, switch to the client view, use the list: still nothing runs.
    pg.locator("[data-testid=stSelectbox]").click()
    pg.get_by_role("option", name="pt1").click()
    idle(pg)
    pg.get_by_text("Client view").click()
    idle(pg)
    client_tip = tooltip_text(pg, "person", "a")
    assert PAYLOADS[1] in client_tip and PAYLOADS[3] not in client_tip  # alias shown, notes never
    pg.evaluate(f"{root}.querySelector('button.nv-pick').click()")
    wait_events(pg, 1)
    # Nothing from user text became an element: no <img>, <script> or <a> in the component.
    assert pg.evaluate(f"{root}.querySelectorAll('img, script, a, iframe').length") == 0
    assert pwned_anywhere(pg) == []
    assert dialogs == []


@pytest.fixture(scope="module")
def return_server() -> Iterator[StreamlitServer]:
    s = StreamlitServer(APP, {"NETVIEW_RETURN": "1"})
    yield s
    s.stop()


def test_returned_events_come_once_and_read_only_stops_dragging(page, return_server):
    pg, _ = page
    open_map(pg, return_server)
    mum = screen(pg, "mum")
    pg.mouse.click(mum["x"], mum["y"])
    got = wait_events(pg, 1)
    assert [(e["type"], e["id"]) for e in events(pg, "returned")] == [("select", "mum")]
    pg.get_by_text("Rename first other person").click()
    idle(pg)
    assert len(events(pg, "returned")) == 1 and got == events(pg)
    # The run after the click drew the page's new selection.
    assert pg.evaluate(f"{VIEW}.network.getSelectedNodes()") == ["mum"]

    pg.get_by_text("Read-only").click()
    idle(pg)
    before = pg.evaluate(f"{VIEW}.network.getPositions(['dad']).dad")
    dad = screen(pg, "dad")
    pg.mouse.move(dad["x"], dad["y"])
    pg.mouse.down()
    for i in range(1, 11):
        pg.mouse.move(dad["x"] + 8 * i, dad["y"] + 5 * i)
    pg.mouse.up()
    idle(pg)
    pg.wait_for_timeout(300)
    # Dragging in read-only pans the view at most: Dad keeps his place on the map, and no move is sent.
    assert pg.evaluate(f"{VIEW}.network.getPositions(['dad']).dad") == before
    assert all(e["type"] != "move" for e in events(pg))


def test_curved_lines_are_drawn_where_their_click_targets_are(page, parallel_server):
    """Parallel relationships fan out as curves; the line drawn follows vis-network's own curve for the edge,
    so clicking the line selects that relationship."""
    pg, _ = page
    open_map(pg, parallel_server)
    gaps = pg.evaluate(f"""(() => {{ const v = {VIEW}; const out = [];
        for (const r of v.data.rels) {{
            if (!r.b) continue;
            const edge = v.network.body.edges[r.id].edgeType;
            for (const i of [3, 12, 20]) {{
                const mine = v.relPoints(r)[i], theirs = edge.getPoint(i / 24);
                out.push(Math.hypot(mine.x - theirs.x, mine.y - theirs.y));
            }}
        }}
        return out; }})()""")
    assert len(gaps) >= 9 and max(gaps) < 0.01, gaps
    at = pg.evaluate(f"""(() => {{ const v = {VIEW}; const r = v.data.rels.find(r => r.id === "r-par2");
        const d = v.network.canvasToDOM(v.relPoints(r)[12]); const b = v.canvasBox.getBoundingClientRect();
        return {{x: b.left + d.x, y: b.top + d.y}}; }})()""")
    pg.mouse.click(at["x"], at["y"])
    got = wait_events(pg, 1)
    assert (got[0]["type"], got[0]["kind"], got[0]["id"]) == ("select", "relationship", "r-par2")
