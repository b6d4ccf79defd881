"""The live map's cost: bytes on the websocket per rerun and time to a drawn map, in headless Chromium.

Run: `python benchmarks/netview.py [--runs 5]`. Starts tests/apps/netview_app.py (the component alone)
on each map, and the same page without the map as the baseline, measured in the same run:

- server side: `build_view` + `pack` per rerun (median ms), beside `DitMap.model_dump_json()` of the
  same map (the floor: serialising the map at all);
- wire: bytes received on the websocket for an unchanged rerun, an edit (one person renamed) and a
  drag (one MovePerson), beside the empty page's rerun;
- browser: ms from navigation start to the first frame with the map drawn (median of fresh contexts),
  and from the component's mount to drawn, beside the empty page's time to its first element.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from common import median_ms  # noqa: E402
from playwright.sync_api import sync_playwright  # noqa: E402

from ditmap.model import DitMap  # noqa: E402
from ditmap.ui.netview_data import build_view, pack  # noqa: E402
from tests.apps.netview_maps import synthetic  # noqa: E402

APP = ROOT / "tests" / "apps" / "netview_app.py"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update"]
VIEW = ("document.querySelector('[data-testid=stBidiComponentIsolated]')"
        ".shadowRoot.querySelector('.nv').ditmapView")
# Records when the first Streamlit text element appears (the empty page's "drawn").
FIRST_TEXT = """new MutationObserver((_, obs) => { if (document.querySelector('[data-testid=stText]')) {
  window.__firstText = performance.now(); obs.disconnect(); } }).observe(document, {childList: true, subtree: true});"""


def port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serve(env: dict[str, str]) -> tuple[subprocess.Popen, str]:
    p = port()
    proc = subprocess.Popen([sys.executable, "-m", "streamlit", "run", str(APP), "--server.headless", "true",
                             "--server.port", str(p), "--server.address", "127.0.0.1"], cwd=ROOT,
                            env={**os.environ, **env}, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{p}/"
    for _ in range(300):
        try:
            if urllib.request.urlopen(url + "_stcore/health", timeout=2).read() == b"ok":
                return proc, url
        except OSError:
            time.sleep(0.2)
    proc.kill()
    raise RuntimeError("server did not start")


def idle(pg) -> None:
    pg.wait_for_timeout(250)
    pg.wait_for_selector("[data-testid=stApp][data-test-script-state=notRunning]", timeout=60_000)




def browser_figures(browser, url: str, runs: int, with_map: bool) -> dict[str, float]:
    loads, mounts = [], []
    for _ in range(runs):
        ctx = browser.new_context(viewport={"width": 1200, "height": 1000})
        ctx.add_init_script(FIRST_TEXT)
        pg = ctx.new_page()
        pg.goto(url)
        if with_map:
            pg.wait_for_function("() => window.__ditmapMapDrawnAt !== undefined", timeout=60_000)
            marks = pg.evaluate("Object.fromEntries(performance.getEntriesByType('mark')"
                                ".map(m => [m.name, m.startTime]))")
            loads.append(marks["ditmap:drawn"])
            mounts.append(marks["ditmap:drawn"] - marks["ditmap:mount"])
        else:
            pg.wait_for_function("() => window.__firstText !== undefined", timeout=60_000)
            loads.append(pg.evaluate("window.__firstText"))
        ctx.close()
    out = {"load": statistics.median(loads)}
    if mounts:
        out["mount"] = statistics.median(mounts)
    return out


def wire_figures(browser, url: str, with_map: bool) -> dict[str, int]:
    ctx = browser.new_context(viewport={"width": 1200, "height": 1000})
    pg = ctx.new_page()
    frames: list[int] = []

    def on_ws(ws):
        ws.on("framereceived", lambda f: frames.append(len(f if isinstance(f, bytes) else f.encode())))

    pg.on("websocket", on_ws)
    pg.goto(url)
    if with_map:
        pg.wait_for_function("() => window.__ditmapMapDrawnAt !== undefined", timeout=60_000)
    idle(pg)
    out = {"first run": sum(frames)}

    def measure(action) -> int:
        frames.clear()
        action()
        idle(pg)
        pg.wait_for_timeout(300)
        idle(pg)
        return sum(frames)

    out["unchanged rerun"] = measure(lambda: pg.get_by_text("Rerun", exact=True).click())
    if with_map:
        out["edit (rename)"] = measure(lambda: pg.get_by_text("Rename first other person").click())

        # Zoom to one person first (at 200 people the fitted view makes everyone a few pixels wide).
        pg.evaluate(f"(() => {{ const v = {VIEW}; const id = v.data.people[1].id;"
                    " v.network.moveTo({position: v.network.getPositions([id])[id], scale: 1}); })()")

        def drag():
            p = pg.evaluate(f"{VIEW}.screenPosition({VIEW}.data.people[1].id)")
            pg.mouse.move(p["x"], p["y"])
            pg.mouse.down()
            for i in range(1, 8):
                pg.mouse.move(p["x"] + 6 * i, p["y"] + 4 * i)
            pg.mouse.up()
        out["drag (move)"] = measure(drag)
    ctx.close()
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()

    maps: dict[str, DitMap] = {}
    for path in sorted((ROOT / "sample_data").glob("*.ditmap.json")):
        maps[path.name.split(".")[0]] = DitMap.model_validate_json(path.read_text(encoding="utf-8"))
    maps["synthetic-200"] = synthetic(200)

    print("Server side, per rerun (median ms of 20) and bytes of the element's data")
    print(f"{'map':34} {'people':>6} {'rels':>5} {'view+pack ms':>12} {'dump_json ms':>12} {'ratio':>6} {'bytes':>7}")
    for name, m in maps.items():
        t_view = median_ms(lambda m=m: pack(build_view(m, highlight_pattern=None)), 20)
        t_base = median_ms(lambda m=m: m.model_dump_json(), 20)
        size = len(pack(build_view(m)))
        print(f"{name:34} {len(m.people):6} {len(m.relationships):5} {t_view:12.2f} {t_base:12.2f} "
              f"{t_view / t_base:6.1f} {size:7}")

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        rows = []
        for label, env, with_map in (("empty page (baseline)", {"NETVIEW_EMPTY": "1"}, False),
                                     ("depression sample", {}, True),
                                     ("synthetic 200 people", {"NETVIEW_SYNTH": "200"}, True)):
            proc, url = serve(env)
            try:
                wire = wire_figures(browser, url, with_map)
                times = browser_figures(browser, url, args.runs, with_map)
            finally:
                proc.terminate()
                proc.wait()
            rows.append((label, wire, times))
        browser.close()

    print()
    print("Browser (Chromium): websocket bytes received per action; ms from navigation start to drawn")
    base_load = rows[0][2]["load"]
    print(f"{'page':24} {'first run':>9} {'unchanged':>9} {'edit':>7} {'drag':>7} {'load→drawn':>10} "
          f"{'×empty':>7} {'mount→drawn':>11}")
    for label, wire, times in rows:
        print(f"{label:24} {wire['first run']:9} {wire['unchanged rerun']:9} {wire.get('edit (rename)', 0):7} "
              f"{wire.get('drag (move)', 0):7} {times['load']:10.0f} {times['load'] / base_load:7.2f} "
              f"{times.get('mount', 0):11.0f}")
    print(json.dumps({"runs": args.runs}))


if __name__ == "__main__":
    main()
