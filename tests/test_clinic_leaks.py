"""No password, token, one-time code, share code or clinical text in any log line or audit row
(issue 12): a whole clinic day through the services, with every logger at DEBUG, then a search."""

from __future__ import annotations

import logging

import pyotp
import pytest

from ditmap.accounts.model import SUPERVISOR, THERAPIST, Identity
from ditmap.fileformat import load
from ditmap.operations import AddItem, UpdateItem
from ditmap.services import maps
from tests.clinic_support import PASSWORD, World

CLINICAL = "HIDDEN-GRIEF-7c1e"  # written into notes, an example, a comment and a name
SAMPLE = "sample_data/depression-self-critical.ditmap.json"


def test_logs_and_the_audit_trail_hold_no_secrets_and_no_clinical_text(tmp_path, caplog):
    caplog.set_level(logging.DEBUG)
    w = World(tmp_path / "leak.sqlite3")
    secrets: list[str] = [PASSWORD, "another long sentence 7"]
    w.accounts.add("ann", PASSWORD, {THERAPIST})
    w.accounts.add("sue", PASSWORD, {SUPERVISOR})
    w.accounts.assign("ann", "sue")
    ann = Identity("ann", frozenset({THERAPIST}), address="10.0.0.5")
    sue = Identity("sue", frozenset({SUPERVISOR}), address="10.0.0.6")
    token = w.accounts.sign_in("ann", PASSWORD, "10.0.0.5").token
    secrets.append(token)
    w.accounts.sign_in(PASSWORD, PASSWORD, "10.0.0.5")  # a password typed into the name field
    enrol = w.accounts.sign_in("sue", PASSWORD, "10.0.0.6")
    secret, _ = w.accounts.enrolment(enrol.token)
    code = pyotp.TOTP(secret).at(w.clock.now)
    done = w.accounts.second_step(enrol.token, code, "10.0.0.6")
    secrets += [enrol.token, secret, code, done.token, *done.recovery_codes]

    m = load(SAMPLE)
    info = maps.create_map(ann, w.store, f"Client {CLINICAL}", m)
    v = w.store.version(info.id)
    person = m.people[1].id
    v = maps.apply(ann, w.store, info.id, UpdateItem(kind="person", id=person, changes={"notes": CLINICAL}),
                   base_version=v).version
    v = maps.apply(sue, w.store, info.id, AddItem(kind="comment", item={
        "id": "c-leak", "anchor_kind": "person", "anchor": person, "text": CLINICAL, "author": "sue"}),
        base_version=v).version
    maps.export(ann, w.store, info.id, "pdf-summary", client=False)
    new = w.shares.create(ann, info.id)
    client_token, _ = w.shares.redeem(token=new.token, address="10.0.0.9")
    secrets += [new.token, new.code, new.code.replace("-", ""), client_token]
    w.accounts.change_own_password(w.accounts.live(token), PASSWORD, "another long sentence 7")
    w.shares.end(ann, new.share.id)
    with pytest.raises(PermissionError):  # a refusal is recorded too, without what was tried
        maps.apply(sue, w.store, info.id, UpdateItem(kind="person", id=person, changes={"alias": CLINICAL}),
                   base_version=v)

    rows = w.records.audit_rows()
    assert len(rows) > 12  # the day was recorded …
    trail = "\n".join("|".join(map(str, r.fields())) for r in rows)
    logs = caplog.text
    for text, where in ((trail, "audit trail"), (logs, "logs")):
        for s in secrets:
            assert s not in text, f"a secret is in the {where}"
        assert CLINICAL not in text, f"clinical text is in the {where}"
    assert "sue" in trail and info.id in trail  # … with who and which map, never what
