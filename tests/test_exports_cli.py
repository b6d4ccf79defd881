"""`ditmap export`: every format from a sample file, the CSV folder form, and clear failures."""

from __future__ import annotations

import csv
import json
import struct
import subprocess
import sys
import zipfile

import pytest

from ditmap.cli import main
from ditmap.exports import FORMAT_NAMES
from ditmap.exports.importers import read_foreign
from ditmap.fileformat import dumps, load
from ditmap.samples import sample_paths

SAMPLE = sample_paths()[0]


@pytest.mark.parametrize("fmt", FORMAT_NAMES)
def test_export_every_format(tmp_path, fmt, capsys):
    out = tmp_path / f"out.{'zip' if fmt == 'csv' else fmt}"
    assert main(["export", str(SAMPLE), "--format", fmt, "-o", str(out)]) == 0
    data = out.read_bytes()
    assert data
    first = {"svg": b"<?xml", "png": b"\x89PNG", "pdf": b"%PDF", "summary-pdf": b"%PDF", "html": b"<!DOCTYPE html>",
             "csv": b"PK", "graphml": b"<?xml", "gexf": b"<?xml", "json": b"{", "kumu": b"{",
             "summary-md": b"# Formulation summary", "letter-md": b"# Goodbye letter",
             "supervision-pdf": b"%PDF"}[fmt]
    assert data.startswith(first)
    assert "wrote" in capsys.readouterr().out


def test_letter_paper_and_client_options(tmp_path):
    out = tmp_path / "d.png"
    assert main(["export", str(SAMPLE), "-f", "png", "--paper", "letter", "--client", "-o", str(out)]) == 0
    assert struct.unpack(">II", out.read_bytes()[16:24]) == (1650, 1275)


def test_csv_to_a_folder_then_import_back(tmp_path):
    folder = tmp_path / "tables"
    assert main(["export", str(SAMPLE), "-f", "csv", "--private-notes", "-o", str(folder)]) == 0
    with (folder / "people.csv").open(newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert [r["id"] for r in rows] == [p.id for p in load(SAMPLE).people]
    assert dumps(read_foreign(folder, "csv")) == dumps(load(SAMPLE))


def test_private_notes_only_with_the_flag(tmp_path):
    m = load(SAMPLE)
    noted = [s.process_notes for s in m.sessions if s.process_notes]
    assert noted
    plain, private = tmp_path / "a.json", tmp_path / "b.json"
    assert main(["export", str(SAMPLE), "-f", "json", "-o", str(plain)]) == 0
    assert main(["export", str(SAMPLE), "-f", "json", "--private-notes", "-o", str(private)]) == 0
    assert all(s["process_notes"] == "" for s in json.loads(plain.read_text())["sessions"])
    assert private.read_text() == dumps(m)


@pytest.mark.parametrize(("args", "message"), [
    (["-f", "json", "--client"], "ditmap export: Map file (JSON) is a clinician data export and has no client version"),
    (["-f", "svg", "--pattern", "nope"], 'ditmap export: no pattern with id "nope"'),
    (["-f", "svg", "--client", "--private-notes"], "ditmap export: --private-notes cannot be used with --client"),
])
def test_refusals_go_to_stderr_with_exit_1(tmp_path, capsys, args, message):
    out = tmp_path / "x"
    assert main(["export", str(SAMPLE), *args, "-o", str(out)]) == 1
    assert capsys.readouterr().err.startswith(message)
    assert not out.exists()


def test_a_bad_map_file_names_the_file_and_the_problem(tmp_path, capsys):
    bad = tmp_path / "bad.ditmap.json"
    bad.write_text('{"format": "ditmap", "version": 1, "people": [{"id": "a"}]}')
    assert main(["export", str(bad), "-f", "svg", "-o", str(tmp_path / "x.svg")]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert err and all(line.startswith(f"{bad}: ") for line in err)
    assert any("people[0].alias" in line for line in err)


def test_unknown_format_is_a_usage_error():
    proc = subprocess.run([sys.executable, "-m", "ditmap", "export", str(SAMPLE), "-f", "docx", "-o", "x"],
                          capture_output=True, text=True)
    assert proc.returncode == 2 and "invalid choice: 'docx'" in proc.stderr


def test_zip_holds_the_tables(tmp_path):
    out = tmp_path / "t.zip"
    assert main(["export", str(SAMPLE), "-f", "csv", "-o", str(out)]) == 0
    with zipfile.ZipFile(out) as zf:
        assert sorted(zf.namelist()) == ["client.csv", "comments.csv", "enactments.csv", "patterns.csv",
                                         "people.csv", "relationships.csv", "sessions.csv"]
