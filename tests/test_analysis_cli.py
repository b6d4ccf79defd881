"""`ditmap analyze FILE [--json]` as a user runs it: a real process on real files."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "sample_data" / "depression-self-critical.ditmap.json"


def run(*args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", "ditmap", "analyze", *args], capture_output=True, text=True,
                          cwd=ROOT, env=env, timeout=60)


def test_json_output_has_ranked_suggestions_with_the_five_keys():
    out = run(str(SAMPLE), "--json")
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert data["suggestions"]
    for s in data["suggestions"]:
        assert set(s) >= {"kind", "id", "label", "score", "reasons"}
        assert s["kind"] in ("pattern", "person", "relationship")
        assert isinstance(s["score"], float) and s["reasons"]["clinician"] and s["reasons"]["client"]
    raw = json.loads(SAMPLE.read_text(encoding="utf-8"))
    agreed = next(p["id"] for p in raw["patterns"] if p["status"] == "agreed")
    assert data["suggestions"][0]["id"] == agreed
    assert {p["id"] for p in data["patterns"]} == {p["id"] for p in raw["patterns"]}
    assert {p["id"] for p in data["people"]} == {p["id"] for p in raw["people"]}
    assert data["outcomes"]["phq9"]["first"] is not None
    assert "process_notes" not in out.stdout


def test_text_output_reads_as_a_report():
    out = run(str(SAMPLE))
    assert out.returncode == 0, out.stderr
    raw = json.loads(SAMPLE.read_text(encoding="utf-8"))
    agreed = next(p["title"] for p in raw["patterns"] if p["status"] == "agreed")
    text = out.stdout
    for heading in ("Suggestions", "Patterns, ranked by recurrence", "People", "Outcomes (PHQ-9 / GAD-7)"):
        assert heading in text
    assert f"1. [pattern] {agreed}" in text
    assert "Clinician: " in text and "Client: " in text


@pytest.mark.parametrize(("content", "expected"), [
    (None, "no such file"),
    ("{not json", "json"),
    ('{"format": "ditmap", "version": 1, "people": [{"id": "a"}]}', "people[0]"),
])
def test_bad_file_exits_1_with_the_problem_on_stderr(tmp_path, content, expected):
    path = tmp_path / "bad.ditmap.json"
    if content is not None:
        path.write_text(content, encoding="utf-8")
    out = run(str(path), "--json")
    assert out.returncode == 1
    assert out.stdout == ""
    assert str(path) in out.stderr and expected.lower() in out.stderr.lower()
