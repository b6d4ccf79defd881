"""Hypothesis strategies for valid maps and for operations on them (shared by the format and
operations property tests).

Maps are built so every cross-item rule holds by construction (unique ids, references that
resolve, two different people per relationship, one session per number, agreed patterns dated),
with awkward text everywhere: quotes, backslashes, emoji, `<script>`, line separators.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from hypothesis import strategies as st

from ditmap.integrity import dependents
from ditmap.model import DitMap
from ditmap.operations import (
    AddItem,
    AddRelatedPerson,
    AgreePattern,
    Batch,
    MovePerson,
    RemoveItem,
    SetPositions,
    UpdateClient,
    UpdateItem,
)
from ditmap.vocab import (
    AFFECTS,
    ANCHOR_KINDS,
    CLOSENESS,
    COMMENT_STATUSES,
    CORNERS,
    DIRECTIONS,
    RELATIONSHIP_KINDS,
    ROLES,
)

NASTY = ["<script>alert(1)</script>", 'she said "fine"', "back\\slash", "😀🫠 emoji", "line\u2028sep",
         "tab\there", "null\x00byte", "ünïcödé – “quotes”", "{\"json\": [1]}", "   spaces   "]

ids = st.text("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.:-", min_size=1, max_size=10)
chars = st.characters(exclude_categories=("Cs",))
text = st.one_of(st.text(chars, max_size=25), st.sampled_from(NASTY))
labels = st.one_of(st.text(chars, min_size=1, max_size=25), st.sampled_from(NASTY)).filter(
    lambda s: re.search(r"\S", s))  # a label must not be blank
terms = st.one_of(st.sampled_from(AFFECTS + RELATIONSHIP_KINDS), st.text(chars, min_size=1, max_size=20),
                  st.sampled_from(NASTY))
dates = st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2100, 12, 31))
datetimes = st.datetimes(min_value=dt.datetime(1990, 1, 1), max_value=dt.datetime(2100, 1, 1),
                         timezones=st.sampled_from([None, dt.UTC, dt.timezone(dt.timedelta(hours=2))]))
coords = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False, allow_infinity=False)
positions = st.none() | st.fixed_dictionaries({"x": coords, "y": coords})
roles = st.sampled_from([r for r in ROLES if r != "self"]) | st.text(chars, min_size=1, max_size=20).filter(
    lambda r: r != "self")


def person(pid: str, role: Any = roles) -> st.SearchStrategy[dict[str, Any]]:
    return st.fixed_dictionaries({"id": st.just(pid), "alias": labels, "role": role},
                                 optional={"alive": st.booleans(), "notes": text, "position": positions})


def relationship(rid: str, people: list[str]) -> st.SearchStrategy[dict[str, Any]]:
    pair = st.lists(st.sampled_from(people), min_size=2, max_size=2, unique=True)
    return st.builds(
        lambda p, rest: {"id": rid, "source": p[0], "target": p[1], **rest}, pair,
        st.fixed_dictionaries({}, optional={
            "corner": st.sampled_from(CORNERS), "kind": terms, "direction": st.sampled_from(DIRECTIONS),
            "intensity": st.integers(1, 5), "closeness": st.sampled_from(CLOSENESS),
            "feelings": st.lists(terms, max_size=3), "communication_style": text, "notes": text}))


def pattern(ptid: str) -> st.SearchStrategy[dict[str, Any]]:
    status = st.one_of(st.just({"status": "draft"}), st.just({}),
                       dates.map(lambda d: {"status": "agreed", "agreed_on": d.isoformat()}))
    return st.builds(
        lambda s, rest: {"id": ptid, **rest, **s}, status,
        st.fixed_dictionaries({"title": labels}, optional={
            "self_representation": text, "other_representation": text, "affects": st.lists(terms, max_size=3),
            "defensive_function": text, "defences": st.lists(terms, max_size=2), "reversal": text,
            "transference": text, "client_words": text, "healthier_alternative": text}))


def enactment(eid: str, patterns: list[str], relationships: list[str]) -> st.SearchStrategy[dict[str, Any]]:
    return st.fixed_dictionaries(
        {"id": st.just(eid), "pattern": st.sampled_from(patterns), "relationship": st.sampled_from(relationships)},
        optional={"strength": st.integers(1, 3), "example": text, "session": st.none() | st.integers(1, 99)})


def session(sid: str, number: int) -> st.SearchStrategy[dict[str, Any]]:
    return st.fixed_dictionaries(
        {"id": st.just(sid), "number": st.just(number)},
        optional={"date": dates.map(dt.date.isoformat), "phq9": st.none() | st.integers(0, 27),
                  "gad7": st.none() | st.integers(0, 21), "worked_on": text, "homework": text,
                  "process_notes": text})


def comment(cid: str, anchors: dict[str, list[str]]) -> st.SearchStrategy[dict[str, Any]]:
    kinds = [k for k in ANCHOR_KINDS if anchors.get(k)]
    return st.sampled_from(kinds).flatmap(lambda k: st.fixed_dictionaries(
        {"id": st.just(cid), "anchor_kind": st.just(k), "anchor": st.sampled_from(anchors[k]), "text": text},
        optional={"author": text, "status": st.sampled_from(COMMENT_STATUSES),
                  "created": datetimes.map(lambda d: d.isoformat())}))


@st.composite
def map_documents(draw: st.DrawFn, max_items: int = 6, rich: bool = False) -> dict[str, Any]:
    """A valid map document as JSON-ready dicts (what a file holds).

    `rich` maps hold at least 3 people and one of every other item, so every edit has something to act on.
    """
    low = 1 if rich else 0

    def unique_ids(n: int) -> list[str]:
        return draw(st.lists(ids, min_size=n, max_size=n, unique=True))

    person_ids = unique_ids(draw(st.integers(3 if rich else 0, max_items)))
    with_self = bool(person_ids) and draw(st.booleans())
    people = [draw(person(pid, st.just("self") if with_self and i == 0 else roles))
              for i, pid in enumerate(person_ids)]
    rels = ([draw(relationship(rid, person_ids)) for rid in unique_ids(draw(st.integers(low, max_items)))]
            if len(person_ids) >= 2 else [])
    pats = [draw(pattern(ptid)) for ptid in unique_ids(draw(st.integers(low, 3)))]
    enacts = ([draw(enactment(eid, [p["id"] for p in pats], [r["id"] for r in rels]))
               for eid in unique_ids(draw(st.integers(low, max_items)))] if pats and rels else [])
    numbers = draw(st.lists(st.integers(1, 99), min_size=low, max_size=5, unique=True))
    sessions = [draw(session(sid, n)) for sid, n in zip(unique_ids(len(numbers)), numbers, strict=True)]
    anchors = {"person": person_ids, "relationship": [r["id"] for r in rels], "pattern": [p["id"] for p in pats]}
    comments = ([draw(comment(cid, anchors)) for cid in unique_ids(draw(st.integers(low, 3)))]
                if any(anchors.values()) else [])
    client = draw(st.fixed_dictionaries({}, optional={
        "pseudonym": labels, "therapist": text, "start_date": st.none() | dates.map(dt.date.isoformat)}))
    return {"format": "ditmap", "version": 1, "client": client, "people": people, "relationships": rels,
            "patterns": pats, "enactments": enacts, "sessions": sessions, "comments": comments}


def maps(max_items: int = 6, rich: bool = False) -> st.SearchStrategy[DitMap]:
    """Valid maps (the model objects)."""
    return map_documents(max_items, rich).map(DitMap.model_validate)


# --- operations ----------------------------------------------------------------------------------

FIELDS = {"person": "people", "relationship": "relationships", "pattern": "patterns",
          "enactment": "enactments", "session": "sessions", "comment": "comments"}

OPERATION_CHOICES: tuple[str, ...] = (
    *(f"add_{k}" for k in FIELDS), *(f"update:{k}" for k in FIELDS), *(f"remove:{k}" for k in FIELDS),
    "remove_cascade:person", "remove_cascade:relationship", "remove_cascade:pattern",
    "move_person", "set_positions", "agree_pattern", "update_client", "batch", "add_related_person",
)
"""Every operation kind, per item kind, for tests that must cover each one (use with a rich map)."""


def _fresh(taken: set[str]) -> st.SearchStrategy[str]:
    return ids.filter(lambda i: i not in taken)


@st.composite
def valid_operations(draw: st.DrawFn, m: DitMap, depth: int = 0, choice: str | None = None) -> Any:
    """An operation that applies to `m`: of the kind `choice` names (see OPERATION_CHOICES), else of any
    kind that applies; a batch holds 2–3 of them."""
    people = [p.id for p in m.people]
    rels = [r.id for r in m.relationships]
    pats = [p.id for p in m.patterns]
    choices = ["add_person", "add_pattern", "add_session", "update_client"]
    if len(people) >= 2:
        choices.append("add_relationship")
    if pats and rels:
        choices.append("add_enactment")
    if people or rels or pats:
        choices.append("add_comment")
    if people:
        choices += ["move_person", "set_positions", "add_related_person"]
    if pats:
        choices.append("agree_pattern")
    if any(getattr(m, f) for f in ("people", "relationships", "patterns", "enactments", "sessions", "comments")):
        choices += ["update", "remove"]
    if depth == 0:
        choices.append("batch")
    if choice is None:
        choice = draw(st.sampled_from(choices))
    index = draw(st.none() | st.integers(0, 8))

    def add(kind: str, item: dict[str, Any]) -> AddItem:
        return AddItem(kind=kind, item=item, index=index)

    def taken(field: str) -> set[str]:
        return {x.id for x in getattr(m, field)}

    if choice == "add_person":
        role = roles if m.self_person else st.sampled_from(["self", "mother"])
        return add("person", draw(person(draw(_fresh(taken("people"))), role)))
    if choice == "add_relationship":
        return add("relationship", draw(relationship(draw(_fresh(taken("relationships"))), people)))
    if choice == "add_pattern":
        return add("pattern", draw(pattern(draw(_fresh(taken("patterns"))))))
    if choice == "add_enactment":
        return add("enactment", draw(enactment(draw(_fresh(taken("enactments"))), pats, rels)))
    if choice == "add_session":
        used = {s.number for s in m.sessions}
        number = draw(st.integers(1, 99).filter(lambda n: n not in used))
        return add("session", draw(session(draw(_fresh(taken("sessions"))), number)))
    if choice == "add_comment":
        anchors = {"person": people, "relationship": rels, "pattern": pats}
        return add("comment", draw(comment(draw(_fresh(taken("comments"))), anchors)))
    if choice == "update_client":
        changes = draw(st.fixed_dictionaries({}, optional={
            "pseudonym": labels, "therapist": text, "start_date": st.none() | dates.map(dt.date.isoformat)}))
        return UpdateClient(changes=changes)
    if choice == "add_related_person":
        new = draw(person(draw(_fresh(taken("people"))), roles))
        rel = draw(relationship(draw(_fresh(taken("relationships"))), [*people, new["id"]]))
        ends = {"source": new["id"], "target": draw(st.sampled_from(people))}
        return AddRelatedPerson(person=new, relationship=rel | draw(st.sampled_from([ends, {
            "source": ends["target"], "target": ends["source"]}])))
    if choice == "move_person":
        return MovePerson(id=draw(st.sampled_from(people)), x=draw(coords), y=draw(coords))
    if choice == "set_positions":
        chosen = draw(st.lists(st.sampled_from(people), min_size=1, unique=True))
        return SetPositions(positions={pid: draw(positions) for pid in chosen})
    if choice == "agree_pattern":
        return AgreePattern(id=draw(st.sampled_from(pats)), on=draw(dates))
    if choice == "batch":
        ops, current = [], m
        for _ in range(draw(st.integers(2, 3))):
            op = draw(valid_operations(current, depth=1))
            ops.append(op)
            current = op.apply(current)
        return Batch(ops=ops, description=draw(st.sampled_from(["", "Several edits"])))

    choice, _, kind = choice.partition(":")
    if not kind:
        kind = draw(st.sampled_from([k for k, f in FIELDS.items() if getattr(m, f)]))
    item = draw(st.sampled_from(getattr(m, FIELDS[kind])))
    if choice == "remove_cascade":
        with_deps = [x for x in getattr(m, FIELDS[kind]) if dependents(m, kind, x.id)]
        item = draw(st.sampled_from(with_deps))
        return RemoveItem(kind=kind, id=item.id, cascade=True)
    if choice == "remove":
        cascade = draw(st.booleans()) if not dependents(m, kind, item.id) else True
        return RemoveItem(kind=kind, id=item.id, cascade=cascade)
    return UpdateItem(kind=kind, id=item.id, changes=draw(_changes(m, kind, item)))


def _changes(m: DitMap, kind: str, item: Any) -> st.SearchStrategy[dict[str, Any]]:
    """Valid new values for some fields of an item."""
    if kind == "person":
        opts: dict[str, Any] = {"alias": labels, "alive": st.booleans(), "notes": text, "position": positions}
        if item.role != "self":
            opts["role"] = roles
    elif kind == "relationship":
        others = [p.id for p in m.people if p.id != item.source]
        opts = {"corner": st.sampled_from(CORNERS), "kind": terms, "direction": st.sampled_from(DIRECTIONS),
                "intensity": st.integers(1, 5), "closeness": st.sampled_from(CLOSENESS),
                "feelings": st.lists(terms, max_size=3), "notes": text, "target": st.sampled_from(others)}
    elif kind == "pattern":
        opts = {"title": labels, "self_representation": text, "affects": st.lists(terms, max_size=3),
                "reversal": text}
        if item.status == "agreed":
            opts["agreed_on"] = dates.map(dt.date.isoformat)
    elif kind == "enactment":
        opts = {"strength": st.integers(1, 3), "example": text, "session": st.none() | st.integers(1, 99),
                "pattern": st.sampled_from([p.id for p in m.patterns])}
    elif kind == "session":
        used = {s.number for s in m.sessions if s.id != item.id}
        opts = {"phq9": st.none() | st.integers(0, 27), "gad7": st.none() | st.integers(0, 21),
                "date": st.none() | dates.map(dt.date.isoformat), "process_notes": text,
                "number": st.integers(1, 99).filter(lambda n: n not in used)}
    else:
        opts = {"status": st.sampled_from(COMMENT_STATUSES), "text": text, "author": text}
    return st.fixed_dictionaries({}, optional=opts).filter(bool)


# --- maps for the drawing ------------------------------------------------------------------------

aliases = st.one_of(st.sampled_from(["Mum", "Dad", "Pat (foster carer)", "Previous counsellor (2023)",
                                     "Dr N. Haddad", "Year 9 friendship group", "J.", "Mr H. (maths teacher)"]),
                    labels, st.text("abcdefghij WXYZ", min_size=1, max_size=60).filter(str.strip))


@st.composite
def people_maps(draw: st.DrawFn, max_people: int = 60) -> DitMap:
    """A map of a client and up to `max_people` others, nobody placed yet: each related to the client in
    a drawn corner and circle (some only to someone else), names from short initials to long phrases."""
    n = draw(st.integers(1, max_people))
    people = [{"id": "self", "alias": "Me", "role": "self"}]
    rels = []
    for i in range(1, n + 1):
        people.append({"id": f"p{i}", "alias": draw(aliases),
                       "role": draw(st.sampled_from(["mother", "friend", "therapist", "group or institution",
                                                     "other"]))})
        if i > 1 and draw(st.integers(0, 9)) == 0:  # known only through someone else
            rels.append({"id": f"r{i}", "source": f"p{draw(st.integers(1, i - 1))}", "target": f"p{i}"})
        else:
            rels.append({"id": f"r{i}", "source": "self", "target": f"p{i}",
                         "corner": draw(st.sampled_from(CORNERS)), "closeness": draw(st.sampled_from(CLOSENESS))})
    return DitMap.model_validate({"people": people, "relationships": rels})
