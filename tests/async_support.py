"""Run a coroutine from a test, whatever else runs in the test process."""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

T = TypeVar("T")


def run_async(coro: Coroutine[Any, Any, T]) -> T:
    """`asyncio.run(coro)` on a thread of its own: the session-wide Playwright fixture (tests/conftest.py)
    keeps an event loop running in the main thread once a browser test has run, and `asyncio.run` refuses
    to start a second loop in a thread that has one."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coro).result()
