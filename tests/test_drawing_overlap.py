"""Nobody is drawn on top of anyone else: people, their names and the corner titles stay apart.

The geometry is computed in Python from the layout and the label metrics the drawing uses
(`ditmap.labels`, the same numbers `netview_data` sends to the browser); a browser test checks those
metrics against what vis-network draws.
"""

from __future__ import annotations

import math
from itertools import pairwise

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from mapgen import people_maps

from ditmap import labels
from ditmap.fileformat import load
from ditmap.layout import place
from ditmap.model import DitMap, Position
from ditmap.operations import SetPositions
from ditmap.samples import sample_paths
from ditmap.ui import netview_data

SAMPLES = sample_paths()


def clashes(m: DitMap, client_view: bool) -> list[str]:
    """Every overlap in the drawing of `m` (positions as stored), as 'A / B' or 'A / corner title'."""
    view = netview_data.unpack(netview_data.pack(netview_data.build_view(m, client_view=client_view)))
    placed = {p["id"]: Position(x=p["x"], y=p["y"]) for p in view["people"]}
    me = m.self_person
    who = [(p.id, p.role, me is not None and p.id == me.id) for p in m.people]
    lines = {p["id"]: (p.get("lb") or p["a"]).split("\n") for p in view["people"]}
    # What the browser draws: the wrapped lines sent, at the font sent (the largest that stays clear).
    boxes = [b.padded(labels.PAD) for b in labels.people_boxes(who, placed, lines, view["lf"])]
    names = [p.alias for p in m.people]
    out = [f"{names[i]} / {names[j]}" for i, j in labels.overlapping_pairs(boxes)]
    centre = tuple(view["backdrop"]["centre"])
    for s in view["backdrop"]["sectors"]:
        for zoom_out in (1.0, 1.5, 2.0, labels.TITLE_MAX_ZOOM_OUT):
            title = labels.title_box(centre, s["angle"], s["far"], s["label"], client_view, zoom_out)
            assert math.isclose(labels.title_centre_radius(s["far"], s["reach"], zoom_out),
                                labels.title_centre_radius(s["far"], labels.title_reach(s["label"], client_view),
                                                           zoom_out), abs_tol=0.5)
            out += [f"{names[i]} / title {s['label']!r} at zoom-out {zoom_out}"
                    for i, b in enumerate(boxes) if b.overlaps(title)]
    return out


def test_samples_are_checked() -> None:
    assert len(SAMPLES) >= 3


@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: p.name)
@pytest.mark.parametrize("client_view", [False, True], ids=["therapist", "client"])
def test_a_sample_as_stored_and_re_arranged_has_no_overlaps(path, client_view: bool) -> None:
    m = load(path)
    assert clashes(m, client_view) == []
    rearranged = SetPositions(positions=place(m, relayout=True)).apply(m)
    assert clashes(rearranged, client_view) == []


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(m=people_maps(60), client_view=st.booleans())
def test_a_new_map_up_to_60_people_has_no_overlaps_placed_or_re_arranged(m: DitMap, client_view: bool) -> None:
    placed = SetPositions(positions=place(m)).apply(m)
    assert clashes(placed, client_view) == []
    rearranged = SetPositions(positions=place(m, relayout=True)).apply(m)
    assert clashes(rearranged, client_view) == []


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(m=people_maps(40), cut=st.integers(1, 40))
def test_people_added_later_go_where_nobody_is_and_move_nobody(m: DitMap, cut: int) -> None:
    """The first people were placed (and stored) earlier; the rest are new."""
    first = SetPositions(positions=place(m)).apply(m)
    earlier = {p.id: p.position for p in first.people[:cut]}
    partial = SetPositions(positions={p.id: earlier.get(p.id) for p in m.people}).apply(m)
    now = place(partial)
    assert all(now[pid] == pos for pid, pos in earlier.items())
    assert clashes(SetPositions(positions=now).apply(m), False) == []


def test_people_placed_without_storing_do_not_move_when_someone_is_added_after_them() -> None:
    m = load(SAMPLES[0])
    bare = SetPositions(positions={p.id: None for p in m.people}).apply(m)
    before = place(bare)
    me = bare.self_person
    grown = bare.model_copy(update={
        "people": (*bare.people, bare.people[1].model_copy(update={"id": "p-new", "alias": "New friend"})),
        "relationships": (*bare.relationships, bare.relationships[0].model_copy(
            update={"id": "r-new", "source": me.id, "target": "p-new", "corner": "current"}))})
    after = place(grown)
    assert all(after[pid] == pos for pid, pos in before.items())


def test_two_people_in_one_sector_and_circle_are_never_on_one_spot() -> None:
    """Dad and Pat were drawn on the same spot; so did Re-arrange."""
    m = DitMap.model_validate({
        "people": [{"id": "me", "alias": "Me", "role": "self"}, {"id": "dad", "alias": "Dad", "role": "father"},
                   {"id": "pat", "alias": "Pat (foster carer)", "role": "parent figure"}],
        "relationships": [{"id": "r1", "source": "me", "target": "dad", "corner": "past", "closeness": "outer"},
                          {"id": "r2", "source": "me", "target": "pat", "corner": "past", "closeness": "outer"}]})
    for relayout in (False, True):
        pos = place(m, relayout=relayout)
        assert math.hypot(pos["dad"].x - pos["pat"].x, pos["dad"].y - pos["pat"].y) >= 60
        assert clashes(SetPositions(positions=pos).apply(m), False) == []


def test_long_names_wrap_onto_at_most_three_lines() -> None:
    lines = labels.label_lines("a" * 200)
    assert len(lines) == labels.MAX_LINES and all(len(x) <= labels.LINE_CHARS for x in lines)
    assert lines[-1].endswith("…")
    assert labels.label_lines("Previous counsellor (2023)") == ["Previous", "counsellor", "(2023)"]
    assert all(a <= b for a, b in pairwise([labels.text_width("x" * n, 14) for n in range(5)]))
