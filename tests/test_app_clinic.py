"""Clinic mode through the dashboard (AppTest): the same refusals as the service layer, admin pages,
and a client's device held in its one map's client view. (The browser tests: tests/e2e/test_e2e_clinic.py.)"""

from __future__ import annotations

import pytest
from app_helpers import all_text, app, clinic_session, page, store

from ditmap.accounts.model import Identity
from ditmap.fileformat import load
from tests.clinic_support import FAST

SAMPLE = "sample_data/depression-self-critical.ditmap.json"


@pytest.fixture(autouse=True)
def _db(tmp_path, monkeypatch):
    monkeypatch.setenv("DITMAP_DB", str(tmp_path / "app.sqlite3"))


def _maps():
    s = store()
    ann = s.create_map("Ann's client", load(SAMPLE)).id
    bob = s.create_map("Bob's client", load(SAMPLE)).id
    return ann, bob


def test_a_therapist_sees_only_their_maps_and_is_refused_the_others(monkeypatch):
    ann_map, bob_map = _maps()
    clinic_session(monkeypatch, "bob", {"therapist"}, owns=bob_map)
    store().clinic().set_owner(ann_map, "ann")
    at = app()
    text = all_text(at)
    assert "Bob's client" in text and "Ann's client" not in text
    at = app(map=ann_map)
    assert "This map is not open to you." in [w.value for w in at.warning]
    assert "Ann's client" not in all_text(at) and at.query_params.get("map") != ann_map
    assert [r.outcome for r in store().clinic().audit_rows(actor="bob")][-1] == "refused"


def test_without_a_session_there_is_no_page():
    _maps()
    store().clinic()  # clinic mode on: an account exists
    from ditmap.accounts.signin import Accounts

    Accounts(store().clinic(), hasher=FAST).add("ann", "a long quiet river 42", {"therapist"})
    at = app()
    assert [t.value for t in at.title] == ["Signed out"] and "Ann's client" not in all_text(at)


def test_an_admin_manages_accounts_and_reads_the_audit_trail_but_no_maps(monkeypatch):
    _maps()
    clinic_session(monkeypatch, "root", {"admin"})
    at = app()
    assert [t.value for t in at.title] == ["Accounts"]
    with pytest.raises(ValueError):
        at.switch_page("ditmap/ui/pages/home.py")  # no list of maps for an admin who is not a therapist
    at.text_input(key="acct_name").input("cara")
    at.selectbox(key="acct_role").set_value("therapist")
    at.text_input(key="acct_password").input("a brand new sentence 9")
    at.text_input(key="acct_password_again").input("a brand new sentence 9")
    at.button(key="FormSubmitter:add_account-Add account").click().run()
    assert store().clinic().account("cara") is not None
    page(at, "audit")
    assert [t.value for t in at.title] == ["Audit trail"]
    assert "account-add" in at.dataframe[0].value["what"].tolist()


def test_a_client_device_is_held_in_its_map(monkeypatch):
    ann_map, bob_map = _maps()
    clinic_session(monkeypatch, "ann", {"therapist"}, owns=ann_map)
    c = store().clinic()
    from ditmap.accounts.shares import Shares
    from ditmap.accounts.signin import Accounts
    from ditmap.services.permissions import Gate

    accounts = Accounts(c, hasher=FAST)
    new = Shares(accounts, Gate(c)).create(Identity("ann", frozenset({"therapist"})), ann_map)
    token, _ = Shares(accounts, Gate(c)).redeem(token=new.token)
    monkeypatch.setattr("ditmap.ui.access.cookie_token", lambda: token)
    at = app(map=bob_map, view="0", **{"as": "therapist"})
    assert [t.value for t in at.title] == ["Our map"] and at.query_params["map"] == ann_map
    with pytest.raises(ValueError):
        at.switch_page("ditmap/ui/pages/history.py")
    assert "client_view_off" not in [b.key for b in at.button] and "share_create" not in [b.key for b in at.button]


def _tablet(monkeypatch, map_id: str):
    """A client's device that redeemed a share of `map_id` (made by ann); returns (the share, its Shares)."""
    from ditmap.accounts.shares import Shares
    from ditmap.accounts.signin import Accounts
    from ditmap.services.permissions import Gate

    c = store().clinic()
    shares = Shares(Accounts(c, hasher=FAST), Gate(c))
    new = shares.create(Identity("ann", frozenset({"therapist"})), map_id)
    token, share = shares.redeem(token=new.token)
    monkeypatch.setattr("ditmap.ui.access.cookie_token", lambda: token)
    return share, shares


def _add(at, alias: str):
    at.text_input(key="add_person:alias").input(alias)
    return at.button(key="FormSubmitter:add_person-Add person").click().run()


def test_a_client_adds_a_person_recorded_as_the_client_and_is_told_plainly_what_was_not_saved(monkeypatch):
    ann_map, _ = _maps()
    clinic_session(monkeypatch, "ann", {"therapist"}, owns=ann_map)
    _tablet(monkeypatch, ann_map)
    at = page(app(), "people")
    assert [t.value for t in at.title] == ["People in your life"]
    at = _add(at, "")
    assert any("Nothing was changed" in e.value and "a person needs a name" in e.value for e in at.error)
    at = _add(at, "Newcomer")
    assert "Newcomer" in [p.alias for p in store().load(ann_map)[0].people]
    (row,) = [r for r in store().clinic().audit_rows(map_id=ann_map) if r.action == "edit"]
    assert (row.actor, row.role, row.outcome) == ("client", "client", "ok") and "Newcomer" not in str(row)


def test_an_edit_sent_after_the_share_ended_is_refused_and_recorded(monkeypatch):
    ann_map, _ = _maps()
    clinic_session(monkeypatch, "ann", {"therapist"}, owns=ann_map)
    share, shares = _tablet(monkeypatch, ann_map)
    at = page(app(), "people")
    before = store().version(ann_map)
    shares.end(Identity("ann", frozenset({"therapist"})), share.id)  # *End sharing*, before the tablet's next check
    at = _add(at, "Latecomer")  # the form's callback runs before the page checks the session again
    assert store().version(ann_map) == before
    assert "Latecomer" not in [p.alias for p in store().load(ann_map)[0].people]
    assert [t.value for t in at.title] == ["Signed out"]
    refused = [r for r in store().clinic().audit_rows(map_id=ann_map) if r.outcome == "refused"]
    assert refused and refused[-1].actor == "client" and "session ended" in refused[-1].detail
