"""The focus panel's data and its events: clinician or plain words, and only picks of what was shown."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from ditmap.analysis import analyze
from ditmap.fileformat import load
from ditmap.ui.focus_view import SHOWN, checked_pick, focus_data
from ditmap.ui.texts import JARGON

SAMPLE = Path(__file__).resolve().parent.parent / "sample_data" / "depression-self-critical.ditmap.json"
SUGGESTIONS = analyze(load(SAMPLE)).suggestions


def _strings(d: dict) -> list[str]:
    out = [d["heading"], d["note"], d["empty"], d["show"]]
    for item in d["items"]:
        out += [item["label"], item["tag"], item["reason"]]
    return out


def test_clinician_panel_names_each_kind_and_gives_the_clinical_reason():
    d = focus_data(SUGGESTIONS, client_view=False)
    assert len(SUGGESTIONS) > SHOWN and len(d["items"]) == SHOWN
    for item, s in zip(d["items"], SUGGESTIONS, strict=False):
        assert (item["kind"], item["id"], item["label"], item["tag"]) == (s.kind, s.id, s.label, s.kind)
        assert item["reason"] == s.reasons.clinician


def test_client_panel_uses_plain_words_only():
    d = focus_data(SUGGESTIONS, client_view=True)
    assert d["client"] is True and d["heading"] == "Things we might talk about"
    assert [i["reason"] for i in d["items"]] == [s.reasons.client for s in SUGGESTIONS[:SHOWN]]
    assert all(i["tag"] == "" for i in d["items"])  # no "pattern" / "relationship" labels
    text = " ".join(_strings(d)).lower()
    assert not [j for j in JARGON if j.lower() in text]


def test_an_empty_map_says_what_will_appear():
    assert focus_data((), client_view=False)["items"] == []
    assert "suggestions will appear" in focus_data((), client_view=False)["empty"]


SHOWN_ITEMS = [("pattern", "p-critic"), ("person", "mum")]


def test_a_pick_of_a_shown_suggestion_is_normalised():
    assert checked_pick({"type": "pick", "kind": "person", "id": "mum", "seq": 12.0, "x": 1}, SHOWN_ITEMS) == \
        {"type": "pick", "kind": "person", "id": "mum", "seq": 12}


@pytest.mark.parametrize("raw", [
    None, [], "pick", {},
    {"type": "pick", "kind": "person", "id": "dad", "seq": 1},        # not one of the suggestions shown
    {"type": "pick", "kind": "pattern", "id": "mum", "seq": 1},       # right id, wrong kind
    {"type": "pick", "kind": "person", "id": "mum"},                  # no sequence number
    {"type": "pick", "kind": "person", "id": "mum", "seq": math.nan},
    {"type": "pick", "kind": "person", "id": "mum", "seq": True},
    {"type": "select", "kind": "person", "id": "mum", "seq": 1},
])
def test_anything_else_is_dropped(raw):
    assert checked_pick(raw, SHOWN_ITEMS) is None
