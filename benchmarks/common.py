"""What the benchmarks share: median and percentile timers and one deterministic synthetic map.

Run the benchmarks as scripts (`python benchmarks/NAME.py`); this folder is then on `sys.path`.
"""

from __future__ import annotations

import datetime as dt
import random
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from ditmap.layout import place  # noqa: E402
from ditmap.model import DitMap  # noqa: E402
from ditmap.vocab import RELATIONSHIP_KINDS  # noqa: E402

ROLES = ("mother", "father", "sibling", "partner", "friend", "colleague", "manager", "other")


def median_ms(fn: Callable[[], object], runs: int) -> float:
    """The median wall time of `runs` calls, in milliseconds."""
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t) * 1000)
    return statistics.median(times)


def paired_medians(a: Callable[[], float], b: Callable[[], float], runs: int) -> tuple[float, float]:
    """Medians of two measurements taken alternately, so drift on a shared machine hits both alike."""
    xs, ys = [], []
    for _ in range(runs):
        xs.append(a())
        ys.append(b())
    return statistics.median(xs), statistics.median(ys)


def paired_median_ms(fn: Callable[[], object], baseline: Callable[[], object], runs: int) -> tuple[float, float]:
    """Median wall times (ms) of `fn` and `baseline`, timed alternately."""
    def timed(f: Callable[[], object]) -> Callable[[], float]:
        def run() -> float:
            t = time.perf_counter()
            f()
            return (time.perf_counter() - t) * 1000
        return run

    return paired_medians(timed(fn), timed(baseline), runs)


def percentile(xs: list[float], q: float) -> float:
    """The `q` quantile (0–1) of `xs`, nearest rank."""
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(q * len(xs)))]


def timed(fn: Callable[[], object], n: int) -> list[float]:
    """The wall times of `n` calls, in milliseconds."""
    out = []
    for _ in range(n):
        t = time.perf_counter()
        fn()
        out.append((time.perf_counter() - t) * 1000)
    return out


def measure(fn: Callable[[], object], n: int, runs: int) -> tuple[float, float]:
    """(median of the runs' medians, p95 over all samples), in ms: `runs` runs of `n` calls."""
    medians, samples = [], []
    for _ in range(runs):
        s = timed(fn, n)
        medians.append(statistics.median(s))
        samples += s
    return statistics.median(medians), percentile(samples, 0.95)


def synthetic_map(n: int, seed: int = 1, *, placed: bool = False) -> DitMap:
    """A seeded map of `n` people (client and therapist included), written out as a clinician would.

    Everyone is related to the client (the therapist in the therapy corner, others past or current,
    every relationship kind), plus n/2 relationships between others (~1.5 per person); 4 patterns,
    one agreed, with their IPAF fields; an enactment with an example on ~half the relationships
    (the agreed pattern twice as often); 16 sessions with scores and private notes. `placed` stores
    positions from `ditmap.layout.place`, as the app does before drawing.
    """
    rnd = random.Random(seed)
    people = [{"id": "self", "alias": "Me", "role": "self"}]
    people += [{"id": f"p{i}", "alias": f"Person {i}", "role": ROLES[i % len(ROLES)], "notes": f"notes {i}"}
               for i in range(1, n)]
    if n > 1:
        people[-1]["role"] = "therapist"
    rels = []
    for i in range(1, n):
        corner = "therapy" if people[i]["role"] == "therapist" else rnd.choice(("past", "current"))
        rels.append({"id": f"r{i}", "source": "self", "target": f"p{i}", "corner": corner,
                     "kind": rnd.choice(RELATIONSHIP_KINDS), "intensity": rnd.randint(1, 5),
                     "closeness": rnd.choice(("inner", "middle", "outer")), "feelings": ["shame", "anger"]})
    for j in range(n // 2 if n > 2 else 0):
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
    if not placed:
        return m
    pos = place(m)
    return m.model_copy(update={"people": tuple(p.model_copy(update={"position": pos[p.id]}) for p in m.people)})
