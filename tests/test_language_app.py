"""Pacing is editable in the app: the person and relationship forms mark it, the store keeps it, and
saving another field of an unpaced item never writes a `paced` change."""

from __future__ import annotations

import pytest
from app_helpers import app, open_with_person, save, store


@pytest.fixture(autouse=True)
def _db(tmp_path, monkeypatch):
    monkeypatch.setenv("DITMAP_DB", str(tmp_path / "app.sqlite3"))


def _field(at, prefix: str, item_id: str, name: str, widgets):
    return next(w for w in widgets if w.key.startswith(f"{prefix}:{item_id}:") and w.key.endswith(f":{name}"))


def test_a_person_and_a_relationship_can_be_marked_at_the_clients_own_pace():
    at = app()
    map_id, dad, _ = open_with_person(at, "father")
    m = store().load(map_id)[0]
    _field(at, "pf", dad.id, "alias", at.text_input).input("Dad (D.)")
    save(at)
    latest = store().history(map_id, limit=1)[0]
    assert "paced" not in str(latest)  # only the alias changed
    _field(at, "pf", dad.id, "paced", at.checkbox).check()
    save(at)
    assert store().load(map_id)[0].people_by_id[dad.id].paced is True

    rel = next(r for r in m.relationships if dad.id in (r.source, r.target) and r.source != r.target)
    at.session_state["selected"] = ("relationship", rel.id)
    at.run()
    _field(at, "rf", rel.id, "paced", at.checkbox).check()
    save(at)
    after = store().load(map_id)[0]
    assert after.relationships_by_id[rel.id].paced is True and after.is_paced(rel.id)
