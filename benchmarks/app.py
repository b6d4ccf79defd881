"""The dashboard's cost, each figure beside a baseline measured in the same run.

Run: `python benchmarks/app.py [--runs 7] [--no-browser]`.

- Server side (AppTest, in-process): the Map page's rerun with nothing changed, and the rerun after
  one edit (a `MovePerson` through the store: the write, then the rerun that shows it), on each sample
  and on a synthetic 200-person map, beside an empty Streamlit app's rerun (ratio). Median ms.
- Wire (headless Chromium, the real server): bytes received on the websocket for one edit at 200
  people (a person renamed from the form beside the map), beside the bytes of one live-poll tick.
- Browser: ms from navigation start to the map drawn at 200 people (`window.__ditmapMapDrawnAt`,
  set by the drawing on its first frame), beside the time to the page's first heading (Streamlit's
  own start-up, which no app can shorten).

Targets (issue 5): unchanged rerun within 3× the empty app's; an edit at 200 people < 60 ms server-side
and < 50 KB on the wire; the map drawn in < 500 ms.
"""

from __future__ import annotations

import argparse
import functools
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

from common import median_ms, paired_median_ms  # noqa: E402
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


class _ScriptTimer:
    """Times the app script itself (the frame and the page), inside AppTest's run."""

    def __init__(self) -> None:
        import ditmap.ui.shell as shell

        self.shell, self.orig, self.times = shell, shell.main, []

        def timed() -> None:
            t = time.perf_counter()
            try:
                self.orig()
            finally:
                self.times.append((time.perf_counter() - t) * 1000)

        shell.main = timed

    def median_since(self, n: int) -> float:
        return statistics.median(self.times[n:])


def server_side(runs: int) -> list[tuple[str, int, float, float, float, float, float]]:
    db = Path(tempfile.mkdtemp()) / "bench.sqlite3"
    os.environ["DITMAP_DB"] = str(db)
    store = open_store(db)
    empty = AppTest.from_string(EMPTY, default_timeout=60)
    empty.run()
    timer = _ScriptTimer()
    rows = []
    for name, m in _maps():
        info = store.create_map(name, m)
        at = AppTest.from_file(APP, default_timeout=60)
        at.query_params["map"] = info.id
        at.run()
        at.run()  # warm: caches filled
        mark = len(timer.times)
        unchanged, base = paired_median_ms(at.run, empty.run, runs)
        script = timer.median_since(mark)
        target = next(p for p in m.people if p.role != "self")
        edited = median_ms(functools.partial(_edit_and_rerun, store, info.id, target.id, at), runs)
        write = median_ms(lambda mid=info.id, pid=target.id: store.apply(
            mid, MovePerson(id=pid, x=1.0, y=2.0), base_version=store.version(mid)), runs)
        rows.append((name, len(m.people), unchanged, base, script, edited, write))
    return rows


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def browser(runs: int) -> dict[str, float]:
    from playwright.sync_api import sync_playwright

    db = Path(tempfile.mkdtemp()) / "bench.sqlite3"
    store = open_store(db)
    info = store.create_map("synthetic-200", _placed(synthetic(200)))
    port = _free_port()
    proc = subprocess.Popen([sys.executable, "-m", "streamlit", "run", APP, "--server.headless", "true",
                             "--server.port", str(port), "--server.address", "127.0.0.1"],
                            cwd=ROOT, env={**os.environ, "DITMAP_DB": str(db)},
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(150):
            try:
                urllib.request.urlopen(f"{url}/_stcore/health", timeout=1)
                break
            except OSError:
                time.sleep(0.2)
        idle = "[data-testid=stApp][data-test-script-state=notRunning]"
        with sync_playwright() as p:
            b = p.chromium.launch(executable_path="/usr/bin/chromium", args=[
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update"])
            drawn, first = [], []
            heading = ("new MutationObserver((_, obs) => { if (document.querySelector('h1')) {"
                       " window.__firstHeadingAt = performance.now(); obs.disconnect(); } })"
                       ".observe(document, {childList: true, subtree: true});")
            for _ in range(runs):
                ctx = b.new_context(viewport={"width": 1280, "height": 900})
                ctx.add_init_script(heading)
                page = ctx.new_page()
                page.goto(f"{url}/?map={info.id}")
                page.wait_for_function("() => window.__ditmapMapDrawnAt !== undefined", timeout=30_000)
                drawn.append(page.evaluate("() => window.__ditmapMapDrawnAt"))
                first.append(page.evaluate("() => window.__firstHeadingAt"))
                ctx.close()
            # Bytes for one edit: rename a person from the form beside the map.
            ctx = b.new_context(viewport={"width": 1280, "height": 900})
            page = ctx.new_page()
            frames: list[int] = []
            page.on("websocket", lambda ws: ws.on("framereceived", lambda f: frames.append(len(f))))
            page.goto(f"{url}/?map={info.id}")
            page.wait_for_function("() => window.__ditmapMapDrawnAt !== undefined", timeout=30_000)
            page.wait_for_selector(idle)
            pick = page.locator(".nv-pick").nth(3)
            pick.focus()
            pick.press("Enter")
            page.wait_for_timeout(1500)
            page.wait_for_selector(idle)
            tick_start = len(frames)
            page.wait_for_timeout(3000)
            tick = sum(frames[tick_start:]) / 3  # the live poll, per second
            edits = []
            for i in range(runs):
                box = page.get_by_role("textbox", name="alias").first
                box.fill(f"Renamed {i}")
                start = len(frames)
                page.get_by_role("button", name="Save", exact=True).first.click()
                page.wait_for_timeout(400)
                page.wait_for_selector(idle)
                edits.append(sum(frames[start:]))
            ctx.close()
            b.close()
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    return {"drawn_ms": statistics.median(drawn), "fcp_ms": statistics.median(first),
            "edit_bytes": statistics.median(edits), "poll_bytes_per_s": tick}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--no-browser", action="store_true")
    args = ap.parse_args()
    print("Map page, server side (AppTest; median of", args.runs, "runs)")
    print(f"{'map':28} {'people':>6} {'unchanged ms':>13} {'empty app ms':>13} {'ratio':>6} {'script ms':>10} "
          f"{'edit+rerun ms':>14} {'store write ms':>15}")
    for name, n, unchanged, base, script, edited, write in server_side(args.runs):
        print(f"{name:28} {n:6d} {unchanged:13.1f} {base:13.1f} {unchanged / base:6.1f} {script:10.1f} "
              f"{edited:14.1f} {write:15.1f}")
    print("(unchanged/empty: AppTest wall time of one rerun; script: the app's own code within it)")
    if args.no_browser:
        return
    r = browser(max(3, args.runs // 2))
    print("\nIn Chromium, 200 people (median)")
    print(f"map drawn after navigation start: {r['drawn_ms']:.0f} ms; the page's first heading (Streamlit's own "
          f"start-up, the baseline): {r['fcp_ms']:.0f} ms; map drawn after the heading: "
          f"{r['drawn_ms'] - r['fcp_ms']:.0f} ms")
    print(f"bytes received per edit (rename from the form): {r['edit_bytes'] / 1024:.1f} KB "
          f"(live poll: {r['poll_bytes_per_s']:.0f} B/s)")


if __name__ == "__main__":
    main()
