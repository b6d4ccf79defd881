"""On every sample case the top pattern suggestion is the agreed IPAF, and its reasons quote counts
worked out here straight from the raw JSON (not from the analysis)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ditmap.analysis import analyze
from ditmap.fileformat import load

SAMPLES = Path(__file__).resolve().parent.parent / "sample_data"
NAMES = (
    "complex-trauma-abandonment.ditmap.json",
    "depression-self-critical.ditmap.json",
    "social-anxiety-pleasing.ditmap.json",
)


def raw_counts(doc: dict, pattern_id: str) -> tuple[int, int, list[str], float]:
    """(relationships enacting it, eligible relationships, corners in order, mean strongest strength)."""
    me = next(p["id"] for p in doc["people"] if p["role"] == "self")
    rels = {r["id"]: r for r in doc["relationships"]}
    linked = {e["relationship"] for e in doc["enactments"]}
    eligible = {rid for rid, r in rels.items() if me in (r["source"], r["target"]) or rid in linked}
    strongest: dict[str, int] = {}
    for e in doc["enactments"]:
        if e["pattern"] == pattern_id and e["relationship"] in eligible:
            strongest[e["relationship"]] = max(strongest.get(e["relationship"], 0), e.get("strength", 2))
    corners = [c for c in ("past", "current", "therapy")
               if any(rels[r].get("corner", "current") == c for r in strongest)]
    return len(strongest), len(eligible), corners, sum(strongest.values()) / len(strongest)


@pytest.mark.parametrize("name", NAMES)
def test_top_pattern_is_the_agreed_focus_with_the_right_counts(name):
    path = SAMPLES / name
    doc = json.loads(path.read_text(encoding="utf-8"))
    (agreed,) = [p for p in doc["patterns"] if p["status"] == "agreed"]
    n, total, corners, mean = raw_counts(doc, agreed["id"])
    an = analyze(load(path))
    top = next(s for s in an.suggestions if s.kind == "pattern")
    assert top.id == agreed["id"] and top.label == agreed["title"]
    assert an.suggestions[0] is top  # patterns lead the list
    assert f"enacted in {n} of {total} relationships" in top.reasons.clinician
    assert corners == ["past", "current", "therapy"]  # each sample's focus spans the triangle
    assert "across the past, current and therapy corners" in top.reasons.clinician
    assert f"(mean strength {mean:.1f} of 3)" in top.reasons.clinician
    assert (f"{n} of your {total} important relationships" in top.reasons.client
            or (n == total and f"all {total} of your important relationships" in top.reasons.client))
    assert an.focal_pattern == agreed["id"]


@pytest.mark.parametrize("name", NAMES)
def test_a_sample_map_analysis_is_deterministic(name):
    # (speed is measured in benchmarks/analysis.py, never asserted in tests)
    m = load(SAMPLES / name)
    assert analyze(m).to_dict() == analyze(m).to_dict()
