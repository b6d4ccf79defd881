"""Supervision's costs, each beside a baseline measured alternately in the same run.

Run: `python benchmarks/supervision.py [--runs 5] [--no-browser] [--replay-only]`.

- Caseload, server side (AppTest, in-process): the Caseload page's rerun with 200 maps of 16 sessions each
  in the store, beside an empty Streamlit app's rerun. `rerun` is the script run on the server, start to
  finish (ScriptRunner's start to stop event, as `benchmarks/app.py` times the Map page); `AppTest wall`
  includes AppTest's own harness for both. Target (issue 15): ≤ 150 ms.
- Replay step, server side (AppTest, in-process): the Replay page's rerun after a click on "◀ Previous" at
  200 people (one step back per run from session 16, each stop a first visit in this session), beside the
  empty app's rerun after its own button click. Measured after the page has been open for two seconds, as
  a person looks before stepping (the page prepares the other stops' drawings meanwhile).
- Replay step, in headless Chromium (the real server on loopback): a case of 200 people built edit by
  edit over 16 sessions; ms from clicking "◀ Previous" to the drawing's next frame showing the earlier
  session (vis-network's afterDrawing with the new data), beside an empty app's button click to its text redrawn.
  Target: ≤ 300 ms.
"""

from __future__ import annotations

import argparse
import functools
import os
import statistics
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from app import APP, _RunTimer, _Server  # noqa: E402
from common import paired_median_ms, paired_medians, synthetic_map  # noqa: E402
from streamlit.testing.v1 import AppTest  # noqa: E402

from ditmap.store import open_store  # noqa: E402
from ditmap.store import sqlite as store_sqlite  # noqa: E402

EMPTY = "import streamlit as st\n"
EMPTY_BUTTON = ("import streamlit as st\nn = st.session_state.setdefault('n', 0)\n"
                "if st.button('◀ Previous'):\n    st.session_state['n'] = n = n + 1\nst.text(f'step {n}')\n")
MAPS = 200
PEOPLE_PER_MAP = 14


def caseload(runs: int) -> tuple[float, float, float, float]:
    """(rerun ms, empty rerun ms, AppTest wall ms, empty wall ms) for the Caseload page with 200 maps."""
    db = Path(tempfile.mkdtemp()) / "bench.sqlite3"
    os.environ["DITMAP_DB"] = str(db)
    store_sqlite.SYNCHRONOUS = "OFF"  # building test data only; the app below reads
    store = open_store(db)
    for i in range(MAPS):
        m = synthetic_map(PEOPLE_PER_MAP, seed=i)
        store.create_map(f"Case {i:03d}", m.model_copy(update={"client": m.client.model_copy(
            update={"therapist": f"Dr {'ABCDEFGH'[i % 8]}", "pseudonym": f"C-{i:03d}"})}))
    store_sqlite.SYNCHRONOUS = "FULL"
    timer = _RunTimer()
    empty = AppTest.from_string(EMPTY, default_timeout=60)
    empty.run()
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()  # personal mode: the local therapist, whose caseload is every map (through the permission check)
    at.switch_page("ditmap/ui/pages/caseload.py").run()
    assert not at.exception and len(at.dataframe[0].value) == MAPS, "the caseload did not list every map"
    at.run()  # warm
    run, base = paired_medians(functools.partial(timer.run, at), functools.partial(timer.run, empty), runs)
    wall, wall_base = paired_median_ms(at.run, empty.run, runs)
    return run, base, wall, wall_base


_CLICK_DRAWN = """(el) => {
  const v = el.ditmapView;
  const before = v.data;
  window.__stepDrawn = undefined;
  const seen = () => {
    if (v.data !== before) { window.__stepDrawn = performance.now(); v.network.off('afterDrawing', seen); }
  };
  v.network.on('afterDrawing', seen);
  const t = performance.now();
  [...document.querySelectorAll('button')].find(b => b.textContent.includes('Previous')).click();
  return t;
}"""
_CLICK_IDLE = """() => {
  window.__idleAt = undefined;
  const before = document.body.innerText.match(/step \\d+/)[0];
  new MutationObserver((_, obs) => {
    const now = document.body.innerText.match(/step \\d+/);
    if (now && now[0] !== before) { window.__idleAt = performance.now(); obs.disconnect(); }
  }).observe(document.body, {childList: true, subtree: true, characterData: true});
  const t = performance.now();
  [...document.querySelectorAll('button')].find(b => b.textContent.includes('Previous')).click();
  return t;
}"""
_IDLE = "[data-testid=stApp][data-test-script-state=notRunning]"


def replay_case() -> tuple[Path, str, int]:
    """(store file, map id, people): a case of 200 people built edit by edit over 16 sessions."""
    from apps.supervision_cases import build_case

    tmp = Path(tempfile.mkdtemp())
    db = tmp / "bench.sqlite3"
    store_sqlite.SYNCHRONOUS = "OFF"
    store = open_store(db)
    map_id = build_case(store, "Replay 200", people=200, sessions=16)
    store_sqlite.SYNCHRONOUS = "FULL"
    return db, map_id, len(store.load(map_id)[0].people)


