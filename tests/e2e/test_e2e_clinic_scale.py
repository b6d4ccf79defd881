"""In real browsers: two app processes on one PostgreSQL database, directly and behind nginx.

- Two processes, a browser on each: each sees the other's edit within 2 s (the processes learn of each
  other's edits by LISTEN/NOTIFY; an idle poll is answered from memory).
- The same through nginx (deploy/nginx-ditmap.conf, generated into a temporary folder with loopback
  ports), each browser pinned to a different process by its route cookie; then one process is stopped:
  the browser it served reconnects to the other, sees everything, edits on, and nothing is lost.
"""

from __future__ import annotations

import os
import re
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from browser_support import StreamlitServer, free_port, stop_process
from e2e_ui import wait_for, wait_idle
from tests_paths import ROOT, SAMPLE

from ditmap.fileformat import load
from ditmap.store import open_store

pytestmark = pytest.mark.e2e

WITHIN_S = 2.0  # the promise: another device's edit shows within 2 s

NGINX = "/usr/sbin/nginx"
DEPLOY_CONF = ROOT / "deploy" / "nginx-ditmap.conf"


@dataclass
class Pair:
    url: str  # the database
    servers: list[StreamlitServer]
    logs: list[Path]


@pytest.fixture(scope="module")
def pair(pg_cluster, tmp_path_factory) -> Iterator[Pair]:
    db = pg_cluster.new_database()
    folder = tmp_path_factory.mktemp("pair")
    logs = [folder / "app1.log", folder / "app2.log"]
    servers = [StreamlitServer("streamlit_app.py", {"DITMAP_DB": db}, log=log) for log in logs]
    yield Pair(db, servers, logs)
    for s in servers:
        s.stop()


def _open(ctx, url: str):
    """A page on `url`, waited for generously (this shared 2-core machine can be very busy)."""
    page = ctx.new_page()
    page.set_default_timeout(60_000)
    page.goto(url)
    page.wait_for_selector("[data-testid=stApp]")
    wait_idle(page, timeout=60_000)
    return page


def _add_person(page, store, map_id: str, alias: str) -> float:
    """Add a person from the map's toolbar; returns when it was in the database (monotonic time)."""
    page.get_by_role("button", name="Add person").first.click()
    panel = page.locator("form.nv-panel")  # the drawing's quick panel
    panel.wait_for(state="visible")
    panel.get_by_role("textbox", name="Name").fill(alias)
    page.keyboard.press("Enter")
    wait_for(lambda: any(p.alias == alias for p in store.load(map_id)[0].people), timeout=15, interval=0.02)
    saved = time.monotonic()
    wait_idle(page, timeout=60_000)
    return saved


def _sees(page, alias: str, within: float) -> None:
    drawing = page.locator(".nv").first
    wait_for(lambda: drawing.get_by_role("button", name=re.compile(rf"^{alias}\b")).count() > 0, timeout=within + 3)


def _co_edit(a, b, store, map_id: str, tag: str) -> None:
    """Each device adds a person; the other sees it within 2 s; both are in the database."""
    for (writer, reader), alias in (((a, b), f"{tag}First"), ((b, a), f"{tag}Second")):
        saved = _add_person(writer, store, map_id, alias)
        _sees(reader, alias, WITHIN_S)
        took = time.monotonic() - saved
        assert took < WITHIN_S, f"{alias} took {took:.1f} s to reach the other device"


def test_two_processes_on_one_database_see_each_others_edits_within_two_seconds(context_factory, pair):
    store = open_store(pair.url)
    info = store.create_map("live across processes", load(SAMPLE))
    a = _open(context_factory(), f"{pair.servers[0].url}/?map={info.id}")
    b = _open(context_factory(), f"{pair.servers[1].url}/?map={info.id}")
    _co_edit(a, b, store, info.id, "Proc")
    store.close()


# --- behind nginx --------------------------------------------------------------------------------------

