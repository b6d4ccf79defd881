"""Events coming back from the browser are input: only well-formed events naming existing items pass."""

from __future__ import annotations

import math

import pytest

from ditmap.ui.network_view import checked_event

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
