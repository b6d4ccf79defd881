"""Kumu JSON blueprints (https://docs.kumu.io/guides/import/blueprints): export and import.

Export: one element per person (`id` = person id, `label` = alias, `type` = role, `description` =
notes, `tags` = [role], custom fields `Alive`, `X`, `Y`) and one connection per relationship
(`id`, `from`/`to` = person ids, `type` = kind, `direction` = Kumu's "mutual" or "directed",
`description` = notes, `tags` = [corner, titles of patterns enacted in it], custom fields `Corner`,
`Intensity`, `Closeness`, `Feelings` (a list), `Communication Style`, `Ditmap Direction`,
`Patterns`). A `target_to_source` relationship is written from target to source so Kumu's arrow
points the right way; `Ditmap Direction` lets the import turn it back.

Import accepts ditmap's own blueprints (same people and relationships back) and other Kumu
blueprints: elements without an `id` are referenced by label, unknown types become the role, a
missing type becomes "other".
"""

from __future__ import annotations

import json
from typing import Any

from ditmap.model import DitMap

DIRECTION_FIELD = "Ditmap Direction"


def kumu_dict(m: DitMap) -> dict[str, Any]:
    """The blueprint as a JSON-ready dict."""
    titles = {p.id: p.title for p in m.patterns}
    enacted: dict[str, list[str]] = {}
    for e in m.enactments:
        title = titles.get(e.pattern, e.pattern)
        if title not in enacted.setdefault(e.relationship, []):
            enacted[e.relationship].append(title)
    elements = []
    for p in m.people:
        el: dict[str, Any] = {"id": p.id, "label": p.alias, "type": p.role, "description": p.notes,
                              "tags": [p.role], "Alive": p.alive}
        if p.position is not None:
            el["X"], el["Y"] = p.position.x, p.position.y
        elements.append(el)
    connections = []
    for r in m.relationships:
        src, tgt = (r.target, r.source) if r.direction == "target_to_source" else (r.source, r.target)
        connections.append({
            "id": r.id, "from": src, "to": tgt, "type": r.kind,
            "direction": "mutual" if r.direction == "mutual" else "directed",
            "description": r.notes, "tags": [r.corner, *enacted.get(r.id, [])],
            "Corner": r.corner, "Intensity": r.intensity, "Closeness": r.closeness,
            "Feelings": list(r.feelings), "Communication Style": r.communication_style,
            DIRECTION_FIELD: r.direction, "Patterns": enacted.get(r.id, []),
        })
    return {"elements": elements, "connections": connections}


def kumu_bytes(m: DitMap) -> bytes:
    return (json.dumps(kumu_dict(m), ensure_ascii=False, indent=2) + "\n").encode("utf-8")
