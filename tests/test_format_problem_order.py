"""Problems come out in ditmap's documented order (docs/format.md), whatever order pydantic reports."""

from __future__ import annotations

import json
import random

import pydantic
import pytest
from broken_files import VALID

from ditmap.fileformat import MapFileError, loads
from ditmap.integrity import Problem
from ditmap.validation import sort_problems

# One document with problems at many places: unknown and missing fields in one item, wrong values in
# several fields of one relationship, a dangling reference, a top-level field the format lacks.
_DOC = {
    **VALID,
    "zz_extra": 1,
    "client": {**VALID["client"], "start_date": "2026-02-30", "nickname": "x"},
    "people": [*VALID["people"], {"id": "p4", "shoe_size": 42, "alive": "yes", "role": 7}],
    "relationships": [{**VALID["relationships"][0], "target": "p99", "intensity": 9, "corner": "future",
                       "closeness": "far"}, *VALID["relationships"][1:]],
    "sessions": [{"id": "s1", "number": 1, "phq9": 30, "gad7": -1}],
}

# Written by hand from the documented rules: top-level order, item index, the model's field order,
# unknown fields after known ones (by name), then kind.
EXPECTED = [
    'client.start_date: is not a date on the calendar (got "2026-02-30")',
    "client.nickname: unknown field",
    "people[3].alias: missing",
    "people[3].role: must be text (got 7)",
    'people[3].alive: must be true or false (got "yes")',
    "people[3].shoe_size: unknown field",
    'relationships[0].target: no person with id "p99"',
    'relationships[0].corner: must be one of past, current, therapy (got "future")',
    "relationships[0].intensity: must be a whole number from 1 to 5 (got 9)",
    'relationships[0].closeness: must be one of inner, middle, outer (got "far")',
    "sessions[0].phq9: must be a whole number from 0 to 27 (got 30)",
    "sessions[0].gad7: must be a whole number from 0 to 21 (got -1)",
    "zz_extra: unknown field",
]


def _problems() -> list[str]:
    with pytest.raises(MapFileError) as caught:
        loads(json.dumps(_DOC))
    return [str(p) for p in caught.value.problems]


@pytest.mark.parametrize("order", ["as reported", "reversed", "shuffled 1", "shuffled 2", "shuffled 3"])
def test_problem_order_does_not_depend_on_the_validators_order(order, monkeypatch) -> None:
    real = pydantic.ValidationError.errors
    rng = random.Random(order)

    def reordered(self, *args, **kwargs):
        errors = list(real(self, *args, **kwargs))
        if order == "reversed":
            errors.reverse()
        elif order != "as reported":
            rng.shuffle(errors)
        return errors

    monkeypatch.setattr(pydantic.ValidationError, "errors", reordered)
    assert _problems() == EXPECTED


def test_at_one_place_kinds_come_in_the_documented_order() -> None:
    at = "relationships[2].target"
    mixed = [Problem(at, "z rule", "rule"), Problem(at, 'no person with id "p9"', "reference"),
             Problem(at, "must be text", "value"), Problem(at, "missing", "missing"),
             Problem(at, "unknown field", "unknown"), Problem(at, 'duplicate id "x"', "duplicate")]
    for seed in range(5):
        random.Random(seed).shuffle(mixed)
        assert [p.kind for p in sort_problems(mixed)] == ["unknown", "missing", "value", "duplicate", "reference",
                                                         "rule"]


def test_whole_file_problems_first_then_paths_then_text_places() -> None:
    got = sort_problems([Problem("line 3, column 2", "x"), Problem("people[0].alias", "missing", "missing"),
                         Problem("", "the file is empty"), Problem("people[0]", "must be an object")])
    assert [p.where for p in got] == ["", "people[0]", "people[0].alias", "line 3, column 2"]
