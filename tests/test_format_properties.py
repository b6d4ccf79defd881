"""Property tests: every valid map survives the file byte for byte."""

from __future__ import annotations

import datetime as dt
import json

from hypothesis import HealthCheck, given, settings
from mapgen import map_documents, maps

from ditmap.fileformat import dump, dumps, load, loads
from ditmap.model import DitMap

SETTINGS = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(maps())
def test_round_trip_is_lossless_and_byte_identical(m: DitMap) -> None:
    text = dumps(m)
    again = loads(text)
    assert again == m
    assert dumps(again) == text
    assert loads(text.encode("utf-8")) == m


@SETTINGS
@given(map_documents())
def test_canonical_text_is_plain_json_in_field_order(doc: dict) -> None:
    text = dumps(DitMap.model_validate(doc))
    parsed = json.loads(text, parse_constant=_refuse)  # an independent reader; no NaN/Infinity
    assert list(parsed) == ["format", "version", "client", "people", "relationships", "patterns",
                            "enactments", "sessions", "comments"]
    for field in ("people", "relationships", "patterns", "enactments", "sessions", "comments"):
        assert [item["id"] for item in parsed[field]] == [item["id"] for item in doc[field]]
        for written, given_item in zip(parsed[field], doc[field], strict=True):
            for key, value in given_item.items():  # every value given comes back as given (tuples as lists)
                if key == "created":  # an instant: "+00:00" may be written "Z"
                    assert dt.datetime.fromisoformat(written[key]) == dt.datetime.fromisoformat(value)
                else:
                    assert written[key] == value, (field, key)
    assert text.endswith("}\n")


def _refuse(token: str) -> None:
    raise AssertionError(f"{token} written")


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(maps())
def test_dump_then_load_through_a_real_file(tmp_path_factory, m: DitMap) -> None:
    path = tmp_path_factory.mktemp("rt") / "case.ditmap.json"
    dump(m, path)
    assert path.read_bytes() == dumps(m).encode("utf-8")
    assert load(path) == m
    assert [p.name for p in path.parent.iterdir()] == ["case.ditmap.json"]  # no temp file left behind
