"""The supervision pack from the command line, for a saved map: `ditmap export-map ID --format supervision-pdf`.

In clinic mode it goes through the one permission check as the acting account (`--as`) and is recorded in the
audit trail (format and version); in personal mode it is made as before, with no trail. Packs are read back
with pypdf. A real SQLite store file each time.
"""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from ditmap.cli import main
from ditmap.operations import AddItem
from ditmap.store import open_store
from tests.clinic_support import PASSWORD

SAMPLE = "sample_data/depression-self-critical.ditmap.json"


def run(capsys, monkeypatch, *argv: str, stdin: str = "") -> tuple[int, str, str]:
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def _text(pdf: bytes) -> str:
    return " ".join(" ".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(pdf)).pages).split())


@pytest.fixture
def db(tmp_path, monkeypatch) -> str:
    where = str(tmp_path / "cli.sqlite3")
    monkeypatch.setenv("DITMAP_DB", where)
    return where


def _add_aunt(db: str, map_id: str) -> int:
    store = open_store(db)
    applied = store.apply(map_id, AddItem(kind="person", item={"id": "p-aunt", "alias": "Aunt J."}),
                          base_version=store.version(map_id), author="ann")
    return applied.version


@pytest.fixture
def clinic(db, capsys, monkeypatch) -> tuple[str, int]:
    """ann and bob (therapists), sue (ann's supervisor); ann's map, reviewed by sue, then changed by ann."""
    for argv in (("ann",), ("bob",), ("sue", "--role", "supervisor")):
        assert run(capsys, monkeypatch, "user", "add", *argv, "--password-stdin", stdin=PASSWORD + "\n")[0] == 0
    assert run(capsys, monkeypatch, "supervise", "ann", "--by", "sue")[0] == 0
    code, out, _ = run(capsys, monkeypatch, "import", SAMPLE, "--as", "ann")
    assert code == 0
    map_id = out.strip()
    store = open_store(db)
    reviewed = store.version(map_id)
    store.record_review(map_id, reviewer="sue", version=reviewed)
    _add_aunt(db, map_id)
    return map_id, reviewed


def test_the_therapist_makes_the_pack_for_their_own_map_and_it_is_recorded(db, clinic, tmp_path, capsys,
                                                                           monkeypatch):
    map_id, reviewed = clinic
    out = tmp_path / "pack.pdf"
    code, said, err = run(capsys, monkeypatch, "export-map", map_id, "--format", "supervision-pdf", "-o", str(out),
                          "--as", "ann")
    assert (code, err) == (0, "") and str(out) in said
    text = _text(out.read_bytes())
    assert f"Compared with the last review (version {reviewed})" in text  # sue's review: what supervision saw
    assert "Aunt J." in text
    store = open_store(db)
    row = store.clinic().audit_rows(map_id=map_id)[-1]
    assert (row.actor, row.action, row.outcome, row.detail) == (
        "ann", "export", "ok", f"supervision-pdf clinician version {store.version(map_id)}")


def test_the_supervisor_makes_it_since_their_own_last_review_or_a_version_asked_for(db, clinic, tmp_path, capsys,
                                                                                     monkeypatch):
    map_id, reviewed = clinic
    out = tmp_path / "pack.pdf"
    assert run(capsys, monkeypatch, "export-map", map_id, "-f", "supervision-pdf", "-o", str(out),
               "--as", "sue")[0] == 0
    assert f"Compared with the last review (version {reviewed})" in _text(out.read_bytes())
    now = open_store(db).version(map_id)
    assert run(capsys, monkeypatch, "export-map", map_id, "-f", "supervision-pdf", "-o", str(out), "--as", "sue",
               "--since", str(now))[0] == 0
    text = _text(out.read_bytes())
    assert f"Compared with version {now}" in text and "Aunt J. added" not in text
    code, _, err = run(capsys, monkeypatch, "export-map", map_id, "-f", "supervision-pdf", "-o", str(out),
                       "--as", "sue", "--since", "999")
    assert code == 1 and "there is no version 999" in err
    code, _, err = run(capsys, monkeypatch, "export-map", map_id, "-f", "pdf", "-o", str(tmp_path / "d.pdf"),
                       "--as", "sue")  # the pack is a supervisor's export; the clinician exports are not
    assert code == 1 and "Supervision is read-only" in err and not (tmp_path / "d.pdf").exists()
    rows = [(r.actor, r.action, r.outcome, r.detail) for r in open_store(db).clinic().audit_rows(map_id=map_id)]
    assert rows.count(("sue", "export", "ok", f"supervision-pdf clinician version {now}")) == 2
    assert rows[-1] == ("sue", "refused", "refused", "export-clinician")


def test_another_therapists_map_is_refused_plainly_recorded_and_nothing_written(db, clinic, tmp_path, capsys,
                                                                                monkeypatch):
    map_id, _ = clinic
    out = tmp_path / "pack.pdf"
    code, said, err = run(capsys, monkeypatch, "export-map", map_id, "--format", "supervision-pdf", "-o", str(out),
                          "--as", "bob")
    assert code == 1 and said == "" and err.strip() == "ditmap: This map is not open to you."
    assert not out.exists()
    row = open_store(db).clinic().audit_rows(map_id=map_id)[-1]
    assert (row.actor, row.action, row.outcome, row.detail) == ("bob", "refused", "refused", "export-supervision")
    code, _, err = run(capsys, monkeypatch, "export-map", "no-such-map", "-f", "supervision-pdf", "-o", str(out),
                       "--as", "bob")
    assert code == 1 and "not open to you" in err  # whether a map exists is not told either


def test_the_operator_is_recorded_by_name(db, clinic, tmp_path, capsys, monkeypatch):
    map_id, _ = clinic
    assert run(capsys, monkeypatch, "export-map", map_id, "-f", "supervision-pdf", "-o",
               str(tmp_path / "p.pdf"))[0] == 0
    row = open_store(db).clinic().audit_rows(map_id=map_id)[-1]
    assert (row.actor, row.role, row.action, row.address) == ("operator", "operator", "export", "cli")


def test_personal_mode_is_unchanged_no_accounts_no_trail(db, tmp_path, capsys, monkeypatch):
    code, out, _ = run(capsys, monkeypatch, "import", SAMPLE)
    map_id = out.strip()
    store = open_store(db)
    store.record_review(map_id, reviewer="therapist", version=store.version(map_id))
    _add_aunt(db, map_id)
    pack = tmp_path / "pack.pdf"
    assert run(capsys, monkeypatch, "export-map", map_id, "-f", "supervision-pdf", "-o", str(pack))[0] == 0
    text = _text(pack.read_bytes())
    assert "Compared with the last review" in text and "Aunt J." in text
    assert run(capsys, monkeypatch, "export-map", map_id, "-o", str(tmp_path / "m.ditmap.json"))[0] == 0
    assert store.clinic().audit_rows() == []
    code, _, err = run(capsys, monkeypatch, "export-map", map_id, "-o", str(tmp_path / "x.pdf"), "--since", "1")
    assert code == 1 and "--since go with --format" in err
    code, _, err = run(capsys, monkeypatch, "export-map", map_id, "-f", "pdf", "-o", str(tmp_path / "x.pdf"),
                       "--since", "1")
    assert code == 1 and "--since is for --format supervision-pdf only" in err
    assert not (tmp_path / "x.pdf").exists()
