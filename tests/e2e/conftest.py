"""The real app in headless Debian Chromium: one server per test module, one browser per run.

Every request any page makes is routed through `Offline`: loopback requests go through, anything
else is aborted and recorded, and the `no_external_requests` check fails the test that caused it.
"""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

import pytest
from browser_support import LOOPBACK, StreamlitServer
from playwright.sync_api import Browser, BrowserContext, Page

from ditmap.store import open_store

ROOT = Path(__file__).resolve().parents[2]


@dataclass
class Server:
    url: str
    db: Path
    process: subprocess.Popen

    def store(self):
        return open_store(self.db)


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[Server]:
    db = tmp_path_factory.mktemp("e2e") / "ditmap.sqlite3"
    app = StreamlitServer("streamlit_app.py", {"DITMAP_DB": str(db)}, log=db.parent / "server.log")
    yield Server(app.url, db, app.proc)
    app.stop()


@dataclass
class Offline:
    """Records every request; aborts and remembers any that would leave loopback."""

    requests: list[str] = field(default_factory=list)
    external: list[str] = field(default_factory=list)

    def route(self, route) -> None:
        url = route.request.url
        self.requests.append(url)
        host = urlparse(url).hostname or ""
        if url.startswith(("data:", "blob:", "about:")) or host in LOOPBACK:
            route.continue_()
        else:
            self.external.append(url)
            route.abort()

    def websocket(self, ws) -> None:
        self.requests.append(ws.url)
        if (urlparse(ws.url).hostname or "") not in LOOPBACK:
            self.external.append(ws.url)


@pytest.fixture
def offline() -> Iterator[Offline]:
    rec = Offline()
    yield rec
    assert rec.external == [], f"requests beyond loopback: {rec.external}"


@pytest.fixture
def context_factory(browser: Browser, offline: Offline) -> Iterator:
    """New browser contexts (separate devices), each routed through `offline`; closed after the test."""
    made: list[BrowserContext] = []

    def make(**kwargs) -> BrowserContext:
        ctx = browser.new_context(viewport=kwargs.pop("viewport", {"width": 1280, "height": 900}), **kwargs)
        ctx.route("**/*", offline.route)
        ctx.on("page", lambda p: p.on("websocket", offline.websocket))
        made.append(ctx)
        return ctx

    yield make
    for ctx in made:
        ctx.close()


@pytest.fixture
def page(context_factory) -> Page:
    ctx = context_factory()
    p = ctx.new_page()
    p.set_default_timeout(15_000)
    return p
