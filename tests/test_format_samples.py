"""The shipped sample maps are valid, canonical files: `ditmap validate` accepts them and a save changes nothing."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from ditmap.fileformat import dumps, load
from ditmap.samples import sample_paths

ROOT = Path(__file__).resolve().parent.parent
CONTRACT = ["complex-trauma-abandonment.ditmap.json", "depression-self-critical.ditmap.json",
            "social-anxiety-pleasing.ditmap.json"]


def test_the_three_samples_are_where_the_contract_says() -> None:
    assert [p.name for p in sample_paths()] == CONTRACT
    assert all(p.parent == ROOT / "sample_data" for p in sample_paths())


def test_ditmap_validate_accepts_every_sample() -> None:
    files = [str(p.relative_to(ROOT)) for p in sample_paths()]
    result = subprocess.run([sys.executable, "-m", "ditmap", "validate", *files], capture_output=True, text=True,
                            cwd=ROOT, timeout=60)
    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout.splitlines() == [f"{f}: ok" for f in files]


@pytest.mark.parametrize("path", sample_paths(), ids=lambda p: p.name)
def test_each_sample_is_canonical_so_a_save_is_byte_identical(path: Path) -> None:
    assert dumps(load(path)).encode("utf-8") == path.read_bytes()


@pytest.mark.parametrize("path", sample_paths(), ids=lambda p: p.name)
def test_each_sample_has_the_client_and_therapist_nodes_the_contract_promises(path: Path) -> None:
    m = load(path)
    assert m.self_person is not None and m.self_person.id == "self"
    assert any(p.role == "therapist" for p in m.people)
    assert len(m.agreed_patterns) >= 1
