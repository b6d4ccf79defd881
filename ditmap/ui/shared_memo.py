"""A small process-wide memo for what the pages build from a map's content, shared by browser sessions.

Keys must name content (a map's id and what its version holds, e.g. `Opened.key`), never a version number
alone, which can recur with other content after a restore. Pages look things up only after their own
permission check for that map, so a hit gives a session only what it was just allowed to see, exactly as it
would have built it; nothing access-controlled is ever keyed without the map it belongs to.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

T = TypeVar("T")


class SharedMemo(Generic[T]):
    """The latest `size` values by key, least recently used dropped first; safe across Streamlit's threads."""

    def __init__(self, size: int):
        self.size = size
        self._items: OrderedDict[Hashable, T] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable) -> T | None:
        with self._lock:
            hit = self._items.get(key)
            if hit is not None:
                self._items.move_to_end(key)
            return hit

    def put(self, key: Hashable, value: T) -> T:
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self.size:
                self._items.popitem(last=False)
        return value

    def get_or_make(self, key: Hashable, make: Callable[[], T]) -> T:
        """The value kept under `key`, or `make()`'s (made outside the lock: two sessions may both make it)."""
        hit = self.get(key)
        return hit if hit is not None else self.put(key, make())

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
