"""The dashboard's cost, each figure beside a baseline measured in the same run.

Run: `python benchmarks/app.py [--runs 7] [--no-browser]`.

- Server side (AppTest, in-process): the Map page's rerun with nothing changed (the map has one edit to
  undo, as in session), and the rerun after one edit (a `MovePerson` through the store: the write, then
  the rerun that shows it), on each sample and on a synthetic 200-person map, beside an empty Streamlit
  app's rerun measured alternately with it. Median ms. AppTest waits for a run by polling every 1 ms,
  so its figures are whole-millisecond-ish; the `script` column is the app's own code alone.
- Browser (headless Chromium, the real server on loopback, 200 people), each beside an empty two-page
  Streamlit app measured alternately in the same browser:
  - a first visit (nothing cached) and a reload (the app's files cached, as on every visit after the
    first): ms from navigation start to the map drawn (`window.__ditmapMapDrawnAt`, its first frame) and
    to the map interactive (`__ditmapMapReadyAt`: click targets and the list of everyone), beside the
    empty app's first heading;
  - switching to the Map page from another page of the app, beside the empty app's page switch;
  - an unchanged rerun end to end: R pressed until the app is idle again;
  - bytes received on the websocket for one edit (a person renamed from the form beside the map), beside
    one second of the live poll.

Targets (issue 5): unchanged rerun within 3× the empty app's; an edit at 200 people < 60 ms server-side
and < 50 KB on the wire; the map drawn in < 500 ms.
"""

from __future__ import annotations

import argparse
import functools
import math
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from common import median_ms, paired_median_ms, paired_medians  # noqa: E402
from streamlit.testing.v1 import AppTest  # noqa: E402

from ditmap.fileformat import load  # noqa: E402
from ditmap.layout import place  # noqa: E402
from ditmap.model import DitMap  # noqa: E402
from ditmap.operations import MovePerson, SetPositions  # noqa: E402
from ditmap.samples import sample_paths  # noqa: E402
from ditmap.store import open_store  # noqa: E402
from tests.apps.netview_maps import synthetic  # noqa: E402

APP = str(ROOT / "streamlit_app.py")
EMPTY = "import streamlit as st\n"


def _placed(m: DitMap) -> DitMap:
    return SetPositions(positions=place(m)).apply(m) if any(p.position is None for p in m.people) else m


def _maps() -> list[tuple[str, DitMap]]:
    out = [(p.name.removesuffix(".ditmap.json"), _placed(load(p))) for p in sample_paths()]
    out.append(("synthetic-200", _placed(synthetic(200))))
    return out


def _edit_and_rerun(store, map_id: str, person_id: str, at: AppTest) -> None:  # type: ignore[no-untyped-def]
    """One edit from another device (a person moved), then the rerun that shows it."""
    v = store.version(map_id)
    store.apply(map_id, MovePerson(id=person_id, x=float(v % 500), y=10.0), base_version=v)
    at.run()


