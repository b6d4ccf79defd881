"""The live relationship map: vis-network 9.1.2 (the copy pyvis ships) in a bidirectional component.

API for pages (stable; build to this)::

    from ditmap.ui.network_view import network_view

    event = network_view(
        m,                        # DitMap; people without a position are placed by layout.place (not saved)
        highlight_pattern=None,   # pattern id to light up, or None
        selected=None,            # ("person" | "relationship", id) or None: drawn selected
        client_view=False,        # plain words, larger text, no notes or pattern names in tooltips
        read_only=False,          # True: people cannot be dragged (supervisor, client device)
        positions=None,           # optional {person id: Position} overriding stored positions
        changes=None,             # optional {("person" | "relationship", id): "added" | "removed" | "changed"}
        height=620,               # canvas height in px (legend and toolbar come on top of that)
        actions=False,            # True: the toolbar offers the pattern chooser, Re-arrange and Add person
        key="map",                # required, stable; a new key remounts the drawing (and re-fits it)
        on_event=None,            # optional callback(event), called BEFORE the rerun the event caused
        content_key=None,         # optional, read-only drawings: names m and changes by content; built once per process
    )

Events (each given out exactly once, deduplicated by `seq`; ids are checked against the map that was
drawn, positions against the model's range, so a forged or stale event is dropped):

    {"type": "select", "kind": "person" | "relationship", "id": str, "seq": int}  # click, or the list
    {"type": "deselect", "seq": int}                                              # click on empty canvas
    {"type": "move", "id": str, "x": float, "y": float, "seq": int}               # drag and drop
    {"type": "highlight", "pattern": str | None, "seq": int}                      # the pattern chooser
    {"type": "rearrange", "seq": int}                                             # toolbar button
    {"type": "add_related", "alias": str, "role": str, "kind": str, "corner": str, "closeness": str,
     "seq": int}              # the quick panel (a sector clicked, or Add person): a person + relationship
    {"type": "link", "relationship": str, "pattern": str, "strength": 1 | 2 | 3, "example": str,
     "seq": int}              # "this pattern shows here" (a relationship clicked with a pattern lit)

Nothing typed is lost to a dropped connection: the browser keeps each edit (`add_related`, `link`, `move`)
and sends it again every few seconds until the drawing's data says the session took it (`ack`, the newest
sequence number taken). Streamlit drops a trigger sent while its websocket is down (a process stopped behind
the proxy, a tablet's Wi-Fi gone for a moment); after the reconnect, the session takes it.

Two ways to receive them:
- `on_event=handler` (preferred): the handler runs at the start of the rerun, before the page script,
  like a widget's on_change; save a move (`MovePerson(id=..., x=..., y=...)`) or set the selection there,
  and the drawing of that same run already agrees. `network_view` then returns None.
- Without `on_event`, the event is returned by the call (after the component was drawn). That also
  works: a dropped person stays where dropped, and the selection drawn follows a change of `selected`
  on a later run (the browser applies `selected` only when it changes, so a stale value never undoes
  a click).

Stability: positions come from Python, physics is off, reruns update the vis DataSets in place (only
changed items), zoom and pan are kept; the view is fitted on first draw, when the client view is
switched, and on the "Show whole map" button or the F key.

Delivery: the browser fetches vis-network (470 KB) and its CSS once per page load over plain HTTP,
straight from the pyvis package directory, and our own `assets/network.js` and `.css` likewise (a v1
component declared with a `path` is Streamlit's public way to serve a directory; Cache-Control: public;
no file is copied, no CDN). The websocket carries only a 0.9 KB loader and the map data: compact JSON
(`netview_data.pack`, about 26 KB at 200 people and 300 relationships), and nothing when unchanged
(Streamlit sends a hash reference for an unchanged element of 10 KB or more).
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Callable, Collection, Hashable
from functools import cache
from pathlib import Path
from typing import Any, Literal

import pyvis
import streamlit as st
import streamlit.components.v1 as components_v1
from streamlit import runtime
from streamlit.runtime import Runtime

from ditmap.model import DitMap, Position
from ditmap.ui.netview_data import CLOSENESS, CORNERS, build_view, pack
from ditmap.ui.shared_memo import SharedMemo

ASSETS = Path(__file__).parent / "assets"
VIS_DIR = Path(pyvis.__file__).parent / "templates" / "lib" / "vis-9.1.2"
VIS_JS = "vis-network.min.js"
VIS_CSS = "vis-network.css"
COMPONENT_NAME = "ditmap.network_view"

SelectedKind = Literal["person", "relationship"]

LOADER_JS = """
// Stays tiny: this text travels inside every update of the element. The real module (assets/network.js)
// is fetched once per page load over HTTP and cached by the browser's module map.
export default async function (component) {
  const raw = component.data;
  const data = raw instanceof Uint8Array ? JSON.parse(new TextDecoder().decode(raw)) : raw;
  const lib = data.lib;
  if (!(window.vis && window.vis.Network) && !document.querySelector("script[data-ditmap]")) {
    // Start fetching vis-network at once, in parallel with the module below.
    const s = document.createElement("script");
    s.src = lib.js;
    s.async = true;
    s.dataset.ditmap = "vis-network";
    s.onerror = () => { s.dataset.failed = "1"; };
    document.head.appendChild(s);
  }
  const mod = await import(new URL(lib.app, document.baseURI).href);
  return mod.default({ ...component, data });
}
"""

_component = st.components.v2.component(COMPONENT_NAME, js=LOADER_JS)

SPLIT_KEY = "map_split"
"""The Map page's container holding the drawing and, beside it, the editor and focus panel."""
DRAWING_KEY = "map_drawing"
"""The container of the drawing itself, inside SPLIT_KEY's left column."""
SPLIT_BELOW = 760
"""Below this width (px) of the page's main column, the editor and focus panel go under the drawing."""

