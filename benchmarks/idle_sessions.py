"""How many idle sessions one app process holds before an unchanged rerun takes twice as long as with one.

Run: `python benchmarks/idle_sessions.py [--runs 7] [--steps 1,2,4,...] [--max 128] [--all] [--paired]
[--post-script-gc]`.

Issue 14's last figure. One real server (`streamlit run streamlit_app.py`, personal mode, a SQLite store
holding one sample map) on loopback. An *idle session* is a browser tab with the map open, doing nothing,
its live poll on: the sidebar's `st.fragment(run_every=1.0)`, which the *frontend* asks the server to
rerun every second. A Chromium tab per session would make the browsers, not the server, eat this 2-core
machine, so each session is a `StreamClient`: a websocket client speaking Streamlit's own protocol
(`/_stcore/stream`, BackMsg/ForwardMsg protobufs) as the frontend (App.tsx, 1.67) does:

- it opens the map as a browser does, by its address (`/?map=ID`: the query string of the first run);
- it answers every `AutoRerun` message with a timer that sends, each interval, a `rerun_script` for
  that fragment (`is_auto_rerun`, the current page's script hash and query string, the ids of the
  cached messages it holds), and drops its timers when a full run starts, as the frontend does;
- it sends no widget states (no widget was touched: the server keeps every widget's value), where a
  browser sends the values of the widgets on the page: a few hundred bytes more per poll.

The figure: from one more such session (the *probe*), an unchanged full rerun of the Map page (a
`rerun_script` with no fragment, what pressing R sends), timed from the send to its `script_finished`.
Median of `--runs` probes with 1 idle session beside it (the baseline, measured first in the same run),
then with 2, 4, 8, … . `--paired` also takes, alternately with each probe, a *quiet* probe while all
idle sessions but one hold their polls (connected, sending nothing): the same moment's baseline, so a
shared machine's drift hits both alike. The table also gives the live polls per second the server
answered (fragment runs finished, counted on the clients: the simulation is real only if this is about
one per session and second), the app process's CPU (100 % = one core) and memory, and any full rerun
that never ran (`lost`: asked again, as a user presses R again; a session whose first run never comes
stays connected and counts here). The run stops after two steps in a row past ratio 2 (`--all` goes on),
or when the probe's rerun is lost twice in a row, and names where the ratio passes 2 for good,
interpolated on a log scale between the steps around it. The load generator shares the machine with
the server; its own CPU is printed too.

Streamlit collects garbage (`gc.collect(2)`, the whole process) after every script run, fragment runs
included (`runner.postScriptGC`, on by Streamlit's default). ditmap's `.streamlit/config.toml` turns it
off, as measured here; `--post-script-gc` starts the app with it on, to show what that collection costs
each idle session's poll.
"""

from __future__ import annotations

import argparse
import asyncio
import math
import os
import random
import statistics
import sys
import tempfile
import time
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from streamlit.proto.BackMsg_pb2 import BackMsg  # noqa: E402
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg  # noqa: E402
from websockets.asyncio.client import ClientConnection, connect  # noqa: E402

FINISHED = ForwardMsg.ScriptFinishedStatus.FINISHED_SUCCESSFULLY
FRAGMENT_FINISHED = ForwardMsg.ScriptFinishedStatus.FINISHED_FRAGMENT_RUN_SUCCESSFULLY
DEFAULT_STEPS = (1, 2, 4, 8, 16, 32, 64, 128, 256, 512)


