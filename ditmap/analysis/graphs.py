"""The two graphs the analysis reads a map through.

* The **social graph**: people are nodes; two people are linked when they have at least one
  relationship; the edge `weight` is the sum of those relationships' intensities (1–5 each) and
  `relationships` lists their ids. A pair can have several relationships (the same mother in the
  past corner and now), so the weight of the pair is their total emotional load.
* The **pattern graph**: bipartite, patterns on one side and relationships on the other; an edge
  means the pattern is enacted in the relationship. Its `weight` is the strongest strength (1–3)
  noted for that pair, `enactments` how many times it was noted, `sessions` in which sessions.

Node keys of the pattern graph are `("pattern", id)` and `("relationship", id)`, because a
pattern and a relationship may share an id. Items that refer to something missing (a dangling id
in a file that was never checked) are left out rather than guessed at.
"""

from __future__ import annotations

import networkx as nx

from ditmap.model import DitMap

PATTERN = "pattern"
RELATIONSHIP = "relationship"


def self_id(m: DitMap) -> str | None:
    """The id of the client's own node (role `self`), or None when the map has none."""
    me = m.self_person
    return me.id if me is not None else None


def social_graph(m: DitMap) -> nx.Graph:
    """People linked by their relationships, weighted by intensity.

    >>> from ditmap.model import DitMap
    >>> g = social_graph(DitMap.model_validate({"people": [{"id": "a", "alias": "A"}, {"id": "b", "alias": "B"}],
    ...     "relationships": [{"id": "r1", "source": "a", "target": "b", "intensity": 4},
    ...                       {"id": "r2", "source": "b", "target": "a", "corner": "past", "intensity": 2}]}))
    >>> g["a"]["b"]["weight"], g["a"]["b"]["relationships"]
    (6, ['r1', 'r2'])
    """
    people = m.people_by_id
    pairs: dict[tuple[str, str], dict] = {}
    for r in m.relationships:
        s, t = r.source, r.target
        if s == t or s not in people or t not in people:
            continue
        key = (s, t) if s < t else (t, s)
        data = pairs.get(key)
        if data is None:
            pairs[key] = {"weight": r.intensity, "relationships": [r.id]}
        else:
            data["weight"] += r.intensity
            data["relationships"].append(r.id)
    g = nx.Graph()
    g.add_nodes_from((p.id, {"label": p.alias, "role": p.role}) for p in m.people)
    g.add_edges_from((s, t, d) for (s, t), d in pairs.items())
    return g


def pattern_graph(m: DitMap) -> nx.Graph:
    """Patterns × relationships, an edge per pattern enacted in a relationship.

    Edge `weight` = the strongest strength noted for the pair: a pattern shown strongly once in a
    relationship is present there, even if later notes are milder (that change is followed in the
    timeline, not here).

    >>> from ditmap.model import DitMap
    >>> m = DitMap.model_validate({"people": [{"id": "a", "alias": "A"}, {"id": "b", "alias": "B"}],
    ...     "relationships": [{"id": "r1", "source": "a", "target": "b"}],
    ...     "patterns": [{"id": "p1", "title": "P"}],
    ...     "enactments": [{"id": "e1", "pattern": "p1", "relationship": "r1", "strength": 3, "session": 2},
    ...                    {"id": "e2", "pattern": "p1", "relationship": "r1", "strength": 1, "session": 9}]})
    >>> d = pattern_graph(m)[("pattern", "p1")][("relationship", "r1")]
    >>> d["weight"], d["enactments"], d["sessions"]
    (3, 2, [2, 9])
    """
    patterns, rels = m.patterns_by_id, m.relationships_by_id
    links: dict[tuple[str, str], dict] = {}
    for e in m.enactments:
        if e.pattern not in patterns or e.relationship not in rels:
            continue
        key = (e.pattern, e.relationship)
        data = links.get(key)
        if data is None:
            links[key] = {"weight": e.strength, "enactments": 1,
                          "sessions": [] if e.session is None else [e.session]}
        else:
            data["weight"] = max(data["weight"], e.strength)
            data["enactments"] += 1
            if e.session is not None:
                data["sessions"].append(e.session)
    g = nx.Graph()
    g.add_nodes_from(((PATTERN, p.id), {"bipartite": 0, "label": p.title}) for p in m.patterns)
    g.add_nodes_from(((RELATIONSHIP, r.id), {"bipartite": 1, "corner": r.corner}) for r in m.relationships)
    g.add_edges_from(((PATTERN, p), (RELATIONSHIP, r), d) for (p, r), d in links.items())
    return g


Links = dict[str, dict[str, dict]]
"""id → {id on the other side: edge data (`weight`, `enactments`, `sessions`)}."""


def enactment_index(pg: nx.Graph) -> tuple[Links, Links]:
    """The pattern graph as two plain lookups, read once: (by pattern, by relationship).

    `by_pattern[p][r]` and `by_relationship[r][p]` are the same edge data; a pattern or
    relationship with no enactment is absent.
    """
    by_pattern: Links = {}
    by_relationship: Links = {}
    for u, v, d in pg.edges(data=True):
        if u[0] == RELATIONSHIP:
            u, v = v, u
        by_pattern.setdefault(u[1], {})[v[1]] = d
        by_relationship.setdefault(v[1], {})[u[1]] = d
    return by_pattern, by_relationship
