"""Whatever a file holds, reading it gives a map or a MapFileError — never any other exception."""

from __future__ import annotations

import copy
import json
from typing import Any

from broken_files import VALID
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ditmap.fileformat import MapFileError, dumps, loads
from ditmap.model import DitMap

SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])

json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-10**30, 10**30) | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=20) | st.sampled_from(["self", "mum", "r-mum", "pt1", "person", "agreed", "2026-02-03"]),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=8)


def _paths(value: Any, prefix: tuple = ()) -> list[tuple]:
    out = [prefix] if prefix else []
    if isinstance(value, dict):
        for k, v in value.items():
            out += _paths(v, (*prefix, k))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            out += _paths(v, (*prefix, i))
    return out


PATHS = _paths(VALID)


def _read(data: str | bytes) -> None:
    try:
        m = loads(data)
    except MapFileError as err:
        assert err.problems
        assert all(isinstance(p.what, str) and p.what for p in err.problems)
    else:
        assert isinstance(m, DitMap)
        assert loads(dumps(m)) == m


@SETTINGS
@given(st.sampled_from(PATHS), json_values)
def test_any_value_anywhere_gives_a_map_or_problems(path: tuple, value: Any) -> None:
    doc = copy.deepcopy(VALID)
    target = doc
    for part in path[:-1]:
        target = target[part]
    target[path[-1]] = value
    _read(json.dumps(doc))


@SETTINGS
@given(st.sampled_from(PATHS[:40]), st.text(max_size=8), json_values)
def test_any_extra_key_gives_a_map_or_problems(path: tuple, key: str, value: Any) -> None:
    doc = copy.deepcopy(VALID)
    target = doc
    for part in path:
        target = target[part]
    if isinstance(target, dict):
        target[key] = value
    _read(json.dumps(doc))


TEXT = json.dumps(VALID, indent=1).encode("utf-8")


@SETTINGS
@given(st.integers(0, len(TEXT)), st.lists(st.tuples(st.integers(0, len(TEXT) - 1), st.integers(0, 255)),
                                           max_size=4))
def test_cut_or_corrupted_bytes_give_a_map_or_problems(cut: int, flips: list[tuple[int, int]]) -> None:
    data = bytearray(TEXT[:cut] if cut < len(TEXT) // 4 else TEXT)
    for i, b in flips:
        if i < len(data):
            data[i] = b
    _read(bytes(data))
    _read(bytes(data).decode("utf-8", "replace"))


@SETTINGS
@given(st.text(max_size=60))
def test_any_text_gives_a_map_or_problems(text: str) -> None:
    _read(text)
    _read('{"format": "ditmap", "version": 1, ' + text)