def replay_server(runs: int, case: tuple[Path, str, int]) -> tuple[float, float]:
    """(rerun ms after "◀ Previous", the empty app's rerun ms after its button) at 200 people."""
    import time

    db, map_id, _people = case
    os.environ["DITMAP_DB"] = str(db)
    timer = _RunTimer()
    empty = AppTest.from_string(EMPTY_BUTTON, default_timeout=60)
    empty.run()
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["map"] = map_id
    at.run()
    at.switch_page("ditmap/ui/pages/replay.py").run()
    assert not at.exception and at.session_state["replay_at"] == 15, "the replay did not open at session 16"
    time.sleep(2.0)  # a person looks at the page before stepping

    def step() -> float:
        at.button(key="replay_prev").click()
        return timer.run(at)

    def click_empty() -> float:
        empty.button[0].click()
        return timer.run(empty)

    mine, base = paired_medians(step, click_empty, min(runs, 15))
    assert not at.exception
    return mine, base


def replay_step(runs: int, case: tuple[Path, str, int]) -> tuple[float, float, int]:
    """(ms click → drawn, empty app's ms click → idle, people) for one replay step at 200 people."""
    from playwright.sync_api import sync_playwright

    db, map_id, people = case
    tmp = db.parent
    (tmp / "empty_button.py").write_text(EMPTY_BUTTON, encoding="utf-8")
    app, empty = _Server(APP, {"DITMAP_DB": str(db)}), _Server(str(tmp / "empty_button.py"), {})
    mine, base = [], []
    try:
        with sync_playwright() as p:
            b = p.chromium.launch(executable_path="/usr/bin/chromium", args=[
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update"])
            # One context (window) each: a page in a background tab of the same window gets no animation frames.
            ctx_m = b.new_context(viewport={"width": 1280, "height": 900})
            ctx_e = b.new_context(viewport={"width": 1280, "height": 900})
            pm, pe = ctx_m.new_page(), ctx_e.new_page()
            pm.goto(f"{app.url}/replay?map={map_id}")
            pm.wait_for_function("() => window.__ditmapMapReadyAt !== undefined", timeout=60_000)
            pm.wait_for_selector(_IDLE)
            pe.goto(empty.url)
            pe.wait_for_selector(_IDLE)
            for _ in range(min(runs, 14)):  # one step back per run, from session 16
                pm.bring_to_front()  # a window in the background gets no animation frames
                t0 = pm.locator(".nv").first.evaluate(_CLICK_DRAWN)  # the drawing may sit in a shadow root
                pm.wait_for_function("() => window.__stepDrawn !== undefined", timeout=30_000)
                mine.append(pm.evaluate("window.__stepDrawn") - t0)
                pm.wait_for_selector(_IDLE)
                pm.wait_for_timeout(200)
                pe.bring_to_front()
                t1 = pe.evaluate(_CLICK_IDLE)
                pe.wait_for_function("() => window.__idleAt !== undefined", timeout=30_000)
                base.append(pe.evaluate("window.__idleAt") - t1)
                pe.wait_for_timeout(200)
            ctx_m.close()
            ctx_e.close()
            b.close()
    finally:
        app.stop()
        empty.stop()
    return statistics.median(mine), statistics.median(base), people


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--no-browser", action="store_true")
    ap.add_argument("--replay-only", action="store_true", help="skip the caseload (building 200 maps takes a while)")
    args = ap.parse_args()
    if not args.replay_only:
        run, base, wall, wall_base = caseload(args.runs)
        print(f"Caseload page, server side, {MAPS} maps of 16 sessions (AppTest; median of {args.runs} runs,"
              " alternating with an empty app)")
        print(f"{'':10} {'rerun ms':>9} {'empty ms':>9} {'ratio':>6} {'AppTest wall':>13} {'(empty)':>8}"
              f" {'ratio':>6} {'target':>8}")
        print(f"{'caseload':10} {run:9.1f} {base:9.2f} {run / base:6.1f} {wall:13.1f} {wall_base:8.1f}"
              f" {wall / wall_base:6.1f} {'≤ 150':>8}")
    case = replay_case()
    step_run, empty_run = replay_server(args.runs, case)
    print(f"\nReplay step, server side, {case[2]} people (AppTest; median of {min(args.runs, 15)} steps, alternating"
          " with an empty app's button click)")
    print(f"{'':30} {'rerun ms':>10} {'empty ms':>9} {'ratio':>6}")
    print(f"{'◀ Previous → rerun done':30} {step_run:10.1f} {empty_run:9.2f} {step_run / empty_run:6.1f}")
    if args.no_browser:
        return
    step, empty_step, people = replay_step(args.runs, case)
    print(f"\nReplay step in Chromium, {people} people (median of {min(args.runs, 14)} steps, alternating with an"
          " empty app's button click)")
    print(f"{'':30} {'replay ms':>10} {'empty app ms':>13} {'ratio':>6} {'target':>8}")
    print(f"{'click → drawn':30} {step:10.0f} {empty_step:13.0f} {step / empty_step:6.2f} {'≤ 300':>8}")


if __name__ == "__main__":
    main()