_SPLIT_ROW = (f'.st-key-{SPLIT_KEY} [data-testid="stHorizontalBlock"]'
              f':has(> [data-testid="stColumn"] .st-key-{DRAWING_KEY})')
MAP_CSS = (f"<style>.st-key-{SPLIT_KEY} {{ container-type: inline-size; }}\n"
           f"@container (max-width: {SPLIT_BELOW}px) {{\n"
           f"  {_SPLIT_ROW} {{ flex-direction: column; flex-wrap: nowrap; }}\n"
           f'  {_SPLIT_ROW} > [data-testid="stColumn"] {{ width: 100% !important; flex: 1 1 auto !important;'
           f" min-width: 100%; }}\n}}\n</style>")
"""Constant CSS (no user text) for the Map page: the tablet layout above."""

PRELOAD_JS = """<script data-ditmap-preload>
if (!document.querySelector("script[data-ditmap]")) {
  const s = document.createElement("script");
  s.src = %s;
  s.async = true;
  s.dataset.ditmap = "vis-network";
  s.onerror = () => { s.dataset.failed = "1"; };
  document.head.appendChild(s);
  for (const href of %s) {
    const m = document.createElement("link");
    m.rel = "modulepreload";
    m.href = new URL(href, document.baseURI).href;
    document.head.appendChild(m);
  }
}
</script>"""


def preload_html() -> str:
    """A constant script for the top of the Map page: vis-network and the drawing's module start
    loading while Streamlit is still drawing the page, not only once the map's element mounts (the
    loader above reuses both).

    Our own text only: the URLs are served paths (server config), JSON-quoted; no user text.
    """
    urls = lib_urls()
    return MAP_CSS + PRELOAD_JS % (json.dumps(urls["js"]), json.dumps([urls["app"], urls["focus"]]))


