"""The network view's pure data builder: what the browser is told to draw, in which words, and what never
reaches it. Expected values are worked out by hand from the rules in ditmap.style and the issue."""

from __future__ import annotations

import json

from ditmap.model import DitMap
from ditmap.ui.netview_data import (
    NOTES_BUDGET,
    NOTES_MAX,
    build_view,
    notes_limit,
    pack,
    unpack,
)
from ditmap.ui.texts import JARGON
from tests.apps.netview_maps import PAYLOADS, hostile, synthetic

SECRET_PERSON_NOTE = "Mum-note: she drank when R. was small"
SECRET_REL_NOTE = "Rel-note: R. flinches when Dad's name comes up"
PROCESS_NOTE = "Process: countertransference boredom"


def small_map() -> DitMap:
    return DitMap.model_validate({
        "people": [
            {"id": "self", "alias": "R.", "role": "self", "position": {"x": 0, "y": 0}},
            {"id": "mum", "alias": "Mum", "role": "mother", "notes": SECRET_PERSON_NOTE,
             "position": {"x": -120.4, "y": -80.6}},
            {"id": "dad", "alias": "Dad", "role": "father", "alive": False, "position": {"x": -200, "y": -10}},
            {"id": "doc", "alias": "Dr O.", "role": "therapist", "position": {"x": 0, "y": 300}},
            {"id": "boss", "alias": "J.", "role": "manager"},  # no position: placed by the layout
        ],
        "relationships": [
            {"id": "r-mum", "source": "self", "target": "mum", "corner": "past", "kind": "close",
             "intensity": 3, "closeness": "inner", "feelings": ["shame"], "notes": SECRET_REL_NOTE,
             "communication_style": "passive/placating"},
            {"id": "r-dad", "source": "dad", "target": "self", "corner": "past", "kind": "controlling",
             "direction": "source_to_target", "intensity": 5},
            {"id": "r-doc", "source": "self", "target": "doc", "corner": "therapy", "kind": "supportive",
             "intensity": 5, "closeness": "middle"},
            {"id": "r-boss", "source": "self", "target": "boss", "corner": "current", "kind": "rivalry",
             "direction": "target_to_source"},
            {"id": "r-mum2", "source": "mum", "target": "self", "corner": "current", "kind": "cut off"},
        ],
        "patterns": [{"id": "pt", "title": "Never good enough"},
                     {"id": "pt2", "title": "Hidden anger"}],
        "enactments": [
            {"id": "e1", "pattern": "pt", "relationship": "r-mum", "strength": 2},
            {"id": "e2", "pattern": "pt", "relationship": "r-mum", "strength": 3},
            {"id": "e3", "pattern": "pt", "relationship": "r-doc", "strength": 1},
            {"id": "e4", "pattern": "pt2", "relationship": "r-boss", "strength": 2},
        ],
        "sessions": [{"id": "s1", "number": 1, "process_notes": PROCESS_NOTE}],
    })


def by_id(items: list[dict]) -> dict[str, dict]:
    return {x["id"]: x for x in items}


def test_people_keep_their_stored_positions_and_get_shapes_by_role():
    v = build_view(small_map())
    people = by_id(v["people"])
    assert (people["mum"]["x"], people["mum"]["y"]) == (-120, -81)
    assert people["self"]["sh"] == "star" and people["self"]["me"] == 1
    assert people["doc"]["sh"] == "box"
    assert "sh" not in people["mum"]  # a dot, the default
    assert people["dad"]["dead"] == 1 and "dead" not in people["mum"]
    # The person without a position is placed on the current sector (upper right: x > 0, y < 0).
    assert people["boss"]["x"] > 0 and people["boss"]["y"] < 0


