"""What the supervision pages share: the history check, versions of the open map read once per session, and
opening a case."""

from __future__ import annotations

from collections import OrderedDict

import streamlit as st

from ditmap.model import DitMap
from ditmap.services import maps as map_services
from ditmap.services.permissions import Action, Refused
from ditmap.ui import common, shell, state
from ditmap.ui.edits import escape_md as md

_VERSIONS = "_supervision_versions"
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


def map_at(opened: state.Opened, version: int) -> DitMap:
    """The open map at a version, kept per browser session under the open map's content key as well (the
    same version number can hold other content after a restore); nothing is shared between sessions."""
    memo: OrderedDict[tuple, DitMap] = st.session_state.setdefault(_VERSIONS, OrderedDict())
    key = (opened.id, opened.key, version)
    if key in memo:
        memo.move_to_end(key)
        return memo[key]
    m = opened.map if version == opened.version else state.store().map_at(opened.id, version)
    memo[key] = m
    while len(memo) > KEEP:
        memo.popitem(last=False)
    return m


def open_case(map_id: str, page: str) -> None:
    """Open a map and go to one of its pages (a button's callback)."""
    state.open_map(map_id)
    shell.goto(page)
