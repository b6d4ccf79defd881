"""Maps for the network view's tests and benchmark: a synthetic map of any size, and a hostile one."""

from __future__ import annotations

from ditmap.layout import place
from ditmap.model import DitMap
from ditmap.vocab import RELATIONSHIP_KINDS

PAYLOADS = (
    "<script>window.__pwned=1</script>",
    '<img src=x onerror="window.__pwned=1">',
    "javascript:alert(1)",
    'href="javascript:window.__pwned=1"',
)


def synthetic(n: int) -> DitMap:
    """`n` people around the self, two relationships each on average, every kind and corner, one lit pattern."""
    corners = ("past", "current", "therapy")
    closeness = ("inner", "middle", "outer")
    people = [{"id": "self", "alias": "Me", "role": "self"}]
    people += [{"id": f"p{i}", "alias": f"Person {i}", "role": "friend" if i % 3 else "colleague",
                "notes": f"note {i}"} for i in range(1, n)]
    rels = []
    for i in range(1, n):
        rels.append({"id": f"r{i}", "source": "self", "target": f"p{i}", "corner": corners[i % 3],
                     "kind": RELATIONSHIP_KINDS[i % len(RELATIONSHIP_KINDS)], "intensity": 1 + i % 5,
                     "closeness": closeness[i % 3], "feelings": ["warmth/love"] if i % 2 else []})
        if i > 2 and i % 2 == 0:
            rels.append({"id": f"q{i}", "source": f"p{i}", "target": f"p{i - 1}", "corner": corners[i % 3],
                         "kind": "distant"})
    patterns = [{"id": "pt1", "title": "Pleasing to stay safe"}]
    enactments = [{"id": f"e{i}", "pattern": "pt1", "relationship": f"r{i}", "strength": 1 + i % 3}
                  for i in range(1, n, 4)]
    m = DitMap.model_validate({"people": people, "relationships": rels, "patterns": patterns,
                               "enactments": enactments})
    pos = place(m)
    return m.model_copy(update={"people": tuple(p.model_copy(update={"position": pos[p.id]}) for p in m.people)})


def hostile() -> DitMap:
    """Every text field holds a script payload (ids cannot: the model restricts them)."""
    def t(i: int) -> str:
        return PAYLOADS[i % len(PAYLOADS)]

    people = [{"id": "self", "alias": t(0), "role": "self", "notes": t(1)},
              {"id": "a", "alias": t(1), "role": t(2), "notes": t(3) + " " + t(0)},
              {"id": "b", "alias": t(2), "role": "therapist", "notes": t(0), "alive": False},
              {"id": "c", "alias": t(3), "role": "group or institution", "notes": t(1)}]
    rels = [{"id": "r1", "source": "self", "target": "a", "kind": t(1), "corner": "past",
             "direction": "source_to_target", "feelings": [t(0), t(1)], "communication_style": t(2), "notes": t(3)},
            {"id": "r2", "source": "self", "target": "b", "kind": "close", "corner": "therapy",
             "feelings": [t(3)], "communication_style": t(0), "notes": t(1)},
            {"id": "r3", "source": "c", "target": "self", "kind": t(0), "corner": "current", "notes": t(2)},
            {"id": "r4", "source": "a", "target": "self", "kind": "controlling", "corner": "current"}]
    patterns = [{"id": "pt1", "title": t(0), "self_representation": t(1), "other_representation": t(2),
                 "affects": [t(3)], "defensive_function": t(0), "client_words": t(1), "status": "draft"}]
    enactments = [{"id": "e1", "pattern": "pt1", "relationship": "r1", "strength": 3, "example": t(0)},
                  {"id": "e2", "pattern": "pt1", "relationship": "r3", "strength": 1, "example": t(1)}]
    sessions = [{"id": "s1", "number": 1, "worked_on": t(2), "process_notes": t(0), "homework": t(3)}]
    m = DitMap.model_validate({"client": {"pseudonym": t(0), "therapist": t(1)}, "people": people,
                               "relationships": rels, "patterns": patterns, "enactments": enactments,
                               "sessions": sessions})
    pos = place(m)
    return m.model_copy(update={"people": tuple(p.model_copy(update={"position": pos[p.id]}) for p in m.people)})
