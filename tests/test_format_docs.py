"""docs/format.md tells the truth: every field is documented, the example is a valid canonical file,
and the sample error lines are exactly what `ditmap validate` prints."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from ditmap.cli import main
from ditmap.fileformat import dumps, loads
from ditmap.model import COLLECTIONS, Client, DitMap

DOC = (Path(__file__).resolve().parent.parent / "docs" / "format.md").read_text(encoding="utf-8")


def _section(heading: str) -> str:
    start = DOC.index(f"## {heading}\n")
    end = DOC.find("\n## ", start + 1)
    return DOC[start:end if end > 0 else None]


@pytest.mark.parametrize(("heading", "model"), [
    ("Top level", DitMap), ("`client`", Client),
    *((f"`{field}[]`", model) for field, model in COLLECTIONS.values())])
def test_every_field_is_documented_in_its_section_in_model_order(heading: str, model: type) -> None:
    rows = re.findall(r"^\| `([a-z_0-9]+)` \|", _section(heading), flags=re.M)
    assert rows == list(model.model_fields)


def test_the_example_is_a_valid_canonical_file() -> None:
    example = re.search(r"```json\n(.*?)```", DOC, flags=re.S).group(1)
    m = loads(example)
    assert dumps(m) == example
    assert len(m.people) == 3 and m.agreed_patterns[0].agreed_on.isoformat() == "2026-02-03"


def test_the_documented_problem_lines_are_what_validate_prints(tmp_path, capsys, monkeypatch) -> None:
    doc = {
        "format": "ditmap", "version": 1,
        "people": [{"id": "self", "alias": "Me", "role": "self"}, {"id": "mum", "alias": "Mum", "shoe_size": 4},
                   {"id": "dad"}],
        "relationships": [{"id": "r1", "source": "self", "target": "mum"},
                          {"id": "r2", "source": "mum", "target": "dad"},
                          {"id": "r3", "source": "self", "target": "dad", "corner": "future"},
                          {"id": "r4", "source": "self", "target": "p99", "intensity": 9}],
        "sessions": [{"id": "s1", "number": 1, "phq9": 30}, {"id": "s2", "number": 2, "date": "2026-02-30"}],
        "comments": [{"id": "c1", "anchor_kind": "relationship", "anchor": "r-x", "text": "?"}],
    }
    (tmp_path / "case.ditmap.json").write_text(json.dumps(doc), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert main(["validate", "case.ditmap.json"]) == 1
    documented = re.search(r"```text\n(case\.ditmap\.json.*?)```", DOC, flags=re.S).group(1)
    assert capsys.readouterr().err == documented
