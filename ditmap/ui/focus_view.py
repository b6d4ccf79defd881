"""The focus panel beside the map: the analysis's suggestions with their reasons, each with a button to show
it on the map (a pattern lights up; a person or relationship opens beside the map).

A small bidirectional component (plain DOM, `assets/focus.js`) rather than Streamlit markdown and a button
group: the Map page redraws it on every rerun, and when the page opens the browser would otherwise lay it
out before the map can be drawn. All wording is chosen here; user text (pattern titles, aliases) travels as
JSON strings and is placed with `textContent`, never as HTML. Events are checked like the map's.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from typing import Any

import streamlit as st

from ditmap.analysis.suggestions import Suggestion
from ditmap.ui import texts
from ditmap.ui.netview_data import TEXT_MAX, clip
from ditmap.ui.network_view import event_seq, first_delivery, lib_urls, pending_event

SHOWN = 6
"""Suggestions shown: enough for the three kinds, few enough to read in session."""

LOADER_JS = """
export default async function (component) {
  const raw = component.data;
  const data = raw instanceof Uint8Array ? JSON.parse(new TextDecoder().decode(raw)) : raw;
  const mod = await import(new URL(data.module, document.baseURI).href);
  return mod.default({ ...component, data });
}
"""

_component = st.components.v2.component("ditmap.focus_view", js=LOADER_JS)
_IDS = "_focus_ids::"
_MEMO = "_focus_memo::"


def focus_data(suggestions: Sequence[Suggestion], client_view: bool) -> dict[str, Any]:
    """What the panel shows, in clinician or plain client words (the client's reasons never name measures)."""
    cv = int(client_view)
    return {
        "heading": texts.FOCUS_HEADING[cv],
        "note": texts.FOCUS_NOTE[cv],
        "empty": texts.FOCUS_EMPTY[cv],
        "show": "Show on the map",
        "client": client_view,
        "items": [{"kind": s.kind, "id": s.id, "label": clip(s.label, TEXT_MAX), "tag": "" if client_view else s.kind,
                   "reason": s.reasons.client if client_view else s.reasons.clinician}
                  for s in suggestions[:SHOWN]],
    }


def checked_pick(raw: Any, shown: Sequence[tuple[str, str]]) -> dict[str, Any] | None:
    """A well-formed pick of one of the suggestions shown, normalised; anything else is None."""
    seq = event_seq(raw)
    if seq is None or raw.get("type") != "pick":
        return None
    item = (raw.get("kind"), raw.get("id"))
    if item not in shown:
        return None
    return {"type": "pick", "kind": item[0], "id": item[1], "seq": seq}


def focus_view(suggestions: Sequence[Suggestion], *, client_view: bool, key: str,
               on_pick: Callable[[str, str], None]) -> None:
    """Draw the panel; `on_pick(kind, id)` runs before the rerun a "Show on the map" click causes."""

    def deliver() -> None:
        event = first_delivery(key, checked_pick(pending_event(key), st.session_state.get(_IDS + key, ())))
        if event is not None:
            on_pick(event["kind"], event["id"])

    _component(key=key, data=_packed(suggestions, client_view, key), height="content", on_event_change=deliver)
    st.session_state[_IDS + key] = tuple((s.kind, s.id) for s in suggestions[:SHOWN])


def _packed(suggestions: Sequence[Suggestion], client_view: bool, key: str) -> bytes:
    """The panel's data as JSON bytes, reused while the page passes the very same suggestions (an analysis
    is cached per map version, so an unchanged rerun builds nothing). Kept per browser session."""
    memo = st.session_state.get(_MEMO + key)
    module = lib_urls()["focus"]
    if memo is not None and memo[0] is suggestions and memo[1] == (client_view, module):
        return memo[2]
    data = focus_data(suggestions, client_view)
    data["module"] = module
    packed = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()
    st.session_state[_MEMO + key] = (suggestions, (client_view, module), packed)
    return packed
