"""History (supervision review): edits with who and when, the map at a version, a diff, snapshots."""

from __future__ import annotations

import pytest
from app_helpers import app, open_sample, page, store

from ditmap.operations import UpdateItem


@pytest.fixture(autouse=True)
def _db(tmp_path, monkeypatch):
    monkeypatch.setenv("DITMAP_DB", str(tmp_path / "app.sqlite3"))


def test_history_shows_edits_versions_diff_and_snapshots():
    at = app()
    map_id = open_sample(at)
    m, v = store().load(map_id)
    mum = next(p for p in m.people if p.role == "mother")
    store().apply(map_id, UpdateItem(kind="person", id=mum.id, changes={"alias": "Mother"}), base_version=v,
                  author="Dr T")
    page(at, "history")
    edits = at.dataframe[0].value
    assert list(edits.iloc[0][["version", "who"]]) == [v + 1, "Dr T"]
    assert "Mum" in edits.iloc[0]["what"] and "alias" in edits.iloc[0]["what"]

    at.selectbox(key="diff_from").set_value(v).run()
    at.selectbox(key="diff_to").set_value(v + 1).run()
    diff = next(d.value for d in at.dataframe if "field" in d.value.columns)
    row = diff[diff["field"] == "alias"].iloc[0]
    assert (row["change"], row["before"], row["after"]) == ("changed", "Mum", "Mother")

    at.selectbox(key="history_at").set_value(f"version {v}").run()
    people = next(d.value for d in at.dataframe if "alias" in d.value.columns)
    assert "Mum" in list(people["alias"]) and "Mother" not in list(people["alias"])  # as it was before

    at.text_input(key="snapshot_name").input("end of session 4")
    at.button(key="FormSubmitter:snapshot_form-Take snapshot").click().run()
    assert [(s.name, s.version) for s in store().snapshots(map_id)] == [("end of session 4", v + 1)]


def test_the_name_given_in_who_is_here_is_written_into_the_history():
    at = app()
    map_id = open_sample(at)
    at.button(key="who_open").click().run()
    at.text_input(key="who_name").input("Dr Okafor")
    at.button(key="who_done").click().run()
    assert "Dr Okafor" in next(b.label for b in at.button if b.key == "who_open")  # the sidebar says who
    page(at, "map")
    m, _ = store().load(map_id)
    at.session_state["selected"] = ("person", m.people[1].id)
    at.run()
    form = next(t for t in at.text_input if t.key and t.key.endswith(":alias"))
    form.input("Renamed")
    next(b for b in at.button if b.key and b.key.startswith("FormSubmitter:pf:")).click().run()
    assert store().history(map_id, limit=1)[0].author == "Dr Okafor"
