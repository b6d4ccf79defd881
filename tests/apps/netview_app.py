"""A minimal app that mounts only the network view, for browser tests and the netview benchmark.

Environment: NETVIEW_MAP = a .ditmap.json path, or NETVIEW_SYNTH = a number of people for a synthetic
map (default: the depression sample); NETVIEW_RETURN = 1 to read returned events instead of on_event;
NETVIEW_EMPTY = 1 leaves the map out (the benchmark's baseline).
The page applies move events to its own copy of the map (as the real Map page does through the store)
and shows the events it received as text.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import streamlit as st

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from ditmap.model import DitMap  # noqa: E402
from ditmap.operations import MovePerson, UpdateItem  # noqa: E402
from ditmap.ui.network_view import network_view  # noqa: E402
from tests.apps.netview_maps import synthetic  # noqa: E402


def load() -> DitMap:
    if os.environ.get("NETVIEW_SYNTH"):
        return synthetic(int(os.environ["NETVIEW_SYNTH"]))
    path = os.environ.get("NETVIEW_MAP") or str(ROOT / "sample_data" / "depression-self-critical.ditmap.json")
    return DitMap.model_validate_json(Path(path).read_text(encoding="utf-8"))


if "m" not in st.session_state:
    st.session_state.m = load()
    st.session_state.sel = None
m: DitMap = st.session_state.m

client = st.checkbox("Client view", key="cv")
read_only = st.checkbox("Read-only", key="ro")
options = ["(none)"] + [p.id for p in m.patterns]
lit = st.selectbox("Light up pattern", options, key="lit")
st.button("Rerun", key="rerun")  # an unchanged rerun, for the benchmark
if st.button("Rename first other person", key="rename"):
    other = next(p for p in m.people if p.role != "self")
    m = UpdateItem(kind="person", id=other.id, changes={"alias": other.alias + "*"}).apply(m)
    st.session_state.m = m


def handle(event: dict) -> None:
    """What the Map page does: save a move, follow a selection (before this run draws the map)."""
    st.session_state.setdefault("events", []).append(event)
    if event["type"] == "move":
        st.session_state.m = MovePerson(id=event["id"], x=event["x"], y=event["y"]).apply(st.session_state.m)
    elif event["type"] == "select":
        st.session_state.sel = (event["kind"], event["id"])
    elif event["type"] == "deselect":
        st.session_state.sel = None


if os.environ.get("NETVIEW_EMPTY"):  # the benchmark's baseline: this page without the map
    st.text("events: []")
    st.stop()

# NETVIEW_RETURN=1: the page reads the returned event instead of passing on_event (both are supported).
by_return = bool(os.environ.get("NETVIEW_RETURN"))
returned = network_view(st.session_state.m, highlight_pattern=None if lit == "(none)" else lit,
                        selected=st.session_state.sel, client_view=client, read_only=read_only,
                        key="netview", on_event=None if by_return else handle)
if returned is not None:
    st.session_state.setdefault("returned", []).append(returned)
    handle(returned)

st.text("events: " + json.dumps(st.session_state.get("events", [])))
st.text("returned: " + json.dumps(st.session_state.get("returned", [])))
