"""A structural diff of two maps: which items were added, removed or changed, field by field.

Pure (no store): items are matched by id within each kind, so a renamed person is "changed", not
"removed and added", and an item that only moved in its list is unchanged. Values are given in their
JSON form (dates as ISO text, positions as {"x", "y"}), ready to show or serialise.
"""

from __future__ import annotations

from typing import Any

from ditmap.model import COLLECTIONS, DitMap
from ditmap.store.base import FieldChange, ItemDiff, MapDiff


def _fields(before: dict[str, Any], after: dict[str, Any]) -> tuple[FieldChange, ...]:
    names = list(before) + [k for k in after if k not in before]
    return tuple(FieldChange(k, before.get(k), after.get(k)) for k in names if before.get(k) != after.get(k))


def _label(m: DitMap, kind: str, item_id: str) -> str:
    if kind == "enactment":
        e = m.enactments_by_id.get(item_id)
        if e is not None:
            return f"{m.label_of('pattern', e.pattern)} in {m.label_of('relationship', e.relationship)}"
    if kind == "comment":
        c = m.comments_by_id.get(item_id)
        if c is not None:
            return f"comment on {m.label_of(c.anchor_kind, c.anchor)}"
    return m.label_of(kind, item_id)


def diff_maps(a: DitMap, b: DitMap, *, from_version: int = 0, to_version: int = 0) -> MapDiff:
    """What changed from map `a` to map `b`: the client first, then each kind in `COLLECTIONS` order.

    Within a kind: changed and removed items in `a`'s order, then added items in `b`'s order.
    Added and removed items carry no field list (the whole item came or went).
    """
    out: list[ItemDiff] = []
    client = _fields(a.client.model_dump(mode="json"), b.client.model_dump(mode="json"))
    if client:
        out.append(ItemDiff("client", "client", b.client.pseudonym, "changed", client))
    for kind, (field, _model) in COLLECTIONS.items():
        old = {x.id: x for x in getattr(a, field)}
        new = {x.id: x for x in getattr(b, field)}
        for item_id, item in old.items():
            if item_id not in new:
                out.append(ItemDiff(kind, item_id, _label(a, kind, item_id), "removed"))
            elif item != new[item_id]:
                changes = _fields(item.model_dump(mode="json"), new[item_id].model_dump(mode="json"))
                if changes:
                    out.append(ItemDiff(kind, item_id, _label(b, kind, item_id), "changed", changes))
        for item_id in new:
            if item_id not in old:
                out.append(ItemDiff(kind, item_id, _label(b, kind, item_id), "added"))
    return MapDiff(from_version, to_version, tuple(out))


def _shown(value: Any, limit: int) -> str:
    if value is None:
        return ""
    if isinstance(value, (list, tuple)):  # feelings, affects, defences: a list as the pages write it
        return ", ".join(str(v) for v in value)[:limit]
    return str(value)[:limit]


def diff_rows(d: MapDiff, *, limit: int = 300) -> list[dict[str, str]]:
    """The diff as the History page lists it: one row per changed field (one per added or removed item),
    with columns item ("person Mum"), change, field, before, after (each value cut to `limit` characters)."""
    rows: list[dict[str, str]] = []
    for it in d.items:
        item = f"{it.kind} {it.label}"
        if not it.fields:
            rows.append({"item": item, "change": it.change, "field": "", "before": "", "after": ""})
        for f in it.fields:
            rows.append({"item": item, "change": it.change, "field": f.field,
                         "before": _shown(f.before, limit), "after": _shown(f.after, limit)})
    return rows