def test_relationships_carry_kind_corner_width_and_arrow():
    v = build_view(small_map())
    rels = by_id(v["rels"])
    kinds = [k["label"] for k in v["kinds"]]
    close = v["kinds"][rels["r-mum"]["k"]]
    assert close == {"label": "close", "lines": 2, "dashes": [], "zigzag": False, "arrow": False}
    assert v["kinds"][rels["r-mum2"]["k"]]["dashes"] == [10, 8]  # cut off: a broken line
    assert v["kinds"][rels["r-boss"]["k"]]["label"] == "rivalry (own words)"
    assert kinds.count("close") == 1
    # corners index past, current, therapy; colours are Okabe–Ito blue, vermillion, bluish green.
    assert [rels[r]["c"] for r in ("r-mum", "r-boss", "r-doc")] == [0, 1, 2]
    assert v["colours"]["corners"] == ["#0072B2", "#D55E00", "#009E73"]
    # width = kind width × intensity factor: supportive 2.4 × 1.4 at intensity 5; close 1.6 × 1.0 at 3.
    assert rels["r-doc"]["w"] == 3.36 and rels["r-mum"]["w"] == 1.6
    # arrows: dad → self ("to"), boss is target_to_source ("from"), mutual close has none.
    assert rels["r-dad"]["ar"] == 1 and rels["r-boss"]["ar"] == 2 and "ar" not in rels["r-mum"]


def test_parallel_relationships_fan_out_to_both_sides():
    rels = by_id(build_view(small_map())["rels"])
    # mum–self twice: r-mum (self→mum, listed first) and r-mum2 (mum→self). Sorted pair (mum, self),
    # offsets −0.11 then +0.11; r-mum runs against the sorted order, so its sign flips to +0.11.
    # Equal signs on opposite directions: vis-network's curvedCW bends each to its own right, i.e. apart.
    assert rels["r-mum"]["b"] == 0.11 and rels["r-mum2"]["b"] == 0.11
    assert "b" not in rels["r-doc"]
    # Same direction twice: opposite signs (one clockwise, one counter-clockwise), again apart.
    m = small_map()
    same = m.model_copy(update={"relationships": tuple(
        r.model_copy(update={"source": "self", "target": "mum"}) if r.id == "r-mum2" else r
        for r in m.relationships)})
    rels = by_id(build_view(same)["rels"])
    assert rels["r-mum"]["b"] == 0.11 and rels["r-mum2"]["b"] == -0.11


def test_lit_pattern_colours_its_relationships_and_people_and_dims_the_rest():
    v = build_view(small_map(), highlight_pattern="pt")
    rels, people = by_id(v["rels"]), by_id(v["people"])
    # strongest enactment wins (2 and 3 → 3); width 1.6 × 1.5 + 3
    assert rels["r-mum"]["hl"] == 1 and rels["r-mum"]["s"] == 3 and rels["r-mum"]["w"] == 5.4
    assert rels["r-doc"]["hl"] == 1 and rels["r-doc"]["s"] == 1
    assert rels["r-boss"]["hl"] == 2 and "s" not in rels["r-boss"]
    assert {pid for pid, p in people.items() if p["hl"] == 1} == {"self", "mum", "doc"}
    assert people["boss"]["hl"] == 2
    assert v["legend"]["highlight"] == {"label": "Never good enough", "count": 2}
    assert v["colours"]["highlight"] == "#CC79A7" and v["colours"]["dimmed"] == "#C9CED1"


def test_no_pattern_or_unknown_pattern_lights_nothing():
    for pattern in (None, "nope"):
        v = build_view(small_map(), highlight_pattern=pattern)
        assert all("hl" not in x for x in v["rels"] + v["people"])
        assert v["legend"]["highlight"] is None


def test_clinician_view_shows_notes_and_patterns_in_tooltips():
    v = build_view(small_map())
    rels, people = by_id(v["rels"]), by_id(v["people"])
    assert people["mum"]["nt"] == SECRET_PERSON_NOTE
    assert rels["r-mum"]["nt"] == SECRET_REL_NOTE
    assert rels["r-mum"]["cs"] == "passive/placating"
    assert [v["patterns"][i] for i in rels["r-mum"]["p"]] == ["Never good enough"]
    assert PROCESS_NOTE not in json.dumps(v)  # process notes belong to sessions, never to the map view


