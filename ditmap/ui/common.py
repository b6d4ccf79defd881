"""Small helpers every page uses: the open map (or a calm stop), cached per-version computations.

`st.cache_data` is shared by every session on the server, so only things any viewer of that map may
see are cached here, keyed by (map id, version); client-view outputs are keyed separately.
"""

from __future__ import annotations

import threading
from collections import OrderedDict

import streamlit as st

from ditmap.analysis import Analysis, analyze
from ditmap.layout import place
from ditmap.model import DitMap
from ditmap.operations import SetPositions
from ditmap.ui import state


def require_map() -> state.Opened:
    """The open map, or a message and a stop (a page opened without a map)."""
    opened = state.current(recheck=False)  # the frame (shell) read the store at the start of this run
    if opened is None:
        st.info("No map is open. Choose one on the Maps page." if not state.client_view()
                else "Your therapist will open the map.")
        st.stop()
    assert opened is not None
    return opened


def ensure_positions(opened: state.Opened) -> DitMap:
    """The open map with a position for everyone, for drawing; nothing is written.

    Placing someone is not an edit: people without a stored position are drawn where `layout.place`
    puts them (deterministic, so every device draws the same map, and people added later never move
    those placed before). Positions are stored only by a deliberate drag or *Re-arrange*. The result
    is kept per browser session for the very same map object, so an unchanged rerun reuses it (and
    the drawing's own memo, which trusts identity, hits).
    """
    m = opened.map
    if all(p.position is not None for p in m.people):
        return m
    memo = st.session_state.get(_PLACED)
    if memo is not None and memo[0] is m:
        return memo[1]
    positions = place(m)
    placed = SetPositions(positions={p.id: positions[p.id] for p in m.people if p.position is None}).apply(m)
    st.session_state[_PLACED] = (m, placed)
    return placed


_PLACED = "_placed_map"


_ANALYSES: OrderedDict[tuple[str, str, int], Analysis] = OrderedDict()
_ANALYSES_LOCK = threading.Lock()


def analysis_for(db: str, map_id: str, version: int, m: DitMap) -> Analysis:
    """The focus analysis of one map version, shared by every session that opens that version.

    Kept in a small process-wide LRU keyed by (database, map, version) rather than st.cache_resource,
    whose argument hashing costs more than the lookup on every rerun. Sharing is safe: an `Analysis`
    is immutable and holds nothing private (the analysis never reads process notes).
    """
    key = (db, map_id, version)
    with _ANALYSES_LOCK:
        if key in _ANALYSES:
            _ANALYSES.move_to_end(key)
            return _ANALYSES[key]
    result = analyze(m)
    with _ANALYSES_LOCK:
        _ANALYSES[key] = result
        while len(_ANALYSES) > 64:
            _ANALYSES.popitem(last=False)
    return result


def person_options(m: DitMap) -> dict[str, str]:
    """Person id → a label that tells apart two people with the same alias."""
    seen: dict[str, int] = {}
    for p in m.people:
        seen[p.alias] = seen.get(p.alias, 0) + 1
    return {p.id: (p.alias if seen[p.alias] == 1 else f"{p.alias} ({p.id})") for p in m.people}


def pick_selected(kind: str, options: dict[str, str], label: str) -> str | None:
    """Choose one person or relationship to edit, starting from the one selected on any page (the map too).

    The choice becomes the selection, so the Map page opens the same item beside the drawing.
    """
    sel = st.session_state.get("selected")
    ids = list(options)
    index = ids.index(sel[1]) if sel and sel[0] == kind and sel[1] in options else 0
    item_id = st.selectbox(label, ids, index=index, format_func=options.get, key=f"pick:{kind}:{sel}")
    if item_id is not None:
        st.session_state["selected"] = (kind, item_id)
    return item_id


def relationship_options(m: DitMap) -> dict[str, str]:
    people = person_options(m)
    return {r.id: f"{people.get(r.source, r.source)} – {people.get(r.target, r.target)} ({r.corner})"
            for r in m.relationships}


def with_extra(options: tuple[str, ...], *extra: str) -> list[str]:
    """A vocabulary plus any free-text values already in use, in a stable order."""
    out = list(options)
    for e in extra:
        if e and e not in out:
            out.append(e)
    return out
