"""Client view: calm plain words, no private notes or clinical terms anywhere, and it stays on."""

from __future__ import annotations

import pytest
from app_helpers import all_text, app, open_sample, page, sample_json, store

from ditmap.operations import UpdateItem
from ditmap.ui.texts import JARGON

CLIENT_PAGES = ("map", "people", "relationships", "patterns", "sessions")


@pytest.fixture(autouse=True)
def _db(tmp_path, monkeypatch):
    monkeypatch.setenv("DITMAP_DB", str(tmp_path / "app.sqlite3"))


def _private_texts() -> list[str]:
    """Each session's process notes in the sample, read with plain json (independent of ditmap)."""
    notes = [s["process_notes"] for s in sample_json()["sessions"] if s.get("process_notes")]
    assert notes, "the sample must hold private notes for this test to mean anything"
    return notes


PIN = "2468"


def _switch_on(at):
    """The therapist turns the client view on; the first time, they choose the PIN that switches it off."""
    at.toggle(key="client_view_toggle").set_value(True).run()
    if "client_view_new_pin" in [t.key for t in at.text_input]:
        at.text_input(key="client_view_new_pin").input(PIN)
        at.text_input(key="client_view_new_pin_again").input(PIN)
        at.button(key="FormSubmitter:client_view_pin_form-Turn on").click().run()
    assert store().clinic().setting("client_view_hold") == at.query_params["map"]  # held by the server


def test_no_private_notes_and_no_jargon_on_any_client_page():
    at = app()
    open_sample(at)
    _switch_on(at)
    for name in CLIENT_PAGES:
        page(at, name)
        assert not at.exception, (name, at.exception)
        text = all_text(at)
        for note in _private_texts():
            assert note[:40] not in text, f"private note shown on {name}"
        lowered = text.lower()
        assert not [j for j in JARGON if j.lower() in lowered], name


def test_clinician_view_does_show_private_notes_on_sessions():
    """The check above is meaningful: the same words are on screen for the clinician."""
    at = app()
    open_sample(at)
    page(at, "sessions")
    assert _private_texts()[0][:40] in all_text(at)


def test_client_view_stays_on_across_pages_and_refresh_and_hides_history():
    at = app()
    map_id = open_sample(at)
    _switch_on(at)
    page(at, "sessions")
    assert [t.value for t in at.title] == ["How things are going"]
    refreshed = app(map=map_id)  # a refresh, without view=client in the address
    assert [t.value for t in refreshed.title] == ["Our map"]
    with pytest.raises(ValueError):
        refreshed.switch_page("ditmap/ui/pages/history.py")  # not a page in the client view
    with pytest.raises(ValueError):
        refreshed.switch_page("ditmap/ui/pages/home.py")  # no list of other clients' maps either
    assert "who_open" not in [b.key for b in refreshed.button]


def test_switching_off_needs_the_therapists_pin():
    at = app()
    open_sample(at)
    _switch_on(at)
    at.button(key="client_view_off").click().run()
    at.text_input(key="client_view_pin").input("0000")
    at.button(key="FormSubmitter:client_view_off_form-Switch off").click().run()
    assert [t.value for t in at.title] == ["Our map"]  # a wrong PIN: still on
    assert "not right" in " ".join(e.value for e in at.sidebar.error)
    at.text_input(key="client_view_pin").input(PIN)  # the form stays for another try
    at.button(key="FormSubmitter:client_view_off_form-Switch off").click().run()
    assert store().clinic().setting("client_view_hold") is None
    assert [t.value for t in at.title] == ["Map"]
    _switch_on(at)  # the PIN is set once: the next time it goes straight on
    assert [t.value for t in at.title] == ["Our map"]


def test_client_exports_are_client_safe_only():
    from ditmap.exports import FORMATS

    at = app()
    open_sample(at)
    at.button(key="export_open").click().run()
    clinician = set(at.selectbox(key="export_format").options)
    assert clinician == {f.label for f in FORMATS}
    _switch_on(at)
    at.button(key="export_open").click().run()
    offered = set(at.selectbox(key="export_format").options)
    assert offered == {f.label for f in FORMATS if f.client_safe}
    assert "export_private" not in [c.key for c in at.checkbox]


def test_user_text_is_never_markup():
    at = app()
    map_id = open_sample(at)
    m, v = store().load(map_id)
    payload = "<img src=x onerror=alert(1)> **bold** [link](http://example.org)"
    store().apply(map_id, UpdateItem(kind="pattern", id=m.patterns[0].id, changes={"title": payload}),
                  base_version=v)
    at.run()
    page(at, "map")
    page(at, "patterns")
    for el in [*at.markdown, *at.caption, *at.error, *at.info, *at.expander]:
        value = getattr(el, "value", None) or getattr(el, "label", "")
        if "onerror" in value:
            assert "\\<img" in value and "\\[link\\]" in value and "\\*\\*bold" in value, value


def test_no_address_and_no_new_session_leaves_the_held_client_view():
    at = app()
    map_id = open_sample(at)
    other = open_sample(app())
    _switch_on(at)
    for query in ({"view": "0"}, {"as": "therapist"}, {"map": other}, {}):
        fresh = app(**query)  # another tab, an edited address, another map's address
        assert [t.value for t in fresh.title] == ["Our map"], query
        assert fresh.query_params["map"] == map_id
        assert "history" not in str(fresh.main) and "home" not in [b.key for b in fresh.button]
