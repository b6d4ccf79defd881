"""The protocol client of benchmarks/idle_sessions.py drives the real app as a browser tab would.

Its figure is only worth something if a simulated session is a real one: it opens the Map page of the
map in its address, the server runs its live poll about once a second because the client asked, a
held poll stops those runs, and a probe's full rerun is timed to the run's end.
"""

from __future__ import annotations

import asyncio
import math
import sys
from pathlib import Path

import pytest
from async_support import run_async
from browser_support import StreamlitServer

from ditmap.fileformat import load
from ditmap.samples import sample_paths
from ditmap.store import open_store

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

from idle_sessions import StreamClient, crossing  # noqa: E402


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    db = tmp_path_factory.mktemp("idle") / "ditmap.sqlite3"
    sample = sample_paths()[0]
    info = open_store(db).create_map("Idle sample", load(sample))
    server = StreamlitServer("streamlit_app.py", {"DITMAP_DB": str(db)}, log=db.parent / "server.log")
    yield server.url, info.id
    server.stop()


def test_a_simulated_session_opens_the_map_and_its_live_poll_runs_each_second(app) -> None:
    url, map_id = app

    async def scenario() -> dict:
        c = StreamClient(url, f"map={map_id}")
        first = await c.open()
        opened = {"first": first, "page": c.page_script_hash, "pages": dict(c.pages), "texts": list(c.texts),
                  "query": c.query}
        # Let the first ticks arrive, then count the fragment runs in a 4 s window.
        await asyncio.sleep(1.5)
        runs0, sent0 = c.fragment_runs, c.polls_sent
        await asyncio.sleep(4.0)
        opened["polled"], opened["sent"] = c.fragment_runs - runs0, c.polls_sent - sent0
        # A held poll: the server runs no fragment for this session any more.
        c.paused = True
        await asyncio.sleep(1.5)  # what was in flight is answered
        held0 = c.fragment_runs
        await asyncio.sleep(2.5)
        opened["held"] = c.fragment_runs - held0
        c.paused = False
        full0 = c.full_runs
        opened["rerun"] = await c.rerun()
        opened["full_runs"] = c.full_runs - full0
        await c.close()
        return opened

    r = run_async(scenario())
    assert math.isfinite(r["first"]) and r["first"] > 0
    # The default page of a session with a map open is the Map page; its sidebar names the map.
    assert r["pages"].get("") == r["page"], "the first run is not the Map page"
    assert any("Idle sample" in t for t in r["texts"]), r["texts"]
    assert r["query"] == f"map={map_id}"
    # About one poll a second, each answered by a fragment run (a loaded machine may coalesce one or two).
    assert 3 <= r["sent"] <= 5, r
    assert 2 <= r["polled"] <= r["sent"] + 1, r
    assert r["held"] == 0, r
    assert r["full_runs"] == 1 and r["rerun"] > 0


def test_the_crossing_is_interpolated_on_a_log_scale_between_the_steps_around_it() -> None:
    assert crossing([1, 2, 4, 8], [1.0, 1.2, 1.5, 2.5]).startswith("passes 2 between 4 and 8 idle sessions (about 5.7,")
    assert crossing([1, 2], [1.0, 1.5]) == "stays within 2 up to 2 idle sessions (the last step run)"
    assert crossing([4, 8], [2.5, 3.0]).startswith("passes 2 at the first step")
    # A noisy step past 2 that a later step undoes is named, and the crossing is where it passes for good.
    noisy = crossing([1, 2, 4, 8, 16, 32], [1.0, 0.97, 1.49, 2.14, 1.62, 3.17])
    assert noisy.startswith("passes 2 between 16 and 32 idle sessions (about 19.0,"), noisy
    assert "8 passed it once" in noisy
