"""The format's item limits hold for files and for edits alike: what is accepted can be opened and drawn."""

from __future__ import annotations

import pytest

from ditmap.model import MAX_ITEMS, DitMap, Person
from ditmap.operations import AddItem, OperationError, UpdateClient


def _full() -> DitMap:
    people = [Person(id="self", alias="Me", role="self")]
    people += [Person(id=f"p{i}", alias=f"P{i}") for i in range(1, MAX_ITEMS["people"])]
    return DitMap(people=tuple(people))


def test_an_edit_that_would_pass_a_limit_is_refused_in_words_and_changes_nothing() -> None:
    m = _full()
    assert len(m.people) == 500
    with pytest.raises(OperationError) as caught:
        AddItem(kind="person", item={"id": "one-more", "alias": "One more"}).apply(m)
    assert [str(p) for p in caught.value.problems] == ["people: a map can hold at most 500 people (this one has 501)"]
    assert len(m.people) == 500


def test_a_map_at_its_limit_still_takes_other_edits() -> None:
    after = UpdateClient(changes={"pseudonym": "K."}).apply(_full())
    assert after.client.pseudonym == "K." and len(after.people) == 500


def test_a_blank_name_is_refused_for_edits_as_for_files() -> None:
    with pytest.raises(OperationError) as caught:
        UpdateClient(changes={"pseudonym": "  "}).apply(DitMap())
    assert "must not be blank" in str(caught.value.problems[0])


def test_a_map_at_the_people_limit_with_no_relationships_is_placed_and_drawn_without_scipy(monkeypatch) -> None:
    """Whatever validates must draw: networkx's "auto" layout needs scipy from 500 people, which ditmap lacks."""
    import sys
    import xml.etree.ElementTree as ET

    from ditmap.exports.registry import export_bytes
    from ditmap.layout import place

    monkeypatch.setitem(sys.modules, "scipy", None)  # `import scipy` now fails, as on a machine without it
    m = _full()
    positions = place(m)
    assert len(positions) == 500
    assert all(abs(p.x) < 1e6 and abs(p.y) < 1e6 for p in positions.values())
    assert len({(p.x, p.y) for p in positions.values()}) == 500  # no two people on one spot
    svg = ET.fromstring(export_bytes(m, "svg")[0])
    texts = {"".join(t.itertext()) for t in svg.iter("{http://www.w3.org/2000/svg}text")}
    assert {"P1", "P250", "P499"} <= texts
