"""The file format in-process: canonical text, atomic writes, every refusal, migration."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from broken_files import VALID, cases

from ditmap import fileformat
from ditmap.fileformat import MAX_BYTES, MapFileError, dump, dumps, load, loads
from ditmap.model import DitMap, Person, Position, Relationship, empty_map


def _problems(data: str | bytes) -> list[str]:
    with pytest.raises(MapFileError) as caught:
        loads(data)
    assert isinstance(caught.value, ValueError)
    return [str(p) for p in caught.value.problems]


# --- writing -----------------------------------------------------------------------------------

def test_canonical_text_is_exactly_as_documented() -> None:
    m = DitMap(people=(Person(id="self", alias="Zoë “Z”", role="self", position=Position(x=0, y=-12.5)),
                       Person(id="mum", alias="Mum", role="mother", alive=False)),
               relationships=(Relationship(id="r1", source="self", target="mum", corner="past", intensity=4,
                                           feelings=("shame", "warmth/love")),))
    expected = """{
  "format": "ditmap",
  "version": 1,
  "client": {
    "pseudonym": "Client",
    "therapist": "",
    "start_date": null
  },
  "people": [
    {
      "id": "self",
      "alias": "Zoë “Z”",
      "role": "self",
      "alive": true,
      "notes": "",
      "position": {
        "x": 0.0,
        "y": -12.5
      }
    },
    {
      "id": "mum",
      "alias": "Mum",
      "role": "mother",
      "alive": false,
      "notes": "",
      "position": null
    }
  ],
  "relationships": [
    {
      "id": "r1",
      "source": "self",
      "target": "mum",
      "corner": "past",
      "kind": "close",
      "direction": "mutual",
      "intensity": 4,
      "closeness": "middle",
      "feelings": [
        "shame",
        "warmth/love"
      ],
      "communication_style": "",
      "notes": ""
    }
  ],
  "patterns": [],
  "enactments": [],
  "sessions": [],
  "comments": []
}
"""
    assert dumps(m) == expected
    assert loads(expected) == m


def test_dump_writes_utf8_and_leaves_no_temp_file(tmp_path: Path) -> None:
    m = empty_map("Zoë", self_alias="🙂 me")
    path = tmp_path / "z.ditmap.json"
    dump(m, path)
    raw = path.read_bytes()
    assert "Zoë".encode() in raw and "🙂".encode() in raw  # raw UTF-8, not \\u escapes
    assert os.listdir(tmp_path) == ["z.ditmap.json"]
    assert load(path) == m


def test_a_new_file_is_private_and_a_replaced_file_keeps_its_mode(tmp_path: Path) -> None:
    new, shared = tmp_path / "new.ditmap.json", tmp_path / "shared.ditmap.json"
    dump(empty_map(), new)
    assert new.stat().st_mode & 0o777 == 0o600
    shared.write_text("old", encoding="utf-8")
    shared.chmod(0o640)
    dump(empty_map(), shared)
    assert shared.stat().st_mode & 0o777 == 0o640 and load(shared) == empty_map()


def test_a_failed_write_keeps_the_old_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "case.ditmap.json"
    dump(empty_map("Old"), path)
    before = path.read_bytes()

    def broken_replace(src: str, dst: str) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(fileformat.os, "replace", broken_replace)
    with pytest.raises(OSError):
        dump(empty_map("New"), path)
    assert path.read_bytes() == before
    assert os.listdir(tmp_path) == ["case.ditmap.json"]


# --- reading: every broken file of the battery, in-process --------------------------------------

@pytest.mark.parametrize("case", cases(), ids=lambda c: c.name)
def test_broken_file_gives_exactly_the_expected_problems(case) -> None:
    assert _problems(case.bytes()) == case.lines


def test_all_problems_of_a_file_are_collected() -> None:
    doc = json.loads(json.dumps(VALID))
    doc["people"][1]["alive"] = "no"
    doc["relationships"][1]["target"] = "p99"
    doc["sessions"][0]["gad7"] = 40
    doc["comments"][0]["anchor"] = "nobody"
    assert _problems(json.dumps(doc)) == [
        'people[1].alive: must be true or false (got "no")',
        'relationships[1].target: no person with id "p99"',
        "sessions[0].gad7: must be a whole number from 0 to 21 (got 40)",
        'comments[0].anchor: no person with id "nobody"',
    ]


def test_brackets_inside_text_do_not_count_as_nesting() -> None:
    doc = json.loads(json.dumps(VALID))
    doc["people"][1]["notes"] = "[" * 500 + '{"\\"' + "]" * 3
    m = loads(json.dumps(doc))
    assert m.people[1].notes.startswith("[[[")


def test_nesting_limit_is_64() -> None:
    def with_notes_depth(n: int) -> str:  # {  "people": [  {  notes: n  → 3 + n levels
        doc = json.loads(json.dumps(VALID))
        doc["people"][1]["notes"] = json.loads("[" * n + "]" * n)
        return json.dumps(doc)
    assert _problems(with_notes_depth(61)) == ["people[1].notes: must be text (got a list […])"]
    assert _problems(with_notes_depth(62)) == [
        "nested 65 levels deep; a map file is never nested more than 64 (is this really a ditmap file?)"]


def test_text_over_the_size_limit_is_refused_before_parsing() -> None:
    text = '{"format": "ditmap", "version": 1, "people": [' + " " * MAX_BYTES + "]}"
    assert _problems(text) == [f"the file is {len(text) / 1024 / 1024:.1f} MB; a map file can be at most 5 MB "
                               "(is this really a ditmap file?)"]


def test_a_big_sparse_file_is_refused_from_its_size_alone(tmp_path: Path) -> None:
    path = tmp_path / "huge.ditmap.json"
    with path.open("wb") as f:
        f.truncate(60 * 1024 * 1024)  # 60 MiB of nothing, never written out
    with pytest.raises(MapFileError) as caught:
        load(path)
    assert [str(p) for p in caught.value.problems] == [
        "the file is 60.0 MB; a map file can be at most 5 MB (is this really a ditmap file?)"]


def test_missing_file_and_folder(tmp_path: Path) -> None:
    with pytest.raises(MapFileError, match="no such file"):
        load(tmp_path / "nope.ditmap.json")
    with pytest.raises(MapFileError, match="this is a folder, not a map file"):
        load(tmp_path)


def test_byte_order_mark_is_accepted() -> None:
    assert loads(b"\xef\xbb\xbf" + json.dumps(VALID).encode()) == DitMap.model_validate(VALID)


def test_broken_unicode_in_text_is_named() -> None:
    doc = json.dumps(VALID).replace('"Ana"', '"An\\ud800a"')
    assert _problems(doc) == [
        "people[2].alias: holds a broken character (an unpaired UTF-16 surrogate, such as \\ud800); retype the text"]


def test_numbers_python_cannot_hold_are_named_where_they_are() -> None:
    doc = json.dumps(VALID).replace('"phq9": 18', '"phq9": ' + "9" * 5000).replace('"version": 1', '"version": NaN')
    assert _problems(doc) == ["version: must be a whole number such as 1 (got NaN)"]
    doc = doc.replace('"version": NaN', '"version": 1')
    assert _problems(doc) == ["sessions[0].phq9: the number 999999999999… (5000 digits) is too large"]


def test_non_text_input_is_refused() -> None:
    with pytest.raises(MapFileError, match="expected the text of a map file, got int"):
        loads(123)  # type: ignore[arg-type]


def test_lax_python_values_are_not_accepted_from_a_file() -> None:
    """The model accepts "3" from Python code; a file saying "3" for an intensity is refused."""
    doc = json.loads(json.dumps(VALID))
    doc["relationships"][0]["intensity"] = "3"
    doc["people"][1]["alive"] = 1
    assert _problems(json.dumps(doc)) == [
        "people[1].alive: must be true or false (got 1)",
        'relationships[0].intensity: must be a whole number from 1 to 5 (got "3")',
    ]


# --- versions and migration ---------------------------------------------------------------------

def _v0_to_v1(doc: dict) -> dict:
    """A pretend version 0 that called people "persons" and relationships' people "from"/"to"."""
    doc["people"] = doc.pop("persons", [])
    doc["relationships"] = [{**{k: v for k, v in r.items() if k not in ("from", "to")},
                             "source": r["from"], "target": r["to"]} for r in doc.get("relationships", [])]
    return doc


