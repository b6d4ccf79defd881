"""Central people: how much feeling the client's relationship with each person carries (load),
who bridges parts of the client's world, whose relationships carry the pattern enactments.

Load is read off the client's own relationships only (intensity, kind, closeness); relationships
between two other people are reported beside it as context, never added to it, so a distant
father is not said to carry a lot because of his own conflict with the mother. Bridging is read off
the social graph (`graphs.social_graph`), enactments off the pattern graph. The client's own node
is measured too but never suggested: the map is drawn around them, so they are central by
construction.
"""

from __future__ import annotations

import random
from collections import deque
from dataclasses import dataclass

import networkx as nx

from ditmap.analysis.graphs import Links
from ditmap.model import DitMap, Relationship

EXACT_BETWEENNESS_LIMIT = 500
"""Components of the social graph (without the self) larger than this get sampled betweenness."""
BETWEENNESS_SAMPLES = 200
BETWEENNESS_SEED = 0

LOAD_WEIGHT, ENACTMENT_WEIGHT, BRIDGING_WEIGHT = 0.4, 0.4, 0.2

KIND_LOAD: dict[str, float] = {"distant": 0.5, "tenuous": 0.5}
"""Share of a relationship's intensity that counts as load, by kind: a distant or tenuous tie (the
genogram's dotted and dashed lines) carries half; every other kind, including your own words, all."""
CLOSENESS_LOAD: dict[str, float] = {"inner": 1.0, "middle": 0.8, "outer": 0.6}
"""Share by the closeness circle the client put the person in."""
HIGH_LOAD = 3.0
"""From this load up a relationship is said, in plain words, to 'carry a lot of feeling' (e.g.
intensity 4 in the middle circle, or 5 in the outer)."""


@dataclass(frozen=True, slots=True)
class PersonFigures:
    """Everything the analysis says about one person."""

    id: str
    label: str
    role: str
    is_self: bool
    alive: bool
    relationships: int  # relationships they are part of
    load: float  # Σ relationship_load over their relationships with the client (for the self: all of theirs)
    context: tuple[str, ...]  # ids of their relationships with other people (not with the client)
    context_intensity: int  # Σ intensity of those: reported as context, never added to the load
    betweenness: float  # normalised, on the social graph without the self
    enactments: int  # enactment records in their relationships
    links: int  # distinct pattern × relationship links in their relationships
    enactment_load: int  # Σ strongest strength over those links
    patterns: tuple[str, ...]  # ids of the patterns enacted in their relationships
    score: float  # centrality score in [0, 1] (0 for the self)


def relationship_load(r: Relationship) -> float:
    """How much feeling one relationship carries: intensity × kind share × closeness share.

    >>> relationship_load(Relationship(id="r", source="me", target="dad", kind="distant", intensity=3))
    1.2
    >>> relationship_load(Relationship(id="r", source="me", target="mum", intensity=5, closeness="inner"))
    5.0
    """
    return round(r.intensity * KIND_LOAD.get(r.kind, 1.0) * CLOSENESS_LOAD.get(r.closeness, 1.0), 2)


def own_load(m: DitMap, me: str | None) -> dict[str, float]:
    """Each person's load: Σ `relationship_load` over their relationships *with the client* (me).

    The client's own load is the sum over all of theirs. Relationships between two other people add
    nothing (they are context: `PersonFigures.context`). Without a client node nobody has a load.
    """
    out = {p.id: 0.0 for p in m.people}
    if me is None:
        return out
    for r in m.relationships:
        if me not in (r.source, r.target) or r.source == r.target:
            continue
        other = r.target if r.source == me else r.source
        if other in out:
            load = relationship_load(r)
            out[other] = round(out[other] + load, 2)
            out[me] = round(out.get(me, 0.0) + load, 2)
    return out


def bridging_betweenness(g: nx.Graph, exclude: str | None = None, *,
                         exact_limit: int = EXACT_BETWEENNESS_LIMIT,
                         samples: int = BETWEENNESS_SAMPLES, seed: int = BETWEENNESS_SEED) -> dict[str, float]:
    """Betweenness centrality (Freeman 1977) on the social graph with the client's node removed.

    With the self present nearly every shortest path runs through the self, and everyone else
    scores ~0. Without it, betweenness shows who links people who are otherwise connected only
    through the client — e.g. a partner who is the only bridge between the client's family and
    friends. Unweighted (hop counts): intensity is emotional load, not distance. Normalised by
    (n−1)(n−2)/2 over all n people in the graph (self excluded), as networkx's `normalized=True`,
    so a value is the share of pairs of other people whose shortest links pass through that person.

    Brandes' algorithm (2001), run per connected component (betweenness never crosses
    components, so the work is Σ size² over components, not n²): exactly for components of up to
    `exact_limit` people; above that from `samples` source people drawn with a fixed seed and
    scaled up (Brandes & Pich 2007, as networkx's `k=`), so the result is repeatable. The excluded
    node gets 0.

    >>> star = nx.star_graph(4)  # centre 0, leaves 1..4
    >>> round(bridging_betweenness(star)[0], 3), bridging_betweenness(star)[1]
    (1.0, 0.0)
    """
    out = dict.fromkeys(g, 0.0)
    adj = {v: [w for w in nbrs if w != exclude] for v, nbrs in g.adj.items() if v != exclude}
    n = len(adj)
    if n < 3:
        return out
    scale = 1.0 / ((n - 1) * (n - 2))  # pairs are met from both ends: raw/2 · 2/((n-1)(n-2))
    rnd = random.Random(seed)
    seen: set = set()
    for start in adj:
        if start in seen or not adj[start]:
            continue
        comp = _component(adj, start)
        seen.update(comp)
        if len(comp) < 3:
            continue
        sources = comp
        factor = scale
        if len(comp) > exact_limit and samples < len(comp):
            sources = rnd.sample(sorted(comp, key=str), samples)
            factor = scale * len(comp) / samples
        for v, b in _brandes(adj, sources).items():
            out[v] = b * factor
    return out


