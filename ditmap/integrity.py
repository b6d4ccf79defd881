"""Rules that span items of a map: unique ids, references that resolve, no person related to themself.

Field-level rules (types, ranges, closed vocabularies) live on the models; these are the rules a
single item cannot check alone. Used when a file is loaded and after every edit operation.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ditmap.model import COLLECTIONS, MAX_ITEMS, DitMap


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong, with where it is (`relationships[3].target`) and what it is, in plain words."""

    where: str
    what: str
    kind: str = dataclasses.field(default="", compare=False)  # orders problems at one place; see validation.KIND_ORDER

    def __str__(self) -> str:
        return f"{self.where}: {self.what}" if self.where else self.what


def _get(item: Any, field: str) -> Any:
    return item.get(field) if isinstance(item, Mapping) else getattr(item, field, None)


def check_collections(collections: Mapping[str, Sequence[Any]]) -> list[Problem]:
    """Check the cross-item rules on collections of items (models or plain dicts from a file).

    Works on dicts too, so a file whose items are partly malformed still gets every reference
    problem reported alongside its field problems.
    """
    problems: list[Problem] = []
    ids: dict[str, set[str]] = {}
    for field, _model in COLLECTIONS.values():
        seen: set[str] = set()
        for i, item in enumerate(collections.get(field, ())):
            item_id = _get(item, "id")
            if isinstance(item_id, str):
                if item_id in seen:
                    problems.append(Problem(f"{field}[{i}].id", f'duplicate id "{item_id}"', "duplicate"))
                seen.add(item_id)
        ids[field] = seen

    def ref(where: str, value: Any, field: str, noun: str) -> None:
        if isinstance(value, str) and value not in ids[field]:
            problems.append(Problem(where, f'no {noun} with id "{value}"', "reference"))

    for i, r in enumerate(collections.get("relationships", ())):
        src, tgt = _get(r, "source"), _get(r, "target")
        ref(f"relationships[{i}].source", src, "people", "person")
        ref(f"relationships[{i}].target", tgt, "people", "person")
        if isinstance(src, str) and src == tgt:
            problems.append(Problem(f"relationships[{i}].target",
                                    f'a relationship needs two different people (both are "{src}")'))
    for i, e in enumerate(collections.get("enactments", ())):
        ref(f"enactments[{i}].pattern", _get(e, "pattern"), "patterns", "pattern")
        ref(f"enactments[{i}].relationship", _get(e, "relationship"), "relationships", "relationship")
    anchor_fields = {"person": "people", "relationship": "relationships", "pattern": "patterns"}
    comments = {_get(c, "id"): c for c in collections.get("comments", ()) if isinstance(_get(c, "id"), str)}
    for i, c in enumerate(collections.get("comments", ())):
        kind = _get(c, "anchor_kind")
        if isinstance(kind, str) and kind in anchor_fields:  # a malformed file may hold a list here
            ref(f"comments[{i}].anchor", _get(c, "anchor"), anchor_fields[kind], kind)
        if kind == "version" and not (isinstance(_get(c, "anchor"), str) and _get(c, "anchor").isdigit()):
            problems.append(Problem(f"comments[{i}].anchor", "a comment on a version names the version number"))
        parent_id = _get(c, "reply_to")
        if isinstance(parent_id, str):
            parent = comments.get(parent_id)
            if parent is None or parent_id == _get(c, "id"):
                problems.append(Problem(f"comments[{i}].reply_to", f'no other comment with id "{parent_id}"'))
            elif _get(parent, "reply_to") is not None:
                problems.append(Problem(f"comments[{i}].reply_to",
                                        "a reply answers the first comment of its conversation, not another reply"))
            elif (_get(parent, "anchor_kind"), _get(parent, "anchor")) != (kind, _get(c, "anchor")):
                problems.append(Problem(f"comments[{i}].anchor", "a reply is about the same item as the comment "
                                        "it answers"))
    numbers: set[int] = set()
    for i, s in enumerate(collections.get("sessions", ())):
        n = _get(s, "number")
        if isinstance(n, int) and not isinstance(n, bool):
            if n in numbers:
                problems.append(Problem(f"sessions[{i}].number", f"duplicate session number {n}"))
            numbers.add(n)
    for i, p in enumerate(collections.get("patterns", ())):
        status, agreed_on = _get(p, "status"), _get(p, "agreed_on")
        if status == "agreed" and agreed_on is None:
            problems.append(Problem(f"patterns[{i}].agreed_on",
                                    "an agreed pattern needs the date it was agreed"))
        if status == "draft" and agreed_on is not None:
            problems.append(Problem(f"patterns[{i}].agreed_on",
                                    "a draft pattern has no agreed date (set status to agreed, or clear the date)"))
    selves = [i for i, p in enumerate(collections.get("people", ())) if _get(p, "role") == "self"]
    for i in selves[1:]:
        problems.append(Problem(f"people[{i}].role", 'only one person can be the client ("self")'))
    return problems


def too_many(field: str, count: int) -> Problem | None:
    """The problem with a collection holding more items than the format allows (MAX_ITEMS), if it does."""
    limit = MAX_ITEMS[field]
    if count <= limit:
        return None
    return Problem(field, f"a map can hold at most {limit:,} {field} (this one has {count:,})".replace(",", " "),
                   "rule")


def check_map(m: DitMap) -> list[Problem]:
    """All cross-item problems of a map, and collections over their limits; empty when the map is consistent."""
    counts = [too_many(field, len(getattr(m, field))) for field, _ in COLLECTIONS.values()]
    return [p for p in counts if p] + check_collections({field: getattr(m, field) for field, _ in COLLECTIONS.values()})


def dependents(m: DitMap, kind: str, item_id: str) -> list[tuple[str, str]]:
    """Items that refer to an item, as (kind, id): what must go too if it is removed.

    A person takes their relationships; a relationship its enactments; a pattern its enactments;
    each of these takes the comments anchored to it; a comment takes its replies. Order is the order to remove them in.
    """
    out: list[tuple[str, str]] = []
    if kind == "person":
        for r in m.relationships:
            if item_id in (r.source, r.target):
                out.extend(dependents(m, "relationship", r.id))
                out.append(("relationship", r.id))
    elif kind in ("relationship", "pattern"):
        out.extend(("enactment", e.id) for e in m.enactments if getattr(e, kind) == item_id)
    if kind in ("person", "relationship", "pattern"):
        out.extend(("comment", c.id) for c in m.comments
                   if c.anchor_kind == kind and c.anchor == item_id)
    elif kind == "comment":  # a conversation's first comment takes its replies
        out.extend(("comment", c.id) for c in m.comments if c.reply_to == item_id)
    return _unique(out)


def _unique(pairs: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
    seen: set[tuple[str, str]] = set()
    return [p for p in pairs if not (p in seen or seen.add(p))]