def test_an_older_version_is_migrated_step_by_step(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[int] = []

    def v_minus1_to_v0(doc: dict) -> dict:
        calls.append(-1)
        doc["persons"] = doc.pop("folk")
        return doc

    def v0_to_v1(doc: dict) -> dict:
        calls.append(0)
        return _v0_to_v1(doc)

    monkeypatch.setitem(fileformat.MIGRATIONS, -1, v_minus1_to_v0)
    monkeypatch.setitem(fileformat.MIGRATIONS, 0, v0_to_v1)
    old = {"format": "ditmap", "version": -1,
           "folk": [{"id": "self", "alias": "Me", "role": "self"}, {"id": "mum", "alias": "Mum"}],
           "relationships": [{"id": "r1", "from": "self", "to": "mum", "corner": "past"}]}
    m = loads(json.dumps(old))
    assert calls == [-1, 0]
    assert [p.id for p in m.people] == ["self", "mum"]
    assert (m.relationships[0].source, m.relationships[0].target) == ("self", "mum")
    assert m.version == 1 and json.loads(dumps(m))["version"] == 1  # saved in the current version
    assert _problems(json.dumps({**old, "version": -2})) == [
        "version: format version -2 is not one ditmap knows (it reads versions -1 to 1)"]


def test_a_migrated_file_is_still_fully_validated(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(fileformat.MIGRATIONS, 0, _v0_to_v1)
    old = {"format": "ditmap", "version": 0, "persons": [{"id": "self", "alias": "Me"}],
           "relationships": [{"id": "r1", "from": "self", "to": "ghost"}]}
    assert _problems(json.dumps(old)) == ['relationships[0].target: no person with id "ghost"']


def test_a_migration_that_fails_gives_a_message_not_a_traceback(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(fileformat.MIGRATIONS, 0, _v0_to_v1)
    old = {"format": "ditmap", "version": 0, "relationships": [{"id": "r1"}]}
    assert _problems(json.dumps(old)) == ["version: could not upgrade this version 0 file: missing 'from'"]


def test_without_migrations_version_1_is_the_only_one_read() -> None:
    assert fileformat.MIGRATIONS == {}
    assert _problems(json.dumps({**VALID, "version": 0})) == [
        "version: format version 0 is not one ditmap knows (it reads version 1)"]
    assert _problems(json.dumps({**VALID, "version": True})) == [
        "version: must be a whole number such as 1 (got true)"]
