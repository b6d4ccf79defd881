"""When can an edit made against a stale version land? When it writes nothing the edits since wrote.

Pure, so any store backend uses the same rule. A write is (kind, id, field) as named by an
operation's `touches`; field "*" (the item added or removed) overlaps every field of that item.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence


def _touch_index(touches: Iterable[Sequence[str]]) -> dict[tuple[str, str], set[str]]:
    out: dict[tuple[str, str], set[str]] = {}
    for kind, item_id, field in touches:
        out.setdefault((kind, item_id), set()).add(field)
    return out


def collides(mine: Iterable[Sequence[str]], theirs: Iterable[Sequence[str]]) -> bool:
    """Do two sets of (kind, id, field) writes overlap? Field "*" (the whole item) overlaps any field of it."""
    a = _touch_index(mine)
    for (kind, item_id), fields in _touch_index(theirs).items():
        mine_fields = a.get((kind, item_id))
        if mine_fields and ("*" in mine_fields or "*" in fields or mine_fields & fields):
            return True
    return False
