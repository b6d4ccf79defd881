"""Benchmark: reading map files — every broken file of the test battery, a sample, and a ~5 MB map.

In-process: `fileformat.load` per file, median of several runs, with the ratio to a baseline
measured in the same process (loading the depression sample). As a user runs it: `python -m ditmap
validate FILE` as a subprocess, median of a few runs, with the ratio to starting
`python -m ditmap --version` (the interpreter and CLI start-up alone).
Run: `python benchmarks/format_validate.py [--runs 5] [--cli-runs 3]`. Target (issue 2): < 1 s per file.
"""

from __future__ import annotations

import argparse
import contextlib
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from common import median_ms  # noqa: E402

sys.path.insert(0, str(ROOT / "tests"))

from broken_files import cases, write  # noqa: E402

from ditmap.fileformat import MAX_BYTES, MapFileError, dump, load  # noqa: E402
from ditmap.model import DitMap, Person, Relationship  # noqa: E402

SAMPLE = ROOT / "sample_data" / "depression-self-critical.ditmap.json"


def largest_valid_map() -> DitMap:
    """A valid map just under the 5 MB limit: many people, each with a long note and a relationship."""
    note = "Notes about this person, written over several sessions. " * 30
    n = 0
    people = [Person(id="self", alias="Me", role="self")]
    rels = []
    while True:
        n += 1
        people.append(Person(id=f"p{n}", alias=f"Person {n}", role="friend", notes=note))
        rels.append(Relationship(id=f"r{n}", source="self", target=f"p{n}", feelings=("shame", "warmth/love")))
        if n * (len(note) + 600) > MAX_BYTES * 0.95:
            return DitMap(people=tuple(people), relationships=tuple(rels))




def try_load(path: Path) -> None:
    with contextlib.suppress(MapFileError):
        load(path)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--cli-runs", type=int, default=3)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        files = [(c.name, write(c, folder)) for c in cases()]
        big = folder / "largest-valid.ditmap.json"
        dump(largest_valid_map(), big)
        files += [("sample (valid)", SAMPLE), (f"largest valid ({big.stat().st_size / 1e6:.1f} MB)", big)]

        base = median_ms(lambda: load(SAMPLE), args.runs)
        start = statistics.median(
            _timed([sys.executable, "-m", "ditmap", "--version"]) for _ in range(args.cli_runs))
        print(f"baselines: load(sample) {base:.2f} ms in-process; `python -m ditmap --version` {start:.0f} ms")
        print(f"{'file':40} {'load ms':>9} {'× sample':>9} {'CLI ms':>8} {'× start':>8}")
        for name, path in files:
            ms = median_ms(lambda p=path: try_load(p), args.runs)
            cli = statistics.median(_timed([sys.executable, "-m", "ditmap", "validate", str(path)])
                                    for _ in range(args.cli_runs))
            print(f"{name[:40]:40} {ms:9.2f} {ms / base:9.2f} {cli:8.0f} {cli / start:8.2f}")


def _timed(cmd: list[str]) -> float:
    t = time.perf_counter()
    subprocess.run(cmd, capture_output=True, cwd=ROOT, check=False)
    return (time.perf_counter() - t) * 1000


if __name__ == "__main__":
    main()
