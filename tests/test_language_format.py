"""`paced` in the file format: written only when true, read back exactly, and checked like any field."""

from __future__ import annotations

import json

import pytest

from ditmap.fileformat import MapFileError, dumps, loads
from ditmap.model import DitMap, Person, Relationship
from ditmap.operations import UpdateItem


def two_people(paced: bool) -> DitMap:
    return DitMap(people=(Person(id="self", alias="Me", role="self"), Person(id="g", alias="G.", paced=paced)),
                  relationships=(Relationship(id="r", source="self", target="g", paced=paced),))


def test_paced_is_written_only_when_true_and_reads_back():
    plain = json.loads(dumps(two_people(False)))  # an independent reader: json
    assert all("paced" not in item for item in plain["people"] + plain["relationships"])
    marked = json.loads(dumps(two_people(True)))
    assert marked["people"][1]["paced"] is True and marked["relationships"][0]["paced"] is True
    assert "paced" not in marked["people"][0]
    m = loads(dumps(two_people(True)))
    assert m.people_by_id["g"].paced and m.is_paced("r") and dumps(m) == dumps(two_people(True))


def test_a_relationship_is_paced_when_either_person_is():
    m = DitMap(people=(Person(id="self", alias="Me", role="self"), Person(id="g", alias="G.", paced=True)),
               relationships=(Relationship(id="r", source="self", target="g"),))
    assert m.is_paced("r") and not m.relationships_by_id["r"].paced and not m.is_paced("nope")


def test_a_bad_paced_value_says_where_and_what():
    doc = json.loads(dumps(two_people(False)))
    doc["people"][1]["paced"] = "yes please"
    with pytest.raises(MapFileError) as err:
        loads(json.dumps(doc))
    assert any(p.where == "people[1].paced" for p in err.value.problems)


def test_marking_and_unmarking_is_an_edit_that_undoes():
    m = two_people(False)
    op = UpdateItem(kind="person", id="g", changes={"paced": True})
    marked = op.apply(m)
    assert marked.people_by_id["g"].paced
    assert op.inverse(m).apply(marked) == m
