"""`ditmap user …`, `ditmap supervise`, `ditmap audit …`, and the map commands under clinic mode.

On both back ends: a real SQLite file, and a real PostgreSQL database (`DITMAP_DB=postgresql://…`).
"""

from __future__ import annotations

import io

import pytest
from store_support import raw_execute

from ditmap.cli import main
from ditmap.store import open_store
from tests.clinic_support import PASSWORD

SAMPLE = "sample_data/depression-self-critical.ditmap.json"


@pytest.fixture(params=["sqlite", "postgres"])
def store_db(request, tmp_path, monkeypatch) -> str:
    if request.param == "sqlite":
        where = str(tmp_path / "cli.sqlite3")
    else:
        where = request.getfixturevalue("pg_cluster").new_database()
    monkeypatch.setenv("DITMAP_DB", where)
    return where


def run(capsys, monkeypatch, *argv: str, stdin: str = "") -> tuple[int, str, str]:
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_the_first_account_takes_over_existing_maps_and_turns_clinic_mode_on(store_db, capsys, monkeypatch):
    code, old_id, _ = run(capsys, monkeypatch, "import", SAMPLE)
    assert code == 0
    code, out, _ = run(capsys, monkeypatch, "user", "add", "ann", "--owns-existing-maps", "--password-stdin",
                       stdin=PASSWORD + "\n")
    assert code == 0 and "owner of 1 maps" in out and "clinic mode is on" in out
    clinic = open_store(store_db).clinic()
    assert clinic.owner(old_id.strip()) == "ann"
    assert clinic.account("ann").password_hash.startswith("$argon2id$")
    code, out, _ = run(capsys, monkeypatch, "user", "list")
    assert "ann" in out and "therapist" in out and PASSWORD not in out


def test_passwords_are_never_arguments_and_weak_ones_are_refused(store_db, capsys, monkeypatch):
    with pytest.raises(SystemExit):
        main(["user", "add", "ann", "--password", PASSWORD])
    code, _, err = run(capsys, monkeypatch, "user", "add", "ann", "--password-stdin", stdin="password1234\n")
    assert code == 1 and "too common" in err
    assert not open_store(store_db).clinic().has_accounts()


def test_roles_supervision_and_the_map_commands_obey_the_gate(store_db, tmp_path, capsys, monkeypatch):
    for argv in (("ann",), ("bob",), ("sue", "--role", "supervisor"), ("root", "--admin")):
        assert run(capsys, monkeypatch, "user", "add", *argv, "--password-stdin", stdin=PASSWORD + "\n")[0] == 0
    assert run(capsys, monkeypatch, "supervise", "ann", "--by", "sue")[0] == 0
    code, _, err = run(capsys, monkeypatch, "import", SAMPLE)
    assert code == 1 and "--as THERAPIST" in err
    code, ann_map, _ = run(capsys, monkeypatch, "import", SAMPLE, "--as", "ann")
    ann_map = ann_map.strip()
    assert run(capsys, monkeypatch, "db", "list", "--as", "sue")[1].count(ann_map) == 1
    assert ann_map not in run(capsys, monkeypatch, "db", "list", "--as", "bob")[1]
    assert ann_map not in run(capsys, monkeypatch, "db", "list", "--as", "root")[1]
    code, _, err = run(capsys, monkeypatch, "export-map", ann_map, "-o", str(tmp_path / "x.json"), "--as", "bob")
    assert code == 1 and "not open to you" in err and not (tmp_path / "x.json").exists()
    assert run(capsys, monkeypatch, "export-map", ann_map, "-o", str(tmp_path / "y.json"), "--as", "ann")[0] == 0
    assert run(capsys, monkeypatch, "supervise", "ann", "--by", "sue", "--end")[0] == 0
    assert ann_map not in run(capsys, monkeypatch, "db", "list", "--as", "sue")[1]
    code, out, _ = run(capsys, monkeypatch, "audit", "list", "--map", ann_map)
    assert [line.split("\t")[5] for line in out.splitlines()] == ["create", "refused", "export"]
    code, out, _ = run(capsys, monkeypatch, "audit", "list", "--user", "bob")
    assert out.count("\trefused\t") == 2 and len(out.splitlines()) == 1  # its action and its outcome
    code, out, _ = run(capsys, monkeypatch, "audit", "verify")
    assert code == 0 and "intact" in out


def test_disable_enable_reset(store_db, capsys, monkeypatch):
    run(capsys, monkeypatch, "user", "add", "ann", "--password-stdin", stdin=PASSWORD + "\n")
    assert run(capsys, monkeypatch, "user", "disable", "ann")[0] == 0
    assert open_store(store_db).clinic().account("ann").disabled
    assert run(capsys, monkeypatch, "user", "enable", "ann")[0] == 0
    old = open_store(store_db).clinic().account("ann").password_hash
    assert run(capsys, monkeypatch, "user", "reset-password", "ann", "--password-stdin",
               stdin="a brand new sentence 9\n")[0] == 0
    assert open_store(store_db).clinic().account("ann").password_hash != old
    assert run(capsys, monkeypatch, "user", "reset-2fa", "ann")[0] == 0
    code, _, err = run(capsys, monkeypatch, "user", "disable", "nobody")
    assert code == 1 and "no account" in err


def test_audit_verify_names_a_changed_row(store_db, capsys, monkeypatch):
    run(capsys, monkeypatch, "user", "add", "ann", "--password-stdin", stdin=PASSWORD + "\n")
    run(capsys, monkeypatch, "user", "disable", "ann")
    unguard = open_store(store_db).DIALECT.unguard("audit")
    raw_execute(store_db, [*((stmt, ()) for stmt in unguard),
                     ("UPDATE audit SET detail = 'nothing happened' WHERE seq = 2", ())])
    code, _, err = run(capsys, monkeypatch, "audit", "verify")
    assert code == 1 and "row 2" in err and "changed" in err
    code, _, err = run(capsys, monkeypatch, "audit", "list", "--since", "yesterday")
    assert code == 1 and "YYYY-MM-DD" in err
