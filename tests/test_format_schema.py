"""The published JSON Schema: never stale, faithful to the vocabularies, and it accepts real files.

`jsonschema` is not a dependency, so a small independent checker for the keywords the schema uses
lives here (and the test fails if the schema starts using a keyword it does not know).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from typing import Any

import pytest
from broken_files import VALID, WRONG_TYPES
from hypothesis import HealthCheck, given, settings
from mapgen import maps

from ditmap.fileformat import dumps
from ditmap.model import COLLECTIONS, DitMap
from ditmap.schema import json_schema, schema_text
from ditmap.vocab import ANCHOR_KINDS, CLOSENESS, COMMENT_STATUSES, CORNERS, DIRECTIONS, PATTERN_STATUSES

ROOT = Path(__file__).resolve().parent.parent
PUBLISHED = ROOT / "docs" / "ditmap.schema.json"
SAMPLES = sorted((ROOT / "sample_data").glob("*.ditmap.json"))


def test_published_schema_equals_the_generated_one() -> None:
    assert PUBLISHED.read_text(encoding="utf-8") == schema_text(), \
        "regenerate with: python -m ditmap.schema docs/ditmap.schema.json"


def _defs() -> dict[str, Any]:
    return json.loads(PUBLISHED.read_text(encoding="utf-8"))["$defs"]


def _prop(model: str, field: str) -> dict[str, Any]:
    p = _defs()[model]["properties"][field]
    return next((a for a in p["anyOf"] if a.get("type") != "null"), p) if "anyOf" in p else p


def test_schema_structure_matches_the_model_and_vocabularies() -> None:
    schema = json.loads(PUBLISHED.read_text(encoding="utf-8"))
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["required"] == ["format", "version"]
    assert schema["properties"]["format"]["const"] == "ditmap"
    assert schema["properties"]["version"]["const"] == 1
    assert list(schema["properties"]) == list(DitMap.model_fields)
    assert schema["additionalProperties"] is False
    for name, (_field, model) in COLLECTIONS.items():
        d = _defs()[model.__name__]
        assert d["additionalProperties"] is False, name
        assert list(d["properties"]) == list(model.model_fields), name
        assert "id" in d["required"]
    assert _prop("Relationship", "corner")["enum"] == list(CORNERS) == ["past", "current", "therapy"]
    assert _prop("Relationship", "closeness")["enum"] == list(CLOSENESS) == ["inner", "middle", "outer"]
    assert _prop("Relationship", "direction")["enum"] == list(DIRECTIONS)
    assert _prop("Pattern", "status")["enum"] == list(PATTERN_STATUSES) == ["draft", "agreed"]
    assert _prop("Comment", "status")["enum"] == list(COMMENT_STATUSES) == ["open", "resolved"]
    assert _prop("Comment", "anchor_kind")["enum"] == list(ANCHOR_KINDS) == [
        "person", "relationship", "pattern", "version"]
    ranges = {("Relationship", "intensity"): (1, 5), ("Enactment", "strength"): (1, 3),
              ("Session", "phq9"): (0, 27), ("Session", "gad7"): (0, 21), ("Session", "number"): (1, 99)}
    for (model, field), (lo, hi) in ranges.items():
        p = _prop(model, field)
        assert (p["type"], p["minimum"], p["maximum"]) == ("integer", lo, hi), (model, field)
    assert _prop("Person", "id")["pattern"] == "^[A-Za-z0-9_.:-]{1,64}$"
    assert _prop("Session", "date")["format"] == "date"


# --- a small independent checker for the subset of JSON Schema the schema uses -----------------

KNOWN = {"$schema", "$defs", "$ref", "$comment", "title", "description", "default", "type", "properties",
         "required", "additionalProperties", "items", "enum", "const", "minimum", "maximum", "minLength",
         "maxLength", "pattern", "anyOf", "format"}
TYPES = {"object": dict, "array": list, "string": str, "boolean": bool, "null": type(None)}


def _keywords(node: Any, out: set[str]) -> set[str]:
    if isinstance(node, dict):
        for k, v in node.items():
            out.add(k)
            if k in ("properties", "$defs"):
                for sub in v.values():
                    _keywords(sub, out)
            elif k not in ("enum", "const", "default", "required"):
                _keywords(v, out)
    elif isinstance(node, list):
        for v in node:
            _keywords(v, out)
    return out


def check(value: Any, node: dict[str, Any], root: dict[str, Any], where: str = "") -> list[str]:
    """Errors of `value` against schema `node`, each as "where: keyword"."""
    if "$ref" in node:
        node = root["$defs"][node["$ref"].rsplit("/", 1)[1]]
    if "anyOf" in node:
        return [] if any(not check(value, n, root, where) for n in node["anyOf"]) else [f"{where}: anyOf"]
    errors: list[str] = []
    t = node.get("type")
    if t == "integer":
        ok = isinstance(value, int) and not isinstance(value, bool)
    elif t == "number":
        ok = isinstance(value, (int, float)) and not isinstance(value, bool)
    else:
        ok = t is None or isinstance(value, TYPES[t])
    if not ok:
        return [f"{where}: type"]
    if "const" in node and value != node["const"]:
        errors.append(f"{where}: const")
    if "enum" in node and value not in node["enum"]:
        errors.append(f"{where}: enum")
    if "minimum" in node and value < node["minimum"]:
        errors.append(f"{where}: minimum")
    if "maximum" in node and value > node["maximum"]:
        errors.append(f"{where}: maximum")
    if isinstance(value, str):
        if len(value) < node.get("minLength", 0) or len(value) > node.get("maxLength", 1 << 60):
            errors.append(f"{where}: length")
        if "pattern" in node and not re.search(node["pattern"], value):
            errors.append(f"{where}: pattern")
        fmt = {"date": dt.date.fromisoformat, "date-time": dt.datetime.fromisoformat}.get(node.get("format", ""))
        if fmt:
            try:
                fmt(value)
            except ValueError:
                errors.append(f"{where}: format")
    if isinstance(value, dict):
        props = node.get("properties", {})
        errors += [f"{where}.{k}: required".lstrip(".") for k in node.get("required", []) if k not in value]
        for k, v in value.items():
            if k in props:
                errors += check(v, props[k], root, f"{where}.{k}".lstrip("."))
            elif node.get("additionalProperties") is False:
                errors.append(f"{where}.{k}: additionalProperties".lstrip("."))
    if isinstance(value, list) and "items" in node:
        for i, v in enumerate(value):
            errors += check(v, node["items"], root, f"{where}[{i}]")
    return errors


def test_the_checker_knows_every_keyword_the_schema_uses() -> None:
    assert _keywords(json_schema(), set()) - KNOWN == set()


@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: p.name)
def test_every_sample_file_validates_against_the_published_schema(path: Path) -> None:
    schema = json.loads(PUBLISHED.read_text(encoding="utf-8"))
    assert check(json.loads(path.read_text(encoding="utf-8")), schema, schema) == []


def test_there_are_three_samples_to_check() -> None:
    assert [p.name for p in SAMPLES] == ["complex-trauma-abandonment.ditmap.json",
                                         "depression-self-critical.ditmap.json",
                                         "social-anxiety-pleasing.ditmap.json"]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(maps())
def test_every_file_ditmap_writes_validates_against_the_schema(m: DitMap) -> None:
    schema = json_schema()
    assert check(json.loads(dumps(m)), schema, schema) == []


def test_the_schema_refuses_the_wrong_types_the_reader_refuses() -> None:
    schema = json_schema()
    assert check(VALID, schema, schema) == []
    for collection, (bad, lines) in WRONG_TYPES.items():
        doc = json.loads(json.dumps(VALID))
        if collection == "client":
            doc["client"] = bad
        elif collection == "people":
            doc["people"][1] = bad
        else:
            doc[collection][0] = bad
        flagged = {e.split(": ")[0] for e in check(doc, schema, schema)}
        expected = {line.split(": ")[0] for line in lines}
        assert flagged == expected, collection