class _RunTimer:
    """A rerun's cost on the server: ScriptRunner's SCRIPT_STARTED to SCRIPT_STOPPED, i.e. the script and
    every element it sends, without AppTest's own harness (a stand-in runtime built per run, a wait that
    polls every 1 ms, parsing the element tree), which the AppTest wall time includes for both apps."""

    def __init__(self) -> None:
        from streamlit.runtime.scriptrunner import ScriptRunnerEvent
        from streamlit.testing.v1 import local_script_runner

        self.last = math.nan
        started = [0.0]
        original = local_script_runner.LocalScriptRunner.__init__

        def on_event(_sender: object, event: object = None, **_: object) -> None:
            if event == ScriptRunnerEvent.SCRIPT_STARTED:
                started[0] = time.perf_counter()
            elif event == ScriptRunnerEvent.SCRIPT_STOPPED_WITH_SUCCESS:
                self.last = (time.perf_counter() - started[0]) * 1000

        def init(runner, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
            original(runner, *args, **kwargs)
            runner.on_event.connect(on_event, weak=False)

        local_script_runner.LocalScriptRunner.__init__ = init  # type: ignore[method-assign]

    def run(self, at: AppTest) -> float:
        self.last = math.nan
        at.run()
        return self.last


def server_side(runs: int) -> list[tuple[str, int, float, float, float, float, float, float]]:
    db = Path(tempfile.mkdtemp()) / "bench.sqlite3"
    os.environ["DITMAP_DB"] = str(db)
    store = open_store(db)
    timer = _RunTimer()
    empty = AppTest.from_string(EMPTY, default_timeout=60)
    empty.run()
    rows = []
    for name, m in _maps():
        info = store.create_map(name, m)
        target = next(p for p in m.people if p.role != "self")
        # As in session: the map has an edit to undo, so the sidebar shows Undo's sentence too.
        store.apply(info.id, MovePerson(id=target.id, x=5.0, y=5.0), base_version=store.version(info.id))
        at = AppTest.from_file(APP, default_timeout=60)
        at.query_params["map"] = info.id
        at.run()
        at.run()  # warm: caches filled
        run, base = paired_medians(functools.partial(timer.run, at), functools.partial(timer.run, empty), runs)
        wall, wall_base = paired_median_ms(at.run, empty.run, runs)
        edited = median_ms(functools.partial(_edit_and_rerun, store, info.id, target.id, at), runs)
        write = median_ms(lambda mid=info.id, pid=target.id: store.apply(
            mid, MovePerson(id=pid, x=1.0, y=2.0), base_version=store.version(mid)), runs)
        rows.append((name, len(m.people), run, base, wall, wall_base, edited, write))
    return rows


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


EMPTY_PAGES = """import streamlit as st

def one():
    st.title("One")

def two():
    st.title("Two")

st.navigation([st.Page(one, title="One"), st.Page(two, title="Two", url_path="two")]).run()
"""
"""The baseline app in the browser: two pages with a heading each (Streamlit's own start-up and page switch)."""

_HEADING = ("window.__headingAt = undefined; new MutationObserver(() => { if (window.__headingAt === undefined &&"
            " document.querySelector('h1')) window.__headingAt = performance.now(); })"
            ".observe(document, {childList: true, subtree: true});")
_STATE = ("window.__states = []; new MutationObserver(() => window.__states.push([document.querySelector("
          "'[data-testid=stApp]').getAttribute('data-test-script-state'), performance.now()]))"
          ".observe(document.querySelector('[data-testid=stApp]'), {attributes: true,"
          " attributeFilter: ['data-test-script-state']});")
_IDLE = "[data-testid=stApp][data-test-script-state=notRunning]"
_DRAWN = "() => window.__ditmapMapDrawnAt !== undefined"
_READY = "() => window.__ditmapMapReadyAt !== undefined"


class _Server:
    """`streamlit run` on loopback, as a user starts it."""

    def __init__(self, script: str, env: dict[str, str]) -> None:
        port = _free_port()
        self.proc = subprocess.Popen([sys.executable, "-m", "streamlit", "run", script, "--server.headless", "true",
                                      "--server.port", str(port), "--server.address", "127.0.0.1"],
                                     cwd=ROOT, env={**os.environ, **env},
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.url = f"http://127.0.0.1:{port}"
        for _ in range(300):
            try:
                urllib.request.urlopen(f"{self.url}/_stcore/health", timeout=1)
                return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError(f"{script} did not start")

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(timeout=10)


def _load(page, url: str, ready: str | None) -> dict[str, float]:
    """Open `url`; ms from navigation start to the first heading, the map drawn and the map interactive."""
    page.goto(url)
    page.wait_for_function(ready or "() => window.__headingAt !== undefined", timeout=30_000)
    return page.evaluate("({heading: window.__headingAt, drawn: window.__ditmapMapDrawnAt,"
                         " ready: window.__ditmapMapReadyAt})")


def _rerun(page) -> float:
    """ms from pressing R (Streamlit's rerun key) to the app idle again, in the browser."""
    page.wait_for_selector(_IDLE)
    page.evaluate("window.__states = []")
    t0 = page.evaluate("performance.now()")
    page.keyboard.press("r")
    page.wait_for_function("() => window.__states.some(s => s[0] === 'notRunning')", timeout=10_000)
    return page.evaluate("window.__states.find(s => s[0] === 'notRunning')[1]") - t0


def _switch(page, link: str, heading: str | None = None) -> float:
    """ms from clicking a page in the sidebar to its heading `heading` shown, or (None) to the map drawn."""
    page.evaluate("window.__ditmapMapDrawnAt = undefined; window.__switchedAt = undefined")
    t0 = page.evaluate("""([link, want]) => {
        if (want) new MutationObserver((_, obs) => { const h = document.querySelector('h1');
            if (h && h.textContent === want) { window.__switchedAt = performance.now(); obs.disconnect(); } })
            .observe(document, {childList: true, subtree: true, characterData: true});
        const t = performance.now();
        [...document.querySelectorAll('[data-testid=stSidebarNav] a')].find(a => a.textContent.trim() === link).click();
        return t; }""", [link, heading])
    page.wait_for_function(_DRAWN if heading is None else "() => window.__switchedAt !== undefined", timeout=30_000)
    return page.evaluate("window.__ditmapMapDrawnAt ?? window.__switchedAt") - t0


def browser(runs: int) -> dict[str, tuple[float, float]]:
    """Each figure as (map page at 200 people, empty app), the two measured alternately in one browser."""
    from playwright.sync_api import sync_playwright

    tmp = Path(tempfile.mkdtemp())
    db = tmp / "bench.sqlite3"
    store = open_store(db)
    info = store.create_map("synthetic-200", _placed(synthetic(200)))
    (tmp / "empty_pages.py").write_text(EMPTY_PAGES, encoding="utf-8")
    app, empty = _Server(APP, {"DITMAP_DB": str(db)}), _Server(str(tmp / "empty_pages.py"), {})
    map_url = f"{app.url}/?map={info.id}"
    out: dict[str, list[tuple[float, float]]] = {}

    def add(name: str, mine: float, base: float) -> None:
        out.setdefault(name, []).append((mine, base))

    try:
        with sync_playwright() as p:
            b = p.chromium.launch(executable_path="/usr/bin/chromium", args=[
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update"])

            def context():  # type: ignore[no-untyped-def]
                ctx = b.new_context(viewport={"width": 1280, "height": 900})
                ctx.add_init_script(_HEADING)
                return ctx

            # A first visit: a fresh browser profile, nothing cached.
            for _ in range(runs):
                ctx_m, ctx_e = context(), context()
                m, e = _load(ctx_m.new_page(), map_url, _READY), _load(ctx_e.new_page(), empty.url, None)
                add("first visit: map drawn", m["drawn"], e["heading"])
                add("first visit: map interactive", m["ready"], e["heading"])
                ctx_m.close()
                ctx_e.close()
            # Later visits (a reload, or the next session): the app's files are in the browser's cache.
            ctx_m, ctx_e = context(), context()
            pm, pe = ctx_m.new_page(), ctx_e.new_page()
            _load(pm, map_url, _READY)
            _load(pe, empty.url, None)
            for _ in range(runs):
                m, e = _load(pm, map_url, _READY), _load(pe, empty.url, None)
                add("reload: map drawn", m["drawn"], e["heading"])
                add("reload: map interactive", m["ready"], e["heading"])
            # Inside the app: from another page to the Map page (and, for the baseline, to its other page).
            for _ in range(runs):
                _switch(pm, "People", "People")
                _switch(pe, "One", "One")
                pm.wait_for_selector(_IDLE)
                add("switch to the Map page: drawn", _switch(pm, "Map"), _switch(pe, "Two", "Two"))
                pm.wait_for_function(_READY)
            # An unchanged rerun, end to end: R pressed in the browser until the app is idle again.
            _load(pm, map_url, _READY)
            pm.wait_for_timeout(500)
            for pg in (pm, pe):
                pg.evaluate(_STATE)
            for _ in range(runs * 3):
                add("unchanged rerun, in the browser", _rerun(pm), _rerun(pe))
            ctx_e.close()

            # Bytes for one edit: rename a person from the form beside the map.
            page = pm
            frames: list[int] = []
            page.on("websocket", lambda ws: ws.on("framereceived", lambda f: frames.append(len(f))))
            page.reload()
            page.wait_for_function(_READY, timeout=30_000)
            page.wait_for_selector(_IDLE)
            pick = page.locator(".nv-pick").nth(3)
            pick.focus()
            pick.press("Enter")
            page.wait_for_timeout(1500)
            page.wait_for_selector(_IDLE)
            tick_start = len(frames)
            page.wait_for_timeout(3000)
            tick = sum(frames[tick_start:]) / 3  # the live poll, per second
            for i in range(runs):
                box = page.get_by_role("textbox", name="alias").first
                box.fill(f"Renamed {i}")
                start = len(frames)
                page.get_by_role("button", name="Save", exact=True).first.click()
                page.wait_for_timeout(400)
                page.wait_for_selector(_IDLE)
                add("bytes received per edit", sum(frames[start:]), tick)
            ctx_m.close()
            b.close()
    finally:
        app.stop()
        empty.stop()
    return {k: (statistics.median(m for m, _ in v), statistics.median(e for _, e in v)) for k, v in out.items()}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--no-browser", action="store_true")
    args = ap.parse_args()
    print("Map page, server side (AppTest; median of", args.runs, "runs, each alternating with the empty app)")
    print(f"{'map':28} {'people':>6} {'rerun ms':>9} {'empty ms':>9} {'ratio':>6} {'AppTest wall':>13} "
          f"{'(empty)':>8} {'ratio':>6} {'edit+rerun ms':>14} {'store write ms':>15}")
    for name, n, run, base, wall, wall_base, edited, write in server_side(args.runs):
        print(f"{name:28} {n:6d} {run:9.2f} {base:9.2f} {run / base:6.1f} {wall:13.1f} {wall_base:8.1f} "
              f"{wall / wall_base:6.1f} {edited:14.1f} {write:15.1f}")
    print("(rerun: an unchanged rerun's script run on the server, start to finish; AppTest wall: the same rerun"
          " timed around AppTest's run(), harness included)")
    if args.no_browser:
        return
    r = browser(max(5, args.runs // 2))
    print("\nIn Chromium, the Map page at 200 people beside an empty two-page Streamlit app (median ms;"
          " the baseline is the empty app's first heading, its page switch, its rerun)")
    print(f"{'':40} {'map':>8} {'empty app':>10} {'ratio':>6}")
    for name, (mine, base) in r.items():
        if name.startswith("bytes"):
            continue
        print(f"{name:40} {mine:8.0f} {base:10.0f} {mine / base:6.2f}")
    edit, tick = r["bytes received per edit"]
    print(f"bytes received per edit (rename from the form): {edit / 1024:.1f} KB (live poll: {tick:.0f} B/s)")


if __name__ == "__main__":
    main()
