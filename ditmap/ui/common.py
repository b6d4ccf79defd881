"""Small helpers every page uses: the open map (or a calm stop), cached per-version computations.

`st.cache_data` is shared by every session on the server, so only things any viewer of that map may
see are cached here, keyed by (map id, version); client-view outputs are keyed separately.
"""

from __future__ import annotations

import streamlit as st

from ditmap.analysis import Analysis, analyze
from ditmap.layout import place
from ditmap.model import DitMap
from ditmap.operations import SetPositions
from ditmap.ui import field_sync, state, texts
from ditmap.ui.shared_memo import SharedMemo


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


_ANALYSES: SharedMemo[Analysis] = SharedMemo(64)


def analysis_for(db: str, map_id: str, version: tuple[int, int], m: DitMap) -> Analysis:
    """The focus analysis of one map version, shared by every session that opens that version.

    Kept in a small process-wide LRU keyed by (database, map, `Opened.key`: version and content) rather
    than st.cache_resource, whose argument hashing costs more than the lookup on every rerun. Sharing is
    safe: an `Analysis` is immutable and holds nothing private (the analysis never reads process notes).
    """
    return _ANALYSES.get_or_make((db, map_id, version), lambda: analyze(m))


def person_options(m: DitMap) -> dict[str, str]:
    """Person id → a label that tells apart two people with the same alias (by role, then by number).

    Never the internal id: labels are read aloud by screen readers and shown in lists.
    """
    seen: dict[str, int] = {}
    for p in m.people:
        seen[p.alias] = seen.get(p.alias, 0) + 1
    out: dict[str, str] = {}
    used: set[str] = set()
    for p in m.people:
        name = p.alias if seen[p.alias] == 1 else f"{p.alias} ({p.role})"
        n, label = 1, name
        while label in used:
            n += 1
            label = f"{name[:-1]}, {n})" if name.endswith(")") else f"{name} ({n})"
        used.add(label)
        out[p.id] = label
    return out


def _picked(kind: str, key: str) -> None:
    st.session_state["selected"] = (kind, st.session_state[key])


def pick_selected(kind: str, options: dict[str, str], label: str) -> str | None:
    """Choose one person or relationship to edit, starting from the one selected on any page (the map too).

    The choice becomes the selection (in its own callback, before the page runs), so it stays chosen
    and the Map page opens the same item beside the drawing.
    """
    ss = st.session_state
    key = f"pick:{kind}"
    sel = ss.get("selected")
    ids = list(options)
    if sel and sel[0] == kind and sel[1] in options:
        if ss.get(key) != sel[1]:
            ss[key] = sel[1]
    elif ss.get(key) not in options and ids:
        ss[key] = ids[0]
    field_sync.keep_choice(key, options.get(ss.get(key)))
    item_id = st.selectbox(label, ids, format_func=options.get, key=key, on_change=_picked, args=(kind, key))
    if item_id is not None:
        ss["selected"] = (kind, item_id)
    return item_id


def relationship_options(m: DitMap, client_view: bool = False) -> dict[str, str]:
    people = person_options(m)
    return {r.id: f"{people.get(r.source, r.source)} – {people.get(r.target, r.target)} "
                  f"({texts.corner_word(r.corner, client_view)})"
            for r in m.relationships}


def with_extra(options: tuple[str, ...], *extra: str) -> list[str]:
    """A vocabulary plus any free-text values already in use, in a stable order."""
    out = list(options)
    for e in extra:
        if e and e not in out:
            out.append(e)
    return out
