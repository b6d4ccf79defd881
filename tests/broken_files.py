"""The battery of broken map files, generated on demand (no 50 MB file in the repository).

Each case is a file and the lines `ditmap validate` must print for it: every expected line is
written out by hand here, so the tests compare against what a clinician should read, not against
what the code happens to say. Used by tests/test_format_cli.py and benchmarks/format_validate.py.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

# A small valid map touching every item kind; cases break it one way each.
VALID: dict[str, Any] = {
    "format": "ditmap",
    "version": 1,
    "client": {"pseudonym": "C-7", "therapist": "Dr K", "start_date": "2026-01-06"},
    "people": [
        {"id": "self", "alias": "Me", "role": "self", "alive": True, "notes": "", "position": {"x": 0, "y": 0}},
        {"id": "mum", "alias": "Mum", "role": "mother"},
        {"id": "ana", "alias": "Ana", "role": "partner"},
    ],
    "relationships": [
        {"id": "r-mum", "source": "self", "target": "mum", "corner": "past", "intensity": 5},
        {"id": "r-ana", "source": "self", "target": "ana", "corner": "current", "closeness": "inner"},
    ],
    "patterns": [{"id": "pt1", "title": "Not good enough", "status": "agreed", "agreed_on": "2026-02-03"}],
    "enactments": [{"id": "e1", "pattern": "pt1", "relationship": "r-mum", "strength": 3}],
    "sessions": [{"id": "s1", "number": 1, "date": "2026-01-06", "phq9": 18, "gad7": 12}],
    "comments": [{"id": "c1", "anchor_kind": "person", "anchor": "mum", "text": "Any warmth here?",
                  "created": "2026-02-04T10:00:00Z"}],
}

# Every field of every item with a value of the wrong type, and the sentence each must give.
WRONG_TYPES: dict[str, tuple[dict[str, Any], list[str]]] = {
    "client": ({"pseudonym": 5, "therapist": ["Dr K"], "start_date": "6 Jan 2026"}, [
        "client.pseudonym: must be text (got 5)",
        "client.therapist: must be text (got a list […])",
        'client.start_date: must be a date written YYYY-MM-DD, e.g. 2026-02-03 (got "6 Jan 2026")',
    ]),
    "people": ({"id": 7, "alias": None, "role": ["mother"], "alive": "yes", "notes": 1.5, "position": [1, 2]}, [
        "people[1].id: must be text (got 7)",
        "people[1].alias: must be text (got null)",
        "people[1].role: must be text (got a list […])",
        'people[1].alive: must be true or false (got "yes")',
        "people[1].notes: must be text (got 1.5)",
        "people[1].position: must be an object { … } (got a list […])",
    ]),
    "relationships": ({"id": "r-mum", "source": 1, "target": True, "corner": 2, "kind": {}, "direction": None,
                       "intensity": "5", "closeness": 1, "feelings": "shame", "communication_style": 3,
                       "notes": False}, [
        "relationships[0].source: must be text (got 1)",
        "relationships[0].target: must be text (got true)",
        "relationships[0].corner: must be one of past, current, therapy (got 2)",
        "relationships[0].kind: must be text (got an object {…})",
        "relationships[0].direction: must be one of mutual, source_to_target, target_to_source (got null)",
        'relationships[0].intensity: must be a whole number from 1 to 5 (got "5")',
        "relationships[0].closeness: must be one of inner, middle, outer (got 1)",
        'relationships[0].feelings: must be a list [ … ] (got "shame")',
        "relationships[0].communication_style: must be text (got 3)",
        "relationships[0].notes: must be text (got false)",
    ]),
    "patterns": ({"id": "pt1", "title": 1, "self_representation": 2, "other_representation": 3, "affects": "shame",
                  "defensive_function": 4, "defences": {"a": 1}, "reversal": 5, "transference": 6, "status": True,
                  "agreed_on": 20260203, "client_words": 7, "healthier_alternative": 8}, [
        "patterns[0].title: must be text (got 1)",
        "patterns[0].self_representation: must be text (got 2)",
        "patterns[0].other_representation: must be text (got 3)",
        'patterns[0].affects: must be a list [ … ] (got "shame")',
        "patterns[0].defensive_function: must be text (got 4)",
        "patterns[0].defences: must be a list [ … ] (got an object {…})",
        "patterns[0].reversal: must be text (got 5)",
        "patterns[0].transference: must be text (got 6)",
        "patterns[0].status: must be one of draft, agreed (got true)",
        "patterns[0].agreed_on: must be a date written YYYY-MM-DD, e.g. 2026-02-03 (got 20260203)",
        "patterns[0].client_words: must be text (got 7)",
        "patterns[0].healthier_alternative: must be text (got 8)",
    ]),
    "enactments": ({"id": "e1", "pattern": 1, "relationship": 2, "strength": 2.5, "example": [], "session": "3"}, [
        "enactments[0].pattern: must be text (got 1)",
        "enactments[0].relationship: must be text (got 2)",
        "enactments[0].strength: must be a whole number from 1 to 3 (got 2.5)",
        "enactments[0].example: must be text (got a list […])",
        'enactments[0].session: must be a whole number from 1 to 99 (got "3")',
    ]),
    "sessions": ({"id": "s1", "number": "1", "date": True, "phq9": "18", "gad7": 1.5, "worked_on": 1,
                  "homework": 2, "process_notes": 3}, [
        'sessions[0].number: must be a whole number from 1 to 99 (got "1")',
        "sessions[0].date: must be a date written YYYY-MM-DD, e.g. 2026-02-03 (got true)",
        'sessions[0].phq9: must be a whole number from 0 to 27 (got "18")',
        "sessions[0].gad7: must be a whole number from 0 to 21 (got 1.5)",
        "sessions[0].worked_on: must be text (got 1)",
        "sessions[0].homework: must be text (got 2)",
        "sessions[0].process_notes: must be text (got 3)",
    ]),
    "comments": ({"id": "c1", "anchor_kind": "session", "anchor": 5, "author": 1, "text": None, "status": 0,
                  "created": "yesterday"}, [
        'comments[0].anchor_kind: must be one of person, relationship, pattern, version (got "session")',
        "comments[0].anchor: must be text (got 5)",
        "comments[0].author: must be text (got 1)",
        "comments[0].text: must be text (got null)",
        "comments[0].status: must be one of open, resolved (got 0)",
        'comments[0].created: must be a date and time written like 2026-02-03T14:30:00 (got "yesterday")',
    ]),
}


@dataclass
class Case:
    """A broken file, and the exact lines (after `FILE: `) `ditmap validate` must print for it."""

    name: str
    data: bytes | Callable[[], bytes]  # a callable for the 50 MB file, built only when written
    lines: list[str]

    def bytes(self) -> bytes:
        return self.data() if callable(self.data) else self.data


def _doc(**changes: Any) -> dict[str, Any]:
    doc = copy.deepcopy(VALID)
    doc.update(changes)
    return doc


def _bytes(doc: Any) -> bytes:
    return json.dumps(doc, ensure_ascii=False, indent=2).encode("utf-8")


def _with(path: tuple[Any, ...], value: Any) -> dict[str, Any]:
    doc = copy.deepcopy(VALID)
    target = doc
    for part in path[:-1]:
        target = target[part]
    target[path[-1]] = value
    return doc


def cases() -> list[Case]:
    out: list[Case] = []
    text = _bytes(VALID)

    cut = text[: len(text) // 2]
    line = cut.count(b"\n") + 1
    column = len(cut) - (cut.rfind(b"\n") + 1) + 1
    out.append(Case("truncated", cut, [
        f"line {line}, column {column}: the file ends too early — it may have been cut short while saving "
        "or copying"]))

    for collection, (bad, lines) in WRONG_TYPES.items():
        if collection == "client":
            doc = _doc(client=bad)
        elif collection == "people":  # person 1 (mum); the self stays valid
            doc = _doc()
            doc["people"][1] = bad
        else:
            doc = _doc()
            doc[collection][0] = bad
        extra = []
        if collection == "people":  # Mum's id became 7, so r-mum and c1 now point at nobody
            extra = ['relationships[0].target: no person with id "mum"', 'comments[0].anchor: no person with id "mum"']
        if collection == "patterns":  # status true is not "agreed", so the date rule is not triggered
            extra = []
        out.append(Case(f"wrong types in {collection}", _bytes(doc), [*lines, *extra]))

    out += [
        Case("dangling references", _bytes(_with(("relationships", 1, "target"), "p99")),
             ['relationships[1].target: no person with id "p99"']),
        Case("dangling enactment and comment", _bytes(_doc(
            enactments=[{"id": "e1", "pattern": "pt9", "relationship": "r-x"}],
            comments=[{"id": "c1", "anchor_kind": "relationship", "anchor": "r-x", "text": "?"}])),
             ['enactments[0].pattern: no pattern with id "pt9"',
              'enactments[0].relationship: no relationship with id "r-x"',
              'comments[0].anchor: no relationship with id "r-x"']),
        Case("duplicate ids", _bytes(_with(("people", 2, "id"), "mum")),
             ['people[2].id: duplicate id "mum"', 'relationships[1].target: no person with id "ana"']),
        Case("duplicate session numbers", _bytes(_doc(sessions=[{"id": "s1", "number": 1}, {"id": "s2", "number": 1}])),
             ["sessions[1].number: duplicate session number 1"]),
        Case("self-relationship", _bytes(_with(("relationships", 0, "target"), "self")),
             ['relationships[0].target: a relationship needs two different people (both are "self")']),
        Case("deep nesting", b"[" * 100_000,
             ["nested 100000 levels deep; a map file is never nested more than 64 (is this really a ditmap file?)"]),
        Case("deep nesting inside a field", _bytes(_with(("people", 1, "notes"), json.loads("[" * 70 + "]" * 70))),
             ["nested 73 levels deep; a map file is never nested more than 64 (is this really a ditmap file?)"]),
        Case("NaN", text.replace(b'"intensity": 5', b'"intensity": NaN'),
             ["relationships[0].intensity: NaN is not allowed in a map file; write a number, or null where a "
              "value may be left out"]),
        Case("Infinity", text.replace(b'"x": 0', b'"x": Infinity').replace(b'"phq9": 18', b'"phq9": -Infinity'),
             ["people[0].position.x: Infinity is not allowed in a map file; write a number, or null where a value "
              "may be left out",
              "sessions[0].phq9: -Infinity is not allowed in a map file; write a number, or null where a value "
              "may be left out"]),
        Case("huge number", text.replace(b'"y": 0', b'"y": 1e999'),
             ["people[0].position.y: the number 1e999 is too large"]),
        Case("wrong format", _bytes(_doc(format="kumu")),
             ['format: this is not a ditmap file (expected "ditmap", got "kumu")']),
        Case("no format", _bytes({k: v for k, v in VALID.items() if k != "format"}),
             ['format: missing; a map file says "format": "ditmap"']),
        Case("version 2", _bytes(_doc(version=2)),
             ["version: the file is format version 2, made by a newer ditmap; this one reads up to version 1 — "
              "update ditmap to open it"]),
        Case("version 0", _bytes(_doc(version=0)),
             ["version: format version 0 is not one ditmap knows (it reads version 1)"]),
        Case('version "1"', _bytes(_doc(version="1")),
             ['version: must be a whole number such as 1 (got "1")']),
        Case("no version", _bytes({k: v for k, v in VALID.items() if k != "version"}),
             ["version: missing; this ditmap writes version 1"]),
        Case("top-level array", b"[]",
             ["top level: a map file holds one JSON object { … } at the top, not a list […]"]),
        Case("top-level string", b'"ditmap"',
             ['top level: a map file holds one JSON object { … } at the top, not "ditmap"']),
        Case("empty file", b"", ["the file is empty"]),
        Case("blank file", b"  \n\n", ["the file is empty"]),
        Case("out-of-range scores", _bytes(_doc(
            sessions=[{"id": "s1", "number": 1, "phq9": 28, "gad7": 22}, {"id": "s2", "number": 0, "phq9": -1}],
            relationships=[{**VALID["relationships"][0], "intensity": 0},
                           {**VALID["relationships"][1], "intensity": 6}],
            enactments=[{"id": "e1", "pattern": "pt1", "relationship": "r-mum", "strength": 4}])), [
            "relationships[0].intensity: must be a whole number from 1 to 5 (got 0)",
            "relationships[1].intensity: must be a whole number from 1 to 5 (got 6)",
            "enactments[0].strength: must be a whole number from 1 to 3 (got 4)",
            "sessions[0].phq9: must be a whole number from 0 to 27 (got 28)",
            "sessions[0].gad7: must be a whole number from 0 to 21 (got 22)",
            "sessions[1].number: must be a whole number from 1 to 99 (got 0)",
            "sessions[1].phq9: must be a whole number from 0 to 27 (got -1)",
        ]),
        Case("unknown vocabulary", _bytes(_doc(
            relationships=[{**VALID["relationships"][0], "corner": "future", "closeness": "far"},
                           {**VALID["relationships"][1], "direction": "both"}],
            patterns=[{"id": "pt1", "title": "T", "status": "final"}],
            comments=[{"id": "c1", "anchor_kind": "person", "anchor": "mum", "text": "t", "status": "done"}])), [
            'relationships[0].corner: must be one of past, current, therapy (got "future")',
            'relationships[0].closeness: must be one of inner, middle, outer (got "far")',
            'relationships[1].direction: must be one of mutual, source_to_target, target_to_source (got "both")',
            'patterns[0].status: must be one of draft, agreed (got "final")',
            'comments[0].status: must be one of open, resolved (got "done")',
        ]),
        Case("unknown and missing fields", _bytes(_doc(
            people=[*VALID["people"], {"id": "p4", "shoe_size": 42}], extra={"a": 1})), [
            "people[3].alias: missing",
            "people[3].shoe_size: unknown field",
            "extra: unknown field",
        ]),
        Case("blank pseudonym", _bytes(_with(("client", "pseudonym"), "   ")),
             ["client.pseudonym: must not be blank (it holds only spaces)"]),
        Case("more people than a map holds", _bytes(_doc(
            people=[*VALID["people"], *({"id": f"x{i}", "alias": f"X{i}"} for i in range(498))])),
             ["people: a map can hold at most 500 people (this one has 501)"]),
        Case("repeated key", text.replace(b'"intensity": 5', b'"intensity": 5, "intensity": 4'),
             ['relationships[0].intensity: appears more than once in the same object; keep one']),
        Case("three faults", _bytes(_doc(
            relationships=[{**VALID["relationships"][0], "target": "p99"},
                           {**VALID["relationships"][1], "intensity": 9}],
            sessions=[{"id": "s1", "number": 1, "phq9": 30}])), [
            'relationships[0].target: no person with id "p99"',
            "relationships[1].intensity: must be a whole number from 1 to 5 (got 9)",
            "sessions[0].phq9: must be a whole number from 0 to 27 (got 30)",
        ]),
    ]

    latin1 = json.dumps(_with(("people", 1, "alias"), "Zoé"), ensure_ascii=False, indent=2).encode("latin-1")
    offset = latin1.index(b"\xe9")
    line = latin1[:offset].count(b"\n") + 1
    out.append(Case("non-UTF-8 bytes", latin1, [
        f"byte {offset} (line {line}): not UTF-8 text (byte 0xe9); save the file as UTF-8"]))

    # 2 000 000 copies of a 27-byte person: 54 000 000 bytes plus head and tail = 51.5 MiB.
    head, person, tail = b'{"format": "ditmap", "version": 1, "people": [', b'{"id": "p", "alias": "x"},', b"]}"
    size = len(head) + 2_000_000 * len(person) + len(tail)
    out.append(Case("50 MB file", lambda: head + person * 2_000_000 + tail, [
        f"the file is {size / 1024 / 1024:.1f} MB; a map file can be at most 5 MB (is this really a ditmap file?)"]))
    return out


def write(case: Case, folder: Path) -> Path:
    path = folder / (case.name.replace(" ", "-").replace('"', "") + ".ditmap.json")
    path.write_bytes(case.bytes())
    return path
