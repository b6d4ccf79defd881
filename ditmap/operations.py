"""Edit operations: every change to a map is one small, validated, serialisable operation.

An operation turns a map into a new map (`apply`), knows the operation that undoes it (`inverse`,
computed from the map it was applied to), says what it did in a short sentence (`describe`), and
names the fields it writes (`touches`) so the store can tell concurrent edits that collide from
edits that can both land. One idea gives undo, history, an audit trail, co-editing and diff.

Operations serialise as `{"op": "...", ...}` (see `parse_operation`, `dump_operation`).
"""

from __future__ import annotations

import datetime as dt
import secrets
from abc import abstractmethod
from typing import Annotated, Any, ClassVar, Literal, Union

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError, model_validator

from ditmap.integrity import Problem, check_map, dependents
from ditmap.model import COLLECTIONS, DitMap, Id, Position
from ditmap.model import Client as _Client
from ditmap.validation import problems_from_error

ItemKind = Literal["person", "relationship", "pattern", "enactment", "session", "comment"]

ID_PREFIX: dict[str, str] = {
    "person": "p", "relationship": "r", "pattern": "pt", "enactment": "e", "session": "s", "comment": "c",
}


class OperationError(ValueError):
    """An operation that cannot apply to this map; the map is left as it was."""

    def __init__(self, problems: list[Problem] | str):
        self.problems = [Problem("", problems)] if isinstance(problems, str) else problems
        super().__init__("; ".join(str(p) for p in self.problems))


Touch = tuple[str, str, str]
"""(item kind, item id, field) an operation writes; field "*" means the whole item."""


def new_id(m: DitMap, kind: str) -> str:
    """A fresh id for a new item: a short prefix and random hex, so two devices never pick the same."""
    field = COLLECTIONS[kind][0]
    taken = {item.id for item in getattr(m, field)}
    while True:
        candidate = f"{ID_PREFIX[kind]}-{secrets.token_hex(3)}"
        if candidate not in taken:
            return candidate


def _validation_problems(err: ValidationError, prefix: str, model: type[BaseModel]) -> list[Problem]:
    """pydantic's errors in the same clinician words as a file's (`must be a whole number from 1 to 5`)."""
    return problems_from_error(err, model, prefix)


def _index_of(m: DitMap, kind: str, item_id: str) -> int:
    field = COLLECTIONS[kind][0]
    for i, item in enumerate(getattr(m, field)):
        if item.id == item_id:
            return i
    raise OperationError(f'no {kind} with id "{item_id}"')


def _checked(m: DitMap) -> DitMap:
    problems = check_map(m)
    if problems:
        raise OperationError(problems)
    return m


def _quote(text: str) -> str:
    return f"“{text}”"


