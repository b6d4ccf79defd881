"""Benchmark: `ditmap.analysis.analyze` on synthetic maps of 20, 200, 2 000 and 20 000 people.

Maps are generated deterministically (seeded): every person has a relationship with the client,
plus half as many relationships again between other people (~1.5 relationships per person),
4 patterns, enactments on ~half of the relationships, 16 sessions with scores. Prints the
median of several runs and, as a baseline measured in the same process, building the social
graph alone (`nx.Graph` construction), with the ratio. Run: `python benchmarks/analysis.py`.
Targets (issue 3): 200 people < 50 ms, 2 000 people < 1 s.
"""

from __future__ import annotations

import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from ditmap.analysis import analyze
from ditmap.analysis.graphs import social_graph
from ditmap.model import DitMap

SIZES = ((20, 31), (200, 15), (2_000, 7), (20_000, 3))  # (people, runs)
CORNERS = ("past", "current", "current", "therapy")
ROLES = ("mother", "father", "sibling", "partner", "friend", "colleague", "manager", "other")


def synthetic_map(n: int, seed: int = 1) -> DitMap:
    """A map of `n` people (the client included), ~1.5n relationships, 4 patterns, ~0.75n enactments."""
    rnd = random.Random(seed)
    people = [{"id": "self", "alias": "Me", "role": "self"}]
    people += [{"id": f"p{i}", "alias": f"P{i}", "role": ROLES[i % len(ROLES)]} for i in range(1, n)]
    people[-1]["role"] = "therapist" if n > 1 else people[-1]["role"]
    rels = []
    for i in range(1, n):
        corner = "therapy" if people[i]["role"] == "therapist" else rnd.choice(CORNERS[:3])
        rels.append({"id": f"r{i}", "source": "self", "target": f"p{i}", "corner": corner,
                     "intensity": rnd.randint(1, 5), "closeness": rnd.choice(("inner", "middle", "outer"))})
    for j in range(n // 2):
        a, b = rnd.sample(range(1, n), 2) if n > 2 else (1, 1)
        if a != b:
            rels.append({"id": f"x{j}", "source": f"p{a}", "target": f"p{b}", "corner": rnd.choice(CORNERS[:2]),
                         "intensity": rnd.randint(1, 5)})
    patterns = [{"id": f"t{k}", "title": f"Pattern {k}"} for k in range(4)]
    patterns[0].update(status="agreed", agreed_on="2026-01-20")
    enactments = [{"id": f"e{k}", "pattern": f"t{rnd.choice((0, 0, 1, 2, 3))}",
                   "relationship": rnd.choice(rels)["id"], "strength": rnd.randint(1, 3),
                   "session": rnd.randint(1, 16)} for k in range(len(rels) // 2)]
    sessions = [{"id": f"s{k}", "number": k, "phq9": max(0, 18 - k), "gad7": max(0, 13 - k // 2)}
                for k in range(1, 17)]
    return DitMap.model_validate({"people": people, "relationships": rels, "patterns": patterns,
                                  "enactments": enactments, "sessions": sessions})


def median_ms(fn, runs: int) -> float:
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times)


def main() -> None:
    print(f"{'people':>7} {'relationships':>13} {'enactments':>10} {'runs':>4} {'analyze ms':>11} "
          f"{'baseline ms':>11} {'ratio':>7}")
    print("  (baseline: building the social graph alone, nx.Graph construction, same process)")
    for n, runs in SIZES:
        m = synthetic_map(n)
        analyze(m)  # warm up imports and caches on the map object
        a = median_ms(lambda m=m: analyze(m), runs)
        b = median_ms(lambda m=m: social_graph(m), runs)
        print(f"{n:>7} {len(m.relationships):>13} {len(m.enactments):>10} {runs:>4} {a:>11.2f} {b:>11.2f} "
              f"{a / b:>7.1f}")


if __name__ == "__main__":
    main()
