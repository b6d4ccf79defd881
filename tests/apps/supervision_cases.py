"""Cases built the way a therapist builds them, edit by edit over the sessions, for the supervision tests and
benchmark: every session recorded with its scores, people and relationships added as they come up, a
pattern named and agreed, a relationship re-rated, someone removed. So replay and changes have real history.
"""

from __future__ import annotations

import datetime as dt

from ditmap.layout import place
from ditmap.model import DitMap, empty_map
from ditmap.operations import AddItem, AgreePattern, Batch, RemoveItem, UpdateItem
from ditmap.store.base import Store
from ditmap.vocab import RELATIONSHIP_KINDS

CORNERS = ("past", "current", "therapy")
CLOSENESS = ("inner", "middle", "outer")
START = dt.date(2026, 1, 5)


def _people(n: int) -> DitMap:
    """The whole cast (the self and n − 1 others), laid out once so each is added where they will stay."""
    people = [{"id": "self", "alias": "Me", "role": "self"}]
    people += [{"id": f"p{i}", "alias": f"Person {i}", "role": "friend" if i % 3 else "colleague"}
               for i in range(1, n)]
    rels = [{"id": f"r{i}", "source": "self", "target": f"p{i}", "corner": CORNERS[i % 3],
             "kind": RELATIONSHIP_KINDS[i % len(RELATIONSHIP_KINDS)], "intensity": 1 + i % 5,
             "closeness": CLOSENESS[i % 3]} for i in range(1, n)]
    m = DitMap.model_validate({"people": people, "relationships": rels})
    pos = place(m)
    return m.model_copy(update={"people": tuple(p.model_copy(update={"position": pos[p.id]}) for p in m.people)})


def build_case(store: Store, name: str, *, people: int = 13, sessions: int = 16, phq: list[int] | None = None,
               gad: list[int] | None = None, agree_at: int | None = 4, therapist: str = "Dr T",
               pseudonym: str = "C-1", remove_at: int | None = 6) -> str:
    """Create a map and build it over `sessions` sessions; returns its id.

    Session k records its scores, then adds its share of the `people` (with a relationship to the client
    each). The pattern is named in session 2 and agreed in `agree_at`; from session 3 on, each session
    re-rates one relationship's intensity and links the pattern to it; `remove_at` removes the first person.
    """
    cast = _people(people)
    phq = phq or [max(0, 18 - k) for k in range(sessions)]
    gad = gad or [max(0, 13 - k // 2) for k in range(sessions)]
    me = empty_map(pseudonym, therapist)
    mid = store.create_map(name, me).id
    others = list(cast.people[1:])
    per = max(1, -(-len(others) // sessions))

    def write(op) -> None:
        store.apply(mid, op, base_version=store.version(mid), author=therapist)

    for k in range(1, sessions + 1):
        date = START + dt.timedelta(weeks=k - 1)
        write(AddItem(kind="session", item={"id": f"s{k}", "number": k, "date": date.isoformat(),
                                            "phq9": phq[k - 1], "gad7": gad[k - 1],
                                            "worked_on": f"session {k} work"}))
        batch = others[(k - 1) * per: k * per]
        if batch:
            ops = []
            for p in batch:
                ops.append(AddItem(kind="person", item=p.model_dump(mode="json")))
                ops.append(AddItem(kind="relationship", item=cast.relationships_by_id[f"r{p.id[1:]}"].model_dump(
                    mode="json")))
            write(Batch(ops=ops, description=f"Added {len(batch)} people met in session {k}"))
        if k == 2:
            write(AddItem(kind="pattern", item={"id": "pt1", "title": "Pleasing to stay safe",
                                                "self_representation": "a burden"}))
        if agree_at is not None and k == agree_at:
            write(AgreePattern(id="pt1", on=date))
        if k >= 3:
            m, _v = store.load(mid)
            rel = m.relationships[(k * 7) % len(m.relationships)] if m.relationships else None
            if rel is not None:
                write(UpdateItem(kind="relationship", id=rel.id, changes={"intensity": 1 + (rel.intensity % 5)}))
                write(AddItem(kind="enactment", item={"id": f"e{k}", "pattern": "pt1", "relationship": rel.id,
                                                      "strength": 1 + k % 3, "session": k}))
        if remove_at is not None and k == remove_at:
            m, _v = store.load(mid)
            if "p1" in m.people_by_id:
                write(RemoveItem(kind="person", id="p1", cascade=True))
    return mid
