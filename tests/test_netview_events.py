"""Events coming back from the browser are input: only well-formed events naming existing items pass."""

from __future__ import annotations

import math

import pytest

from ditmap.ui.network_view import checked_event
from tests.apps.netview_maps import synthetic

PEOPLE = {"self", "mum"}
RELS = {"r1"}
PATTERNS = {"pt1"}


def test_valid_events_are_normalised():
    assert checked_event({"type": "select", "kind": "person", "id": "mum", "seq": 7, "extra": "x"},
                         PEOPLE, RELS) == {"type": "select", "kind": "person", "id": "mum", "seq": 7}
    assert checked_event({"type": "select", "kind": "relationship", "id": "r1", "seq": 8.0}, PEOPLE, RELS) == \
        {"type": "select", "kind": "relationship", "id": "r1", "seq": 8}
    assert checked_event({"type": "deselect", "seq": 9}, PEOPLE, RELS) == {"type": "deselect", "seq": 9}
    assert checked_event({"type": "move", "id": "mum", "x": -12, "y": 40.5, "seq": 10}, PEOPLE, RELS) == \
        {"type": "move", "id": "mum", "x": -12.0, "y": 40.5, "seq": 10}


def test_toolbar_events_are_normalised():
    assert checked_event({"type": "highlight", "pattern": "pt1", "seq": 3}, PEOPLE, RELS, PATTERNS) == \
        {"type": "highlight", "pattern": "pt1", "seq": 3}
    assert checked_event({"type": "highlight", "pattern": None, "seq": 4}, PEOPLE, RELS, PATTERNS) == \
        {"type": "highlight", "pattern": None, "seq": 4}  # nothing lit
    assert checked_event({"type": "rearrange", "seq": 5, "id": "x"}, PEOPLE, RELS) == {"type": "rearrange", "seq": 5}
    assert checked_event({"type": "add_person", "seq": 6}, PEOPLE, RELS) == {"type": "add_person", "seq": 6}


@pytest.mark.parametrize("raw", [
    None, "select", [], {},
    {"type": "select", "kind": "person", "id": "ghost", "seq": 1},          # no such person
    {"type": "select", "kind": "person", "id": "r1", "seq": 1},             # a relationship id as a person
    {"type": "select", "kind": "pattern", "id": "mum", "seq": 1},           # not selectable on the map
    {"type": "select", "kind": "person", "id": ["mum"], "seq": 1},
    {"type": "select", "kind": "person", "id": "mum"},                      # no sequence number
    {"type": "select", "kind": "person", "id": "mum", "seq": True},
    {"type": "select", "kind": "person", "id": "mum", "seq": math.inf},
    {"type": "move", "id": "mum", "x": math.nan, "y": 0, "seq": 1},
    {"type": "move", "id": "mum", "x": 2e6, "y": 0, "seq": 1},              # beyond Position's range
    {"type": "move", "id": "mum", "x": "1", "y": 0, "seq": 1},
    {"type": "move", "id": "mum", "x": True, "y": 0, "seq": 1},
    {"type": "move", "id": "r1", "x": 0, "y": 0, "seq": 1},                 # only people move
    {"type": "run", "id": "mum", "seq": 1},
    {"type": "highlight", "pattern": "ghost", "seq": 1},                    # no such pattern
    {"type": "highlight", "pattern": "mum", "seq": 1},                      # a person id as a pattern
    {"type": "highlight", "pattern": ["pt1"], "seq": 1},
    {"type": "highlight", "seq": 1, "pattern": 1},
    {"type": "rearrange"},                                                  # no sequence number
])
def test_malformed_or_stale_events_are_dropped(raw):
    assert checked_event(raw, PEOPLE, RELS, PATTERNS) is None


# --- acknowledgement: the browser sends an edit again until the server says it took it ------------------

@pytest.fixture
def session_state():
    """Streamlit's session state in bare mode (no server), emptied before and after."""
    import streamlit as st

    st.session_state.clear()
    yield st.session_state
    st.session_state.clear()


def test_every_event_looked_at_is_acknowledged_and_given_out_once(session_state):
    from ditmap.ui.network_view import _IDS, _take_event, acknowledged

    assert _take_event("map", {"type": "deselect", "seq": 3}) is None  # not drawn in this session yet:
    assert acknowledged("map") is None  # not looked at, so the browser sends it again
    session_state[_IDS + "map"] = (frozenset(PEOPLE), frozenset(RELS), frozenset(PATTERNS))
    move = {"type": "move", "id": "mum", "x": 1, "y": 2, "seq": 10}
    assert _take_event("map", move) == {"type": "move", "id": "mum", "x": 1.0, "y": 2.0, "seq": 10}
    assert _take_event("map", move) is None  # sent again (the acknowledgement was lost): not applied twice
    assert acknowledged("map") == 10
    assert _take_event("map", {"type": "select", "kind": "person", "id": "ghost", "seq": 12}) is None
    assert acknowledged("map") == 12  # dropped as stale, but taken: the browser stops sending it
    assert _take_event("map", {"type": "deselect", "seq": 11}) is not None  # late, still given out
    assert acknowledged("map") == 12  # the newest taken
    assert acknowledged("other") is None


def test_the_drawing_is_told_what_was_acknowledged(session_state):
    from ditmap.ui.netview_data import unpack
    from ditmap.ui.network_view import _IDS, _packed, _take_event

    m = synthetic(6)
    before = unpack(_packed(m, "map", None, None, False, False, None, 400, True))
    assert before["ack"] is None  # a new session (e.g. after a reconnect to another process): nothing taken
    session_state[_IDS + "map"] = (frozenset(m.people_by_id), frozenset(m.relationships_by_id), frozenset())
    _take_event("map", {"type": "deselect", "seq": 41})
    after = unpack(_packed(m, "map", None, None, False, False, None, 400, True))
    assert after["ack"] == 41  # the same map, drawn again: the browser learns its event arrived
