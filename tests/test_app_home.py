"""Maps home: create, upload (validated), samples, rename/duplicate/archive/delete/restore, reopen from the URL."""

from __future__ import annotations

import json

import pytest
from app_helpers import all_text, app, new_map, open_sample, page, sample_json, store


@pytest.fixture(autouse=True)
def _db(tmp_path, monkeypatch):
    monkeypatch.setenv("DITMAP_DB", str(tmp_path / "app.sqlite3"))


def test_create_map_opens_it_with_the_client_and_puts_it_in_the_url():
    at = app()
    at.text_input(key="new_therapist").input("Dr T")
    map_id = new_map(at, "K.")
    assert [t.value for t in at.title] == ["Map"]
    m, _version = store().load(map_id)
    assert (m.client.pseudonym, m.client.therapist) == ("K.", "Dr T")
    assert [p.role for p in m.people] == ["self"]
    assert store().info(map_id).name == "K."


def test_refresh_reopens_the_map_from_the_url():
    map_id = new_map(app(), "R.")
    again = app(map=map_id)  # a new session with only the URL: a refresh or a reopened tab
    assert [t.value for t in again.title] == ["Map"]
    assert again.session_state["map_id"] == map_id


def test_sample_is_imported_as_a_new_map():
    at = app()
    map_id = open_sample(at)
    expected = sample_json()
    m, _ = store().load(map_id)
    assert [p.alias for p in m.people] == [p["alias"] for p in expected["people"]]
    assert len(m.relationships) == len(expected["relationships"])
    assert len(store().list_maps()) == 1


def test_upload_of_a_bad_file_lists_every_problem_and_imports_nothing():
    doc = sample_json()
    doc["relationships"][0]["target"] = "nobody-here"
    doc["people"][1]["alias"] = ""
    at = app()
    at.file_uploader(key="upload_file").set_value(
        ("broken.ditmap.json", json.dumps(doc).encode(), "application/json")).run()
    assert not at.exception
    assert store().list_maps() == []
    text = all_text(at)
    assert "Nothing was imported" in text
    assert "relationships[0].target" in text and "nobody-here" in text
    assert "people[1].alias" in text


def test_upload_of_a_file_with_a_blank_pseudonym_is_refused_in_words():
    doc = sample_json()
    doc["client"]["pseudonym"] = "   "
    at = app()
    at.file_uploader(key="upload_file").set_value(
        ("blank.ditmap.json", json.dumps(doc).encode(), "application/json")).run()
    assert not at.exception and "StoreError" not in all_text(at)
    assert store().list_maps() == []
    text = all_text(at)
    assert "Nothing was imported" in text and "client.pseudonym" in text and "must not be blank" in text


def test_upload_of_a_good_file_opens_it():
    raw = (sample_json("social-anxiety-pleasing"))
    at = app()
    at.file_uploader(key="upload_file").set_value(
        ("case.ditmap.json", json.dumps(raw).encode(), "application/json")).run()
    maps = store().list_maps()
    assert len(maps) == 1
    m, _ = store().load(maps[0].id)
    assert m.client.pseudonym == raw["client"]["pseudonym"]
    assert [t.value for t in at.title] == ["Map"]


def test_rename_duplicate_archive_delete_and_restore():
    at = app()
    map_id = new_map(at, "A.")
    page(at, "home")
    at.text_input(key=f"rename_{map_id}").input("A. (2025)")
    at.button(key=f"do_rename_{map_id}").click().run()
    assert store().info(map_id).name == "A. (2025)"
    at.button(key=f"dup_{map_id}").click().run()
    assert sorted(i.name for i in store().list_maps()) == ["A. (2025)", "A. (2025) (copy)"]
    at.button(key=f"arch_{map_id}").click().run()
    assert store().info(map_id).archived
    assert [i.name for i in store().list_maps()] == ["A. (2025) (copy)"]
    at.checkbox(key="show_archived").check().run()
    at.button(key=f"del_{map_id}").click().run()
    assert store().info(map_id).deleted
    assert at.session_state["map_id"] is None  # the open map was deleted: closed
    at.checkbox(key="show_deleted").check().run()
    at.button(key=f"restore_{map_id}").click().run()
    assert not store().info(map_id).deleted