@dataclass
class StreamClient:
    """One browser tab as the Streamlit frontend drives it: connect, first run, answer each auto-rerun.

    `url` is the server's base (http://127.0.0.1:PORT); `query` the page address's query string.
    Counts what the server sent: full runs and fragment runs finished, bytes received.
    """

    url: str
    query: str = ""
    ws: ClientConnection | None = None
    page_script_hash: str = ""
    pages: dict[str, str] = field(default_factory=dict)  # url path → page script hash
    texts: list[str] = field(default_factory=list)  # markdown bodies of the last full run
    cached: set[str] = field(default_factory=set)
    full_runs: int = 0
    fragment_runs: int = 0
    polls_sent: int = 0
    received_bytes: int = 0
    lost: int = 0  # full reruns asked for that never ran
    paused: bool = False  # a held poll: the timer runs on, nothing is sent (for the paired baseline)
    _timers: dict[str, tuple[float, asyncio.Task]] = field(default_factory=dict)
    _reader: asyncio.Task | None = None
    _finished: asyncio.Queue = field(default_factory=asyncio.Queue)
    _full_started: bool = False
    _log: deque = field(default_factory=lambda: deque(maxlen=300))

    async def open(self, timeout: float = 20, tries: int = 2) -> float:
        """Connect and ask for the first run (the page at `query`); ms until that run finished."""
        host = self.url.split("://", 1)[1]
        self.ws = await connect(f"ws://{host}/_stcore/stream", origin=self.url, subprotocols=["streamlit"],
                                max_size=None, open_timeout=60)
        self._reader = asyncio.create_task(self._read())
        return await self.rerun_or_retry(timeout, tries)

    async def rerun_or_retry(self, timeout: float = 20, tries: int = 2) -> float:
        """`rerun`; if that run never comes, count it in `lost` and ask again (as a user presses R again),
        up to `tries` times. Seen on this shared machine: now and then the server answers a full rerun
        with the session's fragment runs only. ms of the run, or inf when it came only after a loss."""
        for attempt in range(tries):
            try:
                ms = await self.rerun(timeout)
                return ms if attempt == 0 else math.inf
            except TimeoutError:
                self.lost += 1
                if attempt == tries - 1:
                    raise
        raise AssertionError("unreachable")

    async def rerun(self, timeout: float = 60) -> float:
        """An unchanged full rerun of the current page (what pressing R sends); ms until it finished."""
        while not self._finished.empty():
            self._finished.get_nowait()
        self._full_started = False
        t0 = time.perf_counter()
        await self._send(fragment_id="", auto=False)
        while True:
            try:
                left = max(0.1, t0 + timeout - time.perf_counter())
                status, full = await asyncio.wait_for(self._finished.get(), left)
            except TimeoutError:
                seen = "; ".join(f"{t - t0:+.2f}s {what}" for t, what in self._log)
                reader = "reading" if self._reader is not None and not self._reader.done() else (
                    f"reader ended: {self._reader.exception()!r}" if self._reader is not None else "not connected")
                raise TimeoutError(f"no full run finished {timeout:g}s after asking for one ({reader}); "
                                   f"last: {seen}") from None
            if status == FINISHED and full:
                return (time.perf_counter() - t0) * 1000

    async def close(self) -> None:
        for _, task in self._timers.values():
            task.cancel()
        self._timers.clear()
        if self.ws is not None:
            await self.ws.close()
        if self._reader is not None:
            self._reader.cancel()

    async def _send(self, fragment_id: str, auto: bool) -> None:
        msg = BackMsg()
        rs = msg.rerun_script
        rs.query_string = self.query
        rs.page_script_hash = self.page_script_hash
        rs.fragment_id = fragment_id
        rs.is_auto_rerun = auto
        rs.cached_message_hashes.extend(sorted(self.cached))
        rs.widget_states.SetInParent()  # no widget touched: every widget keeps the value it has
        ci = rs.context_info
        ci.timezone, ci.timezone_offset, ci.locale = "Europe/London", 0, "en-GB"
        ci.url = f"{self.url}/?{self.query}" if self.query else f"{self.url}/"
        assert self.ws is not None
        self._log.append((time.perf_counter(), f"sent rerun_script fragment={fragment_id!r}"))
        await self.ws.send(msg.SerializeToString())

    async def _read(self) -> None:
        assert self.ws is not None
        async for data in self.ws:
            self.received_bytes += len(data)
            fm = ForwardMsg()
            fm.ParseFromString(data)
            if fm.metadata.cacheable and fm.hash:
                self.cached.add(fm.hash)
            kind = fm.WhichOneof("type")
            if kind != "delta":
                self._log.append((time.perf_counter(), f"{kind}{list(fm.metadata.run.fragment_ids) or ''}"
                                  f"{fm.script_finished if kind == 'script_finished' else ''}"))
            if kind == "new_session":
                if not fm.metadata.run.fragment_ids:  # a full run: the frontend drops its timers
                    self._stop_timers()
                    self._full_started = True
                    self.texts = []
                    if fm.new_session.page_script_hash:
                        self.page_script_hash = fm.new_session.page_script_hash
            elif kind == "navigation":
                self.pages = {p.url_pathname: p.page_script_hash for p in fm.navigation.app_pages}
                if fm.navigation.page_script_hash:
                    self.page_script_hash = fm.navigation.page_script_hash
            elif kind == "page_info_changed":
                self.query = fm.page_info_changed.query_string
            elif kind == "auto_rerun":
                self._arm(fm.auto_rerun.fragment_id, fm.auto_rerun.interval)
            elif kind == "stop_auto_rerun":
                for fid in fm.stop_auto_rerun.fragment_ids:
                    self._stop_timers(fid)
            elif kind == "delta" and fm.delta.WhichOneof("type") == "new_element":
                el = fm.delta.new_element
                if el.WhichOneof("type") == "markdown":
                    self.texts.append(el.markdown.body)
            elif kind == "script_finished":
                full = not fm.metadata.run.fragment_ids
                if fm.script_finished == FINISHED and full:
                    self.full_runs += 1
                elif fm.script_finished == FRAGMENT_FINISHED:
                    self.fragment_runs += 1
                self._finished.put_nowait((fm.script_finished, full and self._full_started))

    def _arm(self, fragment_id: str, interval: float) -> None:
        """As App.handleAutoRerun: the same interval again leaves the countdown alone."""
        if not fragment_id or interval <= 0:
            return  # a page-level run_every: not used by ditmap
        known = self._timers.get(fragment_id)
        if known is not None and known[0] == interval:
            return
        self._stop_timers(fragment_id)
        self._timers[fragment_id] = (interval, asyncio.create_task(self._tick(fragment_id, interval)))

    def _stop_timers(self, fragment_id: str | None = None) -> None:
        for fid in [fragment_id] if fragment_id is not None else list(self._timers):
            entry = self._timers.pop(fid, None)
            if entry is not None:
                entry[1].cancel()

    async def _tick(self, fragment_id: str, interval: float) -> None:
        """setInterval: a send every `interval` seconds, whatever the server is doing."""
        loop = asyncio.get_running_loop()
        start = loop.time()
        k = 0
        while True:
            k += 1
            await asyncio.sleep(max(0.0, start + k * interval - loop.time()))
            if self.paused:
                continue
            self.polls_sent += 1
            await self._send(fragment_id=fragment_id, auto=True)


