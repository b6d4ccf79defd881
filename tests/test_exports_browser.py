"""The interactive page and the SVG diagram in headless Chromium, with script payloads in every text field.

No request beyond the file itself may leave the page (every other request is aborted and fails the
test), no payload may run (`window.__pwned` stays undefined), and the map must draw.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from browser_support import Offline
from playwright.sync_api import Browser, Page
from test_exports_fixtures import payload_map, rich_map

from ditmap.exports import export_bytes

pytestmark = pytest.mark.e2e



@pytest.fixture
def page(browser: Browser) -> Iterator[tuple[Page, list[str], list[str]]]:
    context = browser.new_context()
    offline = Offline(local_schemes=("file:", "data:"), loopback=False)
    outside = offline.external
    errors: list[str] = []
    context.route("**/*", offline.route)
    pg = context.new_page()
    pg.on("request", lambda req: None if req.url.startswith(offline.local_schemes) else outside.append(req.url))
    pg.on("pageerror", lambda e: errors.append(str(e)))
    pg.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    yield pg, outside, errors
    context.close()


@pytest.mark.parametrize("client", [False, True])
@pytest.mark.parametrize("make", [payload_map, rich_map], ids=["payloads", "rich"])
def test_interactive_page_draws_offline_and_runs_no_payload(page, tmp_path, client, make):
    pg, outside, errors = page
    m = make()
    path = tmp_path / "map.html"
    path.write_bytes(export_bytes(m, "html", client=client)[0])
    pg.goto(path.as_uri())
    pg.wait_for_selector("body[data-drawn='1']", timeout=15_000)
    assert pg.evaluate("typeof window.__pwned") == "undefined"
    assert pg.evaluate("document.querySelectorAll('canvas').length") >= 1
    assert pg.evaluate("window.ditmapNetwork.body.data.nodes.length") == len(m.people)
    assert pg.evaluate("window.ditmapNetwork.body.data.edges.length") == len(m.relationships)
    # hovering a person shows its tooltip, as text; still nothing runs
    other = next(p for p in m.people if p.role != "self")
    x, y = pg.evaluate("id => { const n = window.ditmapNetwork;"
                       " const p = n.canvasToDOM(n.getPositions([id])[id]);"
                       " const r = document.querySelector('#map canvas').getBoundingClientRect();"
                       " return [p.x + r.left, p.y + r.top]; }", other.id)
    pg.mouse.move(x, y)
    pg.wait_for_selector("div.vis-tooltip", state="visible", timeout=5_000)
    tip = pg.inner_text("div.vis-tooltip")
    assert tip.splitlines()[0] == " ".join(other.alias.split())[:240]
    assert pg.evaluate("document.querySelectorAll('div.vis-tooltip *:not(br)').length") == 0
    assert pg.evaluate("typeof window.__pwned") == "undefined"
    assert outside == []
    assert errors == []


def test_the_pattern_panel_and_tooltips_show_payloads_as_text(page, tmp_path):
    pg, outside, _ = page
    m = payload_map()
    path = tmp_path / "map.html"
    path.write_bytes(export_bytes(m, "html")[0])
    pg.goto(path.as_uri())
    pg.wait_for_selector("body[data-drawn='1']", timeout=15_000)
    assert "<script>window.__pwned=1</script>" in pg.inner_text("aside")
    assert pg.evaluate("document.querySelectorAll('aside img, aside script, main script').length") == 0
    assert outside == []


@pytest.mark.parametrize("client", [False, True])
def test_svg_diagram_runs_no_payload(page, tmp_path, client):
    pg, outside, errors = page
    path = tmp_path / "diagram.svg"
    path.write_bytes(export_bytes(payload_map(), "svg", client=client)[0])
    pg.goto(path.as_uri())
    pg.wait_for_timeout(300)
    assert pg.evaluate("typeof window.__pwned") == "undefined"
    assert pg.evaluate("document.querySelectorAll('script, foreignObject, image').length") == 0
    assert pg.evaluate("document.querySelectorAll('text').length") > 20
    assert outside == [] and errors == []