def _fingerprint(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()[:12]


@cache
def _checked_dirs() -> tuple[str, str, str]:
    """The served directories, checked once, and a fingerprint that changes when our assets change."""
    for name in (VIS_JS, VIS_CSS):
        if not (VIS_DIR / name).is_file():
            raise RuntimeError(f"vis-network 9.1.2 not found in the pyvis package: {VIS_DIR / name}")
    stamp = "".join(_fingerprint(ASSETS / name) for name in ("network.js", "network.css", "focus.js"))
    return str(VIS_DIR), str(ASSETS), hashlib.sha256(stamp.encode()).hexdigest()[:12]


_DECLARED: dict[int, tuple[object, dict[str, str]]] = {}
"""Per component registry (one per server runtime): the registry, kept alive, and the URLs served."""


def lib_urls() -> dict[str, str]:
    """Serve pyvis's vis-network directory and our assets under /component/<name>/; return their URLs.

    A v1 component declared with a `path` is Streamlit's public way to serve a directory of static
    files (Cache-Control: public). Registration needs a running script; it is done once per
    runtime's registry, not on every rerun. None of these files travels over the websocket.
    """
    rt = runtime.get_instance() if runtime.exists() else None
    # Only a real server's registry serves files; under AppTest's stand-in runtime, declaring once is enough.
    registry = rt.component_registry if type(rt) is Runtime else None
    known = _DECLARED.get(id(registry))
    if known is not None:
        return known[1]
    vis_dir, assets_dir, stamp = _checked_dirs()
    vis = components_v1.declare_component("vislib", path=vis_dir)
    ours = components_v1.declare_component("assets", path=assets_dir)
    base = (st.get_option("server.baseUrlPath") or "").strip("/")
    prefix = f"/{base}" if base else ""
    urls = {
        "js": f"{prefix}/component/{vis.name}/{VIS_JS}",
        "css": f"{prefix}/component/{vis.name}/{VIS_CSS}",
        "app": f"{prefix}/component/{ours.name}/network.js?v={stamp}",
        "appcss": f"{prefix}/component/{ours.name}/network.css?v={stamp}",
        "focus": f"{prefix}/component/{ours.name}/focus.js?v={stamp}",
    }
    _DECLARED[id(registry)] = (registry, urls)
    return urls


def event_seq(raw: Any) -> int | None:
    """The sequence number of a component's event (a dict from the browser), if it has a sound one."""
    seq = raw.get("seq") if isinstance(raw, dict) else None
    if isinstance(seq, bool) or not isinstance(seq, int | float) or not math.isfinite(seq):
        return None
    return int(seq)


def first_delivery(key: str, event: dict[str, Any] | None) -> dict[str, Any] | None:
    """`event`, unless an event with its sequence number was already given out under `key`.

    A component's last trigger value stays in the session until the next one, so every rerun would
    otherwise see it again.
    """
    if event is None or st.session_state.get(_SEEN + key) == event["seq"]:
        return None
    st.session_state[_SEEN + key] = event["seq"]
    return event


def checked_event(raw: Any, people: Collection[str], relationships: Collection[str],
                  patterns: Collection[str] = ()) -> dict[str, Any] | None:
    """The browser's event if well-formed and naming items that exist, normalised; anything else is None.

    The component runs in the page, so its events are treated as input: a forged or stale event
    (an id that is gone, a position out of range, NaN) is dropped rather than passed on.
    """
    seq = event_seq(raw)
    if seq is None:
        return None
    kind = raw.get("type")
    if kind in ("deselect", "rearrange", "add_person"):
        return {"type": kind, "seq": seq}
    if kind == "add_related":
        return _checked_add(raw, seq)
    if kind == "link":
        return _checked_link(raw, seq, relationships, patterns)
    if kind == "highlight":
        pattern = raw.get("pattern")
        if pattern is None or (isinstance(pattern, str) and pattern in patterns):
            return {"type": "highlight", "pattern": pattern, "seq": seq}
        return None
    item_id = raw.get("id")
    if not isinstance(item_id, str):
        return None
    if kind == "select":
        what = raw.get("kind")
        if (what == "person" and item_id in people) or (what == "relationship" and item_id in relationships):
            return {"type": "select", "kind": what, "id": item_id, "seq": seq}
        return None
    if kind == "move" and item_id in people:
        x, y = raw.get("x"), raw.get("y")
        if not all(isinstance(v, int | float) and not isinstance(v, bool) for v in (x, y)):
            return None
        try:
            pos = Position(x=float(x), y=float(y))  # range and finiteness checked by the model
        except ValueError:
            return None
        return {"type": "move", "id": item_id, "x": pos.x, "y": pos.y, "seq": seq}
    return None


def _text(raw: dict[str, Any], name: str, limit: int) -> str | None:
    value = raw.get(name, "")
    if not isinstance(value, str) or len(value) > limit:
        return None
    return " ".join(value.split()) if limit <= 200 else value.strip()


def _checked_add(raw: dict[str, Any], seq: int) -> dict[str, Any] | None:
    """The quick panel's new person and how they are with the client; words as typed, choices checked."""
    alias, role, kind = _text(raw, "alias", 200), _text(raw, "role", 80), _text(raw, "kind", 80)
    corner, closeness = raw.get("corner"), raw.get("closeness")
    if not alias or role is None or kind is None or corner not in CORNERS or closeness not in CLOSENESS:
        return None
    return {"type": "add_related", "alias": alias, "role": role or "other", "kind": kind or "close",
            "corner": corner, "closeness": closeness, "seq": seq}


def _checked_link(raw: dict[str, Any], seq: int, relationships: Collection[str],
                  patterns: Collection[str]) -> dict[str, Any] | None:
    """"This pattern shows here": an existing relationship and pattern, a strength 1–3, an optional example."""
    rel, pattern, strength = raw.get("relationship"), raw.get("pattern"), raw.get("strength")
    example = _text(raw, "example", 20_000)
    if not (isinstance(rel, str) and rel in relationships and isinstance(pattern, str) and pattern in patterns):
        return None
    if isinstance(strength, bool) or strength not in (1, 2, 3) or example is None:
        return None
    return {"type": "link", "relationship": rel, "pattern": pattern, "strength": int(strength),
            "example": example, "seq": seq}


def _take_event(key: str, raw: Any) -> dict[str, Any] | None:
    """A new, valid event for the map drawn under `key`, marked as seen so that it is given out once.

    Every event looked at (valid or not) is acknowledged to the browser (`acknowledged`), which keeps
    sending an edit until then: a trigger sent while the connection was down never arrives.
    """
    ids = st.session_state.get(_IDS + key)
    if ids is None:  # not drawn yet in this session: not looked at, so not acknowledged (sent again)
        return None
    seq = event_seq(raw)
    if seq is not None and seq > st.session_state.get(_ACK + key, -1):
        st.session_state[_ACK + key] = seq
    return first_delivery(key, checked_event(raw, *ids))


def acknowledged(key: str) -> int | None:
    """The newest sequence number this session took from the drawing under `key` (None: none yet)."""
    return st.session_state.get(_ACK + key)


def pending_event(key: str) -> Any:
    """The trigger value waiting for this run; Streamlit presents it in `st.session_state[key]`."""
    try:
        state = st.session_state[key]
    except KeyError:
        return None
    return state.get("event") if isinstance(state, dict) else None


def _packed(m: DitMap, key: str, highlight_pattern: str | None, selected: tuple[str, str] | None,
            client_view: bool, read_only: bool, positions: dict[str, Position] | None, height: int,
            actions: bool, changes: dict[tuple[str, str], str] | None = None,
            content_key: Hashable | None = None) -> bytes:
    """The element's data; reused while the page passes the very same (frozen) map and options.

    A rerun that changed nothing then costs no building at all. The memo holds the map object itself,
    per browser session and key, so identity can be trusted (no id() reuse) and nothing is shared.
    With `content_key`, the data is also kept process-wide under it and the options (see `network_view`).
    """
    lib = lib_urls()
    ack = None if read_only else acknowledged(key)  # only a drawing that edits reads it (network.js)
    options = (highlight_pattern, selected, client_view, read_only, int(height), actions, ack, lib, changes)
    memo = st.session_state.get(_MEMO + key)
    if positions is None and memo is not None and memo[0] is m and memo[1] == options:
        return memo[2]
    if content_key is None or positions is not None or not read_only:  # shared: read-only drawings alone
        packed = _build(m, lib, highlight_pattern, selected, client_view, read_only, height, actions, changes,
                        positions, ack)
    else:
        packed = prepare(m, content_key=content_key, lib=lib, highlight_pattern=highlight_pattern,
                         selected=selected, client_view=client_view, read_only=read_only, height=height,
                         actions=actions, changes=changes)
    st.session_state[_MEMO + key] = (m, options, packed)
    return packed


def _build(m: DitMap, lib: dict[str, str], highlight_pattern: str | None, selected: tuple[str, str] | None,
           client_view: bool, read_only: bool, height: int, actions: bool,
           changes: dict[tuple[str, str], str] | None, positions: dict[str, Position] | None = None,
           ack: int | None = None) -> bytes:
    data = build_view(m, highlight_pattern=highlight_pattern, selected=selected, client_view=client_view,
                      positions=positions, changes=changes)
    data["lib"] = lib
    data["height"] = int(height)
    data["ro"] = bool(read_only)
    data["actions"] = bool(actions)
    data["ack"] = ack
    return pack(data)


def prepare(m: DitMap, *, content_key: Hashable, lib: dict[str, str], highlight_pattern: str | None = None,
            selected: tuple[str, str] | None = None, client_view: bool = False, read_only: bool = False,
            height: int = 620, actions: bool = False, changes: dict[tuple[str, str], str] | None = None) -> bytes:
    """The drawing's data for `m` under `content_key` and these options: kept process-wide, built once.

    No Streamlit call: a page may prepare the drawings a person is likely to ask for next on a thread of its
    own (`lib` is `lib_urls()`, read on the script's thread), and `network_view` then only sends them.
    """
    shared = (content_key, highlight_pattern, selected, client_view, read_only, int(height), actions,
              tuple(sorted(lib.items())))
    hit = _SHARED.get(shared)
    if hit is not None:
        return hit
    return _SHARED.put(shared, _build(m, lib, highlight_pattern, selected, client_view, read_only, height,
                                      actions, changes))


_SHARED: SharedMemo[bytes] = SharedMemo(96)
"""Packed data of drawings named by content (`content_key`): ~30–100 KB each at 200 people."""


_MEMO = "_netview_memo::"
_IDS = "_netview_ids::"
_SEEN = "_netview_seq::"
_ACK = "_netview_ack::"


def network_view(
    m: DitMap,
    *,
    highlight_pattern: str | None = None,
    selected: tuple[SelectedKind, str] | None = None,
    client_view: bool = False,
    read_only: bool = False,
    positions: dict[str, Position] | None = None,
    height: int = 620,
    actions: bool = False,
    key: str,
    changes: dict[tuple[str, str], str] | None = None,
    on_event: Callable[[dict[str, Any]], None] | None = None,
    content_key: Hashable | None = None,
) -> dict[str, Any] | None:
    """Draw `m`; give the browser's latest new event to `on_event` (before the rerun) or return it.

    `content_key`, optional: a value naming `m` and `changes` by content (the map's id and what its version
    holds, never a version number alone, which can recur after a restore). The drawing's data is then built
    once per process for that content and these options, and reused by every rerun and browser session
    that draws the same (Replay's stops: each built once, not at every step).
    """

    def deliver() -> None:
        # Runs at the start of the rerun the event caused, before the page script: the page can save a
        # move or set the selection first, so the drawing of this very run already agrees with it.
        if on_event is not None:
            event = _take_event(key, pending_event(key))
            if event is not None:
                on_event(event)

    result = _component(key=key, data=_packed(m, key, highlight_pattern, selected, client_view, read_only,
                                              positions, height, actions, changes, content_key),
                        height="content",
                        on_event_change=deliver)
    event = _take_event(key, getattr(result, "event", None))
    # Events from the next interaction are checked against the map the person saw and clicked on.
    st.session_state[_IDS + key] = (frozenset(m.people_by_id), frozenset(m.relationships_by_id),
                                    frozenset(m.patterns_by_id))
    return event


__all__ = ["checked_event", "lib_urls", "network_view", "prepare"]