class Nginx:
    """nginx with deploy/nginx-ditmap.conf, its ports and paths rewritten to a temporary folder on loopback."""

    def __init__(self, folder: Path, upstreams: list[int]):
        self.folder = folder
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.access_log = folder / "access.log"
        site = []
        for line in DEPLOY_CONF.read_text().splitlines():
            if line.strip().endswith("# ditmap-upstream"):
                continue
            if line.strip().startswith("upstream ditmap_app"):
                site.append(line)
                site += [f"    server 127.0.0.1:{p} max_fails=1 fail_timeout=10s;" for p in upstreams]
                continue
            if line.strip().endswith("# ditmap-listen"):
                line = f"    listen 127.0.0.1:{self.port};"
            if line.strip().endswith("# ditmap-access-log"):
                line = f"    access_log {self.access_log} ditmap;"
            site.append(line)
        (folder / "site.conf").write_text("\n".join(site) + "\n")
        # As root (CI), the workers stay root too: the temporary folder is private to root.
        user = "user root;\n" if os.geteuid() == 0 else ""
        (folder / "nginx.conf").write_text(
            f"{user}worker_processes 1;\ndaemon off;\npid {folder}/nginx.pid;\nerror_log {folder}/error.log info;\n"
            "events { worker_connections 256; }\n"
            "http {\n"
            f"  client_body_temp_path {folder}/client_body;\n  proxy_temp_path {folder}/proxy;\n"
            f"  fastcgi_temp_path {folder}/fastcgi;\n  uwsgi_temp_path {folder}/uwsgi;\n"
            f"  scgi_temp_path {folder}/scgi;\n"
            f"  include {folder}/site.conf;\n}}\n")
        check = subprocess.run([NGINX, "-t", "-c", str(folder / "nginx.conf")], capture_output=True, text=True)
        assert check.returncode == 0, check.stderr
        self.proc = subprocess.Popen([NGINX, "-c", str(folder / "nginx.conf")], stderr=subprocess.DEVNULL)
        wait_for(lambda: self._up(), timeout=15)

    def _up(self) -> bool:
        try:
            with urllib.request.urlopen(f"{self.url}/_stcore/health", timeout=2) as r:
                return r.status == 200
        except OSError:
            return False

    def upstream_for(self, route: str) -> str:
        """Which app process nginx sends a browser with this route cookie to (read from its access log)."""
        req = urllib.request.Request(f"{self.url}/_stcore/health", headers={"Cookie": f"ditmap_route={route}"})
        with urllib.request.urlopen(req, timeout=5) as r:
            assert r.status == 200
        time.sleep(0.05)
        line = [x for x in self.access_log.read_text().splitlines() if f"route={route}" in x][-1]
        return re.search(r"upstream=(\S+)", line).group(1)

    def stop(self) -> None:
        stop_process(self.proc)


def test_nginx_pins_each_browser_to_a_process_and_a_stopped_process_loses_nothing(context_factory, pair,
                                                                                 tmp_path):
    ports = [s.port for s in pair.servers]
    proxy = Nginx(tmp_path, ports)
    try:
        # A first visit is given a route cookie; the same cookie always reaches the same process.
        with urllib.request.urlopen(f"{proxy.url}/", timeout=10) as r:
            cookie = r.headers.get("Set-Cookie", "")
        assert re.match(r"ditmap_route=[0-9a-f]{32}; Path=/; HttpOnly; SameSite=Lax", cookie), cookie
        routes: dict[str, str] = {}
        for n in range(40):
            up = proxy.upstream_for(f"r{n}")
            assert proxy.upstream_for(f"r{n}") == up  # sticky
            routes.setdefault(up, f"r{n}")
            if len(routes) == 2:
                break
        assert sorted(routes) == sorted(f"127.0.0.1:{p}" for p in ports), "the routes did not spread"
        route_a, route_b = routes[f"127.0.0.1:{ports[0]}"], routes[f"127.0.0.1:{ports[1]}"]

        store = open_store(pair.url)
        info = store.create_map("through the proxy", load(SAMPLE))
        devices = []
        for route in (route_a, route_b):
            ctx = context_factory()
            ctx.add_cookies([{"name": "ditmap_route", "value": route, "url": proxy.url}])
            devices.append(_open(ctx, f"{proxy.url}/?map={info.id}"))
        a, b = devices
        _co_edit(a, b, store, info.id, "Proxy")
        before, version = store.load(info.id)

        # Stop the process serving device a: its page reconnects through nginx to the other process.
        pair.servers[0].stop()
        wait_for(lambda: a.locator(".nv").first.is_visible(), timeout=30)
        wait_idle(a, timeout=60_000)
        assert store.load(info.id) == (before, version)  # nothing lost by stopping a process
        for p in before.people:
            if p.alias.startswith("Proxy"):
                _sees(a, p.alias, 10.0)
        # Both edit on at once: device a's page may still be reconnecting (Streamlit drops what is sent
        # meanwhile; the drawing sends an edit again until the new session acknowledges it).
        _co_edit(a, b, store, info.id, "After")
        aliases = [p.alias for p in store.load(info.id)[0].people]
        assert all(aliases.count(name) == 1 for name in ("ProxyFirst", "ProxySecond", "AfterFirst", "AfterSecond"))
        log = proxy.access_log.read_text()
        assert f"upstream=127.0.0.1:{ports[1]}" in log
        final = store.load(info.id)[0]
        assert {p.alias for p in final.people} >= {"ProxyFirst", "ProxySecond", "AfterFirst", "AfterSecond"}
        store.close()
    finally:
        proxy.stop()
