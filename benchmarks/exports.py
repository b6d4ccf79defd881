"""Benchmark: every export format for a synthetic 200-person map.

The map is `benchmarks/common.synthetic_map(200, placed=True)` (seeded): the client, 199 others (each related to the
client), 100 relationships between others, 4 patterns (one agreed, written out), ~150 enactments
with examples, 16 sessions with scores and notes, positions stored (as the app saves them).
Prints, per format, the median of several runs of `export_bytes` and its ratio to
`fileformat.dumps` of the same map, measured in the same process. Run: `python benchmarks/exports.py`.
"""

from __future__ import annotations

from common import median_ms, synthetic_map

from ditmap.exports import FORMATS, export_bytes
from ditmap.fileformat import dumps

PEOPLE = 200


def main() -> None:
    m = synthetic_map(PEOPLE, placed=True)
    print(f"map: {len(m.people)} people, {len(m.relationships)} relationships, {len(m.enactments)} enactments, "
          f"{len(m.sessions)} sessions")
    for f in FORMATS:  # warm-up: imports, fonts, vis-network read
        export_bytes(m, f.name)
    base = median_ms(lambda: dumps(m), 21)
    print(f"\n{'format':<12} {'median ms':>10} {'× dumps':>9} {'size KB':>9}")
    print(f"{'(baseline)':<12} {base:>10.1f} {1:>9.1f} {len(dumps(m).encode()) / 1024:>9.0f}")
    for f in FORMATS:
        runs = 5 if f.name in ("svg", "png", "pdf", "summary-pdf") else 9
        ms = median_ms(lambda f=f: export_bytes(m, f.name), runs)
        size = len(export_bytes(m, f.name)[0])
        print(f"{f.name:<12} {ms:>10.1f} {ms / base:>9.1f} {size / 1024:>9.0f}")


if __name__ == "__main__":
    main()