def test_client_view_has_plain_words_large_text_and_no_notes_at_all():
    v = build_view(small_map(), client_view=True, highlight_pattern="pt")
    text = json.dumps(v, ensure_ascii=False)
    for secret in (SECRET_PERSON_NOTE, SECRET_REL_NOTE, PROCESS_NOTE, "passive/placating"):
        assert secret not in text
    assert all("nt" not in x and "cs" not in x and "p" not in x for x in v["rels"] + v["people"])
    assert v["patterns"] == []
    assert v["font"] >= 20
    assert [k["label"] for k in v["kinds"]][:2] == ["close", "controlling"]
    assert "cut off, no contact" in [k["label"] for k in v["kinds"]]
    assert v["words"]["corner"] == ["earlier in life", "in your life now", "here in therapy"]
    assert [c["label"] for c in v["legend"]["corners"]] == ["earlier in life", "in your life now", "here in therapy"]
    assert [s["label"] for s in v["legend"]["shapes"]] == ["you", "your therapist", "a person"]
    assert v["kinds"][by_id(v["rels"])["r-boss"]["k"]]["label"] == "rivalry (your words)"
    shown = [w for value in v["words"].values() for w in (value if isinstance(value, list) else [value])]
    words = " ".join(shown).lower()  # the drawing's own labels, its toolbar's included
    assert not [j for j in JARGON if j.lower() in words]


def test_the_toolbar_chooser_lists_every_pattern_and_marks_the_lit_one():
    m = small_map()
    for cv in (False, True):  # the Patterns page lists every pattern in both views; so does the chooser
        v = build_view(m, client_view=cv, highlight_pattern="pt")
        assert v["choices"] == [[pt.id, pt.title] for pt in m.patterns] and v["hp"] == "pt"
    assert build_view(m, highlight_pattern="ghost")["hp"] is None


def test_legend_lists_kinds_in_style_order_and_only_what_is_present():
    v = build_view(small_map())
    order = [v["kinds"][i]["label"] for i in v["legend"]["kinds"]]
    # LINE_STYLES order: close, cut off, controlling, supportive; free text last.
    assert order == ["close", "cut off", "controlling", "supportive", "rivalry (own words)"]
    assert [c["label"] for c in v["legend"]["corners"]] == ["past", "current", "therapy"]
    assert v["legend"]["dead"] is True


def test_selection_is_passed_only_for_items_that_exist():
    m = small_map()
    assert build_view(m, selected=("person", "mum"))["selected"] == {"kind": "person", "id": "mum"}
    assert build_view(m, selected=("relationship", "r-doc"))["selected"] == {"kind": "relationship", "id": "r-doc"}
    assert build_view(m, selected=("person", "r-doc"))["selected"] is None
    assert build_view(m, selected=("pattern", "pt"))["selected"] is None


def test_accessible_label_counts_people_and_relationships():
    assert build_view(small_map())["aria"] == "Relationship map with 5 people and 5 relationships"


def test_long_notes_are_clipped_and_share_a_budget():
    m = small_map()
    long = m.model_copy(update={"people": tuple(p.model_copy(update={"notes": "word " * 400}) for p in m.people)})
    nt = by_id(build_view(long)["people"])["mum"]["nt"]
    assert len(nt) == NOTES_MAX and nt.endswith("…")
    # 200 people and 297 relationships with notes: 6000 // 497 = 12 characters each, too few: left out.
    big = synthetic(200)
    with_notes = sum(1 for p in big.people if p.notes) + sum(1 for r in big.relationships if r.notes)
    assert NOTES_BUDGET // with_notes < 40
    assert notes_limit(big) == 0


def test_pack_is_compact_escaped_and_round_trips():
    v = build_view(hostile())
    data = pack(v)
    text = data.decode("utf-8")
    for ch in ("<", ">", "&", "\u2028", "\u2029"):
        assert ch not in text
    assert unpack(data) == v
    assert PAYLOADS[0] in json.dumps(unpack(data))  # the payload arrives intact, as text


def test_two_hundred_people_fit_the_wire_budget():
    # The budget is < 50 KB per edit for the whole page; the map's share must leave room.
    m = synthetic(200)
    assert len(m.people) == 200 and len(m.relationships) == 297
    for kw in ({}, {"highlight_pattern": "pt1"}, {"client_view": True}):
        assert len(pack(build_view(m, **kw))) < 35_000