def _component(adj: dict, start) -> list:
    found = {start}
    order = [start]
    for v in order:
        for w in adj[v]:
            if w not in found:
                found.add(w)
                order.append(w)
    return order


def _brandes(adj: dict, sources) -> dict:
    """Σ over sources of pair dependencies (Brandes 2001), unweighted; undirected pairs count twice."""
    bc: dict = {}
    for s in sources:
        order = []
        preds: dict = {s: []}
        sigma = {s: 1}
        dist = {s: 0}
        queue = deque([s])
        while queue:
            v = queue.popleft()
            order.append(v)
            dv, sv = dist[v] + 1, sigma[v]
            for w in adj[v]:
                dw = dist.get(w)
                if dw is None:
                    dist[w] = dv
                    sigma[w] = sv
                    preds[w] = [v]
                    queue.append(w)
                elif dw == dv:
                    sigma[w] += sv
                    preds[w].append(v)
        delta = dict.fromkeys(order, 0.0)
        for w in reversed(order):
            coeff = (1.0 + delta[w]) / sigma[w]
            for v in preds[w]:
                delta[v] += sigma[v] * coeff
            if w != s:
                bc[w] = bc.get(w, 0.0) + delta[w]
    return bc


def person_figures(m: DitMap, g: nx.Graph, by_relationship: Links, me: str | None) -> tuple[PersonFigures, ...]:
    """Figures for every person, in map order.

    score = 0.4 · load / max load + 0.4 · enactment load / max enactment load
            + 0.2 · betweenness / max betweenness,
    where load is the client's own relationships with them (`own_load`),
    each maximum taken over the people who could be suggested (not the self, not the therapist);
    a term whose maximum is 0 contributes 0. Bridging weighs half as much as the other two
    because the network among other people is usually sparse and only partly drawn.
    """
    load = own_load(m, me)
    between = bridging_betweenness(g, me)
    counts = dict.fromkeys(g, 0)
    records = dict.fromkeys(g, 0)
    links = dict.fromkeys(g, 0)
    e_load = dict.fromkeys(g, 0)
    pats: dict[str, set[str]] = {v: set() for v in g}
    context: dict[str, list[Relationship]] = {v: [] for v in g}
    for r in m.relationships:
        if r.source == r.target or r.source not in counts or r.target not in counts:
            continue
        if me not in (r.source, r.target):
            context[r.source].append(r)
            context[r.target].append(r)
        ps = by_relationship.get(r.id)
        if ps:
            n_records = sum(d["enactments"] for d in ps.values())
            strength = sum(d["weight"] for d in ps.values())
        for v in (r.source, r.target):
            counts[v] += 1
            if ps:
                records[v] += n_records
                links[v] += len(ps)
                e_load[v] += strength
                pats[v].update(ps)
    candidates = [p.id for p in m.people if p.id != me and p.role != "therapist" and p.id in counts]
    max_load = max((load.get(v, 0.0) for v in candidates), default=0.0)
    max_e = max((e_load[v] for v in candidates), default=0)
    max_b = max((between[v] for v in candidates), default=0.0)
    pattern_order = {p.id: i for i, p in enumerate(m.patterns)}
    out = []
    seen: set[str] = set()
    for p in m.people:
        v = p.id
        if v in seen:  # a duplicate id in an unchecked map: measured once
            continue
        seen.add(v)
        score = 0.0
        if v != me and p.role != "therapist":
            score = (LOAD_WEIGHT * (load.get(v, 0.0) / max_load if max_load else 0.0)
                     + ENACTMENT_WEIGHT * (e_load[v] / max_e if max_e else 0.0)
                     + BRIDGING_WEIGHT * (between[v] / max_b if max_b else 0.0))
        out.append(PersonFigures(
            id=v, label=p.alias, role=p.role, is_self=v == me, alive=p.alive,
            relationships=counts[v], load=load.get(v, 0.0), context=tuple(r.id for r in context[v]),
            context_intensity=sum(r.intensity for r in context[v]), betweenness=between[v],
            enactments=records[v], links=links[v], enactment_load=e_load[v],
            patterns=tuple(sorted(pats[v], key=lambda x: pattern_order.get(x, 0))),
            score=round(score, 12)))
    return tuple(out)
