"""What the supervision pages share: the history check, versions of the open map read once per session, and
opening a case."""

from __future__ import annotations

from collections import OrderedDict

import streamlit as st

from ditmap.model import DitMap
from ditmap.services import maps as map_services
from ditmap.services.permissions import Action, Refused
from ditmap.store.base import Edit
from ditmap.ui import common, shell, state
from ditmap.ui.edits import escape_md as md

_VERSIONS = "_supervision_versions"
_HISTORY = "_supervision_history"
KEEP = 40


def require_history() -> state.Opened | None:
    """The open map, if this identity may read its history (Replay and Changes are history); otherwise a
    plain refusal (recorded in the audit trail) and None. The client view never gets these pages."""
    opened = common.require_map()
    if state.client_view():
        st.info("This page is not part of the client view.")
        return None
    try:
        map_services.check(state.identity(), state.store(), Action.HISTORY, opened.id)
    except Refused as refused:
        st.warning(md(str(refused)), icon=":material/block:")
        return None
    return opened


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
