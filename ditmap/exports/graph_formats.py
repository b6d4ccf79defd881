"""GraphML and GEXF: the map as a graph for Gephi, Cytoscape and networkx.

People are nodes (id = person id), relationships are edges (key/id = relationship id; a
`MultiDiGraph`, because two people may have more than one relationship, e.g. past and current).
Every field of `Person` and `Relationship` is kept as an attribute under its model name, except that
`Person.alias` is the node `label` (the name Gephi and Cytoscape display). Encoding rules, the same
in both formats:

- tuples of terms (`feelings`) are JSON arrays in a string, e.g. `["shame", "anger"]`, because a
  term may itself contain `;` or `,`;
- a missing value (`None`, an empty position) is omitted, never written as an empty string;
- `position` becomes `x` and `y` (and `viz:position` in GEXF, so Gephi opens with the map's layout);
- each edge also carries `patterns` (JSON array of the pattern ids enacted in it) and `enactments`
  (JSON array of `{id, pattern, strength, example, session}`), and a `weight` (= intensity) that
  Gephi uses for thickness.

GraphML also holds graph attributes: `client_pseudonym` and `patterns` (JSON array of the pattern
records). Sessions and comments are not graph data and are not exported here.
"""

from __future__ import annotations

import io
import json
from typing import Any

import networkx as nx

from ditmap.model import DitMap


def to_graph(m: DitMap, *, viz: bool = False) -> nx.MultiDiGraph:
    """The people × relationships multigraph with every attribute, encoded as the module says."""
    g = nx.MultiDiGraph(client_pseudonym=m.client.pseudonym,
                        patterns=_json([p.model_dump(mode="json") for p in m.patterns]))
    for p in m.people:
        attrs: dict[str, Any] = {"label": p.alias, "role": p.role, "alive": p.alive}
        if p.notes:
            attrs["notes"] = p.notes
        if p.position is not None:
            attrs["x"], attrs["y"] = float(p.position.x), float(p.position.y)
            if viz:
                attrs["viz"] = {"position": {"x": attrs["x"], "y": -attrs["y"], "z": 0.0}}
        g.add_node(p.id, **attrs)
    by_rel: dict[str, list[dict[str, Any]]] = {}
    for e in m.enactments:
        rec = {"id": e.id, "pattern": e.pattern, "strength": e.strength, "example": e.example,
               "session": e.session}
        by_rel.setdefault(e.relationship, []).append(rec)
    for r in m.relationships:
        enacted = by_rel.get(r.id, [])
        attrs = {
            "id": r.id, "corner": r.corner, "kind": r.kind, "direction": r.direction,
            "intensity": r.intensity, "weight": float(r.intensity), "closeness": r.closeness,
            "feelings": _json(list(r.feelings)), "communication_style": r.communication_style,
            "notes": r.notes,
            "patterns": _json(sorted({e["pattern"] for e in enacted})), "enactments": _json(enacted),
        }
        g.add_edge(r.source, r.target, key=r.id, **{k: v for k, v in attrs.items() if v != ""})
    return g


def graphml_bytes(m: DitMap) -> bytes:
    buf = io.BytesIO()
    nx.write_graphml(to_graph(m), buf, encoding="utf-8", prettyprint=True)
    return buf.getvalue()


def gexf_bytes(m: DitMap) -> bytes:
    g = to_graph(m, viz=True)
    g.graph.clear()  # GEXF has no graph attributes; networkx would drop them anyway
    buf = io.BytesIO()
    nx.write_gexf(g, buf, encoding="utf-8", prettyprint=True)
    return buf.getvalue()


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)
