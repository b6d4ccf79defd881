"""After `ditmap db restore`, a version number can recur with other content: no cache may show the old one."""

from __future__ import annotations

import pytest
from app_helpers import all_text, app, open_sample, page, store

from ditmap.operations import UpdateItem


@pytest.fixture(autouse=True)
def _db(tmp_path, monkeypatch):
    monkeypatch.setenv("DITMAP_DB", str(tmp_path / "app.sqlite3"))


def _rename_mother(map_id: str, alias: str) -> int:
    m, v = store().load(map_id)
    mum = next(p for p in m.people if p.role == "mother")
    return store().apply(map_id, UpdateItem(kind="person", id=mum.id, changes={"alias": alias}),
                         base_version=v).version


def test_a_new_session_after_a_restore_sees_the_restored_content_not_a_cached_one(tmp_path):
    before = app()
    map_id = open_sample(before)
    backup = store().backup(tmp_path / "before.sqlite3")

    v_old = _rename_mother(map_id, "Mother-before-restore")
    for name in ("map", "people"):  # fill every process-wide cache: analysis, tables, undo sentence
        page(before, name)
        assert "Mother-before-restore" in all_text(before)

    store().restore(backup)
    v_new = _rename_mother(map_id, "Mam-after-restore")
    assert v_new == v_old  # the same version number, other content

    after = app(map=map_id)
    for name in ("map", "people"):
        page(after, name)
        text = all_text(after)
        assert "Mam-after-restore" in text, name
        assert "Mother-before-restore" not in text, name
