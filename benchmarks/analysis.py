"""Benchmark: `ditmap.analysis.analyze` on synthetic maps of 20, 200, 2 000 and 20 000 people.

Maps come from `benchmarks/common.synthetic_map` (seeded): every person has a relationship with the
client, plus half as many relationships again between other people (~1.5 relationships per person),
4 patterns, enactments on ~half of the relationships, 16 sessions with scores. Prints the
median of several runs and, as a baseline measured in the same process, building the social
graph alone (`nx.Graph` construction), with the ratio. Run: `python benchmarks/analysis.py`.
Targets (issue 3): 200 people < 50 ms, 2 000 people < 1 s.
"""

from __future__ import annotations

from common import median_ms, synthetic_map

from ditmap.analysis import analyze
from ditmap.analysis.graphs import social_graph

SIZES = ((20, 31), (200, 15), (2_000, 7), (20_000, 3))  # (people, runs)

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
