"""Benchmark: every export format for a synthetic 200-person map.

The map is generated deterministically (seeded): the client, 199 others (each related to the
client), 100 relationships between others, 4 patterns (one agreed, written out), ~150 enactments
with examples, 16 sessions with scores and notes, positions stored (as the app saves them).
Prints, per format, the median of several runs of `export_bytes` and its ratio to
`fileformat.dumps` of the same map, measured in the same process. Run: `python benchmarks/exports.py`.
"""

from __future__ import annotations

import datetime as dt
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from ditmap.exports import FORMATS, export_bytes
from ditmap.fileformat import dumps
from ditmap.layout import place
from ditmap.model import DitMap
from ditmap.vocab import RELATIONSHIP_KINDS

PEOPLE = 200
ROLES = ("mother", "father", "sibling", "partner", "friend", "colleague", "manager", "other")


def synthetic_map(n: int = PEOPLE, seed: int = 1) -> DitMap:
    rnd = random.Random(seed)
    people = [{"id": "self", "alias": "Me", "role": "self"}]
    people += [{"id": f"p{i}", "alias": f"Person {i}", "role": ROLES[i % len(ROLES)], "notes": f"notes {i}"}
               for i in range(1, n)]
    people[-1]["role"] = "therapist"
    rels = []
    for i in range(1, n):
        corner = "therapy" if people[i]["role"] == "therapist" else rnd.choice(("past", "current"))
        rels.append({"id": f"r{i}", "source": "self", "target": f"p{i}", "corner": corner,
                     "kind": rnd.choice(RELATIONSHIP_KINDS), "intensity": rnd.randint(1, 5),
                     "closeness": rnd.choice(("inner", "middle", "outer")), "feelings": ["shame", "anger"]})
    for j in range(n // 2):
        a, b = rnd.sample(range(1, n), 2)
        rels.append({"id": f"x{j}", "source": f"p{a}", "target": f"p{b}", "corner": rnd.choice(("past", "current")),
                     "kind": rnd.choice(RELATIONSHIP_KINDS), "intensity": rnd.randint(1, 5)})
    patterns = [{"id": f"t{k}", "title": f"Pattern {k}", "self_representation": "a burden, not good enough",
                 "other_representation": "critical, about to lose patience", "affects": ["shame", "anxiety/fear"],
                 "defensive_function": "by pleasing and never asking, avoids feeling let down",
                 "client_words": "I'm too much for people", "healthier_alternative": "asking"} for k in range(4)]
    patterns[0].update(status="agreed", agreed_on="2026-01-20")
    enactments = [{"id": f"e{k}", "pattern": f"t{rnd.choice((0, 0, 1, 2, 3))}",
                   "relationship": rnd.choice(rels)["id"], "strength": rnd.randint(1, 3),
                   "example": f"episode {k}: said it was fine and didn't sleep", "session": rnd.randint(1, 16)}
                  for k in range(len(rels) // 2)]
    sessions = [{"id": f"s{k}", "number": k, "date": (dt.date(2026, 1, 5) + dt.timedelta(weeks=k)).isoformat(),
                 "phq9": max(0, 20 - k), "gad7": max(0, 15 - k), "process_notes": f"private {k}"}
                for k in range(1, 17)]
    m = DitMap.model_validate({"client": {"pseudonym": "Bench"}, "people": people, "relationships": rels,
                               "patterns": patterns, "enactments": enactments, "sessions": sessions})
    pos = place(m)
    return m.model_copy(update={"people": tuple(p.model_copy(update={"position": pos[p.id]}) for p in m.people)})


def median_seconds(fn, runs: int) -> float:
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def main() -> None:
    m = synthetic_map()
    print(f"map: {len(m.people)} people, {len(m.relationships)} relationships, {len(m.enactments)} enactments, "
          f"{len(m.sessions)} sessions")
    for f in FORMATS:  # warm-up: imports, fonts, vis-network read
        export_bytes(m, f.name)
    base = median_seconds(lambda: dumps(m), 21)
    print(f"\n{'format':<12} {'median ms':>10} {'× dumps':>9} {'size KB':>9}")
    print(f"{'(baseline)':<12} {base * 1000:>10.1f} {1:>9.1f} {len(dumps(m).encode()) / 1024:>9.0f}")
    for f in FORMATS:
        runs = 5 if f.name in ("svg", "png", "pdf", "summary-pdf") else 9
        secs = median_seconds(lambda f=f: export_bytes(m, f.name), runs)
        size = len(export_bytes(m, f.name)[0])
        print(f"{f.name:<12} {secs * 1000:>10.1f} {secs / base:>9.1f} {size / 1024:>9.0f}")


if __name__ == "__main__":
    main()
