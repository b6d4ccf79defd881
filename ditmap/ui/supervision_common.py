"""What the supervision pages share: versions of the open map read once per session, and opening a case."""

from __future__ import annotations

from collections import OrderedDict

import streamlit as st

from ditmap.model import DitMap
from ditmap.store.base import Edit
from ditmap.ui import shell, state

_VERSIONS = "_supervision_versions"
_HISTORY = "_supervision_history"
KEEP = 40


def map_at(map_id: str, version: int) -> DitMap:
    """The map at a version, kept per browser session (a version never changes; nothing is shared)."""
    memo: OrderedDict[tuple[str, int], DitMap] = st.session_state.setdefault(_VERSIONS, OrderedDict())
    key = (map_id, version)
    if key in memo:
        memo.move_to_end(key)
        return memo[key]
    m = state.store().map_at(map_id, version)
    memo[key] = m
    while len(memo) > KEEP:
        memo.popitem(last=False)
    return m


def history(map_id: str, version: int) -> list[Edit]:
    """Every edit of the map up to `version` (its current one), read once per version per session."""
    known = st.session_state.get(_HISTORY)
    if known is not None and known[0] == (map_id, version):
        return known[1]
    edits = state.store().history(map_id)
    st.session_state[_HISTORY] = ((map_id, version), edits)
    return edits


def open_case(map_id: str, page: str) -> None:
    """Open a map and go to one of its pages (a button's callback)."""
    state.open_map(map_id)
    shell.goto(page)
