"""The latest version of each open map, kept in memory by a LISTEN connection, so a live poll costs no query.

Every write announces `pg_notify('ditmap_versions', '<map id> <version>')` in its transaction (PostgreSQL
delivers it at commit, to every listening connection, in commit order). One daemon thread per store
listens and keeps `{map id: version}` for the maps this process has asked about. The payload is the map
id and version only: every database user can LISTEN, so nothing clinical is ever sent.

A version is served from memory only while the listener is connected *and* every cached version was read
after it started listening (a cache entry made before a notification could be missed would be trusted
forever). When the connection drops the cache is not trusted (callers query the database) until the
thread has reconnected, listened again and re-read the versions of every map it knew — a listener that
reconnects has missed what was sent meanwhile. A `generation` counter makes a version read from the
database before a reconnect (or a whole-store restore, payload `*`) unable to enter the new cache.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

import psycopg

log = logging.getLogger("ditmap.store.postgres")

CHANNEL = "ditmap_versions"
HEARTBEAT_S = 5.0  # how often an idle listener checks its connection (one tiny query per process)
WAKE_S = 1.0  # how often the thread looks up from waiting (to stop soon after close())
RETRY_S = (0.1, 0.25, 0.5, 1.0, 2.0)  # waits between reconnection attempts (then 2 s each)


RESET = "*"  # every map's version may have changed (a whole-store restore): forget them all


class VersionFeed:
    """`{map id: version}` fed by LISTEN in a daemon thread; see the module docstring for when it is trusted."""

    def __init__(self, conninfo: str, read_versions: Callable[[psycopg.Connection, list[str]], dict[str, int]]):
        self._conninfo = conninfo
        self._read_versions = read_versions
        self._versions: dict[str, int] = {}
        self._lock = threading.Lock()
        self._live = False
        self._generation = 0
        self._stop = threading.Event()
        self._ready = threading.Event()
        self.connects = 0  # how many times the listener connected (1 + reconnections): for tests and benchmarks
        self.heartbeats = 0  # queries the listener itself made to check its connection
        self._thread = threading.Thread(target=self._run, name="ditmap-version-feed", daemon=True)
        self._thread.start()

    # --- for the store -------------------------------------------------------------------------------

    def lookup(self, map_id: str) -> tuple[int, int | None]:
        """(generation, the cached version or None when it must be read from the database)."""
        with self._lock:
            return self._generation, (self._versions.get(map_id) if self._live else None)

    def remember(self, map_id: str, version: int, generation: int) -> None:
        """Cache a version read from the database (or just written) — only if nothing was missed since."""
        with self._lock:
            if self._live and generation == self._generation:
                self._versions[map_id] = max(version, self._versions.get(map_id, -1))

    def wait_live(self, timeout: float) -> bool:
        """Block until the listener is connected (for tests and startup); True if it is."""
        self._ready.wait(timeout)
        with self._lock:
            return self._live

    @property
    def live(self) -> bool:
        with self._lock:
            return self._live

    def close(self) -> None:
        self._stop.set()

    # --- the listener thread --------------------------------------------------------------------------

    def _handle(self, text: str) -> None:
        with self._lock:
            if text == RESET:
                self._versions.clear()
                self._generation += 1
                return
            map_id, _, version = text.rpartition(" ")
            if map_id in self._versions and version.isdigit():
                self._versions[map_id] = max(int(version), self._versions[map_id])

    def _run(self) -> None:
        attempt = 0
        while not self._stop.is_set():
            try:
                with psycopg.connect(self._conninfo, autocommit=True, connect_timeout=5,
                                     application_name="ditmap-feed") as conn:
                    conn.execute(f"LISTEN {CHANNEL}")
                    with self._lock:
                        known = list(self._versions)
                    fresh = self._read_versions(conn, known) if known else {}
                    with self._lock:
                        self._versions = fresh
                        self._generation += 1
                        self._live = True
                    self.connects += 1
                    attempt = 0
                    self._ready.set()
                    log.info("version feed listening (connection %d)", self.connects)
                    checked = time.monotonic()
                    while not self._stop.is_set():
                        for note in conn.notifies(timeout=WAKE_S):
                            self._handle(note.payload)
                        if time.monotonic() - checked >= HEARTBEAT_S and not self._stop.is_set():
                            conn.execute("SELECT 1")  # a dead connection shows here if no notification came
                            self.heartbeats += 1
                            checked = time.monotonic()
            except (psycopg.Error, OSError) as err:
                log.warning("version feed lost its connection (%s); reconnecting", type(err).__name__)
            finally:
                with self._lock:
                    self._live = False
                    self._generation += 1
            self._ready.set()  # a first connection that fails must not leave wait_live() blocked
            self._stop.wait(RETRY_S[min(attempt, len(RETRY_S) - 1)])
            attempt += 1
