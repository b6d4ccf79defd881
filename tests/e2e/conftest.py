"""The real app in headless Debian Chromium: one server per test module, one browser per run.

Every request any page makes is routed through `Offline`: loopback requests go through, anything
else is aborted and recorded, and the `no_external_requests` check fails the test that caused it.
"""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from browser_support import Offline, StreamlitServer
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
