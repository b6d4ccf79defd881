"""Two devices editing one item: what a form does with each field when the stored value moves under it.

A form remembers, per field, the *base*: the stored value it started from and the map version at
which that value was last known to be current. Comparing the stored value, the base and what this
person has in the field decides each field on its own, so a change to the alias on one device never
touches the notes being typed on the other. A save sends only the fields this person changed, with
the oldest base version among them, so the store's merge-or-conflict rule (`store.merge`) sees exactly
what this person started from: a save on a stale view of a field is refused, never written blindly.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

FieldState = Literal["unchanged", "agreed", "follow", "changed_elsewhere"]


def same(a: Any, b: Any) -> bool:
    """Equal as stored values: lists and tuples compare by items, text by itself.

    >>> same(("shame",), ["shame"])
    True
    """
    if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
        return list(a) == list(b)
    return bool(a == b)


@dataclass(frozen=True, slots=True)
class Base:
    """The stored value a field started from, and the version at which it was last known current."""

    value: Any
    version: int


def field_state(stored: Any, base: Base, mine: Any, *, only_own_edits_since: bool) -> FieldState:
    """What to do with one field now that the stored value is `stored`.

    - `unchanged`: nobody changed it since the base; the base moves to the current version.
    - `agreed`: it changed, and to what this person has in the field; nothing to decide.
    - `follow`: it changed through this person's own edits (a table cell, the map) and the field holds
      the old value: show the new value.
    - `changed_elsewhere`: another device changed it; show "changed on the other device to …" beside the
      field and let this person keep theirs or take the other.

    >>> field_state("Mum", Base("Mum", 3), "Mother", only_own_edits_since=False)
    'unchanged'
    >>> field_state("Mama", Base("Mum", 3), "Mother", only_own_edits_since=False)
    'changed_elsewhere'
    >>> field_state("Mama", Base("Mum", 3), "Mum", only_own_edits_since=True)
    'follow'
    """
    if same(stored, base.value):
        return "unchanged"
    if same(stored, mine):
        return "agreed"
    if only_own_edits_since and same(mine, base.value):
        return "follow"
    return "changed_elsewhere"


def changes(bases: Mapping[str, Base], mine: Mapping[str, Any]) -> dict[str, Any]:
    """The fields this person changed from their base: the only ones a save writes.

    >>> changes({"alias": Base("A", 1), "notes": Base("", 1)}, {"alias": "A", "notes": "new"})
    {'notes': 'new'}
    """
    return {f: v for f, v in mine.items() if f in bases and not same(v, bases[f].value)}


def base_version(bases: Mapping[str, Base], fields: Iterable[str]) -> int:
    """The version a save of `fields` was made against: the oldest of their bases.

    >>> base_version({"alias": Base("A", 7), "notes": Base("", 4)}, ["alias", "notes"])
    4
    """
    return min(bases[f].version for f in fields)


def only_own(since: int, now: int, own_versions: Iterable[int]) -> bool:
    """Were all the edits after version `since` up to `now` made from this device?

    >>> only_own(3, 5, {4, 5})
    True
    >>> only_own(3, 5, {5})
    False
    """
    own = set(own_versions)
    return all(v in own for v in range(since + 1, now + 1))
