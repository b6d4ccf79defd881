"""`ditmap validate` and `ditmap info` as a user runs them: a real subprocess, real files."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from broken_files import VALID, cases, write

from ditmap.fileformat import dump
from ditmap.model import DitMap

ROOT = Path(__file__).resolve().parent.parent


def ditmap(*args: str | Path, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "ditmap", *map(str, args)], capture_output=True, text=True,
                          cwd=cwd or ROOT, timeout=60, env=_env())


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    return env


CASES = cases()


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_each_broken_file_exits_1_with_one_line_per_problem_naming_the_place(case, tmp_path: Path) -> None:
    path = write(case, tmp_path)
    result = ditmap("validate", path)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert result.stdout == ""
    assert result.stderr.splitlines() == [f"{path}: {line}" for line in case.lines]


def test_three_faults_give_three_lines() -> None:
    (case,) = [c for c in CASES if c.name == "three faults"]
    assert len(case.lines) == 3 and len({line.split(":")[0] for line in case.lines}) == 3


def test_valid_files_print_ok_and_exit_0(tmp_path: Path) -> None:
    a, b = tmp_path / "a.ditmap.json", tmp_path / "b.ditmap.json"
    a.write_text(json.dumps(VALID), encoding="utf-8")
    dump(DitMap.model_validate(VALID), b)
    result = ditmap("validate", a, b)
    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout.splitlines() == [f"{a}: ok", f"{b}: ok"]


def test_one_bad_file_among_good_ones_exits_1_and_names_only_it(tmp_path: Path) -> None:
    good, missing = tmp_path / "good.ditmap.json", tmp_path / "nowhere.ditmap.json"
    good.write_text(json.dumps(VALID), encoding="utf-8")
    result = ditmap("validate", good, missing, tmp_path)
    assert result.returncode == 1
    assert result.stdout.splitlines() == [f"{good}: ok"]
    assert result.stderr.splitlines() == [f"{missing}: no such file", f"{tmp_path}: this is a folder, not a map file"]


def test_no_file_is_a_usage_error() -> None:
    result = ditmap("validate")
    assert result.returncode == 2
    assert "usage: ditmap validate" in result.stderr and "Traceback" not in result.stderr


def test_info_summarises_client_counts_phase_scores_and_focus(tmp_path: Path) -> None:
    doc = json.loads(json.dumps(VALID))
    doc["patterns"][0].update(self_representation="a burden, not good enough",
                              other_representation="critical, about to lose patience",
                              affects=["shame", "anxiety/fear"],
                              defensive_function="never asking keeps the fear of rejection away")
    doc["patterns"].append({"id": "pt2", "title": "Pleasing"})
    doc["sessions"] += [{"id": "s2", "number": 6, "phq9": 12}, {"id": "s3", "number": 5, "phq9": 14, "gad7": 9,
                                                                 "process_notes": "PRIVATE-NOTE"}]
    path = tmp_path / "case.ditmap.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    result = ditmap("info", path)
    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout.splitlines() == [
        "Client: C-7 (therapist Dr K, started 2026-01-06)",
        "3 people, 2 relationships, 2 patterns (1 agreed), 1 enactment, 3 sessions, 1 comment (1 open)",
        "Phase reached: middle (session 6)",
        "Latest scores: PHQ-9 12 (session 6), GAD-7 9 (session 5)",
        "Overall: reliable improvement; still at caseness at the end.",  # PHQ-9 18 → 12: outcome_status
        "Focus “Not good enough” (agreed 2026-02-03): Feeling a burden, not good enough, with others experienced "
        "as critical, about to lose patience — linked by shame and anxiety/fear; defensive function: never asking "
        "keeps the fear of rejection away.",
    ]
    assert "PRIVATE-NOTE" not in result.stdout


def test_info_on_a_broken_file_exits_1_with_the_problems(tmp_path: Path) -> None:
    path = tmp_path / "bad.ditmap.json"
    path.write_text('{"format": "ditmap", "version": 1, "people": [{"id": "a"}]}', encoding="utf-8")
    result = ditmap("info", path)
    assert result.returncode == 1 and result.stdout == ""
    assert result.stderr.splitlines() == [f"{path}: people[0].alias: missing"]
