"""Fixtures for every test module.

Playwright's sync API allows one running instance per process, so the browser is one session
fixture here rather than one per module.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from browser_support import CHROMIUM, CHROMIUM_ARGS


@pytest.fixture(scope="session")
def browser() -> Iterator:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield b
        b.close()


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator:
    """A throwaway PostgreSQL server for this test session (tests/pg_support.py); fails if PostgreSQL is absent."""
    from pg_support import INSTALL_HINT, Cluster, pg_bin

    bin_dir = pg_bin()
    if bin_dir is None:
        pytest.fail(INSTALL_HINT)
    cluster = Cluster(bin_dir).start()
    yield cluster
    cluster.stop()


@pytest.fixture(params=["sqlite", "postgres"])
def store_db(request, tmp_path) -> str:
    """What `open_store()` is given for one test: a new SQLite file, or a new, empty PostgreSQL database."""
    if request.param == "sqlite":
        return str(tmp_path / "store.sqlite3")
    return request.getfixturevalue("pg_cluster").new_database()