def _cpu_seconds(pid: int) -> float:
    """User + system CPU time of process `pid` (all its threads), from /proc."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return math.nan


@dataclass
class Step:
    sessions: int
    probe_ms: float
    quiet_ms: float  # the same probe, alternately, with every idle session but one holding its polls
    spread: tuple[float, float]  # the probe's lowest and highest time at this step
    polls_per_s: float
    polls_sent_per_s: float
    server_cpu: float
    client_cpu: float
    rss_mb: float
    open_ms: float
    lost: int  # full reruns (sessions opened, probes) that never ran, at this step


async def _open_many(clients: list[StreamClient], parallel: int) -> list[float]:
    """Open `clients`, `parallel` at a time: ms to each first run, inf for a session whose first run never
    came (asked twice, 20 s each; it stays connected, and counts in `lost`)."""
    sem = asyncio.Semaphore(parallel)

    async def one(c: StreamClient) -> float:
        async with sem:
            try:
                return await c.open(timeout=20, tries=2)
            except TimeoutError:
                return math.inf

    return list(await asyncio.gather(*(one(c) for c in clients)))


class _Window:
    """Counters over the stretches of a step when every idle session polls (summed, then per second)."""

    def __init__(self, pid: int, clients: list[StreamClient]) -> None:
        self.pid, self.clients = pid, clients
        self.seconds = self.answered = self.sent = self.cpu = self.mine = 0.0

    def _now(self) -> tuple[float, int, int, float, float]:
        return (time.perf_counter(), sum(c.fragment_runs for c in self.clients),
                sum(c.polls_sent for c in self.clients), _cpu_seconds(self.pid), time.process_time())

    async def around(self, work):  # type: ignore[no-untyped-def]
        t0, a0, s0, c0, m0 = self._now()
        result = await work
        t1, a1, s1, c1, m1 = self._now()
        self.seconds += t1 - t0
        self.answered, self.sent = self.answered + a1 - a0, self.sent + s1 - s0
        self.cpu, self.mine = self.cpu + c1 - c0, self.mine + m1 - m0
        return result


async def _polling_probe(probe: StreamClient) -> float:
    await asyncio.sleep(random.uniform(0.8, 1.2))  # every idle session has polled again since the pause
    return await probe.rerun_or_retry()


async def measure(url: str, query: str, pid: int, steps: list[int], runs: int, stop_at: float | None,
                  paired: bool = False) -> list[Step]:
    """Probe medians at each count of idle sessions, adding sessions between steps.

    With `paired`, each probe with every session polling alternates with one while all idle sessions
    but the first hold their polls (connected, silent): the same moment's baseline, so a shared
    machine's drift hits both alike.
    """
    probe = StreamClient(url, query)
    await probe.open()
    idle: list[StreamClient] = []
    out: list[Step] = []
    try:
        for n in steps:
            lost0 = probe.lost + sum(c.lost for c in idle)
            new = [StreamClient(url, query) for _ in range(n - len(idle))]
            idle += new
            opened = await _open_many(new, parallel=4)
            await asyncio.sleep(2.0)  # the new sessions' first polls
            window = _Window(pid, idle)
            loaded, quiet = [], []
            for _ in range(runs):
                loaded.append(await window.around(_polling_probe(probe)))
                if paired:
                    for c in idle[1:]:
                        c.paused = True
                    await asyncio.sleep(1.2)  # polls in flight are answered
                    quiet.append(await probe.rerun_or_retry())
                    for c in idle[1:]:
                        c.paused = False
            step = Step(
                sessions=n, probe_ms=statistics.median(loaded),
                quiet_ms=statistics.median(quiet) if quiet else math.nan, spread=(min(loaded), max(loaded)),
                polls_per_s=window.answered / window.seconds, polls_sent_per_s=window.sent / window.seconds,
                server_cpu=100 * window.cpu / window.seconds, client_cpu=100 * window.mine / window.seconds,
                rss_mb=_rss_mb(pid), open_ms=statistics.median(opened) if opened else math.nan,
                lost=probe.lost + sum(c.lost for c in idle) - lost0)
            out.append(step)
            _print_row(step, out[0].probe_ms)
            if stop_at is not None and all(r.probe_ms / out[0].probe_ms > stop_at for r in out[-2:]):
                break  # two steps in a row past the limit: not one noisy step
    except TimeoutError as slow:
        print(f"stopped at {n} idle sessions: {str(slow).split(';', 1)[0]}")
    finally:
        await asyncio.gather(probe.close(), *(c.close() for c in idle), return_exceptions=True)
    return out


def crossing(sessions: list[int], ratios: list[float], limit: float = 2.0) -> str:
    """Where `ratios` (one per session count, rising counts) passes `limit` for good, in words: between
    the last step within it and the next, interpolated on a log scale. An earlier step past it that a
    later one undoes (noise on a shared machine) is named too."""
    if not sessions:
        return "no steps"
    within = [i for i, r in enumerate(ratios) if r <= limit]
    if not within:
        return f"passes {limit:g} at the first step ({sessions[0]} idle sessions)"
    i = within[-1]
    if i == len(ratios) - 1:
        return f"stays within {limit:g} up to {sessions[-1]} idle sessions (the last step run)"
    a, b, ra, rb = sessions[i], sessions[i + 1], ratios[i], ratios[i + 1]
    x = math.log2(a) + (limit - ra) / (rb - ra) * (math.log2(b) - math.log2(a))
    said = f"passes {limit:g} between {a} and {b} idle sessions (about {2 ** x:.1f}, interpolated on a log scale)"
    early = [n for n, r in zip(sessions[:i], ratios[:i], strict=True) if r > limit]
    if early:
        said += f"; {', '.join(map(str, early))} passed it once, and a later step came back within it"
    return said


HEADER = (f"{'idle':>5} {'probe ms':>9} {'(min-max)':>13} {'ratio':>6} {'quiet ms':>9} {'ratio':>6} "
          f"{'polls/s':>8} {'(sent)':>7} {'server CPU %':>13} {'RSS MB':>7} {'load gen CPU %':>15} {'open ms':>8}")


def _print_row(s: Step, base: float) -> None:
    lo, hi = (f"{x:.0f}" if math.isfinite(x) else "lost" for x in s.spread)
    print(f"{s.sessions:5d} {s.probe_ms:9.1f} {f'{lo}-{hi}':>13} {s.probe_ms / base:6.2f} "
          f"{s.quiet_ms:9.1f} {s.probe_ms / s.quiet_ms:6.2f} {s.polls_per_s:8.1f} {s.polls_sent_per_s:7.1f} "
          f"{s.server_cpu:13.0f} {s.rss_mb:7.0f} {s.client_cpu:15.0f} {s.open_ms:8.0f} {s.lost:5d}", flush=True)


def _start_app(tmp: Path, post_script_gc: bool = False):  # type: ignore[no-untyped-def]
    from ditmap.fileformat import load
    from ditmap.samples import sample_paths
    from ditmap.store import open_store
    from tests.browser_support import StreamlitServer

    db = tmp / "idle.sqlite3"
    sample = sample_paths()[0]
    info = open_store(db).create_map(sample.name.removesuffix(".ditmap.json"), load(sample))
    env = {"DITMAP_DB": str(db)}
    if post_script_gc:  # Streamlit's default: a full collection after every run, fragment runs included
        env["STREAMLIT_RUNNER_POST_SCRIPT_GC"] = "true"
    server = StreamlitServer(ROOT / "streamlit_app.py", env, log=tmp / "server.log")
    return server, info


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    ap.add_argument("--runs", type=int, default=7, help="probes per step (median)")
    ap.add_argument("--steps", default=",".join(map(str, DEFAULT_STEPS)), help="idle session counts, rising")
    ap.add_argument("--max", type=int, default=128, help="no step above this many idle sessions")
    ap.add_argument("--all", action="store_true",
                    help="run every step (by default the run stops after two steps in a row past ratio 2)")
    ap.add_argument("--paired", action="store_true",
                    help="alternate each probe with a quiet one (all idle sessions but one holding their polls)")
    ap.add_argument("--post-script-gc", action="store_true",
                    help="start the app with runner.postScriptGC on (Streamlit's default; ditmap turns it off)")
    args = ap.parse_args()
    steps = sorted({int(s) for s in args.steps.split(",") if s.strip() and 0 < int(s) <= args.max})
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())} ({os.cpu_count()} cores)")
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        server, info = _start_app(Path(tmp), post_script_gc=args.post_script_gc)
        try:
            gc_note = "on (Streamlit's default)" if args.post_script_gc else "off (as ditmap ships)"
            print(f"runner.postScriptGC {gc_note}")
            print(f"Map page of the sample map '{info.name}' (personal mode, SQLite): an unchanged full rerun from"
                  f" a probe session, median of {args.runs} probes per step, beside idle sessions polling each second")
            print(HEADER)
            rows = asyncio.run(measure(server.url, f"map={info.id}", server.proc.pid, steps, args.runs,
                                       None if args.all else 2.0, paired=args.paired))
        finally:
            server.stop()
    if not rows:
        return
    print(f"ratio (first): to the probe's median with {rows[0].sessions} idle session(s), the first step of this run;"
          " quiet ms: the same probe, taken alternately, with all idle sessions but one holding their polls;"
          " ratio (second): probe ms / quiet ms. polls/s: live-poll fragment runs the server finished for the"
          " idle sessions, per second (sent: polls the sessions sent); CPU % and RSS: the app process"
          " (100 % = one core); load gen: this script's own CPU")
    sessions = [r.sessions for r in rows]
    print("unchanged rerun twice as long as with one idle session:",
          crossing(sessions, [r.probe_ms / rows[0].probe_ms for r in rows]))
    if not any(math.isnan(r.quiet_ms) for r in rows):
        print("twice as long as the same moment's quiet probe:",
              crossing(sessions, [r.probe_ms / r.quiet_ms for r in rows]))
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}; "
          f"{time.perf_counter() - started:.0f} s in all")


if __name__ == "__main__":
    main()