class _Op(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    op: str

    @abstractmethod
    def apply(self, m: DitMap) -> DitMap:
        """The map after this operation; raises `OperationError` and changes nothing when it cannot apply."""

    @abstractmethod
    def inverse(self, before: DitMap) -> Operation:
        """The operation that, applied to `self.apply(before)`, gives back `before` exactly."""

    @abstractmethod
    def describe(self, before: DitMap) -> str:
        """A short sentence for history and undo, e.g. "Added Mother, past"."""

    @abstractmethod
    def touches(self, before: DitMap) -> set[Touch]:
        """The (kind, id, field) triples this operation writes."""


class AddItem(_Op):
    """Add a person, relationship, pattern, enactment, session or comment (at `index`, else at the end)."""

    op: Literal["add"] = "add"
    kind: ItemKind
    item: dict[str, Any]
    index: int | None = Field(default=None, ge=0)

    @model_validator(mode="after")
    def _item_is_valid(self) -> AddItem:
        model = COLLECTIONS[self.kind][1]
        normalised = model.model_validate(self.item).model_dump(mode="json")
        object.__setattr__(self, "item", normalised)
        return self

    def apply(self, m: DitMap) -> DitMap:
        field, model = COLLECTIONS[self.kind]
        item = model.model_validate(self.item)
        items = list(getattr(m, field))
        if any(x.id == item.id for x in items):
            raise OperationError([Problem(f"{field}", f'id "{item.id}" is already used')])
        items.insert(len(items) if self.index is None else min(self.index, len(items)), item)
        return _checked(m.model_copy(update={field: tuple(items)}))

    def inverse(self, before: DitMap) -> Operation:
        return RemoveItem(kind=self.kind, id=self.item["id"])

    def describe(self, before: DitMap) -> str:
        # Everything a sentence names other than the new item itself is already in `before`.
        it = self.item
        if self.kind == "person":
            return f"Added {it['alias']} ({it['role']})"
        if self.kind == "relationship":
            return f"Added {_between(before, it['source'], it['target'])}, {it['corner']}"
        if self.kind == "pattern":
            return f"Added pattern {_quote(it['title'])}"
        if self.kind == "enactment":
            return (f"Linked {_quote(before.label_of('pattern', it['pattern']))} to "
                    f"{_relationship_label(before, it['relationship'])} (strength {it['strength']})")
        if self.kind == "session":
            return f"Added session {it['number']}"
        return f"Added a comment on {before.label_of(it['anchor_kind'], it['anchor'])}"

    def touches(self, before: DitMap) -> set[Touch]:
        return {(self.kind, self.item["id"], "*")}


class UpdateItem(_Op):
    """Change some fields of one item; `changes` maps field names to their new values."""

    op: Literal["update"] = "update"
    kind: ItemKind
    id: Id
    changes: dict[str, Any]

    @model_validator(mode="after")
    def _fields_exist(self) -> UpdateItem:
        model = COLLECTIONS[self.kind][1]
        unknown = set(self.changes) - set(model.model_fields)
        if unknown:
            raise ValueError(f"{self.kind} has no field {', '.join(sorted(unknown))}")
        if "id" in self.changes:
            raise ValueError("an item's id cannot change")
        return self

    def apply(self, m: DitMap) -> DitMap:
        field, model = COLLECTIONS[self.kind]
        i = _index_of(m, self.kind, self.id)
        items = list(getattr(m, field))
        data = items[i].model_dump(mode="json") | self.changes
        try:
            items[i] = model.model_validate(data)
        except ValidationError as err:
            raise OperationError(_validation_problems(err, f"{field}[{i}]", model)) from None
        return _checked(m.model_copy(update={field: tuple(items)}))

    def inverse(self, before: DitMap) -> Operation:
        old = getattr(before, COLLECTIONS[self.kind][0])[_index_of(before, self.kind, self.id)]
        old_data = old.model_dump(mode="json")
        return UpdateItem(kind=self.kind, id=self.id, changes={k: old_data[k] for k in self.changes})

    def describe(self, before: DitMap) -> str:
        name = _item_name(before, self.kind, self.id)
        if self.kind == "comment" and self.changes.get("status") == "resolved":
            return "Resolved a comment"
        subject = _subject(before, self.kind, self.id, name)
        fields = ", ".join(f.replace("_", " ") for f in self.changes)
        return f"Changed {subject}: {fields}"

    def touches(self, before: DitMap) -> set[Touch]:
        return {(self.kind, self.id, f) for f in self.changes}


class RemoveItem(_Op):
    """Remove one item. If others refer to it, `cascade` must be true to remove them with it."""

    op: Literal["remove"] = "remove"
    kind: ItemKind
    id: Id
    cascade: bool = False

    def _doomed(self, m: DitMap) -> list[tuple[str, str]]:
        _index_of(m, self.kind, self.id)
        deps = dependents(m, self.kind, self.id)
        if deps and not self.cascade:
            counts: dict[str, int] = {}
            for k, _ in deps:
                counts[k] = counts.get(k, 0) + 1
            listed = ", ".join(f"{n} {k}{'s' if n > 1 else ''}" for k, n in counts.items())
            raise OperationError([Problem(
                f"{self.kind} {m.label_of(self.kind, self.id)}",
                f"still has {listed}; remove them too (cascade) or remove those first")])
        return [*deps, (self.kind, self.id)]

    def apply(self, m: DitMap) -> DitMap:
        doomed = self._doomed(m)
        update: dict[str, tuple[Any, ...]] = {}
        for kind in {k for k, _ in doomed}:
            field = COLLECTIONS[kind][0]
            gone = {i for k, i in doomed if k == kind}
            update[field] = tuple(x for x in getattr(m, field) if x.id not in gone)
        return _checked(m.model_copy(update=update))

    def inverse(self, before: DitMap) -> Operation:
        doomed = self._doomed(before)
        adds: list[tuple[int, int, AddItem]] = []
        order = list(COLLECTIONS)
        for kind, item_id in doomed:
            i = _index_of(before, kind, item_id)
            item = getattr(before, COLLECTIONS[kind][0])[i]
            adds.append((order.index(kind), i, AddItem(kind=kind, item=item.model_dump(mode="json"), index=i)))
        # Re-add referenced kinds first (people before relationships …), each in ascending position.
        adds.sort(key=lambda t: (t[0], t[1]))
        ops = [a for _, _, a in adds]
        if len(ops) == 1:
            return ops[0]
        return Batch(ops=ops, description=f"Restored {before.label_of(self.kind, self.id)}")

    def describe(self, before: DitMap) -> str:
        name = _item_name(before, self.kind, self.id)
        subject = _subject(before, self.kind, self.id, name)
        extra = len(dependents(before, self.kind, self.id)) if self.cascade else 0
        return f"Removed {subject}" + (f" (and {extra} linked item{'s' if extra > 1 else ''})" if extra else "")

    def touches(self, before: DitMap) -> set[Touch]:
        return {(k, i, "*") for k, i in self._doomed(before)}


class MovePerson(_Op):
    """Place a person on the drawn map (after a drag)."""

    op: Literal["move_person"] = "move_person"
    id: Id
    x: float = Field(ge=-1e6, le=1e6, allow_inf_nan=False)
    y: float = Field(ge=-1e6, le=1e6, allow_inf_nan=False)

    def apply(self, m: DitMap) -> DitMap:
        return UpdateItem(kind="person", id=self.id,
                          changes={"position": {"x": self.x, "y": self.y}}).apply(m)

    def inverse(self, before: DitMap) -> Operation:
        old = before.people[_index_of(before, "person", self.id)].position
        if old is None:
            return UpdateItem(kind="person", id=self.id, changes={"position": None})
        return MovePerson(id=self.id, x=old.x, y=old.y)

    def describe(self, before: DitMap) -> str:
        return f"Moved {before.label_of('person', self.id)}"

    def touches(self, before: DitMap) -> set[Touch]:
        return {("person", self.id, "position")}


class SetPositions(_Op):
    """Place many people at once (a re-layout), as one step to undo."""

    op: Literal["set_positions"] = "set_positions"
    positions: dict[str, Position | None]

    def apply(self, m: DitMap) -> DitMap:
        missing = [pid for pid in self.positions if pid not in m.people_by_id]
        if missing:
            raise OperationError([Problem("positions", f'no person with id "{pid}"') for pid in missing])
        people = tuple(p.model_copy(update={"position": self.positions[p.id]}) if p.id in self.positions else p
                       for p in m.people)
        return m.model_copy(update={"people": people})

    def inverse(self, before: DitMap) -> Operation:
        return SetPositions(positions={pid: before.people_by_id[pid].position for pid in self.positions})

    def describe(self, before: DitMap) -> str:
        n = len(self.positions)
        return f"Re-arranged the map ({n} {'person' if n == 1 else 'people'})"

    def touches(self, before: DitMap) -> set[Touch]:
        return {("person", pid, "position") for pid in self.positions}


class AddRelatedPerson(_Op):
    """Add a person and their relationship with the client together, as one step (one undo, one sentence).

    What the map's quick panel sends while the pair talk: who they are and how they are with the client.
    The relationship's `source` or `target` must be the new person; its other end is usually the self.
    """

    op: Literal["add_related_person"] = "add_related_person"
    person: dict[str, Any]
    relationship: dict[str, Any]

    @model_validator(mode="after")
    def _items_are_valid(self) -> AddRelatedPerson:
        person = AddItem(kind="person", item=self.person).item
        rel = AddItem(kind="relationship", item=self.relationship).item
        if person["id"] not in (rel["source"], rel["target"]):
            raise ValueError("the relationship must be with the new person")
        object.__setattr__(self, "person", person)
        object.__setattr__(self, "relationship", rel)
        return self

    @classmethod
    def with_client(cls, m: DitMap, *, alias: str, role: str, kind: str, corner: str,
                    closeness: str) -> AddRelatedPerson:
        """A new person and their relationship with the client (the self), with fresh ids."""
        me = m.self_person
        if me is None:
            raise OperationError([Problem("people", "the map has no client (a person with the role self) yet")])
        pid = new_id(m, "person")
        try:
            return cls(person={"id": pid, "alias": alias, "role": role},
                       relationship={"id": new_id(m, "relationship"), "source": me.id, "target": pid,
                                     "corner": corner, "kind": kind, "closeness": closeness})
        except ValidationError as err:
            raise OperationError([Problem("new person", e["msg"]) for e in err.errors()]) from None

    def _adds(self) -> tuple[AddItem, AddItem]:
        return (AddItem(kind="person", item=self.person), AddItem(kind="relationship", item=self.relationship))

    def apply(self, m: DitMap) -> DitMap:
        add_person, add_rel = self._adds()
        return add_rel.apply(add_person.apply(m))

    def inverse(self, before: DitMap) -> Operation:
        return Batch(ops=(RemoveItem(kind="relationship", id=self.relationship["id"]),
                          RemoveItem(kind="person", id=self.person["id"])),
                     description=f"Removed {self.person['alias']} and their relationship")

    def describe(self, before: DitMap) -> str:
        p, r = self.person, self.relationship
        other = r["target"] if r["source"] == p["id"] else r["source"]
        with_whom = "" if before.self_person is not None and other == before.self_person.id else (
            f" with {before.label_of('person', other)}")
        return f"Added {p['alias']} ({p['role']}){with_whom}: {r['kind']}, {r['corner']}, {r['closeness']} circle"

    def touches(self, before: DitMap) -> set[Touch]:
        return {("person", self.person["id"], "*"), ("relationship", self.relationship["id"], "*")}


class AgreePattern(_Op):
    """Mark a pattern as the agreed focus (IPAF), on a date."""

    op: Literal["agree_pattern"] = "agree_pattern"
    id: Id
    on: dt.date

    def _update(self) -> UpdateItem:
        return UpdateItem(kind="pattern", id=self.id,
                          changes={"status": "agreed", "agreed_on": self.on.isoformat()})

    def apply(self, m: DitMap) -> DitMap:
        return self._update().apply(m)

    def inverse(self, before: DitMap) -> Operation:
        return self._update().inverse(before)

    def describe(self, before: DitMap) -> str:
        return f"Agreed pattern {_quote(before.label_of('pattern', self.id))} as a focus"

    def touches(self, before: DitMap) -> set[Touch]:
        return self._update().touches(before)


class UpdateClient(_Op):
    """Change the client's pseudonym, therapist or start date."""

    op: Literal["update_client"] = "update_client"
    changes: dict[str, Any]

    FIELDS: ClassVar[frozenset[str]] = frozenset(_Client.model_fields)

    @model_validator(mode="after")
    def _fields_exist(self) -> UpdateClient:
        unknown = set(self.changes) - self.FIELDS
        if unknown:
            raise ValueError(f"client has no field {', '.join(sorted(unknown))}")
        return self

    def apply(self, m: DitMap) -> DitMap:
        try:
            client = _Client.model_validate(m.client.model_dump(mode="json") | self.changes)
        except ValidationError as err:
            raise OperationError(_validation_problems(err, "client", _Client)) from None
        return m.model_copy(update={"client": client})

    def inverse(self, before: DitMap) -> Operation:
        old = before.client.model_dump(mode="json")
        return UpdateClient(changes={k: old[k] for k in self.changes})

    def describe(self, before: DitMap) -> str:
        return "Changed client details: " + ", ".join(f.replace("_", " ") for f in self.changes)

    def touches(self, before: DitMap) -> set[Touch]:
        return {("client", "client", f) for f in self.changes}


class Batch(_Op):
    """Several operations applied as one step (one undo, one history entry)."""

    op: Literal["batch"] = "batch"
    ops: tuple[Operation, ...]
    description: str = Field(default="", max_length=200)

    def apply(self, m: DitMap) -> DitMap:
        for i, o in enumerate(self.ops):
            try:
                m = o.apply(m)
            except OperationError as err:
                raise OperationError([Problem(f"ops[{i}]" + (f" {p.where}" if p.where else ""), p.what)
                                      for p in err.problems]) from None
        return m

    def inverse(self, before: DitMap) -> Operation:
        inverses = []
        m = before
        for o in self.ops:
            inverses.append(o.inverse(m))
            m = o.apply(m)
        return Batch(ops=tuple(reversed(inverses)), description=f"Undid: {self.describe(before)}")

    def describe(self, before: DitMap) -> str:
        if self.description:
            return self.description
        return "; ".join(o.describe(before) for o in self.ops[:1]) + (
            f" and {len(self.ops) - 1} more" if len(self.ops) > 1 else "")

    def touches(self, before: DitMap) -> set[Touch]:
        out: set[Touch] = set()
        m = before
        for o in self.ops:
            out |= o.touches(m)
            m = o.apply(m)
        return out


Operation = Annotated[
    Union[AddItem, UpdateItem, RemoveItem, MovePerson, SetPositions, AgreePattern, UpdateClient, Batch, AddRelatedPerson],  # noqa: UP007, E501
    Field(discriminator="op"),
]
Batch.model_rebuild()

OPERATION_KINDS: tuple[str, ...] = ("add", "update", "remove", "move_person", "set_positions",
                                    "agree_pattern", "update_client", "batch", "add_related_person")

_ADAPTER: TypeAdapter[Operation] = TypeAdapter(Operation)


def parse_operation(data: dict[str, Any] | str | bytes) -> Operation:
    """An operation from its JSON form (a dict or a JSON text); raises pydantic's ValidationError."""
    if isinstance(data, (str, bytes)):
        return _ADAPTER.validate_json(data)
    return _ADAPTER.validate_python(data)


def dump_operation(op: Operation) -> dict[str, Any]:
    """The JSON-ready form of an operation (inverse of `parse_operation`)."""
    return op.model_dump(mode="json")


def _item_name(m: DitMap, kind: str, item_id: str) -> str:
    """How a sentence names an item: a relationship by the other person, a link by its pattern and relationship."""
    if kind == "relationship":
        return _relationship_label(m, item_id)
    if kind == "enactment":
        e = m.enactments_by_id.get(item_id)
        if e is not None:
            return f"{_quote(m.label_of('pattern', e.pattern))} in {_relationship_label(m, e.relationship)}"
    return m.label_of(kind, item_id)


def _subject(m: DitMap, kind: str, item_id: str, name: str) -> str:
    """How a sentence names the item it changed: "the relationship with Pat", never just "Pat" (a person)."""
    if kind == "comment":
        return "a comment"
    if kind == "relationship":
        r = m.relationships_by_id.get(item_id)
        me = m.self_person
        with_client = r is not None and me is not None and me.id in (r.source, r.target)
        return f"the relationship with {name}" if with_client else f"the relationship {name}"
    return {"pattern": "pattern ", "enactment": "link "}.get(kind, "") + name


def _relationship_label(m: DitMap, rel_id: str) -> str:
    """Name a relationship by the other person when one side is the client: "Mother", else "A – B"."""
    r = m.relationships_by_id.get(rel_id)
    return rel_id if r is None else _between(m, r.source, r.target)


def _between(m: DitMap, source: str, target: str) -> str:
    """Two people as a sentence names their relationship: the other person if one is the client."""
    me = m.self_person
    if me is not None and me.id in (source, target):
        return m.label_of("person", target if source == me.id else source)
    return f"{m.label_of('person', source)} – {m.label_of('person', target)}"
