"""Paths the e2e tests use."""

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "sample_data" / "depression-self-critical.ditmap.json"
